//! Items as lines: headers, bodies broken at their loosest operators when they are too long, and
//! every comment of the file put back where it belongs.

use crate::source::{Span, Spanned};
use crate::syntax::ast::{Expr, ExprKind, File, Item, Severity};

use super::comments::Comments;
use super::expr::{self, Follow, Printer, bin_follow, bin_level, needs_parens};

/// The width a line should fit in.
pub const WIDTH: usize = 100;
/// The indent of a rule's body.
const BODY_INDENT: usize = 2;
/// How much deeper a continuation line sits than the line it continues.
const CONTINUATION: usize = 4;

/// One printed line of an item.
#[derive(Debug, Default)]
struct Line {
    indent: usize,
    text: String,
    /// The source bytes its content came from; `None` for a tree that was never text.
    src: Option<(usize, usize)>,
    /// Comments on their own lines before it, at its indent (indexes into the file's comments).
    leading: Vec<usize>,
    /// The comment at its end.
    trailing: Option<usize>,
}

/// The lines of one item, the last one being written.
#[derive(Debug, Default)]
struct Lines {
    lines: Vec<Line>,
}

impl Lines {
    /// Starts a new line at an indent.
    fn start(&mut self, indent: usize) {
        self.lines.push(Line { indent, ..Line::default() });
    }

    /// The column after the text of the current line.
    fn column(&self) -> usize {
        self.lines.last().map_or(0, |l| l.indent + l.text.chars().count())
    }

    /// Adds text to the current line; `src` is the (tight) source span it stands for.
    fn push(&mut self, text: &str, src: Option<Span>) {
        let Some(line) = self.lines.last_mut() else { return };
        line.text.push_str(text);
        if let Some(span) = src {
            let (start, end) = (span.start as usize, span.end as usize);
            line.src = Some(line.src.map_or((start, end), |(s, e)| (s.min(start), e.max(end))));
        }
    }
}

/// One operand of a chain, after the operator that precedes it.
struct Part<'e> {
    op: &'static str,
    expr: &'e Expr,
    /// The level the grammar wants here.
    min: u8,
    /// What follows it.
    follow: Follow,
}

/// An expression seen as operands joined by operators of one level, which it can be broken between.
struct Chain<'e> {
    parts: Vec<Part<'e>>,
    within: Option<&'e Spanned<crate::num::Quantity>>,
}

/// Lays a whole file out: items, blank lines and comments.
pub struct Layout<'a> {
    printer: Printer<'a>,
    /// The text of the file, or `""` for a tree that was never text.
    text: &'a str,
    comments: &'a Comments,
}

/// What the file is made of, line by line, before it becomes text.
enum Out {
    Blank,
    Text(String),
}

impl<'a> Layout<'a> {
    /// A layout of `text` (`None` for a tree built without text) whose comments are `comments`.
    pub fn new(text: Option<&'a str>, comments: &'a Comments) -> Self {
        Layout { printer: Printer { source: text, comments }, text: text.unwrap_or(""), comments }
    }

    /// The formatted text of a file.
    pub fn file(&self, file: &File) -> String {
        let mut laid: Vec<Lines> = file.items.iter().map(|item| self.item(item)).collect();
        let starts: Vec<usize> = file.items.iter().map(|item| item_span(item).start as usize).collect();
        let ends: Vec<usize> = laid.iter().map(|l| l.lines.last().and_then(|l| l.src).map_or(0, |s| s.1)).collect();
        for (lines, owned) in laid.iter_mut().zip(self.owners(&starts, &ends)) {
            self.attach(lines, &owned);
        }
        let mut out = Vec::new();
        let mut from = 0;
        for (i, lines) in laid.iter().enumerate() {
            let gap = self.gap(from, starts[i]);
            let apart = i > 0 && apart(&file.items[i - 1], &file.items[i]);
            if apart && !gap.iter().any(|o| matches!(o, Out::Blank)) {
                out.push(Out::Blank);
            }
            out.extend(gap);
            self.emit(lines, &mut out);
            let end = ends[i].max(starts[i]);
            from = self.text[end..].find('\n').map_or(self.text.len(), |n| end + n + 1);
        }
        out.extend(self.gap(from, self.text.len()));
        render(out)
    }

    /// The comments of each item: those inside it, and the one at the end of its last line. The
    /// others lie between items, in whole lines of their own.
    fn owners(&self, starts: &[usize], ends: &[usize]) -> Vec<Vec<usize>> {
        let mut owned = vec![Vec::new(); starts.len()];
        for (ci, c) in self.comments.list.iter().enumerate() {
            let k = starts.partition_point(|&s| s < c.start);
            if k > 0 && (c.start < ends[k - 1] || !self.text[ends[k - 1]..c.start].contains('\n')) {
                owned[k - 1].push(ci);
            }
        }
        owned
    }

    /// The lines of one item, without its comments.
    fn item(&self, item: &Item) -> Lines {
        let mut lines = Lines::default();
        lines.start(0);
        let p = &self.printer;
        match item {
            Item::Use(u) => {
                let text = format!("use {}", p.string(&u.path.node, u.path.span));
                lines.push(&text, self.src(u.span.start, p.tight(u.path.span).end));
            }
            Item::Metric(m) => {
                let names: Vec<&str> = m.names.iter().map(|n| n.node.as_str()).collect();
                let text = format!("metric {}: {}", names.join(", "), m.dim.node);
                lines.push(&text, self.src(m.span.start, m.dim.span.end));
            }
            Item::Group(g) => {
                let members: Vec<String> = g.members.iter().map(|m| expr::entity_text(&m.node)).collect();
                let text = format!("group {} = {}", g.name.node, members.join(", "));
                lines.push(&text, self.src(g.span.start, p.tight(g.span).end));
            }
            Item::Scope(scope) => {
                lines.push(&expr::scope_text(scope), self.src(scope.span.start, p.tight(scope.span).end))
            }
            Item::Let(l) => {
                lines.push(&format!("let {} = ", l.name.node), self.src(l.span.start, l.name.span.end));
                self.layout(&l.value, Follow::End, CONTINUATION, &mut lines);
            }
            Item::Rule(r) => {
                let mut header = format!("rule {}", r.name.node);
                let mut end = r.name.span.end;
                if let Some(severity) = &r.severity {
                    header.push_str(match severity.node {
                        Severity::Error => " error",
                        Severity::Warning => " warning",
                        Severity::Info => " info",
                    });
                    end = end.max(severity.span.end);
                }
                if let Some(title) = &r.title {
                    header.push(' ');
                    header.push_str(&p.string(&title.node, title.span));
                    end = end.max(p.tight(title.span).end);
                }
                if let Some(at) = &r.at {
                    header.push(' ');
                    header.push_str(&expr::at_text(&at.node));
                    end = end.max(p.tight(at.span).end);
                }
                if let Some(scope) = &r.scope {
                    header.push(' ');
                    header.push_str(&expr::scope_text(scope));
                    end = end.max(p.tight(scope.span).end);
                }
                header.push(':');
                lines.push(&header, self.src(r.span.start, end));
                lines.start(BODY_INDENT);
                self.layout(&r.body, Follow::End, CONTINUATION, &mut lines);
            }
        }
        lines
    }

    /// A source span for a line, when there is a source.
    fn src(&self, start: u32, end: u32) -> Option<Span> {
        self.printer.source.map(|_| Span { start, end })
    }

    /// Lays an expression out from the current column: on one line if it fits and no comment sits
    /// between its operands, else broken before each operator of its loosest level, the operands
    /// after the first on continuation lines at `indent`. `follow` is what follows it.
    fn layout(&self, e: &Expr, follow: Follow, indent: usize, lines: &mut Lines) {
        let flat = self.printer.flat(e, follow);
        let too_long = lines.column() + flat.chars().count() > WIDTH;
        match chain_of(e, follow) {
            Some(chain) if too_long || self.has_comment_between(e, &chain) => {
                for (i, part) in chain.parts.iter().enumerate() {
                    if i > 0 {
                        lines.start(indent);
                        lines.push(part.op, None);
                        lines.push(" ", None);
                    }
                    if needs_parens(part.expr, part.min, part.follow) {
                        let mut text = String::new();
                        self.printer.write_operand(part.expr, part.min, part.follow, &mut text);
                        lines.push(&text, self.span(part.expr.span));
                    } else {
                        self.layout(part.expr, part.follow, indent + CONTINUATION, lines);
                    }
                }
                if let Some(t) = chain.within {
                    lines.push(" within ", None);
                    lines.push(&self.printer.number(&t.node, t.span), self.span(t.span));
                }
            }
            _ => lines.push(&flat, self.span(e.span)),
        }
    }

    /// A node's tight span, when there is a source.
    fn span(&self, span: Span) -> Option<Span> {
        self.printer.source.map(|_| self.printer.tight(span))
    }

    /// Whether a comment sits between the operands of `e`, or of an operand that would break with
    /// it: a reason to break them there.
    fn has_comment_between(&self, e: &Expr, chain: &Chain<'_>) -> bool {
        self.comment_between(e, chain)
            || chain.parts.iter().any(|part| {
                !needs_parens(part.expr, part.min, part.follow)
                    && chain_of(part.expr, part.follow).is_some_and(|c| self.has_comment_between(part.expr, &c))
            })
    }

    /// Whether a comment sits between two operands of `e` (one before `within` does not count: a
    /// break would not help it).
    fn comment_between(&self, e: &Expr, chain: &Chain<'_>) -> bool {
        let Some(outer) = self.span(e.span) else { return false };
        let operands: Vec<Span> = chain.parts.iter().map(|p| self.printer.tight(p.expr.span)).collect();
        let end = operands.last().map_or(outer.end, |s| s.end);
        self.comments.inside(outer.start as usize, end as usize).any(|i| {
            let at = self.comments.list[i].start as u32;
            !operands.iter().any(|s| s.start < at && at < s.end)
        })
    }

    /// Gives an item's comments their lines: one inside a line goes on its own line before it; one
    /// between two lines stays at the end of the first if it was at the end of a line of code, else
    /// goes on its own line before the second.
    fn attach(&self, lines: &mut Lines, comments: &[usize]) {
        let lines = &mut lines.lines;
        let mut li = 0;
        for &ci in comments {
            let at = self.comments.list[ci].start;
            while li < lines.len() && lines[li].src.is_some_and(|(_, end)| end <= at) {
                li += 1;
            }
            let inside = li < lines.len() && lines[li].src.is_some_and(|(start, _)| start < at);
            let before_next = li == lines.len() || lines[li].leading.is_empty();
            if !inside && li > 0 && !self.comments.list[ci].own_line && lines[li - 1].trailing.is_none() && before_next
            {
                lines[li - 1].trailing = Some(ci);
            } else if li < lines.len() {
                lines[li].leading.push(ci);
            } else if let Some(last) = lines.last_mut() {
                last.leading.push(ci); // never reached: only a trailing comment follows the last line
            }
        }
    }

    /// Writes an item's lines and their comments.
    fn emit(&self, lines: &Lines, out: &mut Vec<Out>) {
        for line in &lines.lines {
            let pad = " ".repeat(line.indent);
            for &ci in &line.leading {
                out.push(Out::Text(format!("{pad}{}", self.comment(ci))));
            }
            let mut text = format!("{pad}{}", line.text);
            if let Some(ci) = line.trailing {
                text.push_str("  ");
                text.push_str(self.comment(ci));
            }
            out.push(Out::Text(text));
        }
    }

    /// The text of a comment.
    fn comment(&self, ci: usize) -> &str {
        self.comments.list[ci].text(self.text)
    }

    /// The comments and blank lines of the whole lines in `from..to`, between two items.
    fn gap(&self, from: usize, to: usize) -> Vec<Out> {
        let mut out = Vec::new();
        let mut pos = from;
        let mut ci = self.comments.list.partition_point(|c| c.start < from);
        while pos < to {
            let end = self.text[pos..].find('\n').map_or(self.text.len(), |n| pos + n);
            if end >= to && to < self.text.len() {
                break;
            }
            if ci < self.comments.list.len() && self.comments.list[ci].start < end {
                out.push(Out::Text(self.comment(ci).to_owned()));
                ci += 1;
            } else if self.text[pos..end].trim().is_empty() {
                out.push(Out::Blank);
            }
            pos = end + 1;
        }
        out
    }
}

/// The span of an item.
fn item_span(item: &Item) -> Span {
    match item {
        Item::Use(u) => u.span,
        Item::Metric(m) => m.span,
        Item::Group(g) => g.span,
        Item::Scope(s) => s.span,
        Item::Let(l) => l.span,
        Item::Rule(r) => r.span,
    }
}

/// Whether two neighbouring items need a blank line between them: always around a rule, and
/// between items of two kinds.
fn apart(before: &Item, after: &Item) -> bool {
    !matches!(
        (before, after),
        (Item::Use(_), Item::Use(_))
            | (Item::Metric(_), Item::Metric(_))
            | (Item::Group(_), Item::Group(_))
            | (Item::Let(_), Item::Let(_))
    )
}

/// The operands of an expression that can be broken between them: a chain of one binary level
/// (`a + b - c`), a comparison chain, `a ~= b within T` or `a in r`; `follow` is what follows it.
fn chain_of(e: &Expr, follow: Follow) -> Option<Chain<'_>> {
    let part = |op, expr, min, follow| Part { op, expr, min, follow };
    let (parts, within) = match &e.node {
        ExprKind::Binary { op, .. } => {
            let level = bin_level(op.node);
            let mut rights = Vec::new();
            let mut node = e;
            let mut after = follow;
            while let ExprKind::Binary { op, lhs, rhs } = &node.node
                && bin_level(op.node) == level
            {
                rights.push(part(op.node.as_str(), &**rhs, level + 1, after));
                after = bin_follow(op.node);
                node = lhs;
            }
            let mut parts = vec![part("", node, level, after)];
            parts.extend(rights.into_iter().rev());
            (parts, None)
        }
        ExprKind::Compare { first, rest } => {
            let mut parts = vec![part("", &**first, 5, Follow::Cmp)];
            for (i, (op, operand)) in rest.iter().enumerate() {
                let after = if i + 1 == rest.len() { follow } else { Follow::Cmp };
                parts.push(part(op.node.as_str(), operand, 5, after));
            }
            (parts, None)
        }
        ExprKind::Approx { lhs, rhs, within } => {
            let after = if within.is_some() { Follow::Within } else { follow };
            (vec![part("", &**lhs, 5, Follow::Approx), part("~=", &**rhs, 5, after)], within.as_ref())
        }
        ExprKind::In { value, range } => {
            (vec![part("", &**value, 5, Follow::In), part("in", &**range, 5, follow)], None)
        }
        _ => return None,
    };
    Some(Chain { parts, within })
}

/// Joins the lines: blank lines never doubled, nor at the start or the end; one line break at the end.
fn render(out: Vec<Out>) -> String {
    let mut text = String::new();
    let mut blank = false;
    for o in out {
        match o {
            Out::Blank => blank = !text.is_empty(),
            Out::Text(line) => {
                if blank {
                    text.push('\n');
                    blank = false;
                }
                text.push_str(line.trim_end());
                text.push('\n');
            }
        }
    }
    text
}
