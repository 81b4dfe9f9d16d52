//! Characters that could hide code (issue 12): a lone `\r`, U+0085, U+2028, U+2029 and the
//! bidirectional controls are refused outside strings, so no rule can vanish into a comment; inside
//! a title they are allowed, kept by `fmt` and shown escaped in every report.

use crate::common;

use common::tickmark;

/// A folder holding `rules.tick` (as bytes) and a data file where revenue is 213.4.
fn folder(rules: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("rules.tick"), rules).unwrap();
    std::fs::write(dir.path().join("data.csv"), "metric,2025Q4\nrevenue,213.4\n").unwrap();
    dir
}

/// Runs `tickmark ARGS rules.tick --data data.csv` in the folder.
fn run(dir: &tempfile::TempDir, args: &[&str]) -> (String, String, i32) {
    let mut all = args.to_vec();
    all.extend(["rules.tick", "--data", "data.csv"]);
    tickmark(&all, dir.path())
}

#[test]
fn no_line_end_but_newline_can_hide_a_rule_in_a_comment() {
    // The issue's case: before, one rule was reported and the run passed.
    for end in ["\r", "\u{85}", "\u{2028}", "\u{2029}"] {
        let dir = folder(&format!("rule a: revenue > 1 # note{end}rule b: revenue < 0\n"));
        let (stdout, stderr, code) = run(&dir, &["check"]);
        assert_eq!((code, stdout.as_str()), (2, ""), "{end:?}: {stderr}");
        assert!(stderr.contains("[rules.tick:1:27]") && stderr.contains("tickmark::hidden-character"), "{stderr}");
        assert!(!stderr.contains(end), "{end:?} reaches the terminal raw:\n{stderr}");
        let (_, stderr, code) = run(&dir, &["fmt", "--check"]);
        assert_eq!(code, 2, "fmt refuses it too: {stderr}");
    }
    // Windows line ends stay what they were: line ends.
    let dir = folder("rule a: revenue > 1 # note\r\nrule b: revenue < 0\r\n");
    let (stdout, stderr, code) = run(&dir, &["check"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.contains("2 rules, 2 checks: 1 passed, 1 failed"), "{stdout}");
}

#[test]
fn bidirectional_controls_are_refused_outside_strings_and_escaped_inside() {
    for c in ['\u{202A}', '\u{202E}', '\u{2066}', '\u{2069}', '\u{200F}', '\u{61C}'] {
        let dir = folder(&format!("rule a: revenue > 1 # {c} and revenue < 0\n"));
        let (_, stderr, code) = run(&dir, &["check"]);
        assert_eq!(code, 2, "{c:?}: {stderr}");
        assert!(stderr.contains("[rules.tick:1:23]") && !stderr.contains(c), "{c:?}:\n{stderr}");
    }
    let rules = "rule small \"Revenue \u{202E}{revenue}\u{2066} is small\":\n  revenue < 1\n";
    let dir = folder(rules);
    for format in ["human", "json", "sarif", "junit", "github"] {
        let (stdout, stderr, code) = run(&dir, &["check", "--format", format]);
        assert_eq!(code, 1, "{format}: {stderr}");
        // JSON writes the backslash as `\\`; SARIF doubles braces too, as its messages must.
        let escaped = match format {
            "json" => "\\\\u{202e}",
            "sarif" => "\\\\u{{202e}}",
            _ => "\\u{202e}",
        };
        assert!(stdout.contains(escaped), "{format}: the title's control is not shown escaped:\n{stdout}");
        assert!(!stdout.contains('\u{202E}') && !stdout.contains('\u{2066}'), "{format}: raw control:\n{stdout}");
    }
    let (stdout, stderr, _) = tickmark(&["explain", "small", "rules.tick", "--data", "data.csv"], dir.path());
    assert!(stdout.contains("Revenue \\u{202e}213.4\\u{2066} is small"), "{stdout}{stderr}");
    assert!(!stdout.contains('\u{202E}'), "{stdout}");
    // `fmt` keeps the string as written, byte for byte.
    let messy = rules.replace("rule small", "rule   small");
    std::fs::write(dir.path().join("rules.tick"), &messy).unwrap();
    let (_, stderr, code) = tickmark(&["fmt", "rules.tick"], dir.path());
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(std::fs::read_to_string(dir.path().join("rules.tick")).unwrap(), rules);
}
