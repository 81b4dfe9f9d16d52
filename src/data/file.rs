//! What one data file gives: the source it names and its facts in file order, each key at most once.

use std::collections::HashMap;

use crate::date::Date;
use crate::diag::Diag;
use crate::source::Span;
use crate::syntax::ast::Scenario;

use super::sheet::{Fact, FactKey};

/// The facts of one data file, before they join the sheets.
#[derive(Debug, Default)]
pub struct DataFile {
    /// The `source = "..."` the file declares (in CSV long, its `source` column).
    pub source: Option<String>,
    /// The facts, in the order the file writes them.
    pub facts: Vec<(FactKey, Fact)>,
    /// What the file says about its entity (`sector = "cloud"`), in the order it writes them.
    pub attributes: Vec<super::entity::Attribute>,
    /// The cells that mark a figure as missing (`n/a`, `—`), in file order: no fact.
    pub missing: Vec<Span>,
    /// Each key and vintage given so far: a file may give one key at several dates (a history).
    seen: HashMap<(FactKey, Option<Date>), Span>,
}

impl DataFile {
    /// An empty file that names a source, or none.
    pub fn new(source: Option<String>) -> Self {
        DataFile { source, ..DataFile::default() }
    }

    /// Adds a fact; a key the file already gave at the same date (or undated) is a `duplicate-fact`
    /// error pointing at both.
    pub fn push(&mut self, key: FactKey, fact: Fact) -> Result<(), Diag> {
        let seen = (key, fact.given);
        if let Some(&first) = self.seen.get(&seen) {
            return Err(duplicate(&seen.0, first, fact));
        }
        self.seen.insert(seen.clone(), fact.origin.span);
        let (key, _) = seen;
        self.facts.push((key, fact));
        Ok(())
    }
}

/// The error for a fact given twice in one file.
pub(super) fn duplicate(key: &FactKey, first: Span, again: Fact) -> Diag {
    let name = match key.scenario {
        Scenario::Actual => key.metric.clone(),
        scenario => format!("{}.{}", scenario.as_str(), key.metric),
    };
    let given = again.given.map_or_else(String::new, |date| format!(" given {date}"));
    let message = format!("`{name}` of `{}` at `{}`{given} is given twice in this file", key.entity, key.period);
    Diag::error("duplicate-fact", message)
        .in_file(again.origin.file)
        .primary(again.origin.span, "given again here")
        .label(first, "first given here")
        .with_help("keep one of the two values")
}
