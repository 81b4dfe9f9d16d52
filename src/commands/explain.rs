//! `tickmark explain RULE`: a rule's whole evaluation as a tree, check by check.

use crate::check::{AtSpec, Rule};
use crate::diag::Diag;
use crate::eval::{self, Check, Filter, Outcome};
use crate::period::Kind;
use crate::report::human::Style;
use crate::report::tree::Explainer;

use super::{Inputs, Loaded, Narrow, Output, failure, rule_names, unknown_rule};

/// Arguments of `tickmark explain`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  tickmark explain q3_net_income_growth_40pct                  every check of the rule, as trees
  tickmark explain margin_compression --entity AMZN --period 2026Q1

Each check gets a header (rule, severity, entity, period, status), then one line per sub-expression
with its value, interval and unit; a fact says the data file, line, column and source it came from.
A skipped check shows only why it was skipped, unless --period asks for it: then its tree too.
Exit codes: 0 once the rule is explained, whatever its verdicts; 2 the run could not be made.")]
pub struct Args {
    /// The rule to explain, by name.
    pub rule: String,
    #[command(flatten)]
    pub inputs: Inputs,
    #[command(flatten)]
    pub at: super::Narrowing,
}

/// Runs `tickmark explain`.
pub fn run(args: Args, style: Style) -> Output {
    let loaded = match super::load(&args.inputs) {
        Ok(loaded) => loaded,
        Err((diags, sources)) => return failure(&diags, &sources, style),
    };
    let checks = select(&args, &loaded);
    match checks {
        Ok((checks, at)) => Output::ok(render(&checks, &loaded, !at.periods.is_empty(), style)),
        Err(diags) => failure(&diags, &loaded.sources, style),
    }
}

/// The rule's checks that the arguments ask for, in the order `check` reports them.
fn select(args: &Args, loaded: &Loaded) -> Result<(Vec<Check>, Narrow), Vec<Diag>> {
    let names = rule_names(&loaded.program);
    let at = args.at.against(&loaded.sheets);
    let Some(rule) = loaded.program.rules.iter().find(|r| r.name == args.rule) else {
        let mut diags = vec![unknown_rule(&args.rule, &names)];
        diags.extend(at.err().unwrap_or_default());
        return Err(diags);
    };
    let at = at?;
    let entities = at.entity_names(&loaded.sheets);
    let filter = Filter { entities, periods: at.periods.clone(), rules: vec![rule.name.clone()] };
    let checks = eval::run(&loaded.program, &loaded.sheets, &filter, eval::Keep::NotPassed)
        .every(&loaded.program, &loaded.sheets);
    if checks.is_empty() {
        return Err(vec![nowhere(rule, &loaded.sheets, args.at.is_narrowed())]);
    }
    Ok((checks, at))
}

/// The rule has no check where the arguments point (or in the data at all).
fn nowhere(rule: &Rule, sheets: &crate::data::Sheets, narrowed: bool) -> Diag {
    let at = match &rule.at {
        AtSpec::All => "every period with data".to_owned(),
        AtSpec::Kind(Kind::Quarter) => "quarters".to_owned(),
        AtSpec::Kind(Kind::Year) => "fiscal years".to_owned(),
        AtSpec::Periods(ps) => ps.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
        AtSpec::Calendar(ps) => ps.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
    };
    let place = if narrowed { "at the entities and periods asked for" } else { "in this data" };
    // a scoped rule says where it is checked: `for MSFT`
    let scope = match rule.scopes.scopes.is_empty() {
        true => String::new(),
        false => {
            let ids = 0..sheets.entities.len() as crate::data::EntityId;
            let admitted: Vec<&str> =
                ids.filter(|&e| rule.scopes.admits(e)).map(|e| sheets.entities[e as usize].as_str()).collect();
            format!(
                " for {}",
                if admitted.is_empty() { "no entity of the data".to_owned() } else { admitted.join(", ") }
            )
        }
    };
    Diag::error("bad-argument", format!("rule `{}` has no check {place}", rule.name))
        .with_help(format!("the rule is checked at {at}{scope}"))
}

/// Every check explained, then a closing count.
fn render(checks: &[Check], loaded: &Loaded, skipped_trees: bool, style: Style) -> String {
    let explainer = Explainer { program: &loaded.program, sheets: &loaded.sheets, sources: &loaded.sources };
    let mut out = String::new();
    let mut after_tree = false;
    for check in checks {
        let tree = skipped_trees || !matches!(check.outcome, Outcome::Skip(_));
        if (tree || after_tree) && !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&explainer.check(check, tree, style));
        after_tree = tree;
    }
    out.push('\n');
    out.push_str(&count(checks));
    out
}

/// `3 checks: 1 passed, 1 failed, 0 erred; 1 skipped`
fn count(checks: &[Check]) -> String {
    let of = |f: fn(&Outcome) -> bool| checks.iter().filter(|c| f(&c.outcome)).count();
    let plural = if checks.len() == 1 { "" } else { "s" };
    format!(
        "{} check{plural}: {} passed, {} failed, {} erred; {} skipped\n",
        checks.len(),
        of(|o| matches!(o, Outcome::Pass)),
        of(|o| matches!(o, Outcome::Fail(_))),
        of(|o| matches!(o, Outcome::Error(..))),
        of(|o| matches!(o, Outcome::Skip(_))),
    )
}
