//! A checked rule → its kernel, where every node is of a shape kernels compute: figures at the
//! check's period or a period from it, number literals, cells (inlined), `+ - * /`, `abs`,
//! `growth`, `change`, `sum` of a `*` name, `mid` and `width` of a range, and at the top one
//! comparison chain, one `~=` or one `in`.

use crate::check::{CExpr, CKind, CellId, Func, Program, Rule};
use crate::num::{Quantity, Unit};
use crate::syntax::ast::{BinOp, CmpOp, PeriodRef, Scenario, UnaryOp};

use super::Kernel;
use super::frac::{Frac, Val, of_real};

/// One step of a kernel, in postfix order over a stack of values.
#[derive(Debug, Clone)]
pub enum Op {
    /// A figure.
    Fact(Read),
    /// `sum(segment.*.revenue)`: every figure of the columns that has one, at the shifted period.
    SumOf {
        columns: Box<[u32]>,
        /// Each column's place among the columns kernels read ([`super::Kernels::rows`]).
        inputs: Box<[u32]>,
        shifts: Box<[PeriodRef]>,
    },
    Lit(Val),
    /// A shift around what reads no fact first (`(1 + x)[-1y]`, a cell of a literal): where it
    /// leads nowhere, the check is a skip here, as the evaluator finds before the inner nodes.
    Reach(Box<[PeriodRef]>),
    /// A cell is read here: outside its file's `for` line the check goes to the evaluator.
    Scope(CellId),
    Neg,
    /// A chain of `+` and `-` of as many terms as flags, each flag whether the term is subtracted.
    Sum(Box<[bool]>),
    Mul,
    Div,
    Abs,
    Growth,
    Change,
    /// `a op b op c`: as many links as operators; the last op of a kernel.
    Compare(Box<[CmpOp]>),
    /// `a ~= b [within T]`: the last op of a kernel.
    Approx(Option<Tol>),
    /// `a in r`: the last op of a kernel.
    In(Ranged),
    /// `mid(r)` (`true`) or `width(r)`.
    Part {
        mid: bool,
        range: Ranged,
    },
}

/// Where a range comes from: a column (a range fact, or a figure as a range of one point), at the
/// shifted period, or a literal.
#[derive(Debug, Clone)]
pub enum Ranged {
    Column(Read),
    Literal(Box<(Option<Val>, Option<Val>)>),
}

/// A fact read at the check's period moved by `shifts`, outermost first: its column
/// (`metric * 3 + scenario`), and its name as written, for the skip where it has no value.
#[derive(Debug, Clone)]
pub struct Read {
    pub column: u32,
    /// The column's place among the columns kernels read ([`super::Kernels::rows`]).
    pub input: u32,
    pub shifts: Box<[PeriodRef]>,
    pub name: Box<str>,
}

impl Read {
    /// The read of a fact of no vintage, at the period `shifts` lead to.
    fn of(name: &str, metric: u32, scenario: Scenario, shifts: &[PeriodRef]) -> Option<Read> {
        let column = metric.checked_mul(3)?.checked_add(scenario as u32)?;
        Some(Read { column, input: 0, shifts: shifts.into(), name: name.into() })
    }
}

/// A tolerance of `~=`, exact: its value in its unit's base, and the unit.
#[derive(Debug, Clone, Copy)]
pub struct Tol {
    pub value: Frac,
    pub unit: Unit,
}

/// How many ops a kernel may have: far below the evaluator's step limit, so a check the kernel
/// decides can never be one the evaluator stops for too much work.
const MAX_OPS: usize = 1024;

/// How deep cells may nest inside a kernel.
const MAX_DEPTH: usize = 32;

/// The kernel of a rule, where its body has a kernel's shape; `None` otherwise.
pub fn rule(program: &Program, rule: &Rule) -> Option<Kernel> {
    if !program.linked {
        return None;
    }
    let mut c = Compiler { program, ops: Vec::new() };
    match &rule.body.kind {
        CKind::Compare { first, rest } => {
            c.value(first, &[], 0)?;
            for (_, e) in rest {
                c.value(e, &[], 0)?;
            }
            c.ops.push(Op::Compare(rest.iter().map(|(op, _)| *op).collect()));
        }
        CKind::Approx { lhs, rhs, within } => {
            c.value(lhs, &[], 0)?;
            c.value(rhs, &[], 0)?;
            let tol = match within {
                Some(t) => Some(tolerance(t)?),
                None => None,
            };
            c.ops.push(Op::Approx(tol));
        }
        CKind::In { value, range } => {
            c.value(value, &[], 0)?;
            let range = ranged(range, &[])?;
            c.ops.push(Op::In(range));
        }
        _ => return None,
    }
    let lin = super::lin::program(&c.ops);
    (c.ops.len() <= MAX_OPS).then_some(Kernel { ops: c.ops, lin })
}

/// A range a kernel reads: a fact of no vintage, at a period the shifts lead to, or a literal.
fn ranged(e: &CExpr, shifts: &[PeriodRef]) -> Option<Ranged> {
    match &e.kind {
        CKind::Fact { name, metric, scenario, vintage: None, .. } => {
            Some(Ranged::Column(Read::of(name, *metric, *scenario, shifts)?))
        }
        CKind::Shift { expr, to } if !matches!(to, PeriodRef::Given(_)) => {
            let inner: Vec<PeriodRef> = shifts.iter().copied().chain([*to]).collect();
            ranged(expr, &inner)
        }
        // a literal under a shift: the evaluator looks where the shift leads (and skips where it
        // leads nowhere), which a literal's ends do not tell; its to make
        CKind::Range { .. } if !shifts.is_empty() => None,
        CKind::Range { lo, hi } => {
            let end = |n: &Option<crate::num::Num>| n.as_ref().map(Val::of_num);
            let (lo, hi) = (end(lo), end(hi));
            // an end that is no fraction of machine words leaves the rule to the evaluator
            let ends = (lo.map(|v| v.ok_or(())).transpose().ok()?, hi.map(|v| v.ok_or(())).transpose().ok()?);
            Some(Ranged::Literal(Box::new(ends)))
        }
        _ => None,
    }
}

/// An exact tolerance, where it is a fraction of machine words.
fn tolerance(t: &Quantity) -> Option<Tol> {
    let exact = t.exact().ok()?;
    Some(Tol { value: of_real(&exact.point)?, unit: t.unit })
}

struct Compiler<'a> {
    program: &'a Program,
    ops: Vec<Op>,
}

impl Compiler<'_> {
    /// Compiles an expression that gives a figure, read at the check's period moved by `shifts`.
    fn value(&mut self, e: &CExpr, shifts: &[PeriodRef], depth: usize) -> Option<()> {
        if self.ops.len() > MAX_OPS || depth > MAX_DEPTH {
            return None;
        }
        match &e.kind {
            CKind::Number { value, .. } => self.ops.push(Op::Lit(Val::of_num(value)?)),
            CKind::Fact { name, metric, scenario, vintage: None, .. } => {
                self.ops.push(Op::Fact(Read::of(name, *metric, *scenario, shifts)?));
            }
            CKind::Shift { expr, to } => {
                if matches!(to, PeriodRef::Given(_)) {
                    return None;
                }
                let inner: Vec<PeriodRef> = shifts.iter().copied().chain([*to]).collect();
                let start = self.ops.len();
                self.value(expr, &inner, depth)?;
                let read = matches!(
                    self.ops.get(start),
                    Some(Op::Fact(_) | Op::SumOf { .. } | Op::Part { range: Ranged::Column(_), .. })
                );
                if !read {
                    self.ops.insert(start, Op::Reach(inner.into()));
                }
            }
            CKind::Cell(id) => {
                self.ops.push(Op::Scope(*id));
                self.value(&self.program.cells[*id].body, shifts, depth + 1)?;
            }
            CKind::Unary { op: UnaryOp::Neg, expr } => {
                self.value(expr, shifts, depth)?;
                self.ops.push(Op::Neg);
            }
            CKind::Binary { op: BinOp::Add | BinOp::Sub, .. } => {
                let terms = crate::eval::expr::terms(e);
                for (_, t) in &terms {
                    self.value(t, shifts, depth)?;
                }
                self.ops.push(Op::Sum(terms.iter().map(|(negative, _)| *negative).collect()));
            }
            CKind::Binary { op: op @ (BinOp::Mul | BinOp::Div), lhs, rhs } => {
                self.value(lhs, shifts, depth)?;
                self.value(rhs, shifts, depth)?;
                self.ops.push(if *op == BinOp::Mul { Op::Mul } else { Op::Div });
            }
            CKind::Call { func: Func::Abs, args } if args.len() == 1 => {
                self.value(&args[0], shifts, depth)?;
                self.ops.push(Op::Abs);
            }
            CKind::Call { func: func @ (Func::Growth | Func::Change), args } if args.len() == 2 => {
                self.value(&args[0], shifts, depth)?;
                self.value(&args[1], shifts, depth)?;
                self.ops.push(if *func == Func::Growth { Op::Growth } else { Op::Change });
            }
            CKind::Call { func: func @ (Func::Mid | Func::Width), args } if args.len() == 1 => {
                let range = ranged(&args[0], shifts)?;
                self.ops.push(Op::Part { mid: *func == Func::Mid, range });
            }
            CKind::Call { func: Func::Sum, args } if args.len() == 1 => {
                let CKind::Pattern { metrics, scenario, .. } = &args[0].kind else { return None };
                let columns: Option<Box<[u32]>> =
                    metrics.iter().map(|(m, _)| m.checked_mul(3)?.checked_add(*scenario as u32)).collect();
                let columns = columns?;
                let inputs = vec![0; columns.len()].into();
                self.ops.push(Op::SumOf { columns, inputs, shifts: shifts.into() });
            }
            _ => return None,
        }
        Some(())
    }
}

/// Gives every read of the kernels its column's place in `columns`, the columns any kernel reads,
/// each once, in the order first read.
pub fn number_inputs<'k>(kernels: impl Iterator<Item = &'k mut Kernel>, columns: &mut Vec<u32>) {
    // by a map, not a search along `columns`: a pack may read tens of thousands of columns
    let mut places: rustc_hash::FxHashMap<u32, u32> = columns.iter().enumerate().map(|(i, &c)| (c, i as u32)).collect();
    let mut place = |column: u32| {
        *places.entry(column).or_insert_with(|| {
            columns.push(column);
            columns.len() as u32 - 1
        })
    };
    for kernel in kernels {
        for op in kernel.ops.iter_mut() {
            match op {
                Op::Fact(read) | Op::Part { range: Ranged::Column(read), .. } | Op::In(Ranged::Column(read)) => {
                    read.input = place(read.column);
                }
                Op::SumOf { columns, inputs, .. } => {
                    for (input, &column) in inputs.iter_mut().zip(columns.iter()) {
                        *input = place(column);
                    }
                }
                _ => {}
            }
        }
    }
}
