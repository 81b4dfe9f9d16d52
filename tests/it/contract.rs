//! Corners of the unit contract (issue 13) that a review found, each a rule through the real binary
//! with the verdict or the error it must give: a bare zero stays zero in any unit through `if`, `*`
//! and `/`; a range from an `if` over guidance checks; a `*` name over entities in two currencies
//! is money; a rounded fraction is a pure number; declarations that overlap must agree; a metric no
//! rule reads does not stop the run; a `metric` pattern of many stars ends at once.

use crate::common;

use common::{tickmark, write_files};

/// Runs `tickmark check rules.tick --data ...` over the files, with `-v`; (stdout, stderr, code).
fn check(files: &[(&str, &str)], data: &[&str]) -> (String, String, i32) {
    let dir = tempfile::tempdir().unwrap();
    write_files(dir.path(), &files.iter().map(|(p, t)| (p.to_string(), t.to_string())).collect::<Vec<_>>());
    let mut args = vec!["check", "rules.tick", "-v", "--data"];
    args.extend(data);
    tickmark(&args, dir.path())
}

const AMZN: &str = "entity = \"AMZN\"\nunit = \"USD bn\"\n\n[actual.2025Q4]\nrevenue = 213.4\nnet_income = 21.2\n\
                    eps_diluted = \"1.95 USD/share\"\nshares_diluted = \"10870 m shares\"\n\n\
                    [actual.2024Q4]\nspecial_charges = 2.4\n\n\
                    [guidance.2026Q1]\nrevenue = \"173.5..178.5\"\n";

#[test]
fn a_bare_zero_from_an_if_is_zero_in_any_unit_through_products_and_quotients() {
    let rules = "let charges = if exists(special_charges) then special_charges else 0\n\
                 rule share_of_revenue at 2025Q4: charges / revenue < 5%\n\
                 rule per_share at 2025Q4: (if revenue > 0 USD bn then 0 else eps_diluted) * shares_diluted < net_income\n";
    let (stdout, stderr, code) = check(&[("rules.tick", rules), ("amzn.toml", AMZN)], &["amzn.toml"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("pass  share_of_revenue at AMZN 2025Q4"), "{stdout}");
    assert!(stdout.contains("pass  per_share at AMZN 2025Q4"), "{stdout}");
}

#[test]
fn an_if_between_a_guidance_range_and_a_written_range_checks() {
    let rules = "rule guided at 2026Q1:\n  \
                 mid(if exists(guidance.revenue) then guidance.revenue else 170 USD bn..180 USD bn) == 176 USD bn\n";
    let (stdout, stderr, code) = check(&[("rules.tick", rules), ("amzn.toml", AMZN)], &["amzn.toml"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("pass  guided at AMZN 2026Q1"), "{stdout}");
}

#[test]
fn a_star_name_over_two_currencies_is_money_and_a_bare_number_beside_it_an_error() {
    let usd = "entity = \"A\"\nunit = \"USD bn\"\n[actual.2025Q4.segment.x]\nrevenue = 50\n";
    let eur = "entity = \"B\"\nunit = \"EUR bn\"\n[actual.2025Q4.segment.y]\nrevenue = 40\n";
    let rules = "rule big: sum(segment.*.revenue) > 200\n";
    let files = [("rules.tick", rules), ("a.toml", usd), ("b.toml", eur)];
    let (_, stderr, code) = check(&files, &["a.toml", "b.toml"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("the bare number `200` cannot stand for money"), "{stderr}");
}

#[test]
fn a_rounded_fraction_is_a_pure_number_whatever_the_data_is_written_in() {
    let pure = "entity = \"P\"\n[actual.2025Q4]\na = 12.5\nb = 35.6\n";
    let rules = "rule r: round(a / b, 1) ~= 35.1%\n";
    let (_, stderr, code) = check(&[("rules.tick", rules), ("p.toml", pure)], &["p.toml"]);
    assert_eq!(code, 2, "0.4 rounded from 0.3511 must not meet 35.1 % as 40 %: {stderr}");
    assert!(stderr.contains("cannot compare a pure number and a ratio"), "{stderr}");
    // the same rule on money is a ratio rounded in %: 35.1 %
    let money = "entity = \"M\"\nunit = \"USD bn\"\n[actual.2025Q4]\na = 12.5\nb = 35.6\n";
    let (stdout, stderr, code) = check(&[("rules.tick", rules), ("m.toml", money)], &["m.toml"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
}

#[test]
fn overlapping_declarations_must_agree_whatever_the_order_of_files() {
    let data = "entity = \"F\"\n[actual.2025Q4]\nfx_margin = \"2 USD bn\"\n";
    for (first, second) in [
        ("metric *_margin: ratio\n", "metric fx_margin: money\n"),
        ("metric fx_margin: money\n", "metric *_margin: ratio\n"),
    ] {
        let rules = format!("{first}{second}\nrule r: fx_margin > 1 USD bn\n");
        let (_, stderr, code) = check(&[("rules.tick", &rules), ("f.toml", data)], &["f.toml"]);
        assert_eq!(code, 2, "{stderr}");
        assert!(stderr.contains("`fx_margin` is declared twice"), "{stderr}");
    }
}

#[test]
fn a_metric_no_rule_reads_does_not_stop_the_run_nor_the_sheet() {
    let x = "entity = \"A\"\n[actual.2025Q4]\nemployees = 1500\n";
    let y = "entity = \"A\"\nunit = \"USD bn\"\n[actual.2025Q4]\nemployees = 1550\nrevenue = 213.4\n";
    let files = [("rules.tick", "rule r: revenue > 0\n"), ("x.toml", x), ("y.toml", y)];
    let (stdout, stderr, code) = check(&files, &["x.toml", "y.toml"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    // a rule that reads it is stopped, naming both places
    let files = [("rules.tick", "rule r: employees > 0\n"), ("x.toml", x), ("y.toml", y)];
    let (_, stderr, code) = check(&files, &["x.toml", "y.toml"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("the facts of `employees` disagree"), "{stderr}");
}

#[test]
fn a_metric_pattern_of_many_stars_ends_at_once() {
    let pattern = format!("{}b", "*a".repeat(30));
    let rules = format!("metric {pattern}: ratio\n\nrule r: {} > 0\n", "a".repeat(120));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("rules.tick"), rules).unwrap();
    let (stdout, stderr, code) = tickmark(&["check", "--no-data", "rules.tick"], dir.path());
    assert_eq!(
        (code, stdout.as_str()),
        (0, "rules check without data: 1 rule, 0 cells, 1 declared metric\n"),
        "{stderr}"
    );
}

#[test]
fn a_huge_bare_range_bound_beside_a_ratio_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let rules = "metric x_margin: ratio\n\nrule r: x_margin in 0.5..70000000000000000000000000000\n";
    std::fs::write(dir.path().join("rules.tick"), rules).unwrap();
    let (_, stderr, code) = tickmark(&["check", "--no-data", "rules.tick"], dir.path());
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("tickmark::bare-number") && !stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_declaration_naming_a_scenario_is_an_error_not_ignored() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("rules.tick"), "metric guidance.revenue: money\n\nrule r: revenue > 0\n").unwrap();
    let (_, stderr, code) = tickmark(&["check", "--no-data", "rules.tick"], dir.path());
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("`guidance.revenue` names a scenario"), "{stderr}");
    assert!(stderr.contains("declare `revenue`"), "{stderr}");
}
