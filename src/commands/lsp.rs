//! `tickmark lsp`: the language server ([`crate::lsp`]) on stdin and stdout.

use super::Output;

/// Runs the server until the editor says `exit`; a broken connection is an error (exit code 2), its
/// message cut short: a protocol error quotes the message it did not expect, which may hold a file.
pub fn run() -> Output {
    match crate::lsp::run() {
        Ok(()) => Output::ok(String::new()),
        Err(e) => {
            let stderr = format!("error: the language server stopped: {}\n", crate::escape::excerpt_of(&e, 300));
            Output { stdout: String::new(), stderr, code: 2 }
        }
    }
}
