//! `tickmark check`: load, check, evaluate, report.

use std::io::Write;
use std::time::{Duration, Instant};

use crate::check::Program;
use crate::data::Sheets;
use crate::diag::Diag;
use crate::eval::{self, Filter, Keep};
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
    /// A workpaper for a reviewer: one self-contained HTML page (see README, "Workpaper").
    Html,
    /// A table: one CSV row per check (see docs/report-csv.md); the summary on stderr.
    Csv,
    /// JSON Lines: one JSON object per check (see docs/report-json.md); the summary on stderr.
    Jsonl,
}

impl Format {
    /// Whether the report is a table of checks alone, its conflicts, warnings and summary on stderr.
    fn tabular(self) -> bool {
        matches!(self, Format::Csv | Format::Jsonl)
    }
}

/// What `tickmark check` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    pub inputs: Inputs,
    pub format: Format,
    pub deny_warnings: bool,
    /// `--deny borderline`: a borderline verdict, pass or failure, fails the run.
    pub deny_borderline: bool,
    pub at: super::Narrowing,
    pub rules: Vec<String>,
    pub style: Style,
    pub verbosity: report::human::Verbosity,
    /// `--only failed`: keep and list only failed and erred checks (and the summary).
    pub only: Option<Only>,
    /// `--conflicts`: which conflicts the report shows.
    pub conflicts: report::Conflicts,
    /// `--timings`: print the time of each phase on stderr.
    pub timings: bool,
    /// `--no-data`: check the rule files alone.
    pub no_data: bool,
    /// `--preparer`: who prepared the workpaper (`--format html`).
    pub preparer: Option<String>,
}

/// What `--deny` makes fail the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Deny {
    /// Warnings: failed warning rules, conflicts, rules checked nowhere, files without facts.
    Warnings,
    /// Borderline verdicts: a pass or failure that values inside its inputs' rounding would flip.
    Borderline,
}

/// What `--only` keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Only {
    /// Failed and erred checks: what a bulk run reports.
    Failed,
}

/// Runs `tickmark check`, the report in the output.
pub fn check(opts: &CheckOptions) -> Output {
    let mut stdout = Vec::new();
    let (mut output, _) = check_into(opts, &mut stdout); // writing to memory does not fail
    output.stdout = String::from_utf8(stdout).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into());
    output
}

/// Runs `tickmark check`, writing the report to `stdout` as it is made (a JSON report of millions of
/// checks is never held whole): the output (stderr and the run's exit code) and whether the report
/// could be written.
pub fn check_into(opts: &CheckOptions, stdout: &mut dyn Write) -> (Output, std::io::Result<()>) {
    if opts.no_data {
        return written(rules_alone(opts), stdout);
    }
    let started = Instant::now();
    let loaded = match super::load(&opts.inputs) {
        Ok(loaded) => loaded,
        Err((diags, sources)) => return written(failure(opts, &diags, &sources), stdout),
    };
    let reported = match filter(opts, &loaded.program, &loaded.sheets) {
        Ok(filter) => report(opts, &loaded, &filter, stdout, started),
        Err(diags) => written(failure(opts, &diags, &loaded.sources), stdout),
    };
    drop_aside(loaded);
    reported
}

/// Frees what a run loaded or found on a thread of its own (with the main thread's deep stack, for
/// deep rules): a bulk run's millions of facts and checks take a tenth of a second to free, which
/// the process, exiting once its report is written, need not wait for.
fn drop_aside<T: Send + 'static>(value: T) {
    let freeing = std::thread::Builder::new().stack_size(crate::limits::STACK_BYTES);
    // where no thread can be had, the value is freed here as the spawn fails
    let _ = freeing.spawn(move || drop(value));
}

/// `tickmark check --no-data`: the rule files checked without data, and what they hold.
fn rules_alone(opts: &CheckOptions) -> Output {
    let mut sources = Sources::default();
    let checked = super::rule_files(&opts.inputs, &mut sources).and_then(|files| crate::check::check(&files));
    match checked {
        // GitHub annotations: none to make
        Ok(_) if opts.format == Format::Github => Output::ok(String::new()),
        // a machine format gets its document of diagnostics, with none in it
        Ok(_) if !matches!(opts.format, Format::Human | Format::Html) => {
            let mut output = failure(opts, &[], &sources);
            output.code = 0;
            output.stderr.clear();
            output
        }
        Ok(program) => {
            let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
            Output::ok(format!(
                "rules check without data: {}, {}, {}\n",
                plural(program.rules.len(), "rule"),
                plural(program.cells.len(), "cell"),
                plural(program.declared.len(), "declared metric"),
            ))
        }
        Err(diags) => failure(opts, &diags, &sources),
    }
}

/// Writes an output's report to `stdout`, keeping its stderr and exit code.
fn written(mut output: Output, stdout: &mut dyn Write) -> (Output, std::io::Result<()>) {
    let result = stdout.write_all(std::mem::take(&mut output.stdout).as_bytes());
    (output, result)
}

/// Checks `--entity`, `--period` and `--rule` against what exists.
fn filter(opts: &CheckOptions, program: &Program, sheets: &Sheets) -> Result<Filter, Vec<Diag>> {
    let names = super::rule_names(program);
    let mut errors: Vec<Diag> =
        (opts.rules.iter().filter(|r| !names.contains(&r.as_str()))).map(|r| super::unknown_rule(r, &names)).collect();
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

/// Evaluates and writes the report.
fn report(
    opts: &CheckOptions,
    loaded: &super::Loaded,
    filter: &Filter,
    stdout: &mut dyn Write,
    started: Instant,
) -> (Output, std::io::Result<()>) {
    let (program, sheets, sources) = (&loaded.program, &loaded.sheets, &loaded.sources);
    let evaluating = Instant::now();
    let keep = if opts.only == Some(Only::Failed) { Keep::Failed } else { Keep::NotPassed };
    let results = eval::run(program, sheets, filter, keep);
    let evaluated = Instant::now();
    let narrowed = !filter.entities.is_empty() || !filter.periods.is_empty();
    let verbose = opts.verbosity == report::human::Verbosity::Verbose;
    let warnings = report::warnings::of_run(program, sheets, sources, &results, narrowed, verbose);

    let run = Run { program, sheets, sources, results: &results, warnings: &warnings, conflicts: opts.conflicts };
    let meta = match opts.format {
        Format::Html => match super::sheet::meta(opts.preparer.clone(), loaded) {
            Ok(meta) => Some(meta),
            Err((diags, sources)) => return written(super::failure(&diags, &sources, opts.style), stdout),
        },
        _ => None,
    };
    let written = write_report(opts, loaded, &run, meta.as_ref(), stdout);
    let mut stderr = if opts.format.tabular() { beside_table(opts, &run) } else { String::new() };
    if opts.timings {
        let seconds = |d: Duration| format!("{:.3} s", d.as_secs_f64());
        stderr += &format!(
            "timings: data {}, rules {}, evaluate {}, report {}, total {} ({} facts, {} checks, {} threads)\n",
            seconds(loaded.timings.data),
            seconds(loaded.timings.rules),
            seconds(evaluated - evaluating),
            seconds(evaluated.elapsed()),
            seconds(started.elapsed()),
            sheets.len(),
            results.total(),
            crate::workers::threads(),
        );
    }
    let code = run.exit_code(opts.deny_warnings, opts.deny_borderline);
    drop_aside(results);
    (Output { stdout: String::new(), stderr, code }, written)
}

/// What a table of checks leaves out, for stderr: conflicts and warnings as the human report draws
/// them (`--quiet` keeps those that fail the run), then the summary line.
fn beside_table(opts: &CheckOptions, run: &Run) -> String {
    let floor = if opts.deny_warnings { crate::diag::Level::Warning } else { crate::diag::Level::Error };
    let shown = |d: &Diag| opts.verbosity != report::human::Verbosity::Quiet || d.level >= floor;
    let conflicts = report::warnings::conflict_diags(run).into_iter();
    let diags: Vec<Diag> = conflicts.chain(run.warnings.iter().cloned()).filter(shown).collect();
    let mut out = report::human::render_diags(&diags, run.sources, opts.style);
    out.push_str(&report::human::summary_line(&run.summary()));
    out
}

/// Writes the report of a run in the format asked for (the workpaper with its `meta`).
fn write_report(
    opts: &CheckOptions,
    loaded: &super::Loaded,
    run: &Run,
    meta: Option<&report::html::Meta>,
    stdout: &mut dyn Write,
) -> std::io::Result<()> {
    let text = match opts.format {
        Format::Human => report::human::render(run, opts.style, opts.verbosity, opts.deny_warnings),
        Format::Json => {
            report::json::write(run, stdout)?;
            String::new()
        }
        Format::Sarif => report::sarif::render(run),
        Format::Junit => report::junit::render(run),
        Format::Github => report::github::render(run),
        Format::Html => super::sheet::workpaper(loaded, &opts.at, run, &meta.cloned().unwrap_or_default()),
        Format::Csv => {
            report::csv::write(run, stdout)?;
            String::new()
        }
        Format::Jsonl => {
            report::jsonl::write(run, stdout)?;
            String::new()
        }
    };
    stdout.write_all(text.as_bytes())?;
    stdout.flush()
}

/// The arguments of a `check` that asks for a document (`--format json`, `sarif`, `junit`, `github`,
/// `csv` or `jsonl`) but that could not be parsed (`message`, clap's): that document, carrying the error as a
/// diagnostic, exit code 2, so that a program reading it is not left with nothing. `None` for any
/// other command, the human format, or a `--format` whose value is not a format (there is no document
/// to write then; clap's message says which formats there are).
pub fn argument_error(args: &[String], message: &str, style: Style) -> Option<Output> {
    if args.iter().find(|a| !a.starts_with('-')).is_none_or(|command| command != "check") {
        return None;
    }
    let value = args.iter().enumerate().find_map(|(i, a)| match a.strip_prefix("--format") {
        Some("") => args.get(i + 1).map(String::as_str),
        Some(rest) => rest.strip_prefix('='),
        None => None,
    })?;
    let format = <Format as clap::ValueEnum>::from_str(value, false)
        .ok()
        .filter(|&f| !matches!(f, Format::Human | Format::Html))?;
    let first = message.lines().next().unwrap_or_default();
    let diag = Diag::error("bad-argument", first.strip_prefix("error: ").unwrap_or(first).to_owned())
        .with_help("run `tickmark check --help` for the options");
    let opts = CheckOptions { format, style, ..CheckOptions::default() };
    Some(failure(&opts, &[diag], &Sources::default()))
}

/// A run that could not be made: every diagnostic, exit code 2.
fn failure(opts: &CheckOptions, diags: &[Diag], sources: &Sources) -> Output {
    let (stdout, stderr) = match opts.format {
        // a reviewer's page is for a run that was made: the diagnostics go where the human report's go
        Format::Human | Format::Html => return super::failure(diags, sources, opts.style),
        Format::Json => (report::json::render_diags(diags, sources), String::new()),
        // a table with no rows: the header of the CSV, no line of JSON Lines
        Format::Csv | Format::Jsonl => {
            let mut header = Vec::new();
            if opts.format == Format::Csv {
                let _ = report::csv::header(&mut header); // writing to memory does not fail
            }
            (String::from_utf8_lossy(&header).into_owned(), report::human::render_diags(diags, sources, opts.style))
        }
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
