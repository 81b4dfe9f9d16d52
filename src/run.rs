//! `tickmark check` from options to output: load, check, evaluate, report.
//!
//! Kept apart from the command line so tests can run it in-process; `main` only prints and exits.

use std::path::PathBuf;

use crate::check::{self, Program};
use crate::config;
use crate::data::{SheetBuilder, Sheets};
use crate::diag::Diag;
use crate::eval::{self, Filter};
use crate::period::Period;
use crate::report::{self, Run, human::Style};
use crate::source::Sources;
use crate::workspace;

/// The report formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// Compiler-style diagnostics and a summary, for people.
    #[default]
    Human,
    /// A stable JSON document, for programs (see docs/report-json.md).
    Json,
}

/// What `tickmark check` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    pub paths: Vec<PathBuf>,
    pub data: Vec<PathBuf>,
    pub format: Format,
    pub deny_warnings: bool,
    pub entities: Vec<String>,
    pub periods: Vec<String>,
    pub rules: Vec<String>,
    pub style: Style,
}

/// What a command prints and how it exits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

/// Runs `tickmark check`.
pub fn check(opts: &CheckOptions) -> Output {
    let mut sources = Sources::default();
    match prepare(opts, &mut sources) {
        Ok((program, sheets, filter)) => report(opts, &program, &sheets, &sources, &filter),
        Err(diags) => failure(opts, &diags, &sources),
    }
}

/// Loads and checks everything: the checked program, the sheets and the filter, or every error.
fn prepare(opts: &CheckOptions, sources: &mut Sources) -> Result<(Program, Sheets, Filter), Vec<Diag>> {
    let (rule_paths, data_paths) = paths(opts, sources)?;
    let mut builder = SheetBuilder::default();
    let mut errors = Vec::new();
    if let Err(e) = crate::data::load_paths(&data_paths, sources, &mut builder) {
        errors.extend(e);
    }
    let files = workspace::load_rules(&rule_paths, sources).unwrap_or_else(|e| {
        errors.extend(e);
        Vec::new()
    });
    if !errors.is_empty() {
        return Err(errors);
    }
    let sheets = builder.finish();
    let program = check::check(&files, &sheets)?;
    let filter = filter(opts, &program, &sheets)?;
    Ok((program, sheets, filter))
}

/// The rule and data paths: as given, or else from the nearest `tickmark.toml`.
fn paths(opts: &CheckOptions, sources: &mut Sources) -> Result<(Vec<PathBuf>, Vec<PathBuf>), Vec<Diag>> {
    if !opts.paths.is_empty() && !opts.data.is_empty() {
        return Ok((opts.paths.clone(), opts.data.clone()));
    }
    let cwd = std::env::current_dir().unwrap_or_default();
    let Some(found) = config::find(&cwd) else {
        if opts.paths.is_empty() {
            let diag = Diag::error("no-rules", "no rule files given, and no `tickmark.toml` here or above")
                .with_help("run `tickmark check RULES --data DATA`, or `tickmark init` to start a rule repository");
            return Err(vec![diag]);
        }
        return Ok((opts.paths.clone(), Vec::new()));
    };
    let config = config::load(&found, crate::source::display_path(&found), sources)?;
    let pick =
        |given: &Vec<PathBuf>, configured: Vec<PathBuf>| if given.is_empty() { configured } else { given.clone() };
    Ok((pick(&opts.paths, config.rules), pick(&opts.data, config.data)))
}

/// Checks `--entity`, `--period` and `--rule` against what exists.
fn filter(opts: &CheckOptions, program: &Program, sheets: &Sheets) -> Result<Filter, Vec<Diag>> {
    let mut errors = Vec::new();
    let rule_names: Vec<&str> = program.rules.iter().map(|r| r.name.as_str()).collect();
    let mut known = |kind: &str, given: &[String], names: &[&str]| {
        for g in given.iter().filter(|g| !names.contains(&g.as_str())) {
            let mut diag = Diag::error("bad-argument", format!("no {kind} `{g}` in this run"));
            if let Some(best) = crate::suggest::did_you_mean(g, names.iter().copied()) {
                diag = diag.with_help(format!("did you mean `{best}`?"));
            }
            errors.push(diag);
        }
    };
    let entity_names: Vec<&str> = sheets.entities.iter().map(String::as_str).collect();
    known("entity", &opts.entities, &entity_names);
    known("rule", &opts.rules, &rule_names);
    let mut periods = Vec::new();
    for p in &opts.periods {
        match Period::parse(p) {
            Some(period) => periods.push(period),
            None => errors.push(
                Diag::error("bad-argument", format!("`{p}` is not a period"))
                    .with_help("write a fiscal quarter as `2025Q4` or a fiscal year as `FY2025`"),
            ),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Filter { entities: opts.entities.clone(), periods, rules: opts.rules.clone() })
}

/// Evaluates and renders the report.
fn report(opts: &CheckOptions, program: &Program, sheets: &Sheets, sources: &Sources, filter: &Filter) -> Output {
    let checks = eval::run(program, sheets, filter);
    let rules = filter.rules_of(program);
    let narrowed = !filter.entities.is_empty() || !filter.periods.is_empty();
    let warnings = report::warnings::nowhere_diags(program, sheets, &checks, &rules, narrowed);
    let run = Run { program, sheets, sources, checks: &checks, warnings: &warnings, rules: rules.len() };
    let stdout = match opts.format {
        Format::Human => report::human::render(&run, opts.style),
        Format::Json => report::json::render(&run),
    };
    Output { stdout, stderr: String::new(), code: run.exit_code(opts.deny_warnings) }
}

/// A run that could not be made: every diagnostic, exit code 2.
fn failure(opts: &CheckOptions, diags: &[Diag], sources: &Sources) -> Output {
    let (stdout, stderr) = match opts.format {
        Format::Human => {
            let count = diags.len();
            let mut text = report::human::render_diags(diags, sources, opts.style);
            text.push_str(&format!(
                "error: the run could not be made: {count} error{}\n",
                if count == 1 { "" } else { "s" }
            ));
            (String::new(), text)
        }
        Format::Json => (report::json::render_diags(diags, sources), String::new()),
    };
    Output { stdout, stderr, code: 2 }
}
