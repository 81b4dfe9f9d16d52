//! The evaluation kernel: the bulk bench pack (`benches/bulk/rules/*.tick`, 26 rules) over a
//! synthetic universe of 100 entities (`benches/bulk/generate.py`), through [`tickmark::eval::run`],
//! the function `tickmark check` evaluates with, and the load of that universe's long CSV.
//!
//! `cargo bench --bench eval -- --warm-up-time 1 --measurement-time 3`
//!
//! - `evaluate/all-rules/100-entities`: every rule at every entity and period, `Keep::Failed` (what
//!   `check --only failed` keeps); throughput in checks, skipped ones included (the `checks` of
//!   `check --timings`). Compiled kernels decide the checks they can, as in `check`;
//!   `evaluate/all-rules-evaluator/100-entities` is the same without them (`TICKMARK_KERNELS=0`).
//! - `evaluate/rule/<name>`: one rule through `Filter { rules }`, for the shapes analysts write: an
//!   identity with `~=`, a sum over `segment.*`, a margin with a division (through a cell), a growth
//!   over `[-1y]`. The cell cache starts empty at every run, as it does in `check`.
//! - `load/long-csv/100-entities`: [`tickmark::data::load_paths`] and [`SheetBuilder::finish`] on the
//!   CSV (read from disk, so from the page cache after the first run); throughput in bytes.
//!
//! Every number is for **one thread**: the evaluation pool is a process-wide `OnceLock` sized by
//! `RAYON_NUM_THREADS` when it is first used, so `main` sets `RAYON_NUM_THREADS=1` before anything
//! else runs (whatever the caller's environment says). The per-core kernel speed is the number to
//! compare across changes; a run on every core is `tickmark check --timings` on the same files.
//!
//! The universe is not in git (`benches/bulk/out/` is ignored): the bench generates it into
//! `target/bench-data/` with `python3` the first time (and again whenever `generate.py` is newer than
//! it), and skips every benchmark, saying so, where `python3` is missing.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;

use criterion::{BenchmarkId, Criterion, Throughput};
use tickmark::check::Program;
use tickmark::data::{SheetBuilder, Sheets};
use tickmark::diag::Diag;
use tickmark::eval::{self, Filter, Keep};
use tickmark::report::human::{Style, render_diags};
use tickmark::source::Sources;

/// Entities of the generated universe (each 40 quarters and 10 fiscal years of about 30 metrics).
const ENTITIES: usize = 100;

/// The generator's arguments besides the entities: its defaults, written out so that the file name
/// says what is in the file.
const SEED: u32 = 1;
const RATE: &str = "0.01";

/// One rule per shape: (rule of `benches/bulk/rules`, what it stands for).
const RULES: [(&str, &str); 4] = [
    ("gross_profit_identity", "an identity with ~="),
    ("segments_sum_to_revenue", "sum(segment.*.revenue)"),
    ("gross_margin_reported", "a margin: a division through a cell"),
    ("revenue_yoy_plausible", "a growth over [-1y] through a cell"),
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `target/bench-data/`: beside the bench executable's profile folder (`target/release/deps/eval-*`),
/// so a `CARGO_TARGET_DIR` elsewhere is followed.
fn data_dir() -> PathBuf {
    let exe = std::env::current_exe().ok();
    let target = exe.as_deref().and_then(|e| e.ancestors().nth(3)).map(Path::to_path_buf);
    target.unwrap_or_else(|| root().join("target")).join("bench-data")
}

/// The universe's CSV, generated unless it is there and newer than its generator; `None` (and why,
/// on stderr) where `python3` cannot be run.
fn universe() -> Option<PathBuf> {
    let dir = data_dir();
    let csv = dir.join(format!("universe-e{ENTITIES}-s{SEED}-r{RATE}.csv"));
    let generator = root().join("benches/bulk/generate.py");
    // A universe older than its generator was written in another layout (the units of EPS and shares
    // changed with the unit contract): it is made again.
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    if let (Some(made), Some(written)) = (modified(&csv), modified(&generator))
        && made >= written
    {
        return Some(csv);
    }
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    // Written under another name and renamed, so that an interrupted run leaves no half file behind.
    let partial = csv.with_extension("csv.partial");
    let manifest = csv.with_extension("manifest.csv");
    eprintln!("generating {} with {}", csv.display(), generator.display());
    let output = Command::new("python3")
        .arg(&generator)
        .args(["--entities", &ENTITIES.to_string(), "--seed", &SEED.to_string(), "--rate", RATE])
        .arg("--out")
        .arg(&partial)
        .arg("--manifest")
        .arg(&manifest)
        .output();
    let output = match output {
        Ok(output) => output,
        Err(e) => {
            eprintln!("skipping the eval benchmarks: cannot run python3 ({e}), which generates their input");
            return None;
        }
    };
    if !output.status.success() {
        panic!("{} failed ({}):\n{}", generator.display(), output.status, String::from_utf8_lossy(&output.stderr));
    }
    std::fs::rename(&partial, &csv).unwrap_or_else(|e| panic!("cannot rename {}: {e}", partial.display()));
    Some(csv)
}

/// Diagnostics as text, for a panic.
fn show(diags: &[Diag], sources: &Sources) -> String {
    render_diags(diags, sources, Style { color: false, width: 100 })
}

/// The CSV as sheets: what `load/long-csv` measures.
fn load_sheets(csv: &Path) -> Sheets {
    let mut sources = Sources::default();
    let mut builder = SheetBuilder::default();
    let paths = [csv.to_path_buf()];
    let loaded = tickmark::data::load_paths(&paths, &mut sources, &mut builder).and_then(|()| builder.finish());
    loaded.unwrap_or_else(|diags| panic!("the universe does not load:\n{}", show(&diags, &sources)))
}

/// The bench pack, read, checked and linked to the sheets (as `tickmark check` does).
fn load_program(sheets: &Sheets) -> Program {
    let mut sources = Sources::default();
    let rules = [root().join("benches/bulk/rules")];
    let program = tickmark::workspace::load_rules(&rules, &mut sources)
        .and_then(|files| tickmark::check::check_and_link(&files, sheets));
    program.unwrap_or_else(|diags| panic!("the bench pack does not check:\n{}", show(&diags, &sources)))
}

fn bench_evaluate(c: &mut Criterion, program: &Program, sheets: &Sheets) {
    let mut group = c.benchmark_group("evaluate");
    group.sample_size(10);

    let all = Filter::default();
    let checks = eval::run(program, sheets, &all, Keep::Failed).total();
    group.throughput(Throughput::Elements(checks as u64));
    group.bench_function(BenchmarkId::new("all-rules", format!("{ENTITIES}-entities")), |b| {
        b.iter(|| eval::run(program, sheets, black_box(&all), Keep::Failed))
    });

    group.bench_function(BenchmarkId::new("all-rules-evaluator", format!("{ENTITIES}-entities")), |b| {
        b.iter(|| eval::run_with(program, sheets, black_box(&all), Keep::Failed, false))
    });

    for (name, _) in RULES {
        let one = Filter { rules: vec![name.to_string()], ..Filter::default() };
        let checks = eval::run(program, sheets, &one, Keep::Failed).total();
        group.throughput(Throughput::Elements(checks as u64));
        group.bench_function(BenchmarkId::new("rule", name), |b| {
            b.iter(|| eval::run(program, sheets, black_box(&one), Keep::Failed))
        });
    }
    group.finish();
}

fn bench_load(c: &mut Criterion, csv: &Path) {
    let bytes = std::fs::metadata(csv).map(|m| m.len()).unwrap_or_else(|e| panic!("{}: {e}", csv.display()));
    let mut group = c.benchmark_group("load");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(bytes));
    group.bench_function(BenchmarkId::new("long-csv", format!("{ENTITIES}-entities")), |b| {
        b.iter(|| load_sheets(black_box(csv)))
    });
    group.finish();
}

/// What the benchmarks run on, printed once, outside any measurement.
fn describe(csv: &Path, program: &Program, sheets: &Sheets) {
    let results = eval::run(program, sheets, &Filter::default(), Keep::Failed);
    let (mut skipped, mut failed, mut errors) = (0, 0, 0);
    for tally in &results.tallies {
        (skipped, failed, errors) = (skipped + tally.skipped, failed + tally.failed, errors + tally.errors);
    }
    let bytes = std::fs::metadata(csv).map_or(0, |m| m.len());
    eprintln!(
        "universe {} ({:.1} MB): {} entities, {} facts; {} rules: {} checks ({} skipped, {} failed, {} errors); \
         {} evaluation thread(s)",
        csv.display(),
        bytes as f64 / 1e6,
        sheets.entities.len(),
        sheets.len(),
        program.rules.len(),
        results.total(),
        skipped,
        failed,
        errors,
        tickmark::workers::threads(),
    );
    for (name, shape) in RULES {
        let one = Filter { rules: vec![name.to_string()], ..Filter::default() };
        eprintln!("  rule {name} ({shape}): {} checks", eval::run(program, sheets, &one, Keep::Failed).total());
    }
}

fn main() {
    // SAFETY: nothing else runs yet (no thread has been started), and the evaluation pool reads the
    // variable once, when `eval::run` first needs it; see the module documentation.
    unsafe { std::env::set_var("RAYON_NUM_THREADS", "1") };
    let mut criterion = Criterion::default().configure_from_args();
    let Some(csv) = universe() else { return };
    let sheets = load_sheets(&csv);
    let program = load_program(&sheets);
    describe(&csv, &program, &sheets);
    assert_eq!(tickmark::workers::threads(), 1, "the evaluation pool was sized before RAYON_NUM_THREADS=1 was set");

    bench_evaluate(&mut criterion, &program, &sheets);
    bench_load(&mut criterion, &csv);
    criterion.final_summary();
}
