//! Source files and byte spans: where every rule, fact and diagnostic points.

use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, OnceLock};

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

/// One loaded file: the name it is shown under and its text.
///
/// A file streamed from disk (a long CSV of millions of rows) keeps only its line index: its text is
/// read again from `path` the first time something asks for it (a diagnostic's snippet, the column of
/// a line that is not ASCII), so a bulk run holds four bytes a line instead of the whole file.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as the user gave it (relative where it can be), `/` separated.
    pub name: String,
    text: OnceLock<Arc<str>>,
    /// Where a streamed file's text is read from when it is first asked for.
    path: Option<PathBuf>,
    line_starts: Vec<u32>,
    /// For a streamed file, the (zero-based) lines holding a character that is not ASCII, sorted:
    /// on every other line a column is its byte offset.
    wide_lines: Vec<u32>,
}

/// The line index of a streamed file, gathered while it is read.
#[derive(Debug, Clone, Default)]
pub struct LineIndex {
    /// The byte where each line starts, the first at 0.
    pub starts: Vec<u32>,
    /// The (zero-based) lines holding a byte that is not ASCII, in order.
    pub wide: Vec<u32>,
}

impl SourceFile {
    /// Makes a source file and indexes its lines.
    pub fn new(name: String, text: Arc<str>) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i as u32 + 1));
        SourceFile { name, text: OnceLock::from(text), path: None, line_starts, wide_lines: Vec::new() }
    }

    /// The file's text (a streamed file's read again from disk, once; empty if it can no longer be read).
    pub fn text(&self) -> &Arc<str> {
        self.text.get_or_init(|| {
            let read = self.path.as_ref().and_then(|p| std::fs::read_to_string(p).ok()).unwrap_or_default();
            Arc::from(read.strip_prefix('\u{FEFF}').unwrap_or(&read))
        })
    }

    /// One-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: u32) -> (usize, usize) {
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line] as usize;
        if self.text.get().is_none() && self.wide_lines.binary_search(&(line as u32)).is_err() {
            return (line + 1, offset as usize - start + 1);
        }
        let text = self.text();
        let end = (offset as usize).min(text.len());
        let column = text.get(start..end).map_or(end - start, |s| s.chars().count());
        (line + 1, column + 1)
    }

    /// The text a span covers (empty if the span is out of range).
    pub fn slice(&self, span: Span) -> &str {
        self.text().get(span.range()).unwrap_or("")
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

    /// Adds a file streamed from `path`, of which only the line index is kept; returns its id.
    pub fn add_streamed(&mut self, name: String, path: PathBuf, lines: LineIndex) -> SourceId {
        let (line_starts, wide_lines) = (lines.starts, lines.wide);
        self.files.push(SourceFile { name, text: OnceLock::new(), path: Some(path), line_starts, wide_lines });
        SourceId(self.files.len() as u32 - 1)
    }

    /// Sets the line index of a streamed file once it has been read to its end.
    pub fn set_lines(&mut self, id: SourceId, lines: LineIndex) {
        let file = &mut self.files[id.0 as usize];
        (file.line_starts, file.wide_lines) = (lines.starts, lines.wide);
    }

    /// Removes the file added last, if it is `id` (a streamed file read again whole).
    pub fn drop_last(&mut self, id: SourceId) {
        if id.0 as usize + 1 == self.files.len() {
            self.files.pop();
        }
    }

    /// The file with this id.
    pub fn get(&self, id: SourceId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// `name:line:column` of a position, as compilers print it.
    pub fn location(&self, id: SourceId, span: Span) -> String {
        let file = self.get(id);
        let (line, col) = file.line_col(span.start);
        format!("{}:{line}:{col}", file.name)
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
