//! The built-in functions: range parts, aggregates, rounding, growth and friends.

use rust_decimal::Decimal;

use crate::check::{CExpr, CKind, Func};
use crate::data::FactValue;
use crate::num::{Num, Quantity, RatioStyle, Unit};
use crate::period::{Kind, Period};
use crate::source::SourceId;
use crate::syntax::ast::BinOp;

use super::expr::{Eval, Evaluator, arith, as_num, error, message, worse};
use super::value::{Halt, Missing, Value};
use super::verdict::Truth;
use super::{ranges, units};

/// Calls a built-in function.
pub fn call(ev: &mut Evaluator, func: Func, args: &[CExpr], period: Period, file: SourceId) -> Eval {
    match func {
        Func::Mid | Func::Low | Func::High | Func::Width => range_part(ev, func, &args[0], period, file),
        Func::Abs => Ok(Value::Num(ev.num(&args[0], period, file)?.abs())),
        Func::Min | Func::Max | Func::Sum | Func::Avg | Func::Count => aggregate(ev, func, args, period, file),
        Func::Round => round(ev, args, period, file),
        Func::Growth => {
            let (now, before) = two(ev, args, period, file)?;
            if let Some(why) = not_meaningful_base(&before) {
                let name = match args[0].kind {
                    CKind::Fact { .. } | CKind::Cell(_) | CKind::Shift { .. } => {
                        format!("the growth of {}", name_of(ev, &args[0]))
                    }
                    _ => "the growth".to_owned(),
                };
                return Err(Halt::Missing(Missing { not_meaningful: Some(why), ..Missing::absent(name, period) }));
            }
            let ratio = now.div(&before, Unit::Ratio(RatioStyle::Percent)).map_err(arith)?;
            ratio.sub(&Num::exact(Decimal::ONE, Unit::None), ratio.unit).map(Value::Num).map_err(arith)
        }
        Func::Change => {
            let (now, before) = two(ev, args, period, file)?;
            // a change of a percentage is in percentage points
            let unit = match now.unit {
                Unit::Ratio(RatioStyle::Percent) => Unit::Ratio(RatioStyle::Pp),
                unit => unit,
            };
            now.sub(&before, unit).map(Value::Num).map_err(arith)
        }
        Func::Annualized => {
            let x = ev.num(&args[0], period, file)?;
            let times = if period.kind() == Kind::Quarter { 4 } else { 1 };
            x.mul(&Num::exact(Decimal::from(times), Unit::None), x.unit).map(Value::Num).map_err(arith)
        }
        Func::Exists => match ev.eval(&args[0], period, file) {
            Ok(_) => Ok(Value::Bool(Truth::decided(true))),
            Err(Halt::Missing(_)) => Ok(Value::Bool(Truth::decided(false))),
            Err(e) => Err(e),
        },
    }
}

/// Why a growth from `base` means nothing, if it does not: from zero or from a loss there is no
/// percentage to give (an analyst writes "n/m"), so the check is skipped, not failed or erred. A base
/// whose point is positive but whose interval reaches zero is a division by zero, as in `x / y`.
fn not_meaningful_base(base: &Num) -> Option<String> {
    // shown only where it is said: a growth from a positive base (nearly all) writes no number
    let shown = || crate::num::display::num(base);
    match base.point.sign() {
        std::cmp::Ordering::Greater => None,
        std::cmp::Ordering::Equal => Some("base is zero".to_owned()),
        std::cmp::Ordering::Less if matches!(base.unit, Unit::Money(..)) => {
            Some(format!("base is a loss ({})", shown()))
        }
        std::cmp::Ordering::Less => Some(format!("base is negative ({})", shown())),
    }
}

/// Two values brought to one unit: `growth(now, before)`, `change(now, before)`.
fn two(ev: &mut Evaluator, args: &[CExpr], period: Period, file: SourceId) -> Result<(Num, Num), Halt> {
    let (a, b) = ev.both(&args[0], &args[1], period, file)?;
    let (mut a, mut b) = (as_num(a, &args[0], file)?, as_num(b, &args[1], file)?);
    let unit = units::align_both(&mut a, &mut b).map_err(message)?;
    Ok((a.with_unit(unit), b.with_unit(unit)))
}

/// `mid`, `low`, `high`, `width` of a range; a figure is a range of one point.
fn range_part(ev: &mut Evaluator, func: Func, arg: &CExpr, period: Period, file: SourceId) -> Eval {
    let (lo, hi) = match ev.eval(arg, period, file)? {
        Value::Range(ends) => *ends,
        Value::Num(n) => (Some(n.clone()), Some(n)),
        Value::Bool(_) => return Err(error(file, arg.span, "expected a range, found true or false")),
    };
    // the argument's name is written only where an end is open (a skip), not for every range read
    let open = |end: &str| Halt::Missing(Missing::absent(format!("the {end} end of {}", name_of(ev, arg)), period));
    let value = match func {
        Func::Low => lo.ok_or_else(|| open("lower"))?,
        Func::High => hi.ok_or_else(|| open("upper"))?,
        _ => {
            let (lo, hi) = (lo.ok_or_else(|| open("lower"))?, hi.ok_or_else(|| open("upper"))?);
            let (lo, hi, unit) = units::align(lo, hi).map_err(message)?;
            if func == Func::Width {
                hi.sub(&lo, unit).map_err(arith)?
            } else {
                let two = Num::exact(Decimal::TWO, Unit::None);
                lo.add(&hi, unit).and_then(|s| s.div(&two, unit)).map_err(arith)?
            }
        }
    };
    Ok(Value::Num(value))
}

/// What an aggregate takes from its arguments.
#[derive(Clone, Copy, PartialEq)]
enum Want {
    /// Figures only (`min`, `max`): a range is an error.
    Figures,
    /// Figures and ranges (`sum`, `avg`).
    Values,
    /// Anything with a value (`count`): a placeholder for each.
    Presence,
}

/// The values an aggregate works on: its arguments, with `*` names expanded to the metrics that
/// have a value here. Every argument is evaluated: where any has no value, a missing input (a skip)
/// is reported before an error, as for operators ([`Evaluator::all`]), so `max(a / z, b / a)` skips
/// where `b` is missing.
fn gather(ev: &mut Evaluator, args: &[CExpr], period: Period, file: SourceId, want: Want) -> Result<Vec<Value>, Halt> {
    let mut values = Vec::new();
    let mut halt: Option<Halt> = None;
    for arg in args {
        if let Err(h) = gather_one(ev, arg, period, file, want, &mut values) {
            halt = Some(worse(halt, h));
        }
    }
    match halt {
        Some(h) => Err(h),
        None => Ok(values),
    }
}

/// The values of one argument of an aggregate (a `*` name gives one for each metric it matches).
fn gather_one(
    ev: &mut Evaluator,
    arg: &CExpr,
    period: Period,
    file: SourceId,
    want: Want,
    values: &mut Vec<Value>,
) -> Result<(), Halt> {
    let placeholder = || Value::Num(Num::exact(Decimal::ZERO, Unit::None));
    if let CKind::PeerGroup { expr, members, .. } = &arg.kind {
        return group_values(ev, expr, members, (period, file), want, values);
    }
    let CKind::Pattern { name, metrics, scenario, .. } = &arg.kind else {
        let value = match want {
            Want::Figures => Value::Num(ev.num(arg, period, file)?),
            Want::Values => match ev.eval(arg, period, file)? {
                Value::Bool(_) => return Err(error(file, arg.span, "expected a number, found true or false")),
                value => value,
            },
            Want::Presence => ev.eval(arg, period, file).map(|_| placeholder())?,
        };
        values.push(value);
        return Ok(());
    };
    let before = values.len();
    for (metric, metric_name) in metrics {
        if let Some(fact) = ev.sheets.get(*metric, *scenario, ev.entity, period) {
            ev.note_metric(*metric, metric_name, *scenario, period, &fact);
            match (fact.value.figure(), fact.value) {
                (Some(figure), _) => values.push(Value::Num(figure.map_err(arith)?)),
                (None, _) if want == Want::Presence => values.push(placeholder()),
                (None, FactValue::Range(r)) if want == Want::Values => {
                    let bound = |q: Option<Quantity>| q.map(|q| q.rounded()).transpose().map_err(arith);
                    values.push(Value::range(bound(r.lo)?, bound(r.hi)?));
                }
                (None, _) => {
                    return Err(error(file, arg.span, &format!("`{metric_name}` is a range here, not a figure")));
                }
            }
        }
    }
    if values.len() == before {
        return Err(Halt::Missing(Missing::absent(format!("`{name}`"), period)));
    }
    Ok(())
}

/// The values of `x of hyperscalers`: `x` at each member, at its period covering the same months.
/// Every member must give one, or the check is skipped: an average that quietly left a company out
/// would be another average.
fn group_values(
    ev: &mut Evaluator,
    expr: &CExpr,
    members: &[(String, Option<crate::data::EntityId>)],
    (period, file): (Period, SourceId),
    want: Want,
    values: &mut Vec<Value>,
) -> Result<(), Halt> {
    let mut halt: Option<Halt> = None;
    for (name, entity) in members {
        let Some(entity) = *entity else {
            let missing = Missing::absent(format!("{} of {name} (in no data file)", name_of(ev, expr)), period);
            halt = Some(worse(halt, Halt::Missing(missing)));
            continue;
        };
        match ev.peer(expr, name, entity, period, file) {
            Ok(v) => values.push(match (want, v) {
                (Want::Figures, v) => Value::Num(as_num(v, expr, file)?),
                (Want::Values, Value::Bool(_)) => {
                    return Err(error(file, expr.span, "expected a number, found true or false"));
                }
                (Want::Values, v) => v,
                (Want::Presence, _) => Value::Num(Num::exact(Decimal::ZERO, Unit::None)),
            }),
            Err(h) => halt = Some(worse(halt, h)),
        }
    }
    match halt {
        Some(h) => Err(h),
        None => Ok(()),
    }
}

/// `sum`, `avg`, `min`, `max`, `count` over arguments and `*` names; `sum` and `avg` of ranges
/// are ranges, bound by bound.
fn aggregate(ev: &mut Evaluator, func: Func, args: &[CExpr], period: Period, file: SourceId) -> Eval {
    let want = match func {
        Func::Count => Want::Presence,
        Func::Sum | Func::Avg => Want::Values,
        _ => Want::Figures,
    };
    let values = gather(ev, args, period, file, want)?;
    let count = Num::exact(Decimal::from(values.len()), Unit::None);
    if func == Func::Count {
        return Ok(Value::Num(count));
    }
    if values.iter().any(|v| matches!(v, Value::Range(..))) {
        let (lo, hi) = ranges::total(values.into_iter().filter_map(ranges::ends).collect())?;
        return if func == Func::Avg { ranges::scale((lo, hi), BinOp::Div, &count) } else { Ok(Value::range(lo, hi)) };
    }
    let mut values: Vec<Num> =
        values.into_iter().filter_map(|v| if let Value::Num(n) = v { Some(n) } else { None }).collect();
    let unit = units::align_all(&mut values).map_err(message)?;
    let mut acc = values[0].clone().with_unit(unit);
    for v in &values[1..] {
        acc = match func {
            Func::Min => acc.min(v),
            Func::Max => acc.max(v),
            _ => acc.add(v, unit).map_err(arith)?,
        };
    }
    if func == Func::Avg {
        acc = acc.div(&count, acc.unit).map_err(arith)?;
    }
    Ok(Value::Num(acc))
}

/// `round(x, digits)`: rounds in the unit the value is shown in (`round(op_margin, 1)` gives
/// `10.8 %`), half away from zero.
fn round(ev: &mut Evaluator, args: &[CExpr], period: Period, file: SourceId) -> Eval {
    let x = ev.num(&args[0], period, file)?;
    let digits = match &args[1].kind {
        CKind::Number { written, .. } => u32::try_from(written.value.mantissa()).unwrap_or(0),
        _ => 0,
    };
    // a rounded fraction is a pure number: 0.35 rounded from 12.5 / 35.6 is not 35 % (the checker
    // types it so, and keeps it from meeting a ratio)
    let unit = if x.unit == Unit::Fraction { Unit::None } else { x.unit };
    let factor = Num::exact(x.unit.factor(), Unit::None);
    let shown = x.div(&factor, x.unit).map_err(arith)?;
    shown.round(digits).and_then(|r| r.mul(&factor, unit)).map(Value::Num).map_err(arith)
}

/// A name for an expression in a skip message: the metric or cell it reads.
fn name_of(ev: &Evaluator, e: &CExpr) -> String {
    match &e.kind {
        CKind::Fact { name, .. } => format!("`{name}`"),
        CKind::Cell(id) => format!("`{}`", ev.program.cells[*id].name),
        CKind::Shift { expr, .. } => name_of(ev, expr),
        CKind::Peer { expr, name, .. } => format!("{} of {name}", name_of(ev, expr)),
        CKind::PeerGroup { expr, group, .. } => format!("{} of {}", name_of(ev, expr), ev.program.groups[*group].name),
        _ => "the range".to_owned(),
    }
}
