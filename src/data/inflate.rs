//! What a workbook may inflate to: a `.xlsx` is a zip of XML parts, and deflate packs a gigabyte of
//! repeated bytes into a megabyte. Before `calamine` reads a part, the zip's central directory is
//! read and every part's declared uncompressed size checked against [`WORKBOOK_INFLATED_BYTES`],
//! each and all together; every part is counted, not only those `calamine` reads first, since a
//! workbook's relationships may name any part as a sheet. A part that inflates to more than it
//! declares is stopped by the zip reader itself when it passes the declared size, and is then a
//! workbook `calamine` cannot read.

use std::io::{Read, Seek};

use crate::diag::Diag;
use crate::escape::excerpt;
use crate::fsutil::size_in_words;
use crate::limits::WORKBOOK_INFLATED_BYTES;

/// Checks the declared sizes of a workbook's parts, read from `input` (left where it was found is
/// not promised: the caller seeks back). A file that is not a zip passes: `calamine` says what it is.
pub fn check_parts<R: Read + Seek>(input: R, name: &str) -> Result<(), Diag> {
    let Ok(mut archive) = zip::ZipArchive::new(input) else { return Ok(()) };
    let mut total = 0u64;
    for i in 0..archive.len() {
        let Ok(part) = archive.by_index_raw(i) else { continue };
        let size = part.size();
        let part = part.name().map(|n| n.into_owned()).unwrap_or_else(|_| format!("number {}", i + 1));
        total = total.saturating_add(size);
        if size > WORKBOOK_INFLATED_BYTES {
            let what = format!("inflates to {}", size_in_words(size));
            return Err(too_large(name, &part, &what));
        }
        if total > WORKBOOK_INFLATED_BYTES {
            let what = format!("brings what the workbook inflates to to {}", size_in_words(total));
            return Err(too_large(name, &part, &what));
        }
    }
    Ok(())
}

/// The error for a workbook whose part `part` takes it past the limit.
fn too_large(name: &str, part: &str, what: &str) -> Diag {
    let message = format!("`{name}`: its part `{}` {what}, more than a workbook may hold", excerpt(part));
    let help = format!(
        "a workbook's parts may inflate to {} in all; is this the file you meant? save its sheets as CSV files, \
         which have no such limit",
        size_in_words(WORKBOOK_INFLATED_BYTES)
    );
    Diag::error("too-large", message).with_help(help)
}
