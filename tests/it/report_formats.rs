//! The tabular reports of `check` (issue 17): `--format csv` (docs/report-csv.md) and `--format
//! jsonl` (docs/report-json.md, "JSON Lines"): one row or line per check, only checks on stdout, the
//! conflicts, warnings and summary on stderr, and the exit codes of the JSON report.

use crate::common;

use std::path::Path;

use common::{root, tickmark};

/// Rules that fail (one with a title of commas and quotes), err, skip, fail a range and fail over
/// several lines of condition.
const RULES: &str = r#"rule r "Revenue, \"net\" of returns {revenue}": revenue > 1000 USD bn
rule z: revenue / (capex - 3 USD bn) > 1%
rule s: capex[-1q] > 1 USD bn
rule g warning: revenue in 200 USD bn..210 USD bn
rule t info:
  revenue
    < 1 USD bn
rule p: revenue > 1 USD bn
"#;

const DATA: &str = "entity = \"AMZN\"\nunit = \"USD bn\"\n[actual.2025Q4]\nrevenue = 213.4\ncapex = 3\n";

/// A folder holding the rules and data above.
fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("r.tick"), RULES).unwrap();
    std::fs::write(dir.path().join("d.toml"), DATA).unwrap();
    dir
}

/// The records of a CSV report, its header first, every record asserted to have the header's width.
fn records(text: &str) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(text.as_bytes());
    let rows: Vec<Vec<String>> =
        reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect::<Vec<_>>();
    assert!(rows.iter().all(|r| r.len() == rows[0].len()), "{text}");
    rows
}

/// The checks of the JSON report of the same run.
fn json_checks(dir: &Path, args: &[&str]) -> Vec<serde_json::Value> {
    let (stdout, _, _) = tickmark(&[args, &["--format", "json"]].concat(), dir);
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    report["checks"].as_array().unwrap().clone()
}

#[test]
fn csv_has_a_stable_header_and_a_row_per_check_with_both_sides_exact() {
    let dir = folder();
    let (stdout, stderr, code) = tickmark(&["check", "r.tick", "--data", "d.toml", "--format", "csv"], dir.path());
    assert_eq!(code, 1, "{stderr}");
    let rows = records(&stdout);
    let header = "rule,severity,entity,period,status,borderline,left,left_lo,left_hi,right,right_lo,right_hi,unit,message,detail";
    assert_eq!(rows[0].join(","), header);
    assert_eq!(stdout.lines().count(), rows.len(), "one line per row:\n{stdout}");
    let row =
        |rule: &str| rows.iter().find(|r| r[0] == rule).unwrap_or_else(|| panic!("no row {rule}:\n{stdout}")).clone();
    assert_eq!(
        row("r"),
        [
            "r",
            "error",
            "AMZN",
            "2025Q4",
            "fail",
            "false",
            "213400000000",
            "213350000000",
            "213450000000",
            "1000000000000",
            "1000000000000",
            "1000000000000",
            "USD bn",
            "Revenue, \"net\" of returns 213.4 USD bn",
            ""
        ]
    );
    assert!(stdout.contains(r#","Revenue, ""net"" of returns 213.4 USD bn","#), "RFC 4180 quoting:\n{stdout}");
    // a range: its point empty, its bounds the range's ends
    assert_eq!(
        row("g")[4..13],
        ["fail", "false", "213400000000", "213350000000", "213450000000", "", "200000000000", "210000000000", "USD bn"]
    );
    assert_eq!(row("z")[4], "error");
    assert_eq!(row("z")[14], "division by zero");
    assert_eq!(row("s")[4], "skip");
    assert_eq!(row("s")[14], "`capex` has no value at 2025Q3");
    // a condition over several lines is one line of message
    assert_eq!(row("t")[13], "revenue < 1 USD bn");
    assert_eq!(row("p")[4..], ["pass", "false", "", "", "", "", "", "", "", "revenue > 1 USD bn", ""]);
    // the rows are the JSON report's checks, in its order
    let json = json_checks(dir.path(), &["check", "r.tick", "--data", "d.toml"]);
    let listed: Vec<_> = json.iter().map(|c| (c["rule"].as_str().unwrap(), c["status"].as_str().unwrap())).collect();
    let csv: Vec<_> = rows[1..].iter().map(|r| (r[0].as_str(), r[4].as_str())).collect();
    assert_eq!(csv, listed);
    // only checks on stdout: the warning and the summary are on stderr
    assert!(stderr.contains("rule `s` was checked nowhere"), "{stderr}");
    assert!(stderr.ends_with("1 skipped; 0 conflicts, 1 warning\n"), "{stderr}");
}

#[test]
fn jsonl_is_the_json_reports_checks_a_line_each() {
    let dir = folder();
    for only in [&[][..], &["--only", "failed"]] {
        let args = [&["check", "r.tick", "--data", "d.toml"][..], only].concat();
        let (stdout, stderr, code) = tickmark(&[&args[..], &["--format", "jsonl"]].concat(), dir.path());
        assert_eq!(code, 1, "{stderr}");
        let lines: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines, json_checks(dir.path(), &args));
        assert!(stderr.starts_with("summary: ") || stderr.contains("\nsummary: "), "{stderr}");
    }
}

#[test]
fn only_failed_keeps_failed_and_erred_checks() {
    let dir = folder();
    let args = ["check", "r.tick", "--data", "d.toml", "--format", "csv", "--only", "failed"];
    let (stdout, _, code) = tickmark(&args, dir.path());
    assert_eq!(code, 1);
    let statuses: Vec<String> = records(&stdout)[1..].iter().map(|r| format!("{} {}", r[0], r[4])).collect();
    assert_eq!(statuses, ["r fail", "z error", "g fail", "t fail"]);
}

#[test]
fn the_reports_are_the_same_bytes_every_run() {
    for format in ["csv", "jsonl"] {
        let args = ["check", "--format", format];
        let first = tickmark(&args, root());
        assert_eq!(first, tickmark(&args, root()), "{format}");
        assert!(!first.0.is_empty());
    }
}

#[test]
fn conflicts_go_to_stderr_and_the_exit_codes_are_the_json_reports() {
    // the shipped pack: a conflict between two sources
    for format in ["csv", "jsonl"] {
        let (stdout, stderr, code) = tickmark(&["check", "--format", format], root());
        assert_eq!(code, tickmark(&["check", "--format", "json"], root()).2);
        assert!(!stdout.contains("sources disagree") && stderr.contains("sources disagree on AMZN capex"), "{stderr}");
        assert!(stderr.contains("summary: 40 rules"), "{stderr}");
        let (_, _, code) = tickmark(&["check", "--format", format, "--deny", "warnings"], root());
        assert_eq!(code, 1, "a conflict fails the run under --deny warnings");
        // --quiet keeps what fails the run
        let (_, stderr, _) = tickmark(&["check", "--format", format, "-q"], root());
        assert!(!stderr.contains("sources disagree") && stderr.starts_with("summary: "), "{stderr}");
    }
    let dir = root().join("tests/fixtures/cli");
    for (file, expected) in [("failing.tick", 1), ("broken.tick", 2)] {
        for format in ["json", "csv", "jsonl"] {
            let (_, _, code) = tickmark(&["check", file, "--data", "../eval/data", "--format", format], &dir);
            assert_eq!(code, expected, "{file} {format}");
        }
    }
}

#[test]
fn a_run_that_cannot_be_made_is_an_empty_table_and_its_diagnostics() {
    let dir = root().join("tests/fixtures/cli");
    let args = ["check", "broken.tick", "--data", "../eval/data", "--format"];
    let (stdout, stderr, code) = tickmark(&[&args[..], &["csv"]].concat(), &dir);
    assert_eq!((stdout.lines().count(), code), (1, 2), "{stdout}");
    assert!(stdout.starts_with("rule,severity,") && stderr.contains("broken.tick:"), "{stderr}");
    let (stdout, stderr, code) = tickmark(&[&args[..], &["jsonl"]].concat(), &dir);
    assert_eq!((stdout.as_str(), code), ("", 2));
    assert!(stderr.contains("broken.tick:"), "{stderr}");
    // a bad argument beside a tabular format: the same
    let (stdout, stderr, code) = tickmark(&["check", "--format", "csv", "--period", "2025Q5"], root());
    assert_eq!((stdout.lines().count(), code), (1, 2), "{stderr}");
    assert!(stderr.contains("`2025Q5` is not a period"), "{stderr}");
}

#[test]
fn a_bad_format_names_the_tabular_ones() {
    let (stdout, stderr, code) = tickmark(&["check", "--format", "tsv"], root());
    assert_eq!((stdout.as_str(), code), ("", 2));
    assert!(stderr.contains("invalid value 'tsv'") && stderr.contains("csv, jsonl"), "{stderr}");
}

/// `tickmark ARGS` in `dir` with `threads` workers: stdout, exit code.
fn with_threads(args: &[&str], dir: &Path, threads: &str) -> (Vec<u8>, i32) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tickmark"))
        .args(args)
        .current_dir(dir)
        .env("RAYON_NUM_THREADS", threads)
        .output()
        .unwrap();
    (out.stdout, out.status.code().unwrap_or(-1))
}

#[test]
fn rows_rendered_by_many_workers_are_the_bytes_and_order_of_one() {
    // 5,000 failures: several chunks and batches of rows (of checks, in JSON), the facts' places read
    // back from a long CSV
    let dir = tempfile::tempdir().unwrap();
    let mut data = String::from("entity,metric,period,value,scenario,unit\n");
    for i in 0..5000 {
        data += &format!("E{i:05},revenue,2025Q4,{}.5,,USD bn\n", i % 900);
    }
    std::fs::write(dir.path().join("long.csv"), data).unwrap();
    std::fs::write(dir.path().join("r.tick"), "rule r: revenue > 1000 USD bn\n").unwrap();
    for format in ["csv", "jsonl", "json"] {
        let args = ["check", "r.tick", "--data", "long.csv", "--only", "failed", "--format", format];
        let (one, code) = with_threads(&args, dir.path(), "1");
        assert_eq!(code, 1);
        let text = String::from_utf8(one.clone()).unwrap();
        match format {
            "json" => {
                let report: serde_json::Value = serde_json::from_str(&text).unwrap();
                assert_eq!(report["checks"].as_array().map(Vec::len), Some(5000));
            }
            _ => assert_eq!(text.lines().count(), 5000 + usize::from(format == "csv")),
        }
        assert_eq!(with_threads(&args, dir.path(), "3"), (one, 1), "{format}");
    }
    let (jsonl, _) = with_threads(&["check", "r.tick", "--data", "long.csv", "--format", "jsonl"], dir.path(), "2");
    let last: serde_json::Value =
        serde_json::from_str(String::from_utf8(jsonl).unwrap().lines().last().unwrap()).unwrap();
    assert_eq!((last["entity"].as_str(), last["facts"][0]["location"]["line"].as_u64()), (Some("E04999"), Some(5001)));
}

#[test]
fn facts_in_a_streamed_csv_are_placed_in_every_block_of_lines() {
    // The places of a streamed file are counted from the line starts it keeps, one every 64 lines,
    // and a block of lines read once: the first row, both sides of each kept start (lines 64/65 and
    // 128/129), the last row, with line ends CRLF, a byte order mark, no final line end, a
    // two-byte character before the value (columns count characters).
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("r.tick"), "rule r: revenue > 1000 USD bn\n").unwrap();
    for (name, bom, end, last_end) in [
        ("lf", "", "\n", "\n"),
        ("crlf", "", "\r\n", "\r\n"),
        ("bom", "\u{feff}", "\n", ""),
        ("both", "\u{feff}", "\r\n", ""),
    ] {
        let rows = 200;
        let mut data = format!("{bom}entity,metric,period,source,value,unit{end}");
        for i in 0..rows {
            let source = if i % 2 == 0 { "Uber" } else { "Über" };
            data +=
                &format!("E{i:03},revenue,2025Q4,{source},{i}.5,USD bn{}", if i + 1 == rows { last_end } else { end });
        }
        let file = format!("{name}.csv");
        std::fs::write(dir.path().join(&file), &data).unwrap();
        let args = ["check", "r.tick", "--data", &file, "--only", "failed", "--format", "jsonl"];
        let (out, code) = with_threads(&args, dir.path(), "2");
        assert_eq!(code, 1, "{name}");
        let text = &data.as_bytes()[bom.len()..];
        let mut lines = Vec::new();
        for check in String::from_utf8(out).unwrap().lines() {
            let check: serde_json::Value = serde_json::from_str(check).unwrap();
            let at = &check["facts"][0]["location"];
            let entity = check["entity"].as_str().unwrap();
            let i: usize = entity[entity.len() - 3..].parse().unwrap();
            let (line, column) = (at["line"].as_u64().unwrap() as usize, at["column"].as_u64().unwrap());
            assert_eq!((line, column), (i + 2, 26), "{name}: {entity}");
            let start = at["start"].as_u64().unwrap() as usize;
            assert!(text[start..].starts_with(format!("{i}.5,").as_bytes()), "{name}: {entity} at {start}");
            lines.push(line);
        }
        lines.sort();
        assert_eq!(lines, (2..rows + 2).collect::<Vec<_>>(), "{name}: every row once, lines 64, 65, 129 among them");
    }
}
