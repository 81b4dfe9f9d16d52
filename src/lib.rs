//! tickmark: checks companies' reported figures and guidance against rules, exactly and rounding-aware.
//!
//! The pipeline is the layout: [`syntax`] (text to AST), [`check`] (names, units, cycles), [`data`]
//! (files to sheets of facts), [`eval`] (rules over sheets, exact intervals), [`report`] (results to
//! human, json, ...).

pub mod calendar;
pub mod check;
pub mod cli;
pub mod commands;
pub mod config;
pub mod data;
pub mod date;
pub mod diag;
pub mod escape;
pub mod eval;
pub mod fmt;
pub mod fsutil;
pub mod limits;
pub mod lsp;
pub mod num;
pub mod period;
pub mod report;

pub mod source;
pub mod suggest;
pub mod syntax;
pub mod window;
pub mod workers;
pub mod workspace;
