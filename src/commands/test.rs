//! `tickmark test`: snapshot tests of rule outputs, for analysts without a Rust toolchain.
//!
//! A case file (`.case`) names rule files, data files and `check` options in a TOML header, and
//! stores below the line `----- expected report` what `tickmark check --verbose` prints for them (see
//! [`case`]): every failure's diagnostic, then every check on a line with its values and verdict, so a
//! changed passing figure fails the case with a one-line diff. Each case is run (see [`runner`]) and its report and exit code compared with the stored
//! ones; a difference is printed as a unified diff. `--accept` stores the new report in the case
//! file, keeping its header. With no paths, the cases are the `.case` files under `tests/` beside the
//! nearest `tickmark.toml`; a folder named as a path must hold at least one.
//!
//! Reports are compared line by line, each line's trailing whitespace ignored and `\r\n` read as
//! `\n` (see [`case::comparable`]): an editor that trims trailing spaces does not fail a case.

pub mod case;
pub mod runner;

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::config;
use crate::diag::Diag;
use crate::report::human::{self, Style};
use crate::source::{Sources, display_path};
use crate::workspace;

use self::case::Case;
use self::runner::Actual;
use super::Output;

/// Examples shown by `tickmark test --help`.
const EXAMPLES: &str = "\
Examples:
  tickmark test                          run every .case file under tests/ beside tickmark.toml
  tickmark test tests/cases/amazon.case  run one case
  tickmark test --accept                 store the new report of every failing case

A case file is a TOML header, the line `----- expected report`, then the report:

  rules = [\"../../rules\"]          # paths relative to the case file
  data = [\"../../data\"]
  args = [\"--deny\", \"warnings\"]    # optional: further `tickmark check` options
  exit = 1                         # optional (default 0): the expected exit code
  ----- expected report
  ...what `tickmark check --verbose` prints in the folder of tickmark.toml: the
  diagnostics, then every check on a line, passes included, with its values...

Reports are compared line by line; trailing spaces at line ends do not count. The cases run this
tickmark program, or the one the environment variable TICKMARK_BIN names.

Exit codes: 0 every case passed (or was accepted); 1 a case failed; 2 a case file is broken, or a
folder named holds no case.";

/// Arguments of `tickmark test`.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// Case files or folders; a folder stands for its `.case` files, recursively, in sorted order,
    /// and must hold one (default: `tests/` beside tickmark.toml).
    pub paths: Vec<PathBuf>,
    /// Store the actual report and exit code of every failing case in its case file; the header's
    /// comments are kept.
    #[arg(long)]
    pub accept: bool,
}

/// How one case went.
enum Outcome {
    Passed,
    Failed(Actual),
    Accepted,
}

/// Runs `tickmark test`.
pub fn run(args: Args, style: Style) -> Output {
    let mut sources = Sources::default();
    let (cases, searched) = match load(&args.paths, &mut sources) {
        Ok(found) => found,
        Err(diags) => return failure(&diags, &sources, style),
    };
    let mut out = String::new();
    let mut errors = Vec::new();
    let (mut passed, mut failed, mut accepted) = (0, 0, 0);
    for case in &cases {
        let shown = display_path(&case.path);
        match run_case(case, args.accept) {
            Ok(Outcome::Passed) => {
                passed += 1;
                let _ = writeln!(out, "{}   {shown}", paint(style, GREEN, "ok"));
            }
            Ok(Outcome::Failed(actual)) => {
                failed += 1;
                write_failure(&mut out, case, &shown, &actual, style);
            }
            Ok(Outcome::Accepted) => {
                accepted += 1;
                let _ = writeln!(out, "{} {shown}", paint(style, GREEN, "accepted"));
            }
            Err(diag) => errors.push(diag),
        }
    }
    finish(out, &errors, (passed, failed, accepted), searched, style)
}

/// The summary line, hints, and the exit code.
fn finish(
    mut out: String,
    errors: &[Diag],
    (passed, failed, accepted): (usize, usize, usize),
    searched: Option<String>,
    style: Style,
) -> Output {
    let _ = write!(out, "{passed} passed, {failed} failed");
    if accepted > 0 {
        let _ = write!(out, ", {accepted} accepted");
    }
    out.push('\n');
    let mut stderr = human::render_diags(errors, &Sources::default(), style);
    if passed + failed + accepted == 0 && errors.is_empty() {
        let place = searched.map_or_else(String::new, |s| format!(" under `{s}`"));
        let _ = writeln!(stderr, "warning: no `.case` files found{place}; `tickmark init` writes an example");
    }
    if failed > 0 {
        stderr
            .push_str("help: if the new reports are right, `tickmark test --accept` stores them in their case files\n");
    }
    let code = if !errors.is_empty() {
        2
    } else if failed > 0 {
        1
    } else {
        0
    };
    Output { stdout: out, stderr, code }
}

/// Runs one case; with `accept`, a failing case is rewritten with its actual report.
fn run_case(case: &Case, accept: bool) -> Result<Outcome, Diag> {
    let actual = runner::run(case)?;
    if actual.report == case.expected() && actual.exit == case.exit {
        return Ok(Outcome::Passed);
    }
    if !accept {
        return Ok(Outcome::Failed(actual));
    }
    let shown = display_path(&case.path);
    crate::fsutil::write_atomic(&case.path, &case.accepted(&actual.report, actual.exit))
        .map_err(|e| Diag::error("io", format!("cannot write `{shown}`: {e}")))?;
    Ok(Outcome::Accepted)
}

/// Prints a failed case: its name, the exit codes if they differ, and a unified diff of the reports.
fn write_failure(out: &mut String, case: &Case, shown: &str, actual: &Actual, style: Style) {
    let expected = case.expected();
    let new = if expected.is_empty() { " (new: no expected report yet)" } else { "" };
    let _ = writeln!(out, "{} {shown}{new}", paint(style, RED, "FAIL"));
    if actual.exit != case.exit {
        let _ = writeln!(out, "exit code: expected {}, found {}", case.exit, actual.exit);
    }
    if actual.report != expected {
        write_diff(out, &expected, &actual.report, style);
    }
    out.push('\n');
}

/// A unified diff of the expected and the actual report, coloured where the style has colour.
fn write_diff(out: &mut String, expected: &str, actual: &str, style: Style) {
    let text = crate::report::diff::unified(expected, actual, "expected", "actual");
    for (i, line) in text.lines().enumerate() {
        let color = match line.as_bytes().first() {
            _ if i < 2 => None,
            Some(b'-') => Some(RED),
            Some(b'+') => Some(GREEN),
            Some(b'@') => Some(CYAN),
            _ => None,
        };
        let _ = writeln!(out, "{}", color.map_or_else(|| line.to_owned(), |c| paint(style, c, line)));
    }
}

/// ANSI colours of the status words and diff lines.
const RED: &str = "31";
const GREEN: &str = "32";
const CYAN: &str = "36";

/// `text` in a colour, if the style has colour.
fn paint(style: Style, color: &str, text: &str) -> String {
    if style.color { format!("\x1b[{color}m{text}\x1b[0m") } else { text.to_owned() }
}

/// Writes a report of a failed run of the test command: the diagnostics and exit code 2.
fn failure(diags: &[Diag], sources: &Sources, style: Style) -> Output {
    let count = diags.len();
    let mut stderr = human::render_diags(diags, sources, style);
    let _ = writeln!(stderr, "error: the tests could not be run: {count} error{}", if count == 1 { "" } else { "s" });
    Output { stdout: String::new(), stderr, code: 2 }
}

/// Finds and parses the case files; also the folder searched by default, for the "none found" warning.
fn load(paths: &[PathBuf], sources: &mut Sources) -> Result<(Vec<Case>, Option<String>), Vec<Diag>> {
    let (files, searched) = find(paths)?;
    let mut cases = Vec::new();
    let mut errors = Vec::new();
    for path in files {
        let shown = display_path(&path);
        let parsed = workspace::read_text(&path, &shown)
            .map_err(|e| vec![e])
            .and_then(|text| case::parse(&path, shown, text, sources));
        match parsed {
            Ok(case) => cases.push(case),
            Err(e) => errors.extend(e),
        }
    }
    if errors.is_empty() { Ok((cases, searched)) } else { Err(errors) }
}

/// The case files named, each once, in the order given; by default those under `tests/` of the
/// rule repository.
fn find(paths: &[PathBuf]) -> Result<(Vec<PathBuf>, Option<String>), Vec<Diag>> {
    let (paths, searched) = if paths.is_empty() {
        let folder = default_folder()?;
        let shown = display_path(&folder);
        if !folder.is_dir() {
            return Ok((Vec::new(), Some(shown)));
        }
        (vec![folder], Some(shown))
    } else {
        (paths.to_vec(), None)
    };
    let mut seen = HashSet::new();
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in &paths {
        match workspace::expand(path, "case") {
            // A folder named on the command line that holds no case is a mistake (a mistyped path
            // in CI would pass silently); the default folder holding none is only worth a warning.
            Ok(found) if found.is_empty() && searched.is_none() => errors.push(no_cases_under(path)),
            Ok(found) => files.extend(found.into_iter().filter(|f| seen.insert(f.canonicalize().ok()))),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() { Ok((files, searched)) } else { Err(errors) }
}

/// A folder given as PATHS holds no case file.
fn no_cases_under(path: &Path) -> Diag {
    Diag::error("no-cases", format!("no `.case` files under `{}`", display_path(path))).with_help(
        "name case files, or folders that hold them; `tickmark test` with no paths runs those under tests/ \
         beside tickmark.toml",
    )
}

/// `tests/` beside the nearest `tickmark.toml`.
fn default_folder() -> Result<PathBuf, Vec<Diag>> {
    let cwd = std::env::current_dir().unwrap_or_default();
    match config::find(&cwd) {
        Some(found) => Ok(found.parent().unwrap_or(Path::new("")).join("tests")),
        None => {
            Err(vec![Diag::error("no-cases", "no case files given, and no `tickmark.toml` here or above").with_help(
                "run `tickmark test CASES`, or `tickmark init` to start a rule repository with a test case",
            )])
        }
    }
}
