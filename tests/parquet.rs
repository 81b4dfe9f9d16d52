//! Parquet long facts tables (`--features parquet`): files written here with parquet's own writer,
//! read through the loader for the exact facts and places, and through the real binary for what a
//! user sees; and the same facts as a long CSV and as Parquet give the same report.

#![cfg(feature = "parquet")]

mod common;

use std::path::Path;
use std::sync::Arc;

use common::{all_facts, fact_lines, load_data, load_errors, render, tickmark};
use parquet::basic::{Compression, GzipLevel, ZstdLevel};
use parquet::column::writer::ColumnWriter;
use parquet::data_type::{ByteArray, FixedLenByteArray};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;

/// A column's cells, `None` for a null.
enum Data {
    Text(Vec<Option<&'static str>>),
    Int32(Vec<Option<i32>>),
    Int64(Vec<Option<i64>>),
    Fixed(Vec<Option<Vec<u8>>>),
    Bytes(Vec<Option<Vec<u8>>>),
    Double(Vec<Option<f64>>),
}

impl Data {
    fn len(&self) -> usize {
        match self {
            Data::Text(v) => v.len(),
            Data::Int32(v) => v.len(),
            Data::Int64(v) => v.len(),
            Data::Fixed(v) | Data::Bytes(v) => v.len(),
            Data::Double(v) => v.len(),
        }
    }
}

/// A column: its declaration in the schema (`optional binary entity (STRING)`) and its cells.
struct Column(&'static str, Data);

/// A text column of that name, every cell given.
fn text(name: &'static str, cells: &[&'static str]) -> Column {
    let declaration = Box::leak(format!("required binary {name} (STRING)").into_boxed_str());
    Column(declaration, Data::Text(cells.iter().map(|&c| Some(c)).collect()))
}

/// The key columns of rows `AMZN, <metric>, 2025Q4`.
fn keys(metrics: &[&'static str]) -> Vec<Column> {
    let n = metrics.len();
    vec![text("entity", &vec!["AMZN"; n]), text("metric", metrics), text("period", &vec!["2025Q4"; n])]
}

/// Writes a Parquet file of `columns` at `path`, `group` rows a row group, compressed with `codec`.
fn write_parquet(path: &Path, columns: &[Column], group: usize, codec: Compression) {
    let fields: Vec<&str> = columns.iter().map(|c| c.0).collect();
    let schema = Arc::new(parse_message_type(&format!("message facts {{ {}; }}", fields.join("; "))).unwrap());
    let properties = Arc::new(WriterProperties::builder().set_compression(codec).build());
    let mut writer = SerializedFileWriter::new(std::fs::File::create(path).unwrap(), schema, properties).unwrap();
    let rows = columns[0].1.len();
    for start in (0..rows).step_by(group) {
        let end = (start + group).min(rows);
        let mut row_group = writer.next_row_group().unwrap();
        for column in columns {
            let mut out = row_group.next_column().unwrap().unwrap();
            let optional = column.0.starts_with("optional");
            write_cells(out.untyped(), &column.1, start..end, optional);
            out.close().unwrap();
        }
        row_group.close().unwrap();
    }
    writer.close().unwrap();
}

/// Writes the cells `range` of a column: its values and, if it is optional, its definition levels.
fn write_cells(writer: &mut ColumnWriter<'_>, data: &Data, range: std::ops::Range<usize>, optional: bool) {
    fn split<T: Clone>(cells: &[Option<T>]) -> (Vec<T>, Vec<i16>) {
        (cells.iter().flatten().cloned().collect(), cells.iter().map(|c| i16::from(c.is_some())).collect())
    }
    macro_rules! put {
        ($w:expr, $cells:expr, $map:expr) => {{
            let (values, defs) = split(&$cells[range.clone()]);
            let values: Vec<_> = values.into_iter().map($map).collect();
            $w.write_batch(&values, optional.then_some(&defs[..]), None).unwrap();
        }};
    }
    match (writer, data) {
        (ColumnWriter::ByteArrayColumnWriter(w), Data::Text(cells)) => put!(w, cells, ByteArray::from),
        (ColumnWriter::ByteArrayColumnWriter(w), Data::Bytes(cells)) => put!(w, cells, ByteArray::from),
        (ColumnWriter::FixedLenByteArrayColumnWriter(w), Data::Fixed(cells)) => {
            put!(w, cells, |b: Vec<u8>| FixedLenByteArray::from(ByteArray::from(b)))
        }
        (ColumnWriter::Int32ColumnWriter(w), Data::Int32(cells)) => put!(w, cells, |n| n),
        (ColumnWriter::Int64ColumnWriter(w), Data::Int64(cells)) => put!(w, cells, |n| n),
        (ColumnWriter::DoubleColumnWriter(w), Data::Double(cells)) => put!(w, cells, |n| n),
        _ => panic!("a column's cells do not match its declaration"),
    }
}

/// The half-width of a fact's figure: how precisely it was written.
fn margin(path: &Path, metric: &str) -> String {
    let (sources, loaded) = load_data(&[path.to_owned()]);
    let sheets = loaded.unwrap_or_else(|diags| panic!("does not load:\n{}", render(&diags, &sources)));
    let (.., fact) = all_facts(&sheets).into_iter().find(|(_, _, m, ..)| m == metric).unwrap();
    let num = fact.value.figure().unwrap().unwrap();
    format!("{}..{}", num.lo, num.hi)
}

#[test]
fn decimals_read_exactly_at_their_scale_whatever_their_physical_type() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("facts.parquet");
    let mut columns = keys(&["a", "b", "c", "d", "e"]);
    columns.push(Column(
        "required int64 value (DECIMAL(18, 2))",
        Data::Int64(vec![Some(1250), Some(-623), Some(7006600), Some(0), Some(1)]),
    ));
    columns.push(text("unit", &["USD m", "USD m", "USD m", "%", "%"]));
    write_parquet(&path, &columns, 1024, Compression::SNAPPY);
    let (read, missing) = fact_lines(&path, ".parquet: ");
    assert_eq!(
        read,
        [
            "AMZN actual a 2025Q4 = 12.50 USD m at row group 0, row 0, column `value`",
            "AMZN actual b 2025Q4 = -6.23 USD m at row group 0, row 1, column `value`",
            "AMZN actual c 2025Q4 = 70066.00 USD m at row group 0, row 2, column `value`",
            "AMZN actual d 2025Q4 = 0.00 % at row group 0, row 3, column `value`",
            "AMZN actual e 2025Q4 = 0.01 % at row group 0, row 4, column `value`",
        ]
    );
    assert!(missing.is_empty());
    // The scale is the written precision: 12.50 USD m is known to ±0.005 USD m (in dollars).
    assert_eq!(margin(&path, "a"), "12495000..12505000");

    for (declaration, data, expect) in [
        ("required int32 value (DECIMAL(9, 1))", Data::Int32(vec![Some(2134)]), "213.4"),
        ("required int32 value (DECIMAL(9, 0))", Data::Int32(vec![Some(-5)]), "-5"),
        // 16 bytes, big-endian two's complement: -1234.5678
        (
            "required fixed_len_byte_array(16) value (DECIMAL(38, 4))",
            Data::Fixed(vec![Some((-12345678i128).to_be_bytes().to_vec())]),
            "-1234.5678",
        ),
        ("required binary value (DECIMAL(20, 3))", Data::Bytes(vec![Some(vec![0x01, 0xE2, 0x40])]), "123.456"),
        ("required int64 value", Data::Int64(vec![Some(70066)]), "70066"),
        ("required int32 value (INTEGER(16, true))", Data::Int32(vec![Some(-7)]), "-7"),
    ] {
        let mut columns = keys(&["revenue"]);
        columns.push(Column(declaration, data));
        write_parquet(&path, &columns, 1024, Compression::UNCOMPRESSED);
        let (read, _) = fact_lines(&path, ".parquet: ");
        assert_eq!(read, [format!("AMZN actual revenue 2025Q4 = {expect} at row group 0, row 0, column `value`")]);
    }
    // A whole number is known to ±0.5.
    assert_eq!(margin(&path, "revenue"), "-7.5..-6.5");
}

#[test]
fn text_values_read_as_csv_cells_are() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("facts.parquet");
    let mut columns = keys(&["a", "b", "c", "d", "e", "f", "g", "h"]);
    columns
        .push(text("value", &["70,066", "(623)", "\u{2212}0.1%", "$1.2bn", "173.5..178.5", "213.4 USD bn", "n/a", ""]));
    columns.push(text("unit", &["USD m", "USD m", "", "", "USD bn", "", "USD m", "USD m"]));
    write_parquet(&path, &columns, 1024, Compression::GZIP(GzipLevel::default()));
    let (read, missing) = fact_lines(&path, ".parquet: ");
    assert_eq!(
        read,
        [
            "AMZN actual a 2025Q4 = 70066 USD m at row group 0, row 0, column `value`",
            "AMZN actual b 2025Q4 = -623 USD m at row group 0, row 1, column `value`",
            "AMZN actual c 2025Q4 = -0.1 % at row group 0, row 2, column `value`",
            "AMZN actual d 2025Q4 = 1.2 USD bn at row group 0, row 3, column `value`",
            "AMZN actual e 2025Q4 = 173.5 USD bn..178.5 USD bn at row group 0, row 4, column `value`",
            "AMZN actual f 2025Q4 = 213.4 USD bn at row group 0, row 5, column `value`",
        ]
    );
    assert_eq!(missing, ["row group 0, row 6, column `value`"]);
}

#[test]
fn a_decimal_comma_in_a_text_value_is_an_error_spelling_out_its_reading() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("facts.parquet");
    let mut columns = keys(&["revenue"]);
    columns.push(text("value", &["1,5"]));
    write_parquet(&path, &columns, 1024, Compression::SNAPPY);
    let shown = load_errors(&path);
    assert!(
        shown.contains(
            "`1,5` is not a number: its comma does not separate thousands (as a decimal comma, `1,5` is 1.5)"
        ),
        "{shown}"
    );
    assert!(shown.contains("facts.parquet: row group 0, row 0, column `value`"), "{shown}");
}

#[test]
fn a_float_value_column_is_refused_naming_the_column_and_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("facts.parquet");
    let mut columns = keys(&["revenue"]);
    columns.push(Column("required double value", Data::Double(vec![Some(213.4)])));
    write_parquet(&path, &columns, 1024, Compression::SNAPPY);
    let shown = load_errors(&path);
    assert!(shown.contains("the column `value` holds DOUBLE values in `"), "{shown}");
    assert!(shown.contains("facts.parquet: column `value`"), "{shown}");
    assert!(shown.contains("its precision is unknown: write the values as DECIMAL"), "{shown}");
    // Through the binary: exit 2, the error on stderr.
    std::fs::write(dir.path().join("rules.tick"), "rule revenue_positive \"Revenue is positive\":\n  revenue > 0\n")
        .unwrap();
    let (stdout, stderr, code) = tickmark(&["check", "rules.tick", "--data", "facts.parquet"], dir.path());
    assert_eq!((code, stdout.as_str()), (2, ""), "{stderr}");
    assert!(stderr.contains("holds DOUBLE values"), "{stderr}");
}

#[test]
fn a_null_value_is_a_missing_figure_and_a_null_key_an_error_at_its_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("facts.parquet");
    let mut columns = keys(&["revenue", "capex"]);
    columns.push(Column("optional int64 value (DECIMAL(18, 1))", Data::Int64(vec![Some(2134), None])));
    write_parquet(&path, &columns, 1024, Compression::SNAPPY);
    let (read, missing) = fact_lines(&path, ".parquet: ");
    assert_eq!(read, ["AMZN actual revenue 2025Q4 = 213.4 at row group 0, row 0, column `value`"]);
    assert_eq!(missing, ["row group 0, row 1, column `value`"]);

    let columns = vec![
        Column("optional binary entity (STRING)", Data::Text(vec![Some("AMZN"), None])),
        text("metric", &["revenue", "capex"]),
        text("period", &["2025Q4", "2025Q4"]),
        Column("required int64 value (DECIMAL(18, 1))", Data::Int64(vec![Some(2134), Some(1)])),
    ];
    write_parquet(&path, &columns, 1024, Compression::SNAPPY);
    let shown = load_errors(&path);
    assert!(shown.contains("the `entity` cell is null"), "{shown}");
    assert!(shown.contains("facts.parquet: row group 0, row 1, column `entity`"), "{shown}");
}

#[test]
fn rows_of_several_row_groups_are_placed_in_their_group() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("facts.parquet");
    let metrics: Vec<&'static str> = (0..25).map(|i| &*Box::leak(format!("m{i:02}").into_boxed_str())).collect();
    let mut columns = keys(&metrics);
    columns.push(Column("required int64 value (DECIMAL(18, 0))", Data::Int64((0..25).map(Some).collect())));
    columns.push(Column(
        "optional binary source (STRING)",
        Data::Text((0..25).map(|i| if i < 12 { Some("Vendor A") } else { Some("Vendor B") }).collect()),
    ));
    write_parquet(&path, &columns, 10, Compression::ZSTD(ZstdLevel::default()));
    let (read, _) = fact_lines(&path, ".parquet: ");
    assert_eq!(read.len(), 25);
    assert_eq!(read[0], "AMZN actual m00 2025Q4 = 0 at row group 0, row 0, column `value`");
    assert_eq!(read[13], "AMZN actual m13 2025Q4 = 13 at row group 1, row 3, column `value`");
    assert_eq!(read[24], "AMZN actual m24 2025Q4 = 24 at row group 2, row 4, column `value`");
    let (_, loaded) = load_data(std::slice::from_ref(&path));
    assert_eq!(loaded.unwrap().sources[0].name.as_deref(), Some("Vendor A; Vendor B"));
}

#[test]
fn scenarios_and_given_dates_as_text_or_date_read_as_in_a_csv() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("facts.parquet");
    let mut columns = keys(&["revenue", "revenue"]);
    columns.push(text("value", &["213.4", "173.5..178.5"]));
    columns.push(Column("optional binary scenario (STRING)", Data::Text(vec![None, Some("guidance")])));
    // 2026-02-05 is day 20489 since 1970-01-01
    columns.push(Column("optional int32 given (DATE)", Data::Int32(vec![None, Some(20489)])));
    write_parquet(&path, &columns, 1024, Compression::SNAPPY);
    let (read, _) = fact_lines(&path, ".parquet: ");
    assert_eq!(
        read,
        [
            "AMZN actual revenue 2025Q4 = 213.4 at row group 0, row 0, column `value`",
            "AMZN guidance revenue 2025Q4 = 173.5..178.5 given 2026-02-05 at row group 0, row 1, column `value`",
        ]
    );
}

#[test]
fn a_bad_schema_says_which_column_and_what_to_write() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("facts.parquet");
    let mut columns = keys(&["revenue"]);
    columns.push(text("valu", &["1"]));
    write_parquet(&path, &columns, 1024, Compression::SNAPPY);
    let shown = load_errors(&path);
    assert!(shown.contains("unknown column `valu` in a Parquet facts table"), "{shown}");
    assert!(shown.contains("did you mean `value`?"), "{shown}");
    assert!(shown.contains("missing the `value` column"), "{shown}");

    let columns = vec![
        text("entity", &["AMZN"]),
        text("metric", &["revenue"]),
        Column("required int32 period", Data::Int32(vec![Some(2025)])),
        text("value", &["1"]),
    ];
    write_parquet(&path, &columns, 1024, Compression::SNAPPY);
    let shown = load_errors(&path);
    assert!(shown.contains("the column `period` holds INT32 values"), "{shown}");
    assert!(shown.contains("the `period` column holds text"), "{shown}");
}

#[test]
fn a_bad_key_or_unit_points_at_its_cell() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("facts.parquet");
    let columns = vec![
        text("entity", &["AMZN", "AMZN"]),
        text("metric", &["revenue", "capex"]),
        text("period", &["2025Q4", "2025Q9"]),
        text("value", &["1", "2"]),
        text("unit", &["USD m", "USD mm m"]),
    ];
    write_parquet(&path, &columns, 1024, Compression::SNAPPY);
    let shown = load_errors(&path);
    assert!(shown.contains("`2025Q9` is not a period"), "{shown}");
    assert!(shown.contains("facts.parquet: row group 0, row 1, column `period`"), "{shown}");
    assert!(shown.contains("unknown unit `USD mm m`"), "{shown}");
    assert!(shown.contains("facts.parquet: row group 0, row 1, column `unit`"), "{shown}");
}

#[test]
fn a_file_that_is_not_parquet_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("facts.parquet");
    std::fs::write(&path, "entity,metric\n").unwrap();
    let shown = load_errors(&path);
    assert!(shown.contains("is not a readable Parquet file"), "{shown}");
}

/// A damaged file (cut short anywhere, or any one byte changed) is read or refused, never a panic: the
/// `parquet` crate trusts a file's footer and pages, so the loader must not pass its panics on.
#[test]
fn a_damaged_file_is_refused_never_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.parquet");
    let mut columns = keys(&["a", "b", "c"]);
    columns.push(Column("required int64 value (DECIMAL(18, 2))", Data::Int64(vec![Some(1250), Some(-623), Some(1)])));
    columns.push(text("unit", &["USD m", "USD m", "%"]));
    write_parquet(&good, &columns, 2, Compression::SNAPPY);
    let bytes = std::fs::read(&good).unwrap();
    let path = dir.path().join("facts.parquet");
    let mut damaged = Vec::new();
    damaged.extend((0..bytes.len()).map(|n| bytes[..n].to_vec()));
    for i in 0..bytes.len() {
        for flip in [0xFF, 0x80, 0x01] {
            let mut copy = bytes.clone();
            copy[i] ^= flip;
            damaged.push(copy);
        }
    }
    let mut stopped = None;
    for (k, file) in damaged.iter().enumerate() {
        std::fs::write(&path, file).unwrap();
        let loaded = std::panic::catch_unwind(|| match load_data(std::slice::from_ref(&path)) {
            (sources, Err(diags)) => Some(render(&diags, &sources)),
            (_, Ok(_)) => None,
        });
        let shown = loaded.unwrap_or_else(|_| panic!("damaged file {k} ({} bytes) panics the loader", file.len()));
        if stopped.is_none() && shown.as_deref().is_some_and(|s| s.contains("it is damaged")) {
            stopped = Some(file.clone());
        }
    }
    // Where the `parquet` crate itself stopped, the binary says so, exit 2, and prints no panic.
    let file = stopped.expect("no damaged file stopped the parquet crate: the test no longer reaches its panics");
    std::fs::write(&path, file).unwrap();
    let (stdout, stderr, code) = tickmark(&["sheet", "--data", "facts.parquet"], dir.path());
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(stderr.contains("`facts.parquet` is not a readable Parquet file: it is damaged"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// Rules over the facts of the differential test: a pass or a fail per entity, a rule skipped where
/// a figure is missing, a range.
const RULES: &str = "\
rule margin_above_5pct error \"Operating margin of {operating_income} on {revenue} is above 5 %\":
  operating_income / revenue > 5%

rule net_income_below_revenue warning \"Net income {net_income} is below revenue {revenue}\":
  net_income < revenue

rule revenue_within_guidance info \"Revenue {revenue} within guidance {guidance.revenue}\" at 2025Q4:
  revenue in guidance.revenue
";

/// A row of the differential test: entity, metric, period, scenario, value in hundredths (`None`:
/// missing), unit.
type Row = (&'static str, &'static str, &'static str, &'static str, Option<i64>, &'static str);

/// The differential test's rows.
const ROWS: [Row; 9] = [
    ("AMZN", "revenue", "2025Q3", "actual", Some(18020), "USD bn"),
    ("AMZN", "revenue", "2025Q4", "actual", Some(21340), "USD bn"),
    ("AMZN", "operating_income", "2025Q4", "actual", Some(2120), "USD bn"),
    ("AMZN", "net_income", "2025Q4", "actual", None, "USD bn"),
    ("MSFT", "revenue", "2025Q3", "actual", Some(7767), "USD bn"),
    ("MSFT", "revenue", "2025Q4", "actual", Some(8127), "USD bn"),
    ("MSFT", "operating_income", "2025Q4", "actual", Some(383), "USD bn"),
    ("MSFT", "net_income", "2025Q4", "actual", Some(2770), "USD bn"),
    ("WMT", "operating_income", "2025Q4", "actual", Some(-150), "USD bn"),
];

/// A column of the differential test's rows.
fn column_of(pick: impl Fn(&Row) -> String) -> Vec<&'static str> {
    ROWS.iter().map(|r| &*Box::leak(pick(r).into_boxed_str())).collect()
}

/// The report of `check --format json --verbose` over `data`, normalized ([`normalize`]).
fn report(dir: &Path, data: &str) -> String {
    let (stdout, stderr, code) =
        tickmark(&["check", "rules.tick", "--data", data, "--format", "json", "--verbose"], dir);
    assert!(code == 0 || code == 1, "{data}: exit {code}\n{stderr}");
    normalize(&stdout)
}

/// The same facts as a long CSV and as Parquet give the same `check --format json` report, but for
/// the file's name and the places of its facts: DECIMAL values against the CSV that writes them at
/// their scale, and text values (a range, `n/a`) against the CSV of the same cells.
#[test]
fn the_same_facts_as_csv_and_as_parquet_give_the_same_report() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("rules.tick"), RULES).unwrap();
    let hundredths = |v: Option<i64>| match v {
        Some(n) => format!("{}{}.{:02}", if n < 0 { "-" } else { "" }, n.abs() / 100, n.abs() % 100),
        None => "n/a".to_owned(),
    };
    let mut csv = String::from("entity,metric,period,scenario,value,unit\n");
    for (e, m, p, s, v, u) in ROWS {
        csv.push_str(&format!("{e},{m},{p},{s},{},{u}\n", hundredths(v)));
    }
    std::fs::write(dir.path().join("facts.csv"), &csv).unwrap();
    let keys = || {
        vec![
            text("entity", &column_of(|r| r.0.to_owned())),
            text("metric", &column_of(|r| r.1.to_owned())),
            text("period", &column_of(|r| r.2.to_owned())),
            text("scenario", &column_of(|r| r.3.to_owned())),
            text("unit", &column_of(|r| r.5.to_owned())),
        ]
    };
    let mut columns = keys();
    columns.push(Column("optional int64 value (DECIMAL(18, 2))", Data::Int64(ROWS.iter().map(|r| r.4).collect())));
    write_parquet(&dir.path().join("facts.parquet"), &columns, 4, Compression::SNAPPY);
    let from_csv = report(dir.path(), "facts.csv");
    assert!(from_csv.contains("margin_above_5pct") && from_csv.contains("AMZN"), "{from_csv}");
    assert_eq!(from_csv, report(dir.path(), "facts.parquet"));

    // Text values: the CSV's cells as they are, guidance ranges among them.
    let guidance = "AMZN,revenue,2025Q4,guidance,173.5..178.5,USD bn\nMSFT,revenue,2025Q4,guidance,\"80,000\",USD m\n";
    std::fs::write(dir.path().join("facts.csv"), format!("{csv}{guidance}")).unwrap();
    let mut columns = keys();
    columns.push(text("value", &column_of(|r| hundredths(r.4))));
    let more: [[&'static str; 6]; 2] = [
        ["AMZN", "revenue", "2025Q4", "guidance", "USD bn", "173.5..178.5"],
        ["MSFT", "revenue", "2025Q4", "guidance", "USD m", "80,000"],
    ];
    for (i, column) in columns.iter_mut().enumerate() {
        let Data::Text(cells) = &mut column.1 else { unreachable!() };
        cells.extend(more.iter().map(|row| Some(row[i])));
    }
    write_parquet(&dir.path().join("facts.parquet"), &columns, 4, Compression::SNAPPY);
    let from_csv = report(dir.path(), "facts.csv");
    assert!(from_csv.contains("revenue_within_guidance"), "{from_csv}");
    assert_eq!(from_csv, report(dir.path(), "facts.parquet"));
}

/// A report with the data file's name and the places in it replaced by `DATA` and `AT`.
fn normalize(report: &str) -> String {
    let mut value: serde_json::Value = serde_json::from_str(report).unwrap();
    fn walk(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::String(s) if s.starts_with("facts.") => *s = "DATA".to_owned(),
            serde_json::Value::String(s) => {
                *s = s.replace("facts.csv", "DATA").replace("facts.parquet", "DATA");
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(walk),
            serde_json::Value::Object(map) => {
                // a missing figure's label quotes its cell: `n/a` in the CSV, a null in Parquet
                if map.get("text").and_then(|t| t.as_str()) == Some("missing: no fact") {
                    map.insert("code".to_owned(), serde_json::Value::String("CELL".to_owned()));
                }
                for (key, item) in map.iter_mut() {
                    if matches!(key.as_str(), "line" | "column" | "place" | "start" | "end" | "offset") {
                        *item = serde_json::Value::String("AT".to_owned());
                    } else {
                        walk(item);
                    }
                }
            }
            _ => {}
        }
    }
    walk(&mut value);
    serde_json::to_string_pretty(&value).unwrap()
}
