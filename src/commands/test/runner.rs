//! Running a case: `tickmark check` as a child process, in the folder of the case's rule repository.
//!
//! Reports show file paths relative to the current folder, so a case runs with the current folder
//! set to its *base*: the folder of the nearest `tickmark.toml` at or above the case file (the
//! repository root), or else the case file's own folder. The expected report is then what
//! `tickmark check` prints there, whatever folder `tickmark test` was started from. A child process
//! (the running `tickmark` executable itself) is what lets each case have its own current folder,
//! and it is exactly what an analyst runs by hand.

use std::path::{Component, Path, PathBuf};
use std::process::Command;

use crate::config;
use crate::diag::Diag;

use super::case::Case;

/// What a case's run printed and how it exited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actual {
    /// Standard output, then standard error.
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
        .current_dir(&base)
        .env("NO_COLOR", "1")
        .output()
        .map_err(|e| spawn_error(&e))?;
    let Some(exit) = output.status.code() else {
        return Err(Diag::error("case", format!("`tickmark check` was stopped ({})", output.status)));
    };
    let mut report = String::from_utf8_lossy(&output.stdout).into_owned();
    report.push_str(&String::from_utf8_lossy(&output.stderr));
    Ok(Actual { report, exit })
}

/// The folder a case runs in: its repository's root, or else its own folder.
pub fn base(case_dir: &Path) -> PathBuf {
    config::find(case_dir).and_then(|p| p.parent().map(Path::to_path_buf)).unwrap_or_else(|| case_dir.to_path_buf())
}

/// The running `tickmark` executable. Anything else (a test harness calling the commands in-process)
/// is refused rather than run with `check` arguments it would read differently.
fn tickmark_exe() -> Result<PathBuf, Diag> {
    let exe = std::env::current_exe().map_err(|e| spawn_error(&e))?;
    if exe.file_stem().is_some_and(|stem| stem == "tickmark") {
        return Ok(exe);
    }
    let message = format!("cannot run `tickmark check`: `{}` is not the tickmark program", exe.display());
    Err(Diag::error("case", message).with_help("run the cases with the `tickmark` binary: `tickmark test`"))
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
