//! Text to syntax tree: the pest grammar walked by hand into an owned AST with spans.

pub mod ast;
mod error;
pub mod parser;

pub use parser::parse;
