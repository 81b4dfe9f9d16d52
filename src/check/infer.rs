//! Type inference over compiled expressions: units checked before anything is evaluated.
//!
//! A metric's dimension comes from a `metric` declaration, or from the units its facts are written
//! in once the program is linked to the data ([`Dims`]). A number written in a rule without a unit
//! is a pure number: it scales (`4 * x`) and counts, but where it would stand for money, a ratio or
//! any other unit it is an error whose fix names the unit to write (`write 200 USD bn`); a bare zero
//! stands for any unit. What adds to, multiplies and divides what is [`crate::num::dim`], the table
//! the evaluator uses too.

use rust_decimal::Decimal;

use crate::data::Sheets;
use crate::data::sheet::Shape;
use crate::diag::Diag;
use crate::num::{Dim, RatioStyle, Unit};
use crate::source::{SourceId, Span};
use crate::syntax::ast::{BinOp, CmpOp, UnaryOp};

use super::program::{CExpr, CKind, Declared, Func, Program, UNLINKED};
use super::types::Ty;

/// What the metrics of a program measure, before or after linking it to the data.
pub struct Dims<'a> {
    declared: &'a [Declared],
    /// With the data: the sheets, and each metric's dimension by id.
    data: Option<(&'a Sheets, &'a [Dim])>,
}

impl<'a> Dims<'a> {
    /// Dimensions from the declarations alone: rules checked without data.
    pub fn declared(declared: &'a [Declared]) -> Self {
        Dims { declared, data: None }
    }

    /// Dimensions from the data, where the declarations have been held to it.
    pub fn data(declared: &'a [Declared], sheets: &'a Sheets, dims: &'a [Dim]) -> Self {
        Dims { declared, data: Some((sheets, dims)) }
    }

    /// The dimension of a metric by name and, once linked, by column.
    fn metric(&self, path: &str, metric: u32) -> Dim {
        match self.data {
            Some((_, dims)) if metric != UNLINKED => dims.get(metric as usize).copied().unwrap_or(Dim::Unknown),
            _ => {
                // declarations that disagree about a name say nothing of it (linking reports them)
                let mut naming = self.declared.iter().filter(|d| d.names(path)).map(|d| d.dim);
                let first = naming.next().unwrap_or(Dim::Unknown);
                naming.try_fold(first, Dim::join).map_or(Dim::Unknown, |_| first)
            }
        }
    }
}

/// Infers the types of a program's cells and rules, collecting unit errors.
pub struct Infer<'a> {
    pub program: &'a Program,
    dims: Dims<'a>,
    pub errors: Vec<Diag>,
    cell_types: Vec<Option<Option<Ty>>>,
}

/// Where a pure number stands, for the fix its error suggests.
#[derive(Clone, Copy)]
enum Place {
    /// An operand of `+`, `-`, a comparison, an aggregate or a branch of `if`.
    Operand,
    /// A range written in the rule: its bounds.
    Range(Option<Decimal>, Option<Decimal>),
    /// The tolerance of `~= ... within`.
    Tolerance,
}

impl<'a> Infer<'a> {
    /// Starts inference; cells are typed on first use (the program has no cycles by now).
    pub fn new(program: &'a Program, dims: Dims<'a>) -> Self {
        Infer { program, dims, errors: Vec::new(), cell_types: vec![None; program.cells.len()] }
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
                // arithmetic on a metric not linked to data may be a range: it is not a condition either way
                let ty = if let Ty::Either(d) = ty { Ty::Num(d) } else { ty };
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
            CKind::Fact { path, metric, scenario, .. } => {
                let dim = self.dims.metric(path, *metric);
                match self.dims.data.map(|(sheets, _)| sheets.shape(*metric, *scenario)) {
                    Some(Shape { numbers: true, ranges: true }) => Ty::Either(dim),
                    Some(Shape { ranges: true, .. }) => Ty::Range(dim),
                    Some(_) => Ty::Num(dim),
                    // before the data is linked, a metric may hold figures or ranges
                    None => Ty::Either(dim),
                }
            }
            CKind::Pattern { path, metrics, scenario, .. } => {
                let mut dims = metrics.iter().map(|(m, name)| self.dims.metric(name, *m));
                let first = match dims.next() {
                    Some(d) => d,
                    None => self.dims.metric(path, UNLINKED),
                };
                let dim = dims.try_fold(first, Dim::merge).unwrap_or(Dim::Unknown);
                // a `*` name over metrics given only as ranges is a range (`sum` refuses it)
                let shape = |sheets: &Sheets| {
                    metrics.iter().map(|(m, _)| sheets.shape(*m, *scenario)).fold(Shape::default(), |a, s| Shape {
                        numbers: a.numbers || s.numbers,
                        ranges: a.ranges || s.ranges,
                    })
                };
                match self.dims.data.map(|(sheets, _)| shape(sheets)) {
                    Some(Shape { numbers: false, ranges: true }) => Ty::Range(dim),
                    Some(Shape { numbers: true, ranges: true }) => Ty::Either(dim),
                    _ => Ty::Num(dim),
                }
            }
            CKind::Cell(id) => self.cell(*id)?,
            CKind::Shift { expr, .. } | CKind::Peer { expr, .. } | CKind::PeerGroup { expr, .. } => {
                self.ty(expr, file)?
            }
            CKind::Unary { op: UnaryOp::Neg, expr } => self.operand(expr, file)?,
            CKind::Unary { op: UnaryOp::Not, expr } => self.boolean(expr, file)?,
            CKind::Binary { op, lhs, rhs } => self.binary(*op, lhs, rhs, file)?,
            CKind::Compare { first, rest } => {
                let mut prev = first.as_ref();
                for (op, next) in rest {
                    if matches!(op, CmpOp::Eq | CmpOp::Ne) {
                        // two ranges are equal where both ends are
                        let (a, b) = (self.operand(prev, file)?, self.operand(next, file)?);
                        self.meet((prev, a.dim()?), (next, b.dim()?), "compare", file)?;
                    } else {
                        self.same(prev, next, "compare", file)?;
                    }
                    prev = next;
                }
                Ty::Bool
            }
            CKind::Approx { lhs, rhs, within } => {
                let dim = self.same(lhs, rhs, "compare", file)?;
                if let Some(tol) = within {
                    self.tolerance(dim, tol, (lhs, rhs), e.span, file)?;
                }
                Ty::Bool
            }
            CKind::In { value, range } => self.within_range(value, range, file)?,
            CKind::If { cond, then, otherwise } => self.branches(cond, then, otherwise, file)?,
            CKind::Call { func, args } => self.call(*func, args, file)?,
        })
    }

    /// `if c then a else b`: both branches alike.
    fn branches(&mut self, cond: &CExpr, then: &CExpr, otherwise: &CExpr, file: SourceId) -> Option<Ty> {
        self.boolean(cond, file)?;
        let (a, b) = (self.ty(then, file)?, self.ty(otherwise, file)?);
        match (a, b) {
            (Ty::Bool, Ty::Bool) => Some(Ty::Bool),
            (Ty::Num(_) | Ty::Either(_), Ty::Num(_) | Ty::Either(_)) => {
                self.same(then, otherwise, "choose between", file).map(Ty::Num)
            }
            // a range beside a metric that may be a range (before the data is linked, any metric)
            (Ty::Range(x) | Ty::Either(x), Ty::Range(y) | Ty::Either(y)) if x.join(y).is_some() => {
                x.join(y).map(Ty::Range)
            }
            _ => {
                let help = "both branches of `if` give a figure, or both a range, or both true or false";
                self.expected("a branch like the other", b, otherwise.span, file, help)
            }
        }
    }

    /// The type of `a op b`.
    fn binary(&mut self, op: BinOp, lhs: &CExpr, rhs: &CExpr, file: SourceId) -> Option<Ty> {
        if matches!(op, BinOp::And | BinOp::Or) {
            self.boolean(lhs, file)?;
            return self.boolean(rhs, file);
        }
        let (x, y) = (self.operand(lhs, file)?, self.operand(rhs, file)?);
        let (a, b) = (x.dim()?, y.dim()?);
        if matches!(op, BinOp::Add | BinOp::Sub) {
            let verb = if op == BinOp::Add { "add" } else { "subtract" };
            return self.meet((lhs, a), (rhs, b), verb, file).map(|d| shaped(d, [x, y]));
        }
        let (result, verb) = match op {
            BinOp::Mul => (a.times(b), "multiply"),
            _ => (a.over(b), "divide"),
        };
        match (x, y) {
            (Ty::Range(_), Ty::Range(_)) => return self.range_by_range(verb, (lhs, x), (rhs, y), file),
            (_, Ty::Range(_)) if op == BinOp::Div => return self.range_by_range(verb, (lhs, x), (rhs, y), file),
            _ => {}
        }
        match result {
            Some(d) => Some(shaped(d, [x, y])),
            None => self.mismatch(verb, (lhs, a), (rhs, b), file),
        }
    }

    /// A range times a range, or anything over a range: a range scales only by a figure.
    fn range_by_range<T>(
        &mut self,
        verb: &str,
        (l, a): (&CExpr, Ty),
        (r, b): (&CExpr, Ty),
        file: SourceId,
    ) -> Option<T> {
        let what = if matches!(a, Ty::Range(_)) { "a range" } else { "a figure" };
        let diag = Diag::error("type", format!("cannot {verb} {what} by a range"))
            .in_file(file)
            .primary(r.span, format!("this is {b}"))
            .label(l.span, format!("this is {a}"))
            .with_help(
                "a range scales by a figure (`guidance.revenue * 2`, `guidance.revenue / 4`); take a figure from a range with mid(), low() or high()",
            );
        self.errors.push(diag);
        None
    }

    /// The shared dimension of two values that are added or compared; a bare zero takes the other's.
    fn same(&mut self, lhs: &CExpr, rhs: &CExpr, verb: &str, file: SourceId) -> Option<Dim> {
        let (a, b) = (self.num(lhs, file)?, self.num(rhs, file)?);
        self.meet((lhs, a), (rhs, b), verb, file)
    }

    /// Two operands of one dimension, or the error that says why not.
    fn meet(&mut self, (lhs, a): (&CExpr, Dim), (rhs, b): (&CExpr, Dim), verb: &str, file: SourceId) -> Option<Dim> {
        if bare_zero(lhs) {
            return Some(b);
        }
        if bare_zero(rhs) {
            return Some(a);
        }
        if let Some(d) = a.join(b) {
            return Some(d);
        }
        if let Some(value) = bare(lhs) {
            return self.scalar(value, lhs, (rhs, b), Place::Operand, file);
        }
        if let Some(value) = bare(rhs) {
            return self.scalar(value, rhs, (lhs, a), Place::Operand, file);
        }
        self.mismatch(verb, (lhs, a), (rhs, b), file)
    }

    /// A pure number written where a value of `other`'s dimension belongs: the error, and its fix.
    fn scalar<T>(
        &mut self,
        value: Decimal,
        at: &CExpr,
        (other, dim): (&CExpr, Dim),
        place: Place,
        file: SourceId,
    ) -> Option<T> {
        let unit = self.shown_unit(other, dim);
        let fix = fix(value, unit, dim, place);
        let diag = Diag::error("bare-number", format!("the bare number `{value}` cannot stand for {dim}"))
            .in_file(file)
            .primary(at.span, "a pure number: it has no unit")
            .label(other.span, format!("this is {dim}"))
            .with_help(format!(
                "{fix}; a number without a unit only scales (`4 * x`) or counts, it never takes the unit of what it meets"
            ));
        self.errors.push(diag);
        None
    }

    /// The unit a figure of an expression is written in: the unit its first metric's facts use, or
    /// the plain unit of its dimension (`%` for a ratio).
    fn shown_unit(&self, e: &CExpr, dim: Dim) -> Option<Unit> {
        if matches!(dim, Dim::Ratio) {
            return dim.plain_unit();
        }
        let mut found = None;
        let mut seen = vec![false; self.program.cells.len()];
        self.first_unit(e, dim, &mut found, &mut seen);
        found.or_else(|| dim.plain_unit())
    }

    /// The unit the data shows for the first metric of `dim` read in `e` (cells entered once each).
    fn first_unit(&self, e: &CExpr, dim: Dim, found: &mut Option<Unit>, seen: &mut [bool]) {
        if found.is_some() {
            return;
        }
        match &e.kind {
            CKind::Number { written, .. }
                if written.unit != Unit::None && Dim::of(written.unit).join(dim).is_some() =>
            {
                *found = Some(written.unit);
            }
            CKind::Fact { metric, .. } if *metric != UNLINKED => {
                if let Some((sheets, _)) = self.dims.data {
                    let units = sheets.units_of(*metric).iter().copied();
                    *found = units.filter(|u| Dim::of(*u).join(dim).is_some()).max_by_key(|u| u.exponent());
                }
            }
            CKind::Cell(id) if !seen[*id] => {
                seen[*id] = true;
                self.first_unit(&self.program.cells[*id].body, dim, found, seen);
            }
            _ => super::walk_children(e, &mut |c| self.first_unit(c, dim, found, seen)),
        }
    }

    /// Reports two operands whose units do not go together.
    fn mismatch<T>(&mut self, verb: &str, (l, a): (&CExpr, Dim), (r, b): (&CExpr, Dim), file: SourceId) -> Option<T> {
        let diag = Diag::error("unit-mismatch", format!("cannot {verb} {a} and {b}"))
            .in_file(file)
            .primary(l.span, format!("this is {a}"))
            .label(r.span, format!("this is {b}"));
        let diag = match (a, b) {
            (Dim::Money(_), Dim::Money(_)) if a != b => diag.with_help("different currencies never mix: convert one first"),
            (Dim::Ratio, Dim::Money(_)) | (Dim::Money(_), Dim::Ratio) => {
                diag.with_help("a ratio and an amount of money measure different things")
            }
            (Dim::PerShare(_), Dim::Money(_)) | (Dim::Money(_), Dim::PerShare(_)) => diag.with_help(
                "an amount per share is not an amount of money: multiply it by a number of shares, or divide money by one",
            ),
            (Dim::Number, other) | (other, Dim::Number) => self.pure_data_help(diag, (l, a), (r, b), other),
            _ => diag,
        };
        self.errors.push(diag);
        None
    }

    /// The help for a pure number from the data meeting a unit: the figure has no unit in its file.
    fn pure_data_help(&self, diag: Diag, (l, a): (&CExpr, Dim), (r, _): (&CExpr, Dim), other: Dim) -> Diag {
        let (pure, unit_side) = if a == Dim::Number { (l, r) } else { (r, l) };
        let unit = self.shown_unit(unit_side, other).map_or_else(|| other.to_string(), |u| u.to_string());
        let fact = match (&pure.kind, self.dims.data) {
            (CKind::Fact { metric, scenario, .. }, Some((sheets, _))) if *metric != UNLINKED => {
                sheets.first_fact(*metric, *scenario)
            }
            _ => None,
        };
        match fact {
            Some(fact) => diag.with_help(pure_fact_help(&fact.value, &unit, other)).with_related(
                Diag::error("unit-mismatch", "written without a unit here")
                    .in_file(fact.origin.file)
                    .primary(fact.origin.span, "a pure number"),
            ),
            None => diag
                .with_help("a pure number never takes a unit: give the other side a unit, or compare like with like"),
        }
    }

    /// The type of an operand of arithmetic: a figure or a range (where a range may stand, the
    /// operator decides).
    fn operand(&mut self, e: &CExpr, file: SourceId) -> Option<Ty> {
        match self.ty(e, file)? {
            Ty::Bool => self.expected("a number", Ty::Bool, e.span, file, "a condition cannot be used as a number"),
            ty => Some(ty),
        }
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
                let help = "write a range as `206..213`, `..213` or `206..`";
                return self.expected("a range", other, range.span, file, help);
            }
        };
        if let CKind::Range { lo, hi } = &range.kind
            && b == Dim::Number
            && !matches!(a, Dim::Number | Dim::Fraction | Dim::Unknown)
        {
            // a range literal's bounds are exact decimals as written
            let written = |n: &Option<crate::num::Num>| n.as_ref().and_then(|n| n.point.decimal());
            let (lo, hi) = (written(lo), written(hi));
            if let Some(bound) = [lo, hi].into_iter().flatten().find(|d| !d.is_zero()) {
                return self.scalar(bound, range, (value, a), Place::Range(lo, hi), file);
            }
            return Some(Ty::Bool);
        }
        match (a.join(b), bare(value)) {
            (Some(_), _) => Some(Ty::Bool),
            (None, Some(v)) if v.is_zero() => Some(Ty::Bool),
            (None, Some(v)) => self.scalar(v, value, (range, b), Place::Operand, file),
            (None, _) => self.mismatch("compare", (value, a), (range, b), file),
        }
    }

    /// `within T`: a relative `%` fits anything; `pp` and `bps` only ratios; a pure number only
    /// pure numbers; any other unit the values' own dimension.
    fn tolerance(
        &mut self,
        dim: Dim,
        tol: &crate::num::Quantity,
        (lhs, rhs): (&CExpr, &CExpr),
        span: Span,
        file: SourceId,
    ) -> Option<()> {
        let fits = match tol.unit {
            Unit::Ratio(RatioStyle::Percent) => true,
            _ if tol.value.is_zero() && tol.unit == Unit::None => true,
            Unit::None => matches!(dim, Dim::Number | Dim::Fraction | Dim::Unknown),
            Unit::Ratio(_) => matches!(dim, Dim::Ratio | Dim::Fraction | Dim::Unknown),
            other => Dim::of(other).join(dim).is_some(),
        };
        if fits {
            return Some(());
        }
        if tol.unit == Unit::None {
            let other = if bare(lhs).is_some() { rhs } else { lhs };
            // the tolerance ends the expression: `within 0.5` after the right side
            let clause = Span::new((rhs.span.end as usize + 1).min(span.end as usize), span.end as usize);
            let at = CExpr { kind: CKind::Bool(false), span: clause };
            return self.scalar(tol.value, &at, (other, dim), Place::Tolerance, file);
        }
        let diag = Diag::error("unit-mismatch", format!("a tolerance in `{}` does not fit {dim}", tol.unit))
            .in_file(file)
            .primary(span, format!("these values are {dim}"))
            .with_help(
                "`within 5pp` is for ratios; for amounts write `within 0.5 USD bn` (in their unit) or `within 2%` (relative)",
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
                    self.ty(a, file)?;
                }
                Some(Ty::Num(Dim::Number))
            }
            Func::Min | Func::Max => {
                let mut first = &args[0];
                let mut dim = self.num(first, file)?;
                for a in &args[1..] {
                    let d = self.num(a, file)?;
                    dim = self.meet((first, dim), (a, d), "add", file)?;
                    if bare_zero(first) {
                        first = a;
                    }
                }
                Some(Ty::Num(dim))
            }
            // `sum` and `avg` of ranges are ranges
            Func::Sum | Func::Avg => {
                let mut first = &args[0];
                let mut ty = self.operand(first, file)?;
                for a in &args[1..] {
                    let t = self.operand(a, file)?;
                    let dim = self.meet((first, ty.dim()?), (a, t.dim()?), "add", file)?;
                    ty = shaped(dim, [ty, t]);
                    if bare_zero(first) {
                        first = a;
                    }
                }
                Some(ty)
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
        // a rounded quotient of pure numbers is a pure number: its digits are not a ratio's
        Some(Ty::Num(if dim == Dim::Fraction { Dim::Number } else { dim }))
    }
}

/// The type of a result of `dim` from operands of these types: a range where one surely is, a
/// range or a figure where one may be.
fn shaped(dim: Dim, operands: [Ty; 2]) -> Ty {
    if operands.iter().any(|t| matches!(t, Ty::Range(_))) {
        Ty::Range(dim)
    } else if operands.iter().any(|t| matches!(t, Ty::Either(_))) {
        Ty::Either(dim)
    } else {
        Ty::Num(dim)
    }
}

/// The value of a number written in the rule without a unit (`200`, `-1`), if the expression is one.
fn bare(e: &CExpr) -> Option<Decimal> {
    match &e.kind {
        CKind::Number { written, .. } if written.unit == Unit::None => Some(written.value),
        CKind::Unary { op: UnaryOp::Neg, expr } => bare(expr).map(|v| -v),
        _ => None,
    }
}

/// The help for a figure written without a unit in the data that meets `unit`: add the unit to the file
/// or the cell; a fraction meeting a ratio (`0.39`) is the percentage it stands for (`39%`), never
/// `0.39 %`, as a bare number in a rule is.
fn pure_fact_help(value: &crate::data::FactValue, unit: &str, dim: Dim) -> String {
    let fraction = match value {
        crate::data::FactValue::Number(q) => Some(q.value).filter(|v| !v.is_zero() && v.abs() < Decimal::ONE),
        _ => None,
    };
    match fraction.and_then(|v| crate::num::real::shifted(v, 2)) {
        Some(percent) if dim == Dim::Ratio => format!(
            "the data gives this figure without a unit, so it is a pure number: write `{}%` in the cell (`{}` is a fraction; in a workbook, format the cell as a percentage)",
            percent.normalize(),
            value.show()
        ),
        _ => format!(
            "the data gives this figure without a unit, so it is a pure number: add `unit = \"{unit}\"` to its data file, or write the unit in the cell (`\"{} {unit}\"`)",
            value.show()
        ),
    }
}

/// Whether an expression is a zero written without a unit: zero in any unit.
fn bare_zero(e: &CExpr) -> bool {
    bare(e).is_some_and(|v| v.is_zero())
}

/// What to write instead of a pure number: `write 200 USD bn`, `write 40% (0.40 is a fraction)`.
fn fix(value: Decimal, unit: Option<Unit>, dim: Dim, place: Place) -> String {
    let fraction = matches!(dim, Dim::Ratio) && !value.is_zero() && value.abs() < Decimal::ONE;
    // a hundred times the number, where that fits a decimal (a literal may be as large as 7.9e28)
    let percent = |d: Decimal| d.checked_mul(Decimal::ONE_HUNDRED).map_or(d, |p| p.normalize());
    let shown = if fraction { percent(value) } else { value };
    let note = if fraction {
        format!(" (`{value}` is a fraction)")
    } else if matches!(dim, Dim::Ratio) && !value.is_zero() && value.abs() <= Decimal::from(5) {
        // `revenue / cost > 1` most likely meant 100 %
        format!(" (or `{}%` if `{value}` is a fraction)", percent(value))
    } else {
        String::new()
    };
    let Some(unit) = unit else {
        return match dim {
            Dim::Money(_) => format!("write it with its currency and scale, as in `{value} USD bn`"),
            Dim::PerShare(_) => format!("write it per share, as in `{value} USD/share`"),
            _ => format!("write it in the unit of {dim}"),
        };
    };
    let with = |number: Decimal, unit: Unit| match unit {
        Unit::Ratio(style) => format!("{number}{}", style.symbol()),
        unit => format!("{number} {unit}"),
    };
    match place {
        Place::Operand => format!("write `{}`{note}", with(shown, unit)),
        Place::Range(lo, hi) => {
            let end = |b: Option<Decimal>| b.map(|b| if fraction { percent(b) } else { b });
            let text = |b: Option<Decimal>| end(b).map(|b| with(b, unit)).unwrap_or_default();
            format!("write `{}..{}`{note}", text(lo), text(hi))
        }
        Place::Tolerance if matches!(dim, Dim::Ratio) => {
            format!(
                "write `within {}`{note}, or `within 2%` for a relative tolerance",
                with(shown, Unit::Ratio(RatioStyle::Pp))
            )
        }
        Place::Tolerance => format!("write `within {}`, or `within 2%` for a relative tolerance", with(shown, unit)),
    }
}
