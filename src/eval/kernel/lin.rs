//! The fast path of a kernel whose values stay symmetric intervals of decimals: figures, their sums
//! and differences, a product by an exact number, a range's ends, width and midpoint, compared.
//! A value is `(n ± w) · 10^e` in its unit's base, `n` and `w` in 64 bits: a figure is its digits in
//! tenths of its last digit, ± 5; values of one exponent add by their integers alone, no fraction,
//! no `i128` division, 24 bytes a value instead of 112. A quotient (`/`, `growth`) is made from
//! the ends' integers at once (no product of fractions to form), kept aside as the general path's
//! value, and read only by `abs` and the comparison or `~=` at the end, which are the general path's.
//!
//! It runs first where every op of a kernel has a fast form ([`program`]), and answers only where
//! each op computed exactly what [`super::exec`] would (the same intervals, the same order of
//! inputs, the same gap); anywhere else (a unit not the same throughout, an overflow of 64 bits, an
//! interval that would not stay symmetric) it answers `None`, and the kernel's general path runs
//! the check from the start, so it decides nothing the general path would not.

use crate::data::Packed;
use crate::eval::units;
use crate::eval::verdict::{Standing, Truth};
use crate::num::{RatioStyle, Unit};
use crate::period::Period;
use crate::syntax::ast::CmpOp;

use super::compile::{Op, Ranged, Tol};
use super::exec::{Inputs, slot};
use super::frac::{self, Frac, Val, cmp, ten_to};

/// A value: the interval `[n - w, n + w] · 10^e` in its unit's base, `w >= 0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lin {
    pub(super) n: i64,
    pub(super) w: i64,
    e: i32,
    pub(super) unit: Unit,
}

/// `10^k` in 64 bits, for `k <= 18`.
pub(super) fn pow10(k: u32) -> Option<i64> {
    if k > 18 {
        return None;
    }
    ten_to(k).and_then(|p| i64::try_from(p).ok())
}

impl Lin {
    /// Zero, a placeholder.
    pub(super) const ZERO: Lin = Lin { n: 0, w: 0, e: 0, unit: Unit::None };

    /// A written figure ([`Val::figure`]): tenths of its last digit, ± 5.
    #[inline]
    pub(super) fn figure(digits: i64, scale: u32, unit: Unit) -> Option<Lin> {
        Some(Lin { n: digits.checked_mul(10)?, w: 5, e: unit.exponent() - scale as i32 - 1, unit })
    }

    /// A value of the general path, where it is a symmetric interval of decimals of 64 bits.
    fn of_val(v: &Val) -> Option<Lin> {
        let (pn, pd) = v.pt;
        let (lo, hi) = (v.lo, v.hi);
        if lo.1 != pd || hi.1 != pd {
            return None;
        }
        let k = (0..19u32).find(|&k| pow10(k).is_some_and(|p| i128::from(p) == pd))?;
        let w = hi.0.checked_sub(pn)?;
        if w < 0 || pn.checked_sub(lo.0)? != w {
            return None;
        }
        Some(Lin { n: i64::try_from(pn).ok()?, w: i64::try_from(w).ok()?, e: -(k as i32), unit: v.unit })
    }

    /// This value's integers at a lower exponent `e`.
    #[inline]
    pub(super) fn at(self, e: i32) -> Option<(i64, i64)> {
        if e == self.e {
            return Some((self.n, self.w));
        }
        let f = pow10(u32::try_from(self.e.checked_sub(e)?).ok()?)?;
        Some((self.n.checked_mul(f)?, self.w.checked_mul(f)?))
    }

    /// The point, low and high ends as fractions, for the general path's arithmetic.
    fn point(self) -> Option<Frac> {
        let (n, e) = (i128::from(self.n), self.e);
        if e >= 0 { Some((n.checked_mul(ten_to(e as u32)?)?, 1)) } else { Some((n, ten_to(e.unsigned_abs())?)) }
    }

    /// This value as the general path's: the same three numbers, as fractions.
    pub(super) fn val(self) -> Option<Val> {
        let (n, w) = (i128::from(self.n), i128::from(self.w));
        let at = |x: i128| -> Option<Frac> {
            if self.e >= 0 {
                Some((x.checked_mul(ten_to(self.e as u32)?)?, 1))
            } else {
                Some((x, ten_to(self.e.unsigned_abs())?))
            }
        };
        Some(Val { lo: at(n - w)?, pt: at(n)?, hi: at(n + w)?, unit: self.unit })
    }

    pub(super) fn is_bare_zero(&self) -> bool {
        self.unit == Unit::None && self.n == 0
    }

    /// The point, half-width and exponent: `(n ± w) · 10^e`.
    #[inline]
    pub(super) fn parts(self) -> (i64, i64, i32) {
        (self.n, self.w, self.e)
    }

    /// Whether the interval is a single point.
    #[inline]
    pub(super) fn is_exact(self) -> bool {
        self.w == 0
    }

    /// `-v`.
    #[inline]
    pub(super) fn neg(self) -> Option<Lin> {
        Some(Lin { n: self.n.checked_neg()?, ..self })
    }

    /// `v + 1`, where one is a whole number of `v`'s integers (`e <= 0`) and fits.
    #[inline]
    pub(super) fn plus_one(self) -> Option<Lin> {
        let one = pow10(u32::try_from(self.e.checked_neg()?).ok()?)?;
        Some(Lin { n: self.n.checked_add(one)?, ..self })
    }

    /// `|v|`, where it stays symmetric (`None` for an interval across zero, which is `[0, max]`).
    #[inline]
    pub(super) fn abs(self) -> Option<Lin> {
        if self.n.checked_sub(self.w)? >= 0 {
            Some(self)
        } else if self.n.checked_add(self.w)? <= 0 {
            self.neg()
        } else {
            None
        }
    }
}

/// `a ± b` (`minus`), in `unit`: the points added, the half-widths always added.
#[inline]
pub(super) fn add(a: Lin, b: Lin, minus: bool, unit: Unit) -> Option<Lin> {
    let e = a.e.min(b.e);
    let ((an, aw), (bn, bw)) = (a.at(e)?, b.at(e)?);
    let n = if minus { an.checked_sub(bn)? } else { an.checked_add(bn)? };
    Some(Lin { n, w: aw.checked_add(bw)?, e, unit })
}

/// The one unit of values that all have it, not a pure number (where a bare zero could take
/// another's unit, or units differ, [`super::exec`]'s `common` aligns them: the general path's).
#[inline]
pub(super) fn same(values: &[Lin]) -> Option<Unit> {
    let (first, rest) = values.split_first()?;
    (first.unit != Unit::None && rest.iter().all(|v| v.unit == first.unit)).then_some(first.unit)
}

/// A kernel's ops in their fast form, one for one (a gap names the op by its index), where every
/// op has one.
pub fn program(ops: &[Op]) -> Option<Box<[LinOp]>> {
    quotients_end(ops)?;
    ops.iter()
        .enumerate()
        .map(|(i, op)| {
            Some(match op {
                Op::Fact(_) | Op::SumOf { .. } | Op::Reach(_) | Op::Scope(_) => LinOp::Same,
                Op::Lit(v) => LinOp::Lit(Lin::of_val(v)?),
                Op::Neg | Op::Sum(_) | Op::Mul | Op::Abs | Op::Change | Op::Compare(_) | Op::Approx(_) => LinOp::Same,
                Op::In(Ranged::Column(_)) | Op::Part { range: Ranged::Column(_), .. } => LinOp::Same,
                Op::In(Ranged::Literal(ends)) | Op::Part { range: Ranged::Literal(ends), .. } => {
                    let end = |v: &Option<Val>| v.as_ref().map(Lin::of_val).map(|l| l.ok_or(())).transpose().ok();
                    LinOp::Ends(end(&ends.0)?, end(&ends.1)?)
                }
                Op::Div | Op::Growth if read_at_end(ops, i) => LinOp::Ratio,
                Op::Div | Op::Growth => LinOp::Same,
            })
        })
        .collect()
}

/// How many values an op takes off the stack, and how many it puts on.
fn arity(op: &Op) -> (usize, usize) {
    match op {
        Op::Fact(_) | Op::SumOf { .. } | Op::Lit(_) | Op::Part { .. } => (0, 1),
        Op::Reach(_) | Op::Scope(_) => (0, 0),
        Op::Neg | Op::Abs => (1, 1),
        Op::Sum(negative) => (negative.len(), 1),
        Op::Mul | Op::Div | Op::Growth | Op::Change => (2, 1),
        Op::In(_) => (1, 0),
        Op::Compare(links) => (links.len() + 1, 0),
        Op::Approx(_) => (2, 0),
    }
}

/// Whether the value the op at `i` puts on the stack is read by nothing but the kernel's last op,
/// a comparison of two values or a `~=`, through any `abs` on the way.
fn read_at_end(ops: &[Op], i: usize) -> bool {
    let mut d = ops[..=i].iter().fold(0usize, |d, op| d.saturating_sub(arity(op).0) + arity(op).1);
    let Some(place) = d.checked_sub(1) else { return false };
    for (j, op) in ops.iter().enumerate().skip(i + 1) {
        let (take, put) = arity(op);
        if take > 0 && d.saturating_sub(take) <= place {
            // `abs` takes the value and puts its own in its place: the next reader reads it
            if matches!(op, Op::Abs) {
                continue;
            }
            let compare = matches!(op, Op::Compare(links) if links.len() == 1) || matches!(op, Op::Approx(_));
            return compare && j + 1 == ops.len();
        }
        d = d.saturating_sub(take) + put;
    }
    false
}

/// `a` as the numerator of a quotient `a / b` kept as its operands ([`super::mixed::Ratio`]),
/// carrying the quotient's unit; `None` wherever [`div`] would answer `None` (and where it does
/// answer, [`div`] of the two does too: `10^(ea - eb)` fits).
#[inline]
pub(super) fn ratio(a: Lin, b: Lin) -> Option<Lin> {
    // a bare zero stays bare through a quotient: the evaluator's to do
    if a.is_bare_zero() && a.w == 0 {
        return None;
    }
    let unit = over(a.unit, b.unit)?;
    let (b_lo, b_hi) = (i128::from(b.n) - i128::from(b.w), i128::from(b.n) + i128::from(b.w));
    if b.n == 0 || (b_lo <= 0 && b_hi >= 0) || a.e.abs_diff(b.e) > 18 {
        return None;
    }
    Some(Lin { unit, ..a })
}

/// `now` as the numerator of a growth `now / before - 1` kept as its operands
/// ([`super::mixed::Ratio`]), carrying the growth's unit (percent); `None` wherever the general
/// path's growth (of one unit, from above zero: [`div`], then [`Val::less_one`]) would answer
/// `None`, and where the two exponents are far apart.
#[inline]
pub(super) fn growth(now: Lin, before: Lin) -> Option<Lin> {
    same(&[now, before])?;
    let (b_lo, b_hi) = (i128::from(before.n) - i128::from(before.w), i128::from(before.n) + i128::from(before.w));
    // from zero or a loss the growth is not meaningful (a skip), and a divisor holding zero errs:
    // the evaluator's
    if before.n <= 0 || (b_lo <= 0 && b_hi >= 0) || now.e.abs_diff(before.e) > 18 {
        return None;
    }
    Some(Lin { unit: Unit::Ratio(RatioStyle::Percent), ..now })
}

/// Whether every quotient (`/`, `growth`) of a kernel goes only to `abs`, to a `change` from
/// another quotient, or to the comparison or `~=` at its end, its operands plain values: a quotient
/// is kept aside as the general path's value (in its place on the stack: [`super::lanes`]), which
/// nothing but those ops reads.
/// `None` otherwise (no fast form).
fn quotients_end(ops: &[Op]) -> Option<()> {
    // whether each value on the stack is a quotient
    let mut stack: Vec<bool> = Vec::new();
    let plain = |stack: &mut Vec<bool>, k: usize| -> Option<()> {
        let from = stack.len().checked_sub(k)?;
        if stack[from..].iter().any(|&q| q) {
            return None;
        }
        stack.truncate(from);
        Some(())
    };
    for op in ops {
        match op {
            Op::Fact(_) | Op::SumOf { .. } | Op::Lit(_) | Op::Part { .. } => stack.push(false),
            Op::Reach(_) | Op::Scope(_) => {}
            Op::Neg => {
                plain(&mut stack, 1)?;
                stack.push(false);
            }
            Op::Sum(negative) => {
                plain(&mut stack, negative.len())?;
                stack.push(false);
            }
            // a change of two quotients is one (a margin's move), computed the general way
            Op::Change if stack.ends_with(&[true, true]) => {
                stack.pop();
            }
            Op::Mul | Op::Change => {
                plain(&mut stack, 2)?;
                stack.push(false);
            }
            Op::Div | Op::Growth => {
                plain(&mut stack, 2)?;
                stack.push(true);
            }
            Op::Abs => {
                stack.last()?;
            }
            Op::In(_) => plain(&mut stack, 1)?,
            Op::Compare(_) | Op::Approx(_) => {}
        }
    }
    Some(())
}

/// The unit of a quotient ([`units::over`]): of two values of one unit of money or shares, a ratio
/// in percent, found without the dimensions (the common case: a margin, a rate).
#[inline]
pub(super) fn over(a: Unit, b: Unit) -> Option<Unit> {
    if a == b && matches!(a, Unit::Money(..) | Unit::Shares(_)) {
        return Some(Unit::Ratio(RatioStyle::Percent));
    }
    units::over(a, b).ok()
}

/// `a / b` ([`Val::div`]), from the integers: each end of the quotient is a ratio of the ends'
/// integers, `10^(ea - eb)` folded into one side; `None` where the general path errs or would not
/// fit (the divisor zero or its interval holding zero).
pub(super) fn div(a: Lin, b: Lin, unit: Unit) -> Option<Val> {
    let (b_lo, b_hi) = (i128::from(b.n) - i128::from(b.w), i128::from(b.n) + i128::from(b.w));
    if b.n == 0 || (b_lo <= 0 && b_hi >= 0) {
        return None;
    }
    let (a_lo, a_hi) = (i128::from(a.n) - i128::from(a.w), i128::from(a.n) + i128::from(a.w));
    let k = a.e.checked_sub(b.e)?;
    let scale = ten_to(k.unsigned_abs())?;
    let ratio = |n: i128, d: i128| -> Option<Frac> {
        let (n, d) = if k >= 0 { (frac::times(n, scale)?, d) } else { (n, frac::times(d, scale)?) };
        if d < 0 { Some((n.checked_neg()?, d.checked_neg()?)) } else { Some((n, d)) }
    };
    let pt = ratio(i128::from(a.n), i128::from(b.n))?;
    if a.w == 0 && b.w == 0 {
        return Some(Val::exact(pt, unit));
    }
    let (lo, hi) = if b_lo > 0 {
        let lo = if a_lo >= 0 { ratio(a_lo, b_hi)? } else { ratio(a_lo, b_lo)? };
        let hi = if a_hi >= 0 { ratio(a_hi, b_lo)? } else { ratio(a_hi, b_hi)? };
        (lo, hi)
    } else {
        let lo = if a_hi >= 0 { ratio(a_hi, b_hi)? } else { ratio(a_hi, b_lo)? };
        let hi = if a_lo >= 0 { ratio(a_lo, b_lo)? } else { ratio(a_lo, b_hi)? };
        (lo, hi)
    };
    Some(Val { lo, pt, hi, unit })
}

/// `a * b` (`None` where the product is not a symmetric interval: of two intervals, or of a bare
/// zero, which stays bare through a product: the evaluator's to do).
#[inline]
pub(super) fn mul(a: Lin, b: Lin) -> Option<Lin> {
    if (a.is_bare_zero() && a.w == 0) || (b.is_bare_zero() && b.w == 0) {
        return None;
    }
    // a product by an exact number stays a symmetric interval; of two intervals, not
    let (v, m) = if b.w == 0 {
        (a, b)
    } else if a.w == 0 {
        (b, a)
    } else {
        return None;
    };
    let unit = units::times(a.unit, b.unit).ok()?;
    let n = v.n.checked_mul(m.n)?;
    let w = v.w.checked_mul(m.n.checked_abs()?)?;
    Some(Lin { n, w, e: v.e.checked_add(m.e)?, unit })
}

/// The unit a change is shown in: of a percentage, percentage points.
#[inline]
pub(super) fn shown(unit: Unit) -> Unit {
    if unit == Unit::Ratio(RatioStyle::Percent) { Unit::Ratio(RatioStyle::Pp) } else { unit }
}

/// `mid(r)` (`mid`) or `width(r)` of a range's ends (`None` for an open end, or ends of two units).
pub(super) fn part(mid: bool, ends: Ends) -> Option<Lin> {
    let (Some(lo), Some(hi)) = ends else { return None };
    let unit = same(&[lo, hi])?;
    if mid {
        // (lo + hi) / 2 = (lo + hi) * 5 / 10
        let sum = add(lo, hi, false, unit)?;
        Some(Lin { n: sum.n.checked_mul(5)?, w: sum.w.checked_mul(5)?, e: sum.e.checked_sub(1)?, unit })
    } else {
        add(hi, lo, true, unit)
    }
}

/// `sum(segment.*.revenue)` at a period: every figure of the columns that has one, all of one unit.
/// The period's slot is placed once for all the columns ([`crate::data::Row::figure_at`], what
/// [`crate::data::Row::packed`] reads of a figure); a period with no slot has no figure in any.
/// The reference of the lanes' sums (`lanes::sums`), which add column by column.
#[cfg(test)]
pub(super) fn sum_of(inputs: &[u32], at: &Inputs, to: Period) -> Option<Lin> {
    let slot = at.sheets.slot_index(to)?;
    let mut total: Option<Lin> = None;
    for &input in inputs.iter() {
        // `None`: a range or a value not a figure, the evaluator's
        if let Some((digits, scale, unit)) = at.rows.get(input as usize)?.figure_at(slot)? {
            let v = Lin::figure(digits, scale, unit)?;
            total = Some(match total {
                None if unit != Unit::None => v,
                Some(t) if t.unit == unit => add(t, v, false, unit)?,
                _ => return None,
            });
        }
    }
    total
}

/// What the fast form of an op adds to the op itself.
#[derive(Debug, Clone)]
pub enum LinOp {
    /// The op as it is.
    Same,
    /// A literal, in the fast form.
    Lit(Lin),
    /// A literal range's ends, in the fast form.
    Ends(Option<Lin>, Option<Lin>),
    /// A quotient the comparison at the end alone reads, kept as its operands
    /// ([`super::mixed::Ratio`]).
    Ratio,
}

/// The two ends of a range.
pub(super) type Ends = (Option<Lin>, Option<Lin>);

/// A range's ends (a figure is a range of one point), or where it has no value.
pub(super) fn ends(
    range: &Ranged,
    fast: &LinOp,
    at: &Inputs,
    period: Period,
) -> Option<Result<Ends, (Option<usize>, Period)>> {
    match range {
        Ranged::Literal(_) => match fast {
            LinOp::Ends(lo, hi) => Some(Ok((*lo, *hi))),
            _ => None,
        },
        Ranged::Column(read) => match slot(read, at, period) {
            Ok(Packed::Range(r)) => {
                let end = |q: Option<crate::num::Quantity>| match q {
                    Some(q) => Lin::figure(i64::try_from(q.value.mantissa()).ok()?, q.value.scale(), q.unit).map(Some),
                    None => Some(None),
                };
                Some(Ok((end(r.lo)?, end(r.hi)?)))
            }
            Ok(Packed::Figure(digits, scale, unit)) => {
                let v = Lin::figure(digits, scale, unit)?;
                Some(Ok((Some(v), Some(v))))
            }
            Ok(Packed::Empty | Packed::Other) => None,
            Err(missing) => Some(Err(missing)),
        },
    }
}

/// `a op b` ([`super::exec`]'s `link`), on the integers of one exponent.
#[inline]
pub(super) fn link(a: Lin, op: CmpOp, b: Lin) -> Option<Truth> {
    same(&[a, b])?;
    let e = a.e.min(b.e);
    let ((an, aw), (bn, bw)) = (a.at(e)?, b.at(e)?);
    let (an, aw, bn, bw) = (i128::from(an), i128::from(aw), i128::from(bn), i128::from(bw));
    let standing = Standing {
        points: an.cmp(&bn),
        low_high: (an - aw).cmp(&(bn + bw)),
        high_low: (an + aw).cmp(&(bn - bw)),
        same_point: aw == 0 && bw == 0 && an == bn,
    };
    Some(standing.link(op))
}

/// `a ~= b [within T]` ([`super::exec`]'s `approx`): `a.lo - b.hi <= tol` and `b.lo - a.hi <= tol`,
/// that is `(|a - b| - wa - wb) · 10^e <= tol` on the points.
#[inline]
pub(super) fn approx(a: Lin, b: Lin, tol: Option<&Tol>) -> Option<bool> {
    // the common case (an identity of figures of one unit and scale): the points' integers
    if tol.is_none() && a.e == b.e && a.unit == b.unit && a.unit != Unit::None {
        let (an, aw, bn, bw) = (i128::from(a.n), i128::from(a.w), i128::from(b.n), i128::from(b.w));
        return Some((an - bn).abs() - aw - bw <= 0);
    }
    let unit = same(&[a, b])?;
    let e = a.e.min(b.e);
    let ((an, aw), (bn, bw)) = (a.at(e)?, b.at(e)?);
    let (an, aw, bn, bw) = (i128::from(an), i128::from(aw), i128::from(bn), i128::from(bw));
    let gap = (an - bn).abs() - aw - bw;
    let Some(t) = tol else { return Some(gap <= 0) };
    let a_unit = if a.unit == Unit::Fraction { unit } else { a.unit };
    if !matches!(t.unit, Unit::None | Unit::Ratio(RatioStyle::Percent)) {
        units::common([a_unit, t.unit]).ok()?;
    }
    let b_point = Lin { n: b.n, w: 0, e: b.e, unit }.point()?;
    let tol = match t.unit {
        Unit::Ratio(RatioStyle::Percent) => frac::mul(frac::abs(b_point)?, t.value)?,
        _ => frac::abs(t.value)?,
    };
    let gap = Lin { n: i64::try_from(gap).ok()?, w: 0, e, unit }.point()?;
    Some(cmp(gap, tol).is_le())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::super::exec;
    use super::*;
    use crate::num::{Currency, Scale};

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

        /// `~=` of two values, of one unit or not, at one exponent or not, exact or not, without
        /// a tolerance: what the general path says, where both tell.
        #[test]
        fn an_approx_of_two_values_is_the_general_paths(
            (a, b) in ((-2_000_000i64..2_000_000, 0u32..4), (-2_000_000i64..2_000_000, 0u32..4)),
            (ua, ub) in (0usize..4, 0usize..4),
            exact in (any::<bool>(), any::<bool>()),
            near in any::<bool>(),
        ) {
            let usd = |scale| Unit::Money(Currency(*b"USD"), scale);
            let units = [usd(Scale::Million), usd(Scale::Thousand), Unit::None, Unit::Ratio(RatioStyle::Percent)];
            // half the time `b` is `a` moved in its last digits, where rounding decides
            let b = if near { (a.0 + b.0 % 3, a.1) } else { b };
            let (Some(mut x), Some(mut y)) = (Lin::figure(a.0, a.1, units[ua]), Lin::figure(b.0, b.1, units[ub])) else {
                return Ok(());
            };
            if exact.0 {
                x.w = 0;
            }
            if exact.1 {
                y.w = 0;
            }
            let general = exec::approx(&[x.val().unwrap(), y.val().unwrap()], None);
            if let Some(fast) = approx(x, y, None) {
                prop_assert_eq!(Some(fast), general);
            }
        }
    }

    #[test]
    fn a_quotient_of_one_unit_is_the_evaluators() {
        let scales = [Scale::One, Scale::Thousand, Scale::Million, Scale::Billion, Scale::Trillion];
        let mut units = vec![Unit::None, Unit::Fraction, Unit::Ratio(RatioStyle::Percent), Unit::Ratio(RatioStyle::Pp)];
        for scale in scales {
            units.push(Unit::Shares(scale));
            for currency in [*b"USD", *b"EUR"] {
                units.push(Unit::Money(Currency(currency), scale));
                units.push(Unit::PerShare(Currency(currency)));
            }
        }
        for &a in &units {
            for &b in &units {
                assert_eq!(over(a, b), units::over(a, b).ok(), "{a:?} / {b:?}");
                if let Some(unit) = exec::ratio_and_fraction(a, b) {
                    assert_eq!(Some(unit), units::common([a, b]).ok(), "{a:?} and {b:?}");
                }
            }
        }
    }
}
