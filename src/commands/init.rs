//! `tickmark init`: a new rule repository, ready for checks and snapshot tests in CI.
//!
//! Writes `tickmark.toml`, an example rule file and data file, a test case whose expected report is
//! made by running the check on them (so it passes at once), and a GitHub Actions workflow that runs
//! `tickmark check` and `tickmark test`. A file that exists is never overwritten: it is kept and
//! reported.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::diag::Diag;
use crate::report::human::{self, Style};
use crate::source::{Sources, display_path};

use super::Output;
use super::test::{case, runner};

/// Examples shown by `tickmark init --help`.
const EXAMPLES: &str = "\
Examples:
  tickmark init              start a rule repository in the current folder
  tickmark init acme-rules   start one in a new folder acme-rules/

It writes tickmark.toml, rules/example.tick, data/example.toml, tests/cases/example.case (a snapshot
test that passes) and .github/workflows/tickmark.yml (runs `tickmark check` and `tickmark test` in CI).
A file that already exists is kept as it is.";

/// The files `init` writes, in order: the rules and data come before the test case, whose report is
/// made by checking them.
const FILES: [(&str, &str); 5] = [
    ("tickmark.toml", include_str!("../../templates/init/tickmark.toml")),
    ("rules/example.tick", include_str!("../../templates/init/example.tick")),
    ("data/example.toml", include_str!("../../templates/init/example.toml")),
    (CASE, include_str!("../../templates/init/example.case")),
    (".github/workflows/tickmark.yml", include_str!("../../templates/init/tickmark.yml")),
];

/// The test case: its template is the header, and the report is added by running the check.
const CASE: &str = "tests/cases/example.case";

/// Arguments of `tickmark init`.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// The folder of the new rule repository, created if missing.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
}

/// What happened to one file.
enum Written {
    Created,
    Kept,
}

/// Runs `tickmark init`.
pub fn run(args: Args, style: Style) -> Output {
    let mut out = String::new();
    let mut warnings = String::new();
    for (name, template) in FILES {
        let path = args.dir.join(name);
        let written =
            if name == CASE { create_case(&path, template, &mut warnings) } else { create(&path, &fill(template)) };
        let shown = display_path(&path);
        let _ = match written {
            Ok(Written::Created) => writeln!(out, "created {shown}"),
            Ok(Written::Kept) => writeln!(out, "kept existing {shown}"),
            Err(diag) => return failure(out, &diag, style),
        };
    }
    out.push_str(&next_steps(&args.dir));
    Output { stdout: out, stderr: warnings, code: 0 }
}

/// A template with tickmark's repository filled in (the workflow's), where this build knows it.
fn fill(template: &str) -> String {
    template.replace("{{repository}}", env!("CARGO_PKG_REPOSITORY"))
}

/// Writes a new file, with its folders; an existing file is kept. The contents go to a temporary file
/// first, which is then linked in under the file's name: that fails rather than replace a file made
/// meanwhile, and a crash never leaves half a file that a second `init` would keep.
fn create(path: &Path, contents: &str) -> Result<Written, Diag> {
    if path.symlink_metadata().is_ok() {
        return Ok(Written::Kept);
    }
    make_parent(path)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temp = path.with_file_name(format!(".{name}.tickmark-{}.tmp", std::process::id()));
    let linked = write_synced(&temp, contents).and_then(|()| std::fs::hard_link(&temp, path));
    let _ = std::fs::remove_file(&temp);
    match linked {
        Ok(()) => Ok(Written::Created),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(Written::Kept),
        Err(_) => create_new(path, contents),
    }
}

/// Writes a file and flushes it to disk.
fn write_synced(path: &Path, contents: &str) -> std::io::Result<()> {
    let mut file = std::fs::File::create(path)?;
    file.write_all(contents.as_bytes())?;
    file.sync_all()
}

/// Writes a new file in place, where the file system has no hard links; an existing file is kept.
fn create_new(path: &Path, contents: &str) -> Result<Written, Diag> {
    let file = std::fs::OpenOptions::new().write(true).create_new(true).open(path);
    let written = file.and_then(|mut f| f.write_all(contents.as_bytes()).and_then(|()| f.sync_all()));
    match written {
        Ok(()) => Ok(Written::Created),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(Written::Kept),
        Err(e) => Err(io_error(path, &e)),
    }
}

/// Makes the folder a file goes in.
fn make_parent(path: &Path) -> Result<(), Diag> {
    match path.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(dir) => std::fs::create_dir_all(dir).map_err(|e| io_error(dir, &e)),
        None => Ok(()),
    }
}

/// Writes the example case with the report the check prints for it; an existing case is kept. Where
/// the check cannot be run, the case is written without a report and a warning says how to add it.
fn create_case(path: &Path, header: &str, warnings: &mut String) -> Result<Written, Diag> {
    if path.symlink_metadata().is_ok() {
        return Ok(Written::Kept);
    }
    make_parent(path)?;
    let header = header.to_owned();
    let mut sources = Sources::default();
    let made = case::parse(path, display_path(path), header.clone(), &mut sources)
        .map_err(|diags| human::render_diags(&diags, &sources, Style::default()))
        .and_then(|case| match runner::run(&case) {
            Ok(actual) => Ok(case.accepted(&actual.report, actual.exit)),
            Err(diag) => Err(diag.message),
        });
    let contents = made.unwrap_or_else(|why| {
        let shown = display_path(path);
        let _ = writeln!(warnings, "warning: {why}\n  run `tickmark test --accept {shown}` to store its report");
        header
    });
    create(path, &contents)
}

/// What to do next, in the new repository.
fn next_steps(dir: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    let mut out = String::from("\nnext steps:\n");
    if cwd.join(dir).canonicalize().ok() != cwd.canonicalize().ok() {
        let _ = writeln!(out, "  cd {}", display_path(dir));
    }
    out.push_str(
        "  tickmark check            check the rules in rules/ against the data in data/
  tickmark test             run the snapshot tests: the .case files under tests/
  tickmark test --accept    after changing a rule or a figure on purpose, store the new reports
  tickmark check --help     more options: --entity, --period, --rule, --format json, --deny warnings
",
    );
    if env!("CARGO_PKG_REPOSITORY").is_empty() {
        out.push_str("  set TICKMARK_GIT in .github/workflows/tickmark.yml to the git URL of tickmark's source\n");
    }
    out.push_str("  commit and push to GitHub: the workflow runs `tickmark check` and `tickmark test` on every push\n");
    out
}

/// A file or folder that could not be written.
fn io_error(path: &Path, e: &std::io::Error) -> Diag {
    Diag::error("io", format!("cannot write `{}`: {e}", display_path(path)))
        .with_help("choose a folder you can write to: `tickmark init DIR`")
}

/// `init` could not be finished: what was written, the diagnostic, exit code 2.
fn failure(stdout: String, diag: &Diag, style: Style) -> Output {
    let mut stderr = human::render_diags(std::slice::from_ref(diag), &Sources::default(), style);
    stderr.push_str("error: the rule repository could not be written\n");
    Output { stdout, stderr, code: 2 }
}
