//! "Did you mean …?": the nearest known name to a misspelt one.
//!
//! Scoring every known name costs a Damerau-Levenshtein distance each: over 100,000 metrics, 400
//! misspelt names took 21 s. So candidates are first bounded from above, in constant time each, by
//! what their lengths and their sets of characters allow (an edit changes the length by at most one
//! and brings in or takes out at most one character); only those whose bound can still beat the best
//! score found are scored, most promising first, and at most [`SCORED`] of them per name.

/// The least similarity (normalised Damerau-Levenshtein) a suggestion must have.
const THRESHOLD: f64 = 0.6;

/// The most candidates scored exactly for one name, whatever the data: a bound on the work.
pub const SCORED: usize = 2_000;

/// The most similar candidate, if any is similar enough (normalised Damerau-Levenshtein ≥ 0.6).
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    nearest(name, candidates.into_iter().map(|c| (c, length(c), 0))).0
}

/// Known names prepared for many look-ups: each with its length and the set of its characters.
#[derive(Debug, Default)]
pub struct Index<'a> {
    names: Vec<(&'a str, usize, u128)>,
}

impl<'a> Index<'a> {
    /// Prepares the candidates, once for every look-up.
    pub fn new(candidates: impl IntoIterator<Item = &'a str>) -> Index<'a> {
        Index { names: candidates.into_iter().map(|c| (c, length(c), characters(c))).collect() }
    }

    /// The most similar name, ties going to the first in byte order; `None` if none scores 0.6.
    pub fn nearest(&self, name: &str) -> Option<&'a str> {
        self.nearest_counting(name).0
    }

    /// [`Index::nearest`], with how many candidates were scored exactly (at most [`SCORED`]).
    pub fn nearest_counting(&self, name: &str) -> (Option<&'a str>, usize) {
        nearest(name, self.names.iter().copied())
    }
}

/// The nearest of candidates given with their lengths and character sets (a set of 0 is worked out
/// here, for candidates that pass the test of length), and how many were scored exactly.
fn nearest<'a>(name: &str, candidates: impl Iterator<Item = (&'a str, usize, u128)>) -> (Option<&'a str>, usize) {
    let (len, set) = (length(name), characters(name));
    // Candidates by the fewest edits they need at least: bucket `d` holds those needing `d`.
    let mut buckets: Vec<Vec<&'a str>> = Vec::new();
    for (candidate, c_len, c_set) in candidates {
        if score_at_most(len.abs_diff(c_len), len, c_len) < THRESHOLD {
            continue;
        }
        let c_set = if c_set == 0 { characters(candidate) } else { c_set };
        let least = least_edits(len, set, c_len, c_set);
        if score_at_most(least, len, c_len) >= THRESHOLD {
            if buckets.len() <= least {
                buckets.resize_with(least + 1, Vec::new);
            }
            buckets[least].push(candidate);
        }
    }
    best_of(name, len, buckets)
}

/// Scores the candidates bucket by bucket, fewest edits first, until no later bucket can beat the
/// best found or [`SCORED`] were scored.
fn best_of<'a>(name: &str, len: usize, mut buckets: Vec<Vec<&'a str>>) -> (Option<&'a str>, usize) {
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
    (best.map(|(_, c)| c), scored)
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
