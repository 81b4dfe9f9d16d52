//! Source files and byte spans: where every rule, fact and diagnostic points.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::fs::File;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use crate::escape::{escape_controls, excerpt_of};

/// The most characters of a place quoted in a location: an SEC fact derived from two filings is
/// described in some 300.
const PLACE_CHARS: usize = 1000;

/// A half-open byte range `start..end` within one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, serde::Serialize)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    /// Makes a span from byte offsets.
    pub fn new(start: usize, end: usize) -> Self {
        Span { start: start as u32, end: end as u32 }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span { start: self.start.min(other.start), end: self.end.max(other.end) }
    }

    /// The span's length in bytes.
    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    /// Whether the span covers no byte.
    pub fn is_empty(self) -> bool {
        self.end <= self.start
    }

    /// The span naming place `index` of a file described by places ([`Sources::add_described`]).
    pub fn place(index: usize) -> Self {
        Span::new(index, index + 1)
    }

    /// The span as a `Range` for slicing.
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// A node of the AST with the byte span it was parsed from.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    pub node: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    /// Wraps a node with its span.
    pub fn new(node: T, span: Span) -> Self {
        Spanned { node, span }
    }
}

/// Index of a file in [`Sources`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SourceId(pub u32);

/// Every how many lines a streamed file's line index keeps a line's start: the lines between are
/// counted from the file itself when a place is asked for (a few kilobytes read), so a bulk run keeps a
/// sixteenth of a byte a line, not four.
pub const LINE_STRIDE: usize = 64;

/// One loaded file: the name it is shown under and its text.
///
/// A file streamed from disk (a long CSV of millions of rows) keeps only every [`LINE_STRIDE`]-th
/// line's start: a place in it is found by reading the few lines from that start to the place, and its
/// whole text is read again only when something asks for it (a diagnostic's snippet).
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as the user gave it (relative where it can be), `/` separated.
    pub name: String,
    text: OnceLock<Arc<str>>,
    /// Where a streamed file's text is read from.
    disk: Option<Disk>,
    /// The byte where each line starts (for a streamed file, every [`LINE_STRIDE`]-th line), the first at 0;
    /// shared, as every diagnostic drawn holds a copy of its file.
    line_starts: Arc<Vec<u32>>,
    /// How many lines apart the starts in `line_starts` are.
    stride: usize,
    /// Whether the text holds a `\r` that is not before a `\n` (which miette counts as a line end).
    lone_cr: OnceLock<bool>,
    /// The text as a diagnostic shows it ([`SourceFile::shown_text`]), made when first asked for.
    shown: OnceLock<Arc<str>>,
    /// For a file read from a format without lines to point at (a workbook, an SEC companyfacts file):
    /// what each place its spans name is (`Sheet1!C7`; a filing and its dates), a span's `start` being
    /// the place's index. Such a file has no text; see [`Sources::add_described`].
    places: Option<Arc<Vec<String>>>,
}

/// A streamed file on disk: its path, the bytes before offset 0 (a byte order mark), and the file
/// once opened to read places from.
#[derive(Debug, Clone)]
struct Disk {
    /// Names the file among the blocks read ([`BLOCKS`]), unique for the life of the process.
    id: u64,
    path: PathBuf,
    skip: u64,
    /// Opened at the first place read; read at an offset, without a lock, so that the workers
    /// rendering a report's checks (`--format jsonl`) read places at once.
    open: Arc<OnceLock<Option<File>>>,
}

impl Disk {
    /// The file's bytes from offset `from` to offset `to`; `None` where they cannot be read.
    fn read(&self, from: u32, to: u32) -> Option<Vec<u8>> {
        let mut bytes = Vec::new();
        self.read_into(from, to, &mut bytes)?;
        Some(bytes)
    }

    /// [`Disk::read`] into a buffer kept from read to read, whose first `to - from` bytes it gives:
    /// the buffer is zeroed only where it grows, where a new one was zeroed whole for every block.
    fn read_into<'b>(&self, from: u32, to: u32, buf: &'b mut Vec<u8>) -> Option<&'b [u8]> {
        let file = self.open.get_or_init(|| File::open(&self.path).ok()).as_ref()?;
        let len = to.saturating_sub(from) as usize;
        if buf.len() < len {
            buf.resize(len, 0);
        }
        read_at(file, &mut buf[..len], self.skip + u64::from(from)).ok()?;
        Some(&buf[..len])
    }

    /// Runs `f` on the file's bytes from `start` to `end` (the lines between two starts kept), read
    /// once and kept on this thread while it is among the last [`BLOCKS_KEPT`] read and within
    /// [`KEPT_BYTES`] of them; `None` where they cannot be read.
    fn block<R>(&self, start: u32, end: u32, f: impl FnOnce(&[u8]) -> R) -> Option<R> {
        BLOCKS.with_borrow_mut(|blocks| {
            let key = (self.id, self.skip, start);
            let at = match blocks.iter().position(|b| b.key == key) {
                Some(at) => at,
                None => {
                    let bytes = self.read(start, end)?;
                    let mut kept: usize = blocks.iter().map(|b| b.bytes.len()).sum();
                    while blocks.len() == BLOCKS_KEPT || (!blocks.is_empty() && kept + bytes.len() > KEPT_BYTES) {
                        kept -= blocks.pop_back().map_or(0, |b| b.bytes.len());
                    }
                    blocks.push_front(Block { key, bytes });
                    0
                }
            };
            Some(f(&blocks[at].bytes))
        })
    }
}

/// How many blocks of lines of streamed files each thread keeps (about 3 KB each in a long CSV): a
/// report lists checks rule by rule, each rule's entity by entity over the periods, so one entity's
/// failed checks of a rule read the few blocks of its rows, found here after the first.
const BLOCKS_KEPT: usize = 64;

/// The longest block of lines kept; the place in a longer one is read up to each time.
const BLOCK_BYTES: u32 = 1 << 20;

/// The most bytes of blocks a thread keeps: a long-lived thread (the language server's) holds no more
/// than one longest block, however long the lines of the files it read.
const KEPT_BYTES: usize = BLOCK_BYTES as usize;

/// The bytes of one block of a streamed file, named by the file, its skip and the block's start.
struct Block {
    key: (u64, u64, u32),
    bytes: Vec<u8>,
}

thread_local! {
    /// The blocks of streamed files this thread read last, the newest first.
    static BLOCKS: RefCell<VecDeque<Block>> = const { RefCell::new(VecDeque::new()) };
}

/// The next id of a streamed file.
static DISK_IDS: AtomicU64 = AtomicU64::new(0);

/// Fills `bytes` from the file at `offset`, leaving the file's own position alone.
#[cfg(unix)]
fn read_at(file: &File, bytes: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, bytes, offset)
}

/// Fills `bytes` from the file at `offset` (a positioned read, as on Unix).
#[cfg(windows)]
fn read_at(file: &File, mut bytes: &mut [u8], mut offset: u64) -> std::io::Result<()> {
    while !bytes.is_empty() {
        match std::os::windows::fs::FileExt::seek_read(file, bytes, offset)? {
            0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            n => {
                bytes = &mut std::mem::take(&mut bytes)[n..];
                offset += n as u64;
            }
        }
    }
    Ok(())
}

/// The line index of a streamed file, gathered while it is read.
#[derive(Debug, Clone, Default)]
pub struct LineIndex {
    /// The byte where every [`LINE_STRIDE`]-th line starts: line 0 (at 0), line 64, line 128, ...
    pub starts: Vec<u32>,
    /// The bytes before offset 0 in the file: 3 for a byte order mark, which offsets do not count.
    pub skip: u64,
}

impl SourceFile {
    /// Makes a source file and indexes its lines.
    pub fn new(name: String, text: Arc<str>) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i as u32 + 1));
        let line_starts = Arc::new(line_starts);
        SourceFile {
            name,
            text: OnceLock::from(text),
            disk: None,
            line_starts,
            stride: 1,
            lone_cr: OnceLock::new(),
            shown: OnceLock::new(),
            places: None,
        }
    }

    /// What the place a span names is, in a file described by places ([`Sources::add_described`]).
    pub fn place(&self, span: Span) -> Option<&str> {
        self.places.as_ref()?.get(span.start as usize).map(String::as_str)
    }

    /// Whether the file is described by places rather than lines: its spans are not byte ranges.
    pub fn is_described(&self) -> bool {
        self.places.is_some()
    }

    /// The file's text (a streamed file's read again from disk, once; empty if it can no longer be read).
    pub fn text(&self) -> &Arc<str> {
        self.text.get_or_init(|| {
            let read = self.disk.as_ref().and_then(|d| std::fs::read_to_string(&d.path).ok()).unwrap_or_default();
            Arc::from(read.strip_prefix('\u{FEFF}').unwrap_or(&read))
        })
    }

    /// One-based line and column (in characters) of a byte offset. In a streamed file the lines from
    /// the nearest start kept are read from disk; where they no longer can be, the column counts bytes
    /// from that start.
    pub fn line_col(&self, offset: u32) -> (usize, usize) {
        let k = self.line_starts.partition_point(|&s| s <= offset).max(1) - 1;
        let start = self.line_starts[k];
        let first_line = k * self.stride;
        let (newlines, column) = match (self.text.get(), &self.disk) {
            (None, Some(disk)) => {
                let block = self.line_starts.get(k + 1).filter(|&&end| end - start <= BLOCK_BYTES);
                let found = match block {
                    Some(&end) => disk.block(start, end, |bytes| place_in(&bytes[..(offset - start) as usize])),
                    None => disk.read(start, offset).map(|bytes| place_in(&bytes)),
                };
                match found {
                    Some(place) => place,
                    None => return (first_line + 1, (offset - start) as usize + 1),
                }
            }
            _ => {
                let text = self.text().as_bytes();
                place_in(&text[(start as usize).min(text.len())..(offset as usize).clamp(start as usize, text.len())])
            }
        };
        (first_line + newlines + 1, column + 1)
    }

    /// Whether places in the file are found by reading it from disk: a streamed file whose text is
    /// not in memory.
    fn reads_places(&self) -> bool {
        self.disk.is_some() && self.text.get().is_none()
    }

    /// [`SourceFile::line_col`] of many offsets in ascending order, each block of lines they fall in
    /// read once: the places a chunk of a report's checks needs, which a streamed file would
    /// otherwise read a block each for.
    /// The block's bytes are read into `buf`, kept from call to call, and only up to the last
    /// offset asked for in it: the bytes after it are not looked at.
    fn line_cols(&self, offsets: &[u32], buf: &mut Vec<u8>, out: &mut Vec<(usize, usize)>) {
        let Some(disk) = self.disk.as_ref().filter(|_| self.reads_places()) else {
            return out.extend(offsets.iter().map(|&o| self.line_col(o)));
        };
        let mut rest = offsets;
        while let Some(&first) = rest.first() {
            let k = self.line_starts.partition_point(|&s| s <= first).max(1) - 1;
            let (start, end) = (self.line_starts[k], self.line_starts.get(k + 1).copied());
            let within = end.map_or(rest.len(), |end| rest.partition_point(|&o| o < end));
            let (block, after) = rest.split_at(within);
            let last = block[block.len() - 1];
            let bytes = end.filter(|&end| end - start <= BLOCK_BYTES).and_then(|_| disk.read_into(start, last, buf));
            match bytes {
                Some(bytes) => places_in(bytes, block.iter().map(|&o| (o - start) as usize), |(newlines, column)| {
                    out.push((k * self.stride + newlines + 1, column + 1))
                }),
                None => out.extend(block.iter().map(|&o| self.line_col(o))),
            }
            rest = after;
        }
    }

    /// The text as a diagnostic shows it: characters that could hide code or reorder a line (a
    /// bidirectional control in a title) replaced by visible ones of the same length
    /// ([`crate::syntax::hidden::visible`]), so spans still fit; the text itself where it has none.
    pub fn shown_text(&self) -> &Arc<str> {
        self.shown.get_or_init(|| match crate::syntax::hidden::visible(self.text()) {
            std::borrow::Cow::Borrowed(_) => self.text().clone(),
            std::borrow::Cow::Owned(shown) => Arc::from(shown),
        })
    }

    /// Whether the text holds a `\r` not followed by `\n`.
    pub fn has_lone_cr(&self) -> bool {
        *self.lone_cr.get_or_init(|| {
            let bytes = self.text().as_bytes();
            memchr::memchr_iter(b'\r', bytes).any(|i| bytes.get(i + 1) != Some(&b'\n'))
        })
    }

    /// The text a span covers (empty if the span is out of range).
    pub fn slice(&self, span: Span) -> &str {
        self.text().get(span.range()).unwrap_or("")
    }
}

/// The line ends in the bytes before a place, and the characters after the last of them (bytes, where
/// they are not UTF-8).
fn place_in(before: &[u8]) -> (usize, usize) {
    let newlines = memchr::memchr_iter(b'\n', before).count();
    let line_start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
    let rest = &before[line_start..];
    (newlines, column_of(rest))
}

/// The characters of the text from a line's start to a place (bytes, where they are not UTF-8):
/// ASCII, the usual case, is one word-wise test, with no UTF-8 check and no count of characters.
fn column_of(rest: &[u8]) -> usize {
    if rest.is_ascii() {
        return rest.len();
    }
    std::str::from_utf8(rest).map_or(rest.len(), |s| s.chars().count())
}

/// [`place_in`] of many ascending offsets into the same bytes, given to `found` in their order:
/// the bytes between one offset and the next scanned once, not every offset's from the start.
fn places_in(bytes: &[u8], offsets: impl Iterator<Item = usize>, mut found: impl FnMut((usize, usize))) {
    let (mut at, mut newlines, mut line_start) = (0, 0, 0);
    for offset in offsets {
        let between = &bytes[at..offset];
        newlines += memchr::memchr_iter(b'\n', between).count();
        if let Some(i) = memchr::memrchr(b'\n', between) {
            line_start = at + i + 1;
        }
        at = offset;
        let rest = &bytes[line_start..offset];
        found((newlines, column_of(rest)));
    }
}

/// Every file of a run, rules and data alike, so that diagnostics can point into any of them.
#[derive(Debug, Default, Clone)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    /// Adds a file and returns its id.
    pub fn add(&mut self, name: String, text: impl Into<Arc<str>>) -> SourceId {
        self.files.push(SourceFile::new(name, text.into()));
        SourceId(self.files.len() as u32 - 1)
    }

    /// Adds a file streamed from `path`, of which only the line index is kept (set with
    /// [`Sources::set_lines`] once it is read); returns its id.
    pub fn add_streamed(&mut self, name: String, path: PathBuf) -> SourceId {
        let disk = Disk { id: DISK_IDS.fetch_add(1, Ordering::Relaxed), path, skip: 0, open: Arc::default() };
        let (line_starts, stride, lone_cr) = (Arc::new(vec![0]), LINE_STRIDE, OnceLock::new());
        let (text, shown) = (OnceLock::new(), OnceLock::new());
        let file = SourceFile { name, text, disk: Some(disk), line_starts, stride, lone_cr, shown, places: None };
        self.files.push(file);
        SourceId(self.files.len() as u32 - 1)
    }

    /// Adds a file read from a format without lines to point at (a workbook, an SEC companyfacts file),
    /// described instead by its places: a span `Span::place(i)` names `places[i]`. Its places may be
    /// set later ([`Sources::set_places`]), once the file is read.
    pub fn add_described(&mut self, name: String, places: Vec<String>) -> SourceId {
        let id = self.add(name, "");
        self.files[id.0 as usize].places = Some(Arc::new(places));
        id
    }

    /// Sets the places of a described file.
    pub fn set_places(&mut self, id: SourceId, places: Vec<String>) {
        self.files[id.0 as usize].places = Some(Arc::new(places));
    }

    /// Sets the line index of a streamed file once it has been read to its end.
    pub fn set_lines(&mut self, id: SourceId, lines: LineIndex) {
        let file = &mut self.files[id.0 as usize];
        file.line_starts = Arc::new(lines.starts);
        if let Some(disk) = file.disk.as_mut() {
            disk.skip = lines.skip;
        }
    }

    /// Removes the file added last, if it is `id` (a streamed file read again whole).
    pub fn drop_last(&mut self, id: SourceId) {
        if id.0 as usize + 1 == self.files.len() {
            self.files.pop();
        }
    }

    /// How many files there are: their ids are those below.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether there is no file.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The file with this id.
    pub fn get(&self, id: SourceId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// `name:line:column` of a position, as compilers print it; `name: place` in a file described by
    /// places (`book.xlsx: Sheet1!C7`). A control character in the name or the place (a sheet's name,
    /// a filing's form, from the file) is escaped ([`crate::escape`]).
    pub fn location(&self, id: SourceId, span: Span) -> String {
        let file = self.get(id);
        let name = escape_controls(&file.name);
        if let Some(place) = file.place(span) {
            return format!("{name}: {}", excerpt_of(place, PLACE_CHARS));
        }
        let (line, col) = file.line_col(span.start);
        format!("{name}:{line}:{col}")
    }
}

/// How many places a worker finds at a time in [`Sources::places`].
const PLACES_A_PIECE: usize = 4096;

/// Lines and columns of places found ahead, a block of a streamed file read once for all of them
/// ([`Sources::places`]); any other place is found as it is asked for.
#[derive(Debug, Default)]
pub struct Places {
    /// The places found, each as its file and offset in one key ([`place_key`]), sorted.
    keys: Vec<u64>,
    /// The one-based line and column of the place of the same index in `keys`.
    found: Vec<(usize, usize)>,
}

/// A place as one integer, ordered as its file and then its offset: one compare in a sort or a
/// search, where a pair took two.
fn place_key(file: SourceId, offset: u32) -> u64 {
    u64::from(file.0) << 32 | u64::from(offset)
}

impl Places {
    /// The line and column of an offset, where found ahead.
    pub fn get(&self, file: SourceId, offset: u32) -> Option<(usize, usize)> {
        let at = self.keys.binary_search(&place_key(file, offset)).ok()?;
        Some(self.found[at])
    }

    /// The places of `wanted` among these, as a table of their own: a batch's few tens of thousands,
    /// which stay in the cache as its rows look each one up, where the table of sixteen batches
    /// they are taken from does not. Sorted, and walked beside these keys in one pass.
    pub fn among(&self, wanted: Vec<(SourceId, u32)>) -> Places {
        let mut wanted: Vec<u64> = wanted.into_iter().map(|(file, offset)| place_key(file, offset)).collect();
        wanted.sort_unstable();
        wanted.dedup();
        let (mut keys, mut found) = (Vec::with_capacity(wanted.len()), Vec::with_capacity(wanted.len()));
        let mut at = 0;
        for key in wanted {
            at += self.keys[at..].partition_point(|&k| k < key);
            if self.keys.get(at) == Some(&key) {
                keys.push(key);
                found.push(self.found[at]);
            }
        }
        Places { keys, found }
    }
}

impl Sources {
    /// Finds the lines and columns of many places in streamed files at once (the facts a chunk of a
    /// report's checks read): sorted, so that each block of lines is read once. Places in other files
    /// are left to be found as they are asked for.
    /// The sorted places are found in pieces by the workers of the pool it runs in.
    pub fn places(&self, wanted: Vec<(SourceId, u32)>) -> Places {
        use rayon::prelude::*;
        let mut keys: Vec<u64> = wanted
            .into_iter()
            .filter(|&(file, _)| self.get(file).reads_places())
            .map(|(file, offset)| place_key(file, offset))
            .collect();
        // tens of thousands of integers: sorted on one thread faster than the pool would share them out
        keys.sort_unstable();
        keys.dedup();
        let pieces: Vec<Vec<_>> = keys.par_chunks(PLACES_A_PIECE).map(|piece| self.found(piece)).collect();
        Places { keys, found: pieces.concat() }
    }

    /// The lines and columns of sorted places ([`place_key`]), each file's blocks read once.
    fn found(&self, wanted: &[u64]) -> Vec<(usize, usize)> {
        let mut found = Vec::with_capacity(wanted.len());
        let mut buf = Vec::new();
        for group in wanted.chunk_by(|a, b| a >> 32 == b >> 32) {
            let offsets: Vec<u32> = group.iter().map(|&key| key as u32).collect();
            self.get(SourceId((group[0] >> 32) as u32)).line_cols(&offsets, &mut buf, &mut found);
        }
        found
    }
}

/// A path as shown in reports: relative to the current folder where it can be, `..` folded, `/` separated.
pub fn display_path(path: &Path) -> String {
    let absolute = std::env::current_dir().map(|cwd| cwd.join(path)).unwrap_or_else(|_| path.to_path_buf());
    let normal = normalize(&absolute);
    let cwd = std::env::current_dir().map(|c| normalize(&c)).unwrap_or_default();
    let shown = normal.strip_prefix(&cwd).map(Path::to_path_buf).unwrap_or(normal);
    shown.to_string_lossy().replace(std::path::MAIN_SEPARATOR, "/")
}

/// Folds `.` and `..` without touching the file system.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_column_is_the_characters_counted_or_the_bytes_where_they_are_not_utf8() {
        let texts: [&[u8]; 7] =
            [b"", b"plain", "caf\u{e9} \u{1f600}".as_bytes(), b"\xff\xfe", b"ab\xc3", "\u{e9}".as_bytes(), b"\t\r"];
        for text in texts {
            let counted = std::str::from_utf8(text).map_or(text.len(), |s| s.chars().count());
            assert_eq!(column_of(text), counted, "{text:?}");
        }
    }

    #[test]
    fn places_found_together_are_each_found_alone() {
        let text = "a,b\né,ü\n\n\nxyz\r\nlast".as_bytes();
        let offsets: Vec<usize> = (0..=text.len()).filter(|&o| std::str::from_utf8(&text[..o]).is_ok()).collect();
        for skip in 0..offsets.len() {
            // every ascending subset that starts at `skip` and takes every other offset after it
            let some: Vec<usize> = offsets[skip..].iter().copied().step_by(1 + skip % 3).collect();
            let mut together = Vec::new();
            places_in(text, some.iter().copied(), |p| together.push(p));
            let alone: Vec<_> = some.iter().map(|&o| place_in(&text[..o])).collect();
            assert_eq!(together, alone, "{some:?}");
        }
    }

    #[test]
    fn places_found_ahead_are_those_found_one_by_one() {
        // two streamed files (one with a byte order mark skipped), lines of every length, multi-byte
        // characters and `\r\n`, over several blocks; places asked for in any order, some twice,
        // some in a file that is not streamed
        let dir = tempfile::tempdir().unwrap();
        let mut sources = Sources::default();
        let text: String = (0..300).map(|i| format!("{}é{}\r\n", "x".repeat(i % 7), ",".repeat(i % 5))).collect();
        let mut ids = Vec::new();
        for (name, bom) in [("a.csv", ""), ("b.csv", "\u{feff}")] {
            let path = dir.path().join(name);
            std::fs::write(&path, format!("{bom}{text}")).unwrap();
            let id = sources.add_streamed(name.to_owned(), path);
            let starts: Vec<u32> = std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i as u32 + 1))
                .step_by(LINE_STRIDE)
                .collect();
            sources.set_lines(id, LineIndex { starts, skip: bom.len() as u64 });
            ids.push(id);
        }
        let whole = sources.add("c.tick".to_owned(), text.as_str());
        let oracle = SourceFile::new("oracle".to_owned(), Arc::from(text.as_str()));
        let offsets: Vec<u32> = (0..text.len() as u32).filter(|&o| text.is_char_boundary(o as usize)).collect();
        let mut wanted = Vec::new();
        for (i, &o) in offsets.iter().enumerate().rev().step_by(3) {
            wanted.push((ids[i % 2], o));
            wanted.push((whole, o));
            if i % 11 == 0 {
                wanted.push((ids[i % 2], o));
            }
        }
        let places = sources.places(wanted.clone());
        for (file, offset) in wanted {
            let found = places.get(file, offset);
            if file == whole {
                assert_eq!(found, None, "a place in a file in memory is found as it is asked for");
            } else {
                assert_eq!(found, Some(oracle.line_col(offset)), "{offset} in {file:?}");
            }
        }
        assert_eq!(places.get(ids[0], text.len() as u32 + 5), None);
    }

    /// A table of `n` places alternately in files 0 and 1, at offsets seven apart, the place of
    /// index `i` at line `i + 1` and column `i + 2`.
    fn table(n: u64) -> Places {
        let keys: Vec<u64> =
            (0..n).map(|i| (i % 2) << 32 | (i * 7)).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
        let found = (0..keys.len()).map(|i| (i + 1, i + 2)).collect();
        Places { keys, found }
    }

    #[test]
    fn places_taken_among_others_are_found_as_in_the_whole() {
        // every third place of 1,000 in two files, some asked for twice, some not among them
        let whole = table(1_000);
        let wanted: Vec<(SourceId, u32)> = (0..3_000u32)
            .rev()
            .step_by(3)
            .map(|o| (SourceId(o % 3), o * 3))
            .chain([(SourceId(0), 0), (SourceId(0), 0)])
            .collect();
        let some = whole.among(wanted.clone());
        assert!(some.keys.len() < whole.keys.len() && !some.keys.is_empty());
        for (file, offset) in wanted {
            assert_eq!(some.get(file, offset), whole.get(file, offset), "{file:?}:{offset}");
        }
        assert_eq!(some.get(SourceId(1), 7), None, "a place not asked for is not among them");
    }

    #[test]
    fn places_in_neighbouring_and_far_blocks_are_those_found_one_by_one() {
        // blocks of 64 lines of 100 to 400 bytes; places in runs of neighbouring blocks and in blocks
        // far apart, with the last block (no end kept), each block's read reused for its places
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("long.csv");
        let text: String = (0..3_000).map(|i| format!("{}ü\n", "x".repeat(100 + i * 37 % 300))).collect();
        std::fs::write(&path, &text).unwrap();
        let mut sources = Sources::default();
        let id = sources.add_streamed("long.csv".to_owned(), path);
        let starts: Vec<u32> = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i as u32 + 1))
            .step_by(LINE_STRIDE)
            .collect();
        sources.set_lines(id, LineIndex { starts: starts.clone(), skip: 0 });
        let oracle = SourceFile::new("oracle".to_owned(), Arc::from(text.as_str()));
        for blocks in [&[0, 1, 2, 3][..], &[0, 2, 9, 10, 30, 31, 32, 46][..], &[5, 46][..], &[1, 20, 40][..]] {
            let wanted: Vec<(SourceId, u32)> = (blocks.iter())
                .flat_map(|&b| (0..5).map(move |i| (b, i)))
                .map(|(b, i)| starts[b] + 7 + i * 911)
                .filter(|&o| (o as usize) < text.len() && text.is_char_boundary(o as usize))
                .map(|o| (id, o))
                .collect();
            let places = sources.places(wanted.clone());
            for (file, offset) in wanted {
                assert_eq!(places.get(file, offset), Some(oracle.line_col(offset)), "{offset} in {blocks:?}");
            }
        }
    }

    #[test]
    fn a_thread_keeps_at_most_kept_bytes_of_blocks() {
        // eight blocks of 64 lines of 4,000 bytes: 256,000 bytes each, two million in all
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("long.csv");
        let line = format!("{}\n", "x".repeat(3_999));
        std::fs::write(&path, line.repeat(8 * LINE_STRIDE)).unwrap();
        let mut sources = Sources::default();
        let id = sources.add_streamed("long.csv".to_owned(), path);
        let starts = (0..=8).map(|b| (b * LINE_STRIDE * line.len()) as u32).collect();
        sources.set_lines(id, LineIndex { starts, skip: 0 });
        let file = sources.get(id);
        for block in 0..8 {
            let offset = (block * LINE_STRIDE + 3) * line.len() + 7;
            assert_eq!(file.line_col(offset as u32), (block * LINE_STRIDE + 4, 8));
        }
        let kept = BLOCKS.with_borrow(|blocks| blocks.iter().map(|b| b.bytes.len()).sum::<usize>());
        assert!(kept > 0 && kept <= KEPT_BYTES, "{kept} bytes kept");
    }
}
