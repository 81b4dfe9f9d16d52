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
    #[inline]
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

    /// The next member or element, whose value is an object or array opened with its first members
    /// written, as a fresh writer at this one's depth and in its form writes them (`key` or `item`,
    /// `open`, then members; the last may be a key whose value follows): copied after the comma this
    /// one needs, the writer then inside the container opened.
    pub fn written_open(&mut self, bytes: &[u8]) {
        if !self.empty {
            self.out.push(b',');
        }
        self.out.extend_from_slice(bytes);
        self.indent = self.indent.map(|i| i + 2);
        self.empty = false;
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

    /// Members of integer values, as [`JsonWriter::int_field`] writes each; compact, gathered on the
    /// stack, the literal keys copied as bytes of a known count, and copied into the buffer at once
    /// (a fact's `location` numbers, four a fact).
    #[inline(always)]
    pub fn int_fields<const N: usize>(&mut self, fields: [(&'static str, u64); N]) {
        const FIELD: usize = 1 + 1 + INT_KEY + 2 + 20; // `,"key":` and twenty digits
        const INT_KEY: usize = 12;
        let mut stack = [0; 4 * FIELD];
        if self.indent.is_some() || N > 4 || fields.iter().any(|(key, _)| key.len() > INT_KEY) {
            fields.into_iter().for_each(|(key, n)| self.int_field(key, n));
            return;
        }
        let mut len = 0;
        for (key, n) in fields {
            if !self.empty {
                stack[len] = b',';
                len += 1;
            }
            self.empty = false;
            stack[len] = b'"';
            stack[len + 1..][..key.len()].copy_from_slice(key.as_bytes()); // the keys are plain ASCII
            len += 1 + key.len();
            stack[len..len + 2].copy_from_slice(b"\":");
            len += 2;
            // the digits made at the end of twenty bytes, and those twenty copied from where they
            // start (a copy of known length, the bytes past them written over or left out)
            let mut digits = [0; 40];
            let at = crate::num::real::whole_digits(n, &mut digits, 20);
            stack[len..len + 20].copy_from_slice(&digits[at..at + 20]);
            len += 20 - at;
        }
        self.out.extend_from_slice(&stack[..len]);
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

/// Whether a byte of a string may need an escape: one that `serde_json` escapes (a control
/// character, a quote or a backslash), DEL, or a byte of a character beyond ASCII, which may be one
/// that [`crate::escape::guard_json`] escapes (a C1 or a bidirectional control).
fn needs_escape(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\' || b >= 0x7f
}

/// Writes the bytes of a UTF-8 text as `serde_json` escapes them inside a string: `\"`, `\\`, `\b`,
/// `\f`, `\n`, `\r`, `\t` and every other control character as `\u00XX` (lower-case hex); then, as
/// the JSON guard ([`crate::escape::guard_json`]) would, DEL, the C1 controls and the rest of
/// [`crate::escape::is_hostile`] (line separators, bidirectional controls and marks) as `\u007f`,
/// `\u0085`, `\u202e`; the rest, other
/// characters beyond ASCII included, as they are. So what this writer writes needs no guard after
/// it. The bytes before the first that may need an escape (most texts: all of them) are found eight
/// at a time and copied at once.
fn escaped(out: &mut Vec<u8>, bytes: &[u8]) {
    let plain = plain_prefix(bytes);
    out.extend_from_slice(&bytes[..plain]);
    if plain < bytes.len() {
        escaped_each(out, &bytes[plain..]);
    }
}

/// How many bytes of a text come before its first that [`needs_escape`]: tested 32 bytes at a time
/// then a word of eight at a time ([`word_needs_escape`]), the word holding it then byte by byte.
fn plain_prefix(bytes: &[u8]) -> usize {
    // a long text (an explanation) 32 bytes at a time, each piece tested whole without stopping at
    // its first byte to escape, so that the compiler tests it in vector registers: a byte is plain
    // where one past it is above 0x20 as a signed byte (not a control, DEL nor beyond ASCII) and it
    // is neither `"` nor `\`, each test without a branch
    let plain = |b: u8| (b.wrapping_add(1).cast_signed() > 0x20) & (b != b'"') & (b != b'\\');
    let mut at = 0;
    for piece in bytes.chunks_exact(32) {
        if !piece.iter().fold(true, |all, &b| all & plain(b)) {
            break;
        }
        at += 32;
    }
    for word in bytes[at..].chunks_exact(8) {
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

/// Whether a word of eight bytes holds one that [`needs_escape`]: a byte with its high bit set, a
/// byte under 0x20, or one equal to `"`, `\\` or DEL, told by the borrow a subtraction leaves in
/// its high bit (exact as to whether there is one).
#[inline(always)]
fn word_needs_escape(w: u64) -> bool {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const HIGH: u64 = ONES << 7;
    let zero_in = |w: u64| w.wrapping_sub(ONES) & !w & HIGH;
    let control = w.wrapping_sub(ONES * 0x20) & !w & HIGH;
    let quote = zero_in(w ^ (ONES * u64::from(b'"')));
    let backslash = zero_in(w ^ (ONES * u64::from(b'\\')));
    control | quote | backslash | zero_in(w ^ (ONES * 0x7f)) | (w & HIGH) != 0
}

/// The character beyond ASCII that `bytes` start with, if it is one the guard escapes
/// ([`crate::escape::guard_json`]: [hostile](crate::escape::is_hostile), a C1 or a bidirectional
/// control), and its length in bytes. The set is the guard's own, so the two cannot drift apart.
fn hostile_at(bytes: &[u8]) -> Option<(u32, usize)> {
    let len = match bytes.first()? {
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0.. => 4,
        _ => return None,
    };
    let c = std::str::from_utf8(bytes.get(..len)?).ok()?.chars().next()?;
    crate::escape::is_hostile(c).then_some((u32::from(c), len))
}

/// [`escaped`] a byte at a time.
fn escaped_each(out: &mut Vec<u8>, bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let hex4 = |out: &mut Vec<u8>, c: u32| {
        out.extend_from_slice(b"\\u");
        out.extend((0..4).rev().map(|i| HEX[(c >> (4 * i)) as usize & 0xf]));
    };
    let (mut start, mut i) = (0, 0);
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 && !needs_escape(b) {
            i += 1;
            continue;
        }
        let hostile = if b < 0x80 { None } else { hostile_at(&bytes[i..]) };
        if b >= 0x80 && hostile.is_none() {
            i += 1;
            continue;
        }
        out.extend_from_slice(&bytes[start..i]);
        match (b, hostile) {
            (_, Some((c, len))) => {
                hex4(out, c);
                i += len;
            }
            (b'"', _) => out.extend_from_slice(b"\\\""),
            (b'\\', _) => out.extend_from_slice(b"\\\\"),
            (0x08, _) => out.extend_from_slice(b"\\b"),
            (0x0c, _) => out.extend_from_slice(b"\\f"),
            (b'\n', _) => out.extend_from_slice(b"\\n"),
            (b'\r', _) => out.extend_from_slice(b"\\r"),
            (b'\t', _) => out.extend_from_slice(b"\\t"),
            _ => hex4(out, u32::from(b)),
        }
        if hostile.is_none() {
            i += 1;
        }
        start = i;
    }
    out.extend_from_slice(&bytes[start..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `serde_json`'s string, then the JSON guard over it: what a string written by hand must be.
    fn guarded(text: &str) -> String {
        crate::escape::guard_json(&serde_json::to_string(text).unwrap()).into_owned()
    }

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them_and_the_guard_after_it() {
        let texts = ["plain", "a \"quoted\" \\ back", "tab\tline\nfeed\r\u{8}\u{c}", "\u{0}\u{1f}\u{7f}", "né 日本 🎉"];
        for text in texts {
            let mut out = Vec::new();
            JsonWriter::compact(&mut out).str(text);
            assert_eq!(String::from_utf8(out).unwrap(), guarded(text), "{text:?}");
            let mut out = Vec::new();
            JsonWriter::compact(&mut out).shown(text);
            assert_eq!(String::from_utf8(out).unwrap(), guarded(text), "{text:?}");
        }
    }

    #[test]
    fn hostile_characters_are_escaped_as_the_guard_escapes_them() {
        // every character up to U+3000 and some beyond (C0, DEL, C1, bidi controls, U+2028, the
        // neighbours of each range), alone and among plain text at every offset of a word
        let beyond = ['\u{fe0f}', '\u{feff}', '\u{ffff}', '\u{10000}', '\u{1f600}', '\u{10ffff}'];
        for c in ('\0'..='\u{3000}').chain(beyond) {
            for before in 0..10 {
                let text = format!("{}{c}{}", "a".repeat(before), "b".repeat(9 - before));
                let mut out = Vec::new();
                JsonWriter::compact(&mut out).str(&text);
                assert_eq!(String::from_utf8(out).unwrap(), guarded(&text), "{c:?} after {before}");
            }
        }
        let crowd = "\u{1b}]52;c;aGk=\u{7}\u{1b}[2J\0\u{7f}\u{85}\u{9f}\u{a0}\u{202a}\u{202e}\u{202f}\u{2066}\u{2069}\u{206a}\u{2028}\u{2029}é\"\\";
        let mut out = Vec::new();
        JsonWriter::compact(&mut out).pieces(&[crowd, "x", crowd]);
        assert_eq!(String::from_utf8(out).unwrap(), guarded(&format!("{crowd}x{crowd}")));
    }

    #[test]
    fn the_plain_prefix_ends_at_the_first_byte_to_escape() {
        for len in (0..20).chain([31, 32, 33, 63, 64, 65, 70, 100]) {
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

    proptest::proptest! {
        #[test]
        fn integer_members_gathered_on_the_stack_are_those_written_one_by_one(
            numbers in proptest::array::uniform4(proptest::prop_oneof![
                proptest::prelude::Just(0u64), proptest::prelude::Just(u64::MAX), 0..1000u64, proptest::prelude::any::<u64>()
            ]),
            first in proptest::prelude::any::<bool>(),
            indent in proptest::option::of(0..40usize),
        ) {
            let fields = [("line", numbers[0]), ("column", numbers[1]), ("start", numbers[2]), ("end", numbers[3])];
            let write = |out: &mut Vec<u8>, gathered: bool| {
                let mut w = JsonWriter::with_indent(out, indent);
                w.open(b'{');
                if !first {
                    w.str_field("file", "f");
                }
                if gathered {
                    w.int_fields(fields);
                } else {
                    fields.iter().for_each(|&(key, n)| w.int_field(key, n));
                }
                w.close(b'}');
            };
            let (mut gathered, mut one_by_one) = (Vec::new(), Vec::new());
            write(&mut gathered, true);
            write(&mut one_by_one, false);
            proptest::prop_assert_eq!(String::from_utf8(gathered).unwrap(), String::from_utf8(one_by_one).unwrap());
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
