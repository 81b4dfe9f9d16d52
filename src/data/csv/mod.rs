//! CSV data files, wide and long, told apart by their header: a long file has a `value` or a `period`
//! column.
//!
//! Wide, as exported from a spreadsheet: columns `metric`, optionally `entity`, `unit` and `given` (the
//! date the row's figures were given), then one column per period, optionally prefixed by its scenario
//! (`2025Q4`, `guidance 2026Q1`).
//!
//! ```csv
//! metric,unit,2025Q4,guidance 2026Q1
//! revenue,USD bn,213.4,173.5..178.5
//! ```
//!
//! Long, for bulk work: columns `entity,metric,period,value` and optionally `scenario,unit,source,given`.
//!
//! Choices: header names are read without regard to case or surrounding spaces. An empty cell is no
//! fact, in either layout; a cell marking a missing figure (`n/a`, `—`) is none either, and is
//! counted ([`exported`], which also reads `70,066`, `(623)` and `$1.2bn` as the literals they
//! spell). A wide header may write its period as exported (`Q4 2025`, `FY25`). A wide file without an
//! `entity` column takes its entity from the file's stem, as written (`AMZN.csv` describes `AMZN`),
//! since a spreadsheet export of one company rarely repeats the ticker on every row. A plain number
//! takes the row's `unit` (none: a bare number). In a long file, the file's source name is its
//! distinct `source` values joined by `; `. A row whose cell count differs from the header's is an
//! error and gives no facts. Spans: see [`rows`].
//!
//! The rows of a workbook sheet are read by the same reader ([`read_rows`]), so a sheet and a CSV file
//! mean the same and fail the same way.

pub mod exported;
pub(super) mod long;
pub mod rows;
mod scan;
pub mod stream;
mod wide;

use std::borrow::Cow;

use crate::diag::Diag;
use crate::num::{RatioStyle, Unit};
use crate::source::{SourceId, Span};

use super::file::DataFile;
use super::sheet::{Fact, FactKey, FactValue, Origin};
use super::value::{UNITS_HELP, parse_value};
use exported::Exported;
use rows::{NotAFigure, NumberCell, Row};

/// Reads a CSV data file into its facts; `stem` names the entity of a wide file without `entity` column.
pub fn parse(text: &str, file: SourceId, stem: &str) -> Result<DataFile, Vec<Diag>> {
    let rows = rows::read(text, file).map_err(|d| vec![d])?;
    read_rows(rows, file, stem, Grid::Csv)
}

/// What rows are read from, for the words of help lines: "a wide CSV", "a wide sheet".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grid {
    /// A CSV file.
    Csv,
    /// A workbook's sheet.
    Sheet,
}

impl Grid {
    /// The grid in words: `CSV`, `sheet`.
    fn noun(self) -> &'static str {
        match self {
            Grid::Csv => "CSV",
            Grid::Sheet => "sheet",
        }
    }
}

/// Reads rows, a header then its body, into their facts, wide or long by the header; `stem` names the
/// entity of a wide grid without `entity` column. A CSV file's and a workbook sheet's rows alike.
pub fn read_rows(rows: Vec<Row>, file: SourceId, stem: &str, grid: Grid) -> Result<DataFile, Vec<Diag>> {
    let Some((header, body)) = rows.split_first() else {
        let diag = Diag::error("data", "the file has no header row").in_file(file).primary(Span::new(0, 0), "empty");
        return Err(vec![diag.with_help("start with a header row such as `metric,2025Q4`")]);
    };
    let mut sink = Sink { file, grid, out: DataFile::default(), errors: Vec::new() };
    let body: Vec<&Row> = body.iter().filter(|row| sink.check_length(header, row)).collect();
    let columns = Columns::of(header);
    if columns.find("value").or(columns.find("period")).is_some() {
        long::read(&columns, &body, &mut sink);
    } else {
        wide::read(&columns, &body, &mut sink, stem);
    }
    if sink.errors.is_empty() { Ok(sink.out) } else { Err(sink.errors) }
}

/// The header row with its names lowercased and trimmed.
pub(super) struct Columns<'r> {
    pub header: &'r Row,
    pub names: Vec<String>,
}

impl<'r> Columns<'r> {
    /// Reads the names of a header row.
    fn of(header: &'r Row) -> Self {
        Columns { header, names: header.cells.iter().map(|c| c.trim().to_ascii_lowercase()).collect() }
    }

    /// The index of the first column with a name.
    pub fn find(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    /// The error for a required column that is missing, at the header row.
    pub fn missing(&self, name: &str, file: SourceId, help: &str) -> Diag {
        Diag::error("data", format!("missing the `{name}` column"))
            .in_file(file)
            .primary(self.header.span(), "in this header")
            .with_help(help.to_owned())
    }

    /// The error for a column name given twice, if `column` repeats an earlier one.
    pub fn repeated(&self, column: usize, file: SourceId) -> Option<Diag> {
        let name = self.names.get(column)?;
        let first = self.names.iter().position(|n| n == name).filter(|&f| f < column)?;
        let diag = Diag::error("data", format!("the column `{}` is given twice", self.header.cell(column)))
            .in_file(file)
            .primary(self.header.span_of(column), "given again here")
            .label(self.header.span_of(first), "first given here");
        Some(diag.with_help("keep one of the two columns"))
    }
}

/// Gathers a CSV file's (or a sheet's) facts and errors.
pub(super) struct Sink {
    pub file: SourceId,
    /// What the rows are read from, for help lines.
    pub grid: Grid,
    pub out: DataFile,
    pub errors: Vec<Diag>,
}

impl Sink {
    /// The value of a check, or `None` after keeping its error.
    pub fn check<T>(&mut self, result: Result<T, Diag>) -> Option<T> {
        result.map_err(|diag| self.errors.push(diag)).ok()
    }

    /// Whether a row has as many cells as the header; if not, an error.
    fn check_length(&mut self, header: &Row, row: &Row) -> bool {
        if row.cells.len() == header.cells.len() {
            return true;
        }
        let message = format!("this row has {} cells but the header has {}", row.cells.len(), header.cells.len());
        let diag = Diag::error("data", message).in_file(self.file).primary(row.span(), "this row");
        self.errors.push(diag.with_help("give every row one cell per column; an empty cell means no figure"));
        false
    }

    /// Reads the unit in a row's `unit` column; an empty cell (or no column) is no unit.
    pub fn unit(&mut self, row: &Row, column: Option<usize>) -> Option<Unit> {
        let Some(column) = column else { return Some(Unit::None) };
        let text = row.cell(column);
        let unit = Unit::parse(text);
        if unit.is_none() {
            let diag = Diag::error("bad-value", format!("unknown unit `{text}`"))
                .in_file(self.file)
                .primary(row.span_of(column), "not a unit")
                .with_help(UNITS_HELP);
            self.errors.push(diag);
        }
        unit
    }

    /// Reads a row's `given` date: `Some(None)` where the file has no such column or the cell is empty,
    /// `None` after keeping the error of a cell that is no date.
    pub fn given(&mut self, row: &Row, column: Option<usize>) -> Option<Option<crate::date::Date>> {
        let Some(column) = column.filter(|&c| !row.cell(c).is_empty()) else { return Some(None) };
        let text = row.cell(column);
        if let Some(date) = crate::date::Date::parse(text) {
            return Some(Some(date));
        }
        let diag = Diag::error("bad-date", format!("`{}` is not a date", crate::escape::excerpt(text)))
            .in_file(self.file)
            .primary(row.span_of(column), crate::date::Date::why_not(text))
            .with_help("write the day the row's figures were given as `2026-02-05` (year, month, day)");
        self.errors.push(diag);
        None
    }

    /// Reads the value cell at `column` and adds the fact, given at `given`: as it is exported
    /// ([`exported`]), in the unit of its row (or of its number format's currency).
    pub fn fact(&mut self, key: FactKey, row: &Row, column: usize, unit: Unit, given: Option<crate::date::Date>) {
        let span = row.span_of(column);
        if let Some(what) = row.not_a_figure(column) {
            self.errors.push(not_a_figure(what, self.file, span));
            return;
        }
        let cell = row.cells.get(column).map_or("", String::as_str);
        // a declared locale is that of the CSV files; a workbook's cells are as Excel wrote them
        let locale = if self.grid == Grid::Csv { exported::declared() } else { exported::Locale::DEFAULT };
        let (text, base) = match exported::read_in(cell.trim(), locale) {
            None => (Cow::Borrowed(cell), row.base(column)),
            Some(Ok(Exported::Missing)) => return self.out.missing.push(span),
            Some(Ok(Exported::Literal(literal))) => (Cow::Owned(literal), None),
            Some(Err(e)) => return self.errors.push(e.into_diag(self.file, None, span)),
        };
        let number = row.number(column);
        let Some(unit) = self.check(formatted_unit(number, unit, self.file, span)) else { return };
        if let Some(own) = contradicting_unit(&text, unit) {
            return self.errors.push(contradiction(own, unit, self.file, span));
        }
        let value = parse_value(&text, unit).map_err(|e| e.into_diag(self.file, base, span));
        let Some(value) = self.check(value) else { return };
        if number.is_some_and(|n| n.general)
            && let Some(diag) = general_fraction(&value, self.file, span)
        {
            return self.errors.push(diag);
        }
        let fact = Fact { value, origin: Origin { file: self.file, span }, given };
        let pushed = self.out.push(key, fact);
        self.check(pushed);
    }
}

/// The unit of a workbook's number cell whose format writes a currency (`$#,##0`): the row's where
/// it is in that currency (`USD m`, `USD/share`), else that currency where the row has no unit; a
/// row in another unit is an error.
fn formatted_unit(number: Option<NumberCell>, row: Unit, file: SourceId, span: Span) -> Result<Unit, Diag> {
    let Some(currency) = number.and_then(|n| n.currency) else { return Ok(row) };
    match row {
        Unit::None => Ok(Unit::Money(currency, crate::num::Scale::One)),
        Unit::Money(c, _) | Unit::PerShare(c) if c == currency => Ok(row),
        _ => Err(Diag::error(
            "bad-value",
            format!("the cell is formatted as {currency}, but its row's unit is `{row}`", currency = currency.as_str()),
        )
        .in_file(file)
        .primary(span, format!("shown in {}", currency.as_str()))
        .with_help("correct the row's `unit` cell, or the cell's number format")),
    }
}

/// The error for a fraction in a workbook's `General` cell of a row in `%` (`0.39`): it may be the
/// 0.39 % the row's unit says or the 39 % a spreadsheet user means, and nothing shown tells which.
fn general_fraction(value: &FactValue, file: SourceId, span: Span) -> Option<Diag> {
    let FactValue::Number(q) = value else { return None };
    let fraction = !q.value.is_zero() && q.value.abs() < rust_decimal::Decimal::ONE;
    if q.unit != Unit::Ratio(RatioStyle::Percent) || !fraction {
        return None;
    }
    let percent = crate::num::real::shifted(q.value, 2)?.normalize();
    let message = format!("`{}` in a row of `%` may be {} % or, as a fraction, {percent} %", q.value, q.value);
    Some(Diag::error("bad-value", message).in_file(file).primary(span, "a fraction in a General cell").with_help(
        format!(
            "format the cell as a percentage (`0%`) if it is {percent} %, or with its decimals (`0.00`) if it is {} %",
            q.value
        ),
    ))
}

/// The unit a value cell writes itself that measures something else than its row's (`1.5 GW` or `9%`
/// in a row of `USD bn`), if the row has a unit: a contradiction, not a choice. A cell without a unit,
/// or with its row's in another scale (`730 USD m` in a row of `USD bn`), is fine.
pub(super) fn contradicting_unit(text: &str, row_unit: Unit) -> Option<Unit> {
    if row_unit == Unit::None || !text.bytes().any(|b| b.is_ascii_alphabetic() || !b.is_ascii()) && !text.contains('%')
    {
        return None;
    }
    let own = match parse_value(text, Unit::None).ok()? {
        FactValue::Number(q) => vec![q.unit],
        FactValue::Approx(a) => vec![a.value.unit],
        FactValue::Range(r) => [r.lo, r.hi].into_iter().flatten().map(|q| q.unit).collect(),
    };
    own.into_iter().find(|&u| u != Unit::None && crate::num::Dim::of(u) != crate::num::Dim::of(row_unit))
}

/// The error for a value cell whose own unit (`own`) contradicts its row's.
pub(super) fn contradiction(own: Unit, unit: Unit, file: SourceId, span: Span) -> Diag {
    Diag::error("bad-value", format!("the cell says `{own}`, but its row's unit is `{unit}`"))
        .in_file(file)
        .primary(span, format!("this is in {own}"))
        .with_help(
            "leave the unit out of the cell, or correct the row's `unit` cell (a scale of the row's unit, such as \
             `730 USD m` in a row of `USD bn`, is fine)",
        )
}

/// The error for a workbook cell that holds no figure: a boolean, a date, an error such as `#DIV/0!`.
fn not_a_figure(not: &NotAFigure, file: SourceId, span: Span) -> Diag {
    Diag::error("bad-value", format!("the cell holds {}, not a figure", not.what))
        .in_file(file)
        .primary(span, "not a figure")
        .with_help(not.help)
}
