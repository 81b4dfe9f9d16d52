//! The integration tests, one module a file, in ONE test binary: each test crate links the whole
//! library and its dependencies, so one crate links once where a file each linked 40 times.
//!
//! A new test file goes here, as `tests/it/NAME.rs` with `mod NAME;` below (sorted), and runs with
//! `cargo test --test it NAME::`. Shared helpers are in `tests/common/`; snapshots in the top-level
//! `snapshots/`; paths in `#[path]`, `include_str!` and insta's `glob!` are relative to this folder.
//! A file added as `tests/NAME.rs` (e.g. on a branch made before this layout) is moved here by
//! `scripts/one-test-binary.py`. Only a test that needs a cargo feature stays a crate of its own
//! (`tests/NAME.rs` with `#![cfg(feature = "...")]`, run with `--features`).
//!
//! The tests share one process: none may set an environment variable or change the current folder
//! (children get theirs through `Command::env`/`current_dir`); the few that call `set_current_dir`
//! set the crate root, where cargo runs tests anyway, so no test can see another folder.

mod borderline;
mod bulk;
mod casefile;
mod catalogue;
mod check;
mod cli;
#[path = "../common/mod.rs"]
mod common;
mod containment;
mod contract;
mod data;
mod differential;
mod dqc;
mod entities;
mod eval;
mod exact;
mod exported;
mod fiscal;
mod fmt;
mod formats;
mod fuzz;
mod hidden;
mod hostile;
mod init;
mod kernels;
mod laws;
mod limits;
mod lsp;
mod margin;
mod parser;
mod props;
mod ranges;
mod report_formats;
mod sec;
mod silence;
mod skips;
mod small;
mod units;
mod views;
mod vintages;
mod walk;
mod workpaper;
mod xlsx;
