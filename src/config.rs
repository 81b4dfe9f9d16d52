//! `tickmark.toml`: the rule and data paths of a rule repository, so `tickmark check` needs no arguments.
//!
//! ```toml
//! rules = ["rules"]   # rule files and folders, relative to this file
//! data = ["data"]     # data files and folders, relative to this file; their order decides conflicts
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diag::Diag;
use crate::source::{Sources, Span};

/// The name of the configuration file.
pub const FILE_NAME: &str = "tickmark.toml";

/// A rule repository's configuration, its paths resolved against the file's folder.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    pub rules: Vec<PathBuf>,
    pub data: Vec<PathBuf>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    rules: Vec<String>,
    #[serde(default)]
    data: Vec<String>,
}

/// The nearest `tickmark.toml` in a folder or its parents.
pub fn find(start: &Path) -> Option<PathBuf> {
    start.ancestors().map(|dir| dir.join(FILE_NAME)).find(|p| p.is_file())
}

/// Reads a configuration file; errors point into it.
pub fn load(path: &Path, shown: String, sources: &mut Sources) -> Result<Config, Vec<Diag>> {
    let text =
        std::fs::read_to_string(path).map_err(|e| vec![Diag::error("io", format!("cannot read `{shown}`: {e}"))])?;
    let file = sources.add(shown, text.as_str());
    let raw: RawConfig = toml::from_str(&text).map_err(|e| {
        let span = e.span().map_or(Span::default(), |r| Span::new(r.start, r.end));
        vec![
            Diag::error("config", e.message().to_owned())
                .in_file(file)
                .primary(span, "here")
                .with_help("a tickmark.toml has two keys: `rules = [\"rules\"]` and `data = [\"data\"]`"),
        ]
    })?;
    let dir = path.parent().unwrap_or(Path::new(""));
    let resolve = |paths: Vec<String>| paths.into_iter().map(|p| dir.join(p)).collect();
    Ok(Config { rules: resolve(raw.rules), data: resolve(raw.data) })
}
