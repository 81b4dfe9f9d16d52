//! `tickmark eval`: being written.

use super::Output;

/// Arguments of `tickmark eval`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `tickmark eval`.
pub fn run(_args: Args, _style: crate::report::human::Style) -> Output {
    Output { stdout: String::new(), stderr: "tickmark eval is not available yet\n".into(), code: 2 }
}
