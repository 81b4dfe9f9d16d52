//! Range arithmetic: a range is two figures, and every operation works on them bound by bound.
//!
//! Each bound is a [`Num`] with its own rounding interval, so the exact interval arithmetic of
//! figures carries over: `(a..b) + (c..d)` is `a+c .. b+d`, `(a..b) - (c..d)` is `a-d .. b-c` (the
//! lowest minus the highest), a range times or over a figure scales both bounds. A figure is a range
//! of one point. An open end stays open: `..213 + 10` is `..223`, and `(a..b) - (c..)` has no lower
//! end, since nothing bounds how much `c..` takes away.

use rust_decimal::Decimal;

use crate::num::{Num, display};
use crate::syntax::ast::BinOp;

use super::expr::{arith, message};
use super::units;
use super::value::{Halt, Value};

pub use super::value::Ends;

/// The ends of a value: a figure is a range of one point; true or false has none.
pub fn ends(v: Value) -> Option<Ends> {
    match v {
        Value::Num(n) => Some((Some(n.clone()), Some(n))),
        Value::Range(ends) => Some(*ends),
        Value::Bool(_) => None,
    }
}

/// `-(a..b)` is `-b..-a`.
pub fn negate((lo, hi): Ends) -> Ends {
    (hi.map(|n| n.neg()), lo.map(|n| n.neg()))
}

/// The bound-wise sum of ranges (subtracted ones already [`negate`]d): the lows added and the highs
/// added, all in one unit; an end open in any term is open in the sum.
pub fn total(terms: Vec<Ends>) -> Result<Ends, Halt> {
    let mut bounds: Vec<Num> = terms.iter().flat_map(|(lo, hi)| lo.iter().chain(hi)).cloned().collect();
    let unit = units::align_all(&mut bounds).map_err(message)?;
    let mut bounds = bounds.into_iter();
    let zero = Num::exact(Decimal::ZERO, unit);
    let (mut lo, mut hi) = (Some(zero.clone()), Some(zero));
    for (a, b) in terms {
        // the aligned bounds come back in the order they were taken
        let (a, b) = (a.and_then(|_| bounds.next()), b.and_then(|_| bounds.next()));
        lo = lo.zip(a).map(|(acc, x)| acc.add(&x, unit)).transpose().map_err(arith)?;
        hi = hi.zip(b).map(|(acc, x)| acc.add(&x, unit)).transpose().map_err(arith)?;
    }
    Ok((lo, hi))
}

/// `(a..b) * k`, `(a..b) / k`: each bound times or over the figure. Over a negative figure the
/// bounds change places (`(2..3) * -1` is `-3..-2`, as `-(2..3)` is); a figure whose interval
/// reaches zero from either side would leave unknown which bound is the lower, so it is an error.
pub fn scale((lo, hi): Ends, op: BinOp, k: &Num) -> Result<Value, Halt> {
    let negative = if k.lo.sign().is_gt() {
        false
    } else if k.hi.sign().is_lt() {
        true
    } else {
        let verb = if op == BinOp::Mul { "multiply" } else { "divide" };
        return Err(message(format!(
            "cannot {verb} a range by {}: its interval reaches zero, so which bound is the lower is not known",
            display::num_with_interval(k)
        )));
    };
    let by = |n: Num| -> Result<Num, Halt> {
        let unit = if op == BinOp::Mul { units::times(n.unit, k.unit) } else { units::over(n.unit, k.unit) };
        let unit = unit.map_err(message)?;
        if op == BinOp::Mul { n.mul(k, unit) } else { n.div(k, unit) }.map_err(arith)
    };
    let (lo, hi) = (lo.map(by).transpose()?, hi.map(by).transpose()?);
    Ok(if negative { Value::range(hi, lo) } else { Value::range(lo, hi) })
}

/// `x == y` over ranges: both ends equal (point values, exactly), an open end only to an open end.
pub fn equal((a_lo, a_hi): Ends, (b_lo, b_hi): Ends) -> Result<bool, Halt> {
    let end = |a: Option<Num>, b: Option<Num>| match (a, b) {
        (None, None) => Ok(true),
        (Some(a), Some(b)) => units::align(a, b).map(|(a, b, _)| a.point == b.point).map_err(message),
        _ => Ok(false),
    };
    Ok(end(a_lo, b_lo)? && end(a_hi, b_hi)?)
}
