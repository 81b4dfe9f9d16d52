//! `tickmark check`: load, check, evaluate, report.

use crate::check::Program;
use crate::data::Sheets;
use crate::diag::Diag;
use crate::eval::{self, Filter};
use crate::report::{self, Run, human::Style};
use crate::source::Sources;

use super::{Inputs, Output};

/// The report formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// Compiler-style diagnostics and a summary, for people.
    #[default]
    Human,
    /// A stable JSON document, for programs (see docs/report-json.md).
    Json,
    /// SARIF 2.1.0, for code-scanning views: one result per failed check.
    Sarif,
    /// JUnit XML, for CI dashboards: one test case per check.
    Junit,
    /// GitHub Actions workflow commands: an annotation per failed check.
    Github,
}

/// What `tickmark check` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    pub inputs: Inputs,
    pub format: Format,
    pub deny_warnings: bool,
    pub at: super::Narrowing,
    pub rules: Vec<String>,
    pub style: Style,
    pub verbosity: report::human::Verbosity,
}

/// Runs `tickmark check`.
pub fn check(opts: &CheckOptions) -> Output {
    let loaded = match super::load(&opts.inputs) {
        Ok(loaded) => loaded,
        Err((diags, sources)) => return failure(opts, &diags, &sources),
    };
    match filter(opts, &loaded.program, &loaded.sheets) {
        Ok(filter) => report(opts, &loaded.program, &loaded.sheets, &loaded.sources, &filter),
        Err(diags) => failure(opts, &diags, &loaded.sources),
    }
}

/// Checks `--entity`, `--period` and `--rule` against what exists.
fn filter(opts: &CheckOptions, program: &Program, sheets: &Sheets) -> Result<Filter, Vec<Diag>> {
    let names = super::rule_names(program);
    let mut errors: Vec<Diag> = (opts.rules.iter().filter(|r| !names.contains(&r.as_str())))
        .map(|r| super::unknown("rule", r, names.iter().copied()))
        .collect();
    let narrowed = opts.at.against(sheets);
    match narrowed {
        Ok(n) if errors.is_empty() => Ok(Filter {
            entities: if opts.at.entity.is_empty() { Vec::new() } else { n.entity_names(sheets) },
            periods: n.periods,
            rules: opts.rules.clone(),
        }),
        Ok(_) => Err(errors),
        Err(more) => {
            errors.extend(more);
            Err(errors)
        }
    }
}

/// Evaluates and renders the report.
fn report(opts: &CheckOptions, program: &Program, sheets: &Sheets, sources: &Sources, filter: &Filter) -> Output {
    let checks = eval::run(program, sheets, filter);
    let rules = filter.rules_of(program);
    let narrowed = !filter.entities.is_empty() || !filter.periods.is_empty();
    let mut warnings = report::warnings::nowhere_diags(program, sheets, &checks, &rules, narrowed);
    warnings.extend(report::warnings::no_rules_diag(program));
    warnings.extend(report::warnings::empty_source_diags(sheets, sources));
    if opts.verbosity == report::human::Verbosity::Verbose {
        warnings.extend(report::warnings::unread_diags(program, sheets, &rules));
    }
    let run = Run { program, sheets, sources, checks: &checks, warnings: &warnings, rules: rules.len() };
    let stdout = match opts.format {
        Format::Human => report::human::render(&run, opts.style, opts.verbosity, opts.deny_warnings),
        Format::Json => report::json::render(&run),
        Format::Sarif => report::sarif::render(&run),
        Format::Junit => report::junit::render(&run),
        Format::Github => report::github::render(&run),
    };
    Output { stdout, stderr: String::new(), code: run.exit_code(opts.deny_warnings) }
}

/// A run that could not be made: every diagnostic, exit code 2.
fn failure(opts: &CheckOptions, diags: &[Diag], sources: &Sources) -> Output {
    let (stdout, stderr) = match opts.format {
        Format::Human => return super::failure(diags, sources, opts.style),
        Format::Json => (report::json::render_diags(diags, sources), String::new()),
        Format::Sarif | Format::Junit | Format::Github => {
            let stdout = match opts.format {
                Format::Sarif => report::sarif::render_diags(diags, sources),
                Format::Junit => report::junit::render_diags(diags, sources),
                _ => report::github::render_diags(diags, sources),
            };
            (stdout, report::human::render_diags(diags, sources, opts.style))
        }
    };
    Output { stdout, stderr, code: 2 }
}
