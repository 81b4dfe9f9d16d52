//! Diagnostics: one shape for every phase, rendered by miette.
//!
//! A [`Diag`] points into one source file with labelled spans; related diagnostics may point into
//! other files (a conflict names both data files). Phases collect every diagnostic they find and
//! hand them back together. What a diagnostic says is rendered with every control character escaped
//! ([`crate::escape`]): its text may quote names and values from any file.

use std::fmt;
use std::sync::Arc;

use miette::{LabeledSpan, MietteSpanContents, SourceCode, SourceSpan};

use crate::escape::{bound_quotes, guard_text};
use crate::source::{SourceFile, SourceId, Sources, Span};

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Info,
    Warning,
    Error,
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Error => "error",
        })
    }
}

/// A label under a span of the diagnostic's file.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub span: Span,
    pub text: Option<String>,
    pub primary: bool,
}

/// One diagnostic: a message, where it points, and what to do about it. Its texts are bounded as they
/// are set: a quote (`` `…` ``) of more than [`crate::escape::EXCERPT_CHARS`] characters is cut.
#[derive(Debug, Clone, PartialEq)]
pub struct Diag {
    pub level: Level,
    /// A stable kebab-case code, shown as `tickmark::CODE` (`unknown-name`, `syntax`).
    pub code: String,
    pub message: String,
    pub file: Option<SourceId>,
    pub labels: Vec<Label>,
    pub help: Option<String>,
    /// Further lines shown under the diagnostic, such as where each fact came from.
    pub notes: Vec<String>,
    pub related: Vec<Diag>,
}

impl Diag {
    /// An error with a message and no location yet.
    pub fn error(code: &str, message: impl Into<String>) -> Self {
        Diag::new(Level::Error, code, message)
    }

    /// A warning with a message and no location yet.
    pub fn warning(code: &str, message: impl Into<String>) -> Self {
        Diag::new(Level::Warning, code, message)
    }

    /// A diagnostic of any level.
    pub fn new(level: Level, code: &str, message: impl Into<String>) -> Self {
        Diag {
            level,
            code: code.to_owned(),
            message: bound_quotes(message.into()),
            file: None,
            labels: Vec::new(),
            help: None,
            notes: Vec::new(),
            related: Vec::new(),
        }
    }

    /// Points the diagnostic into a file.
    pub fn in_file(mut self, file: SourceId) -> Self {
        self.file = Some(file);
        self
    }

    /// Adds the primary label.
    pub fn primary(mut self, span: Span, text: impl Into<String>) -> Self {
        self.labels.push(Label { span, text: Some(bound_quotes(text.into())), primary: true });
        self
    }

    /// Adds a secondary label.
    pub fn label(mut self, span: Span, text: impl Into<String>) -> Self {
        self.labels.push(Label { span, text: Some(bound_quotes(text.into())), primary: false });
        self
    }

    /// Sets the help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(bound_quotes(help.into()));
        self
    }

    /// Adds a note line.
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(bound_quotes(note.into()));
        self
    }

    /// Adds a related diagnostic, usually pointing into another file.
    pub fn with_related(mut self, related: Diag) -> Self {
        self.related.push(related);
        self
    }

    /// The first label's position as `file:line:column`, if the diagnostic has one.
    pub fn location(&self, sources: &Sources) -> Option<String> {
        let file = self.file?;
        let span = self.labels.first().map_or(Span::default(), |l| l.span);
        Some(sources.location(file, span))
    }

    /// Binds the diagnostic to the sources, so miette can render it. A file described by places (a
    /// workbook, an SEC companyfacts file) has no lines to show: its labels become lines under the
    /// message, each naming its place (`book.xlsx: Sheet1!C7: not a number`).
    pub fn render<'a>(&'a self, sources: &Sources) -> Rendered<'a> {
        // A label far into a long line (a compact JSON file is one line of megabytes) cannot be drawn
        // either: miette pads to its column, and a column past 65,535 is more than a format width holds.
        let drawable = |file: &SourceFile| {
            !file.is_described() && self.labels.iter().all(|l| file.line_col(l.span.start).1 <= MAX_COLUMN)
        };
        let (mut source, mut places) = (None, Vec::new());
        let mut spans: Vec<Span> = self.labels.iter().map(|l| l.span).collect();
        if let Some(id) = self.file {
            let file = sources.get(id);
            if drawable(file) {
                let name = crate::escape::escape_controls(&file.name).into_owned();
                source = Some(match crate::window::window(file, name, &spans) {
                    Some((window, shown)) => {
                        spans = shown;
                        Shown::Window(window)
                    }
                    None => Shown::Snippet(Snippet {
                        text: file.shown_text().clone(),
                        whole: file.has_lone_cr(),
                        file: file.clone(),
                    }),
                });
            } else {
                places = self
                    .labels
                    .iter()
                    .map(|l| {
                        let at = sources.location(id, l.span);
                        l.text.as_ref().map_or_else(|| format!("at {at}"), |text| format!("at {at}: {text}"))
                    })
                    .collect();
            }
        }
        let related = self.related.iter().map(|d| d.render(sources)).collect();
        Rendered { diag: self, source, spans, places, related }
    }
}

/// The column beyond which a label is listed with its place rather than drawn under its line.
const MAX_COLUMN: usize = 60_000;

/// A source file as miette reads a snippet of it: from the start of the lines shown, with the lines
/// before them counted by the file's own line index ([`SourceFile::line_col`]). miette's own reading
/// counts every line from the start of the file for each span, which made a hundred diagnostics in a
/// 300 MB CSV read 30 GB.
struct Snippet {
    file: SourceFile,
    text: Arc<str>,
    /// Read the whole text as miette does: it counts a lone `\r` as a line end, the index does not.
    whole: bool,
}

impl Snippet {
    /// The start of the line `lines` lines above the one holding `offset`.
    fn lines_back(&self, offset: usize, lines: usize) -> usize {
        let bytes = self.text.as_bytes();
        let mut start = memchr::memrchr(b'\n', &bytes[..offset]).map_or(0, |i| i + 1);
        for _ in 0..lines {
            if start == 0 {
                break;
            }
            start = memchr::memrchr(b'\n', &bytes[..start - 1]).map_or(0, |i| i + 1);
        }
        start
    }
}

impl SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let text: &'a str = &self.text;
        let (start, base) = if self.whole || span.offset() > text.len() {
            (0, 0)
        } else {
            let start = self.lines_back(span.offset(), before);
            (start, self.file.line_col(start as u32).0 - 1)
        };
        let inner = SourceSpan::new((span.offset() - start).into(), span.len());
        let contents = text[start..].read_span(&inner, before, after)?;
        let at = SourceSpan::new((contents.span().offset() + start).into(), contents.span().len());
        Ok(Box::new(MietteSpanContents::new_named(
            crate::escape::escape_controls(&self.file.name).into_owned(),
            contents.data(),
            at,
            contents.line() + base,
            contents.column(),
            contents.line_count() + base,
        )))
    }
}

/// What a diagnostic shows of its file: the lines around its labels, or a window on them where a
/// line is too long to show whole ([`crate::window`]).
enum Shown {
    Snippet(Snippet),
    Window(crate::window::Window),
}

/// A [`Diag`] together with the source it points into: what miette renders.
pub struct Rendered<'a> {
    diag: &'a Diag,
    source: Option<Shown>,
    /// The labels' spans in what is shown of the file.
    spans: Vec<Span>,
    /// The labels of a diagnostic in a file described by places, as lines naming each place.
    places: Vec<String>,
    related: Vec<Rendered<'a>>,
}

impl fmt::Debug for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.diag, f)
    }
}

impl fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&guard_text(&self.diag.message, false))
    }
}

impl std::error::Error for Rendered<'_> {}

impl miette::Diagnostic for Rendered<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(format!("tickmark::{}", self.diag.code)))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diag.level {
            Level::Error => miette::Severity::Error,
            Level::Warning => miette::Severity::Warning,
            Level::Info => miette::Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        let mut lines: Vec<&str> = self.places.iter().map(String::as_str).collect();
        lines.extend(self.diag.help.iter().map(String::as_str));
        lines.extend(self.diag.notes.iter().map(String::as_str));
        if lines.is_empty() {
            return None;
        }
        Some(Box::new(guard_text(&lines.join("\n"), false).into_owned()))
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| match s {
            Shown::Snippet(snippet) => snippet as &dyn miette::SourceCode,
            Shown::Window(window) => window as &dyn miette::SourceCode,
        })
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
        Some(Box::new(self.diag.labels.iter().zip(&self.spans).map(|(l, span)| {
            let span = SourceSpan::new((span.start as usize).into(), span.len());
            let text = l.text.as_deref().map(|t| guard_text(t, false).into_owned());
            if l.primary {
                LabeledSpan::new_primary_with_span(text, span)
            } else {
                LabeledSpan::new_with_span(text, span)
            }
        })))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(self.related.iter().map(|r| r as &dyn miette::Diagnostic)))
    }
}
