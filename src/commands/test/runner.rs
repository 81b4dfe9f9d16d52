//! Running a case: `tickmark check --verbose` as a child process, in the folder of the case's rule
//! repository: its report lists every check, passes included, a line each with its values.
//!
//! Reports show file paths relative to the current folder, so a case runs with the current folder
//! set to its *base*: the folder of the nearest `tickmark.toml` at or above the case file (the
//! repository root), or else the case file's own folder. The expected report is then what
//! `tickmark check` prints there, whatever folder `tickmark test` was started from. A child process
//! (the running `tickmark` executable itself) is what lets each case have its own current folder,
//! and it is exactly what an analyst runs by hand. The program is `TICKMARK_BIN` where that is set,
//! else the running executable, whatever it is named (a release binary may be renamed), once it has
//! shown that it is tickmark: `--version` prints `tickmark ...`.

use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use crate::config;
use crate::diag::Diag;

use super::case::{self, Case};

/// What a case's run printed and how it exited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actual {
    /// Standard output, then standard error, as [`case::comparable`].
    pub report: String,
    pub exit: i32,
}

/// Runs `tickmark check` as the case says.
pub fn run(case: &Case) -> Result<Actual, Diag> {
    let cwd = std::env::current_dir().unwrap_or_default();
    let case_dir = crate::source::normalize(&cwd.join(case.path.parent().unwrap_or(Path::new(""))));
    let base = base(&case_dir);
    let relative = |paths: &[PathBuf]| -> Vec<PathBuf> {
        paths.iter().map(|p| relative_to(&crate::source::normalize(&cwd.join(p)), &base)).collect()
    };
    let output = Command::new(tickmark_exe()?)
        .arg("check")
        .args(relative(&case.rules))
        .arg("--data")
        .args(relative(&case.data))
        .args(&case.args)
        .args(ledger_flag(&case.args))
        .current_dir(&base)
        .env("NO_COLOR", "1")
        .output()
        .map_err(|e| spawn_error(&e))?;
    let Some(exit) = output.status.code() else {
        return Err(Diag::error("case", format!("`tickmark check` was stopped ({})", output.status)));
    };
    let mut report = String::from_utf8_lossy(&output.stdout).into_owned();
    report.push_str(&String::from_utf8_lossy(&output.stderr));
    Ok(Actual { report: case::comparable(&report), exit })
}

/// `--verbose`, so that the report lists every check with the values that decided it and a changed
/// passing figure shows as a changed line; not where the case asks for `--quiet` or `--verbose`
/// itself.
fn ledger_flag(args: &[String]) -> Option<&'static str> {
    let asked = args.iter().any(|a| matches!(a.as_str(), "--quiet" | "-q" | "--verbose" | "-v"));
    (!asked).then_some("--verbose")
}

/// The folder a case runs in: its repository's root, or else its own folder.
pub fn base(case_dir: &Path) -> PathBuf {
    config::find(case_dir).and_then(|p| p.parent().map(Path::to_path_buf)).unwrap_or_else(|| case_dir.to_path_buf())
}

/// The environment variable that names the `tickmark` program to run the cases with.
pub const BIN_VAR: &str = "TICKMARK_BIN";

/// The `tickmark` program that runs the cases, found once per process.
fn tickmark_exe() -> Result<PathBuf, Diag> {
    static EXE: OnceLock<Result<PathBuf, Diag>> = OnceLock::new();
    EXE.get_or_init(|| find_exe(std::env::var_os(BIN_VAR).filter(|v| !v.is_empty()))).clone()
}

/// `TICKMARK_BIN` if given, else the running executable. Under its own name the running executable is
/// taken as it is; under another (a renamed release binary, or a test harness calling the commands
/// in-process) it must show that it is tickmark, rather than be run with `check` arguments that
/// something else would read differently.
fn find_exe(bin: Option<OsString>) -> Result<PathBuf, Diag> {
    if let Some(bin) = bin {
        let bin = PathBuf::from(bin);
        // A path (not a bare name found on PATH) is made absolute: each case runs in its own folder.
        let bin = if bin.components().count() > 1 { std::path::absolute(&bin).unwrap_or(bin) } else { bin };
        return match is_tickmark(&bin) {
            Ok(true) => Ok(bin),
            Ok(false) => Err(not_tickmark(&bin, &format!("set {BIN_VAR} to the path of the `tickmark` binary"))),
            Err(e) => Err(Diag::error("case", format!("cannot run {BIN_VAR} `{}`: {e}", bin.display()))
                .with_help(format!("set {BIN_VAR} to the path of the `tickmark` binary, or unset it"))),
        };
    }
    let exe = std::env::current_exe().map_err(|e| spawn_error(&e))?;
    if exe.file_stem().is_some_and(|stem| stem == "tickmark") || is_tickmark(&exe).unwrap_or(false) {
        return Ok(exe);
    }
    Err(not_tickmark(&exe, &format!("run the cases with the `tickmark` binary, or set {BIN_VAR} to its path")))
}

/// Whether a program is tickmark: `PROGRAM --version` prints `tickmark VERSION`.
fn is_tickmark(program: &Path) -> std::io::Result<bool> {
    let output = Command::new(program).arg("--version").stdin(Stdio::null()).stderr(Stdio::null()).output()?;
    Ok(output.status.success() && output.stdout.starts_with(b"tickmark "))
}

/// A program that is not tickmark.
fn not_tickmark(program: &Path, help: &str) -> Diag {
    let message = format!("cannot run `tickmark check`: `{}` is not the tickmark program", program.display());
    Diag::error("case", message).with_help(help.to_owned())
}

/// The check could not be started.
fn spawn_error(e: &std::io::Error) -> Diag {
    Diag::error("case", format!("cannot run `tickmark check`: {e}"))
}

/// `path` relative to `base`, both absolute and normalized, with `..` where it lies outside.
fn relative_to(path: &Path, base: &Path) -> PathBuf {
    let (path_parts, base_parts): (Vec<_>, Vec<_>) = (path.components().collect(), base.components().collect());
    let common = path_parts.iter().zip(&base_parts).take_while(|(a, b)| a == b).count();
    if common == 0 {
        return path.to_path_buf();
    }
    let ups = std::iter::repeat_n(Component::ParentDir, base_parts.len() - common);
    let out: PathBuf = ups.chain(path_parts[common..].iter().copied()).collect();
    if out.as_os_str().is_empty() { PathBuf::from(".") } else { out }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::relative_to;

    #[test]
    fn paths_are_made_relative_to_the_base() {
        let rel = |p: &str, b: &str| relative_to(Path::new(p), Path::new(b));
        assert_eq!(rel("/repo/rules", "/repo"), PathBuf::from("rules"));
        assert_eq!(rel("/repo", "/repo"), PathBuf::from("."));
        assert_eq!(rel("/other/data", "/repo/sub"), PathBuf::from("../../other/data"));
        assert_eq!(crate::source::normalize(Path::new("/repo/tests/cases/../../rules")), PathBuf::from("/repo/rules"));
    }
}
