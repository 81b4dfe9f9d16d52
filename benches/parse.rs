//! Rule-file parse throughput: the shipped rule files, repeated to about 1 MB, through
//! [`tickmark::syntax::parse`], the function `tickmark check` parses each rule file with.
//!
//! `cargo bench --bench parse -- --warm-up-time 1 --measurement-time 3`; the target is 10 MB/s.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tickmark::source::SourceId;
use tickmark::syntax::parse;

/// The size the repeated rule text grows to, in bytes.
const TARGET_BYTES: usize = 1 << 20;

/// The shipped rule files, `rules/core/*.tick` then `rules/amazon/*.tick`, in sorted order.
fn shipped_rules() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut texts = Vec::new();
    for pack in ["core", "amazon"] {
        let mut paths: Vec<_> = std::fs::read_dir(root.join(pack))
            .expect("the shipped rules are in rules/")
            .map(|entry| entry.expect("a readable entry of rules/").path())
            .filter(|path| path.extension().is_some_and(|e| e == "tick"))
            .collect();
        paths.sort();
        texts.extend(paths.iter().map(|path| std::fs::read_to_string(path).expect("a readable rule file")));
    }
    texts
}

/// About [`TARGET_BYTES`] of rule text: the shipped files over and over, each copy's rules and
/// cells renamed with a suffix (`rule x_c3`, `let y_c3`) so that the text stays a plausible pack.
fn corpus() -> String {
    let files = shipped_rules();
    let mut text = String::with_capacity(TARGET_BYTES + 64 * 1024);
    let mut copy = 0;
    while text.len() < TARGET_BYTES {
        for file in &files {
            for line in file.lines() {
                let renamed = ["rule ", "let "].iter().find_map(|kw| {
                    let rest = line.strip_prefix(kw)?;
                    let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))?;
                    Some(format!("{kw}{}_c{copy}{}", &rest[..end], &rest[end..]))
                });
                text.push_str(renamed.as_deref().unwrap_or(line));
                text.push('\n');
            }
            text.push('\n');
        }
        copy += 1;
    }
    text
}

fn bench_parse(c: &mut Criterion) {
    let text = corpus();
    let file = SourceId(0);
    // The corpus must parse: a benchmark of the error path would measure something else.
    let items = parse(&text, file).map(|ast| ast.items.len()).expect("the repeated shipped rules parse");
    assert!(items > 0);

    let mut group = c.benchmark_group("parse");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.sample_size(10);
    group.bench_function("shipped_rules_1mb", |b| b.iter(|| parse(black_box(&text), file)));
    group.finish();
}

criterion_group!(benches, bench_parse);
criterion_main!(benches);
