//! `tickmark explain`: being written.

use super::Output;

/// Arguments of `tickmark explain`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `tickmark explain`.
pub fn run(_args: Args, _style: crate::report::human::Style) -> Output {
    Output { stdout: String::new(), stderr: "tickmark explain is not available yet\n".into(), code: 2 }
}
