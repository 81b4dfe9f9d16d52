//! Unified diffs of two texts by lines, in time near-linear in their length: what `fmt --check` and
//! `tickmark test` show.
//!
//! A minimal diff (Myers) costs the product of the lengths at worst: 80,000 rules that all change
//! took minutes. So the texts are cut first, in linear time, at what they share: the lines equal at
//! both ends, then the lines that occur once in each, in the same order (patience anchors). Each
//! piece between two cuts is diffed minimally if it holds at most [`PIECE_LINES`] lines; a longer
//! one is shown as replaced whole. The result is always a correct diff, minimal where it is cheap.

use std::collections::HashMap;
use std::fmt::Write;

use similar::{Algorithm, DiffOp, DiffableStr, capture_diff, group_diff_ops};

/// The most lines (old and new together) of a piece that is diffed minimally: Myers' work on it is
/// at most their square, so the work of a whole diff is at most this many times its lines.
pub const PIECE_LINES: usize = 1_000;

/// Lines of context around each change.
const CONTEXT: usize = 3;

/// A unified diff of `old` and `new` with `---`/`+++` headers naming them; empty if they are equal.
pub fn unified(old: &str, new: &str, old_name: &str, new_name: &str) -> String {
    let (old_lines, new_lines) = (old.tokenize_lines(), new.tokenize_lines());
    let (ops, _) = ops(&old_lines, &new_lines);
    let mut out = String::new();
    for (i, hunk) in group_diff_ops(ops, CONTEXT).iter().enumerate() {
        if i == 0 {
            let _ = writeln!(out, "--- {old_name}\n+++ {new_name}");
        }
        write_hunk(&mut out, hunk, &old_lines, &new_lines);
    }
    out
}

/// The edit script of two lists of lines, and the work it took: lines compared in linear passes plus,
/// for each piece diffed minimally, the square of its length (a bound on Myers' work).
pub fn ops(old: &[&str], new: &[&str]) -> (Vec<DiffOp>, usize) {
    if old.len() + new.len() <= PIECE_LINES {
        let work = (old.len() + new.len()).pow(2);
        return (capture_diff(Algorithm::Myers, old, 0..old.len(), new, 0..new.len()), work);
    }
    let mut script = Script { old, new, ops: Vec::new(), work: old.len() + new.len() };
    let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let suffix = old[prefix..].iter().rev().zip(new[prefix..].iter().rev()).take_while(|(a, b)| a == b).count();
    script.equal(0, 0, prefix);
    let (old_end, new_end) = (old.len() - suffix, new.len() - suffix);
    let (mut i, mut j) = (prefix, prefix);
    for (a, b) in anchors(&old[prefix..old_end], &new[prefix..new_end]) {
        let (a, b) = (a + prefix, b + prefix);
        script.piece(i..a, j..b);
        script.equal(a, b, 1);
        (i, j) = (a + 1, b + 1);
    }
    script.piece(i..old_end, j..new_end);
    script.equal(old_end, new_end, suffix);
    (script.ops, script.work)
}

/// An edit script being built, piece by piece, from the start of both texts.
struct Script<'a> {
    old: &'a [&'a str],
    new: &'a [&'a str],
    ops: Vec<DiffOp>,
    work: usize,
}

impl Script<'_> {
    /// Adds `len` equal lines, joined to an equal run just before.
    fn equal(&mut self, old_index: usize, new_index: usize, len: usize) {
        if len == 0 {
            return;
        }
        if let Some(DiffOp::Equal { len: last, .. }) = self.ops.last_mut() {
            *last += len;
        } else {
            self.ops.push(DiffOp::Equal { old_index, new_index, len });
        }
    }

    /// Adds the edits between two anchors: minimal for a short piece, else the piece replaced whole.
    fn piece(&mut self, old: std::ops::Range<usize>, new: std::ops::Range<usize>) {
        let (old_len, new_len) = (old.len(), new.len());
        if old_len + new_len <= PIECE_LINES {
            self.work += (old_len + new_len).pow(2);
            for op in capture_diff(Algorithm::Myers, self.old, old, self.new, new) {
                match op {
                    DiffOp::Equal { old_index, new_index, len } => self.equal(old_index, new_index, len),
                    op => self.ops.push(op),
                }
            }
        } else if new_len == 0 {
            self.ops.push(DiffOp::Delete { old_index: old.start, old_len, new_index: new.start });
        } else if old_len == 0 {
            self.ops.push(DiffOp::Insert { old_index: old.start, new_index: new.start, new_len });
        } else {
            self.ops.push(DiffOp::Replace { old_index: old.start, old_len, new_index: new.start, new_len });
        }
    }
}

/// The lines that occur exactly once in each text, as (old, new) positions increasing in both: the
/// longest such chain (patience sorting, `k log k` for `k` unique lines).
fn anchors(old: &[&str], new: &[&str]) -> Vec<(usize, usize)> {
    let mut seen: HashMap<&str, (usize, usize, usize, usize)> = HashMap::new();
    for (i, line) in old.iter().enumerate() {
        let e = seen.entry(line).or_insert((0, 0, i, 0));
        e.0 += 1;
    }
    for (j, line) in new.iter().enumerate() {
        if let Some(e) = seen.get_mut(line) {
            e.1 += 1;
            e.3 = j;
        }
    }
    let mut pairs: Vec<(usize, usize)> =
        seen.into_values().filter(|e| e.0 == 1 && e.1 == 1).map(|e| (e.2, e.3)).collect();
    pairs.sort_unstable();
    longest_chain(&pairs)
}

/// The longest subsequence of `pairs` (sorted by old position) whose new positions increase.
fn longest_chain(pairs: &[(usize, usize)]) -> Vec<(usize, usize)> {
    // tops[k]: the index of the pair ending the best chain of length k + 1 found so far
    let mut tops: Vec<usize> = Vec::new();
    let mut before: Vec<Option<usize>> = vec![None; pairs.len()];
    for (i, &(_, new)) in pairs.iter().enumerate() {
        let k = tops.partition_point(|&t| pairs[t].1 < new);
        before[i] = k.checked_sub(1).map(|k| tops[k]);
        if k == tops.len() {
            tops.push(i);
        } else {
            tops[k] = i;
        }
    }
    let mut chain = Vec::with_capacity(tops.len());
    let mut at = tops.last().copied();
    while let Some(i) = at {
        chain.push(pairs[i]);
        at = before[i];
    }
    chain.reverse();
    chain
}

/// Writes one hunk: its `@@ -a,b +c,d @@` header, then its lines marked ` `, `-` and `+`.
fn write_hunk(out: &mut String, hunk: &[DiffOp], old: &[&str], new: &[&str]) {
    let (Some(first), Some(last)) = (hunk.first(), hunk.last()) else { return };
    let range = |start: usize, end: usize| match end - start {
        1 => format!("{}", start + 1),
        0 => format!("{start},0"),
        len => format!("{},{len}", start + 1),
    };
    let _ = writeln!(
        out,
        "@@ -{} +{} @@",
        range(first.old_range().start, last.old_range().end),
        range(first.new_range().start, last.new_range().end)
    );
    for op in hunk {
        match *op {
            DiffOp::Equal { old_index, len, .. } => lines(out, ' ', &old[old_index..old_index + len]),
            DiffOp::Delete { old_index, old_len, .. } => lines(out, '-', &old[old_index..old_index + old_len]),
            DiffOp::Insert { new_index, new_len, .. } => lines(out, '+', &new[new_index..new_index + new_len]),
            DiffOp::Replace { old_index, old_len, new_index, new_len } => {
                lines(out, '-', &old[old_index..old_index + old_len]);
                lines(out, '+', &new[new_index..new_index + new_len]);
            }
        }
    }
}

/// Writes lines behind a mark; a last line without a line end is ended and marked as such.
fn lines(out: &mut String, mark: char, lines: &[&str]) {
    for line in lines {
        out.push(mark);
        out.push_str(line);
        if !line.ends_with(['\n', '\r']) {
            out.push_str("\n\\ No newline at end of file\n");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{PIECE_LINES, ops, unified};
    use similar::TextDiff;

    #[test]
    fn a_small_diff_is_the_minimal_one_as_before() {
        let (old, new) = ("a\nb\nc\nd\ne\nf\ng\nh\ni\n", "a\nB\nc\nd\ne\nf\ng\nh\ni\nj");
        let expected = TextDiff::from_lines(old, new).unified_diff().context_radius(3).header("x", "x").to_string();
        assert_eq!(unified(old, new, "x", "x"), expected);
        assert_eq!(unified(old, old, "x", "x"), "");
    }

    #[test]
    fn eighty_thousand_changed_lines_take_linear_work() {
        let old: String = (0..80_000).map(|i| format!("rule r{i}: a>{i}\n")).collect();
        let new: String = (0..80_000).map(|i| format!("rule r{i}:\n  a > {i}\n\n")).collect();
        let (o, n) =
            (similar::DiffableStr::tokenize_lines(old.as_str()), similar::DiffableStr::tokenize_lines(new.as_str()));
        let (script, work) = ops(&o, &n);
        assert!(work <= PIECE_LINES * (o.len() + n.len()), "work {work}");
        // applying the script to the old lines gives the new ones
        let mut rebuilt = Vec::new();
        for op in &script {
            rebuilt.extend(op.new_range().map(|j| n[j]));
            if let similar::DiffOp::Equal { old_index, new_index, len } = *op {
                assert_eq!(o[old_index..old_index + len], n[new_index..new_index + len]);
            }
        }
        assert_eq!(rebuilt, n);
    }

    #[test]
    fn far_apart_changes_in_a_long_text_stay_small_hunks() {
        let old: String = (0..50_000).map(|i| format!("line {i}\n")).collect();
        let new = old.replace("line 7\n", "line seven\n").replace("line 49990\n", "line end\n");
        let diff = unified(&old, &new, "x", "x");
        assert_eq!(diff.lines().filter(|l| l.starts_with(['-', '+'])).count(), 6, "{diff}");
        assert!(diff.contains("@@ -5,7 +5,7 @@\n line 4\n line 5\n line 6\n-line 7\n+line seven\n"), "{diff}");
    }
}
