//! Folders of rule and data files, walked through the real binary: FIFOs, links back up, hidden files
//! and a `tickmark.toml` among the data neither hang a run nor fail it, and a FIFO named as a file is
//! a diagnostic, not a read that blocks forever. Every run has 20 seconds: a hang fails the test.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A data file every rule below can read.
const DATA: &str = "entity = \"AMZN\"\nunit = \"USD bn\"\n\n[actual.2025Q4]\nrevenue = 213.4\n";

/// How long a run may take before it counts as a hang.
const TIMEOUT: Duration = Duration::from_secs(20);

/// Runs `tickmark ARGS` in `dir` with nothing on stdin; returns (stdout, stderr, exit code). A run
/// that has not ended after [`TIMEOUT`] is killed and fails the test.
fn run(dir: &Path, args: &[&str]) -> (String, String, i32) {
    let logs = tempfile::tempdir().unwrap();
    let (out, err) = (logs.path().join("stdout"), logs.path().join("stderr"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_tickmark"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("`tickmark {}` hung: no exit after {} s", args.join(" "), TIMEOUT.as_secs());
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let read = |path| std::fs::read_to_string(path).unwrap();
    (read(&out), read(&err), status.code().unwrap_or(-1))
}

/// Writes files, each a path relative to `dir` and its text, creating folders as needed.
fn write(dir: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

/// Makes a FIFO with the `mkfifo` program.
#[cfg(unix)]
fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().expect("the `mkfifo` program");
    assert!(status.success(), "mkfifo {}", path.display());
}

/// Asserts a run passed and ran `rules` rules: no file was skipped that should be read, and none
/// was read twice (a rule read twice is `defined twice`).
fn passed(out: &(String, String, i32), rules: usize) {
    let (stdout, stderr, code) = out;
    assert_eq!(*code, 0, "exit code\n{stdout}\n{stderr}");
    assert!(stdout.contains(&format!("summary: {rules} rule")), "expected {rules} rules:\n{stdout}");
}

/// Asserts a run ended with exit 2 and a diagnostic that says `words`.
fn refused(out: &(String, String, i32), words: &str) {
    let (stdout, stderr, code) = out;
    assert_eq!(*code, 2, "exit code\n{stdout}\n{stderr}");
    assert!(stderr.contains(words), "expected `{words}`:\n{stderr}");
}

#[cfg(unix)]
#[test]
fn a_fifo_in_a_rules_folder_is_skipped() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("rules/a.tick", "rule a:\n  revenue > 0\n"), ("d.toml", DATA)]);
    mkfifo(&dir.path().join("rules/b.tick"));
    passed(&run(dir.path(), &["check", "rules", "--data", "d.toml"]), 1);
    let (stdout, stderr, code) = run(dir.path(), &["fmt", "--check", "rules"]);
    assert_eq!((code, stdout.as_str()), (0, "0 files would be reformatted, 1 already formatted\n"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn a_fifo_in_a_data_folder_is_skipped() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("a.tick", "rule a: revenue > 0\n"), ("data/d.toml", DATA)]);
    mkfifo(&dir.path().join("data/e.toml"));
    mkfifo(&dir.path().join("data/f.csv"));
    passed(&run(dir.path(), &["check", "a.tick", "--data", "data"]), 1);
}

#[cfg(unix)]
#[test]
fn a_fifo_named_as_a_rule_file_is_a_diagnostic() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("d.toml", DATA)]);
    mkfifo(&dir.path().join("ff.tick"));
    let out = run(dir.path(), &["check", "ff.tick", "--data", "d.toml"]);
    refused(&out, "cannot read `ff.tick`: it is not a regular file (a FIFO)");
    let out = run(dir.path(), &["fmt", "--check", "ff.tick"]);
    refused(&out, "cannot read `ff.tick`: it is not a regular file (a FIFO)");
}

#[cfg(unix)]
#[test]
fn a_fifo_named_as_a_data_file_is_a_diagnostic() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("a.tick", "rule a: revenue > 0\n")]);
    mkfifo(&dir.path().join("ff.toml"));
    let out = run(dir.path(), &["check", "a.tick", "--data", "ff.toml"]);
    refused(&out, "cannot read `ff.toml`: it is not a regular file (a FIFO)");
}

#[cfg(unix)]
#[test]
fn a_fifo_named_by_use_is_a_diagnostic_at_the_use() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("main.tick", "use \"ff.tick\"\nrule a: revenue > 0\n"), ("d.toml", DATA)]);
    mkfifo(&dir.path().join("ff.tick"));
    let out = run(dir.path(), &["check", "main.tick", "--data", "d.toml"]);
    refused(&out, "cannot read `ff.tick`: it is not a regular file (a FIFO)");
    assert!(out.1.contains("[main.tick:1:5]") && out.1.contains("used here"), "{}", out.1);
}

#[cfg(unix)]
#[test]
fn a_fifo_named_tickmark_toml_does_not_hang_a_run() {
    let dir = tempfile::tempdir().unwrap();
    mkfifo(&dir.path().join("tickmark.toml"));
    let (stdout, stderr, code) = run(dir.path(), &["check"]);
    assert_eq!(code, 2, "{stdout}\n{stderr}");
}

#[cfg(unix)]
#[test]
fn links_back_up_are_not_followed_and_each_file_is_read_once() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    write(
        dir.path(),
        &[
            ("rules/a.tick", "rule a:\n  revenue > 0\n"),
            ("rules/sub/b.tick", "rule b:\n  revenue > 1 USD bn\n"),
            ("d.toml", DATA),
        ],
    );
    std::os::unix::fs::symlink(".", rules.join("self")).unwrap();
    std::os::unix::fs::symlink(".", rules.join("self2")).unwrap();
    std::os::unix::fs::symlink("..", rules.join("sub/up")).unwrap();
    passed(&run(dir.path(), &["check", "rules", "--data", "d.toml"]), 2);
    let (stdout, stderr, code) = run(dir.path(), &["fmt", "--check", "rules"]);
    assert_eq!((code, stdout.as_str()), (0, "0 files would be reformatted, 2 already formatted\n"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn a_link_to_a_rule_file_is_read_and_a_folder_given_through_a_link_is_walked() {
    // The link leads to a file inside the rule repository (the folder of `tickmark.toml`); one that
    // leads out of it is refused (tests/it/containment.rs).
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("elsewhere/b.tick", "rule b: revenue > 1 USD bn\n"),
            ("rules/a.tick", "rule a: revenue > 0\n"),
            ("tickmark.toml", "rules = [\"rules\"]\n"),
        ],
    );
    write(dir.path(), &[("d.toml", DATA)]);
    std::os::unix::fs::symlink("../elsewhere/b.tick", dir.path().join("rules/b.tick")).unwrap();
    std::os::unix::fs::symlink("rules", dir.path().join("linked")).unwrap();
    passed(&run(dir.path(), &["check", "linked", "--data", "d.toml"]), 2);
}

#[cfg(unix)]
#[test]
fn hidden_files_and_dangling_links_in_a_rules_folder_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    write(
        dir.path(),
        &[
            ("rules/a.tick", "rule a: revenue > 0\n"),
            ("rules/.old.tick", "rule a: revenue > 0\n"),
            ("rules/.git/x.tick", "rule a: revenue > 0\n"),
            ("d.toml", DATA),
        ],
    );
    // An Emacs lock link: it points at `user@host.pid`, which is not there.
    std::os::unix::fs::symlink("someone@host.1234", rules.join(".#a.tick")).unwrap();
    std::os::unix::fs::symlink("gone.tick", rules.join("dangling.tick")).unwrap();
    passed(&run(dir.path(), &["check", "rules", "--data", "d.toml"]), 1);
}

#[test]
fn a_data_folder_beside_tickmark_toml_does_not_read_it_as_data() {
    let dir = tempfile::tempdir().unwrap();
    let config = "rules = [\"rules\"]\ndata = [\".\"]\n";
    write(
        dir.path(),
        &[
            ("tickmark.toml", config),
            ("sub/tickmark.toml", config),
            ("rules/a.tick", "rule a: revenue > 0\n"),
            ("d.toml", DATA),
        ],
    );
    passed(&run(dir.path(), &["check"]), 1);
    // Named as a data file, it is read as one, and is not one.
    let (_, stderr, code) = run(dir.path(), &["check", "rules", "--data", "tickmark.toml"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("unknown key `rules`"), "{stderr}");
}
