//! `tickmark fmt`: one canonical layout for rule files.
//!
//! The layout is printed from the syntax tree, so it depends only on what the file means and on its
//! comments, never on how it was spaced; that is why running the formatter twice changes nothing.
//!
//! - **Items.** One item a line: `use "PATH"`, `let NAME = EXPR`, and a rule's header
//!   `rule NAME [SEVERITY] ["TITLE"] [at P1, P2]:` with its body on the next line, indented by two
//!   spaces. A severity and a title are written when the user wrote them, never added or removed.
//!   Titles and `use` paths keep their text byte for byte, escapes as written.
//! - **Blank lines.** A rule is set off from its neighbours by one blank line, and so is an item of
//!   another kind than the one before (a `let` after a `use`). Consecutive `use`s, and consecutive
//!   `let`s, keep the user's grouping: a blank line between them if there was one, none if there was
//!   none. Blank lines never come doubled, nor at the start or the end of the file, nor inside an item.
//! - **Expressions.** Single spaces around binary operators, comparisons, `~=`, `in`, `within`,
//!   `and`, `or`, after `not` and `,`; none inside `(...)`, before `(` or `[`, after a prefix `-`
//!   (but `- 5..7`, so that the `-` is not read as the range's sign), nor in `x[-1y]` or `a..b`.
//!   Parentheses stay where the user wrote them and are added only where the grammar needs them;
//!   for an `if`, where its `else` branch would take in what follows it (`(if c then a else b) + 1`,
//!   but `x ~= if c then a else b within 1`, and `if c then a else b ~= d == e`, whose `== e`
//!   compares the whole `if` because the `else` branch's comparison is finished).
//!   A trailing comma in a call is dropped. Periods are written `2025Q4`, `FY2025`, offsets `-1y`, `+2q` (`-0q` keeps its sign).
//! - **Literals.** A number's digits are kept exactly as written (`25.0` stays `25.0`, `1_000` stays
//!   `1_000`: precision is meaning); its unit words too, attached for `%`, `bps`, `bp`, `pp` (`35%`,
//!   `180bps`) and after one blank for the others (`730 USD m`, `3.9 GW`). A range's bounds are
//!   written that way on both sides of a tight `..` (`5..7%` stays `5..7%`).
//! - **Long lines.** An expression that does not fit in [`WIDTH`] columns is broken before each
//!   operator of its loosest level (`or`, else `and`, else a comparison, else `+ -`, else `* /`),
//!   each operand after the first on a continuation line four columns deeper than the item
//!   (column 4); an operand that still does not fit is broken the same way four columns deeper
//!   again. A header is never broken: a long title stays on its line.
//! - **Line endings.** The file keeps its line ending: `\r\n` if most of its line breaks are `\r\n`,
//!   else `\n` (a file without line breaks gets `\n`); every line break of the output is that one.
//!   A byte order mark at the start stays there, and none is added.
//!
//! Comments (the tree has none; [`comments::scan`] finds them in the text) keep their text, trailing
//! blanks aside, and their order:
//!
//! - comments on their own lines between items stay there, before the next item (or at the end of
//!   the file), with their blank lines (at most one in a row);
//! - a comment at the end of an item's last line stays at the end of its last printed line, two
//!   spaces after the code;
//! - inside an item, a comment between two printed lines stays at the end of the first one if it
//!   was at the end of a line of code, else goes on its own line before the second one, at its
//!   indent; a comment between the operands of an expression makes the expression break there (and
//!   the expressions around it); a comment that would fall inside a printed line (`f(a, # note` ...,
//!   or before `within`) goes on its own line before that line, which for an item's first line means
//!   before the item.
//!
//! Before anything is written, [`format`] checks its own output: it must parse to the same tree, spans
//! and parentheses aside (the shape of the tree fixes the meaning), and carry the same
//! comments; if it does not, it reports an internal error instead.

mod comments;
mod expr;
mod layout;
mod verify;

pub use comments::{Comment, scan as scan_comments};
pub use layout::WIDTH;

use crate::diag::Diag;
use crate::source::SourceId;
use crate::syntax::ast::File;
use crate::syntax::parse;

/// Formats a rule file: its canonical text, or the parse errors of a file that does not parse.
///
/// A byte order mark is kept and not parsed: the spans of the errors count from just after it.
pub fn format(text: &str, file: SourceId) -> Result<String, Vec<Diag>> {
    let (bom, text) = match text.strip_prefix(BOM) {
        Some(rest) => (BOM, rest),
        None => ("", text),
    };
    let ast = parse(text, file)?;
    let comments = comments::Comments { list: comments::scan(text) };
    let formatted = layout::Layout::new(Some(text), &comments).file(&ast);
    verify::same(text, &ast, &formatted, file)?;
    let formatted = if crlf(text) { formatted.replace('\n', "\r\n") } else { formatted };
    Ok(format!("{bom}{formatted}"))
}

/// The byte order mark.
const BOM: &str = "\u{FEFF}";

/// Whether most of the line breaks of a text are `\r\n` (ties go to `\n`).
fn crlf(text: &str) -> bool {
    let breaks = text.matches('\n').count();
    let crlf = text.matches("\r\n").count();
    crlf * 2 > breaks
}

/// Prints a syntax tree in the canonical layout, with literals as their values show them: for a tree
/// that was never text. A parsed file is formatted with [`format`], which keeps its comments and
/// its literals' digits as written.
pub fn print(file: &File) -> String {
    let comments = comments::Comments::default();
    layout::Layout::new(None, &comments).file(file)
}
