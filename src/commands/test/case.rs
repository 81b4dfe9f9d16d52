//! Case files: a TOML header that names a `check` run, the separator line, then the report that run
//! should print, verbatim.
//!
//! ```text
//! # the shipped pack, with the claims' failures made errors
//! rules = ["../../rules"]          # rule files and folders, relative to this file
//! data = ["../../data"]            # data files and folders, relative to this file
//! args = ["--deny", "warnings"]    # optional: further `check` arguments
//! exit = 1                         # optional (default 0): the exit code the run should end with
//! ----- expected report
//! summary: ...
//! ```

use std::ops::Range;
use std::path::{Path, PathBuf};

use clap::Parser as _;
use serde::Deserialize;
use toml::Spanned;

use crate::cli::{Cli, Command};
use crate::diag::Diag;
use crate::source::{SourceId, Sources, Span};

/// The line between a case's header and its expected report.
pub const SEPARATOR: &str = "----- expected report";

/// What a case file's header may say, shown in every header diagnostic.
const HEADER_HELP: &str = "a case file starts with `rules = [...]` and `data = [...]` (paths relative to the case \
    file), optionally `args = [...]` and `exit = 0`, then the line `----- expected report`";

/// One parsed case file.
#[derive(Debug, Clone)]
pub struct Case {
    /// The path as given.
    pub path: PathBuf,
    /// The whole text of the file.
    pub text: String,
    /// Rule files and folders, resolved against the case file's folder.
    pub rules: Vec<PathBuf>,
    /// Data files and folders, resolved against the case file's folder.
    pub data: Vec<PathBuf>,
    /// Further arguments of `tickmark check`.
    pub args: Vec<String>,
    /// The exit code the run should end with.
    pub exit: i32,
    /// Where `exit`'s value is written, if it is.
    pub exit_span: Option<Range<usize>>,
    /// Where the separator line starts.
    pub separator: usize,
    /// Where the expected report starts: just after the separator line.
    pub body: usize,
}

/// The header as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHeader {
    rules: Spanned<Vec<Spanned<String>>>,
    data: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    args: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    exit: Option<Spanned<i64>>,
}

impl Case {
    /// The expected report, as [`comparable`]: what an editor does to line ends does not count.
    pub fn expected(&self) -> String {
        comparable(&self.text[self.body..])
    }

    /// The file with the expected report and exit code replaced; the header's comments are kept. The
    /// report is stored as [`comparable`], without the trailing spaces an editor would trim.
    pub fn accepted(&self, report: &str, exit: i32) -> String {
        let mut header = self.text[..self.body].to_owned();
        if exit != self.exit {
            match &self.exit_span {
                Some(span) => header.replace_range(span.clone(), &exit.to_string()),
                None => header.insert_str(self.separator, &format!("exit = {exit}\n")),
            }
        }
        if !header.ends_with('\n') {
            header.push('\n');
        }
        header + &comparable(report)
    }
}

/// A report as cases compare it: each line without its trailing whitespace (reports have lines ending
/// in spaces, which editors and pre-commit hooks trim) and with `\r\n` read as `\n`, every line ended
/// by `\n`, and no blank lines at the end.
pub fn comparable(report: &str) -> String {
    let mut out = String::with_capacity(report.len());
    for line in report.lines() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    let end = out.trim_end().len();
    out.truncate(end);
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

/// Parses a case file; `shown` is its name in diagnostics.
pub fn parse(path: &Path, shown: String, text: String, sources: &mut Sources) -> Result<Case, Vec<Diag>> {
    let file = sources.add(shown, text.as_str());
    let (separator, body) = find_separator(&text, file)?;
    let raw: RawHeader = toml::from_str(&text[..separator]).map_err(|e| {
        let span = e.span().map_or(Span::new(0, 0), |r| Span::new(r.start, r.end));
        let mut diag = header_error(e.message(), file, span, "here");
        if let Some(best) = unknown_key(e.message()) {
            diag = diag.with_help(format!("did you mean `{best}`?"));
        }
        vec![diag]
    })?;
    let dir = path.parent().unwrap_or(Path::new(""));
    let mut errors = Vec::new();
    let rules = resolve(&raw.rules, "rules", dir, file, &mut errors);
    let data = resolve(&raw.data, "data", dir, file, &mut errors);
    let args = raw.args.map(|a| check_args(a, file, &mut errors)).unwrap_or_default();
    let exit = raw.exit.as_ref().map_or(0, |e| exit_code(e, file, &mut errors));
    if !errors.is_empty() {
        return Err(errors);
    }
    let exit_span = raw.exit.map(|e| e.span());
    Ok(Case { path: path.to_path_buf(), text, rules, data, args, exit, exit_span, separator, body })
}

/// The start of the separator line and of the line after it.
fn find_separator(text: &str, file: SourceId) -> Result<(usize, usize), Vec<Diag>> {
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_end();
        if trimmed == SEPARATOR {
            return Ok((start, start + line.len()));
        }
        if trimmed.starts_with("-----") {
            let span = Span::new(start, start + trimmed.len());
            let message = format!("expected `{SEPARATOR}`, found `{trimmed}`");
            return Err(vec![header_error(&message, file, span, "this line")]);
        }
        start += line.len();
    }
    let end = text.trim_end().len();
    let diag = Diag::error("case", format!("no `{SEPARATOR}` line in this case file"))
        .in_file(file)
        .primary(Span::new(end, end), "the header ends here")
        .with_help(format!(
            "after the header, write the line `{SEPARATOR}`; below it `tickmark test --accept` stores the report"
        ));
    Err(vec![diag])
}

/// A diagnostic about the header, with the help that says what a header holds.
fn header_error(message: &str, file: SourceId, span: Span, label: &str) -> Diag {
    Diag::error("case", message.to_owned()).in_file(file).primary(span, label).with_help(HEADER_HELP)
}

/// The known key nearest to an unknown one, from the message "unknown field `rule`, ...".
fn unknown_key(message: &str) -> Option<&'static str> {
    let name = message.strip_prefix("unknown field `")?.split('`').next()?;
    crate::suggest::did_you_mean(name, ["rules", "data", "args", "exit"])
}

/// The name of an existing sibling nearest to a path that does not exist.
fn nearest_sibling(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_string_lossy().into_owned();
    let entries = std::fs::read_dir(path.parent()?).ok()?;
    let names: Vec<String> =
        entries.filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned())).collect();
    crate::suggest::did_you_mean(&name, names.iter().map(String::as_str)).map(str::to_owned)
}

/// Resolves `rules` or `data` against the case's folder; each path must exist and the list must not be empty.
fn resolve(
    paths: &Spanned<Vec<Spanned<String>>>,
    key: &str,
    dir: &Path,
    file: SourceId,
    errors: &mut Vec<Diag>,
) -> Vec<PathBuf> {
    let span = |s: &Range<usize>| Span::new(s.start, s.end);
    if paths.get_ref().is_empty() {
        let what = if key == "rules" { "rule" } else { "data" };
        errors.push(
            Diag::error("case", format!("`{key}` names no {what} file or folder"))
                .in_file(file)
                .primary(span(&paths.span()), "empty")
                .with_help(format!("name at least one, relative to the case file: `{key} = [\"../../{key}\"]`")),
        );
    }
    let mut out = Vec::new();
    for path in paths.get_ref() {
        let resolved = dir.join(path.get_ref());
        if !resolved.exists() {
            let help = match nearest_sibling(&resolved) {
                Some(best) => format!("did you mean `{best}`? paths in a case file are relative to its folder"),
                None => "paths in a case file are relative to the case file's folder".to_owned(),
            };
            errors.push(
                Diag::error("case", format!("`{}` does not exist", path.get_ref()))
                    .in_file(file)
                    .primary(span(&path.span()), "no such file or folder")
                    .with_help(help),
            );
        }
        out.push(resolved);
    }
    out
}

/// Checks `args` as `tickmark check` would read them; rule and data paths belong in `rules` and `data`.
fn check_args(args: Spanned<Vec<String>>, file: SourceId, errors: &mut Vec<Diag>) -> Vec<String> {
    let span = Span::new(args.span().start, args.span().end);
    let words = ["tickmark", "check"].into_iter().map(str::to_owned).chain(args.get_ref().iter().cloned());
    let problem = match Cli::try_parse_from(words) {
        Ok(Cli { command: Command::Check(check) }) if check.inputs.paths.is_empty() && check.inputs.data.is_empty() => {
            None
        }
        Ok(_) => Some(("`args` names rule or data paths".to_owned(), None)),
        Err(e) => Some(clap_problem(&e)),
    };
    if let Some((message, tip)) = problem {
        let help = tip.unwrap_or_else(|| {
            "`args` holds options of `tickmark check`: --entity, --period, --rule, --format, --deny; \
             rule and data paths go in `rules` and `data`"
                .to_owned()
        });
        errors.push(Diag::error("case", message).in_file(file).primary(span, "these arguments").with_help(help));
    }
    args.into_inner()
}

/// The message and tip of a command-line error, without clap's usage lines.
fn clap_problem(error: &clap::Error) -> (String, Option<String>) {
    use clap::error::ErrorKind;
    if matches!(error.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        return ("`args` asks for help or the version, not for a check".to_owned(), None);
    }
    let text = error.render().to_string();
    let mut lines = text.lines();
    let first = lines.next().unwrap_or_default();
    let message = format!("in `args`: {}", first.strip_prefix("error: ").unwrap_or(first));
    let tip = lines.map(str::trim).find(|l| l.starts_with("tip: ") || l.starts_with("[possible values"));
    let tip = tip.map(|t| t.trim_start_matches("tip: ").trim_start_matches('[').trim_end_matches(']').to_owned());
    (message, tip)
}

/// `exit` is an exit code of `tickmark check`: 0, 1 or 2.
fn exit_code(exit: &Spanned<i64>, file: SourceId, errors: &mut Vec<Diag>) -> i32 {
    match *exit.get_ref() {
        code @ 0..=2 => code as i32,
        other => {
            let span = Span::new(exit.span().start, exit.span().end);
            errors.push(
                Diag::error("case", format!("`exit` is 0, 1 or 2, found {other}"))
                    .in_file(file)
                    .primary(span, "not an exit code of `tickmark check`")
                    .with_help("0: no error rule failed; 1: an error rule failed; 2: the run could not be made"),
            );
            0
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::{Case, parse};
    use crate::source::Sources;

    /// A case in the repository's `tests/cases/`, parsed from `text`.
    fn case(text: &str) -> Case {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/unit.case");
        parse(&path, "unit.case".into(), text.into(), &mut Sources::default()).unwrap()
    }

    #[test]
    fn accepting_replaces_the_report_and_the_exit_value_only() {
        let header = "# keep me\nrules = [\"../../rules\"]\ndata = [\"../../data\"]\nexit = 0   # and me\n----- expected report\n";
        let case = case(&format!("{header}old report\n"));
        assert_eq!(case.expected(), "old report\n");
        assert_eq!(case.accepted("new\n", 0), format!("{header}new\n"));
        assert_eq!(case.accepted("new\n", 1), format!("{}new\n", header.replace("exit = 0", "exit = 1")));
    }

    #[test]
    fn accepting_a_new_exit_code_adds_the_key_before_the_separator() {
        let case = case("rules = [\"../../rules\"]\ndata = [\"../../data\"]\n----- expected report\n");
        assert_eq!(case.exit, 0);
        assert_eq!(
            case.accepted("r\n", 2),
            "rules = [\"../../rules\"]\ndata = [\"../../data\"]\nexit = 2\n----- expected report\nr\n"
        );
    }

    #[test]
    fn windows_line_endings_are_read_as_newlines() {
        let case = case("rules = [\"../../rules\"]\r\ndata = [\"../../data\"]\r\n----- expected report\r\na\r\nb\r\n");
        assert_eq!(case.expected(), "a\nb\n");
    }

    #[test]
    fn reports_compare_without_trailing_whitespace() {
        use super::comparable;
        assert_eq!(comparable(" 29 │ \n  a\t\r\nb"), " 29 │\n  a\nb\n", "leading spaces count, trailing ones not");
        assert_eq!(comparable("a\n\n  \n"), "a\n", "nor blank lines at the end");
        assert_eq!(comparable("\n"), "");
        let case = case("rules = [\"../../rules\"]\ndata = [\"../../data\"]\n----- expected report\n 1 │  \nx\n");
        assert_eq!(case.expected(), " 1 │\nx\n");
        assert!(case.accepted(" 1 │ \ny  \n", 0).ends_with("----- expected report\n 1 │\ny\n"), "stored trimmed");
    }

    #[test]
    fn only_the_tickmark_program_runs_cases() {
        let case = case("rules = [\"../../rules\"]\ndata = [\"../../data\"]\n----- expected report\n");
        let error = super::super::runner::run(&case).unwrap_err();
        assert!(error.message.contains("is not the tickmark program"), "{}", error.message);
    }
}
