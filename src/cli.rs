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
    ///
    /// Example: `tickmark check` runs the rule and data paths of ./tickmark.toml;
    /// `tickmark check rules/amazon --data data/amazon --entity AMZN --format json`.
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
}

/// Arguments of `tickmark check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub inputs: Inputs,
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Treat warnings as errors for the exit code: `--deny warnings`.
    #[arg(long, value_parser = ["warnings"])]
    pub deny: Option<String>,
    /// Check only these entities (repeatable).
    #[arg(long)]
    pub entity: Vec<String>,
    /// Check only these periods, such as `2025Q4` or `FY2025` (repeatable).
    #[arg(long)]
    pub period: Vec<String>,
    /// Check only these rules (repeatable).
    #[arg(long)]
    pub rule: Vec<String>,
}
