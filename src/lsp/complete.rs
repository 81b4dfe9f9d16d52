//! Completion of what may be written at a place: metric names from the data (with scenario
//! prefixes and `*` segments), cells, functions with their signatures, periods, units and keywords.

use std::collections::BTreeMap;

use lsp_types::{CompletionItem, CompletionItemKind, CompletionList, CompletionTextEdit, Range, TextEdit};

use crate::check::Func;
use crate::syntax::ast::{Item, Scenario};

use super::state::Analysis;

/// The most items one answer holds; the editor asks again as more is typed.
const MOST: usize = 500;

/// Units a figure is commonly written in.
const UNITS: [&str; 11] =
    ["%", "bps", "pp", "USD", "USD bn", "USD mn", "USD/share", "EUR", "EUR bn", "mn shares", "bn shares"];

/// The language's keywords, as the grammar lists them.
pub const KEYWORDS: [&str; 24] = [
    "use", "metric", "let", "rule", "at", "error", "warning", "info", "and", "or", "not", "in", "within", "if", "then",
    "else", "true", "false", "quarters", "years", "group", "for", "of", "given",
];

/// The completions of the word before the cursor (`prefix`, which `range` covers), from the analysis'
/// data and cells where there is one.
pub fn complete(analysis: Option<&Analysis>, prefix: &str, range: Range) -> CompletionList {
    let mut items: BTreeMap<String, (CompletionItemKind, Option<String>)> = BTreeMap::new();
    let mut add = |label: String, kind: CompletionItemKind, detail: Option<String>| {
        if label.starts_with(prefix) {
            items.entry(label).or_insert((kind, detail));
        }
    };
    for word in KEYWORDS {
        add(word.to_string(), CompletionItemKind::KEYWORD, None);
    }
    for (name, func) in Func::ALL {
        add(name.to_owned(), CompletionItemKind::FUNCTION, Some(func.signature().to_owned()));
    }
    for unit in UNITS {
        add(unit.to_owned(), CompletionItemKind::UNIT, Some("unit".to_owned()));
    }
    if let Some(analysis) = analysis {
        cells(analysis, &mut add);
        metrics(analysis, &mut add);
        let sheets = analysis.sheets();
        for entity in 0..sheets.entities.len() as u32 {
            for period in sheets.periods_of(entity) {
                add(period.to_string(), CompletionItemKind::CONSTANT, Some("period with data".to_owned()));
            }
        }
    }
    let is_incomplete = items.len() > MOST;
    let items = items
        .into_iter()
        .take(MOST)
        .map(|(label, (kind, detail))| CompletionItem {
            text_edit: Some(CompletionTextEdit::Edit(TextEdit { range, new_text: label.clone() })),
            label,
            kind: Some(kind),
            detail,
            ..CompletionItem::default()
        })
        .collect();
    CompletionList { is_incomplete, items }
}

/// The cells of the rule files, each with its body as written.
fn cells(analysis: &Analysis, add: &mut impl FnMut(String, CompletionItemKind, Option<String>)) {
    for file in &analysis.files {
        for item in &file.ast.items {
            if let Item::Let(l) = item {
                let body = crate::syntax::comments::code(analysis.sources.get(file.file).slice(l.value.span));
                add(l.name.node.clone(), CompletionItemKind::VARIABLE, Some(format!("= {body}")));
            }
        }
    }
}

/// The metrics of the data: as named, with each scenario that has facts of them, and with a middle
/// segment as `*` (`segment.*.revenue`); each with the units its facts are written in.
fn metrics(analysis: &Analysis, add: &mut impl FnMut(String, CompletionItemKind, Option<String>)) {
    let sheets = analysis.sheets();
    for (id, name) in sheets.metrics.iter().enumerate() {
        let units: Vec<String> = sheets.units_of(id as u32).iter().map(ToString::to_string).collect();
        let detail =
            Some(if units.is_empty() { "metric".to_owned() } else { format!("metric in {}", units.join(", ")) });
        for scenario in Scenario::ALL {
            if sheets.first_fact(id as u32, scenario).is_none() {
                continue;
            }
            let prefix = if scenario == Scenario::Actual { String::new() } else { format!("{}.", scenario.as_str()) };
            add(format!("{prefix}{name}"), CompletionItemKind::FIELD, detail.clone());
            let segments: Vec<&str> = name.split('.').collect();
            for star in 1..segments.len().saturating_sub(1) {
                let mut starred = segments.clone();
                starred[star] = "*";
                add(
                    format!("{prefix}{}", starred.join(".")),
                    CompletionItemKind::FIELD,
                    Some("metrics matching".to_owned()),
                );
            }
        }
    }
}

/// The word before `offset` that a completion replaces: letters, digits, `_`, `.` and `*`.
pub fn word_start(text: &str, offset: usize) -> usize {
    let before = &text[..offset];
    before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '*'))
        .last()
        .map_or(offset, |(i, _)| i)
}
