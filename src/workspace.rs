//! Loading a run's inputs: rule files with their `use`s, and data files into sheets.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::check::RuleFile;
use crate::diag::Diag;
use crate::source::{SourceId, Sources, Span, display_path};
use crate::syntax::ast::Item;

/// Loads rule files and folders (`.tick` files in them, recursively, in sorted order), following
/// `use` paths relative to the file that names them; each file is loaded once.
pub fn load_rules(paths: &[PathBuf], sources: &mut Sources) -> Result<Vec<RuleFile>, Vec<Diag>> {
    let mut loader = Loader { sources, files: Vec::new(), done: HashSet::new(), stack: Vec::new(), errors: Vec::new() };
    for path in paths {
        match expand(path, "tick") {
            Ok(files) => files.iter().for_each(|f| loader.load(f, None)),
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

impl Loader<'_> {
    /// Loads a file and, before it, the files it uses; `via` is the `use` that named it.
    fn load(&mut self, path: &Path, via: Option<(SourceId, Span)>) {
        let shown = display_path(path);
        let canonical = match path.canonicalize() {
            Ok(c) => c,
            Err(e) => return self.errors.push(io_error(&shown, &e, via)),
        };
        if self.done.contains(&canonical) {
            return;
        }
        if self.stack.contains(&canonical) {
            return self.errors.push(cycle(&shown, &self.stack, via));
        }
        let text = match read_text(path, &shown) {
            Ok(text) => text,
            Err(e) => return self.errors.push(e.located(via)),
        };
        let file = self.sources.add(shown, text.as_str());
        let text = self.sources.get(file).text.clone();
        let ast = match crate::syntax::parser::parse(&text, file) {
            Ok(ast) => ast,
            Err(errors) => return self.errors.extend(errors),
        };
        self.stack.push(canonical.clone());
        let dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
        for item in &ast.items {
            if let Item::Use(u) = item {
                self.load(&dir.join(&u.path.node), Some((file, u.path.span)));
            }
        }
        self.stack.pop();
        self.done.insert(canonical);
        self.files.push(RuleFile { file, text, ast });
    }
}

/// A file that could not be read, pointed at the `use` that named it.
fn io_error(shown: &str, e: &std::io::Error, via: Option<(SourceId, Span)>) -> Diag {
    let reason = match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_owned(),
        _ => e.to_string(),
    };
    Diag::error("io", format!("cannot read `{shown}`: {reason}")).located(via)
}

/// An import cycle: the chain of files that leads back to itself.
fn cycle(shown: &str, stack: &[PathBuf], via: Option<(SourceId, Span)>) -> Diag {
    let chain: Vec<String> = stack.iter().map(|p| format!("`{}`", display_path(p))).collect();
    Diag::error("import-cycle", format!("`{shown}` is used by a file it uses: {} → `{shown}`", chain.join(" → ")))
        .located(via)
        .with_help("files may not use each other in a circle; move what both need into a third file")
}

impl Diag {
    /// Points a file-level diagnostic at the `use` that led to the file, if any.
    fn located(self, via: Option<(SourceId, Span)>) -> Diag {
        match via {
            Some((file, span)) => self.in_file(file).primary(span, "used here"),
            None => self,
        }
    }
}

/// Reads a file as UTF-8 text; anything else is a diagnostic naming the file.
pub fn read_text(path: &Path, shown: &str) -> Result<String, Diag> {
    let bytes = std::fs::read(path).map_err(|e| io_error(shown, &e, None))?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").map(<[u8]>::to_vec).unwrap_or(bytes);
    String::from_utf8(bytes).map_err(|e| {
        Diag::error(
            "encoding",
            format!("`{shown}` is not UTF-8 text (invalid byte at offset {})", e.utf8_error().valid_up_to()),
        )
        .with_help("save the file as UTF-8")
    })
}

/// A file stands for itself; a folder for its files with the extension, recursively, in sorted order.
pub fn expand(path: &Path, extension: &str) -> Result<Vec<PathBuf>, Diag> {
    let meta = std::fs::metadata(path).map_err(|e| io_error(&display_path(path), &e, None))?;
    if !meta.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut out = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| io_error(&display_path(path), &e, None))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for entry in entries {
        if entry.is_dir() {
            out.extend(expand(&entry, extension)?);
        } else if entry.extension().is_some_and(|e| e == extension) {
            out.push(entry);
        }
    }
    Ok(out)
}
