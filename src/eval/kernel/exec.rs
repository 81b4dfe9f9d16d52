//! Running a kernel at one entity and period: each op does what the evaluator's node does, on
//! fractions, and stops (`None`: ask the evaluator) wherever the evaluator would skip, err, or
//! treat a value specially.

use crate::check::Program;
use crate::data::{EntityId, Packed, Sheets};
use crate::eval::expr::shift;
use crate::eval::units;
use crate::eval::verdict::relation;
use crate::num::{RatioStyle, Unit};
use crate::period::Period;
use crate::syntax::ast::{CmpOp, PeriodRef};

use super::compile::{Op, Ranged, Tol};
use super::frac::{self, ONE, Val, ZERO, at_most, cmp};

/// The values of a kernel run, kept between checks so that a run allocates once.
#[derive(Debug, Default)]
pub struct Stack(Vec<Val>);

/// Whether the check is a pass no rounding can flip; `None` where the kernel cannot tell.
pub fn passes(
    ops: &[Op],
    program: &Program,
    sheets: &Sheets,
    entity: EntityId,
    period: Period,
    stack: &mut Stack,
) -> Option<bool> {
    let stack = &mut stack.0;
    stack.clear();
    for op in ops {
        match op {
            Op::Fact { column, shifts } => {
                let at = moved(sheets, entity, period, shifts)?;
                let Packed::Figure(digits, scale, unit) = sheets.packed(*column, entity, at) else { return None };
                stack.push(Val::figure(i128::from(digits), scale, unit)?);
            }
            Op::SumOf { columns, shifts } => {
                let at = moved(sheets, entity, period, shifts)?;
                let mut values = smallvec::SmallVec::<[Val; 8]>::new();
                for &column in columns.iter() {
                    match sheets.packed(column, entity, at) {
                        Packed::Empty => {}
                        Packed::Figure(digits, scale, unit) => {
                            values.push(Val::figure(i128::from(digits), scale, unit)?)
                        }
                        Packed::Range(_) | Packed::Other => return None,
                    }
                }
                let unit = common(&values)?;
                let (first, rest) = values.split_first()?;
                let mut total = Val { unit, ..*first };
                for v in rest {
                    total = total.add(*v, unit)?;
                }
                stack.push(total);
            }
            Op::Lit(v) => stack.push(*v),
            Op::Scope(cell) => {
                if !program.cells[*cell].scopes.admits(entity) {
                    return None;
                }
            }
            Op::Neg => {
                let v = stack.pop()?;
                stack.push(v.neg()?);
            }
            Op::Sum(negative) => {
                let from = stack.len().checked_sub(negative.len())?;
                let terms = &stack[from..];
                let unit = common(terms)?;
                let mut total = if negative[0] { terms[0].neg()? } else { terms[0] };
                for (v, &neg) in terms[1..].iter().zip(&negative[1..]) {
                    total = if neg { total.sub(*v, unit)? } else { total.add(*v, unit)? };
                }
                stack.truncate(from);
                stack.push(Val { unit, ..total });
            }
            Op::Mul | Op::Div => {
                let (b, a) = (stack.pop()?, stack.pop()?);
                // a bare zero stays bare through a product or a quotient: the evaluator's to do
                let bare = |v: &Val| v.is_bare_zero() && v.is_exact();
                let v = if matches!(op, Op::Mul) {
                    if bare(&a) || bare(&b) {
                        return None;
                    }
                    a.mul(b, units::times(a.unit, b.unit).ok()?)?
                } else {
                    if bare(&a) {
                        return None;
                    }
                    a.div(b, units::over(a.unit, b.unit).ok()?)?
                };
                stack.push(v);
            }
            Op::Abs => {
                let v = stack.pop()?;
                stack.push(v.abs()?);
            }
            Op::Growth | Op::Change => {
                let (before, now) = (stack.pop()?, stack.pop()?);
                let unit = common(&[now, before])?;
                let v = if matches!(op, Op::Growth) {
                    // from zero or a loss the growth is not meaningful: a skip, the evaluator's
                    if before.pt.0 <= 0 {
                        return None;
                    }
                    let percent = Unit::Ratio(RatioStyle::Percent);
                    let ratio = now.div(before, percent)?;
                    ratio.sub(Val { lo: ONE, pt: ONE, hi: ONE, unit: Unit::None }, percent)?
                } else {
                    let shown =
                        if unit == Unit::Ratio(RatioStyle::Percent) { Unit::Ratio(RatioStyle::Pp) } else { unit };
                    now.sub(before, shown)?
                };
                stack.push(v);
            }
            Op::Part { mid, range } => {
                let (Some(lo), Some(hi)) = range_of(range, sheets, entity, period)? else { return None };
                let unit = common(&[lo, hi])?;
                let v =
                    if *mid { lo.add(hi, unit)?.div(Val::exact((2, 1), Unit::None), unit)? } else { hi.sub(lo, unit)? };
                stack.push(v);
            }
            Op::In(range) => {
                let v = *stack.last()?;
                let (lo, hi) = range_of(range, sheets, entity, period)?;
                for (op, bound) in [(CmpOp::Ge, lo), (CmpOp::Le, hi)] {
                    if let Some(b) = bound
                        && !link_passes(v, op, b)?
                    {
                        return Some(false);
                    }
                }
                return Some(true);
            }
            Op::Compare(ops) => return compare(stack, ops),
            Op::Approx(tol) => return approx(stack, tol.as_ref()),
        }
    }
    None
}

/// The check's period moved by each shift in turn; `None` where a shift leads nowhere (a skip).
fn moved(sheets: &Sheets, entity: EntityId, period: Period, shifts: &[PeriodRef]) -> Option<Period> {
    let mut at = period;
    for &to in shifts {
        at = shift(at, to, sheets.year_end(entity))?;
    }
    Some(at)
}

/// The ends of a range (a figure is a range of one point), each as the evaluator reads it; `None`
/// where the slot is empty or holds what kernels leave to the evaluator.
fn range_of(range: &Ranged, sheets: &Sheets, entity: EntityId, period: Period) -> Option<(Option<Val>, Option<Val>)> {
    match range {
        Ranged::Literal(ends) => Some(**ends),
        Ranged::Column { column, shifts } => {
            match sheets.packed(*column, entity, moved(sheets, entity, period, shifts)?) {
                Packed::Range(r) => {
                    let end = |q: Option<crate::num::Quantity>| match q {
                        Some(q) => Val::bound(&q).map(Some),
                        None => Some(None),
                    };
                    Some((end(r.lo)?, end(r.hi)?))
                }
                Packed::Figure(digits, scale, unit) => {
                    let v = Val::figure(i128::from(digits), scale, unit)?;
                    Some((Some(v), Some(v)))
                }
                Packed::Empty | Packed::Other => None,
            }
        }
    }
}

/// The unit values add up and compare in ([`units::align_all`]); `None` where a bare zero takes
/// the others' unit (left to the evaluator) or the units do not go together (an error).
fn common(values: &[Val]) -> Option<Unit> {
    if values.iter().any(Val::is_bare_zero) {
        return None;
    }
    units::common(values.iter().map(|v| v.unit)).ok()
}

/// A comparison chain: a decided pass where every link holds on the points and no values inside
/// the intervals could break it ([`crate::eval::verdict::compare`]).
fn compare(stack: &[Val], ops: &[CmpOp]) -> Option<bool> {
    let values = stack.get(stack.len().checked_sub(ops.len() + 1)?..)?;
    for (pair, &op) in values.windows(2).zip(ops) {
        if !link_passes(pair[0], op, pair[1])? {
            return Some(false);
        }
    }
    Some(true)
}

/// Whether `a op b` holds on the points and no values inside the intervals could break it; `None`
/// where the units are the evaluator's to align.
fn link_passes(a: Val, op: CmpOp, b: Val) -> Option<bool> {
    common(&[a, b])?;
    let holds = relation(op, cmp(a.pt, b.pt));
    let (low_high, high_low) = (cmp(a.lo, b.hi), cmp(a.hi, b.lo));
    let meet = low_high.is_le() && high_low.is_ge();
    let same_point = a.is_exact() && b.is_exact() && cmp(a.lo, b.lo).is_eq();
    let can_fail = match op {
        CmpOp::Lt => high_low.is_ge(),
        CmpOp::Le => high_low.is_gt(),
        CmpOp::Gt => low_high.is_le(),
        CmpOp::Ge => low_high.is_lt(),
        CmpOp::Eq => !same_point,
        CmpOp::Ne => meet,
    };
    Some(holds && !can_fail)
}

/// `a ~= b [within T]`: the intervals come within the tolerance of each other
/// ([`crate::num::Num::within`], the tolerance as [`crate::eval::expr::tolerance`] makes it).
fn approx(stack: &[Val], tol: Option<&Tol>) -> Option<bool> {
    let [a, b] = stack.get(stack.len().checked_sub(2)?..)? else { return None };
    let unit = common(&[*a, *b])?;
    let a_unit = if a.unit == Unit::Fraction { unit } else { a.unit };
    let tol = match tol {
        None => ZERO,
        Some(t) => {
            if !matches!(t.unit, Unit::None | Unit::Ratio(RatioStyle::Percent)) {
                units::common([a_unit, t.unit]).ok()?;
            }
            match t.unit {
                Unit::Ratio(RatioStyle::Percent) => frac::mul(frac::abs(b.pt)?, t.value)?,
                _ => frac::abs(t.value)?,
            }
        }
    };
    Some(at_most(a.lo, b.hi, tol)? && at_most(b.lo, a.hi, tol)?)
}
