//! The fast path ([`super::lin`]) run over all of an entity's periods at once, op by op: each op a
//! loop over the periods (the lanes), each place on the stack a vector of lanes. The op's dispatch,
//! its places on the stack and which of them are quotients are found once per rule and entity, not
//! once per check.
//!
//! Each lane computes what the one-period fast path would, in the same order of ops: a lane that
//! ends (a verdict, a gap, or "cannot tell") is left alone by the later ops, so each lane's end is
//! the one its check alone would reach. A lane that cannot tell goes to the general path
//! ([`super::exec`]) from the start, as a check did before.

use crate::data::{Row, Sheets};
use crate::eval::verdict::Truth;
use crate::num::{RatioStyle, Unit};
use crate::period::Period;

use super::compile::Op;
use super::exec::{self, Gap, Inputs, moved, passes};
use super::frac::{Val, ZERO};
use super::lin::{self, Lin, LinOp};
use super::mixed::{self, Form, Ratio, Side};

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
/// the fast path and, for a quotient, as the general path's or as its operands (the numerator in
/// `values`, the divisor in `divisors`).
#[derive(Debug, Default)]
pub struct Lanes {
    pub ends: Vec<End>,
    values: Vec<Lin>,
    quotients: Vec<Val>,
    divisors: Vec<Lin>,
    slots: Vec<Option<usize>>,
}

/// What a place on the stack holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Plain,
    /// A quotient, as the general path's value.
    Quotient,
    /// A quotient not made ([`Ratio`]), of its form: the comparison at the end is its only reader.
    Ratio(Form),
}

impl Lanes {
    /// Places each period's slot in the rows, for every rule run over these periods next.
    pub fn place(&mut self, sheets: &Sheets, periods: &[Period]) {
        self.slots.clear();
        self.slots.extend(periods.iter().map(|&p| sheets.slot_index(p)));
    }
}

/// What one lane's op found where it does not go on: a verdict, a gap, or "cannot tell" (`None`).
#[inline(always)]
fn stop(end: &mut End, found: Option<Result<Truth, Gap>>) {
    *end = found.map_or(End::Ask, End::Found);
}

/// `f` of each live lane's value, in place; a lane where it cannot tell is asked.
#[inline(always)]
fn map1(ends: &mut [End], values: &mut [Lin], f: impl Fn(Lin) -> Option<Lin>) {
    for (end, v) in ends.iter_mut().zip(values) {
        if matches!(end, End::Live) {
            match f(*v) {
                Some(x) => *v = x,
                None => *end = End::Ask,
            }
        }
    }
}

/// The places `below` and `top` (`top = below + n`) of `values` as two slices of `n` lanes, the
/// first to write.
#[inline(always)]
fn pair<T>(values: &mut [T], below: usize, n: usize) -> (&mut [T], &[T]) {
    let (lo, hi) = values[below..below + 2 * n].split_at_mut(n);
    (lo, hi)
}

/// Every live lane of `lanes.ends` (one per period of `periods`) run through a kernel's fast form,
/// each to its end; a lane still live after the last op cannot be told.
///
/// Each op is a loop over the lanes of the places it reads and writes, each place sliced once per
/// op (`values[s * n..(s + 1) * n]`): no bounds check per lane.
pub fn exec(ops: &[Op], lin: &[LinOp], at: &Inputs, periods: &[Period], lanes: &mut Lanes) {
    let n = periods.len();
    if n == 0 {
        return;
    }
    let Lanes { ends, values, quotients, divisors, slots } = lanes;
    let ends = &mut ends[..n];
    // each lane's slot in the rows, placed once per entity by [`Lanes::place`]
    debug_assert!(slots.len() == n && periods.iter().zip(&*slots).all(|(&p, &s)| at.sheets.slot_index(p) == s));
    let slots = &slots[..n];
    let need = ops.len() * n;
    if values.len() < need {
        values.resize(need, Lin::ZERO);
        divisors.resize(need, Lin::ZERO);
        quotients.resize(need, Val::exact(ZERO, Unit::None));
    }
    // which places of the stack hold quotients ([`super::lin::quotients_end`] keeps them in place)
    let mut quotient: smallvec::SmallVec<[Place; 16]> = smallvec::SmallVec::new();
    for (i, (op, fast)) in ops.iter().zip(lin).enumerate() {
        let gap = |(shift, at): (Option<usize>, Period)| Some(Err(Gap { op: i, shift, at }));
        let depth = quotient.len();
        // the place of the top of the stack, and of the one below it
        let (top, below) = (depth.wrapping_sub(1).wrapping_mul(n), depth.wrapping_sub(2).wrapping_mul(n));
        match op {
            Op::Fact(read) => {
                let to = depth * n;
                let out = &mut values[to..to + n];
                let row = at.rows.get(read.input as usize);
                if read.shifts.is_empty() {
                    let Some(row) = row else { return all_ask(ends) };
                    figures(row, i, slots, periods, ends, out);
                } else {
                    for ((end, v), &period) in ends.iter_mut().zip(out).zip(periods) {
                        if !matches!(end, End::Live) {
                            continue;
                        }
                        // the slot read: the one the lane's shifts lead to
                        let to = match moved(at.sheets, at.entity, period, &read.shifts) {
                            Ok(to) => to,
                            Err(missing) => {
                                stop(end, gap(missing));
                                continue;
                            }
                        };
                        let figure =
                            row.and_then(|row| at.sheets.slot_index(to).map_or(Some(None), |s| row.figure_at(s)));
                        match figure {
                            Some(Some((digits, scale, unit))) => match Lin::figure(digits, scale, unit) {
                                Some(x) => *v = x,
                                None => *end = End::Ask,
                            },
                            Some(None) => stop(end, gap((None, to))),
                            None => *end = End::Ask,
                        }
                    }
                }
                quotient.push(Place::Plain);
            }
            Op::SumOf { inputs, shifts, .. } => {
                let to = depth * n;
                for ((end, v), &period) in ends.iter_mut().zip(&mut values[to..to + n]).zip(periods) {
                    if !matches!(end, End::Live) {
                        continue;
                    }
                    match moved(at.sheets, at.entity, period, shifts) {
                        Ok(moved_to) => match lin::sum_of(inputs, at, moved_to) {
                            Some(x) => *v = x,
                            None => *end = End::Ask,
                        },
                        Err(missing) => stop(end, gap(missing)),
                    }
                }
                quotient.push(Place::Plain);
            }
            Op::Lit(_) => {
                let LinOp::Lit(v) = fast else { return all_ask(ends) };
                values[depth * n..(depth + 1) * n].fill(*v);
                quotient.push(Place::Plain);
            }
            // a cell's scope is the entity's: the same at every period
            Op::Scope(cell) => {
                if !at.program.cells[*cell].scopes.admits(at.entity) {
                    return all_ask(ends);
                }
            }
            Op::Reach(_) => {
                for (end, &period) in ends.iter_mut().zip(periods) {
                    if matches!(end, End::Live) {
                        match passes(op, at, period) {
                            Some(Ok(())) => {}
                            Some(Err(missing)) => stop(end, gap(missing)),
                            None => *end = End::Ask,
                        }
                    }
                }
            }
            Op::Neg => map1(ends, &mut values[top..top + n], Lin::neg),
            Op::Sum(negative) => {
                let from = depth.checked_sub(negative.len()).filter(|_| !negative.is_empty());
                let Some(from) = from else { return all_ask(ends) };
                // term by term across the lanes: the first term's unit, not a pure number, is every
                // term's (any lane that fails is asked, wherever it fails)
                let (first, rest) = values[from * n..depth * n].split_at_mut(n);
                let negate = negative[0];
                map1(ends, first, |v| {
                    if v.unit == Unit::None {
                        None
                    } else if negate {
                        v.neg()
                    } else {
                        Some(v)
                    }
                });
                for (terms, &minus) in rest.chunks_exact(n).zip(&negative[1..]) {
                    for ((end, total), &term) in ends.iter_mut().zip(first.iter_mut()).zip(terms) {
                        if !matches!(end, End::Live) {
                            continue;
                        }
                        let unit = total.unit;
                        match (term.unit == unit).then(|| lin::add(*total, term, minus, unit)).flatten() {
                            Some(x) => *total = x,
                            None => *end = End::Ask,
                        }
                    }
                }
                quotient.truncate(from);
                quotient.push(Place::Plain);
            }
            Op::Mul => {
                let (a, b) = pair(values, below, n);
                for ((end, a), &b) in ends.iter_mut().zip(a).zip(b) {
                    if matches!(end, End::Live) {
                        match lin::mul(*a, b) {
                            Some(x) => *a = x,
                            None => *end = End::Ask,
                        }
                    }
                }
                quotient.pop();
            }
            // an `abs` of a quotient not made: its form says so, for the comparison at the end
            Op::Abs if matches!(quotient.last(), Some(Place::Ratio(_))) => {
                if let Some(Place::Ratio(form)) = quotient.last_mut() {
                    form.abs = true;
                }
            }
            Op::Abs if quotient.last() == Some(&Place::Quotient) => {
                for (end, q) in ends.iter_mut().zip(&mut quotients[top..top + n]) {
                    if matches!(end, End::Live) {
                        match q.abs() {
                            Some(x) => *q = x,
                            None => *end = End::Ask,
                        }
                    }
                }
            }
            Op::Abs => map1(ends, &mut values[top..top + n], Lin::abs),
            Op::Change => {
                match quotient.get(depth.wrapping_sub(2)..) {
                    // two quotients ([`super::lin::quotients_end`] lets none but both be): the general path's
                    Some([Place::Quotient, Place::Quotient]) => {
                        let (now, before) = pair(quotients, below, n);
                        for ((end, now), &before) in ends.iter_mut().zip(now).zip(before) {
                            if !matches!(end, End::Live) {
                                continue;
                            }
                            let change =
                                exec::common(&[*now, before]).and_then(|unit| now.sub(before, lin::shown(unit)));
                            match change {
                                Some(x) => *now = x,
                                None => *end = End::Ask,
                            }
                        }
                    }
                    Some([Place::Plain, Place::Plain]) => {
                        let (now, before) = pair(values, below, n);
                        for ((end, now), &before) in ends.iter_mut().zip(now).zip(before) {
                            if !matches!(end, End::Live) {
                                continue;
                            }
                            let change = lin::same(&[*now, before])
                                .and_then(|unit| lin::add(*now, before, true, lin::shown(unit)));
                            match change {
                                Some(x) => *now = x,
                                None => *end = End::Ask,
                            }
                        }
                    }
                    _ => return all_ask(ends),
                }
                quotient.pop();
            }
            Op::Part { mid, range } => {
                let to = depth * n;
                for ((end, v), &period) in ends.iter_mut().zip(&mut values[to..to + n]).zip(periods) {
                    if !matches!(end, End::Live) {
                        continue;
                    }
                    match lin::ends(range, fast, at, period) {
                        Some(Ok(ends)) => match lin::part(*mid, ends) {
                            Some(x) => *v = x,
                            None => *end = End::Ask,
                        },
                        Some(Err(missing)) => stop(end, gap(missing)),
                        None => *end = End::Ask,
                    }
                }
                quotient.push(Place::Plain);
            }
            Op::In(range) => {
                for ((end, &v), &period) in ends.iter_mut().zip(&values[top..top + n]).zip(periods) {
                    if !matches!(end, End::Live) {
                        continue;
                    }
                    match lin::ends(range, fast, at, period) {
                        Some(Ok(ends)) => stop(end, exec::inside(v, ends, lin::link).map(Ok)),
                        Some(Err(missing)) => stop(end, gap(missing)),
                        None => *end = End::Ask,
                    }
                }
                return;
            }
            Op::Compare(links) => {
                let Some(from) = depth.checked_sub(links.len() + 1) else { return all_ask(ends) };
                let quotients = &*quotients;
                let last = quotient.get(depth.wrapping_sub(2)..);
                if let ([op], Some(&[Place::Ratio(form), Place::Plain] | &[Place::Plain, Place::Ratio(form)])) =
                    (&**links, last)
                {
                    // a quotient not made against a plain value: their slices zipped
                    let ratio_first = matches!(quotient[depth - 2], Place::Ratio(_));
                    let (r, v) = if ratio_first { (below, top) } else { (top, below) };
                    let lanes = ends.iter_mut().zip(&values[r..r + n]).zip(&divisors[r..r + n]).zip(&values[v..v + n]);
                    for (((end, &a), &b), &v) in lanes {
                        if matches!(end, End::Live) {
                            let (r, v) = (Side::Ratio(Ratio { a, b, form }), Side::Plain(v));
                            let truth = if ratio_first { mixed::link(r, *op, v) } else { mixed::link(v, *op, r) };
                            stop(end, truth.map(Ok));
                        }
                    }
                } else if let [op] = **links
                    && quotient.iter().all(|&p| p == Place::Plain)
                {
                    let (a, b) = (&values[below..top], &values[top..top + n]);
                    for ((end, &a), &b) in ends.iter_mut().zip(a).zip(b) {
                        if matches!(end, End::Live) {
                            stop(end, lin::link(a, op, b).map(Ok));
                        }
                    }
                } else if quotient.iter().any(|&p| p != Place::Plain) {
                    let place = |s: usize, l: usize| side(values, quotients, divisors, quotient[s], s * n + l);
                    for (l, end) in ends.iter_mut().enumerate() {
                        if !matches!(end, End::Live) {
                            continue;
                        }
                        let mut truth = Some(Truth::decided(true));
                        for (k, &op) in links.iter().enumerate() {
                            truth = truth.and_then(|t| {
                                Some(t.and(mixed::link(place(from + k, l), op, place(from + k + 1, l))?))
                            });
                        }
                        stop(end, truth.map(Ok));
                    }
                } else {
                    for (l, end) in ends.iter_mut().enumerate() {
                        if !matches!(end, End::Live) {
                            continue;
                        }
                        let mut truth = Some(Truth::decided(true));
                        for (k, &op) in links.iter().enumerate() {
                            let (a, b) = (values[(from + k) * n + l], values[(from + k + 1) * n + l]);
                            truth = truth.and_then(|t| Some(t.and(lin::link(a, op, b)?)));
                        }
                        stop(end, truth.map(Ok));
                    }
                }
                return;
            }
            Op::Approx(tol) => {
                if depth < 2 {
                    return all_ask(ends);
                }
                let tol = tol.as_ref();
                let last = &quotient[depth - 2..];
                if let &[Place::Ratio(form), Place::Plain] | &[Place::Plain, Place::Ratio(form)] = last {
                    // a quotient not made against a plain value: their slices zipped
                    let ratio_first = matches!(last[0], Place::Ratio(_));
                    let (r, v) = if ratio_first { (below, top) } else { (top, below) };
                    // the tolerance's power of ten, once for all the lanes
                    let window = mixed::Window::of(tol);
                    let lanes = ends.iter_mut().zip(&values[r..r + n]).zip(&divisors[r..r + n]).zip(&values[v..v + n]);
                    for (((end, &a), &b), &v) in lanes {
                        if matches!(end, End::Live) {
                            let holds = mixed::approx_ratio(Ratio { a, b, form }, v, ratio_first, tol, window);
                            stop(end, holds.map(|holds| Ok(Truth::decided(holds))));
                        }
                    }
                } else if quotient.iter().any(|&p| p != Place::Plain) {
                    let quotients = &*quotients;
                    let place = |s: usize, l: usize| side(values, quotients, divisors, quotient[s], s * n + l);
                    for (l, end) in ends.iter_mut().enumerate() {
                        if matches!(end, End::Live) {
                            let holds = mixed::approx(place(depth - 2, l), place(depth - 1, l), tol);
                            stop(end, holds.map(|holds| Ok(Truth::decided(holds))));
                        }
                    }
                } else {
                    let (a, b) = (&values[below..top], &values[top..top + n]);
                    for ((end, &a), &b) in ends.iter_mut().zip(a).zip(b) {
                        if matches!(end, End::Live) {
                            stop(end, lin::approx(a, b, tol).map(|holds| Ok(Truth::decided(holds))));
                        }
                    }
                }
                return;
            }
            // a quotient the comparison at the end alone reads: kept as its operands, the numerator
            // taking the quotient's unit, where [`lin::div`] would make it
            Op::Div if matches!(fast, LinOp::Ratio) => {
                let (a, b) = pair(values, below, n);
                for (((end, a), &b), divisor) in ends.iter_mut().zip(a).zip(b).zip(&mut divisors[below..top]) {
                    if !matches!(end, End::Live) {
                        continue;
                    }
                    match lin::ratio(*a, b) {
                        Some(x) => (*a, *divisor) = (x, b),
                        None => *end = End::Ask,
                    }
                }
                quotient.pop();
                *quotient.last_mut().expect("a quotient of two values") = Place::Ratio(Form::default());
            }
            Op::Div => {
                let (a, b) = (&values[below..top], &values[top..top + n]);
                for (((end, q), &a), &b) in ends.iter_mut().zip(&mut quotients[below..top]).zip(a).zip(b) {
                    if !matches!(end, End::Live) {
                        continue;
                    }
                    // a bare zero stays bare through a quotient: the evaluator's to do
                    let quotient = if a.is_bare_zero() && a.w == 0 {
                        None
                    } else {
                        lin::over(a.unit, b.unit).and_then(|unit| lin::div(a, b, unit))
                    };
                    match quotient {
                        Some(x) => *q = x,
                        None => *end = End::Ask,
                    }
                }
                quotient.pop();
                *quotient.last_mut().expect("a quotient of two values") = Place::Quotient;
            }
            // a growth the comparison at the end alone reads (through any `abs`): kept as its operands,
            // as a quotient is
            Op::Growth if matches!(fast, LinOp::Ratio) => {
                let (a, b) = pair(values, below, n);
                for (((end, a), &b), divisor) in ends.iter_mut().zip(a).zip(b).zip(&mut divisors[below..top]) {
                    if !matches!(end, End::Live) {
                        continue;
                    }
                    match lin::growth(*a, b) {
                        Some(x) => (*a, *divisor) = (x, b),
                        None => *end = End::Ask,
                    }
                }
                quotient.pop();
                let growth = Form { growth: true, abs: false };
                *quotient.last_mut().expect("a growth of two values") = Place::Ratio(growth);
            }
            Op::Growth => {
                let percent = Unit::Ratio(RatioStyle::Percent);
                let (a, b) = (&values[below..top], &values[top..top + n]);
                for (((end, q), &now), &before) in ends.iter_mut().zip(&mut quotients[below..top]).zip(a).zip(b) {
                    if !matches!(end, End::Live) {
                        continue;
                    }
                    // from zero or a loss the growth is not meaningful: a skip, the evaluator's
                    let growth = lin::same(&[now, before])
                        .filter(|_| before.n > 0)
                        .and_then(|_| lin::div(now, before, percent)?.less_one(percent));
                    match growth {
                        Some(x) => *q = x,
                        None => *end = End::Ask,
                    }
                }
                quotient.pop();
                *quotient.last_mut().expect("a growth of two values") = Place::Quotient;
            }
        }
    }
    all_ask(ends)
}

/// Each live lane's figure of a row at its own slot ([`Row::figure_at`]), or its gap (the read is
/// the op at `op`): a loop of its own, small enough that the read is inlined into it.
#[inline(never)]
fn figures(row: &Row, op: usize, slots: &[Option<usize>], periods: &[Period], ends: &mut [End], out: &mut [Lin]) {
    for ((end, v), (&slot, &period)) in ends.iter_mut().zip(out).zip(slots.iter().zip(periods)) {
        if !matches!(end, End::Live) {
            continue;
        }
        match slot.map_or(Some(None), |slot| row.figure_at(slot)) {
            Some(Some((digits, scale, unit))) => match Lin::figure(digits, scale, unit) {
                Some(x) => *v = x,
                None => *end = End::Ask,
            },
            Some(None) => *end = End::Found(Err(Gap { op, shift: None, at: period })),
            None => *end = End::Ask,
        }
    }
}

/// Every live lane cannot be told.
fn all_ask(ends: &mut [End]) {
    for end in ends {
        if matches!(end, End::Live) {
            *end = End::Ask;
        }
    }
}

/// The value at a place of the stack in one lane (`at`), a plain value or a quotient.
#[inline]
fn side<'a>(values: &[Lin], quotients: &'a [Val], divisors: &[Lin], place: Place, at: usize) -> Side<'a> {
    match place {
        Place::Plain => Side::Plain(values[at]),
        Place::Quotient => Side::Quotient(&quotients[at]),
        Place::Ratio(form) => Side::Ratio(Ratio { a: values[at], b: divisors[at], form }),
    }
}
