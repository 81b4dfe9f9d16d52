//! Generated rules: a small AST of what the generator writes, and its text in the rule language.

use super::exact::{Figure, U};

/// An arithmetic operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Add,
    Sub,
    Mul,
    Div,
}

/// A function of the language the generator calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Func {
    Min,
    Max,
    Abs,
    Sum,
    Avg,
}

/// A comparison of point values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

/// An expression: metrics are indices into the world's metrics.
#[derive(Debug, Clone)]
pub enum Expr {
    Metric(usize),
    Lit(Figure),
    Neg(Box<Expr>),
    Bin(Op, Box<Expr>, Box<Expr>),
    /// Brackets the writer asked for, needed or not.
    Paren(Box<Expr>),
    Call(Func, Vec<Expr>),
}

/// The tolerance of `~= within`: absolute in the sides' unit, or relative (`2%`) to the right side.
#[derive(Debug, Clone, Copy)]
pub enum Tol {
    Abs(Figure),
    Rel(Figure),
}

/// A rule's condition.
#[derive(Debug, Clone)]
pub enum Check {
    /// `a < b`, or a chain `a <= b <= c`: `ops.len() == sides.len() - 1`.
    Chain(Vec<Expr>, Vec<Cmp>),
    Approx(Expr, Expr, Option<Tol>),
    /// `a in lo..hi`, both bounds in one unit.
    In(Expr, Figure, Figure),
}

/// A generated rule: its name, the family of cases it comes from (for sorting mismatches), its
/// condition.
#[derive(Debug, Clone)]
pub struct Rule {
    pub name: String,
    pub family: &'static str,
    pub check: Check,
}

/// A shorthand for a binary expression.
pub fn bin(op: Op, a: Expr, b: Expr) -> Expr {
    Expr::Bin(op, Box::new(a), Box::new(b))
}

/// A shorthand for an exact scalar literal, `3` or `0.5`.
pub fn scalar(mant: i128, scale: u32) -> Expr {
    Expr::Lit(Figure { mant, scale, unit: U::Bare })
}

/// How tightly an expression binds (the levels of LANGUAGE.md).
fn level(e: &Expr) -> u8 {
    match e {
        Expr::Bin(Op::Add | Op::Sub, ..) => 5,
        Expr::Bin(Op::Mul | Op::Div, ..) => 6,
        Expr::Neg(_) => 7,
        Expr::Lit(f) if f.mant < 0 => 7,
        _ => 9,
    }
}

/// An operand written in brackets where its level is below `min`.
fn operand(e: &Expr, min: u8, names: &[String]) -> String {
    let text = expr(e, names);
    if level(e) < min { format!("({text})") } else { text }
}

/// An expression as the rule language writes it.
pub fn expr(e: &Expr, names: &[String]) -> String {
    match e {
        Expr::Metric(m) => names[*m].clone(),
        Expr::Lit(f) => f.text(),
        Expr::Neg(a) => format!("-{}", operand(a, 8, names)),
        Expr::Paren(a) => format!("({})", expr(a, names)),
        Expr::Bin(op, a, b) => {
            let (sym, lvl) = match op {
                Op::Add => ("+", 5),
                Op::Sub => ("-", 5),
                Op::Mul => ("*", 6),
                Op::Div => ("/", 6),
            };
            format!("{} {sym} {}", operand(a, lvl, names), operand(b, lvl + 1, names))
        }
        Expr::Call(f, args) => {
            let name = match f {
                Func::Min => "min",
                Func::Max => "max",
                Func::Abs => "abs",
                Func::Sum => "sum",
                Func::Avg => "avg",
            };
            let args: Vec<String> = args.iter().map(|a| expr(a, names)).collect();
            format!("{name}({})", args.join(", "))
        }
    }
}

/// A comparison operator's text.
fn cmp(c: Cmp) -> &'static str {
    match c {
        Cmp::Lt => "<",
        Cmp::Le => "<=",
        Cmp::Gt => ">",
        Cmp::Ge => ">=",
        Cmp::Eq => "==",
        Cmp::Ne => "!=",
    }
}

/// A range of two bounds in one unit: `200..220.5 USD bn`, `8%..9.5%`, `3..7`.
pub fn range(lo: &Figure, hi: &Figure) -> String {
    match lo.unit {
        U::Pct | U::Bps | U::Pp | U::Bare => format!("{}..{}", lo.text(), hi.text()),
        unit => format!("{}..{} {}", lo.digits(), hi.digits(), unit.name()),
    }
}

/// A condition as the rule language writes it.
pub fn check(c: &Check, names: &[String]) -> String {
    match c {
        Check::Chain(sides, ops) => {
            let mut text = expr(&sides[0], names);
            for (op, side) in ops.iter().zip(&sides[1..]) {
                text = format!("{text} {} {}", cmp(*op), expr(side, names));
            }
            text
        }
        Check::Approx(a, b, tol) => {
            let within = match tol {
                None => String::new(),
                Some(Tol::Abs(t) | Tol::Rel(t)) => format!(" within {}", t.text()),
            };
            format!("{} ~= {}{within}", expr(a, names), expr(b, names))
        }
        Check::In(a, lo, hi) => format!("{} in {}", expr(a, names), range(lo, hi)),
    }
}

/// A rule file's item for a rule.
pub fn item(r: &Rule, names: &[String]) -> String {
    format!("rule {}:\n  {}\n", r.name, check(&r.check, names))
}

/// The metrics an expression reads, in order, repeats kept.
pub fn metrics_of(e: &Expr, out: &mut Vec<usize>) {
    match e {
        Expr::Metric(m) => out.push(*m),
        Expr::Lit(_) => {}
        Expr::Neg(a) | Expr::Paren(a) => metrics_of(a, out),
        Expr::Bin(_, a, b) => {
            metrics_of(a, out);
            metrics_of(b, out);
        }
        Expr::Call(_, args) => args.iter().for_each(|a| metrics_of(a, out)),
    }
}

/// The operands of a condition, in order.
pub fn sides(c: &Check) -> Vec<&Expr> {
    match c {
        Check::Chain(sides, _) => sides.iter().collect(),
        Check::Approx(a, b, _) => vec![a, b],
        Check::In(a, ..) => vec![a],
    }
}
