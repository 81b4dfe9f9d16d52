//! An import as a TOML data file: what `tickmark import sec` writes, for reading and version control.
//!
//! The file reads back to the same facts (every value is written as a cell literal with its unit,
//! digits and margin), with each fact's provenance in a comment beside it and each earlier filing that
//! disagreed in a comment below it (a TOML file gives a fact once, so a conflict within the filings
//! is kept as a comment, not as a second value).

use std::fmt::Write;

use crate::period::Period;

use super::Import;

/// The import as a TOML data file; `from` names the companyfacts file it was read from.
pub fn toml(import: &Import, from: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}: imported by `tickmark import sec` from {from}.", import.source_name());
    if let Some(end) = import.year_end {
        let _ =
            writeln!(out, "# Periods are fiscal, from each fact's own dates; the last fiscal year end filed is {end}.");
    }
    out.push_str(
        "# Money is in millions and as precise as its filing: `416161 USD m` stands for 416,160.5..416,161.5 m;\n\
         # a quarter no filing gives is its year to date less the one before, and carries both roundings (`± 1`).\n",
    );
    if import.derived > 0 {
        let _ = writeln!(out, "# Derived quarters: {}.", import.derived);
    }
    for (why, count) in &import.unplaced {
        let _ = writeln!(out, "# Left out: {count} {}.", why.describe());
    }
    if !import.conflicts.is_empty() {
        let _ =
            writeln!(out, "# Conflicts between filings: {} (each below the fact it concerns).", import.conflicts.len());
    }
    let _ = writeln!(out, "\nentity = {}", quoted(&import.entity));
    let _ = writeln!(out, "name = {}", quoted(&import.name));
    let _ = writeln!(out, "source = {}", quoted(&import.source_name()));
    let mut period: Option<Period> = None;
    for (index, fact) in import.facts.iter().enumerate() {
        if period != Some(fact.period) {
            let _ = writeln!(out, "\n[actual.{}]", fact.period);
            period = Some(fact.period);
        }
        // `show` writes a value as a cell literal that reads back to it: `102466 ± 1 USD m`.
        let _ = writeln!(out, "{} = {}  # {}", fact.metric, quoted(&fact.value.show()), one_line(&fact.place));
        for c in import.conflicts.iter().filter(|c| c.kept == index) {
            let _ = writeln!(out, "# conflict: {} in {}", c.value.show(), one_line(&c.place));
        }
    }
    out
}

/// A TOML basic string.
fn quoted(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

/// Text for a comment: on one line.
fn one_line(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
}
