//! Parser tests: every fixture under `tests/fixtures/parse/ok` has its syntax tree snapshotted, every
//! one under `tests/fixtures/parse/err` its rendered diagnostics; plain assertions pin what matters.

use std::fmt::Write as _;
use std::path::Path;

use rust_decimal::Decimal;
use tickmark::diag::Diag;
use tickmark::num::{Quantity, RatioStyle, Unit};
use tickmark::source::{SourceId, Sources};
use tickmark::syntax::ast::{At, BinOp, Expr, ExprKind, File, Item, PeriodRef, UnaryOp};
use tickmark::syntax::parse;

// ----- the fixtures

#[test]
fn parses_ok_fixtures() {
    insta::glob!("..", "fixtures/parse/ok/*.tick", |path| {
        let (name, text) = read_fixture(path);
        let mut sources = Sources::default();
        let id = sources.add(name, text.clone());
        let ast = match parse(&text, id) {
            Ok(file) => dump_file(&file, &text),
            Err(diags) => panic!("{} did not parse:\n{}", path.display(), render(&diags, &sources)),
        };
        snapshot("parse_ok", &format!("----- SOURCE\n{text}\n----- AST\n{ast}"));
    });
}

#[test]
fn reports_err_fixtures() {
    insta::glob!("..", "fixtures/parse/err/*.tick", |path| {
        let (name, text) = read_fixture(path);
        let report = report_of(&name, &text);
        snapshot("parse_err", &format!("----- SOURCE\n{text}\n----- REPORT\n{report}"));
    });
}

/// Reads a fixture and the name it is shown under, relative to `tests/fixtures`.
fn read_fixture(path: &Path) -> (String, String) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let relative = path.strip_prefix(&root).unwrap_or(path);
    (relative.to_string_lossy().replace('\\', "/"), text)
}

/// Parses a text that must fail and renders its diagnostics.
fn report_of(name: &str, text: &str) -> String {
    let mut sources = Sources::default();
    let id = sources.add(name.to_owned(), text);
    match parse(text, id) {
        Ok(file) => panic!("{name} parsed but should not have:\n{}", dump_file(&file, text)),
        Err(diags) => render(&diags, &sources),
    }
}

/// Writes a snapshot in the top-level `snapshots/` folder.
fn snapshot(name: &str, body: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!(name, body));
}

/// Renders diagnostics as a user sees them, without colour.
fn render(diags: &[Diag], sources: &Sources) -> String {
    let handler = miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
        .with_width(80)
        .with_urls(false);
    let mut out = String::new();
    for diag in diags {
        handler.render_report(&mut out, &diag.render(sources)).expect("rendering to a string");
    }
    out
}

// ----- a readable dump of the tree: one S-expression per item, names with their spans

/// Dumps every item of a file.
fn dump_file(file: &File, text: &str) -> String {
    let mut out = String::new();
    for item in &file.items {
        let line = match item {
            Item::Use(u) => format!("(use {:?} @{})", u.path.node, span(u.span)),
            Item::Metric(m) => {
                let names: Vec<String> = m.names.iter().map(|n| format!("{}@{}", n.node, span(n.span))).collect();
                format!("(metric {} : {}@{})", names.join(" "), m.dim.node, span(m.dim.span))
            }
            Item::Group(g) => {
                let members: Vec<String> = g.members.iter().map(|m| format!("{}@{}", m.node, span(m.span))).collect();
                format!("(group {}@{} {})", g.name.node, span(g.name.span), members.join(" "))
            }
            Item::Scope(s) => dump_scope(s),
            Item::Let(l) => format!("(let {}@{} {})", l.name.node, span(l.name.span), dump(&l.value)),
            Item::Rule(r) => dump_rule(r),
        };
        let _ = writeln!(out, "{line}");
    }
    let _ = text;
    out
}

/// Dumps a rule with its header.
fn dump_rule(rule: &tickmark::syntax::ast::Rule) -> String {
    let mut head = format!("(rule {}@{}", rule.name.node, span(rule.name.span));
    if let Some(severity) = &rule.severity {
        let _ = write!(head, " {:?}", severity.node);
    }
    if let Some(title) = &rule.title {
        let _ = write!(head, " {:?}", title.node);
    }
    if let Some(at) = &rule.at {
        let periods = match &at.node {
            At::Quarters => "quarters".to_owned(),
            At::Years => "years".to_owned(),
            At::Periods(ps) => ps.iter().map(|p| p.node.to_string()).collect::<Vec<_>>().join(" "),
            At::Calendar(ps) => ps.iter().map(|p| p.node.to_string()).collect::<Vec<_>>().join(" "),
        };
        let _ = write!(head, " (at {periods})");
    }
    if let Some(scope) = &rule.scope {
        let _ = write!(head, " {}", dump_scope(scope));
    }
    format!("{head}\n  {})", dump(&rule.body))
}

/// Dumps a `for` clause: each member with its span.
fn dump_scope(scope: &tickmark::syntax::ast::Scope) -> String {
    use tickmark::syntax::ast::ScopeMember;
    let members: Vec<String> = scope
        .members
        .iter()
        .map(|m| match &m.node {
            ScopeMember::Entity(e) => format!("(entity {e:?})@{}", span(m.span)),
            ScopeMember::Group(g) => format!("(group {g})@{}", span(m.span)),
            ScopeMember::Attribute { key, equal, value } => {
                format!("({key} {} {value:?})@{}", if *equal { "==" } else { "!=" }, span(m.span))
            }
        })
        .collect();
    format!("(for {})", members.join(" "))
}

/// Dumps an expression as an S-expression.
fn dump(expr: &Expr) -> String {
    match &expr.node {
        ExprKind::Binary { op, lhs, rhs } => format!("({} {} {})", op.node.as_str(), dump(lhs), dump(rhs)),
        ExprKind::Unary { op, expr } => {
            let op = if op.node == UnaryOp::Not { "not" } else { "neg" };
            format!("({op} {})", dump(expr))
        }
        ExprKind::Compare { first, rest } => {
            let links: Vec<String> = rest.iter().map(|(op, e)| format!("{:?} {}", op.node, dump(e))).collect();
            format!("(cmp {} {})", dump(first), links.join(" "))
        }
        ExprKind::Approx { lhs, rhs, within } => {
            let within = within.as_ref().map_or(String::new(), |w| format!(" within {}", qty(&w.node)));
            format!("(~= {} {}{within})", dump(lhs), dump(rhs))
        }
        ExprKind::In { value, range } => format!("(in {} {})", dump(value), dump(range)),
        ExprKind::AtPeriod { expr, period } => format!("(at {} {})", dump(expr), period_ref(period.node)),
        ExprKind::Peer { expr, entity } => format!("(of {} {:?}@{})", dump(expr), entity.node, span(entity.span)),
        ExprKind::PeerGroup { expr, group } => format!("(of-group {} {}@{})", dump(expr), group.node, span(group.span)),
        _ => dump_atom(expr),
    }
}

/// Dumps an atom.
fn dump_atom(expr: &Expr) -> String {
    match &expr.node {
        ExprKind::Number(q) => qty(q),
        ExprKind::Range(r) => {
            let bound = |b: &Option<Quantity>| b.as_ref().map_or("_".to_owned(), qty);
            format!("(range {} {})", bound(&r.lo), bound(&r.hi))
        }
        ExprKind::Bool(b) => b.to_string(),
        ExprKind::Name(n) => {
            let scenario = n.scenario.map_or(String::new(), |s| format!("{}:", s.as_str()));
            format!("{scenario}{}@{}", n.path, span(expr.span))
        }
        ExprKind::Call { func, args } => {
            let args: String = args.iter().map(|a| format!(" {}", dump(a))).collect();
            format!("(call {}@{}{args})", func.node, span(func.span))
        }
        ExprKind::If { cond, then, otherwise } => {
            format!("(if {} {} {})", dump(cond), dump(then), dump(otherwise))
        }
        ExprKind::Paren(inner) => format!("(paren {})", dump(inner)),
        _ => dump(expr),
    }
}

/// A span as `start..end`.
fn span(span: tickmark::source::Span) -> String {
    format!("{}..{}", span.start, span.end)
}

/// A quantity as written, with its unit in brackets: `35[%]`, `730[USD m]`, `2`.
fn qty(q: &Quantity) -> String {
    match q.unit {
        Unit::None => q.value.to_string(),
        unit => format!("{}[{unit}]", q.value),
    }
}

/// A period reference: `-1y`, `+2q`, `2025Q1`.
fn period_ref(p: PeriodRef) -> String {
    match p {
        PeriodRef::Offset(n, step) => format!("{n:+}{}", if step == tickmark::period::Step::Year { "y" } else { "q" }),
        PeriodRef::Absolute(p) => p.to_string(),
        PeriodRef::Fiscal(part) => part.to_string(),
        PeriodRef::Given(vintage) => vintage.to_string(),
        PeriodRef::Calendar(c) => c.to_string(),
    }
}

// ----- plain assertions for what matters

/// Parses one expression through a `let`.
fn expr_of(text: &str) -> Expr {
    let source = format!("let x = {text}");
    match parse(&source, SourceId(0)) {
        Ok(file) => match file.items.into_iter().next() {
            Some(Item::Let(l)) => l.value,
            other => panic!("not a let: {other:?}"),
        },
        Err(diags) => panic!("{text:?} did not parse: {diags:?}"),
    }
}

/// The messages of the diagnostics of a text that must fail.
fn errors_of(text: &str) -> Vec<String> {
    match parse(text, SourceId(0)) {
        Ok(file) => panic!("{text:?} parsed: {file:?}"),
        Err(diags) => diags.into_iter().map(|d| d.message).collect(),
    }
}

#[test]
fn products_bind_tighter_than_sums() {
    assert_eq!(dump(&expr_of("a + b * c")), "(+ a@8..9 (* b@12..13 c@16..17))");
    assert_eq!(dump(&expr_of("a - b - c")), "(- (- a@8..9 b@12..13) c@16..17)");
    let ExprKind::Binary { op, rhs, .. } = expr_of("a + b * c").node else { panic!("not binary") };
    assert_eq!(op.node, BinOp::Add);
    assert!(matches!(rhs.node, ExprKind::Binary { op, .. } if op.node == BinOp::Mul));
}

#[test]
fn not_binds_looser_than_comparisons_and_tighter_than_and() {
    assert_eq!(dump(&expr_of("not a and b")), "(and (not a@12..13) b@18..19)");
    assert_eq!(dump(&expr_of("not a < b")), "(not (cmp a@12..13 Lt b@16..17))");
    assert_eq!(dump(&expr_of("a or b and c")), "(or a@8..9 (and b@13..14 c@19..20))");
}

#[test]
fn negation_applies_to_the_indexed_value() {
    assert_eq!(dump(&expr_of("-x[-1y]")), "(neg (at x@9..10 -1y))");
    assert_eq!(dump(&expr_of("-2%..2%")), "(range -2[%] 2[%])");
    assert_eq!(dump(&expr_of("- 2")), "(neg 2)");
}

#[test]
fn comparisons_chain() {
    assert_eq!(dump(&expr_of("a <= b <= c")), "(cmp a@8..9 Le b@13..14 Le c@18..19)");
    assert!(!errors_of("let x = a ~= b ~= c").is_empty());
    assert!(!errors_of("let x = a in r in s").is_empty());
}

#[test]
fn numbers_keep_their_written_scale_and_unit() {
    let ExprKind::Number(q) = expr_of("25.0").node else { panic!("not a number") };
    assert_eq!(q.value.scale(), 1);
    let ExprKind::Number(q) = expr_of("35%").node else { panic!("not a number") };
    assert_eq!((q.value, q.unit), (Decimal::new(35, 0), Unit::Ratio(RatioStyle::Percent)));
    let ExprKind::Number(q) = expr_of("730 USD m").node else { panic!("not a number") };
    assert_eq!(q.unit.to_string(), "USD m");
    let ExprKind::Number(q) = expr_of("5 pp").node else { panic!("not a number") };
    assert_eq!(q.unit, Unit::Ratio(RatioStyle::Pp));
}

#[test]
fn units_never_swallow_keywords() {
    let text = "a ~= 5% within 1pp and b in 1 USD..2 USD";
    assert_eq!(dump(&expr_of(text)), "(and (~= a@8..9 5[%] within 1[pp]) (in b@31..32 (range 1[USD] 2[USD])))");
    assert_eq!(dump(&expr_of("if c then 1 GW else 2 GW")), "(if c@11..12 1[GW] 2[GW])");
}

#[test]
fn spans_cover_their_nodes() {
    let e = expr_of("(a + b)[-1q] * 2");
    assert_eq!((e.span.start, e.span.end), (8, 24));
    let ExprKind::Binary { lhs, .. } = e.node else { panic!("not binary") };
    assert_eq!((lhs.span.start, lhs.span.end), (8, 20));
}

#[test]
fn keywords_end_an_expression() {
    let file = parse("let a = b\nrule r: a > 1 let c = 2", SourceId(0)).expect("parses");
    assert_eq!(file.items.len(), 3);
}

#[test]
fn keywords_after_a_dot_are_segments() {
    assert_eq!(dump(&expr_of("segment.let.revenue")), "segment.let.revenue@8..27");
    let deep = format!("let x = {}a.let{}", "(".repeat(40), "(".repeat(40));
    assert_eq!(errors_of(&deep), ["expression nested too deeply (more than 64 levels)"]);
}

#[test]
fn a_byte_order_mark_is_skipped() {
    let file = parse("\u{feff}let a = 1", SourceId(0)).expect("parses");
    assert_eq!(file.items.len(), 1);
}

#[test]
fn escapes_in_titles_are_resolved() {
    let file = parse(r#"rule r "say \"hi\" \\ bye": true"#, SourceId(0)).expect("parses");
    let Some(Item::Rule(rule)) = file.items.first() else { panic!("not a rule") };
    assert_eq!(rule.title.as_ref().map(|t| t.node.as_str()), Some(r#"say "hi" \ bye"#));
    assert_eq!(rule.title.as_ref().map(|t| (t.span.start, t.span.end)), Some((7, 26)));
}

#[test]
fn deep_nesting_is_a_diagnostic_not_a_crash() {
    for text in [
        format!("let x = {}1{}", "(".repeat(100_000), ")".repeat(100_000)),
        format!("let x = {}1", "-".repeat(100_000)),
        format!("let x = {}1", "not ".repeat(100_000)),
        format!("let x = {}", "if a then b else ".repeat(100_000)),
        format!("let x = x{}", "[-1q]".repeat(100_000)),
        format!("let x = {}", "(".repeat(100_000)),
    ] {
        let errors = errors_of(&text);
        assert_eq!(errors, ["expression nested too deeply (more than 64 levels)"]);
    }
    let long = format!("let x = 1{}", " + 1".repeat(100_000));
    assert_eq!(errors_of(&long), ["expression too long (more than 1024 operators)"]);
    let parens = format!("let x = {}1{}", "(".repeat(64), ")".repeat(64));
    let ifs = format!("let x = {}1", "if a then b else ".repeat(64));
    let indexes = format!("let x = -x{}", "[-1q]".repeat(60));
    for text in [parens, ifs, indexes] {
        assert!(parse(&text, SourceId(0)).is_ok(), "{} is fine", &text[..20]);
    }
}

#[test]
fn too_deep_nesting_reports_where() {
    let text = format!("let ok = 1\nlet x = {}1{}\nlet y = (", "(".repeat(70), ")".repeat(70));
    let report = report_of("parse/err/too_deep.tick", &text);
    snapshot("parse_err_too_deep", &format!("----- SOURCE\n{text}\n----- REPORT\n{report}"));
}

#[test]
fn every_item_reports_its_first_error() {
    let errors = errors_of("let a = \nrule b 1\nlet c = x[2025Q5]\nrule d at 2025Q5: 1 apples");
    assert_eq!(errors.len(), 5, "{errors:?}");
}

#[test]
fn an_open_string_is_blamed_only_in_its_own_item() {
    let errors = errors_of("use \"a.tick\nlet x = )");
    assert_eq!(errors, ["unterminated string", "expected an expression, found `)`"]);
    let errors = errors_of("rule r \"title: a > b\nlet x = 1");
    assert_eq!(errors, ["unterminated string"]);
}

#[test]
fn a_range_bound_without_a_unit_takes_the_other_bounds_unit() {
    let ExprKind::Range(r) = expr_of("5..7%").node else { panic!("not a range") };
    let percent = Unit::Ratio(RatioStyle::Percent);
    assert_eq!(
        (r.lo, r.hi),
        (Some(Quantity::new(Decimal::new(5, 0), percent)), Some(Quantity::new(Decimal::new(7, 0), percent)))
    );
    assert_eq!(dump(&expr_of("173.5 USD bn..178.5")), "(range 173.5[USD bn] 178.5[USD bn])");
    assert_eq!(dump(&expr_of("100..200")), "(range 100 200)");
    assert_eq!(dump(&expr_of("..7%")), "(range _ 7[%])");
}

#[test]
fn a_range_is_checked_as_a_data_cell_is() {
    assert_eq!(errors_of("rule r: revenue in 200..100"), ["the range's bounds are reversed: 200 > 100"]);
    assert_eq!(errors_of("rule r: margin in 100..20%"), ["the range's bounds are reversed: 100 > 20%"]);
    let mixed = "the bounds of a range must have one unit, found `%` and `USD bn`";
    assert_eq!(errors_of("rule r: capex in 5%..7 USD bn"), [mixed]);
    let cell = tickmark::data::parse_value("5%..7 USD bn", Unit::None).expect_err("two units");
    assert_eq!(cell.message, mixed, "a cell and a rule say the same");
    assert_eq!(errors_of("rule r: x in 5 apples..3%"), ["unknown unit `apples`"], "one error, not two");
}

#[test]
fn an_exponent_is_an_error_never_a_unit() {
    assert_eq!(errors_of("let x = 1E30"), ["`1E30` has an exponent, which a rule does not read"]);
    assert_eq!(errors_of("let x = 1e5 USD bn"), ["`1e5` has an exponent, which a rule does not read"]);
    assert_eq!(errors_of("let x = 1.5e-3"), ["`1.5e-3` has an exponent, which a rule does not read"]);
    let ExprKind::Number(q) = expr_of("5 EUR").node else { panic!("not a number") };
    assert_eq!(q.unit.to_string(), "EUR");
}

#[test]
fn fiscal_references_name_the_quarters_and_the_year_of_the_checked_period() {
    use tickmark::syntax::ast::FiscalPart;
    assert_eq!(dump(&expr_of("revenue[Q1]")), "(at revenue@8..15 Q1)");
    assert_eq!(dump(&expr_of("revenue[FY]")), "(at revenue@8..15 FY)");
    assert_eq!(dump(&expr_of("revenue[q3] + revenue[fy]")), "(+ (at revenue@8..15 Q3) (at revenue@22..29 FY))");
    assert_eq!(dump(&expr_of("revenue[Q4][-1y]")), "(at (at revenue@8..15 Q4) -1y)");
    assert_eq!(dump(&expr_of("revenue[FY2025] - revenue[FY]")), "(- (at revenue@8..15 FY2025) (at revenue@26..33 FY))");
    let ExprKind::AtPeriod { period, .. } = expr_of("x[ Q2 ]").node else { panic!("not an index") };
    assert_eq!(period.node, PeriodRef::Fiscal(FiscalPart::Quarter(2)));
    assert_eq!((period.span.start, period.span.end), (11, 13), "the span covers `Q2` only");
    let ExprKind::AtPeriod { period, .. } = expr_of("x[FY]").node else { panic!("not an index") };
    assert_eq!(period.node, PeriodRef::Fiscal(FiscalPart::Year));
}

#[test]
fn vintages_are_read_inside_brackets_and_chain_with_periods() {
    assert_eq!(dump(&expr_of("guidance.revenue[given -1]")), "(at guidance:revenue@8..24 given -1)");
    assert_eq!(dump(&expr_of("x[given  2025-10-30]")), "(at x@8..9 given 2025-10-30)");
    assert_eq!(dump(&expr_of("x[-1y][given first]")), "(at (at x@8..9 -1y) given first)");
    assert_eq!(dump(&expr_of("x[given last]")), "(at x@8..9 given last)");
    assert_eq!(errors_of("let y = x[given 2025-02-29]"), ["`2025-02-29` is not a date"]);
    assert_eq!(errors_of("let y = x[given -0]"), ["`given -0` is the default vintage"]);
    assert_eq!(
        errors_of("let y = x[given yesterday]"),
        ["expected a vintage (`-1`, a date such as `2025-10-30`, `first` or `last`), found `yesterday`"]
    );
    assert_eq!(dump(&expr_of("given + 1")), "(+ given@8..13 1)", "`given` is a name outside brackets");
}

#[test]
fn fiscal_words_are_special_only_inside_brackets() {
    assert_eq!(dump(&expr_of("q1 + fy")), "(+ q1@8..10 fy@13..15)");
    assert_eq!(dump(&expr_of("fy[FY]")), "(at fy@8..10 FY)");
    assert_eq!(errors_of("let x = FY"), ["expected an expression, found `FY`"]);
}

#[test]
fn a_quarter_that_does_not_exist_is_an_error_where_it_is_written() {
    let diags = parse("let a = revenue[Q5]\nlet b = revenue[FY2]", SourceId(0)).expect_err("does not parse");
    let found: Vec<(&str, u32, u32)> = diags
        .iter()
        .map(|d| {
            let label = d.labels.iter().find(|l| l.primary).expect("a primary label");
            (d.message.as_str(), label.span.start, label.span.end)
        })
        .collect();
    assert_eq!(found, [("`Q5` is not a quarter", 16, 18), ("`FY2` is not a period", 36, 39)]);
    assert!(diags.iter().all(|d| d.help.as_deref().is_some_and(|h| h.contains("`Q1` to `Q4`"))), "{diags:?}");
    assert_eq!(errors_of("let a = x[Q0]"), ["`Q0` is not a quarter"]);
    assert_eq!(errors_of("let a = x[Q]"), ["expected a period, found `Q`"]);
}
