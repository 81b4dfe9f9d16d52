//! `tickmark lsp`: the language server ([`crate::lsp`]) on stdin and stdout.

use super::Output;

/// Runs the server until the editor says `exit`; a broken connection is an error (exit code 2).
pub fn run() -> Output {
    match crate::lsp::run() {
        Ok(()) => Output::ok(String::new()),
        Err(e) => {
            Output { stdout: String::new(), stderr: format!("error: the language server stopped: {e}\n"), code: 2 }
        }
    }
}
