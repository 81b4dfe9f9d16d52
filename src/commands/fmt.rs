//! `tickmark fmt`: being written.

use super::Output;

/// Arguments of `tickmark fmt`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `tickmark fmt`.
pub fn run(_args: Args, _style: crate::report::human::Style) -> Output {
    Output { stdout: String::new(), stderr: "tickmark fmt is not available yet\n".into(), code: 2 }
}
