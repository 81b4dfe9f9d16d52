//! `tickmark lsp`: a language server over stdio.
//!
//! One dispatch thread reads the editor's messages in order: it applies every edit to its copy of
//! the open files as it comes (so edits are applied in the order sent) and makes a new [`Snapshot`];
//! requests and diagnostics are answered on a small pool of workers from the snapshot current when
//! they came. A snapshot's analysis (rules loaded over the editor's texts, checked, linked, run) is
//! made once, by the first worker that needs it. Data is read once per repository and again when a
//! data file is saved or changes on disk.

mod actions;
mod complete;
mod diagnostics;
mod handlers;
mod navigate;
mod pool;
mod state;
mod text;
mod values;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use crossbeam_channel::Sender;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{self as note, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::{
    CodeActionProviderCapability, CompletionOptions, ExecuteCommandOptions, HoverProviderCapability, InitializeParams,
    OneOf, PublishDiagnosticsParams, ServerCapabilities, TextDocumentContentChangeEvent, TextDocumentSyncCapability,
    TextDocumentSyncKind, Uri,
};
use serde_json::Value as Json;

use pool::Pool;
use state::{Doc, Root, Settings, Snapshot, real, root_key};
use text::{Lines, path_of, uri_of};

/// The command that sets the entity and period values are shown at: arguments `["AMZN", "2025Q4"]`,
/// none to go back to each rule's latest period with data.
pub const FOCUS_COMMAND: &str = "tickmark.focus";

/// How many workers answer requests.
const WORKERS: usize = 2;

/// Runs the server on stdin and stdout until the editor says `exit`.
pub fn run() -> Result<(), String> {
    let (connection, io) = Connection::stdio();
    let (id, params) = connection.initialize_start().map_err(|e| e.to_string())?;
    let params: InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let option = |name: &str| params.initialization_options.as_ref().and_then(|o| o.get(name)?.as_bool());
    let settings = Settings { focus: None, inlay_hints: option("inlayHints").unwrap_or(false) };
    let result = serde_json::json!({
        "capabilities": capabilities(),
        "serverInfo": { "name": "tickmark", "version": env!("CARGO_PKG_VERSION") },
    });
    connection.initialize_finish(id, result).map_err(|e| e.to_string())?;
    let mut server = Server::new(connection.sender.clone(), settings);
    for message in &connection.receiver {
        match message {
            Message::Request(request) => {
                if connection.handle_shutdown(&request).map_err(|e| e.to_string())? {
                    break;
                }
                server.request(request);
            }
            Message::Notification(notification) => server.notify(notification),
            Message::Response(_) => {}
        }
    }
    drop(server);
    drop(connection);
    io.join().map_err(|e| e.to_string())
}

/// What the server offers.
fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::INCREMENTAL)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![".".to_owned(), "[".to_owned()]),
            ..CompletionOptions::default()
        }),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        inlay_hint_provider: Some(OneOf::Left(true)),
        code_lens_provider: Some(lsp_types::CodeLensOptions { resolve_provider: Some(false) }),
        execute_command_provider: Some(ExecuteCommandOptions {
            commands: vec![FOCUS_COMMAND.to_owned()],
            ..ExecuteCommandOptions::default()
        }),
        ..ServerCapabilities::default()
    }
}

/// The dispatch thread's state.
struct Server {
    sender: Sender<Message>,
    docs: BTreeMap<PathBuf, Doc>,
    roots: HashMap<PathBuf, Arc<Root>>,
    settings: Settings,
    snapshot: Arc<Snapshot>,
    /// Bumped at every change: diagnostics made for an older one are not published.
    generation: Arc<AtomicU64>,
    /// The files diagnostics were last published for, to clear those that have none now.
    published: Arc<Mutex<BTreeSet<String>>>,
    pool: Pool,
}

impl Server {
    /// A server with no open file.
    fn new(sender: Sender<Message>, settings: Settings) -> Server {
        let snapshot = Arc::new(Snapshot::new(Arc::default(), &HashMap::new(), settings.clone()));
        Server {
            sender,
            docs: BTreeMap::new(),
            roots: HashMap::new(),
            settings,
            snapshot,
            generation: Arc::default(),
            published: Arc::default(),
            pool: Pool::new(WORKERS),
        }
    }

    /// Applies a notification, in the order it came.
    fn notify(&mut self, n: Notification) {
        match n.method.as_str() {
            note::DidOpenTextDocument::METHOD => {
                let Ok(p) = n.extract::<lsp_types::DidOpenTextDocumentParams>(note::DidOpenTextDocument::METHOD) else {
                    return;
                };
                let Some(path) = path_of(&p.text_document.uri).map(|p| real(&p)) else { return };
                let key = root_key(&path);
                self.roots.entry(key.clone()).or_insert_with(|| Arc::new(Root::load(&key)));
                let (uri, version, text) =
                    (p.text_document.uri, p.text_document.version, Arc::from(p.text_document.text));
                self.docs.insert(path, Doc { uri, version, text });
            }
            note::DidChangeTextDocument::METHOD => {
                let Ok(p) = n.extract::<lsp_types::DidChangeTextDocumentParams>(note::DidChangeTextDocument::METHOD)
                else {
                    return;
                };
                let Some(doc) = path_of(&p.text_document.uri).and_then(|path| self.docs.get_mut(&real(&path))) else {
                    return;
                };
                doc.text = Arc::from(edited(&doc.text, &p.content_changes));
                doc.version = p.text_document.version;
            }
            note::DidCloseTextDocument::METHOD => {
                let Ok(p) = n.extract::<lsp_types::DidCloseTextDocumentParams>(note::DidCloseTextDocument::METHOD)
                else {
                    return;
                };
                if let Some(path) = path_of(&p.text_document.uri) {
                    self.docs.remove(&real(&path));
                }
            }
            note::DidSaveTextDocument::METHOD => {
                let Ok(p) = n.extract::<lsp_types::DidSaveTextDocumentParams>(note::DidSaveTextDocument::METHOD) else {
                    return;
                };
                self.reload(path_of(&p.text_document.uri).iter().map(|p| real(p)).collect());
            }
            note::DidChangeWatchedFiles::METHOD => {
                let Ok(p) = n.extract::<lsp_types::DidChangeWatchedFilesParams>(note::DidChangeWatchedFiles::METHOD)
                else {
                    return;
                };
                self.reload(p.changes.iter().filter_map(|c| path_of(&c.uri)).map(|p| real(&p)).collect());
            }
            note::DidChangeConfiguration::METHOD => {
                let Ok(p) = n.extract::<lsp_types::DidChangeConfigurationParams>(note::DidChangeConfiguration::METHOD)
                else {
                    return;
                };
                let hints = p.settings.pointer("/tickmark/inlayHints").and_then(Json::as_bool);
                self.settings.inlay_hints = hints.unwrap_or(self.settings.inlay_hints);
                self.changed();
                return self.refresh_views();
            }
            _ => return,
        }
        self.changed();
    }

    /// Reads again the data of every repository that reads one of the changed files.
    fn reload(&mut self, changed: Vec<PathBuf>) {
        for (key, root) in self.roots.iter_mut() {
            if changed.iter().any(|path| root.reads(path, key)) {
                *root = Arc::new(Root::load(key));
            }
        }
    }

    /// Makes a new snapshot and has its diagnostics published, unless a newer change comes first.
    fn changed(&mut self) {
        let docs = self
            .docs
            .iter()
            .map(|(p, d)| (p.clone(), Doc { uri: d.uri.clone(), version: d.version, text: d.text.clone() }));
        self.snapshot = Arc::new(Snapshot::new(Arc::new(docs.collect()), &self.roots, self.settings.clone()));
        let generation = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
        let (snapshot, latest, published, sender) =
            (self.snapshot.clone(), self.generation.clone(), self.published.clone(), self.sender.clone());
        self.pool.run(move || {
            let all = diagnostics::all(&snapshot);
            let Ok(mut published) = published.lock() else { return };
            if latest.load(Ordering::SeqCst) != generation {
                return;
            }
            let uri = |path: &Path| snapshot.docs.get(path).map_or_else(|| uri_of(path), |d| d.uri.clone());
            let version = |path: &Path| snapshot.docs.get(path).map(|d| d.version);
            let now: BTreeSet<String> =
                all.iter().filter(|(_, d)| !d.is_empty()).map(|(p, _)| uri(p).as_str().to_owned()).collect();
            let cleared = published.difference(&now).filter_map(|u| Some((u.parse::<Uri>().ok()?, None, Vec::new())));
            let updates: Vec<_> = cleared.chain(all.into_iter().map(|(p, d)| (uri(&p), version(&p), d))).collect();
            for (uri, version, diagnostics) in updates {
                let params = PublishDiagnosticsParams { uri, diagnostics, version };
                let _ = sender.send(Notification::new(note::PublishDiagnostics::METHOD.to_owned(), params).into());
            }
            *published = now;
        });
    }

    /// Answers a request on a worker; a command is carried out here, in order with the edits.
    fn request(&mut self, request: Request) {
        if request.method == req::ExecuteCommand::METHOD {
            let response = self.command(&request);
            let _ = self.sender.send(response.into());
            return;
        }
        let (snapshot, sender) = (self.snapshot.clone(), self.sender.clone());
        self.pool.run(move || {
            let id = request.id.clone();
            let response = match catch_unwind(AssertUnwindSafe(|| handlers::handle(&snapshot, request))) {
                Ok(Ok(result)) => Response::new_ok(id, result),
                Ok(Err((code, message))) => Response::new_err(id, code as i32, message),
                Err(_) => {
                    Response::new_err(id, ErrorCode::InternalError as i32, "tickmark failed on this request".into())
                }
            };
            let _ = sender.send(response.into());
        });
    }

    /// Asks the editor for inlay hints and code lenses again: what they show changed without an edit.
    fn refresh_views(&self) {
        let id = lsp_server::RequestId::from("tickmark/refresh".to_owned());
        let refresh = Request::new(id, req::InlayHintRefreshRequest::METHOD.to_owned(), ());
        let _ = self.sender.send(refresh.into());
        let id = lsp_server::RequestId::from("tickmark/refresh-lenses".to_owned());
        let refresh = Request::new(id, req::CodeLensRefresh::METHOD.to_owned(), ());
        let _ = self.sender.send(refresh.into());
    }

    /// `tickmark.focus`: sets (or, with no arguments, clears) the entity and period values are shown at.
    fn command(&mut self, request: &Request) -> Response {
        let id = request.id.clone();
        let params: lsp_types::ExecuteCommandParams = match serde_json::from_value(request.params.clone()) {
            Ok(p) => p,
            Err(e) => return Response::new_err(id, ErrorCode::InvalidParams as i32, e.to_string()),
        };
        if params.command != FOCUS_COMMAND {
            return Response::new_err(id, ErrorCode::InvalidParams as i32, format!("no command `{}`", params.command));
        }
        let words: Vec<&str> = params.arguments.iter().filter_map(Json::as_str).collect();
        self.settings.focus = match words[..] {
            [] => None,
            [entity, period] if crate::period::Period::parse(period).is_some() => {
                Some((entity.to_owned(), period.to_owned()))
            }
            _ => {
                let message = "`tickmark.focus` takes an entity and a period, such as `AMZN` and `2025Q4`".to_owned();
                return Response::new_err(id, ErrorCode::InvalidParams as i32, message);
            }
        };
        self.changed();
        self.refresh_views();
        Response::new_ok(id, Json::Null)
    }
}

/// A text with the editor's changes applied in order: a change with a range replaces it, one
/// without replaces the whole text.
fn edited(text: &str, changes: &[TextDocumentContentChangeEvent]) -> String {
    let mut text = text.to_owned();
    for change in changes {
        match change.range {
            Some(range) => {
                let lines = Lines::new(&text);
                let (start, end) = (lines.offset(range.start), lines.offset(range.end));
                text.replace_range(start..end.max(start), &change.text);
            }
            None => text = change.text.clone(),
        }
    }
    text
}
