//! The rule repository's boundary: a `use` may name only files inside it.
//!
//! Rule repositories take pull requests, and CI runs `tickmark check` on them, so a rule file is
//! untrusted: `use "/etc/shadow"` or `use "../../../proc/self/environ"` must not read the file, let
//! alone quote it in a parse error. The root is the folder of the `tickmark.toml` nearest to a rule
//! path (at it or above), or else the path itself when it is a folder, or the folder of a rule file
//! named directly. A `use` path that is absolute, whose `..` leave the root, or that is (or passes
//! through) a link whose real target lies outside the root's real folder is refused at the `use`,
//! before the target is opened. So is a file found by walking a rule folder that is a link to a
//! file outside the root (a pull request can add such a link as easily as a `use`). Rule files
//! named on the command line and data paths are the user's own choice and are not bounded.

use std::path::{Path, PathBuf};

use crate::config;
use crate::diag::Diag;
use crate::source::{SourceId, Span, display_path, normalize};

/// The folder a run's rule files must stay in.
#[derive(Debug, Clone)]
pub struct Root {
    /// The root as an absolute path with `.` and `..` folded, links not followed.
    dir: PathBuf,
    /// The root with every link followed, to compare the real place of a file with.
    real: PathBuf,
    /// What makes it the root, in words: "the folder of `tickmark.toml`".
    why: &'static str,
}

/// Why a file may not be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Escape {
    /// `use "/etc/shadow"`
    Absolute,
    /// `use "../../secret.tick"`, where the `..` lead out of the root.
    Parent,
    /// `use "link.tick"`, a link (or a path through one) to a file outside the root.
    Link,
}

impl Root {
    /// The root for a rule path as given (a file or a folder).
    pub fn of(path: &Path) -> Root {
        let absolute = absolute(path);
        let folder = if absolute.is_dir() { absolute.clone() } else { parent(&absolute) };
        let (dir, why) = match config::find(&folder) {
            Some(found) => (parent(&found), "the folder of `tickmark.toml`"),
            None if absolute.is_dir() => (folder, "the rule folder given"),
            None => (folder, "the folder of the rule file given"),
        };
        let real = dir.canonicalize().unwrap_or_else(|_| dir.clone());
        Root { dir, real, why }
    }

    /// Whether `target` (a `use` path as written, relative to the folder `from`) stays inside the
    /// root, judged from the path alone: nothing is opened.
    pub fn check_written(&self, from: &Path, target: &str) -> Result<(), Escape> {
        if Path::new(target).is_absolute() || target.starts_with(['/', '\\']) {
            return Err(Escape::Absolute);
        }
        if normalize(&absolute(&from.join(target))).starts_with(&self.dir) { Ok(()) } else { Err(Escape::Parent) }
    }

    /// Whether a file's real place (`canonical`, every link followed) is inside the root's.
    pub fn holds_real(&self, canonical: &Path) -> bool {
        canonical.starts_with(&self.real)
    }

    /// The error for a `use` that leaves the root; it names the
    /// path as written and the root, and nothing of the file it would have led to.
    pub fn escape(&self, escape: Escape, written: &str, via: Option<(SourceId, Span)>) -> Diag {
        let (shown, written) = (self.shown(), crate::syntax::hidden::escape(written));
        let (message, label) = match escape {
            Escape::Absolute => (format!("`use` names an absolute path, `{written}`"), "an absolute path"),
            Escape::Parent => {
                (format!("`use` path `{written}` leads out of the rule repository `{shown}`"), "leaves the repository")
            }
            Escape::Link => (
                format!("`{written}` is a link to a file outside the rule repository `{shown}`"),
                "a link out of the repository",
            ),
        };
        let help = format!(
            "a rule file may use only files inside its rule repository, `{shown}` ({}); \
             a `use` path is relative to the folder of the file that names it",
            self.why
        );
        let diag = Diag::error("use-outside", message).with_help(help);
        match via {
            Some((file, span)) => diag.in_file(file).primary(span, label),
            None => diag,
        }
    }

    /// The error for a file found in a rule folder that is a link to a file outside the repository:
    /// it names the link and the root, and nothing of the file it leads to.
    pub fn walked_out(&self, link: &str) -> Diag {
        let (shown, link) = (self.shown(), crate::escape::escape_controls(link));
        Diag::error("use-outside", format!("`{link}` is a link to a file outside the rule repository `{shown}`"))
            .with_help(format!(
                "a rule folder may hold links only to files inside its rule repository, `{shown}` ({}); \
                 name a file outside it on the command line if it is meant",
                self.why
            ))
    }

    /// The root as reports show it: relative to the current folder, `.` for the folder itself.
    fn shown(&self) -> String {
        let shown = display_path(&self.dir);
        if shown.is_empty() { ".".to_owned() } else { shown }
    }
}

/// A path made absolute against the current folder, `.` and `..` folded.
fn absolute(path: &Path) -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_default();
    normalize(&cwd.join(path))
}

/// The folder holding a path (the path itself for a root such as `/`).
fn parent(path: &Path) -> PathBuf {
    path.parent().map_or_else(|| path.to_path_buf(), Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::{Escape, Root};
    use std::path::{Path, PathBuf};

    /// A root at `/repo`, whatever is on disk.
    fn root() -> Root {
        Root { dir: PathBuf::from("/repo"), real: PathBuf::from("/repo"), why: "test" }
    }

    #[test]
    fn a_written_path_stays_inside_or_is_refused_without_opening_anything() {
        let from = Path::new("/repo/rules/amazon");
        assert_eq!(root().check_written(from, "../core/cells.tick"), Ok(()));
        assert_eq!(root().check_written(from, "../../rules/./core/x.tick"), Ok(()));
        assert_eq!(root().check_written(from, "/etc/shadow"), Err(Escape::Absolute));
        assert_eq!(root().check_written(from, "../../../proc/self/environ"), Err(Escape::Parent));
        assert_eq!(root().check_written(from, "../../../repo/x.tick"), Ok(()));
        assert_eq!(root().check_written(from, "../../../repository/x.tick"), Err(Escape::Parent));
    }
}
