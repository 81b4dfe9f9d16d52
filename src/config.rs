//! `tickmark.toml`: the rule and data paths of a rule repository, so `tickmark check` needs no arguments.
//!
//! ```toml
//! rules = ["rules"]   # rule files and folders, relative to this file
//! data = ["data"]     # data files and folders, relative to this file; their order decides conflicts
//! locale = "de-DE"    # optional: the locale the CSV files were exported in (`1.234,5`)
//!
//! [workpaper]         # optional: what `check --format html` writes in its header and legend
//! preparer = "J. Doe"
//! legend = { checked = "agreed to source", failed = "exception", bare = "not tested" }
//! ```
//!
//! The file is read with `toml`'s spanned document API and its keys checked by hand, so every
//! error points at the key or value at fault and says what was expected in the file's own words
//! (a list of paths), not in the words of a deserializer.

use std::path::{Path, PathBuf};

use ::toml::de::{DeTable, DeValue};

use crate::data::csv::exported::Locale;
use crate::diag::Diag;
use crate::fsutil::{TextFile, read_source};
use crate::source::{SourceId, Sources, Span};

/// The name of the configuration file.
pub const FILE_NAME: &str = "tickmark.toml";

/// What a `tickmark.toml` holds, for the help of every error about it.
const SHAPE: &str = "a tickmark.toml has the keys `rules = [\"rules\"]` and `data = [\"data\"]`, an optional \
                     `locale = \"de-DE\"` and an optional `[workpaper]` table";

/// What the `[workpaper]` table holds, for the help of every error about it.
const WORKPAPER_SHAPE: &str =
    "`[workpaper]` holds `preparer = \"NAME\"` and `legend = { checked = \"...\", failed = \"...\", bare = \"...\" }`";

/// A rule repository's configuration, its paths resolved against the file's folder.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    pub rules: Vec<PathBuf>,
    pub data: Vec<PathBuf>,
    /// The locale the CSV data files were exported in: their decimal mark and thousands separators.
    pub locale: Option<Locale>,
    pub workpaper: Workpaper,
}

/// The `[workpaper]` table: who prepared the checks, and what the workpaper's tick marks mean in the
/// words of the reviewer's firm (each `None` keeps tickmark's own).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Workpaper {
    pub preparer: Option<String>,
    /// The legend of `✓`.
    pub checked: Option<String>,
    /// The legend of `✗`.
    pub failed: Option<String>,
    /// The legend of a figure without a mark.
    pub bare: Option<String>,
}

/// The nearest `tickmark.toml` in a folder or its parents.
pub fn find(start: &Path) -> Option<PathBuf> {
    start.ancestors().map(|dir| dir.join(FILE_NAME)).find(|p| p.is_file())
}

/// Reads a configuration file; errors point into it.
pub fn load(path: &Path, shown: String, sources: &mut Sources) -> Result<Config, Vec<Diag>> {
    let file = read_source(path, shown, TextFile::Config, sources).map_err(|d| vec![d])?;
    let text = sources.get(file).text().clone();
    let root = DeTable::parse(&text).map_err(|e| {
        let diag = Diag { code: "config".to_owned(), ..crate::data::toml::syntax_error(&text, &e, file) };
        vec![if diag.help.is_none() { diag.with_help(SHAPE) } else { diag }]
    })?;
    let dir = path.parent().unwrap_or(Path::new(""));
    let mut config = Config::default();
    let mut errors = Vec::new();
    let mut entries: Vec<_> = root.get_ref().iter().collect();
    entries.sort_by_key(|(key, _)| key.span().start);
    for (key, value) in entries {
        let key_span = Span::new(key.span().start, key.span().end);
        let paths = match key.get_ref().as_ref() {
            "rules" => &mut config.rules,
            "data" => &mut config.data,
            "locale" => {
                match locale(value.get_ref(), span(value.span()), file) {
                    Ok(l) => config.locale = Some(l),
                    Err(e) => errors.push(e),
                }
                continue;
            }
            "workpaper" => {
                match workpaper(value.get_ref(), span(value.span()), file) {
                    Ok(w) => config.workpaper = w,
                    Err(e) => errors.push(e),
                }
                continue;
            }
            other => {
                errors.push(unknown_key(other, key_span, file));
                continue;
            }
        };
        match path_list(key.get_ref(), value.get_ref(), span(value.span()), file) {
            Ok(list) => *paths = list.into_iter().map(|p| dir.join(p)).collect(),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() { Ok(config) } else { Err(errors) }
}

/// A list of paths (`["rules", "more/rules"]`); anything else is an error at the value.
fn path_list(key: &str, value: &DeValue<'_>, at: Span, file: SourceId) -> Result<Vec<String>, Diag> {
    let DeValue::Array(items) = value else {
        let message = format!("`{key}` is {}; it must be a list of paths", kind(value));
        return Err(wrong_type(message, (at, "not a list"), file, key));
    };
    let mut paths = Vec::with_capacity(items.len());
    for item in items.iter() {
        match item.get_ref() {
            DeValue::String(path) => paths.push(path.to_string()),
            other => {
                let message = format!("a path of `{key}` is {}; a path is a string", kind(other));
                return Err(wrong_type(message, (span(item.span()), "not a string"), file, key));
            }
        }
    }
    Ok(paths)
}

/// The `locale`: a tag of [`Locale::tags`] (`de-DE`); anything else is an error at the value.
fn locale(value: &DeValue<'_>, at: Span, file: SourceId) -> Result<Locale, Diag> {
    let DeValue::String(tag) = value else {
        let message = format!("`locale` is {}; it must be a locale such as \"de-DE\"", kind(value));
        return Err(Diag::error("config", message).in_file(file).primary(at, "not a string").with_help(LOCALES_HELP));
    };
    Locale::parse(tag).ok_or_else(|| unknown_locale(tag).in_file(file).primary(at, "not a locale"))
}

/// The locales a run may declare, for help lines.
const LOCALES_HELP: &str = "a locale is one of `en-US`, `en-GB`, `de-DE`, `de-AT`, `de-CH`, `es-ES`, `it-IT`, \
                            `nl-NL`, `fr-FR`, `fr-CH`, `nb-NO`, `sv-SE` (or the language alone: `de`, `fr`)";

/// The error for a locale tag not known (in `tickmark.toml` or `--locale`), with the nearest known.
pub fn unknown_locale(tag: &str) -> Diag {
    let help = match crate::suggest::did_you_mean(tag, Locale::tags()) {
        Some(near) => format!("did you mean `{near}`? {LOCALES_HELP}"),
        None => LOCALES_HELP.to_owned(),
    };
    Diag::error("config", format!("unknown locale `{tag}`")).with_help(help)
}

/// The `[workpaper]` table: `preparer` and the `legend` table, each a string.
fn workpaper(value: &DeValue<'_>, at: Span, file: SourceId) -> Result<Workpaper, Diag> {
    let mut out = Workpaper::default();
    for (key, value, key_span) in table(value, "workpaper", at, file)? {
        let slot = match key {
            "preparer" => &mut out.preparer,
            "legend" => {
                for (mark, text, mark_span) in table(value.get_ref(), "legend", span(value.span()), file)? {
                    let slot = match mark {
                        "checked" => &mut out.checked,
                        "failed" => &mut out.failed,
                        "bare" => &mut out.bare,
                        other => {
                            return Err(unknown_in("legend", other, &["checked", "failed", "bare"], mark_span, file));
                        }
                    };
                    *slot = Some(string(text.get_ref(), mark, span(text.span()), file)?);
                }
                continue;
            }
            other => return Err(unknown_in("workpaper", other, &["preparer", "legend"], key_span, file)),
        };
        *slot = Some(string(value.get_ref(), key, span(value.span()), file)?);
    }
    Ok(out)
}

/// An entry of a table: its key, its value, and the key's span.
type Entry<'v, 'd> = (&'v str, &'v ::toml::Spanned<DeValue<'d>>, Span);

/// The entries of a table, in the order written; anything else is an error at the value.
fn table<'v, 'd>(value: &'v DeValue<'d>, key: &str, at: Span, file: SourceId) -> Result<Vec<Entry<'v, 'd>>, Diag> {
    let DeValue::Table(entries) = value else {
        let message = format!("`{key}` is {}; it must be a table", kind(value));
        return Err(Diag::error("config", message).in_file(file).primary(at, "not a table").with_help(WORKPAPER_SHAPE));
    };
    let mut out: Vec<_> =
        entries.iter().map(|(k, v)| (k.get_ref().as_ref(), v, Span::new(k.span().start, k.span().end))).collect();
    out.sort_by_key(|e| e.2.start);
    Ok(out)
}

/// A string value of `key`; anything else is an error at the value.
fn string(value: &DeValue<'_>, key: &str, at: Span, file: SourceId) -> Result<String, Diag> {
    match value {
        DeValue::String(text) => Ok(text.to_string()),
        other => Err(Diag::error("config", format!("`{key}` is {}; it must be a string", kind(other)))
            .in_file(file)
            .primary(at, "not a string")
            .with_help(WORKPAPER_SHAPE)),
    }
}

/// A key other than `rules`, `data`, `locale` and `workpaper`, with the nearest of them.
fn unknown_key(key: &str, at: Span, file: SourceId) -> Diag {
    let help = match crate::suggest::did_you_mean(key, ["rules", "data", "locale", "workpaper"]) {
        Some(near) => format!("did you mean `{near}`? {SHAPE}"),
        None => SHAPE.to_owned(),
    };
    Diag::error("config", format!("unknown key `{key}` in `{FILE_NAME}`"))
        .in_file(file)
        .primary(at, "not a key of tickmark.toml")
        .with_help(help)
}

/// A key of the table `within` that it does not have, with the nearest of those it has.
fn unknown_in(within: &str, key: &str, known: &[&str], at: Span, file: SourceId) -> Diag {
    let help = match crate::suggest::did_you_mean(key, known.iter().copied()) {
        Some(near) => format!("did you mean `{near}`? {WORKPAPER_SHAPE}"),
        None => WORKPAPER_SHAPE.to_owned(),
    };
    Diag::error("config", format!("unknown key `{key}` in `[{within}]` of `{FILE_NAME}`"))
        .in_file(file)
        .primary(at, format!("not a key of [{within}]"))
        .with_help(help)
}

/// A `config` error at a value of `key` that has the wrong type.
fn wrong_type(message: String, (at, label): (Span, &str), file: SourceId, key: &str) -> Diag {
    Diag::error("config", message).in_file(file).primary(at, label).with_help(format!("write `{key} = [\"{key}\"]`"))
}

/// What a TOML value is, in words: `a string`, `a table`.
fn kind(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) | DeValue::Float(_) => "a number",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "a list",
        DeValue::Table(_) => "a table",
    }
}

/// A byte range as a span.
fn span(range: std::ops::Range<usize>) -> Span {
    Span::new(range.start, range.end)
}
