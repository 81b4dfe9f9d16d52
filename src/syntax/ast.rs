//! The syntax tree of a rule file. Every node carries the byte span it was parsed from.

use crate::calendar::CalendarPeriod;
use crate::num::{Quantity, RangeLit};
use crate::period::{Period, Step};
use crate::source::{Span, Spanned};

/// A parsed `.tick` file: its items in source order.
#[derive(Debug, Clone, PartialEq)]
pub struct File {
    pub items: Vec<Item>,
}

/// A top-level item.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Use(Use),
    Metric(MetricDecl),
    Group(Group),
    /// `for AMZN`: the scope of every rule and cell after it in the file, up to the next one.
    Scope(Scope),
    Let(Let),
    Rule(Rule),
}

/// `use "../core/consistency.tick"`
#[derive(Debug, Clone, PartialEq)]
pub struct Use {
    /// The path as written, without quotes.
    pub path: Spanned<String>,
    pub span: Span,
}

/// `metric eps_diluted, consensus_eps: USD/share`: what metrics measure, declared by a rule pack.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricDecl {
    /// The names declared, as written; `*` stands for any run of characters within a dotted part.
    pub names: Vec<Spanned<String>>,
    /// The dimension as written: `money`, `ratio`, `USD/share`, `GW`.
    pub dim: Spanned<String>,
    pub span: Span,
}

/// `group hyperscalers = AMZN, MSFT, GOOGL`
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub name: Spanned<String>,
    /// The entities, as named.
    pub members: Vec<Spanned<String>>,
    pub span: Span,
}

/// `for AMZN, hyperscalers, sector == "retail"`: the entities a rule is checked at, every entity
/// any member names.
#[derive(Debug, Clone, PartialEq)]
pub struct Scope {
    pub members: Vec<Spanned<ScopeMember>>,
    pub span: Span,
}

/// One member of a scope.
#[derive(Debug, Clone, PartialEq)]
pub enum ScopeMember {
    /// `AMZN`, `"BRK-B"`
    Entity(String),
    /// `hyperscalers`, a `group`
    Group(String),
    /// `sector == "retail"`, `sector != "retail"`
    Attribute { key: String, equal: bool, value: String },
}

/// `let op_margin = operating_income / revenue`
#[derive(Debug, Clone, PartialEq)]
pub struct Let {
    pub name: Spanned<String>,
    pub value: Expr,
    pub span: Span,
}

/// How bad a failed rule is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

/// `rule NAME [severity] ["TITLE"] [at PERIODS] [for SCOPE]: EXPR`
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub name: Spanned<String>,
    /// As written; `error` where it is left out.
    pub severity: Option<Spanned<Severity>>,
    /// The title's text between the quotes, escapes resolved; its span covers the quotes.
    pub title: Option<Spanned<String>>,
    pub at: Option<Spanned<At>>,
    /// `for AMZN, MSFT`, as written on the rule.
    pub scope: Option<Scope>,
    pub body: Expr,
    pub span: Span,
}

/// Where a rule is checked: `at 2026Q1`, `at 2025Q4, 2026Q1`, `at quarters`, `at years`.
#[derive(Debug, Clone, PartialEq)]
pub enum At {
    Periods(Vec<Spanned<Period>>),
    /// `at 2025CQ2, 2025CQ3`: each entity's fiscal periods covering these calendar periods.
    Calendar(Vec<Spanned<CalendarPeriod>>),
    Quarters,
    Years,
}

/// An expression with its span.
pub type Expr = Spanned<ExprKind>;

/// The forms of expression, loosest first in the order of the precedence table.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// `a or b`, `a and b`, `a + b`, `a - b`, `a * b`, `a / b`
    Binary { op: Spanned<BinOp>, lhs: Box<Expr>, rhs: Box<Expr> },
    /// `not a`, `-a`
    Unary { op: Spanned<UnaryOp>, expr: Box<Expr> },
    /// `a < b`, and chains such as `a <= b <= c` (each link compares its neighbours).
    Compare { first: Box<Expr>, rest: Vec<(Spanned<CmpOp>, Expr)> },
    /// `a ~= b`, `a ~= b within T`
    Approx { lhs: Box<Expr>, rhs: Box<Expr>, within: Option<Spanned<Quantity>> },
    /// `a in r`
    In { value: Box<Expr>, range: Box<Expr> },
    /// `x[-1y]`, `x[2025Q1]`, `x[Q1]`, `x[FY]`: the value at another period.
    AtPeriod { expr: Box<Expr>, period: Spanned<PeriodRef> },
    /// `x of GOOGL`: the value at another entity, at its period covering the same calendar months.
    Peer { expr: Box<Expr>, entity: Spanned<String> },
    /// `x of hyperscalers`: `x` at each entity of a group, for an aggregate.
    PeerGroup { expr: Box<Expr>, group: Spanned<String> },
    /// `213.4`, `35%`, `730 USD m`
    Number(Quantity),
    /// `173.5..178.5`, `..213`, `206..`
    Range(RangeLit),
    /// `true`, `false`
    Bool(bool),
    /// `revenue`, `segment.aws.revenue`, `guidance.revenue`, `segment.*.revenue`, a cell name
    Name(Name),
    /// `mid(guidance.revenue)`
    Call { func: Spanned<String>, args: Vec<Expr> },
    /// `if c then a else b`
    If { cond: Box<Expr>, then: Box<Expr>, otherwise: Box<Expr> },
    /// `(a)`: kept so that the formatter and the labels know where the parentheses were.
    Paren(Box<Expr>),
}

/// A binary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BinOp {
    Or,
    And,
    Add,
    Sub,
    Mul,
    Div,
}

/// A prefix operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    Not,
    Neg,
}

impl BinOp {
    /// The operator as written: `or`, `+`.
    pub fn as_str(self) -> &'static str {
        match self {
            BinOp::Or => "or",
            BinOp::And => "and",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
        }
    }
}

/// A comparison operator that compares point values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CmpOp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

impl CmpOp {
    /// The operator as written: `<=`.
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
        }
    }
}

/// A scenario layer of the sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scenario {
    Actual,
    Guidance,
    Consensus,
}

/// A name: a metric in a scenario layer, a cell, or a `*` pattern of metrics.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Name {
    /// The scenario prefix as written (`guidance.`); `None` means `actual` (or a cell).
    pub scenario: Option<Scenario>,
    /// The dotted path after the scenario prefix: `segment.aws.revenue`, `segment.*.revenue`.
    pub path: String,
}

impl Name {
    /// Whether the name is a `*` pattern.
    pub fn is_pattern(&self) -> bool {
        self.path.split('.').any(|part| part == "*")
    }
}

/// The period inside `[...]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PeriodRef {
    /// `-1y`, `-1q`, `+2q`
    Offset(i32, Step),
    /// `2025Q1`, `FY2025`
    Absolute(Period),
    /// `Q1` to `Q4`, `FY`: a quarter of the checked period's own fiscal year, or that year.
    Fiscal(FiscalPart),
    /// `given -1`, `given 2025-10-30`, `given first`: not a period but a vintage of the fact before it
    /// (the checker places it on the fact; it never shifts a period).
    Given(Vintage),
    /// `2025CQ2`, `CY2025`: the entity's fiscal period covering that calendar quarter or year.
    Calendar(CalendarPeriod),
}

/// Which vintage of a fact `x[given ...]` reads, where a source gave the fact at several dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Vintage {
    /// `given -1`: the vintage `n` before the default one (the parser admits 1 and more).
    Back(u32),
    /// `given 2025-10-30`: the latest given on or before that date.
    AsOf(crate::date::Date),
    /// `given first`: the earliest.
    First,
    /// `given last`: the latest, even one given after the period's actual was reported.
    Last,
}

impl std::fmt::Display for Vintage {
    /// The vintage as written inside `[...]`: `given -1`, `given 2025-10-30`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Vintage::Back(n) => write!(f, "given -{n}"),
            Vintage::AsOf(date) => write!(f, "given {date}"),
            Vintage::First => f.write_str("given first"),
            Vintage::Last => f.write_str("given last"),
        }
    }
}

/// A part of the checked period's fiscal year: at `FY2025` and at `2025Q2` alike, `Q3` is `2025Q3`
/// and `FY` is `FY2025`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FiscalPart {
    /// `Q1` to `Q4`; the parser admits only 1 to 4.
    Quarter(u8),
    /// `FY`
    Year,
}

impl std::fmt::Display for FiscalPart {
    /// The part as written in canonical form: `Q1`, `FY`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FiscalPart::Quarter(q) => write!(f, "Q{q}"),
            FiscalPart::Year => f.write_str("FY"),
        }
    }
}

impl Scenario {
    /// Reads a reserved scenario word.
    pub fn parse(word: &str) -> Option<Scenario> {
        Some(match word {
            "actual" => Scenario::Actual,
            "guidance" => Scenario::Guidance,
            "consensus" => Scenario::Consensus,
            _ => return None,
        })
    }

    /// The word as written.
    pub fn as_str(self) -> &'static str {
        match self {
            Scenario::Actual => "actual",
            Scenario::Guidance => "guidance",
            Scenario::Consensus => "consensus",
        }
    }

    /// Every scenario, in order.
    pub const ALL: [Scenario; 3] = [Scenario::Actual, Scenario::Guidance, Scenario::Consensus];
}
