//! Text from input, made safe to print: no control character reaches a terminal or a log raw, and
//! no value is echoed at more than a bounded length.
//!
//! A data file can hold any character in a name or a value (a TOML or JSON `"\u001b"`, a workbook's
//! `_x001B_`), and a terminal obeys some of them: ESC starts sequences that move the cursor, retitle
//! the window or write the clipboard (OSC 52), BEL rings, bidirectional controls reorder what is
//! shown. [`escape_controls`] writes each such character as its Rust escape (`\u{1b}`), used where
//! input is put into a message, and as a last guard on everything printed ([`guard_text`],
//! [`guard_json`]). [`excerpt`] also shortens a value to [`EXCERPT_CHARS`] characters.

use std::borrow::Cow;
use std::fmt::Write as _;

/// The most characters of a value or a line of input quoted in a message; longer ones end in `…`.
pub const EXCERPT_CHARS: usize = 200;

/// Whether a character must not be printed raw: C0 controls (tab and line feed included, where the
/// text is a value), DEL, C1 controls, the line and paragraph separators (U+2028, U+2029: a line end
/// to some viewers, raw in JSON that JavaScript reads), the bidirectional embeddings, overrides and
/// isolates (U+202A–U+202E, U+2066–U+2069) and the invisible direction marks (U+200E, U+200F,
/// U+061C): every character a rule file may not hide code with ([`crate::syntax::hidden`]), so
/// that what is refused in code is never printed raw either.
pub fn is_hostile(c: char) -> bool {
    matches!(
        c,
        '\0'..='\u{1f}'
            | '\u{7f}'..='\u{9f}'
            | '\u{61c}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
    )
}

/// Text with every [hostile](is_hostile) character written as its escape (`\u{1b}`); borrowed when
/// there is none.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_hostile) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push_escaped(&mut out, c, is_hostile);
    }
    Cow::Owned(out)
}

/// A value as quoted in a message: escaped ([`escape_controls`]) and cut after [`EXCERPT_CHARS`]
/// characters with `…` (`a value of 1,000,000 characters` is quoted as its first 200).
pub fn excerpt(text: &str) -> Cow<'_, str> {
    excerpt_of(text, EXCERPT_CHARS)
}

/// [`excerpt`] cut after `chars` characters: for text that describes a value by several of its
/// fields (a filing's form, number and dates), each bounded when read.
pub fn excerpt_of(text: &str, chars: usize) -> Cow<'_, str> {
    match text.char_indices().nth(chars) {
        None => escape_controls(text),
        Some((end, _)) => Cow::Owned(format!("{}…", escape_controls(&text[..end]))),
    }
}

/// Text with every quote (`` `…` ``) longer than [`EXCERPT_CHARS`] characters cut to them with `…`:
/// what a diagnostic says is bounded, whatever value it quotes (a cell of a megabyte).
pub fn bound_quotes(text: String) -> String {
    let long = text.split('`').skip(1).step_by(2).any(|quote| quote.chars().nth(EXCERPT_CHARS).is_some());
    if !long {
        return text;
    }
    let mut out = String::with_capacity(text.len().min(4096));
    for (i, part) in text.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        match part.char_indices().nth(EXCERPT_CHARS) {
            // An odd part is inside quotes (one left open at the end too).
            Some((end, _)) if i % 2 == 1 => {
                out.push_str(&part[..end]);
                out.push('…');
            }
            _ => out.push_str(part),
        }
    }
    out
}

/// Pushes `c`, or its escape where `escape(c)`.
fn push_escaped(out: &mut String, c: char, escape: impl Fn(char) -> bool) {
    if escape(c) {
        let _ = write!(out, "\\u{{{:x}}}", c as u32);
    } else {
        out.push(c);
    }
}

/// The last guard on text written to a terminal or a log (human, github and junit output): every
/// hostile character but the line feeds and tabs that lay the text out is escaped; with `colour`,
/// the colour sequences tickmark draws (`ESC [ digits ; … m`) are kept, and every other escape
/// sequence is escaped.
pub fn guard_text(text: &str, colour: bool) -> Cow<'_, str> {
    let structural = |c: char| c == '\n' || c == '\t';
    if !text.chars().any(|c| is_hostile(c) && !structural(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if let Some(len) = colour_sequence(rest).filter(|_| colour) {
            out.push_str(&rest[..len]);
            rest = &rest[len..];
            continue;
        }
        push_escaped(&mut out, c, |c| is_hostile(c) && !structural(c));
        rest = &rest[c.len_utf8()..];
    }
    Cow::Owned(out)
}

/// The length of the colour sequence (`ESC [ 1 ; 31 m`) `text` starts with, if it starts with one.
pub fn colour_sequence(text: &str) -> Option<usize> {
    let params = text.strip_prefix("\u{1b}[")?;
    let digits = params.bytes().take_while(|b| b.is_ascii_digit() || *b == b';').count();
    (params.as_bytes().get(digits) == Some(&b'm')).then_some(2 + digits + 1)
}

/// The last guard on JSON output (json, sarif): a hostile character that a JSON writer leaves raw
/// (DEL, C1 controls, bidirectional controls; C0 controls are already escaped in strings) is written
/// as the JSON escape `\u0085`, which reads back as the same character. Outside strings JSON holds
/// only ASCII punctuation and white space, so the text stays the same document.
pub fn guard_json(text: &str) -> Cow<'_, str> {
    let raw = |c: char| is_hostile(c) && !matches!(c, '\n' | '\t' | '\r');
    if plain_ascii(text.as_bytes()) || !text.chars().any(raw) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if raw(c) {
            let _ = write!(out, "\\u{:04x}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Whether bytes are printable ASCII and line ends alone, which [`guard_json`] passes as they are:
/// the common case, told without decoding a character.
fn plain_ascii(bytes: &[u8]) -> bool {
    // printable ASCII is the bytes one past which is above 0x20 as a signed byte (a C0 control one
    // past is at most 0x20, DEL and every byte above it wrap to zero or below): one add and one signed
    // compare a lane, where a range of unsigned bytes took two compares in vector registers
    let plain = |b: u8| b.wrapping_add(1).cast_signed() > 0x20 || matches!(b, b'\n' | b'\t' | b'\r');
    // 64 bytes at a time without stopping early, so that the compiler tests them in vector registers
    bytes.chunks(64).all(|chunk| chunk.iter().fold(true, |all, &b| all & plain(b)))
}

thread_local! {
    /// Whether the bytes being written on this thread are a report writer's own ([`write_own`]).
    static OWN: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Writes bytes that a report's writer made and escaped itself (a check's JSON object, a CSV row):
/// every hostile character in their text already an escape, as the guard would write it
/// ([`guard_json`]). A [`JsonGuard`] on the way passes them on without a scan of every byte; a
/// debug build asserts that the guard would leave them as they are. Only this crate's writers may
/// say so; the mark is taken off however the write ends, a panic too.
pub(crate) fn write_own(out: &mut dyn std::io::Write, bytes: &[u8]) -> std::io::Result<()> {
    struct Marked;
    impl Drop for Marked {
        fn drop(&mut self) {
            OWN.set(false);
        }
    }
    OWN.set(true);
    let _marked = Marked;
    out.write_all(bytes)
}

/// A writer whose every write is [`write_own`]: what a report's rows, made by the report's own
/// writers, are written through.
pub(crate) struct Own<'o>(pub &'o mut dyn std::io::Write);

impl std::io::Write for Own<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        write_own(self.0, buf)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// A writer that passes JSON through [`guard_json`] as it is streamed: what `check --format json`
/// writes goes through it, but for the bytes a report's writer escaped itself ([`write_own`]).
/// Bytes are held back only while a character is cut between two writes.
pub struct JsonGuard<W: std::io::Write> {
    inner: W,
    /// The start of a UTF-8 character cut at the end of the last write.
    pending: Vec<u8>,
}

impl<W: std::io::Write> JsonGuard<W> {
    /// Guards a writer.
    pub fn new(inner: W) -> Self {
        JsonGuard { inner, pending: Vec::new() }
    }
}

impl<W: std::io::Write> std::io::Write for JsonGuard<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let own = OWN.get();
        debug_assert!(
            !own || std::str::from_utf8(buf).is_ok_and(|text| matches!(guard_json(text), Cow::Borrowed(_))),
            "a writer's own bytes the guard would change: {:?}",
            String::from_utf8_lossy(buf)
        );
        if self.pending.is_empty() && (own || plain_ascii(buf)) {
            self.inner.write_all(buf)?;
            return Ok(buf.len());
        }
        self.pending.extend_from_slice(buf);
        let (text, cut) = match std::str::from_utf8(&self.pending) {
            Ok(text) => (text, self.pending.len()),
            Err(e) if e.error_len().is_none() => {
                // Safe: the bytes up to `valid_up_to` are UTF-8.
                (std::str::from_utf8(&self.pending[..e.valid_up_to()]).unwrap_or_default(), e.valid_up_to())
            }
            // Not UTF-8 at all: nothing tickmark writes, passed on as it is.
            Err(_) => {
                self.inner.write_all(&self.pending)?;
                self.pending.clear();
                return Ok(buf.len());
            }
        };
        self.inner.write_all(guard_json(text).as_bytes())?;
        self.pending.drain(..cut);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.write_all(&self.pending)?;
        self.pending.clear();
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::{escape_controls, excerpt, guard_json, guard_text};

    /// Bytes written after a writer's own are scanned again, however the own write ended: the
    /// mark that lets them pass unscanned is taken off on an error and on a panic.
    #[test]
    fn the_mark_of_a_writers_own_bytes_ends_with_its_write() {
        struct Failing(bool);
        impl std::io::Write for Failing {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                assert!(super::OWN.get(), "marked while written");
                if self.0 {
                    panic!("a writer that panics");
                }
                Err(std::io::Error::other("a writer that fails"))
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        assert!(super::write_own(&mut Failing(false), b"{}").is_err());
        assert!(!super::OWN.get(), "after an error");
        let panicked = std::panic::catch_unwind(|| super::write_own(&mut Failing(true), b"{}"));
        assert!(panicked.is_err());
        assert!(!super::OWN.get(), "after a panic");
        let mut guard = super::JsonGuard::new(Vec::new());
        std::io::Write::write_all(&mut guard, "\u{202e}".as_bytes()).unwrap();
        assert_eq!(guard.inner, b"\\u202e", "bytes not marked are guarded");
    }

    #[test]
    fn plain_ascii_is_printable_ascii_and_layout_alone() {
        for b in 0..=u8::MAX {
            let expected = (b' '..0x7f).contains(&b) || matches!(b, b'\n' | b'\t' | b'\r');
            assert_eq!(super::plain_ascii(&[b]), expected, "{b:#x}");
            let mut long = vec![b'a'; 130];
            long[97] = b;
            assert_eq!(super::plain_ascii(&long), expected, "{b:#x} in a long text");
        }
    }

    #[test]
    fn control_characters_are_escaped_and_others_kept() {
        assert_eq!(escape_controls("revenue"), "revenue");
        assert_eq!(escape_controls("a\u{1b}]52;c;aGk=\u{7}b"), "a\\u{1b}]52;c;aGk=\\u{7}b");
        assert_eq!(escape_controls("\0\n\t\u{7f}\u{85}\u{202e}é€"), "\\u{0}\\u{a}\\u{9}\\u{7f}\\u{85}\\u{202e}é€");
        // the line separators and the direction marks too, every character a rule file refuses in code
        assert_eq!(
            escape_controls("a\u{2028}b\u{2029}c\u{200e}\u{200f}\u{61c}\u{200d}\u{2027}"),
            "a\\u{2028}b\\u{2029}c\\u{200e}\\u{200f}\\u{61c}\u{200d}\u{2027}"
        );
    }

    #[test]
    fn a_long_value_is_cut_after_two_hundred_characters() {
        let long = "9".repeat(1 << 20);
        let cut = excerpt(&long);
        assert_eq!(cut.chars().count(), 201);
        assert!(cut.ends_with("9…"));
        assert_eq!(excerpt("x\u{7}"), "x\\u{7}");
    }

    #[test]
    fn a_long_quote_in_a_message_is_cut() {
        let message = format!("expected a number, found `{}` in `b`", "a".repeat(1 << 20));
        let bounded = super::bound_quotes(message);
        assert_eq!(bounded, format!("expected a number, found `{}…` in `b`", "a".repeat(200)));
        assert_eq!(super::bound_quotes("`a` and `b`".into()), "`a` and `b`");
    }

    #[test]
    fn the_guard_keeps_layout_and_colour_but_nothing_else() {
        let text = "\u{1b}[1;31merror\u{1b}[0m: `a\u{1b}[2Jb`\n\tc\r\u{7}";
        assert_eq!(guard_text(text, true), "\u{1b}[1;31merror\u{1b}[0m: `a\\u{1b}[2Jb`\n\tc\\u{d}\\u{7}");
        assert_eq!(guard_text(text, false), "\\u{1b}[1;31merror\\u{1b}[0m: `a\\u{1b}[2Jb`\n\tc\\u{d}\\u{7}");
    }

    #[test]
    fn the_json_guard_escapes_what_a_json_writer_leaves_raw() {
        let json = serde_json::to_string("a\u{1b}\u{85}\u{202e}\u{7f}").unwrap();
        let guarded = guard_json(&json);
        assert_eq!(guarded, "\"a\\u001b\\u0085\\u202e\\u007f\"");
        assert_eq!(serde_json::from_str::<String>(&guarded).unwrap(), "a\u{1b}\u{85}\u{202e}\u{7f}");
    }

    #[test]
    fn the_json_guard_streams_what_it_guards_whole() {
        use std::io::Write;
        // ASCII passed on at once, a character cut between writes, a hostile one after it
        let text = "{\"a\": \"x\"}\n\"é\u{85}\u{202e}\"\n{\"b\": 1}\n".as_bytes();
        for cut in 0..text.len() {
            let mut guard = super::JsonGuard::new(Vec::new());
            guard.write_all(&text[..cut]).unwrap();
            guard.write_all(&text[cut..]).unwrap();
            guard.flush().unwrap();
            let whole = guard_json(std::str::from_utf8(text).unwrap()).into_owned();
            assert_eq!(String::from_utf8(guard.inner).unwrap(), whole, "cut at {cut}");
        }
    }
}
