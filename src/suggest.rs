//! "Did you mean …?": the nearest known name to a misspelt one.
//!
//! Scoring every known name costs a Damerau-Levenshtein distance each: over 100,000 metrics, 400
//! misspelt names took 21 s. So candidates are first bounded from above, in constant time each, by
//! what their lengths and their sets of characters allow (an edit changes the length by at most one
//! and brings in or takes out at most one character); only those whose bound can still beat the best
//! score found are scored, most promising first, and at most [`SCORED`] of them per name.

use std::collections::HashMap;

/// The least similarity (normalised Damerau-Levenshtein) a suggestion must have.
const THRESHOLD: f64 = 0.6;

/// The most candidates scored exactly for one name, whatever the data: a bound on the work.
pub const SCORED: usize = 2_000;

/// The most similar candidate, if any is similar enough (normalised Damerau-Levenshtein ≥ 0.6).
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    did_you_mean_scored(name, candidates).map(|(_, c)| c)
}

/// [`did_you_mean`] with the score, to weigh it against the nearest of other candidates.
pub fn did_you_mean_scored<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<(f64, &'a str)> {
    nearest(name, candidates.into_iter().map(|c| (c, length(c), 0))).0
}

/// The better of two suggestions: the higher score, on a tie the first name in byte order.
pub fn better<'a>(a: Option<(f64, &'a str)>, b: Option<(f64, &'a str)>) -> Option<(f64, &'a str)> {
    match (a, b) {
        (Some(x), Some(y)) => Some(if y.0 > x.0 || (y.0 == x.0 && y.1 < x.1) { y } else { x }),
        (x, y) => x.or(y),
    }
}

/// Known names prepared for many look-ups: grouped by their length and set of characters, so that a
/// look-up bounds each group once (about a thousand groups for 100,000 metric names) and visits only
/// the names of groups that can still score 0.6.
#[derive(Debug, Default)]
pub struct Index<'a> {
    names: Vec<&'a str>,
    groups: Groups,
}

impl<'a> Index<'a> {
    /// Prepares the candidates, once for every look-up.
    pub fn new(candidates: impl IntoIterator<Item = &'a str>) -> Index<'a> {
        let names: Vec<&'a str> = candidates.into_iter().collect();
        Index { groups: Groups::new(names.iter().copied()), names }
    }

    /// The most similar name, ties going to the first in byte order; `None` if none scores 0.6.
    pub fn nearest(&self, name: &str) -> Option<&'a str> {
        self.nearest_counting(name).0
    }

    /// [`Index::nearest`], with how many candidates were scored exactly (at most [`SCORED`]).
    pub fn nearest_counting(&self, name: &str) -> (Option<&'a str>, usize) {
        let (best, scored) = self.groups.nearest(name, |i| self.names[i]);
        (best.map(|(_, c)| c), scored)
    }
}

/// The grouping of an [`Index`], owned apart from the names (by their positions), for a holder of
/// the names to keep beside them: each group's length, character set and names' positions.
#[derive(Debug, Default)]
pub struct Groups(Vec<(usize, u128, Vec<u32>)>);

impl Groups {
    /// Groups names by length and character set, positions counted from 0.
    pub fn new<'a>(names: impl IntoIterator<Item = &'a str>) -> Groups {
        let mut grouped: HashMap<(usize, u128), Vec<u32>> = HashMap::new();
        for (i, name) in names.into_iter().enumerate() {
            grouped.entry((length(name), characters(name))).or_default().push(i as u32);
        }
        let mut groups: Vec<(usize, u128, Vec<u32>)> = grouped.into_iter().map(|((l, c), ids)| (l, c, ids)).collect();
        groups.sort_unstable_by_key(|g| (g.0, g.1));
        Groups(groups)
    }

    /// The name most similar to `name` among those the groups were made of (`name_of` gives the name at a
    /// position), with its score, and how many names were scored exactly.
    pub fn nearest<'a>(&self, name: &str, name_of: impl Fn(usize) -> &'a str) -> (Option<(f64, &'a str)>, usize) {
        let (len, set) = (length(name), characters(name));
        let mut buckets: Vec<Vec<&'a str>> = Vec::new();
        for (c_len, c_set, ids) in &self.0 {
            if let Some(least) = admitted(len, set, *c_len, *c_set) {
                bucket(&mut buckets, least).extend(ids.iter().map(|&i| name_of(i as usize)));
            }
        }
        best_of(name, len, buckets)
    }
}

/// The fewest edits a candidate of this length and character set needs, if it can still score 0.6.
fn admitted(len: usize, set: u128, c_len: usize, c_set: u128) -> Option<usize> {
    let least = least_edits(len, set, c_len, c_set);
    (score_at_most(least, len, c_len) >= THRESHOLD).then_some(least)
}

/// The bucket of candidates needing `least` edits.
fn bucket<'b, 'a>(buckets: &'b mut Vec<Vec<&'a str>>, least: usize) -> &'b mut Vec<&'a str> {
    if buckets.len() <= least {
        buckets.resize_with(least + 1, Vec::new);
    }
    &mut buckets[least]
}

/// The nearest of candidates given with their lengths and character sets (a set of 0 is worked out
/// here, for candidates that pass the test of length), and how many were scored exactly.
fn nearest<'a>(
    name: &str,
    candidates: impl Iterator<Item = (&'a str, usize, u128)>,
) -> (Option<(f64, &'a str)>, usize) {
    let (len, set) = (length(name), characters(name));
    // Candidates by the fewest edits they need at least: bucket `d` holds those needing `d`.
    let mut buckets: Vec<Vec<&'a str>> = Vec::new();
    for (candidate, c_len, c_set) in candidates {
        if score_at_most(len.abs_diff(c_len), len, c_len) < THRESHOLD {
            continue;
        }
        let c_set = if c_set == 0 { characters(candidate) } else { c_set };
        if let Some(least) = admitted(len, set, c_len, c_set) {
            bucket(&mut buckets, least).push(candidate);
        }
    }
    best_of(name, len, buckets)
}

/// Scores the candidates bucket by bucket, fewest edits first, until no later bucket can beat the
/// best found or [`SCORED`] were scored.
fn best_of<'a>(name: &str, len: usize, mut buckets: Vec<Vec<&'a str>>) -> (Option<(f64, &'a str)>, usize) {
    let mut best: Option<(f64, &'a str)> = None;
    let mut scored = 0;
    for (least, bucket) in buckets.iter_mut().enumerate() {
        // Nothing needing `least` edits can beat the best found (a bucket's candidates are at most
        // `least` longer than the name, and the longest scores the most).
        let bound = score_at_most(least, len, len + least);
        if best.is_some_and(|(s, _)| bound < s) {
            break;
        }
        // Only the first (in byte order) of what may still be scored is sorted.
        let room = SCORED - scored;
        if bucket.len() > room {
            bucket.select_nth_unstable(room);
            bucket.truncate(room);
        }
        bucket.sort_unstable();
        for &candidate in bucket.iter() {
            scored += 1;
            let score = strsim::normalized_damerau_levenshtein(name, candidate);
            let better = best.is_none_or(|(s, b)| score > s || (score == s && candidate < b));
            if score >= THRESHOLD && better {
                best = Some((score, candidate));
            }
        }
        if scored == SCORED {
            break;
        }
    }
    (best, scored)
}

/// A name's length in characters (in bytes when it is ASCII, the same and quicker).
fn length(name: &str) -> usize {
    if name.is_ascii() { name.len() } else { name.chars().count() }
}

/// The characters of a name as a set of 128 classes (a character's code modulo 128): two names that
/// differ in a class differ in a character.
fn characters(name: &str) -> u128 {
    let set = if name.is_ascii() {
        name.bytes().fold(0, |set, b| set | 1 << b)
    } else {
        name.chars().fold(0, |set, c| set | 1 << (c as u32 % 128))
    };
    // never 0, which stands for "not worked out yet"
    set | 1
}

/// The fewest edits that can turn one name into the other: at least their difference in length, and
/// at least the classes of characters either has and the other lacks (an edit adds or removes one).
fn least_edits(len: usize, set: u128, c_len: usize, c_set: u128) -> usize {
    let only = |a: u128, b: u128| (a & !b).count_ones() as usize;
    len.abs_diff(c_len).max(only(set, c_set)).max(only(c_set, set))
}

/// The best normalised similarity two names of these lengths can have when `edits` are needed.
fn score_at_most(edits: usize, len: usize, c_len: usize) -> f64 {
    let longest = len.max(c_len);
    if longest == 0 { 1.0 } else { 1.0 - edits as f64 / longest as f64 }
}

#[cfg(test)]
mod tests {
    use super::{Index, did_you_mean};

    #[test]
    fn suggests_the_nearest_name() {
        let names = ["revenue", "operating_income", "net_income"];
        assert_eq!(did_you_mean("revenu", names), Some("revenue"));
        assert_eq!(did_you_mean("net_incme", names), Some("net_income"));
        assert_eq!(did_you_mean("capex", names), None);
    }

    /// The index finds what scoring every name finds.
    #[test]
    fn the_index_agrees_with_scoring_every_name() {
        let names: Vec<String> = (0..3000).map(|i| format!("m{}_{}", i % 97, i * 7919 % 1000)).collect();
        let index = Index::new(names.iter().map(String::as_str));
        for probe in ["m1_7919", "m96_13", "x", "m_1", "m12_0000", "1m_919", "m4_2", "mm"] {
            let mut best: Option<(f64, &str)> = None;
            for c in &names {
                let s = strsim::normalized_damerau_levenshtein(probe, c);
                if s >= 0.6 && best.is_none_or(|(b, n)| s > b || (s == b && c.as_str() < n)) {
                    best = Some((s, c));
                }
            }
            assert_eq!(index.nearest(probe), best.map(|(_, c)| c), "{probe}");
        }
    }

    /// A hundred thousand metric names that share most characters: a look-up scores a bounded number.
    #[test]
    fn a_look_up_scores_a_bounded_number_of_names() {
        let names: Vec<String> = (0..100_000).map(|i| format!("metric_{i:06}_x")).collect();
        let index = Index::new(names.iter().map(String::as_str));
        let (found, scored) = index.nearest_counting("metrik_000123_y");
        assert_eq!(found, Some("metric_000123_x"));
        assert!(scored <= super::SCORED, "{scored}");
    }
}
