//! The comments of a rule file, for the formatter: the syntax tree has none (the grammar skips them
//! as white space), so [`crate::syntax::comments::scan`] finds them in the text, with their byte
//! offsets, and the formatter puts them back.

pub use crate::syntax::comments::{Comment, scan};

/// Comments sorted by offset, with look-ups by byte range.
#[derive(Debug, Default)]
pub struct Comments {
    pub list: Vec<Comment>,
}

impl Comments {
    /// The indexes of the comments that start strictly inside `start..end`.
    pub fn inside(&self, start: usize, end: usize) -> std::ops::Range<usize> {
        let from = self.list.partition_point(|c| c.start <= start);
        let to = self.list.partition_point(|c| c.start < end);
        from..to.max(from)
    }

    /// The end of `start..end` with trailing blanks and comments left out: the tight end of a span
    /// whose text may carry the trivia pest skipped after it.
    pub fn tight_end(&self, text: &str, start: usize, end: usize) -> usize {
        let mut end = end.min(text.len());
        loop {
            end = start + text[start..end].trim_end().len();
            let within = self.inside(start, end);
            match within.last().map(|i| self.list[i]) {
                Some(c) if c.end >= end => end = c.start,
                _ => return end,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::scan;

    #[test]
    fn finds_comments_outside_strings() {
        let text = "# head\nrule r \"a # b \\\" # c\": x # tail\n  # own\n";
        let found: Vec<(&str, bool)> = scan(text).iter().map(|c| (c.text(text), c.own_line)).collect();
        assert_eq!(found, [("# head", true), ("# tail", false), ("# own", true)]);
    }
}
