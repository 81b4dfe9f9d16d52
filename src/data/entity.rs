//! What a data file says about its entity besides figures: `name`, `currency`, `fiscal_year_end`,
//! `sector` and free attributes (`[attributes]`), with where each was written.
//!
//! Several files may describe one entity; they must agree. The first file given wins, and a later
//! file that says otherwise is an [`AttributeConflict`], reported as a warning that points at both,
//! as two figures of one fact that do not meet are.

use std::collections::BTreeMap;

use crate::calendar::YearEnd;
use crate::diag::Diag;
use crate::source::Sources;

use super::sheet::Origin;

/// The attributes with a meaning of their own, written at the top of a data file.
pub const NAMED: [&str; 4] = ["name", "currency", "fiscal_year_end", "sector"];

/// One attribute of an entity as a file gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    pub entity: String,
    /// `sector`, `fiscal_year_end`, or a key of `[attributes]`.
    pub key: String,
    pub value: String,
    pub origin: Origin,
}

/// Two files that give one attribute of an entity different values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributeConflict {
    /// The value used: from the file given first.
    pub kept: Attribute,
    pub other: Attribute,
}

/// Every entity's attributes, by entity and key.
#[derive(Debug, Clone, Default)]
pub struct Attributes {
    by_entity: BTreeMap<String, BTreeMap<String, Attribute>>,
    pub conflicts: Vec<AttributeConflict>,
}

impl Attributes {
    /// Adds an attribute; one the entity has already is kept, and a different value is a conflict.
    pub fn add(&mut self, attribute: Attribute) {
        let entity = self.by_entity.entry(attribute.entity.clone()).or_default();
        match entity.get(&attribute.key) {
            Some(kept) if kept.value != attribute.value => {
                self.conflicts.push(AttributeConflict { kept: kept.clone(), other: attribute });
            }
            Some(_) => {}
            None => _ = entity.insert(attribute.key.clone(), attribute),
        }
    }

    /// An entity's attributes, by key.
    pub fn of(&self, entity: &str) -> impl Iterator<Item = &Attribute> {
        self.by_entity.get(entity).into_iter().flat_map(BTreeMap::values)
    }

    /// One attribute of an entity.
    pub fn get(&self, entity: &str, key: &str) -> Option<&Attribute> {
        self.by_entity.get(entity)?.get(key)
    }

    /// The day an entity's fiscal year ends; `None` for a calendar year (checked when read).
    pub fn year_end(&self, entity: &str) -> Option<YearEnd> {
        YearEnd::parse(&self.get(entity, "fiscal_year_end")?.value)
    }

    /// Every key some entity gives, for did-you-mean.
    pub fn keys(&self) -> std::collections::BTreeSet<&str> {
        self.by_entity.values().flat_map(|a| a.keys().map(String::as_str)).collect()
    }
}

/// The warning for two files that disagree on an attribute.
pub fn conflict_diag(c: &AttributeConflict, sources: &Sources) -> Diag {
    let (kept, other) = (crate::escape::excerpt(&c.kept.value), crate::escape::excerpt(&c.other.value));
    let (key, entity) = (&c.kept.key, &c.kept.entity);
    let first = Diag::warning("conflict", format!("the first source says `{key} = \"{kept}\"`, and is used"))
        .in_file(c.kept.origin.file)
        .primary(c.kept.origin.span, "used");
    Diag::warning("conflict", format!("sources disagree on the {key} of {entity}: \"{kept}\" vs \"{other}\""))
        .in_file(c.other.origin.file)
        .primary(c.other.origin.span, format!("this source says \"{other}\""))
        .with_help(format!(
            "an entity has one {key}; the first file given wins ({}): correct the other file",
            sources.location(c.kept.origin.file, c.kept.origin.span)
        ))
        .with_related(first)
}
