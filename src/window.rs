//! Long lines in a diagnostic's snippet, drawn as a window around what its labels point at: a CSV
//! row of a megabyte, or a compact JSON file on one line, is shown as [`LINE_CHARS`] characters of
//! the line with `…` where it is cut, never whole. Line numbers and the header's `file:line:column`
//! stay those of the file.

use std::sync::Arc;

use miette::{MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use crate::escape::EXCERPT_CHARS;
use crate::source::{SourceFile, Span};

/// The most characters of one line a snippet shows.
pub const LINE_CHARS: usize = EXCERPT_CHARS;

/// How many characters a window shows before the first label on its line.
const BEFORE_LABEL: usize = 40;

/// A shown line: where its window lies in the file and in the window's text.
struct Line {
    /// The window's first and last byte in the file (the whole line when it is short).
    start: usize,
    end: usize,
    /// Where the window's first byte is in the text shown (after a `…`).
    shown: usize,
    /// The end of the line in the text shown, line end excluded.
    shown_end: usize,
}

/// The lines around a diagnostic's labels, each long one cut to a window.
pub struct Window {
    file: SourceFile,
    name: String,
    text: String,
    /// The zero-based line number, in the file, of the first line of `text`.
    first_line: usize,
    lines: Vec<Line>,
}

/// A window over the lines of `file` that `spans` touch (with a line around them), and the spans in
/// it; `None` when every such line is short enough to be drawn whole.
pub fn window(file: &SourceFile, name: String, spans: &[Span]) -> Option<(Window, Vec<Span>)> {
    let text: Arc<str> = file.shown_text().clone();
    let bytes = text.as_bytes();
    let line_start = |at: usize| memchr::memrchr(b'\n', &bytes[..at.min(bytes.len())]).map_or(0, |i| i + 1);
    let line_end = |at: usize| memchr::memchr(b'\n', &bytes[at.min(bytes.len())..]).map_or(bytes.len(), |i| at + i);
    let first = line_start(spans.iter().map(|s| s.start as usize).min()?);
    let last = line_end(spans.iter().map(|s| s.end as usize).max()?);
    let from = if first == 0 { 0 } else { line_start(first - 1) };
    let to = if last >= bytes.len() { last } else { line_end(last + 1) };
    let long = text[from..to].split('\n').any(|line| line.chars().nth(LINE_CHARS).is_some());
    if !long {
        return None;
    }
    let mut window = Window { file: file.clone(), name, text: String::new(), first_line: 0, lines: Vec::new() };
    window.first_line = file.line_col(from as u32).0 - 1;
    let mut at = from;
    loop {
        let end = line_end(at);
        let anchor = spans.iter().map(|s| s.start as usize).filter(|&s| s >= at && s <= end).min().unwrap_or(at);
        window.push_line(&text[at..end], at, anchor - at);
        if end >= to {
            break;
        }
        window.text.push('\n');
        at = end + 1;
    }
    let spans = spans.iter().map(|s| window.span(*s)).collect();
    Some((window, spans))
}

impl Window {
    /// Adds a line of the file starting at byte `at`, cut to a window around byte `anchor` of it.
    fn push_line(&mut self, line: &str, at: usize, anchor: usize) {
        let total = line.chars().count();
        let (mut start, mut end) = (0, line.len());
        if total > LINE_CHARS {
            let anchor_char = line[..anchor.min(line.len())].chars().count();
            let first = anchor_char.saturating_sub(BEFORE_LABEL).min(total - LINE_CHARS);
            let byte = |n: usize| line.char_indices().nth(n).map_or(line.len(), |(i, _)| i);
            (start, end) = (byte(first), byte(first + LINE_CHARS));
        }
        if start > 0 {
            self.text.push('…');
        }
        let shown = self.text.len();
        self.text.push_str(&line[start..end]);
        let shown_end = self.text.len();
        if end < line.len() {
            self.text.push('…');
        }
        self.lines.push(Line { start: at + start, end: at + end, shown, shown_end });
    }

    /// Where byte `offset` of the file is in the text shown: the nearest end of its line's window
    /// where the window leaves it out.
    fn offset(&self, offset: usize) -> usize {
        let k = self.lines.partition_point(|l| l.start <= offset).max(1) - 1;
        let line = &self.lines[k];
        line.shown + offset.clamp(line.start, line.end) - line.start
    }

    /// A span of the file as a span of the text shown.
    fn span(&self, span: Span) -> Span {
        let start = self.offset(span.start as usize);
        Span::new(start, self.offset(span.end as usize).max(start))
    }

    /// The zero-based column, in the file, of an offset of the text shown, if it lies in a window.
    fn column(&self, shown: usize) -> Option<usize> {
        let line = self.lines.iter().find(|l| (l.shown..=l.shown_end).contains(&shown))?;
        Some(self.file.line_col((line.start + shown - line.shown) as u32).1 - 1)
    }
}

impl SourceCode for Window {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, miette::MietteError> {
        let contents = self.text.as_str().read_span(span, before, after)?;
        let column = self.column(contents.span().offset()).unwrap_or(contents.column());
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            contents.data(),
            *contents.span(),
            contents.line() + self.first_line,
            column,
            contents.line_count() + self.first_line,
        )))
    }
}
