//! Positions and names as the editor speaks them: LSP counts columns in UTF-16 code units and names
//! files by `file:` URIs; tickmark counts bytes and names files by paths.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_types::{Position, Range, Uri};

use crate::source::Span;

/// A text with its line starts, to turn byte offsets into LSP positions and back.
pub struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    /// Indexes the lines of a text (a line ends at `\n`; a `\r` before it stays on the line).
    pub fn new(text: &'a str) -> Lines<'a> {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { text, starts }
    }

    /// The position of a byte offset (clamped to the text, and back to a character boundary).
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let character = self.text[self.starts[line]..offset].encode_utf16().count();
        Position::new(line as u32, character as u32)
    }

    /// The byte offset of a position; a position past a line's end is that line's end, past the
    /// last line the text's end.
    pub fn offset(&self, position: Position) -> usize {
        let Some(&start) = self.starts.get(position.line as usize) else { return self.text.len() };
        let end = self.starts.get(position.line as usize + 1).map_or(self.text.len(), |&e| e - 1);
        let mut units = 0;
        for (i, c) in self.text[start..end].char_indices() {
            if units >= position.character as usize {
                return start + i;
            }
            units += c.len_utf16();
        }
        end
    }

    /// The range of a byte span.
    pub fn range(&self, span: Span) -> Range {
        Range::new(self.position(span.start as usize), self.position(span.end as usize))
    }
}

/// The `file:` URI of a path, every byte but unreserved ones and `/` percent-encoded.
pub fn uri_of(path: &Path) -> Uri {
    let mut uri = String::from("file://");
    let shown = path.to_string_lossy().replace(std::path::MAIN_SEPARATOR, "/");
    if !shown.starts_with('/') {
        uri.push('/');
    }
    for b in shown.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            uri.push(b as char);
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    Uri::from_str(&uri).unwrap_or_else(|_| Uri::from_str("file:///").expect("a constant URI"))
}

/// The path a `file:` URI names; `None` for another scheme or a name that is not UTF-8.
pub fn path_of(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    let path = rest.split(['?', '#']).next()?;
    let path = path.find('/').map_or("", |at| &path[at..]);
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |at: usize| bytes.get(at).and_then(|b| (*b as char).to_digit(16));
        match (bytes[i], hex(i + 1), hex(i + 2)) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    let path = String::from_utf8(out).ok()?;
    // `file:///C:/x` on Windows names `C:/x`
    let path = if cfg!(windows) { path.trim_start_matches('/').to_owned() } else { path };
    Some(PathBuf::from(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_utf16_units() {
        let text = "rule a \"Umsätze 𝄞\":\n  x > 1\n";
        let lines = Lines::new(text);
        let after_clef = text.find("\":").unwrap();
        // `ä` is one unit, the clef two
        assert_eq!(lines.position(after_clef), Position::new(0, 18));
        assert_eq!(lines.offset(Position::new(0, 18)), after_clef);
        assert_eq!(lines.offset(Position::new(1, 4)), text.find("> 1").unwrap());
        assert_eq!(lines.offset(Position::new(1, 99)), text.len() - 1);
        assert_eq!(lines.offset(Position::new(9, 0)), text.len());
        // inside a character: back to its start
        assert_eq!(lines.position(text.find('ä').unwrap() + 1), Position::new(0, 11));
    }

    #[test]
    fn uris_round_trip_paths() {
        let path = Path::new("/tmp/Prüfung mit Leerzeichen/q4.tick");
        let uri = uri_of(path);
        assert_eq!(uri.as_str(), "file:///tmp/Pr%C3%BCfung%20mit%20Leerzeichen/q4.tick");
        assert_eq!(path_of(&uri).as_deref(), Some(path));
        assert_eq!(path_of(&Uri::from_str("untitled:Untitled-1").unwrap()), None);
    }
}
