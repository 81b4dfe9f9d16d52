//! What each fuzz target does with its input. Shared, through `#[path]`, by the targets in
//! `fuzz_targets/` and by `tests/it/fuzz.rs`, which replays every input a fuzzer ever found a fault with
//! (`tests/fixtures/fuzz/TARGET/`), so a fixed crash stays fixed in `cargo test`.
//!
//! Every target runs its input through as much of the real pipeline as it reaches, in memory: read,
//! check, evaluate, render every report format, explain every check. Beyond "no panic, no hang, no
//! runaway memory", each asserts what must hold of any input:
//! - every diagnostic points inside its file, on character boundaries;
//! - a run renders the same bytes twice;
//! - a rule file that parses formats to text that parses and formats to itself.

#![allow(dead_code)]

use tickmark::check::{self, RuleFile};
use tickmark::data::{SheetBuilder, Sheets, load_source, xlsx};
use tickmark::diag::Diag;
use tickmark::eval::{self, Filter, Outcome};
use tickmark::report::human::{Style, Verbosity};
use tickmark::report::tree::Explainer;
use tickmark::report::{self, Run};
use tickmark::source::{SourceId, Sources};
use tickmark::syntax::parser;

/// The data the `rules` target checks its rules against: two entities, quarters and years,
/// segments, guidance ranges, percentages, per-share figures and counts.
pub const DATA_TOML: &str = r#"
entity = "AMZN"
unit = "USD bn"

[actual.2024Q4]
revenue = 187.8
operating_income = 21.2
net_income = 20.0
eps_diluted = "1.86 USD"
margin = "11.3 %"

[actual.2025Q3]
revenue = 180.2
operating_income = 17.4
net_income = 21.2

[actual.2025Q4]
revenue = 213.4
operating_income = 25.0
net_income = 21.2
eps_diluted = "1.95 USD"
margin = "11.7 %"
headcount = "1556000 count"

[actual.2025Q4.segment.aws]
revenue = 35.6
operating_income = 12.5

[actual.2025Q4.segment.retail]
revenue = 177.8
operating_income = 12.5

[actual.FY2025]
revenue = 716.9
capex = 128.3

[guidance.2025Q4]
revenue = "206..213"
operating_income = "21..26"

[guidance.2026Q1]
revenue = "173.5..178.5"
"#;

/// A second source in long CSV: another entity, and a figure that conflicts with the TOML.
pub const DATA_CSV: &str = "\
entity,metric,period,value,unit,scenario
GOOGL,revenue,2025Q4,113.8,USD bn,actual
GOOGL,revenue,2024Q4,96.5,USD bn,actual
GOOGL,operating_income,2025Q4,35.9,USD bn,actual
GOOGL,capex,FY2025,91.4,USD bn,actual
AMZN,capex,FY2025,131,USD bn,actual
";

/// Rules over whatever metrics a data file holds: each shape the language has, applied to the
/// first metrics of the data, so that a data target reaches evaluation whatever names it invents.
const SHAPES: &[&str] = &[
    "rule r{n}: {a} >= 0",
    "rule r{n}: {a} ~= {b} within 1%",
    "rule r{n}: {a} ~= {b} within 0.5",
    "rule r{n} at quarters: growth({a}, {a}[-4q]) < 50%",
    "rule r{n} at quarters: annualized({a}) >= {a}",
    "rule r{n} at quarters: {a} > {a}[-1q] or {a} <= {a}[-4q]",
    "rule r{n} at years: {a} == {a}[-1y] + 0",
    "rule r{n}: {a} / {b} > 0.1",
    "rule r{n}: round({a} / {b}, 1) < 100",
    "rule r{n}: {a} in guidance.{a}",
    "rule r{n}: {a} ~= sum(segment.*.{a})",
    "rule r{n}: if exists({b}) then {a} - {b} > 0 else true",
    "rule r{n}: max({a}, {b}) >= min({a}, {b})",
    "rule r{n}: abs({a} - {b}) <= {a} + {b}",
    "rule r{n}: change({a}, {b}) > 0",
    "rule r{n}: mid(guidance.{a}) > low(guidance.{a}) - width(guidance.{a})",
    "rule r{n}: avg(segment.*.{a}) * count(segment.*.{a}) ~= {a} within 2%",
];

/// The `rules` target: a rule file over fixed data.
pub fn rules(bytes: &[u8]) {
    let Ok(text) = std::str::from_utf8(bytes) else { return };
    run_text(text, &[("data/amzn.toml", DATA_TOML), ("data/peers.csv", DATA_CSV)]);
    formats_to_itself(text);
}

/// The `data_toml` target: a TOML data file under rules made for its metrics.
pub fn data_toml(bytes: &[u8]) {
    data("fuzz.toml", bytes);
}

/// The `data_json` target: a JSON data file under rules made for its metrics.
pub fn data_json(bytes: &[u8]) {
    data("fuzz.json", bytes);
}

/// The `data_csv` target: a CSV data file (wide or long) under rules made for its metrics.
pub fn data_csv(bytes: &[u8]) {
    data("fuzz.csv", bytes);
}

/// The `data_xlsx` target: a workbook (the bytes of a `.xlsx` file) under rules made for its
/// metrics, read with the limits a workbook from disk has (what its parts may inflate to, its cells).
pub fn data_xlsx(bytes: &[u8]) {
    workbook(bytes);
}

/// The sheets of data that was read, or `None` once the diagnostics of reading or laying it out have
/// been rendered.
fn finished(loaded: Result<(), Vec<Diag>>, builder: SheetBuilder, sources: &Sources) -> Option<Sheets> {
    let sheets = loaded.and_then(|()| builder.finish());
    if let Err(diags) = &sheets {
        report_diags(diags, sources);
    }
    sheets.ok()
}

/// A workbook, with rules of every shape over its first metrics; returns how many rules it made.
pub fn workbook(bytes: &[u8]) -> usize {
    let read = |sources: &mut Sources, builder: &mut SheetBuilder| {
        xlsx::load_bytes(bytes, "AMZN.xlsx".into(), "AMZN", sources, builder)
    };
    let (mut sources, mut builder) = (Sources::default(), SheetBuilder::default());
    let loaded = read(&mut sources, &mut builder);
    let Some(sheets) = finished(loaded, builder, &sources) else { return 0 };
    let metrics: Vec<&String> = sheets.metrics.iter().filter(|m| !m.contains('.')).take(3).collect();
    let rules = generated_rules(&metrics, &sheets);
    run_with(&rules, read);
    rules.lines().count()
}

/// The `pipeline` target: a (rules, data) pair. The first byte picks the data format; the rest is
/// the rule file, a 0xFF byte (never in UTF-8 text), and the data file.
pub fn pipeline(bytes: &[u8]) {
    let Some((&format, rest)) = bytes.split_first() else { return };
    let split = rest.iter().position(|&b| b == 0xFF).unwrap_or(rest.len());
    let (rules, data) = (&rest[..split], rest.get(split + 1..).unwrap_or_default());
    let (Ok(rules), Ok(data)) = (std::str::from_utf8(rules), std::str::from_utf8(data)) else { return };
    let name = ["fuzz.toml", "fuzz.json", "fuzz.csv"][usize::from(format % 3)];
    run_text(rules, &[(name, data)]);
}

/// A data file, with rules of every shape over its first metrics; returns how many rules it made.
pub fn data(name: &str, bytes: &[u8]) -> usize {
    let Ok(text) = std::str::from_utf8(bytes) else { return 0 };
    let mut sources = Sources::default();
    let mut builder = SheetBuilder::default();
    let loaded = read_data(name, text, &mut sources, &mut builder);
    let Some(sheets) = finished(loaded, builder, &sources) else { return 0 };
    let metrics: Vec<&String> = sheets.metrics.iter().filter(|m| !m.contains('.')).take(3).collect();
    let rules = generated_rules(&metrics, &sheets);
    run_text(&rules, &[(name, text)]);
    rules.lines().count()
}

/// Rules of every shape over pairs of the metrics, each kept only if it checks on its own.
fn generated_rules(metrics: &[&String], sheets: &Sheets) -> String {
    let mut out = String::new();
    for (i, a) in metrics.iter().enumerate() {
        for (j, b) in metrics.iter().enumerate() {
            for (k, shape) in SHAPES.iter().enumerate() {
                let n = (i * 3 + j) * SHAPES.len() + k;
                let rule = shape.replace("{n}", &n.to_string()).replace("{a}", a).replace("{b}", b);
                if checks_alone(&rule, sheets) {
                    out.push_str(&rule);
                    out.push('\n');
                }
            }
        }
    }
    out
}

/// Whether a rule file parses and checks against the sheets.
fn checks_alone(text: &str, sheets: &Sheets) -> bool {
    let mut sources = Sources::default();
    let file = sources.add("probe.tick".into(), text);
    let Ok(ast) = parser::parse(text, file) else { return false };
    check::check_and_link(&[RuleFile { file, text: text.into(), ast }], sheets).is_ok()
}

/// Reads one data file, by the format of its name, as `tickmark` reads one from disk.
fn read_data(name: &str, text: &str, sources: &mut Sources, builder: &mut SheetBuilder) -> Result<(), Vec<Diag>> {
    let file = sources.add(name.into(), text);
    load_source(std::path::Path::new(name), file, sources, builder)
}

/// The whole run of a rule file over data files, every report rendered and checked.
fn run_text(rules: &str, data: &[(&str, &str)]) {
    run_with(rules, |sources, builder| {
        let mut diags = Vec::new();
        for (name, text) in data {
            if let Err(more) = read_data(name, text, sources, builder) {
                diags.extend(more);
            }
        }
        if diags.is_empty() { Ok(()) } else { Err(diags) }
    });
}

/// The whole run of a rule file over the data `read` loads, every report rendered and checked.
fn run_with(rules: &str, read: impl Fn(&mut Sources, &mut SheetBuilder) -> Result<(), Vec<Diag>>) {
    let mut sources = Sources::default();
    let mut builder = SheetBuilder::default();
    let mut diags = read(&mut sources, &mut builder).err().unwrap_or_default();
    let file = sources.add("fuzz.tick".into(), rules);
    let parsed = parser::parse(rules, file);
    let ast = match parsed {
        Ok(ast) if diags.is_empty() => ast,
        Ok(_) => return report_diags(&diags, &sources),
        Err(more) => {
            diags.extend(more);
            return report_diags(&diags, &sources);
        }
    };
    let sheets = match builder.finish() {
        Ok(sheets) => sheets,
        Err(diags) => return report_diags(&diags, &sources),
    };
    let program = match check::check_and_link(&[RuleFile { file, text: rules.into(), ast }], &sheets) {
        Ok(program) => program,
        Err(diags) => return report_diags(&diags, &sources),
    };
    let results = eval::run(&program, &sheets, &Filter::default(), eval::Keep::NotPassed);
    let checks = results.every(&program, &sheets);
    let mut warnings = report::warnings::of_run(&program, &sheets, &sources, &results, false, true);
    warnings.extend(sheets.conflicts.iter().map(|c| report::warnings::conflict_diag(c, &sources)));
    located(&warnings, &sources);
    let conflicts = Default::default();
    let run = Run {
        program: &program,
        sheets: &sheets,
        sources: &sources,
        results: &results,
        warnings: &warnings,
        conflicts,
    };
    let style = Style { color: false, width: 80 };
    let human = report::human::render(&run, style, Verbosity::Verbose, true);
    let json = report::json::render(&run);
    assert_eq!(
        human,
        report::human::render(&run, style, Verbosity::Verbose, true),
        "human report differs between renders"
    );
    assert_eq!(json, report::json::render(&run), "json report differs between renders");
    let _ = (report::sarif::render(&run), report::junit::render(&run), report::github::render(&run));
    let explainer = Explainer { program: &program, sheets: &sheets, sources: &sources };
    for check in checks.iter().take(64) {
        let _ = explainer.check(check, true, style);
        if let Outcome::Fail(_) | Outcome::Error(..) = check.outcome
            && let Some(diag) = report::explain::check_diag(check, &program, &sheets, &sources)
        {
            located(std::slice::from_ref(&diag), &sources);
            let _ = report::human::render_diags(&[diag], &sources, style);
        }
    }
}

/// Renders a failed run's diagnostics in every format, after checking where they point.
fn report_diags(diags: &[Diag], sources: &Sources) {
    assert!(!diags.is_empty(), "a failed run without a diagnostic");
    located(diags, sources);
    let style = Style { color: false, width: 80 };
    let _ = report::human::render_diags(diags, sources, style);
    let _ = report::json::render_diags(diags, sources);
    let _ = report::sarif::render_diags(diags, sources);
}

/// Asserts that every label of every diagnostic (and its related ones) lies inside its file, on
/// character boundaries.
fn located(diags: &[Diag], sources: &Sources) {
    for diag in diags {
        if let Some(file) = diag.file {
            let text = &sources.get(file).text();
            if sources.get(file).is_described() {
                // A file described by places (a companyfacts file's filings): every label names one.
                for label in &diag.labels {
                    assert!(sources.get(file).place(label.span).is_some(), "label names no place: {diag:?}");
                }
                located(&diag.related, sources);
                continue;
            }
            for label in &diag.labels {
                let (start, end) = (label.span.start as usize, label.span.end as usize);
                assert!(
                    start <= end && end <= text.len(),
                    "label {start}..{end} outside a file of {} bytes: {diag:?}",
                    text.len()
                );
                assert!(
                    text.is_char_boundary(start) && text.is_char_boundary(end),
                    "label {start}..{end} splits a character: {diag:?}"
                );
            }
        } else {
            assert!(diag.labels.is_empty(), "labels without a file: {diag:?}");
        }
        located(&diag.related, sources);
    }
}

/// A rule file that parses formats to text that parses, and formats again to itself.
fn formats_to_itself(text: &str) {
    let id = SourceId(0);
    let Ok(formatted) = tickmark::fmt::format(text, id) else { return };
    match tickmark::fmt::format(&formatted, id) {
        Ok(again) => assert_eq!(formatted, again, "formatting is not idempotent"),
        Err(diags) => panic!("formatted text does not parse: {diags:?}\n{formatted}"),
    }
}

/// The rules of the `kernel` target: every shape compiled kernels cover, and a few they leave to
/// the evaluator, over the metrics [`kernel_data`] writes.
pub const KERNEL_RULES: &str = r#"
let margin_calc = c / a
let growth_yoy = growth(a, a[-1y])
let ten = 10
rule identity: c ~= a - b
rule identity_pct: c ~= a - b within 1%
rule identity_abs: c ~= a - b within 0.5 USD m
rule margin: m ~= margin_calc
rule margin_pp: m ~= margin_calc within 0.5pp
rule yoy: abs(growth_yoy) <= 50%
rule qoq: growth(a, a[-1q]) > -90%
rule margin_swing: abs(change(margin_calc, margin_calc[-1q])) <= 10pp
rule floor: margin_calc >= -20%
rule intensity: b / a <= 30%
rule segments: sum(segment.*.a) ~= a
rule year at FY2025: a ~= a[2025Q1] + a[2025Q2] + a[2025Q3] + a[2025Q4]
rule chain: a >= b >= d
rule exact: a - b == c
rule ne: a != b
rule scaled: d * 2 < a
rule negated: -b < a - d
rule product: b * m <= a
rule zero: c >= 0
rule guided: a in guidance.a
rule guided_before: a in guidance.a[-1q]
rule guided_width: width(guidance.a) <= 10% * mid(guidance.a)
rule literal_range: m in 0%..60%
rule open_range: m in ..80%
rule literal_shifted: m in (0%..60%)[-1q]
rule literal_mid_shifted: mid((10 USD m..20 USD m)[-1q]) < a
rule reach: d < a * ten[-1y]
rule divide_first: a / (b - b) < d[-1y] / a
rule growth_d: growth(d, d[-1q]) < 500%
rule year_back: b[-1y] + c <= a + d[-1q]
rule guided_year at FY2025: a in guidance.a
rule scaled_neg: d * -2.5 <= a
rule drift: abs(a - b - c) <= 3 USD m
rule moved: abs(change(a, a[-1q])) <= 100 USD m
rule spread: width(guidance.a) >= mid(guidance.a) * 0.1
rule by_negative: a / d >= -500%
rule quotient_right: 20% >= b / a
rule quotient_across_zero: abs(d / a) <= 10%
rule quotients_chain: -100% <= d / a <= c / a
rule growth_pp: m ~= growth(c, c[-1q]) within 0.5pp
rule growth_loss: growth(d, d[-1y]) >= -50%
rule growth_swing: change(growth(a, a[-1q]), growth_yoy) < 30pp
rule swing_by_negative: abs(change(a / d, b / d)) >= 1pp
rule swing_across: change(margin_calc, margin_calc[-1y]) ~= 0pp within 5pp
rule margin_first: margin_calc ~= m within 0.05pp
rule margin_below: margin_calc <= m
rule margin_fine: m ~= b / a within 0.001pp
rule money_half: a / 2 <= c
rule money_quarter_near: b ~= a / 4 within 0.25 USD m
rule money_literal_quotient: 10 USD m / 4 <= a
rule ratio_then_gap: b / a <= m[-1q]
rule ratios_near: a / d ~= b / d within 1pp
"#;

/// A long CSV of figures made from bytes: entities in USD or EUR, quarters and years, with `c`
/// written near `a - b` and `m` near `c / a` in the last digit (where rounding decides `~=`),
/// zeros, negatives, missing figures, wide digits and long scales.
pub fn kernel_data(bytes: &[u8]) -> String {
    let mut at = 0usize;
    let mut next = || {
        let b = bytes.get(at).copied().unwrap_or(0);
        at += 1;
        b
    };
    let periods = ["2024Q1", "2024Q2", "2024Q3", "2024Q4", "2025Q1", "2025Q2", "2025Q3", "2025Q4", "FY2024", "FY2025"];
    let mut out = String::from("entity,metric,period,value,unit,scenario\n");
    let entities = 1 + next() % 4;
    for e in 0..entities {
        // the first entity in dollars, so that `within 0.5 USD m` checks (and errs at the others in EUR)
        let money = ["USD m", "USD bn", "USD k", "EUR m"][usize::from(next() % if e == 0 { 3 } else { 4 })];
        for period in periods {
            let kind = next();
            let scale = match kind % 16 {
                0 => 25,
                1..=3 => 0,
                4..=9 => 1,
                _ => 2,
            };
            let wide = kind / 16 == 15;
            let a = figure(&mut next, wide, false).abs() + 1;
            // b a share of a (or anything, now and then), d small: most identities hold
            let b = if next().is_multiple_of(8) {
                figure(&mut next, wide, false)
            } else {
                a * i128::from(next() % 100) / 100
            };
            let d = figure(&mut next, wide, true);
            let delta = i128::from(next() % 7) - 3;
            let c = a - b + delta;
            let m_scale = 1 + u32::from(next() % 3);
            let m = (c * 100 * 10i128.pow(m_scale)).checked_div(a).unwrap_or(0) + i128::from(next() % 5) - 2;
            let segment = i128::from(next() % 5) - 2;
            let (x, y) = (a / 3, a - a / 3 + segment);
            // a quarter of the entity-periods miss some figures
            let missing = if next().is_multiple_of(4) { next() } else { 0 };
            let mut row = |metric: &str, digits: i128, scale: u32, unit: &str, scenario: &str, k: u8| {
                if missing & k == 0 {
                    let value = decimal(digits, scale);
                    out.push_str(&format!("E{e},{metric},{period},{value},{unit},{scenario}\n"));
                }
            };
            row("a", a, scale, money, "actual", 1);
            // now and then `b` one digit finer than the others: figures of two scales in one check
            if kind % 5 == 0 && scale < 25 {
                let finer = b * 10 + i128::from(next() % 11) - 5;
                row("b", finer, scale + 1, money, "actual", 2);
            } else {
                row("b", b, scale, money, "actual", 2);
            }
            row("c", c, scale, money, "actual", 4);
            row("d", d, scale, money, "actual", 8);
            row("m", m, m_scale, "%", "actual", 16);
            row("segment.x.a", x, scale, money, "actual", 32);
            row("segment.y.a", y, scale, money, "actual", 64);
            if missing & 128 != 0 {
                let value = format!("{}..{}", decimal(a - 10, scale), decimal(a + 10, scale));
                out.push_str(&format!("E{e},a,{period},{value},{money},guidance\n"));
            }
        }
    }
    out
}

/// Digits from the bytes: 16 bits, wide ones past 64 bits, small ones below 64, a few negative.
fn figure(next: &mut impl FnMut() -> u8, wide: bool, small: bool) -> i128 {
    let mut v = i128::from(next()) << 8 | i128::from(next());
    if wide {
        v = v << 48 | i128::from(next()) << 40;
    } else if small {
        v %= 64;
    }
    if next().is_multiple_of(8) { -v } else { v }
}

/// `digits` with `scale` digits after the point, as written: `-12.05`, `0.0`.
fn decimal(digits: i128, scale: u32) -> String {
    let sign = if digits < 0 { "-" } else { "" };
    let text = format!("{:0>width$}", digits.unsigned_abs(), width = scale as usize + 1);
    let (whole, fraction) = text.split_at(text.len() - scale as usize);
    if scale == 0 { format!("{sign}{whole}") } else { format!("{sign}{whole}.{fraction}") }
}

/// What the `kernel` target found: how many checks were made, and how many kernels decided.
#[derive(Debug, Default, Clone, Copy)]
pub struct Agreement {
    pub checks: usize,
    pub decided: usize,
}

/// The `kernel` target: [`KERNEL_RULES`] over [`kernel_data`] of the bytes, run with compiled
/// kernels and without; every check kept (each one that is not a decided pass), its outcome,
/// trace, borderline flag and title, and every rule's counts must be the same, so a kernel that
/// took a check the evaluator fails, skips, errs on or finds borderline is caught.
pub fn kernel(bytes: &[u8]) -> Agreement {
    let csv = kernel_data(bytes);
    agree(KERNEL_RULES, &[("kernel.csv", &csv)])
}

/// Runs rules over data with kernels and without, asserting the same results; zero counts where
/// the data or the rules do not load.
pub fn agree(rules: &str, data: &[(&str, &str)]) -> Agreement {
    let mut sources = Sources::default();
    let mut builder = SheetBuilder::default();
    for (name, text) in data {
        if read_data(name, text, &mut sources, &mut builder).is_err() {
            return Agreement::default();
        }
    }
    let Ok(sheets) = builder.finish() else { return Agreement::default() };
    let file = sources.add("kernel.tick".into(), rules);
    let Ok(ast) = parser::parse(rules, file) else { return Agreement::default() };
    let Ok(program) = check::check_and_link(&[RuleFile { file, text: rules.into(), ast }], &sheets) else {
        return Agreement::default();
    };
    same_results(&program, &sheets)
}

/// Runs a program over sheets with kernels and without, asserting the same results check for check.
pub fn same_results(program: &tickmark::check::Program, sheets: &Sheets) -> Agreement {
    let filter = Filter::default();
    let with = eval::run_with(program, sheets, &filter, eval::Keep::NotPassed, true);
    let without = eval::run_with(program, sheets, &filter, eval::Keep::NotPassed, false);
    assert_eq!(without.decided, 0);
    for (k, e) in with.checks.iter().zip(&without.checks) {
        assert_eq!(k, e, "a check differs with kernels (rule {})", program.rules[e.rule].name);
    }
    assert_eq!(with.checks.len(), without.checks.len(), "kernels decided a check the evaluator keeps");
    for (rule, (k, e)) in with.tallies.iter().zip(&without.tallies).enumerate() {
        assert_eq!(k, e, "the counts of rule {} differ with kernels", program.rules[rule].name);
    }
    // with only failed checks kept (`--only failed`), kernels count skips the tally does not keep
    let failed = eval::run_with(program, sheets, &filter, eval::Keep::Failed, true);
    let failed_without = eval::run_with(program, sheets, &filter, eval::Keep::Failed, false);
    assert_eq!(failed.checks, failed_without.checks, "kernels changed the failed checks kept");
    for (rule, (k, e)) in failed.tallies.iter().zip(&failed_without.tallies).enumerate() {
        assert_eq!(k, e, "the counts of rule {} differ with kernels, failed checks kept", program.rules[rule].name);
    }
    Agreement { checks: without.total(), decided: with.decided }
}
