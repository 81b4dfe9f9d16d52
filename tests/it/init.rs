//! `tickmark init` end to end, with the real binary: a new rule repository whose checks and snapshot
//! tests pass at once, a second `init` that overwrites nothing, and existing rule repositories, rules
//! and data that `init` never breaks.

use crate::common;

use common::{copy, root, run_program, settings, tickmark};

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

    let (report, stderr, code) = tickmark(&["check", "--verbose"], dir.path());
    assert_eq!(code, 0, "{report}{stderr}");
    assert!(report.contains("summary: 5 rules, 5 checks: 4 passed, 1 failed"), "{report}");
    assert!(report.lines().any(|line| line != line.trim_end()), "`check` prints lines ending in spaces");
    let trimmed: String = report.lines().map(|line| format!("{}\n", line.trim_end())).collect();
    assert!(case.ends_with(&trimmed), "the case stores what `check --verbose` prints, without trailing spaces");
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
fn init_in_a_rule_repository_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let config = "# mine\nrules = [\"rules\"]\ndata = [\"data\"]\n";
    std::fs::write(dir.path().join("tickmark.toml"), config).unwrap();
    let (stdout, stderr, code) = tickmark(&["init"], dir.path());
    assert_eq!((code, stderr.as_str()), (0, ""));
    assert!(stdout.starts_with("this folder is already a rule repository (`tickmark.toml`); init starts new ones"));
    assert_eq!(listing(&files(dir.path())), "tickmark.toml\n", "nothing written");
    let name = dir.path().file_name().unwrap().to_str().unwrap();
    let (stdout, _, code) = tickmark(&["init", name], dir.path().parent().unwrap());
    assert_eq!(code, 0);
    let config = format!("`{name}` is already a rule repository (`{name}/tickmark.toml`); init starts new ones");
    assert!(stdout.starts_with(&config), "{stdout}");
}

/// A copy of this repository's rule repository (`tickmark.toml`, `rules/`, `data/`), or of some of it.
fn pack_copy(names: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for name in names {
        copy(&root().join(name), &dir.path().join(name));
    }
    // The filing and DQC packs read metrics the Amazon data has not (`gross_profit`): they are run
    // against companyfacts files, never beside the Amazon pack, so a repository of both folders leaves
    // them out.
    for pack in ["rules/sec", "rules/dqc"] {
        let _ = std::fs::remove_dir_all(dir.path().join(pack));
    }
    dir
}

#[test]
fn init_in_an_existing_repository_leaves_it_as_it_was() {
    // The shipped pack defines `op_margin` too: example rules added beside it would break `check`.
    let dir = pack_copy(&["tickmark.toml", "rules", "data"]);
    let (before_report, _, before_code) = tickmark(&["check"], dir.path());
    let before = files(dir.path());
    let (stdout, stderr, code) = tickmark(&["init"], dir.path());
    assert_eq!((code, stderr.as_str()), (0, ""));
    settings().bind(|| insta::assert_snapshot!("init_existing_repository", stdout));
    assert_eq!(files(dir.path()), before, "nothing written");
    assert_eq!(tickmark(&["check"], dir.path()), (before_report, String::new(), before_code));
}

#[test]
fn init_beside_existing_rules_and_data_leaves_the_example_out() {
    let dir = pack_copy(&["rules", "data"]);
    let (stdout, stderr, code) = tickmark(&["init"], dir.path());
    assert_eq!((code, stderr.as_str()), (0, ""));
    settings().bind(|| insta::assert_snapshot!("init_existing_rules_and_data", stdout));
    let written = files(dir.path());
    assert!(!written.contains_key("rules/example.tick") && !written.contains_key("data/example.toml"));
    // The case is a snapshot of the rules and data that were there, and it passes.
    let (report, _, code) = tickmark(&["check"], dir.path());
    assert_ne!(code, 2, "{report}");
    let (stdout, _, code) = tickmark(&["test"], dir.path());
    assert_eq!((code, stdout.as_str()), (0, "ok   tests/cases/example.case\n1 passed, 0 failed\n"));

    // Only one of the two holding files: the check init would set up could not run (rules without
    // figures, figures without rules), so nothing is written and the run exits 2 (issue 12).
    for (holding, says) in [
        ("rules", "`rules/` holds files but `data/` holds none"),
        ("data", "`data/` holds files but `rules/` holds none"),
    ] {
        let dir = pack_copy(&[holding]);
        let before = files(dir.path());
        let (stdout, stderr, code) = tickmark(&["init"], dir.path());
        assert_eq!((code, stdout.as_str()), (2, ""), "{stderr}");
        assert!(stderr.contains(says) && stderr.contains("nothing was written"), "{stderr}");
        assert_eq!(files(dir.path()), before, "init wrote a file");
    }
    // A hidden file (`.gitkeep`) does not count.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("rules")).unwrap();
    std::fs::write(dir.path().join("rules/.gitkeep"), "").unwrap();
    let (stdout, _, code) = tickmark(&["init"], dir.path());
    assert_eq!(code, 0);
    assert!(stdout.starts_with("created rules/example.tick\n"), "{stdout}");
}

#[test]
fn a_check_that_cannot_run_is_never_stored_as_the_expected_report() {
    // Rules that do not parse: `check` exits 2, and its error must not become a passing case.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("rules")).unwrap();
    std::fs::create_dir_all(dir.path().join("data")).unwrap();
    std::fs::write(dir.path().join("rules/mine.tick"), "rule broken: revenue >\n").unwrap();
    std::fs::write(dir.path().join("data/acme.toml"), "entity = \"ACME\"\n[actual.2025Q4]\nrevenue = 1.0\n").unwrap();
    let (_, _, code) = tickmark(&["check", "rules", "--data", "data"], dir.path());
    assert_eq!(code, 2, "the rules are broken");

    let (stdout, stderr, code) = tickmark(&["init"], dir.path());
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("created tests/cases/example.case\n"), "{stdout}");
    settings().bind(|| insta::assert_snapshot!("init_broken_check_warning", stderr));
    let case = std::fs::read_to_string(dir.path().join("tests/cases/example.case")).unwrap();
    assert!(case.ends_with("exit = 0                   # the exit code of `check`: 0 no error rule failed, 1 one did, 2 bad input\n----- expected report\n"), "only the header:\n{case}");
    let (stdout, _, code) = tickmark(&["test"], dir.path());
    assert_eq!(code, 1, "the case fails until accepted");
    assert!(stdout.starts_with("FAIL tests/cases/example.case (new: no expected report yet)\n"), "{stdout}");
}

#[test]
fn init_inside_the_rules_of_another_repository_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("tickmark.toml"), "rules = [\"rules\"]\ndata = [\"data\"]\n").unwrap();
    std::fs::create_dir_all(dir.path().join("rules")).unwrap();
    let before = files(dir.path());
    for inside in ["rules", "rules/new", "data/new"] {
        let (stdout, stderr, code) = tickmark(&["init", inside], dir.path());
        assert_eq!((code, stdout.as_str()), (2, ""), "{stderr}");
        assert!(stderr.contains("its `check` would read the new files too"), "{stderr}");
        assert_eq!(files(dir.path()), before, "nothing written");
    }
    let (_, stderr, _) = tickmark(&["init", "rules/new"], dir.path());
    settings().bind(|| insta::assert_snapshot!("init_inside_another_repository", stderr));
    // Beside the rules and data, a new repository is its own.
    let (_, _, code) = tickmark(&["init", "acme-rules"], dir.path());
    assert_eq!(code, 0);
    assert_eq!(tickmark(&["test", "acme-rules"], dir.path()).2, 0);
}

#[test]
fn an_interrupted_init_can_be_run_again() {
    // `tickmark.toml` is written just before the case: without it, `init` fills in what is missing.
    let dir = tempfile::tempdir().unwrap();
    let (_, _, code) = tickmark(&["init"], dir.path());
    assert_eq!(code, 0);
    std::fs::remove_file(dir.path().join("tickmark.toml")).unwrap();
    std::fs::remove_file(dir.path().join("tests/cases/example.case")).unwrap();
    let (stdout, stderr, code) = tickmark(&["init"], dir.path());
    assert_eq!((code, stderr.as_str()), (0, ""));
    assert!(
        stdout.starts_with(
            "kept existing rules/example.tick\nkept existing data/example.toml\n\
             kept existing .github/workflows/tickmark.yml\ncreated tickmark.toml\ncreated tests/cases/example.case\n"
        ),
        "{stdout}"
    );
    let (stdout, _, code) = tickmark(&["test"], dir.path());
    assert_eq!((code, stdout.as_str()), (0, "ok   tests/cases/example.case\n1 passed, 0 failed\n"));
}

#[test]
fn a_renamed_binary_writes_the_example_report() {
    let bin = tempfile::tempdir().unwrap();
    let renamed = bin.path().join(format!("tickmark-x86_64-linux{}", std::env::consts::EXE_SUFFIX));
    std::fs::copy(env!("CARGO_BIN_EXE_tickmark"), &renamed).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (stdout, stderr, code) = run_program(&renamed, &["init"], dir.path(), &[]);
    assert_eq!((code, stderr.as_str()), (0, ""), "{stdout}");
    let case = std::fs::read_to_string(dir.path().join("tests/cases/example.case")).unwrap();
    assert!(case.contains("\nsummary: 5 rules, 5 checks"), "the case has its report:\n{case}");
    let (stdout, _, code) = run_program(&renamed, &["test"], dir.path(), &[]);
    assert_eq!((code, stdout.as_str()), (0, "ok   tests/cases/example.case\n1 passed, 0 failed\n"));
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
