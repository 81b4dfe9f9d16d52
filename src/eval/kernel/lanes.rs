//! The fast path ([`super::lin`]) run over all of an entity's periods at once, op by op: each op a
//! loop over the periods (the lanes), each place on the stack a vector of lanes. The op's dispatch,
//! its places on the stack and which of them are quotients are found once per rule and entity, not
//! once per check.
//!
//! Each lane computes what the one-period fast path would, in the same order of ops: a lane that
//! ends (a verdict, a gap, or "cannot tell") is left alone by the later ops, so each lane's end is
//! the one its check alone would reach. A lane that cannot tell goes to the general path
//! ([`super::exec`]) from the start, as a check did before.

use crate::data::Sheets;
use crate::eval::verdict::Truth;
use crate::num::{RatioStyle, Unit};
use crate::period::Period;

use super::compile::Op;
use super::exec::{self, Gap, Inputs, moved, passes};
use super::frac::{Val, ZERO};
use super::lin::{self, Lin, LinOp};
use super::mixed::{self, Side};

/// Where a lane is.
#[derive(Debug, Clone, Copy)]
pub enum End {
    /// Still running.
    Live,
    /// Not a check of this run (the rule is not checked at this period).
    Off,
    /// The fast path cannot tell: the general path's.
    Ask,
    /// A verdict or the first missing input.
    Found(Result<Truth, Gap>),
}

/// The lanes of a run, kept between rules and entities so that a run allocates once: each place
/// on the stack holds one value per lane (place `s`, lane `l` at `s * lanes + l`), as a value of
/// the fast path and, for a quotient, as the general path's.
#[derive(Debug, Default)]
pub struct Lanes {
    pub ends: Vec<End>,
    values: Vec<Lin>,
    quotients: Vec<Val>,
    slots: Vec<Option<usize>>,
}

impl Lanes {
    /// Places each period's slot in the rows, for every rule run over these periods next.
    pub fn place(&mut self, sheets: &Sheets, periods: &[Period]) {
        self.slots.clear();
        self.slots.extend(periods.iter().map(|&p| sheets.slot_index(p)));
    }
}

/// What an op does in one lane: goes on, ends it, or cannot tell (`None`).
enum Step {
    Go,
    End(Result<Truth, Gap>),
}

/// Runs `step` in every live lane, ending those it ends.
#[inline]
fn each(ends: &mut [End], mut step: impl FnMut(usize) -> Option<Step>) {
    for (l, end) in ends.iter_mut().enumerate() {
        if !matches!(end, End::Live) {
            continue;
        }
        match step(l) {
            Some(Step::Go) => {}
            Some(Step::End(found)) => *end = End::Found(found),
            None => *end = End::Ask,
        }
    }
}

/// Every live lane of `lanes.ends` (one per period of `periods`) run through a kernel's fast form,
/// each to its end; a lane still live after the last op cannot be told.
pub fn exec(ops: &[Op], lin: &[LinOp], at: &Inputs, periods: &[Period], lanes: &mut Lanes) {
    let n = periods.len();
    let Lanes { ends, values, quotients, slots } = lanes;
    let ends = &mut ends[..n];
    // each lane's slot in the rows, placed once per entity by [`Lanes::place`]
    debug_assert!(slots.len() == n && periods.iter().zip(&*slots).all(|(&p, &s)| at.sheets.slot_index(p) == s));
    let need = ops.len() * n;
    if values.len() < need {
        values.resize(need, Lin::ZERO);
        quotients.resize(need, Val::exact(ZERO, Unit::None));
    }
    // which places of the stack hold quotients ([`super::lin::quotients_end`] keeps them in place)
    let mut quotient: smallvec::SmallVec<[bool; 16]> = smallvec::SmallVec::new();
    for (i, (op, fast)) in ops.iter().zip(lin).enumerate() {
        let gap = |(shift, at): (Option<usize>, Period)| Some(Step::End(Err(Gap { op: i, shift, at })));
        let depth = quotient.len();
        // the place of the top of the stack, and of the one below it
        let (top, below) = (depth.wrapping_sub(1).wrapping_mul(n), depth.wrapping_sub(2).wrapping_mul(n));
        match op {
            Op::Fact(read) => {
                let to = depth * n;
                let row = at.rows.get(read.input as usize);
                each(ends, |l| {
                    // the slot read: the lane's own, or the one its shifts lead to
                    let (slot, period) = if read.shifts.is_empty() {
                        (slots[l], periods[l])
                    } else {
                        match moved(at.sheets, at.entity, periods[l], &read.shifts) {
                            Ok(to) => (at.sheets.slot_index(to), to),
                            Err(missing) => return gap(missing),
                        }
                    };
                    let row = row?;
                    match slot.map_or(Some(None), |slot| row.figure_at(slot))? {
                        Some((digits, scale, unit)) => {
                            values[to + l] = Lin::figure(digits, scale, unit)?;
                            Some(Step::Go)
                        }
                        None => gap((None, period)),
                    }
                });
                quotient.push(false);
            }
            Op::SumOf { inputs, shifts, .. } => {
                let to = depth * n;
                each(ends, |l| {
                    let moved_to = match moved(at.sheets, at.entity, periods[l], shifts) {
                        Ok(to) => to,
                        Err(missing) => return gap(missing),
                    };
                    values[to + l] = lin::sum_of(inputs, at, moved_to)?;
                    Some(Step::Go)
                });
                quotient.push(false);
            }
            Op::Lit(_) => {
                let LinOp::Lit(v) = fast else { return all_ask(ends) };
                values[depth * n..(depth + 1) * n].fill(*v);
                quotient.push(false);
            }
            Op::Reach(_) | Op::Scope(_) => each(ends, |l| match passes(op, at, periods[l])? {
                Ok(()) => Some(Step::Go),
                Err(missing) => gap(missing),
            }),
            Op::Neg => each(ends, |l| {
                let v = &mut values[top + l];
                v.n = v.n.checked_neg()?;
                Some(Step::Go)
            }),
            Op::Sum(negative) => {
                let from = depth.checked_sub(negative.len()).filter(|_| !negative.is_empty());
                let Some(from) = from else { return all_ask(ends) };
                each(ends, |l| {
                    let term = |k: usize| values[(from + k) * n + l];
                    let first = term(0);
                    let unit = first.unit;
                    if unit == Unit::None || (1..negative.len()).any(|k| term(k).unit != unit) {
                        return None;
                    }
                    let mut total = if negative[0] { first.neg()? } else { first };
                    for (k, &minus) in negative.iter().enumerate().skip(1) {
                        total = lin::add(total, term(k), minus, unit)?;
                    }
                    values[from * n + l] = total;
                    Some(Step::Go)
                });
                quotient.truncate(from);
                quotient.push(false);
            }
            Op::Mul => {
                each(ends, |l| {
                    values[below + l] = lin::mul(values[below + l], values[top + l])?;
                    Some(Step::Go)
                });
                quotient.pop();
            }
            Op::Abs if quotient.last() == Some(&true) => each(ends, |l| {
                quotients[top + l] = quotients[top + l].abs()?;
                Some(Step::Go)
            }),
            Op::Abs => each(ends, |l| {
                values[top + l] = values[top + l].abs()?;
                Some(Step::Go)
            }),
            Op::Change => {
                match quotient.get(depth.wrapping_sub(2)..) {
                    // two quotients ([`super::lin::quotients_end`] lets none but both be): the general path's
                    Some([true, true]) => each(ends, |l| {
                        let (now, before) = (quotients[below + l], quotients[top + l]);
                        let unit = exec::common(&[now, before])?;
                        quotients[below + l] = now.sub(before, lin::shown(unit))?;
                        Some(Step::Go)
                    }),
                    Some([false, false]) => each(ends, |l| {
                        let (now, before) = (values[below + l], values[top + l]);
                        let unit = lin::same(&[now, before])?;
                        values[below + l] = lin::add(now, before, true, lin::shown(unit))?;
                        Some(Step::Go)
                    }),
                    _ => return all_ask(ends),
                }
                quotient.pop();
            }
            Op::Part { mid, range } => {
                let to = depth * n;
                each(ends, |l| match lin::ends(range, fast, at, periods[l])? {
                    Ok(ends) => {
                        values[to + l] = lin::part(*mid, ends)?;
                        Some(Step::Go)
                    }
                    Err(missing) => gap(missing),
                });
                quotient.push(false);
            }
            Op::In(range) => {
                each(ends, |l| match lin::ends(range, fast, at, periods[l])? {
                    Ok(ends) => Some(Step::End(Ok(exec::inside(values[top + l], ends, lin::link)?))),
                    Err(missing) => gap(missing),
                });
                return;
            }
            Op::Compare(links) => {
                let Some(from) = depth.checked_sub(links.len() + 1) else { return all_ask(ends) };
                let quotients = &*quotients;
                if quotient.contains(&true) {
                    let place = |s: usize, l: usize| side(values, quotients, quotient[s], s * n + l);
                    each(ends, |l| {
                        let mut truth = Truth::decided(true);
                        for (k, &op) in links.iter().enumerate() {
                            truth = truth.and(mixed::link(place(from + k, l), op, place(from + k + 1, l))?);
                        }
                        Some(Step::End(Ok(truth)))
                    });
                } else {
                    each(ends, |l| {
                        let mut truth = Truth::decided(true);
                        for (k, &op) in links.iter().enumerate() {
                            let (a, b) = (values[(from + k) * n + l], values[(from + k + 1) * n + l]);
                            truth = truth.and(lin::link(a, op, b)?);
                        }
                        Some(Step::End(Ok(truth)))
                    });
                }
                return;
            }
            Op::Approx(tol) => {
                let Some(from) = depth.checked_sub(2) else { return all_ask(ends) };
                let quotients = &*quotients;
                if quotient.contains(&true) {
                    let place = |s: usize, l: usize| side(values, quotients, quotient[s], s * n + l);
                    each(ends, |l| {
                        let holds = mixed::approx(place(from, l), place(from + 1, l), tol.as_ref())?;
                        Some(Step::End(Ok(Truth::decided(holds))))
                    });
                } else {
                    each(ends, |l| {
                        let holds = lin::approx(values[below + l], values[top + l], tol.as_ref())?;
                        Some(Step::End(Ok(Truth::decided(holds))))
                    });
                }
                return;
            }
            Op::Div => {
                each(ends, |l| {
                    let (a, b) = (values[below + l], values[top + l]);
                    // a bare zero stays bare through a quotient: the evaluator's to do
                    if a.is_bare_zero() && a.w == 0 {
                        return None;
                    }
                    quotients[below + l] = lin::div(a, b, lin::over(a.unit, b.unit)?)?;
                    Some(Step::Go)
                });
                quotient.pop();
                *quotient.last_mut().expect("a quotient of two values") = true;
            }
            Op::Growth => {
                each(ends, |l| {
                    let (now, before) = (values[below + l], values[top + l]);
                    lin::same(&[now, before])?;
                    // from zero or a loss the growth is not meaningful: a skip, the evaluator's
                    if before.n <= 0 {
                        return None;
                    }
                    let percent = Unit::Ratio(RatioStyle::Percent);
                    quotients[below + l] = lin::div(now, before, percent)?.less_one(percent)?;
                    Some(Step::Go)
                });
                quotient.pop();
                *quotient.last_mut().expect("a growth of two values") = true;
            }
        }
    }
    all_ask(ends)
}

/// Every live lane cannot be told.
fn all_ask(ends: &mut [End]) {
    each(ends, |_| None);
}

/// The value at a place of the stack in one lane (`at`), a plain value or a quotient.
#[inline]
fn side<'a>(values: &[Lin], quotients: &'a [Val], quotient: bool, at: usize) -> Side<'a> {
    if quotient { Side::Quotient(&quotients[at]) } else { Side::Plain(values[at]) }
}
