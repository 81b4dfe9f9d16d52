//! Bulk runs: a long CSV streamed into the sheets reads as the whole-file reader reads it (the same
//! facts, places and source names, or the same diagnostics where the stream gives up); a repeated key
//! is an error within a file and a conflict across files; a run is the same bytes on one worker or
//! two; `--only failed` lists only what failed and still counts everything; the JSON report streamed
//! to stdout is the report rendered in memory and ends well when its reader stops early; `--timings`
//! says what the run did without changing the report.

use crate::common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{root, run_program, settings, tickmark, write_files};
use serde_json::Value;
use tickmark::data::csv::stream::{Streamed, stream};
use tickmark::data::{FactValue, SheetBuilder, Sheets, load_paths};
use tickmark::diag::Diag;
use tickmark::eval::{self, Filter, Keep};
use tickmark::fsutil::{TextFile, read_source};
use tickmark::num::{Quantity, display};
use tickmark::report::{self, Run};
use tickmark::source::{LINE_STRIDE, LineIndex, SourceId, Sources, display_path};

// ---------------------------------------------------------------------------------------------
// Streamed and whole-file readers
// ---------------------------------------------------------------------------------------------

/// What loading gave: the sources, and the sheets or the diagnostics.
type Loaded = (Sources, Result<Sheets, Vec<Diag>>);

/// Loads data paths as a run does: a long CSV is streamed, anything else read whole.
fn streamed(paths: &[PathBuf]) -> Loaded {
    let mut sources = Sources::default();
    let mut builder = SheetBuilder::default();
    let loaded = load_paths(paths, &mut sources, &mut builder);
    (sources, loaded.and_then(|()| builder.finish()))
}

/// Loads CSV files with the whole-file reader: each read whole, parsed by `data::csv::parse`, its
/// facts inserted one by one. `None` where a file is blank (the loader refuses it before parsing).
fn whole(paths: &[PathBuf]) -> Option<Loaded> {
    let mut sources = Sources::default();
    let mut builder = SheetBuilder::default();
    let mut errors = Vec::new();
    for path in paths {
        let file = match read_source(path, display_path(path), TextFile::CsvData, &mut sources) {
            Ok(file) => file,
            Err(diag) => {
                errors.push(diag);
                continue;
            }
        };
        let text = sources.get(file).text().clone();
        if text.trim().is_empty() {
            return None;
        }
        let stem = path.file_stem().expect("a file name").to_string_lossy();
        match tickmark::data::csv::parse(&text, file, &stem) {
            Ok(data) => {
                builder.add_source(file, data.source);
                for (key, fact) in data.facts {
                    builder.insert(key, fact);
                }
            }
            Err(diags) => errors.extend(diags),
        }
    }
    let sheets = if errors.is_empty() { builder.finish() } else { Err(errors) };
    Some((sources, sheets))
}

/// A figure with everything that tells two apart: as shown, its digits, scale, sign and unit.
fn figure(q: &Quantity) -> String {
    let sign = if q.value.is_sign_negative() { "-" } else { "+" };
    format!("{} [{sign}{}e-{} {:?}]", display::quantity(q), q.value.mantissa().unsigned_abs(), q.value.scale(), q.unit)
}

/// A fact's value: a figure, or a range's bounds.
fn value(v: &FactValue) -> String {
    let bound = |q: &Option<Quantity>| q.as_ref().map_or(String::new(), figure);
    match v {
        FactValue::Number(q) => figure(q),
        FactValue::Approx(a) => format!("{} ± {}", figure(&a.value), a.margin),
        FactValue::Range(r) => format!("{}..{}", bound(&r.lo), bound(&r.hi)),
    }
}

/// What a load gave, a line per fact (entity, scenario, metric, period, value, span, `file:line:col`
/// and the text at the span), then the sources and conflicts; or the diagnostics as a user sees them.
fn described((sources, loaded): &Loaded) -> String {
    let sheets = match loaded {
        Ok(sheets) => sheets,
        Err(diags) => return format!("errors:\n{}", common::render(diags, sources)),
    };
    let facts = common::all_facts(sheets);
    // A streamed file's places come from its line index alone, but a line that is not ASCII reads the
    // text again (and every place after that counts characters): so each place is found in sources
    // that have read no text yet, as a run finds the first place it reports.
    let probe = sources.clone();
    let mut fresh = sources.clone();
    let mut places = Vec::new();
    for (.., f) in &facts {
        places.push(fresh.location(f.origin.file, f.origin.span));
        let text = probe.get(f.origin.file).text().as_bytes();
        let start = f.origin.span.start as usize;
        let line_start = text[..start].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let line_end = text[start..].iter().position(|&b| b == b'\n').map_or(text.len(), |i| start + i);
        if !text[line_start..line_end].is_ascii() {
            fresh = sources.clone();
        }
    }
    let mut out = String::new();
    for ((entity, scenario, metric, period, f), at) in facts.iter().zip(places) {
        let span = f.origin.span;
        let written = sources.get(f.origin.file).slice(span);
        let scenario = scenario.as_str();
        out += &format!(
            "{entity} {scenario} {metric} {period} = {} {}..{} at {at} `{written}`\n",
            value(&f.value),
            span.start,
            span.end
        );
    }
    for s in &sheets.sources {
        out += &format!("source {}: {:?}, {} facts\n", sources.get(s.file).name, s.name, s.facts);
    }
    for c in &sheets.conflicts {
        let at = |f: &tickmark::data::Fact| sources.location(f.origin.file, f.origin.span);
        out += &format!("conflict {:?}: kept {} other {}\n", c.key, at(&c.kept), at(&c.other));
    }
    out
}

/// How the stream alone reads a file's bytes, and the line index it gathers.
fn stream_alone(bytes: &[u8]) -> (Streamed, LineIndex) {
    let (mut builder, mut lines) = (SheetBuilder::default(), LineIndex::default());
    builder.add_source(SourceId(0), None);
    let streamed = stream(bytes, SourceId(0), u64::MAX, &mut builder, &mut lines).expect("reading memory");
    (streamed, lines)
}

/// The line index of a text as the whole-file reader makes it: where each line starts, and the
/// lines holding a character that is not ASCII.
fn line_index(text: &str) -> Vec<u32> {
    let mut starts = vec![0];
    starts.extend(text.match_indices('\n').map(|(i, _)| i as u32 + 1));
    starts.into_iter().step_by(LINE_STRIDE).collect()
}

/// Asserts that a file loads through the stream to what the whole-file reader gives, and returns
/// that description.
fn assert_same_load(path: &Path) -> String {
    let name = display_path(path);
    let fast = described(&streamed(&[path.to_path_buf()]));
    let slow = described(&whole(&[path.to_path_buf()]).unwrap_or_else(|| panic!("{name} is blank")));
    assert_eq!(fast, slow, "{name}: the stream and the whole-file reader disagree");
    fast
}

/// Writes files into a fresh folder and returns it with each file's path.
fn written(files: &[(&str, &[u8])]) -> (tempfile::TempDir, Vec<PathBuf>) {
    let dir = tempfile::tempdir().unwrap();
    let paths = files
        .iter()
        .map(|(name, bytes)| {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).unwrap();
            path
        })
        .collect();
    (dir, paths)
}

/// Every `.csv` file under a folder, recursively, sorted.
fn csv_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(csv_files(&path));
        } else if path.extension().is_some_and(|e| e == "csv") {
            out.push(path);
        }
    }
    out.sort();
    out
}

#[test]
fn every_csv_fixture_loads_streamed_as_read_whole() {
    let mut long = Vec::new();
    for path in csv_files(&root().join("tests/fixtures")) {
        let path = common::relative(&path);
        let bytes = std::fs::read(&path).unwrap();
        let (how, _) = stream_alone(&bytes);
        if matches!(how, Streamed::Read(_)) {
            long.push(path.display().to_string());
        }
        match whole(std::slice::from_ref(&path)) {
            Some(slow) => assert_eq!(described(&streamed(std::slice::from_ref(&path))), described(&slow), "{path:?}"),
            None => {
                assert!(!matches!(how, Streamed::Read(_)), "{path:?}: a blank file streams");
                let (sources, loaded) = streamed(std::slice::from_ref(&path));
                let diags = loaded.expect_err("a blank file");
                assert!(common::render(&diags, &sources).contains("the file is empty"), "{path:?}");
            }
        }
    }
    for fixture in ["data/ok/amzn_long.csv", "data/ok/peers.csv", "eval/bare/bare.csv", "silent/data/header_only.csv"] {
        assert!(long.iter().any(|p| p.ends_with(fixture)), "{fixture} no longer streams: {long:?}");
    }
}

/// Long CSV texts the stream reads to its end, each with something a reader could get wrong.
const STREAMED: &[(&str, &str)] = &[
    (
        "bom_crlf_blank_lines.csv",
        "\u{FEFF}entity,metric,period,value,scenario,unit,source\r\n\r\n\
         AMZN,revenue,2025Q4,213.4,,USD bn,Reuters\r\n\r\n\r\n\
         AMZN,operating_income,2025Q4,25.0,actual,USD bn,Reuters\r\n",
    ),
    (
        "every_value.csv",
        "entity,metric,period,value,scenario,unit,source\n\
         AMZN,revenue,2025Q4,213.4,,USD bn,Q4 results\n\
         AMZN,free_cash_flow,2025Q4,-7.25,,USD bn,Q4 results\n\
         AMZN,impairments,2025Q4,0,,USD bn,\n\
         AMZN,fx_effect,2025Q4,-0.0,,USD bn,\n\
         AMZN,buybacks,2025Q4,+3,,USD bn,\n\
         AMZN,employees,2025Q4,1_000,,,\n\
         AMZN,severance,2025Q4,730 USD m,,USD bn,Les Échos\n\
         AMZN,revenue,2026Q1,173.5..178.5,guidance,USD bn,Q4 call\n\
         AMZN,revenue,2025Q4,..213,guidance,USD bn,Q4 call\n\
         AMZN,operating_income,2026Q1,16.5 .. 21.5,guidance,USD bn,Q4 call\n\
         AMZN,capex,FY2027,250..,guidance,USD bn,Q4 call\n\
         AMZN,shares,2025Q4,1234567890123456789012345678,,,\n\
         AMZN,tiny,2025Q4,0.000000000000000000000000001,,,\n\
         AMZN,plain_18_digits,2025Q4,999999999999999999,,,\n\
         AMZN,plain_19_digits,2025Q4,-1234567890123456789,,,\n\
         AMZN,leading_zeros,2025Q4,000123.50,,,\n\
         AMZN,margin,2025Q4,11.7,,%,\n\
         AMZN,margin_claim,2025Q4,9%,,,\n\
         AMZN,spread,2025Q4,25,,bps,\n\
         AMZN,capacity,2025Q4,3.9 GW,,,\n\
         AMZN,eps,2025Q4,1.95,consensus,USD,\n\
         AMZN,capex,FY2025,128.3,,USD bn,\n\
         AMZN,capex,fy2026,200,guidance,USD bn,\n\
         AMZN,net_income,2025q4,21.2,,USD bn,\n\
         AMZN,revenue,2025Q3,180.2,actual,EUR m,\n",
    ),
    (
        "quotes_and_spaces.csv",
        "entity,metric,period,value,scenario,unit,source\n \
         AMZN , revenue , 2025Q4 , 213.4 , , USD bn , Reuters \n\
         \"AMZN\",\"operating_income\",\"2025Q4\",\"25.0\",\"actual\",\"USD bn\",\"Reuters, London\"\n\
         AMZN,severance,2025Q4,\" 730 \",,\"USD m\",\"\"\n\
         AMZN,revenue,2026Q1,\"173.5..178.5\",guidance,USD bn,\"Q4 call\"\n\
         AMZN,margin,2025Q4,\t11.7\t,,%,\t\n",
    ),
    (
        "source_first_non_ascii.csv",
        "source,entity,metric,period,unit,value,scenario\n\
         Les Échos,AMZN,revenue,2025Q4,USD bn,213.4,\n\
         Reuters,AMZN,operating_income,2025Q4,USD bn,25.0,\n\
         Nikkei 日本経済新聞,AMZN,capex,FY2025,USD bn,128.3,\n\
         \"Handelsblatt, Düsseldorf\",AMZN,net_income,2025Q4,\"USD bn\",\"21.2\",actual\n\
         Reuters,AMZN,revenue,2026Q1,USD bn,173.5..178.5,guidance\n\
         Reuters,AMZN,eps,2025Q4,USD,\u{a0}1.95\u{a0},consensus\n\
         Süddeutsche,AMZN,severance,2025Q4,USD bn,730 USD m,\n\
         Reuters,AMZN,margin,2025Q4,%,11.7,\n",
    ),
    (
        "header_case_and_gaps.csv",
        " Entity ,METRIC, Period ,Value\n\
         AMZN,revenue,2025Q4,213.4\n\
         MSFT,revenue,2025Q4,81.3\n\
         AMZN,revenue,2025Q3,180.2\n\
         Not An Entity,Bad Metric,2025Q9,\n\
         ,,,\n\
         BRK.B,revenue,FY2025,371.4\n\
         MSFT,revenue,2025Q3,77.7",
    ),
    (
        "escaped_quote_in_source.csv",
        "entity,metric,period,value,source\n\
         AMZN,revenue,2025Q4,213.4,\"The \"\"Economist\"\"\"\n\
         AMZN,capex,FY2025,128.3,\"The \"\"Economist\"\"\"\n\
         AMZN,net_income,2025Q4,21.2,\"\"\"Quoted\"\" first\"\n",
    ),
];

#[test]
fn tricky_long_texts_stream_to_the_whole_file_facts() {
    let files: Vec<(&str, &[u8])> = STREAMED.iter().map(|(n, t)| (*n, t.as_bytes())).collect();
    let (_dir, paths) = written(&files);
    for ((name, text), path) in STREAMED.iter().zip(&paths) {
        let (how, lines) = stream_alone(text.as_bytes());
        assert!(matches!(how, Streamed::Read(_)), "{name}: the stream gave up ({how:?}), so nothing is compared");
        let unmarked = text.strip_prefix('\u{FEFF}');
        assert_eq!(lines.starts, line_index(unmarked.unwrap_or(text)), "{name}: the stream's line index");
        assert_eq!(lines.skip, if unmarked.is_some() { 3 } else { 0 }, "{name}: the byte order mark");
        let facts = assert_same_load(path);
        assert!(!facts.starts_with("errors:"), "{name} does not load:\n{facts}");
    }
}

#[test]
fn tricky_values_read_as_written() {
    let files: Vec<(&str, &[u8])> = STREAMED.iter().map(|(n, t)| (*n, t.as_bytes())).collect();
    let (_dir, paths) = written(&files);
    let facts = assert_same_load(&paths[1]);
    let line = |metric: &str, period: &str| -> &str {
        let wanted = format!(" {metric} {period} = ");
        facts.lines().find(|l| l.contains(&wanted)).unwrap_or_else(|| panic!("no {metric} {period}:\n{facts}"))
    };
    let name = display_path(&paths[1]);
    // Each keeps its written digits, sign and scale; the unit is the cell's own or else the column's.
    let zero = if tickmark::num::parse_decimal("-0.0").unwrap().is_sign_negative() { "-" } else { "+" };
    assert!(
        line("fx_effect", "2025Q4").contains(&format!("0.0 USD bn [{zero}0e-1 ")),
        "{}",
        line("fx_effect", "2025Q4")
    );
    assert!(line("buybacks", "2025Q4").contains("[+3e-0 Money"), "{}", line("buybacks", "2025Q4"));
    assert!(line("employees", "2025Q4").contains("[+1000e-0 None]"), "{}", line("employees", "2025Q4"));
    assert!(line("severance", "2025Q4").starts_with("AMZN actual severance 2025Q4 = 730 USD m [+730e-0 Money"));
    assert!(line("shares", "2025Q4").contains("[+1234567890123456789012345678e-0 None]"));
    assert!(line("plain_19_digits", "2025Q4").contains("[-1234567890123456789e-0 None]"));
    assert!(line("leading_zeros", "2025Q4").contains("[+12350e-2 None]"));
    // a cell's own unit where the row gives none (`9%` in a row of `USD bn` is an error: issue 12)
    assert!(line("margin_claim", "2025Q4").contains("9 %"), "{}", line("margin_claim", "2025Q4"));
    assert!(line("capex", "FY2026").starts_with("AMZN guidance capex FY2026 = 200 USD bn"));
    assert!(line("revenue", "2025Q4").contains(&format!("at {name}:2:21 `213.4`")));
    assert!(facts.lines().any(|l| l.starts_with("AMZN guidance revenue 2025Q4 = ..213 USD bn")), "{facts}");
    assert!(facts.contains(&format!("source {name}: Some(\"Q4 results; Les Échos; Q4 call\"), 25 facts")), "{facts}");
}

#[test]
fn a_column_on_a_line_that_is_not_ascii_counts_characters() {
    let (_dir, paths) = written(&[("news.csv", STREAMED[3].1.as_bytes())]);
    let facts = assert_same_load(&paths[0]);
    let name = display_path(&paths[0]);
    // `Les Échos,AMZN,revenue,2025Q4,USD bn,` is 37 characters and 38 bytes: 213.4 is at column 38.
    assert!(facts.contains(&format!("at {name}:2:38 `213.4`")), "{facts}");
    assert!(facts.contains(&format!("at {name}:3:45 `25.0`")), "an ASCII line after a wide one: {facts}");
    // The no-break spaces around 1.95 are trimmed, and the column still counts characters.
    assert!(facts.contains(&format!("at {name}:7:30 `1.95`")), "{facts}");
    // `Nikkei 日本経済新聞,AMZN,capex,FY2025,USD bn,` is 39 characters (51 bytes).
    assert!(facts.contains(&format!("at {name}:4:40 `128.3`")), "{facts}");
}

/// A long CSV of `rows` rows (over a megabyte, more than one block of the stream), a source with a
/// character that is not ASCII on every 997th row, ending in `last`.
fn big_csv(rows: usize, last: &str) -> String {
    let mut out = String::from("source,entity,metric,period,unit,value\r\n");
    for i in 0..rows {
        let source = if i % 997 == 0 { "Les Échos" } else { "Reuters" };
        out += &format!("{source},E{:04},m{},2025Q4,USD m,{i}.{}\r\n", i % 1000, i / 1000, i % 10);
    }
    out + last
}

#[test]
fn a_file_of_several_blocks_streams_to_the_whole_file_facts() {
    let text = big_csv(30_000, "");
    assert!(text.len() > 1 << 20, "one block of the stream: {} bytes", text.len());
    let (how, lines) = stream_alone(text.as_bytes());
    assert_eq!(how, Streamed::Read(Some("Les Échos; Reuters".into())));
    assert_eq!(lines.starts, line_index(&text));
    let (_dir, paths) = written(&[("big.csv", text.as_bytes())]);
    let facts = assert_same_load(&paths[0]);
    assert_eq!(facts.lines().filter(|l| l.starts_with('E')).count(), 30_000);
}

#[test]
fn a_plain_ascii_file_of_several_chunks_streams_to_the_whole_file_facts() {
    // No quote and no character that is not ASCII: every chunk is cut by its block marks. Rows of
    // varying lengths put commas, line ends and `\r\n` on both sides of block edges; a `given` cell,
    // a range and a missing marker now and then; the last row ends at the file's end, with no line end.
    for newline in ["\n", "\r\n"] {
        let mut text = String::from("entity,metric,period,value,scenario,unit,given");
        for i in 0..28_000 {
            let pad = " ".repeat(i % 7);
            let value = match i % 101 {
                0 => "1.5..2.5".to_owned(),
                1 => "n/a".to_owned(),
                _ => format!("{pad}{i}.{}", i % 10),
            };
            let given = if i % 13 == 0 { "2026-02-05" } else { "" };
            text += &format!(
                "{newline}E{:04},m{},2025Q4,{value},{},USD m,{given}",
                i % 1000,
                i / 1000,
                ["", "guidance"][i % 2]
            );
        }
        assert!(text.len() > 1 << 20, "one chunk: {} bytes", text.len());
        let (how, lines) = stream_alone(text.as_bytes());
        assert_eq!(how, Streamed::Read(None));
        assert_eq!(lines.starts, line_index(&text));
        let (_dir, paths) = written(&[("plain.csv", text.as_bytes())]);
        let facts = assert_same_load(&paths[0]);
        // a missing marker (`n/a`) on every 101st row from the second: 278 rows of no fact
        assert_eq!(facts.lines().filter(|l| l.starts_with('E')).count(), 28_000 - 278, "{newline:?}");
    }
}

#[test]
fn a_quote_or_a_wide_character_at_a_block_edge_streams_to_the_whole_file_facts() {
    let header = "entity,metric,period,value,scenario,unit,source\n";
    let first = "E1,revenue,2025Q4,213.4,,USD m,Reuters\n";
    for (edge, cell) in [(0, "\"Reuters, London\""), (63, "\"Reuters, London\""), (63, "Les Échos"), (62, "Les Échos")]
    {
        // the second row's last cell starts at `edge` within a block of the chunk (which starts after
        // the header), its value padded to put it there
        let before = first.len() + "E1,capex,2025Q4,1,,USD m,".len();
        let pad = " ".repeat((edge + 64 - before % 64) % 64);
        let text = format!("{header}{first}E1,capex,2025Q4,{pad}1,,USD m,{cell}\nE1,capex,FY2025,2,,USD m,x\n");
        assert_eq!((before + pad.len()) % 64, edge);
        let (how, _) = stream_alone(text.as_bytes());
        assert!(matches!(how, Streamed::Read(_)), "{text:?}: {how:?}");
        let (_dir, paths) = written(&[("edge.csv", text.as_bytes())]);
        let facts = assert_same_load(&paths[0]);
        assert!(facts.contains("E1 actual capex 2025Q4 = 1 USD m"), "{facts}");
    }
}

#[test]
fn a_file_the_stream_gives_up_on_late_is_read_whole_once() {
    // A space after a quoted unit on the last row, after a megabyte streamed: the facts streamed so
    // far are dropped and the file read whole, so none of them is given twice.
    let late = big_csv(30_000, "The Economist,Z,revenue,2025Q4,\"USD m\" ,1.5\r\n");
    let (how, _) = stream_alone(late.as_bytes());
    assert!(matches!(how, Streamed::Stopped(at) if at > 1 << 20), "{how:?}");
    let (_dir, paths) = written(&[("late.csv", late.as_bytes())]);
    let facts = assert_same_load(&paths[0]);
    assert!(facts.contains("Z actual revenue 2025Q4 = 1.5 USD m"), "{}", &facts[facts.len() - 500..]);
    assert!(
        facts.contains("Some(\"Les Échos; Reuters; The Economist\"), 30001 facts"),
        "{}",
        &facts[facts.len() - 300..]
    );
}

/// Long CSV texts the stream must give up on (or, a wide file, not take): the whole-file reader then
/// says what is wrong, or reads what the stream did not expect.
const REFUSED: &[(&str, &[u8])] = &[
    (
        "unclosed_quote.csv",
        b"entity,metric,period,value,unit\nAMZN,revenue,2025Q4,213.4,USD bn\n\
          AMZN,operating_income,2025Q4,\"25.0,USD bn\nAMZN,net_income,2025Q4,21.2,USD bn\n",
    ),
    ("escaped_quote_in_value.csv", b"entity,metric,period,value\nAMZN,revenue,2025Q4,\"213\"\".4\"\n"),
    (
        "long_row.csv",
        b"entity,metric,period,value\n\
          AMZN,revenue,2025Q4,213.4\n\
          AMZN,operating_income,2025Q4,25.0,USD bn\n",
    ),
    ("short_row.csv", b"entity,metric,period,value\nAMZN,revenue,2025Q4,213.4\nAMZN,operating_income,2025Q4\n"),
    ("line_of_spaces.csv", b"entity,metric,period,value\nAMZN,revenue,2025Q4,213.4\n   \nAMZN,capex,FY2025,128.3\n"),
    ("bad_period.csv", b"entity,metric,period,value\nAMZN,revenue,2025Q4,213.4\nAMZN,revenue,FY2250,220.1\n"),
    (
        "control_character.csv",
        b"entity,metric,period,value,source\n\
          AMZN,revenue,2025Q4,213.4,Les \xC3\x89chos\n\
          AMZN,capex,FY2025,128.3,Reu\x01ters\n",
    ),
    ("delete_character.csv", b"entity,metric,period,value,source\nAMZN,revenue,2025Q4,213.4,Reu\x7Fters\n"),
    ("lone_carriage_return.csv", b"entity,metric,period,value\nAMZN,revenue,2025Q4,213.4\rAMZN,capex,FY2025,128.3\n"),
    (
        "not_utf8_late.csv",
        b"entity,metric,period,value,source\n\
          AMZN,revenue,2025Q3,180.2,Les \xC3\x89chos\n\
          AMZN,revenue,2025Q4,213.4,Les \xC9chos\n",
    ),
    ("quote_inside_cell.csv", b"entity,metric,period,value\nAMZN,rev\"enue,2025Q4,213.4\n"),
    ("space_after_quote.csv", b"entity,metric,period,value,unit\nAMZN,revenue,2025Q4,213.4,\"USD bn\" \n"),
    ("space_before_quote.csv", b"entity,metric,period,value,unit\nAMZN,revenue,2025Q4,213.4, \"USD bn\"\n"),
    ("not_a_number.csv", b"entity,metric,period,value\nAMZN,revenue,2025Q4,213.4\nAMZN,capex,FY2025,tbd\n"),
    ("exponent.csv", b"entity,metric,period,value\nAMZN,revenue,2025Q4,2.134e2\n"),
    ("30_digits.csv", b"entity,metric,period,value\nAMZN,shares,2025Q4,123456789012345678901234567890\n"),
    ("reversed_range.csv", b"entity,metric,period,value,scenario\nAMZN,revenue,2026Q1,178.5..173.5,guidance\n"),
    (
        "unknown_unit.csv",
        b"entity,metric,period,value,unit\n\
          AMZN,revenue,2025Q4,213.4,USD bn\n\
          AMZN,capex,FY2025,128.3,USD billions\n",
    ),
    ("unknown_scenario.csv", b"entity,metric,period,value,scenario\nAMZN,revenue,2026Q1,175,forecast\n"),
    ("bad_metric.csv", b"entity,metric,period,value\nAMZN,revenue,2025Q4,213.4\nAMZN,Operating Income,2025Q4,25.0\n"),
    ("scenario_metric.csv", b"entity,metric,period,value\nAMZN,guidance.revenue,2026Q1,175\n"),
    ("bad_entity.csv", b"entity,metric,period,value\nAM ZN,revenue,2025Q4,213.4\n"),
    ("invisible_entity.csv", b"entity,metric,period,value\nAMZN\xE2\x80\x8B,revenue,2025Q4,213.4\n"),
    ("missing_entity.csv", b"entity,metric,period,value\n ,revenue,2025Q4,213.4\n"),
    ("unknown_column.csv", b"entity,metric,period,value,comment\nAMZN,revenue,2025Q4,213.4,ok\n"),
    ("repeated_column.csv", b"entity,metric,period,value,Value\nAMZN,revenue,2025Q4,213.4,213.4\n"),
    ("trailing_comma_header.csv", b"entity,metric,period,value,\nAMZN,revenue,2025Q4,213.4,\n"),
    ("missing_entity_column.csv", b"metric,period,value\nrevenue,2025Q4,213.4\n"),
    ("period_without_value.csv", b"entity,metric,period\nAMZN,revenue,2025Q4\n"),
    ("wide.csv", b"metric,unit,2025Q4,guidance 2026Q1\nrevenue,USD bn,213.4,173.5..178.5\n"),
    ("wide_bad.csv", b"metric,2025Q4\nrevenue,abc\n"),
];

#[test]
fn texts_the_stream_gives_up_on_read_as_the_whole_file_reader_reads_them() {
    let (_dir, paths) = written(REFUSED);
    let mut read = Vec::new();
    for ((name, bytes), path) in REFUSED.iter().zip(&paths) {
        let (how, _) = stream_alone(bytes);
        assert!(!matches!(how, Streamed::Read(_)), "{name}: the stream read it ({how:?})");
        let described = assert_same_load(path);
        match described.strip_prefix("errors:\n") {
            Some(errors) => assert!(errors.contains(&format!("[{}:", display_path(path))), "{name}: {errors}"),
            None => read.push(*name),
        }
    }
    // What the whole-file reader takes: a lone `\r` (a record end to a CSV
    // reader), a space after a quoted unit, a wide file. A space before a quote makes the quote part
    // of the cell: `"USD bn"` is no unit.
    assert_eq!(read, ["lone_carriage_return.csv", "space_after_quote.csv", "wide.csv"], "the texts that load");
}

#[test]
fn the_binary_says_what_the_whole_file_reader_says() {
    // What a user sees of a bad long CSV is the whole-file reader's diagnostic, with the exit code 2,
    // even after rows the stream had read.
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("entity,metric,period,value,unit,source\n");
    for i in 0..200 {
        text += &format!("E{i:03},revenue,2025Q4,{i}.5,USD m,Les Échos\n");
    }
    text += "E200,revenue,2025Q4,\"1\"\"5\",USD m,Reuters\n";
    write_files(
        dir.path(),
        &[("rules.tick".into(), "rule positive:\n  revenue > 0\n".into()), ("data.csv".into(), text)],
    );
    let (stdout, stderr, code) = tickmark(&["check", "rules.tick", "--data", "data.csv"], dir.path());
    assert_eq!((code, stdout.as_str()), (2, ""), "{stderr}");
    let path = dir.path().join("data.csv");
    let (sources, loaded) = whole(std::slice::from_ref(&path)).unwrap();
    let expected = common::render(&loaded.expect_err("a bad value"), &sources);
    let expected = expected.replace(&display_path(&path), "data.csv");
    assert!(stderr.starts_with(&expected), "the binary:\n{stderr}\nthe whole-file reader:\n{expected}");
    assert!(stderr.contains("[data.csv:202:22]"), "{stderr}");
}

// ---------------------------------------------------------------------------------------------
// A key given twice
// ---------------------------------------------------------------------------------------------

#[test]
fn a_key_repeated_in_a_streamed_file_is_a_duplicate_fact_error() {
    let dir = tempfile::tempdir().unwrap();
    let data = "entity,metric,period,value,scenario,unit\n\
                AAA,revenue,2025Q4,213.4,,USD bn\n\
                AAA,revenue,2025Q3,180.2,,USD bn\n\
                AAA,revenue,2025q4, 213.4 ,actual,USD bn\n\
                AAA,revenue,2026Q1,173.5..178.5,guidance,USD bn\n\
                AAA,revenue,2026Q1,175,guidance,USD bn\n";
    write_files(
        dir.path(),
        &[("rules.tick".into(), "rule positive:\n  revenue > 0\n".into()), ("dup.csv".into(), data.into())],
    );
    assert!(matches!(stream_alone(data.as_bytes()).0, Streamed::Read(_)), "the file streams");
    let (stdout, stderr, code) = tickmark(&["check", "rules.tick", "--data", "dup.csv"], dir.path());
    assert_eq!((code, stdout.as_str()), (2, ""), "{stderr}");
    // The same value again is an error too: a file says each fact once.
    assert!(stderr.contains("`revenue` of `AAA` at `2025Q4` is given twice in this file"), "{stderr}");
    assert!(stderr.contains("`guidance.revenue` of `AAA` at `2026Q1` is given twice in this file"), "{stderr}");
    assert!(stderr.contains("[dup.csv:4:21]") && stderr.contains("[dup.csv:6:20]"), "{stderr}");
    let places = [
        ("2 │ AAA,revenue,2025Q4,213.4,", "4 │ AAA,revenue,2025q4, 213.4 ,actual"),
        ("5 │ AAA,revenue,2026Q1,173.5..178.5,", "6 │ AAA,revenue,2026Q1,175,"),
    ];
    for (first, again) in places {
        assert!(stderr.contains(first) && stderr.contains(again), "both places are shown:\n{stderr}");
    }
    assert_eq!(stderr.matches("first given here").count(), 2, "{stderr}");
    assert_eq!(stderr.matches("given again here").count(), 2, "{stderr}");
    assert_same_load(&dir.path().join("dup.csv"));
}

#[test]
fn the_same_key_in_two_streamed_files_is_a_conflict_and_the_first_file_wins() {
    let dir = tempfile::tempdir().unwrap();
    let a = "entity,metric,period,value,unit\nAAA,capex,FY2025,128.3,USD bn\nAAA,revenue,2025Q4,213.4,USD bn\n";
    let b = "entity,metric,period,value,unit\nAAA,capex,FY2025,131,USD bn\nAAA,revenue,2025Q4,213.40,USD bn\n";
    write_files(
        dir.path(),
        &[
            ("rules.tick".into(), "rule positive:\n  capex > 0\n".into()),
            ("data/1_a.csv".into(), a.into()),
            ("data/2_b.csv".into(), b.into()),
        ],
    );
    let (stdout, stderr, code) = tickmark(&["check", "rules.tick", "--data", "data", "--format", "json"], dir.path());
    assert_eq!(code, 0, "a conflict is a warning of the run: {stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let conflicts = report["conflicts"].as_array().unwrap();
    assert_eq!(conflicts.len(), 1, "213.4 and 213.40 meet; 128.3 and 131 do not: {conflicts:?}");
    assert_eq!(
        (conflicts[0]["kept"]["value"].as_str(), conflicts[0]["other"]["value"].as_str()),
        (Some("128.3 USD bn"), Some("131 USD bn"))
    );
    assert_eq!(conflicts[0]["kept"]["location"]["file"], "data/1_a.csv");
    assert_eq!(conflicts[0]["other"]["location"]["file"], "data/2_b.csv");
    let data = [dir.path().join("data/1_a.csv"), dir.path().join("data/2_b.csv")];
    assert_eq!(described(&streamed(&data)), described(&whole(&data).unwrap()));
    // The first file given wins, whatever its name.
    let args = ["check", "rules.tick", "--data", "data/2_b.csv", "data/1_a.csv", "--format", "json"];
    let report: Value = serde_json::from_str(&tickmark(&args, dir.path()).0).unwrap();
    assert_eq!(report["conflicts"][0]["kept"]["value"], "131 USD bn");
    assert_eq!(report["conflicts"][0]["kept"]["location"]["file"], "data/2_b.csv");
}

#[test]
fn a_key_repeated_in_a_streamed_file_is_an_error_after_another_file_gave_it() {
    // The first file gives the key once; the second gives it twice. Read whole, the second file is a
    // `duplicate-fact` error whatever came before it; streamed, it must be too.
    let (_dir, paths) = written(&[
        ("1_a.csv", b"entity,metric,period,value\nAAA,revenue,2025Q4,213.4\n"),
        ("2_b.csv", b"entity,metric,period,value\nAAA,revenue,2025Q4,213.4\nAAA,revenue,2025Q4,213.4\n"),
    ]);
    let slow = described(&whole(&paths).unwrap());
    assert!(slow.contains("is given twice in this file"), "{slow}");
    assert_eq!(described(&streamed(&paths)), slow);
}

// ---------------------------------------------------------------------------------------------
// Runs: one worker or two, `--only failed`, the streamed JSON report, `--timings`
// ---------------------------------------------------------------------------------------------

/// The `--only failed` fixture: passes, fails, skips, an error and a rule checked nowhere, two entities.
const ONLY: &str = "tests/fixtures/bulk/only";

/// The arguments that check the `--only failed` fixture in its folder, then `more`.
fn only_args<'a>(more: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["check", "rules.tick", "--data", "data.csv"];
    args.extend_from_slice(more);
    args
}

/// Runs the real binary in a folder with `RAYON_NUM_THREADS` set: (stdout, stderr, exit code).
fn run_threads(dir: &Path, args: &[&str], threads: &str) -> (String, String, i32) {
    run_program(Path::new(env!("CARGO_BIN_EXE_tickmark")), args, dir, &[("RAYON_NUM_THREADS", Path::new(threads))])
}

/// The rules of the generated data set: every outcome, titles with holes, every severity.
const MANY_RULES: &str = "\
# fails at every seventh entity unless all pass: an error rule, so the run exits 1
rule margin_above_5pct error \"Operating margin of {operating_income} on {revenue} is above 5 %\":
  operating_income / revenue > 5%

# skipped where net income is missing (every third entity)
rule net_income_below_revenue warning \"Net income {net_income} is below revenue {revenue}\":
  net_income < revenue

# holds at the first entities only, given rounding
rule revenue_grew_10pct info \"Revenue {revenue} grew '10 %'\" at 2025Q4:
  growth(revenue, revenue[-1y]) ~= 10%

# erred where the cost is written 0 (every eleventh entity): revenue over cost is a ratio
rule revenue_covers_cost warning at 2025Q4:
  revenue / cost > 100%

# fails at every fifth entity, whose guidance is below its revenue
rule revenue_within_guidance info \"Revenue {revenue} within guidance {guidance.revenue}\" at 2025Q4:
  revenue in guidance.revenue
";

/// A long CSV of `n` entities over four periods; with `all_pass`, no error rule fails.
fn many_csv(n: usize, all_pass: bool) -> String {
    let mut out = String::from("entity,metric,period,value,scenario,unit,source\n");
    for i in 0..n {
        let e = format!("E{i:03}");
        let source = if i % 2 == 0 { "Les Échos" } else { "Reuters" };
        for (period, revenue) in
            [("2024Q4", 100 + i), ("2025Q3", 105 + i), ("2025Q4", 110 + i), ("FY2025", 400 + 4 * i)]
        {
            let income = if i % 7 == 3 && !all_pass { revenue * 2 } else { revenue * 12 };
            out += &format!("{e},revenue,{period},{revenue}.0,,USD m,{source}\n");
            out += &format!("{e},operating_income,{period},{}.{:02},,USD m,{source}\n", income / 100, income % 100);
        }
        if i % 3 != 0 {
            out += &format!("{e},net_income,2025Q4,{}.5,,USD m,{source}\n", 8 + i);
            out += &format!("{e},net_income,FY2025,{}.5,,USD m,{source}\n", 30 + i);
        }
        out += &format!("{e},cost,2025Q4,{},,USD m,{source}\n", if i % 11 == 5 { 0 } else { 50 });
        let low = if i % 5 == 4 { 20 + i } else { 100 + i };
        out += &format!("{e},revenue,2025Q4,{low}..{},guidance,USD m,{source}\n", low + 20);
    }
    out
}

/// A folder holding the generated data set as `many.tick` and `many.csv`.
fn many(n: usize, all_pass: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_files(dir.path(), &[("many.tick".into(), MANY_RULES.into()), ("many.csv".into(), many_csv(n, all_pass))]);
    dir
}

/// The arguments that check the generated data set in its folder, then `more`.
fn many_args<'a>(more: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["check", "many.tick", "--data", "many.csv"];
    args.extend_from_slice(more);
    args
}

/// Every report a user can ask `check` for.
const FORMATS: [&[&str]; 6] = [
    &["--format", "human"],
    &["--format", "json"],
    &["--format", "sarif"],
    &["--format", "junit"],
    &["--format", "github"],
    &["--verbose"],
];

/// A period's place in report order: quarters of a year, then the year.
fn period_order(period: &str) -> (u32, u32) {
    match period.strip_prefix("FY") {
        Some(year) => (year.parse().unwrap(), 5),
        None => {
            let (year, quarter) = period.split_once('Q').unwrap();
            (year.parse().unwrap(), quarter.parse().unwrap())
        }
    }
}

#[test]
fn a_run_is_the_same_bytes_on_one_worker_or_two() {
    let generated = many(60, false);
    for (dir, base) in [(root().join(ONLY), only_args(&[])), (generated.path().to_path_buf(), many_args(&[]))] {
        for format in FORMATS {
            let args = [&base[..], format].concat();
            let one = run_threads(&dir, &args, "1");
            let two = run_threads(&dir, &args, "2");
            assert_eq!(one.2, 1, "an error rule fails: {args:?}\n{}", one.1);
            assert!(one.0.len() > 100, "{args:?}: {}", one.0);
            assert_eq!(one, two, "{args:?} differs on one worker and on two");
        }
    }
    // Sixty entities are split among workers (16 a task), yet listed as a sequential run lists them:
    // by rule in file order, then entity, then period.
    let (stdout, _, _) = run_threads(generated.path(), &many_args(&["--format", "json"]), "2");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let rules: Vec<&str> = MANY_RULES.lines().filter_map(|l| l.strip_prefix("rule ")?.split(' ').next()).collect();
    let order: Vec<(usize, String, (u32, u32))> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let rule = rules.iter().position(|r| c["rule"] == *r).unwrap();
            (rule, c["entity"].as_str().unwrap().to_owned(), period_order(c["period"].as_str().unwrap()))
        })
        .collect();
    assert!(order.is_sorted(), "the checks are not in report order");
    assert_eq!(statuses(&report), ["error", "fail", "pass", "skip"].into(), "every outcome, passes titled");
    let entities: std::collections::BTreeSet<&str> = order.iter().map(|(_, e, _)| e.as_str()).collect();
    assert_eq!(entities.len(), 60);
    assert_eq!(order.len(), report["summary"]["checks"].as_u64().unwrap() as usize, "every check is listed");
}

/// The statuses of a JSON report's checks.
fn statuses(report: &Value) -> std::collections::BTreeSet<&str> {
    report["checks"].as_array().unwrap().iter().map(|c| c["status"].as_str().unwrap()).collect()
}

/// The lines `--verbose` lists under `every check:`, and the summary line.
fn listing(human: &str) -> (Vec<&str>, &str) {
    let lines: Vec<&str> = human.lines().skip_while(|l| *l != "every check:").skip(1).collect();
    let (summary, checks) = lines.split_last().expect("a summary");
    (checks.to_vec(), summary)
}

/// The value of an attribute of the first `<testsuites>` element of a JUnit report.
fn junit_count(xml: &str, attribute: &str) -> String {
    let suites = xml.lines().find(|l| l.starts_with("<testsuites")).expect("<testsuites>");
    let at = suites.find(&format!(" {attribute}=\"")).expect("the attribute") + attribute.len() + 3;
    suites[at..].split('"').next().unwrap().to_owned()
}

#[test]
fn only_failed_lists_only_failed_and_erred_checks_and_counts_everything() {
    let dir = root().join(ONLY);
    let (full, _, full_code) = tickmark(&only_args(&["--format", "json"]), &dir);
    let (only, _, only_code) = tickmark(&only_args(&["--only", "failed", "--format", "json"]), &dir);
    assert_eq!((full_code, only_code), (1, 1), "the margin rule (an error rule) fails at BBB 2025Q4");
    let (full_report, only_report): (Value, Value) =
        (serde_json::from_str(&full).unwrap(), serde_json::from_str(&only).unwrap());
    assert_eq!(statuses(&full_report), ["error", "fail", "pass", "skip"].into(), "the fixture has every outcome");
    let failed: Vec<&Value> = full_report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "fail" || c["status"] == "error")
        .collect();
    assert_eq!(only_report["checks"].as_array().unwrap().iter().collect::<Vec<_>>(), failed);
    assert_eq!(only_report["summary"], full_report["summary"], "the summary counts every check");
    assert_eq!(only_report["summary"]["checks"], 12);
    assert_eq!(only_report["diagnostics"], full_report["diagnostics"], "a rule checked nowhere is still found");
    assert_eq!(only_report["diagnostics"][0]["code"], "checked-nowhere");
    settings().bind(|| insta::assert_snapshot!("bulk_only_failed_json", only));

    // Human, SARIF and GitHub reports show failed and erred checks alone anyway: the same bytes.
    for format in ["human", "sarif", "github"] {
        let (full, _, full_code) = tickmark(&only_args(&["--format", format]), &dir);
        let (only, _, only_code) = tickmark(&only_args(&["--format", format, "--only", "failed"]), &dir);
        assert_eq!((only, only_code), (full, full_code), "{format}");
    }
    // `--verbose` lists every check: with `--only failed`, the failed and erred ones, as before.
    let (full, _, _) = tickmark(&only_args(&["--verbose"]), &dir);
    let (only, _, code) = tickmark(&only_args(&["--verbose", "--only", "failed"]), &dir);
    assert_eq!(code, 1);
    let ((full_lines, full_summary), (only_lines, only_summary)) = (listing(&full), listing(&only));
    assert!(full_lines.iter().any(|l| l.starts_with("pass ")) && full_lines.iter().any(|l| l.starts_with("skip ")));
    let kept: Vec<&str> =
        full_lines.iter().copied().filter(|l| l.starts_with("fail ") || l.starts_with("error ")).collect();
    assert_eq!(kept.len(), 3);
    assert_eq!(only_lines, kept);
    assert_eq!(only_summary, full_summary);
    assert!(only_summary.starts_with("summary: 4 rules, 8 checks: 5 passed, 2 failed"), "{only_summary}");
    // JUnit: a test case per failed or erred check, nothing passed or skipped.
    let (full, _, _) = tickmark(&only_args(&["--format", "junit"]), &dir);
    let (only, _, code) = tickmark(&only_args(&["--format", "junit", "--only", "failed"]), &dir);
    assert_eq!(code, 1);
    assert_eq!(only.matches("<testcase ").count(), 3, "{only}");
    assert_eq!(only.matches("<failure ").count() + only.matches("<error ").count(), 3, "{only}");
    assert!(!only.contains("<skipped"), "{only}");
    for attribute in ["failures", "errors"] {
        assert_eq!(junit_count(&only, attribute), junit_count(&full, attribute), "{attribute}");
    }
}

/// The JSON report `tickmark check` would print, rendered in memory by `report::json::render` from
/// the same inputs (with the same warnings of the run).
fn rendered_json(rules: &[PathBuf], data: &[PathBuf], keep: Keep, verbose: bool) -> String {
    let mut sources = Sources::default();
    let (program, sheets) = match common::load(rules, data, &mut sources) {
        Ok(loaded) => loaded,
        Err(diags) => panic!("{}", common::render(&diags, &sources)),
    };
    let results = eval::run(&program, &sheets, &Filter::default(), keep);
    let warnings = report::warnings::of_run(&program, &sheets, &sources, &results, false, verbose);
    let conflicts = Default::default();
    let run = Run {
        program: &program,
        sheets: &sheets,
        sources: &sources,
        results: &results,
        warnings: &warnings,
        conflicts,
    };
    report::json::render(&run)
}

#[test]
fn the_json_report_streamed_to_stdout_is_the_rendered_report() {
    let generated = many(60, false);
    let (rules, data) = (generated.path().join("many.tick"), generated.path().join("many.csv"));
    let (rules, data) = (rules.to_str().unwrap(), data.to_str().unwrap());
    let only = |file: &str| format!("{ONLY}/{file}");
    let (only_rules, only_data) = (only("rules.tick"), only("data.csv"));
    let cases: [(&[&str], &[&str], Keep, bool); 5] = [
        (&["rules/amazon", "rules/core"], &["data"], Keep::NotPassed, false),
        (&["rules/amazon", "rules/core"], &["data"], Keep::NotPassed, true),
        (&[&only_rules], &[&only_data], Keep::NotPassed, false),
        (&[&only_rules], &[&only_data], Keep::Failed, false),
        (&[rules], &[data], Keep::NotPassed, false),
    ];
    for (rules, data, keep, verbose) in cases {
        let mut args = vec!["check"];
        args.extend_from_slice(rules);
        args.push("--data");
        args.extend_from_slice(data);
        args.extend_from_slice(&["--format", "json"]);
        if keep == Keep::Failed {
            args.extend_from_slice(&["--only", "failed"]);
        }
        if verbose {
            args.push("--verbose");
        }
        let (stdout, stderr, _) = tickmark(&args, root());
        let paths = |p: &[&str]| p.iter().map(PathBuf::from).collect::<Vec<_>>();
        let expected = rendered_json(&paths(rules), &paths(data), keep, verbose);
        assert!(expected.len() > 1000, "{expected}");
        assert!(stdout == expected, "{args:?}: the streamed report differs from the rendered one\n{stderr}");
    }
}

/// Runs the binary with its stdout read for 100 bytes and then closed, as `| head -c 100` does:
/// its exit code and stderr.
fn closed_early(dir: &Path, args: &[&str]) -> (i32, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tickmark"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut head = [0u8; 100];
    stdout.read_exact(&mut head).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stderr).unwrap())
}

/// Runs the generated data set (150 entities) with `format`, its stdout closed after 100 bytes:
/// the run ends with its own exit code (`code`, as a full run gives), without a panic or a complaint.
fn assert_stops_early_well(all_pass: bool, format: &[&str], code: i32) {
    let generated = many(150, all_pass);
    let args = many_args(format);
    let (stdout, stderr, full_code) = tickmark(&args, generated.path());
    assert_eq!(full_code, code, "{stderr}");
    // More than a pipe holds, so the run is still writing when its reader goes.
    assert!(stdout.len() > 128 << 10, "{args:?}: {} bytes", stdout.len());
    let (early_code, stderr) = closed_early(generated.path(), &args);
    assert!(!stderr.contains("panicked") && !stderr.contains("internal error"), "{args:?}: {stderr}");
    assert!(!stderr.contains("could not be written"), "{args:?}: {stderr}");
    assert_eq!(early_code, code, "{args:?}: a reader that took what it wanted is not an error of the run");
}

#[test]
fn a_reader_that_stops_early_gets_the_runs_exit_code() {
    assert_stops_early_well(false, &["--format", "json"], 1);
    assert_stops_early_well(false, &["--verbose"], 1);
    assert_stops_early_well(true, &["--verbose"], 0);
}

#[test]
fn a_passing_run_whose_json_reader_stops_early_exits_0() {
    assert_stops_early_well(true, &["--format", "json"], 0);
}

#[test]
fn timings_say_what_the_run_did_on_stderr_only() {
    let generated = many(60, false);
    let dir = generated.path();
    let mut sources = Sources::default();
    let (_, sheets) = common::load(&[dir.join("many.tick")], &[dir.join("many.csv")], &mut sources).unwrap();
    let report: Value = serde_json::from_str(&run_threads(dir, &many_args(&["--format", "json"]), "2").0).unwrap();
    for format in ["json", "human"] {
        let (plain, plain_stderr, plain_code) = run_threads(dir, &many_args(&["--format", format]), "2");
        let (timed, stderr, code) = run_threads(dir, &many_args(&["--format", format, "--timings"]), "2");
        assert_eq!((timed.as_str(), code), (plain.as_str(), plain_code), "--timings changes the report");
        assert_eq!(plain_stderr, "");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.starts_with("timings: data ") && stderr.contains(", evaluate "), "{stderr}");
        let counts = stderr.rsplit_once(" (").expect("counts").1;
        let expected = format!("{} facts, {} checks, 2 threads)\n", sheets.len(), report["summary"]["checks"]);
        assert_eq!(counts, expected, "{stderr}");
    }
    assert_eq!(sheets.len(), 60 * 8 + 40 * 2 + 60 * 2, "the generated facts");
}

/// A reader that gives its text, then fails: as a disk that errs part way through a file.
struct Failing<'a>(&'a [u8]);

impl std::io::Read for Failing<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.0.is_empty() {
            return Err(std::io::Error::other("the disk went away"));
        }
        let n = buf.len().min(self.0.len());
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

#[test]
fn a_bad_row_is_said_before_what_reading_on_finds_after_it() {
    // A bad period at 2 MiB, in the first batch (4 MiB) of a 15 MB file: the workers parse that batch
    // while the next is read, and the row stops the stream before the size limit or a read error met
    // in reading on.
    let mut text = big_csv(400_000, "");
    let start = text[..2 << 20].rfind('\n').unwrap() + 1;
    let end = start + text[start..].find('\n').unwrap();
    let row = text[start..end].replace("2025Q4", "2025Q9");
    text.replace_range(start..end, &row);
    assert!(text.len() > 10 << 20, "{}", text.len());
    let stopped = |limit: u64, read: &mut dyn Read| {
        let (mut builder, mut lines) = (SheetBuilder::default(), LineIndex::default());
        builder.add_source(SourceId(0), None);
        stream(read, SourceId(0), limit, &mut builder, &mut lines)
    };
    let at = |how: std::io::Result<Streamed>| match how {
        Ok(Streamed::Stopped(at)) => at,
        other => panic!("{other:?}"),
    };
    let bad = at(stopped(u64::MAX, &mut text.as_bytes()));
    assert!((start as u64..=end as u64).contains(&bad), "{bad} in {start}..{end}");
    // the limit passed while the batch after the bad row's is read
    assert_eq!(at(stopped(5 << 20, &mut text.as_bytes())), bad);
    // a read error in the batch after it
    assert_eq!(at(stopped(u64::MAX, &mut Failing(&text.as_bytes()[..6 << 20]))), bad);
    // with no bad row before it, the limit and the error are what is said
    let clean = big_csv(400_000, "");
    assert_eq!(at(stopped(5 << 20, &mut clean.as_bytes())), 5 << 20);
    assert!(stopped(u64::MAX, &mut Failing(&clean.as_bytes()[..6 << 20])).is_err());
}
