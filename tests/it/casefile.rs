//! `tickmark test` end to end, with the real binary: the shipped pack's case (this is how `cargo test`
//! runs it), a case whose report changed and its diff, `--accept`, and broken case files.

use crate::common;

use common::{copy, root, run_program, settings, tickmark};

use std::path::{Path, PathBuf};

/// What a run printed, as one snapshot body.
fn printed(stdout: &str, stderr: &str, code: i32) -> String {
    format!("----- STDOUT\n{stdout}----- STDERR\n{stderr}----- EXIT CODE\n{code}\n")
}

/// A copy of the small rule repository `tests/fixtures/case/` (its case included) in a temporary folder.
fn fixture_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let from = root().join("tests/fixtures/case");
    for name in ["tickmark.toml", "rules", "data", "tests"] {
        copy(&from.join(name), &dir.path().join(name));
    }
    dir
}

/// The fixture's case file in a copy.
fn margins_case(dir: &Path) -> PathBuf {
    dir.join("tests/cases/margins.case")
}

#[test]
fn the_shipped_pack_case_passes() {
    let (stdout, stderr, code) = tickmark(&["test", "tests/cases"], root());
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(stdout, "ok   tests/cases/amazon.case\n1 passed, 0 failed\n");
    assert_eq!(stderr, "");
}

#[test]
fn every_case_under_tests_passes_by_default() {
    let (stdout, stderr, code) = tickmark(&["test"], root());
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("ok   tests/cases/amazon.case\n"), "{stdout}");
    assert!(stdout.contains("ok   tests/fixtures/case/tests/cases/margins.case\n"), "{stdout}");
}

#[test]
fn a_case_gives_the_same_report_from_any_folder() {
    let fixture = root().join("tests/fixtures/case");
    let (stdout, _, code) = tickmark(&["test", "tests/fixtures/case/tests/cases/margins.case"], root());
    assert_eq!((code, stdout.as_str()), (0, "ok   tests/fixtures/case/tests/cases/margins.case\n1 passed, 0 failed\n"));
    let (stdout, _, code) = tickmark(&["test", "margins.case"], &fixture.join("tests/cases"));
    assert_eq!((code, stdout.as_str()), (0, "ok   margins.case\n1 passed, 0 failed\n"));
    let (stdout, _, code) = tickmark(&["test"], &fixture.join("rules"));
    assert_eq!(code, 0);
    assert!(stdout.ends_with("tests/fixtures/case/tests/cases/margins.case\n1 passed, 0 failed\n"), "{stdout}");
}

#[test]
fn a_changed_report_fails_with_a_diff_and_accept_stores_it() {
    let dir = fixture_copy();
    let case = margins_case(dir.path());
    let original = std::fs::read_to_string(&case).unwrap();
    let edited = original
        .replace("4.34 pp apart", "4.3 pp apart")
        .replace("1 passed, 1 failed (0 error, 1 warning", "2 passed, 0 failed (0 error, 0 warning");
    assert_ne!(edited, original);
    std::fs::write(&case, &edited).unwrap();

    let (stdout, stderr, code) = tickmark(&["test"], dir.path());
    assert_eq!(code, 1, "a changed report fails the run");
    assert!(stdout.ends_with("0 passed, 1 failed\n"), "{stdout}");
    settings().bind(|| insta::assert_snapshot!("case_changed_report", printed(&stdout, &stderr, code)));

    let (stdout, stderr, code) = tickmark(&["test", "--accept"], dir.path());
    assert_eq!((code, stdout.as_str()), (0, "accepted tests/cases/margins.case\n0 passed, 0 failed, 1 accepted\n"));
    assert_eq!(stderr, "");
    assert_eq!(std::fs::read_to_string(&case).unwrap(), original, "the report is stored, the header kept");

    let (stdout, _, code) = tickmark(&["test"], dir.path());
    assert_eq!((code, stdout.as_str()), (0, "ok   tests/cases/margins.case\n1 passed, 0 failed\n"));
}

#[test]
fn a_changed_exit_code_fails_and_accept_rewrites_only_its_value() {
    let dir = fixture_copy();
    let case = margins_case(dir.path());
    let original = std::fs::read_to_string(&case).unwrap();
    let edited = original.replace("exit = 1   ", "exit = 0   ");
    assert_ne!(edited, original);
    std::fs::write(&case, &edited).unwrap();

    let (stdout, stderr, code) = tickmark(&["test"], dir.path());
    assert_eq!(code, 1);
    settings().bind(|| insta::assert_snapshot!("case_changed_exit_code", printed(&stdout, &stderr, code)));

    let (_, _, code) = tickmark(&["test", "--accept"], dir.path());
    assert_eq!(code, 0);
    assert_eq!(std::fs::read_to_string(&case).unwrap(), original, "`exit = 1` again, its comment kept");
}

#[test]
fn a_new_case_fails_until_accepted() {
    let dir = fixture_copy();
    let case = dir.path().join("tests/cases/new.case");
    let header = "# A new case: only the claim that fails.\n\
                  rules = [\"../../rules\"]\n\
                  data = [\"../../data\"]\n\
                  args = [\"--rule\", \"margin_25pct\", \"--deny\", \"warnings\"]   # just this rule\n\
                  ----- expected report\n";
    std::fs::write(&case, header).unwrap();

    let (stdout, stderr, code) = tickmark(&["test", "tests/cases/new.case"], dir.path());
    assert_eq!(code, 1);
    assert!(stdout.starts_with("FAIL tests/cases/new.case (new: no expected report yet)\n"), "{stdout}");
    settings().bind(|| insta::assert_snapshot!("case_new", printed(&stdout, &stderr, code)));

    let (stdout, _, code) = tickmark(&["test", "--accept"], dir.path());
    assert_eq!(
        (code, stdout.as_str()),
        (0, "ok   tests/cases/margins.case\naccepted tests/cases/new.case\n1 passed, 0 failed, 1 accepted\n")
    );
    let written = std::fs::read_to_string(&case).unwrap();
    assert!(written.starts_with(&header.replace("----- expected", "exit = 1\n----- expected")), "{written}");
    settings().bind(|| insta::assert_snapshot!("case_new_accepted", written));
    let (_, _, code) = tickmark(&["test"], dir.path());
    assert_eq!(code, 0);
}

#[test]
fn a_broken_rule_file_is_a_changed_report() {
    // The case file is sound; what `check` prints for the broken rule file is its actual report.
    let dir = fixture_copy();
    let rules = dir.path().join("rules/margins.tick");
    let text = std::fs::read_to_string(&rules).unwrap();
    std::fs::write(&rules, text.replace("op_margin ~= 25%", "op_margin ~= 25% +")).unwrap();
    let (stdout, stderr, code) = tickmark(&["test"], dir.path());
    assert_eq!(code, 1);
    assert!(stdout.contains("exit code: expected 1, found 2\n"), "{stdout}");
    settings().bind(|| insta::assert_snapshot!("case_broken_rules", printed(&stdout, &stderr, code)));
}

#[test]
fn broken_case_files_exit_2_with_a_diagnostic() {
    insta::glob!("..", "fixtures/case/err/*.broken", |path| {
        let relative = path.strip_prefix(root()).unwrap().to_string_lossy().replace('\\', "/");
        let (stdout, stderr, code) = tickmark(&["test", &relative], root());
        assert_eq!((code, stdout.as_str()), (2, ""), "{stderr}");
        assert!(stderr.contains(&format!("[{relative}:")), "the diagnostic names the file, line and column\n{stderr}");
        settings().bind(|| insta::assert_snapshot!("case_err", stderr));
    });
}

#[test]
fn a_broken_case_stops_the_run_before_any_case_runs() {
    let (stdout, stderr, code) = tickmark(&["test", "tests/cases", "tests/fixtures/case/err/bad_exit.broken"], root());
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert!(stderr.ends_with("error: the tests could not be run: 1 error\n"), "{stderr}");
}

#[test]
fn wrong_arguments_exit_2() {
    let (_, stderr, code) = tickmark(&["test", "nope.case"], root());
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot read `nope.case`: no such file"), "{stderr}");
    let (_, stderr, code) = tickmark(&["test", "--acept"], root());
    assert_eq!(code, 2);
    assert!(stderr.contains("a similar argument exists: '--accept'"), "{stderr}");
}

#[test]
fn without_a_rule_repository_the_cases_must_be_named() {
    let dir = tempfile::tempdir().unwrap();
    let (stdout, stderr, code) = tickmark(&["test"], dir.path());
    assert_eq!(code, 2);
    settings().bind(|| insta::assert_snapshot!("case_no_repository", printed(&stdout, &stderr, code)));
}

#[test]
fn a_repository_without_cases_warns() {
    let dir = fixture_copy();
    std::fs::remove_dir_all(dir.path().join("tests")).unwrap();
    let (stdout, stderr, code) = tickmark(&["test"], dir.path());
    assert_eq!(code, 0);
    settings().bind(|| insta::assert_snapshot!("case_none_found", printed(&stdout, &stderr, code)));
}

#[test]
fn help_shows_examples_and_the_case_format() {
    let (stdout, _, code) = tickmark(&["test", "--help"], root());
    assert_eq!(code, 0);
    assert!(stdout.contains("Examples:"), "{stdout}");
    settings().bind(|| insta::assert_snapshot!("case_help", stdout));
}

/// A copy of the shipped pack (`tickmark.toml`, `rules/`, `data/`) in a temporary folder, with a new
/// case `tests/cases/pack.case` that has no report yet. The pack's report has lines that end in
/// spaces (miette's empty gutter lines, ` 29 │ `).
fn pack_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    for name in ["tickmark.toml", "rules", "data"] {
        copy(&root().join(name), &dir.path().join(name));
    }
    let case = dir.path().join("tests/cases/pack.case");
    std::fs::create_dir_all(case.parent().unwrap()).unwrap();
    let header =
        "rules = [\"../../rules/amazon\", \"../../rules/core\"]\ndata = [\"../../data\"]\n----- expected report\n";
    std::fs::write(&case, header).unwrap();
    (dir, case)
}

/// Whether a line of a text ends in whitespace.
fn has_trailing_whitespace(text: &str) -> bool {
    text.split('\n').any(|line| line != line.trim_end())
}

#[test]
fn accepted_reports_have_no_trailing_spaces_and_trimmed_ones_pass() {
    let (dir, case) = pack_copy();
    let (report, _, _) = tickmark(&["check"], dir.path());
    assert!(has_trailing_whitespace(&report), "the report has lines ending in spaces, or this test shows nothing");

    let (stdout, _, code) = tickmark(&["test", "--accept"], dir.path());
    assert_eq!((code, stdout.as_str()), (0, "accepted tests/cases/pack.case\n0 passed, 0 failed, 1 accepted\n"));
    let stored = std::fs::read_to_string(&case).unwrap();
    assert!(!has_trailing_whitespace(&stored), "accepted reports are stored trimmed:\n{stored}");
    let (stdout, _, code) = tickmark(&["test"], dir.path());
    assert_eq!((code, stdout.as_str()), (0, "ok   tests/cases/pack.case\n1 passed, 0 failed\n"));

    // What editors and hooks do to line ends does not count: spaces added back, `\r\n`, blank lines at
    // the end.
    let spaced: String = stored.lines().map(|line| format!("{line}  \r\n")).collect();
    std::fs::write(&case, format!("{spaced}\r\n\r\n")).unwrap();
    let (stdout, _, code) = tickmark(&["test"], dir.path());
    assert_eq!((code, stdout.as_str()), (0, "ok   tests/cases/pack.case\n1 passed, 0 failed\n"));

    // Text that changed still fails.
    std::fs::write(&case, stored.replace("summary: ", "summary:  ")).unwrap();
    let (_, _, code) = tickmark(&["test"], dir.path());
    assert_eq!(code, 1, "spaces inside a line count");
}

#[test]
fn the_shipped_cases_have_no_trailing_spaces() {
    for case in ["tests/cases/amazon.case", "tests/fixtures/case/tests/cases/margins.case"] {
        let text = std::fs::read_to_string(root().join(case)).unwrap();
        assert!(!has_trailing_whitespace(&text), "{case} has lines ending in whitespace");
    }
}

/// A copy of the `tickmark` binary under another name, as a release asset may be named.
fn renamed_copy(dir: &Path) -> PathBuf {
    let copy = dir.join(format!("tickmark-x86_64-linux{}", std::env::consts::EXE_SUFFIX));
    std::fs::copy(env!("CARGO_BIN_EXE_tickmark"), &copy).unwrap();
    copy
}

#[test]
fn a_renamed_binary_runs_the_cases() {
    let bin = tempfile::tempdir().unwrap();
    let renamed = renamed_copy(bin.path());
    let (stdout, stderr, code) = run_program(&renamed, &["test", "tests/fixtures/case"], root(), &[]);
    assert_eq!(
        (code, stdout.as_str(), stderr.as_str()),
        (0, "ok   tests/fixtures/case/tests/cases/margins.case\n1 passed, 0 failed\n", "")
    );
}

#[test]
fn tickmark_bin_names_the_program_that_runs_the_cases() {
    let bin = tempfile::tempdir().unwrap();
    let renamed = renamed_copy(bin.path());
    let real = Path::new(env!("CARGO_BIN_EXE_tickmark"));
    let (stdout, _, code) = run_program(real, &["test", "tests/fixtures/case"], root(), &[("TICKMARK_BIN", &renamed)]);
    assert_eq!((code, stdout.as_str()), (0, "ok   tests/fixtures/case/tests/cases/margins.case\n1 passed, 0 failed\n"));

    let missing = bin.path().join("nope");
    let (_, stderr, code) = run_program(real, &["test", "tests/fixtures/case"], root(), &[("TICKMARK_BIN", &missing)]);
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot run TICKMARK_BIN `"), "{stderr}");

    // Something that is not tickmark (this test program) is refused, not run with `check` arguments.
    let harness = std::env::current_exe().unwrap();
    let (_, stderr, code) = run_program(real, &["test", "tests/fixtures/case"], root(), &[("TICKMARK_BIN", &harness)]);
    assert_eq!(code, 2);
    assert!(stderr.contains("is not the tickmark program"), "{stderr}");
}

#[test]
fn a_named_folder_without_cases_exits_2() {
    let dir = fixture_copy();
    std::fs::create_dir_all(dir.path().join("tests/empty")).unwrap();
    let (stdout, stderr, code) = tickmark(&["test", "tests/empty"], dir.path());
    assert_eq!(code, 2, "a mistyped folder in CI must not pass");
    settings().bind(|| insta::assert_snapshot!("case_named_folder_without_cases", printed(&stdout, &stderr, code)));
    // Named beside a folder that has cases, it is still an error; the cases are not run.
    let (stdout, stderr, code) = tickmark(&["test", "tests/cases", "tests/empty"], dir.path());
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert!(stderr.contains("no `.case` files under `tests/empty`"), "{stderr}");
}

#[test]
fn a_changed_passing_figure_fails_the_case_with_a_one_line_diff() {
    let (dir, case) = pack_copy();
    let (_, _, code) = tickmark(&["test", "--accept"], dir.path());
    assert_eq!(code, 0);
    let stored = std::fs::read_to_string(&case).unwrap();
    let line = "pass  aws_margin_prior_year_36_9pct at AMZN 2024Q4: 36.80555556 % (36.56 %..37.05 %) ~= 36.9 % \
                (36.85 %..36.95 %); decided";
    assert!(stored.contains(&format!("\n{line}\n")), "every check is stored, passes included: {stored}");

    // AWS's 2024Q4 operating income 10.7 instead of 10.6: 10.7 / 28.8 still meets 36.9 %, so the
    // check passes, with another value
    let data = dir.path().join("data/amazon/amazon-earnings-releases.toml");
    let text = std::fs::read_to_string(&data).unwrap();
    let figure = "revenue = 28.8                        # release Q4 2024\noperating_income = 10.6";
    assert!(text.contains(figure));
    std::fs::write(&data, text.replace(figure, &figure.replace("10.6", "10.7"))).unwrap();
    let (stdout, _, code) = tickmark(&["test"], dir.path());
    assert_eq!(code, 1, "{stdout}");
    let changed: Vec<&str> = stdout
        .lines()
        .filter(|l| (l.starts_with('-') || l.starts_with('+')) && !l.starts_with("---") && !l.starts_with("+++"))
        .collect();
    let new = "+pass  aws_margin_prior_year_36_9pct at AMZN 2024Q4: 37.15277778 % (36.91 %..37.40 %) ~= 36.9 % \
               (36.85 %..36.95 %); decided";
    assert_eq!(changed, [format!("-{line}").as_str(), new], "{stdout}");
}
