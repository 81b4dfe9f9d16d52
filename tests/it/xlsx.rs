//! Excel workbooks as data files (`--data book.xlsx`): the workbooks are written here with
//! `rust_xlsxwriter` into a temporary folder (no binary fixture is kept), then read as a user's would
//! be: through the loader for the exact values and their places, and through the real binary for what
//! a user sees (a failed check naming its cell, a bad cell, a damaged file).

use crate::common;

use std::path::{Path, PathBuf};

use common::{all_facts, load_data, render, settings, tickmark};
use rust_xlsxwriter::{Chart, ChartType, Format, Formula, Workbook};
use tickmark::data::FactValue;
use tickmark::num::display;

/// Writes a workbook at `dir/name`, built by `build`, and returns its path.
fn write_book(dir: &Path, name: &str, build: impl FnOnce(&mut Workbook)) -> PathBuf {
    let mut book = Workbook::new();
    build(&mut book);
    let path = dir.join(name);
    book.save(&path).unwrap();
    path
}

/// The errors of data files that must not load, rendered as a user sees them.
fn errors(paths: &[PathBuf]) -> String {
    let (sources, loaded) = load_data(paths);
    match loaded {
        Ok(_) => panic!("{paths:?} loads, but must not"),
        Err(diags) => render(&diags, &sources),
    }
}

/// Every fact, one a line: `AMZN actual revenue 2025Q4 = 213.4 USD bn at book.xlsx: Sheet1!D2`
/// (the file name without its folder).
fn facts(paths: &[PathBuf]) -> Vec<String> {
    let (sources, loaded) = load_data(paths);
    let sheets = loaded.unwrap_or_else(|diags| panic!("does not load:\n{}", render(&diags, &sources)));
    let mut lines: Vec<String> = all_facts(&sheets)
        .into_iter()
        .map(|(entity, scenario, metric, period, fact)| {
            let at = sources.location(fact.origin.file, fact.origin.span);
            let at = at.rsplit('/').next().unwrap_or(&at).to_owned();
            let value = match &fact.value {
                FactValue::Number(q) => display::quantity(q),
                FactValue::Range(r) => display::range(r),
                FactValue::Approx(a) => display::approx(a),
            };
            format!("{entity} {} {metric} {period} = {value} at {at}", scenario.as_str())
        })
        .collect();
    lines.sort();
    lines
}

/// Runs `tickmark check rules.tick --data DATA` in `dir`, with a rule that reads `revenue`.
fn check(dir: &Path, data: &str) -> (String, String, i32) {
    std::fs::write(dir.join("rules.tick"), "rule revenue_positive error \"revenue\":\n  revenue > 0\n").unwrap();
    tickmark(&["check", "rules.tick", "--data", data], dir)
}

/// The workbook of most tests: a `Sheet1` of Amazon's figures with an `entity` and a `unit` column,
/// numbers, texts, a percentage, a formula with its stored result, and a `Notes` sheet.
fn amazon(book: &mut Workbook) {
    let percent = Format::new().set_num_format("0.0%");
    let sheet = book.add_worksheet();
    for (column, name) in ["entity", "metric", "unit", "2025Q4", "guidance 2026Q1"].into_iter().enumerate() {
        sheet.write_string(0, column as u16, name).unwrap();
    }
    let row = |sheet: &mut rust_xlsxwriter::Worksheet, row: u32, metric: &str, unit: &str| {
        sheet.write_string(row, 0, "AMZN").unwrap();
        sheet.write_string(row, 1, metric).unwrap();
        if !unit.is_empty() {
            sheet.write_string(row, 2, unit).unwrap();
        }
    };
    row(sheet, 1, "revenue", "USD bn");
    sheet.write_number(1, 3, 213.4).unwrap();
    sheet.write_string(1, 4, "173.5..178.5").unwrap();
    row(sheet, 2, "operating_income", "USD bn");
    sheet.write_string(2, 3, "25.0").unwrap();
    sheet.write_number(2, 4, 25.0).unwrap();
    row(sheet, 3, "severance", "USD bn");
    sheet.write_string(3, 3, "730 USD m").unwrap();
    row(sheet, 4, "operating_margin", "");
    sheet.write_number_with_format(4, 3, 0.117, &percent).unwrap();
    sheet.write_string(4, 4, "11%..15%").unwrap();
    row(sheet, 5, "half_revenue", "USD bn");
    sheet.write_formula(5, 3, Formula::new("=D2/2").set_result("106.7")).unwrap();
    // Row 7 left empty: a blank row is no fact and no error.
    row(sheet, 7, "employees", "");
    sheet.write_number(7, 3, 1_578_000.0).unwrap();
    let notes = book.add_worksheet().set_name("Notes").unwrap();
    notes.write_string(0, 0, "Figures from the Q4 2025 release; guidance as given on the call").unwrap();
    notes.write_string(2, 0, "metric").unwrap();
}

#[test]
fn cells_read_as_exactly_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let book = write_book(dir.path(), "book.xlsx", amazon);
    let expected = [
        "AMZN actual employees 2025Q4 = 1578000 at book.xlsx: Sheet1!D8",
        "AMZN actual half_revenue 2025Q4 = 106.7 USD bn at book.xlsx: Sheet1!D6",
        "AMZN actual operating_income 2025Q4 = 25.0 USD bn at book.xlsx: Sheet1!D3",
        "AMZN actual operating_margin 2025Q4 = 11.7 % at book.xlsx: Sheet1!D5",
        "AMZN actual revenue 2025Q4 = 213.4 USD bn at book.xlsx: Sheet1!D2",
        "AMZN actual severance 2025Q4 = 730 USD m at book.xlsx: Sheet1!D4",
        "AMZN guidance operating_income 2026Q1 = 25 USD bn at book.xlsx: Sheet1!E3",
        "AMZN guidance operating_margin 2026Q1 = 11 %..15 % at book.xlsx: Sheet1!E5",
        "AMZN guidance revenue 2026Q1 = 173.5 USD bn..178.5 USD bn at book.xlsx: Sheet1!E2",
    ];
    assert_eq!(facts(&[book]), expected);
}

#[test]
fn precision_comes_from_the_stored_digits_and_text_keeps_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let book = write_book(dir.path(), "book.xlsx", amazon);
    let (_, loaded) = load_data(&[book]);
    let sheets = loaded.unwrap();
    let scale = |metric: &str, scenario: &str| {
        let found = all_facts(&sheets).into_iter().find(|f| f.2 == metric && f.1.as_str() == scenario);
        match found.map(|f| f.4.value) {
            Some(FactValue::Number(q)) => q.value.scale(),
            other => panic!("{metric}: {other:?}"),
        }
    };
    // Text `25.0` is good to ±0.05; the number 25.0 is stored as 25, good to ±0.5.
    assert_eq!(scale("operating_income", "actual"), 1);
    assert_eq!(scale("operating_income", "guidance"), 0);
    assert_eq!(scale("revenue", "actual"), 1);
    // 0.117 shown as `0.0%` reads 11.7 %, not 0.117 of the row's unit.
    assert_eq!(scale("operating_margin", "actual"), 1);
}

#[test]
fn without_an_entity_column_the_stem_is_the_entity() {
    let dir = tempfile::tempdir().unwrap();
    let book = write_book(dir.path(), "MSFT.xlsx", |book| {
        let sheet = book.add_worksheet().set_name("Quarterly figures").unwrap();
        sheet.write_string(0, 1, "Metric").unwrap();
        sheet.write_string(0, 2, "FY2025").unwrap();
        sheet.write_string(1, 1, "revenue").unwrap();
        sheet.write_string(1, 2, "281.7 USD bn").unwrap();
    });
    // The table starts at its leftmost cell (column B here); the header's case does not matter.
    assert_eq!(facts(&[book]), ["MSFT actual revenue FY2025 = 281.7 USD bn at MSFT.xlsx: 'Quarterly figures'!C2"]);
}

#[test]
fn a_failed_check_names_the_cell_its_fact_came_from() {
    let dir = tempfile::tempdir().unwrap();
    write_book(dir.path(), "book.xlsx", amazon);
    let rules = "rule revenue_above_220 error \"Q4 revenue {revenue} is above 220\" at 2025Q4:\n  revenue > 220 USD bn\n\n\
                 rule margin_is_operating_income_over_revenue warning \"margin\" at 2025Q4:\n  \
                 operating_income / revenue ~= operating_margin\n";
    std::fs::write(dir.path().join("rules.tick"), rules).unwrap();
    let (stdout, stderr, code) = tickmark(&["check", "rules.tick", "--data", "book.xlsx"], dir.path());
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.contains("revenue at 2025Q4 = 213.4 USD bn, from book.xlsx: Sheet1!D2"), "{stdout}");
    settings().bind(|| insta::assert_snapshot!("xlsx_failed_check", stdout));
}

#[test]
fn cells_that_hold_no_figure_are_errors_at_their_place() {
    let dir = tempfile::tempdir().unwrap();
    write_book(dir.path(), "bad.xlsx", |book| {
        let date = Format::new().set_num_format("yyyy-mm-dd");
        let sheet = book.add_worksheet().set_name("Q4 figures").unwrap();
        sheet.write_string(0, 0, "metric").unwrap();
        sheet.write_string(0, 1, "2025Q4").unwrap();
        let metrics = ["revenue", "net_income", "profitable", "reported_on", "capex"];
        for (row, metric) in metrics.into_iter().enumerate() {
            sheet.write_string(row as u32 + 1, 0, metric).unwrap();
        }
        sheet.write_string(1, 1, "abc").unwrap();
        sheet.write_formula(2, 1, Formula::new("=1/0").set_result("#DIV/0!")).unwrap();
        sheet.write_boolean(3, 1, true).unwrap();
        sheet.write_number_with_format(4, 1, 46055.0, &date).unwrap();
        sheet.write_number(5, 1, 131.8).unwrap();
    });
    let (stdout, stderr, code) = check(dir.path(), "bad.xlsx");
    assert_eq!((code, stdout.as_str()), (2, ""), "{stderr}");
    for place in ["B2", "B3", "B4", "B5"] {
        assert!(stderr.contains(&format!("at bad.xlsx: 'Q4 figures'!{place}")), "{place}: {stderr}");
    }
    assert!(stderr.contains("expected a number, found `abc`"), "{stderr}");
    assert!(stderr.contains("the cell holds the error #DIV/0!, not a figure"), "{stderr}");
    assert!(stderr.contains("the cell holds the boolean TRUE, not a figure"), "{stderr}");
    assert!(stderr.contains("the cell holds a date or time, not a figure"), "{stderr}");
    assert!(!stderr.contains("B6"), "the good cell is no error: {stderr}");
    settings().bind(|| insta::assert_snapshot!("xlsx_bad_cells", stderr));
}

#[test]
fn a_formula_stored_with_an_empty_text_is_no_fact() {
    // As Excel stores `=IF(A1 > 0, A1, "")` where it gives "": the cell is empty, as a blank one is.
    let dir = tempfile::tempdir().unwrap();
    let book = write_book(dir.path(), "AMZN.xlsx", |book| {
        let sheet = book.add_worksheet();
        sheet.set_formula_result_default("");
        sheet.write_string(0, 0, "metric").unwrap();
        sheet.write_string(0, 1, "2025Q4").unwrap();
        sheet.write_string(0, 2, "2026Q1").unwrap();
        sheet.write_string(1, 0, "revenue").unwrap();
        sheet.write_formula(1, 1, Formula::new("=100+113.4").set_result("213.4")).unwrap();
        sheet.write_formula(1, 2, "=IF(B2 > 300, B2, \"\")").unwrap();
    });
    assert_eq!(facts(&[book]), ["AMZN actual revenue 2025Q4 = 213.4 at AMZN.xlsx: Sheet1!B2"]);
}

#[test]
fn sheets_without_a_metric_header_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let book = write_book(dir.path(), "AMZN.xlsx", |book| {
        let cover = book.add_worksheet().set_name("Cover").unwrap();
        cover.write_string(0, 0, "Amazon, Q4 2025").unwrap();
        let data = book.add_worksheet().set_name("Data").unwrap();
        data.write_string(2, 2, "metric").unwrap();
        data.write_string(2, 3, "2025Q4").unwrap();
        data.write_string(3, 2, "revenue").unwrap();
        data.write_number(3, 3, 213.4).unwrap();
        let long = book.add_worksheet().set_name("Long").unwrap();
        for (column, name) in ["entity", "metric", "period", "value", "source"].into_iter().enumerate() {
            long.write_string(0, column as u16, name).unwrap();
        }
        for (column, cell) in ["AMZN", "net_income", "2025Q4", "21.2", "Q4 release"].into_iter().enumerate() {
            long.write_string(1, column as u16, cell).unwrap();
        }
    });
    assert_eq!(
        facts(std::slice::from_ref(&book)),
        [
            "AMZN actual net_income 2025Q4 = 21.2 at AMZN.xlsx: Long!D2",
            "AMZN actual revenue 2025Q4 = 213.4 at AMZN.xlsx: Data!D4",
        ]
    );
    let (sources, loaded) = load_data(&[book]);
    let sheets = loaded.unwrap();
    let names: Vec<(&str, Option<&str>)> =
        sheets.sources.iter().map(|s| (sources.get(s.file).name.as_str(), s.name.as_deref())).collect();
    assert_eq!(names.len(), 1);
    assert_eq!(names[0].1, Some("Q4 release"), "a long sheet's `source` column names the workbook's source");
}

#[test]
fn a_workbook_without_a_data_sheet_is_an_error_naming_the_sheets() {
    let dir = tempfile::tempdir().unwrap();
    write_book(dir.path(), "notes.xlsx", |book| {
        let notes = book.add_worksheet().set_name("Notes").unwrap();
        notes.write_string(0, 0, "Revenue").unwrap();
        notes.write_string(0, 1, "2025Q4").unwrap();
        notes.write_string(1, 0, "metric").unwrap();
        book.add_worksheet().set_name("Empty").unwrap();
        let mut chart = Chart::new(ChartType::Column);
        chart.add_series().set_values("Notes!$B$2:$B$3");
        book.add_chartsheet().set_name("Chart").unwrap().insert_chart(0, 0, &chart).unwrap();
    });
    let (stdout, stderr, code) = check(dir.path(), "notes.xlsx");
    assert_eq!((code, stdout.as_str()), (2, ""), "{stderr}");
    assert!(stderr.contains("`notes.xlsx` has no data sheet"), "{stderr}");
    assert!(stderr.contains("sheet `Notes`: its first row, row 1, has no `metric` cell (`Revenue`, `2025Q4`)"));
    assert!(stderr.contains("sheet `Empty`: empty"), "{stderr}");
    assert!(stderr.contains("sheet `Chart`: a chart sheet, not a worksheet"), "{stderr}");
    settings().bind(|| insta::assert_snapshot!("xlsx_no_data_sheet", stderr));
}

#[test]
fn a_fact_given_by_two_sheets_is_a_duplicate() {
    let dir = tempfile::tempdir().unwrap();
    let book = write_book(dir.path(), "AMZN.xlsx", |book| {
        for name in ["Q4", "Q4 again"] {
            let sheet = book.add_worksheet().set_name(name).unwrap();
            sheet.write_string(0, 0, "metric").unwrap();
            sheet.write_string(0, 1, "2025Q4").unwrap();
            sheet.write_string(1, 0, "revenue").unwrap();
            sheet.write_number(1, 1, 213.4).unwrap();
        }
    });
    let shown = errors(&[book]);
    assert!(shown.contains("`revenue` of `AMZN` at `2025Q4` is given twice in this file"), "{shown}");
    assert!(shown.contains("/AMZN.xlsx: 'Q4 again'!B2: given again here"), "{shown}");
    assert!(shown.contains("/AMZN.xlsx: 'Q4'!B2: first given here"), "{shown}");
}

#[test]
fn a_header_cell_that_is_no_period_names_its_place_and_the_sheet_layout() {
    let dir = tempfile::tempdir().unwrap();
    let book = write_book(dir.path(), "AMZN.xlsx", |book| {
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "metric").unwrap();
        sheet.write_string(0, 1, "2025Q4").unwrap();
        sheet.write_string(0, 2, "Comment").unwrap();
        sheet.write_string(1, 0, "revenue").unwrap();
        sheet.write_number(1, 1, 213.4).unwrap();
    });
    let shown = errors(&[book]);
    assert!(shown.contains("/AMZN.xlsx: Sheet1!C1: not a period"), "{shown}");
    assert!(shown.contains("a wide sheet has a `metric` column"), "{shown}");
}

#[test]
fn damaged_or_foreign_files_are_errors_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let noise: Vec<u8> = (0..4096)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed as u8
        })
        .collect();
    std::fs::write(dir.path().join("noise.xlsx"), &noise).unwrap();
    std::fs::write(dir.path().join("empty.xlsx"), b"").unwrap();
    std::fs::write(dir.path().join("text.xlsx"), "metric,2025Q4\nrevenue,213.4\n").unwrap();
    let whole = std::fs::read(write_book(dir.path(), "whole.xlsx", amazon)).unwrap();
    for cut in [whole.len() / 2, whole.len() - 30] {
        std::fs::write(dir.path().join(format!("cut{cut}.xlsx")), &whole[..cut]).unwrap();
    }
    let mut names: Vec<String> = ["noise", "empty", "text"].map(|n| format!("{n}.xlsx")).into();
    names.extend([whole.len() / 2, whole.len() - 30].map(|cut| format!("cut{cut}.xlsx")));
    for name in &names {
        let (stdout, stderr, code) = check(dir.path(), name);
        assert_eq!((code, stdout.as_str()), (2, ""), "{name}: {stderr}");
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        assert!(stderr.contains(&format!("`{name}` is not a readable workbook")), "{name}: {stderr}");
    }
}

#[test]
fn a_table_spanning_too_many_cells_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let book = write_book(dir.path(), "wide.xlsx", |book| {
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "metric").unwrap();
        sheet.write_string(0, 16_383, "far off").unwrap();
        for row in 1..100 {
            sheet.write_string(row, 0, format!("metric_{row}")).unwrap();
        }
    });
    let shown = errors(&[book]);
    assert!(
        shown.contains("/wide.xlsx` holds more than 1048576 cells in its data sheets (at sheet `Sheet1`)"),
        "{shown}"
    );
}

/// A workbook `AMZN.xlsx` of one sheet, `metric,unit,2025Q4`: a number a row, each in its number
/// format (`""` for General).
fn formatted(dir: &Path, rows: &[(&str, &str, f64, &str)]) -> PathBuf {
    write_book(dir, "AMZN.xlsx", |book| {
        let sheet = book.add_worksheet();
        for (column, name) in ["metric", "unit", "2025Q4"].into_iter().enumerate() {
            sheet.write_string(0, column as u16, name).unwrap();
        }
        for (row, &(metric, unit, number, format)) in rows.iter().enumerate() {
            let row = row as u32 + 1;
            sheet.write_string(row, 0, metric).unwrap();
            sheet.write_string(row, 1, unit).unwrap();
            match format {
                "" => sheet.write_number(row, 2, number).unwrap(),
                code => sheet.write_number_with_format(row, 2, number, &Format::new().set_num_format(code)).unwrap(),
            };
        }
    })
}

#[test]
fn a_number_reads_with_the_decimals_its_format_shows() {
    let dir = tempfile::tempdir().unwrap();
    let rows = [
        ("a_one_decimal", "USD bn", 32.0, "0.0"),
        ("b_two_decimals", "USD bn", 0.5, "#,##0.00"),
        ("c_units", "USD m", 70066.4, "#,##0"),
        ("d_optional_decimal", "USD bn", 1.5, "0.0#"),
        ("e_general", "USD bn", 25.0, ""),
        ("f_more_stored_than_shown", "USD bn", 213.4449, "0.0"),
    ];
    let book = formatted(dir.path(), &rows);
    assert_eq!(
        facts(&[book]),
        [
            "AMZN actual a_one_decimal 2025Q4 = 32.0 USD bn at AMZN.xlsx: Sheet1!C2",
            "AMZN actual b_two_decimals 2025Q4 = 0.50 USD bn at AMZN.xlsx: Sheet1!C3",
            "AMZN actual c_units 2025Q4 = 70066 USD m at AMZN.xlsx: Sheet1!C4",
            "AMZN actual d_optional_decimal 2025Q4 = 1.5 USD bn at AMZN.xlsx: Sheet1!C5",
            "AMZN actual e_general 2025Q4 = 25 USD bn at AMZN.xlsx: Sheet1!C6",
            "AMZN actual f_more_stored_than_shown 2025Q4 = 213.4 USD bn at AMZN.xlsx: Sheet1!C7",
        ]
    );
}

#[test]
fn a_percentage_format_reads_the_percentage_shown_with_its_decimals() {
    let dir = tempfile::tempdir().unwrap();
    let rows = [
        ("a_whole", "", 0.39, "0%"),
        ("b_one_decimal", "", 0.117, "0.0%"),
        ("c_two_decimals", "", 0.117, "0.00%"),
        ("d_more_stored_than_shown", "", 0.1234, "0.0%"),
    ];
    let book = formatted(dir.path(), &rows);
    assert_eq!(
        facts(&[book]),
        [
            "AMZN actual a_whole 2025Q4 = 39 % at AMZN.xlsx: Sheet1!C2",
            "AMZN actual b_one_decimal 2025Q4 = 11.7 % at AMZN.xlsx: Sheet1!C3",
            "AMZN actual c_two_decimals 2025Q4 = 11.70 % at AMZN.xlsx: Sheet1!C4",
            "AMZN actual d_more_stored_than_shown 2025Q4 = 12.3 % at AMZN.xlsx: Sheet1!C5",
        ]
    );
}

#[test]
fn thousands_scaling_keeps_the_stored_units_to_the_precision_shown() {
    let dir = tempfile::tempdir().unwrap();
    let rows = [("a_millions", "USD", 1_234_567.0, "#,##0,,"), ("b_thousands", "USD", 70_066.0, "#,##0.0,\"k\"")];
    let book = formatted(dir.path(), &rows);
    assert_eq!(
        facts(&[book]),
        [
            "AMZN actual a_millions 2025Q4 = 1000000 ± 500000 USD at AMZN.xlsx: Sheet1!C2",
            "AMZN actual b_thousands 2025Q4 = 70100 ± 50 USD at AMZN.xlsx: Sheet1!C3",
        ]
    );
}

#[test]
fn a_currency_format_gives_its_currency_where_the_row_has_no_unit_and_must_agree_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let rows = [
        ("a_dollars", "", 1.5, "\"$\"#,##0.00"),
        ("b_row_unit_wins_its_scale", "USD bn", 213.4, "$#,##0.0"),
        ("c_euro", "", 730.0, "[$€-407]#,##0"),
        ("d_ambiguous_dollar_is_no_currency", "", 5.0, "[$$-1009]0"),
    ];
    let book = formatted(dir.path(), &rows);
    assert_eq!(
        facts(&[book]),
        [
            "AMZN actual a_dollars 2025Q4 = 1.50 USD at AMZN.xlsx: Sheet1!C2",
            "AMZN actual b_row_unit_wins_its_scale 2025Q4 = 213.4 USD bn at AMZN.xlsx: Sheet1!C3",
            "AMZN actual c_euro 2025Q4 = 730 EUR at AMZN.xlsx: Sheet1!C4",
            "AMZN actual d_ambiguous_dollar_is_no_currency 2025Q4 = 5 at AMZN.xlsx: Sheet1!C5",
        ]
    );
    let other = dir.path().join("other");
    std::fs::create_dir(&other).unwrap();
    let book = formatted(&other, &[("revenue", "EUR m", 213.4, "$#,##0.0")]);
    let stderr = errors(&[book]);
    assert!(stderr.contains("the cell is formatted as USD, but its row's unit is `EUR m`"), "{stderr}");
    assert!(stderr.contains("/AMZN.xlsx: Sheet1!C2: "), "{stderr}");
}

#[test]
fn a_fraction_in_a_general_cell_of_a_percent_row_is_an_error_spelling_out_both_readings() {
    let dir = tempfile::tempdir().unwrap();
    let book = formatted(dir.path(), &[("op_margin", "%", 0.39, ""), ("growth", "%", 12.0, "")]);
    let stderr = errors(&[book]);
    assert!(stderr.contains("`0.39` in a row of `%` may be 0.39 % or, as a fraction, 39 %"), "{stderr}");
    assert!(stderr.contains("/AMZN.xlsx: Sheet1!C2: "), "{stderr}");
    assert!(stderr.contains("format the cell as a percentage (`0%`) if it is 39 %"), "{stderr}");
    assert!(!stderr.contains("Sheet1!C3"), "12 in a row of `%` is 12 %: {stderr}");
    // A format with decimals says the digits are what is meant: 0.39 %.
    let other = dir.path().join("other");
    std::fs::create_dir(&other).unwrap();
    let book = formatted(&other, &[("op_margin", "%", 0.39, "0.00")]);
    assert_eq!(facts(&[book]), ["AMZN actual op_margin 2025Q4 = 0.39 % at AMZN.xlsx: Sheet1!C2"]);
}

#[test]
fn a_bare_fraction_meeting_a_ratio_is_told_to_be_the_percentage_it_stands_for() {
    let dir = tempfile::tempdir().unwrap();
    formatted(dir.path(), &[("op_margin", "", 0.39, "")]);
    std::fs::write(dir.path().join("rules.tick"), "rule margin \"margin\":\n  op_margin ~= 39%\n").unwrap();
    let (_, stderr, code) = tickmark(&["check", "rules.tick", "--data", "AMZN.xlsx"], dir.path());
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("cannot compare a pure number and a ratio"), "{stderr}");
    assert!(stderr.contains("write `39%` in the cell (`0.39` is a fraction"), "{stderr}");
    assert!(!stderr.contains("0.39 %"), "{stderr}");
}

#[test]
fn quarters_formatted_with_a_decimal_are_checked_to_that_decimal() {
    // Typed 32.0 and shown `0.0`, a quarter is good to ±0.05 (it was read as 32, ±0.5): four quarters
    // summing to 129.0 do not make a year of 130.0, as the same figures in TOML do not.
    let dir = tempfile::tempdir().unwrap();
    write_book(dir.path(), "AMZN.xlsx", |book| {
        let one = Format::new().set_num_format("0.0");
        let sheet = book.add_worksheet();
        for (column, name) in ["metric", "2025Q1", "2025Q2", "2025Q3", "2025Q4", "FY2025"].into_iter().enumerate() {
            sheet.write_string(0, column as u16, name).unwrap();
        }
        sheet.write_string(1, 0, "revenue").unwrap();
        for (column, figure) in [32.0, 32.0, 33.0, 32.0, 130.0].into_iter().enumerate() {
            sheet.write_number_with_format(1, column as u16 + 1, figure, &one).unwrap();
        }
    });
    let rule = "rule quarters_add_up error \"quarters\" at years:\n  \
                revenue[Q1] + revenue[Q2] + revenue[Q3] + revenue[Q4] ~= revenue\n";
    std::fs::write(dir.path().join("rules.tick"), rule).unwrap();
    let (stdout, stderr, code) = tickmark(&["check", "rules.tick", "--data", "AMZN.xlsx"], dir.path());
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.contains("rule `quarters_add_up` failed at AMZN FY2025"), "{stdout}");
}

#[test]
fn text_cells_read_as_exported_and_missing_markers_give_no_fact() {
    let dir = tempfile::tempdir().unwrap();
    let book = write_book(dir.path(), "AMZN.xlsx", |book| {
        let sheet = book.add_worksheet();
        for (column, name) in ["metric", "unit", "Q4 2025", "FY25"].into_iter().enumerate() {
            sheet.write_string(0, column as u16, name).unwrap();
        }
        for (row, [metric, unit, q4, fy]) in
            [["revenue", "USD m", "70,066", "n/a"], ["net_income", "USD m", "(623)", "—"]].into_iter().enumerate()
        {
            for (column, text) in [metric, unit, q4, fy].into_iter().enumerate() {
                sheet.write_string(row as u32 + 1, column as u16, text).unwrap();
            }
        }
    });
    assert_eq!(
        facts(std::slice::from_ref(&book)),
        [
            "AMZN actual net_income 2025Q4 = -623 USD m at AMZN.xlsx: Sheet1!C3",
            "AMZN actual revenue 2025Q4 = 70066 USD m at AMZN.xlsx: Sheet1!C2",
        ]
    );
    let (sources, loaded) = load_data(&[book]);
    let sheets = loaded.unwrap();
    let source = &sheets.sources[0];
    let missing: Vec<String> = source.missing.iter().map(|&span| sources.location(source.file, span)).collect();
    let at = |place: &str| format!("{}: Sheet1!{place}", sources.get(source.file).name);
    assert_eq!(missing, [at("D2"), at("D3")]);
}
