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
    let _ = writeln!(
        out,
        "# {}: imported by `tickmark import sec` from {}.",
        comment(&import.source_name()),
        comment(from)
    );
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
    for split in &import.splits {
        let _ = writeln!(out, "# Stock split: {}.", comment(&split.describe()));
    }
    if !import.conflicts.is_empty() {
        let _ = writeln!(
            out,
            "# Other values in earlier filings: {} (each below the fact it concerns). Read from the JSON, one\n\
             # filed on another day is an earlier vintage of the fact (`[given -1]`), one filed the same day a\n\
             # conflict; this file keeps the latest value only.",
            import.conflicts.len()
        );
    }
    let _ = writeln!(out, "\nentity = {}", quoted(&import.entity));
    let _ = writeln!(out, "name = {}", quoted(&import.name));
    if let Some(year_end) = import.fiscal_year_end() {
        let _ = writeln!(out, "fiscal_year_end = {}", quoted(&year_end));
    }
    let _ = writeln!(out, "source = {}", quoted(&import.source_name()));
    let mut period: Option<Period> = None;
    for (index, fact) in import.facts.iter().enumerate() {
        if period != Some(fact.period) {
            let _ = writeln!(out, "\n[actual.{}]", fact.period);
            period = Some(fact.period);
        }
        // `show` writes a value as a cell literal that reads back to it: `102466 ± 1 USD m`.
        let _ = writeln!(out, "{} = {}  # {}", key(&fact.metric), quoted(&fact.value.show()), comment(&fact.place));
        for c in import.conflicts.iter().filter(|c| c.kept == index) {
            let what = if c.given == fact.given { "conflict" } else { "earlier vintage" };
            let _ = writeln!(out, "# {what}: {} in {}", comment(&c.value.show()), comment(&c.place));
        }
    }
    out
}

/// A TOML basic string that reads back to `text`: quotes, backslashes and every character that could
/// end a line or hide text (controls, line and paragraph separators, bidirectional controls) escaped.
pub fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if hidden(c) => _ = write!(out, "\\u{:04X}", c as u32),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Text for a comment: on one line, every character [`hidden`] (a line end, a control) written as
/// `\u{1b}`, so that nothing a filing says can end the comment and write a line of its own.
pub fn comment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if hidden(c) || c == '\t' {
            _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    out
}

/// A metric's dotted name as a TOML key: each part bare where it can be, else quoted.
fn key(metric: &str) -> String {
    let bare =
        |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    let parts: Vec<String> = metric.split('.').map(|p| if bare(p) { p.to_owned() } else { quoted(p) }).collect();
    parts.join(".")
}

/// Whether a character must not appear raw in what is written: C0 and C1 controls, DEL, the line and
/// paragraph separators, and the bidirectional controls that reorder what a reader sees.
fn hidden(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}
