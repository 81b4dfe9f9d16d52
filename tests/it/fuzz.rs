//! The fuzz targets' harness (`fuzz/harness.rs`) in `cargo test`: every input a fuzzer ever found a
//! fault with (`tests/fixtures/fuzz/TARGET/`) is replayed, and every fixture of the project is run
//! through the target of its kind, so the harness itself is known to pass on good and bad input.

/// The harness, loaded once for the binary (the kernel tests use it too).
#[path = "../../fuzz/harness.rs"]
pub mod harness;

use std::path::{Path, PathBuf};

/// What a fuzz target does with its input.
type Target = fn(&[u8]);

/// The targets, by name, as `cargo fuzz run NAME` knows them (and the folders of their findings).
const TARGETS: &[(&str, Target)] = &[
    ("rules", harness::rules),
    ("data_toml", harness::data_toml),
    ("data_json", harness::data_json),
    ("data_csv", harness::data_csv),
    ("pipeline", harness::pipeline),
    ("data_xlsx", harness::data_xlsx),
    ("kernel", |bytes| _ = harness::kernel(bytes)),
];

/// Every file under a folder, recursively, sorted.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return out };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// Runs a target on a file, naming the file if it panics.
fn replay(target: &str, run: Target, path: &Path) {
    let bytes = std::fs::read(path).unwrap();
    if std::panic::catch_unwind(|| run(&bytes)).is_err() {
        panic!("fuzz target `{target}` fails on {}", path.display());
    }
}

#[test]
fn every_fuzz_finding_stays_fixed() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    let mut replayed = 0;
    for (target, run) in TARGETS {
        for path in files(&root.join(target)) {
            replay(target, *run, &path);
            replayed += 1;
        }
    }
    assert!(replayed >= 3, "the findings went missing: {replayed} replayed");
}

#[test]
fn the_harness_passes_on_every_fixture() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut seen = [0usize; 4];
    for dir in ["rules", "data", "tests/fixtures", "templates"] {
        for path in files(&root.join(dir)) {
            let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            let (slot, target) = match extension {
                "tick" => (0, harness::rules as Target),
                "toml" => (1, harness::data_toml as Target),
                "json" => (2, harness::data_json as Target),
                "csv" => (3, harness::data_csv as Target),
                _ => continue,
            };
            seen[slot] += 1;
            replay(extension, target, &path);
        }
    }
    assert!(seen.iter().all(|&n| n >= 5), "too few fixtures of some kind: {seen:?}");
}

#[test]
fn the_workbook_target_reaches_evaluation() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz/data_xlsx");
    let book = std::fs::read(root.join("amazon.xlsx")).unwrap();
    let rules = harness::workbook(&book);
    assert!(rules >= 3, "only {rules} generated rules check against the workbook");
    // The bomb of the catalogue is refused by the target as by the binary.
    let bomb = std::fs::read(root.join("declares-a-gigabyte.xlsx")).unwrap();
    assert_eq!(harness::workbook(&bomb), 0);
}

#[test]
fn data_targets_reach_evaluation() {
    let shipped =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/amazon/000-q4-2025-results.toml")).unwrap();
    let rules = harness::data("fuzz.toml", &shipped);
    assert!(rules >= 20, "only {rules} generated rules check against the shipped data");
}
