//! The commands, from options to output. Kept apart from the command line so tests can run them
//! in-process; `main` only prints what they return and exits with their code.

pub mod check;
pub mod eval;
pub mod explain;
pub mod fmt;
pub mod import;
pub mod init;
pub mod lsp;
pub mod sheet;
pub mod test;

use std::path::PathBuf;

use std::fmt::Write;

use crate::check::{Program, RuleFile};
use crate::config;
use crate::data::EntityId;
use crate::data::csv::exported::Locale;
use crate::data::sec::ConceptMap;
use crate::data::{SheetBuilder, Sheets};
use crate::diag::Diag;
use crate::period::Period;
use crate::report::human::{self, Style};
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
    /// A concept map for SEC companyfacts data: changes to the shipped map of XBRL concepts to metrics,
    /// and tickers for CIKs (docs/sec.md).
    #[arg(long, value_name = "MAP")]
    pub sec_map: Option<PathBuf>,
    /// The locale the CSV data files were exported in, such as `de-DE` (`1.234,5`) or `fr-FR`
    /// (`1 234,5`); default: `locale` of tickmark.toml, else `en-US` (`1,234.5`).
    #[arg(long, value_name = "LOCALE")]
    pub locale: Option<String>,
}

/// `--entity` and `--period`: what a command is narrowed to.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct Narrowing {
    /// Only these entities (repeatable).
    #[arg(long)]
    pub entity: Vec<String>,
    /// Only these periods, such as `2025Q4` or `FY2025` (repeatable).
    #[arg(long)]
    pub period: Vec<String>,
}

impl Narrowing {
    /// Whether any entity or period was named.
    pub fn is_narrowed(&self) -> bool {
        !self.entity.is_empty() || !self.period.is_empty()
    }

    /// The narrowing checked against the data (see [`narrow`]).
    pub fn against(&self, sheets: &Sheets) -> Result<Narrow, Vec<Diag>> {
        narrow(sheets, &self.entity, &self.period)
    }
}

/// Everything loaded and checked: ready to evaluate.
pub struct Loaded {
    pub sources: Sources,
    pub files: Vec<RuleFile>,
    pub program: Program,
    pub sheets: Sheets,
    /// How long reading the data and reading and checking the rules took (`check --timings`).
    pub timings: LoadTimings,
}

/// The time the phases of loading took.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadTimings {
    /// Reading the data files and laying out the sheets.
    pub data: std::time::Duration,
    /// Reading, parsing and checking the rule files.
    pub rules: std::time::Duration,
}

/// Loads data and rules and checks them; on failure every diagnostic, with the sources they point into.
pub fn load(inputs: &Inputs) -> Result<Loaded, (Vec<Diag>, Sources)> {
    load_with(inputs, true)
}

/// Like [`load`], for the commands that show the data itself (`sheet`, `eval`): without rule paths
/// and without a `tickmark.toml`, they run on the data alone.
pub fn load_data(inputs: &Inputs) -> Result<Loaded, (Vec<Diag>, Sources)> {
    load_with(inputs, false)
}

/// Loads and checks; `rules_required` makes a run with no rules at all an error.
fn load_with(inputs: &Inputs, rules_required: bool) -> Result<Loaded, (Vec<Diag>, Sources)> {
    let mut sources = Sources::default();
    match load_into(inputs, rules_required, &mut sources) {
        Ok((files, program, sheets, timings)) => Ok(Loaded { sources, files, program, sheets, timings }),
        Err(diags) => Err((diags, sources)),
    }
}

/// Loads and checks into `sources`.
fn load_into(
    inputs: &Inputs,
    rules_required: bool,
    sources: &mut Sources,
) -> Result<(Vec<RuleFile>, Program, Sheets, LoadTimings), Vec<Diag>> {
    let (rule_paths, data_paths, configured) = paths(inputs, rules_required, sources)?;
    let locale = match inputs.locale.as_deref() {
        Some(tag) => Locale::parse(tag).ok_or_else(|| vec![crate::config::unknown_locale(tag)])?,
        None => configured.unwrap_or(Locale::DEFAULT),
    };
    crate::data::csv::exported::declare(locale);
    let started = std::time::Instant::now();
    let mut builder = SheetBuilder::default();
    let map = ConceptMap::load(inputs.sec_map.as_deref(), sources)?;
    let mut errors = Vec::new();
    if let Err(e) = crate::data::load_paths_with(&data_paths, &map, sources, &mut builder) {
        errors.extend(e);
    }
    let sheets = builder.finish().unwrap_or_else(|e| {
        errors.extend(e);
        Sheets::default()
    });
    let data_read = std::time::Instant::now();
    let files = workspace::load_rules(&rule_paths, sources).unwrap_or_else(|e| {
        errors.extend(e);
        Vec::new()
    });
    if !errors.is_empty() {
        return Err(errors);
    }
    let program = crate::check::check_and_link(&files, &sheets)?;
    let timings = LoadTimings { data: data_read - started, rules: data_read.elapsed() };
    Ok((files, program, sheets, timings))
}

/// The rule files of a run, parsed, without reading any data (`tickmark check --no-data`).
pub fn rule_files(inputs: &Inputs, sources: &mut Sources) -> Result<Vec<RuleFile>, Vec<Diag>> {
    let (rule_paths, ..) = paths(inputs, true, sources)?;
    workspace::load_rules(&rule_paths, sources)
}

/// A run's rule paths, data paths and the locale of its CSV files, if its `tickmark.toml` declares one.
type Paths = (Vec<PathBuf>, Vec<PathBuf>, Option<Locale>);

/// The rule and data paths: as given, or else from the nearest `tickmark.toml`; and the locale that
/// file declares, if it was read.
fn paths(inputs: &Inputs, rules_required: bool, sources: &mut Sources) -> Result<Paths, Vec<Diag>> {
    if !inputs.paths.is_empty() && !inputs.data.is_empty() {
        return Ok((inputs.paths.clone(), inputs.data.clone(), None));
    }
    let cwd = std::env::current_dir().unwrap_or_default();
    let Some(found) = config::find(&cwd) else {
        if inputs.paths.is_empty() && rules_required {
            let diag = Diag::error("no-rules", "no rule files given, and no `tickmark.toml` here or above")
                .with_help("run `tickmark check RULES --data DATA`, or `tickmark init` to start a rule repository");
            return Err(vec![diag]);
        }
        return Ok((inputs.paths.clone(), inputs.data.clone(), None));
    };
    let config = config::load(&found, display_path(&found), sources)?;
    let pick =
        |given: &Vec<PathBuf>, configured: Vec<PathBuf>| if given.is_empty() { configured } else { given.clone() };
    Ok((pick(&inputs.paths, config.rules), pick(&inputs.data, config.data), config.locale))
}

/// What `--entity` and `--period` narrow a command to, checked against the data.
pub struct Narrow {
    /// The entities, in the order of the sheets.
    pub entities: Vec<EntityId>,
    /// The periods asked for; empty means every period.
    pub periods: Vec<Period>,
}

impl Narrow {
    /// The periods of an entity that the narrowing admits, in order.
    pub fn periods_of(&self, sheets: &Sheets, entity: EntityId) -> Vec<Period> {
        let admitted = |p: &&Period| self.periods.is_empty() || self.periods.contains(p);
        sheets.periods_of(entity).iter().filter(admitted).copied().collect()
    }

    /// The entity names, for [`crate::eval::Filter`].
    pub fn entity_names(&self, sheets: &Sheets) -> Vec<String> {
        self.entities.iter().map(|&e| sheets.entities[e as usize].clone()).collect()
    }
}

/// Checks `--entity` and `--period` against the data: unknown names are errors with the nearest name.
pub fn narrow(sheets: &Sheets, entities: &[String], periods: &[String]) -> Result<Narrow, Vec<Diag>> {
    let mut errors = Vec::new();
    let names: Vec<&str> = sheets.entities.iter().map(String::as_str).collect();
    for e in entities.iter().filter(|e| sheets.entity_id(e).is_none()) {
        errors.push(unknown("entity", e, names.iter().copied()));
    }
    let mut known: Vec<Period> = (0..names.len()).flat_map(|e| sheets.periods_of(e as EntityId).to_vec()).collect();
    known.sort();
    known.dedup();
    let shown: Vec<String> = known.iter().map(Period::to_string).collect();
    let mut asked = Vec::new();
    for p in periods {
        match Period::parse(p) {
            Some(period) if known.contains(&period) => asked.push(period),
            Some(_) => {
                let diag = Diag::error("bad-argument", format!("the data has no figure at `{p}`"));
                errors.push(match crate::suggest::did_you_mean(p, shown.iter().map(String::as_str)) {
                    Some(best) => diag.with_help(format!("did you mean `{best}`?")),
                    None => diag.with_help(format!("the data has figures at {}", shown.join(", "))),
                });
            }
            None => {
                let message = match Period::why_not(p) {
                    "not a period" => format!("`{p}` is not a period"),
                    why => format!("`{p}` is not a period: {why}"),
                };
                errors.push(Diag::error("bad-argument", message).with_help(Period::HELP));
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let all = (0..names.len() as EntityId).collect();
    let chosen = entities.iter().filter_map(|e| sheets.entity_id(e)).collect::<Vec<_>>();
    Ok(Narrow { entities: if chosen.is_empty() { all } else { sorted(chosen) }, periods: asked })
}

/// Ids in order, each once.
fn sorted(mut ids: Vec<EntityId>) -> Vec<EntityId> {
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// `no rule `x` in the rule files`, with the nearest rule name: the rules, not the data, name rules.
pub fn unknown_rule(given: &str, names: &[&str]) -> Diag {
    let diag = Diag::error("bad-argument", format!("no rule `{given}` in the rule files"));
    match crate::suggest::did_you_mean(given, names.iter().copied()) {
        Some(best) => diag.with_help(format!("did you mean `{best}`?")),
        None => diag.with_help("`tickmark check --verbose` lists every rule with its checks"),
    }
}

/// `no entity `AMZM` in the data`, with the nearest known name.
pub fn unknown<'a>(kind: &str, given: &str, known: impl IntoIterator<Item = &'a str>) -> Diag {
    let diag = Diag::error("bad-argument", format!("no {kind} `{given}` in the data"));
    match crate::suggest::did_you_mean(given, known) {
        Some(best) => diag.with_help(format!("did you mean `{best}`?")),
        None => diag,
    }
}

/// How many errors of a run that could not be made are drawn; the rest are counted. A feed that
/// repeats one mistake a million times needs the first few drawn, not a million.
const SHOWN_ERRORS: usize = 100;

/// A run that could not be made: its diagnostics (the first [`SHOWN_ERRORS`]) on stderr, exit code 2.
pub fn failure(diags: &[Diag], sources: &Sources, style: Style) -> Output {
    let count = diags.len();
    let mut stderr = human::render_diags(&diags[..count.min(SHOWN_ERRORS)], sources, style);
    if count > SHOWN_ERRORS {
        let _ = writeln!(stderr, "... and {} more, not shown", count - SHOWN_ERRORS);
    }
    let _ = writeln!(stderr, "error: the run could not be made: {count} error{}", if count == 1 { "" } else { "s" });
    Output { stdout: String::new(), stderr, code: 2 }
}

/// The program's rule names, for did-you-mean.
pub fn rule_names(program: &Program) -> Vec<&str> {
    program.rules.iter().map(|r| r.name.as_str()).collect()
}
