//! A `use` stays inside the rule repository (issue 12): an absolute path, `..` that leave it and a
//! link out of it are refused at the `use`, and nothing of the file outside is ever read or quoted.
//! Paths inside the repository, `..` between its folders included, work as before.

use crate::common;

use std::path::Path;

use common::{root, tickmark, write_files};

/// A line no report may ever show: the "secret" outside the repository, shaped like a rule file's
/// first item so that a parse error would quote it if the file were read.
const SECRET: &str = "rule TOP_SECRET_LINE: 1 >\n";

/// A repository `repo/` (with a `tickmark.toml`) beside a secret file `secret.tick` outside it,
/// whose main rule file holds `use_line`; returns the temporary folder holding both.
fn repository(use_line: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let files = [
        ("secret.tick", SECRET.to_owned()),
        ("repo/tickmark.toml", "rules = [\"rules\"]\ndata = [\"data.csv\"]\n".to_owned()),
        ("repo/data.csv", "metric,2025Q4\nrevenue,213.4\n".to_owned()),
        ("repo/rules/main.tick", format!("{use_line}\nrule positive: revenue > 0\n")),
    ];
    write_files(dir.path(), &files.map(|(p, t)| (p.to_owned(), t)));
    dir
}

/// Runs `tickmark check` in the repository and asserts it is refused at the `use` without a trace
/// of the secret; returns stderr.
fn refused(dir: &Path, args: &[&str], message: &str) -> String {
    let (stdout, stderr, code) = tickmark(args, &dir.join("repo"));
    assert_eq!((code, stdout.as_str()), (2, ""), "{stderr}");
    assert!(stderr.contains(message), "{stderr}");
    assert!(stderr.contains("tickmark::use-outside"), "{stderr}");
    assert!(!stderr.contains("TOP_SECRET"), "the secret is quoted:\n{stderr}");
    stderr
}

#[test]
fn an_absolute_use_is_refused_even_when_it_points_inside() {
    let dir = repository("use \"/etc/shadow\"");
    let stderr = refused(dir.path(), &["check"], "`use` names an absolute path, `/etc/shadow`");
    assert!(stderr.contains("[rules/main.tick:1:5]"), "{stderr}");
    let inside = dir.path().join("repo/rules/other.tick");
    std::fs::write(&inside, "let x = 1\n").unwrap();
    let line = format!("use \"{}\"", inside.display());
    std::fs::write(dir.path().join("repo/rules/main.tick"), format!("{line}\nrule positive: revenue > 0\n")).unwrap();
    refused(dir.path(), &["check"], "`use` names an absolute path");
}

#[test]
fn a_use_whose_dots_leave_the_repository_is_refused() {
    let dir = repository("use \"../../secret.tick\"");
    let stderr = refused(dir.path(), &["check"], "leads out of the rule repository `.`");
    assert!(stderr.contains("[rules/main.tick:1:5]"), "{stderr}");
    // Named on the command line, the same file is bounded by the same `tickmark.toml`.
    refused(dir.path(), &["check", "rules/main.tick", "--data", "data.csv"], "leads out of the rule repository `.`");
}

#[cfg(unix)]
#[test]
fn a_link_out_of_the_repository_is_refused_at_the_use() {
    // The link sits in the repository but outside the rule folder, so only the `use` reaches it.
    let dir = repository("use \"../shared.tick\"");
    std::os::unix::fs::symlink("../secret.tick", dir.path().join("repo/shared.tick")).unwrap();
    let stderr =
        refused(dir.path(), &["check"], "`../shared.tick` is a link to a file outside the rule repository `.`");
    assert!(stderr.contains("[rules/main.tick:1:5]"), "{stderr}");
    // A folder link on the way (`out/../`) is judged by where the file really is.
    std::os::unix::fs::symlink(dir.path(), dir.path().join("repo/out")).unwrap();
    std::fs::write(dir.path().join("repo/rules/main.tick"), "use \"../out/secret.tick\"\nrule p: revenue > 0\n")
        .unwrap();
    refused(dir.path(), &["check"], "`../out/secret.tick` is a link to a file outside the rule repository `.`");
}

#[test]
fn without_a_tickmark_toml_the_folder_of_the_rule_path_is_the_root() {
    let dir = repository("use \"../secret.tick\"");
    std::fs::remove_file(dir.path().join("repo/tickmark.toml")).unwrap();
    // The file named directly: its folder, `rules`, is the root, so `..` leaves it.
    let stderr = refused(dir.path(), &["check", "rules/main.tick", "--data", "data.csv"], "rule repository `rules`");
    assert!(stderr.contains("the folder of the rule file given"), "{stderr}");
    let stderr = refused(dir.path(), &["check", "rules", "--data", "data.csv"], "rule repository `rules`");
    assert!(stderr.contains("the rule folder given"), "{stderr}");
}

#[test]
fn uses_inside_the_repository_work_as_before() {
    // rules/amazon/guidance.tick uses `../core/cells.tick`: inside the repository's root.
    for args in [&["check"][..], &["check", "rules/amazon", "--data", "data"]] {
        let (stdout, stderr, code) = tickmark(args, root());
        assert!(code == 0 || code == 1, "{args:?}: {stderr}");
        assert!(!stderr.contains("use-outside") && stdout.contains("summary:"), "{args:?}: {stderr}");
    }
    let dir = repository("use \"sub/../shared.tick\"");
    write_files(&dir.path().join("repo/rules"), &[("shared.tick".into(), "let twice = 2 * revenue\n".into())]);
    std::fs::create_dir(dir.path().join("repo/rules/sub")).unwrap();
    let (stdout, stderr, code) = tickmark(&["check"], &dir.path().join("repo"));
    assert_eq!(code, 0, "{stdout}{stderr}");
}

/// A pull request can add a link to a rule folder as easily as a `use`: a link found by walking a
/// rule folder whose target lies outside the repository is refused the same way, quoting nothing.
/// A rule file named on the command line is the user's own choice and is read wherever it is.
#[cfg(unix)]
#[test]
fn a_link_in_a_rule_folder_to_a_file_outside_is_refused() {
    let dir = repository("");
    std::os::unix::fs::symlink("../../secret.tick", dir.path().join("repo/rules/planted.tick")).unwrap();
    let stderr =
        refused(dir.path(), &["check"], "`rules/planted.tick` is a link to a file outside the rule repository");
    assert!(stderr.contains("name a file outside it on the command line"), "{stderr}");
    // named directly, the same file is read (and its parse error shown): the user asked for it
    let (_, stderr, code) = tickmark(&["check", "../secret.tick", "--data", "data.csv"], &dir.path().join("repo"));
    assert_eq!(code, 2);
    assert!(stderr.contains("TOP_SECRET"), "{stderr}");
}
