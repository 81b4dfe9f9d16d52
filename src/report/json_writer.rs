//! JSON written by hand into a byte buffer, byte for byte as `serde_json` writes it (compact, or
//! pretty-printed at a depth), for the objects a bulk report writes a hundred thousand times: no
//! serialiser state, no `String` a field, a text escaped only where it needs it.

use std::fmt::{Display, Write as _};

/// A JSON writer over a buffer: compact (`{"a":1}`) or pretty as `serde_json` prints it (two spaces
/// a level, `"a": 1`, empty containers `[]` and `{}`), starting at a given indentation.
pub struct JsonWriter<'b> {
    out: &'b mut Vec<u8>,
    /// The spaces of the current level when pretty; `None` when compact.
    indent: Option<usize>,
    /// Whether the container being written has no member yet.
    empty: bool,
}

impl<'b> JsonWriter<'b> {
    /// A compact writer.
    pub fn compact(out: &'b mut Vec<u8>) -> Self {
        JsonWriter { out, indent: None, empty: true }
    }

    /// A writer pretty at `indent` ([`JsonWriter::pretty`]) where it is given, else compact.
    pub fn with_indent(out: &'b mut Vec<u8>, indent: Option<usize>) -> Self {
        JsonWriter { out, indent, empty: true }
    }

    /// A pretty writer whose first value starts a line indented `indent` spaces (its own first line
    /// already positioned there by the caller).
    pub fn pretty(out: &'b mut Vec<u8>, indent: usize) -> Self {
        JsonWriter { out, indent: Some(indent), empty: true }
    }

    /// The indentation of the container being written (`None`: compact).
    pub fn indent(&self) -> Option<usize> {
        self.indent
    }

    /// Opens an object (`{`) or an array (`[`) as the next value.
    pub fn open(&mut self, bracket: u8) {
        self.out.push(bracket);
        self.indent = self.indent.map(|i| i + 2);
        self.empty = true;
    }

    /// Closes the object (`}`) or array (`]`) opened last; its members are all written.
    pub fn close(&mut self, bracket: u8) {
        self.indent = self.indent.map(|i| i - 2);
        if !self.empty {
            self.newline();
        }
        self.out.push(bracket);
        self.empty = false;
    }

    /// Starts an object's member: its key, then its value is written next. Inlined, so that a key
    /// written as a literal is copied as bytes of a known count, not by a call.
    #[inline(always)]
    pub fn key(&mut self, key: &str) {
        self.item();
        self.out.push(b'"');
        self.out.extend_from_slice(key.as_bytes()); // the keys are plain ASCII
        self.out.extend_from_slice(if self.indent.is_some() { b"\": " } else { b"\":" });
    }

    /// Starts an array's element: its value is written next.
    #[inline(always)]
    pub fn item(&mut self) {
        if !self.empty {
            self.out.push(b',');
        }
        self.newline();
        self.empty = false;
    }

    /// Members of the object opened last, written before by a writer at this one's depth and in its
    /// form ([`JsonWriter::with_indent`]): copied as they are.
    pub fn written_members(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
        self.empty = self.empty && bytes.is_empty();
    }

    /// A value written before by a writer at this one's depth and in its form: copied as it is.
    pub fn written_value(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
    }

    /// A string value.
    pub fn str(&mut self, text: &str) {
        self.out.push(b'"');
        escaped(self.out, text.as_bytes());
        self.out.push(b'"');
    }

    /// A string value made by `make` in a text kept from call to call on this thread (no `String`
    /// a value), then escaped where it needs it. `make` writes no other value of a writer.
    pub fn made(&mut self, make: impl FnOnce(&mut String)) {
        thread_local! {
            static TEXT: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
        }
        TEXT.with_borrow_mut(|text| {
            text.clear();
            make(text);
            self.str(text);
        })
    }

    /// A string value known to need no escape (a word of the schema: a status, a scenario), copied
    /// without a scan.
    #[inline(always)]
    pub fn plain_str(&mut self, text: &'static str) {
        debug_assert_eq!(plain_prefix(text.as_bytes()), text.len(), "{text:?} needs escaping");
        self.out.push(b'"');
        self.out.extend_from_slice(text.as_bytes());
        self.out.push(b'"');
    }

    /// A value's `Display` as a string, written in place and escaped only where it needs it.
    pub fn shown(&mut self, value: impl Display) {
        self.out.push(b'"');
        let at = self.out.len();
        let _ = write!(Bytes(self.out), "{value}"); // writing to memory does not fail
        if self.out[at..].iter().any(|&b| needs_escape(b)) {
            let raw = self.out.split_off(at);
            escaped(self.out, &raw);
        }
        self.out.push(b'"');
    }

    /// A string value written in pieces, one after the other (a unit's, [`crate::num::Unit::pieces`]).
    pub fn pieces(&mut self, pieces: &[&str]) {
        self.out.push(b'"');
        pieces.iter().for_each(|piece| escaped(self.out, piece.as_bytes()));
        self.out.push(b'"');
    }

    /// An integer value, its digits made on the stack two at a time.
    pub fn int(&mut self, n: u64) {
        let mut digits = [0; 20];
        let at = crate::num::real::whole_digits(n, &mut digits, 20);
        self.out.extend_from_slice(&digits[at..]);
    }

    /// A boolean value.
    pub fn bool(&mut self, b: bool) {
        self.out.extend_from_slice(if b { b"true" } else { b"false" });
    }

    /// A key and a string value.
    #[inline(always)]
    pub fn str_field(&mut self, key: &str, text: &str) {
        self.key(key);
        self.str(text);
    }

    /// A key and a value's `Display` as a string.
    #[inline(always)]
    pub fn shown_field(&mut self, key: &str, value: impl Display) {
        self.key(key);
        self.shown(value);
    }

    /// A key and a number written plainly ([`crate::num::Real::plain`]), as a string.
    #[inline(always)]
    pub fn plain_field(&mut self, key: &str, plain: crate::num::real::Plain) {
        self.key(key);
        // digits, a point and a sign: nothing to escape
        plain.write_bytes_with(|text| {
            self.out.push(b'"');
            self.out.extend_from_slice(text);
            self.out.push(b'"');
        });
    }

    /// A key and an integer value.
    #[inline(always)]
    pub fn int_field(&mut self, key: &str, n: u64) {
        self.key(key);
        self.int(n);
    }

    /// A line end and the current indentation, where pretty: one slice of a line end and spaces.
    #[inline(always)]
    fn newline(&mut self) {
        const LINE: &[u8; 33] = b"\n                                ";
        match self.indent {
            Some(indent) if indent < LINE.len() => self.out.extend_from_slice(&LINE[..=indent]),
            Some(indent) => {
                self.out.push(b'\n');
                self.out.resize(self.out.len() + indent, b' ');
            }
            None => {}
        }
    }
}

/// A byte buffer as a `fmt::Write`, so that `write!` goes straight into it.
struct Bytes<'a>(&'a mut Vec<u8>);

impl std::fmt::Write for Bytes<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

/// Whether `serde_json` escapes a byte in a string: a control character, a quote or a backslash.
fn needs_escape(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

/// Writes the bytes of a UTF-8 text as `serde_json` escapes them inside a string: `\"`, `\\`, `\b`,
/// `\f`, `\n`, `\r`, `\t` and every other control character as `\u00XX` (lower-case hex); the rest,
/// non-ASCII characters included, as they are. The bytes before the first to escape (most texts:
/// all of them) are found eight at a time and copied at once.
fn escaped(out: &mut Vec<u8>, bytes: &[u8]) {
    let plain = plain_prefix(bytes);
    out.extend_from_slice(&bytes[..plain]);
    if plain < bytes.len() {
        escaped_each(out, &bytes[plain..]);
    }
}

/// How many bytes of a text come before its first that [`needs_escape`]: tested a word of eight at
/// a time ([`word_needs_escape`]), the word holding it then byte by byte.
fn plain_prefix(bytes: &[u8]) -> usize {
    let mut at = 0;
    for word in bytes.chunks_exact(8) {
        if word_needs_escape(u64::from_le_bytes(word.try_into().unwrap_or_default())) {
            break;
        }
        at += 8;
    }
    // the last bytes, fewer than eight and none read yet, tested as the last word (overlapping the
    // words read): most texts end there
    if let Some(last) = bytes.last_chunk::<8>()
        && (1..8).contains(&(bytes.len() - at))
        && !word_needs_escape(u64::from_le_bytes(*last))
    {
        return bytes.len();
    }
    at + bytes[at..].iter().position(|&b| needs_escape(b)).unwrap_or(bytes.len() - at)
}

/// Whether a word of eight bytes holds one that [`needs_escape`]: a byte under 0x20, or equal to `"`
/// or `\`, told by the borrow a subtraction leaves in its high bit (exact as to whether there is one).
#[inline(always)]
fn word_needs_escape(w: u64) -> bool {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const HIGH: u64 = ONES << 7;
    let zero_in = |w: u64| w.wrapping_sub(ONES) & !w & HIGH;
    let control = w.wrapping_sub(ONES * 0x20) & !w & HIGH;
    control | zero_in(w ^ (ONES * u64::from(b'"'))) | zero_in(w ^ (ONES * u64::from(b'\\'))) != 0
}

/// [`escaped`] a byte at a time.
fn escaped_each(out: &mut Vec<u8>, bytes: &[u8]) {
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if !needs_escape(b) {
            continue;
        }
        out.extend_from_slice(&bytes[start..i]);
        start = i + 1;
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.extend_from_slice(&[HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xf)]]);
            }
        }
    }
    out.extend_from_slice(&bytes[start..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let texts = ["plain", "a \"quoted\" \\ back", "tab\tline\nfeed\r\u{8}\u{c}", "\u{0}\u{1f}\u{7f}", "né 日本 🎉"];
        for text in texts {
            let mut out = Vec::new();
            JsonWriter::compact(&mut out).str(text);
            assert_eq!(String::from_utf8(out).unwrap(), serde_json::to_string(text).unwrap(), "{text:?}");
            let mut out = Vec::new();
            JsonWriter::compact(&mut out).shown(text);
            assert_eq!(String::from_utf8(out).unwrap(), serde_json::to_string(text).unwrap(), "{text:?}");
        }
    }

    #[test]
    fn the_plain_prefix_ends_at_the_first_byte_to_escape() {
        for len in 0..20 {
            for at in 0..=len {
                for b in [0u8, 0x1f, b'"', b'\\', 0x20, b'!', b'#', b'[', b']', 0x7f, 0x80, 0xff] {
                    let mut bytes = vec![b'a'; len];
                    if at < len {
                        bytes[at] = b;
                    }
                    let first = bytes.iter().position(|&b| needs_escape(b)).unwrap_or(len);
                    assert_eq!(plain_prefix(&bytes), first, "{bytes:?}");
                }
            }
        }
    }

    #[test]
    fn integers_are_written_as_serde_json_writes_them() {
        for n in [0, 7, 9, 10, 64, 65, 99, 100, 101, 129, 999, 1000, 4_294_967_295, u64::MAX] {
            let mut out = Vec::new();
            JsonWriter::compact(&mut out).int(n);
            assert_eq!(String::from_utf8(out).unwrap(), serde_json::to_string(&n).unwrap());
        }
    }

    #[test]
    fn containers_are_laid_out_as_serde_json_lays_them_out() {
        let value = serde_json::json!({"a": 1, "b": [], "c": {}, "d": [{"e": true, "f": "x"}, {"g": []}]});
        let write = |w: &mut JsonWriter| {
            w.open(b'{');
            w.int_field("a", 1);
            w.key("b");
            w.open(b'[');
            w.close(b']');
            w.key("c");
            w.open(b'{');
            w.close(b'}');
            w.key("d");
            w.open(b'[');
            w.item();
            w.open(b'{');
            w.key("e");
            w.bool(true);
            w.str_field("f", "x");
            w.close(b'}');
            w.item();
            w.open(b'{');
            w.key("g");
            w.open(b'[');
            w.close(b']');
            w.close(b'}');
            w.close(b']');
            w.close(b'}');
        };
        let mut out = Vec::new();
        write(&mut JsonWriter::compact(&mut out));
        assert_eq!(String::from_utf8(out).unwrap(), serde_json::to_string(&value).unwrap());
        let mut out = Vec::new();
        write(&mut JsonWriter::pretty(&mut out, 0));
        assert_eq!(String::from_utf8(out).unwrap(), serde_json::to_string_pretty(&value).unwrap());
    }
}
