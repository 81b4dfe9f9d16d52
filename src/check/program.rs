//! The checked program: rules and cells with every name resolved, ready to run over the sheets.

use crate::calendar::{CalendarPeriod, YearEnd};
use crate::data::MetricId;
use crate::num::{Num, Quantity};
use crate::period::{Kind, Period};
use crate::source::{SourceId, Span, Spanned};
use crate::syntax::ast::{BinOp, CmpOp, PeriodRef, Scenario, Severity, UnaryOp, Vintage};

/// Index of a cell in [`Program::cells`].
pub type CellId = usize;
/// Index of a rule in [`Program::rules`].
pub type RuleId = usize;

/// The metric id of a name not yet linked to the data.
pub const UNLINKED: MetricId = MetricId::MAX;

/// Every cell and rule of a run, checked.
#[derive(Debug, Default)]
pub struct Program {
    pub cells: Vec<Cell>,
    pub rules: Vec<Rule>,
    /// What the rule files declare metrics to measure (`metric eps_diluted: USD/share`).
    pub declared: Vec<Declared>,
    /// The groups of entities the rule files declare (`group hyperscalers = AMZN, MSFT`).
    pub groups: Vec<GroupDef>,
    /// Whether every metric name has been linked to a column of the data.
    pub linked: bool,
    /// What linking found worth a warning: a scope that names an entity of no data file.
    pub warnings: Vec<crate::diag::Diag>,
}

/// `group hyperscalers = AMZN, MSFT, GOOGL`, checked.
#[derive(Debug, Clone)]
pub struct GroupDef {
    pub name: String,
    pub members: Vec<Spanned<String>>,
    pub file: SourceId,
    /// The span of the group's name.
    pub span: Span,
}

/// The entities a rule or cell is checked at: those every scope written over it admits (the file's
/// `for` line and the rule's own `for`), each scope admitting every entity one of its members names.
#[derive(Debug, Clone, Default)]
pub struct Scopes {
    pub scopes: Vec<CScope>,
    /// Per entity of the data, whether every scope admits it: filled when linked.
    pub admitted: Vec<bool>,
}

/// One `for` clause, its groups resolved.
#[derive(Debug, Clone)]
pub struct CScope {
    pub members: Vec<Spanned<Member>>,
    pub file: SourceId,
    pub span: Span,
}

/// A member of a scope.
#[derive(Debug, Clone)]
pub enum Member {
    /// `AMZN`
    Entity(String),
    /// A group, by its index in [`Program::groups`].
    Group(usize),
    /// `sector == "retail"`, `sector != "retail"`: an entity without the attribute is in neither.
    Attribute { key: String, equal: bool, value: String },
}

impl Scopes {
    /// Whether the rule or cell is checked at an entity of the data.
    pub fn admits(&self, entity: crate::data::EntityId) -> bool {
        self.scopes.is_empty() || self.admitted.get(entity as usize).copied().unwrap_or(false)
    }
}

/// One name of a `metric` declaration and the dimension it declares.
#[derive(Debug, Clone)]
pub struct Declared {
    /// The name as written; `*` stands for any run of characters within one dotted part.
    pub pattern: String,
    pub dim: crate::num::Dim,
    /// The dimension as written, for messages: `USD/share`.
    pub written: String,
    pub file: SourceId,
    /// The span of the name in the declaration.
    pub span: Span,
}

impl Declared {
    /// Whether the declaration names a metric: dotted parts one for one, `*` any run of characters.
    pub fn names(&self, metric: &str) -> bool {
        let (mut p, mut m) = (self.pattern.split('.'), metric.split('.'));
        loop {
            match (p.next(), m.next()) {
                (None, None) => return true,
                (Some(a), Some(b)) if glob(a, b) => {}
                _ => return false,
            }
        }
    }
}

/// Whether `text` matches `pattern`, where `*` stands for any run of characters (`*_margin`): the
/// greedy two-pointer match, linear in their lengths whatever the number of stars.
fn glob(pattern: &str, text: &str) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let (mut i, mut j) = (0, 0);
    let mut star: Option<(usize, usize)> = None; // the last `*` seen, and where its run now ends
    while j < t.len() {
        if i < p.len() && p[i] == b'*' {
            star = Some((i, j));
            i += 1;
        } else if i < p.len() && p[i] == t[j] {
            i += 1;
            j += 1;
        } else if let Some((at, end)) = star {
            // let the last `*` take one more character, and match what follows it again
            star = Some((at, end + 1));
            i = at + 1;
            j = end + 1;
        } else {
            return false;
        }
    }
    p[i..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::glob;

    #[test]
    fn stars_match_any_run_within_a_part() {
        assert!(glob("*_margin", "op_margin") && glob("*", "") && glob("a*b*c", "axxbyyc"));
        assert!(!glob("*_margin", "op_margins") && !glob("a*b", "ac"));
        // many stars against a long name end at once (a backtracking match took minutes)
        let pattern = format!("{}b", "*a".repeat(40));
        assert!(!glob(&pattern, &"a".repeat(200)));
        assert!(glob(&pattern, &format!("{}b", "a".repeat(200))));
    }
}

/// A `let`: a named formula filled across every entity and period.
#[derive(Debug)]
pub struct Cell {
    pub name: String,
    pub file: SourceId,
    /// The span of the cell's name.
    pub name_span: Span,
    pub body: CExpr,
    /// The file's `for` line over the cell, if any: outside it, the cell has no value.
    pub scopes: Scopes,
}

/// A checked rule.
#[derive(Debug)]
pub struct Rule {
    pub name: String,
    pub severity: Severity,
    pub title: Option<Title>,
    pub at: AtSpec,
    pub scopes: Scopes,
    pub body: CExpr,
    pub file: SourceId,
    /// The span of the rule's name.
    pub name_span: Span,
    /// The span of the whole rule item.
    pub span: Span,
}

/// A rule's title: text and `{name}` holes.
#[derive(Debug)]
pub struct Title {
    pub parts: Vec<TitlePart>,
}

/// A piece of a title.
#[derive(Debug)]
pub enum TitlePart {
    Text(String),
    /// `{name}`: the name's value at the check's entity and period.
    Hole(String, CExpr),
}

/// Where a rule is checked.
#[derive(Debug, Clone, PartialEq)]
pub enum AtSpec {
    /// Every period of every entity.
    All,
    /// Only quarters or only years.
    Kind(Kind),
    /// These periods.
    Periods(Vec<Period>),
    /// The fiscal periods covering these calendar periods, at each entity by its fiscal year.
    Calendar(Vec<CalendarPeriod>),
}

impl AtSpec {
    /// Whether the rule is checked at a period of an entity whose fiscal year ends on `year_end`.
    pub fn admits(&self, period: Period, year_end: YearEnd) -> bool {
        match self {
            AtSpec::All => true,
            AtSpec::Kind(kind) => period.kind() == *kind,
            AtSpec::Periods(periods) => periods.contains(&period),
            AtSpec::Calendar(periods) => {
                periods.iter().any(|c| c.kind() == period.kind() && c.months() == year_end.months(period))
            }
        }
    }
}

/// A compiled expression: the node and the span it came from (in the file of its rule or cell).
#[derive(Debug, Clone)]
pub struct CExpr {
    pub kind: CKind,
    pub span: Span,
}

/// The forms of compiled expression.
#[derive(Debug, Clone)]
pub enum CKind {
    /// A number literal: exact, or read with its written precision on a whole side of `~=`.
    Number {
        written: Quantity,
        value: Num,
    },
    /// A range literal, bounds exact.
    Range {
        lo: Option<Num>,
        hi: Option<Num>,
    },
    Bool(bool),
    /// A metric of a scenario layer: its column once linked to the data ([`UNLINKED`] before).
    Fact {
        /// The name as written, with its scenario prefix: `guidance.revenue`.
        name: String,
        /// The metric's name without the prefix: `revenue`.
        path: String,
        metric: MetricId,
        scenario: Scenario,
        /// `guidance.revenue[given -1]`: which vintage to read; `None` for the default one.
        vintage: Option<Vintage>,
    },
    /// A `*` name: the metrics it matches in the data (none before linking), read where they have values.
    Pattern {
        name: String,
        path: String,
        metrics: Vec<(MetricId, String)>,
        scenario: Scenario,
    },
    /// A cell, evaluated at the current entity and period.
    Cell(CellId),
    /// `x[-1y]`: `x` at another period.
    Shift {
        expr: Box<CExpr>,
        to: PeriodRef,
    },
    /// `x of GOOGL`: `x` at another entity, at its period covering the same calendar months.
    Peer {
        expr: Box<CExpr>,
        name: String,
        /// Where the entity is named.
        name_span: Span,
        /// The entity once linked to the data ([`UNLINKED`] before).
        entity: crate::data::EntityId,
    },
    /// `x of hyperscalers`, an argument of an aggregate: `x` at each entity of the group.
    PeerGroup {
        expr: Box<CExpr>,
        /// The group, by its index in [`Program::groups`].
        group: usize,
        /// Each member with its entity in the data once linked (`None` for one of no data file, whose
        /// value is then a missing input).
        members: Vec<(String, Option<crate::data::EntityId>)>,
    },
    Unary {
        op: UnaryOp,
        expr: Box<CExpr>,
    },
    Binary {
        op: BinOp,
        lhs: Box<CExpr>,
        rhs: Box<CExpr>,
    },
    Compare {
        first: Box<CExpr>,
        rest: Vec<(CmpOp, CExpr)>,
    },
    Approx {
        lhs: Box<CExpr>,
        rhs: Box<CExpr>,
        within: Option<Quantity>,
    },
    In {
        value: Box<CExpr>,
        range: Box<CExpr>,
    },
    If {
        cond: Box<CExpr>,
        then: Box<CExpr>,
        otherwise: Box<CExpr>,
    },
    Call {
        func: Func,
        args: Vec<CExpr>,
    },
}

/// The built-in functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Func {
    Mid,
    Low,
    High,
    Width,
    Abs,
    Min,
    Max,
    Sum,
    Avg,
    Count,
    Round,
    Growth,
    Change,
    Annualized,
    Exists,
}

impl Func {
    /// Every function with its name.
    pub const ALL: [(&'static str, Func); 15] = [
        ("mid", Func::Mid),
        ("low", Func::Low),
        ("high", Func::High),
        ("width", Func::Width),
        ("abs", Func::Abs),
        ("min", Func::Min),
        ("max", Func::Max),
        ("sum", Func::Sum),
        ("avg", Func::Avg),
        ("count", Func::Count),
        ("round", Func::Round),
        ("growth", Func::Growth),
        ("change", Func::Change),
        ("annualized", Func::Annualized),
        ("exists", Func::Exists),
    ];

    /// The function of a name.
    pub fn parse(name: &str) -> Option<Func> {
        Func::ALL.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
    }

    /// The function's name.
    pub fn name(self) -> &'static str {
        Func::ALL.iter().find(|(_, f)| *f == self).map_or("?", |(n, _)| n)
    }

    /// How many arguments it takes: (at least, at most).
    pub fn arity(self) -> (usize, usize) {
        match self {
            Func::Mid | Func::Low | Func::High | Func::Width | Func::Abs | Func::Annualized | Func::Exists => (1, 1),
            Func::Round | Func::Growth | Func::Change => (2, 2),
            Func::Min | Func::Max | Func::Sum | Func::Avg | Func::Count => (1, usize::MAX),
        }
    }

    /// Whether it takes `*` names (and any number of arguments).
    pub fn is_aggregate(self) -> bool {
        matches!(self, Func::Min | Func::Max | Func::Sum | Func::Avg | Func::Count)
    }

    /// How it is called, for messages: `growth(now, before)`.
    pub fn signature(self) -> &'static str {
        match self {
            Func::Mid => "mid(range)",
            Func::Low => "low(range)",
            Func::High => "high(range)",
            Func::Width => "width(range)",
            Func::Abs => "abs(x)",
            Func::Min => "min(a, b, ...)",
            Func::Max => "max(a, b, ...)",
            Func::Sum => "sum(a, b, ...)",
            Func::Avg => "avg(a, b, ...)",
            Func::Count => "count(a, b, ...)",
            Func::Round => "round(x, digits)",
            Func::Growth => "growth(now, before)",
            Func::Change => "change(now, before)",
            Func::Annualized => "annualized(x)",
            Func::Exists => "exists(x)",
        }
    }
}
