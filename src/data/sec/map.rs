//! The map from XBRL concepts to metric names: the one shipped ([`DEFAULT`]) and a user's changes to it.
//!
//! ```toml
//! [metrics]
//! revenue = ["us-gaap:Revenues"]            # replaces the shipped list for `revenue`
//! segment.services.revenue = ["aapl:ServicesRevenue"]
//! gross_profit = []                         # not read
//!
//! [entities]
//! "0000320193" = "AAPL"                     # the entity of CIK 320193's file
//! ```

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::LazyLock;

use toml::de::{DeTable, DeValue};

use crate::diag::Diag;
use crate::fsutil::{TextFile, read_source};
use crate::source::{SourceId, Sources, Span, display_path};

use super::super::key;

/// The shipped map, `src/data/sec/concepts.toml`.
pub const DEFAULT: &str = include_str!("concepts.toml");

/// The shape of a map file, for help lines.
const SHAPE: &str = "a concept map has `[metrics]` (`revenue = [\"us-gaap:Revenues\"]`) and `[entities]` \
                     (`\"0000320193\" = \"AAPL\"`)";

/// Which concepts give which metric, and the names of companies.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConceptMap {
    /// Per metric, its concepts (`us-gaap:Revenues`) in order of preference.
    pub metrics: BTreeMap<String, Vec<String>>,
    /// Per CIK, the entity name to use (a ticker).
    pub entities: BTreeMap<u64, String>,
}

impl ConceptMap {
    /// The shipped map, read once.
    pub fn shipped() -> ConceptMap {
        static SHIPPED: LazyLock<ConceptMap> = LazyLock::new(|| {
            let mut map = ConceptMap::default();
            // The shipped map is tested to read without error.
            let _ = map.apply(DEFAULT, SourceId(0));
            map
        });
        SHIPPED.clone()
    }

    /// The shipped map, changed by the map file at `path` if one is given (`--sec-map`); errors point
    /// into that file.
    pub fn load(path: Option<&Path>, sources: &mut Sources) -> Result<ConceptMap, Vec<Diag>> {
        let mut map = ConceptMap::shipped();
        if let Some(path) = path {
            let file = read_source(path, display_path(path), TextFile::Config, sources).map_err(|d| vec![d])?;
            let text = sources.get(file).text().clone();
            map.apply(&text, file)?;
        }
        Ok(map)
    }

    /// For each concept, the metric it gives and its rank among that metric's concepts (0 first).
    pub fn by_concept(&self) -> BTreeMap<&str, (&str, usize)> {
        let mut out = BTreeMap::new();
        for (metric, concepts) in &self.metrics {
            for (rank, concept) in concepts.iter().enumerate() {
                out.entry(concept.as_str()).or_insert((metric.as_str(), rank));
            }
        }
        out
    }

    /// Applies a map file's text: its metrics replace those of the same name, its entities are added.
    fn apply(&mut self, text: &str, file: SourceId) -> Result<(), Vec<Diag>> {
        let root = DeTable::parse(text).map_err(|e| {
            let diag = Diag { code: "sec-map".to_owned(), ..crate::data::toml::syntax_error(text, &e, file) };
            vec![if diag.help.is_none() { diag.with_help(SHAPE) } else { diag }]
        })?;
        let mut errors = Vec::new();
        let mut tables: Vec<_> = root.get_ref().iter().collect();
        tables.sort_by_key(|(name, _)| name.span().start);
        for (name, value) in tables {
            let at = span(value.span());
            let Some(table) = table_of(value.get_ref()) else {
                errors.push(error(format!("`{}` must be a table", name.get_ref()), at, file));
                continue;
            };
            match name.get_ref().as_ref() {
                "metrics" => self.metrics(table, file, &mut errors),
                "entities" => self.entities(table, file, &mut errors),
                other => {
                    let at = span(name.span());
                    errors.push(error(format!("unknown table `{other}`"), at, file));
                }
            }
        }
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }

    /// Reads `[metrics]`: dotted keys are nested tables (`segment.services.revenue`).
    fn metrics(&mut self, table: &DeTable<'_>, file: SourceId, errors: &mut Vec<Diag>) {
        let mut flat = Vec::new();
        flatten(String::new(), table, &mut flat);
        for (metric, value, at) in flat {
            if let Err(diag) = key::metric(&metric, at, file) {
                errors.push(diag);
                continue;
            }
            let concepts = match value {
                DeValue::Array(items) => items.iter().map(|i| (i.get_ref(), span(i.span()))).collect::<Vec<_>>(),
                _ => {
                    errors.push(error(format!("`{metric}` must be a list of concepts"), at, file));
                    continue;
                }
            };
            let mut list = Vec::new();
            for (item, at) in concepts {
                match item {
                    DeValue::String(concept) if is_concept(concept) => list.push(concept.to_string()),
                    _ => errors.push(error("a concept is a string `taxonomy:Name`".into(), at, file)),
                }
            }
            if list.is_empty() {
                self.metrics.remove(&metric);
            } else {
                self.metrics.insert(metric, list);
            }
        }
    }

    /// Reads `[entities]`: CIK (with or without its leading zeros) to entity name.
    fn entities(&mut self, table: &DeTable<'_>, file: SourceId, errors: &mut Vec<Diag>) {
        let mut entries: Vec<_> = table.iter().collect();
        entries.sort_by_key(|(cik, _)| cik.span().start);
        for (cik, value) in entries {
            let at = span(value.span());
            let Ok(number) = cik.get_ref().trim_start_matches("CIK").parse::<u64>() else {
                errors.push(error(format!("`{}` is not a CIK", cik.get_ref()), span(cik.span()), file));
                continue;
            };
            match value.get_ref() {
                DeValue::String(name) => match key::entity(name, at, file) {
                    Ok(name) => {
                        self.entities.insert(number, name);
                    }
                    Err(diag) => errors.push(diag),
                },
                _ => errors.push(error("an entity is a string such as `\"AAPL\"`".into(), at, file)),
            }
        }
    }
}

/// The table a value is, if it is one.
fn table_of<'a>(value: &'a DeValue<'a>) -> Option<&'a DeTable<'a>> {
    match value {
        DeValue::Table(table) => Some(table),
        _ => None,
    }
}

/// The leaves of a table of metrics, with their dotted names, in file order.
fn flatten<'a>(prefix: String, table: &'a DeTable<'a>, out: &mut Vec<(String, &'a DeValue<'a>, Span)>) {
    let mut entries: Vec<_> = table.iter().collect();
    entries.sort_by_key(|(key, _)| key.span().start);
    for (key, value) in entries {
        let name = if prefix.is_empty() { key.get_ref().to_string() } else { format!("{prefix}.{}", key.get_ref()) };
        match value.get_ref() {
            DeValue::Table(inner) => flatten(name, inner, out),
            other => out.push((name, other, span(value.span()))),
        }
    }
}

/// Whether a text is a concept name: `taxonomy:Name`.
fn is_concept(text: &str) -> bool {
    let ok = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    text.split_once(':').is_some_and(|(taxonomy, name)| ok(taxonomy) && ok(name))
}

/// A `sec-map` error at a span.
fn error(message: String, at: Span, file: SourceId) -> Diag {
    Diag::error("sec-map", message).in_file(file).primary(at, "here").with_help(SHAPE)
}

/// A `toml` span as ours.
fn span(range: std::ops::Range<usize>) -> Span {
    Span::new(range.start, range.end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_map_reads_without_error() {
        let mut sources = Sources::default();
        let file = sources.add("concepts.toml".into(), DEFAULT);
        let mut map = ConceptMap::default();
        map.apply(DEFAULT, file).unwrap();
        assert_eq!(map.metrics["revenue"][0], "us-gaap:RevenueFromContractWithCustomerExcludingAssessedTax");
        assert_eq!(map, ConceptMap::shipped());
        assert_eq!(map.by_concept()["us-gaap:SalesRevenueNet"], ("revenue", 2));
    }

    #[test]
    fn a_user_map_replaces_adds_and_drops() {
        let text = "[metrics]\nrevenue = [\"us-gaap:Revenues\"]\nsegment.services.revenue = [\"aapl:Services\"]\n\
                    gross_profit = []\n[entities]\n\"0000320193\" = \"AAPL\"\n";
        let mut sources = Sources::default();
        let file = sources.add("map.toml".into(), text);
        let mut map = ConceptMap::shipped();
        map.apply(text, file).unwrap();
        assert_eq!(map.metrics["revenue"], ["us-gaap:Revenues"]);
        assert_eq!(map.metrics["segment.services.revenue"], ["aapl:Services"]);
        assert!(!map.metrics.contains_key("gross_profit"));
        assert_eq!(map.entities[&320193], "AAPL");
    }

    #[test]
    fn a_bad_map_says_where() {
        let text = "[metrics]\nRevenue = [\"us-gaap:Revenues\"]\nnet_income = [\"NetIncome\"]\n[entitys]\n";
        let mut sources = Sources::default();
        let file = sources.add("map.toml".into(), text);
        let errors = ConceptMap::default().apply(text, file).unwrap_err();
        let messages: Vec<_> = errors.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            ["`Revenue` is not a metric name", "a concept is a string `taxonomy:Name`", "unknown table `entitys`"]
        );
    }
}
