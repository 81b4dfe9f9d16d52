//! The comments of a rule file. The syntax tree has none (the grammar skips them as white space), so
//! the formatter finds them in the text itself, with their byte offsets, and puts them back.

/// One `#` comment: where it is, and whether code comes before it on its line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Comment {
    /// The byte offset of its `#`.
    pub start: usize,
    /// The end of its text, trailing blanks left out (the line break is never part of it).
    pub end: usize,
    /// Whether only blanks come before it on its line.
    pub own_line: bool,
}

impl Comment {
    /// The comment's text, from `#` to its last non-blank character.
    pub fn text<'a>(&self, source: &'a str) -> &'a str {
        &source[self.start..self.end]
    }
}

/// Every comment of `text` in order: a `#` outside a string, to the end of its line.
///
/// A string is read as the grammar reads it: from `"` to the next `"` not escaped by `\`, or to the
/// end of its line (an unterminated string is a parse error, so the formatter never sees one).
pub fn scan(text: &str) -> Vec<Comment> {
    let bytes = text.as_bytes();
    let mut comments = Vec::new();
    let mut line_has_code = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => line_has_code = false,
            b'#' => {
                let line_end = text[i..].find('\n').map_or(text.len(), |n| i + n);
                let end = i + text[i..line_end].trim_end().len();
                comments.push(Comment { start: i, end, own_line: !line_has_code });
                i = line_end;
                continue;
            }
            b'"' => {
                line_has_code = true;
                i = string_end(bytes, i + 1);
                continue;
            }
            b' ' | b'\t' | b'\r' => {}
            _ => line_has_code = true,
        }
        i += 1;
    }
    comments
}

/// The offset just after the string whose text starts at `i`: after its closing quote, or at the end
/// of its line.
fn string_end(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() {
        match bytes[i] {
            b'"' => return i + 1,
            b'\n' | b'\r' => return i,
            b'\\' if i + 1 < bytes.len() && !matches!(bytes[i + 1], b'\n' | b'\r') => i += 2,
            _ => i += 1,
        }
    }
    i
}

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
