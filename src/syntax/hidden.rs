//! Characters that can hide code in a rule file, refused outside string literals.
//!
//! A line of a rule file ends with `\n` (or `\r\n`) and nothing else. A lone `\r`, U+0085 NEXT LINE,
//! U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR end a line in some editors and viewers but
//! not in the grammar, so `rule a: x > 1 # note\rrule b: x < 0` would show two rules and hold one:
//! `b` sits in the comment. Bidirectional controls (U+202A–U+202E, U+2066–U+2069) and the invisible
//! direction marks (U+200E, U+200F, U+061C) reorder how a line is shown, so code can read
//! differently from how it runs (the "trojan source" trick). Outside a string literal (in code and in
//! comments) each is an error at the character, found by [`find`] before the file is parsed. Inside
//! a string they are allowed (a title may quote Arabic or Hebrew text), kept as written by `fmt`, and
//! shown escaped (`\u{202e}`) wherever a title is printed ([`escape`]); a lone `\r` cannot be in a
//! string at all, since a string ends at its line.

use std::borrow::Cow;

use crate::diag::Diag;
use crate::source::{SourceId, Sources, Span};

/// Where the scanner is: in code, in a comment, or in a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Code,
    Comment,
    Str,
}

/// The first character of `text` that could hide code, outside string literals: its byte offset
/// and the character (`'\r'` for a lone carriage return).
pub fn find(text: &str) -> Option<(usize, char)> {
    let mut state = State::Code;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let crlf = c == '\r' && chars.peek().is_some_and(|&(_, n)| n == '\n');
        if c == '\r' && !crlf {
            return Some((i, c));
        }
        state = match (state, c) {
            (State::Str, '\\') => {
                chars.next_if(|&(_, n)| n != '\n' && n != '\r');
                State::Str
            }
            (State::Str, '"') | (_, '\n' | '\r') => State::Code,
            (State::Str, _) => State::Str,
            _ if hides(c) => return Some((i, c)),
            (State::Code, '"') => State::Str,
            (State::Code, '#') => State::Comment,
            (state, _) => state,
        };
    }
    None
}

/// Whether a character is refused outside strings (a lone `\r` aside, which depends on what follows).
fn hides(c: char) -> bool {
    name(c).is_some()
}

/// The Unicode name of a character that could hide code; `None` for every other character.
fn name(c: char) -> Option<&'static str> {
    Some(match c {
        '\r' => "CARRIAGE RETURN",
        '\u{85}' => "NEXT LINE",
        '\u{2028}' => "LINE SEPARATOR",
        '\u{2029}' => "PARAGRAPH SEPARATOR",
        '\u{202A}' => "LEFT-TO-RIGHT EMBEDDING",
        '\u{202B}' => "RIGHT-TO-LEFT EMBEDDING",
        '\u{202C}' => "POP DIRECTIONAL FORMATTING",
        '\u{202D}' => "LEFT-TO-RIGHT OVERRIDE",
        '\u{202E}' => "RIGHT-TO-LEFT OVERRIDE",
        '\u{2066}' => "LEFT-TO-RIGHT ISOLATE",
        '\u{2067}' => "RIGHT-TO-LEFT ISOLATE",
        '\u{2068}' => "FIRST STRONG ISOLATE",
        '\u{2069}' => "POP DIRECTIONAL ISOLATE",
        '\u{200E}' => "LEFT-TO-RIGHT MARK",
        '\u{200F}' => "RIGHT-TO-LEFT MARK",
        '\u{61C}' => "ARABIC LETTER MARK",
        _ => return None,
    })
}

/// Whether a character is a line end other than `\n`.
fn ends_lines_elsewhere(c: char) -> bool {
    matches!(c, '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// Text as it may be printed: every character that could hide code, and every control character
/// but a tab, as its escape (`\u{202e}`); other text as it is.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.chars().map(|c| if needs_escape(c) { shown(c) } else { c.to_string() }).collect())
}

/// Whether [`escape`] escapes a character.
fn needs_escape(c: char) -> bool {
    hides(c) || (c.is_control() && c != '\t')
}

/// A character as its escape: `\u{202e}`.
fn shown(c: char) -> String {
    format!("\\u{{{:x}}}", u32::from(c))
}

/// The error for the character `c` at byte `at` of the rule file `text`, shown as `shown`. The
/// diagnostic points into a copy of the file added to `sources` in which every such character (in
/// strings too) stands as one visible character ([`stand_in`]), so that nothing invisible or
/// line-breaking reaches the terminal and lines and columns stay those of the file.
pub fn diagnostic(text: &str, (at, c): (usize, char), shown: String, sources: &mut Sources) -> Diag {
    let (printable, span) = printable(text, at);
    let file: SourceId = sources.add(shown.clone(), printable);
    let code = format!("U+{:04X}", u32::from(c));
    let name = name(c).unwrap_or("CHARACTER");
    let (message, help) = if c == '\r' {
        (
            format!("`{shown}` holds a carriage return that ends no line"),
            "a line ends with `\\n` or `\\r\\n`; a lone `\\r` ends nothing, so what follows it (in a comment, \
             whole rules) would be hidden: replace it with a line break"
                .to_owned(),
        )
    } else if ends_lines_elsewhere(c) {
        (
            format!("`{shown}` holds a {} outside a string", name.to_lowercase()),
            format!(
                "a line ends with `\\n` or `\\r\\n` only; a {code} ends nothing, so what follows it (in a \
                 comment, whole rules) would be hidden: replace it with a line break"
            ),
        )
    } else {
        (
            format!("`{shown}` holds a bidirectional control character outside a string"),
            format!(
                "it changes the order in which a line is shown, so code can read differently from how it runs \
                 (\"trojan source\"): remove it; inside a string it is allowed and shown as `{}`",
                self::shown(c)
            ),
        )
    };
    let label = format!("{code} {name}, shown as `{}`", stand_in(c));
    Diag::error("hidden-character", message).in_file(file).primary(span, label).with_help(help)
}

/// The visible character that stands for one that could hide code where a file is shown: `␍` for
/// a lone carriage return, `␤` for U+2028 and U+2029, `¶` for U+0085, `¤` for U+061C, `�` for the
/// other bidirectional controls. But for `\r`, each is as long in UTF-8 as the character it stands
/// for, so that a copy of a file with them ([`visible`]) keeps every byte offset.
fn stand_in(c: char) -> char {
    match c {
        '\r' => '\u{240D}',
        '\u{2028}' | '\u{2029}' => '\u{2424}',
        '\u{85}' => '\u{B6}',
        '\u{61C}' => '\u{A4}',
        _ => '\u{FFFD}',
    }
}

/// A file's text as a diagnostic may show it: every character that could hide code or reorder a
/// line (but `\r`, which miette draws as a line end) replaced by its [`stand_in`], of the same length,
/// so that spans into the text still point where they did. Scans for the characters' lead bytes, so
/// a large data file without them costs one pass of `memchr`.
pub fn visible(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let hidden_at = |i: usize| text[i..].chars().next().filter(|&c| c != '\r' && hides(c));
    if !memchr::memchr3_iter(0xE2, 0xC2, 0xD8, bytes).any(|i| hidden_at(i).is_some()) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.chars().map(|c| if c != '\r' && hides(c) { stand_in(c) } else { c }).collect())
}

/// The file's text with every character that could hide code replaced by its [`stand_in`] (a `\r\n`
/// kept), one character for one so that columns do not move, and the span of the character that was
/// at byte `at`.
fn printable(text: &str, at: usize) -> (String, Span) {
    let mut out = String::with_capacity(text.len() + 16);
    let mut span = Span::new(0, 0);
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let start = out.len();
        let crlf = c == '\r' && chars.peek().is_some_and(|&(_, n)| n == '\n');
        out.push(if hides(c) && !crlf { stand_in(c) } else { c });
        if i == at {
            span = Span::new(start, out.len());
        }
    }
    (out, span)
}

#[cfg(test)]
mod tests {
    use super::{escape, find, visible};

    #[test]
    fn finds_what_hides_code_outside_strings_only() {
        assert_eq!(find("rule a: x > 1 # note\rrule b: x < 0"), Some((20, '\r')));
        assert_eq!(find("rule a: x > 1\r\nrule b: x < 0\r\n"), None);
        assert_eq!(find("let a = 1 # \u{2028}let b = 2"), Some((12, '\u{2028}')));
        assert_eq!(find("let a = 1\u{85}"), Some((9, '\u{85}')));
        assert_eq!(find("let a = x # \u{202E} } \u{2066}"), Some((12, '\u{202E}')));
        assert_eq!(find("rule a \"\u{202E}\u{2028}\\\" # still a string \u{2066}\": x > 0 # \"\n"), None);
        assert_eq!(find("rule a \"\u{202E}\"\u{202E}: x > 0"), Some((12, '\u{202E}')));
        // An unterminated string ends at its line: what follows is code again.
        assert_eq!(find("rule a \"open\nlet b = 1 \u{200F}"), Some((23, '\u{200F}')));
        // A `#` inside a string starts no comment, a `"` inside a comment no string.
        assert_eq!(find("# \"\nlet a = 1 \u{061C}"), Some((14, '\u{061C}')));
        // A lone `\r` is refused even in a string, which it would end.
        assert_eq!(find("rule a \"x\ry\": b"), Some((9, '\r')));
    }

    #[test]
    fn escapes_what_could_hide_or_reorder_text() {
        assert_eq!(escape("plain \t text"), "plain \t text");
        assert_eq!(escape("a\u{202E}b\u{2028}c\u{1b}"), "a\\u{202e}b\\u{2028}c\\u{1b}");
    }

    #[test]
    fn a_visible_copy_keeps_every_byte_offset() {
        let text = "a\u{202E}b\u{85}c\u{61C}d\u{2028}e\u{200F}\r\nf\u{2066}";
        let shown = visible(text);
        assert_eq!(shown, "a\u{FFFD}b\u{B6}c\u{A4}d\u{2424}e\u{FFFD}\r\nf\u{FFFD}");
        assert_eq!(shown.len(), text.len());
        assert!(matches!(visible("plain ä € text"), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn what_hides_code_is_never_printed_raw() {
        // the output guard escapes every character a rule file refuses in code (and no report
        // prints one raw): one set could not grow without the other
        let hiding: Vec<char> = (0..=0x10ffff).filter_map(char::from_u32).filter(|&c| super::hides(c)).collect();
        assert_eq!(hiding.len(), 16);
        for c in hiding {
            assert!(crate::escape::is_hostile(c), "{:?} hides code but is printed raw", c);
        }
    }
}
