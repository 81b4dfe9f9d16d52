//! Files to sheets: TOML, CSV (wide and long), JSON, workbook and Parquet data files become facts
//! with provenance.
//!
//! [`load`] reads files and folders; [`toml`], [`csv`] and [`json`] read one format each into a
//! [`DataFile`]; [`xlsx`] and (with the `parquet` feature) `parquet` read theirs into the sheets
//! directly; [`value`] reads a cell's text (`730 USD m`, `173.5..178.5`), [`key`] the words of a
//! fact's key; [`sheet`] lays the facts out.

pub mod csv;
pub mod entity;
pub mod file;
pub mod inflate;
pub mod json;
pub mod key;
pub mod load;
pub mod numfmt;
#[cfg(feature = "parquet")]
pub mod parquet;
pub mod sec;
pub mod sheet;
pub mod toml;
pub mod tree;
pub mod value;
pub mod xlsx;

pub use file::DataFile;
pub use load::{load_file, load_paths, load_paths_with, load_source};
pub use sheet::{
    Conflict, DataSource, EntityId, Fact, FactKey, FactValue, Filing, MetricId, Origin, Packed, Row, SheetBuilder,
    Sheets, Split,
};
pub use value::{ValueError, parse_value};
