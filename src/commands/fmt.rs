//! `tickmark fmt`: rewrites rule files in the canonical layout of [`crate::fmt`], or with `--check`
//! shows what it would change.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::PathBuf;

use crate::config;
use crate::diag::Diag;
use crate::fsutil::{AsRead, Refused, TextFile, read_source_noting_bom, write_if_unchanged};
use crate::report::human::{Style, render_diags};
use crate::source::{Sources, display_path};
use crate::workspace;

use super::Output;

/// Arguments of `tickmark fmt`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    tickmark fmt                        the rule paths of ./tickmark.toml (else this folder)\n  \
    tickmark fmt rules/amazon/q4.tick   one file\n  \
    tickmark fmt --check rules          exit 1 with a diff if a file is not formatted (for CI)\n\n\
    Exit codes: 0 every file is formatted (or was just formatted); 1 with --check, a file would\n\
    change; 2 a file does not parse (nothing is written) or cannot be read or written. A file that\n\
    changed since it was read, or that has other hard links (a rename would split them), is left as\n\
    it is and named.")]
pub struct Args {
    /// Rule files or folders (folders: their `.tick` files, recursively; default: `rules` of
    /// tickmark.toml, else the current folder).
    pub paths: Vec<PathBuf>,
    /// Change nothing: show a diff of each file that would change, and exit 1 if any would.
    #[arg(long)]
    pub check: bool,
}

/// A rule file read and formatted.
struct Formatted {
    path: PathBuf,
    shown: String,
    before: String,
    after: String,
    /// The file as it was read: it is written only if it still is.
    read: AsRead,
}

/// Runs `tickmark fmt`.
pub fn run(args: Args, style: Style) -> Output {
    let mut sources = Sources::default();
    let files = match files(&args.paths, &mut sources).and_then(|paths| format_all(&paths, &mut sources)) {
        Ok(files) => files,
        Err(diags) => return failure(&diags, &sources, style),
    };
    let changed: Vec<&Formatted> = files.iter().filter(|f| f.before != f.after).collect();
    if args.check {
        return check(&changed, files.len(), style);
    }
    let mut stdout = String::new();
    let mut errors = Vec::new();
    for file in &changed {
        match write_if_unchanged(&file.path, &file.after, &file.read) {
            Ok(()) => _ = writeln!(stdout, "formatted {}", file.shown),
            Err(e) => errors.push(not_written(&file.shown, &e)),
        }
    }
    let written = changed.len() - errors.len();
    stdout.push_str(&summary(written, files.len() - changed.len(), "formatted", "unchanged"));
    if errors.is_empty() {
        return Output::ok(stdout);
    }
    Output { stdout, stderr: render_diags(&errors, &sources, style), code: 2 }
}

/// The error for a file not written, with what to do about it.
fn not_written(shown: &str, why: &Refused) -> Diag {
    let diag = Diag::error("io", format!("cannot write `{shown}`: {why}"));
    match why {
        Refused::Changed => {
            diag.with_help("it was left as it is now; run `tickmark fmt` again to format what it holds")
        }
        Refused::Linked(_) => diag.with_help(
            "tickmark replaces a file by renaming a new one over it, which would leave the other links with the \
             old text; format a copy, or apply the diff of `tickmark fmt --check`",
        ),
        Refused::Io(_) => diag,
    }
}

/// The rule files to format: the paths given, else those of `tickmark.toml`, else this folder.
fn files(given: &[PathBuf], sources: &mut Sources) -> Result<Vec<PathBuf>, Vec<Diag>> {
    let paths = if given.is_empty() { default_paths(sources)? } else { given.to_vec() };
    let mut files = Vec::new();
    let mut seen = HashSet::new();
    let mut errors = Vec::new();
    for path in &paths {
        match workspace::expand(path, "tick") {
            Ok(found) => files.extend(found.into_iter().filter(|f| seen.insert(f.canonicalize().unwrap_or(f.clone())))),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() { Ok(files) } else { Err(errors) }
}

/// The `rules` paths of the nearest `tickmark.toml`, or the current folder.
fn default_paths(sources: &mut Sources) -> Result<Vec<PathBuf>, Vec<Diag>> {
    let cwd = std::env::current_dir().unwrap_or_default();
    match config::find(&cwd) {
        Some(found) => Ok(config::load(&found, display_path(&found), sources)?.rules),
        None => Ok(vec![PathBuf::from(".")]),
    }
}

/// Reads and formats every file; the diagnostics of all that cannot be read or do not parse.
fn format_all(paths: &[PathBuf], sources: &mut Sources) -> Result<Vec<Formatted>, Vec<Diag>> {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        let shown = display_path(path);
        let (id, bom) = match read_source_noting_bom(path, shown.clone(), TextFile::Rules, sources) {
            Ok(id) => id,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        // the formatter keeps a byte order mark, and does not parse it
        let text = &sources.get(id).text();
        let before = if bom { format!("\u{FEFF}{text}") } else { text.to_string() };
        let read = match AsRead::of(path, before.as_bytes()) {
            Ok(read) => read,
            Err(e) => {
                errors.push(crate::fsutil::cannot_read(&shown, &e));
                continue;
            }
        };
        match crate::fmt::format(&before, id) {
            Ok(after) => files.push(Formatted { path: path.clone(), shown, before, after, read }),
            Err(diags) => errors.extend(diags.into_iter().map(|d| named(d, &shown))),
        }
    }
    if errors.is_empty() { Ok(files) } else { Err(errors) }
}

/// Names the file in a diagnostic that points nowhere (the formatter's internal errors).
fn named(diag: Diag, shown: &str) -> Diag {
    if diag.file.is_some() { diag } else { diag.note(format!("while formatting `{shown}`")) }
}

/// `--check`: a diff for each file that would change; exit 1 if any would.
fn check(changed: &[&Formatted], total: usize, style: Style) -> Output {
    let mut stdout = String::new();
    for file in changed {
        stdout.push_str(&diff(file, style));
    }
    let summary = summary(changed.len(), total - changed.len(), "would be reformatted", "already formatted");
    stdout.push_str(&summary);
    Output { stdout, stderr: String::new(), code: i32::from(!changed.is_empty()) }
}

/// A unified diff of a file's text and its formatted text, the file named in both headers.
fn diff(file: &Formatted, style: Style) -> String {
    let unified = crate::report::diff::unified(&file.before, &file.after, &file.shown, &file.shown);
    if !style.color {
        return unified;
    }
    let mut out = String::new();
    for (i, line) in unified.lines().enumerate() {
        let colour = match line.as_bytes().first() {
            _ if i < 2 => "1",
            Some(b'-') => "31",
            Some(b'+') => "32",
            Some(b'@') => "36",
            _ => "",
        };
        match colour {
            "" => _ = writeln!(out, "{line}"),
            c => _ = writeln!(out, "\x1b[{c}m{line}\x1b[0m"),
        }
    }
    out
}

/// `1 file formatted, 7 unchanged`.
fn summary(done: usize, rest: usize, done_word: &str, rest_word: &str) -> String {
    let files = |n: usize| if n == 1 { "1 file".to_owned() } else { format!("{n} files") };
    format!("{} {done_word}, {rest} {rest_word}\n", files(done))
}

/// Files that cannot be read or do not parse: their diagnostics, nothing written, exit code 2.
fn failure(diags: &[Diag], sources: &Sources, style: Style) -> Output {
    let mut stderr = render_diags(diags, sources, style);
    let count = diags.len();
    let _ = writeln!(stderr, "error: nothing was formatted: {count} error{}", if count == 1 { "" } else { "s" });
    Output { stdout: String::new(), stderr, code: 2 }
}
