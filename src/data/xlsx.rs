//! Excel workbooks (`.xlsx`, `.xlsm`), read with `calamine`: each data sheet is a wide table, as a CSV
//! export of it would be.
//!
//! Layout: a sheet's header is its first non-empty row, with a `metric` column, optionally `entity` and
//! `unit`, then one column per period (`2025Q4`, `guidance 2026Q1`); every row below it is a metric.
//! The rows are read by the CSV reader itself ([`csv::read_rows`]), so a sheet means what the same
//! table saved as CSV means and fails the same way (a header with a `value` or `period` column is the
//! long layout, as in a CSV). Without an `entity` column, the entity is the workbook's file stem
//! (`AMZN.xlsx` describes `AMZN`). The table starts at its leftmost cell, wherever that is; a data
//! sheet holds its table and nothing else (a note beside or under it is read as part of it).
//!
//! Skipped sheets: a sheet whose header has no `metric` cell is not a data sheet (notes, a chart's
//! figures, a cover page), and chart or macro sheets are not worksheets; both are skipped, but a
//! workbook without any data sheet is an error that lists the sheets it looked at. Hidden sheets are
//! read like the others.
//!
//! Exactness: a text cell holds the same literals as a CSV cell (`173.5..178.5`, `9%`, `730 USD m`,
//! and the exported forms `70,066`, `(623)`, `n/a` of [`csv::exported`]), read with the precision they
//! are written with. A number cell is stored as a binary double, and read as its number format shows
//! it ([`NumberFormat::show`]), the figure its reader saw: 32 in `0.0` is `32.0`, 0.117 in `0.0%` is
//! `11.7%`, 1234567 in `#,##0,,` is a million to the million. Only a `General` cell shows the stored
//! digits: the shortest decimal that gives the double back (Rust's `{}`), so `25.0` typed there is
//! `25` (good to ±0.5). A currency the format writes (`$#,##0`) is the figure's where its row has no
//! unit, and must agree with the row's where it has one (as the CSV reader checks it). A fraction in a
//! `General` cell of a row in `%` is an error: nothing shown says whether 0.39 is 0.39 % or 39 %. A
//! number that no decimal figure holds (beyond 28 digits) is an error, as a non-finite one would be.
//!
//! Formulas: a formula cell is read as the value the spreadsheet program last computed and stored with
//! it, never computed here. A formula stored without a value (some libraries write workbooks so) is
//! an error in a period column: open and save the workbook in a spreadsheet program first.
//!
//! Other cells: an empty cell is no fact. A boolean, a date or time, or an error value (`#DIV/0!`) in a
//! period column is a `bad-value` error at its cell. Every cell a diagnostic or a fact may point at
//! has a place, `Sheet1!C7` (`'My sheet'!C7` where Excel would quote the name), and every fact's
//! origin is its cell's place. A workbook names no source.
//!
//! Limits: a workbook larger than [`WORKBOOK_FILE_BYTES`] is refused before it is opened, and its data
//! sheets may span [`WORKBOOK_CELLS`] cells in all. A file that is not a workbook, or a damaged one,
//! is a `data-file` error naming it.

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::ops::RangeInclusive;
use std::path::Path;

use calamine::{DataRef, Reader, SheetType, Xlsx, XlsxCellReader, XlsxError};

use crate::diag::Diag;
use crate::fsutil::{TextFile, open_regular};
use crate::limits::{WORKBOOK_CELLS, WORKBOOK_FILE_BYTES};
use crate::num::parse_decimal;
use crate::source::{SourceId, Sources, Span};

use super::csv::rows::{NotAFigure, NumberCell, PlacedCell, Row};
use super::csv::{self, Grid};
use super::file::DataFile;
use super::numfmt::NumberFormat;
use super::sheet::SheetBuilder;

/// A workbook opened from disk (or, for the fuzz target, from bytes in memory).
type Book<R> = Xlsx<R>;

/// What a data sheet's header row looks like, for the help of a workbook without one.
const DATA_SHEET: &str = "a data sheet's first non-empty row is its header: a `metric` column, optionally `entity` and `unit`, then one column per period such as `2025Q4` or `guidance 2026Q1`";

/// Loads a workbook shown as `name`: adds it to `sources` (described by the places of its cells) and
/// the facts of its data sheets to `builder`; any error gives no facts.
pub fn load(path: &Path, name: String, sources: &mut Sources, builder: &mut SheetBuilder) -> Result<(), Vec<Diag>> {
    let book = open(path, &name).map_err(|d| vec![d])?;
    let stem = path.file_stem().map_or_else(String::new, |s| s.to_string_lossy().into_owned());
    load_book(book, name, &stem, sources, builder)
}

/// Loads a workbook held in memory, as [`load`] loads one from disk, `stem` naming its entity where it
/// has no `entity` column: what the `data_xlsx` fuzz target reads.
pub fn load_bytes(
    bytes: &[u8],
    name: String,
    stem: &str,
    sources: &mut Sources,
    builder: &mut SheetBuilder,
) -> Result<(), Vec<Diag>> {
    let mut input = std::io::Cursor::new(bytes);
    super::inflate::check_parts(&mut input, &name).map_err(|d| vec![d])?;
    input.set_position(0);
    let book = Xlsx::new(input).map_err(|e| vec![unreadable(&name, &e)])?;
    load_book(book, name, stem, sources, builder)
}

/// Reads an opened workbook into `sources` and `builder`.
fn load_book<R: Read + Seek>(
    mut book: Book<R>,
    name: String,
    stem: &str,
    sources: &mut Sources,
    builder: &mut SheetBuilder,
) -> Result<(), Vec<Diag>> {
    let file = sources.add_described(name.clone(), Vec::new());
    let stem = stem.to_owned();
    let mut places = Places::default();
    let read = read_book(&mut book, &name, file, &stem, &mut places);
    sources.set_places(file, places.0);
    let data = read?;
    builder.add_source(file, data.source);
    builder.missing(data.missing);
    for (key, fact) in data.facts {
        builder.insert(key, fact);
    }
    Ok(())
}

/// Opens a workbook: a regular file within [`WORKBOOK_FILE_BYTES`], whose parts inflate to no more
/// than [`crate::limits::WORKBOOK_INFLATED_BYTES`] ([`super::inflate`]), that `calamine` can open.
fn open(path: &Path, name: &str) -> Result<Book<BufReader<File>>, Diag> {
    let (input, size) = open_regular(path, name, TextFile::CsvData)?;
    if size > WORKBOOK_FILE_BYTES {
        let message = format!("`{name}` is {} MiB, more than a workbook may have", size >> 20);
        let help =
            format!("the limit is {} MiB; split the workbook, or save its sheets as CSV", WORKBOOK_FILE_BYTES >> 20);
        return Err(Diag::error("too-large", message).with_help(help));
    }
    let mut input = BufReader::new(input);
    super::inflate::check_parts(&mut input, name)?;
    input.seek(SeekFrom::Start(0)).map_err(|e| crate::fsutil::cannot_read(name, &e))?;
    Xlsx::new(input).map_err(|e| unreadable(name, &e))
}

/// The error for a file `calamine` cannot read as a workbook (not a zip, damaged, password protected).
fn unreadable(name: &str, error: &XlsxError) -> Diag {
    let help = match error {
        XlsxError::Password => "save the workbook without a password",
        _ => {
            "save the file again from a spreadsheet program as an Excel workbook (`.xlsx`), or export its sheet as CSV"
        }
    };
    Diag::error("data-file", format!("`{name}` is not a readable workbook: {error}")).with_help(help)
}

/// The places of a workbook's cells: a span `Span::place(i)` names `self.0[i]` (`Sheet1!C7`).
#[derive(Debug, Default)]
struct Places(Vec<String>);

impl Places {
    /// Adds a place and returns the span that names it.
    fn add(&mut self, place: String) -> Span {
        self.0.push(place);
        Span::place(self.0.len() - 1)
    }
}

/// Why a sheet is not read: what its first row is, or what kind of sheet it is.
struct Skipped {
    /// The sheet's name.
    sheet: String,
    /// Why it is no data sheet: `empty`, `a chart sheet, not a worksheet`.
    why: String,
}

/// Reads every data sheet of a workbook into one file's facts, collecting the errors of all sheets.
fn read_book<R: Read + Seek>(
    book: &mut Book<R>,
    name: &str,
    file: SourceId,
    stem: &str,
    places: &mut Places,
) -> Result<DataFile, Vec<Diag>> {
    let sheets: Vec<(String, SheetType)> = book.sheets_metadata().iter().map(|s| (s.name.clone(), s.typ)).collect();
    let (mut out, mut errors, mut skipped) = (DataFile::default(), Vec::new(), Vec::new());
    let mut budget = WORKBOOK_CELLS;
    let mut data_sheets = 0;
    for (sheet, typ) in sheets {
        if typ != SheetType::WorkSheet {
            skipped.push(Skipped { sheet, why: format!("{}, not a worksheet", sheet_kind(typ)) });
            continue;
        }
        let table = match read_table(book, &sheet, budget) {
            Ok(Found::Table(table)) => table,
            Ok(Found::NotData(why)) => {
                skipped.push(Skipped { sheet, why });
                continue;
            }
            Err(e) => return Err(vec![sheet_error(name, &sheet, e)]),
        };
        data_sheets += 1;
        let rows = table.rows(&sheet, places, &mut budget).ok_or_else(|| vec![too_many_cells(name, &sheet)])?;
        match csv::read_rows(rows, file, stem, Grid::Sheet) {
            Ok(data) => merge(&mut out, data, &mut errors),
            Err(more) => errors.extend(more),
        }
    }
    if data_sheets == 0 {
        return Err(vec![no_data_sheet(name, &skipped)]);
    }
    if errors.is_empty() { Ok(out) } else { Err(errors) }
}

/// Adds a sheet's facts to the workbook's (a fact two sheets give is a `duplicate-fact` error), its
/// cells marked missing, and its source names (a long sheet's `source` column) to the workbook's.
fn merge(out: &mut DataFile, data: DataFile, errors: &mut Vec<Diag>) {
    out.missing.extend(data.missing);
    for (key, fact) in data.facts {
        if let Err(diag) = out.push(key, fact) {
            errors.push(diag);
        }
    }
    if let Some(source) = data.source {
        out.source = Some(match out.source.take() {
            Some(before) => format!("{before}; {source}"),
            None => source,
        });
    }
}

/// A kind of sheet that is not a worksheet, in words.
fn sheet_kind(typ: SheetType) -> &'static str {
    match typ {
        SheetType::ChartSheet => "a chart sheet",
        SheetType::DialogSheet => "a dialog sheet",
        SheetType::MacroSheet => "a macro sheet",
        SheetType::Vba => "a VBA module",
        SheetType::WorkSheet => "a worksheet",
    }
}

/// The error for a sheet `calamine` cannot read, or one holding more cells than the limit.
fn sheet_error(name: &str, sheet: &str, error: Stop) -> Diag {
    match error {
        Stop::Unreadable(e) => unreadable(name, &e).with_help(format!(
            "its sheet `{sheet}` cannot be read; save the workbook again from a spreadsheet program"
        )),
        Stop::TooLarge => too_many_cells(name, sheet),
    }
}

/// The error for data sheets holding more cells than [`WORKBOOK_CELLS`].
fn too_many_cells(name: &str, sheet: &str) -> Diag {
    let message = format!("`{name}` holds more than {WORKBOOK_CELLS} cells in its data sheets (at sheet `{sheet}`)");
    Diag::error("too-large", message).with_help(
        "keep only the tables of figures in the workbook, or save its sheets as CSV files, which have no such limit",
    )
}

/// The error for a workbook without any data sheet, naming each sheet looked at and why it is none.
fn no_data_sheet(name: &str, skipped: &[Skipped]) -> Diag {
    let mut diag = Diag::error("data-file", format!("`{name}` has no data sheet")).with_help(DATA_SHEET);
    if skipped.is_empty() {
        diag = diag.note("the workbook has no sheet");
    }
    for s in skipped {
        diag = diag.note(format!("sheet `{}`: {}", s.sheet, s.why));
    }
    diag
}

/// Why reading a sheet stopped.
enum Stop {
    /// `calamine` could not read it.
    Unreadable(XlsxError),
    /// Its cells would pass the workbook's limit.
    TooLarge,
}

/// A cell as read: its text, whether it is a number, and what it holds if it is no figure.
#[derive(Debug, Clone)]
struct Cell {
    /// The value as text: the text itself, a number's shortest decimal, `TRUE`, `#DIV/0!`.
    text: String,
    /// What the cell shows if it is a number (its `text` then the shortest decimal of its double,
    /// until [`formats`] reads it as its format shows it).
    number: Option<NumberCell>,
    /// What the cell holds if it is neither text nor a number (a boolean, a date, an error value).
    not_a_figure: Option<NotAFigure>,
}

/// A cell at its `(row, column)`, zero-based.
type Located = ((u32, u32), Cell);

/// A data sheet's cells from its header row down, in order of their places.
struct Table {
    cells: Vec<Located>,
}

/// What a worksheet turns out to be: a data sheet's table, or why it is none.
enum Found {
    /// A data sheet: its header has a `metric` cell.
    Table(Table),
    /// Not a data sheet, and why (`empty`, what its first row holds).
    NotData(String),
}

/// Reads a worksheet's cells. The header is its first non-empty row: a sheet whose header has no
/// `metric` cell is skipped as soon as that row is read; a data sheet holding more cells than `budget`
/// (what is left of [`WORKBOOK_CELLS`]) is refused as they are read.
fn read_table<R: Read + Seek>(book: &mut Book<R>, sheet: &str, budget: usize) -> Result<Found, Stop> {
    let found = match book.worksheet_cells_reader(sheet) {
        Ok(mut reader) => read_cells(&mut reader, budget)?,
        Err(XlsxError::NotAWorksheet(kind)) => return Ok(Found::NotData(format!("not a worksheet (`{kind}`)"))),
        Err(e) => return Err(Stop::Unreadable(e)),
    };
    let Found::Table(mut table) = found else { return Ok(found) };
    formats(book, sheet, &mut table.cells)?;
    table.cells.sort_by_key(|(pos, _)| *pos);
    Ok(Found::Table(table))
}

/// Streams a worksheet's non-empty cells, stopping after its first row if that is no header.
fn read_cells<R: Read + Seek>(reader: &mut XlsxCellReader<'_, R>, budget: usize) -> Result<Found, Stop> {
    let mut cells: Vec<Located> = Vec::new();
    let mut data = false;
    while let Some(record) = reader.next_cell_with_formula().map_err(Stop::Unreadable)? {
        let Some(cell) = read_cell(record.value, record.formula) else { continue };
        if cell.text.trim().is_empty() && cell.not_a_figure.is_none() {
            continue;
        }
        let header = cells.first().map(|(pos, _)| pos.0);
        if !data && header.is_some_and(|h| record.pos.0 > h) {
            match not_data(&cells) {
                Some(why) => return Ok(Found::NotData(why)),
                None => data = true,
            }
        }
        if data && cells.len() >= budget {
            return Err(Stop::TooLarge);
        }
        cells.push((record.pos, cell));
    }
    Ok(match not_data(&cells) {
        Some(why) => Found::NotData(why),
        None => Found::Table(Table { cells }),
    })
}

/// Reads the number cells as their formats show them ([`as_shown`]); the sheet's styles are read only
/// if it has a number cell.
fn formats<R: Read + Seek>(book: &mut Book<R>, sheet: &str, cells: &mut [Located]) -> Result<(), Stop> {
    if !cells.iter().any(|(_, c)| c.number.is_some()) {
        return Ok(());
    }
    let styles = book.worksheet_style(sheet).map_err(Stop::Unreadable)?;
    for (pos, cell) in cells.iter_mut().filter(|(_, c)| c.number.is_some()) {
        let format = styles.get(*pos).and_then(|s| s.number_format.as_ref());
        as_shown(cell, &format.map(|f| NumberFormat::parse(&f.format_code)).unwrap_or_default());
    }
    Ok(())
}

/// Why the cells of a sheet's first row (all cells read so far) make no header: `None` for a header
/// with a `metric` cell.
fn not_data(cells: &[Located]) -> Option<String> {
    let Some(((row, _), _)) = cells.first() else { return Some("empty".to_owned()) };
    let metric = cells.iter().any(|(_, c)| c.text.trim().eq_ignore_ascii_case("metric"));
    if metric {
        return None;
    }
    let first: Vec<&str> = cells.iter().map(|(_, c)| c.text.trim()).take(4).collect();
    let more = if cells.len() > 4 { ", ..." } else { "" };
    Some(format!("its first row, row {}, has no `metric` cell (`{}`{more})", row + 1, first.join("`, `")))
}

/// Reads a cell's value (a formula's stored result); `None` for an empty cell.
fn read_cell(value: DataRef<'_>, formula: Option<String>) -> Option<Cell> {
    let text = |text: String| Cell { text, number: None, not_a_figure: None };
    let other = |text: String, what: String, help: &'static str| Cell {
        text,
        number: None,
        not_a_figure: Some(NotAFigure { what, help }),
    };
    let cell = match value {
        DataRef::Empty => {
            let formula = format!("={}", formula?);
            let what = format!("the formula `{formula}` with no stored value");
            return Some(other(
                formula,
                what,
                "open and save the workbook in a spreadsheet program, which computes and stores its formulas' values",
            ));
        }
        DataRef::String(s) => text(s),
        DataRef::SharedString(s) => text(s.to_owned()),
        DataRef::Float(f) => number(f),
        DataRef::Int(i) => Cell { text: i.to_string(), number: Some(GENERAL), not_a_figure: None },
        DataRef::Bool(b) => {
            let shown = if b { "TRUE" } else { "FALSE" };
            other(shown.to_owned(), format!("the boolean {shown}"), FIGURE_HELP)
        }
        DataRef::DateTime(d) => {
            let what = if d.is_duration() { "a duration" } else { "a date or time" };
            other(d.to_string(), what.to_owned(), DATE_HELP)
        }
        DataRef::DateTimeIso(s) => other(s.clone(), format!("the date or time {s}"), DATE_HELP),
        DataRef::DurationIso(s) => other(s.clone(), format!("the duration {s}"), DATE_HELP),
        DataRef::Error(e) => {
            other(e.to_string(), format!("the error {e}"), "fix what the cell computes, or leave it empty")
        }
    };
    Some(cell)
}

/// The help line for a cell that holds no figure.
const FIGURE_HELP: &str = "write a figure such as `213.4`, `9%` or `730 USD m`, or leave the cell empty";

/// The help line for a cell that holds a date or a duration.
const DATE_HELP: &str = "a cell formatted as a date holds no figure: format it as a number or as text";

/// A number cell: its shortest round-trip decimal, which no figure may be if it is not finite or
/// beyond what a decimal holds.
fn number(f: f64) -> Cell {
    let text = format!("{f}");
    if f.is_finite() && parse_decimal(&text).is_some() {
        return Cell { text, number: Some(GENERAL), not_a_figure: None };
    }
    let what = format!("the number {f:e}, which no exact figure holds");
    let help = "write the figure as text with its scale, such as `730 USD bn` rather than 730000000000";
    Cell { text, number: None, not_a_figure: Some(NotAFigure { what, help }) }
}

/// A number cell as read, before its format is: the stored digits, no currency.
const GENERAL: NumberCell = NumberCell { general: true, currency: None };

/// Reads a number cell as its format shows it ([`NumberFormat::show`]): `32.0` for 32 in `0.0`,
/// `11.7%` for 0.117 in `0.0%`. A figure too large for a decimal once shown is none.
fn as_shown(cell: &mut Cell, format: &NumberFormat) {
    let Some(d) = parse_decimal(&cell.text) else { return };
    cell.number = Some(NumberCell { general: format.is_general(), currency: format.currency });
    match format.show(d) {
        Some(shown) => cell.text = shown,
        None => {
            let what = format!("the number {}, which no exact figure holds as its format shows it", cell.text);
            let help = "write the figure as text, such as `9%` or `730 USD bn`";
            (cell.number, cell.not_a_figure) = (None, Some(NotAFigure { what, help }));
        }
    }
}

impl Table {
    /// The table's rows, every cell of its columns given a place (`Sheet1!C7`), each row one too
    /// (`Sheet1!A7:F7`); rows without a cell are left out, as a CSV reader leaves out blank lines.
    /// `None` if its rows times its columns pass what is left of `budget`.
    fn rows(self, sheet: &str, places: &mut Places, budget: &mut usize) -> Option<Vec<Row>> {
        let first = self.cells.iter().map(|((_, c), _)| *c).min().unwrap_or(0);
        let last = self.cells.iter().map(|((_, c), _)| *c).max().unwrap_or(0);
        let mut rows: Vec<SheetRow> = Vec::new();
        for ((row, column), cell) in self.cells {
            match rows.last_mut() {
                Some(last) if last.row == row => last.cells.push((column, cell)),
                _ => rows.push(SheetRow { row, cells: vec![(column, cell)] }),
            }
        }
        *budget = budget.checked_sub(rows.len().saturating_mul((last - first) as usize + 1))?;
        let prefix = sheet_ref(sheet);
        Some(rows.into_iter().map(|row| row.placed(&prefix, first..=last, places)).collect())
    }
}

/// The cells of one row of a sheet, by column.
struct SheetRow {
    /// The row's index, zero-based (row 1 is 0).
    row: u32,
    /// Its non-empty cells, by column index.
    cells: Vec<(u32, Cell)>,
}

impl SheetRow {
    /// The row as the CSV reader reads it: a cell for every one of `columns`, each at its place.
    fn placed(self, prefix: &str, columns: RangeInclusive<u32>, places: &mut Places) -> Row {
        let (first, last, number) = (*columns.start(), *columns.end(), self.row + 1);
        let whole = places.add(format!("{prefix}!{}{number}:{}{number}", column_name(first), column_name(last)));
        let mut placed: Vec<PlacedCell> = columns
            .map(|c| PlacedCell {
                text: String::new(),
                span: places.add(format!("{prefix}!{}{number}", column_name(c))),
                not_a_figure: None,
                number: None,
            })
            .collect();
        for (column, cell) in self.cells {
            let at = &mut placed[(column - first) as usize];
            (at.text, at.not_a_figure, at.number) = (cell.text, cell.not_a_figure, cell.number);
        }
        Row::placed(placed, whole)
    }
}

/// A column's letters, zero-based: 0 is `A`, 26 is `AA`.
fn column_name(column: u32) -> String {
    let mut letters = Vec::new();
    let mut n = column + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// A sheet's name as a reference writes it: as it is when Excel would (`Sheet1`), else quoted with
/// quotes doubled (`'My sheet'`, `'2025'`, `'Bob''s'`).
fn sheet_ref(sheet: &str) -> String {
    let plain = sheet.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        && sheet.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && !looks_like_cell(sheet);
    if plain { sheet.to_owned() } else { format!("'{}'", sheet.replace('\'', "''")) }
}

/// Whether a name reads as a cell reference (`A1`, `XFD100`) or an R1C1 one (`R1C1`, `R`, `C`), which
/// Excel quotes as a sheet name.
fn looks_like_cell(name: &str) -> bool {
    let letters = name.bytes().take_while(u8::is_ascii_alphabetic).count();
    let digits = name.len() - letters;
    let a1 = (1..=3).contains(&letters) && digits > 0 && name[letters..].bytes().all(|b| b.is_ascii_digit());
    let upper = name.to_ascii_uppercase();
    let r1c1 = upper.starts_with('R') || upper.starts_with('C');
    a1 || (r1c1 && upper[1..].bytes().all(|b| b.is_ascii_digit() || b == b'C'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_named_as_excel_names_them() {
        let names: Vec<String> = [0, 2, 25, 26, 27, 51, 52, 701, 702, 16383].map(column_name).into();
        assert_eq!(names, ["A", "C", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA", "XFD"]);
    }

    #[test]
    fn sheet_names_are_quoted_where_excel_quotes_them() {
        assert_eq!(sheet_ref("Sheet1"), "Sheet1");
        assert_eq!(sheet_ref("figures_2025"), "figures_2025");
        assert_eq!(sheet_ref("My sheet"), "'My sheet'");
        assert_eq!(sheet_ref("2025"), "'2025'");
        assert_eq!(sheet_ref("Bob's"), "'Bob''s'");
        assert_eq!(sheet_ref("Q4"), "'Q4'");
        assert_eq!(sheet_ref("R1C1"), "'R1C1'");
        assert_eq!(sheet_ref("Revenue"), "Revenue");
        assert_eq!(sheet_ref("Umsätze"), "'Umsätze'");
    }

    #[test]
    fn numbers_read_as_their_shortest_decimal() {
        assert_eq!(number(213.4).text, "213.4");
        assert_eq!(number(25.0).text, "25");
        assert_eq!(number(0.1 + 0.2).text, "0.30000000000000004");
        assert_eq!(number(-1.5).text, "-1.5");
        assert_eq!(number(1e-7).text, "0.0000001");
        assert!(number(f64::NAN).not_a_figure.is_some());
        assert!(number(f64::INFINITY).not_a_figure.is_some());
        assert!(number(1e300).not_a_figure.is_some());
    }

    #[test]
    fn a_formula_stored_without_a_value_is_no_figure() {
        // openpyxl and some other libraries write `<c><f>100+113.4</f><v></v></c>`: nothing computed.
        let cell = read_cell(DataRef::Empty, Some("100+113.4".to_owned())).unwrap();
        assert_eq!(cell.text, "=100+113.4");
        assert_eq!(cell.not_a_figure.unwrap().what, "the formula `=100+113.4` with no stored value");
        assert!(read_cell(DataRef::Empty, None).is_none());
        let cached = read_cell(DataRef::Float(213.4), Some("100+113.4".to_owned())).unwrap();
        assert_eq!((cached.text.as_str(), cached.number), ("213.4", Some(GENERAL)));
    }

    #[test]
    fn numbers_read_as_their_formats_show_them() {
        let shown = |f: f64, code: &str| {
            let mut cell = number(f);
            as_shown(&mut cell, &NumberFormat::parse(code));
            (cell.text, cell.number.map(|n| n.general))
        };
        assert_eq!(shown(0.09, "0%"), ("9%".to_owned(), Some(false)));
        assert_eq!(shown(0.125, "0.0%"), ("12.5%".to_owned(), Some(false)));
        assert_eq!(shown(-0.0035, "0.00%"), ("-0.35%".to_owned(), Some(false)));
        assert_eq!(shown(32.0, "0.0"), ("32.0".to_owned(), Some(false)));
        assert_eq!(shown(0.39, "General"), ("0.39".to_owned(), Some(true)));
        let mut huge = number(1e27);
        as_shown(&mut huge, &NumberFormat::parse("0.0%"));
        assert!(huge.not_a_figure.is_some() && huge.number.is_none());
    }
}
