//! Hostile text never reaches a terminal or a log raw (issue 12, item 5): control characters (ESC
//! and the sequences it starts, OSC 52 that writes the clipboard, BEL, NUL), DEL, C1 controls and
//! bidirectional controls, put into data files by a TOML or JSON escape, a workbook's `_x001B_`, an
//! SEC filing's fields, or raw into a rule's title, are printed escaped (`\u{1b}`) by every command
//! and every `--format`.

use crate::common;

use std::path::Path;

use common::{settings, tickmark};

/// What an attacker writes: an OSC 52 clipboard write, a screen clear, a colour, BEL, NUL, DEL, a C1
/// control, a right-to-left override, a line separator and two invisible direction marks, as JSON and
/// TOML escapes.
const HOSTILE: &str = r"\u001b]52;c;aGk=\u0007\u001b[2J\u001b[31m\u0000\u007f\u0085\u202e\u2028\u200f\u061c";

/// Every format of `check`.
const FORMATS: [&str; 8] = ["human", "json", "sarif", "junit", "github", "html", "csv", "jsonl"];

/// The first character of `text` that must not be printed raw, with its offset: a control character
/// other than the line feeds and tabs that lay text out, DEL, a C1 control, a bidirectional control or
/// mark, a line or paragraph separator.
fn hostile(text: &str) -> Option<(usize, char)> {
    text.char_indices().find(|&(_, c)| {
        (c.is_control() && c != '\n' && c != '\t') || matches!(
            c,
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{61c}' | '\u{2028}' | '\u{2029}'
        )
    })
}

/// Runs `tickmark ARGS` in `dir` and asserts that nothing hostile is on stdout or stderr; returns the
/// output.
fn clean(dir: &Path, args: &[&str]) -> (String, String, i32) {
    let out = tickmark(args, dir);
    for (stream, text) in [("stdout", &out.0), ("stderr", &out.1)] {
        if let Some((at, c)) = hostile(text) {
            panic!("`tickmark {}`: {stream} holds {c:?} at byte {at}:\n{text}", args.join(" "));
        }
    }
    out
}

/// A folder holding `files`.
fn folder(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    dir
}

/// Runs `check` in every format, and `explain`, `eval` and `sheet`, each asserted [`clean`].
fn every_command(dir: &Path, rules: &str, data: &[&str]) {
    for format in FORMATS {
        let args = [&["check", rules, "--format", format, "--data"][..], data].concat();
        clean(dir, &args);
    }
    clean(dir, &[&["explain", "r", rules, "--data"][..], data].concat());
    clean(dir, &[&["explain", "r", rules, "--format", "json", "--data"][..], data].concat());
    clean(dir, &[&["eval", "revenue", rules, "--data"][..], data].concat());
    clean(dir, &[&["sheet", "--data"][..], data].concat());
    clean(dir, &[&["sheet", "--format", "json", "--data"][..], data].concat());
}

/// A rule that fails on the data below, so that reports show where each figure came from.
const RULE: &[u8] = b"rule r \"Revenue is large\": revenue > 1000 USD bn\n";

#[test]
fn hostile_names_and_values_in_toml_and_json_are_printed_escaped_everywhere() {
    let source = format!(
        "entity = \"AMZN\"\nunit = \"USD bn\"\nsource = \"vendor {HOSTILE}\"\n[actual.2025Q4]\nrevenue = 213.4\n"
    );
    let key = format!("entity = \"MSFT\"\n[actual.2025Q4]\n\"rev{HOSTILE}enue\" = 1\n");
    let unit = format!("entity = \"GOOG\"\nunit = \"USD{HOSTILE}\"\n[actual.2025Q4]\nrevenue = 1\n");
    let entity = format!("entity = \"GO{HOSTILE}OG\"\n[actual.2025Q4]\nrevenue = 1\n");
    let value = format!("entity = \"META\"\nunit = \"USD bn\"\n[actual.2025Q4]\nrevenue = \"12{HOSTILE}\"\n");
    let json = format!(
        r#"{{"entity": "AMZN", "unit": "USD bn", "source": "feed {HOSTILE}", "actual": {{"2025Q4": {{"revenue": 214.4}}}}}}"#
    );
    let files: [(&str, &[u8]); 8] = [
        ("r.tick", RULE),
        ("source.toml", source.as_bytes()),
        ("key.toml", key.as_bytes()),
        ("unit.toml", unit.as_bytes()),
        ("entity.toml", entity.as_bytes()),
        ("value.toml", value.as_bytes()),
        ("feed.json", json.as_bytes()),
        ("title.tick", "rule r \"Revenue \u{85}\u{202e} is large\": revenue > 1000 USD bn\n".as_bytes()),
    ];
    let dir = folder(&files);
    for data in ["source.toml", "key.toml", "unit.toml", "entity.toml", "value.toml", "feed.json"] {
        every_command(dir.path(), "r.tick", &[data]);
    }
    // Two sources that disagree: a conflict names both.
    every_command(dir.path(), "r.tick", &["source.toml", "feed.json"]);
    every_command(dir.path(), "title.tick", &["source.toml"]);

    // The source's name is shown escaped where a report names it.
    let (stdout, _, _) = clean(dir.path(), &["explain", "r", "r.tick", "--data", "source.toml"]);
    assert!(
        stdout.contains(
            r#""vendor \u{1b}]52;c;aGk=\u{7}\u{1b}[2J\u{1b}[31m\u{0}\u{7f}\u{85}\u{202e}\u{2028}\u{200f}\u{61c}""#
        ),
        "{stdout}"
    );
    // JSON keeps the exact value, every hostile character a JSON escape.
    let (stdout, _, _) = clean(dir.path(), &["check", "r.tick", "--format", "json", "--data", "source.toml"]);
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let shown = report.to_string();
    assert!(shown.contains("vendor \\u001b]52;c;aGk=\\u0007"), "{stdout}");
    assert!(stdout.contains(r"\u007f\u0085\u202e\u2028\u200f\u061c"), "{stdout}");
    settings().bind(|| {
        let (_, stderr, _) = clean(dir.path(), &["check", "r.tick", "--data", "key.toml"]);
        insta::assert_snapshot!("hostile_metric_key", stderr);
    });
}

#[test]
fn a_raw_control_character_in_a_csv_or_a_rule_title_is_refused_and_shown_as_a_picture() {
    let csv = "entity,metric,period,value,source\nAMZN,revenue,2025Q4,213.4,vendor \u{1b}]52;c;aGk=\u{7}\n";
    let title = "rule r \"Revenue \u{1b}[2J\u{7} is large\": revenue > 1000 USD bn\n";
    let files: [(&str, &[u8]); 3] = [("r.tick", RULE), ("data.csv", csv.as_bytes()), ("title.tick", title.as_bytes())];
    let dir = folder(&files);
    for format in FORMATS {
        let (_, stderr, code) = clean(dir.path(), &["check", "r.tick", "--format", format, "--data", "data.csv"]);
        assert_eq!(code, 2, "{stderr}");
        let (_, stderr, code) = clean(dir.path(), &["check", "title.tick", "--format", format, "--data", "data.csv"]);
        assert_eq!(code, 2, "{stderr}");
    }
}

#[test]
fn hostile_workbook_cells_and_sec_filings_are_printed_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let cells = [["metric", "unit", "2025Q4", "2025Q3"], ["revenue", "USD bn", "213.4", "\u{1b}]52;c;aGk=\u{7}12"]];
    for (row, values) in cells.iter().enumerate() {
        for (col, value) in values.iter().enumerate() {
            sheet.write_string(row as u32, col as u16, *value).unwrap();
        }
    }
    sheet.write_string(2, 0, "rev\u{1b}[2Jenue").unwrap();
    sheet.write_string(2, 2, "1").unwrap();
    book.save(dir.path().join("AMZN.xlsx")).unwrap();
    std::fs::write(dir.path().join("r.tick"), RULE).unwrap();
    let (_, stderr, code) = clean(dir.path(), &["check", "r.tick", "--data", "AMZN.xlsx"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains(r"\u{1b}]52;c;aGk=\u{7}12"), "{stderr}");
    every_command(dir.path(), "r.tick", &["AMZN.xlsx"]);

    // An SEC companyfacts file whose filings' fields and entity name are hostile.
    let facts = std::fs::read_to_string(common::root().join("tests/fixtures/sec/snowflake.json")).unwrap();
    let facts = facts
        .replace("\"form\":\"10-K\"", &format!("\"form\":\"10-K{HOSTILE}\""))
        .replace("\"accn\":\"0001640147-24", &format!("\"accn\":\"{HOSTILE}0001640147-24"))
        .replace("SNOWFLAKE INC.", &format!("SNOWFLAKE{HOSTILE}"));
    std::fs::write(dir.path().join("snow.json"), facts).unwrap();
    every_command(dir.path(), "r.tick", &["snow.json"]);
}
