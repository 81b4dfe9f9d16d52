//! The comparison at the end of a kernel where one side is a quotient (a margin against its
//! reported figure, a ratio against a limit): the plain side `(n ± w) · 10^e` stays integers, and
//! each end of it is ordered against the quotient's exact end by one cross product of 64-bit parts
//! (an `i128`), a tolerance of `~=` folded into the integers first. It answers what the general
//! path ([`super::exec`]'s `link` and `approx`, on fractions) would, exactly; where it cannot (a
//! part past 64 bits, units not the same, a tolerance in percent of the other side or not a
//! decimal) the general path answers.

use std::cmp::Ordering;

use crate::eval::units;
use crate::eval::verdict::{Standing, Truth};
use crate::num::{RatioStyle, Unit};
use crate::syntax::ast::CmpOp;

use super::compile::Tol;
use super::exec;
use super::frac::{Frac, Val};
use super::lin::{self, Lin};

/// One side of a comparison: a plain value, a quotient as the general path's value, or a quotient
/// not made ([`Ratio`]).
#[derive(Clone, Copy)]
pub enum Side<'a> {
    Plain(Lin),
    Quotient(&'a Val),
    Ratio(Ratio),
}

impl Side<'_> {
    /// The general path's value.
    fn val(self) -> Option<Val> {
        match self {
            Side::Plain(v) => v.val(),
            Side::Quotient(q) => Some(*q),
            Side::Ratio(r) => r.val(),
        }
    }
}

/// A quotient `a / b` whose only reader is the comparison at the end, kept as its operands and not
/// made: `a` carries the quotient's unit. Each end of the quotient is ordered against the plain
/// side by one cross product of the operands' ends (chosen by their signs as [`lin::div`] does),
/// with no fraction formed; a growth (`a / b - 1`) and an `abs` of either are the quotient's
/// compared against the plain side moved by one or turned round ([`Ratio::facing`]).
#[derive(Clone, Copy)]
pub struct Ratio {
    pub a: Lin,
    pub b: Lin,
    pub form: Form,
}

/// What a kept quotient `q = a / b` stands for: `q` itself, its growth `q - 1`, and either's `abs`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Form {
    pub growth: bool,
    pub abs: bool,
}

/// A quotient's end as its operands' integers, `num / den · 10^k`, `den > 0`.
type End = (i128, i128);

impl Ratio {
    /// The quotient as the general path's value ([`lin::div`], then [`Val::less_one`] of a growth
    /// and [`Val::abs`], as the general path's ops make them).
    pub fn val(self) -> Option<Val> {
        let q = lin::div(self.a, self.b, self.a.unit)?;
        let q = if self.form.growth { q.less_one(self.a.unit)? } else { q };
        if self.form.abs { q.abs() } else { Some(q) }
    }

    /// The operands' integers and ends, `None` where the divisor's interval holds zero.
    #[inline]
    fn operands(self) -> Option<[i128; 6]> {
        let ((an, aw, _), (bn, bw, _)) = (self.a.parts(), self.b.parts());
        let (an, aw, bn, bw) = (i128::from(an), i128::from(aw), i128::from(bn), i128::from(bw));
        let (b_lo, b_hi) = (bn - bw, bn + bw);
        if bn == 0 || (b_lo <= 0 && b_hi >= 0) {
            return None;
        }
        Some([an, an - aw, an + aw, bn, b_lo, b_hi])
    }

    /// The low and high ends of `a / b`, each as [`lin::div`] makes it, before `10^k`
    /// ([`Ratio::cross`]) is applied; `None` where the divisor's interval holds zero.
    #[inline]
    fn bounds(self) -> Option<(End, End)> {
        let [an, a_lo, a_hi, bn, b_lo, b_hi] = self.operands()?;
        let end = |n: i128, d: i128| if d < 0 { (-n, -d) } else { (n, d) };
        if a_lo == a_hi && b_lo == b_hi {
            let pt = end(an, bn);
            return Some((pt, pt));
        }
        Some(if b_lo > 0 {
            let lo = if a_lo >= 0 { end(a_lo, b_hi) } else { end(a_lo, b_lo) };
            let hi = if a_hi >= 0 { end(a_hi, b_lo) } else { end(a_hi, b_hi) };
            (lo, hi)
        } else {
            let lo = if a_hi >= 0 { end(a_hi, b_hi) } else { end(a_hi, b_lo) };
            let hi = if a_lo >= 0 { end(a_lo, b_lo) } else { end(a_lo, b_hi) };
            (lo, hi)
        })
    }

    /// The point of `a / b`, as [`Ratio::bounds`] gives the ends.
    #[inline]
    fn point(self) -> End {
        let ((an, _, _), (bn, _, _)) = (self.a.parts(), self.b.parts());
        let (n, d) = (i128::from(an), i128::from(bn));
        if d < 0 { (-n, -d) } else { (n, d) }
    }

    /// The power of ten between the quotient's ends and a plain value's integers at exponent `e`.
    #[inline]
    fn cross(self, e: i32) -> Option<Cross> {
        // the quotient is `num / den · 10^k`, `k = ea - eb`
        let d = self.a.parts().2.checked_sub(self.b.parts().2)?.checked_sub(e)?;
        Some(Cross { p: i128::from(lin::pow10(d.unsigned_abs())?), up: d >= 0 })
    }

    /// Whether the quotient is a single point: of two exact values, or of an exact zero.
    #[inline]
    fn is_exact(self) -> bool {
        self.a.is_exact() && (self.b.is_exact() || self.a.parts().0 == 0)
    }

    /// The plain value `v` as `a / b` itself faces it, and whether the standing found against it
    /// is to be turned round: a growth `q - 1` stands against `v` as `q` against `v + 1`; an `abs`
    /// of a value `g` that is nowhere below zero is `g`, of one nowhere above it `-g`, which stands
    /// against `v` as `g` against `-v`, seen from the other side. `None` where `g` holds zero
    /// inside (its `abs` is no longer `±g`) or `v + 1` is not on `v`'s grid: the general path's.
    #[inline]
    fn facing(self, v: Lin, (lo, hi): (End, End)) -> Option<(Lin, bool)> {
        let Form { growth, abs } = self.form;
        let turned = abs && {
            // `g`'s ends against zero: the quotient's against one for a growth
            let (one, c) = (i64::from(growth), self.cross(0)?);
            if scaled(lo, one, c)?.is_ge() {
                false
            } else if scaled(hi, one, c)?.is_le() {
                true
            } else {
                return None;
            }
        };
        let v = if turned { v.neg()? } else { v };
        Some((if growth { v.plus_one()? } else { v }, turned))
    }

    /// How the quotient stands against a plain value of its unit, quotient first ([`standing`]).
    fn standing(self, v: Lin) -> Option<Standing> {
        if self.a.unit != v.unit || v.unit == Unit::None {
            return None;
        }
        let (lo, hi) = self.bounds()?;
        let (v, turned) = self.facing(v, (lo, hi))?;
        let (n, w, e) = v.parts();
        let c = self.cross(e)?;
        let points = scaled(self.point(), n, c)?;
        let same_point = v.is_exact() && points.is_eq() && self.is_exact();
        let standing = Standing {
            points,
            low_high: scaled(lo, n.checked_add(w)?, c)?,
            high_low: scaled(hi, n.checked_sub(w)?, c)?,
            same_point,
        };
        Some(if turned { flipped(standing) } else { standing })
    }

    /// `v ~= a / b within tol` either way round ([`near`]): `|g| ~= v` is `g ~= -v` where `g` is
    /// nowhere above zero.
    fn near(self, v: Lin, tol: Window) -> Option<bool> {
        if self.a.unit != v.unit || v.unit == Unit::None {
            return None;
        }
        let (q_lo, q_hi) = self.bounds()?;
        let (v, _) = self.facing(v, (q_lo, q_hi))?;
        let (lo, hi, e) = window(v, tol)?;
        let c = self.cross(e)?;
        Some(scaled(q_hi, lo, c)?.is_ge() && scaled(q_lo, hi, c)?.is_le())
    }
}

/// `10^|k - e|` (at most `10^18`), and whether it multiplies the quotient's end (`k >= e`) or the
/// plain side: found once per compare.
#[derive(Clone, Copy)]
struct Cross {
    p: i128,
    up: bool,
}

/// The order of `num / den · 10^k` against `m · 10^e` (`den > 0`): `num · 10^(k - e)` against
/// `m · den`, the power on whichever side it is positive; `None` past 128 bits.
#[inline]
fn scaled((num, den): End, m: i64, c: Cross) -> Option<Ordering> {
    // `|num|, |den| <= 2^64` (an `i64` and its half-width) and `p < 2^60`: `num · p` fits, and
    // `m · den` does where `|m| < 2^62`
    if m.unsigned_abs() >= 1 << 62 {
        return None;
    }
    let right = i128::from(m) * den;
    Some(if c.up { (num * c.p).cmp(&right) } else { num.cmp(&right.checked_mul(c.p)?) })
}

/// `a op b` ([`super::exec`]'s `link`).
#[inline]
pub fn link(a: Side, op: CmpOp, b: Side) -> Option<Truth> {
    let native = match (a, b) {
        (Side::Plain(a), Side::Plain(b)) => lin::link(a, op, b),
        (Side::Quotient(q), Side::Plain(v)) => standing(q, v).map(|s| s.link(op)),
        (Side::Plain(v), Side::Quotient(q)) => standing(q, v).map(|s| flipped(s).link(op)),
        (Side::Ratio(r), Side::Plain(v)) => r.standing(v).map(|s| s.link(op)),
        (Side::Plain(v), Side::Ratio(r)) => r.standing(v).map(|s| flipped(s).link(op)),
        _ => None,
    };
    native.or_else(|| exec::link(a.val()?, op, b.val()?))
}

/// `a ~= b [within T]` ([`super::exec`]'s `approx`).
#[inline]
pub fn approx(a: Side, b: Side, tol: Option<&Tol>) -> Option<bool> {
    let native = match (a, b) {
        (Side::Plain(a), Side::Plain(b)) => lin::approx(a, b, tol),
        (Side::Quotient(q), Side::Plain(v)) | (Side::Plain(v), Side::Quotient(q)) => near(v, q, Window::of(tol)),
        (Side::Ratio(r), Side::Plain(v)) | (Side::Plain(v), Side::Ratio(r)) => r.near(v, Window::of(tol)),
        _ => None,
    };
    native.or_else(|| exec::approx(&[a.val()?, b.val()?], tol))
}

/// `r ~= v` (`ratio_first`) or `v ~= r` within `tol`, as [`approx`] answers it, with the
/// tolerance's [`Window`] found once per op by the caller, not per lane.
#[inline]
pub fn approx_ratio(r: Ratio, v: Lin, ratio_first: bool, tol: Option<&Tol>, window: Window) -> Option<bool> {
    r.near(v, window).or_else(|| {
        let (r, v) = (r.val()?, v.val()?);
        exec::approx(&if ratio_first { [r, v] } else { [v, r] }, tol)
    })
}

/// A `~=`'s tolerance as [`window`] reads it, found once per op: it depends only on the rule.
#[derive(Clone, Copy)]
pub enum Window {
    /// No tolerance.
    Exact,
    /// A decimal tolerance `tn / 10^j` in `unit` (not percent).
    Decimal { tn: i64, j: u32, unit: Unit },
    /// Where the general path decides: a tolerance in percent of the other side, or not a decimal
    /// of 64 bits.
    General,
}

impl Window {
    pub fn of(tol: Option<&Tol>) -> Window {
        let Some(t) = tol else { return Window::Exact };
        // a tolerance in percent of the other side: the general path's
        if t.unit == Unit::Ratio(RatioStyle::Percent) {
            return Window::General;
        }
        let Some(tn) = t.value.0.checked_abs().and_then(|n| i64::try_from(n).ok()) else { return Window::General };
        // `td = 10^j`
        match (0..19u32).find(|&j| lin::pow10(j).is_some_and(|p| i128::from(p) == t.value.1)) {
            Some(j) => Window::Decimal { tn, j, unit: t.unit },
            None => Window::General,
        }
    }
}

/// `10^e` as the side of a cross product it multiplies: the quotient's numerator by `10^-e`
/// (`Fine`, `e <= 0`) or the plain value's integer by `10^e` (`Coarse`); found once per compare.
#[derive(Clone, Copy)]
enum Grid {
    Fine(i64),
    Coarse(i64),
}

/// The [`Grid`] of an exponent, where `10^|e|` fits 64 bits.
#[inline]
fn grid(e: i32) -> Option<Grid> {
    let p = lin::pow10(e.unsigned_abs())?;
    Some(if e <= 0 { Grid::Fine(p) } else { Grid::Coarse(p) })
}

/// The order of `x` against `m · 10^e` (`e` as its grid), by one cross product of 64-bit parts;
/// `None` past them.
#[inline]
fn order(x: Frac, m: i64, grid: Grid) -> Option<Ordering> {
    let (n, d) = (i64::try_from(x.0).ok()?, i64::try_from(x.1).ok()?);
    let (left, right) = match grid {
        Grid::Fine(p) => (wide(n, p), wide(m, d)),
        Grid::Coarse(p) => (i128::from(n), wide(m.checked_mul(p)?, d)),
    };
    Some(left.cmp(&right))
}

#[inline]
fn wide(x: i64, y: i64) -> i128 {
    i128::from(x) * i128::from(y)
}

/// How a quotient stands against a plain value of its unit, quotient first (`None`: units not the
/// same, which the general path aligns, or a part past 64 bits).
fn standing(q: &Val, v: Lin) -> Option<Standing> {
    if q.unit != v.unit || v.unit == Unit::None {
        return None;
    }
    let (n, w, e) = v.parts();
    let grid = grid(e)?;
    let points = order(q.pt, n, grid)?;
    let same_point = v.is_exact() && points.is_eq() && q.is_exact();
    Some(Standing {
        points,
        low_high: order(q.lo, n.checked_add(w)?, grid)?,
        high_low: order(q.hi, n.checked_sub(w)?, grid)?,
        same_point,
    })
}

/// A standing seen from the other side.
fn flipped(s: Standing) -> Standing {
    Standing {
        points: s.points.reverse(),
        low_high: s.high_low.reverse(),
        high_low: s.low_high.reverse(),
        same_point: s.same_point,
    }
}

/// `v ~= q within tol` either way round (both ends within the tolerance: `v.lo - tol <= q.hi` and
/// `q.lo <= v.hi + tol`), the tolerance in `v`'s integers; `None` where the general path decides.
fn near(v: Lin, q: &Val, tol: Window) -> Option<bool> {
    if q.unit != v.unit || v.unit == Unit::None {
        return None;
    }
    let (lo, hi, e) = window(v, tol)?;
    let grid = grid(e)?;
    Some(order(q.hi, lo, grid)?.is_ge() && order(q.lo, hi, grid)?.is_le())
}

/// `v`'s ends widened by a tolerance, `(lo, hi) · 10^e`, on the finer grid of the two; `None` where
/// the general path decides (a tolerance in percent of the other side, or not a decimal, or of a
/// unit `v`'s does not meet).
#[inline]
fn window(v: Lin, tol: Window) -> Option<(i64, i64, i32)> {
    let (n, w, e) = v.parts();
    match tol {
        Window::Exact => Some((n.checked_sub(w)?, n.checked_add(w)?, e)),
        Window::General => None,
        Window::Decimal { tn, j, unit } => {
            // one unit always meets itself, and a ratio any ratio (`%` and `pp`)
            let ratios = matches!((v.unit, unit), (Unit::Ratio(_), Unit::Ratio(_)));
            if unit != v.unit && unit != Unit::None && !ratios {
                units::common([v.unit, unit]).ok()?;
            }
            // `v` and the tolerance on the finer of the two grids
            let at = e.min(-(j as i32));
            let (n, w) = v.at(at)?;
            let t = tn.checked_mul(lin::pow10(u32::try_from(-(j as i32) - at).ok()?)?)?;
            let spread = w.checked_add(t)?;
            Some((n.checked_sub(spread)?, n.checked_add(spread)?, at))
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::num::Scale;

    fn unit(i: u8) -> Unit {
        [Unit::Ratio(RatioStyle::Percent), Unit::Fraction, Unit::Ratio(RatioStyle::Pp)][usize::from(i % 3)]
    }

    /// A quotient of two figures' integers, as the fast path makes one.
    fn quotient(a: (i64, u32), b: (i64, u32), u: Unit) -> Option<Val> {
        let (x, y) = (Lin::figure(a.0, a.1, Unit::None)?, Lin::figure(b.0, b.1, Unit::None)?);
        lin::div(x, y, u)
    }

    fn figure() -> impl Strategy<Value = (i64, u32)> {
        let digits = prop_oneof![-30i64..30, -2_000_000i64..2_000_000, any::<i64>()];
        (digits, 0u32..8)
    }

    fn tolerance() -> impl Strategy<Value = Option<(i64, u32, u8)>> {
        proptest::option::of((0i64..2_000, 0u32..6, 0u8..3))
    }

    /// A kept ratio `r` (of the general path's value `q`) against a plain value `v` (exact where
    /// `exact`): every `link`, both ways round, and `~=` with the tolerance, through each native
    /// compare ([`link`], [`approx`], [`approx_ratio`], [`Ratio::standing`], [`Ratio::near`]), say
    /// what the general path says where it tells.
    fn agrees(
        r: Ratio,
        q: Val,
        mut v: Lin,
        exact: bool,
        op: usize,
        tol: Option<(i64, u32, u8)>,
    ) -> Result<(), TestCaseError> {
        if exact {
            v.w = 0;
        }
        let Some(plain) = v.val() else { return Ok(()) };
        let op = [CmpOp::Lt, CmpOp::Le, CmpOp::Gt, CmpOp::Ge, CmpOp::Eq, CmpOp::Ne][op];
        prop_assert_eq!(link(Side::Ratio(r), op, Side::Plain(v)), exec::link(q, op, plain));
        prop_assert_eq!(link(Side::Plain(v), op, Side::Ratio(r)), exec::link(plain, op, q));
        if let (Some(native), Some(general)) = (r.standing(v), exec::link(q, op, plain)) {
            prop_assert_eq!(native.link(op), general);
        }
        let tol = tol.map(|(n, s, u)| Tol {
            value: (i128::from(n), 10i128.pow(s)),
            unit: [Unit::Ratio(RatioStyle::Pp), Unit::None, Unit::Ratio(RatioStyle::Percent)][usize::from(u)],
        });
        // the zipped loop's path, its tolerance's window found once, is [`approx`]'s
        let window = Window::of(tol.as_ref());
        prop_assert_eq!(
            approx_ratio(r, v, true, tol.as_ref(), window),
            approx(Side::Ratio(r), Side::Plain(v), tol.as_ref())
        );
        prop_assert_eq!(
            approx_ratio(r, v, false, tol.as_ref(), window),
            approx(Side::Plain(v), Side::Ratio(r), tol.as_ref())
        );
        for (x, y) in [(Side::Ratio(r), Side::Plain(v)), (Side::Plain(v), Side::Ratio(r))] {
            // the general path may overflow where the integers do not: compared where it tells
            let Some(general) = exec::approx(&[x.val().unwrap(), y.val().unwrap()], tol.as_ref()) else { continue };
            prop_assert_eq!(approx(x, y, tol.as_ref()), Some(general));
            if let Some(native) = r.near(v, Window::of(tol.as_ref())) {
                prop_assert_eq!(native, general);
            }
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

        /// A quotient kept as its operands ([`Ratio`]) compares as the quotient [`lin::div`] makes
        /// does on the general path, either way round, for `link` and `~=`; where the native
        /// compare tells, it says what the general path says.
        #[test]
        fn a_ratio_against_a_plain_value_is_the_general_paths(
            (a, b, v) in (figure(), figure(), figure()),
            (ua, ub, uv) in (0usize..4, 0usize..4, 0usize..6),
            exact in (any::<bool>(), any::<bool>(), any::<bool>()),
            tol in tolerance(),
            op in 0usize..6,
        ) {
            let usd = |scale| Unit::Money(crate::num::Currency(*b"USD"), scale);
            let operand = [usd(Scale::Million), usd(Scale::Thousand), Unit::None, Unit::Shares(Scale::Million)];
            let (Some(mut x), Some(mut y)) = (Lin::figure(a.0, a.1, operand[ua]), Lin::figure(b.0, b.1, operand[ub])) else {
                return Ok(());
            };
            if exact.0 {
                x.w = 0;
            }
            if exact.1 {
                y.w = 0;
            }
            let Some(num) = lin::ratio(x, y) else {
                // where the operands are not kept, the quotient is not made either, or its exponent is far
                prop_assert!(lin::over(x.unit, y.unit).and_then(|u| lin::div(x, y, u)).is_none() || x.parts().2.abs_diff(y.parts().2) > 18 || (x.is_bare_zero() && x.w == 0));
                return Ok(());
            };
            let r = Ratio { a: num, b: y, form: Form::default() };
            // where the operands are kept, the quotient can be made, and it is the one division makes
            let q = r.val();
            prop_assert!(q.is_some());
            prop_assert_eq!(q, lin::div(x, y, lin::over(x.unit, y.unit).unwrap()));
            let q = q.unwrap();
            let plain_units = [num.unit, num.unit, Unit::Ratio(RatioStyle::Percent), Unit::Fraction, Unit::PerShare(crate::num::Currency(*b"USD")), Unit::None];
            let Some(v) = Lin::figure(v.0, v.1, plain_units[uv]) else { return Ok(()) };
            agrees(r, q, v, exact.2, op, tol)?;
        }

        /// A growth (`a / b - 1`) or an `abs` kept as its operands ([`Form`]) compares as the general
        /// path's value (the quotient [`lin::div`] makes, less one, its `abs`, as the lanes' ops
        /// make them) does, either way round, for every `link` and `~=` with a tolerance in `pp`,
        /// of no unit or in percent; half the time the plain side is the value itself, moved in
        /// its last digit, where rounding decides.
        #[test]
        fn a_growth_or_abs_against_a_plain_value_is_the_general_paths(
            (a, b, v) in (figure(), figure(), figure()),
            (u, uv) in (0usize..3, 0usize..4),
            exact in (any::<bool>(), any::<bool>(), any::<bool>()),
            (growth, abs, near) in (any::<bool>(), any::<bool>(), any::<bool>()),
            (jitter, scale) in (-2i128..=2, 0u32..6),
            tol in tolerance(),
            op in 0usize..6,
        ) {
            let operand = [Unit::Money(crate::num::Currency(*b"USD"), Scale::Million), Unit::Shares(Scale::Million), Unit::Ratio(RatioStyle::Percent)][u];
            let (Some(mut x), Some(mut y)) = (Lin::figure(a.0, a.1, operand), Lin::figure(b.0, b.1, operand)) else {
                return Ok(());
            };
            if exact.0 {
                x.w = 0;
            }
            if exact.1 {
                y.w = 0;
            }
            let percent = Unit::Ratio(RatioStyle::Percent);
            let kept = if growth { lin::growth(x, y) } else { lin::ratio(x, y) };
            let Some(num) = kept else { return Ok(()) };
            let r = Ratio { a: num, b: y, form: Form { growth, abs } };
            // the value the lanes' general ops make of the same operands
            let made = if growth {
                lin::div(x, y, percent).and_then(|q| q.less_one(percent))
            } else {
                lin::div(x, y, num.unit)
            };
            let made = if abs { made.and_then(Val::abs) } else { made };
            prop_assert!(made.is_some());
            prop_assert_eq!(r.val(), made);
            let q = made.unwrap();
            // the plain side: a figure, or the value's own point in the unit's digits, moved
            let unit = [num.unit, num.unit, Unit::Fraction, Unit::Ratio(RatioStyle::Pp)][uv];
            let digits = if near {
                // digits at `scale` in `unit`: the value times `10^(scale - exponent)`
                let shift = i64::from(scale) - i64::from(unit.exponent());
                let Some(up) = u32::try_from(shift).ok().and_then(super::super::frac::ten_to) else { return Ok(()) };
                let Some(n) = q.pt.0.checked_mul(up) else { return Ok(()) };
                let Ok(d) = i64::try_from(n / q.pt.1 + jitter) else { return Ok(()) };
                (d, scale)
            } else {
                v
            };
            let Some(v) = Lin::figure(digits.0, digits.1, unit) else { return Ok(()) };
            agrees(r, q, v, exact.2, op, tol)?;
        }

        /// Each native compare of a plain value and a quotient says what the general path says, where
        /// both tell; overflow and a tolerance in percent fall back to it.
        #[test]
        fn a_quotient_against_a_plain_value_is_the_general_paths(
            (a, b, v) in (figure(), figure(), figure()),
            (uq, uv) in (any::<u8>(), any::<u8>()),
            tol in tolerance(),
            op in 0usize..6,
        ) {
            let Some(q) = quotient(a, b, unit(uq)) else { return Ok(()) };
            let Some(v) = Lin::figure(v.0, v.1, unit(uv)) else { return Ok(()) };
            let Some(plain) = v.val() else { return Ok(()) };
            let op = [CmpOp::Lt, CmpOp::Le, CmpOp::Gt, CmpOp::Ge, CmpOp::Eq, CmpOp::Ne][op];
            prop_assert_eq!(link(Side::Quotient(&q), op, Side::Plain(v)), exec::link(q, op, plain));
            prop_assert_eq!(link(Side::Plain(v), op, Side::Quotient(&q)), exec::link(plain, op, q));
            let tol = tol.map(|(n, s, u)| Tol {
                value: (i128::from(n), 10i128.pow(s)),
                unit: [Unit::Ratio(RatioStyle::Pp), Unit::None, Unit::Ratio(RatioStyle::Percent)][usize::from(u)],
            });
            for (x, y) in [(Side::Quotient(&q), Side::Plain(v)), (Side::Plain(v), Side::Quotient(&q))] {
                // the general path may overflow where the integers do not: compared where it tells
                let Some(general) = exec::approx(&[x.val().unwrap(), y.val().unwrap()], tol.as_ref()) else { continue };
                prop_assert_eq!(approx(x, y, tol.as_ref()), Some(general));
                let ((Side::Plain(p), Side::Quotient(q)) | (Side::Quotient(q), Side::Plain(p))) = (x, y) else { continue };
                if let Some(native) = near(p, q, Window::of(tol.as_ref())) {
                    prop_assert_eq!(native, general);
                }
            }
        }
    }
}
