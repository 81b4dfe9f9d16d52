//! CSV records with the byte span of every cell in the file.
//!
//! The `csv` crate reads the records and gives each one's byte offset; the cells' own spans are found
//! by scanning the raw record from there with the same rules (`,` between cells, `"` quoting, `""` for
//! a quote inside quotes). A quoted cell's span is the text between its quotes, so it is exact unless
//! the cell holds an escaped `""`: then the span covers the raw text and is not [`Row::base`]-verbatim.
//!
//! A row of a workbook sheet ([`Row::placed`]) has no text in a file: its cells' spans name places
//! (`Sheet1!C7`), none is verbatim, and a cell may hold what is no figure's text (a boolean, an error).

use csv::ReaderBuilder;

use crate::diag::Diag;
use crate::num::Currency;
use crate::source::{SourceId, Span};

/// One record: its cells as read, and where each one's text is in the file.
#[derive(Debug, Clone)]
pub struct Row {
    pub cells: Vec<String>,
    spans: Vec<Span>,
    /// Per cell, whether the file holds its text verbatim at its span.
    verbatim: Vec<bool>,
    /// The span of the whole row, where it is not its first cell to its last (a workbook row's place).
    whole: Option<Span>,
    /// The cells that hold something other than text or a number (a workbook's boolean), by column.
    not_figures: Vec<(usize, NotAFigure)>,
    /// The cells that are a workbook's numbers, by column, with what their formats show.
    numbers: Vec<(usize, NumberCell)>,
}

/// What a workbook's number cell shows besides its digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NumberCell {
    /// Whether its format is `General`: the cell shows the stored digits and nothing of a unit, so a
    /// fraction there (`0.39`) may be a percentage as well as a figure of the row's `%`.
    pub general: bool,
    /// The currency its format writes (`$#,##0`), where it names one.
    pub currency: Option<Currency>,
}

/// What a workbook cell holds that is neither text nor a number, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotAFigure {
    /// `the boolean TRUE`, `the error #DIV/0!`: the cell holds this, not a figure.
    pub what: String,
    /// The help line of the error a period column's cell holding it is.
    pub help: &'static str,
}

/// One cell of a row read from a format without text to point at (a workbook sheet).
#[derive(Debug, Clone)]
pub struct PlacedCell {
    /// The cell's value as text (`213.4`, `TRUE`, `#DIV/0!`).
    pub text: String,
    /// The place the cell is at ([`Span::place`]).
    pub span: Span,
    /// What the cell holds if it is neither text nor a number (a boolean): a period column's cell
    /// holding it is an error saying so.
    pub not_a_figure: Option<NotAFigure>,
    /// What the cell's format shows, if it is a number.
    pub number: Option<NumberCell>,
}

impl Row {
    /// A row of cells at places rather than in a text (a workbook sheet's row), `whole` naming the row.
    pub fn placed(cells: Vec<PlacedCell>, whole: Span) -> Self {
        let verbatim = vec![false; cells.len()];
        let (mut texts, mut spans, mut not_figures, mut numbers) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for (column, cell) in cells.into_iter().enumerate() {
            texts.push(cell.text);
            spans.push(cell.span);
            not_figures.extend(cell.not_a_figure.map(|not| (column, not)));
            numbers.extend(cell.number.map(|number| (column, number)));
        }
        Row { cells: texts, spans, verbatim, whole: Some(whole), not_figures, numbers }
    }

    /// What the format of the cell at a column shows, if it is a workbook's number.
    pub fn number(&self, column: usize) -> Option<NumberCell> {
        self.numbers.iter().find(|(c, _)| *c == column).map(|&(_, number)| number)
    }

    /// What the cell at a column holds if it is neither text nor a number (a boolean).
    pub fn not_a_figure(&self, column: usize) -> Option<&NotAFigure> {
        self.not_figures.iter().find(|(c, _)| *c == column).map(|(_, what)| what)
    }

    /// The cell at a column, trimmed; empty if the row has no such cell.
    pub fn cell(&self, column: usize) -> &str {
        self.cells.get(column).map_or("", |c| c.trim())
    }

    /// The span of the row: its place if it has one, else from its first cell to its last.
    pub fn span(&self) -> Span {
        if let Some(whole) = self.whole {
            return whole;
        }
        match (self.spans.first(), self.spans.last()) {
            (Some(first), Some(last)) => first.to(*last),
            _ => Span::default(),
        }
    }

    /// The span of a cell's trimmed text (of the whole row where the scan found no such cell).
    pub fn span_of(&self, column: usize) -> Span {
        let Some(&span) = self.spans.get(column) else { return self.span() };
        match (self.base(column), self.cells.get(column)) {
            (Some(start), Some(cell)) => {
                let lead = cell.len() - cell.trim_start().len();
                Span::new(start + lead, start + lead + cell.trim().len())
            }
            _ => span,
        }
    }

    /// The byte where a cell's text starts in the file, if the file holds it verbatim.
    pub fn base(&self, column: usize) -> Option<usize> {
        let verbatim = self.verbatim.get(column).copied().unwrap_or(false);
        self.spans.get(column).filter(|_| verbatim).map(|s| s.start as usize)
    }

    /// Whether every cell of the row is blank.
    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| c.trim().is_empty())
    }
}

/// Reads every record of a CSV text (blank lines are skipped, as `csv` does).
pub fn read(text: &str, file: SourceId) -> Result<Vec<Row>, Diag> {
    let mut reader = ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(&e, file))?;
        let start = record.position().map_or(0, |p| p.byte() as usize);
        let cells: Vec<String> = record.iter().map(str::to_owned).collect();
        let spans = cell_spans(text.as_bytes(), start).map_err(|quote| unclosed_quote(quote, file))?;
        let verbatim = cells.iter().zip(&spans).map(|(c, s)| text.get(s.range()) == Some(c.as_str())).collect();
        rows.push(Row { cells, spans, verbatim, whole: None, not_figures: Vec::new(), numbers: Vec::new() });
    }
    Ok(rows)
}

/// The spans of a record's cells, scanning the raw text from the record's position (which may be
/// the end of the line before it: `csv` ends a line at `\r` and counts a following `\n` to the next);
/// or the byte of a quote that is never closed (`csv` would read the rest of the file into its cell).
fn cell_spans(bytes: &[u8], start: usize) -> Result<Vec<Span>, usize> {
    let mut spans = Vec::new();
    let skip = bytes.get(start..).unwrap_or_default().iter().take_while(|b| matches!(b, b'\r' | b'\n')).count();
    let mut at = start + skip;
    loop {
        let (span, end) = cell(bytes, at).ok_or(at)?;
        spans.push(span);
        match bytes.get(end) {
            Some(b',') => at = end + 1,
            _ => return Ok(spans),
        }
    }
}

/// One cell starting at `at`: the span of its text, and the byte after it (`,`, a line end or the
/// end); `None` for a quoted cell whose quote is never closed.
fn cell(bytes: &[u8], at: usize) -> Option<(Span, usize)> {
    if bytes.get(at) != Some(&b'"') {
        let end = to_delimiter(bytes, at);
        return Some((Span::new(at, end), end));
    }
    let mut i = at + 1;
    loop {
        match (bytes.get(i), bytes.get(i + 1)) {
            (Some(b'"'), Some(b'"')) => i += 2,
            (Some(b'"'), _) => break,
            (None, _) => return None,
            _ => i += 1,
        }
    }
    let end = to_delimiter(bytes, i + 1);
    Some((Span::new(at + 1, i), end))
}

/// The error for a quote that opens a cell and is never closed.
fn unclosed_quote(at: usize, file: SourceId) -> Diag {
    Diag::error("data-syntax", "invalid CSV: this quote is never closed")
        .in_file(file)
        .primary(Span::new(at, at + 1), "the cell opens here and runs to the end of the file")
        .with_help("close the cell with `\"`; a quote inside a quoted cell is written `\"\"`")
}

/// The first `,`, `\r` or `\n` at or after `from`, or the end of the text.
fn to_delimiter(bytes: &[u8], from: usize) -> usize {
    let rest = bytes.get(from..).unwrap_or_default();
    from + rest.iter().position(|b| matches!(b, b',' | b'\r' | b'\n')).unwrap_or(rest.len())
}

/// A `data-syntax` diagnostic from a `csv` error, at the record it names.
fn csv_error(error: &csv::Error, file: SourceId) -> Diag {
    let at = error.position().map_or(0, |p| p.byte() as usize);
    Diag::error("data-syntax", format!("invalid CSV: {error}")).in_file(file).primary(Span::new(at, at), "here")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_cell_in_the_file() {
        let text = "metric,2025Q4\r\nrevenue,\"1,2\"\n\"a \"\"b\"\"\",  3 \n";
        let rows = read(text, SourceId(0)).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(&text[rows[1].span_of(1).range()], "1,2");
        assert_eq!(&text[rows[2].span_of(1).range()], "3");
        assert_eq!(rows[2].base(0), None);
        assert_eq!(&text[rows[2].span_of(0).range()], "a \"\"b\"\"");
        assert_eq!(&text[rows[0].span().range()], "metric,2025Q4");
    }

    #[test]
    fn a_quote_never_closed_is_an_error_at_the_quote() {
        let unclosed = read("metric,2025Q4\nrevenue,\"213.4\nnet_income,1\n", SourceId(0)).unwrap_err();
        assert_eq!(unclosed.labels[0].span, Span::new(22, 23));
        assert!(read("metric,2025Q4\nrevenue,\"213.4\"\n", SourceId(0)).is_ok());
    }
}
