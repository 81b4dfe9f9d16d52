//! `tickmark init`: being written.

use super::Output;

/// Arguments of `tickmark init`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `tickmark init`.
pub fn run(_args: Args, _style: crate::report::human::Style) -> Output {
    Output { stdout: String::new(), stderr: "tickmark init is not available yet\n".into(), code: 2 }
}
