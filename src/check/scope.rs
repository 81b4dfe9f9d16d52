//! Scopes: which entities a rule is checked at (`for AMZN, MSFT`, `for hyperscalers`,
//! `for sector == "retail"`), and the groups of entities they name.
//!
//! Groups are declared once across a run (`group hyperscalers = AMZN, MSFT, GOOGL`), and a scope
//! naming a group that does not exist is an error before any data is read. Which entities a scope
//! admits is decided when the program is linked to the data: an entity named that no data file
//! gives, and an attribute test no entity passes, are warnings ("checked nowhere"), since the rule
//! silently checks less than it says.

use std::collections::BTreeSet;

use crate::data::Sheets;
use crate::diag::Diag;
use crate::source::{SourceId, Span, Spanned};
use crate::syntax::ast::{self, Item, ScopeMember};

use super::RuleFile;
use super::program::{CScope, GroupDef, Member, Program, Scopes};

/// The groups of every rule file; a group declared twice is an error naming both places.
pub fn groups(files: &[RuleFile], errors: &mut Vec<Diag>) -> Vec<GroupDef> {
    let mut groups: Vec<GroupDef> = Vec::new();
    for rf in files {
        for item in &rf.ast.items {
            let Item::Group(g) = item else { continue };
            if let Some(first) = groups.iter().find(|d| d.name == g.name.node) {
                let diag = Diag::error("duplicate-name", format!("the group `{}` is defined twice", g.name.node))
                    .in_file(rf.file)
                    .primary(g.name.span, "defined again here")
                    .with_help("group names are unique across a run: rename one, or merge their members");
                errors.push(if first.file == rf.file {
                    diag.label(first.span, "first defined here")
                } else {
                    diag.with_related(
                        Diag::error("duplicate-name", format!("`{}` is first defined here", g.name.node))
                            .in_file(first.file)
                            .primary(first.span, "first defined here"),
                    )
                });
                continue;
            }
            groups.push(GroupDef {
                name: g.name.node.clone(),
                members: g.members.clone(),
                file: rf.file,
                span: g.name.span,
            });
        }
    }
    groups
}

/// Compiles a `for` clause: each group it names found among the run's groups.
pub fn compile(scope: &ast::Scope, groups: &[GroupDef], file: SourceId, errors: &mut Vec<Diag>) -> CScope {
    let mut members = Vec::new();
    for m in &scope.members {
        let member = match &m.node {
            ScopeMember::Entity(name) => Member::Entity(name.clone()),
            ScopeMember::Attribute { key, equal, value } => {
                Member::Attribute { key: key.clone(), equal: *equal, value: value.clone() }
            }
            ScopeMember::Group(name) => match groups.iter().position(|g| &g.name == name) {
                Some(index) => Member::Group(index),
                None => {
                    errors.push(unknown_group(name, m.span, groups, file));
                    continue;
                }
            },
        };
        members.push(Spanned::new(member, m.span));
    }
    CScope { members, file, span: scope.span }
}

/// The error for a scope that names no group of the run.
pub(super) fn unknown_group(name: &str, span: Span, groups: &[GroupDef], file: SourceId) -> Diag {
    let diag =
        Diag::error("unknown-group", format!("unknown group `{name}`")).in_file(file).primary(span, "no such group");
    let help = match crate::suggest::did_you_mean(name, groups.iter().map(|g| g.name.as_str())) {
        Some(near) => format!("did you mean `{near}`?"),
        None => format!(
            "declare it (`group {name} = AMZN, MSFT`), or write an entity as a ticker in capitals (`AMZN`) or in quotes (`\"{name}\"`)"
        ),
    };
    diag.with_help(help)
}

/// Decides which entities of the data every rule's and cell's scopes admit; returns the warnings
/// for members that admit none.
pub fn link(program: &mut Program, sheets: &Sheets) -> Vec<Diag> {
    let mut warned: BTreeSet<(SourceId, Span)> = BTreeSet::new();
    let mut warnings = Vec::new();
    let groups = program.groups.clone();
    let mut resolve = |scopes: &mut Scopes| {
        if scopes.scopes.is_empty() {
            return;
        }
        let mut admitted = vec![true; sheets.entities.len()];
        for scope in &scopes.scopes {
            let mut this = vec![false; sheets.entities.len()];
            for m in &scope.members {
                admit(&m.node, m.span, scope.file, &groups, sheets, &mut this, &mut |diag, at| {
                    if warned.insert(at) {
                        warnings.push(diag);
                    }
                });
            }
            admitted.iter_mut().zip(this).for_each(|(a, t)| *a &= t);
        }
        scopes.admitted = admitted;
    };
    program.rules.iter_mut().for_each(|r| resolve(&mut r.scopes));
    program.cells.iter_mut().for_each(|c| resolve(&mut c.scopes));
    warnings
}

/// Marks the entities one member of a scope names; a member that names none is warned about.
fn admit(
    member: &Member,
    span: Span,
    file: SourceId,
    groups: &[GroupDef],
    sheets: &Sheets,
    admitted: &mut [bool],
    warn: &mut dyn FnMut(Diag, (SourceId, Span)),
) {
    match member {
        Member::Entity(name) => match sheets.entity_id(name) {
            Some(id) => admitted[id as usize] = true,
            None => warn(absent(name, span, file, sheets), (file, span)),
        },
        Member::Group(index) => {
            let group = &groups[*index];
            for m in &group.members {
                match sheets.entity_id(&m.node) {
                    Some(id) => admitted[id as usize] = true,
                    None => warn(absent(&m.node, m.span, group.file, sheets), (group.file, m.span)),
                }
            }
        }
        Member::Attribute { key, equal, value } => {
            let mut any = false;
            for (id, entity) in sheets.entities.iter().enumerate() {
                let given = sheets.attributes.get(entity, key).map(|a| &a.value);
                if given.is_some_and(|v| (v == value) == *equal) {
                    admitted[id] = true;
                    any = true;
                }
            }
            if !any {
                warn(no_entity_passes(key, *equal, value, span, file, sheets), (file, span));
            }
        }
    }
}

/// The warning for a scope that names an entity no data file gives.
fn absent(name: &str, span: Span, file: SourceId, sheets: &Sheets) -> Diag {
    let diag = Diag::warning("checked-nowhere", format!("`{name}` is in no data file: it is checked nowhere"))
        .in_file(file)
        .primary(span, "no data for this entity");
    let help = match crate::suggest::did_you_mean(name, sheets.entities.iter().map(String::as_str)) {
        Some(near) => format!("did you mean `{near}`?"),
        None if sheets.entities.is_empty() => "the run has no data".to_owned(),
        None => format!("the data gives {}", listed(sheets.entities.iter().map(String::as_str))),
    };
    diag.with_help(help)
}

/// The warning for an attribute test that no entity passes.
fn no_entity_passes(key: &str, equal: bool, value: &str, span: Span, file: SourceId, sheets: &Sheets) -> Diag {
    let op = if equal { "==" } else { "!=" };
    let diag =
        Diag::warning("checked-nowhere", format!("no entity has `{key} {op} \"{value}\"`: it is checked nowhere"))
            .in_file(file)
            .primary(span, "admits no entity");
    let values: BTreeSet<&str> =
        sheets.entities.iter().filter_map(|e| sheets.attributes.get(e, key)).map(|a| a.value.as_str()).collect();
    let help = if values.is_empty() {
        let keys = sheets.attributes.keys();
        match crate::suggest::did_you_mean(key, keys.iter().copied()) {
            Some(near) => format!("no entity gives `{key}`: did you mean `{near}`?"),
            None => format!("no entity gives `{key}`; a data file gives it in its header (`{key} = \"{value}\"`)"),
        }
    } else {
        match crate::suggest::did_you_mean(value, values.iter().copied()) {
            Some(near) if equal => format!("did you mean `\"{near}\"`?"),
            _ => format!(
                "the data gives `{key}` as {}",
                listed(values.iter().map(|v| format!("\"{v}\"")).collect::<Vec<_>>().iter().map(String::as_str))
            ),
        }
    };
    diag.with_help(help)
}

/// Names in backticks, the first ten, and how many more.
fn listed<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let names: Vec<&str> = names.collect();
    let shown: Vec<String> = names.iter().take(10).map(|n| format!("`{n}`")).collect();
    match names.len() {
        n if n > 10 => format!("{} and {} more", shown.join(", "), n - 10),
        _ => shown.join(", "),
    }
}
