//! The commands, from options to output. Kept apart from the command line so tests can run them
//! in-process; `main` only prints what they return and exits with their code.

pub mod check;
pub mod eval;
pub mod explain;
pub mod fmt;
pub mod init;
pub mod sheet;
pub mod test;

use std::path::PathBuf;

use crate::check::{Program, RuleFile};
use crate::config;
use crate::data::{SheetBuilder, Sheets};
use crate::diag::Diag;
use crate::source::{Sources, display_path};
use crate::workspace;

/// What a command prints and how it exits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

impl Output {
    /// A successful run that prints `stdout`.
    pub fn ok(stdout: String) -> Output {
        Output { stdout, stderr: String::new(), code: 0 }
    }
}

/// The rule and data paths a command works on; empty lists fall back to `tickmark.toml`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct Inputs {
    /// Rule files or folders (default: `rules` of tickmark.toml).
    pub paths: Vec<PathBuf>,
    /// Data files or folders; their order decides which source wins a conflict (default: `data` of tickmark.toml).
    #[arg(long, num_args = 1..)]
    pub data: Vec<PathBuf>,
}

/// Everything loaded and checked: ready to evaluate.
pub struct Loaded {
    pub sources: Sources,
    pub files: Vec<RuleFile>,
    pub program: Program,
    pub sheets: Sheets,
}

/// Loads data and rules and checks them; on failure every diagnostic, with the sources they point into.
pub fn load(inputs: &Inputs) -> Result<Loaded, (Vec<Diag>, Sources)> {
    let mut sources = Sources::default();
    match load_into(inputs, &mut sources) {
        Ok((files, program, sheets)) => Ok(Loaded { sources, files, program, sheets }),
        Err(diags) => Err((diags, sources)),
    }
}

/// Loads and checks into `sources`.
fn load_into(inputs: &Inputs, sources: &mut Sources) -> Result<(Vec<RuleFile>, Program, Sheets), Vec<Diag>> {
    let (rule_paths, data_paths) = paths(inputs, sources)?;
    let mut builder = SheetBuilder::default();
    let mut errors = Vec::new();
    if let Err(e) = crate::data::load_paths(&data_paths, sources, &mut builder) {
        errors.extend(e);
    }
    let files = workspace::load_rules(&rule_paths, sources).unwrap_or_else(|e| {
        errors.extend(e);
        Vec::new()
    });
    if !errors.is_empty() {
        return Err(errors);
    }
    let sheets = builder.finish();
    let program = crate::check::check(&files, &sheets)?;
    Ok((files, program, sheets))
}

/// The rule and data paths: as given, or else from the nearest `tickmark.toml`.
fn paths(inputs: &Inputs, sources: &mut Sources) -> Result<(Vec<PathBuf>, Vec<PathBuf>), Vec<Diag>> {
    if !inputs.paths.is_empty() && !inputs.data.is_empty() {
        return Ok((inputs.paths.clone(), inputs.data.clone()));
    }
    let cwd = std::env::current_dir().unwrap_or_default();
    let Some(found) = config::find(&cwd) else {
        if inputs.paths.is_empty() {
            let diag = Diag::error("no-rules", "no rule files given, and no `tickmark.toml` here or above")
                .with_help("run `tickmark check RULES --data DATA`, or `tickmark init` to start a rule repository");
            return Err(vec![diag]);
        }
        return Ok((inputs.paths.clone(), Vec::new()));
    };
    let config = config::load(&found, display_path(&found), sources)?;
    let pick =
        |given: &Vec<PathBuf>, configured: Vec<PathBuf>| if given.is_empty() { configured } else { given.clone() };
    Ok((pick(&inputs.paths, config.rules), pick(&inputs.data, config.data)))
}
