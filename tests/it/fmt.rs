//! `tickmark fmt`: every fixture under `tests/fixtures/fmt` is snapshotted before and after; on every
//! rule file of the repository, and on random trees and random messy texts, the formatter keeps the
//! meaning (the tree, spans aside), keeps every comment, and is idempotent.

use crate::common;

use common::settings;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use proptest::prelude::*;
use rust_decimal::Decimal;
use tickmark::calendar::CalendarPeriod;
use tickmark::num::unit::UnitName;
use tickmark::num::{Currency, Quantity, RangeLit, RatioStyle, Scale, Unit};
use tickmark::period::{Period, Step};
use tickmark::source::{SourceId, Sources, Span, Spanned};
use tickmark::syntax::ast::{
    At, BinOp, CmpOp, Expr, ExprKind, File, FiscalPart, Group, Item, Let, Name, PeriodRef, Rule, Scenario, Scope,
    ScopeMember, Severity, UnaryOp, Use, Vintage,
};
use tickmark::syntax::parse;

// ----- helpers

/// The crate root.
fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Formats a text that must parse.
fn fmt(text: &str) -> String {
    tickmark::fmt::format(text, SourceId(0)).unwrap_or_else(|diags| {
        let mut sources = Sources::default();
        sources.add("input.tick".into(), text);
        panic!(
            "did not format:\n{}\n{}",
            text,
            tickmark::report::human::render_diags(&diags, &sources, Default::default())
        )
    })
}

/// Parses a text that must parse.
fn tree(text: &str) -> File {
    parse(text, SourceId(0)).unwrap_or_else(|_| panic!("did not parse:\n{text}"))
}

/// The comments of a text, sorted: what must survive formatting, as a multiset. Found here with a
/// scanner of the test's own (strings run to the closing quote or the end of the line).
fn comments(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut in_string = false;
        let mut escaped = false;
        for (i, c) in line.char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' if in_string => escaped = true,
                '"' => in_string = !in_string,
                '#' if !in_string => {
                    out.push(line[i..].trim_end().to_owned());
                    break;
                }
                _ => {}
            }
        }
    }
    out.sort();
    out
}

/// Asserts the formatter's laws on one text: same tree, same comments, idempotent.
fn assert_laws(name: &str, text: &str) -> String {
    let formatted = fmt(text);
    assert_eq!(dump(&tree(&formatted)), dump(&tree(text)), "{name}: the formatted text means something else");
    assert_eq!(comments(&formatted), comments(text), "{name}: comments changed");
    assert_eq!(fmt(&formatted), formatted, "{name}: formatting twice changes the text");
    formatted
}

/// Every `.tick` file under a folder, recursively, sorted.
fn tick_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            out.extend(tick_files(&path));
        } else if path.extension().is_some_and(|e| e == "tick") {
            out.push(path);
        }
    }
    out
}

// ----- a dump of a tree without spans: decimals with their scale, units by name

/// One line per item.
fn dump(file: &File) -> String {
    let mut out = String::new();
    for item in &file.items {
        match item {
            Item::Use(u) => _ = writeln!(out, "(use {:?})", u.path.node),
            Item::Metric(m) => {
                let names: Vec<&str> = m.names.iter().map(|n| n.node.as_str()).collect();
                _ = writeln!(out, "(metric {} : {})", names.join(" "), m.dim.node);
            }
            Item::Group(g) => {
                let members: Vec<&str> = g.members.iter().map(|m| m.node.as_str()).collect();
                _ = writeln!(out, "(group {} {members:?})", g.name.node);
            }
            Item::Scope(s) => _ = writeln!(out, "(for {})", scope_dump(s)),
            Item::Let(l) => _ = writeln!(out, "(let {} {})", l.name.node, expr(&l.value)),
            Item::Rule(r) => {
                let severity = r.severity.as_ref().map(|s| format!("{:?}", s.node));
                let title = r.title.as_ref().map(|t| format!("{:?}", t.node));
                let at = r.at.as_ref().map(|a| match &a.node {
                    At::Quarters => "quarters".to_owned(),
                    At::Years => "years".to_owned(),
                    At::Periods(ps) => ps.iter().map(|p| p.node.to_string()).collect::<Vec<_>>().join(","),
                    At::Calendar(ps) => ps.iter().map(|p| p.node.to_string()).collect::<Vec<_>>().join(","),
                });
                let scope = r.scope.as_ref().map(scope_dump);
                _ = writeln!(out, "(rule {} {severity:?} {title:?} {at:?} {scope:?} {})", r.name.node, expr(&r.body));
            }
        }
    }
    out
}

/// A scope's members, spans aside.
fn scope_dump(s: &Scope) -> String {
    format!("{:?}", s.members.iter().map(|m| &m.node).collect::<Vec<_>>())
}

/// An expression as an S-expression.
fn expr(e: &Expr) -> String {
    match &e.node {
        ExprKind::Binary { op, lhs, rhs } => format!("({:?} {} {})", op.node, expr(lhs), expr(rhs)),
        ExprKind::Unary { op, expr: x } => format!("({:?} {})", op.node, expr(x)),
        ExprKind::Compare { first, rest } => {
            let rest: Vec<String> = rest.iter().map(|(op, x)| format!("{:?} {}", op.node, expr(x))).collect();
            format!("(cmp {} {})", expr(first), rest.join(" "))
        }
        ExprKind::Approx { lhs, rhs, within } => {
            format!("(~= {} {} {:?})", expr(lhs), expr(rhs), within.as_ref().map(|w| quantity(&w.node)))
        }
        ExprKind::In { value, range } => format!("(in {} {})", expr(value), expr(range)),
        ExprKind::AtPeriod { expr: x, period } => format!("(at {} {:?})", expr(x), period.node),
        ExprKind::Peer { expr: x, entity } => format!("(of {} {:?})", expr(x), entity.node),
        ExprKind::PeerGroup { expr: x, group } => format!("(of-group {} {})", expr(x), group.node),
        ExprKind::Number(q) => quantity(q),
        ExprKind::Range(r) => format!("(range {:?} {:?})", r.lo.map(|q| quantity(&q)), r.hi.map(|q| quantity(&q))),
        ExprKind::Bool(b) => b.to_string(),
        ExprKind::Name(n) => format!("(name {:?} {})", n.scenario, n.path),
        ExprKind::Call { func, args } => {
            format!("(call {} {})", func.node, args.iter().map(expr).collect::<Vec<_>>().join(" "))
        }
        ExprKind::If { cond, then, otherwise } => format!("(if {} {} {})", expr(cond), expr(then), expr(otherwise)),
        ExprKind::Paren(x) => format!("(paren {})", expr(x)),
    }
}

/// A quantity with the scale of its decimal: `25.0` is not `25`.
fn quantity(q: &Quantity) -> String {
    format!("{}[scale {}]<{}>", q.value, q.value.scale(), q.unit)
}

// ----- the fixtures

#[test]
fn formats_fixtures() {
    insta::glob!("..", "fixtures/fmt/*.tick", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let formatted = assert_laws(&name, &text);
        settings().bind(|| {
            insta::assert_snapshot!("fmt_fixtures", format!("----- SOURCE\n{text}\n----- FORMATTED\n{formatted}"));
        });
    });
}

#[test]
fn keeps_meaning_comments_and_layout_of_every_rule_file() {
    let dirs = [
        "rules",
        "tests/fixtures/parse/ok",
        "tests/fixtures/eval",
        "tests/fixtures/fmt",
        "tests/fixtures/check",
        "tests/fixtures/cli",
        "tests/fixtures/fiscal",
    ];
    let mut count = 0;
    for dir in dirs {
        for path in tick_files(&root().join(dir)) {
            let text = std::fs::read_to_string(&path).unwrap();
            if parse(&text, SourceId(0)).is_err() {
                continue; // the check fixtures include files that are meant not to parse
            }
            assert_laws(&path.display().to_string(), &text);
            count += 1;
        }
    }
    assert!(count >= 45, "only {count} rule files found");
}

#[test]
fn shipped_rules_are_already_formatted() {
    for path in tick_files(&root().join("rules")) {
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(fmt(&text), text, "{} is not in the canonical layout", path.display());
    }
}

// ----- details that matter

#[test]
fn keeps_digits_and_unit_words_exactly() {
    let out = fmt("let a = 25.0 + 1_000 + 0.50 + 5 bp + 35 % + 730  USD\tm + 3.9GW + 2.0..3.00%\n");
    assert_eq!(out, "let a = 25.0 + 1_000 + 0.50 + 5bp + 35% + 730 USD m + 3.9 GW + 2.0..3.00%\n");
}

#[test]
fn keeps_a_minus_apart_from_a_range_it_negates() {
    assert_eq!(fmt("let a = - 5..7\n"), "let a = - 5..7\n");
    assert_eq!(fmt("let a = -5..7\n"), "let a = -5..7\n");
    assert_eq!(
        dump(&tree("let a = - 5..7")),
        "(let a (Neg (range Some(\"5[scale 0]<number>\") Some(\"7[scale 0]<number>\"))))\n"
    );
}

#[test]
fn keeps_crlf_and_a_byte_order_mark() {
    let out = fmt("\u{FEFF}# head\r\nlet   a = 1 # tail\r\n\r\n\r\nrule r: a>0");
    assert_eq!(out, "\u{FEFF}# head\r\nlet a = 1  # tail\r\n\r\nrule r:\r\n  a > 0\r\n");
    assert_eq!(fmt(&out), out, "formatting twice changes a CRLF file");
    assert_eq!(fmt("\u{FEFF}rule r: a>0"), "\u{FEFF}rule r:\n  a > 0\n", "no line break: LF");
    assert_eq!(fmt("rule r:\r\n  a > 0\r\n"), "rule r:\r\n  a > 0\r\n", "no BOM added");
}

#[test]
fn mixed_line_endings_become_the_most_common_one() {
    assert_eq!(fmt("let a = 1\r\nlet b = 2\r\nlet c = 3\n"), "let a = 1\r\nlet b = 2\r\nlet c = 3\r\n");
    assert_eq!(fmt("let a = 1\r\nlet b = 2\nlet c = 3\n"), "let a = 1\nlet b = 2\nlet c = 3\n");
    assert_eq!(fmt("let a = 1\r\nlet b = 2\n"), "let a = 1\nlet b = 2\n", "a tie: LF");
}

#[test]
fn an_if_before_within_or_a_comparison_gets_no_parentheses() {
    for text in [
        "rule r:\n  revenue ~= if exists(guidance.revenue) then mid(guidance.revenue) else 200 within 1%\n",
        "rule r:\n  x ~= if a then b else c within 1\n",
        "rule r:\n  x ~= -if a then b else c within 1\n",
        // The `else` branch ends in a finished comparison: what follows applies to the whole `if`.
        "rule r:\n  if true then false else 2 ~= 3 == true\n",
        "rule r:\n  if a then b else c in r in s\n",
        "rule r:\n  if a then b else c ~= d within 1 + 2\n",
        "rule r:\n  if a then b else c ~= d ~= e within 1\n",
        "rule r:\n  if a then b else c < d < e\n",
    ] {
        assert_eq!(assert_laws(text, text), text);
    }
    assert_eq!(
        dump(&tree("rule r: if true then false else 2 ~= 3 == true")),
        "(rule r None None None None (cmp (if true false (~= 2[scale 0]<number> 3[scale 0]<number> None)) Eq true))\n",
        "`== true` compares the whole `if`"
    );
}

#[test]
fn a_tree_gets_parentheses_around_an_if_only_where_they_are_needed() {
    for text in [
        "rule r:\n  x ~= if a then b else c within 1\n",
        "rule r:\n  x ~= -if a then b else c within 1\n",
        "rule r:\n  if true then false else 2 ~= 3 == true\n",
        "rule r:\n  (if a then b else c) < d\n",
        "rule r:\n  a < (if c then d else e) <= f\n",
        "rule r:\n  (if a then b else c)[-1y] > 0\n",
        "rule r:\n  -(if a then b else c) * 2\n",
        // The innermost `if` that would take the `within` in is the one wrapped.
        "rule r:\n  x ~= if c then d else (if e then f else g ~= h) within 1\n",
    ] {
        let mut file = tree(text);
        for item in &mut file.items {
            if let Item::Rule(r) = item {
                strip_parens(&mut r.body);
            }
        }
        assert_eq!(tickmark::fmt::print(&file), text);
    }
}

/// Takes every `Paren` out of a tree.
fn strip_parens(e: &mut Expr) {
    while let ExprKind::Paren(inner) = &mut e.node {
        let inner = std::mem::replace(&mut **inner, ex(ExprKind::Bool(false)));
        *e = inner;
    }
    children_mut(e).into_iter().for_each(strip_parens);
}

#[test]
fn keeps_the_users_parentheses_around_an_if() {
    for text in ["rule r:\n  x ~= (if a then b else c) within 1\n", "rule r:\n  (if a then b else c ~= d) == e\n"] {
        assert_eq!(assert_laws(text, text), text);
    }
}

#[test]
fn breaks_a_long_body_at_or_then_and() {
    let long = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    let text = format!("rule r: {long} > 1 and {long} > 2 or {long} < 3 and {long} < 4\n");
    let expected =
        format!("rule r:\n  {long} > 1\n        and {long} > 2\n    or {long} < 3\n        and {long} < 4\n");
    assert_eq!(fmt(&text), expected);
}

#[test]
fn reports_a_file_that_does_not_parse() {
    let diags = tickmark::fmt::format("rule r a > b\n", SourceId(0)).unwrap_err();
    assert!(!diags.is_empty());
}

// ----- random trees: printed, parsed back, formatted again

/// Spans are not part of what a tree means.
fn sp<T>(node: T) -> Spanned<T> {
    Spanned::new(node, Span::default())
}

/// A node with no span.
fn ex(kind: ExprKind) -> Expr {
    sp(kind)
}

/// Units of every kind.
fn unit() -> impl Strategy<Value = Unit> {
    prop_oneof![
        3 => Just(Unit::None),
        1 => Just(Unit::Ratio(RatioStyle::Percent)),
        1 => Just(Unit::Ratio(RatioStyle::Bps)),
        1 => Just(Unit::Ratio(RatioStyle::Pp)),
        1 => Just(Unit::Money(Currency(*b"USD"), Scale::Billion)),
        1 => Just(Unit::Money(Currency(*b"EUR"), Scale::One)),
        1 => Just(Unit::Named(UnitName::intern("GW"))),
        1 => Just(Unit::Named(UnitName::intern("count"))),
    ]
}

/// A non-negative decimal with up to three digits after the point, zeros kept.
fn decimal() -> impl Strategy<Value = Decimal> {
    (0i64..100_000, 0u32..4).prop_map(|(m, s)| Decimal::new(m, s))
}

/// A number literal.
fn number() -> impl Strategy<Value = Quantity> {
    (decimal(), unit()).prop_map(|(v, u)| Quantity::new(v, u))
}

/// A range literal: bounds of one unit, the low one perhaps negative, at least one bound.
fn range() -> impl Strategy<Value = RangeLit> {
    (decimal(), decimal(), unit(), 0u8..3, any::<bool>()).prop_map(|(a, b, unit, open, negative)| {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        let lo = if negative && !lo.is_zero() { -lo } else { lo };
        let q = |v| Some(Quantity::new(v, unit));
        match open {
            0 => RangeLit { lo: q(lo), hi: q(hi) },
            1 => RangeLit { lo: None, hi: q(hi) },
            _ => RangeLit { lo: q(lo), hi: None },
        }
    })
}

/// A name: plain, dotted, scenario-prefixed, or a pattern.
fn name() -> impl Strategy<Value = Name> {
    let scenario = prop_oneof![
        3 => Just(None),
        1 => Just(Some(Scenario::Actual)),
        1 => Just(Some(Scenario::Guidance)),
        1 => Just(Some(Scenario::Consensus)),
    ];
    let path = prop::sample::select(vec![
        "revenue",
        "op_margin",
        "a",
        "b2",
        "_x",
        "segment.aws.revenue",
        "segment.*.revenue",
        "segment.info.in",
        "iffy",
        "segment.north_america.operating_income_before_special_items",
        "consolidated_operating_income_before_special_items",
    ]);
    (scenario, path).prop_map(|(scenario, path)| Name { scenario, path: path.to_owned() })
}

/// A period.
fn period() -> impl Strategy<Value = Period> {
    prop_oneof![
        (1900i32..2200, 1u8..5).prop_map(|(year, quarter)| Period::Quarter { year, quarter }),
        (1900i32..2200).prop_map(Period::Year),
    ]
}

/// The period inside `[...]`.
fn period_ref() -> impl Strategy<Value = PeriodRef> {
    prop_oneof![
        (-9i32..10, any::<bool>())
            .prop_map(|(n, year)| PeriodRef::Offset(n, if year { Step::Year } else { Step::Quarter })),
        period().prop_map(PeriodRef::Absolute),
        prop_oneof![(1u8..5).prop_map(FiscalPart::Quarter), Just(FiscalPart::Year)].prop_map(PeriodRef::Fiscal),
        prop_oneof![
            (1u32..4).prop_map(Vintage::Back),
            Just(Vintage::First),
            Just(Vintage::Last),
            Just(Vintage::AsOf(tickmark::date::Date::parse("2025-10-30").unwrap())),
        ]
        .prop_map(PeriodRef::Given),
        calendar_period().prop_map(PeriodRef::Calendar),
    ]
}

/// A calendar period: `2025CQ2`, `CY2025`.
fn calendar_period() -> impl Strategy<Value = CalendarPeriod> {
    prop_oneof![
        (1900i32..2200, 1u8..5).prop_map(|(year, quarter)| CalendarPeriod::Quarter { year, quarter }),
        (1900i32..2200).prop_map(CalendarPeriod::Year),
    ]
}

/// An entity's name: tickers, and names only quotes can write.
fn entity() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["GOOGL", "BRK.B", "3M", "AT&T", "BRK-B", "acme", "X_1"]).prop_map(str::to_owned)
}

/// An entity as a rule writes it: bare where a ticker can be, else in quotes.
fn entity_written(name: &str) -> String {
    let ticker = name.starts_with(|c: char| c.is_ascii_uppercase() || c.is_ascii_digit()) && !name.contains('-');
    if ticker { name.to_owned() } else { quoted(name) }
}

/// A scope: entities, groups and attribute tests.
fn scope() -> impl Strategy<Value = Scope> {
    let member = prop_oneof![
        entity().prop_map(ScopeMember::Entity),
        prop::sample::select(vec!["hyperscalers", "peers"]).prop_map(|g| ScopeMember::Group(g.to_owned())),
        (prop::sample::select(vec!["sector", "exchange"]), any::<bool>(), string())
            .prop_map(|(key, equal, value)| { ScopeMember::Attribute { key: key.to_owned(), equal, value } }),
    ];
    prop::collection::vec(member.prop_map(sp), 1..4).prop_map(|members| Scope { members, span: Span::default() })
}

/// Expressions of every form, a few levels deep, not yet parenthesised as the grammar needs.
fn raw_expr() -> impl Strategy<Value = Expr> {
    let leaf = prop_oneof![
        2 => number().prop_map(|q| ex(ExprKind::Number(q))),
        1 => range().prop_map(|r| ex(ExprKind::Range(r))),
        1 => any::<bool>().prop_map(|b| ex(ExprKind::Bool(b))),
        3 => name().prop_map(|n| ex(ExprKind::Name(n))),
    ];
    leaf.prop_recursive(4, 48, 3, |inner| {
        let bin = || prop::sample::select(vec![BinOp::Or, BinOp::And, BinOp::Add, BinOp::Sub, BinOp::Mul, BinOp::Div]);
        let cmp = || prop::sample::select(vec![CmpOp::Lt, CmpOp::Le, CmpOp::Gt, CmpOp::Ge, CmpOp::Eq, CmpOp::Ne]);
        let func = prop::sample::select(vec!["mid", "sum", "round", "growth"]);
        let boxed = || inner.clone().prop_map(Box::new);
        // An `else` branch that often ends in a finished comparison (`... else a ~= b`), after which
        // what follows the `if` applies to the whole `if`, or in another `if`.
        let otherwise = prop_oneof![
            2 => boxed(),
            1 => (boxed(), cmp(), inner.clone())
                .prop_map(|(first, op, x)| Box::new(ex(ExprKind::Compare { first, rest: vec![(sp(op), x)] }))),
            1 => (boxed(), boxed(), prop::option::of(number()))
                .prop_map(|(lhs, rhs, w)| Box::new(ex(ExprKind::Approx { lhs, rhs, within: w.map(sp) }))),
            1 => (boxed(), boxed()).prop_map(|(value, range)| Box::new(ex(ExprKind::In { value, range }))),
            // `if c then d else e ~= f`, which takes in a `within` after it
            1 => (boxed(), boxed(), boxed(), boxed()).prop_map(|(cond, then, lhs, rhs)| {
                let otherwise = Box::new(ex(ExprKind::Approx { lhs, rhs, within: None }));
                Box::new(ex(ExprKind::If { cond, then, otherwise }))
            }),
        ];
        // An `if`, perhaps under a prefix `-`.
        let if_operand = (boxed(), boxed(), otherwise, any::<bool>()).prop_map(|(cond, then, otherwise, neg)| {
            let e = ex(ExprKind::If { cond, then, otherwise });
            let e = if neg { ex(ExprKind::Unary { op: sp(UnaryOp::Neg), expr: Box::new(e) }) } else { e };
            Box::new(e)
        });
        // ... in every operand position: before `within`, before or in a comparison chain, before `in`,
        // before an operator.
        let if_somewhere = (if_operand, boxed(), inner.clone(), cmp(), bin(), prop::option::of(number()), 0u8..7)
            .prop_map(|(i, x, y, op, bin, within, at)| {
                ex(match at {
                    0 => ExprKind::Approx {
                        lhs: x,
                        rhs: i,
                        within: Some(sp(within.unwrap_or(Quantity::new(1.into(), Unit::None)))),
                    },
                    1 => ExprKind::Approx { lhs: i, rhs: x, within: within.map(sp) },
                    2 => ExprKind::Compare { first: i, rest: vec![(sp(op), *x)] },
                    3 => ExprKind::Compare { first: x, rest: vec![(sp(op), *i), (sp(op), y)] },
                    4 => ExprKind::In { value: i, range: x },
                    5 => ExprKind::Binary { op: sp(bin), lhs: i, rhs: x },
                    _ => ExprKind::AtPeriod { expr: i, period: sp(PeriodRef::Offset(-1, Step::Year)) },
                })
            });
        prop_oneof![
            2 => if_somewhere,
            3 => (bin(), boxed(), boxed()).prop_map(|(op, lhs, rhs)| ex(ExprKind::Binary { op: sp(op), lhs, rhs })),
            1 => (prop::bool::ANY, boxed()).prop_map(|(not, expr)| {
                let op = if not { UnaryOp::Not } else { UnaryOp::Neg };
                ex(ExprKind::Unary { op: sp(op), expr })
            }),
            1 => (boxed(), prop::collection::vec((cmp(), inner.clone()), 1..3)).prop_map(|(first, rest)| {
                ex(ExprKind::Compare { first, rest: rest.into_iter().map(|(op, e)| (sp(op), e)).collect() })
            }),
            1 => (boxed(), boxed(), prop::option::of(number()))
                .prop_map(|(lhs, rhs, within)| ex(ExprKind::Approx { lhs, rhs, within: within.map(sp) })),
            1 => (boxed(), boxed()).prop_map(|(value, range)| ex(ExprKind::In { value, range })),
            1 => (boxed(), period_ref()).prop_map(|(expr, p)| ex(ExprKind::AtPeriod { expr, period: sp(p) })),
            1 => (boxed(), entity()).prop_map(|(expr, e)| ex(ExprKind::Peer { expr, entity: sp(e) })),
            1 => (boxed(), prop::sample::select(vec!["hyperscalers", "peers"]))
                .prop_map(|(expr, g)| ex(ExprKind::PeerGroup { expr, group: sp(g.to_owned()) })),
            1 => (func, prop::collection::vec(inner.clone(), 0..3))
                .prop_map(|(f, args)| ex(ExprKind::Call { func: sp(f.to_owned()), args })),
            1 => (boxed(), boxed(), boxed())
                .prop_map(|(cond, then, otherwise)| ex(ExprKind::If { cond, then, otherwise })),
            1 => boxed().prop_map(|e| ex(ExprKind::Paren(e))),
        ]
    })
}

/// The level of an expression in the precedence table, loosest first.
fn level(e: &Expr) -> u8 {
    match &e.node {
        ExprKind::Binary { op, .. } => match op.node {
            BinOp::Or => 1,
            BinOp::And => 2,
            BinOp::Add | BinOp::Sub => 5,
            BinOp::Mul | BinOp::Div => 6,
        },
        ExprKind::Unary { op, .. } if op.node == UnaryOp::Not => 3,
        ExprKind::Unary { .. } => 7,
        ExprKind::Compare { .. } | ExprKind::Approx { .. } | ExprKind::In { .. } => 4,
        ExprKind::AtPeriod { .. } | ExprKind::Peer { .. } | ExprKind::PeerGroup { .. } => 8,
        _ => 9,
    }
}

/// What follows an operand in the printed text, as far as an `if` before it cares: an operator, or
/// `End` for the end or a token no expression takes in (`)`, `,`, `then`, `else`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Next {
    End,
    Or,
    And,
    Cmp,
    Approx,
    In,
    Within,
    Add,
    Mul,
    Index,
}

/// What a binary operator is as a following token.
fn bin_next(op: BinOp) -> Next {
    match op {
        BinOp::Or => Next::Or,
        BinOp::And => Next::And,
        BinOp::Add | BinOp::Sub => Next::Add,
        BinOp::Mul | BinOp::Div => Next::Mul,
    }
}

/// Whether the text of `e` (its parentheses in place), read by the grammar's rule of level `from` and
/// followed by `next`, would take `next` in. PEG rules are greedy: the rules still open at the right
/// edge (from `from` down to the node's own level, then those of its last operand) take every
/// operator they can, so an `if` whose `else` branch can take the next operator must be wrapped.
fn takes(e: &Expr, from: u8, next: Next) -> bool {
    let open = |level: u8| match level {
        1 => next == Next::Or,
        2 => next == Next::And,
        4 => matches!(next, Next::Cmp | Next::Approx | Next::In), // no comparison read yet
        5 => next == Next::Add,
        6 => next == Next::Mul,
        8 => next == Next::Index,
        _ => false,
    };
    if next == Next::End || (from..level(e)).any(open) {
        return next != Next::End;
    }
    match &e.node {
        ExprKind::Binary { op, rhs, .. } => bin_next(op.node) == next || takes(rhs, level(e) + 1, next),
        ExprKind::Unary { op, expr } => takes(expr, if op.node == UnaryOp::Not { 3 } else { 7 }, next),
        ExprKind::Compare { rest, .. } => next == Next::Cmp || takes(&rest.last().unwrap().1, 5, next),
        ExprKind::Approx { rhs, within, .. } => match within {
            None => next == Next::Within || takes(rhs, 5, next),
            Some(_) => false, // the tolerance is a number, not a sum: nothing goes on after it
        },
        ExprKind::In { range, .. } => takes(range, 5, next),
        ExprKind::AtPeriod { .. } | ExprKind::Peer { .. } | ExprKind::PeerGroup { .. } => next == Next::Index,
        ExprKind::If { otherwise, .. } => takes(otherwise, 1, next),
        _ => false,
    }
}

/// The span that marks the parentheses [`grammatical`] adds.
const ADDED: Span = Span { start: 1, end: 1 };

/// Wraps in `Paren` what the grammar could not read back without, and nothing else: the tree a
/// parser would build from the text with the fewest parentheses. `min` is the level the grammar
/// wants there, `next` what follows. The `Paren`s it adds carry the span [`ADDED`].
fn grammatical(e: Expr, min: u8, next: Next) -> Expr {
    if level(&e) < min {
        return ex_at(ExprKind::Paren(Box::new(operands(e, Next::End))), ADDED);
    }
    let bare = operands(e.clone(), next);
    match &bare.node {
        ExprKind::If { otherwise, .. } if takes(otherwise, 1, next) => {
            ex_at(ExprKind::Paren(Box::new(operands(e, Next::End))), ADDED)
        }
        _ => bare,
    }
}

/// Makes the operands of `e` grammatical, `e` being followed by `next`.
fn operands(e: Expr, next: Next) -> Expr {
    let g = |e: Box<Expr>, min, next| Box::new(grammatical(*e, min, next));
    let own = level(&e);
    let kind = match e.node {
        ExprKind::Binary { op, lhs, rhs } => {
            let after = bin_next(op.node);
            ExprKind::Binary { op, lhs: g(lhs, own, after), rhs: g(rhs, own + 1, next) }
        }
        ExprKind::Unary { op, expr } => {
            let min = if op.node == UnaryOp::Not { 3 } else { 7 };
            ExprKind::Unary { op, expr: g(expr, min, next) }
        }
        ExprKind::Compare { first, rest } => {
            let n = rest.len();
            let rest = rest.into_iter().enumerate().map(|(i, (op, x))| {
                let after = if i + 1 == n { next } else { Next::Cmp };
                (op, grammatical(x, 5, after))
            });
            ExprKind::Compare { first: g(first, 5, Next::Cmp), rest: rest.collect() }
        }
        ExprKind::Approx { lhs, rhs, within } => {
            let after = if within.is_some() { Next::Within } else { next };
            ExprKind::Approx { lhs: g(lhs, 5, Next::Approx), rhs: g(rhs, 5, after), within }
        }
        ExprKind::In { value, range } => ExprKind::In { value: g(value, 5, Next::In), range: g(range, 5, next) },
        ExprKind::AtPeriod { expr, period } => ExprKind::AtPeriod { expr: g(expr, 8, Next::Index), period },
        ExprKind::Peer { expr, entity } => ExprKind::Peer { expr: g(expr, 8, Next::Index), entity },
        ExprKind::PeerGroup { expr, group } => ExprKind::PeerGroup { expr: g(expr, 8, Next::Index), group },
        ExprKind::Call { func, args } => {
            ExprKind::Call { func, args: args.into_iter().map(|a| grammatical(a, 1, Next::End)).collect() }
        }
        ExprKind::If { cond, then, otherwise } => {
            ExprKind::If { cond: g(cond, 1, Next::End), then: g(then, 1, Next::End), otherwise: g(otherwise, 1, next) }
        }
        ExprKind::Paren(inner) => ExprKind::Paren(g(inner, 1, Next::End)),
        other => other,
    };
    ex_at(kind, e.span)
}

/// A node with a span.
fn ex_at(kind: ExprKind, span: Span) -> Expr {
    Spanned::new(kind, span)
}

/// A full expression, as the grammar would read it.
fn any_expr() -> impl Strategy<Value = Expr> {
    raw_expr().prop_map(|e| grammatical(e, 1, Next::End))
}

/// The operands of an expression, to walk the tree.
fn children_mut(e: &mut Expr) -> Vec<&mut Expr> {
    match &mut e.node {
        ExprKind::Binary { lhs, rhs, .. } => vec![&mut **lhs, &mut **rhs],
        ExprKind::Unary { expr, .. }
        | ExprKind::AtPeriod { expr, .. }
        | ExprKind::Peer { expr, .. }
        | ExprKind::PeerGroup { expr, .. }
        | ExprKind::Paren(expr) => vec![&mut **expr],
        ExprKind::Compare { first, rest } => {
            let mut all = vec![&mut **first];
            all.extend(rest.iter_mut().map(|(_, x)| x));
            all
        }
        ExprKind::Approx { lhs, rhs, .. } => vec![&mut **lhs, &mut **rhs],
        ExprKind::In { value, range } => vec![&mut **value, &mut **range],
        ExprKind::Call { args, .. } => args.iter_mut().collect(),
        ExprKind::If { cond, then, otherwise } => vec![&mut **cond, &mut **then, &mut **otherwise],
        ExprKind::Number(_) | ExprKind::Range(_) | ExprKind::Bool(_) | ExprKind::Name(_) => Vec::new(),
    }
}

/// How many parentheses [`grammatical`] added to a tree.
fn count_added(e: &mut Expr) -> usize {
    let own = usize::from(matches!(e.node, ExprKind::Paren(_)) && e.span == ADDED);
    own + children_mut(e).into_iter().map(count_added).sum::<usize>()
}

/// Takes away the `n`th (in pre-order) of the parentheses [`grammatical`] added; `n` counts down.
fn remove_added(e: &mut Expr, n: &mut usize) {
    if matches!(e.node, ExprKind::Paren(_)) && e.span == ADDED {
        if *n == 0 {
            let ExprKind::Paren(inner) = std::mem::replace(&mut e.node, ExprKind::Bool(false)) else { unreachable!() };
            *e = *inner;
            *n = usize::MAX;
            return;
        }
        *n -= 1;
    }
    for child in children_mut(e) {
        if *n == usize::MAX {
            return;
        }
        remove_added(child, n);
    }
}

/// Text of strings: titles and paths with quotes, backslashes and `#` in them.
fn string() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 .,'#%\"\\\\]{0,12}"
}

/// Items of every form.
fn item() -> impl Strategy<Value = Item> {
    let ident = prop::sample::select(vec!["r", "margin_ok", "x2", "_cell"]);
    let severity =
        prop::option::of(prop::sample::select(vec![Severity::Error, Severity::Warning, Severity::Info]).prop_map(sp));
    let at = prop::option::of(prop_oneof![
        Just(At::Quarters),
        Just(At::Years),
        prop::collection::vec(period().prop_map(sp), 1..3).prop_map(At::Periods),
        prop::collection::vec(calendar_period().prop_map(sp), 1..3).prop_map(At::Calendar),
    ]);
    prop_oneof![
        1 => string().prop_map(|p| Item::Use(Use { path: sp(p), span: Span::default() })),
        1 => (prop::sample::select(vec!["hyperscalers", "peers"]), prop::collection::vec(entity().prop_map(sp), 1..4))
            .prop_map(|(n, members)| Item::Group(Group { name: sp(n.to_owned()), members, span: Span::default() })),
        1 => scope().prop_map(Item::Scope),
        2 => (ident.clone(), any_expr())
            .prop_map(|(n, value)| Item::Let(Let { name: sp(n.to_owned()), value, span: Span::default() })),
        3 => (ident, severity, prop::option::of(string()), at, prop::option::of(scope()), any_expr()).prop_map(|(n, severity, title, at, scope, body)| {
            Item::Rule(Rule {
                name: sp(n.to_owned()),
                severity,
                title: title.map(sp),
                at: at.map(sp),
                scope,
                body,
                span: Span::default(),
            })
        }),
    ]
}

/// A file of a few items.
fn file() -> impl Strategy<Value = File> {
    prop::collection::vec(item(), 0..5).prop_map(|items| File { items })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn printed_trees_parse_back_to_themselves(file in file()) {
        let printed = tickmark::fmt::print(&file);
        let parsed = parse(&printed, SourceId(0));
        prop_assert!(parsed.is_ok(), "does not parse:\n{}", printed);
        prop_assert_eq!(dump(&parsed.unwrap()), dump(&file), "printed:\n{}", printed);
        prop_assert_eq!(fmt(&printed), printed.clone(), "not idempotent on:\n{}", printed);
    }

    #[test]
    fn printed_trees_get_the_parentheses_they_need_and_no_others(e in raw_expr()) {
        // A tree without the parentheses the grammar needs: the printer adds exactly those that
        // `grammatical` adds (checked against the parser below), no more, no fewer.
        let let_x = |value| File { items: vec![Item::Let(Let { name: sp("x".to_owned()), value, span: Span::default() })] };
        let printed = tickmark::fmt::print(&let_x(e.clone()));
        let parsed = parse(&printed, SourceId(0));
        prop_assert!(parsed.is_ok(), "does not parse:\n{}", printed);
        prop_assert_eq!(dump(&parsed.unwrap()), dump(&let_x(grammatical(e, 1, Next::End))), "printed:\n{}", printed);
    }

    #[test]
    fn the_parentheses_added_are_all_needed(e in raw_expr()) {
        // Checks `grammatical`, and through it the formatter, which must print the same trees: each
        // pair it adds, taken away, gives a text that does not parse or means something else.
        let e = grammatical(e, 1, Next::End);
        let added = count_added(&mut e.clone());
        for n in 0..added {
            let mut without = e.clone();
            remove_added(&mut without, &mut { n });
            let file = File { items: vec![Item::Let(Let { name: sp("x".to_owned()), value: without, span: Span::default() })] };
            let mut plain = Messy { noise: Vec::new(), at: 0, notes: 0, out: String::new() };
            plain.file(&file);
            let parsed = parse(&plain.out, SourceId(0));
            prop_assert!(parsed.is_err() || dump(&parsed.unwrap()) != dump(&file), "needless parentheses: {}", plain.out);
        }
    }

    #[test]
    fn messy_texts_keep_their_meaning_and_comments(file in file(), noise in prop::collection::vec(any::<u8>(), 64)) {
        let mut messy = Messy { noise, at: 0, notes: 0, out: String::new() };
        messy.file(&file);
        let text = messy.out.clone();
        let parsed = parse(&text, SourceId(0));
        prop_assert!(parsed.is_ok(), "the messy text does not parse:\n{}", text);
        prop_assert_eq!(dump(&parsed.unwrap()), dump(&file), "messy:\n{}", text);
        let formatted = fmt(&text);
        prop_assert_eq!(dump(&tree(&formatted)), dump(&file), "formatted:\n{}", formatted);
        for n in 0..messy.notes {
            let note = format!("# n{n};");
            prop_assert_eq!(formatted.matches(&note).count(), 1, "{} lost in:\n{}\nfrom:\n{}", note, formatted, text);
        }
        prop_assert_eq!(comments(&formatted), comments(&text));
        prop_assert_eq!(fmt(&formatted), formatted.clone(), "not idempotent on:\n{}\nfrom:\n{}", formatted, text);
    }
}

/// Writes a tree as a person in a hurry would: random blanks, line breaks and comments wherever the
/// grammar allows them, units attached or not.
struct Messy {
    noise: Vec<u8>,
    at: usize,
    /// How many comments were written: `# n0;`, `# n1;`, ...
    notes: usize,
    out: String,
}

impl Messy {
    /// The next random byte; with no noise, always 9 (single blanks, no comments).
    fn roll(&mut self) -> u8 {
        if self.noise.is_empty() {
            return 9;
        }
        let b = self.noise[self.at % self.noise.len()].wrapping_add((self.at / self.noise.len()) as u8);
        self.at += 1;
        b
    }

    /// White space between two tokens: at least a blank if `needed`.
    fn sep(&mut self, needed: bool) {
        let choice = self.roll() % 10;
        let text = match choice {
            0 if !needed => String::new(),
            1 if !needed => String::new(),
            2 => "  ".to_owned(),
            3 => "\n".to_owned(),
            4 => "\n\n   ".to_owned(),
            5 => "\t".to_owned(),
            6 | 7 => {
                self.notes += 1;
                let own_line = if self.roll().is_multiple_of(2) { "\n" } else { "" };
                format!("{own_line} # n{}; \"q\" #\n  ", self.notes - 1)
            }
            _ => " ".to_owned(),
        };
        self.out.push_str(&text);
    }

    /// A token.
    fn tok(&mut self, text: &str) {
        self.out.push_str(text);
    }

    /// Writes a file.
    fn file(&mut self, file: &File) {
        self.sep(false);
        for item in &file.items {
            self.item(item);
            self.sep(true);
        }
    }

    /// Writes an item.
    fn item(&mut self, item: &Item) {
        match item {
            Item::Use(u) => {
                self.tok("use");
                self.sep(true);
                self.tok(&quoted(&u.path.node));
            }
            Item::Metric(m) => {
                self.tok("metric");
                for (i, n) in m.names.iter().enumerate() {
                    self.sep(i == 0);
                    if i > 0 {
                        self.tok(",");
                        self.sep(false);
                    }
                    self.tok(&n.node);
                }
                self.tok(":");
                self.sep(false);
                self.tok(&m.dim.node);
            }
            Item::Group(g) => {
                self.tok("group");
                self.sep(true);
                self.tok(&g.name.node);
                self.sep(false);
                self.tok("=");
                for (i, m) in g.members.iter().enumerate() {
                    self.sep(false);
                    if i > 0 {
                        self.tok(",");
                        self.sep(false);
                    }
                    self.tok(&entity_written(&m.node));
                }
            }
            Item::Scope(s) => self.scope(s),
            Item::Let(l) => {
                self.tok("let");
                self.sep(true);
                self.tok(&l.name.node);
                self.sep(false);
                self.tok("=");
                self.sep(false);
                self.expr(&l.value);
            }
            Item::Rule(r) => self.rule(r),
        }
    }

    /// Writes a rule.
    fn rule(&mut self, r: &Rule) {
        self.tok("rule");
        self.sep(true);
        self.tok(&r.name.node);
        if let Some(s) = &r.severity {
            self.sep(true);
            self.tok(&format!("{:?}", s.node).to_lowercase());
        }
        if let Some(t) = &r.title {
            self.sep(false);
            self.tok(&quoted(&t.node));
        }
        if let Some(at) = &r.at {
            self.sep(true);
            self.tok("at");
            self.sep(true);
            match &at.node {
                At::Quarters => self.tok("quarters"),
                At::Years => self.tok("years"),
                At::Calendar(ps) => {
                    for (i, p) in ps.iter().enumerate() {
                        if i > 0 {
                            self.sep(false);
                            self.tok(",");
                            self.sep(false);
                        }
                        let text = p.node.to_string();
                        let text = if self.roll().is_multiple_of(2) { text.to_lowercase() } else { text };
                        self.tok(&text);
                    }
                }
                At::Periods(ps) => {
                    for (i, p) in ps.iter().enumerate() {
                        if i > 0 {
                            self.sep(false);
                            self.tok(",");
                            self.sep(false);
                        }
                        let text = if self.roll().is_multiple_of(2) {
                            p.node.to_string().to_lowercase()
                        } else {
                            p.node.to_string()
                        };
                        self.tok(&text);
                    }
                }
            }
        }
        if let Some(scope) = &r.scope {
            self.sep(true);
            self.scope(scope);
        }
        self.sep(false);
        self.tok(":");
        self.sep(false);
        self.expr(&r.body);
    }

    /// Writes `for MEMBER, MEMBER`.
    fn scope(&mut self, scope: &Scope) {
        self.tok("for");
        for (i, m) in scope.members.iter().enumerate() {
            self.sep(i == 0);
            if i > 0 {
                self.tok(",");
                self.sep(false);
            }
            match &m.node {
                ScopeMember::Entity(name) => self.tok(&entity_written(name)),
                ScopeMember::Group(name) => self.tok(name),
                ScopeMember::Attribute { key, equal, value } => {
                    self.tok(key);
                    self.sep(false);
                    self.tok(if *equal { "==" } else { "!=" });
                    self.sep(false);
                    self.tok(&quoted(value));
                }
            }
        }
    }

    /// Writes an expression; its tree already has the parentheses the grammar needs.
    fn expr(&mut self, e: &Expr) {
        match &e.node {
            ExprKind::Binary { op, lhs, rhs } => {
                // a space is needed after words, and after `-` (`a - -b` must not read as `a --b`)
                let needed = matches!(op.node, BinOp::Or | BinOp::And | BinOp::Sub);
                self.binary(lhs, op.node.as_str(), needed, rhs);
            }
            ExprKind::Unary { op, expr } => {
                let not = op.node == UnaryOp::Not;
                self.tok(if not { "not" } else { "-" });
                self.sep(not || matches!(&expr.node, ExprKind::Range(r) if r.lo.is_some()) || is_indexed_range(expr));
                self.expr(expr);
            }
            ExprKind::Compare { first, rest } => {
                self.expr(first);
                for (op, x) in rest {
                    self.sep(false);
                    self.tok(op.node.as_str());
                    self.sep(false);
                    self.expr(x);
                }
            }
            ExprKind::Approx { lhs, rhs, within } => {
                self.binary(lhs, "~=", false, rhs);
                if let Some(w) = within {
                    self.sep(true);
                    self.tok("within");
                    self.sep(true);
                    self.number(&w.node);
                }
            }
            ExprKind::In { value, range } => self.binary(value, "in", true, range),
            ExprKind::AtPeriod { expr, period } => {
                self.expr(expr);
                self.sep(false);
                self.tok("[");
                self.sep(false);
                let text = match period.node {
                    PeriodRef::Offset(n, step) => {
                        let step = match (step, self.roll() % 2) {
                            (Step::Year, 0) => "y",
                            (Step::Year, _) => "Y",
                            (Step::Quarter, 0) => "q",
                            (Step::Quarter, _) => "Q",
                        };
                        format!("{}{}{step}", if n < 0 { '-' } else { '+' }, n.unsigned_abs())
                    }
                    PeriodRef::Absolute(p) => p.to_string(),
                    // `Q1` and `FY` in either case, as a period may be written.
                    PeriodRef::Fiscal(part) if self.roll().is_multiple_of(2) => part.to_string().to_ascii_lowercase(),
                    PeriodRef::Fiscal(part) => part.to_string(),
                    PeriodRef::Given(vintage) => vintage.to_string(),
                    PeriodRef::Calendar(c) => c.to_string(),
                };
                self.tok(&text);
                self.sep(false);
                self.tok("]");
            }
            ExprKind::Peer { expr, entity } => {
                self.expr(expr);
                self.sep(true);
                self.tok("of");
                self.sep(true);
                self.tok(&entity_written(&entity.node));
            }
            ExprKind::PeerGroup { expr, group } => {
                self.expr(expr);
                self.sep(true);
                self.tok("of");
                self.sep(true);
                self.tok(&group.node);
            }
            _ => self.atom(e),
        }
    }

    /// Writes an atom.
    fn atom(&mut self, e: &Expr) {
        match &e.node {
            ExprKind::Number(q) => self.number(q),
            ExprKind::Range(r) => {
                if let Some(lo) = &r.lo {
                    self.number(lo);
                    // No comment here: `-1 # c` + `..2` reads as `-(1..2)` (neg_op looks past blanks
                    // but not past comments).
                    let gap = ["", " ", "\n  "][self.roll() as usize % 3];
                    self.tok(gap);
                }
                self.tok("..");
                if let Some(hi) = &r.hi {
                    self.sep(false);
                    self.number(hi);
                }
            }
            ExprKind::Bool(b) => self.tok(if *b { "true" } else { "false" }),
            ExprKind::Name(n) => {
                let text = match n.scenario {
                    Some(s) => format!("{}.{}", s.as_str(), n.path),
                    None => n.path.clone(),
                };
                self.tok(&text);
            }
            ExprKind::Call { func, args } => {
                self.tok(&func.node);
                self.tok("(");
                for (i, a) in args.iter().enumerate() {
                    self.sep(false);
                    if i > 0 {
                        self.tok(",");
                        self.sep(false);
                    }
                    self.expr(a);
                }
                if !args.is_empty() && self.roll().is_multiple_of(4) {
                    self.tok(",");
                }
                self.sep(false);
                self.tok(")");
            }
            ExprKind::If { cond, then, otherwise } => {
                self.tok("if");
                self.sep(true);
                self.expr(cond);
                self.sep(true);
                self.tok("then");
                self.sep(true);
                self.expr(then);
                self.sep(true);
                self.tok("else");
                self.sep(true);
                self.expr(otherwise);
            }
            ExprKind::Paren(x) => {
                self.tok("(");
                self.sep(false);
                self.expr(x);
                self.sep(false);
                self.tok(")");
            }
            _ => unreachable!("not an atom"),
        }
    }

    /// `a OP b`, blanks around `OP` required if `needed`.
    fn binary(&mut self, lhs: &Expr, op: &str, needed: bool, rhs: &Expr) {
        self.expr(lhs);
        self.sep(needed);
        self.tok(op);
        self.sep(needed);
        self.expr(rhs);
    }

    /// A number: its digits, then its unit attached or after blanks (never a line break).
    fn number(&mut self, q: &Quantity) {
        let digits = q.value.abs().to_string();
        if q.value.is_sign_negative() && !q.value.is_zero() {
            self.tok("-");
        }
        self.tok(&digits);
        let unit = match q.unit {
            Unit::None => return,
            Unit::Ratio(RatioStyle::Percent) => "%".to_owned(),
            Unit::Money(c, s) if s != Scale::One => {
                let gap = if self.roll().is_multiple_of(2) { " " } else { " \t " };
                format!("{}{gap}{}", c.as_str(), Unit::Money(c, s).to_string().split(' ').nth(1).unwrap_or(""))
            }
            other => other.to_string(),
        };
        let gap = ["", " ", "\t", "   "][self.roll() as usize % 4];
        self.tok(gap);
        self.tok(&unit);
    }
}

/// Whether an expression is a range with a lower bound under period indexes: `5..7[-1y]`.
fn is_indexed_range(e: &Expr) -> bool {
    match &e.node {
        ExprKind::AtPeriod { expr, .. } | ExprKind::Peer { expr, .. } | ExprKind::PeerGroup { expr, .. } => {
            is_indexed_range(expr)
        }
        ExprKind::Range(r) => r.lo.is_some(),
        _ => false,
    }
}

/// A string literal for a text.
fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

// ----- the command

/// A temporary rule repository with the given files.
fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// Runs the binary in a folder: exit code, stdout, stderr.
fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out =
        Command::new(env!("CARGO_BIN_EXE_tickmark")).args(args).current_dir(dir).env("NO_COLOR", "1").output().unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.code().unwrap_or(-1), text(&out.stdout), text(&out.stderr))
}

const MESSY: &str = "# cells\nlet   margin=operating_income/revenue # a cell\nrule positive warning \"Margin is positive\" at 2025Q4: margin>0\n";
const TIDY: &str = "rule tidy:\n  a < b\n";

#[test]
fn check_shows_a_diff_and_changes_nothing() {
    let dir =
        repo(&[("tickmark.toml", "rules = [\"rules\"]\n"), ("rules/messy.tick", MESSY), ("rules/tidy.tick", TIDY)]);
    let (code, stdout, stderr) = run(dir.path(), &["fmt", "--check"]);
    assert_eq!(code, 1, "a file would change: exit code 1");
    assert_eq!(stderr, "");
    assert_eq!(std::fs::read_to_string(dir.path().join("rules/messy.tick")).unwrap(), MESSY, "--check wrote a file");
    settings().bind(|| insta::assert_snapshot!("fmt_check_diff", stdout));

    let (code, stdout, _) = run(dir.path(), &["fmt", "--check", "rules/tidy.tick"]);
    assert_eq!((code, stdout.as_str()), (0, "0 files would be reformatted, 1 already formatted\n"));
}

#[test]
fn fmt_writes_the_files_once() {
    let dir = repo(&[("rules/messy.tick", MESSY), ("rules/nested/tidy.tick", TIDY), ("notes.txt", "not rules")]);
    let (code, stdout, stderr) = run(dir.path(), &["fmt", "rules"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    assert_eq!(stdout, "formatted rules/messy.tick\n1 file formatted, 1 unchanged\n");
    let written = std::fs::read_to_string(dir.path().join("rules/messy.tick")).unwrap();
    assert_eq!(written, fmt(MESSY));
    settings().bind(|| insta::assert_snapshot!("fmt_written", written));

    let (code, stdout, _) = run(dir.path(), &["fmt"]);
    assert_eq!((code, stdout.as_str()), (0, "0 files formatted, 2 unchanged\n"), "the second run changes nothing");
    let (code, _, _) = run(dir.path(), &["fmt", "--check", "rules"]);
    assert_eq!(code, 0);
    let left: Vec<_> = std::fs::read_dir(dir.path().join("rules")).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left.len(), 2, "a temporary file was left behind: {left:?}");
}

#[test]
fn keeps_the_line_endings_of_a_file_on_disk() {
    let crlf = "\u{FEFF}# cells\r\nlet margin = operating_income / revenue  # a cell\r\n\r\nrule positive:\r\n  margin > 0\r\n";
    let dir = repo(&[("rules/crlf.tick", crlf), ("rules/messy.tick", &MESSY.replace('\n', "\r\n"))]);
    let (code, stdout, _) = run(dir.path(), &["fmt", "--check", "rules/crlf.tick"]);
    assert_eq!((code, stdout.as_str()), (0, "0 files would be reformatted, 1 already formatted\n"));
    let (code, _, stderr) = run(dir.path(), &["fmt", "rules"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    assert_eq!(std::fs::read_to_string(dir.path().join("rules/crlf.tick")).unwrap(), crlf, "a formatted file changed");
    let written = std::fs::read_to_string(dir.path().join("rules/messy.tick")).unwrap();
    assert_eq!(written, fmt(MESSY).replace('\n', "\r\n"));
    let (code, _, _) = run(dir.path(), &["fmt", "--check", "rules"]);
    assert_eq!(code, 0);
}

#[test]
fn a_file_that_does_not_parse_stops_everything() {
    let broken = "rule broken \"no colon\" a > b\n";
    let dir = repo(&[("rules/a_messy.tick", MESSY), ("rules/b_broken.tick", broken)]);
    for args in [&["fmt", "rules"][..], &["fmt", "--check", "rules"]] {
        let (code, stdout, stderr) = run(dir.path(), args);
        assert_eq!(code, 2, "a file that does not parse: exit code 2");
        assert_eq!(stdout, "");
        assert_eq!(std::fs::read_to_string(dir.path().join("rules/b_broken.tick")).unwrap(), broken);
        assert_eq!(
            std::fs::read_to_string(dir.path().join("rules/a_messy.tick")).unwrap(),
            MESSY,
            "a file was written"
        );
        settings().bind(|| insta::assert_snapshot!("fmt_broken", stderr));
    }
}

#[test]
fn help_shows_an_example() {
    let (code, stdout, _) = run(&root(), &["fmt", "--help"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("tickmark fmt --check rules"), "{stdout}");
}

/// A file with a second hard link is not replaced: a rename would give the other name the old text
/// and this one the new. It is named, exit 2, and both names keep the same, unchanged text.
#[cfg(unix)]
#[test]
fn a_hard_linked_file_is_left_as_it_is_and_named() {
    let dir = repo(&[("rules/messy.tick", MESSY), ("rules/tidy.tick", TIDY)]);
    std::fs::hard_link(dir.path().join("rules/messy.tick"), dir.path().join("other.tick")).unwrap();
    let (code, stdout, stderr) = run(dir.path(), &["fmt", "rules"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("cannot write `rules/messy.tick`: it has 2 hard links"), "{stderr}");
    assert!(stdout.contains("0 files formatted, 1 unchanged"), "{stdout}");
    assert_eq!(std::fs::read_to_string(dir.path().join("rules/messy.tick")).unwrap(), MESSY);
    assert_eq!(std::fs::read_to_string(dir.path().join("other.tick")).unwrap(), MESSY);
}

/// The formatted file keeps its permissions (0o640 stays 0o640, not the umask's 0o644).
#[cfg(unix)]
#[test]
fn a_formatted_file_keeps_its_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = repo(&[("rules/messy.tick", MESSY)]);
    let path = dir.path().join("rules/messy.tick");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    let (code, _, stderr) = run(dir.path(), &["fmt", "rules"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), fmt(MESSY));
    assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o640);
}

/// A change made between reading a file and writing it (an editor saving it) is not lost: the write
/// is refused and the file holds the change, with no temporary left behind.
#[test]
fn a_file_changed_since_it_was_read_is_not_written_over() {
    use tickmark::fsutil::{AsRead, Refused, write_if_unchanged};
    let dir = repo(&[("messy.tick", MESSY)]);
    let path = dir.path().join("messy.tick");
    let read = AsRead::of(&path, MESSY.as_bytes()).unwrap();
    // the same size, so only the time or the bytes can tell
    let edited = MESSY.replace("margin>0", "margin<0");
    std::fs::write(&path, &edited).unwrap();
    let refused = write_if_unchanged(&path, &fmt(MESSY), &read).unwrap_err();
    assert!(matches!(refused, Refused::Changed), "{refused}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), edited);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "a temporary was left behind");
    // unchanged since read: written
    let read = AsRead::of(&path, edited.as_bytes()).unwrap();
    write_if_unchanged(&path, &fmt(&edited), &read).unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), fmt(&edited));
}

/// `--check` on a file whose every line changes: a diff that replaces the lines, in linear work (the
/// bound itself is counted in `report::diff`'s tests; this runs the command on the case).
#[test]
fn check_diffs_a_long_file_of_changed_lines() {
    let text: String = (0..3000).map(|i| format!("rule r{i} at 2025Q4:revenue-cost=={i}\n")).collect();
    let dir = repo(&[("long.tick", &text)]);
    let (code, stdout, _) = run(dir.path(), &["fmt", "--check", "long.tick"]);
    assert_eq!(code, 1);
    assert!(
        stdout.starts_with("--- long.tick\n+++ long.tick\n@@ -1,3000 +1,8999 @@\n-rule r0 at"),
        "{}",
        &stdout[..200]
    );
    assert_eq!(stdout.lines().filter(|l| l.starts_with('-')).count(), 3001);
}
