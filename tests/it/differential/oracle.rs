//! The exact oracle: the contract of LANGUAGE.md ("Numbers", "Units") in rationals.
//!
//! A data figure stands for its point ± half its last digit (in base units: currency units,
//! fractions). A literal in a rule is exact, except one that is a whole side of `~=`, which is read
//! with its written precision. Sums add bounds; products and quotients are the hull of the four
//! corners; a divisor whose point is zero is division by zero, one whose interval holds zero is an
//! error too. `~=` holds when the intervals meet; `within T` when the gap between them is at most
//! `T`; `within p%` when it is at most `|right point| × p/100`. `<`, `==`, chains and `in` compare
//! points. An input missing at the cell skips the check, whatever else would fail.

use super::exact::{Figure, Q, U, abs, int};
use super::rules::{Check, Cmp, Expr, Func, Op, Tol, metrics_of};
use super::world::{Cell, World};

/// A value: its point and the interval that surely holds the true value.
#[derive(Debug, Clone, PartialEq)]
pub struct Iv {
    pub lo: Q,
    pub pt: Q,
    pub hi: Q,
}

impl Iv {
    /// An exact value.
    fn exact(q: Q) -> Iv {
        Iv { lo: q.clone(), pt: q.clone(), hi: q }
    }

    /// A written figure with its rounding interval.
    pub fn written(f: &Figure) -> Iv {
        let (v, h) = (f.value(), f.half());
        Iv { lo: &v - &h, pt: v.clone(), hi: v + h }
    }

    /// The smallest interval holding four corners, with a point.
    fn hull(corners: [Q; 4], pt: Q) -> Iv {
        let lo = corners.iter().min().unwrap().clone();
        let hi = corners.iter().max().unwrap().clone();
        Iv { lo, pt, hi }
    }

    /// `[lo, hi] (point)` for people, as decimals.
    pub fn show(&self) -> String {
        use super::exact::show;
        format!("{} [{} .. {}]", show(&self.pt), show(&self.lo), show(&self.hi))
    }
}

/// The oracle's verdict on one check.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Pass,
    Fail,
    Skip,
    Error(String),
}

impl Verdict {
    /// The status the JSON report uses.
    pub fn status(&self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::Skip => "skip",
            Verdict::Error(_) => "error",
        }
    }
}

/// Applies an arithmetic operator to two intervals.
fn arith(op: Op, a: Iv, b: Iv) -> Result<Iv, String> {
    Ok(match op {
        Op::Add => Iv { lo: a.lo + b.lo, pt: a.pt + b.pt, hi: a.hi + b.hi },
        Op::Sub => Iv { lo: a.lo - b.hi, pt: a.pt - b.pt, hi: a.hi - b.lo },
        Op::Mul => {
            let c = [&a.lo * &b.lo, &a.lo * &b.hi, &a.hi * &b.lo, &a.hi * &b.hi];
            Iv::hull(c, a.pt * b.pt)
        }
        Op::Div => {
            if b.pt == int(0) {
                return Err("division by zero".into());
            }
            if b.lo <= int(0) && b.hi >= int(0) {
                return Err("division by a value whose interval holds zero".into());
            }
            let c = [&a.lo / &b.lo, &a.lo / &b.hi, &a.hi / &b.lo, &a.hi / &b.hi];
            Iv::hull(c, a.pt / b.pt)
        }
    })
}

/// Applies a function to its evaluated arguments.
fn call(f: Func, args: Vec<Iv>) -> Iv {
    let fold = |pick: fn(Q, Q) -> Q| {
        let mut it = args.iter().cloned();
        let first = it.next().unwrap();
        it.fold(first, |a, b| Iv { lo: pick(a.lo, b.lo), pt: pick(a.pt, b.pt), hi: pick(a.hi, b.hi) })
    };
    match f {
        Func::Min => fold(std::cmp::min),
        Func::Max => fold(std::cmp::max),
        Func::Sum | Func::Avg => {
            let n = int(args.len() as i128);
            let s = fold(|a, b| a + b);
            if f == Func::Sum { s } else { Iv { lo: s.lo / &n, pt: s.pt / &n, hi: s.hi / n } }
        }
        Func::Abs => {
            let a = &args[0];
            if a.lo >= int(0) {
                a.clone()
            } else if a.hi <= int(0) {
                Iv { lo: -a.hi.clone(), pt: -a.pt.clone(), hi: -a.lo.clone() }
            } else {
                Iv { lo: int(0), pt: abs(&a.pt), hi: std::cmp::max(a.hi.clone(), -a.lo.clone()) }
            }
        }
    }
}

/// An expression's value at a cell, every input present.
pub fn value(w: &World, e: &Expr, cell: Cell) -> Result<Iv, String> {
    match e {
        Expr::Metric(m) => Ok(Iv::written(w.fact(*m, cell).expect("inputs checked"))),
        Expr::Lit(f) => Ok(Iv::exact(f.value())),
        Expr::Neg(a) => {
            let a = value(w, a, cell)?;
            Ok(Iv { lo: -a.hi, pt: -a.pt, hi: -a.lo })
        }
        Expr::Paren(a) => value(w, a, cell),
        Expr::Bin(op, a, b) => arith(*op, value(w, a, cell)?, value(w, b, cell)?),
        Expr::Call(f, args) => Ok(call(*f, args.iter().map(|a| value(w, a, cell)).collect::<Result<_, _>>()?)),
    }
}

/// A whole side of `~=`: a literal there is a claimed figure, read with its written precision.
pub fn side(w: &World, e: &Expr, cell: Cell) -> Result<Iv, String> {
    match e {
        Expr::Lit(f) => Ok(Iv::written(f)),
        e => value(w, e, cell),
    }
}

/// Whether `a op b` holds on points.
fn compare(op: Cmp, a: &Q, b: &Q) -> bool {
    match op {
        Cmp::Lt => a < b,
        Cmp::Le => a <= b,
        Cmp::Gt => a > b,
        Cmp::Ge => a >= b,
        Cmp::Eq => a == b,
        Cmp::Ne => a != b,
    }
}

/// The distance between two intervals, zero where they meet.
pub fn gap(a: &Iv, b: &Iv) -> Q {
    std::cmp::max(int(0), std::cmp::max(&b.lo - &a.hi, &a.lo - &b.hi))
}

/// Whether a condition holds, every input present.
fn holds(w: &World, c: &Check, cell: Cell) -> Result<bool, String> {
    match c {
        Check::Chain(sides, ops) => {
            let vals = sides.iter().map(|s| value(w, s, cell)).collect::<Result<Vec<_>, _>>()?;
            Ok(ops.iter().zip(vals.windows(2)).all(|(op, v)| compare(*op, &v[0].pt, &v[1].pt)))
        }
        Check::Approx(a, b, tol) => {
            let (a, b) = (side(w, a, cell)?, side(w, b, cell)?);
            let allowed = match tol {
                None => int(0),
                Some(Tol::Abs(t)) => t.value(),
                Some(Tol::Rel(p)) => abs(&b.pt) * p.value(),
            };
            Ok(gap(&a, &b) <= allowed)
        }
        Check::In(a, lo, hi) => {
            let a = value(w, a, cell)?;
            Ok(lo.value() <= a.pt && a.pt <= hi.value())
        }
    }
}

/// The verdict on a rule's condition at a cell.
pub fn verdict(w: &World, c: &Check, cell: Cell) -> Verdict {
    let mut inputs = Vec::new();
    super::rules::sides(c).into_iter().for_each(|s| metrics_of(s, &mut inputs));
    if inputs.iter().any(|&m| w.fact(m, cell).is_none()) {
        return Verdict::Skip;
    }
    match holds(w, c, cell) {
        Ok(true) => Verdict::Pass,
        Ok(false) => Verdict::Fail,
        Err(e) => Verdict::Error(e),
    }
}

/// The oracle's view of each operand of a condition, for a mismatch report.
pub fn explain(w: &World, c: &Check, cell: Cell) -> Vec<String> {
    let names = w.names();
    let approx = matches!(c, Check::Approx(..));
    let mut out: Vec<String> = super::rules::sides(c)
        .into_iter()
        .map(|s| {
            let v = if approx { side(w, s, cell) } else { value(w, s, cell) };
            let v = v.map(|v| v.show()).unwrap_or_else(|e| format!("error: {e}"));
            format!("{} = {v}", super::rules::expr(s, &names))
        })
        .collect();
    if let Check::Approx(a, b, tol) = c
        && let (Ok(a), Ok(b)) = (side(w, a, cell), side(w, b, cell))
    {
        let allowed = match tol {
            None => int(0),
            Some(Tol::Abs(t)) => t.value(),
            Some(Tol::Rel(p)) => abs(&b.pt) * p.value(),
        };
        out.push(format!("gap {} allowed {}", super::exact::show(&gap(&a, &b)), super::exact::show(&allowed)));
    }
    out
}

/// A relative tolerance's figure, `2%`.
pub fn percent(mant: i128, scale: u32) -> Figure {
    Figure { mant, scale, unit: U::Pct }
}
