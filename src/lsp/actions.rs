//! Edits the server offers: the fix a diagnostic's help names, as a quick fix; and formatting.

use std::collections::HashMap;

use lsp_types::{CodeAction, CodeActionKind, CodeActionOrCommand, Diagnostic, Range, TextEdit, Uri, WorkspaceEdit};

use crate::diag::Diag;

use super::state::Analysis;
use super::text::Lines;

/// A replacement for the text under a diagnostic's range.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Fix {
    pub title: String,
    pub new_text: String,
}

/// How a diagnostic's help (or note) names the text to write instead of what its primary label
/// covers: `did you mean `revenue`?`, ``write `200 USD bn` ``, `write the lower bound first: `206..213``.
const MARKERS: [&str; 3] = ["did you mean `", "write `", "first: `"];

/// The fix a diagnostic names, if its help or a note names one and it changes the text.
pub fn fix(diag: &Diag, analysis: &Analysis) -> Option<Fix> {
    let label = diag.labels.iter().find(|l| l.primary)?;
    let written = analysis.sources.get(diag.file?).slice(label.span);
    let named = diag.help.iter().chain(&diag.notes).find_map(|text| {
        MARKERS.iter().find_map(|m| {
            let rest = &text[text.find(m)? + m.len()..];
            Some(rest[..rest.find('`')?].to_owned())
        })
    })?;
    // `write `within 2pp`` names the clause; the label may cover only its figure
    let new_text = match named.strip_prefix("within ") {
        Some(figure) if !written.starts_with("within") => figure.to_owned(),
        _ => named,
    };
    (new_text != written && !written.is_empty())
        .then(|| Fix { title: format!("replace `{written}` with `{new_text}`"), new_text })
}

/// The quick fixes of the diagnostics the editor asks about.
pub fn code_actions(uri: &Uri, diagnostics: &[Diagnostic]) -> Vec<CodeActionOrCommand> {
    let mut actions = Vec::new();
    for d in diagnostics {
        let Some(fix) = d.data.as_ref().and_then(|data| serde_json::from_value::<Fix>(data.get("fix")?.clone()).ok())
        else {
            continue;
        };
        let edit = TextEdit { range: d.range, new_text: fix.new_text };
        actions.push(CodeActionOrCommand::CodeAction(CodeAction {
            title: fix.title,
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![d.clone()]),
            edit: Some(WorkspaceEdit {
                changes: Some(HashMap::from([(uri.clone(), vec![edit])])),
                ..Default::default()
            }),
            is_preferred: Some(true),
            ..Default::default()
        }));
    }
    actions
}

/// The file laid out by `tickmark fmt`: one edit over the whole text; none if it is laid out already
/// or does not parse.
pub fn format(text: &str) -> Vec<TextEdit> {
    match crate::fmt::format(text, crate::source::SourceId(0)) {
        Ok(formatted) if formatted != text => {
            let lines = Lines::new(text);
            let whole = Range::new(lines.position(0), lines.position(text.len()));
            vec![TextEdit { range: whole, new_text: formatted }]
        }
        _ => Vec::new(),
    }
}
