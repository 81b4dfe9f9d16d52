//! The fast path ([`super::lin`]) run over all of an entity's periods at once, op by op: each op a
//! loop over the periods (the lanes), each place on the stack a vector of lanes. The op's dispatch,
//! its places on the stack and which of them are quotients are found once per rule and entity, not
//! once per check.
//!
//! Each lane computes what the one-period fast path would, in the same order of ops: a lane that
//! ends (a verdict, a gap, or "cannot tell") is left alone by the later ops, so each lane's end is
//! the one its check alone would reach. A lane that cannot tell goes to the general path
//! ([`super::exec`]) from the start, as a check did before.

use crate::data::sheet::{Figure, Whole};
use crate::data::{EntityId, Row, Sheets};
use crate::eval::verdict::Truth;
use crate::num::{RatioStyle, Unit};
use crate::period::Period;
use crate::syntax::ast::PeriodRef;

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
    /// Where each lane's reads go, per list of shifts: the first `placed` found for the periods
    /// and entity of the run, the unshifted first ([`Lanes::place`], [`moves`]).
    moves: Vec<Moves>,
    placed: usize,
    /// Per lane, whether a sum of inputs has its first term ([`sums`]).
    begun: Vec<bool>,
}

/// Where a lane's read goes: the slot in the rows (`None`: outside them, an empty slot) and the
/// period it reads, or where its shifts lead nowhere ([`moved`]'s error, a gap).
type To = Result<(Option<usize>, Period), (Option<usize>, Period)>;

/// Each lane's [`To`] after a list of shifts.
#[derive(Debug, Default)]
struct Moves {
    shifts: Vec<PeriodRef>,
    to: Vec<To>,
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
    /// Places each period's slot in the rows, for every rule run over these periods (at one
    /// entity) next; the slots of shifted reads are found when first read ([`moves`]).
    pub fn place(&mut self, sheets: &Sheets, periods: &[Period]) {
        if self.moves.is_empty() {
            self.moves.push(Moves::default());
        }
        let unshifted = &mut self.moves[0];
        unshifted.shifts.clear();
        unshifted.to.clear();
        unshifted.to.extend(periods.iter().map(|&p| Ok((sheets.slot_index(p), p))));
        self.placed = 1;
    }
}

/// Where each lane's read after `shifts` goes ([`moved`], then [`Sheets::slot_index`]): found once
/// per entity and list of shifts, then kept for every read of the same shifts at the entity.
fn moves<'m>(
    (moves, placed): (&'m mut Vec<Moves>, &mut usize),
    (sheets, entity): (&Sheets, EntityId),
    periods: &[Period],
    shifts: &[PeriodRef],
) -> &'m [To] {
    if let Some(k) = moves[..*placed].iter().position(|m| m.shifts == shifts) {
        return &moves[k].to;
    }
    if *placed == moves.len() {
        moves.push(Moves::default());
    }
    let m = &mut moves[*placed];
    *placed += 1;
    m.shifts.clear();
    m.shifts.extend_from_slice(shifts);
    m.to.clear();
    let lane = |&p: &Period| moved(sheets, entity, p, shifts).map(|to| (sheets.slot_index(to), to));
    m.to.extend(periods.iter().map(lane));
    &m.to
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
    let Lanes { ends, values, quotients, divisors, moves: placed_moves, placed, begun } = lanes;
    let ends = &mut ends[..n];
    // each lane's slot in the rows, placed once per entity by [`Lanes::place`]
    debug_assert!(
        *placed >= 1
            && placed_moves[0].to.len() == n
            && periods.iter().zip(&placed_moves[0].to).all(|(&p, &to)| to == Ok((at.sheets.slot_index(p), p)))
    );
    let need = ops.len() * n;
    if values.len() < need {
        values.resize(need, Lin::ZERO);
        divisors.resize(need, Lin::ZERO);
        quotients.resize(need, Val::exact(ZERO, Unit::None));
    }
    if begun.len() < n {
        begun.resize(n, false);
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
                let moved = moves((placed_moves, placed), (at.sheets, at.entity), periods, &read.shifts);
                figures(at.rows.get(read.input as usize), i, moved, ends, &mut values[to..to + n]);
                quotient.push(Place::Plain);
            }
            Op::SumOf { inputs, shifts, .. } => {
                let to = depth * n;
                let moved = moves((placed_moves, placed), (at.sheets, at.entity), periods, shifts);
                sums(inputs, at.rows, i, moved, ends, &mut values[to..to + n], &mut begun[..n]);
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
            // a quotient or a growth the comparison at the end alone reads (a growth through any
            // `abs`): kept as its operands, the numerator taking the quotient's unit, where
            // [`lin::div`] would make it
            Op::Div | Op::Growth if matches!(fast, LinOp::Ratio) => {
                let growth = matches!(op, Op::Growth);
                let keep = |a, b| if growth { lin::growth(a, b) } else { lin::ratio(a, b) };
                let (a, b) = pair(values, below, n);
                for (((end, a), &b), divisor) in ends.iter_mut().zip(a).zip(b).zip(&mut divisors[below..top]) {
                    if !matches!(end, End::Live) {
                        continue;
                    }
                    match keep(*a, b) {
                        Some(x) => (*a, *divisor) = (x, b),
                        None => *end = End::Ask,
                    }
                }
                quotient.pop();
                *quotient.last_mut().expect("a quotient of two values") = Place::Ratio(Form { growth, abs: false });
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

/// Each live lane's figure of a row where its read goes ([`Row::figure_at`]), or its gap (the read
/// is the op at `op`): the row's kind told once ([`Row::whole`]), then a loop over the lanes with
/// the read inlined into it. Without the row, a lane whose shifts lead somewhere cannot be told.
#[inline(never)]
fn figures(row: Option<&Row>, op: usize, to: &[To], ends: &mut [End], out: &mut [Lin]) {
    match row.map(Row::whole) {
        None => read_lanes(op, to, ends, out, |_| None, None),
        Some(Whole::Empty) => read_lanes(op, to, ends, out, |_| Some(None), Some(None)),
        Some(Whole::Dense(row)) => read_lanes(op, to, ends, out, |s| row.figure_at(s), Some(None)),
        Some(Whole::Slots(row)) => read_lanes(op, to, ends, out, |s| row.figure_at(s), Some(None)),
    }
}

/// [`figures`] with the read of a slot (`read`) and of no slot (`outside`) given.
#[inline(always)]
fn read_lanes(
    op: usize,
    to: &[To],
    ends: &mut [End],
    out: &mut [Lin],
    read: impl Fn(usize) -> Option<Option<Figure>>,
    outside: Option<Option<Figure>>,
) {
    for ((end, v), &to) in ends.iter_mut().zip(out).zip(to) {
        if !matches!(end, End::Live) {
            continue;
        }
        let (slot, at) = match to {
            Ok(to) => to,
            Err((shift, at)) => {
                *end = End::Found(Err(Gap { op, shift, at }));
                continue;
            }
        };
        match slot.map_or(outside, &read) {
            Some(Some((digits, scale, unit))) => match Lin::figure(digits, scale, unit) {
                Some(x) => *v = x,
                None => *end = End::Ask,
            },
            Some(None) => *end = End::Found(Err(Gap { op, shift: None, at })),
            None => *end = End::Ask,
        }
    }
}

/// Each live lane's sum of the rows of `inputs` where its read goes ([`lin::sum_of`]), or its gap
/// (the sum is the op at `op`): input by input across the lanes, each row's kind told once. A
/// lane's terms come in the order [`lin::sum_of`] takes them; `begun` says whether it has one.
#[inline(never)]
fn sums(inputs: &[u32], rows: &[Row], op: usize, to: &[To], ends: &mut [End], out: &mut [Lin], begun: &mut [bool]) {
    for ((end, &to), begun) in ends.iter_mut().zip(to).zip(begun.iter_mut()) {
        *begun = false;
        if let (End::Live, Err((shift, at))) = (&end, to) {
            *end = End::Found(Err(Gap { op, shift, at }));
        }
    }
    for &input in inputs {
        let Some(row) = rows.get(input as usize) else { return all_ask(ends) };
        match row.whole() {
            Whole::Empty => {}
            Whole::Dense(row) => add_lanes(to, ends, out, begun, |s| row.figure_at(s)),
            Whole::Slots(row) => add_lanes(to, ends, out, begun, |s| row.figure_at(s)),
        }
    }
    // no term at all: the sum is the evaluator's to make
    for (end, &begun) in ends.iter_mut().zip(&*begun) {
        if matches!(end, End::Live) && !begun {
            *end = End::Ask;
        }
    }
}

/// One input's figure added to each live lane's sum, as [`lin::sum_of`] adds it.
#[inline(always)]
fn add_lanes(
    to: &[To],
    ends: &mut [End],
    out: &mut [Lin],
    begun: &mut [bool],
    read: impl Fn(usize) -> Option<Option<Figure>>,
) {
    for (((end, total), begun), &to) in ends.iter_mut().zip(out).zip(begun.iter_mut()).zip(to) {
        // a lane whose shifts lead nowhere is not live; one outside the rows reads an empty slot
        let (End::Live, Ok((Some(slot), _))) = (&end, to) else { continue };
        let sum = match read(slot) {
            Some(None) => continue,
            Some(Some((digits, scale, unit))) => Lin::figure(digits, scale, unit).and_then(|v| {
                if !*begun {
                    (unit != Unit::None).then_some(v)
                } else if total.unit == unit {
                    lin::add(*total, v, false, unit)
                } else {
                    None
                }
            }),
            None => None,
        };
        match sum {
            Some(x) => (*total, *begun) = (x, true),
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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::check::Program;
    use crate::data::{Fact, FactKey, Origin, SheetBuilder};
    use crate::date::Date;
    use crate::period::Step;
    use crate::source::{SourceId, Span};
    use crate::syntax::ast::{FiscalPart, Scenario};

    /// Sheets of three metrics at two entities over 2023-2025, each fact chosen by a code: absent
    /// (0) or one of seven values (a figure of each unit, a pure number, a range, a margin, more
    /// digits than an `i64`); `vintaged` gives the first fact a second vintage.
    fn sheets_of(codes: &[u8], vintaged: bool) -> Sheets {
        let values =
            ["213.4 USD bn", "-7 USD m", "11.7 %", "3", "1..2 USD m", "5 ± 1 USD m", "12345678901234567890123 USD m"];
        let periods = (2023..2026).flat_map(|y| {
            ["Q1", "Q2", "Q3", "Q4", "FY"].map(move |q| match q {
                "FY" => format!("FY{y}"),
                q => format!("{y}{q}"),
            })
        });
        let periods: Vec<Period> = periods.map(|p| Period::parse(&p).unwrap()).collect();
        let mut builder = SheetBuilder::default();
        builder.add_source(SourceId(0), None);
        let mut first = true;
        for (k, &code) in codes.iter().enumerate() {
            let (entity, metric, period) =
                (["A", "B"][k % 2], ["x", "y", "z"][k / 2 % 3], periods[k / 6 % periods.len()]);
            let Some(text) = code.checked_sub(1).map(|c| values[usize::from(c) % values.len()]) else { continue };
            let key = || FactKey { entity: entity.into(), metric: metric.into(), period, scenario: Scenario::Actual };
            let fact = |text: &str, given: Option<i32>| {
                let value = crate::data::parse_value(text, Unit::None).unwrap();
                Fact {
                    value,
                    origin: Origin { file: SourceId(0), span: Span::new(0, 1) },
                    given: given.map(Date::from_days),
                }
            };
            if first && vintaged {
                builder.insert(key(), fact(text, Some(20_000)));
                builder.insert(key(), fact("4 USD m", Some(20_100)));
            } else {
                builder.insert(key(), fact(text, None));
            }
            first = false;
        }
        builder.finish().unwrap()
    }

    /// The shift lists the tests read by.
    fn shift_lists() -> Vec<Vec<PeriodRef>> {
        let (q, y) = (PeriodRef::Offset(-1, Step::Quarter), PeriodRef::Offset(-1, Step::Year));
        let at = PeriodRef::Absolute(Period::parse("2024Q2").unwrap());
        let fiscal = [PeriodRef::Fiscal(FiscalPart::Quarter(2)), PeriodRef::Fiscal(FiscalPart::Year)];
        vec![
            vec![],
            vec![y],
            vec![q],
            vec![PeriodRef::Offset(2, Step::Quarter)],
            vec![at],
            vec![q, y],
            fiscal.to_vec(),
            vec![fiscal[1], y],
        ]
    }

    /// The ends of the lanes as text, to compare.
    fn shown(ends: &[End]) -> Vec<String> {
        ends.iter().map(|e| format!("{e:?}")).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        /// Each lane's read of every shift list, of a column and of a sum of columns: where
        /// [`moved`], [`Sheets::slot_index`], [`Row::figure_at`] and [`lin::sum_of`] lead one lane
        /// at a time, as the reads did before they went row by row.
        #[test]
        fn reads_across_the_lanes_are_each_lanes_own(
            codes in proptest::collection::vec(0u8..9, 0..90),
            vintaged in any::<bool>(),
            off in any::<u64>(),
        ) {
            let sheets = sheets_of(&codes, vintaged);
            let first = codes.iter().any(|&c| c > 0);
            prop_assert_eq!((0..sheets.entities.len() as EntityId).any(|e| sheets.has_vintaged_actual(e)), vintaged && first);
            let program = Program::default();
            let columns: Vec<u32> = (0..sheets.metrics.len() as u32 * 3 + 3).collect();
            for entity in 0..sheets.entities.len() as EntityId {
                // the entity's periods and a few outside its data, each lane live or not
                let mut periods = sheets.periods_of(entity).to_vec();
                periods.extend(["2019Q4", "FY2026", "2026Q1"].map(|p| Period::parse(p).unwrap()));
                let n = periods.len();
                let live = |l: usize| if off >> (l % 64) & 1 == 1 && l.is_multiple_of(3) { End::Off } else { End::Live };
                let rows: Vec<Row> = columns.iter().map(|&c| sheets.row(c, entity)).collect();
                let at = Inputs { program: &program, sheets: &sheets, entity, rows: &rows };
                let mut lanes = Lanes::default();
                lanes.place(&sheets, &periods);
                for shifts in shift_lists() {
                    let to = moves((&mut lanes.moves, &mut lanes.placed), (&sheets, entity), &periods, &shifts).to_vec();
                    for (&period, &to) in periods.iter().zip(&to) {
                        let expected = moved(&sheets, entity, period, &shifts).map(|to| (sheets.slot_index(to), to));
                        prop_assert_eq!(to, expected);
                    }
                    // one column's figures
                    for input in 0..rows.len() as u32 + 1 {
                        let row = rows.get(input as usize);
                        let mut ends: Vec<End> = (0..n).map(live).collect();
                        let mut out = vec![Lin::ZERO; n];
                        figures(row, 4, &to, &mut ends, &mut out);
                        for l in 0..n {
                            let gap = |(shift, at)| End::Found(Err(Gap { op: 4, shift, at }));
                            let expected = match (live(l), moved(&sheets, entity, periods[l], &shifts)) {
                                (End::Off, _) => End::Off,
                                (_, Err(missing)) => gap(missing),
                                (_, Ok(to)) => match row.map(|row| sheets.slot_index(to).map_or(Some(None), |s| row.figure_at(s))) {
                                    Some(Some(Some((digits, scale, unit)))) => match Lin::figure(digits, scale, unit) {
                                        Some(x) => {
                                            prop_assert_eq!(out[l], x);
                                            End::Live
                                        }
                                        None => End::Ask,
                                    },
                                    Some(Some(None)) => gap((None, to)),
                                    Some(None) | None => End::Ask,
                                },
                            };
                            prop_assert_eq!(format!("{:?}", ends[l]), format!("{expected:?}"), "lane {} of input {}", l, input);
                        }
                    }
                    // sums of columns: all of them, one, none, one missing
                    let all: Vec<u32> = (0..rows.len() as u32).collect();
                    for inputs in [all.clone(), vec![0], vec![1, 4], vec![], vec![0, rows.len() as u32]] {
                        let mut ends: Vec<End> = (0..n).map(live).collect();
                        let (mut out, mut begun) = (vec![Lin::ZERO; n], vec![false; n]);
                        sums(&inputs, &rows, 2, &to, &mut ends, &mut out, &mut begun);
                        let mut expected = Vec::new();
                        for l in 0..n {
                            expected.push(match (live(l), moved(&sheets, entity, periods[l], &shifts)) {
                                (End::Off, _) => End::Off,
                                (_, Err((shift, at))) => End::Found(Err(Gap { op: 2, shift, at })),
                                (_, Ok(to)) => match lin::sum_of(&inputs, &at, to) {
                                    Some(x) => {
                                        prop_assert_eq!(out[l], x);
                                        End::Live
                                    }
                                    None => End::Ask,
                                },
                            });
                        }
                        prop_assert_eq!(shown(&ends), shown(&expected), "{:?}", inputs);
                    }
                }
                prop_assert!(lanes.placed <= shift_lists().len());
            }
        }
    }
}
