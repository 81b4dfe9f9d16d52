//! Parquet long facts tables, as data vendors ship them: a row per fact, the columns of a long CSV
//! (`entity, metric, period, value` and optionally `scenario, unit, source, given`), found by name.
//!
//! Read with the `parquet` crate's own column readers (no arrow), a batch of rows at a time, row
//! group by row group, straight into the [`SheetBuilder`] as a streamed CSV is. A value is read
//! exactly: a DECIMAL as its digits at its scale (`12.50` at scale 2 is known to ±0.005: the scale is
//! how precisely it was written), an INT32 or INT64 as a whole number (±0.5), text as a CSV cell
//! (`70,066`, `213.4 USD bn`, `n/a`, `173.5..178.5`). A FLOAT or DOUBLE value is refused: a binary
//! float does not say how many digits were meant. A null value is a missing figure, counted as a
//! CSV's `n/a` is; a null key is an error. Key columns hold text; `given` holds text or a DATE.
//!
//! A Parquet file has no lines: it is described by places ([`Sources::add_described`]), a cell's
//! being `row group 2, row 17, column `value`` (both counted from 0, as Parquet tools count them).
//! Only the places of the value cells (every fact's origin) and of the cells a diagnostic names are
//! kept.

use std::fs::File;
use std::panic::AssertUnwindSafe;
use std::path::Path;

use parquet::basic::{Compression, ConvertedType, LogicalType, Type as Physical};
use parquet::column::reader::{ColumnReader, ColumnReaderImpl, get_typed_column_reader};
use parquet::data_type::{ByteArray, ByteArrayType, DataType, FixedLenByteArray, FixedLenByteArrayType};
use parquet::data_type::{Int32Type, Int64Type};
use parquet::file::reader::{FileReader, RowGroupReader};
use parquet::file::serialized_reader::SerializedFileReader;
use parquet::schema::types::ColumnDescriptor;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;

use crate::date::Date;
use crate::diag::Diag;
use crate::num::{Quantity, Unit};
use crate::period::Period;
use crate::source::{SourceId, Sources, Span};
use crate::syntax::ast::Scenario;

use super::csv::exported::{self, Exported};
use super::csv::long::NAMES;
use super::csv::{contradicting_unit, contradiction};
use super::key;
use super::sheet::{Fact, FactValue, Origin, SheetBuilder};
use super::value::{UNITS_HELP, parse_value};

/// How many rows are decoded at once, column by column, before their facts are added.
const BATCH: usize = 8192;

/// The most errors a file reports: past them, a broken file would only say the same again.
const MAX_ERRORS: usize = 100;

/// The columns in the order of [`NAMES`].
const ENTITY: usize = 0;
const METRIC: usize = 1;
const PERIOD: usize = 2;
const VALUE: usize = 3;
const SCENARIO: usize = 4;
const UNIT: usize = 5;
const SOURCE: usize = 6;
const GIVEN: usize = 7;

/// Loads a Parquet file shown as `name`: adds it to `sources` (described by places) and its facts to
/// `builder`; any error gives no facts.
pub fn load(path: &Path, name: String, sources: &mut Sources, builder: &mut SheetBuilder) -> Result<(), Vec<Diag>> {
    let reader = quietly(|| open(path, &name)).unwrap_or_else(|| Err(damaged(&name))).map_err(|d| vec![d])?;
    let file = sources.add_described(name.clone(), Vec::new());
    builder.add_source(file, None);
    let mut table = Table::new(file, name.clone());
    let read = quietly(|| table.read(&reader, builder)).unwrap_or_else(|| Err(damaged(&name)));
    sources.set_places(file, table.places);
    match read {
        Ok(()) if table.errors.is_empty() => {
            builder.name_source((!table.source_names.is_empty()).then(|| table.source_names.join("; ")));
            Ok(())
        }
        _ => {
            builder.drop_source();
            let mut errors = table.errors;
            errors.extend(read.err());
            Err(errors)
        }
    }
}

/// Opens a regular file as Parquet, reading its footer.
fn open(path: &Path, name: &str) -> Result<SerializedFileReader<File>, Diag> {
    let cannot = |e: &std::io::Error| crate::fsutil::cannot_read(name, e);
    let input = File::open(path).map_err(|e| cannot(&e))?;
    if !input.metadata().map_err(|e| cannot(&e))?.is_file() {
        return Err(Diag::error("data-file", format!("`{name}` is not a regular file"))
            .with_help("give a Parquet file, or a folder of data files"));
    }
    SerializedFileReader::new(input).map_err(|e| unreadable(name, &e))
}

thread_local! {
    /// Whether this thread is inside [`quietly`]: its panics are the `parquet` crate's, told as a
    /// diagnostic, and the process's panic hook ([`quiet`]) prints nothing for them.
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f`, turning a panic into `None`. The `parquet` crate trusts a file's footer and pages: one
/// changed byte can make it unwrap a `None` (a test changes every byte of a file), so its calls on a
/// file's bytes run here, and a damaged file is an error like any other.
fn quietly<T>(f: impl FnOnce() -> T) -> Option<T> {
    QUIET.set(true);
    let result = std::panic::catch_unwind(AssertUnwindSafe(f));
    QUIET.set(false);
    result.ok()
}

/// Whether a panic on this thread is one [`quietly`] turns into a diagnostic: the binary's panic hook
/// prints nothing for it.
pub fn quiet() -> bool {
    QUIET.get()
}

/// The error for a file the `parquet` crate stopped on (a damaged footer or page).
fn damaged(name: &str) -> Diag {
    Diag::error(
        "data-file",
        format!("`{name}` is not a readable Parquet file: it is damaged (its metadata or pages do not decode)"),
    )
    .with_help("write the file again (`COPY facts TO 'facts.parquet'` in DuckDB, `df.to_parquet(...)` in pandas)")
}

/// The error for a file the `parquet` crate cannot read (not Parquet, truncated, damaged).
fn unreadable(name: &str, error: &parquet::errors::ParquetError) -> Diag {
    Diag::error("data-file", format!("`{name}` is not a readable Parquet file: {error}"))
        .with_help("write the file again (`COPY facts TO 'facts.parquet'` in DuckDB, `df.to_parquet(...)` in pandas)")
}

/// How a column's cells are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// UTF-8 text (BYTE_ARRAY).
    Text,
    /// A DATE: days since 1970-01-01 (INT32).
    Date,
    /// A whole number (INT32 or INT64), or a DECIMAL of this scale (INT32, INT64,
    /// FIXED_LEN_BYTE_ARRAY or BYTE_ARRAY).
    Decimal(u32),
}

/// One column of the table: where it is among the file's leaves, and how it is read.
#[derive(Debug, Clone, Copy)]
struct Column {
    leaf: usize,
    kind: Kind,
    physical: Physical,
    /// Whether a cell may be null (an OPTIONAL column).
    nullable: bool,
}

/// A column's cells of one batch: its values (nulls left out) and, per row, the index of its value.
#[derive(Default)]
struct Cells {
    text: Vec<ByteArray>,
    fixed: Vec<FixedLenByteArray>,
    ints: Vec<i64>,
    defs: Vec<i16>,
    at: Vec<Option<u32>>,
}

/// A cell of a row: null, bytes (text, or a DECIMAL's big-endian digits) or a whole number.
#[derive(Clone, Copy)]
enum Cell<'a> {
    Null,
    Bytes(&'a [u8]),
    Int(i64),
}

impl Cells {
    /// The cell of row `row` in the batch.
    fn cell(&self, row: usize) -> Cell<'_> {
        let Some(i) = self.at[row] else { return Cell::Null };
        let i = i as usize;
        if let Some(bytes) = self.text.get(i) {
            Cell::Bytes(bytes.data())
        } else if let Some(bytes) = self.fixed.get(i) {
            Cell::Bytes(bytes.data())
        } else {
            self.ints.get(i).map_or(Cell::Null, |&n| Cell::Int(n))
        }
    }
}

/// A column's reader in one row group, typed by its physical type.
enum Reader {
    Bytes(ColumnReaderImpl<ByteArrayType>),
    Fixed(ColumnReaderImpl<FixedLenByteArrayType>),
    Int32(ColumnReaderImpl<Int32Type>),
    Int64(ColumnReaderImpl<Int64Type>),
}

impl Reader {
    /// The typed reader of a column.
    fn of(reader: ColumnReader) -> Option<Reader> {
        Some(match reader {
            ColumnReader::ByteArrayColumnReader(_) => Reader::Bytes(get_typed_column_reader(reader)),
            ColumnReader::FixedLenByteArrayColumnReader(_) => Reader::Fixed(get_typed_column_reader(reader)),
            ColumnReader::Int32ColumnReader(_) => Reader::Int32(get_typed_column_reader(reader)),
            ColumnReader::Int64ColumnReader(_) => Reader::Int64(get_typed_column_reader(reader)),
            _ => return None,
        })
    }

    /// Reads the next `rows` rows into `cells`; how many rows there were.
    fn read(&mut self, rows: usize, nullable: bool, cells: &mut Cells) -> parquet::errors::Result<usize> {
        let (text, fixed, ints, defs) = (&mut cells.text, &mut cells.fixed, &mut cells.ints, &mut cells.defs);
        text.clear();
        fixed.clear();
        ints.clear();
        defs.clear();
        let defs = nullable.then_some(defs);
        let (read, values) = match self {
            Reader::Bytes(r) => batch(r, rows, defs, text)?,
            Reader::Fixed(r) => batch(r, rows, defs, fixed)?,
            Reader::Int32(r) => {
                let mut values = Vec::with_capacity(rows);
                let read = batch(r, rows, defs, &mut values)?;
                ints.extend(values.into_iter().map(i64::from));
                read
            }
            Reader::Int64(r) => batch(r, rows, defs, ints)?,
        };
        cells.at.clear();
        if nullable {
            let mut next = 0u32;
            for &def in &cells.defs {
                cells.at.push((def > 0).then(|| (next, next += 1).0));
            }
        } else {
            cells.at.extend((0..values as u32).map(Some));
        }
        if cells.at.len() != read || cells.at.iter().flatten().count() != values {
            return Err(parquet::errors::ParquetError::General(format!(
                "{read} rows hold {values} values and {} levels",
                cells.at.len()
            )));
        }
        Ok(read)
    }
}

/// Reads `rows` records of a flat column: how many records, and how many values (not null).
fn batch<T: DataType>(
    reader: &mut ColumnReaderImpl<T>,
    rows: usize,
    defs: Option<&mut Vec<i16>>,
    values: &mut Vec<T::T>,
) -> parquet::errors::Result<(usize, usize)> {
    let (records, values, _) = reader.read_records(rows, defs, None, values)?;
    Ok((records, values))
}

/// The reading of one file: its columns, the places its diagnostics and facts name, its errors.
struct Table {
    file: SourceId,
    name: String,
    columns: [Option<Column>; 8],
    places: Vec<String>,
    errors: Vec<Diag>,
    /// The distinct `source` values, in the order first given.
    source_names: Vec<String>,
    /// What the rows so far named, so that each entity, metric, period and unit is checked once.
    entities: FxHashMap<String, u32>,
    metrics: FxHashMap<String, u32>,
    periods: FxHashMap<String, Period>,
    units: FxHashMap<String, Unit>,
    /// The row group and the row being read, for places.
    at: (usize, usize),
}

impl Table {
    fn new(file: SourceId, name: String) -> Self {
        Table {
            file,
            name,
            columns: [None; 8],
            places: Vec::new(),
            errors: Vec::new(),
            source_names: Vec::new(),
            entities: FxHashMap::default(),
            metrics: FxHashMap::default(),
            periods: FxHashMap::default(),
            units: FxHashMap::default(),
            at: (0, 0),
        }
    }

    /// Reads the schema, then the row groups; an `Err` for a file that cannot be read on (its rows
    /// gave the errors kept in `self.errors` so far).
    fn read(&mut self, reader: &SerializedFileReader<File>, builder: &mut SheetBuilder) -> Result<(), Diag> {
        self.layout(reader.metadata().file_metadata().schema_descr().columns());
        if !self.errors.is_empty() {
            return Ok(());
        }
        for group in 0..reader.num_row_groups() {
            let rows = reader.get_row_group(group).map_err(|e| unreadable(&self.name, &e))?;
            self.read_group(group, rows.as_ref(), builder)?;
            if self.errors.len() >= MAX_ERRORS {
                break;
            }
        }
        Ok(())
    }

    /// Finds the columns by name and checks their types: unknown, repeated, missing or nested
    /// columns, and columns of a type their cells cannot be read from, are errors.
    fn layout(&mut self, leaves: &[std::sync::Arc<ColumnDescriptor>]) {
        let mut named = [false; 8];
        for (leaf, column) in leaves.iter().enumerate() {
            let path = column.path().parts();
            let name = path.join(".");
            let found = NAMES.iter().position(|n| path.len() == 1 && n.eq_ignore_ascii_case(name.trim()));
            let Some(index) = found else {
                let help = match crate::suggest::did_you_mean(&name.trim().to_ascii_lowercase(), NAMES) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => layout_help(),
                };
                let diag = self.column_error(&name, format!("unknown column `{name}` in a Parquet facts table"));
                self.errors.push(diag.with_help(help));
                continue;
            };
            if std::mem::replace(&mut named[index], true) {
                let diag = self.column_error(&name, format!("the column `{name}` is given twice"));
                self.errors.push(diag.with_help("keep one of the two columns"));
                continue;
            }
            if column.max_rep_level() > 0 {
                let diag = self.column_error(&name, format!("the column `{name}` is a list"));
                self.errors.push(diag.with_help("a facts table has one cell per column and row"));
                continue;
            }
            match self.kind(index, column) {
                Ok(kind) => {
                    let (physical, nullable) = (column.physical_type(), column.max_def_level() > 0);
                    self.columns[index] = Some(Column { leaf, kind, physical, nullable });
                }
                Err(diag) => self.errors.push(diag),
            }
        }
        for index in [ENTITY, METRIC, PERIOD, VALUE].into_iter().filter(|&i| !named[i]) {
            let span = self.place("the schema".to_owned());
            let diag = Diag::error("data", format!("missing the `{}` column", NAMES[index]));
            self.errors.push(diag.in_file(self.file).primary(span, "in this schema").with_help(layout_help()));
        }
    }

    /// How the cells of column `index` of [`NAMES`] are read; an error for a type they cannot be read from.
    fn kind(&mut self, index: usize, column: &ColumnDescriptor) -> Result<Kind, Diag> {
        let name = column.name().to_owned();
        let physical = column.physical_type();
        let logical = column.logical_type_ref();
        let text = physical == Physical::BYTE_ARRAY
            && matches!(logical, None | Some(LogicalType::String | LogicalType::Enum))
            && matches!(column.converted_type(), ConvertedType::NONE | ConvertedType::UTF8 | ConvertedType::ENUM);
        let decimal = match logical {
            Some(LogicalType::Decimal { scale, .. }) => Some(*scale),
            _ if column.converted_type() == ConvertedType::DECIMAL => Some(column.self_type().get_scale()),
            _ => None,
        };
        let whole = matches!(physical, Physical::INT32 | Physical::INT64)
            && matches!(logical, None | Some(LogicalType::Integer { is_signed: true, .. }))
            && matches!(
                column.converted_type(),
                ConvertedType::NONE
                    | ConvertedType::INT_8
                    | ConvertedType::INT_16
                    | ConvertedType::INT_32
                    | ConvertedType::INT_64
            );
        let written = describe(column);
        match index {
            VALUE => match (decimal, physical) {
                (Some(scale), _) if (0..=28).contains(&scale) => Ok(Kind::Decimal(scale as u32)),
                (Some(scale), _) => Err(self
                    .column_error(&name, format!("the column `{name}` is a DECIMAL of scale {scale}"))
                    .with_help("a value has at most 28 decimal places; write the values at a scale from 0 to 28")),
                (None, Physical::FLOAT | Physical::DOUBLE) => Err(self
                    .column_error(&name, format!("the column `{name}` holds {written} values in `{}`", self.name))
                    .with_help(
                        "a binary float does not say how many digits were meant (is 0.1 written 0.1 or 0.10?), so \
                         its precision is unknown: write the values as DECIMAL (`CAST(value AS DECIMAL(18, 2))`) \
                         or text",
                    )),
                _ if whole => Ok(Kind::Decimal(0)),
                _ if text => Ok(Kind::Text),
                _ => Err(self
                    .column_error(&name, format!("the column `{name}` holds {written} values"))
                    .with_help("write the values as DECIMAL, whole numbers (INT32, INT64) or text")),
            },
            GIVEN if text => Ok(Kind::Text),
            GIVEN if physical == Physical::INT32 && matches!(logical, Some(LogicalType::Date)) => Ok(Kind::Date),
            GIVEN => Err(self
                .column_error(&name, format!("the column `given` holds {written} values"))
                .with_help("write the dates as DATE or as text such as `2026-02-05`")),
            _ if text => Ok(Kind::Text),
            _ => Err(self
                .column_error(&name, format!("the column `{name}` holds {written} values"))
                .with_help(format!("the `{}` column holds text (a UTF-8 string)", NAMES[index]))),
        }
    }

    /// An error about a column of the schema, pointing at it.
    fn column_error(&mut self, name: &str, message: String) -> Diag {
        let span = self.place(format!("column `{name}`"));
        Diag::error("data", message).in_file(self.file).primary(span, "this column")
    }

    /// Adds a place and returns the span that names it.
    fn place(&mut self, place: String) -> Span {
        self.places.push(place);
        Span::place(self.places.len() - 1)
    }

    /// The span of the cell of column `index` in the current row.
    fn cell_place(&mut self, index: usize) -> Span {
        let (group, row) = self.at;
        self.place(format!("row group {group}, row {row}, column `{}`", NAMES[index]))
    }

    /// Reads one row group, a batch of rows at a time.
    fn read_group(&mut self, group: usize, rows: &dyn RowGroupReader, builder: &mut SheetBuilder) -> Result<(), Diag> {
        let metadata = rows.metadata();
        let mut readers: Vec<Option<(Column, Reader, Cells)>> = Vec::with_capacity(8);
        for column in self.columns {
            let Some(column) = column else {
                readers.push(None);
                continue;
            };
            let codec = metadata.column(column.leaf).compression();
            if let Some(diag) = self.codec(codec) {
                return Err(diag);
            }
            let reader = rows.get_column_reader(column.leaf).map_err(|e| unreadable(&self.name, &e))?;
            let reader = Reader::of(reader).ok_or_else(|| unreadable_column(&self.name, column))?;
            readers.push(Some((column, reader, Cells::default())));
        }
        let total = usize::try_from(metadata.num_rows()).unwrap_or(0);
        let mut start = 0;
        while start < total {
            let want = BATCH.min(total - start);
            for (column, reader, cells) in readers.iter_mut().flatten() {
                let read = reader.read(want, column.nullable, cells).map_err(|e| unreadable(&self.name, &e))?;
                if read != want {
                    return Err(unreadable(
                        &self.name,
                        &parquet::errors::ParquetError::General(format!(
                            "row group {group} ends after {} of its {total} rows",
                            start + read
                        )),
                    ));
                }
            }
            for row in 0..want {
                self.at = (group, start + row);
                let cell = |index: usize| readers[index].as_ref().map_or(Cell::Null, |(_, _, c)| c.cell(row));
                let cells: [Cell; 8] = std::array::from_fn(cell);
                self.row(&cells, builder);
                if self.errors.len() >= MAX_ERRORS {
                    return Ok(());
                }
            }
            start += want;
        }
        Ok(())
    }

    /// The error for a column chunk written with a codec this build cannot read.
    fn codec(&self, codec: Compression) -> Option<Diag> {
        let name = match codec {
            Compression::BROTLI(_) => "Brotli",
            Compression::LZO => "LZO",
            _ => return None,
        };
        Some(
            Diag::error(
                "data-file",
                format!("`{}` is compressed with {name}, which tickmark does not read", self.name),
            )
            .with_help(
                "write the file again with Snappy, ZSTD, GZIP or LZ4 (`COPY ... TO 'facts.parquet' (COMPRESSION zstd)` \
                 in DuckDB, `compression='zstd'` in pandas)",
            ),
        )
    }

    /// Reads one row's fact into `builder`, or keeps the errors of its cells.
    fn row(&mut self, cells: &[Cell; 8], builder: &mut SheetBuilder) {
        if let Cell::Bytes(bytes) = cells[VALUE]
            && self.columns[VALUE].is_some_and(|c| c.kind == Kind::Text)
            && bytes.trim_ascii().is_empty()
        {
            // an empty value cell is no fact, as in a CSV file
            return;
        }
        let entity = self.key_text(cells, ENTITY);
        let metric = self.key_text(cells, METRIC);
        let period = self.key_text(cells, PERIOD);
        let scenario = self.optional_text(cells, SCENARIO);
        let unit = self.optional_text(cells, UNIT);
        let given = self.given(cells[GIVEN]);
        if let Some(source) = self.optional_text(cells, SOURCE).flatten()
            && !self.source_names.iter().any(|s| s == source)
        {
            self.source_names.push(source.to_owned());
        }
        let (Some(entity), Some(metric), Some(period), Some(scenario), Some(unit), Some(given)) =
            (entity, metric, period, scenario, unit, given)
        else {
            return;
        };
        let entity = self.entity(entity, builder);
        let metric = self.metric(metric, builder);
        let period = self.period(period);
        let scenario = match scenario {
            None => Some(Scenario::Actual),
            Some(word) => {
                let span = Span::place(self.places.len());
                self.check(key::scenario(word, span, self.file), SCENARIO)
            }
        };
        let unit = self.unit(unit);
        let (Some(entity), Some(metric), Some(period), Some(scenario), Some(unit)) =
            (entity, metric, period, scenario, unit)
        else {
            return;
        };
        let Some(value) = self.value(cells[VALUE], unit, builder) else { return };
        let span = self.cell_place(VALUE);
        builder.push(entity, metric, scenario, period, Fact { value, origin: Origin { file: self.file, span }, given });
    }

    /// The value of a check whose diagnostic points at `Span::place(self.places.len())`, or `None`
    /// after keeping its error and adding that place: the cell of column `index`.
    fn check<T>(&mut self, result: Result<T, Diag>, index: usize) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(diag) => {
                self.cell_place(index);
                self.errors.push(diag);
                None
            }
        }
    }

    /// The trimmed text of a key cell; an error for a null or empty one, or bytes that are not UTF-8.
    fn key_text<'c>(&mut self, cells: &[Cell<'c>; 8], index: usize) -> Option<&'c str> {
        match self.optional_text(cells, index)? {
            Some(text) => Some(text),
            None => {
                let span = self.cell_place(index);
                let what = if matches!(cells[index], Cell::Null) { "null" } else { "empty" };
                let diag = Diag::error("data", format!("the `{}` cell is {what}", NAMES[index]))
                    .in_file(self.file)
                    .primary(span, format!("no {}", NAMES[index]));
                self.errors.push(diag.with_help("every row names its entity, metric and period"));
                None
            }
        }
    }

    /// The trimmed text of a cell, `Some(None)` for a null or empty one (or no such column); `None`
    /// after keeping the error of bytes that are not UTF-8.
    fn optional_text<'c>(&mut self, cells: &[Cell<'c>; 8], index: usize) -> Option<Option<&'c str>> {
        let Cell::Bytes(bytes) = cells[index] else { return Some(None) };
        match std::str::from_utf8(bytes) {
            Ok(text) => Some(Some(text.trim()).filter(|t| !t.is_empty())),
            Err(_) => {
                let span = self.cell_place(index);
                let diag = Diag::error("data", format!("the `{}` cell is not UTF-8 text", NAMES[index]))
                    .in_file(self.file)
                    .primary(span, "not UTF-8");
                self.errors.push(diag.with_help("write text columns as UTF-8 strings"));
                None
            }
        }
    }

    /// The id of an entity, checked the first time it is named.
    fn entity(&mut self, text: &str, builder: &mut SheetBuilder) -> Option<u32> {
        if let Some(&id) = self.entities.get(text) {
            return Some(id);
        }
        let span = Span::place(self.places.len());
        let name = self.check(key::entity(text, span, self.file), ENTITY)?;
        let id = builder.entity_id(&name);
        self.entities.insert(text.to_owned(), id);
        Some(id)
    }

    /// The id of a metric, checked the first time it is named.
    fn metric(&mut self, text: &str, builder: &mut SheetBuilder) -> Option<u32> {
        if let Some(&id) = self.metrics.get(text) {
            return Some(id);
        }
        let span = Span::place(self.places.len());
        self.check(key::metric(text, span, self.file), METRIC)?;
        let id = builder.metric_id(text);
        self.metrics.insert(text.to_owned(), id);
        Some(id)
    }

    /// A period, read the first time it is written so.
    fn period(&mut self, text: &str) -> Option<Period> {
        if let Some(&period) = self.periods.get(text) {
            return Some(period);
        }
        let span = Span::place(self.places.len());
        let period = self.check(key::period(text, span, self.file), PERIOD)?;
        self.periods.insert(text.to_owned(), period);
        Some(period)
    }

    /// The unit of a row's `unit` cell: none where it is empty.
    fn unit(&mut self, text: Option<&str>) -> Option<Unit> {
        let Some(text) = text else { return Some(Unit::None) };
        if let Some(&unit) = self.units.get(text) {
            return Some(unit);
        }
        let Some(unit) = Unit::parse(text) else {
            let span = self.cell_place(UNIT);
            let diag = Diag::error("bad-value", format!("unknown unit `{text}`"))
                .in_file(self.file)
                .primary(span, "not a unit")
                .with_help(UNITS_HELP);
            self.errors.push(diag);
            return None;
        };
        self.units.insert(text.to_owned(), unit);
        Some(unit)
    }

    /// A row's `given` date: `Some(None)` for none; `None` after keeping the error of a cell that is
    /// no date.
    fn given(&mut self, cell: Cell) -> Option<Option<Date>> {
        let text = match cell {
            Cell::Null => return Some(None),
            Cell::Int(days) => {
                let (year, month, day) = crate::date::civil_from_days(days);
                if (1..=9999).contains(&year) {
                    return Some(Some(Date::civil_date(year as i32, month, day)));
                }
                format!("{year}-{month:02}-{day:02}")
            }
            Cell::Bytes(bytes) => match std::str::from_utf8(bytes).map(str::trim) {
                Ok("") => return Some(None),
                Ok(text) => match Date::parse(text) {
                    Some(date) => return Some(Some(date)),
                    None => text.to_owned(),
                },
                Err(_) => String::from_utf8_lossy(bytes).into_owned(),
            },
        };
        let span = self.cell_place(GIVEN);
        let diag = Diag::error("bad-date", format!("`{}` is not a date", crate::escape::excerpt(&text)))
            .in_file(self.file)
            .primary(span, Date::why_not(&text))
            .with_help("write the day the row's figures were given as `2026-02-05` (year, month, day)");
        self.errors.push(diag);
        None
    }

    /// The value of a row in `unit`: `None` for a missing figure (noted) or after keeping an error.
    fn value(&mut self, cell: Cell, unit: Unit, builder: &mut SheetBuilder) -> Option<FactValue> {
        let kind = self.columns[VALUE].map(|c| (c.kind, c.physical));
        let number = match (cell, kind) {
            (Cell::Null, _) => {
                let span = self.cell_place(VALUE);
                builder.missing([span]);
                return None;
            }
            (Cell::Int(n), Some((Kind::Decimal(scale), _))) => {
                Decimal::try_from_i128_with_scale(i128::from(n), scale).ok()
            }
            (Cell::Bytes(bytes), Some((Kind::Decimal(scale), _))) => {
                unscaled(bytes).and_then(|n| Decimal::try_from_i128_with_scale(n, scale).ok())
            }
            (Cell::Bytes(bytes), _) => return self.text_value(bytes, unit, builder),
            (Cell::Int(_), _) => None,
        };
        let Some(number) = number else {
            let span = self.cell_place(VALUE);
            let diag = Diag::error("bad-value", "the value has more digits than a figure may have")
                .in_file(self.file)
                .primary(span, "too many digits")
                .with_help("a figure has at most 28 significant digits");
            self.errors.push(diag);
            return None;
        };
        Some(FactValue::Number(Quantity::new(number, unit)))
    }

    /// The value of a text cell, read as a CSV cell is: as exported ([`exported`]), then as a literal.
    fn text_value(&mut self, bytes: &[u8], unit: Unit, builder: &mut SheetBuilder) -> Option<FactValue> {
        let Ok(text) = std::str::from_utf8(bytes).map(str::trim) else {
            let span = self.cell_place(VALUE);
            let diag = Diag::error("data", "the `value` cell is not UTF-8 text").in_file(self.file);
            self.errors.push(diag.primary(span, "not UTF-8").with_help("write text columns as UTF-8 strings"));
            return None;
        };
        let literal = match exported::read(text) {
            None => std::borrow::Cow::Borrowed(text),
            Some(Ok(Exported::Missing)) => {
                let span = self.cell_place(VALUE);
                builder.missing([span]);
                return None;
            }
            Some(Ok(Exported::Literal(literal))) => std::borrow::Cow::Owned(literal),
            Some(Err(e)) => {
                let span = self.cell_place(VALUE);
                self.errors.push(e.into_diag(self.file, None, span));
                return None;
            }
        };
        if let Some(own) = contradicting_unit(&literal, unit) {
            let span = self.cell_place(VALUE);
            self.errors.push(contradiction(own, unit, self.file, span));
            return None;
        }
        match parse_value(&literal, unit) {
            Ok(value) => Some(value),
            Err(e) => {
                let span = self.cell_place(VALUE);
                self.errors.push(e.into_diag(self.file, None, span));
                None
            }
        }
    }
}

/// A DECIMAL's unscaled digits from their big-endian two's complement bytes; `None` past 128 bits.
fn unscaled(bytes: &[u8]) -> Option<i128> {
    if bytes.is_empty() || bytes.len() > 16 {
        return None;
    }
    let fill = if bytes[0] & 0x80 != 0 { 0xFF } else { 0 };
    let mut wide = [fill; 16];
    wide[16 - bytes.len()..].copy_from_slice(bytes);
    Some(i128::from_be_bytes(wide))
}

/// A column's type as Parquet tools write it: `DOUBLE`, `INT32 (DATE)`.
fn describe(column: &ColumnDescriptor) -> String {
    match column.logical_type_ref() {
        Some(logical) => format!("{} ({logical:?})", column.physical_type()),
        None if column.converted_type() != ConvertedType::NONE => {
            format!("{} ({})", column.physical_type(), column.converted_type())
        }
        None => column.physical_type().to_string(),
    }
}

/// The error for a column whose physical type has no reader here (BOOLEAN, INT96).
fn unreadable_column(name: &str, column: Column) -> Diag {
    Diag::error("data-file", format!("`{name}` has a column of {} this reader cannot read", column.physical))
}

/// The help line for a facts table's schema.
fn layout_help() -> String {
    "a Parquet facts table has the columns `entity, metric, period, value` and optionally \
     `scenario, unit, source, given`"
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_digits_are_big_endian_twos_complement() {
        assert_eq!(unscaled(&[0x04, 0xE2]), Some(1250));
        assert_eq!(unscaled(&[0xFB, 0x1E]), Some(-1250));
        assert_eq!(unscaled(&[0xFF; 16]), Some(-1));
        assert_eq!(unscaled(&[0; 17]), None);
        assert_eq!(unscaled(&[]), None);
    }
}
