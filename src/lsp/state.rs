//! What the server knows: rule repositories with their data read once, the editor's open files, and
//! for each edit a snapshot whose analysis (rules loaded, checked, linked, run) is made once, when
//! first asked for, by whichever worker asks first.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use crate::check::{Program, RuleFile};
use crate::data::sec::ConceptMap;
use crate::data::{SheetBuilder, Sheets};
use crate::diag::Diag;
use crate::eval::{Check, Filter, Keep};
use crate::fsutil::Overlay;
use crate::source::{SourceId, Sources, display_path};

/// A rule repository: its `tickmark.toml` (none for a lone rule file), its rule paths and its data.
pub struct Root {
    /// Its `tickmark.toml`, or the lone rule file.
    pub key: PathBuf,
    pub rules: Vec<PathBuf>,
    /// The data files and folders of the configuration.
    pub data_paths: Vec<PathBuf>,
    pub data: Data,
}

/// A repository's data, read once and again only when a data file changes.
pub struct Data {
    /// The data files (and the `tickmark.toml`); rule files are added to a copy per analysis.
    pub sources: Sources,
    pub sheets: Sheets,
    /// What reading the configuration and the data reported.
    pub diags: Vec<Diag>,
    /// Whether the data was read whole: rules are linked to it only then, as the CLI does.
    pub ok: bool,
}

impl Root {
    /// Reads the repository of a `tickmark.toml`, or makes one of a lone rule file.
    pub fn load(key: &Path) -> Root {
        if key.file_name().is_none_or(|n| n != crate::config::FILE_NAME) {
            let data = Data { sources: Sources::default(), sheets: Sheets::default(), diags: Vec::new(), ok: false };
            return Root { key: key.to_path_buf(), rules: vec![key.to_path_buf()], data_paths: Vec::new(), data };
        }
        let mut sources = Sources::default();
        let (rules, data_paths, mut diags) = match crate::config::load(key, display_path(key), &mut sources) {
            Ok(config) => (config.rules, config.data, Vec::new()),
            Err(diags) => (Vec::new(), Vec::new(), diags),
        };
        let mut builder = SheetBuilder::default();
        match ConceptMap::load(None, &mut sources) {
            Ok(map) => {
                if let Err(e) = crate::data::load_paths_with(&data_paths, &map, &mut sources, &mut builder) {
                    diags.extend(e);
                }
            }
            Err(e) => diags.extend(e),
        }
        let sheets = builder.finish().unwrap_or_else(|e| {
            diags.extend(e);
            Sheets::default()
        });
        let ok = diags.is_empty();
        Root { key: key.to_path_buf(), rules, data_paths, data: Data { sources, sheets, diags, ok } }
    }

    /// Whether a changed file is one the repository reads its data or configuration from.
    pub fn reads(&self, path: &Path, key: &Path) -> bool {
        path == key || self.data_paths.iter().any(|p| path.starts_with(p))
    }
}

/// The key of the repository a file belongs to: the nearest `tickmark.toml` above it, as the CLI finds
/// it, or the file itself.
pub fn root_key(file: &Path) -> PathBuf {
    file.parent().and_then(crate::config::find).unwrap_or_else(|| file.to_path_buf())
}

/// The rule files of a repository, loaded over the editor's texts, checked and, where the data
/// could be read, linked and run.
pub struct Analysis {
    pub root: Arc<Root>,
    pub sources: Sources,
    pub files: Vec<RuleFile>,
    /// The program: linked to the data when [`Analysis::linked`], else only checked (cells resolved).
    pub program: Option<Program>,
    pub linked: bool,
    /// Every error of loading, checking and linking the rules.
    pub diags: Vec<Diag>,
    /// The failed and erred checks of a linked program.
    pub failed: Vec<Check>,
}

impl Analysis {
    /// Loads, checks, links and runs the rules of a repository, plus `extra` rule files open in the
    /// editor that its rule paths do not reach; only the rules of the `open` files are run.
    pub fn new(root: Arc<Root>, extra: &[PathBuf], open: &[PathBuf], overlay: Arc<Overlay>) -> Analysis {
        let mut sources = root.data.sources.clone();
        let mut paths = root.rules.clone();
        paths.extend(extra.iter().cloned());
        let loaded = crate::fsutil::with_overlay(overlay, || crate::workspace::load_rules(&paths, &mut sources));
        let mut analysis = Analysis {
            root: root.clone(),
            sources,
            files: Vec::new(),
            program: None,
            linked: false,
            diags: Vec::new(),
            failed: Vec::new(),
        };
        match loaded {
            Ok(files) => analysis.files = files,
            Err(diags) => {
                analysis.diags = diags;
                return analysis;
            }
        }
        let program = match crate::check::check(&analysis.files) {
            Ok(program) => program,
            Err(diags) => {
                analysis.diags = diags;
                return analysis;
            }
        };
        if !root.data.ok {
            analysis.program = Some(program);
            return analysis;
        }
        match crate::check::link(program, &root.data.sheets) {
            Ok(linked) => {
                let shown = |file: SourceId| open.iter().any(|p| same_file(&analysis.path(file), p));
                let rules: Vec<String> =
                    linked.rules.iter().filter(|r| shown(r.file)).map(|r| r.name.clone()).collect();
                // no rule named would mean every rule
                if !rules.is_empty() {
                    let filter = Filter { rules, ..Filter::default() };
                    analysis.failed = crate::eval::run(&linked, &root.data.sheets, &filter, Keep::Failed).checks;
                }
                (analysis.program, analysis.linked) = (Some(linked), true);
            }
            // checked again for the cells, which need no data: linking took the program
            Err(diags) => (analysis.diags, analysis.program) = (diags, crate::check::check(&analysis.files).ok()),
        }
        analysis
    }

    /// The sheets of the data.
    pub fn sheets(&self) -> &Sheets {
        &self.root.data.sheets
    }

    /// The linked program, for what needs values.
    pub fn linked(&self) -> Option<&Program> {
        self.program.as_ref().filter(|_| self.linked)
    }

    /// The path of a source file, canonical where it can be (as the server keys open files).
    pub fn path(&self, file: SourceId) -> PathBuf {
        real(&std::env::current_dir().unwrap_or_default().join(&self.sources.get(file).name))
    }

    /// The loaded rule file at a path.
    pub fn rule_file(&self, path: &Path) -> Option<&RuleFile> {
        self.files.iter().find(|f| same_file(&self.path(f.file), path))
    }
}

/// A path as the server keys files: canonical where it can be.
pub fn real(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

/// Whether two paths name one file (as their canonical forms, or as written where one has none).
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// What the user set: the entity and period values are shown at, and whether inlay hints are on.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub focus: Option<(String, String)>,
    pub inlay_hints: bool,
}

/// An open file of the editor.
pub struct Doc {
    pub uri: lsp_types::Uri,
    /// The editor's version of the text, given back with its diagnostics.
    pub version: i32,
    pub text: Arc<str>,
}

/// The state at one moment: open files, settings, and per repository its analysis, made on first use.
pub struct Snapshot {
    pub docs: Arc<BTreeMap<PathBuf, Doc>>,
    pub settings: Settings,
    roots: BTreeMap<PathBuf, (Arc<Root>, OnceLock<Arc<Analysis>>)>,
    overlay: Arc<Overlay>,
}

impl Snapshot {
    /// A snapshot of the open files over the repositories they belong to.
    pub fn new(docs: Arc<BTreeMap<PathBuf, Doc>>, roots: &HashMap<PathBuf, Arc<Root>>, settings: Settings) -> Self {
        let overlay: Overlay =
            docs.iter().filter_map(|(path, doc)| Some((path.canonicalize().ok()?, doc.text.clone()))).collect();
        let roots = docs
            .keys()
            .filter_map(|path| roots.get(&root_key(path)).map(|r| (root_key(path), (r.clone(), OnceLock::new()))))
            .collect();
        Snapshot { docs, settings, roots, overlay: Arc::new(overlay) }
    }

    /// The analysis of the repository an open file belongs to.
    pub fn analysis(&self, path: &Path) -> Option<Arc<Analysis>> {
        let key = root_key(path);
        let (root, analysis) = self.roots.get(&key)?;
        let open: Vec<PathBuf> = self.docs.keys().filter(|p| root_key(p) == key).cloned().collect();
        let make = || Analysis::new(root.clone(), &self.extra(&key, root), &open, self.overlay.clone());
        Some(analysis.get_or_init(|| Arc::new(make())).clone())
    }

    /// Every repository's analysis.
    pub fn analyses(&self) -> Vec<Arc<Analysis>> {
        self.roots.keys().filter_map(|key| self.analysis(key)).collect()
    }

    /// The open rule files of a repository that its rule paths do not reach.
    fn extra(&self, key: &Path, root: &Root) -> Vec<PathBuf> {
        let reached = |path: &Path| root.rules.iter().any(|r| path.starts_with(r) || same_file(r, path));
        let open = self.docs.keys().filter(|p| p.extension().is_some_and(|e| e == "tick"));
        open.filter(|p| root_key(p) == key && !reached(p)).cloned().collect()
    }

    /// The text of an open file.
    pub fn text(&self, path: &Path) -> Option<&Arc<str>> {
        self.docs.get(path).map(|d| &d.text)
    }
}
