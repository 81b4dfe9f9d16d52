//! Limits instead of crashes: input at and beyond every limit of `src/limits.rs`, run through the real
//! binary. Each either works or ends with a diagnostic naming the file and exit code 2; none ends in
//! a signal (a stack overflow, an abort on a failed allocation), which shows as no exit code at all.

use crate::common;

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
        let _ = writeln!(rules, "rule r{i} at 2025Q4: revenue - cost == 25.0 USD bn");
    }
    let (stdout, stderr, code) =
        run(&[("many.tick", &rules), ("data.toml", DATA)], &["check", "many.tick", "--data", "data.toml", "--quiet"]);
    assert_eq!(code, 0, "{}", head(&stderr));
    assert!(stdout.contains("100000 passed"), "{stdout}");
}

#[test]
fn a_hundred_thousand_units_of_their_own_work() {
    // Each metric in a unit of its own (`u0`, `u1`, ...): every unit name is interned, and every
    // metric's units are gathered, without a search through those seen before. (One metric in two
    // units would be a data error: a metric measures one thing.)
    let mut csv = String::from("entity,metric,period,value,unit\n");
    for i in 0..100_000 {
        let _ = writeln!(csv, "E{},m{i},2025Q4,1.5,u{i}", i % 1000);
    }
    let (stdout, stderr, code) = run(
        &[("units.csv", &csv), ("r.tick", "rule r: m0 > 0\n")],
        &["check", "r.tick", "--data", "units.csv", "--quiet"],
    );
    assert_eq!(code, 0, "{}", head(&stderr));
    assert!(stdout.contains("1 passed"), "{stdout}");
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
fn numbers_at_the_edge_of_decimal_compute_exactly() {
    let data = "entity = \"AMZN\"\n\n[actual.2025Q4]\nbig = 79228162514264337593543950335\ntiny = 0.0000000000000000000000000001\n";
    let rules = "\
rule overflow at 2025Q4: big * 10 > big
rule sum_overflow at 2025Q4: big + big - big == big
rule too_precise at 2025Q4: tiny / 3 > 0 and tiny / 3 * 3 == tiny
rule divide_by_tiny at 2025Q4: big / tiny > big
rule underflow at 2025Q4: tiny * tiny > 0
";
    let (stdout, stderr, code) = run(
        &[("edge.tick", rules), ("data.toml", data)],
        &["check", "edge.tick", "--data", "data.toml", "--format", "json"],
    );
    assert_eq!(code, 0, "every check passes: {stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let status = |rule: &str| {
        let checks = report["checks"].as_array().unwrap();
        let check = checks.iter().find(|c| c["rule"] == rule).unwrap_or_else(|| panic!("no check of {rule}"));
        check["status"].as_str().unwrap().to_owned()
    };
    for rule in ["overflow", "sum_overflow", "too_precise", "divide_by_tiny", "underflow"] {
        assert_eq!(status(rule), "pass", "{rule}");
    }
}

/// A value the reader accepts is usable: a 19- or 20-digit integer in `USD bn` is 10^28 base units
/// or more, past what a decimal holds, and computes as a big integer.
#[test]
fn a_figure_past_a_decimal_in_its_base_is_usable() {
    for digits in ["9999999999999999999", "99999999999999999999"] {
        let data = format!("entity = \"AMZN\"\nunit = \"USD bn\"\n\n[actual.2025Q4]\nrevenue = {digits}\n");
        let rules = "rule r at 2025Q4: revenue > 1 USD bn\nrule s at 2025Q4: revenue / 3 * 3 == revenue\n\
                     rule t at 2025Q4: revenue ~= revenue + 0.4 USD bn\nrule u at 2025Q4: revenue * 2 < revenue\n";
        let (stdout, stderr, code) =
            run(&[("r.tick", rules), ("data.toml", &data)], &["check", "r.tick", "--data", "data.toml"]);
        assert_eq!(code, 1, "{digits}: {stderr}");
        assert!(stdout.contains("3 passed, 1 failed") && stdout.contains("0 erred"), "{digits}: {stdout}");
    }
}

/// A chain of cells that squares a value again and again ends in a check error at the bit budget of
/// exact arithmetic (`limits::EXACT_BITS`), never in a run that fills the memory: 20 squarings of a
/// 93-bit number would be 97 million bits.
#[test]
fn a_chain_of_squares_stops_at_the_bit_budget() {
    let mut rules = "let c0 = revenue / revenue * 10000000000000000000000000000\n".to_owned();
    for i in 1..=20 {
        rules += &format!("let c{i} = c{} * c{}\n", i - 1, i - 1);
    }
    rules += "rule six at 2025Q4: c5 > 0\nrule seven at 2025Q4: c6 > 0\nrule twenty at 2025Q4: c20 > 0\n";
    let (stdout, stderr, code) = run(
        &[("r.tick", &rules), ("data.toml", DATA)],
        &["check", "r.tick", "--data", "data.toml", "--format", "json"],
    );
    assert_eq!(code, 1, "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let checks = report["checks"].as_array().unwrap();
    let of = |rule: &str| checks.iter().find(|c| c["rule"] == rule).unwrap_or_else(|| panic!("no check of {rule}"));
    assert_eq!(of("six")["status"], "pass", "93 × 32 bits are within the budget");
    for rule in ["seven", "twenty"] {
        assert_eq!(of(rule)["status"], "error", "{rule}");
        let message = of(rule)["error"]["message"].as_str().unwrap();
        assert_eq!(message, "the result is too large for exact arithmetic (beyond 4096 bits)");
    }
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

/// The gap is exact: 7.925 less 2.9249999999999999999999999995, less 5, is 5e-28.
#[test]
fn a_miss_below_the_last_decimal_is_shown_exactly() {
    let rule = "rule edge at 2025Q4: 7.93 ~= 2.924999999999999999999999999 within 5\n";
    let (stdout, stderr, code) =
        run(&[("edge.tick", rule), ("data.toml", DATA)], &["check", "edge.tick", "--data", "data.toml"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.contains("even within 5 they are 0.0000000000000000000000000005 apart"), "{stdout}");
}

#[test]
fn cells_nest_up_to_the_limit_and_a_longer_chain_is_a_diagnostic() {
    let chain = |n: usize| {
        let mut rules: String = (0..n).map(|i| format!("let c{i} = c{} + 1 USD bn\n", i + 1)).collect();
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

/// A chain of `n` cells, each the one before at `shift` plus the one before (`let c1 = c0[-1y] + c0`),
/// and a rule on the last; `value` is what the last must equal.
fn cell_chain(n: usize, shift: &str, value: &str) -> String {
    let mut rules = String::from("let c0 = revenue\n");
    for i in 1..n {
        let _ = writeln!(rules, "let c{i} = c{}[{shift}] + c{}", i - 1, i - 1);
    }
    let _ = writeln!(rules, "rule chain_ok: c{} == {value}", n - 1);
    rules
}

/// Revenue of 1 in every fiscal year from 1990 to 2025, as pure numbers.
fn yearly_ones() -> String {
    let years: Vec<String> = (1990..=2025).map(|y| format!("FY{y}")).collect();
    format!("metric,{}\nrevenue,{}\n", years.join(","), vec!["1"; years.len()].join(","))
}

#[test]
fn a_chain_of_cells_each_using_the_last_twice_runs_once_per_cell_and_period() {
    // Each cell reads the one before at two periods: evaluated afresh every time, 32 cells made 2^31
    // evaluations and ran for minutes. Each (cell, period) is evaluated once now.
    let rules = cell_chain(32, "-1y", "2147483648");
    let files = [("chain.tick", rules.as_str()), ("data.csv", &yearly_ones())];
    let (stdout, stderr, code) = run(&files, &["check", "chain.tick", "--data", "data.csv"]);
    assert_eq!(code, 0, "{}", head(&stderr));
    // c31 at FY y is the sum of C(31, k) revenues of FY y-k: 2^31 from FY2021 on, skipped before.
    assert!(stdout.contains("1 rule, 5 checks: 5 passed, 0 failed"), "{stdout}");
    assert!(stdout.contains("0 erred; 5 borderline; 31 skipped"), "2^31 ones, each 0.5..1.5: {stdout}");
    let (stdout, stderr, code) = run(&files, &["explain", "chain_ok", "chain.tick", "--data", "data.csv"]);
    assert_eq!(code, 0, "{}", head(&stderr));
    assert!(stdout.ends_with("36 checks: 5 passed, 0 failed, 0 erred; 31 skipped\n"), "{}", head(&stdout));
    // 64 cells reach back before the first year of the calendar (1900): skipped, not a hang.
    let rules = cell_chain(64, "-1y", "1");
    let files = [("chain.tick", rules.as_str()), ("data.csv", &yearly_ones())];
    let (stdout, stderr, code) = run(&files, &["check", "chain.tick", "--data", "data.csv"]);
    assert_eq!(code, 0, "{}", head(&stderr));
    assert!(
        stdout.contains("1 rule, 0 checks: 0 passed, 0 failed (0 error, 0 warning, 0 info), 0 erred; 36 skipped"),
        "{stdout}"
    );
}

/// How many nodes one evaluation of the chain's rule at FY2025 takes, counted by the evaluator.
fn chain_work(n: usize, shift: &str) -> u64 {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("chain.tick"), cell_chain(n, shift, "0")).unwrap();
    std::fs::write(dir.path().join("data.csv"), "metric,FY2025\nrevenue,1\n").unwrap();
    let mut sources = tickmark::source::Sources::default();
    let (rules, data) = (vec![dir.path().join("chain.tick")], vec![dir.path().join("data.csv")]);
    let (program, sheets) = common::load(&rules, &data, &mut sources).unwrap();
    let mut ev = tickmark::eval::Evaluator::new(&program, &sheets, 0);
    let rule = &program.rules[0];
    let _ = ev.eval(&rule.body, tickmark::period::Period::parse("FY2025").unwrap(), rule.file);
    ev.work()
}

#[test]
fn evaluation_work_grows_with_cells_times_periods_not_with_paths() {
    // `[FY2024]` reaches one period besides FY2025 (which has no slot in this sheet): twice the cells,
    // twice the work.
    let (short, long) = (chain_work(16, "FY2024"), chain_work(32, "FY2024"));
    assert!((2 * short).abs_diff(long) <= 8, "16 cells: {short} steps, 32 cells: {long}");
    assert!(long < 32 * 2 * 8, "{long} steps for 32 cells at 2 periods");
    // `[-1y]` reaches one period further back with each cell: n cells reach n periods, so twice the
    // cells is four times the (cell, period) pairs, never 2^n.
    let (short, long) = (chain_work(16, "-1y"), chain_work(32, "-1y"));
    assert!(long <= 4 * short + 64, "16 cells: {short} steps, 32 cells: {long}");
    assert!(long < 32 * 33 / 2 * 8, "{long} steps for 32 cells");
}

#[test]
fn a_check_past_its_evaluation_steps_is_a_check_error_and_the_next_check_starts_afresh() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("chain.tick"), cell_chain(32, "-1y", "0")).unwrap();
    std::fs::write(dir.path().join("data.csv"), "metric,FY2025\nrevenue,1\n").unwrap();
    let mut sources = tickmark::source::Sources::default();
    let (rules, data) = (vec![dir.path().join("chain.tick")], vec![dir.path().join("data.csv")]);
    let (program, sheets) = common::load(&rules, &data, &mut sources).unwrap();
    let (rule, period) = (&program.rules[0], tickmark::period::Period::parse("FY2025").unwrap());
    let mut ev = tickmark::eval::Evaluator::new(&program, &sheets, 0).with_budget(100);
    assert!(ev.eval(&rule.body, period, rule.file).is_err());
    let message = ev.out_of_steps().expect("out of steps");
    assert!(message.starts_with("evaluation stopped: this check took more than 100 steps"), "{message}");
    assert_eq!(ev.work(), 100);
    // Nothing cut short was kept: with steps enough, the next check computes the chain whole.
    let mut ev = ev.with_budget(100_000);
    ev.begin_check();
    assert!(matches!(ev.eval(&rule.body, period, rule.file), Err(tickmark::eval::Halt::Missing(_))));
    assert!(!ev.exhausted());
}

// Data files and binary input (issue 12, items 3 and 9).

#[test]
fn a_file_of_64_mib_of_nuls_is_refused_at_its_first_byte_in_a_few_lines() {
    let dir = tempfile::tempdir().unwrap();
    let nuls = std::fs::File::create(dir.path().join("nul.csv")).unwrap();
    nuls.set_len(64 << 20).unwrap();
    // A rule file may have 16 MiB: a larger one is refused for its size first.
    std::fs::File::create(dir.path().join("nul.tick")).unwrap().set_len(1 << 20).unwrap();
    std::fs::copy(dir.path().join("nul.csv"), dir.path().join("nul.toml")).unwrap();
    std::fs::write(dir.path().join("r.tick"), "rule r: revenue > 0\n").unwrap();
    std::fs::write(dir.path().join("d.toml"), DATA).unwrap();
    for (rules, data, bad) in
        [("r.tick", "nul.csv", "nul.csv"), ("r.tick", "nul.toml", "nul.toml"), ("nul.tick", "d.toml", "nul.tick")]
    {
        let out = tickmark(&["check", rules, "--data", data], dir.path());
        refused(&out, bad, &format!("`{bad}` is binary, not UTF-8 text"));
        assert!(out.1.contains(&format!("[{bad}:1:1]")), "{}", head(&out.1));
        assert!(out.1.len() < 4096, "{bad}: {} bytes on stderr", out.1.len());
    }
}

/// The parts of a small workbook with one data sheet, `xl/worksheets/sheet1.xml` being `sheet`.
fn workbook_parts(sheet: &str) -> Vec<(&'static str, String)> {
    vec![
        ("[Content_Types].xml", r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.into()),
        ("_rels/.rels", r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.into()),
        ("xl/workbook.xml", r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#.into()),
        ("xl/_rels/workbook.xml.rels", r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.into()),
        ("xl/worksheets/sheet1.xml", sheet.to_owned()),
    ]
}

/// A sheet of `metric | 2025Q4`, `revenue | 213.4`, after `padding` spaces (that a reader must pass).
fn padded_sheet(padding: usize) -> String {
    let rows = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>metric</t></is></c><c r="B1" t="inlineStr"><is><t>2025Q4</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>revenue</t></is></c><c r="B2"><v>213.4</v></c></row>"#;
    format!(
        r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{}<sheetData>{rows}</sheetData></worksheet>"#,
        " ".repeat(padding)
    )
}

/// Writes a workbook of `parts`, deflated; returns its bytes.
fn zip_parts(parts: &[(&str, String)]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated).large_file(true);
    for (name, text) in parts {
        out.start_file(*name, options).unwrap();
        std::io::Write::write_all(&mut out, text.as_bytes()).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// Sets the uncompressed size that the zip `bytes` declares for its part `name`, in its local header
/// and in the central directory, to `size`: a workbook that lies about what it inflates to.
fn declare_size(bytes: &mut [u8], name: &str, size: u32) {
    let mut patched = 0;
    for at in 0..bytes.len().saturating_sub(46) {
        // The name's length is at 26 in a local header, at 28 in a central directory entry.
        let (signature, name_at, size_at) = match &bytes[at..at + 4] {
            b"PK\x03\x04" => (true, 30, 22),
            b"PK\x01\x02" => (true, 46, 24),
            _ => (false, 0, 0),
        };
        let name_len_at = if name_at == 30 { at + 26 } else { at + 28 };
        let name_len = u16::from_le_bytes([bytes[name_len_at], bytes[name_len_at + 1]]) as usize;
        if signature && bytes.get(at + name_at..at + name_at + name_len) == Some(name.as_bytes()) {
            bytes[at + size_at..at + size_at + 4].copy_from_slice(&size.to_le_bytes());
            patched += 1;
        }
    }
    assert_eq!(patched, 2, "the local header and the central directory entry of `{name}`");
}

#[test]
fn a_workbook_that_inflates_past_its_limit_is_refused_naming_the_part() {
    // 300 MiB of XML in some 300 KB: refused from the zip's directory, before a part is inflated.
    let bomb = zip_parts(&workbook_parts(&padded_sheet(300 << 20)));
    assert!(bomb.len() < 1 << 20, "{} bytes", bomb.len());
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bomb.xlsx"), &bomb).unwrap();
    std::fs::write(dir.path().join("r.tick"), "rule r: revenue > 0\n").unwrap();
    let (stdout, stderr, code) = tickmark(&["check", "r.tick", "--data", "bomb.xlsx"], dir.path());
    assert_eq!((code, stdout.as_str()), (2, ""), "{}", head(&stderr));
    assert!(
        stderr.contains("`bomb.xlsx`: its part `xl/worksheets/sheet1.xml` inflates to 314,573,")
            && stderr.contains("more than a workbook may"),
        "{}",
        head(&stderr)
    );
}

#[test]
fn a_workbook_part_that_inflates_past_its_declared_size_is_stopped() {
    // The directory says 64 KiB; the part inflates to 300 MiB: the zip reader stops it at 64 KiB.
    let mut bomb = zip_parts(&workbook_parts(&padded_sheet(300 << 20)));
    declare_size(&mut bomb, "xl/worksheets/sheet1.xml", 64 << 10);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("liar.xlsx"), &bomb).unwrap();
    std::fs::write(dir.path().join("r.tick"), "rule r: revenue > 0\n").unwrap();
    let (stdout, stderr, code) = tickmark(&["check", "r.tick", "--data", "liar.xlsx"], dir.path());
    assert_eq!((code, stdout.as_str()), (2, ""), "{}", head(&stderr));
    assert!(stderr.contains("`liar.xlsx` is not a readable workbook"), "{}", head(&stderr));
    // The same workbook, honest and small, is read.
    let honest = zip_parts(&workbook_parts(&padded_sheet(10)));
    std::fs::write(dir.path().join("honest.xlsx"), &honest).unwrap();
    let (stdout, stderr, code) = tickmark(&["check", "r.tick", "--data", "honest.xlsx"], dir.path());
    assert_eq!(code, 0, "{stdout}{stderr}");
}

#[test]
fn a_cell_of_a_megabyte_is_quoted_in_two_hundred_characters() {
    let value = "a".repeat(1 << 20);
    let long = format!("entity,metric,period,value\nAMZN,revenue,2025Q4,{value}\n");
    let wide = format!("metric,2025Q4\nrevenue,{value}\n");
    for (name, csv) in [("long.csv", &long), ("wide.csv", &wide)] {
        let out = run(&[(name, csv), ("r.tick", "rule r: revenue > 0\n")], &["check", "r.tick", "--data", name]);
        refused(&out, name, "not a number");
        // The message quotes 200 characters of the value, the snippet shows 200 of its line.
        let quoted = format!("{}…`", "a".repeat(200));
        assert!(out.1.contains(&quoted), "{}", head(&out.1));
        assert!(!out.1.contains(&"a".repeat(201)), "{}", head(&out.1));
        assert!(out.1.len() < 4096, "{name}: {} bytes on stderr", out.1.len());
    }
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
    let rules: String = (0..16_000).map(|i| format!("rule r{i} at 2025Q4: revenue < {i} USD bn\n")).collect();
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
