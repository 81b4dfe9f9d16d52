//! Long CSV streamed: millions of rows read a batch (4 MiB) at a time, parsed and packed by the workers
//! a chunk each (names as ids of the chunk's own, figures as 28-byte facts), and added to the sheets in
//! file order, which only renumbers them; the file's text is never held whole (a 7.8-million-row file
//! is 330 MB of text, its facts 220 MB packed). A chunk of plain text is checked once, not line by
//! line, and a plain decimal is read without [`parse_value`].
//!
//! This is the fast path of [`super::long`] for well-formed files, and it reads them to the same facts
//! with the same spans. Anything it does not expect stops it: a byte that is not UTF-8 text, a
//! control character, a quote other than around a whole cell, a `""` inside quotes anywhere but in a
//! source name, a cell running over a line end, a row of the wrong length, a bad key or value, an empty file. The caller then drops
//! the facts read so far and reads the file whole with [`super::parse`], which says what is wrong with
//! the diagnostics it always gave. A file whose header is not a long one (a wide file) is read whole
//! too. Rows repeated within the file are found when the sheets are laid out
//! ([`crate::data::SheetBuilder::finish`]).

use std::borrow::Cow;
use std::io::Read;
use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashSet};

use rust_decimal::Decimal;

use crate::num::{Quantity, RangeLit, Unit};
use crate::period::Period;
use crate::source::{LINE_STRIDE, LineIndex, SourceId, Span};
use crate::syntax::ast::Scenario;

use super::super::key;
use super::super::sheet::{Fact, FactValue, Origin, PackedChunk, SheetBuilder, Spare};
use super::super::value::{parse_value, plain_digits};
use super::exported::{self, Exported};
use super::long::{Layout, NAMES};
use super::scan;

/// How far a stream got.
#[derive(Debug, PartialEq, Eq)]
pub enum Streamed {
    /// Every row was read; the file's source names (its `source` column's distinct values joined by `; `).
    Read(Option<String>),
    /// The header is not a long one: the file is read whole.
    NotLong,
    /// Something unexpected, at this byte: the file is read whole, to say what.
    Stopped(u64),
}

/// The size of a chunk parsed by one worker.
const CHUNK: usize = 1 << 20;

/// How much is read before its chunks are parsed, in parallel, and added in order.
const BATCH: usize = 4 * CHUNK;

/// Reads a long CSV from `input` into `builder` (whose latest source is this file), gathering the
/// file's line index into `lines`; `limit` is the most bytes a CSV file may have.
///
/// The header is read first; then the rows, a batch at a time: the batch is cut at line ends into
/// chunks, which workers parse and pack at once (cells, keys, figures), and their facts are added to
/// the builder in file order, so the sheets are the same whatever the number of workers.
pub fn stream(
    mut input: impl Read,
    file: SourceId,
    limit: u64,
    builder: &mut SheetBuilder,
    lines: &mut LineIndex,
) -> std::io::Result<Streamed> {
    let mut pending: Vec<u8> = Vec::with_capacity(BATCH + CHUNK);
    // A file of one chunk is read on the calling thread (a run of a few small files starts no worker).
    let n = (&mut input).take(CHUNK as u64 + 1).read_to_end(&mut pending)?;
    let mut run = Run { builder, lines, line: 0, merge: Merge::default(), spares: Vec::new() };
    // On a worker of the pool itself the stream would wait for chunks queued behind it (a pool of one
    // thread never parses them): there it parses on its own thread.
    if n <= CHUNK || crate::workers::pool().current_thread_index().is_some() {
        return run.stream(pending, input, file, limit, None);
    }
    crate::workers::pool().in_place_scope(|scope| run.stream(pending, input, file, limit, Some(scope)))
}

/// A stream's merge in file order: what is added to the builder, and the buffers kept for the next chunks.
struct Run<'b> {
    builder: &'b mut SheetBuilder,
    lines: &'b mut LineIndex,
    /// How many lines end before the next chunk to merge.
    line: u32,
    merge: Merge,
    /// The buffers of the chunks merged, for the next ones.
    spares: Vec<Buffers>,
}

/// The chunks handed to the workers and not yet merged: results come back in any order, and are
/// merged in the order of the file.
struct Flight {
    results: std::sync::mpsc::Receiver<(usize, std::thread::Result<Parsed>)>,
    sender: std::sync::mpsc::Sender<(usize, std::thread::Result<Parsed>)>,
    /// Results come before their turn.
    early: FxHashMap<usize, Parsed>,
    /// How many chunks were handed out, and how many merged.
    spawned: usize,
    merged: usize,
    /// Each batch's text and the number of chunks handed out once its own were: its buffer is kept
    /// for a later batch once those are merged.
    batches: std::collections::VecDeque<(Arc<Vec<u8>>, usize)>,
    texts: Vec<Vec<u8>>,
}

impl Run<'_> {
    /// Reads the file, `pending` holding its first bytes: a batch is read while the workers parse the
    /// one before (on `scope`, else on this thread), and merged while they parse the next, so that the
    /// reading and the merge, which take one thread, run beside the parsing rather than between.
    fn stream<'s>(
        &mut self,
        mut pending: Vec<u8>,
        mut input: impl Read,
        file: SourceId,
        limit: u64,
        scope: Option<&rayon::Scope<'s>>,
    ) -> std::io::Result<Streamed> {
        // The file offset (after a byte order mark) of `pending[0]`.
        let (mut base, mut first, mut at_end) = (0u64, true, false);
        // Set when the bytes pending hold no line end: a line longer than a batch is read to its end.
        let mut whole_line_wanted = false;
        let mut layout: Option<Layout> = None;
        let (sender, results) = std::sync::mpsc::channel();
        let mut flight = Flight {
            results,
            sender,
            early: FxHashMap::default(),
            spawned: 0,
            merged: 0,
            batches: Default::default(),
            texts: Vec::new(),
        };
        (self.lines.starts, self.lines.skip) = (vec![0], 0);
        loop {
            while !at_end && (pending.len() < BATCH || whole_line_wanted) {
                let filled = pending.len();
                // read into the buffer's spare room, which is not zeroed first
                let read = (&mut input).take(CHUNK as u64).read_to_end(&mut pending);
                // a row of the batches in flight comes before what reading finds (an error, the limit):
                // where one stops the stream, that is what is said, as when the stream read after merging
                let stop = match read {
                    Ok(n) => {
                        at_end = n == 0;
                        whole_line_wanted &= memchr::memchr(b'\n', &pending[filled..]).is_none();
                        (base + pending.len() as u64 > limit).then_some(Ok(Streamed::Stopped(limit)))
                    }
                    Err(e) => Some(Err(e)),
                };
                if let Some(stop) = stop {
                    let all = flight.spawned;
                    return self.merge_up_to(&mut flight, all).map_or(stop, |at| Ok(Streamed::Stopped(at)));
                }
            }
            if first {
                if pending.starts_with(b"\xEF\xBB\xBF") {
                    pending.drain(..3);
                    self.lines.skip = 3;
                }
                first = false;
            }
            let cut = if at_end { pending.len() } else { memchr::memrchr(b'\n', &pending).map_or(0, |i| i + 1) };
            if cut == 0 && !at_end {
                whole_line_wanted = true;
                continue;
            }
            let mut pos = 0;
            while layout.is_none() && pos < cut {
                // The header: the first line that is not blank.
                let end = memchr::memchr(b'\n', &pending[pos..cut]).map_or(cut, |i| pos + i);
                let Some(text) = line_text(&pending[pos..end]) else { return Ok(Streamed::Stopped(base + pos as u64)) };
                if !text.is_empty() {
                    layout = match layout_of(text) {
                        Some(l) => Some(l),
                        None if is_long_header(text) => return Ok(Streamed::Stopped(base + pos as u64)),
                        None => return Ok(Streamed::NotLong),
                    };
                }
                if end < cut {
                    self.line += 1;
                    note(self.lines, self.line, base + end as u64 + 1);
                }
                pos = end + 1;
            }
            match layout.filter(|_| pos < cut) {
                Some(layout) => {
                    // the batch goes to the workers; what follows its last line end stays pending
                    let mut rest = flight.texts.pop().unwrap_or_else(|| Vec::with_capacity(BATCH + CHUNK));
                    rest.clear();
                    rest.extend_from_slice(&pending[cut..]);
                    pending.truncate(cut);
                    let batch = Arc::new(std::mem::replace(&mut pending, rest));
                    let before = flight.spawned;
                    for (start, end) in chunks(&batch, pos) {
                        let buffers = self.spares.pop().unwrap_or_default();
                        let (seq, batch) = (flight.spawned, Arc::clone(&batch));
                        flight.spawned += 1;
                        let parse = move || {
                            let parsed = parse_chunk(&batch[start..end], base + start as u64, &layout, file, buffers);
                            // the text is let go before the result is sent, so that its buffer is free
                            // for another batch once merged
                            drop(batch);
                            parsed
                        };
                        match scope {
                            Some(scope) => {
                                let sender = flight.sender.clone();
                                scope.spawn(move |_| {
                                    // a worker's panic is sent too, for the merge not to wait for its chunk
                                    let parsed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(parse));
                                    // the receiver is dropped only once the stream stopped
                                    let _ = sender.send((seq, parsed));
                                });
                            }
                            None => {
                                flight.early.insert(seq, parse());
                            }
                        }
                    }
                    flight.batches.push_back((batch, flight.spawned));
                    // the batch before this one is merged while the workers parse this one
                    if let Some(at) = self.merge_up_to(&mut flight, before) {
                        return Ok(Streamed::Stopped(at));
                    }
                }
                None => {
                    pending.drain(..cut);
                }
            }
            base += cut as u64;
            if at_end && pending.is_empty() {
                break;
            }
        }
        let all = flight.spawned;
        if let Some(at) = self.merge_up_to(&mut flight, all) {
            return Ok(Streamed::Stopped(at));
        }
        match layout {
            Some(_) => Ok(Streamed::Read(std::mem::take(&mut self.merge).source_names())),
            None => Ok(Streamed::Stopped(0)),
        }
    }

    /// Merges the chunks in flight, in order, until `count` are; where one stopped, its offset.
    fn merge_up_to(&mut self, flight: &mut Flight, count: usize) -> Option<u64> {
        while flight.merged < count {
            let mut chunk = loop {
                if let Some(chunk) = flight.early.remove(&flight.merged) {
                    break chunk;
                }
                // every chunk handed out sends its result: the sender kept here never ends the wait
                let (seq, chunk) = flight.results.recv().expect("a worker's chunk");
                flight.early.insert(seq, chunk.unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
            };
            flight.merged += 1;
            for &start in &chunk.starts {
                self.line += 1;
                note(self.lines, self.line, u64::from(start));
            }
            if let Some(at) = chunk.stopped {
                return Some(at);
            }
            let mut starts = std::mem::take(&mut chunk.starts);
            starts.clear();
            self.spares.push(Buffers { packed: self.merge.add(chunk, self.builder), starts });
            while flight.batches.front().is_some_and(|&(_, last)| last <= flight.merged) {
                let (batch, _) = flight.batches.pop_front().expect("a batch");
                flight.texts.extend(Arc::try_unwrap(batch).ok());
            }
        }
        None
    }
}

/// A worker's buffers, kept from one batch to the next ([`PackedChunk::reusing`]).
#[derive(Default)]
struct Buffers {
    packed: Spare,
    starts: Vec<u32>,
}

/// Notes that line `line` starts at `start`: every [`LINE_STRIDE`]-th start is kept.
fn note(lines: &mut LineIndex, line: u32, start: u64) {
    if (line as usize).is_multiple_of(LINE_STRIDE) {
        lines.starts.push(start as u32);
    }
}

/// Cuts `body[from..]` into chunks of about [`CHUNK`] bytes that end at line ends.
fn chunks(body: &[u8], from: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = from;
    while start < body.len() {
        let end = match start + CHUNK {
            end if end >= body.len() => body.len(),
            end => memchr::memchr(b'\n', &body[end..]).map_or(body.len(), |i| end + i + 1),
        };
        out.push((start, end));
        start = end;
    }
    out
}

/// A line's text without its `\r\n` ending; `None` where it is not UTF-8 text without control
/// characters, or holds a `\r` that would end a record for a CSV reader.
fn line_text(bytes: &[u8]) -> Option<&str> {
    let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    if bytes.iter().any(|&b| (b < 0x20 && b != b'\t') || b == 0x7F) {
        return None;
    }
    std::str::from_utf8(bytes).ok()
}

/// Whether a header row names a long layout (a `value` or `period` column) though it is not one this
/// reader takes: the whole-file reader then says what is wrong with it.
fn is_long_header(text: &str) -> bool {
    text.split(',')
        .map(|c| c.trim().trim_matches('"').trim().to_ascii_lowercase())
        .any(|c| c == "value" || c == "period")
}

/// A row's cells: where the trimmed text of each starts and ends in the line, and whether it holds a
/// quote written `""` inside its quotes (its text is then not the cell's value as it stands). `ascii`
/// says that the line is known to be ASCII.
fn cells(text: &str, ascii: bool, out: &mut Vec<(usize, usize, bool)>) -> Option<()> {
    out.clear();
    let bytes = text.as_bytes();
    if ascii && bare_cells(bytes, out) {
        return Some(());
    }
    out.clear();
    let mut at = 0;
    loop {
        let mut escaped = false;
        let (cell, start, next) = if bytes.get(at) == Some(&b'"') {
            let mut close = at + 1 + memchr::memchr(b'"', &bytes[at + 1..])?;
            while bytes.get(close + 1) == Some(&b'"') {
                escaped = true;
                close = close + 2 + memchr::memchr(b'"', &bytes[close + 2..])?;
            }
            if !matches!(bytes.get(close + 1), None | Some(b',')) {
                return None;
            }
            (&text[at + 1..close], at + 1, close + 1)
        } else {
            let end = at + memchr::memchr(b',', &bytes[at..]).unwrap_or(bytes.len() - at);
            let cell = &text[at..end];
            if cell.contains('"') {
                return None;
            }
            (cell, at, end)
        };
        // Only ASCII white space can be in an ASCII line: the quick trim reads the same there.
        let (lead, len) = if cell.is_ascii() {
            (cell.len() - cell.trim_ascii_start().len(), cell.trim_ascii().len())
        } else {
            (cell.len() - cell.trim_start().len(), cell.trim().len())
        };
        out.push((start + lead, start + lead + len, escaped));
        if next >= bytes.len() {
            return Some(());
        }
        at = next + 1;
    }
}

/// The cells of the common row, of no quote, in one look along it (a row is short: a search per
/// cell costs more than it saves), each trimmed as [`cells`] trims it; `false` at a quote.
fn bare_cells(bytes: &[u8], out: &mut Vec<(usize, usize, bool)>) -> bool {
    let mut push = |start: usize, end: usize| {
        let cell = bytes[start..end].trim_ascii_start();
        let lead = end - start - cell.len();
        out.push((start + lead, start + lead + cell.trim_ascii_end().len(), false));
    };
    let mut start = 0;
    for (at, &b) in bytes.iter().enumerate() {
        match b {
            b',' => {
                push(start, at);
                start = at + 1;
            }
            b'"' => return false,
            _ => {}
        }
    }
    push(start, bytes.len());
    true
}

/// The layout of a header row, if it is a long one this reader takes: known names, each once, the
/// four required (the whole-file reader says what is wrong with any other).
fn layout_of(text: &str) -> Option<Layout> {
    let mut at = Vec::new();
    cells(text, text.is_ascii(), &mut at)?;
    if at.iter().any(|&(.., escaped)| escaped) {
        return None;
    }
    let names: Vec<String> = at.iter().map(|&(a, b, _)| text[a..b].to_ascii_lowercase()).collect();
    for (i, name) in names.iter().enumerate() {
        if !NAMES.contains(&name.as_str()) || names[..i].contains(name) {
            return None;
        }
    }
    let find = |name: &str| names.iter().position(|n| n == name);
    Some(Layout {
        width: names.len(),
        entity: find("entity")?,
        metric: find("metric")?,
        period: find("period")?,
        value: find("value")?,
        scenario: find("scenario"),
        unit: find("unit"),
        source: find("source"),
        given: find("given"),
    })
}

/// What a worker read from a chunk.
struct Parsed {
    /// The rows' facts, packed under the chunk's own names.
    facts: PackedChunk,
    /// The file offsets where the lines after each line end in the chunk start.
    starts: Vec<u32>,
    /// The `source` cells' values, each the first time the chunk gives it.
    sources: Vec<String>,
    /// The value cells that mark a figure as missing (`n/a`, `—`).
    missing: Vec<Span>,
    /// Where the chunk holds something unexpected.
    stopped: Option<u64>,
}

/// Reads the rows of a chunk starting at file offset `offset`: each key cell is checked, each figure
/// read, with the checks the whole-file reader makes; at the first row it would refuse, it stops.
/// The chunk packs into `buffers`.
fn parse_chunk(bytes: &[u8], offset: u64, layout: &Layout, file: SourceId, buffers: Buffers) -> Parsed {
    // a plain chunk is ASCII, so UTF-8: read as bytes, with no check of its own as UTF-8
    match is_plain(bytes) {
        true => parse_plain(bytes, offset, layout, file, buffers),
        false => parse_lines(bytes, offset, layout, file, buffers),
    }
}

/// [`parse_chunk`] line by line: for any chunk, and the reading [`parse_plain`] is held to.
fn parse_lines(bytes: &[u8], offset: u64, layout: &Layout, file: SourceId, buffers: Buffers) -> Parsed {
    let (mut out, mut reader) = (Parsed::new(buffers), ChunkReader::new(layout, file));
    // Most chunks are plain text throughout: checked once, their lines need no check of their own.
    let clean = plain_text(bytes);
    reader.ascii = clean.is_some_and(|(text, _)| text.is_ascii());
    let mut pos = 0;
    while pos < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |i| pos + i);
        let at = offset + pos as u64;
        let text = match clean {
            Some((clean, false)) => Some(&clean[pos..end]),
            Some((clean, true)) => {
                let line = &clean[pos..end];
                Some(line.strip_suffix('\r').unwrap_or(line)).filter(|line| !line.contains('\r'))
            }
            None => line_text(&bytes[pos..end]),
        };
        if text.and_then(|text| reader.row(text, at as usize, &mut out)).is_none() {
            out.stopped = Some(at);
            return out;
        }
        if end < bytes.len() {
            out.starts.push((offset + end as u64 + 1) as u32);
        }
        pos = end + 1;
    }
    out
}

/// [`parse_chunk`] for the common chunk, of printable ASCII with no quote and a `\r` only at a line's
/// end: its commas and line ends are found a block at a time ([`scan::marks`]) and each row's cells
/// cut where the marks say, to the same facts, spans, line starts and stop as [`parse_lines`] reads
/// line by line. For a chunk [`is_plain`] says is one.
fn parse_plain(bytes: &[u8], offset: u64, layout: &Layout, file: SourceId, buffers: Buffers) -> Parsed {
    let (mut out, mut reader) = (Parsed::new(buffers), ChunkReader::new(layout, file));
    (reader.ascii, reader.bare) = (true, true);
    let mut cells = Cells::default();
    // Where the current row and its current cell start, in the chunk.
    let (mut row, mut cell) = (0, 0);
    for (index, block) in bytes.chunks(scan::BLOCK).enumerate() {
        let mut marks = scan::marks(block);
        while marks != 0 {
            let bit = marks.trailing_zeros();
            marks &= marks - 1;
            let at = index * scan::BLOCK + bit as usize;
            if bytes[at] == b',' {
                cells.push(trimmed(bytes, cell, at));
                cell = at + 1;
                continue;
            }
            if reader.plain_row(bytes, (row, cell, at), &mut cells, offset, &mut out).is_none() {
                out.stopped = Some(offset + row as u64);
                return out;
            }
            out.starts.push((offset + at as u64 + 1) as u32);
            (row, cell) = (at + 1, at + 1);
        }
    }
    if row < bytes.len() && reader.plain_row(bytes, (row, cell, bytes.len()), &mut cells, offset, &mut out).is_none() {
        out.stopped = Some(offset + row as u64);
    }
    out
}

/// A plain row's cells, in place (where a `Vec` paid its check of room on each): a row has at most
/// as many as a layout has columns ([`NAMES`]), and the place after them says that it has more.
struct Cells {
    at: [(usize, usize, bool); NAMES.len() + 1],
    len: usize,
}

impl Default for Cells {
    fn default() -> Self {
        Cells { at: [(0, 0, false); NAMES.len() + 1], len: 0 }
    }
}

impl Cells {
    /// Adds a cell; past [`NAMES`]' count, the last place is written over (the row has too many).
    fn push(&mut self, cell: (usize, usize, bool)) {
        let at = self.len.min(NAMES.len());
        self.at[at] = cell;
        self.len = at + 1;
    }

    /// The row's cells, where it has `width`.
    fn row(&self, width: usize) -> Option<&[(usize, usize, bool)]> {
        (self.len == width).then(|| &self.at[..width])
    }
}

/// Whether a chunk is one [`parse_plain`] reads: printable ASCII with no quote, and every `\r` at a
/// line's end: before a `\n`, or at the chunk's end (the file's, as every other chunk ends with a
/// `\n`).
fn is_plain(bytes: &[u8]) -> bool {
    scan::plain_ascii(bytes)
        && memchr::memchr_iter(b'\r', bytes).all(|i| matches!(bytes.get(i + 1), None | Some(b'\n')))
}

/// The cell `bytes[start..end]` of a plain row trimmed, as [`cells`] gives it. Most cells have no
/// white space at either end, which two compares say: in a plain chunk the only bytes at or below a
/// space in a cell are spaces and tabs (a line's closing `\r` is cut before), white space to trim.
fn trimmed(bytes: &[u8], start: usize, end: usize) -> (usize, usize, bool) {
    let cell = &bytes[start..end];
    debug_assert!(!cell.iter().any(|&b| matches!(b, b'\n' | b'\r' | 0x0B | 0x0C)), "{cell:?} is not a plain cell");
    if cell.first().is_none_or(|&b| b > b' ') && cell.last().is_none_or(|&b| b > b' ') {
        return (start, end, false);
    }
    let cell = cell.trim_ascii_start();
    let lead = end - start - cell.len();
    (start + lead, start + lead + cell.trim_ascii_end().len(), false)
}

/// A chunk's text where it is UTF-8 without control characters but for tabs and line ends, and
/// whether it holds a `\r` (a line is then what [`line_text`] gives once its `\r\n` ending is cut and
/// it is found to hold no other `\r`). `None` where each line needs the look of [`line_text`].
fn plain_text(bytes: &[u8]) -> Option<(&str, bool)> {
    // No early exit within a block, so that the compiler can test a block's bytes at once.
    let plain = |block: &[u8]| {
        block.iter().fold(true, |ok, &b| ok & (b >= 0x20 || matches!(b, b'\t' | b'\n' | b'\r')) & (b != 0x7F))
    };
    if !bytes.chunks(64).all(plain) {
        return None;
    }
    Some((std::str::from_utf8(bytes).ok()?, memchr::memchr(b'\r', bytes).is_some()))
}

impl Parsed {
    fn new(Buffers { packed, starts }: Buffers) -> Self {
        Parsed { facts: PackedChunk::reusing(packed), starts, sources: Vec::new(), missing: Vec::new(), stopped: None }
    }
}

/// A worker's reader of rows, remembering what the chunk's rows so far named, so that each entity,
/// metric, period and unit is checked once.
struct ChunkReader<'l, 'a> {
    layout: &'l Layout,
    file: SourceId,
    /// The last row's entity and its id in the chunk's facts; each entity named so far, with its id
    /// (a file not sorted by entity names one on most rows: each is checked and kept once a chunk).
    last_entity: (&'a [u8], u32),
    entities: FxHashMap<&'a [u8], u32>,
    /// Each metric named so far, with its id in the chunk's facts.
    metrics: FxHashMap<&'a [u8], u32>,
    /// The metrics by id; per id, the id of the metric of the row after the last row naming it
    /// ([`ChunkReader::metric`]); the last row's metric.
    metric_names: Vec<&'a [u8]>,
    next_metric: Vec<u32>,
    last_metric: u32,
    /// Whether the declared locale reads a plain decimal's point as one ([`exported::declared`]).
    reads_points: bool,
    /// The last row's period, and each period read so far.
    last_period: (&'a [u8], Period),
    periods: FxHashMap<&'a [u8], Period>,
    last_scenario: (&'a [u8], Scenario),
    /// The units read so far, the first no unit, each with its id in the chunk's facts once a plain
    /// figure is packed in it (`u32::MAX` before: ids are given in the order facts are packed, as
    /// [`PackedChunk::push_plain`] gave them when it looked them up); the last row's unit text and
    /// its place there; each unit text read so far and its place.
    unit_list: Vec<(Unit, u32)>,
    last_unit: (&'a [u8], usize),
    units: FxHashMap<&'a [u8], usize>,
    sources: FxHashSet<Cow<'a, str>>,
    cells: Vec<(usize, usize, bool)>,
    /// Whether the chunk is ASCII throughout (its cells are then trimmed of ASCII white space only).
    ascii: bool,
    /// Whether no cell of the chunk is quoted (a plain chunk's: [`parse_plain`]).
    bare: bool,
}
impl<'l, 'a> ChunkReader<'l, 'a> {
    fn new(layout: &'l Layout, file: SourceId) -> Self {
        ChunkReader {
            layout,
            file,
            last_entity: (b"", 0),
            entities: FxHashMap::default(),
            metrics: FxHashMap::default(),
            last_period: (b"", Period::Year(2000)),
            periods: FxHashMap::default(),
            last_scenario: (b"", Scenario::Actual),
            unit_list: vec![(Unit::None, u32::MAX)],
            last_unit: (b"", 0),
            units: FxHashMap::default(),
            metric_names: Vec::new(),
            next_metric: Vec::new(),
            last_metric: u32::MAX,
            reads_points: exported::declared().reads_points(),
            sources: FxHashSet::default(),
            cells: Vec::new(),
            ascii: false,
            bare: false,
        }
    }

    /// Reads one line; `None` where anything in it is unexpected.
    fn row(&mut self, text: &'a str, offset: usize, out: &mut Parsed) -> Option<()> {
        if text.is_empty() {
            return Some(());
        }
        let mut at = std::mem::take(&mut self.cells);
        let read = cells(text, self.ascii, &mut at)
            .filter(|()| at.len() == self.layout.width)
            .and_then(|()| self.fact(text.as_bytes(), &at, offset, out));
        self.cells = at;
        read
    }

    /// Reads a row of a plain chunk `text` (at file offset `offset`) whose cells but the last are cut
    /// (at `cells`, emptied after): it starts at `row`, its last cell at `last`, and its line ends at
    /// `end` (at a `\n`, or the chunk's end); `None` where anything in it is unexpected.
    fn plain_row(
        &mut self,
        text: &'a [u8],
        (row, last, end): (usize, usize, usize),
        cells: &mut Cells,
        offset: u64,
        out: &mut Parsed,
    ) -> Option<()> {
        let end = if end > row && text[end - 1] == b'\r' { end - 1 } else { end };
        let read = match end == row {
            true => Some(()),
            false => {
                cells.push(trimmed(text, last, end));
                cells.row(self.layout.width).and_then(|at| self.fact(text, at, offset as usize, out))
            }
        };
        cells.len = 0;
        read
    }

    /// Reads the fact of a row, its cells at `at`. The row is UTF-8 text (a plain chunk's is ASCII,
    /// another's was checked), read as bytes: a cell is made a `str` only where its text is read
    /// (a name the chunk has not met, a figure not plain), so that no row pays for the checks of
    /// char boundaries that cutting a `str` makes.
    fn fact(&mut self, text: &'a [u8], at: &[(usize, usize, bool)], offset: usize, out: &mut Parsed) -> Option<()> {
        let (layout, file) = (self.layout, self.file);
        let cell = |column: usize| &text[at[column].0..at[column].1];
        let span = |column: usize| Span::new(offset + at[column].0, offset + at[column].1);
        let value = cell(layout.value);
        if value.is_empty() {
            return Some(());
        }
        // Only a source name may hold a quote (`"The ""Economist"""`); in a key or a figure it is an
        // error, which the whole-file reader says.
        let escaped = |column: usize| at[column].2;
        if !self.bare && (0..at.len()).any(|c| escaped(c) && Some(c) != layout.source) {
            return None;
        }
        if let Some(column) = layout.source.filter(|&c| !cell(c).is_empty()) {
            let name = utf8(cell(column))?;
            let source = match escaped(column) {
                true => Cow::Owned(name.replace("\"\"", "\"")),
                false => Cow::Borrowed(name),
            };
            if !self.sources.contains(&source) {
                self.sources.insert(source.clone());
                out.sources.push(source.into_owned());
            }
        }
        let entity = cell(layout.entity);
        if !same(entity, self.last_entity.0) || entity.is_empty() {
            let id = match self.entities.get(entity) {
                Some(&id) => id,
                None => {
                    let name = utf8(entity)?;
                    key::entity(name, span(layout.entity), file).ok()?;
                    *self.entities.entry(entity).or_insert(out.facts.entity(name))
                }
            };
            self.last_entity = (entity, id);
        }
        let metric = self.metric(cell(layout.metric), || span(layout.metric), out)?;
        let period = cell(layout.period);
        if !same(period, self.last_period.0) || period.is_empty() {
            let parsed = match self.periods.get(period) {
                Some(&parsed) => parsed,
                None => *self.periods.entry(period).or_insert(Period::parse(utf8(period)?)?),
            };
            self.last_period = (period, parsed);
        }
        let scenario = match layout.scenario.map(cell).filter(|s| !s.is_empty()) {
            None => Scenario::Actual,
            Some(word) if same(word, self.last_scenario.0) => self.last_scenario.1,
            Some(word) => {
                self.last_scenario = (word, Scenario::parse(utf8(word)?)?);
                self.last_scenario.1
            }
        };
        let unit_at = match layout.unit.map(cell).filter(|u| !u.is_empty()) {
            None => 0,
            Some(text) if same(text, self.last_unit.0) => self.last_unit.1,
            Some(text) => {
                let at = match self.units.get(text) {
                    Some(&at) => at,
                    None => {
                        let unit = Unit::parse(utf8(text)?)?;
                        self.unit_list.push((unit, u32::MAX));
                        *self.units.entry(text).or_insert(self.unit_list.len() - 1)
                    }
                };
                self.last_unit = (text, at);
                at
            }
        };
        let unit = self.unit_list[unit_at].0;
        // a plain decimal first (no missing marker is one), unless a declared decimal comma makes its
        // point a thousands separator (`1.234` is 1234 in de-DE)
        let figure = match plain_digits(value).filter(|_| self.reads_points || !value.contains(&b'.')) {
            Some((digits, scale)) => Figure::Plain(digits, scale),
            None => {
                let value = utf8(value)?;
                if exported::is_missing(value) {
                    out.missing.push(span(layout.value));
                    return Some(());
                }
                match plain_range(value, unit) {
                    Some(range) => Figure::Other(range),
                    None => Figure::Other(figure(value, unit)?),
                }
            }
        };
        let given = match layout.given.map(cell).filter(|g| !g.is_empty()) {
            None => None,
            Some(text) => Some(crate::date::Date::parse(utf8(text)?)?),
        };
        let (origin, key) = (Origin { file, span: span(layout.value) }, (self.last_entity.1, metric, scenario));
        match figure {
            Figure::Plain(digits, scale) => {
                let unit = match self.unit_list[unit_at] {
                    (_, id) if id != u32::MAX => id,
                    (unit, _) => {
                        let id = out.facts.unit(unit);
                        self.unit_list[unit_at].1 = id;
                        id
                    }
                };
                out.facts.push_plain((key.0, key.1, key.2, self.last_period.1), (digits, scale), unit, origin, given)
            }
            Figure::Other(value) => {
                out.facts.push(key.0, key.1, key.2, self.last_period.1, Fact { value, origin, given })
            }
        }
        Some(())
    }

    /// The chunk's id of a row's metric, checked the first time the chunk names it. Rows name their
    /// metrics in a cycle (each period of an entity lists the same ones in the same order), so the
    /// metric that followed the last row's the last time is tried first, and the hash only when it
    /// is not the one.
    fn metric(&mut self, name: &'a [u8], span: impl FnOnce() -> Span, out: &mut Parsed) -> Option<u32> {
        let guess = self.next_metric.get(self.last_metric as usize).copied().unwrap_or(u32::MAX);
        let id = match self.metric_names.get(guess as usize) {
            Some(guessed) if same(guessed, name) => return Some(self.follow(guess)),
            _ => match self.metrics.get(name) {
                Some(&id) => id,
                None => {
                    let text = utf8(name)?;
                    key::metric(text, span(), self.file).ok()?;
                    let id = out.facts.metric(text);
                    self.metrics.insert(name, id);
                    self.metric_names.push(name);
                    self.next_metric.push(u32::MAX);
                    id
                }
            },
        };
        if let Some(next) = self.next_metric.get_mut(self.last_metric as usize) {
            *next = id;
        }
        Some(self.follow(id))
    }

    /// Notes that the row's metric is `id`, and returns it.
    fn follow(&mut self, id: u32) -> u32 {
        self.last_metric = id;
        id
    }
}

/// A value cell's reading: a plain decimal's digits and scale, or any other figure or range.
enum Figure {
    Plain(i64, u32),
    Other(FactValue),
}

/// Whether two cells are the same text. Key cells are short: they are compared in place, by a word
/// or two (a metric's name by two of 16 bytes), where `==` calls `memcmp` (a call per key cell cost
/// more than the compare).
fn same(a: &[u8], b: &[u8]) -> bool {
    let word = |text: &[u8; 8]| u64::from_ne_bytes(*text);
    let wide = |text: &[u8; 16]| u128::from_ne_bytes(*text);
    match a.len() {
        n if n != b.len() => false,
        0 => true,
        n @ 1..4 => a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1],
        4..8 => a.first_chunk::<4>() == b.first_chunk::<4>() && a.last_chunk::<4>() == b.last_chunk::<4>(),
        8..=16 => {
            a.first_chunk().map(word) == b.first_chunk().map(word)
                && a.last_chunk().map(word) == b.last_chunk().map(word)
        }
        17..=32 => {
            a.first_chunk().map(wide) == b.first_chunk().map(wide)
                && a.last_chunk().map(wide) == b.last_chunk().map(wide)
        }
        _ => a == b,
    }
}

/// A cell of a row known to be UTF-8 text as a `str` (cut at ASCII commas and white space, it is
/// text too: `None` is not met, and would stop the stream).
fn utf8(cell: &[u8]) -> Option<&str> {
    std::str::from_utf8(cell).ok()
}

/// Adds the facts of chunks, in order, to the builder, gathering source names.
#[derive(Default)]
struct Merge {
    sources: Vec<String>,
    seen_sources: FxHashSet<String>,
}

impl Merge {
    /// Adds a chunk's rows; returns its packing buffers, emptied.
    fn add(&mut self, chunk: Parsed, builder: &mut SheetBuilder) -> Spare {
        for source in chunk.sources {
            if !self.seen_sources.contains(&source) {
                self.seen_sources.insert(source.clone());
                self.sources.push(source);
            }
        }
        builder.missing(chunk.missing);
        builder.append(chunk.facts)
    }

    /// The file's source names, in the order first given.
    fn source_names(self) -> Option<String> {
        (!self.sources.is_empty()).then(|| self.sources.join("; "))
    }
}

/// A range of two plain decimals (`2232.3..3082.6`, a guidance's), read without [`parse_value`]: to the
/// range it reads, in the row's unit (no such text is an exported form, none names a unit of its own);
/// `None` for any other text, and for bounds reversed (an error, which [`figure`] says).
fn plain_range(text: &str, unit: Unit) -> Option<FactValue> {
    let dots = text.as_bytes().windows(2).position(|w| w == b"..")?;
    let bound = |text: &str| plain_digits(text).map(|(digits, scale)| Decimal::new(digits, scale));
    let (lo, hi) = (bound(&text[..dots])?, bound(&text[dots + 2..])?);
    (lo <= hi)
        .then(|| FactValue::Range(RangeLit { lo: Some(Quantity::new(lo, unit)), hi: Some(Quantity::new(hi, unit)) }))
}

/// A value cell's figure or range other than a plain decimal, as the whole-file reader reads it: as
/// exported ([`exported::read`]: `70,066`, `(623)`), then by [`parse_value`].
fn figure(text: &str, unit: Unit) -> Option<FactValue> {
    let literal = match exported::read(text) {
        None => Cow::Borrowed(text),
        Some(Ok(Exported::Literal(literal))) => Cow::Owned(literal),
        Some(_) => return None,
    };
    // a unit that contradicts the row's is left to the whole-file reader, which says so
    if super::contradicting_unit(&literal, unit).is_some() {
        return None;
    }
    parse_value(&literal, unit).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_trimmed_and_placed() {
        let mut out = Vec::new();
        let text = " AMZN ,\"revenue\",2025Q4, 213.4";
        cells(text, true, &mut out).unwrap();
        let read: Vec<&str> = out.iter().map(|&(a, b, _)| &text[a..b]).collect();
        assert_eq!(read, ["AMZN", "revenue", "2025Q4", "213.4"]);
        assert_eq!(out[3], (25, 30, false));
        cells("\"The \"\"Economist\"\"\", x", true, &mut out).unwrap();
        assert_eq!(out, [(1, 18, true), (21, 22, false)]);
        assert!(cells("a,\"b\"c", true, &mut out).is_none());
        assert!(cells("a,b\"c", true, &mut out).is_none());
        assert!(cells("a,\"b", true, &mut out).is_none());
    }

    /// Everything a chunk's reading gave, to compare two readings.
    fn read(parsed: &Parsed) -> String {
        let Parsed { facts, starts, sources, missing, stopped } = parsed;
        format!("{facts:?}\n{starts:?}\n{sources:?}\n{missing:?}\n{stopped:?}")
    }

    fn layout() -> Layout {
        layout_of("entity,metric,period,value,scenario,unit,given").unwrap()
    }

    /// Asserts that a chunk is read by its marks, to what its lines read, at a file offset.
    fn assert_plain_reads_as_lines(text: &str) -> String {
        let layout = layout();
        assert!(is_plain(text.as_bytes()), "{text:?}");
        let plain = parse_plain(text.as_bytes(), 1000, &layout, SourceId(3), Buffers::default());
        let lines = parse_lines(text.as_bytes(), 1000, &layout, SourceId(3), Buffers::default());
        assert_eq!(read(&plain), read(&lines), "{text:?}");
        read(&plain)
    }

    /// The rows of a plain chunk, each with something a cut could get wrong.
    const ROWS: [&str; 9] = [
        "E1,revenue,2025Q4,213.4,,USD m,",
        "E1,capex,2025Q4,\t 1.5 ,guidance,USD m,2026-02-05\r",
        "",
        "\r",
        "E2,revenue,FY2025,-7.25,,%,",
        ",,,,,,",
        "E2,x,2025Q4,n/a,,,",
        "E3,margin,2025Q4,1..2 ,guidance,%,\r",
        "E3,padded,2025Q4,                                                                  9,,,",
    ];

    #[test]
    fn plain_chunks_read_as_their_lines_whatever_falls_at_a_block_edge() {
        // Shifted a byte at a time, every comma, line end and `\r\n` falls on each side of a block edge;
        // the last row ends in each way a chunk can end (mid-row at the file's end, or a line end).
        for shift in 0..=scan::BLOCK {
            for end in ["", "\n", "\r", "\r\n", "\n\n"] {
                let text = format!("{}{}\nE4,last,2025Q4,5,,,{end}", " ".repeat(shift), ROWS.join("\n"));
                let read = assert_plain_reads_as_lines(&text);
                assert!(read.ends_with("\nNone") && read.contains("\"last\""), "{text:?}: {read}");
            }
        }
        let long = format!("E1,revenue,2025Q4,{}1.5{},,,\n", " ".repeat(150), "\t".repeat(150));
        let read = assert_plain_reads_as_lines(&long);
        assert!(
            read.contains("start: 1168, unit: 0, len: 3,") && read.contains("\n[1325]\n"),
            "a line of five blocks: {read}"
        );
    }

    #[test]
    fn plain_chunks_stop_at_the_row_their_lines_stop_at() {
        let bad = [
            "E1,revenue,2025Q4,1",
            "E1,revenue,2025Q4,1,,,,",
            "E1,Bad Metric,2025Q4,1,,,",
            "E1,revenue,2025Q9,1,,,",
            "E1,revenue,2025Q4,abc,,,",
            "E1,revenue,2025Q4,1,maybe,,",
            "E1,revenue,2025Q4,1,,USD zz,",
            "E1,revenue,2025Q4,1,,,2026-13-01",
            " ",
        ];
        for row in bad {
            for shift in [0, 30, 63, 64, 65] {
                let text = format!("{}{}\n{row}\r\n{}", " ".repeat(shift), ROWS[0], ROWS[1]);
                let read = assert_plain_reads_as_lines(&text);
                let at = 1000 + shift + ROWS[0].len() + 1;
                assert!(read.ends_with(&format!("Some({at})")), "{row:?} at {shift}: {read}");
            }
        }
    }

    #[test]
    fn chunks_not_plain_are_read_by_their_lines() {
        let layout = layout();
        let row = "E1,revenue,2025Q4,1.5,,USD m,";
        for (edge, bad) in [(63, "\""), (64, "\""), (62, "É"), (63, "É"), (63, "\rx"), (64, "\u{7f}"), (10, "\u{0c}")]
        {
            let mut text = " ".repeat(edge) + row;
            text.insert_str(edge + 3, bad);
            assert!(!is_plain(text.as_bytes()), "{text:?}");
        }
        let text = "E1,revenue,2025Q4,1.5,,USD m,\r\r\n";
        assert!(!is_plain(text.as_bytes()), "a `\\r` before a `\\r`");
        assert!(read(&parse_chunk(text.as_bytes(), 0, &layout, SourceId(0), Buffers::default())).ends_with("Some(0)"));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]

        /// A range the fast path reads is the one the whole-file reader's path reads, in the row's unit.
        #[test]
        fn plain_ranges_read_as_figure_reads_them(
            text in "-?[0-9]{0,19}(\\.[0-9]{0,3})?\\.\\.-?[0-9]{0,19}(\\.[0-9]{0,3})?|[-0-9. ]{0,10}|[-0-9.]{0,4}\\.\\.\\PC{0,4}",
            money in proptest::bool::ANY,
        ) {
            let unit = if money { Unit::parse("USD m").unwrap() } else { Unit::None };
            if let Some(fast) = plain_range(&text, unit) {
                // as written, each bound's scale too (`1.50` is equal to `1.5`, but not the same)
                proptest::prop_assert_eq!(format!("{:?}", Some(fast)), format!("{:?}", figure(&text, unit)), "{:?}", text);
            }
        }
    }

    #[test]
    fn plain_ranges_are_two_plain_decimals_in_order() {
        let range = |lo: &str, hi: &str| {
            let q = |t: &str| Some(Quantity::new(t.parse::<Decimal>().unwrap(), Unit::None));
            Some(FactValue::Range(RangeLit { lo: q(lo), hi: q(hi) }))
        };
        assert_eq!(plain_range("2232.3..3082.6", Unit::None), range("2232.3", "3082.6"));
        assert_eq!(plain_range("-5..-3.50", Unit::None), range("-5", "-3.50"));
        assert_eq!(plain_range("7..7", Unit::None), range("7", "7"));
        for text in ["5..3", "..5", "5..", "1...2", "1..2..3", "1 ..2", "1..2 USD m", "1.5", "-0..1", "", ".."] {
            assert_eq!(plain_range(text, Unit::None), None, "{text}");
        }
    }

    #[test]
    fn same_is_equality() {
        let (a32, b32, a33) = ("a".repeat(32), format!("{}b", "a".repeat(31)), "a".repeat(33));
        let mut texts = vec!["", "%", "x", "ab", "ac", "abc", "abd", "xbc", "USD m", "USD n", "2025Q4", "2025Q3"];
        texts.extend(["revenue", "research_development", "research_developmenu", "segment.healthcare.revenue"]);
        texts.extend(["segment.healthcare.revenuf", "tegment.healthcare.revenue", &a32, &b32, &a33]);
        for a in &texts {
            for b in &texts {
                assert_eq!(same(a.as_bytes(), b.as_bytes()), a == b, "{a:?} {b:?}");
            }
        }
        // every length to 40, a byte changed at every place
        for len in 0..40 {
            let a: String = (0..len).map(|i| char::from(b'a' + (i % 26) as u8)).collect();
            for at in 0..len {
                let mut b = a.clone().into_bytes();
                b[at] = b'Z';
                assert!(same(a.as_bytes(), a.as_bytes()) && !same(a.as_bytes(), &b), "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn trimmed_cells_are_those_trim_ascii_gives() {
        // every cell of up to 5 bytes of spaces, tabs and two others, each end tested at once or not
        let bytes = [b' ', b'\t', b'a', b'9'];
        for len in 0..=5u32 {
            for mut n in 0..bytes.len().pow(len) {
                let mut row = b"x,".to_vec();
                row.extend((0..len).map(|_| {
                    let b = bytes[n % bytes.len()];
                    n /= bytes.len();
                    b
                }));
                let cell = &row[2..];
                let lead = cell.len() - cell.trim_ascii_start().len();
                let want = (2 + lead, 2 + lead + cell.trim_ascii().len(), false);
                assert_eq!(trimmed(&row, 2, row.len()), want, "{:?}", String::from_utf8_lossy(&row));
            }
        }
    }

    #[test]
    fn bare_cells_read_the_same_known_ascii_or_not() {
        let (mut fast, mut slow) = (Vec::new(), Vec::new());
        for text in ["", ",", "a,", ",b", " a , b ,\tc\t", "E1,revenue,2025Q4,1.5,,USD m", "  ", "a,,b"] {
            cells(text, true, &mut fast).unwrap();
            cells(text, false, &mut slow).unwrap();
            assert_eq!(fast, slow, "{text:?}");
        }
    }
}
