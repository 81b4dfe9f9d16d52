//! Text to syntax tree: runs the pest grammar (`grammar/tickmark.pest`) and walks its pairs by hand
//! into the owned [`ast`](super::ast) with a byte span on every node.
//!
//! The grammar is lenient where a precise message helps: a period such as `2025Q5` or `[Q5]`, a
//! unit word after a number, an exponent (`1e30`), a string without its closing quote, a number too
//! large for a decimal and a reversed range all parse, and the walker reports them, so that one run
//! shows every such fault of the file. A range's bounds are checked by the function that checks a data
//! cell's ([`crate::num::range::range`]), so `5..7%` means the same in both. A grammar error stops
//! pest; parsing then resumes at the next line that starts an item, so each item's first syntax
//! error is reported.

use pest::Parser as _;
use pest::iterators::{Pair, Pairs};
use rust_decimal::Decimal;

use super::ast::{
    At, BinOp, CmpOp, Expr, ExprKind, File, FiscalPart, Group, Item, Let, MetricDecl, Name, PeriodRef,
    Rule as RuleItem, Scenario, Scope, ScopeMember, Severity, UnaryOp, Use, Vintage,
};
use super::error::{self, Fault};
use crate::calendar::CalendarPeriod;
use crate::date::Date;
use crate::diag::Diag;
use crate::num::{Currency, Quantity, RangeLit, RatioStyle, Scale, Unit, parse_decimal, range};
use crate::period::{Period, Step};
use crate::source::{SourceId, Span, Spanned};

mod grammar {
    /// The pest parser generated from `grammar/tickmark.pest`.
    #[derive(pest_derive::Parser)]
    #[grammar = "grammar/tickmark.pest"]
    pub struct TickmarkParser;
}

pub(crate) use grammar::Rule;
use grammar::TickmarkParser;

/// Unit words that may follow a number although they start with a small letter.
pub const LOWERCASE_UNITS: [&str; 6] = ["bps", "bp", "pp", "count", "shares", "units"];

/// What may stand inside `[...]`, for a period there that does not exist.
const INDEX_HELP: &str = "inside `[...]`, `Q1` to `Q4` are the quarters of the checked period's fiscal year and `FY` \
                          that year; a fixed period is a quarter such as `2025Q4` or a fiscal year such as `FY2025`, \
                          in the years 1900 to 2199";

/// Parses a rule file into its syntax tree, or returns every syntax error found in it.
pub fn parse(text: &str, file: SourceId) -> Result<File, Vec<Diag>> {
    let mut walker = Walker { file, offset: 0, diags: Vec::new() };
    let mut start = 0;
    let items = loop {
        match run_pest(text, start, file) {
            Ok(pairs) => break walker.items(pairs, start),
            Err(fault) => {
                walker.check_before(text, start, fault.at);
                walker.diags.push(*fault.diag);
                match error::next_item(text, fault.at.max(start + 1)) {
                    Some(next) => start = next,
                    None => break Vec::new(),
                }
            }
        }
    };
    if walker.diags.is_empty() { Ok(File { items }) } else { Err(walker.diags) }
}

/// Parses one expression and nothing else (`tickmark eval`): `operating_income / revenue`.
pub fn parse_expr(text: &str, file: SourceId) -> Result<Expr, Vec<Diag>> {
    let fault = match error::too_deep(text, 0, file) {
        Some(fault) => Err(fault),
        None => TickmarkParser::parse(Rule::expr_only, text).map_err(|e| error::from_pest(&e, text, 0, file)),
    };
    let pairs = fault.map_err(|fault| vec![*fault.diag])?;
    let mut walker = Walker { file, offset: 0, diags: Vec::new() };
    let expr = pairs.flat_map(Pair::into_inner).find(|p| p.as_rule() == Rule::expr).and_then(|p| walker.expr(p));
    match expr {
        Some(expr) if walker.diags.is_empty() => Ok(expr),
        Some(_) => Err(walker.diags),
        None => {
            let span = Span::new(0, text.len());
            Err(vec![walker.error(
                span,
                "internal error: this expression's parse tree has an unexpected shape".into(),
                "here",
            )])
        }
    }
}

/// Runs the grammar over `text[start..]` once its nesting depth is known to be safe.
fn run_pest(text: &str, start: usize, file: SourceId) -> Result<Pairs<'_, Rule>, Fault> {
    if let Some(fault) = error::too_deep(text, start, file) {
        return Err(fault);
    }
    let chunk = text.get(start..).unwrap_or("");
    TickmarkParser::parse(Rule::file, chunk).map_err(|e| error::from_pest(&e, text, start, file))
}

/// Walks pest pairs into AST nodes, collecting the faults it finds on the way.
///
/// A walking function returns `None` only when the tree does not have the shape the grammar
/// promises; a fault in what the user wrote becomes a [`Diag`] and a placeholder node, which never
/// leaves the parser because any diagnostic makes [`parse`] fail.
struct Walker {
    file: SourceId,
    /// Where the text pest saw starts within the file.
    offset: usize,
    diags: Vec<Diag>,
}

impl Walker {
    /// The file span of a pair, without the blanks and comments pest lets trail a repetition.
    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let span = pair.as_span();
        let len = super::comments::without_trailing_trivia(pair.as_str()).len();
        Span::new(self.offset + span.start(), self.offset + span.start() + len)
    }

    /// A syntax error in this file with its primary label.
    fn error(&self, span: Span, message: String, label: &str) -> Diag {
        Diag::error("syntax", message).in_file(self.file).primary(span, label)
    }

    /// Records a diagnostic.
    fn report(&mut self, diag: Diag) {
        self.diags.push(diag);
    }

    /// Walks the items before the one pest gave up in, for the faults that only the walker finds.
    fn check_before(&mut self, text: &str, start: usize, at: usize) {
        let Some(end) = error::item_start(text, start, at) else { return };
        if let Ok(pairs) = TickmarkParser::parse(Rule::file, &text[start..end]) {
            self.items(pairs, start);
        }
    }

    /// Walks the items of `text[offset..]`: `file = { SOI ~ item* ~ EOI }`.
    fn items(&mut self, pairs: Pairs<'_, Rule>, offset: usize) -> Vec<Item> {
        self.offset = offset;
        let mut items = Vec::new();
        for pair in pairs.flat_map(Pair::into_inner) {
            let span = self.span(&pair);
            let item = match pair.as_rule() {
                Rule::use_item => self.use_item(pair).map(Item::Use),
                Rule::metric_item => self.metric_item(pair).map(Item::Metric),
                Rule::group_item => self.group_item(pair).map(Item::Group),
                Rule::scope_clause => self.scope(pair).map(Item::Scope),
                Rule::let_item => self.let_item(pair).map(Item::Let),
                Rule::rule_item => self.rule_item(pair).map(Item::Rule),
                _ => continue,
            };
            match item {
                Some(item) => items.push(item),
                None => {
                    let message = "internal error: this item's parse tree has an unexpected shape";
                    self.report(self.error(span, message.into(), "while reading this item"));
                }
            }
        }
        items
    }

    /// Walks `use "PATH"`.
    fn use_item(&mut self, pair: Pair<'_, Rule>) -> Option<Use> {
        let span = self.span(&pair);
        let path = pair.into_inner().find(|p| p.as_rule() == Rule::use_path)?;
        let path = self.string(path)?;
        Some(Use { path, span })
    }

    /// Walks `metric NAME, NAME: DIMENSION`.
    fn metric_item(&mut self, pair: Pair<'_, Rule>) -> Option<MetricDecl> {
        let span = self.span(&pair);
        let mut names = Vec::new();
        let mut dim = None;
        for part in pair.into_inner() {
            let spanned = Spanned::new(part.as_str().to_owned(), self.span(&part));
            match part.as_rule() {
                Rule::metric_pattern => names.push(spanned),
                Rule::dimension => dim = Some(spanned),
                _ => {}
            }
        }
        Some(MetricDecl { names, dim: dim?, span })
    }

    /// Walks `group NAME = ENTITY, ENTITY`.
    fn group_item(&mut self, pair: Pair<'_, Rule>) -> Option<Group> {
        let span = self.span(&pair);
        let (mut name, mut members) = (None, Vec::new());
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::ident => name = Some(Spanned::new(part.as_str().to_owned(), self.span(&part))),
                Rule::entity | Rule::entity_quoted => members.push(self.entity(part)?),
                _ => {}
            }
        }
        Some(Group { name: name?, members, span })
    }

    /// Walks `for MEMBER, MEMBER`: entities, groups and attribute tests.
    fn scope(&mut self, pair: Pair<'_, Rule>) -> Option<Scope> {
        let span = self.span(&pair);
        let mut members = Vec::new();
        for part in pair.into_inner() {
            let at = self.span(&part);
            let member = match part.as_rule() {
                Rule::entity | Rule::entity_quoted => ScopeMember::Entity(self.entity(part)?.node),
                Rule::ident => ScopeMember::Group(part.as_str().to_owned()),
                Rule::attr_test => {
                    let mut inner = part.into_inner();
                    let key = inner.next()?.as_str().to_owned();
                    let equal = inner.next()?.as_str() == "==";
                    let value = self.string(inner.next()?)?.node;
                    ScopeMember::Attribute { key, equal, value }
                }
                _ => continue,
            };
            members.push(Spanned::new(member, at));
        }
        Some(Scope { members, span })
    }

    /// Reads an entity: a ticker as written, or a name in quotes, which must be an entity name.
    fn entity(&mut self, pair: Pair<'_, Rule>) -> Option<Spanned<String>> {
        if pair.as_rule() == Rule::entity {
            return Some(Spanned::new(pair.as_str().to_owned(), self.span(&pair)));
        }
        let name = self.string(pair)?;
        if let Err(diag) = crate::data::key::entity(&name.node, name.span, self.file) {
            self.report(diag);
        }
        Some(name)
    }

    /// Walks `let NAME = EXPR`.
    fn let_item(&mut self, pair: Pair<'_, Rule>) -> Option<Let> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let name = inner.find(|p| p.as_rule() == Rule::ident)?;
        let name = Spanned::new(name.as_str().to_owned(), self.span(&name));
        let value = self.expr(inner.find(|p| p.as_rule() == Rule::expr)?)?;
        Some(Let { name, value, span })
    }

    /// Walks `rule NAME [severity] ["TITLE"] [at PERIODS]: EXPR`.
    fn rule_item(&mut self, pair: Pair<'_, Rule>) -> Option<RuleItem> {
        let span = self.span(&pair);
        let (mut name, mut severity, mut title, mut at, mut scope, mut body) = (None, None, None, None, None, None);
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::ident => name = Some(Spanned::new(part.as_str().to_owned(), self.span(&part))),
                Rule::severity => severity = Some(self.severity(part)?),
                Rule::title => title = Some(self.string(part)?),
                Rule::at_clause => at = Some(self.at_clause(part)?),
                Rule::scope_clause => scope = Some(self.scope(part)?),
                Rule::expr => body = Some(self.expr(part)?),
                _ => {}
            }
        }
        Some(RuleItem { name: name?, severity, title, at, scope, body: body?, span })
    }

    /// Walks `error`, `warning` or `info`.
    fn severity(&mut self, pair: Pair<'_, Rule>) -> Option<Spanned<Severity>> {
        let span = self.span(&pair);
        let severity = match pair.into_inner().next()?.as_rule() {
            Rule::kw_error => Severity::Error,
            Rule::kw_warning => Severity::Warning,
            Rule::kw_info => Severity::Info,
            _ => return None,
        };
        Some(Spanned::new(severity, span))
    }

    /// Walks `at 2026Q1`, `at 2025Q4, 2026Q1`, `at quarters`, `at years`.
    fn at_clause(&mut self, pair: Pair<'_, Rule>) -> Option<Spanned<At>> {
        let span = self.span(&pair);
        let (mut periods, mut calendar) = (Vec::new(), Vec::new());
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::kw_quarters => return Some(Spanned::new(At::Quarters, span)),
                Rule::kw_years => return Some(Spanned::new(At::Years, span)),
                Rule::period => periods.push(self.period(&part, Period::HELP)),
                Rule::cal_period => calendar.push(self.calendar_period(&part)),
                _ => {}
            }
        }
        if !calendar.is_empty() {
            return Some(Spanned::new(At::Calendar(calendar), span));
        }
        Some(Spanned::new(At::Periods(periods), span))
    }

    /// Reads a period as written, `2025Q4` or `FY2025`, reporting one that does not exist with `help`.
    fn period(&mut self, pair: &Pair<'_, Rule>, help: &str) -> Spanned<Period> {
        let span = self.span(pair);
        let text = pair.as_str();
        if let Some(period) = Period::parse(text) {
            return Spanned::new(period, span);
        }
        let label = why_not_period(text);
        self.report(self.error(span, format!("`{text}` is not a period"), label).with_help(help));
        Spanned::new(Period::Year(2000), span)
    }

    /// Reads a calendar period as written, `2025CQ2` or `CY2025`, reporting one that does not exist.
    fn calendar_period(&mut self, pair: &Pair<'_, Rule>) -> Spanned<CalendarPeriod> {
        let span = self.span(pair);
        let text = pair.as_str();
        if let Some(period) = CalendarPeriod::parse(text) {
            return Spanned::new(period, span);
        }
        let label = Period::why_not(&text.to_ascii_uppercase().replacen("CQ", "Q", 1).replacen("CY", "FY", 1));
        self.report(
            self.error(span, format!("`{text}` is not a calendar period"), label).with_help(CalendarPeriod::HELP),
        );
        Spanned::new(CalendarPeriod::Year(2000), span)
    }

    /// Reads a string literal, resolving `\"` and `\\`; its span covers the quotes.
    fn string(&mut self, pair: Pair<'_, Rule>) -> Option<Spanned<String>> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let text = inner.next()?;
        if inner.next().is_some_and(|p| p.as_rule() == Rule::unterminated) {
            let diag = self.error(span, "unterminated string".into(), "this string has no closing `\"`");
            self.report(diag.with_help("a string ends with `\"` on the line where it starts"));
            return Some(Spanned::new(String::new(), span));
        }
        let start = self.span(&text).start as usize;
        Some(Spanned::new(self.unescape(text.as_str(), start), span))
    }

    /// Resolves the escapes of a string's text, which starts at byte `start` of the file.
    fn unescape(&mut self, text: &str, start: usize) -> String {
        if !text.contains('\\') {
            return text.to_owned();
        }
        let mut out = String::with_capacity(text.len());
        let mut chars = text.char_indices();
        while let Some((i, c)) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some((_, e @ ('"' | '\\'))) => out.push(e),
                other => {
                    let end = other.map_or(i + 1, |(j, e)| j + e.len_utf8());
                    let escape = &text[i..end];
                    let span = Span::new(start + i, start + end);
                    let diag = self.error(span, format!("unknown escape `{escape}`"), "not an escape");
                    self.report(diag.with_help("a string may escape only `\\\"` and `\\\\`"));
                }
            }
        }
        out
    }
}

/// Expressions, layer by layer.
impl Walker {
    /// Walks a pair of any expression layer.
    fn expr(&mut self, pair: Pair<'_, Rule>) -> Option<Expr> {
        match pair.as_rule() {
            Rule::expr => self.expr(pair.into_inner().next()?),
            Rule::or_expr | Rule::and_expr | Rule::sum | Rule::product => self.chain(pair),
            Rule::not_expr | Rule::unary => self.prefixed(pair),
            Rule::cmp_expr => self.comparison(pair),
            Rule::postfix => self.postfix(pair),
            _ => self.primary(pair),
        }
    }

    /// Folds `a op b op c` to the left: `or`, `and`, `+ -`, `* /`.
    fn chain(&mut self, pair: Pair<'_, Rule>) -> Option<Expr> {
        let mut inner = pair.into_inner();
        let mut lhs = self.expr(inner.next()?)?;
        while let Some(op) = inner.next() {
            let op = Spanned::new(bin_op(&op)?, self.span(&op));
            let rhs = self.expr(inner.next()?)?;
            let span = lhs.span.to(rhs.span);
            lhs = Spanned::new(ExprKind::Binary { op, lhs: Box::new(lhs), rhs: Box::new(rhs) }, span);
        }
        Some(lhs)
    }

    /// Walks prefix operators and their operand: `not not a`, `--a`.
    fn prefixed(&mut self, pair: Pair<'_, Rule>) -> Option<Expr> {
        let mut ops = Vec::new();
        let mut operand = None;
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::kw_not => ops.push(Spanned::new(UnaryOp::Not, self.span(&part))),
                Rule::neg_op => ops.push(Spanned::new(UnaryOp::Neg, self.span(&part))),
                _ => operand = Some(self.expr(part)?),
            }
        }
        let mut expr = operand?;
        for op in ops.into_iter().rev() {
            let span = op.span.to(expr.span);
            expr = Spanned::new(ExprKind::Unary { op, expr: Box::new(expr) }, span);
        }
        Some(expr)
    }

    /// Walks a sum and its comparison, if any: a chain, `~= b [within T]` or `in r`.
    fn comparison(&mut self, pair: Pair<'_, Rule>) -> Option<Expr> {
        let mut inner = pair.into_inner();
        let first = self.expr(inner.next()?)?;
        let Some(tail) = inner.next() else { return Some(first) };
        let span = first.span.to(self.span(&tail));
        let first = Box::new(first);
        let kind = match tail.as_rule() {
            Rule::approx_tail => self.approx(first, tail)?,
            Rule::in_tail => {
                let range = tail.into_inner().find(|p| p.as_rule() == Rule::sum)?;
                ExprKind::In { value: first, range: Box::new(self.expr(range)?) }
            }
            Rule::cmp_tail => ExprKind::Compare { first, rest: self.compare_links(tail)? },
            _ => return None,
        };
        Some(Spanned::new(kind, span))
    }

    /// Walks `~= b` and its optional `within T`.
    fn approx(&mut self, lhs: Box<Expr>, tail: Pair<'_, Rule>) -> Option<ExprKind> {
        let mut rhs = None;
        let mut within = None;
        for part in tail.into_inner() {
            match part.as_rule() {
                Rule::sum => rhs = Some(Box::new(self.expr(part)?)),
                Rule::tolerance => within = Some(self.number(part.into_inner().next()?)?),
                _ => {}
            }
        }
        Some(ExprKind::Approx { lhs, rhs: rhs?, within })
    }

    /// Walks the links of a comparison chain: `< b`, `<= b <= c`.
    fn compare_links(&mut self, tail: Pair<'_, Rule>) -> Option<Vec<(Spanned<CmpOp>, Expr)>> {
        let mut links = Vec::new();
        let mut inner = tail.into_inner();
        while let Some(op) = inner.next() {
            let op = Spanned::new(cmp_op(op.as_str())?, self.span(&op));
            links.push((op, self.expr(inner.next()?)?));
        }
        Some(links)
    }

    /// Walks an atom and the period indexes and peers after it: `x[-1y][-1q]`, `x of GOOGL`.
    fn postfix(&mut self, pair: Pair<'_, Rule>) -> Option<Expr> {
        let mut inner = pair.into_inner();
        let mut expr = self.expr(inner.next()?)?;
        for index in inner {
            let span = expr.span.to(self.span(&index));
            if index.as_rule() == Rule::peer {
                let target = index
                    .into_inner()
                    .find(|p| matches!(p.as_rule(), Rule::entity | Rule::entity_quoted | Rule::ident))?;
                expr = if target.as_rule() == Rule::ident {
                    let group = Spanned::new(target.as_str().to_owned(), self.span(&target));
                    Spanned::new(ExprKind::PeerGroup { expr: Box::new(expr), group }, span)
                } else {
                    let entity = self.entity(target)?;
                    Spanned::new(ExprKind::Peer { expr: Box::new(expr), entity }, span)
                };
                continue;
            }
            let target = index.into_inner().find(|p| {
                matches!(p.as_rule(), Rule::offset | Rule::period | Rule::cal_period | Rule::fiscal | Rule::vintage)
            })?;
            let period = self.period_ref(&target);
            expr = Spanned::new(ExprKind::AtPeriod { expr: Box::new(expr), period }, span);
        }
        Some(expr)
    }

    /// Reads the period inside `[...]`: an offset `-1q`, `+2y`, a period `2025Q1` or a part of the
    /// fiscal year `Q1`, `FY`.
    fn period_ref(&mut self, pair: &Pair<'_, Rule>) -> Spanned<PeriodRef> {
        let span = self.span(pair);
        match pair.as_rule() {
            Rule::period => return Spanned::new(PeriodRef::Absolute(self.period(pair, INDEX_HELP).node), span),
            Rule::fiscal => return Spanned::new(PeriodRef::Fiscal(self.fiscal(pair)), span),
            Rule::vintage => return Spanned::new(PeriodRef::Given(self.vintage(pair)), span),
            Rule::cal_period => return Spanned::new(PeriodRef::Calendar(self.calendar_period(pair).node), span),
            _ => {}
        }
        let text = pair.as_str();
        let step = if text.ends_with(['y', 'Y']) { Step::Year } else { Step::Quarter };
        let count = text.get(..text.len() - 1).and_then(|n| n.parse::<i32>().ok());
        let count = count.unwrap_or_else(|| {
            self.report(self.error(span, format!("period offset `{text}` is too large"), "too far away"));
            0
        });
        Spanned::new(PeriodRef::Offset(count, step), span)
    }

    /// Reads `given -1`, `given 2025-10-30`, `given first` or `given last`, reporting a date that does
    /// not exist and `given -0` (the default vintage, written as the name alone).
    fn vintage(&mut self, pair: &Pair<'_, Rule>) -> Vintage {
        let Some(which) = pair.clone().into_inner().find(|p| p.as_rule() != Rule::kw_given) else {
            return Vintage::Last;
        };
        let (span, text) = (self.span(&which), which.as_str());
        match which.as_rule() {
            Rule::given_date => Date::parse(text).map(Vintage::AsOf).unwrap_or_else(|| {
                let message = format!("`{text}` is not a date");
                self.report(self.error(span, message, Date::why_not(text)));
                Vintage::Last
            }),
            Rule::given_back => match text[1..].parse::<u32>() {
                Ok(n) if n > 0 => Vintage::Back(n),
                Ok(_) => {
                    let diag = self.error(span, "`given -0` is the default vintage".into(), "no vintage before");
                    self.report(
                        diag.with_help("write the name alone for the default vintage, `given -1` for the one before"),
                    );
                    Vintage::Last
                }
                Err(_) => {
                    self.report(self.error(span, format!("`given {text}` is too far back"), "too far back"));
                    Vintage::Last
                }
            },
            _ if text == "first" => Vintage::First,
            _ => Vintage::Last,
        }
    }

    /// Reads `Q1` to `Q4` or `FY` (in either case), reporting a quarter that does not exist (`Q5`).
    fn fiscal(&mut self, pair: &Pair<'_, Rule>) -> FiscalPart {
        let text = pair.as_str();
        let quarter = match text.get(1..) {
            Some("1") => 1,
            Some("2") => 2,
            Some("3") => 3,
            Some("4") => 4,
            _ if text.eq_ignore_ascii_case("FY") => return FiscalPart::Year,
            _ => {
                let diag =
                    self.error(self.span(pair), format!("`{text}` is not a quarter"), "quarters run from Q1 to Q4");
                self.report(diag.with_help(INDEX_HELP));
                1
            }
        };
        FiscalPart::Quarter(quarter)
    }
}

/// Atoms and literals.
impl Walker {
    /// Walks an atom: a literal, a name, a call, `(a)` or `if c then a else b`.
    fn primary(&mut self, pair: Pair<'_, Rule>) -> Option<Expr> {
        let span = self.span(&pair);
        let kind = match pair.as_rule() {
            Rule::kw_true => ExprKind::Bool(true),
            Rule::kw_false => ExprKind::Bool(false),
            Rule::number => ExprKind::Number(self.number(pair)?.node),
            Rule::range => ExprKind::Range(self.range(pair)?),
            Rule::name => ExprKind::Name(name(pair)?),
            Rule::call => self.call(pair)?,
            Rule::paren => {
                let inner = pair.into_inner().find(|p| p.as_rule() == Rule::expr)?;
                ExprKind::Paren(Box::new(self.expr(inner)?))
            }
            Rule::if_expr => self.if_expr(pair)?,
            _ => return None,
        };
        Some(Spanned::new(kind, span))
    }

    /// Walks `f(a, b)`.
    fn call(&mut self, pair: Pair<'_, Rule>) -> Option<ExprKind> {
        let mut inner = pair.into_inner();
        let head = inner.next()?;
        let func = Spanned::new(head.as_str().to_owned(), self.span(&head));
        let mut args = Vec::new();
        for arg in inner.filter(|p| p.as_rule() == Rule::expr) {
            args.push(self.expr(arg)?);
        }
        Some(ExprKind::Call { func, args })
    }

    /// Walks `if c then a else b`.
    fn if_expr(&mut self, pair: Pair<'_, Rule>) -> Option<ExprKind> {
        let mut parts = pair.into_inner().filter(|p| p.as_rule() == Rule::expr);
        let cond = Box::new(self.expr(parts.next()?)?);
        let then = Box::new(self.expr(parts.next()?)?);
        let otherwise = Box::new(self.expr(parts.next()?)?);
        Some(ExprKind::If { cond, then, otherwise })
    }

    /// Walks `173.5..178.5`, `..213`, `206..`, `-2%..2%`; its bounds are checked as a data cell's are
    /// ([`range::range`]): `5..7%` is 5 %..7 %, and `213..206` or `5%..7 USD` is reported.
    fn range(&mut self, pair: Pair<'_, Rule>) -> Option<RangeLit> {
        let span = self.span(&pair);
        let faults = self.diags.len();
        let (mut lo, mut hi) = (None, None);
        let mut after_dots = false;
        for part in pair.into_inner() {
            if part.as_rule() == Rule::dots {
                after_dots = true;
                continue;
            }
            let text = part.as_str();
            let bound = Some((self.range_bound(part)?, text));
            if after_dots { hi = bound } else { lo = bound }
        }
        let written = RangeLit { lo: lo.map(|b| b.0), hi: hi.map(|b| b.0) };
        if self.diags.len() > faults {
            return Some(written); // a bound is already reported; its placeholder would mislead
        }
        let e = match range::range(written.lo, written.hi) {
            Ok(range) => return Some(range),
            Err(e) => e,
        };
        let (lo, hi) = (lo.map_or("", |b| b.1), hi.map_or("", |b| b.1));
        self.report(self.error(span, e.message(lo, hi), e.label()).with_help(e.help(lo, hi)));
        Some(written)
    }

    /// Walks one end of a range: a number, negative after a `-`.
    fn range_bound(&mut self, pair: Pair<'_, Rule>) -> Option<Quantity> {
        let mut negative = false;
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::minus => negative = true,
                Rule::number => {
                    let q = self.number(part)?.node;
                    return Some(if negative { Quantity::new(-q.value, q.unit) } else { q });
                }
                _ => {}
            }
        }
        None
    }

    /// Walks a number and its unit: `213.4`, `35%`, `730 USD m`.
    fn number(&mut self, pair: Pair<'_, Rule>) -> Option<Spanned<Quantity>> {
        let (span, text) = (self.span(&pair), pair.as_str());
        let mut inner = pair.into_inner();
        let value = self.decimal(&inner.next()?);
        let mut unit = Unit::None;
        for part in inner {
            match part.as_rule() {
                Rule::exponent => self.exponent(span, text, &part),
                Rule::unit if is_quarter(part.as_str()) => unit = self.period_as_value(span),
                Rule::unit if is_exponent(part.as_str()) => self.exponent(span, text, &part),
                Rule::unit => unit = self.unit(part.into_inner().next()?)?,
                _ => return None,
            }
        }
        Some(Spanned::new(Quantity::new(value, unit), span))
    }

    /// Reports a quarter such as `2025Q1` written where a value belongs.
    fn period_as_value(&mut self, span: Span) -> Unit {
        let diag = self.error(span, "a period is not a value".into(), "this reads as a period");
        let help = "to take a value at a period, index it: `revenue[2025Q1]`";
        self.report(diag.with_help(help));
        Unit::None
    }

    /// Reports an exponent after the digits of the number `text` at `span` (`1E30`, `1.5e-3`, `1 E30`),
    /// which would otherwise read as a unit named `E30`: a figure is written out, as in a data cell.
    fn exponent(&mut self, span: Span, text: &str, exponent: &Pair<'_, Rule>) {
        let start = span.start as usize;
        let end = self.span(exponent).end as usize;
        let written = text.get(..end.saturating_sub(start)).unwrap_or(text);
        let span = Span::new(start, end);
        let out = Decimal::from_scientific(&written.replace(['_', ' ', '\t'], "")).ok();
        let example = out.map_or_else(String::new, |d| format!(", such as `{d}` for `{written}`"));
        let message = format!("`{written}` has an exponent, which a rule does not read");
        let help = format!("write the number out{example}; a scale keeps large amounts short: `730 USD bn`");
        self.report(self.error(span, message, "exponent").with_help(help));
    }

    /// Reads the digits of a number exactly, keeping its scale; reports one a decimal cannot hold.
    fn decimal(&mut self, pair: &Pair<'_, Rule>) -> Decimal {
        let text = pair.as_str();
        if let Some(value) = parse_decimal(text) {
            return value;
        }
        let whole = text.split('.').next().unwrap_or(text);
        let (message, label) = match parse_decimal(whole) {
            None => (format!("number `{text}` is too large"), "too large for an exact decimal"),
            Some(_) => (format!("number `{text}` has too many digits"), "too many digits after the point"),
        };
        let span = self.span(pair);
        let help = "numbers are exact decimals of at most 28 digits, below about 7.9e28 \
                    (write large amounts with a scale: `730 USD bn`)";
        self.report(self.error(span, message, label).with_help(help));
        Decimal::ZERO
    }

    /// Reads the unit after a number: `%`, a currency and scale, or a unit word.
    fn unit(&mut self, pair: Pair<'_, Rule>) -> Option<Unit> {
        match pair.as_rule() {
            Rule::percent => Some(Unit::Ratio(RatioStyle::Percent)),
            Rule::money_unit => self.money_unit(pair),
            Rule::share_unit => {
                let words: Vec<&str> = pair.as_str().split_whitespace().collect();
                Unit::parse(&words.join(" "))
            }
            Rule::unit_word => Some(self.unit_word(&pair)),
            _ => None,
        }
    }

    /// Reads `USD`, `USD bn`, reporting an unknown scale word.
    fn money_unit(&mut self, pair: Pair<'_, Rule>) -> Option<Unit> {
        let mut inner = pair.into_inner();
        let currency = Currency::parse(inner.next()?.as_str())?;
        let Some(word) = inner.next() else { return Some(Unit::Money(currency, Scale::One)) };
        if word.as_rule() == Rule::per_share {
            return Some(Unit::PerShare(currency));
        }
        if let Some(scale) = Scale::parse(word.as_str()) {
            return Some(Unit::Money(currency, scale));
        }
        let span = self.span(&word);
        let message = format!("unknown scale `{}` after `{}`", word.as_str(), currency.as_str());
        let help = "a scale is `k`, `m`, `bn` or `tn`, as in `730 USD m`";
        self.report(self.error(span, message, "not a scale").with_help(help));
        Some(Unit::Money(currency, Scale::One))
    }

    /// Reads a unit word: one that starts with a capital (`GW`), or a known small word (`bps`).
    fn unit_word(&mut self, pair: &Pair<'_, Rule>) -> Unit {
        let word = pair.as_str();
        let capital = word.starts_with(|c: char| c.is_ascii_uppercase());
        if (capital || LOWERCASE_UNITS.contains(&word))
            && let Some(unit) = Unit::parse(word)
        {
            return unit;
        }
        let span = self.span(pair);
        let help = format!(
            "a unit after a number is `%`, a currency such as `USD bn`, one of {}, or a word that \
             starts with a capital such as `GW`; if `{word}` is a name, an operator is missing before it",
            LOWERCASE_UNITS.map(|u| format!("`{u}`")).join(", ")
        );
        self.report(self.error(span, format!("unknown unit `{word}`"), "not a unit").with_help(help));
        Unit::None
    }
}

/// Reads a dotted name: `segment.aws.revenue`, `guidance.revenue`, `segment.*.revenue`.
fn name(pair: Pair<'_, Rule>) -> Option<Name> {
    let mut scenario = None;
    let mut path = String::new();
    for part in pair.into_inner() {
        if part.as_rule() == Rule::scenario {
            scenario = Some(Scenario::parse(part.as_str())?);
            continue;
        }
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(part.as_str());
    }
    Some(Name { scenario, path })
}

/// Why a period as written does not exist, for its label: as [`Period::why_not`] says, but a year
/// of other than four digits (`FY2`, `FY25`, `25Q1`) says so.
fn why_not_period(text: &str) -> &'static str {
    let upper = text.to_ascii_uppercase();
    let year = upper.strip_prefix("FY").or_else(|| upper.split_once('Q').map(|(year, _)| year)).unwrap_or("");
    if !year.is_empty() && year.len() != 4 && year.bytes().all(|b| b.is_ascii_digit()) {
        return "a year has four digits";
    }
    Period::why_not(text)
}

/// Whether a unit word is the `Q1` of a quarter such as `2025Q1`.
fn is_quarter(word: &str) -> bool {
    word.strip_prefix(['Q', 'q']).is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// Whether a unit word is an exponent written apart from its number, the `E30` of `1 E30`.
fn is_exponent(word: &str) -> bool {
    word.strip_prefix(['e', 'E']).is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// The binary operator of an `or`, `and`, `+ -` or `* /` pair.
fn bin_op(pair: &Pair<'_, Rule>) -> Option<BinOp> {
    Some(match (pair.as_rule(), pair.as_str()) {
        (Rule::kw_or, _) => BinOp::Or,
        (Rule::kw_and, _) => BinOp::And,
        (_, "+") => BinOp::Add,
        (_, "-") => BinOp::Sub,
        (_, "*") => BinOp::Mul,
        (_, "/") => BinOp::Div,
        _ => return None,
    })
}

/// The comparison operator written as `text`.
fn cmp_op(text: &str) -> Option<CmpOp> {
    Some(match text {
        "<" => CmpOp::Lt,
        "<=" => CmpOp::Le,
        ">" => CmpOp::Gt,
        ">=" => CmpOp::Ge,
        "==" => CmpOp::Eq,
        "!=" => CmpOp::Ne,
        _ => return None,
    })
}
