//! Comments in the text of a rule file: `#` outside a string, to the end of its line. The grammar
//! skips them as white space, so whatever needs them (the formatter, a report quoting a rule's code,
//! a span's tight end) finds them here, read the way the grammar reads them.

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

/// Text without trailing white space and comments: pest lets the white space it skipped before a
/// repetition that then matched nothing trail a pair's text.
///
/// A string or a comment ends with its line, so the last line can be read on its own: the parser
/// asks this of every node, nodes inside nodes, and reading them whole would cost their length each.
pub fn without_trailing_trivia(text: &str) -> &str {
    let mut end = text.trim_end().len();
    loop {
        let line = text[..end].rfind('\n').map_or(0, |i| i + 1);
        match comment_start(&text[line..end]) {
            Some(start) => end = text[..line + start].trim_end().len(),
            None => return &text[..end],
        }
    }
}

/// Where the comment of one line starts, if it has one: its first `#` outside a string, as [`scan`]
/// reads it.
fn comment_start(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => return Some(i),
            b'"' => i = string_end(bytes, i + 1),
            _ => i += 1,
        }
    }
    None
}

/// The code of a piece of a rule file on one line: comments dropped, white space folded. What a
/// report quotes of a rule (`growth(net_income, net_income[-1y]) ~= 40%`).
pub fn code(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for c in scan(text) {
        out.push_str(&text[from..c.start]);
        out.push(' ');
        from = c.end;
    }
    out.push_str(&text[from..]);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::{code, without_trailing_trivia};

    #[test]
    fn comments_are_found_outside_strings_only() {
        let text = "x > 0 # a \"comment\"\n  and y # more\n# after\n\n";
        assert_eq!(without_trailing_trivia(text), "x > 0 # a \"comment\"\n  and y");
        assert_eq!(code(text), "x > 0 and y");
        assert_eq!(code("rule a \"x # y\": b # c"), "rule a \"x # y\": b");
    }

    #[test]
    fn trailing_comments_are_dropped_line_by_line() {
        assert_eq!(without_trailing_trivia("a # one\n  # two\n\n# three\n"), "a");
        assert_eq!(without_trailing_trivia("a\n\"x # y\" # z"), "a\n\"x # y\"");
        assert_eq!(without_trailing_trivia("\"open # still text\n# c"), "\"open # still text");
        assert_eq!(without_trailing_trivia("# only\n# comments"), "");
        assert_eq!(without_trailing_trivia("b # c\r\n"), "b");
        assert_eq!(without_trailing_trivia("b \\\" # in a string\r\n"), "b \\\" # in a string");
    }
}
