//! Compiled kernels: a rule of the common shapes, compiled once to a short program over exact
//! fractions in machine words, that tells what the evaluator would find of a check where it can
//! tell for certain.
//!
//! The evaluator walks a rule's tree over exact decimals and rationals for every check; most checks
//! of a bulk run pass, and a pass keeps nothing but its count. A kernel reads a check's figures as
//! packed (digits and scale, [`crate::data::Sheets::packed_figure`]), computes the same intervals the
//! evaluator would, exactly, as `i128` fractions (quotients as rational bounds, compared by cross
//! products in 256 bits), and answers: is this check a pass no rounding can flip (counted without
//! the evaluator), a failure no rounding can flip (the evaluator asked only for its trace and title,
//! not to evaluate it first), or a skip (its first missing input in the evaluator's order)?
//! Anything else (a borderline verdict, a range, a figure with a margin, vintages, a unit the
//! inputs do not share, an overflow, an error) goes to the evaluator, which makes the report: a
//! kernel is sound by construction, never complete, and `tests/it/kernels.rs` and the fuzz target
//! `kernel` check it against the evaluator check for check.
//!
//! A decided pass is never kept by a run ([`super::run`]), so nothing downstream (reports, the
//! ledger of `--verbose`, `sheet`, `explain`, hover) can tell who decided it: each lists a pass by
//! making it again from its rule, entity and period.

mod compile;
mod exec;
mod frac;
mod lanes;
mod lin;
mod mixed;

use crate::check::{Program, RuleId};
use crate::data::{EntityId, Row, Sheets};
use crate::eval::Missing;
use crate::eval::expr::shown_ref;
use crate::period::Period;
use crate::syntax::ast::Scenario;

use compile::{Op, Ranged};
pub use exec::{Gap, Inputs, Stack, Verdict};
use lanes::End;

/// A rule's kernel: its program in postfix order.
#[derive(Debug, Clone)]
pub struct Kernel {
    ops: Vec<compile::Op>,
    /// The ops' fast forms, where every op has one ([`lin`]).
    lin: Option<Box<[lin::LinOp]>>,
}

/// The kernels of a program's rules, by rule (`None` for a rule of a shape no kernel covers).
#[derive(Debug, Clone, Default)]
pub struct Kernels {
    rules: Vec<Option<Kernel>>,
    /// The columns the kernels read (`metric * 3 + scenario`), each once: an entity's rows of them
    /// are found once ([`Kernels::rows`]) and read by every check of the entity.
    columns: Vec<u32>,
}

impl Kernels {
    /// Compiles every rule of a linked program that has a kernel's shape.
    pub fn compile(program: &Program) -> Kernels {
        let mut rules: Vec<Option<Kernel>> = program.rules.iter().map(|r| compile::rule(program, r)).collect();
        let mut columns = Vec::new();
        compile::number_inputs(rules.iter_mut().flatten(), &mut columns);
        Kernels { rules, columns }
    }

    /// An entity's rows of the columns the kernels read, for [`Kernel::run`].
    pub fn rows<'s>(&self, sheets: &'s Sheets, entity: EntityId) -> Vec<Row<'s>> {
        self.columns.iter().map(|&column| sheets.row(column, entity)).collect()
    }

    /// The kernel of a rule, if it has one.
    pub fn of(&self, rule: RuleId) -> Option<&Kernel> {
        self.rules.get(rule).and_then(Option::as_ref)
    }

    /// How many rules have a kernel.
    pub fn count(&self) -> usize {
        self.rules.iter().flatten().count()
    }
}

impl Kernel {
    /// What the check of this rule at an entity and period certainly is, as the evaluator would
    /// find: a pass or a failure that rounding cannot flip, or a skip; [`Verdict::Ask`] means "ask
    /// the evaluator".
    /// The entity is the one `inputs` read.
    pub fn run(&self, inputs: &Inputs, period: Period, stack: &mut Stack) -> Verdict {
        stack.1.place(inputs.sheets, &[period]);
        stack.1.ends.clear();
        stack.1.ends.push(End::Live);
        self.lanes(inputs, &[period], stack);
        self.verdict(stack.1.ends[0], inputs, period, stack)
    }

    /// [`Kernel::run`] at each of the periods `wanted` marks: the fast path runs op by op across
    /// the periods ([`lanes`]), and a period it cannot tell goes to the general path, as in
    /// [`Kernel::run`]. A pass is only counted (the count is returned); every other verdict is
    /// handed to `each` with its period's index, in period order. Each period's slot must have
    /// been placed first ([`Stack::place`]).
    pub fn run_each(
        &self,
        inputs: &Inputs,
        periods: &[Period],
        wanted: &[bool],
        mut each: impl FnMut(usize, Verdict),
        stack: &mut Stack,
    ) -> usize {
        stack.1.ends.clear();
        debug_assert_eq!(wanted.len(), periods.len());
        stack.1.ends.extend(wanted.iter().map(|&w| if w { End::Live } else { End::Off }));
        self.lanes(inputs, periods, stack);
        let mut passed = 0;
        for (l, &period) in periods.iter().enumerate() {
            match stack.1.ends[l] {
                End::Off => {}
                End::Found(Ok(t)) if t.holds && !t.borderline => passed += 1,
                end => match self.verdict(end, inputs, period, stack) {
                    Verdict::Pass => passed += 1,
                    verdict => each(l, verdict),
                },
            }
        }
        passed
    }

    /// The fast path over the live lanes of `stack`, where the kernel has one.
    fn lanes(&self, inputs: &Inputs, periods: &[Period], stack: &mut Stack) {
        if let Some(fast) = &self.lin {
            lanes::exec(&self.ops, fast, inputs, periods, &mut stack.1);
        }
    }

    /// The verdict of a lane's end: the general path's from the start where the fast path could
    /// not tell.
    fn verdict(&self, end: End, inputs: &Inputs, period: Period, stack: &mut Stack) -> Verdict {
        match end {
            End::Found(found) => exec::verdict(Some(found)),
            End::Off => Verdict::Ask,
            End::Live | End::Ask => exec::run(&self.ops, inputs, period, stack),
        }
    }

    /// The missing input of a skip this kernel found, as the evaluator names it (`None` for a gap
    /// of no op of this kernel's that reads).
    pub fn missing(&self, gap: Gap) -> Option<Missing> {
        let (read, shifts) = match self.ops.get(gap.op)? {
            Op::Fact(read) | Op::Part { range: Ranged::Column(read), .. } | Op::In(Ranged::Column(read)) => {
                (Some(read), &read.shifts)
            }
            Op::SumOf { shifts, .. } | Op::Reach(shifts) => (None, shifts),
            _ => return None,
        };
        match (gap.shift, read) {
            (Some(k), _) => {
                Some(Missing::absent(format!("the period {} from here", shown_ref(*shifts.get(k)?)), gap.at))
            }
            (None, Some(read)) => {
                let column = Some((read.column / 3, *Scenario::ALL.get((read.column % 3) as usize)?));
                Some(Missing { column, ..Missing::absent(format!("`{}`", read.name), gap.at) })
            }
            (None, None) => None,
        }
    }
}

/// Whether kernels are used: always, unless the environment says `TICKMARK_KERNELS=0` (a debug
/// aid, for comparing with the evaluator alone; not in `--help`).
pub fn enabled() -> bool {
    std::env::var_os("TICKMARK_KERNELS").is_none_or(|v| v != "0")
}
