//! Data files and folders into the sheets: read, check, and hand every fact to a [`SheetBuilder`].
//!
//! A file's format is its extension: `.toml`, `.csv`, `.json`, `.xlsx` or `.parquet` (any case); a
//! Parquet file needs a build with the `parquet` feature, and any other build says so. A folder stands for the
//! data files in it, recursively, in sorted path order; that order, like the order of the paths given,
//! decides which source wins a conflict. In a folder, hidden entries (`.name`), files of other
//! extensions, a `tickmark.toml` (the configuration beside `data = ["."]`) and anything that is not a
//! regular file (a FIFO, a dangling link) are skipped, and links to folders are not followed (no
//! loops); see [`walk`]. A file given by name must be a data file, and a regular one. Files are read
//! by [`read_source`]: a UTF-8 byte order mark is dropped, and a file too large, not UTF-8 or binary
//! is an error. Every file is read and checked, and the errors of all files come back together; a
//! file with an error gives no facts.

use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};

use crate::config;
use crate::diag::Diag;
use crate::fsutil::{TextFile, cannot_read, open_text, read_source, walk};
use crate::limits::{CSV_FILE_BYTES, WHOLE_CSV_BYTES};
use crate::source::{LineIndex, SourceId, Sources, Span};

use super::file::DataFile;
use super::sec::ConceptMap;
use super::sheet::SheetBuilder;
use super::{csv, json, sec, toml, xlsx};

/// The formats of data files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Toml,
    Csv,
    Json,
    /// An Excel workbook, read with `calamine` ([`xlsx`]).
    Workbook,
    /// A Parquet facts table (`super::parquet`, in a build with the `parquet` feature).
    Parquet,
}

impl Format {
    /// The format a path's extension names, if any.
    fn of(path: &Path) -> Option<Format> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "toml" => Some(Format::Toml),
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            "xlsx" | "xlsm" => Some(Format::Workbook),
            "parquet" => Some(Format::Parquet),
            _ => None,
        }
    }

    /// How a file of the format begins, for the help of an empty file.
    fn example(self) -> &'static str {
        match self {
            Format::Toml => "start with `entity = \"AMZN\"` and a table such as `[actual.2025Q4]`",
            Format::Csv => "start with a header row such as `metric,2025Q4`",
            Format::Json => "write `{\"entity\": \"AMZN\", \"actual\": {\"2025Q4\": {\"revenue\": 213.4}}}`",
            Format::Workbook => "give a sheet a header row such as `metric | 2025Q4`",
            Format::Parquet => "write a table of the columns `entity, metric, period, value`",
        }
    }
}

/// Loads one data file shown as `name`: adds it to `sources` and its facts to `builder`; an SEC
/// companyfacts file is read with the concepts of `map`.
pub fn load_file(
    path: &Path,
    name: String,
    map: &ConceptMap,
    sources: &mut Sources,
    builder: &mut SheetBuilder,
) -> Result<(), Vec<Diag>> {
    let Some(format) = Format::of(path) else { return Err(vec![not_data(path, &name)]) };
    if format == Format::Workbook {
        return xlsx::load(path, name, sources, builder);
    }
    if format == Format::Parquet {
        #[cfg(feature = "parquet")]
        return super::parquet::load(path, name, sources, builder);
        #[cfg(not(feature = "parquet"))]
        return Err(vec![no_parquet(&name)]);
    }
    if format == Format::Csv && stream_csv(path, &name, sources, builder).map_err(|d| vec![d])? {
        return Ok(());
    }
    let kind = if format == Format::Csv { TextFile::CsvData } else { TextFile::TreeData };
    let file = read_source(path, name, kind, sources).map_err(|d| vec![d])?;
    add_facts(format, path, file, map, sources, builder, false)
}

/// Streams a long CSV file into `builder` ([`csv::stream`]); `false` where it must be read whole instead
/// (a wide file, or one the stream stopped at, to say what is wrong with it).
fn stream_csv(path: &Path, name: &str, sources: &mut Sources, builder: &mut SheetBuilder) -> Result<bool, Diag> {
    let (input, size) = open_text(path, name, TextFile::CsvData, sources)?;
    let file = sources.add_streamed(name.to_owned(), path.to_owned());
    builder.add_source(file, None);
    let mut lines = LineIndex::default();
    let streamed = csv::stream::stream(input, file, CSV_FILE_BYTES, builder, &mut lines);
    if let Ok(csv::stream::Streamed::Read(names)) = streamed {
        builder.name_source(names);
        sources.set_lines(file, lines);
        return Ok(true);
    }
    builder.drop_source();
    match streamed {
        Ok(csv::stream::Streamed::Stopped(at)) if size > WHOLE_CSV_BYTES && at < size => {
            sources.set_lines(file, lines);
            Err(too_large_to_explain(file, at, size))
        }
        _ => {
            sources.drop_last(file);
            Ok(false)
        }
    }
}

/// The error for a row that stopped the stream in a file too large to read whole to say why.
fn too_large_to_explain(file: SourceId, at: u64, size: u64) -> Diag {
    let megabytes = size >> 20;
    Diag::error(
        "data",
        format!(
            "this row stops the bulk reader, and at {megabytes} MiB the file is too large to read whole to say why"
        ),
    )
    .in_file(file)
    .primary(Span::new(at as usize, at as usize), "this row")
    .with_help(format!(
        "a long CSV row is `entity,metric,period,value` (and `scenario,unit,source` if the header has them): \
             valid names, a period such as `2025Q4`, a figure or range such as `213.4` or `173.5..178.5`, \
             quotes only around whole cells; check this row, or read a part of the file below {} MiB for a \
             full diagnosis",
        WHOLE_CSV_BYTES >> 20
    ))
}

/// Checks and reads a data file already in `sources`, its format named by `path`'s extension, and
/// hands its facts to `builder`: what [`load_file`] does once the file is read, for text that never
/// was on disk (the fuzz targets).
pub fn load_source(
    path: &Path,
    file: SourceId,
    sources: &mut Sources,
    builder: &mut SheetBuilder,
) -> Result<(), Vec<Diag>> {
    let Some(format) = Format::of(path) else { return Err(vec![not_data(path, &sources.get(file).name)]) };
    add_facts(format, path, file, &ConceptMap::shipped(), sources, builder, true)
}

/// Reads the facts of a file in `sources` in its format, refusing an empty one, into `builder`.
fn add_facts(
    format: Format,
    path: &Path,
    file: SourceId,
    map: &ConceptMap,
    sources: &mut Sources,
    builder: &mut SheetBuilder,
    stream: bool,
) -> Result<(), Vec<Diag>> {
    let text = &sources.get(file).text().clone();
    if text.trim().is_empty() {
        let diag = Diag::error("data-file", "the file is empty").in_file(file).primary(Span::new(0, 0), "nothing here");
        return Err(vec![diag.with_help(format.example())]);
    }
    if format == Format::Csv && stream {
        builder.add_source(file, None);
        let mut lines = LineIndex::default();
        match csv::stream::stream(text.as_bytes(), file, CSV_FILE_BYTES, builder, &mut lines) {
            Ok(csv::stream::Streamed::Read(names)) => {
                builder.name_source(names);
                return Ok(());
            }
            _ => builder.drop_source(),
        }
    }
    let data = if format == Format::Json {
        let root = json::root(text, file)?;
        if sec::is_companyfacts(&root) {
            return sec::load(&root, file, map, sources, builder);
        }
        json::read(&root, text, file)?
    } else {
        parse(format, text, file, path)?
    };
    builder.add_source(file, data.source);
    for attribute in data.attributes {
        builder.attribute(attribute);
    }
    builder.missing(data.missing);
    for (key, fact) in data.facts {
        builder.insert(key, fact);
    }
    Ok(())
}

/// The error for a Parquet file given to a build without the `parquet` feature.
#[cfg(not(feature = "parquet"))]
fn no_parquet(name: &str) -> Diag {
    Diag::error("data-file", format!("`{name}` is a Parquet file, and this build of tickmark cannot read Parquet"))
        .with_help(
            "Parquet is an optional feature: build tickmark with `cargo build --release --features parquet`, or \
             export the table as a long CSV",
        )
}

/// The error for a path that is not a data file: it does not exist, or has another extension.
fn not_data(path: &Path, name: &str) -> Diag {
    if let Err(e) = fs::metadata(path) {
        return cannot_read(name, &e);
    }
    Diag::error("data-file", format!("`{name}` is not a data file"))
        .with_help("data files end in `.toml`, `.csv`, `.json`, `.xlsx` or `.parquet`")
}

/// Reads a file in the format of its extension.
fn parse(format: Format, text: &str, file: SourceId, path: &Path) -> Result<DataFile, Vec<Diag>> {
    match format {
        Format::Workbook | Format::Parquet => Err(vec![
            Diag::error("data-file", "a workbook or a Parquet file is read from its file, not from text")
                .in_file(file)
                .with_help("give the file's path with `--data`"),
        ]),
        Format::Toml => toml::parse(text, file),
        Format::Json => json::parse(text, file),
        Format::Csv => {
            csv::parse(text, file, &path.file_stem().map_or_else(String::new, |s| s.to_string_lossy().into()))
        }
    }
}

/// Loads files and folders in order, collecting the errors of every file; SEC companyfacts files are
/// read with the shipped concept map.
pub fn load_paths(paths: &[PathBuf], sources: &mut Sources, builder: &mut SheetBuilder) -> Result<(), Vec<Diag>> {
    load_paths_with(paths, &ConceptMap::shipped(), sources, builder)
}

/// [`load_paths`], reading SEC companyfacts files with the concepts of `map`.
pub fn load_paths_with(
    paths: &[PathBuf],
    map: &ConceptMap,
    sources: &mut Sources,
    builder: &mut SheetBuilder,
) -> Result<(), Vec<Diag>> {
    let mut errors = Vec::new();
    let mut read = 0;
    for path in paths {
        for file in expand(path, &mut errors) {
            read += 1;
            if let Err(more) = load_file(&file, crate::source::display_path(&file), map, sources, builder) {
                errors.extend(more);
            }
        }
    }
    if read == 0 && errors.is_empty() && !paths.is_empty() {
        errors.push(no_data_files(paths));
    }
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

/// The error for data paths that hold no data file at all (an empty `data/` folder): said as such,
/// rather than as every metric the rules name being unknown.
fn no_data_files(paths: &[PathBuf]) -> Diag {
    let shown: Vec<String> = paths
        .iter()
        .map(|p| crate::source::display_path(p))
        .map(|s| if s.is_empty() { "`.`".to_owned() } else { format!("`{s}`") })
        .collect();
    Diag::error("no-data", format!("no data files in {}", shown.join(", "))).with_help(
        "a data file is a `.toml`, `.json`, `.csv`, `.xlsx` or `.parquet` file of figures; add one there, or name the \
         files with `--data`",
    )
}

/// The files a path stands for: itself, as given, or a folder's data files, recursively and sorted,
/// walked by [`walk`]. In a folder, a `tickmark.toml` is skipped too: it is the configuration of a
/// rule repository, not data, and `data = ["."]` beside it would otherwise read it as a data file.
fn expand(path: &Path, errors: &mut Vec<Diag>) -> Vec<PathBuf> {
    let data = |file: &Path| Format::of(file).is_some() && file.file_name() != Some(OsStr::new(config::FILE_NAME));
    walk(path, data, errors)
}
