//! `tickmark lsp` driven as an editor drives it: the real binary over stdio, JSON-RPC with
//! `Content-Length` framing, fixture files with a cursor marker `$0`, a snapshot of each response
//! (the fixture's folder shown as `file:///ROOT`). Every wait is bounded: a server that does not
//! answer fails the test, it does not hang it.

use crate::common;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{Value as Json, json};

use common::settings;

/// The longest a test waits for one message.
const WAIT: Duration = Duration::from_secs(60);

/// An editor's end of the connection.
struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: mpsc::Receiver<Json>,
    /// Notifications received while waiting for something else.
    pending: Vec<Json>,
    next_id: i64,
    /// The folder the server runs in, as a URI (redacted in snapshots).
    root: String,
    dir: PathBuf,
    /// What the server answered to `initialize`.
    initialized: Json,
}

impl Client {
    /// Starts the server in `dir` and initializes it, with inlay hints on.
    fn start(dir: &Path) -> Client {
        let dir = dir.canonicalize().unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_tickmark"))
            .arg("lsp")
            .current_dir(&dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (send, messages) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if send.send(message).is_err() {
                    return;
                }
            }
        });
        let root = format!("file://{}", dir.display());
        let initialized = Json::Null;
        let mut client = Client { child, stdin, messages, pending: Vec::new(), next_id: 0, root, dir, initialized };
        let init = json!({ "processId": null, "rootUri": client.root, "capabilities": {}, "initializationOptions": { "inlayHints": true } });
        client.initialized = client.request("initialize", init);
        client.notify("initialized", json!({}));
        client
    }

    /// Sends a message with its header.
    fn send(&mut self, message: Json) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    /// Sends a notification.
    fn notify(&mut self, method: &str, params: Json) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and waits for its response (its `result`, or its `error`).
    fn request(&mut self, method: &str, params: Json) -> Json {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        loop {
            let message = self.next();
            if message.get("method").is_none() && message["id"] == id {
                return message.get("result").cloned().unwrap_or_else(|| json!({ "error": message["error"] }));
            }
        }
    }

    /// The next message; a notification is also kept, and a request of the server answered.
    fn next(&mut self) -> Json {
        let message = self.messages.recv_timeout(WAIT).expect("the server answers in time");
        if message.get("method").is_some() {
            if let Some(id) = message.get("id") {
                let id = id.clone();
                self.send(json!({ "jsonrpc": "2.0", "id": id, "result": null }));
            } else {
                self.pending.push(message.clone());
            }
        }
        message
    }

    /// The diagnostics published for a file at a version of it (any version: `None`).
    fn diagnostics(&mut self, uri: &str, version: Option<i64>) -> Json {
        let wanted = |m: &Json| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && version.is_none_or(|v| m["params"]["version"] == v)
        };
        let started = Instant::now();
        loop {
            if let Some(found) = self.pending.iter().rev().find(|m| wanted(m)) {
                return found["params"]["diagnostics"].clone();
            }
            assert!(started.elapsed() < WAIT, "no diagnostics for {uri} at version {version:?}");
            self.next();
        }
    }

    /// Opens a file of the fixture with the text given, `$0` marking the cursor: its URI and the cursor.
    fn open(&mut self, path: &str, marked: &str) -> (String, Json) {
        let (text, cursor) = cursor(marked);
        let uri = self.uri(path);
        let item = json!({ "uri": uri, "languageId": "tickmark", "version": 1, "text": text });
        self.notify("textDocument/didOpen", json!({ "textDocument": item }));
        (uri, cursor)
    }

    /// Opens a file of the fixture as it is on disk.
    fn open_file(&mut self, path: &str) -> String {
        let text = std::fs::read_to_string(self.dir.join(path)).unwrap();
        self.open(path, &text).0
    }

    /// The URI of a file of the fixture.
    fn uri(&self, path: &str) -> String {
        format!("{}/{path}", self.root)
    }

    /// A position request (`hover`, `definition`, ...) at a cursor.
    fn at(&mut self, method: &str, uri: &str, cursor: &Json) -> Json {
        self.request(method, json!({ "textDocument": { "uri": uri }, "position": cursor }))
    }

    /// A response as a snapshot shows it: pretty JSON, the fixture's folder as `file:///ROOT`.
    fn shown(&self, value: &Json) -> String {
        serde_json::to_string_pretty(value).unwrap().replace(&self.root, "file:///ROOT")
    }

    /// Asks the server to stop, and waits for it to exit: its exit code.
    fn shutdown(mut self) -> i32 {
        assert_eq!(self.request("shutdown", Json::Null), Json::Null);
        self.notify("exit", Json::Null);
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code().unwrap_or(-1);
            }
            assert!(started.elapsed() < WAIT, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Reads one framed message; `None` at the end of the stream.
fn read_message(reader: &mut impl BufRead) -> Option<Json> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(n) = line.strip_prefix("Content-Length: ") {
            length = n.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// A text without its `$0` marker, and the marker's position (UTF-16 columns, as LSP counts them).
fn cursor(marked: &str) -> (String, Json) {
    let Some(at) = marked.find("$0") else { return (marked.to_owned(), json!({ "line": 0, "character": 0 })) };
    let before = &marked[..at];
    let line = before.matches('\n').count();
    let column: usize = before.rsplit('\n').next().unwrap().encode_utf16().count();
    (marked.replacen("$0", "", 1), json!({ "line": line, "character": column }))
}

/// The fixture repository, copied to a temporary folder (tests may change its files).
fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lsp");
    for entry in ["tickmark.toml", "rules/main.tick", "rules/cells.tick", "data/figures.toml"] {
        let to = dir.path().join(entry);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(from.join(entry), to).unwrap();
    }
    dir
}

/// The fixture's main rule file with a cursor marked at the first `needle`, `$0` inside it.
fn main_at(needle: &str) -> String {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lsp/rules/main.tick"));
    let text = text.unwrap();
    let plain = needle.replace("$0", "");
    let at = text.find(&plain).unwrap_or_else(|| panic!("`{plain}` in main.tick"));
    format!("{}{needle}{}", &text[..at], &text[at + plain.len()..])
}

/// Snapshots a value under a name.
fn snap(name: &str, shown: String) {
    settings().bind(|| insta::assert_snapshot!(name, shown));
}

#[test]
fn initialize_says_what_the_server_offers() {
    let dir = fixture();
    let client = Client::start(dir.path());
    let mut result = client.initialized.clone();
    result["serverInfo"]["version"] = json!("VERSION");
    snap("lsp_initialize", serde_json::to_string_pretty(&result).unwrap());
    assert_eq!(client.shutdown(), 0, "shutdown then exit ends the server with code 0");
}

#[test]
fn diagnostics_on_open_with_failed_checks_as_warnings() {
    let dir = fixture();
    let mut client = Client::start(dir.path());
    let uri = client.open_file("rules/main.tick");
    let diagnostics = client.diagnostics(&uri, Some(1));
    let failed: Vec<&Json> = diagnostics.as_array().unwrap().iter().collect();
    assert_eq!(failed.len(), 1, "one check fails: margin_claim at ACME 2025Q4");
    assert_eq!(failed[0]["severity"], 2, "a failed check is a warning");
    snap("lsp_diagnostics_failed_check", client.shown(&diagnostics));
}

#[test]
fn a_parse_error_is_a_diagnostic_at_its_place() {
    let dir = fixture();
    let mut client = Client::start(dir.path());
    let (uri, _) = client.open("rules/main.tick", "rule broken warning \"Prüfung\" at 2025Q4:\n  revenue > \n");
    let diagnostics = client.diagnostics(&uri, Some(1));
    assert_eq!(diagnostics[0]["severity"], 1);
    assert_eq!(diagnostics[0]["code"], "syntax");
    snap("lsp_diagnostics_parse_error", client.shown(&diagnostics));
}

#[test]
fn an_unknown_name_has_a_quick_fix() {
    let dir = fixture();
    let mut client = Client::start(dir.path());
    let (uri, _) = client.open("rules/main.tick", "rule typo warning \"Umsätze\" at 2025Q4:\n  revnue > 1 USD bn\n");
    let diagnostics = client.diagnostics(&uri, Some(1));
    assert_eq!(
        diagnostics[0]["range"],
        json!({ "start": { "line": 1, "character": 2 }, "end": { "line": 1, "character": 8 } })
    );
    let actions = client.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri }, "range": diagnostics[0]["range"], "context": { "diagnostics": diagnostics } }),
    );
    let edit = &actions[0]["edit"]["changes"][&uri][0];
    assert_eq!(edit["newText"], "revenue");
    let hover = client.at("textDocument/hover", &uri, &json!({ "line": 1, "character": 4 }));
    assert_eq!(hover["contents"]["value"], "`revnue`\n\nno values: the rules do not link to the data (see the errors)");
    snap("lsp_quick_fix_unknown_name", client.shown(&json!({ "diagnostics": diagnostics, "actions": actions })));
}

#[test]
fn a_bare_number_and_a_reversed_range_have_quick_fixes() {
    let dir = fixture();
    let mut client = Client::start(dir.path());
    let (uri, _) = client.open("rules/main.tick", "rule bare warning at 2025Q4:\n  revenue > 100\n");
    let fix = |diagnostics: Json| diagnostics[0]["data"]["fix"]["new_text"].clone();
    assert_eq!(fix(client.diagnostics(&uri, Some(1))), "100 USD bn");
    let reversed = json!({ "text": "rule reversed warning at 2025Q4:\n  revenue in 120 USD bn..100 USD bn\n" });
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [reversed] }),
    );
    assert_eq!(fix(client.diagnostics(&uri, Some(2))), "100 USD bn..120 USD bn");
}

#[test]
fn edits_are_applied_in_the_order_sent() {
    let dir = fixture();
    let mut client = Client::start(dir.path());
    let (uri, _) = client.open("rules/main.tick", "");
    // edits that only make a rule when applied in this order; the last two count UTF-16 columns
    // on a line with umlauts
    let edits = [
        ((0, 0, 0, 0), "rule grown warning \"Größe\" at 2025Q4:\n"),
        ((1, 0, 1, 0), "  revenue > 1"),
        ((1, 13, 1, 13), "00 USD bn\n"),
        ((0, 5, 0, 10), "larger"),
        ((0, 21, 0, 26), "Größer: {revenue}"),
    ];
    for (version, ((l0, c0, l1, c1), text)) in edits.iter().enumerate() {
        let range = json!({ "start": { "line": l0, "character": c0 }, "end": { "line": l1, "character": c1 } });
        let change = json!({ "range": range, "text": text });
        client.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version + 2 }, "contentChanges": [change] }),
        );
    }
    let formatted = client.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": uri }, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    assert_eq!(
        formatted,
        json!([]),
        "laid out already: `rule larger warning \"Größer: {{revenue}}\" at 2025Q4:` and its body"
    );
    let hover = client.at("textDocument/hover", &uri, &json!({ "line": 0, "character": 32 }));
    assert!(
        hover["contents"]["value"].as_str().unwrap().contains("`revenue` at ACME 2025Q4"),
        "the title's hole: {hover}"
    );
    let diagnostics = client.diagnostics(&uri, Some(6));
    assert_eq!(diagnostics, json!([]), "the edits make a rule that holds");
    let hover = client.at("textDocument/hover", &uri, &json!({ "line": 1, "character": 4 }));
    assert!(hover["contents"]["value"].as_str().unwrap().contains("`revenue` at ACME 2025Q4"), "{hover}");
    // a whole-text change replaces everything
    let whole = json!({ "text": "rule x warning at 2025Q4:\n  revenue < 1 USD bn\n" });
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 7 }, "contentChanges": [whole] }),
    );
    let diagnostics = client.diagnostics(&uri, Some(7));
    assert_eq!(diagnostics[0]["code"], "check-failed");
    assert_eq!(diagnostics[0]["range"]["start"], json!({ "line": 0, "character": 5 }));
}

#[test]
fn hover_shows_the_value_at_the_latest_period_with_its_facts() {
    let dir = fixture();
    let mut client = Client::start(dir.path());
    let (uri, at) = client.open("rules/main.tick", &main_at("op_$0margin ~= 12%"));
    let hover = client.at("textDocument/hover", &uri, &at);
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(text.contains("**11.0 % (10.94 %..11.06 %)**"), "{text}");
    assert!(text.contains("data/figures.toml#L13,20"), "a link to the fact: {text}");
    snap("lsp_hover_cell", client.shown(&hover));
    // in a title after an umlaut: UTF-16 columns
    let (_, at) = cursor(&main_at("{op_$0margin}"));
    let hover = client.at("textDocument/hover", &uri, &at);
    assert!(hover["contents"]["value"].as_str().unwrap().contains("`op_margin` at ACME 2025Q4"), "{hover}");
    // a shifted name is shown at the period it reads
    let (_, at) = cursor(&main_at("revenue[-1y$0]"));
    let hover = client.at("textDocument/hover", &uri, &at);
    snap("lsp_hover_shift", client.shown(&hover));
}

#[test]
fn hover_reads_the_filing_the_verdict_reads() {
    // ACME's 10-K restates 2024Q1's EPS after a 2-for-1 split (2.00 to 1.00) but not its share
    // count: the check reads all three from the filing that gives them all, and so does the hover.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("tickmark.toml"), "rules = [\"rules\"]\ndata = [\"data\"]\n").unwrap();
    std::fs::create_dir_all(dir.path().join("rules")).unwrap();
    std::fs::create_dir_all(dir.path().join("data")).unwrap();
    let rules = "metric net_income: money\nmetric eps_diluted: per_share\nmetric shares_diluted: shares\n\
                 rule eps: eps_diluted ~= net_income / shares_diluted within 0.01 USD/share\n";
    std::fs::write(dir.path().join("rules/main.tick"), rules).unwrap();
    std::fs::write(
        dir.path().join("data/filings.csv"),
        "entity,metric,period,value,unit,given\n\
         ACME,net_income,2024Q1,100,USD m,2024-04-30\n\
         ACME,eps_diluted,2024Q1,2.00,USD/share,2024-04-30\n\
         ACME,shares_diluted,2024Q1,50000000,shares,2024-04-30\n\
         ACME,net_income,2024Q1,100,USD m,2025-04-30\n\
         ACME,eps_diluted,2024Q1,1.00,USD/share,2025-04-30\n",
    )
    .unwrap();
    let mut client = Client::start(dir.path());
    let (uri, at) = client.open("rules/main.tick", &rules.replace("eps_diluted ~=", "eps_dil$0uted ~="));
    let hover = client.at("textDocument/hover", &uri, &at);
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(text.contains("**2.00 USD/share"), "the EPS as the filing of the share count gave it: {text}");
    assert!(text.contains("inputs as filed on 2024-04-30"), "{text}");
    let hints = client.request(
        "textDocument/inlayHint",
        json!({ "textDocument": { "uri": uri }, "range": {
        "start": { "line": 0, "character": 0 }, "end": { "line": 9, "character": 0 } } }),
    );
    assert!(hints[0]["label"].as_str().unwrap().starts_with("✓ 2.00 USD/share ~= 2"), "{hints}");
}

#[test]
fn the_focus_command_moves_what_hover_shows() {
    let dir = fixture();
    let mut client = Client::start(dir.path());
    let (uri, at) = client.open("rules/main.tick", &main_at("growth(rev$0enue, revenue[-1y])"));
    let focus = json!({ "command": "tickmark.focus", "arguments": ["ACME", "2024Q4"] });
    assert_eq!(client.request("workspace/executeCommand", focus), Json::Null);
    let hover = client.at("textDocument/hover", &uri, &at);
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(text.contains("at ACME 2024Q4") && text.contains("**100.0 USD bn"), "{text}");
    let bad = client.request("workspace/executeCommand", json!({ "command": "tickmark.focus", "arguments": ["ACME"] }));
    assert!(bad["error"]["message"].as_str().unwrap().contains("an entity and a period"), "{bad}");
}

#[test]
fn a_changed_data_file_is_read_again() {
    let dir = fixture();
    let mut client = Client::start(dir.path());
    let (uri, at) = client.open("rules/main.tick", &main_at("op_$0margin ~= 12%"));
    client.diagnostics(&uri, Some(1));
    client.pending.clear();
    let figures = dir.path().join("data/figures.toml");
    let text = std::fs::read_to_string(&figures).unwrap().replace("operating_income = 12.1", "operating_income = 13.2");
    std::fs::write(&figures, text).unwrap();
    let change = json!({ "uri": client.uri("data/figures.toml"), "type": 2 });
    client.notify("workspace/didChangeWatchedFiles", json!({ "changes": [change] }));
    let hover = client.at("textDocument/hover", &uri, &at);
    let value = hover["contents"]["value"].as_str().unwrap();
    assert!(value.contains("**12.0 %"), "13.2 / 110 after the change: {value}");
    assert_eq!(client.diagnostics(&uri, Some(1)), json!([]), "margin_claim holds now");
}

#[test]
fn completion_offers_metrics_cells_functions_and_periods() {
    let dir = fixture();
    let mut client = Client::start(dir.path());
    let (uri, at) = client.open("rules/main.tick", &main_at("revenue in guidance.$0revenue"));
    let list = client.at("textDocument/completion", &uri, &at);
    snap("lsp_completion_scenario", client.shown(&list));
    let (_, at) = cursor(&main_at("sum(segment$0.*.revenue)"));
    let list = client.at("textDocument/completion", &uri, &at);
    let labels: Vec<&str> = list["items"].as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["segment.*.revenue", "segment.north.revenue", "segment.south.revenue"]);
    let (_, at) = cursor(&main_at("$0op_margin ~= 12%"));
    let list = client.at("textDocument/completion", &uri, &at);
    let item = |label: &str| list["items"].as_array().unwrap().iter().find(|i| i["label"] == label).cloned();
    assert_eq!(item("growth").unwrap()["detail"], "growth(now, before)");
    assert_eq!(item("op_margin").unwrap()["detail"], "= operating_income / revenue");
    assert_eq!(item("2025Q4").unwrap()["kind"], 21, "a period is a constant");
    assert_eq!(item("USD bn").unwrap()["kind"], 11, "a unit");
}

#[test]
fn definition_of_a_cell_a_use_and_a_metric() {
    let dir = fixture();
    let mut client = Client::start(dir.path());
    let (uri, at) = client.open("rules/main.tick", &main_at("op_$0margin > 10%"));
    let cell = client.at("textDocument/definition", &uri, &at);
    let (_, at) = cursor(&main_at("use \"cel$0ls.tick\""));
    let used = client.at("textDocument/definition", &uri, &at);
    let (_, at) = cursor(&main_at("growth(rev$0enue"));
    let metric = client.at("textDocument/definition", &uri, &at);
    assert_eq!(metric[0]["range"]["start"], json!({ "line": 11, "character": 10 }), "revenue of 2025Q4");
    snap("lsp_definition", client.shown(&json!({ "cell": cell, "use": used, "metric": metric })));
}

#[test]
fn references_of_a_cell() {
    let dir = fixture();
    let mut client = Client::start(dir.path());
    let (uri, at) = client.open("rules/main.tick", &main_at("op_$0margin > 10%"));
    let params = json!({ "textDocument": { "uri": uri }, "position": at, "context": { "includeDeclaration": true } });
    let found = client.request("textDocument/references", params);
    assert_eq!(found.as_array().unwrap().len(), 4, "its `let`, the title hole and two rules");
    snap("lsp_references", client.shown(&found));
}

#[test]
fn formatting_lays_the_file_out() {
    let dir = fixture();
    let mut client = Client::start(dir.path());
    let (uri, _) = client.open("rules/main.tick", "rule   loose   warning at 2025Q4:   revenue>1 USD bn\n");
    let edits = client.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": uri }, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    snap("lsp_formatting", client.shown(&edits));
}

#[test]
fn inlay_hints_give_each_rules_verdict() {
    let dir = fixture();
    let mut client = Client::start(dir.path());
    let uri = client.open_file("rules/main.tick");
    let range = json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 100, "character": 0 } });
    let hints = client.request("textDocument/inlayHint", json!({ "textDocument": { "uri": uri }, "range": range }));
    let labels: Vec<&str> = hints.as_array().unwrap().iter().map(|h| h["label"].as_str().unwrap()).collect();
    assert_eq!(labels[0], "✓ 11.0 % > 10 %  ACME 2025Q4");
    snap("lsp_inlay_hints", client.shown(&hints));
}

#[test]
fn code_lenses_name_each_rules_focus_and_follow_the_focus_command() {
    let dir = fixture();
    let mut client = Client::start(dir.path());
    let uri = client.open_file("rules/main.tick");
    let lenses = client.request("textDocument/codeLens", json!({ "textDocument": { "uri": uri } }));
    let titles = |lenses: &Json| -> Vec<String> {
        lenses.as_array().unwrap().iter().map(|l| l["command"]["title"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(
        titles(&lenses),
        [
            "values at ACME 2025Q4: holds",
            "values at ACME 2025Q4: holds",
            "values at ACME 2025Q4: fails",
            "values at ACME 2025Q4: holds, borderline",
            "values at ACME 2025Q4: holds"
        ]
    );
    assert_eq!(lenses[0]["command"]["command"], "tickmark.setFocus");
    client.request("workspace/executeCommand", json!({ "command": "tickmark.focus", "arguments": ["ACME", "2024Q4"] }));
    let lenses = client.request("textDocument/codeLens", json!({ "textDocument": { "uri": uri } }));
    assert_eq!(titles(&lenses)[1], "values at ACME 2024Q4: skipped", "revenue[-1y] has no value at 2024Q4");
    client.request("workspace/executeCommand", json!({ "command": "tickmark.focus", "arguments": [] }));
    let lenses = client.request("textDocument/codeLens", json!({ "textDocument": { "uri": uri } }));
    assert_eq!(titles(&lenses)[1], "values at ACME 2025Q4: holds", "back to the latest period");
}

#[test]
fn a_bad_file_never_crashes_the_server() {
    let dir = fixture();
    let mut client = Client::start(dir.path());
    let deep = format!("rule deep warning:\n  {}1{}\n", "(".repeat(50_000), ")".repeat(50_000));
    let hostile = [
        "rule nul warning:\n  revenue\u{0} > 1\n".to_owned(),
        "rule bidi warning \"a\u{202E}b\":\n  revenue\u{2066} > 1\n".to_owned(),
        deep,
        "rule".repeat(10_000),
        "\u{FEFF}rule x at 9999Q9:\n  revenue[-99999999y] > 1e99999\n".to_owned(),
        "let a = b\nlet b = a\nrule c warning:\n  a > 1\n".to_owned(),
    ];
    let (uri, _) = client.open("rules/main.tick", "");
    for (i, text) in hostile.iter().enumerate() {
        let version = i as i64 + 2;
        client.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": text }] }),
        );
        let diagnostics = client.diagnostics(&uri, Some(version));
        assert!(!diagnostics.as_array().unwrap().is_empty(), "hostile text {i} has a diagnostic");
        for method in ["textDocument/hover", "textDocument/completion", "textDocument/definition"] {
            let at = json!({ "line": 1, "character": 3 });
            let answer = client.at(method, &uri, &at);
            assert!(answer.get("error").is_none(), "{method} on hostile text {i}: {answer}");
        }
    }
    // a position far outside the text, and a file that is not open
    let far = client.at("textDocument/hover", &uri, &json!({ "line": 4_000_000, "character": 4_000_000 }));
    assert!(far.get("error").is_none());
    let unknown = client.at("textDocument/hover", "file:///nowhere/x.tick", &json!({ "line": 0, "character": 0 }));
    assert_eq!(unknown, Json::Null);
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn the_shipped_pack_in_an_editor() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut client = Client::start(root);
    let text = std::fs::read_to_string(root.join("rules/amazon/q4-2025.tick")).unwrap();
    let uri = client.uri("rules/amazon/q4-2025.tick");
    let at = text.find("  na_margin ~= 9%").unwrap() + 4;
    let (text, cursor) = cursor(&format!("{}$0{}", &text[..at], &text[at..]));
    let started = Instant::now();
    let item = json!({ "uri": uri, "languageId": "tickmark", "version": 1, "text": text });
    client.notify("textDocument/didOpen", json!({ "textDocument": item }));
    client.diagnostics(&uri, Some(1));
    let opened = started.elapsed();
    let hover = client.at("textDocument/hover", &uri, &cursor);
    let value = hover["contents"]["value"].as_str().unwrap();
    assert!(value.contains("`na_margin` at AMZN 2025Q4"), "{value}");
    assert!(value.contains("**9.05 %"), "{value}");
    assert!(value.contains("data/amazon/000-q4-2025-results.toml"), "provenance: {value}");
    // a keystroke: an edit, then its diagnostics
    let started = Instant::now();
    let change = json!({ "range": { "start": cursor, "end": cursor }, "text": " " });
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [change] }),
    );
    client.diagnostics(&uri, Some(2));
    let keystroke = started.elapsed();
    eprintln!("shipped pack: open {opened:?}, keystroke to diagnostics {keystroke:?}");
}

#[test]
fn the_vscode_grammar_names_every_keyword() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let grammar: Json = serde_json::from_str(
        &std::fs::read_to_string(root.join("editors/vscode/syntaxes/tickmark.tmLanguage.json")).unwrap(),
    )
    .unwrap();
    let pest = std::fs::read_to_string(root.join("grammar/tickmark.pest")).unwrap();
    let mut keywords: Vec<String> = pest
        .lines()
        .filter_map(|l| l.strip_prefix("kw_")?.split_once(" = @{ \"")?.1.split('"').next().map(str::to_owned))
        .collect();
    keywords.sort();
    let text = grammar.to_string();
    for word in &keywords {
        assert!(
            text.contains(&format!("|{word}|"))
                || text.contains(&format!("({word}|"))
                || text.contains(&format!("|{word})")),
            "the grammar highlights `{word}`"
        );
    }
    assert!(keywords.len() >= 20, "{keywords:?}");
    let package: Json =
        serde_json::from_str(&std::fs::read_to_string(root.join("editors/vscode/package.json")).unwrap()).unwrap();
    assert_eq!(package["contributes"]["languages"][0]["extensions"][0], ".tick");
    let config = std::fs::read_to_string(root.join("editors/vscode/language-configuration.json")).unwrap();
    serde_json::from_str::<Json>(&config).unwrap();
}

#[test]
fn a_server_without_an_editor_says_so() {
    let out = Command::new(env!("CARGO_BIN_EXE_tickmark")).arg("lsp").stdin(Stdio::null()).output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr.starts_with("error: the language server stopped: "), "{stderr}");
}
