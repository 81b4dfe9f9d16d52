//! `tickmark sheet`: being written.

use super::Output;

/// Arguments of `tickmark sheet`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `tickmark sheet`.
pub fn run(_args: Args, _style: crate::report::human::Style) -> Output {
    Output { stdout: String::new(), stderr: "tickmark sheet is not available yet\n".into(), code: 2 }
}
