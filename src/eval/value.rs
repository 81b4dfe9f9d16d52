//! Values of evaluation and the two ways an evaluation can stop short.

use crate::data::{Fact, MetricId};
use crate::num::{Num, display};
use crate::period::Period;
use crate::source::{SourceId, Span};
use crate::syntax::ast::Scenario;

use super::verdict::Truth;

/// What an expression evaluates to.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Num(Num),
    /// A condition's verdict, and whether rounding could flip it.
    Bool(Truth),
    /// A range; either end may be open. Boxed: a value is moved up the tree at each node, and two
    /// figures in place made every value, nearly all of them figures, twice a figure's size.
    Range(Box<Ends>),
}

// A value is moved up the evaluation tree at each node; what says so in expr.rs holds while this does.
const _: () = assert!(std::mem::size_of::<Value>() <= 80);

/// A range's two ends, low and high, either of which may be open.
pub type Ends = (Option<Num>, Option<Num>);

impl Value {
    /// A range of two ends.
    pub fn range(lo: Option<Num>, hi: Option<Num>) -> Value {
        Value::Range(Box::new((lo, hi)))
    }

    /// The value as shown to a user: `213.4 USD bn`, `true`, `206 USD bn..213 USD bn`.
    pub fn show(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    /// Writes [`Value::show`] at the end of `out` (a title's holes, without a `String` each).
    pub fn write(&self, out: &mut String) {
        match self {
            Value::Num(n) => display::write_num(out, n),
            Value::Bool(t) => out.push_str(if t.holds { "true" } else { "false" }),
            Value::Range(ends) => {
                let (lo, hi) = &**ends;
                lo.iter().for_each(|n| display::write_num(out, n));
                out.push_str("..");
                hi.iter().for_each(|n| display::write_num(out, n));
            }
        }
    }

    /// The value with its interval where it has one: `38.56 % (37.78 %..39.32 %)`; a range with
    /// the interval of each bound that is not exact, `75 USD bn..80 USD bn (low 74.35 USD bn..74.85
    /// USD bn, high 79.35 USD bn..79.85 USD bn)`.
    pub fn show_with_interval(&self) -> String {
        match self {
            Value::Num(n) => display::num_with_interval(n),
            Value::Range(ends) => {
                let (lo, hi) = &**ends;
                let end = |name: &str, n: &Option<Num>| {
                    n.as_ref().filter(|n| !n.is_exact()).map(|n| format!("{name} {}", display::interval(n)))
                };
                let ends: Vec<String> = [end("low", lo), end("high", hi)].into_iter().flatten().collect();
                if ends.is_empty() { self.show() } else { format!("{} ({})", self.show(), ends.join(", ")) }
            }
            Value::Bool(_) => self.show(),
        }
    }
}

/// Why an evaluation produced no value.
#[derive(Debug, Clone, PartialEq)]
pub enum Halt {
    /// An input has no value here: the check is skipped.
    Missing(Missing),
    /// The inputs are there but the computation fails: the check errs.
    Error(EvalError),
    /// A failure not yet placed at its expression: the node that raised it turns it into an
    /// [`Halt::Error`] at its own span before it leaves the node.
    Unplaced(String),
}

/// The input that was missing.
#[derive(Debug, Clone, PartialEq)]
pub struct Missing {
    /// The name as written: `guidance.revenue`, `segment.*.revenue`.
    pub name: String,
    pub period: Period,
    /// Why it has no value, where it is not absent but meaningless: `base is a loss (-15.3 USD bn)`.
    pub not_meaningful: Option<String>,
    /// The column of the fact that was absent, for "did you mean" against the data's metrics.
    pub column: Option<(MetricId, Scenario)>,
}

impl Missing {
    /// An input absent from the data (or an open end, a period out of range).
    pub fn absent(name: String, period: Period) -> Missing {
        Missing { name, period, not_meaningful: None, column: None }
    }

    /// Why the check has no value, in words: `` `x` has no value at 2025Q3 ``, or
    /// `` the growth of `net_income` is not meaningful at 2025Q3: base is a loss (-15.3 USD bn) ``.
    pub fn describe(&self) -> String {
        self.describe_at(&self.period.to_string())
    }

    /// [`Missing::describe`] with the place said otherwise (`AMZN 2025Q3`).
    pub fn describe_at(&self, at: &str) -> String {
        match &self.not_meaningful {
            Some(why) => format!("{} is not meaningful at {at}: {why}", self.name),
            None => format!("{} has no value at {at}", self.name),
        }
    }
}

/// A computation that failed, pointing at the expression that failed.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalError {
    pub file: SourceId,
    pub span: Span,
    pub message: String,
}

/// A fact read while evaluating a check, for provenance.
#[derive(Debug, Clone, PartialEq)]
pub struct FactUse {
    /// The metric, without its scenario prefix (shared by every use of the metric an evaluator
    /// records: a failed check's facts are kept for the report, and a `String` each was an
    /// allocation a fact).
    pub name: std::sync::Arc<str>,
    pub scenario: Scenario,
    pub period: Period,
    pub fact: Fact,
    /// The entity the fact is of, where it is a peer's (`revenue of GOOGL`), not the check's.
    pub peer: Option<String>,
}

/// What a traced evaluation saw: each sub-expression's value in the rule, and every fact read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Trace {
    /// Values of sub-expressions of the rule itself (not inside cells), by span, in evaluation order.
    pub values: Vec<(Span, Value)>,
    /// Facts read, in order, each once.
    pub facts: Vec<FactUse>,
    /// How each borderline comparison's verdict could flip within rounding, in evaluation order
    /// (`29.9 USD bn may be 29.85 USD bn, inside the range, given rounding`).
    pub flips: Vec<String>,
    /// With [`Trace::full`]: every node evaluated, inside cells and at other periods too.
    pub steps: Vec<Step>,
    /// Whether to record [`Trace::steps`] (for `explain`).
    pub full: bool,
    /// The filing the check read its actuals from, where it chose one (`crate::eval::Evaluator::one_filing`).
    pub filing: Option<crate::data::Filing>,
}

/// One node's evaluation: where it is written, the period it was evaluated at, what it gave.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// The entity it was evaluated at: the check's, or a peer's.
    pub entity: crate::data::EntityId,
    pub file: SourceId,
    pub span: Span,
    pub period: Period,
    pub result: Result<Value, Halt>,
}

impl Trace {
    /// What a node gave when evaluated at an entity and period (with [`Trace::full`]).
    pub fn step(
        &self,
        entity: crate::data::EntityId,
        file: SourceId,
        span: Span,
        period: Period,
    ) -> Option<&Result<Value, Halt>> {
        let found = self
            .steps
            .iter()
            .rev()
            .find(|s| s.entity == entity && s.file == file && s.span == span && s.period == period);
        found.map(|s| &s.result)
    }

    /// The value recorded for a span, if any.
    pub fn value_at(&self, span: Span) -> Option<&Value> {
        self.values.iter().rev().find(|(s, _)| *s == span).map(|(_, v)| v)
    }
}
