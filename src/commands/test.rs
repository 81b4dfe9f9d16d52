//! `tickmark test`: being written.

use super::Output;

/// Arguments of `tickmark test`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `tickmark test`.
pub fn run(_args: Args, _style: crate::report::human::Style) -> Output {
    Output { stdout: String::new(), stderr: "tickmark test is not available yet\n".into(), code: 2 }
}
