//! The report formats for other tools, tested against what those tools expect: SARIF validated
//! against the 2.1.0 JSON schema, JUnit parsed as XML, GitHub workflow commands read as the runner
//! reads them. The real binary runs on the shipped pack, on a broken rule file, and on odd inputs.

use crate::common;

use common::{root, settings, tickmark};

use std::collections::BTreeMap;
use std::path::Path;

use quick_xml::events::Event;
use serde_json::Value;

/// The broken rule file of the CLI tests, with the evaluator's data.
const BROKEN: [&str; 4] = ["check", "tests/fixtures/cli/broken.tick", "--data", "tests/fixtures/eval/data"];

// ----- SARIF

/// Parses a SARIF log and validates it against the SARIF 2.1.0 schema, formats included.
fn valid_sarif(text: &str) -> Value {
    // The schema's language-tag pattern has a stray `]`, which ECMA-262 (Annex B) reads as itself
    // but Rust's regex rejects, and the schema with it: escaped, the pattern means the same.
    let schema = include_str!("../fixtures/schemas/sarif-2.1.0.json").replace("{2}]?$", "{2}\\\\]?$");
    let schema: Value = serde_json::from_str(&schema).unwrap();
    let validator = jsonschema::options().should_validate_formats(true).build(&schema).unwrap();
    let log: Value = serde_json::from_str(text).unwrap();
    let errors: Vec<String> = validator.iter_errors(&log).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "the SARIF log breaks the 2.1.0 schema:\n{}", errors.join("\n"));
    log
}

/// The results of a log's only run.
fn results(log: &Value) -> &Vec<Value> {
    log["runs"][0]["results"].as_array().unwrap()
}

/// Every result's `ruleIndex` points at the descriptor of its `ruleId`.
fn assert_rule_indexes(log: &Value) {
    let rules = log["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    for r in results(log) {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], r["ruleId"], "ruleIndex of {}", r["ruleId"]);
    }
}

#[test]
fn sarif_shipped_pack() {
    let (stdout, stderr, code) = tickmark(&["check", "--format", "sarif"], root());
    assert_eq!(code, 0, "{stderr}");
    let log = valid_sarif(&stdout);
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(log["runs"][0]["columnKind"], "unicodeCodePoints");
    assert_eq!(log["runs"][0]["invocations"][0]["executionSuccessful"], true);
    assert_rule_indexes(&log);
    let checks: Vec<&Value> =
        results(&log).iter().filter(|r| !r["ruleId"].as_str().unwrap().starts_with("tickmark/")).collect();
    assert_eq!(checks.len(), 4, "one result per failed check");
    let q3 = checks.iter().find(|r| r["ruleId"] == "q3_net_income_growth_40pct").unwrap();
    assert_eq!(q3["level"], "warning");
    let at = &q3["locations"][0]["physicalLocation"];
    assert_eq!(at["artifactLocation"]["uri"], "rules/amazon/q3-2025.tick");
    assert_eq!(at["region"]["startLine"], 24);
    assert_eq!(q3["properties"]["entity"], "AMZN");
    assert_eq!(q3["properties"]["period"], "2025Q3");
    let facts: Vec<&str> = q3["relatedLocations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap())
        .collect();
    assert!(facts.contains(&"data/amazon/amazon-earnings-releases.toml"), "{facts:?}");
    let info = checks.iter().find(|r| r["ruleId"] == "q4_revenue_within_guidance").unwrap();
    assert_eq!(info["level"], "note");
    // The condition alone, not the comments after it.
    assert_eq!(info["locations"][0]["physicalLocation"]["region"]["endLine"], 19);
    let conflicts: Vec<&Value> = results(&log).iter().filter(|r| r["ruleId"] == "tickmark/conflict").collect();
    assert_eq!(conflicts.len(), 1);
    assert_eq!(
        conflicts[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "data/amazon/003-capex-plan-2026.toml"
    );
    settings().bind(|| insta::assert_snapshot!("formats_sarif_shipped", stdout));
}

#[test]
fn sarif_broken_run() {
    let (stdout, stderr, code) = tickmark(&[&BROKEN[..], &["--format", "sarif"]].concat(), root());
    assert_eq!(code, 2);
    assert!(stderr.contains("expected `:`"), "the human diagnostics go to stderr:\n{stderr}");
    let log = valid_sarif(&stdout);
    let run = &log["runs"][0];
    assert!(run.get("results").is_none(), "a run that could not be made has no results");
    assert_eq!(run["invocations"][0]["executionSuccessful"], false);
    let notes = run["invocations"][0]["toolExecutionNotifications"].as_array().unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0]["level"], "error");
    assert_eq!(notes[0]["descriptor"]["id"], "tickmark/syntax");
    let at = &notes[0]["locations"][0]["physicalLocation"];
    assert_eq!(at["artifactLocation"]["uri"], "tests/fixtures/cli/broken.tick");
    assert_eq!((at["region"]["startLine"].as_u64(), at["region"]["startColumn"].as_u64()), (Some(2), Some(3)));
    settings().bind(|| insta::assert_snapshot!("formats_sarif_broken", stdout));
}

// ----- JUnit

/// An XML element as read back: its attributes, children and text.
#[derive(Debug, Default)]
struct Element {
    name: String,
    attrs: BTreeMap<String, String>,
    children: Vec<Element>,
    text: String,
}

impl Element {
    /// The children named `name`.
    fn all(&self, name: &str) -> Vec<&Element> {
        self.children.iter().filter(|c| c.name == name).collect()
    }

    /// An attribute as a number.
    fn count(&self, attr: &str) -> usize {
        self.attrs[attr].parse().unwrap()
    }
}

/// Parses an XML document with quick-xml into its root element; panics where it is not well formed.
fn parse_xml(text: &str) -> Element {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut stack = vec![Element::default()];
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) => stack.push(element(&e)),
            Event::Empty(e) => stack.last_mut().unwrap().children.push(element(&e)),
            Event::End(_) => {
                let done = stack.pop().unwrap();
                stack.last_mut().unwrap().children.push(done);
            }
            Event::Text(t) => stack.last_mut().unwrap().text.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => {
                let c = match r.resolve_char_ref().unwrap() {
                    Some(c) => c.to_string(),
                    None => quick_xml::escape::resolve_predefined_entity(&r).unwrap().to_owned(),
                };
                stack.last_mut().unwrap().text.push_str(&c);
            }
            Event::CData(_) | Event::DocType(_) | Event::PI(_) => panic!("unexpected markup"),
            Event::Eof => break,
            Event::Decl(_) | Event::Comment(_) => {}
        }
    }
    let mut document = stack.pop().unwrap();
    assert!(stack.is_empty() && document.children.len() == 1, "one root element");
    document.children.pop().unwrap()
}

/// An element's name and attributes, values unescaped.
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

/// The JSON report's summary of the same run.
fn json_summary(args: &[&str], dir: &Path) -> Value {
    let (stdout, _, _) = tickmark(&[args, &["--format", "json"]].concat(), dir);
    serde_json::from_str::<Value>(&stdout).unwrap()["summary"].clone()
}

/// The suites' counts add up to the totals, and each suite's to its test cases.
fn assert_counts_add_up(root: &Element) {
    for attr in ["tests", "failures", "errors", "skipped"] {
        let sum: usize = root.all("testsuite").iter().map(|s| s.count(attr)).sum();
        assert_eq!(root.count(attr), sum, "{attr} of the suites");
    }
    for suite in root.all("testsuite") {
        let cases = suite.all("testcase");
        assert_eq!(suite.count("tests"), cases.len());
        let with = |name: &str| cases.iter().filter(|c| !c.all(name).is_empty()).count();
        assert_eq!(suite.count("failures"), with("failure"));
        assert_eq!(suite.count("errors"), with("error"));
        assert_eq!(suite.count("skipped"), with("skipped"));
    }
}

#[test]
fn junit_shipped_pack() {
    let (stdout, stderr, code) = tickmark(&["check", "--format", "junit"], root());
    assert_eq!(code, 0, "{stderr}");
    let report = parse_xml(&stdout);
    assert_eq!(report.name, "testsuites");
    let summary = json_summary(&["check"], root());
    assert_eq!(report.count("tests"), summary["checks"].as_u64().unwrap() as usize, "every check is a test case");
    assert_eq!(report.count("failures"), 4);
    assert_eq!(report.count("skipped"), summary["skipped"].as_u64().unwrap() as usize);
    assert_eq!(report.count("errors"), 0);
    assert_counts_add_up(&report);
    let suite = report.all("testsuite").into_iter().find(|s| s.attrs["name"] == "rules/amazon/q3-2025.tick").unwrap();
    let case = suite.all("testcase").into_iter().find(|c| c.attrs["name"] == "q3_net_income_growth_40pct AMZN 2025Q3");
    let case = case.unwrap();
    assert_eq!(case.attrs["classname"], "q3_net_income_growth_40pct");
    assert_eq!(case.attrs["line"], "24");
    let failure = &case.all("failure")[0];
    assert_eq!(failure.attrs["type"], "warning");
    assert!(failure.attrs["message"].starts_with("Q3 net income 21.2 USD bn is up '40 %'"), "{failure:?}");
    assert!(failure.text.contains("0.156 pp apart"), "the explanation: {failure:?}");
    assert!(failure.text.contains("from data/amazon/amazon-earnings-releases.toml:17:14"), "provenance: {failure:?}");
    let warnings = report.all("testsuite").into_iter().find(|s| s.attrs["name"] == "tickmark warnings").unwrap();
    assert!(warnings.all("system-err")[0].text.contains("sources disagree on AMZN capex FY2025"));
    settings().bind(|| insta::assert_snapshot!("formats_junit_shipped", stdout));
}

#[test]
fn junit_broken_run() {
    let (stdout, _, code) = tickmark(&[&BROKEN[..], &["--format", "junit"]].concat(), root());
    assert_eq!(code, 2);
    let report = parse_xml(&stdout);
    assert_eq!((report.count("tests"), report.count("errors"), report.count("failures")), (1, 1, 0));
    assert_counts_add_up(&report);
    let case = &report.all("testsuite")[0].all("testcase")[0];
    assert_eq!(case.attrs["file"], "tests/fixtures/cli/broken.tick");
    let error = &case.all("error")[0];
    assert_eq!(error.attrs["message"], "expected `:`, found `revenue`");
    assert_eq!(error.attrs["type"], "syntax");
    settings().bind(|| insta::assert_snapshot!("formats_junit_broken", stdout));
}

// ----- GitHub

#[test]
fn github_shipped_pack() {
    let (stdout, stderr, code) = tickmark(&["check", "--format", "github"], root());
    assert_eq!(code, 0, "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    let q3: Vec<&&str> =
        lines.iter().filter(|l| l.starts_with("::warning file=rules/amazon/q3-2025.tick,line=24,")).collect();
    assert_eq!(q3.len(), 1, "{stdout}");
    assert!(q3[0].contains(",title=q3_net_income_growth_40pct at AMZN 2025Q3::Q3 net income 21.2 USD bn"), "{}", q3[0]);
    assert!(q3[0].contains("%0Anet_income at 2024Q3 = 15.3 USD bn, from data/"), "provenance: {}", q3[0]);
    assert!(lines.iter().any(|l| l.starts_with("::notice file=rules/amazon/beats-and-misses.tick,line=19,")));
    assert!(lines.iter().any(|l| l.starts_with("::warning file=data/amazon/003-capex-plan-2026.toml,line=22,col=9,")));
    assert_eq!(lines.iter().filter(|l| l.starts_with("::")).count(), 5, "4 failed checks and 1 conflict");
    assert!(lines.last().unwrap().starts_with("summary: 40 rules, 44 checks:"), "{stdout}");
    settings().bind(|| insta::assert_snapshot!("formats_github_shipped", stdout));
}

#[test]
fn github_broken_run() {
    let (stdout, _, code) = tickmark(&[&BROKEN[..], &["--format", "github"]].concat(), root());
    assert_eq!(code, 2);
    assert!(
        stdout.starts_with(
            "::error file=tests/fixtures/cli/broken.tick,line=2,col=3,endLine=2,endColumn=10,title=syntax::"
        ),
        "{stdout}"
    );
    settings().bind(|| insta::assert_snapshot!("formats_github_broken", stdout));
}

// ----- all three

#[test]
fn formats_are_deterministic() {
    for format in ["sarif", "junit", "github"] {
        let first = tickmark(&["check", "--format", format], root());
        let second = tickmark(&["check", "--format", format], root());
        assert_eq!(first, second, "{format}");
        let first = tickmark(&[&BROKEN[..], &["--format", format]].concat(), root());
        assert_eq!(first, tickmark(&[&BROKEN[..], &["--format", format]].concat(), root()), "{format}");
    }
}

/// A rule file and a data file whose names and texts need escaping in every format: a space and a
/// comma in the file name, markup, quotes and `%` in a title, an erred warning rule and a rule that
/// is checked nowhere.
fn odd_inputs() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("odd, rules.tick"),
        concat!(
            "rule odd_title warning \"R&D <costs> \\\"grew\\\" 50%, to {revenue}: 'fine'\" at 2025Q4:\n",
            "  revenue > 200 USD m\n",
            "\n",
            "rule divides warning at 2025Q4:\n",
            "  revenue / zero > 0\n",
            "\n",
            "rule nowhere at 2025Q4:\n",
            "  net_income > 0\n",
        ),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("acme data.toml"),
        "entity = \"ACME\"\nunit = \"USD m\"\n\n[actual.2024Q4]\nnet_income = 8\n\n[actual.2025Q4]\nrevenue = 120.0\nzero = 0\n",
    )
    .unwrap();
    dir
}

/// The arguments that check the odd inputs.
const ODD: [&str; 4] = ["check", "odd, rules.tick", "--data", "acme data.toml"];

#[test]
fn odd_inputs_sarif() {
    let dir = odd_inputs();
    let (stdout, stderr, code) = tickmark(&[&ODD[..], &["--format", "sarif"]].concat(), dir.path());
    assert_eq!(code, 0, "warning rules alone exit 0\n{stderr}");
    let log = valid_sarif(&stdout);
    assert_rule_indexes(&log);
    let by_rule = |id: &str| results(&log).iter().find(|r| r["ruleId"] == id).unwrap_or_else(|| panic!("{id}"));
    let odd = by_rule("odd_title");
    assert_eq!(odd["level"], "warning");
    assert_eq!(odd["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "odd,%20rules.tick");
    assert!(odd["message"]["text"].as_str().unwrap().contains("R&D <costs> \"grew\" 50%, to 120.0 USD m: 'fine'"));
    assert_eq!(by_rule("divides")["level"], "error", "an erred check is an error whatever its rule's severity");
    let nowhere = by_rule("tickmark/checked-nowhere");
    assert_eq!(nowhere["level"], "warning");
    assert_eq!(nowhere["locations"][0]["physicalLocation"]["region"]["startLine"], 7);
    settings().bind(|| insta::assert_snapshot!("formats_sarif_odd", stdout));
}

#[test]
fn odd_inputs_junit() {
    let dir = odd_inputs();
    let (stdout, _, _) = tickmark(&[&ODD[..], &["--format", "junit"]].concat(), dir.path());
    let report = parse_xml(&stdout);
    assert_counts_add_up(&report);
    assert_eq!((report.count("tests"), report.count("failures")), (3, 1));
    assert_eq!((report.count("errors"), report.count("skipped")), (1, 1));
    let (json, _, _) = tickmark(&[&ODD[..], &["--format", "json"]].concat(), dir.path());
    let json: Value = serde_json::from_str(&json).unwrap();
    let check = |rule: &str| json["checks"].as_array().unwrap().iter().find(|c| c["rule"] == rule).unwrap().clone();
    let message = check("odd_title")["message"].clone();
    let missing = check("nowhere")["missing"].clone();
    let suite = &report.all("testsuite")[0];
    assert_eq!(suite.attrs["name"], "odd, rules.tick");
    let failure = &suite.all("testcase")[0].all("failure")[0];
    assert_eq!(failure.attrs["message"], message.as_str().unwrap(), "the title survives escaping");
    assert!(failure.text.contains("odd, rules.tick:2:3: revenue > 200 USD m\n"), "{failure:?}");
    let skipped = &suite.all("testcase")[2].all("skipped")[0];
    let reason =
        format!("{} has no value at {}", missing["name"].as_str().unwrap(), missing["period"].as_str().unwrap());
    assert_eq!(skipped.attrs["message"], reason);
    settings().bind(|| insta::assert_snapshot!("formats_junit_odd", stdout));
}

#[test]
fn odd_inputs_github() {
    let dir = odd_inputs();
    let (stdout, _, code) = tickmark(&[&ODD[..], &["--format", "github"]].concat(), dir.path());
    assert_eq!(code, 0);
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].starts_with("::warning file=odd%2C rules.tick,line=7,col=6,"), "checked nowhere: {}", lines[0]);
    assert!(
        lines[1].starts_with(
            "::warning file=odd%2C rules.tick,line=2,col=3,endLine=2,endColumn=22,title=odd_title at ACME 2025Q4::R&D <costs> \"grew\" 50%25, to 120.0 USD m: 'fine'%0A"
        ),
        "{}",
        lines[1]
    );
    assert!(lines[2].starts_with("::error file=odd%2C rules.tick,line=5,"), "an erred check: {}", lines[2]);
    assert!(lines.iter().all(|l| !l.contains('\r')), "one command a line");
    assert_eq!(lines.len(), 4, "{stdout}");
    settings().bind(|| insta::assert_snapshot!("formats_github_odd", stdout));
}

// ----- a bad argument

/// `--format json|sarif|junit|github` with an argument clap refuses still prints the document, carrying
/// the error, and exits 2 (a program reading the document is not left with nothing); a `--format`
/// whose value is not a format prints none (there is no document to write), only clap's message.
#[test]
fn a_bad_argument_is_a_document_in_the_format_asked_for() {
    let args = |format: &'static str| vec!["check", "--format", format, "--deny", "errors"];
    let (stdout, _, code) = tickmark(&args("json"), root());
    assert_eq!(code, 2);
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["diagnostics"][0]["code"], "bad-argument");
    assert_eq!(report["diagnostics"][0]["message"], "invalid value 'errors' for '--deny <DENY>'");

    let (stdout, stderr, code) = tickmark(&["check", "--format=sarif", "--bogus"], root());
    assert_eq!(code, 2);
    assert!(stderr.contains("unexpected argument '--bogus' found"), "{stderr}");
    let log = valid_sarif(&stdout);
    let notes = &log["runs"][0]["invocations"][0]["toolExecutionNotifications"];
    assert_eq!(notes[0]["descriptor"]["id"], "tickmark/bad-argument");

    let (stdout, _, code) = tickmark(&args("junit"), root());
    assert_eq!(code, 2);
    let suites = parse_xml(&stdout);
    let error = &suites.all("testsuite")[0].all("testcase")[0].all("error")[0];
    assert_eq!(error.attrs["message"], "invalid value 'errors' for '--deny <DENY>'");

    let (stdout, _, code) = tickmark(&args("github"), root());
    assert_eq!(code, 2);
    assert!(stdout.starts_with("::error"), "{stdout}");

    for args in [&["check", "--format", "xml"][..], &["check", "--bogus"], &["check", "--format", "human", "--bogus"]] {
        let (stdout, stderr, code) = tickmark(args, root());
        assert_eq!((code, stdout.as_str()), (2, ""), "{args:?}");
        assert!(stderr.starts_with("error: "), "{stderr}");
    }
}
