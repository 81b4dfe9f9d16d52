//! Expressions on one line: single spaces around operators, parentheses where the user wrote them
//! and where the grammar needs them, literals as written.

use crate::num::{Quantity, RangeLit, RatioStyle, Unit};
use crate::period::Step;
use crate::source::{Span, Spanned};
use crate::syntax::ast::{At, BinOp, Expr, ExprKind, Name, PeriodRef, Scope, ScopeMember, UnaryOp};

use super::comments::Comments;

/// Prints expressions; reads literals from the source text where there is one.
pub struct Printer<'a> {
    /// The formatted file's text, or `None` for a tree that was never text (tests build some).
    pub source: Option<&'a str>,
    pub comments: &'a Comments,
}

/// The precedence level of an expression, loosest first, as in LANGUAGE.md's table.
pub fn level(e: &Expr) -> u8 {
    match &e.node {
        ExprKind::Binary { op, .. } => bin_level(op.node),
        ExprKind::Unary { op, .. } if op.node == UnaryOp::Not => 3,
        ExprKind::Compare { .. } | ExprKind::Approx { .. } | ExprKind::In { .. } => 4,
        ExprKind::Unary { .. } => 7,
        ExprKind::AtPeriod { .. } | ExprKind::Peer { .. } | ExprKind::PeerGroup { .. } => 8,
        _ => 9,
    }
}

/// The level of a binary operator.
pub fn bin_level(op: BinOp) -> u8 {
    match op {
        BinOp::Or => 1,
        BinOp::And => 2,
        BinOp::Add | BinOp::Sub => 5,
        BinOp::Mul | BinOp::Div => 6,
    }
}

/// What comes right after an operand in the printed text, as far as an `if` before it cares: the
/// operator that follows it, or [`Follow::End`] for the end of the expression or a token that no
/// expression takes in (`)`, `,`, `]`, `then`, `else`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Follow {
    End,
    /// `or`
    Or,
    /// `and`
    And,
    /// `<`, `<=`, `>`, `>=`, `==`, `!=`
    Cmp,
    /// `~=`
    Approx,
    /// `in`
    In,
    /// `within`
    Within,
    /// `+`, `-`
    Add,
    /// `*`, `/`
    Mul,
    /// `[` of `x[-1y]`
    Index,
}

/// The operator class of a binary operator.
pub fn bin_follow(op: BinOp) -> Follow {
    match op {
        BinOp::Or => Follow::Or,
        BinOp::And => Follow::And,
        BinOp::Add | BinOp::Sub => Follow::Add,
        BinOp::Mul | BinOp::Div => Follow::Mul,
    }
}

/// Whether `e`, written where the grammar wants level `min` or tighter and followed by `follow`,
/// needs parentheses: when it is looser than `min`, or when it is an `if` whose `else` branch would
/// take `follow` in (that branch reaches as far as an expression can, so `if c then a else b + 1`
/// adds to `b`, while `x ~= if c then a else b within 1` compares with the whole `if`).
pub fn needs_parens(e: &Expr, min: u8, follow: Follow) -> bool {
    level(e) < min || matches!(&e.node, ExprKind::If { otherwise, .. } if takes(otherwise, 1, follow))
}

/// Whether the rule of level `level`, its operand read, would go on with `follow`: `or` for level 1,
/// `and` for 2, any comparison for 4 (no comparison has been read yet), `+ -` for 5, `* /` for 6,
/// `[` for 8.
fn goes_on(level: u8, follow: Follow) -> bool {
    match level {
        1 => follow == Follow::Or,
        2 => follow == Follow::And,
        4 => matches!(follow, Follow::Cmp | Follow::Approx | Follow::In),
        5 => follow == Follow::Add,
        6 => follow == Follow::Mul,
        8 => follow == Follow::Index,
        _ => false,
    }
}

/// Whether the printed text of `e`, read by the grammar's rule of level `from` (where the printer
/// writes it with [`Printer::write_operand`]) and followed by `follow`, would take `follow` in: whether
/// a rule still open at its right edge goes on with it. The rules from `from` down to `e`'s own level
/// are open around it; then `e`'s own rule goes on with its own operators (a chain of comparisons
/// with more comparisons, `a ~= b` with `within`; `a ~= b within T` and `a in r` with nothing), and
/// the rules of its last operand are open in turn. Parentheses close everything inside them.
fn takes(e: &Expr, from: u8, follow: Follow) -> bool {
    if follow == Follow::End {
        return false;
    }
    let wrapped = needs_parens(e, from, follow);
    let own = if wrapped { 9 } else { level(e) };
    if (from..own).any(|l| goes_on(l, follow)) {
        return true;
    }
    if wrapped {
        return false;
    }
    match &e.node {
        ExprKind::Binary { op, rhs, .. } => bin_follow(op.node) == follow || takes(rhs, bin_level(op.node) + 1, follow),
        ExprKind::Unary { op, expr } => takes(expr, if op.node == UnaryOp::Not { 3 } else { 7 }, follow),
        ExprKind::Compare { first, rest } => {
            follow == Follow::Cmp || takes(rest.last().map_or(&**first, |(_, last)| last), 5, follow)
        }
        ExprKind::Approx { rhs, within: None, .. } => follow == Follow::Within || takes(rhs, 5, follow),
        ExprKind::Approx { within: Some(_), .. } => false,
        ExprKind::In { range, .. } => takes(range, 5, follow),
        ExprKind::AtPeriod { .. } | ExprKind::Peer { .. } | ExprKind::PeerGroup { .. } => follow == Follow::Index,
        ExprKind::If { otherwise, .. } => takes(otherwise, 1, follow),
        _ => false,
    }
}

impl Printer<'_> {
    /// An expression on one line, followed by `follow`.
    pub fn flat(&self, e: &Expr, follow: Follow) -> String {
        let mut out = String::new();
        self.write(e, follow, &mut out);
        out
    }

    /// An operand that must be at level `min` or tighter, followed by `follow`: in parentheses if
    /// [`needs_parens`] says so.
    pub fn write_operand(&self, e: &Expr, min: u8, follow: Follow, out: &mut String) {
        if needs_parens(e, min, follow) {
            out.push('(');
            self.write(e, Follow::End, out);
            out.push(')');
        } else {
            self.write(e, follow, out);
        }
    }

    /// Writes an expression on one line, followed by `follow`.
    fn write(&self, e: &Expr, follow: Follow, out: &mut String) {
        match &e.node {
            ExprKind::Binary { op, lhs, rhs } => {
                let level = bin_level(op.node);
                self.write_operand(lhs, level, bin_follow(op.node), out);
                out.push_str(&format!(" {} ", op.node.as_str()));
                self.write_operand(rhs, level + 1, follow, out);
            }
            ExprKind::Unary { op, expr } => self.unary(op.node, expr, follow, out),
            ExprKind::Compare { first, rest } => {
                self.write_operand(first, 5, Follow::Cmp, out);
                for (i, (op, operand)) in rest.iter().enumerate() {
                    out.push_str(&format!(" {} ", op.node.as_str()));
                    self.write_operand(operand, 5, if i + 1 == rest.len() { follow } else { Follow::Cmp }, out);
                }
            }
            ExprKind::Approx { lhs, rhs, within } => {
                self.write_operand(lhs, 5, Follow::Approx, out);
                out.push_str(" ~= ");
                self.write_operand(rhs, 5, if within.is_some() { Follow::Within } else { follow }, out);
                if let Some(t) = within {
                    out.push_str(" within ");
                    out.push_str(&self.number(&t.node, t.span));
                }
            }
            ExprKind::In { value, range } => {
                self.write_operand(value, 5, Follow::In, out);
                out.push_str(" in ");
                self.write_operand(range, 5, follow, out);
            }
            ExprKind::AtPeriod { expr, period } => {
                self.write_operand(expr, 8, Follow::Index, out);
                out.push('[');
                out.push_str(&self.period_ref(period));
                out.push(']');
            }
            ExprKind::Peer { expr, entity } => {
                self.write_operand(expr, 8, Follow::Index, out);
                out.push_str(" of ");
                out.push_str(&entity_text(&entity.node));
            }
            ExprKind::PeerGroup { expr, group } => {
                self.write_operand(expr, 8, Follow::Index, out);
                out.push_str(" of ");
                out.push_str(&group.node);
            }
            _ => self.atom(e, follow, out),
        }
    }

    /// `not a`, `-a`; `- 5..7` keeps a blank so that the `-` is not read as the range's sign.
    fn unary(&self, op: UnaryOp, operand: &Expr, follow: Follow, out: &mut String) {
        match op {
            UnaryOp::Not => {
                out.push_str("not ");
                self.write_operand(operand, 3, follow, out);
            }
            UnaryOp::Neg => {
                out.push('-');
                if starts_with_range(operand) {
                    out.push(' ');
                }
                self.write_operand(operand, 7, follow, out);
            }
        }
    }

    /// Writes an atom: a literal, a name, a call, `(a)` or `if c then a else b` (whose `else` branch
    /// is followed by what follows the `if`: an `if` there that would take that in gets parentheses,
    /// as [`takes`] expects).
    fn atom(&self, e: &Expr, follow: Follow, out: &mut String) {
        match &e.node {
            ExprKind::Number(q) => out.push_str(&self.number(q, e.span)),
            ExprKind::Range(r) => out.push_str(&self.range(r, e.span)),
            ExprKind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            ExprKind::Name(name) => out.push_str(&name_text(name)),
            ExprKind::Call { func, args } => {
                out.push_str(&func.node);
                out.push('(');
                for (i, arg) in args.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    self.write(arg, Follow::End, out);
                }
                out.push(')');
            }
            ExprKind::If { cond, then, otherwise } => {
                out.push_str("if ");
                self.write(cond, Follow::End, out);
                out.push_str(" then ");
                self.write(then, Follow::End, out);
                out.push_str(" else ");
                self.write_operand(otherwise, 1, follow, out);
            }
            ExprKind::Paren(inner) => {
                out.push('(');
                self.write(inner, Follow::End, out);
                out.push(')');
            }
            _ => self.write(e, follow, out),
        }
    }

    /// A span without the blanks and comments pest may let trail it.
    pub fn tight(&self, span: Span) -> Span {
        match self.source {
            Some(text) if span.range().end <= text.len() => {
                let start = span.start as usize;
                Span::new(start, self.comments.tight_end(text, start, span.end as usize))
            }
            _ => span,
        }
    }

    /// The source text of a span (made tight), if there is a source and the span lies in it.
    pub fn text(&self, span: Span) -> Option<&str> {
        self.source.and_then(|s| s.get(self.tight(span).range())).filter(|t| !t.is_empty())
    }

    /// A number as written: its digits exactly, its unit in canonical spacing.
    pub fn number(&self, q: &Quantity, span: Span) -> String {
        match self.text(span) {
            Some(text) => number_text(text),
            None => quantity_text(q),
        }
    }

    /// A range as written, `173.5..178.5`, its bounds as [`Printer::number`] writes them.
    fn range(&self, r: &RangeLit, span: Span) -> String {
        let span = self.tight(span);
        let Some(text) = self.text(span) else {
            let bound = |q: Option<Quantity>| q.map(|q| quantity_text(&q)).unwrap_or_default();
            return format!("{}..{}", bound(r.lo), bound(r.hi));
        };
        let mut bare = String::new();
        let mut at = span.start as usize;
        for i in self.comments.inside(span.start as usize, span.end as usize) {
            let c = self.comments.list[i];
            bare.push_str(&text[at - span.start as usize..c.start - span.start as usize]);
            bare.push(' ');
            at = c.end;
        }
        bare.push_str(&text[(at - span.start as usize).min(text.len())..]);
        let (lo, hi) = bare.split_once("..").unwrap_or((&bare, ""));
        format!("{}..{}", bound_text(lo.trim()), bound_text(hi.trim()))
    }

    /// The text of a rule's title or a `use` path: as written, quotes and escapes included.
    pub fn string(&self, value: &str, span: Span) -> String {
        match self.text(span) {
            Some(text) => text.to_owned(),
            None => format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\"")),
        }
    }
}

/// Whether the leftmost atom of an operand of `-` is a range with a lower bound: `-5..7` would read
/// as the range from -5.
fn starts_with_range(e: &Expr) -> bool {
    match &e.node {
        ExprKind::AtPeriod { expr, .. } | ExprKind::Peer { expr, .. } | ExprKind::PeerGroup { expr, .. } => {
            starts_with_range(expr)
        }
        ExprKind::Range(r) => r.lo.is_some(),
        _ => false,
    }
}

/// A name as written: `guidance.revenue`, `segment.*.revenue`.
pub fn name_text(name: &Name) -> String {
    match name.scenario {
        Some(s) => format!("{}.{}", s.as_str(), name.path),
        None => name.path.clone(),
    }
}

impl Printer<'_> {
    /// The period inside `[...]`: `-1y`, `+2q`, `2025Q1`, `FY2025`, `Q1`, `FY`; a zero offset keeps its
    /// sign.
    fn period_ref(&self, p: &Spanned<PeriodRef>) -> String {
        let written_minus = self.text(p.span).is_some_and(|t| t.starts_with('-'));
        match p.node {
            PeriodRef::Offset(0, step) if written_minus => format!("-0{}", step_letter(step)),
            other => period_ref(other),
        }
    }
}

/// The letter of an offset's step.
fn step_letter(step: Step) -> char {
    if step == Step::Year { 'y' } else { 'q' }
}

/// The period inside `[...]`: `-1y`, `+2q`, `2025Q1`, `FY2025`, `Q1`, `FY`.
pub fn period_ref(p: PeriodRef) -> String {
    match p {
        PeriodRef::Offset(n, step) => {
            let sign = if n < 0 { '-' } else { '+' };
            format!("{sign}{}{}", n.unsigned_abs(), step_letter(step))
        }
        PeriodRef::Absolute(period) => period.to_string(),
        PeriodRef::Fiscal(part) => part.to_string(),
        PeriodRef::Given(vintage) => vintage.to_string(),
        PeriodRef::Calendar(period) => period.to_string(),
    }
}

/// An entity as a rule writes it: a ticker bare (`AMZN`, `BRK.B`), any other name in quotes
/// (`"BRK-B"`).
pub fn entity_text(name: &str) -> String {
    let bytes = name.as_bytes();
    let ticker = bytes.first().is_some_and(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        && bytes.iter().enumerate().all(|(i, &b)| {
            b.is_ascii_alphanumeric()
                || b == b'_'
                || b == b'&'
                || b == b'.' && bytes.get(i + 1).is_some_and(u8::is_ascii_alphanumeric)
        });
    if ticker { name.to_owned() } else { quoted(name) }
}

/// A string in quotes, `\` and `"` escaped.
pub fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// A scope as written: `for AMZN, hyperscalers, sector == "retail"`.
pub fn scope_text(scope: &Scope) -> String {
    let members: Vec<String> = scope
        .members
        .iter()
        .map(|m| match &m.node {
            ScopeMember::Entity(name) => entity_text(name),
            ScopeMember::Group(name) => name.clone(),
            ScopeMember::Attribute { key, equal, value } => {
                format!("{key} {} {}", if *equal { "==" } else { "!=" }, quoted(value))
            }
        })
        .collect();
    format!("for {}", members.join(", "))
}

/// The periods of an `at` clause: `at 2025Q4, 2026Q1`, `at quarters`.
pub fn at_text(at: &At) -> String {
    match at {
        At::Quarters => "at quarters".to_owned(),
        At::Years => "at years".to_owned(),
        At::Periods(periods) => {
            let list: Vec<String> = periods.iter().map(|p| p.node.to_string()).collect();
            format!("at {}", list.join(", "))
        }
        At::Calendar(periods) => {
            let list: Vec<String> = periods.iter().map(|p| p.node.to_string()).collect();
            format!("at {}", list.join(", "))
        }
    }
}

/// A number's text in canonical form: the digits exactly as written (`25.0`, `1_000`), then the unit
/// words as written with single blanks between them, attached for `%`, `bps`, `bp` and `pp` (`35%`,
/// `180bps`) and after one blank for the others (`730 USD m`, `3.9 GW`).
pub fn number_text(text: &str) -> String {
    let digits = text.find(|c: char| !(c.is_ascii_digit() || c == '_' || c == '.')).unwrap_or(text.len());
    let unit = text[digits..].split_whitespace().collect::<Vec<_>>().join(" ");
    with_unit(&text[..digits], &unit)
}

/// A range bound's text: an optional `-` then a number.
fn bound_text(text: &str) -> String {
    match text.strip_prefix('-') {
        Some(rest) => format!("-{}", number_text(rest.trim_start())),
        None => number_text(text),
    }
}

/// Digits and a unit in canonical spacing.
fn with_unit(digits: &str, unit: &str) -> String {
    match unit {
        "" => digits.to_owned(),
        "%" | "bps" | "bp" | "pp" => format!("{digits}{unit}"),
        _ => format!("{digits} {unit}"),
    }
}

/// A quantity that was never text: its decimal with the scale it keeps, and its unit.
pub fn quantity_text(q: &Quantity) -> String {
    let unit = match q.unit {
        Unit::None => String::new(),
        Unit::Ratio(RatioStyle::Percent) => "%".to_owned(),
        other => other.to_string(),
    };
    with_unit(&q.value.to_string(), &unit)
}
