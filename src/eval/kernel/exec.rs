//! Running a kernel at one entity and period: each op does what the evaluator's node does, on
//! fractions, and stops (`None`: ask the evaluator) wherever the evaluator would err or treat a
//! value specially. A missing input met before any such op is the evaluator's verdict too: every
//! node of a kernel's shapes evaluates all its operands before it computes, and a missing input
//! wins over an error ([`crate::eval::expr::Evaluator::all`]), so the first one in the evaluator's
//! order, the kernel's postfix order, makes the check a skip.

use crate::check::Program;
use crate::data::{EntityId, Packed, Row, Sheets};
use crate::eval::expr::shift;
use crate::eval::units;
use crate::eval::verdict::{Standing, Truth};
use crate::num::{RatioStyle, Unit};
use crate::period::Period;
use crate::syntax::ast::{CmpOp, PeriodRef};

use super::compile::{Op, Ranged, Read, Tol};
use super::frac::{self, Val, ZERO, at_most, cmp};

/// The values of a kernel run, kept between checks so that a run allocates once.
#[derive(Debug, Default)]
pub struct Stack(Vec<Val>, pub(super) super::lanes::Lanes);

impl Stack {
    /// Places each of `periods`' slots in the rows once, for every [`super::Kernel::run_each`]
    /// over them that follows (at one entity's data periods: the same for all its rules).
    pub fn place(&mut self, sheets: &Sheets, periods: &[Period]) {
        self.1.place(sheets, periods);
    }
}

/// What a kernel found of a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// A pass no rounding can flip.
    Pass,
    /// A failure no rounding can flip: the evaluator finds it too, and is asked only for its trace.
    Fail,
    /// A skip: the first input the evaluator would find missing.
    Skip(Gap),
    /// Anything else: the evaluator's to decide.
    Ask,
}

/// Where a check's first missing input is: the op that reads it, and either the shift of that op
/// that leads nowhere (by index, outermost first) or none (an empty slot); `at` is the period the
/// evaluator names (the period before that shift, or the slot's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gap {
    pub op: usize,
    pub shift: Option<usize>,
    pub at: Period,
}

/// What a kernel's checks of one entity read: the program, the sheets, the entity and its rows of
/// the columns kernels read ([`super::Kernels::rows`]).
pub struct Inputs<'a> {
    pub program: &'a Program,
    pub sheets: &'a Sheets,
    pub entity: EntityId,
    pub rows: &'a [Row<'a>],
}

/// What a kernel finds of the check at an entity and period.
pub fn run(ops: &[Op], at: &Inputs, period: Period, stack: &mut Stack) -> Verdict {
    verdict(exec(ops, at, period, stack))
}

/// The verdict of what a kernel found (`None`: it cannot tell).
pub(super) fn verdict(found: Option<Result<Truth, Gap>>) -> Verdict {
    match found {
        Some(Ok(t)) if !t.borderline => {
            if t.holds {
                Verdict::Pass
            } else {
                Verdict::Fail
            }
        }
        Some(Err(gap)) => Verdict::Skip(gap),
        Some(Ok(_)) | None => Verdict::Ask,
    }
}

/// A check's verdict as the evaluator finds it (`Err`: a skip); `None` where the kernel cannot tell.
fn exec(ops: &[Op], at: &Inputs, period: Period, stack: &mut Stack) -> Option<Result<Truth, Gap>> {
    let Inputs { sheets, entity, rows, .. } = *at;
    let stack = &mut stack.0;
    stack.clear();
    for (i, op) in ops.iter().enumerate() {
        let gap = |(shift, at): (Option<usize>, Period)| Some(Err(Gap { op: i, shift, at }));
        match op {
            Op::Fact(read) => match slot(read, at, period) {
                Ok(Packed::Figure(digits, scale, unit)) => stack.push(Val::figure(i128::from(digits), scale, unit)?),
                Ok(_) => return None,
                Err(missing) => return gap(missing),
            },
            Op::SumOf { inputs, shifts, .. } => {
                let moved_to = match moved(sheets, entity, period, shifts) {
                    Ok(to) => to,
                    Err(missing) => return gap(missing),
                };
                let mut values = smallvec::SmallVec::<[Val; 8]>::new();
                for &input in inputs.iter() {
                    match rows.get(input as usize)?.packed(moved_to) {
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
            Op::Reach(_) | Op::Scope(_) => {
                if let Err(missing) = passes(op, at, period)? {
                    return gap(missing);
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
                    now.div(before, percent)?.less_one(percent)?
                } else {
                    let shown =
                        if unit == Unit::Ratio(RatioStyle::Percent) { Unit::Ratio(RatioStyle::Pp) } else { unit };
                    now.sub(before, shown)?
                };
                stack.push(v);
            }
            Op::Part { mid, range } => {
                let (Some(lo), Some(hi)) = (match range_of(range, at, period)? {
                    Ok(ends) => ends,
                    Err(missing) => return gap(missing),
                }) else {
                    return None;
                };
                let unit = common(&[lo, hi])?;
                let v =
                    if *mid { lo.add(hi, unit)?.div(Val::exact((2, 1), Unit::None), unit)? } else { hi.sub(lo, unit)? };
                stack.push(v);
            }
            Op::In(range) => {
                let v = *stack.last()?;
                return match range_of(range, at, period)? {
                    Ok(ends) => inside(v, ends, link).map(Ok),
                    Err(missing) => gap(missing),
                };
            }
            Op::Compare(ops) => return compare(stack, ops).map(Ok),
            Op::Approx(tol) => return approx(stack, tol.as_ref()).map(|holds| Ok(Truth::decided(holds))),
        }
    }
    None
}

/// Whether a check gets past an op that reads nothing (both paths run it alike): a `Reach` whose
/// shifts all lead somewhere (`Err`: where one leads nowhere, a skip), a `Scope` that admits the
/// entity (`None`: the evaluator's to decide); `Some(Ok(()))` for any other op.
pub fn passes(op: &Op, at: &Inputs, period: Period) -> Option<Result<(), (Option<usize>, Period)>> {
    match op {
        Op::Reach(shifts) => Some(moved(at.sheets, at.entity, period, shifts).map(|_| ())),
        Op::Scope(cell) => at.program.cells[*cell].scopes.admits(at.entity).then_some(Ok(())),
        _ => Some(Ok(())),
    }
}

/// The check's period moved by each shift in turn; where a shift leads nowhere (a skip), its index
/// and the period it would move.
pub(super) fn moved(
    sheets: &Sheets,
    entity: EntityId,
    period: Period,
    shifts: &[PeriodRef],
) -> Result<Period, (Option<usize>, Period)> {
    let mut at = period;
    for (k, &to) in shifts.iter().enumerate() {
        at = shift(at, to, sheets.year_end(entity)).ok_or((Some(k), at))?;
    }
    Ok(at)
}

/// The slot a read reads; where it has no value, where the evaluator finds the gap.
pub(super) fn slot(read: &Read, at: &Inputs, period: Period) -> Result<Packed, (Option<usize>, Period)> {
    let to = moved(at.sheets, at.entity, period, &read.shifts)?;
    match at.rows.get(read.input as usize).map_or(Packed::Other, |row| row.packed(to)) {
        Packed::Empty => Err((None, to)),
        packed => Ok(packed),
    }
}

/// The two ends of a range.
type Ends = (Option<Val>, Option<Val>);

/// `v in lo..hi` as the evaluator's `in`: each end there is a link, all of them and-ed (an open end
/// none); `link` compares the executor's values (both kernel paths share this).
pub(super) fn inside<V: Copy>(
    v: V,
    (lo, hi): (Option<V>, Option<V>),
    link: impl Fn(V, CmpOp, V) -> Option<Truth>,
) -> Option<Truth> {
    let mut truth = Truth::decided(true);
    for (op, bound) in [(CmpOp::Ge, lo), (CmpOp::Le, hi)] {
        if let Some(b) = bound {
            truth = truth.and(link(v, op, b)?);
        }
    }
    Some(truth)
}

/// The ends of a range (a figure is a range of one point), each as the evaluator reads it, or where
/// it has no value; `None` where the slot holds what kernels leave to the evaluator.
fn range_of(range: &Ranged, at: &Inputs, period: Period) -> Option<Result<Ends, (Option<usize>, Period)>> {
    match range {
        Ranged::Literal(ends) => Some(Ok(**ends)),
        Ranged::Column(read) => match slot(read, at, period) {
            Ok(Packed::Range(r)) => {
                let end = |q: Option<crate::num::Quantity>| match q {
                    Some(q) => Val::bound(&q).map(Some),
                    None => Some(None),
                };
                Some(Ok((end(r.lo)?, end(r.hi)?)))
            }
            Ok(Packed::Figure(digits, scale, unit)) => {
                let v = Val::figure(i128::from(digits), scale, unit)?;
                Some(Ok((Some(v), Some(v))))
            }
            Ok(Packed::Empty | Packed::Other) => None,
            Err(missing) => Some(Err(missing)),
        },
    }
}

/// The unit values add up and compare in ([`units::align_all`]); `None` where a bare zero takes
/// the others' unit (left to the evaluator) or the units do not go together (an error).
pub(super) fn common(values: &[Val]) -> Option<Unit> {
    let (first, rest) = values.split_first()?;
    // one unit throughout (the common case) is its own common unit; a bare zero has no unit
    if first.unit != Unit::None && rest.iter().all(|v| v.unit == first.unit) {
        return Some(first.unit);
    }
    if let [a, b] = values
        && let Some(unit) = ratio_and_fraction(a.unit, b.unit)
    {
        return Some(unit);
    }
    if values.iter().any(Val::is_bare_zero) {
        return None;
    }
    units::common(values.iter().map(|v| v.unit)).ok()
}

/// The common unit of a ratio and a fraction (a reported margin against its quotient): the ratio,
/// as [`units::common`] finds it, without the dimensions; `None` for any other pair.
#[inline]
pub(super) fn ratio_and_fraction(a: Unit, b: Unit) -> Option<Unit> {
    match (a, b) {
        (Unit::Ratio(_), Unit::Fraction) => Some(a),
        (Unit::Fraction, Unit::Ratio(_)) => Some(b),
        _ => None,
    }
}

/// A comparison chain as the evaluator finds it: every link's verdict, and-ed; `None` where a
/// link's units are the evaluator's to align (it would err there whatever the other links say).
fn compare(stack: &[Val], ops: &[CmpOp]) -> Option<Truth> {
    let values = stack.get(stack.len().checked_sub(ops.len() + 1)?..)?;
    let mut truth = Truth::decided(true);
    for (pair, &op) in values.windows(2).zip(ops) {
        truth = truth.and(link(pair[0], op, pair[1])?);
    }
    Some(truth)
}

/// `a op b` on the points, and whether values inside the intervals could give the opposite
/// ([`crate::eval::verdict::compare`], on fractions); `None` where the units are the evaluator's
/// to align.
pub(super) fn link(a: Val, op: CmpOp, b: Val) -> Option<Truth> {
    common(&[a, b])?;
    let standing = Standing {
        points: cmp(a.pt, b.pt),
        low_high: cmp(a.lo, b.hi),
        high_low: cmp(a.hi, b.lo),
        same_point: a.is_exact() && b.is_exact() && cmp(a.lo, b.lo).is_eq(),
    };
    Some(standing.link(op))
}

/// `a ~= b [within T]`: the intervals come within the tolerance of each other
/// ([`crate::num::Num::within`], the tolerance as [`crate::eval::expr::tolerance`] makes it).
pub(super) fn approx(stack: &[Val], tol: Option<&Tol>) -> Option<bool> {
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
