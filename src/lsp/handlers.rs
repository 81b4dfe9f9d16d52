//! The requests answered on a worker, each from the snapshot current when it came.

use lsp_server::{ErrorCode, Request};
use lsp_types::request::{self as req, Request as _};
use serde_json::Value as Json;

use super::state::{Analysis, Snapshot, real};
use super::text::{Lines, path_of};
use super::{actions, complete, navigate, values};

/// A request's failure: its error code and message.
pub type Failure = (ErrorCode, String);

/// Answers a request from a snapshot.
pub fn handle(snapshot: &Snapshot, request: Request) -> Result<Json, Failure> {
    let invalid = |e: serde_json::Error| (ErrorCode::InvalidParams, e.to_string());
    let params = request.params;
    let json = |value: Result<Json, serde_json::Error>| value.map_err(|e| (ErrorCode::InternalError, e.to_string()));
    match request.method.as_str() {
        req::HoverRequest::METHOD => {
            let p: lsp_types::HoverParams = serde_json::from_value(params).map_err(invalid)?;
            let hover = at(snapshot, &p.text_document_position_params, |analysis, file, offset| {
                values::hover(analysis, file, offset, &snapshot.settings)
            });
            json(serde_json::to_value(hover.flatten()))
        }
        req::Completion::METHOD => {
            let p: lsp_types::CompletionParams = serde_json::from_value(params).map_err(invalid)?;
            let position = p.text_document_position;
            let Some(path) = path_of(&position.text_document.uri).map(|p| real(&p)) else { return Ok(Json::Null) };
            let Some(text) = snapshot.text(&path) else { return Ok(Json::Null) };
            let lines = Lines::new(text);
            let offset = lines.offset(position.position);
            let start = complete::word_start(text, offset);
            let range = lsp_types::Range::new(lines.position(start), position.position);
            let analysis = snapshot.analysis(&path);
            json(serde_json::to_value(complete::complete(analysis.as_deref(), &text[start..offset], range)))
        }
        req::GotoDefinition::METHOD => {
            let p: lsp_types::GotoDefinitionParams = serde_json::from_value(params).map_err(invalid)?;
            let path = path_of(&p.text_document_position_params.text_document.uri).unwrap_or_default();
            let found = at(snapshot, &p.text_document_position_params, |analysis, file, offset| {
                navigate::definition(analysis, &real(&path), file, offset, &snapshot.settings)
            });
            json(serde_json::to_value(found.map(lsp_types::GotoDefinitionResponse::Array)))
        }
        req::References::METHOD => {
            let p: lsp_types::ReferenceParams = serde_json::from_value(params).map_err(invalid)?;
            let declaration = p.context.include_declaration;
            let found = at(snapshot, &p.text_document_position, |analysis, file, offset| {
                navigate::references(analysis, file, offset, declaration)
            });
            json(serde_json::to_value(found))
        }
        req::CodeActionRequest::METHOD => {
            let p: lsp_types::CodeActionParams = serde_json::from_value(params).map_err(invalid)?;
            json(serde_json::to_value(actions::code_actions(&p.text_document.uri, &p.context.diagnostics)))
        }
        req::Formatting::METHOD => {
            let p: lsp_types::DocumentFormattingParams = serde_json::from_value(params).map_err(invalid)?;
            let path = path_of(&p.text_document.uri).map(|p| real(&p)).unwrap_or_default();
            json(serde_json::to_value(snapshot.text(&path).map(|text| actions::format(text))))
        }
        req::InlayHintRequest::METHOD => {
            let p: lsp_types::InlayHintParams = serde_json::from_value(params).map_err(invalid)?;
            if !snapshot.settings.inlay_hints {
                return Ok(Json::Array(Vec::new()));
            }
            let path = path_of(&p.text_document.uri).map(|p| real(&p)).unwrap_or_default();
            let hints = snapshot.analysis(&path).and_then(|analysis| {
                let file = analysis.rule_file(&path)?.file;
                Some(values::inlay_hints(&analysis, file, &snapshot.settings))
            });
            json(serde_json::to_value(hints.unwrap_or_default()))
        }
        req::CodeLensRequest::METHOD => {
            let p: lsp_types::CodeLensParams = serde_json::from_value(params).map_err(invalid)?;
            let path = path_of(&p.text_document.uri).map(|p| real(&p)).unwrap_or_default();
            let lenses = snapshot.analysis(&path).and_then(|analysis| {
                let file = analysis.rule_file(&path)?.file;
                Some(values::code_lenses(&analysis, file, &snapshot.settings))
            });
            json(serde_json::to_value(lenses.unwrap_or_default()))
        }
        other => Err((ErrorCode::MethodNotFound, format!("tickmark does not answer `{other}`"))),
    }
}

/// Runs `f` on the analysis, file and byte offset of a position in an open file.
fn at<T>(
    snapshot: &Snapshot,
    position: &lsp_types::TextDocumentPositionParams,
    f: impl FnOnce(&Analysis, crate::source::SourceId, u32) -> T,
) -> Option<T> {
    let path = real(&path_of(&position.text_document.uri)?);
    let analysis = snapshot.analysis(&path)?;
    let file = analysis.rule_file(&path)?.file;
    let offset = Lines::new(analysis.sources.get(file).text()).offset(position.position);
    Some(f(&analysis, file, offset as u32))
}
