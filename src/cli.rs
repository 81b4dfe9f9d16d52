//! The command line: clap definitions only.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::run::Format;

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
}

/// Arguments of `tickmark check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Rule files or folders (default: `rules` of tickmark.toml).
    pub paths: Vec<PathBuf>,
    /// Data files or folders; their order decides which source wins a conflict (default: `data` of tickmark.toml).
    #[arg(long, num_args = 1..)]
    pub data: Vec<PathBuf>,
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
