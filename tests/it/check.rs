//! The check phase: every error it reports, fixture by fixture, before anything is evaluated.

use crate::common;

use std::path::PathBuf;

use tickmark::source::Sources;

/// Checks one fixture against the evaluator's data and renders its diagnostics.
fn check_fixture(path: &std::path::Path) -> String {
    std::env::set_current_dir(env!("CARGO_MANIFEST_DIR")).unwrap();
    let mut sources = Sources::default();
    let rules = vec![common::relative(path)];
    let data = vec![PathBuf::from("tests/fixtures/eval/data")];
    let source = std::fs::read_to_string(path).unwrap();
    match common::load(&rules, &data, &mut sources) {
        Ok(_) => format!("----- SOURCE\n{source}\n----- REPORT\n(no error: this fixture should fail to check)\n"),
        Err(diags) => format!("----- SOURCE\n{source}\n----- REPORT\n{}", common::render(&diags, &sources)),
    }
}

#[test]
fn check_error_fixtures() {
    common::settings().bind(|| {
        insta::glob!("..", "fixtures/check/*.tick", |path| {
            let out = check_fixture(path);
            assert!(!out.contains("(no error"), "{} checked without error", path.display());
            insta::assert_snapshot!(out);
        });
    });
}

#[test]
fn import_cycles_are_errors_not_hangs() {
    std::env::set_current_dir(env!("CARGO_MANIFEST_DIR")).unwrap();
    let mut sources = Sources::default();
    let rules = vec![PathBuf::from("tests/fixtures/check/import_cycle/a.tick")];
    let data = vec![PathBuf::from("tests/fixtures/eval/data")];
    let Err(diags) = common::load(&rules, &data, &mut sources) else { panic!("an import cycle must not check") };
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].code, "import-cycle");
    insta::with_settings!({ snapshot_path => "../../snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!("import_cycle", common::render(&diags, &sources));
    });
}
