//! Limits instead of crashes: input at and beyond every limit of `src/limits.rs`, run through the real
//! binary. Each either works or ends with a diagnostic naming the file and exit code 2; none ends in
//! a signal (a stack overflow, an abort on a failed allocation), which shows as no exit code at all.

mod common;

use std::fmt::Write as _;

use common::tickmark;

/// A small data file the generated rules can read.
const DATA: &str = "entity = \"AMZN\"\nunit = \"USD bn\"\n\n[actual.2025Q4]\nrevenue = 213.4\ncost = 188.4\n";

/// Runs `tickmark ARGS` in a temporary folder holding `files`.
fn run(files: &[(&str, &str)], args: &[&str]) -> (String, String, i32) {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    tickmark(args, dir.path())
}

/// Asserts a run ended with exit 2, nothing on stdout, and a diagnostic that names `file` and says `words`.
fn refused(out: &(String, String, i32), file: &str, words: &str) {
    let (stdout, stderr, code) = out;
    assert_eq!(*code, 2, "exit code\n{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(stderr.contains(&format!("[{file}:")), "no location in `{file}`:\n{}", head(stderr));
    assert!(stderr.contains(words), "expected `{words}`:\n{}", head(stderr));
}

/// The start of a long text, for assertion messages.
fn head(text: &str) -> &str {
    let mut end = text.len().min(2000);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[test]
fn a_hundred_thousand_nested_parentheses_are_a_diagnostic() {
    let rule = format!("rule deep: {}revenue{} > 0\n", "(".repeat(100_000), ")".repeat(100_000));
    let out = run(&[("deep.tick", &rule), ("data.toml", DATA)], &["check", "deep.tick", "--data", "data.toml"]);
    refused(&out, "deep.tick", "nested too deeply");
}

#[test]
fn a_hundred_thousand_nested_ifs_and_negations_are_a_diagnostic() {
    let rule = format!("rule deep: {}revenue > 0\n", "not ".repeat(100_000));
    let out = run(&[("deep.tick", &rule), ("data.toml", DATA)], &["check", "deep.tick", "--data", "data.toml"]);
    refused(&out, "deep.tick", "nested too deeply");
    let rule = format!("rule deep: {}revenue{} > 0\n", "if true then ".repeat(50_000), " else 0".repeat(50_000));
    let out = run(&[("deep.tick", &rule), ("data.toml", DATA)], &["check", "deep.tick", "--data", "data.toml"]);
    refused(&out, "deep.tick", "nested too deeply");
}

#[test]
fn a_sum_of_a_million_terms_is_a_diagnostic() {
    let rule = format!("rule long: revenue{} > 0\n", " + cost".repeat(1_000_000));
    let out = run(&[("long.tick", &rule), ("data.toml", DATA)], &["check", "long.tick", "--data", "data.toml"]);
    refused(&out, "long.tick", "expression too long");
}

#[test]
fn an_aggregate_of_a_hundred_thousand_arguments_works() {
    let rule = format!("rule wide at 2025Q4: sum(revenue{}) > 0\n", ", cost".repeat(100_000));
    let (stdout, stderr, code) =
        run(&[("wide.tick", &rule), ("data.toml", DATA)], &["check", "wide.tick", "--data", "data.toml"]);
    assert_eq!(code, 0, "{}", head(&stderr));
    assert!(stdout.contains("1 passed"), "{stdout}");
}

#[test]
fn a_hundred_thousand_rules_work() {
    let mut rules = String::new();
    for i in 0..100_000 {
        let _ = writeln!(rules, "rule r{i} at 2025Q4: revenue - cost == 25.0");
    }
    let (stdout, stderr, code) =
        run(&[("many.tick", &rules), ("data.toml", DATA)], &["check", "many.tick", "--data", "data.toml", "--quiet"]);
    assert_eq!(code, 0, "{}", head(&stderr));
    assert!(stdout.contains("100000 passed"), "{stdout}");
}

#[test]
fn a_hundred_thousand_units_of_their_own_work() {
    // Each figure in a unit of its own (`u0`, `u1`, ...): every unit name is interned, and every
    // metric's units are gathered, without a search through those seen before.
    let mut csv = String::from("entity,metric,period,value,unit\n");
    for i in 0..100_000 {
        let _ = writeln!(csv, "E{},m{},2025Q4,1.5,u{i}", i % 1000, i / 1000);
    }
    let (stdout, stderr, code) = run(
        &[("units.csv", &csv), ("r.tick", "rule r: m0 > 0\n")],
        &["check", "r.tick", "--data", "units.csv", "--quiet"],
    );
    assert_eq!(code, 0, "{}", head(&stderr));
    assert!(stdout.contains("1000 passed"), "{stdout}");
}

#[test]
fn twenty_thousand_conflicts_are_each_drawn_with_their_lines() {
    // Each conflict's snippet is read from the lines around it, not from the start of its file.
    let (mut first, mut second) = (String::from("entity,metric,period,value\n"), String::new());
    second.push_str(&first);
    for i in 0..20_000 {
        let _ = writeln!(first, "E{},m{},2025Q4,1.5", i % 1000, i / 1000);
        let _ = writeln!(second, "E{},m{},2025Q4,2.5", i % 1000, i / 1000);
    }
    let (stdout, stderr, code) = run(
        &[("a.csv", &first), ("b.csv", &second), ("r.tick", "rule r: m0 > 0\n")],
        &["check", "r.tick", "--data", "a.csv", "b.csv"],
    );
    assert_eq!(code, 0, "{}", head(&stderr));
    assert!(stdout.contains("20000 conflicts"), "{}", &stdout[stdout.len().saturating_sub(300)..]);
    assert!(stdout.contains("b.csv:20001:"), "the last conflict is drawn at its line");
}

#[test]
fn deeply_nested_data_files_are_a_diagnostic() {
    let json = format!("{{\"entity\": \"AMZN\", \"actual\": {}1{}}}", "[".repeat(100_000), "]".repeat(100_000));
    let out =
        run(&[("deep.json", &json), ("r.tick", "rule r: revenue > 0\n")], &["check", "r.tick", "--data", "deep.json"]);
    refused(&out, "deep.json", "");
    let json = format!("{}{}", "{\"a\": ".repeat(100_000), "}".repeat(100_000));
    let out =
        run(&[("deep.json", &json), ("r.tick", "rule r: revenue > 0\n")], &["check", "r.tick", "--data", "deep.json"]);
    refused(&out, "deep.json", "");
    let toml = format!("entity = \"AMZN\"\nactual = {}1{}\n", "[".repeat(100_000), "]".repeat(100_000));
    let out =
        run(&[("deep.toml", &toml), ("r.tick", "rule r: revenue > 0\n")], &["check", "r.tick", "--data", "deep.toml"]);
    refused(&out, "deep.toml", "");
    let toml = format!("entity = \"AMZN\"\nactual = {}1{}\n", "{a = ".repeat(100_000), "}".repeat(100_000));
    let out =
        run(&[("deep.toml", &toml), ("r.tick", "rule r: revenue > 0\n")], &["check", "r.tick", "--data", "deep.toml"]);
    refused(&out, "deep.toml", "");
}

#[test]
fn numbers_at_the_edge_of_decimal_are_check_errors_not_panics() {
    let data = "entity = \"AMZN\"\n\n[actual.2025Q4]\nbig = 79228162514264337593543950335\ntiny = 0.0000000000000000000000000001\n";
    let rules = "\
rule overflow at 2025Q4: big * 10 > 0
rule sum_overflow at 2025Q4: big + big > 0
rule too_precise at 2025Q4: tiny / 3 > 0
rule divide_by_tiny at 2025Q4: big / tiny > 0
rule underflow at 2025Q4: tiny * tiny >= 0
";
    let (stdout, stderr, code) = run(
        &[("edge.tick", rules), ("data.toml", data)],
        &["check", "edge.tick", "--data", "data.toml", "--format", "json"],
    );
    assert_eq!(code, 1, "the erred checks fail the run: {stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let status = |rule: &str| {
        let checks = report["checks"].as_array().unwrap();
        let check = checks.iter().find(|c| c["rule"] == rule).unwrap_or_else(|| panic!("no check of {rule}"));
        check["status"].as_str().unwrap().to_owned()
    };
    for rule in ["overflow", "sum_overflow", "too_precise", "divide_by_tiny"] {
        assert_eq!(status(rule), "error", "{rule}");
    }
    assert_ne!(status("underflow"), "fail", "0 <= tiny² is true, whatever its rounding");
}

#[test]
fn numbers_beyond_decimal_in_data_and_rules_are_diagnostics() {
    let data = "entity = \"AMZN\"\n\n[actual.2025Q4]\nbig = 792281625142643375935439503350\n";
    let out = run(&[("r.tick", "rule r: big > 0\n"), ("data.toml", data)], &["check", "r.tick", "--data", "data.toml"]);
    refused(&out, "data.toml", "");
    let rule = "rule r: revenue > 792281625142643375935439503350\n";
    let out = run(&[("r.tick", rule), ("data.toml", DATA)], &["check", "r.tick", "--data", "data.toml"]);
    refused(&out, "r.tick", "");
    let rule = "rule r: revenue > 0.00000000000000000000000000001\n";
    let out = run(&[("r.tick", rule), ("data.toml", DATA)], &["check", "r.tick", "--data", "data.toml"]);
    refused(&out, "r.tick", "");
}

#[test]
fn many_entities_with_metrics_of_their_own_over_three_centuries_load() {
    // Entities × metrics × periods is 3,000 × 3,000 × 1,500 slots (54 GB as dense columns); the
    // sheets must store the 6,000 facts, not the span.
    let mut csv = String::from("entity,metric,period,value\n");
    for e in 0..3000 {
        let _ = writeln!(csv, "E{e},m{e},FY1900,1\nE{e},m{e},FY2199,2");
    }
    let (stdout, stderr, code) = run(
        &[("wide.csv", &csv), ("r.tick", "rule r at FY2199: m7 > m7[FY1900]\n")],
        &["check", "r.tick", "--data", "wide.csv"],
    );
    assert_eq!(code, 0, "{}", head(&stderr));
    assert!(stdout.contains("1 passed"), "{stdout}");
}

#[test]
fn a_metric_name_of_a_megabyte_is_handled() {
    let name = "m".repeat(1 << 20);
    let data = format!("entity = \"AMZN\"\n\n[actual.2025Q4]\n{name} = 1\n");
    let rule = format!("rule r at 2025Q4: {name} > 0\n");
    let (stdout, stderr, code) =
        run(&[("r.tick", &rule), ("data.toml", &data)], &["check", "r.tick", "--data", "data.toml"]);
    assert_eq!(code, 0, "{}", head(&stderr));
    assert!(stdout.contains("1 passed"), "{}", head(&stdout));
}

#[test]
fn binary_input_on_every_reader_is_a_diagnostic() {
    let bytes: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    for name in ["garbage.tick", "garbage.toml", "garbage.json", "garbage.csv"] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(name), &bytes).unwrap();
        std::fs::write(dir.path().join("r.tick"), "rule r: revenue > 0\n").unwrap();
        std::fs::write(dir.path().join("d.toml"), DATA).unwrap();
        let (rules, data) = if name.ends_with(".tick") { (name, "d.toml") } else { ("r.tick", name) };
        let (stdout, stderr, code) = tickmark(&["check", rules, "--data", data], dir.path());
        assert_eq!((code, stdout.as_str()), (2, ""), "{name}: {}", head(&stderr));
        assert!(stderr.contains(&format!("[{name}:1:")) && stderr.contains("not UTF-8"), "{name}: {}", head(&stderr));
    }
}

#[test]
fn a_miss_below_the_last_decimal_is_said_in_words() {
    let rule = "rule edge at 2025Q4: 7.93 ~= 2.924999999999999999999999999 within 5\n";
    let (stdout, stderr, code) =
        run(&[("edge.tick", rule), ("data.toml", DATA)], &["check", "edge.tick", "--data", "data.toml"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.contains("even within 5 they are less than 0.0000000000000000000000000001 apart"), "{stdout}");
}

#[test]
fn cells_nest_up_to_the_limit_and_a_longer_chain_is_a_diagnostic() {
    let chain = |n: usize| {
        let mut rules: String = (0..n).map(|i| format!("let c{i} = c{} + 1\n", i + 1)).collect();
        rules.push_str(&format!("let c{n} = revenue\nrule deep at 2025Q4: c0 > 0\n"));
        rules
    };
    let (stdout, stderr, code) =
        run(&[("ok.tick", &chain(250)), ("data.toml", DATA)], &["check", "ok.tick", "--data", "data.toml"]);
    assert_eq!(code, 0, "{}", head(&stderr));
    assert!(stdout.contains("1 passed"), "{stdout}");
    let out =
        run(&[("deep.tick", &chain(20_000)), ("data.toml", DATA)], &["check", "deep.tick", "--data", "data.toml"]);
    refused(&out, "deep.tick", "cells nest 20001 deep, more than 256");
}

#[test]
fn a_cycle_through_thousands_of_cells_is_named_briefly() {
    let mut rules: String = (0..20_000).map(|i| format!("let c{i} = c{}\n", i + 1)).collect();
    rules.push_str("let c20000 = c0\nrule r: c0 > 0\n");
    let out = run(&[("cycle.tick", &rules), ("data.toml", DATA)], &["check", "cycle.tick", "--data", "data.toml"]);
    refused(&out, "cycle.tick", "cells form a cycle: `c0` → `c1`");
    assert!(
        out.1.contains("... 19985 more → `c0`") && out.1.contains("(and 19985 more links, not labelled)"),
        "{}",
        head(&out.1)
    );
    assert!(out.1.len() < 10_000, "{} bytes of diagnostic", out.1.len());
}

#[test]
fn a_mistake_repeated_twenty_thousand_times_draws_the_first_hundred() {
    let mut csv = String::from("entity,metric,period,value\n");
    for i in 0..20_000 {
        let _ = writeln!(csv, "AMZN,revenue,2025Q4,{}", 200 + i);
    }
    let out =
        run(&[("dups.csv", &csv), ("r.tick", "rule r: revenue > 0\n")], &["check", "r.tick", "--data", "dups.csv"]);
    refused(&out, "dups.csv", "... and 19899 more, not shown\nerror: the run could not be made: 19999 errors");
    assert!(out.1.len() < 200_000, "{} bytes of diagnostics", out.1.len());
}

// ----- quadratic paths (issue 12): each is near-linear now, its work counted where it can be

/// `fmt --check` over 80,000 rules that all change (179 s before): the diff's work is at most
/// `PIECE_LINES` per line, counted, and the command shows every line replaced.
#[test]
fn fmt_check_diffs_eighty_thousand_changed_rules() {
    let rules: String = (0..80_000).map(|i| format!("rule r{i} at 2025Q4:revenue-cost=={i}\n")).collect();
    let formatted: String = (0..80_000).map(|i| format!("rule r{i} at 2025Q4:\n  revenue - cost == {i}\n\n")).collect();
    let (old, new) = (rules.lines().collect::<Vec<_>>(), formatted.lines().collect::<Vec<_>>());
    let (_, work) = tickmark::report::diff::ops(&old, &new);
    let lines = old.len() + new.len();
    assert!(work <= tickmark::report::diff::PIECE_LINES * lines, "{work} steps for {lines} lines");
    let (stdout, stderr, code) = run(&[("many.tick", &rules)], &["fmt", "--check", "many.tick"]);
    assert_eq!(code, 1, "{}", head(&stderr));
    assert!(stdout.starts_with("--- many.tick\n+++ many.tick\n@@ -1,80000 +1,239999 @@\n"), "{}", head(&stdout));
    assert_eq!(stdout.lines().filter(|l| l.starts_with('-')).count(), 80_001);
}

/// `tickmark test` whose report differs from the expected one in 16,000 lines (16 s before).
#[test]
fn a_test_case_whose_report_differs_in_sixteen_thousand_lines() {
    let rules: String = (0..16_000).map(|i| format!("rule r{i} at 2025Q4: revenue < {i}\n")).collect();
    let expected: String = (0..16_000).map(|i| format!("an old line {i}\n")).collect();
    let case = format!("rules = [\"many.tick\"]\ndata = [\"data.toml\"]\nexit = 1\n----- expected report\n{expected}");
    let (stdout, stderr, code) =
        run(&[("many.tick", &rules), ("data.toml", DATA), ("many.case", &case)], &["test", "many.case"]);
    assert_eq!(code, 1, "{}", head(&stderr));
    assert!(stdout.starts_with("FAIL many.case\n--- expected\n+++ actual\n@@ -1,16000 "), "{}", head(&stdout));
    assert_eq!(stdout.lines().filter(|l| l.starts_with("-an old line")).count(), 16_000);
}

/// `sheet` over 100,000 entities (over 20 s before): a block each, every figure ticked.
#[test]
fn a_sheet_of_a_hundred_thousand_entities() {
    let data: String = std::iter::once("entity,metric,period,value\n".to_owned())
        .chain((0..100_000).map(|i| format!("E{i},revenue,2025Q4,{i}.5\n")))
        .collect();
    let (stdout, stderr, code) = run(
        &[("r.tick", "rule positive: revenue > 0\n"), ("data.csv", &data)],
        &["sheet", "r.tick", "--data", "data.csv"],
    );
    assert_eq!(code, 0, "{}", head(&stderr));
    assert_eq!(stdout.matches(" · actual\n").count(), 100_000);
    assert_eq!(stdout.matches(" ✓\n").count(), 100_000);
    assert!(
        stdout.contains("E99999 · actual\nmetric   unit     2025Q4\nrevenue  number  99999.5 ✓\n"),
        "{}",
        head(&stdout)
    );
}

/// Did-you-mean over 100,000 metrics for 400 unknown names (21 s before): each look-up scores at most
/// `suggest::SCORED` names exactly (counted), and the command suggests the near ones.
#[test]
fn did_you_mean_over_a_hundred_thousand_metrics() {
    let names: Vec<String> = (0..100_000).map(|i| format!("metric_{i:06}_x")).collect();
    let index = tickmark::suggest::Index::new(names.iter().map(String::as_str));
    for (i, name) in names.iter().enumerate().take(400) {
        let (found, scored) = index.nearest_counting(&format!("metrik_{i:06}_y"));
        assert_eq!(found, Some(name.as_str()));
        assert!(scored <= tickmark::suggest::SCORED, "{scored} names scored");
    }
    let data: String = std::iter::once("entity,metric,period,value\n".to_owned())
        .chain(names.iter().enumerate().map(|(i, m)| format!("AMZN,{m},2025Q4,{i}\n")))
        .collect();
    let rules: String = (0..400).map(|i| format!("rule u{i}: metrik_{i:06}_y > 0\n")).collect();
    let out = run(&[("u.tick", &rules), ("data.csv", &data)], &["check", "u.tick", "--data", "data.csv"]);
    refused(&out, "u.tick", "did you mean `metric_000000_x`?");
    assert!(out.1.contains("error: the run could not be made: 400 errors"), "{}", head(&out.1));
}
