//! One filing per check: the actuals a check combines are read as one filing gave them.
//!
//! A restated fact has vintages, and an actual reads its latest by default. Fact by fact, that mixes
//! filings: Apple's 10-K of 2020 restates its earlier quarters' EPS after a 4-for-1 split but not their
//! share counts, which only the 10-Qs gave, so `eps_diluted ~= net_income / shares_diluted` would meet
//! a split-adjusted EPS with a pre-split count. So before a check is evaluated, its inputs are gathered
//! (its actuals read without `[given …]`, through cells and period shifts, not through `of PEER`), and
//! where one of them has vintages, the latest filing that gives every input that has a value is chosen
//! ([`Filing`]: one file at one date); each input is then read as that filing gave it. Where no filing
//! gives them all (an article's figure beside the filing's), each input keeps its default vintage. A
//! guidance or consensus input keeps its own default (the latest given before the actual was
//! reported), and an input with `[given …]` keeps the vintage it names.

use crate::check::program::UNLINKED;
use crate::check::{CExpr, CKind};
use crate::data::{EntityId, Filing, MetricId, Sheets};
use crate::period::Period;
use crate::syntax::ast::Scenario;

use super::Evaluator;
use super::expr::shift;

/// How many nodes of a check's expression (its cells' included) are walked to gather its inputs: a
/// check larger than this reads each input's default vintage.
const WALK: usize = 512;

impl Evaluator<'_> {
    /// Chooses the filing the check of `body` at `period` reads its actuals from, if it must choose
    /// one; the choice holds until the next call.
    pub fn one_filing(&mut self, body: &CExpr, period: Period) {
        self.filing = None;
        if let Some(trace) = self.trace.as_mut() {
            trace.filing = None;
        }
        if !self.sheets.has_vintaged_actual(self.entity) {
            return;
        }
        let mut inputs = Vec::new();
        let mut left = WALK;
        if gather(self, body, period, &mut inputs, &mut left).is_some() {
            self.filing = choose(self.sheets, self.entity, &inputs);
        }
        if let Some(trace) = self.trace.as_mut() {
            trace.filing = self.filing;
        }
    }
}

/// The actual inputs of an expression at a period; `None` where the walk runs out of nodes.
fn gather(
    ev: &Evaluator,
    e: &CExpr,
    period: Period,
    out: &mut Vec<(MetricId, Period)>,
    left: &mut usize,
) -> Option<()> {
    *left = left.checked_sub(1)?;
    match &e.kind {
        CKind::Fact { metric, scenario: Scenario::Actual, vintage: None, .. } if *metric != UNLINKED => {
            out.push((*metric, period));
        }
        CKind::Cell(id) => {
            let cell = &ev.program.cells[*id];
            if cell.scopes.admits(ev.entity) {
                gather(ev, &cell.body, period, out, left)?;
            }
        }
        CKind::Shift { expr, to } => {
            if let Some(p) = shift(period, *to, ev.sheets.year_end(ev.entity)) {
                gather(ev, expr, p, out, left)?;
            }
        }
        CKind::Unary { expr, .. } => gather(ev, expr, period, out, left)?,
        CKind::Binary { lhs, rhs, .. } | CKind::Approx { lhs, rhs, .. } => {
            gather(ev, lhs, period, out, left)?;
            gather(ev, rhs, period, out, left)?;
        }
        CKind::Compare { first, rest } => {
            gather(ev, first, period, out, left)?;
            for (_, e) in rest {
                gather(ev, e, period, out, left)?;
            }
        }
        CKind::In { value, range } => {
            gather(ev, value, period, out, left)?;
            gather(ev, range, period, out, left)?;
        }
        CKind::If { cond, then, otherwise } => {
            for e in [cond, then, otherwise] {
                gather(ev, e, period, out, left)?;
            }
        }
        CKind::Call { args, .. } => {
            for e in args {
                gather(ev, e, period, out, left)?;
            }
        }
        // another entity's facts, a `*` name's, a guidance, a vintage named, a literal: not chosen
        _ => {}
    }
    Some(())
}

/// The latest filing that gives every input that has a dated value, where one of the inputs has
/// vintages and that filing's reading differs from the defaults; else `None`.
fn choose(sheets: &Sheets, entity: EntityId, inputs: &[(MetricId, Period)]) -> Option<Filing> {
    let actual = Scenario::Actual;
    if !inputs.iter().any(|&(m, p)| sheets.vintaged(m, actual, entity, p)) {
        return None;
    }
    let mut common: Option<Vec<Filing>> = None;
    for &(metric, period) in inputs {
        let filings = sheets.filings(metric, actual, entity, period);
        if filings.is_empty() {
            continue; // missing, or undated: no filing to agree on
        }
        common = Some(match common {
            None => filings,
            Some(mut c) => {
                c.retain(|f| filings.binary_search(f).is_ok());
                c
            }
        });
    }
    let filing = *common?.last()?;
    let differs = |&(m, p): &(MetricId, Period)| {
        let filed = sheets.as_filed(m, actual, entity, p, filing).map(|f| f.origin);
        filed.is_some() && filed != sheets.get(m, actual, entity, p).map(|f| f.origin)
    };
    inputs.iter().any(differs).then_some(filing)
}
