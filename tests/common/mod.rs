//! Helpers shared by the integration tests: loading fixtures and rendering what a user would see.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use tickmark::check::{self, Program};
use tickmark::data::{Fact, FactValue, SheetBuilder, Sheets, load_paths};
use tickmark::diag::Diag;
use tickmark::eval::{self, Check, Filter};
use tickmark::num::display;
use tickmark::period::Period;
use tickmark::report::{self, Run, human::Style};
use tickmark::source::Sources;
use tickmark::syntax::ast::Scenario;
use tickmark::workspace;

/// Runs the real `tickmark` binary with arguments in a folder, without colour; returns (stdout,
/// stderr, exit code).
pub fn tickmark(args: &[&str], dir: &Path) -> (String, String, i32) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tickmark"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
    (text(out.stdout), text(out.stderr), out.status.code().unwrap_or(-1))
}

/// The repository root, where `tickmark.toml` names the shipped pack.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// insta settings for the top-level `snapshots/` folder, one body per fixture. The path is absolute:
/// a relative one is taken from the file of the assertion, which is `tests/it/` for most tests and
/// `tests/` for a test crate of its own.
pub fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path(concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"));
    s.set_prepend_module_to_snapshot(false);
    s.set_omit_expression(true);
    s
}

/// Diagnostics as a user sees them, without colour, 80 columns wide.
pub fn render(diags: &[Diag], sources: &Sources) -> String {
    report::human::render_diags(diags, sources, Style { color: false, width: 80 })
}

/// A fixture path relative to the crate root, as reports show it.
pub fn relative(path: &Path) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    path.strip_prefix(root).map(Path::to_path_buf).unwrap_or_else(|_| path.to_path_buf())
}

/// Loads data and rules and checks them: the program and sheets, or the rendered errors.
pub fn load(rules: &[PathBuf], data: &[PathBuf], sources: &mut Sources) -> Result<(Program, Sheets), Vec<Diag>> {
    let mut builder = SheetBuilder::default();
    tickmark::data::load_paths(data, sources, &mut builder)?;
    let files = workspace::load_rules(rules, sources)?;
    let sheets = builder.finish()?;
    let program = check::check_and_link(&files, &sheets)?;
    Ok((program, sheets))
}

/// Runs every check and returns them with the warnings of the run.
pub fn run_all(program: &Program, sheets: &Sheets) -> (Vec<Check>, Vec<Diag>) {
    let results = eval::run(program, sheets, &Filter::default(), eval::Keep::NotPassed);
    let warnings = report::warnings::nowhere_diags(program, sheets, &results, false);
    (results.every(program, sheets), warnings)
}

/// The listing of checks and the human report of a run.
pub fn report_text(program: &Program, sheets: &Sheets, sources: &Sources) -> (String, String) {
    let results = eval::run(program, sheets, &Filter::default(), eval::Keep::NotPassed);
    let warnings = report::warnings::nowhere_diags(program, sheets, &results, false);
    let run = Run { program, sheets, sources, results: &results, warnings: &warnings, conflicts: Default::default() };
    (
        report::ledger::lines(&run),
        report::human::render(&run, Style { color: false, width: 80 }, Default::default(), false),
    )
}

/// Runs a program with arguments in a folder, without colour and with extra environment variables;
/// returns (stdout, stderr, exit code). A program just copied may be busy for a moment (another
/// test's child process can hold the copy's file open until it starts its own program), so a failed
/// start is tried again.
pub fn run_program(program: &Path, args: &[&str], dir: &Path, env: &[(&str, &Path)]) -> (String, String, i32) {
    let mut tries = 0;
    let out = loop {
        let mut command = std::process::Command::new(program);
        command.args(args).current_dir(dir).env("NO_COLOR", "1").env_remove("TICKMARK_BIN");
        for (key, value) in env {
            command.env(key, value);
        }
        match command.output() {
            Ok(out) => break out,
            Err(e) if tries < 50 => {
                tries += 1;
                eprintln!("retrying {}: {e}", program.display());
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            Err(e) => panic!("cannot run {}: {e}", program.display()),
        }
    };
    let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
    (text(out.stdout), text(out.stderr), out.status.code().unwrap_or(-1))
}

/// Copies a file or a folder, recursively.
pub fn copy(from: &Path, to: &Path) {
    if from.is_dir() {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            copy(&entry.path(), &to.join(entry.file_name()));
        }
    } else {
        std::fs::copy(from, to).unwrap();
    }
}

/// Writes files, each a path relative to `dir` and its text, creating folders as needed.
pub fn write_files(dir: &Path, files: &[(String, String)]) {
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

/// `tickmark check` run in-process on rule and data paths, as the binary runs it: what it prints
/// and its exit code.
pub fn check_output(
    rules: &[PathBuf],
    data: &[PathBuf],
    format: tickmark::commands::check::Format,
    verbosity: report::human::Verbosity,
) -> tickmark::commands::Output {
    let inputs = tickmark::commands::Inputs { paths: rules.to_vec(), data: data.to_vec(), sec_map: None, locale: None };
    let opts = tickmark::commands::check::CheckOptions { inputs, format, verbosity, ..Default::default() };
    tickmark::commands::check::check(&opts)
}

/// Each check of a run as (rule, entity, period, status), in the order of the run.
pub fn verdicts(program: &Program, sheets: &Sheets, checks: &[Check]) -> Vec<(String, String, String, &'static str)> {
    let entity = |c: &Check| sheets.entities[c.entity as usize].clone();
    checks
        .iter()
        .map(|c| (program.rules[c.rule].name.clone(), entity(c), c.period.to_string(), c.outcome.status()))
        .collect()
}

/// Every fact of the sheets, as (entity, scenario, metric, period, fact), in sheet order.
pub fn all_facts(sheets: &Sheets) -> Vec<(String, Scenario, String, Period, Fact)> {
    let mut facts = Vec::new();
    for (e, entity) in sheets.entities.iter().enumerate() {
        for (m, metric) in sheets.metrics.iter().enumerate() {
            for scenario in Scenario::ALL {
                for &period in sheets.periods_of(e as u32) {
                    if let Some(fact) = sheets.get(m as u32, scenario, e as u32, period) {
                        facts.push((entity.clone(), scenario, metric.clone(), period, fact));
                    }
                }
            }
        }
    }
    facts
}

/// Loads data files into sheets, keeping the sources to render what they say.
pub fn load_data(paths: &[PathBuf]) -> (Sources, Result<Sheets, Vec<Diag>>) {
    let mut sources = Sources::default();
    let mut builder = SheetBuilder::default();
    let loaded = load_paths(paths, &mut sources, &mut builder);
    (sources, loaded.and_then(|()| builder.finish()))
}

/// The errors of a data file that must not load, rendered as a user sees them.
pub fn load_errors(path: &Path) -> String {
    let (sources, loaded) = load_data(&[path.to_owned()]);
    match loaded {
        Ok(_) => panic!("{path:?} loads, but must not"),
        Err(diags) => render(&diags, &sources),
    }
}

/// Every fact of a data file that must load, one a line (`AMZN actual revenue 2025Q4 = 70066 USD m at
/// 2:15`, a dated one with ` given DATE`), its place as the text after `after` in its location
/// (`".csv:"`, `".parquet: "`), sorted; and the places of the cells marked missing.
pub fn fact_lines(path: &Path, after: &str) -> (Vec<String>, Vec<String>) {
    let (sources, loaded) = load_data(&[path.to_owned()]);
    let sheets = loaded.unwrap_or_else(|diags| panic!("does not load:\n{}", render(&diags, &sources)));
    let at = |file, span| {
        let at = sources.location(file, span);
        at.rsplit_once(after).map_or(at.clone(), |(_, place)| place.to_owned())
    };
    let mut lines: Vec<String> = all_facts(&sheets)
        .into_iter()
        .map(|(entity, scenario, metric, period, fact)| {
            let value = match &fact.value {
                FactValue::Number(q) => display::quantity(q),
                FactValue::Range(r) => display::range(r),
                FactValue::Approx(a) => display::approx(a),
            };
            let given = fact.given.map_or(String::new(), |d| format!(" given {d}"));
            let place = at(fact.origin.file, fact.origin.span);
            format!("{entity} {} {metric} {period} = {value}{given} at {place}", scenario.as_str())
        })
        .collect();
    lines.sort();
    let missing = sheets.sources.iter().flat_map(|s| s.missing.iter().map(|&span| at(s.file, span))).collect();
    (lines, missing)
}
