//! The catalogue of bad inputs, end to end: every folder of `tests/fixtures/bad` is one entry, run
//! with the real binary as a user would, in that folder.
//!
//! An entry holds its input files and two more:
//!
//! - `args`: the command line after `tickmark`, split at white space (`check rules.tick --data data.csv`);
//! - `expect`: a `# comment` saying what the entry shows; then the place the diagnostic must point at,
//!   `file:line:column` as miette prints it (`╭─[data.csv:3:7]`), or `-` where no file is at fault (a
//!   bad argument); then, one a line, texts the diagnostic must say.
//!
//! Every entry must end with exit code 2, nothing on stdout, no panic, and printable text on stderr
//! (no raw control characters, no `\r`); its stderr is snapshotted as `catalogue@<entry>`. Files that
//! are fine but unusual (a byte order mark, an empty rule file) and files over their size limit
//! have tests of their own below.

use crate::common;

use std::path::{Path, PathBuf};

use common::{settings, tickmark};

/// Every kind of bad input the catalogue must show (issue 4); an entry may not go silently.
const REQUIRED: &[&str] = &[
    // encodings and bytes
    "rules_not_utf8",
    "csv_not_utf8",
    "toml_not_utf8",
    "json_not_utf8",
    "rules_bom",
    "csv_bom",
    "rules_crlf",
    "csv_crlf",
    "rules_binary",
    "csv_binary",
    "rules_control_character",
    "csv_empty",
    "toml_empty",
    "json_empty",
    // structure and values of data files
    "csv_ragged_row",
    "csv_unclosed_quote",
    "toml_duplicate_key",
    "toml_duplicate_table",
    "json_duplicate_key",
    "toml_boolean",
    "json_array",
    "json_string_not_a_number",
    "csv_not_a_number",
    "toml_reversed_range",
    "toml_unknown_period",
    "csv_unknown_period",
    "toml_bad_given",
    "csv_bad_given",
    "json_given_not_a_date",
    "toml_unknown_scenario",
    "csv_unknown_scenario",
    // cells and headers as exported (issue 16)
    "csv_decimal_comma",
    "csv_currency_not_a_figure",
    "csv_currency_contradicts_row",
    "csv_header_not_a_period",
    "toml_unknown_unit",
    "toml_missing_entity",
    "toml_invisible_entity",
    "json_missing_entity",
    "data_unknown_extension",
    // the rule language
    "rules_reversed_range",
    "rules_unknown_period",
    "rules_bad_given",
    "rules_unknown_scenario",
    "rules_unknown_unit",
    "rules_unknown_function",
    "rules_wrong_arity",
    "rules_misspelt_metric",
    "rules_use_missing_file",
    "rules_import_cycle",
    // units (issue 13): no rule passes or fails by notation
    "units_bare_money",
    "units_bare_ratio",
    "units_bare_growth",
    "units_bare_in_brackets",
    "units_bare_in_chain",
    "units_bare_negative_in_chain",
    "units_bare_within",
    "units_bare_range",
    "units_bare_max",
    "units_pure_data",
    "units_eps_as_money",
    "units_per_share_plus_money",
    "units_eps_two_sources",
    "units_declared_contradicts_data",
    "units_unknown_dimension",
    // tickmark.toml and the command line
    "config_syntax",
    "config_unknown_key",
    "config_wrong_type",
    "args_unknown_period",
    "args_bad_conflicts",
    // untrusted rule packs: a `use` stays inside the rule repository (issue 12)
    "use_absolute_path",
    "use_parent_escape",
    "use_symlink_escape",
    // untrusted rule packs: no character hides code outside a string (issue 12)
    "rules_lone_cr_in_comment",
    "rules_line_separator",
    "rules_bidi_override",
    // data files that are bombs or binary (issue 12, items 3 and 9)
    "xlsx_zip_bomb",
    "toml_terminal_escape",
    "csv_huge_cell",
    // commands that write files and their arguments (issue 12)
    "import_sec_output_is_input",
    "import_sec_output_exists",
    "init_rules_without_data",
    "data_empty_folder",
    "csv_unit_contradicts_row",
    // entities: scopes, groups, attributes, calendars and peers (issue 15)
    "entities_unknown_group",
    "entities_duplicate_group",
    "entities_unknown_peer",
    "entities_bad_fiscal_year_end",
    "entities_bad_attribute",
    "entities_bad_calendar_period",
    "entities_group_outside_aggregate",
    // a Parquet file without the `parquet` feature (issue 16)
    "parquet_without_feature",
];

/// The catalogue's folder, relative to the crate root.
const CATALOGUE: &str = "tests/fixtures/bad";

/// One entry: what to run and what its diagnostic must show.
struct Entry {
    name: String,
    dir: PathBuf,
    args: String,
    comment: String,
    /// `file:line:column`, or `None` for `-`.
    location: Option<String>,
    says: Vec<String>,
}

/// Reads an entry's `args` and `expect`.
fn entry(dir: &Path) -> Entry {
    let read = |file: &str| {
        std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{}/{file}: {e}", dir.display()))
    };
    let args = read("args").lines().next().unwrap_or_default().trim().to_owned();
    let expect = read("expect");
    let comment = expect.lines().filter_map(|l| l.strip_prefix('#')).map(str::trim).collect::<Vec<_>>().join(" ");
    let mut lines = expect.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#'));
    let location = match lines.next() {
        Some("-") => None,
        Some(location) => Some(location.to_owned()),
        None => panic!("{}/expect names no location (write `-` for none)", dir.display()),
    };
    let name = dir.file_name().unwrap().to_string_lossy().into_owned();
    Entry { name, dir: dir.to_path_buf(), args, comment, location, says: lines.map(str::to_owned).collect() }
}

/// What is wrong with an entry's run, if anything: one line per broken promise.
fn problems(entry: &Entry, stdout: &str, stderr: &str, code: i32) -> Vec<String> {
    let mut out = Vec::new();
    if code != 2 {
        out.push(format!("exit code {code}, not 2"));
    }
    if !stdout.is_empty() {
        out.push(format!("stdout is not empty:\n{stdout}"));
    }
    if stderr.contains("panicked") || stderr.contains("RUST_BACKTRACE") || stderr.contains("internal error") {
        out.push("a panic".to_owned());
    }
    if let Some(c) = stderr.chars().find(|&c| c.is_control() && c != '\n') {
        out.push(format!("stderr holds the control character {c:?}"));
    }
    match &entry.location {
        Some(at) if !stderr.contains(&format!("[{at}]")) => out.push(format!("no diagnostic points at `{at}`")),
        None if stderr.contains("╭─[") => out.push("a diagnostic points into a file, but `expect` says `-`".into()),
        _ => {}
    }
    for text in &entry.says {
        if !stderr.contains(text.as_str()) {
            out.push(format!("stderr does not say `{text}`"));
        }
    }
    out
}

#[test]
fn every_entry_exits_2_with_a_diagnostic_at_its_place() {
    let mut failures = Vec::new();
    settings().bind(|| {
        insta::glob!("..", "fixtures/bad/*", |dir| {
            assert!(dir.is_dir(), "{}: the catalogue holds only folders", dir.display());
            let entry = entry(dir);
            // a build with the feature reads Parquet: tests/parquet.rs shows what it says
            if cfg!(feature = "parquet") && entry.name == "parquet_without_feature" {
                return;
            }
            let args: Vec<&str> = entry.args.split_whitespace().collect();
            let (stdout, stderr, code) = tickmark(&args, &entry.dir);
            let found = problems(&entry, &stdout, &stderr, code);
            if !found.is_empty() {
                eprintln!("{}: {}", entry.name, found.join("; "));
                failures.push(format!("{} ({}):\n  {}\n{stderr}", entry.name, entry.args, found.join("\n  ")));
            }
            let mut settings = insta::Settings::clone_current();
            settings.set_description(entry.comment.as_str());
            settings.bind(|| insta::assert_snapshot!("catalogue", format!("$ tickmark {}\n{stderr}", entry.args)));
        });
    });
    assert!(failures.is_empty(), "{} entries broke their promise:\n\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn the_catalogue_covers_every_kind_of_bad_input() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(CATALOGUE);
    let present: Vec<String> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    let missing: Vec<&&str> = REQUIRED.iter().filter(|name| !present.iter().any(|p| p == *name)).collect();
    assert!(missing.is_empty(), "entries missing from {CATALOGUE}: {missing:?}");
}

/// A fresh folder holding files: (path, bytes).
fn folder(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, bytes) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    dir
}

/// A rule that passes on the data of [`bom_files`].
const RULE: &str = "rule margin_ok \"Margin above 10 %\":\n  operating_income / revenue > 10%\n";

#[test]
fn a_byte_order_mark_is_not_an_error_in_any_file() {
    let bom = |text: &str| [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
    let rules = bom(RULE);
    let config = bom("rules = [\"rules\"]\ndata = [\"data\"]\n");
    let csv = bom("metric,unit,2025Q4\nrevenue,USD bn,213.4\noperating_income,USD bn,25.0\n");
    let toml = bom("entity = \"MSFT\"\nunit = \"USD bn\"\n[actual.2025Q4]\nrevenue = 81.3\noperating_income = 38.3\n");
    let json = bom(
        r#"{"entity": "GOOG", "unit": "USD bn", "actual": {"2025Q4": {"revenue": 113.8, "operating_income": 35.9}}}"#,
    );
    let files: [(&str, &[u8]); 5] = [
        ("tickmark.toml", &config),
        ("rules/margin.tick", &rules),
        ("data/AMZN.csv", &csv),
        ("data/msft.toml", &toml),
        ("data/goog.json", &json),
    ];
    let dir = folder(&files);
    let (stdout, stderr, code) = tickmark(&["check"], dir.path());
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("1 rule, 3 checks: 3 passed"), "one check for each of AMZN, GOOG and MSFT:\n{stdout}");
}

#[test]
fn an_empty_rule_file_is_a_run_without_rules() {
    // An empty file is a valid rule file (as an empty `fmt` fixture is): given explicitly, the run has
    // no rules, checks nothing and warns so (a warning: `--deny warnings` fails it); the data is still
    // read and checked.
    let dir = folder(&[("empty.tick", b""), ("data.csv", b"metric,2025Q4\nrevenue,213.4\n")]);
    let (stdout, stderr, code) = tickmark(&["check", "empty.tick", "--data", "data.csv"], dir.path());
    assert_eq!((code, stderr.as_str()), (0, ""));
    assert!(stdout.contains("the run has no rule: nothing was checked"), "{stdout}");
    assert!(stdout.ends_with("summary: 0 rules, 0 checks: 0 passed, 0 failed (0 error, 0 warning, 0 info), 0 erred; 0 skipped; 0 conflicts, 1 warning\n"), "{stdout}");
    std::fs::write(dir.path().join("data.csv"), "metric,2025Q4\nrevenue,tbd\n").unwrap();
    let (_, stderr, code) = tickmark(&["check", "empty.tick", "--data", "data.csv"], dir.path());
    assert_eq!(code, 2, "bad data is an error even without rules:\n{stderr}");
}

#[test]
fn a_file_over_its_size_limit_is_refused_before_it_is_read() {
    use tickmark::limits::{CSV_FILE_BYTES, RULE_FILE_BYTES, TREE_FILE_BYTES};
    let cases = [
        ("big.tick", RULE_FILE_BYTES, "16,777,217", "a rule file", "16,777,216 bytes (16.0 MiB)"),
        ("big.csv", CSV_FILE_BYTES, "4,294,967,296", "a CSV data file", "4,294,967,295 bytes (4.0 GiB)"),
        ("big.toml", TREE_FILE_BYTES, "268,435,457", "a TOML or JSON data file", "268,435,456 bytes (256.0 MiB)"),
        ("big.json", TREE_FILE_BYTES, "268,435,457", "a TOML or JSON data file", "268,435,456 bytes (256.0 MiB)"),
    ];
    let dir = folder(&[("ok.tick", RULE.as_bytes()), ("ok.csv", b"metric,2025Q4\nrevenue,213.4\n")]);
    for (name, limit, size, noun, shown_limit) in cases {
        // A sparse file: as large as the limit and one byte, without writing a byte of it.
        let file = std::fs::File::create(dir.path().join(name)).unwrap();
        file.set_len(limit + 1).unwrap();
        let args = if name.ends_with(".tick") {
            ["check", name, "--data", "ok.csv"]
        } else {
            ["check", "ok.tick", "--data", name]
        };
        let (stdout, stderr, code) = tickmark(&args, dir.path());
        assert_eq!((code, stdout.as_str()), (2, ""), "{name}: {stderr}");
        let size = format!("`{name}` is {size} bytes");
        assert!(stderr.contains(&size) && stderr.contains(&format!("more than {noun} may have")), "{stderr}");
        assert!(stderr.contains(&format!("the limit is {shown_limit}")), "{stderr}");
        std::fs::remove_file(dir.path().join(name)).unwrap();
    }
    let config = std::fs::File::create(dir.path().join("tickmark.toml")).unwrap();
    config.set_len(TREE_FILE_BYTES + 1).unwrap();
    let (_, stderr, code) = tickmark(&["check"], dir.path());
    assert_eq!(code, 2);
    assert!(stderr.contains("more than a `tickmark.toml` may have"), "{stderr}");
}

#[test]
fn a_used_file_over_the_limit_is_blamed_on_the_use() {
    let dir = folder(&[("main.tick", b"use \"big.tick\"\n"), ("ok.csv", b"metric,2025Q4\nrevenue,213.4\n")]);
    let file = std::fs::File::create(dir.path().join("big.tick")).unwrap();
    file.set_len(tickmark::limits::RULE_FILE_BYTES + 1).unwrap();
    let (_, stderr, code) = tickmark(&["check", "main.tick", "--data", "ok.csv"], dir.path());
    assert_eq!(code, 2);
    assert!(stderr.contains("[main.tick:1:5]") && stderr.contains("more than a rule file may have"), "{stderr}");
}
