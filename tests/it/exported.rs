//! CSV cells and headers as spreadsheet programs and finance sites export them (`70,066`, `(623)`,
//! `−0.1`, `$1.2bn`, `n/a`, `Q4 2025`): read through the loader for the exact facts and places, and
//! through the real binary for what a user sees (missing figures listed under `--verbose`).

use crate::common;

use std::path::{Path, PathBuf};

use common::{fact_lines, load_errors, tickmark};

/// Writes `text` at `dir/name` and returns its path.
fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn wide_cells_read_as_exported() {
    let dir = tempfile::tempdir().unwrap();
    let text = "metric,unit,2025Q4\n\
                a_thousands,USD m,\"70,066\"\n\
                b_thousands_decimals,USD m,\"1,234,567.50\"\n\
                c_accounting_negative,USD m,(623)\n\
                d_unicode_minus,%,\u{2212}0.1\n\
                e_dollars_bn,,$1.2bn\n\
                f_euros_m,,€730m\n\
                g_pounds_k,,£3.4k\n\
                h_code_first,,USD 1.2bn\n\
                i_percent,,12.5%\n\
                j_negative_percent,,(12.5%)\n\
                k_scale_of_the_row,USD m,$1.2bn\n";
    let (facts, missing) = fact_lines(&write(dir.path(), "AMZN.csv", text), ".csv:");
    assert_eq!(
        facts,
        [
            "AMZN actual a_thousands 2025Q4 = 70066 USD m at 2:20",
            "AMZN actual b_thousands_decimals 2025Q4 = 1234567.50 USD m at 3:29",
            "AMZN actual c_accounting_negative 2025Q4 = -623 USD m at 4:29",
            "AMZN actual d_unicode_minus 2025Q4 = -0.1 % at 5:19",
            "AMZN actual e_dollars_bn 2025Q4 = 1.2 USD bn at 6:15",
            "AMZN actual f_euros_m 2025Q4 = 730 EUR m at 7:12",
            "AMZN actual g_pounds_k 2025Q4 = 3.4 GBP k at 8:13",
            "AMZN actual h_code_first 2025Q4 = 1.2 USD bn at 9:15",
            "AMZN actual i_percent 2025Q4 = 12.5 % at 10:12",
            "AMZN actual j_negative_percent 2025Q4 = -12.5 % at 11:21",
            "AMZN actual k_scale_of_the_row 2025Q4 = 1.2 USD bn at 12:26",
        ]
    );
    assert!(missing.is_empty());
}

#[test]
fn missing_markers_give_no_fact_and_are_counted() {
    let dir = tempfile::tempdir().unwrap();
    let text = "metric,unit,2025Q3,2025Q4\nrevenue,USD m,n/a,70066\nnet_income,USD m,—,NA\ncapex,USD m,-,–\n";
    let (facts, missing) = fact_lines(&write(dir.path(), "AMZN.csv", text), ".csv:");
    assert_eq!(facts, ["AMZN actual revenue 2025Q4 = 70066 USD m at 2:19"]);
    assert_eq!(missing, ["2:15", "3:18", "3:20", "4:13", "4:15"]);
}

#[test]
fn a_streamed_long_file_reads_exported_cells_as_the_whole_file_reader_does() {
    let dir = tempfile::tempdir().unwrap();
    let text = "entity,metric,period,value,unit\n\
                AMZN,revenue,2025Q4,\"70,066\",USD m\n\
                AMZN,net_income,2025Q4,(623),USD m\n\
                AMZN,capex,2025Q4,n/a,USD m\n\
                AMZN,margin,2025Q4,\u{2212}0.1%,\n";
    let (read, missing) = fact_lines(&write(dir.path(), "long.csv", text), ".csv:");
    assert_eq!(
        read,
        [
            "AMZN actual margin 2025Q4 = -0.1 % at 5:20",
            "AMZN actual net_income 2025Q4 = -623 USD m at 3:24",
            "AMZN actual revenue 2025Q4 = 70066 USD m at 2:22",
        ]
    );
    assert_eq!(missing, ["4:19"]);
    // The same cells in a file the stream stops at (a source name over two lines) read the same, whole.
    let whole =
        text.replace(",unit\n", ",unit,source\n").replace("USD m\n", "USD m,\n").replace("%,\n", "%,,\"a\nb\"\n");
    let (read_whole, missing_whole) = fact_lines(&write(dir.path(), "long2.csv", &whole), ".csv:");
    assert_eq!((read_whole.len(), missing_whole), (3, vec!["4:19".to_owned()]));
}

#[test]
fn verbose_lists_the_missing_figures_with_their_places() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "AMZN.csv", "metric,unit,2025Q3,2025Q4\nrevenue,USD m,n/a,70066\n");
    write(dir.path(), "rules.tick", "rule growth \"growth\" at 2025Q4:\n  revenue > revenue[-1q]\n");
    let (stdout, stderr, code) = tickmark(&["check", "rules.tick", "--data", "AMZN.csv", "--verbose"], dir.path());
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("`AMZN.csv` marks 1 figure as missing"), "{stdout}");
    assert!(stdout.contains("AMZN.csv:2:15"), "{stdout}");
    assert!(stdout.contains("never given a zero"), "{stdout}");
    assert!(stdout.contains("1 skipped"), "a check reading the missing figure is skipped: {stdout}");
    let (quiet, _, _) = tickmark(&["check", "rules.tick", "--data", "AMZN.csv"], dir.path());
    assert!(!quiet.contains("missing"), "listed under --verbose only: {quiet}");
}

#[test]
fn wide_headers_read_the_periods_spreadsheets_write() {
    let dir = tempfile::tempdir().unwrap();
    let text =
        "metric,Q4 2025,Q3'25,2Q25,2025-Q1,FY24,FY 2023,guidance Q1 2026,consensus FY26\nrevenue,1,2,3,4,5,6,7,8\n";
    let (facts, _) = fact_lines(&write(dir.path(), "AMZN.csv", text), ".csv:");
    let periods: Vec<&str> = facts.iter().map(|f| f.split(" = ").next().unwrap()).collect();
    assert_eq!(
        periods,
        [
            "AMZN actual revenue 2025Q1",
            "AMZN actual revenue 2025Q2",
            "AMZN actual revenue 2025Q3",
            "AMZN actual revenue 2025Q4",
            "AMZN actual revenue FY2023",
            "AMZN actual revenue FY2024",
            "AMZN consensus revenue FY2026",
            "AMZN guidance revenue 2026Q1",
        ]
    );
}

#[test]
fn a_header_that_is_neither_a_period_nor_a_column_says_what_was_meant() {
    let dir = tempfile::tempdir().unwrap();
    let stderr = load_errors(&write(dir.path(), "AMZN.csv", "metric,Q4 2025,unti\nrevenue,1,\n"));
    assert!(stderr.contains("`unti` is neither a period nor a column of a wide CSV"), "{stderr}");
    assert!(stderr.contains("did you mean `unit`?"), "{stderr}");
    let stderr = load_errors(&write(dir.path(), "B.csv", "metric,Q4 2025,Q5 2025\nrevenue,1,2\n"));
    assert!(stderr.contains("`Q5 2025` is not a period"), "{stderr}");
    assert!(stderr.contains("quarters run from Q1 to Q4"), "{stderr}");
    assert!(stderr.contains("`Q4'25`"), "the help names the forms a header may take: {stderr}");
}

#[test]
fn ambiguous_cells_are_errors_spelling_out_the_reading() {
    let dir = tempfile::tempdir().unwrap();
    let stderr = load_errors(&write(dir.path(), "AMZN.csv", "metric,2025Q4,2025Q3\nrevenue,\"1,5\",\"1,23,456\"\n"));
    assert!(
        stderr.contains(
            "`1,5` is not a number: its comma does not separate thousands (as a decimal comma, `1,5` is 1.5)"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("`1,23,456` is not a number"), "{stderr}");
    assert!(stderr.contains("AMZN.csv:2:10"), "{stderr}");
    let stderr = load_errors(&write(dir.path(), "B.csv", "metric,unit,2025Q4\ncapex,USD m,€730m\n"));
    assert!(stderr.contains("the cell says `EUR m`, but its row's unit is `USD m`"), "{stderr}");
}

#[test]
fn toml_stays_strict() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "AMZN.toml", "entity = \"AMZN\"\n[actual.2025Q4]\nrevenue = \"70,066\"\n");
    let stderr = load_errors(&path);
    assert!(stderr.contains("`70,066` is not a number"), "{stderr}");
}

/// The facts `tickmark sheet --format json` shows in `dir`, run with `args`: `metric = value unit`,
/// sorted; or the run's stderr where it fails.
fn sheet(dir: &Path, args: &[&str]) -> Result<Vec<String>, String> {
    let mut all = vec!["sheet", "--format", "json"];
    all.extend_from_slice(args);
    let (stdout, stderr, code) = tickmark(&all, dir);
    if code != 0 {
        return Err(stderr);
    }
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let mut lines: Vec<String> = report["facts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let unit = f["unit"].as_str().map_or(String::new(), |u| format!(" {u}"));
            format!("{} = {}{unit}", f["metric"].as_str().unwrap(), f["value"].as_str().unwrap())
        })
        .collect();
    lines.sort();
    Ok(lines)
}

/// A rule repository of one CSV file in `locale`, its cells one a metric.
fn repository(locale: &str, cells: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "tickmark.toml", &format!("rules = []\ndata = [\"AMZN.csv\"]\nlocale = \"{locale}\"\n"));
    let rows: String = cells.iter().map(|(metric, cell)| format!("{metric},\"{cell}\"\n")).collect();
    write(dir.path(), "AMZN.csv", &format!("metric,2025Q4\n{rows}"));
    dir
}

/// A locale, cells of its CSV file (metric and cell) and the facts they read as.
type Case = (&'static str, &'static [(&'static str, &'static str)], &'static [&'static str]);

#[test]
fn a_declared_locale_reads_its_decimal_mark_and_separators() {
    let cases: [Case; 5] = [
        (
            "de-DE",
            &[("a", "1.234,5"), ("b", "1,234"), ("c", "(1.234)"), ("d", "12,5%"), ("e", "€1,2m"), ("f", "70066")],
            // `1,234` under a decimal comma is 1.234, written to three decimals
            &["a = 1234.5", "b = 1.234", "c = -1234", "d = 12.5 %", "e = 1.2 EUR m", "f = 70066"],
        ),
        ("it-IT", &[("a", "1.234.567,50")], &["a = 1234567.50"]),
        (
            "fr-FR",
            &[("a", "1 234,5"), ("b", "1\u{A0}234"), ("c", "1\u{202F}234,50 USD m"), ("d", "0,25")],
            &["a = 1234.5", "b = 1234", "c = 1234.50 USD m", "d = 0.25"],
        ),
        ("de-CH", &[("a", "1'234.5"), ("b", "1\u{2019}234"), ("c", "213.4")], &["a = 1234.5", "b = 1234", "c = 213.4"]),
        ("en-GB", &[("a", "1,234.5"), ("b", "213.4")], &["a = 1234.5", "b = 213.4"]),
    ];
    for (locale, cells, expect) in cases {
        let dir = repository(locale, cells);
        assert_eq!(sheet(dir.path(), &[]).unwrap_or_else(|e| panic!("{locale}: {e}")), expect, "{locale}");
    }
}

#[test]
fn the_locale_flag_wins_over_the_configured_one_and_a_long_file_streams_in_it() {
    let dir = repository("fr-FR", &[("a", "1.234,5")]);
    let stderr = sheet(dir.path(), &[]).unwrap_err();
    assert!(stderr.contains("`1.234,5` is not a number in fr-FR: a point is no mark of fr-FR"), "{stderr}");
    assert_eq!(sheet(dir.path(), &["--locale", "de-DE"]).unwrap(), ["a = 1234.5"]);
    // A long file is streamed; a plain `213.4` there is read in the locale too, not as written.
    write(dir.path(), "AMZN.csv", "entity,metric,period,value\nAMZN,a,2025Q4,\"1.234,5\"\nAMZN,b,2025Q4,70066\n");
    assert_eq!(sheet(dir.path(), &["--locale", "de-DE"]).unwrap(), ["a = 1234.5", "b = 70066"]);
    write(dir.path(), "AMZN.csv", "entity,metric,period,value\nAMZN,a,2025Q4,213.4\n");
    let stderr = sheet(dir.path(), &["--locale", "de-DE"]).unwrap_err();
    assert!(
        stderr.contains(
            "`213.4` is not a number in de-DE: its point does not separate thousands (as a decimal point, `213.4` is \
             213.4)"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("AMZN.csv:2:15"), "{stderr}");
}

#[test]
fn a_cell_that_reads_two_ways_in_the_declared_locale_is_an_error_with_both_readings() {
    let dir = repository("de-CH", &[("a", "1,234")]);
    let stderr = sheet(dir.path(), &[]).unwrap_err();
    assert!(
        stderr.contains(
            "`1,234` is not a number in de-CH: a comma is no mark of de-CH (as thousands separators, `1,234` is 1234; \
             as a decimal comma, 1.234)"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "in de-CH an apostrophe separates thousands in groups of three and a point marks the decimals (`1'234.5`)"
        ),
        "{stderr}"
    );
}

#[test]
fn toml_numbers_are_their_own_literals_whatever_the_locale() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "tickmark.toml", "rules = []\ndata = [\"AMZN.toml\"]\nlocale = \"de-DE\"\n");
    write(dir.path(), "AMZN.toml", "entity = \"AMZN\"\n[actual.2025Q4]\nrevenue = 1.234\nmargin = \"12.5%\"\n");
    assert_eq!(sheet(dir.path(), &[]).unwrap(), ["margin = 12.5 %", "revenue = 1.234"]);
}

#[test]
fn an_unknown_locale_is_an_error_at_its_value_with_the_nearest_known() {
    let dir = repository("de-DR", &[("a", "1")]);
    let stderr = sheet(dir.path(), &[]).unwrap_err();
    assert!(stderr.contains("unknown locale `de-DR`"), "{stderr}");
    assert!(stderr.contains("did you mean `de-DE`?"), "{stderr}");
    assert!(stderr.contains("[tickmark.toml:3:10]"), "{stderr}");
    let dir = repository("de-DE", &[("a", "1")]);
    let stderr = sheet(dir.path(), &["--locale", "klingon"]).unwrap_err();
    assert!(stderr.contains("unknown locale `klingon`"), "{stderr}");
    assert!(stderr.contains("a locale is one of `en-US`"), "{stderr}");
}
