//! Verdicts that know their rounding: a comparison is decided on point values (the contract), and
//! also says whether values inside its operands' intervals could give the opposite verdict.
//!
//! `29.9 in 29.55..29.85` is false on the points, but 29.9 stands for 29.85..29.95, and 29.85 is
//! inside the range: the verdict is *borderline*. `~=` compares intervals already (they meet or they
//! do not), so its verdict is always decided.

use std::cmp::Ordering;

use crate::num::{Num, Real, display};
use crate::syntax::ast::CmpOp;

/// A condition's verdict: what the point values say, and whether values inside the inputs'
/// intervals could say the opposite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Truth {
    pub holds: bool,
    pub borderline: bool,
}

impl Truth {
    /// A verdict no rounding can flip.
    pub const fn decided(holds: bool) -> Truth {
        Truth { holds, borderline: false }
    }

    /// Whether some values inside the intervals make the condition true.
    fn can_hold(self) -> bool {
        self.holds || self.borderline
    }

    /// Whether some values inside the intervals make the condition false.
    fn can_fail(self) -> bool {
        !self.holds || self.borderline
    }

    /// The verdict of a condition with these possible outcomes, `holds` on the points.
    fn of(holds: bool, can_hold: bool, can_fail: bool) -> Truth {
        Truth { holds, borderline: can_hold && can_fail }
    }

    /// `a and b` in three-valued logic: borderline only where flipping the borderline sides can flip
    /// the whole (a decided false side decides it).
    pub fn and(self, other: Truth) -> Truth {
        let can_hold = self.can_hold() && other.can_hold();
        Truth::of(self.holds && other.holds, can_hold, self.can_fail() || other.can_fail())
    }

    /// `a or b` in three-valued logic (a decided true side decides it).
    pub fn or(self, other: Truth) -> Truth {
        let can_fail = self.can_fail() && other.can_fail();
        Truth::of(self.holds || other.holds, self.can_hold() || other.can_hold(), can_fail)
    }
}

impl std::ops::Not for Truth {
    type Output = Truth;

    /// `not a`: borderline where `a` is.
    fn not(self) -> Truth {
        Truth { holds: !self.holds, ..self }
    }
}

/// `a op b` for two values in one unit: on the points, and over their intervals.
pub fn compare(a: &Num, op: CmpOp, b: &Num) -> Truth {
    let standing = Standing {
        points: a.point.cmp(&b.point),
        low_high: a.lo.cmp(&b.hi),
        high_low: a.hi.cmp(&b.lo),
        same_point: a.is_exact() && b.is_exact() && a.lo == b.lo,
    };
    standing.link(op)
}

/// How two intervals stand to each other, as a comparison of them needs it (the evaluator's values,
/// and the kernels' fractions and integers, each compare their own way into this).
#[derive(Debug, Clone, Copy)]
pub struct Standing {
    /// The points' order.
    pub points: Ordering,
    /// The orders of the interval ends that come nearest each other, either way: `a.lo` to `b.hi`,
    /// `a.hi` to `b.lo`.
    pub low_high: Ordering,
    pub high_low: Ordering,
    /// Both exact and equal: no rounding can part them.
    pub same_point: bool,
}

impl Standing {
    /// `a op b` on the points, borderline where values inside the intervals could give the opposite.
    #[inline]
    pub fn link(self, op: CmpOp) -> Truth {
        let Standing { points, low_high, high_low, same_point } = self;
        let meet = low_high.is_le() && high_low.is_ge();
        let (can_hold, can_fail) = match op {
            CmpOp::Lt => (low_high.is_lt(), high_low.is_ge()),
            CmpOp::Le => (low_high.is_le(), high_low.is_gt()),
            CmpOp::Gt => (high_low.is_gt(), low_high.is_le()),
            CmpOp::Ge => (high_low.is_ge(), low_high.is_lt()),
            CmpOp::Eq => (meet, !same_point),
            CmpOp::Ne => (!same_point, meet),
        };
        Truth::of(relation(op, points), can_hold, can_fail)
    }
}

/// Whether `op` holds between two values in this order.
pub fn relation(op: CmpOp, order: Ordering) -> bool {
    match op {
        CmpOp::Lt => order.is_lt(),
        CmpOp::Le => order.is_le(),
        CmpOp::Gt => order.is_gt(),
        CmpOp::Ge => order.is_ge(),
        CmpOp::Eq => order.is_eq(),
        CmpOp::Ne => order.is_ne(),
    }
}

/// One side of a borderline comparison, as a note names it: `29.9 USD bn`, `the top 29.85 USD bn`.
pub struct Side<'a> {
    pub name: String,
    pub num: &'a Num,
}

/// Says how the verdict of a borderline `a op b` (point verdict `holds`) flips within rounding: the
/// value that moves, and the nearest value inside its interval that gives the other verdict
/// (`29.9 USD bn may be 29.85 USD bn, inside the range, given rounding`); where neither side alone
/// can flip it, both at the ends of their intervals. `context` says what the flipped verdict means
/// (`inside the range`); `None` names the relation to the other side instead (`below 5 USD bn`).
pub fn flip_note(a: &Side, op: CmpOp, b: &Side, holds: bool, context: Option<&str>) -> String {
    // the relation to reach, as a constraint on `a` with `b` fixed
    let target = if holds { negate(op) } else { op };
    let shown = |r: &Real, n: &Num| display::num(&Num::exact(r.clone(), n.unit));
    let ctx = |words: String| context.map_or(words, str::to_owned);
    if let Some(w) = nearest(a.num, target, &b.num.point) {
        let rel = ctx(format!("{} {}", words(target), display::num(b.num)));
        return format!("{} may be {}, {rel}, given rounding", a.name, shown(&w, a.num));
    }
    if let Some(w) = nearest(b.num, mirror(target), &a.num.point) {
        let rel = ctx(format!("{} {}", words(mirror(target)), display::num(a.num)));
        return format!("{} may be {}, {rel}, given rounding", b.name, shown(&w, b.num));
    }
    let (wa, wb) = match target {
        CmpOp::Lt | CmpOp::Le => (&a.num.lo, &b.num.hi),
        CmpOp::Gt | CmpOp::Ge => (&a.num.hi, &b.num.lo),
        CmpOp::Eq => {
            let common = a.num.lo.clone().max(b.num.lo.clone());
            return format!("{} and {} may both be {}, given rounding", a.name, b.name, shown(&common, a.num));
        }
        CmpOp::Ne => (&a.num.lo, &b.num.hi),
    };
    let rel = context.map_or(String::new(), |c| format!(", {c}"));
    format!("{} may be {} and {} may be {}{rel}, given rounding", a.name, shown(wa, a.num), b.name, shown(wb, b.num))
}

/// The value inside `n`'s interval nearest its point for which `x op y` holds: `y` itself where the
/// relation admits it, else the end of the interval on the right side of `y`.
fn nearest(n: &Num, op: CmpOp, y: &Real) -> Option<Real> {
    let inside = |r: &Real| n.lo <= *r && *r <= n.hi;
    match op {
        CmpOp::Le | CmpOp::Ge | CmpOp::Eq => inside(y).then(|| y.clone()),
        CmpOp::Lt => (n.lo < *y).then(|| n.lo.clone()),
        CmpOp::Gt => (n.hi > *y).then(|| n.hi.clone()),
        CmpOp::Ne => [&n.lo, &n.hi].into_iter().find(|r| *r != y).cloned(),
    }
}

/// The relation that holds exactly where `op` does not.
fn negate(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Lt => CmpOp::Ge,
        CmpOp::Le => CmpOp::Gt,
        CmpOp::Gt => CmpOp::Le,
        CmpOp::Ge => CmpOp::Lt,
        CmpOp::Eq => CmpOp::Ne,
        CmpOp::Ne => CmpOp::Eq,
    }
}

/// `a op b` read from `b`'s side: `b mirror(op) a`.
fn mirror(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Lt => CmpOp::Gt,
        CmpOp::Le => CmpOp::Ge,
        CmpOp::Gt => CmpOp::Lt,
        CmpOp::Ge => CmpOp::Le,
        other => other,
    }
}

/// How a note says a relation: `at most`, `below`.
pub fn words(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Lt => "below",
        CmpOp::Le => "at most",
        CmpOp::Gt => "above",
        CmpOp::Ge => "at least",
        CmpOp::Eq => "equal to",
        CmpOp::Ne => "different from",
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;

    use super::*;
    use crate::num::Unit;

    /// `point` with the interval `lo..hi`, pure numbers.
    fn n(lo: &str, point: &str, hi: &str) -> Num {
        let d = |s: &str| Real::from(s.parse::<Decimal>().expect("a decimal"));
        Num { lo: d(lo), point: d(point), hi: d(hi), unit: Unit::None }
    }

    #[test]
    fn a_point_verdict_that_rounding_can_flip_is_borderline() {
        let (x, five) = (n("4.95", "5.0", "5.05"), n("5", "5", "5"));
        assert_eq!(compare(&x, CmpOp::Lt, &five), Truth { holds: false, borderline: true });
        assert_eq!(compare(&n("4.85", "4.9", "4.95"), CmpOp::Lt, &five), Truth::decided(true));
        // intervals that touch: `<=` holds at the touching point, `<` does not
        assert_eq!(compare(&n("4.85", "4.9", "4.95"), CmpOp::Le, &n("4.95", "5.0", "5.05")), Truth::decided(true));
        assert!(compare(&n("4.85", "4.9", "4.95"), CmpOp::Lt, &n("4.95", "5.0", "5.05")).borderline);
        assert_eq!(compare(&five, CmpOp::Eq, &five), Truth::decided(true));
        assert_eq!(compare(&x, CmpOp::Eq, &five), Truth { holds: true, borderline: true });
        assert_eq!(compare(&x, CmpOp::Ne, &five), Truth { holds: false, borderline: true });
        assert_eq!(compare(&n("6", "6", "6"), CmpOp::Ne, &five), Truth::decided(true));
    }

    #[test]
    fn and_or_not_are_borderline_only_where_the_whole_can_flip() {
        let (t, f, e) = (Truth::decided(true), Truth::decided(false), Truth { holds: false, borderline: true });
        assert_eq!(e.and(f), Truth::decided(false));
        assert_eq!(e.and(t), e);
        assert_eq!(e.or(t), Truth::decided(true));
        assert_eq!(e.or(f), e);
        assert_eq!(!e, Truth { holds: true, borderline: true });
        assert_eq!((!e).and(!e), Truth { holds: true, borderline: true });
    }

    #[test]
    fn the_note_names_the_nearest_value_that_flips_the_verdict() {
        let (v, top) = (n("29.85", "29.9", "29.95"), n("29.845", "29.85", "29.855"));
        let side = |name: &str, num| Side { name: name.to_owned(), num };
        let note =
            flip_note(&side("29.9", &v), CmpOp::Le, &side("the top 29.85", &top), false, Some("inside the range"));
        assert_eq!(note, "29.9 may be 29.85, inside the range, given rounding");
        let (x, five) = (n("4.95", "5.0", "5.05"), n("5", "5", "5"));
        let note = flip_note(&side("5.0", &x), CmpOp::Lt, &side("5", &five), false, None);
        assert_eq!(note, "5.0 may be 4.95, below 5, given rounding");
        let (a, b) = (n("5.15", "5.2", "5.25"), n("5.05", "5.1", "5.15"));
        let note = flip_note(&side("5.2", &a), CmpOp::Le, &side("5.1", &b), false, None);
        assert_eq!(note, "5.2 may be 5.15 and 5.1 may be 5.15, given rounding");
    }
}
