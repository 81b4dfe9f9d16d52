//! The words of a fact's key as a data file writes them: entity, scenario, period and metric name.
//!
//! Every format checks its keys here, so a misspelt scenario or a bad period reads the same in TOML,
//! CSV and JSON.

use crate::diag::Diag;
use crate::period::Period;
use crate::source::{SourceId, Span};
use crate::syntax::ast::Scenario;

pub use crate::limits::METRIC_SEGMENTS as MAX_SEGMENTS;

/// Reads a scenario word: `actual`, `guidance` or `consensus`.
pub fn scenario(word: &str, span: Span, file: SourceId) -> Result<Scenario, Diag> {
    Scenario::parse(word.trim()).ok_or_else(|| {
        let words = Scenario::ALL.map(Scenario::as_str);
        let diag = Diag::error(
            "unknown-scenario",
            format!("unknown scenario `{}`; expected `actual`, `guidance` or `consensus`", word.trim()),
        )
        .in_file(file)
        .primary(span, "not a scenario");
        match crate::suggest::did_you_mean(word.trim(), words) {
            Some(near) => diag.with_help(format!("did you mean `{near}`?")),
            None => diag,
        }
    })
}

/// Reads a period: a quarter `2025Q4` or a fiscal year `FY2025`.
pub fn period(text: &str, span: Span, file: SourceId) -> Result<Period, Diag> {
    Period::parse(text).ok_or_else(|| {
        Diag::error("bad-period", format!("`{}` is not a period", text.trim()))
            .in_file(file)
            .primary(span, Period::why_not(text))
            .with_help(Period::HELP)
    })
}

/// Checks a dotted metric name (`segment.aws.revenue`) segment by segment.
pub fn metric(name: &str, span: Span, file: SourceId) -> Result<(), Diag> {
    let name = name.trim();
    if let Some(bad) = name.split('.').find(|s| !is_segment(s)) {
        return Err(bad_segment(bad, span, file));
    }
    if name.split('.').count() > MAX_SEGMENTS {
        let message = format!("the metric name `{name}` has more than {MAX_SEGMENTS} segments");
        return Err(Diag::error("bad-metric", message).in_file(file).primary(span, "too deep"));
    }
    first_not_scenario(name, span, file)
}

/// Checks one segment of a metric name, as a TOML or JSON key gives it.
pub fn segment(name: &str, span: Span, file: SourceId) -> Result<(), Diag> {
    if is_segment(name) { Ok(()) } else { Err(bad_segment(name, span, file)) }
}

/// Fails when a metric name starts with a scenario word, which rules would read as a scenario prefix.
pub fn first_not_scenario(name: &str, span: Span, file: SourceId) -> Result<(), Diag> {
    let first = name.split('.').next().unwrap_or(name);
    match Scenario::parse(first) {
        Some(_) => Err(Diag::error("bad-metric", format!("a metric name cannot start with the scenario `{first}`"))
            .in_file(file)
            .primary(span, "starts with a scenario")
            .with_help("`actual`, `guidance` and `consensus` are reserved words; rename the metric")),
        None => Ok(()),
    }
}

/// Reads an entity name: a ticker such as `AMZN`, `BRK.B`, `7203.T` or `CIK0000320193`, of ASCII
/// letters, digits and `. - _ : / &`. Nothing invisible can split one company in two: an
/// `AMZN` with a zero-width space after it would be an entity of its own, looking just the same.
pub fn entity(text: &str, span: Span, file: SourceId) -> Result<String, Diag> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Diag::error("data", "the entity is missing")
            .in_file(file)
            .primary(span, "no entity")
            .with_help("name the company by its ticker, such as `AMZN`"));
    }
    if let Some(bad) = text.chars().find(|&c| !(c.is_ascii_alphanumeric() || ".-_:/&".contains(c))) {
        let shown: String = text
            .chars()
            .map(|c| if c.is_ascii_graphic() { c.to_string() } else { format!("\\u{{{:04X}}}", c as u32) })
            .collect();
        let label = match bad {
            ' ' => "a space".to_owned(),
            c if c.is_ascii_graphic() => format!("`{c}`"),
            c => format!("U+{:04X}", c as u32),
        };
        return Err(Diag::error("data", format!("`{shown}` is not an entity name: it holds {label}"))
            .in_file(file)
            .primary(span, "not an entity")
            .with_help(
                "name the company by its ticker, such as `AMZN` or `BRK.B`: ASCII letters, digits and `. - _ : / &`",
            ));
    }
    Ok(text.to_owned())
}

/// Whether a segment matches `[a-z_][a-z0-9_]*`.
fn is_segment(s: &str) -> bool {
    let mut bytes = s.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_lowercase() || b == b'_')
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// The error for a segment that is not `[a-z_][a-z0-9_]*`, with a fix where one is obvious.
fn bad_segment(bad: &str, span: Span, file: SourceId) -> Diag {
    let diag = Diag::error("bad-metric", format!("`{bad}` is not a metric name"))
        .in_file(file)
        .primary(span, "not a metric name");
    let fixed = bad.trim().to_ascii_lowercase().replace([' ', '-'], "_");
    if is_segment(&fixed) {
        return diag.with_help(format!("metric names are lowercase: write `{fixed}`"));
    }
    diag.with_help("a metric name is made of lowercase letters, digits and `_`, starting with a letter or `_`")
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: SourceId = SourceId(0);

    #[test]
    fn checks_the_words_of_a_key() {
        let span = Span::default();
        assert!(metric("segment.aws.revenue", span, FILE).is_ok());
        assert!(metric("Revenue", span, FILE).is_err());
        assert!(metric("guidance.revenue", span, FILE).is_err());
        assert!(metric("a..b", span, FILE).is_err());
        assert_eq!(scenario("guidence", span, FILE).unwrap_err().help.as_deref(), Some("did you mean `guidance`?"));
        assert_eq!(scenario("forecast", span, FILE).unwrap_err().help, None);
        assert!(period("2025Q5", span, FILE).is_err());
        assert_eq!(entity(" AMZN ", span, FILE).unwrap(), "AMZN");
    }
}
