//! Loading a run's inputs: rule files with their `use`s, and data files into sheets.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::check::RuleFile;
use crate::diag::Diag;
use crate::fsutil::{TextFile, cannot_read, read_source, walk};
use crate::source::{SourceId, Sources, Span, display_path};
use crate::syntax::ast::Item;

mod root;

pub use root::{Escape, Root};

/// Loads rule files and folders (`.tick` files in them, recursively, in sorted order, as [`expand`]
/// finds them), following `use` paths relative to the file that names them; each file is loaded once.
/// Every file a `use` names must lie inside the rule repository of the path it was reached from
/// ([`Root`]): a `use` that leaves it is an error at the `use`, and the file is never opened.
pub fn load_rules(paths: &[PathBuf], sources: &mut Sources) -> Result<Vec<RuleFile>, Vec<Diag>> {
    let mut loader = Loader { sources, files: Vec::new(), done: HashSet::new(), stack: Vec::new(), errors: Vec::new() };
    for path in paths {
        let root = Root::of(path);
        // A file named on the command line is the user's own choice; one found in a folder (a pull
        // request may have put a link there) must lie inside the repository like a `use`d one.
        let reached = if path.is_dir() { Reached::Walked } else { Reached::Named };
        match expand(path, "tick") {
            Ok(files) => files.iter().for_each(|f| loader.load(f, &root, reached)),
            Err(e) => loader.errors.push(e),
        }
    }
    if loader.errors.is_empty() { Ok(loader.files) } else { Err(loader.errors) }
}

/// Walks the `use` graph depth first.
struct Loader<'a> {
    sources: &'a mut Sources,
    files: Vec<RuleFile>,
    done: HashSet<PathBuf>,
    stack: Vec<PathBuf>,
    errors: Vec<Diag>,
}

/// How the loader came to a file.
#[derive(Debug, Clone, Copy)]
enum Reached<'a> {
    /// A rule path naming the file itself.
    Named,
    /// Found in a rule folder given: a link there is taken if its target is inside the repository.
    Walked,
    /// From a `use` in that file at that span, its path as written.
    Used(SourceId, Span, &'a str),
}

impl Reached<'_> {
    /// The `use` that named the file, if any.
    fn via(self) -> Option<(SourceId, Span)> {
        match self {
            Reached::Used(file, span, _) => Some((file, span)),
            Reached::Named | Reached::Walked => None,
        }
    }
}

impl Loader<'_> {
    /// Loads a file and, before it, the files it uses, which must be inside `root`.
    fn load(&mut self, path: &Path, root: &Root, reached: Reached<'_>) {
        let (shown, via) = (display_path(path), reached.via());
        // A path that is there but has no canonical name (`/dev/stdin` on a pipe) stands for itself,
        // so the reader says what it is.
        let canonical = match path.canonicalize() {
            Ok(c) => c,
            Err(_) if std::fs::metadata(path).is_ok() => path.to_path_buf(),
            Err(e) => return self.errors.push(io_error(&shown, &e, via)),
        };
        if let Reached::Used(_, _, written) = reached
            && !root.holds_real(&canonical)
        {
            return self.errors.push(root.escape(Escape::Link, written, via));
        }
        if let Reached::Walked = reached
            && !root.holds_real(&canonical)
        {
            return self.errors.push(root.walked_out(&shown));
        }
        if self.done.contains(&canonical) {
            return;
        }
        if self.stack.contains(&canonical) {
            return self.errors.push(cycle(&shown, &self.stack, via));
        }
        let file = match read_source(path, shown, TextFile::Rules, self.sources) {
            Ok(file) => file,
            Err(e) => return self.errors.push(e.located(via)),
        };
        let text = self.sources.get(file).text().clone();
        let ast = match crate::syntax::parser::parse(&text, file) {
            Ok(ast) => ast,
            Err(errors) => return self.errors.extend(errors),
        };
        self.stack.push(canonical.clone());
        let dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
        for item in &ast.items {
            if let Item::Use(u) = item {
                let reached = Reached::Used(file, u.path.span, &u.path.node);
                match root.check_written(&dir, &u.path.node) {
                    Ok(()) => self.load(&dir.join(&u.path.node), root, reached),
                    Err(escape) => self.errors.push(root.escape(escape, &u.path.node, reached.via())),
                }
            }
        }
        self.stack.pop();
        self.done.insert(canonical);
        self.files.push(RuleFile { file, text, ast });
    }
}

/// A file that could not be read, pointed at the `use` that named it.
fn io_error(shown: &str, e: &std::io::Error, via: Option<(SourceId, Span)>) -> Diag {
    match via {
        Some(_) if e.kind() == std::io::ErrorKind::NotFound => cannot_read(shown, e)
            .with_help("the path after `use` is relative to the folder of the file that names it")
            .located(via),
        _ => cannot_read(shown, e).located(via),
    }
}

/// An import cycle: the chain of files that leads back to itself.
fn cycle(shown: &str, stack: &[PathBuf], via: Option<(SourceId, Span)>) -> Diag {
    let chain: Vec<String> = stack.iter().map(|p| format!("`{}`", display_path(p))).collect();
    Diag::error("import-cycle", format!("`{shown}` is used by a file it uses: {} → `{shown}`", chain.join(" → ")))
        .located(via)
        .with_help("files may not use each other in a circle; move what both need into a third file")
}

impl Diag {
    /// Points a diagnostic about a whole file (it cannot be read) at the `use` that led to the file,
    /// if any; one that points into the file already stays there.
    fn located(self, via: Option<(SourceId, Span)>) -> Diag {
        match via {
            Some((file, span)) if self.file.is_none() => self.in_file(file).primary(span, "used here"),
            _ => self,
        }
    }
}

/// Reads a rule file as text without a byte order mark, for the commands that keep their own
/// [`Sources`] (`fmt`, `test`): the checks of [`read_source`], and where a bad byte is, said in the
/// message, since the diagnostic cannot point into a file its caller does not hold.
pub fn read_text(path: &Path, shown: &str) -> Result<String, Diag> {
    let mut sources = Sources::default();
    match read_source(path, shown.to_owned(), TextFile::Rules, &mut sources) {
        Ok(file) => Ok(sources.get(file).text().to_string()),
        Err(mut diag) => {
            if let (Some(at), Some(label)) = (diag.location(&sources), diag.labels.first()) {
                diag.message = format!("{} ({} at {at})", diag.message, label.text.as_deref().unwrap_or("here"));
            }
            diag.file = None;
            diag.labels.clear();
            Err(diag)
        }
    }
}

/// A file stands for itself, as given; a folder for the files under it with the extension,
/// recursively, in sorted order, walked by [`walk`]: hidden entries (`.old.tick`, an editor's lock
/// link `.#rules.tick`), links to folders and what is not a regular file (a FIFO) are skipped. A
/// path that does not exist, or a folder that cannot be read, is an error (the first, if several).
pub fn expand(path: &Path, extension: &str) -> Result<Vec<PathBuf>, Diag> {
    std::fs::metadata(path).map_err(|e| io_error(&display_path(path), &e, None))?;
    let mut errors = Vec::new();
    let files = walk(path, |file| file.extension().is_some_and(|e| e == extension), &mut errors);
    match errors.into_iter().next() {
        Some(error) => Err(error),
        None => Ok(files),
    }
}
