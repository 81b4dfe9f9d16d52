//! `tickmark init`: a new rule repository, ready for checks and snapshot tests in CI.
//!
//! Writes an example rule file and data file, a GitHub Actions workflow that runs `tickmark check` and
//! `tickmark test`, `tickmark.toml`, and a test case whose expected report is made by running the
//! check on them (so it passes at once). `init` starts new repositories and never breaks an existing
//! one: a folder that holds a `tickmark.toml` is left as it is, a folder inside another repository's
//! rules or data is refused, the example is not mixed into a `rules/` or `data/` folder that holds
//! files already, and a file that exists is never overwritten: it is kept and reported.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::config;
use crate::diag::Diag;
use crate::report::human::{self, Style};
use crate::source::{self, Sources, display_path};

use super::Output;
use super::test::{case, runner};

/// Examples shown by `tickmark init --help`.
const EXAMPLES: &str = "\
Examples:
  tickmark init              start a rule repository in the current folder
  tickmark init acme-rules   start one in a new folder acme-rules/

It writes rules/example.tick, data/example.toml, .github/workflows/tickmark.yml (runs `tickmark check`
and `tickmark test` in CI), tickmark.toml and tests/cases/example.case (a snapshot test that passes).
A file that already exists is kept as it is. A folder that holds a tickmark.toml is a rule repository
already: init writes nothing there. Where rules/ and data/ hold files already, the example rules and
data are left out, and the test case checks the files that are there. Where only one of them holds
files, init writes nothing and exits 2: the check it would set up could not run.";

/// The files `init` writes, in order: the rules and data come before the test case, whose report is
/// made by checking them, and `tickmark.toml` just before it (a folder with a `tickmark.toml` is a
/// finished repository, so an interrupted `init` can be run again).
const FILES: [(&str, &str); 5] = [
    (RULES, include_str!("../../templates/init/example.tick")),
    (DATA, include_str!("../../templates/init/example.toml")),
    (".github/workflows/tickmark.yml", include_str!("../../templates/init/tickmark.yml")),
    (config::FILE_NAME, include_str!("../../templates/init/tickmark.toml")),
    (CASE, include_str!("../../templates/init/example.case")),
];

/// The example rule file and data file: they go together, as the rules are about the figures.
const RULES: &str = "rules/example.tick";
const DATA: &str = "data/example.toml";

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
    let dir = &args.dir;
    if dir.join(config::FILE_NAME).symlink_metadata().is_ok() {
        return Output::ok(already_a_repository(dir));
    }
    if let Some(diag) = inside_repository(dir).or_else(|| half_a_repository(dir)) {
        return failure(String::new(), &diag, style);
    }
    let skipped = skipped_examples(dir);
    let mut out = String::new();
    let mut warnings = String::new();
    for (name, template) in FILES {
        let path = dir.join(name);
        let shown = display_path(&path);
        let reason = skipped.as_ref().and_then(|(rules, data)| match name {
            RULES => Some(rules),
            DATA => Some(data),
            _ => None,
        });
        if let Some(reason) = reason.filter(|_| path.symlink_metadata().is_err()) {
            let _ = writeln!(out, "skipped {shown}: {reason}");
            continue;
        }
        let written =
            if name == CASE { create_case(&path, template, &mut warnings) } else { create(&path, &fill(template)) };
        let _ = match written {
            Ok(Written::Created) => writeln!(out, "created {shown}"),
            Ok(Written::Kept) => writeln!(out, "kept existing {shown}"),
            Err(diag) => return failure(out, &diag, style),
        };
    }
    out.push_str(&next_steps(dir));
    Output { stdout: out, stderr: warnings, code: 0 }
}

/// A folder as messages name it: `DIR`, or "this folder" for the current one.
fn folder_name(dir: &Path) -> String {
    match display_path(dir) {
        shown if shown.is_empty() => "this folder".to_owned(),
        shown => format!("`{shown}`"),
    }
}

/// What `init` says where `tickmark.toml` exists: nothing is written into a rule repository.
fn already_a_repository(dir: &Path) -> String {
    let config = display_path(&dir.join(config::FILE_NAME));
    format!(
        "{} is already a rule repository (`{config}`); init starts new ones, so it wrote nothing\n\
         to see the example, run `tickmark init` in a new folder and copy what you need\n",
        folder_name(dir)
    )
}

/// An error if the new repository would lie in the rules or data of an enclosing one: its rule
/// files or data files (`tickmark.toml` is a `.toml` too) would then be read by that repository's
/// `check` as well.
fn inside_repository(dir: &Path) -> Option<Diag> {
    let cwd = std::env::current_dir().ok()?;
    let dir = source::normalize(&cwd.join(dir));
    let found = config::find(dir.parent()?)?;
    let shown = display_path(&found);
    let enclosing = config::load(&found, shown.clone(), &mut Sources::default()).ok()?;
    let written = [dir.join(config::FILE_NAME), dir.join(RULES), dir.join(DATA)];
    let keyed = enclosing.rules.iter().map(|p| ("rules", p)).chain(enclosing.data.iter().map(|p| ("data", p)));
    let (key, path) =
        keyed.map(|(key, p)| (key, source::normalize(p))).find(|(_, p)| written.iter().any(|w| w.starts_with(p)))?;
    let message = format!(
        "{} is inside `{}`, where the rule repository of `{shown}` reads its {key}: its `check` would read the \
         new files too",
        folder_name(&dir),
        display_path(&path),
    );
    Some(Diag::error("init", message).with_help(
        "start the new rule repository outside that one's rules and data folders, or add your rules and data \
         to that repository",
    ))
}

/// An error where `rules/` holds files and `data/` none, or the other way round: the example is left
/// out there (see [`skipped_examples`]), so the `tickmark.toml` and test case written would set up a
/// check that cannot run. Nothing is written instead.
fn half_a_repository(dir: &Path) -> Option<Diag> {
    let holds = |file: &str| {
        let path = dir.join(file);
        holds_other_files(path.parent().unwrap_or(dir), &path)
    };
    let (with, without, missing) = match (holds(RULES), holds(DATA)) {
        (true, false) => ("rules", "data", "no figures to check the rules against"),
        (false, true) => ("data", "rules", "no rules to check the figures with"),
        _ => return None,
    };
    let at = |name: &str| display_path(&dir.join(name));
    let message = format!(
        "`{}/` holds files but `{}/` holds none: the check init would set up has {missing}",
        at(with),
        at(without)
    );
    Some(Diag::error("init", message).with_help(format!(
        "add your {without} files to `{}/` and run `tickmark init` again, or run it in an empty folder for a \
         working example; nothing was written",
        at(without)
    )))
}

/// Why the example rules and data are left out, if they are: a `rules/` or `data/` folder that holds
/// other files already, which the example would be checked with (and could clash with: two cells of
/// one name). The example's rules are about its figures, so both are left out together.
fn skipped_examples(dir: &Path) -> Option<(String, String)> {
    let holds = |file: &str| {
        let path = dir.join(file);
        let folder = path.parent().unwrap_or(dir);
        holds_other_files(folder, &path).then(|| format!("`{}/` holds files already", display_path(folder)))
    };
    match (holds(RULES), holds(DATA)) {
        (None, None) => None,
        (rules, data) => Some((
            rules.unwrap_or_else(|| "its rules are about the example figures, which are left out".to_owned()),
            data.unwrap_or_else(|| "its figures go with the example rules, which are left out".to_owned()),
        )),
    }
}

/// Whether a folder holds anything but `file` and hidden files (a `.gitkeep`).
fn holds_other_files(folder: &Path, file: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(folder) else { return false };
    entries.filter_map(Result::ok).any(|entry| {
        !entry.file_name().to_string_lossy().starts_with('.') && Some(entry.file_name().as_os_str()) != file.file_name()
    })
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
/// the check cannot be run, or cannot check the rules and data (exit 2: that report is an error, not
/// a baseline), the case is written without a report, so that it fails until accepted, and a warning
/// says how to add it.
fn create_case(path: &Path, header: &str, warnings: &mut String) -> Result<Written, Diag> {
    if path.symlink_metadata().is_ok() {
        return Ok(Written::Kept);
    }
    make_parent(path)?;
    let header = header.to_owned();
    let shown = display_path(path);
    let mut sources = Sources::default();
    let accept = format!("`tickmark test --accept {shown}`");
    let made = case::parse(path, shown.clone(), header.clone(), &mut sources)
        .map_err(|diags| {
            let rendered = human::render_diags(&diags, &sources, Style::default());
            format!("{rendered}warning: `{shown}` has no report: it fails until one is stored\n  {accept} stores it\n")
        })
        .and_then(|case| match runner::run(&case) {
            Ok(actual) if actual.exit == 2 => Err(format!(
                "warning: `tickmark check` could not check the rules and data (exit 2), so `{shown}` has no \
                 report: it fails until one is stored\n  run `tickmark check` to see why; once that is fixed, \
                 {accept} stores the report\n"
            )),
            Ok(actual) => Ok(case.accepted(&actual.report, actual.exit)),
            Err(diag) => Err(format!("warning: {}\n  {accept} stores its report\n", diag.message)),
        });
    let contents = made.unwrap_or_else(|why| {
        warnings.push_str(&why);
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
