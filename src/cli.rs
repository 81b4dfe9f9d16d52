//! The command line: clap definitions only.

use clap::{Parser, Subcommand};

use crate::commands::Inputs;
use crate::commands::check::Format;

/// tickmark checks companies' reported figures and guidance against rules, exactly and rounding-aware.
#[derive(Debug, Parser)]
#[command(name = "tickmark", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check rules against data and report every failed check.
    #[command(after_help = "Examples:\n  \
        tickmark check                                  the rule and data paths of ./tickmark.toml\n  \
        tickmark check rules/amazon --data data/amazon  these rules against these data\n  \
        tickmark check --entity AMZN --period 2025Q4    one entity at one period\n  \
        tickmark check --format json > report.json      for programs (docs/report-json.md)\n  \
        tickmark check --format html > workpaper.html   a workpaper for a reviewer\n  \
        tickmark check --deny warnings                  warnings fail the run too (exit code 1)\n  \
        tickmark check --deny borderline                a verdict rounding could flip fails it too\n\n\
        Exit codes: 0 no error rule failed; 1 an error rule failed or erred (or a warning, with\n\
        --deny warnings; a borderline verdict, with --deny borderline); 2 the run could not be\n\
        made (a broken rule or data file, a bad argument).")]
    Check(CheckArgs),
    /// Show a rule's whole evaluation as a tree: every sub-value with its interval, unit and source.
    Explain(crate::commands::explain::Args),
    /// Evaluate one expression against the data.
    Eval(crate::commands::eval::Args),
    /// Show the sheet: metrics by periods, each figure ticked, crossed or bare.
    Sheet(crate::commands::sheet::Args),
    /// Lay out rule files canonically; comments are kept.
    Fmt(crate::commands::fmt::Args),
    /// Run snapshot test cases of rule outputs.
    Test(crate::commands::test::Args),
    /// Start a new rule repository.
    Init(crate::commands::init::Args),
    /// Turn another source of figures into a TOML data file: `tickmark import sec CIK##########.json`.
    Import(crate::commands::import::Args),
    /// Start the language server on stdin and stdout, for editors (editors/vscode, docs in README).
    #[command(after_help = "Example:\n  \
        tickmark lsp        what an editor runs (VS Code: editors/vscode); not run by hand\n\n\
        It finds `tickmark.toml` upward from each file opened, as `check` does, and shows diagnostics,\n\
        values under the cursor with their facts' provenance, completion, go to definition,\n\
        references, quick fixes and formatting. Exit codes: 0 after `shutdown` and `exit`; 2 when the\n\
        connection breaks.")]
    Lsp,
    /// Print a shell completion script.
    #[command(
        after_help = "Example:\n  tickmark completions bash > ~/.local/share/bash-completion/completions/tickmark"
    )]
    Completions {
        /// The shell: bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
}

/// Arguments of `tickmark check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub inputs: Inputs,
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Make more fail the run (exit code 1), repeatable: `--deny warnings` (warnings count as
    /// errors), `--deny borderline` (any verdict, pass or failure, that rounding could flip).
    #[arg(long, value_enum)]
    pub deny: Vec<crate::commands::check::Deny>,
    #[command(flatten)]
    pub at: crate::commands::Narrowing,
    /// Check only these rules (repeatable).
    #[arg(long)]
    pub rule: Vec<String>,
    /// Show only what fails the run: failed error-rules and the summary.
    #[arg(long, short, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Show every check, passes and skips included.
    #[arg(long, short)]
    pub verbose: bool,
    /// Keep and list only failed and erred checks (and the summary), in every format: for bulk runs.
    #[arg(long, value_enum)]
    pub only: Option<crate::commands::check::Only>,
    /// Which conflicts the human, JUnit and GitHub reports (and the stderr of csv and jsonl) show:
    /// between sources (an article and the filing), those and the ones between filings of one source
    /// (grouped per filing day), or none; the JSON, SARIF and HTML reports list every one, and every
    /// one counts in the summary.
    #[arg(long, value_enum, default_value_t = crate::report::Conflicts::Sources)]
    pub conflicts: crate::report::Conflicts,
    /// Print the time each phase took (data, rules, evaluation, report) on stderr.
    #[arg(long)]
    pub timings: bool,
    /// Check the rule files alone, reading no data: syntax, names of cells and functions, cycles,
    /// periods, and the units of every metric a `metric` declaration names.
    #[arg(long, conflicts_with_all = ["data", "entity", "period", "rule", "only"])]
    pub no_data: bool,
    /// Who prepared the workpaper (`--format html`); else `preparer` of `[workpaper]` in tickmark.toml.
    #[arg(long, value_name = "NAME")]
    pub preparer: Option<String>,
}
