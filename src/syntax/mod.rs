//! Text to syntax tree: the pest grammar walked by hand into an owned AST with spans.

pub mod ast;
pub mod comments;
mod error;
pub mod hidden;
pub mod parser;

pub use parser::parse;
