//! `tickmark init` end to end, with the real binary: a new rule repository whose checks and snapshot
//! tests pass at once, and a second `init` that overwrites nothing.

mod common;

use common::{settings, tickmark};

use std::collections::BTreeMap;
use std::path::Path;

/// Every file under a folder, by its `/`-separated path relative to it, with its bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Collects the files of one folder, recursively.
fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            walk(root, &path, out);
        } else {
            let name = path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
            out.insert(name, std::fs::read(&path).unwrap());
        }
    }
}

/// The file list as one line per file.
fn listing(files: &BTreeMap<String, Vec<u8>>) -> String {
    files.keys().map(|name| format!("{name}\n")).collect()
}

#[test]
fn init_writes_a_repository_whose_checks_and_tests_pass() {
    let dir = tempfile::tempdir().unwrap();
    let (stdout, stderr, code) = tickmark(&["init"], dir.path());
    assert_eq!((code, stderr.as_str()), (0, ""));
    settings().bind(|| insta::assert_snapshot!("init_output", stdout));
    let written = files(dir.path());
    settings().bind(|| insta::assert_snapshot!("init_files", listing(&written)));
    let case = String::from_utf8(written["tests/cases/example.case"].clone()).unwrap();
    settings().bind(|| insta::assert_snapshot!("init_example_case", case));

    let (report, stderr, code) = tickmark(&["check"], dir.path());
    assert_eq!(code, 0, "{report}{stderr}");
    assert!(report.contains("summary: 5 rules, 5 checks: 4 passed, 1 failed"), "{report}");
    assert!(case.ends_with(&report), "the case stores what `check` prints");
    let (stdout, stderr, code) = tickmark(&["test"], dir.path());
    assert_eq!(
        (code, stdout.as_str(), stderr.as_str()),
        (0, "ok   tests/cases/example.case\n1 passed, 0 failed\n", "")
    );
    let (_, _, code) = tickmark(&["check", "--format", "json"], dir.path());
    assert_eq!(code, 0);
}

#[test]
fn init_again_overwrites_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (_, _, code) = tickmark(&["init"], dir.path());
    assert_eq!(code, 0);
    let rules = dir.path().join("rules/example.tick");
    std::fs::write(&rules, "# my own rules\n").unwrap();
    let before = files(dir.path());

    let (stdout, stderr, code) = tickmark(&["init"], dir.path());
    assert_eq!((code, stderr.as_str()), (0, ""));
    assert_eq!(files(dir.path()), before, "every file byte-identical, nothing added");
    settings().bind(|| insta::assert_snapshot!("init_again", stdout));
}

#[test]
fn init_fills_in_what_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let config = "# mine\nrules = [\"rules\"]\ndata = [\"data\"]\n";
    std::fs::write(dir.path().join("tickmark.toml"), config).unwrap();
    let (stdout, _, code) = tickmark(&["init"], dir.path());
    assert_eq!(code, 0);
    assert!(stdout.starts_with("kept existing tickmark.toml\ncreated rules/example.tick\n"), "{stdout}");
    assert_eq!(std::fs::read_to_string(dir.path().join("tickmark.toml")).unwrap(), config);
    let (_, _, code) = tickmark(&["test"], dir.path());
    assert_eq!(code, 0);
}

#[test]
fn init_into_a_new_folder() {
    let dir = tempfile::tempdir().unwrap();
    let (stdout, stderr, code) = tickmark(&["init", "acme-rules"], dir.path());
    assert_eq!((code, stderr.as_str()), (0, ""));
    settings().bind(|| insta::assert_snapshot!("init_new_folder", stdout));
    let repo = dir.path().join("acme-rules");
    assert_eq!(tickmark(&["check"], &repo).2, 0);
    assert_eq!(tickmark(&["test"], &repo).2, 0);
    // From outside, the case still gives the report of its repository's root.
    let (stdout, _, code) = tickmark(&["test", "acme-rules"], dir.path());
    assert_eq!((code, stdout.as_str()), (0, "ok   acme-rules/tests/cases/example.case\n1 passed, 0 failed\n"));
}

#[test]
fn the_workflow_runs_check_and_test() {
    let dir = tempfile::tempdir().unwrap();
    tickmark(&["init"], dir.path());
    let workflow = std::fs::read_to_string(dir.path().join(".github/workflows/tickmark.yml")).unwrap();
    assert!(workflow.contains("run: tickmark check\n") && workflow.contains("run: tickmark test\n"), "{workflow}");
    assert!(!workflow.contains("{{repository}}"), "the placeholder is filled in");
    settings().bind(|| insta::assert_snapshot!("init_workflow", workflow));
}

#[test]
fn init_where_it_cannot_write_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("taken"), "a file, not a folder").unwrap();
    let (stdout, stderr, code) = tickmark(&["init", "taken"], dir.path());
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert!(stderr.contains("cannot write `taken"), "{stderr}");
    let (_, _, code) = tickmark(&["init", "a", "b"], dir.path());
    assert_eq!(code, 2, "one folder at most");
}

#[test]
fn help_shows_examples() {
    let (stdout, _, code) = tickmark(&["init", "--help"], Path::new(env!("CARGO_MANIFEST_DIR")));
    assert_eq!(code, 0);
    settings().bind(|| insta::assert_snapshot!("init_help", stdout));
}
