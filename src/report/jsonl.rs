//! The JSON Lines report: one JSON object per check listed, a line each, for streams and tables
//! (documented in `docs/report-json.md`, "JSON Lines").
//!
//! Each line is the object of the JSON report's `checks` array, written compactly. As in the CSV
//! report, conflicts, warnings and the summary go to stderr, so that every line is a check.

use std::io::Write;

use super::Run;

/// Writes the JSON Lines report of a run, the lines rendered by the workers.
pub fn write(run: &Run, out: &mut dyn Write) -> std::io::Result<()> {
    let rules = super::json::RuleBytes::new(run, None);
    // the lines are the JSON writer's own, hostile characters escaped as they are written
    super::write_placed_rows(run, &mut crate::escape::Own(out), &|run, places, c, buf| {
        super::json::write_check(run, &rules, places, c, &mut super::json_writer::JsonWriter::compact(buf));
        buf.push(b'\n');
    })
}
