//! `tickmark import sec FILE [--sec-map M] [-o OUT.toml]`: a companyfacts file as a TOML data file.
//!
//! The TOML holds the sheet `--data FILE` would give (the same facts, digits and margins), each fact
//! with its filing in a comment, for reading and for version control. Without `-o` it is printed; with
//! `-o` the file is written atomically (a reader never sees half of it); an existing file is replaced
//! only with `--force`, and an input of the import never.

use std::path::{Path, PathBuf};

use crate::data::json;
use crate::data::sec::{self, ConceptMap};
use crate::diag::Diag;
use crate::fsutil::{TextFile, read_source, same_file, write_atomic, write_new_atomic};
use crate::report::human::Style;
use crate::source::{Sources, display_path};

use super::{Output, failure};

/// Arguments of `tickmark import`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  tickmark import sec CIK0000320193.json -o data/aapl.toml")]
pub struct Args {
    #[command(subcommand)]
    pub from: From,
}

/// What to import from.
#[derive(Debug, clap::Subcommand)]
pub enum From {
    /// An SEC companyfacts JSON file (`CIK##########.json` of data.sec.gov's XBRL API).
    #[command(after_help = "Example:\n  tickmark import sec CIK0000320193.json --sec-map map.toml -o data/aapl.toml")]
    Sec {
        /// The companyfacts file.
        file: PathBuf,
        /// A concept map: changes to the shipped map of XBRL concepts to metrics, and tickers for CIKs.
        #[arg(long, alias = "map", value_name = "MAP")]
        sec_map: Option<PathBuf>,
        /// Write the TOML here (atomically) instead of printing it. An existing file is refused
        /// unless `--force` is given; the file being imported (or the map) never is written over.
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Replace the `-o` file if it exists.
        #[arg(long, requires = "output")]
        force: bool,
    },
}

/// Runs `tickmark import`.
pub fn run(args: Args, style: Style) -> Output {
    let From::Sec { file, sec_map, output, force } = args.from;
    let mut sources = Sources::default();
    if let Some(path) = &output
        && let Err(diag) = writable(path, &[Some(&file), sec_map.as_ref()], force)
    {
        return failure(&[diag], &sources, style);
    }
    let text = match import_sec(&file, sec_map.as_ref(), &mut sources) {
        Ok(text) => text,
        Err(diags) => return failure(&diags, &sources, style),
    };
    let Some(path) = output else { return Output::ok(text) };
    let written = if force { write_atomic(&path, &text) } else { write_new_atomic(&path, &text) };
    match written {
        Ok(()) => Output { stdout: String::new(), stderr: format!("wrote {}\n", display_path(&path)), code: 0 },
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => failure(&[exists(&path)], &sources, style),
        Err(e) => {
            let diag = Diag::error("write", format!("`{}` could not be written: {e}", display_path(&path)));
            failure(&[diag], &sources, style)
        }
    }
}

/// Refuses an `-o` path that is one of the inputs (the same file, by whatever name), or that exists
/// without `--force`.
fn writable(path: &Path, inputs: &[Option<&PathBuf>], force: bool) -> Result<(), Diag> {
    let shown = display_path(path);
    if let Some(input) = inputs.iter().flatten().find(|input| same_file(path, input)) {
        let message = format!("`-o {shown}` would write over `{}`, an input of the import", display_path(input));
        return Err(Diag::error("bad-argument", message)
            .with_help("write the TOML to a file of its own, such as `data/company.toml`"));
    }
    if !force && std::fs::symlink_metadata(path).is_ok() {
        return Err(exists(path));
    }
    Ok(())
}

/// `-o` names a file that exists, and `--force` was not given.
fn exists(path: &Path) -> Diag {
    Diag::error("bad-argument", format!("`{}` exists already", display_path(path)))
        .with_help("pass `--force` to replace it, or name a new file with `-o`")
}

/// Reads a companyfacts file (and a concept map) into the TOML text of its sheet.
fn import_sec(file: &std::path::Path, map: Option<&PathBuf>, sources: &mut Sources) -> Result<String, Vec<Diag>> {
    let map = ConceptMap::load(map.map(PathBuf::as_path), sources)?;
    let shown = display_path(file);
    let id = read_source(file, shown.clone(), TextFile::TreeData, sources).map_err(|d| vec![d])?;
    let text = sources.get(id).text().clone();
    let root = json::root(&text, id)?;
    if !sec::is_companyfacts(&root) {
        let diag = Diag::error("sec", format!("`{shown}` is not an SEC companyfacts file"))
            .in_file(id)
            .primary(crate::source::Span::new(0, 0), "expected `{\"cik\": ..., \"facts\": ...}`")
            .with_help("companyfacts files come from https://data.sec.gov/api/xbrl/companyfacts/CIK##########.json");
        return Err(vec![diag]);
    }
    let import = sec::import(&root, id, &map)?;
    let from = file.file_name().map_or(shown.clone(), |n| n.to_string_lossy().into_owned());
    Ok(sec::write::toml(&import, &from))
}
