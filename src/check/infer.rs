//! Type inference over compiled expressions: units checked before anything is evaluated.

use crate::data::Sheets;
use crate::data::sheet::Shape;
use crate::diag::Diag;
use crate::num::{RatioStyle, Unit};
use crate::source::{SourceId, Span};
use crate::syntax::ast::{BinOp, UnaryOp};

use super::program::{CExpr, CKind, Func, Program};
use super::types::{Dim, Ty};

/// Infers the types of a program's cells and rules, collecting unit errors.
pub struct Infer<'a> {
    pub program: &'a Program,
    pub sheets: &'a Sheets,
    pub errors: Vec<Diag>,
    cell_types: Vec<Option<Option<Ty>>>,
}

impl<'a> Infer<'a> {
    /// Starts inference; cells are typed on first use (the program has no cycles by now).
    pub fn new(program: &'a Program, sheets: &'a Sheets) -> Self {
        Infer { program, sheets, errors: Vec::new(), cell_types: vec![None; program.cells.len()] }
    }

    /// Checks every cell, and that every rule's body is true or false.
    pub fn run(mut self) -> Vec<Diag> {
        for id in 0..self.program.cells.len() {
            self.cell(id);
        }
        for rule in &self.program.rules {
            if let Some(ty) = self.ty(&rule.body, rule.file)
                && ty != Ty::Bool
            {
                let diag =
                    Diag::error("not-a-condition", format!("the body of rule `{}` is not a condition", rule.name))
                        .in_file(rule.file)
                        .primary(rule.body.span, format!("this is {ty}"))
                        .with_help("a rule asserts something true or false: compare it, as in `x ~= 10%` or `x > 0`");
                self.errors.push(diag);
            }
            for part in rule.title.iter().flat_map(|t| &t.parts) {
                if let super::program::TitlePart::Hole(_, e) = part {
                    self.ty(e, rule.file);
                }
            }
        }
        self.errors
    }

    /// The type of a cell, inferred once.
    fn cell(&mut self, id: usize) -> Option<Ty> {
        if let Some(ty) = self.cell_types[id] {
            return ty;
        }
        self.cell_types[id] = Some(None);
        let cell = &self.program.cells[id];
        let ty = self.ty(&cell.body, cell.file);
        self.cell_types[id] = Some(ty);
        ty
    }

    /// The type of an expression; `None` where an error was reported beneath it.
    pub fn ty(&mut self, e: &CExpr, file: SourceId) -> Option<Ty> {
        Some(match &e.kind {
            CKind::Number { written, .. } => Ty::Num(Dim::of(written.unit)),
            CKind::Range { lo, hi } => Ty::Range(lo.as_ref().or(hi.as_ref()).map_or(Dim::Number, |n| Dim::of(n.unit))),
            CKind::Bool(_) => Ty::Bool,
            CKind::Fact { metric, scenario, .. } => {
                let dim = Dim::of_units(self.sheets.units_of(*metric));
                match self.sheets.shape(*metric, *scenario) {
                    Shape { numbers: true, ranges: true } => Ty::Either(dim),
                    Shape { ranges: true, .. } => Ty::Range(dim),
                    _ => Ty::Num(dim),
                }
            }
            CKind::Pattern { metrics, .. } => {
                Ty::Num(Dim::of_units(metrics.iter().flat_map(|(m, _)| self.sheets.units_of(*m))))
            }
            CKind::Cell(id) => self.cell(*id)?,
            CKind::Shift { expr, .. } => self.ty(expr, file)?,
            CKind::Unary { op: UnaryOp::Neg, expr } => Ty::Num(self.num(expr, file)?),
            CKind::Unary { op: UnaryOp::Not, expr } => self.boolean(expr, file)?,
            CKind::Binary { op, lhs, rhs } => self.binary(*op, lhs, rhs, file)?,
            CKind::Compare { first, rest } => {
                let mut prev = first.as_ref();
                for (_, next) in rest {
                    self.same(prev, next, "compare", file)?;
                    prev = next;
                }
                Ty::Bool
            }
            CKind::Approx { lhs, rhs, within } => {
                let dim = self.same(lhs, rhs, "compare", file)?;
                if let Some(tol) = within {
                    self.tolerance(dim, tol.unit, e.span, file)?;
                }
                Ty::Bool
            }
            CKind::In { value, range } => self.within_range(value, range, file)?,
            CKind::If { cond, then, otherwise } => {
                self.boolean(cond, file)?;
                let (a, b) = (self.ty(then, file)?, self.ty(otherwise, file)?);
                match (a, b) {
                    (Ty::Bool, Ty::Bool) => Ty::Bool,
                    (Ty::Num(x) | Ty::Either(x), Ty::Num(y) | Ty::Either(y)) => match x.join(y) {
                        Some(d) => Ty::Num(d),
                        None => return self.mismatch("choose between", (then.span, x), (otherwise.span, y), file),
                    },
                    (Ty::Range(x), Ty::Range(y)) if x.join(y).is_some() => a,
                    _ => {
                        let help = "both branches of `if` give a figure, or both a range, or both true or false";
                        return self.expected("a branch like the other", b, otherwise.span, file, help);
                    }
                }
            }
            CKind::Call { func, args } => self.call(*func, args, file)?,
        })
    }

    /// The type of `a op b`.
    fn binary(&mut self, op: BinOp, lhs: &CExpr, rhs: &CExpr, file: SourceId) -> Option<Ty> {
        if matches!(op, BinOp::And | BinOp::Or) {
            self.boolean(lhs, file)?;
            return self.boolean(rhs, file);
        }
        let (a, b) = (self.num(lhs, file)?, self.num(rhs, file)?);
        let (result, verb) = match op {
            BinOp::Add => (a.join(b), "add"),
            BinOp::Sub => (a.join(b), "subtract"),
            BinOp::Mul => (a.times(b), "multiply"),
            _ => (a.over(b), "divide"),
        };
        match result {
            Some(d) => Some(Ty::Num(d)),
            None => self.mismatch(verb, (lhs.span, a), (rhs.span, b), file),
        }
    }

    /// The shared dimension of two values that are added or compared.
    fn same(&mut self, lhs: &CExpr, rhs: &CExpr, verb: &str, file: SourceId) -> Option<Dim> {
        let (a, b) = (self.num(lhs, file)?, self.num(rhs, file)?);
        match a.join(b) {
            Some(d) => Some(d),
            None => {
                self.mismatch(verb, (lhs.span, a), (rhs.span, b), file);
                None
            }
        }
    }

    /// Reports two operands whose units do not go together.
    fn mismatch(&mut self, verb: &str, (ls, a): (Span, Dim), (rs, b): (Span, Dim), file: SourceId) -> Option<Ty> {
        let diag = Diag::error("unit-mismatch", format!("cannot {verb} {a} and {b}"))
            .in_file(file)
            .primary(ls, format!("this is {a}"))
            .label(rs, format!("this is {b}"));
        let diag = match (a, b) {
            (Dim::Money(_), Dim::Money(_)) => diag.with_help("different currencies never mix: convert one first"),
            (Dim::Ratio, Dim::Money(_)) | (Dim::Money(_), Dim::Ratio) => {
                diag.with_help("a ratio and an amount of money measure different things")
            }
            _ => diag,
        };
        self.errors.push(diag);
        None
    }

    /// The dimension of an expression that must be a number.
    fn num(&mut self, e: &CExpr, file: SourceId) -> Option<Dim> {
        match self.ty(e, file)? {
            Ty::Num(d) => Some(d),
            Ty::Either(d) => Some(d),
            other => {
                let help = match other {
                    Ty::Range(_) => "use mid(), low() or high() to take a figure from a range",
                    _ => "a condition cannot be used as a number",
                };
                self.expected("a number", other, e.span, file, help)
            }
        }
    }

    /// Checks that an expression is a condition.
    fn boolean(&mut self, e: &CExpr, file: SourceId) -> Option<Ty> {
        match self.ty(e, file)? {
            Ty::Bool => Some(Ty::Bool),
            other => self.expected("true or false", other, e.span, file, "compare it, as in `x > 0`"),
        }
    }

    /// Reports an expression of the wrong kind.
    fn expected<T>(&mut self, what: &str, found: Ty, span: Span, file: SourceId, help: &str) -> Option<T> {
        let diag = Diag::error("type", format!("expected {what}, found {found}"))
            .in_file(file)
            .primary(span, format!("this is {found}"))
            .with_help(help);
        self.errors.push(diag);
        None
    }

    /// `a in r`: a figure and a range of the same dimension.
    fn within_range(&mut self, value: &CExpr, range: &CExpr, file: SourceId) -> Option<Ty> {
        let a = self.num(value, file)?;
        let b = match self.ty(range, file)? {
            Ty::Range(d) | Ty::Either(d) | Ty::Num(d) => d,
            other => {
                return self.expected(
                    "a range",
                    other,
                    range.span,
                    file,
                    "write a range as `206..213`, `..213` or `206..`",
                );
            }
        };
        match a.join(b) {
            Some(_) => Some(Ty::Bool),
            None => self.mismatch("compare", (value.span, a), (range.span, b), file),
        }
    }

    /// `within T`: `pp` and `bps` are absolute and only fit ratios; `%` is relative to the right side.
    fn tolerance(&mut self, dim: Dim, unit: Unit, span: Span, file: SourceId) -> Option<()> {
        let fits = match unit {
            Unit::None | Unit::Ratio(RatioStyle::Percent) => true,
            Unit::Ratio(_) => matches!(dim, Dim::Ratio | Dim::Number | Dim::Mixed),
            other => Dim::of(other).join(dim).is_some(),
        };
        if fits {
            return Some(());
        }
        let diag = Diag::error("unit-mismatch", format!("a tolerance in `{unit}` does not fit {dim}"))
            .in_file(file)
            .primary(span, format!("these values are {dim}"))
            .with_help(
                "`within 5pp` is for ratios; for amounts write `within 0.5` (in their unit) or `within 2%` (relative)",
            );
        self.errors.push(diag);
        None
    }

    /// The type of a function call.
    fn call(&mut self, func: Func, args: &[CExpr], file: SourceId) -> Option<Ty> {
        match func {
            Func::Mid | Func::Low | Func::High | Func::Width => match self.ty(&args[0], file)? {
                Ty::Range(d) | Ty::Either(d) | Ty::Num(d) => Some(Ty::Num(d)),
                other => self.expected("a range", other, args[0].span, file, "write a range as `206..213`"),
            },
            Func::Abs | Func::Annualized => Some(Ty::Num(self.num(&args[0], file)?)),
            Func::Exists => self.ty(&args[0], file).map(|_| Ty::Bool),
            Func::Count => {
                for a in args {
                    self.num(a, file)?;
                }
                Some(Ty::Num(Dim::Number))
            }
            Func::Min | Func::Max | Func::Sum | Func::Avg => {
                let mut dim = self.num(&args[0], file)?;
                for a in &args[1..] {
                    let d = self.num(a, file)?;
                    dim = match dim.join(d) {
                        Some(j) => j,
                        None => return self.mismatch("add", (args[0].span, dim), (a.span, d), file),
                    };
                }
                Some(Ty::Num(dim))
            }
            Func::Round => self.round(args, file),
            Func::Growth => self.same(&args[0], &args[1], "compare", file).map(|_| Ty::Num(Dim::Ratio)),
            Func::Change => self.same(&args[0], &args[1], "subtract", file).map(Ty::Num),
        }
    }

    /// `round(x, digits)`: digits must be a whole number written in the rule.
    fn round(&mut self, args: &[CExpr], file: SourceId) -> Option<Ty> {
        let dim = self.num(&args[0], file)?;
        let ok = match &args[1].kind {
            CKind::Number { written, .. } => {
                written.unit.is_none() && written.value.scale() == 0 && (0..=20).contains(&written.value.mantissa())
            }
            _ => false,
        };
        if !ok {
            let diag = Diag::error("type", "the digits of `round` must be a whole number from 0 to 20")
                .in_file(file)
                .primary(args[1].span, "expected a number of digits such as `1`");
            self.errors.push(diag);
            return None;
        }
        Some(Ty::Num(dim))
    }
}
