//! The workpaper (`check --format html`, issue 19): the shipped pack's page as a snapshot, read as
//! XML (polyglot HTML5: every element closed, ids unique, every link inside the page, no URL at
//! all), hostile names escaped, `[workpaper]` and `--preparer`, and a real browser: headless Chromium
//! loads the page, takes a screenshot, and its DOM must hold a card for every failed check of the
//! run and a card behind every ✗.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{root, settings};
use quick_xml::events::Event;

/// The run date every test page is made at: 2025-12-06 05:46:40 UTC.
const EPOCH: &str = "1765000000";

/// Runs `tickmark ARGS` in `dir` with the run date fixed: (stdout, stderr, exit code).
fn tickmark(args: &[&str], dir: &Path) -> (String, String, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_tickmark"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .output()
        .unwrap();
    let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
    (text(out.stdout), text(out.stderr), out.status.code().unwrap_or(-1))
}

/// An element of the page: its name, attributes (unescaped) and the text directly inside it.
#[derive(Debug, Default)]
struct Element {
    name: String,
    attrs: BTreeMap<String, String>,
    text: String,
}

/// Reads a page as XML and checks what a reviewer's browser needs: well formed (quick-xml fails on
/// an unclosed element or an unquoted attribute), one `<main>`, unique ids, every `href="#x"` an id
/// of the page, and nothing that loads from elsewhere (no URL, no `src`, no `url(`). Returns every
/// element, in document order.
fn validate(page: &str) -> Vec<Element> {
    assert!(page.starts_with("<!DOCTYPE html>\n"), "a doctype first");
    let mut reader = quick_xml::Reader::from_str(page);
    let mut elements: Vec<Element> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    loop {
        match reader.read_event().unwrap_or_else(|e| panic!("not well formed at {}: {e}", reader.buffer_position())) {
            Event::Start(e) => {
                elements.push(element(&e));
                open.push(elements.len() - 1);
            }
            Event::Empty(e) => elements.push(element(&e)),
            Event::End(_) => {
                open.pop();
            }
            Event::Text(t) => {
                let text = t.xml10_content();
                if let Some(&at) = open.last() {
                    elements[at].text.push_str(&text);
                }
            }
            Event::GeneralRef(r) => {
                let c = match r.resolve_char_ref().unwrap() {
                    Some(c) => c.to_string(),
                    None => quick_xml::escape::resolve_predefined_entity(&r)
                        .unwrap_or_else(|| panic!("an entity XML does not know: {r:?}"))
                        .to_owned(),
                };
                if let Some(&at) = open.last() {
                    elements[at].text.push_str(&c);
                }
            }
            Event::Eof => break,
            Event::DocType(_) | Event::Comment(_) | Event::CData(_) => {}
            other => panic!("unexpected markup {other:?}"),
        }
    }
    assert!(open.is_empty(), "every element closed");
    assert_eq!(elements.iter().filter(|e| e.name == "main").count(), 1, "one <main>");
    let mut ids = BTreeSet::new();
    for id in elements.iter().filter_map(|e| e.attrs.get("id")) {
        assert!(ids.insert(id.as_str()), "id {id} twice");
    }
    for e in &elements {
        if let Some(href) = e.attrs.get("href") {
            let target = href.strip_prefix('#').unwrap_or_else(|| panic!("a link out of the page: {href}"));
            assert!(ids.contains(target), "href {href} names no id");
        }
        assert!(!e.attrs.contains_key("src"), "<{}> loads {:?}", e.name, e.attrs["src"]);
        assert!(!["link", "img", "iframe", "object", "embed"].contains(&e.name.as_str()), "<{}>", e.name);
    }
    assert!(!page.contains("://") && !page.contains("url("), "no URL in the page");
    elements
}

fn element(e: &quick_xml::events::BytesStart) -> Element {
    let attrs = e
        .attributes()
        .map(|a| {
            let a = a.unwrap();
            let value = a.normalized_value(quick_xml::XmlVersion::Implicit1_0).unwrap().into_owned();
            (a.key.as_ref().to_owned(), value)
        })
        .collect();
    Element { name: e.name().as_ref().to_owned(), attrs, ..Element::default() }
}

/// The (rule, entity, period) of every failed or erred check in the JSON report of the same run.
fn failed_checks(dir: &Path, args: &[&str]) -> BTreeSet<(String, String, String)> {
    let (stdout, _, _) = tickmark(&[args, &["--format", "json"]].concat(), dir);
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let field = |c: &serde_json::Value, k: &str| c[k].as_str().unwrap().to_owned();
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| matches!(c["status"].as_str(), Some("fail" | "error")))
        .map(|c| (field(c, "rule"), field(c, "entity"), field(c, "period")))
        .collect()
}

#[test]
fn the_shipped_packs_workpaper_is_valid_and_has_a_card_for_every_exception() {
    let (page, stderr, code) = tickmark(&["check", "--format", "html", "--preparer", "A. Analyst"], root());
    assert_eq!((code, stderr.as_str()), (0, ""));
    let elements = validate(&page);
    // Every failed check has its card, and there is no other.
    let cards: BTreeSet<(String, String, String)> = elements
        .iter()
        .filter(|e| e.name == "article")
        .map(|e| (e.attrs["data-rule"].clone(), e.attrs["data-entity"].clone(), e.attrs["data-period"].clone()))
        .collect();
    let failed = failed_checks(root(), &["check"]);
    assert_eq!(failed.len(), 4);
    assert_eq!(cards, failed);
    // Every ✗ links to a card; the failed Q4 revenue links to the card of the check that read it.
    let crosses: Vec<&Element> = elements.iter().filter(|e| e.name == "a" && e.text == "✗").collect();
    assert!(crosses.len() >= 4, "{crosses:?}");
    let card_ids: BTreeSet<&str> =
        elements.iter().filter(|e| e.name == "article").map(|e| e.attrs["id"].as_str()).collect();
    for x in &crosses {
        assert!(card_ids.contains(&x.attrs["href"][1..]), "{x:?}");
    }
    // The header says who, when, with what, and every file with its hash.
    for text in [
        "A. Analyst",
        "2025-12-06 05:46:40 UTC",
        concat!("tickmark ", env!("CARGO_PKG_VERSION")),
        "<code>data/amazon/000-q4-2025-results.toml</code>",
        "2024Q3 to 2026Q1 (6 quarters), FY2024 to FY2026 (3 years)",
        "4 exceptions of 44 checks made (0 error, 3 warning, 1 info; 0 erred)",
    ] {
        assert!(page.contains(text), "{text}");
    }
    let hashes = elements.iter().filter(|e| e.name == "code" && e.attrs.get("class").is_some_and(|c| c == "hash"));
    assert!(hashes.clone().count() > 10 && hashes.clone().all(|h| h.text.len() == 64), "a SHA-256 for every file");
    // Charts: revenue against its guidance, and each growth claim against the growth computed.
    assert!(page.contains("AMZN revenue (USD bn): actual (line) against guidance (band)"));
    assert!(page.contains("<title>guidance 2026Q1: 173.5 USD bn..178.5 USD bn</title>"));
    assert!(page.contains("q3_net_income_growth_40pct at AMZN 2025Q3 (failed)"));
    assert!(
        page.contains("<title>claimed, within tolerance: 50 % (44.5 %..55.5 %)</title>"),
        "the claim widened by `within 5pp`"
    );
    settings().bind(|| insta::assert_snapshot!("workpaper_amazon", page));
}

#[test]
fn sheet_format_html_is_the_same_workpaper() {
    let (check, _, _) = tickmark(&["check", "--format", "html"], root());
    let (sheet, stderr, code) = tickmark(&["sheet", "--format", "html"], root());
    assert_eq!((code, stderr.as_str()), (0, ""));
    validate(&sheet);
    assert_eq!(sheet, check);
}

/// Entity and metric names are refused by the data readers unless plain (`bad-metric`); what reaches
/// the page as free text is a rule's title, a source's name and a file's name.
#[test]
fn hostile_titles_sources_and_file_names_are_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let files = [
        ("r.tick", "rule r \"<script>alert('t')</script> & \\\"q\\\" {revenue}\": revenue > 1000 USD bn\n"),
        (
            "d\"<b>.toml",
            "entity = \"AMZN\"\nunit = \"USD bn\"\nsource = \"\\\"><b>\\u001b[31m\"\n\
             [actual.2025Q4]\nrevenue = 213.4\n",
        ),
    ];
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let (page, stderr, code) = tickmark(&["check", "r.tick", "--data", "d\"<b>.toml", "--format", "html"], dir.path());
    assert_eq!(code, 1, "{stderr}");
    let elements = validate(&page);
    for raw in ["<script>alert", "<b>", "\u{1b}"] {
        assert!(!page.contains(raw), "{raw} is in the page raw");
    }
    assert!(page.contains("&#60;script&#62;alert(&#39;t&#39;)&#60;/script&#62; &#38; &#34;q&#34;"), "{page}");
    assert!(page.contains(r"&#34;&#62;&#60;b&#62;\u{1b}[31m"), "the control character escaped as text");
    let card = elements.iter().find(|e| e.name == "article").unwrap();
    assert_eq!(card.attrs["data-rule"], "r");
    let title = elements.iter().find(|e| e.name == "p" && e.attrs.get("class").is_some_and(|c| c == "title")).unwrap();
    assert_eq!(title.text, "<script>alert('t')</script> & \"q\" 213.4 USD bn");
    assert!(elements.iter().any(|e| e.name == "code" && e.text == "d\"<b>.toml"), "the file name as text");
}

#[test]
fn the_preparer_and_the_legend_come_from_tickmark_toml_and_the_flag_wins() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("r.tick"), "rule r: revenue > 1 USD bn\n").unwrap();
    std::fs::write(dir.path().join("d.toml"), "entity = \"A\"\nunit = \"USD bn\"\n[actual.2025Q4]\nrevenue = 2\n")
        .unwrap();
    let config = "rules = [\"r.tick\"]\ndata = [\"d.toml\"]\n[workpaper]\npreparer = \"Jo Doe\"\n\
                  legend = { checked = \"agreed to source\", failed = \"exception\", bare = \"not tested\" }\n";
    std::fs::write(dir.path().join("tickmark.toml"), config).unwrap();
    let (page, stderr, code) = tickmark(&["check", "--format", "html"], dir.path());
    assert_eq!((code, stderr.as_str()), (0, ""));
    validate(&page);
    for text in ["<td>Jo Doe</td>", "agreed to source", "exception</li>", "not tested", "No exceptions"] {
        assert!(page.contains(text), "{text}: {page}");
    }
    let (page, _, _) = tickmark(&["check", "--format", "html", "--preparer", "Al <Reviewer>"], dir.path());
    assert!(page.contains("<td>Al &#60;Reviewer&#62;</td>") && !page.contains("Jo Doe"), "{page}");
}

#[test]
fn a_bad_workpaper_table_or_run_date_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("r.tick"), "rule r: revenue > 1 USD bn\n").unwrap();
    std::fs::write(dir.path().join("d.toml"), "entity = \"A\"\nunit = \"USD bn\"\n[actual.2025Q4]\nrevenue = 2\n")
        .unwrap();
    let write = |workpaper: &str| {
        let config = format!("rules = [\"r.tick\"]\ndata = [\"d.toml\"]\n{workpaper}");
        std::fs::write(dir.path().join("tickmark.toml"), config).unwrap();
    };
    let cases = [
        (
            "[workpaper]\npreparr = \"x\"\n",
            "tickmark.toml:4:1",
            "unknown key `preparr` in `[workpaper]`",
            "did you mean `preparer`?",
        ),
        (
            "[workpaper]\npreparer = 1\n",
            "tickmark.toml:4:12",
            "`preparer` is a number; it must be a string",
            "[workpaper]",
        ),
        ("workpaper = 1\n", "tickmark.toml:3:13", "`workpaper` is a number; it must be a table", "preparer"),
        (
            "[workpaper.legend]\nchecekd = \"ok\"\n",
            "tickmark.toml:4:1",
            "unknown key `checekd` in `[legend]`",
            "did you mean `checked`?",
        ),
    ];
    for (workpaper, at, message, help) in cases {
        write(workpaper);
        let (stdout, stderr, code) = tickmark(&["check", "--format", "html"], dir.path());
        assert_eq!((code, stdout.as_str()), (2, ""), "{stderr}");
        for text in [at, message, help] {
            assert!(stderr.contains(text), "{text}: {stderr}");
        }
    }
    write("");
    let out = Command::new(env!("CARGO_BIN_EXE_tickmark"))
        .args(["check", "--format", "html"])
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", "yesterday")
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr.contains("SOURCE_DATE_EPOCH is `yesterday`, not a number of seconds"), "{stderr}");
}

/// The flags headless Chromium runs with: as root, on a closed network, touching no profile.
fn chromium(profile: &Path) -> Command {
    let mut command = Command::new("chromium");
    command
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .stdin(Stdio::null());
    command
}

/// Runs a command for at most `limit`: its stdout, or why not.
fn within(mut command: Command, limit: Duration) -> Result<String, String> {
    let mut child = command.stdout(Stdio::piped()).stderr(Stdio::null()).spawn().map_err(|e| e.to_string())?;
    let started = Instant::now();
    let reader = {
        let mut stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut stdout, &mut text).map(|_| text)
        })
    };
    loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            let text = reader.join().unwrap().map_err(|e| e.to_string())?;
            return if status.success() { Ok(text) } else { Err(format!("{status}")) };
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("no answer in {} s", limit.as_secs()));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The attributes of every start tag named `tag` in serialized HTML (what `--dump-dom` prints):
/// a small scan, enough for the double-quoted attributes Chromium writes.
fn tags(html: &str, tag: &str) -> Vec<BTreeMap<String, String>> {
    let open = format!("<{tag} ");
    let mut out = Vec::new();
    for start in html.match_indices(&open).map(|(i, _)| i + open.len()) {
        let mut attrs = BTreeMap::new();
        let mut rest = &html[start..];
        while let Some(eq) = rest.find("=\"").filter(|&eq| !rest[..eq].contains('>')) {
            let name = rest[..eq].trim().to_owned();
            let end = rest[eq + 2..].find('"').unwrap();
            let value = rest[eq + 2..eq + 2 + end]
                .replace("&quot;", "\"")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&nbsp;", "\u{a0}")
                .replace("&amp;", "&");
            attrs.insert(name, value);
            rest = &rest[eq + 2 + end + 1..];
        }
        out.push(attrs);
    }
    out
}

#[test]
fn a_browser_shows_a_card_for_every_failed_check_and_behind_every_cross() {
    let install = Command::new("bash").arg(root().join("scripts/install-chromium.sh")).output().unwrap();
    if !install.status.success() {
        let why = String::from_utf8_lossy(&install.stderr);
        eprintln!("SKIPPED: chromium unavailable: {}", why.trim());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (page, _, _) = tickmark(&["check", "--format", "html"], root());
    let file = dir.path().join("workpaper.html");
    std::fs::write(&file, &page).unwrap();
    let url = format!("file://{}", file.display());

    let mut dump = chromium(&dir.path().join("profile-dom"));
    dump.args(["--dump-dom", &url]);
    let dom = within(dump, Duration::from_secs(120)).expect("chromium --dump-dom");
    // The script ran: the filters it shows are no longer hidden.
    let filters = tags(&dom, "fieldset");
    assert_eq!(filters.len(), 1);
    assert!(!filters[0].contains_key("hidden"), "{filters:?}");
    let cards: BTreeMap<(String, String, String), String> = tags(&dom, "article")
        .into_iter()
        .map(|a| ((a["data-rule"].clone(), a["data-entity"].clone(), a["data-period"].clone()), a["id"].clone()))
        .collect();
    let failed = failed_checks(root(), &["check"]);
    assert!(!failed.is_empty());
    for check in &failed {
        assert!(cards.contains_key(check), "no card for {check:?} in the DOM");
    }
    let ids: BTreeSet<&String> = cards.values().collect();
    let crosses: Vec<_> =
        tags(&dom, "a").into_iter().filter(|a| a.get("class").is_some_and(|c| c == "mark bad")).collect();
    assert!(crosses.len() >= failed.len(), "{crosses:?}");
    for x in &crosses {
        let target = x["href"].strip_prefix('#').unwrap().to_owned();
        assert!(ids.contains(&target), "✗ links to {target}, no card");
    }

    let png = dir.path().join("workpaper.png");
    let mut shot = chromium(&dir.path().join("profile-shot"));
    shot.arg(format!("--screenshot={}", png.display())).args(["--window-size=1280,2000", &url]);
    within(shot, Duration::from_secs(120)).expect("chromium --screenshot");
    let bytes = std::fs::read(&png).unwrap();
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.len() > 50_000, "a screenshot of {} bytes", bytes.len());
}
