//! Reading and writing files safely: every text file is read by one reader ([`read_source`]) that
//! opens only regular files, checks their size before reading and their bytes before parsing; folders
//! of rule and data files are walked by one walker ([`walk`]) that cannot loop and skips what is not
//! a file of the kind; and what a user wrote is never half-overwritten ([`write_atomic`]).

use std::collections::HashSet;
use std::fs::Metadata;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use crate::diag::Diag;
use crate::limits::{self, FIRST_BLOCK_BYTES};
use crate::source::{SourceId, Sources, Span};

/// The text files tickmark reads, each with its size limit ([`crate::limits`]) and the words its
/// diagnostics use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextFile {
    /// A `.tick` rule file (or a `tickmark test` case).
    Rules,
    /// A TOML or JSON data file, read whole into a tree.
    TreeData,
    /// A CSV data file.
    CsvData,
    /// A rule repository's `tickmark.toml`.
    Config,
}

impl TextFile {
    /// The largest file of the kind, in bytes.
    pub fn limit(self) -> u64 {
        match self {
            TextFile::Rules => limits::RULE_FILE_BYTES,
            TextFile::TreeData | TextFile::Config => limits::TREE_FILE_BYTES,
            TextFile::CsvData => limits::CSV_FILE_BYTES,
        }
    }

    /// The kind in words: `a rule file`.
    fn noun(self) -> &'static str {
        match self {
            TextFile::Rules => "a rule file",
            TextFile::TreeData => "a TOML or JSON data file",
            TextFile::CsvData => "a CSV data file",
            TextFile::Config => "a `tickmark.toml`",
        }
    }

    /// What to do with a file too large to read.
    fn split_help(self) -> &'static str {
        match self {
            TextFile::Rules => "split it into several files joined with `use`",
            TextFile::TreeData | TextFile::CsvData => {
                "split it into several files; a folder given to `--data` reads them all"
            }
            TextFile::Config => "a `tickmark.toml` names only rule and data paths: is this the file you meant?",
        }
    }

    /// What to do with a file that is not UTF-8.
    fn encoding_help(self) -> &'static str {
        match self {
            TextFile::CsvData => "save the file as UTF-8 (from a spreadsheet: \"CSV UTF-8\")",
            _ => "save the file as UTF-8",
        }
    }
}

/// The UTF-8 byte order mark, which some editors and spreadsheets write at the start of a file.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Reads a text file into `sources`, shown as `shown`: anything but a regular file (after following
/// links) is refused before it is opened, since opening a FIFO blocks until someone writes to it and
/// a device may never end; its size is checked against the kind's limit before a byte is read, a
/// byte order mark is dropped (so columns count from the first character), and bytes that are not
/// UTF-8, or control characters other than tabs and line ends, are refused with a diagnostic at the
/// first of them; so is, in a rule file, a character that could hide code outside a string
/// ([`crate::syntax::hidden`]).
pub fn read_source(path: &Path, shown: String, kind: TextFile, sources: &mut Sources) -> Result<SourceId, Diag> {
    read_source_noting_bom(path, shown, kind, sources).map(|(file, _)| file)
}

/// [`read_source`], saying too whether the file began with a byte order mark (which `fmt` keeps).
pub fn read_source_noting_bom(
    path: &Path,
    shown: String,
    kind: TextFile,
    sources: &mut Sources,
) -> Result<(SourceId, bool), Diag> {
    let mut bytes = read_bytes(path, &shown, kind, sources)?;
    let bom = bytes.starts_with(BOM);
    if bom {
        bytes.drain(..BOM.len());
    }
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let at = control(&bytes[..valid]).unwrap_or(valid);
            return Err(not_text(&bytes, at, shown, kind, sources));
        }
    };
    if let Some(at) = control(text.as_bytes()) {
        return Err(not_text(text.as_bytes(), at, shown, kind, sources));
    }
    // In a rule file, a character that could hide code outside a string (a lone `\r`, a bidi control).
    if let Some(found) = (kind == TextFile::Rules).then(|| crate::syntax::hidden::find(&text)).flatten() {
        return Err(crate::syntax::hidden::diagnostic(&text, found, shown, sources));
    }
    Ok((sources.add(shown, text), bom))
}

/// Texts that stand in for files on disk, by canonical path: the unsaved buffers of an editor
/// (`tickmark lsp`), for the reads of one thread while [`with_overlay`] runs.
pub type Overlay = std::collections::HashMap<PathBuf, std::sync::Arc<str>>;

thread_local! {
    static OVERLAY: std::cell::RefCell<Option<std::sync::Arc<Overlay>>> = const { std::cell::RefCell::new(None) };
}

/// Runs `f` with [`read_source`] reading the files of `overlay` from it rather than from disk.
pub fn with_overlay<R>(overlay: std::sync::Arc<Overlay>, f: impl FnOnce() -> R) -> R {
    let before = OVERLAY.with(|o| o.replace(Some(overlay)));
    let result = f();
    OVERLAY.with(|o| *o.borrow_mut() = before);
    result
}

/// The overlaid text of a file, if an overlay is set and holds it.
fn overlaid(path: &Path) -> Option<std::sync::Arc<str>> {
    OVERLAY.with(|o| {
        let overlay = o.borrow();
        let overlay = overlay.as_ref().filter(|o| !o.is_empty())?;
        overlay.get(&path.canonicalize().ok()?).cloned()
    })
}

/// A file's bytes, refused when it is not a regular file (asked before it is opened, and again of
/// the open file), larger than the kind's limit (asked of the open file before reading, and the
/// read stopped at the limit, for a file that grows while it is read) or not text in its first block.
fn read_bytes(path: &Path, shown: &str, kind: TextFile, sources: &mut Sources) -> Result<Vec<u8>, Diag> {
    if let Some(text) = overlaid(path) {
        if text.len() as u64 > kind.limit() {
            return Err(too_large(shown, text.len() as u64, kind));
        }
        return Ok(text.as_bytes().to_vec());
    }
    let (file, len) = open_text(path, shown, kind, sources)?;
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(kind.limit() + 1).read_to_end(&mut bytes).map_err(|e| cannot_read(shown, &e))?;
    if bytes.len() as u64 > kind.limit() {
        return Err(too_large(shown, bytes.len() as u64, kind));
    }
    Ok(bytes)
}

/// Opens a file to stream it, refused as [`read_source`] refuses it when it is not a regular file or is
/// larger than the kind's limit; with its length. Whoever streams it stops at the limit.
pub fn open_regular(path: &Path, shown: &str, kind: TextFile) -> Result<(std::fs::File, u64), Diag> {
    regular(&std::fs::metadata(path).map_err(|e| cannot_read(shown, &e))?, shown)?;
    let file = std::fs::File::open(path).map_err(|e| cannot_read(shown, &e))?;
    let meta = file.metadata().map_err(|e| cannot_read(shown, &e))?;
    regular(&meta, shown)?;
    if meta.len() > kind.limit() {
        return Err(too_large(shown, meta.len(), kind));
    }
    Ok((file, meta.len()))
}

/// Opens a text file to read or stream it, refused as [`open_regular`] refuses it, and refused at once
/// when its first block ([`FIRST_BLOCK_BYTES`]) is not text: a byte that is not UTF-8, a NUL or
/// another control character is an error at the first of them, found before the rest of the file is
/// read (a gigabyte of NULs is refused after 64 KiB, not read whole and quoted back). The file is
/// left at its start.
pub fn open_text(
    path: &Path,
    shown: &str,
    kind: TextFile,
    sources: &mut Sources,
) -> Result<(std::fs::File, u64), Diag> {
    let (mut file, len) = open_regular(path, shown, kind)?;
    let mut block = Vec::with_capacity(FIRST_BLOCK_BYTES.min(len as usize));
    (&mut file).take(FIRST_BLOCK_BYTES as u64).read_to_end(&mut block).map_err(|e| cannot_read(shown, &e))?;
    file.seek(SeekFrom::Start(0)).map_err(|e| cannot_read(shown, &e))?;
    let text = block.strip_prefix(BOM).unwrap_or(&block);
    let valid = match std::str::from_utf8(text) {
        Ok(_) => text.len(),
        // A character cut at the end of the block is read whole later.
        Err(e) if e.error_len().is_none() => e.valid_up_to(),
        Err(e) => {
            let at = control(&text[..e.valid_up_to()]).unwrap_or(e.valid_up_to());
            return Err(not_text(text, at, shown.to_owned(), kind, sources));
        }
    };
    match control(&text[..valid]) {
        Some(at) => Err(not_text(text, at, shown.to_owned(), kind, sources)),
        None => Ok((file, len)),
    }
}

/// Refuses what is not a regular file: `cannot read `x.tick`: it is not a regular file (a FIFO)`.
fn regular(meta: &Metadata, shown: &str) -> Result<(), Diag> {
    if meta.is_file() {
        return Ok(());
    }
    if meta.is_dir() {
        return Err(Diag::error("io", format!("cannot read `{shown}`: it is a folder, not a file")));
    }
    let message = format!("cannot read `{shown}`: it is not a regular file ({})", special_kind(meta));
    Err(Diag::error("io", message).with_help("name a file saved on disk; to read piped input, save it to a file first"))
}

/// What a file that is neither a regular file nor a folder is, in words: `a FIFO`, `a socket`.
fn special_kind(meta: &Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let kind = meta.file_type();
        if kind.is_fifo() {
            return "a FIFO";
        } else if kind.is_socket() {
            return "a socket";
        } else if kind.is_char_device() {
            return "a character device";
        } else if kind.is_block_device() {
            return "a block device";
        }
    }
    let _ = meta;
    "a special file"
}

/// The files a path stands for, for the commands that take files and folders alike; `wanted` says
/// which files of a folder are of the kind (`.tick` files, data files).
///
/// A path that is not a folder stands for itself, as given: [`read_source`] decides whether it can
/// be read. A folder (given by name, a link to one is followed) stands for the regular files under it
/// that `wanted` accepts, recursively, in sorted path order. In a folder, these are skipped:
/// - hidden entries (`.name`): editor backups and lock links (`.#rules.tick`), `.git`;
/// - links to folders, which are not followed, so a link back up (`ln -s . self`) neither loops nor
///   multiplies the walk (a folder reached twice some other way, such as a bind mount, is walked once);
/// - anything that is not a regular file after following links: FIFOs, sockets, devices and dangling
///   links, which could block a read or fail a run they were never meant for.
///
/// A link to a regular file is taken. A folder that cannot be read is an error in `errors`, and the
/// walk goes on.
pub fn walk(path: &Path, wanted: impl Fn(&Path) -> bool, errors: &mut Vec<Diag>) -> Vec<PathBuf> {
    if !path.is_dir() {
        return vec![path.to_path_buf()];
    }
    let mut files = Vec::new();
    let mut folders = vec![path.to_path_buf()];
    let mut seen = HashSet::new();
    while let Some(folder) = folders.pop() {
        if !seen.insert(identity(&folder)) {
            continue;
        }
        let entries = match std::fs::read_dir(&folder) {
            Ok(entries) => entries,
            Err(e) => {
                let shown = crate::source::display_path(&folder);
                errors.push(Diag::error("io", format!("cannot read the folder `{shown}`: {}", io_reason(&e))));
                continue;
            }
        };
        let mut inner = Vec::new();
        for entry in entries.flatten() {
            let path = entry.path();
            match Entry::of(&entry) {
                Entry::Folder => inner.push(path),
                Entry::File if wanted(&path) => files.push(path),
                Entry::File | Entry::Skipped => {}
            }
        }
        // Last pushed is walked first: the folders in sorted order, so errors come in that order too.
        inner.sort_unstable_by(|a, b| b.cmp(a));
        folders.extend(inner);
    }
    files.sort();
    files
}

/// What a folder's entry is to [`walk`].
enum Entry {
    /// A folder, not a link to one: walked.
    Folder,
    /// A regular file, or a link to one: taken if wanted.
    File,
    /// Hidden, a link to a folder, or not a regular file.
    Skipped,
}

impl Entry {
    /// Sorts an entry, following a link only to see whether it leads to a regular file.
    fn of(entry: &std::fs::DirEntry) -> Entry {
        if entry.file_name().to_string_lossy().starts_with('.') {
            return Entry::Skipped;
        }
        let Ok(kind) = entry.file_type() else { return Entry::Skipped };
        if kind.is_dir() {
            Entry::Folder
        } else if kind.is_file() || (kind.is_symlink() && std::fs::metadata(entry.path()).is_ok_and(|m| m.is_file())) {
            Entry::File
        } else {
            Entry::Skipped
        }
    }
}

/// What tells a folder from every other on this system: its device and inode on Unix, its path
/// elsewhere (where links to folders, the only other way back, are not followed anyway).
fn identity(folder: &Path) -> (u64, u64, PathBuf) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let Ok(meta) = std::fs::metadata(folder) {
            return (meta.dev(), meta.ino(), PathBuf::new());
        }
    }
    (0, 0, folder.to_path_buf())
}

/// The error for a file that cannot be opened or read: `cannot read `x.tick`: no such file`.
pub fn cannot_read(shown: &str, error: &std::io::Error) -> Diag {
    Diag::error("io", format!("cannot read `{shown}`: {}", io_reason(error)))
}

/// Why a file could not be read, in words: `no such file`, `permission denied`.
pub fn io_reason(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        std::io::ErrorKind::IsADirectory => "it is a folder, not a file".to_owned(),
        _ => {
            let text = error.to_string();
            let mut chars = text.chars();
            chars.next().map_or_else(String::new, |c| c.to_lowercase().chain(chars).collect())
        }
    }
}

/// The error for a file larger than its kind may be.
fn too_large(shown: &str, size: u64, kind: TextFile) -> Diag {
    Diag::error("too-large", format!("`{shown}` is {}, more than {} may have", size_in_words(size), kind.noun()))
        .with_help(format!("the limit is {}; {}", size_in_words(kind.limit()), kind.split_help()))
}

/// A size as exact bytes and in binary units: `16,777,217 bytes (16.0 MiB)`.
pub fn size_in_words(bytes: u64) -> String {
    let digits = bytes.to_string();
    let mut grouped = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    let units = [("GiB", 1u128 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    match units.iter().find(|(_, size)| u128::from(bytes) >= *size) {
        Some((name, size)) => {
            let tenths = (u128::from(bytes) * 10 + size / 2) / size;
            format!("{grouped} bytes ({}.{} {name})", tenths / 10, tenths % 10)
        }
        None => format!("{grouped} bytes"),
    }
}

/// The first control character that is not a tab or a line end.
fn control(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0x7F)
}

/// The error for bytes that are not text, at the first bad byte `at`. The file is kept for the
/// diagnostic as it can be shown: bytes that are not UTF-8 as `\u{FFFD}`, control characters as
/// their pictures (`␀`), so nothing of it reaches the terminal raw.
fn not_text(bytes: &[u8], at: usize, shown: String, kind: TextFile, sources: &mut Sources) -> Diag {
    let byte = bytes[at];
    let binary = bytes.contains(&0);
    let is_control = control(&bytes[at..=at]).is_some();
    let label =
        if is_control { format!("control character 0x{byte:02X}") } else { format!("byte 0x{byte:02X} is not UTF-8") };
    let (message, help) = if binary {
        let help = format!("is this the file you meant? {} is text, saved as UTF-8", kind.noun());
        (format!("`{shown}` is binary, not UTF-8 text"), help)
    } else if is_control {
        let help = "a text file holds no control characters but tabs and line ends: remove it".to_owned();
        (format!("`{shown}` holds a control character"), help)
    } else {
        (format!("`{shown}` is not UTF-8 text"), kind.encoding_help().to_owned())
    };
    let mut printable: String = String::from_utf8_lossy(bytes).chars().map(picture).collect();
    if binary {
        shorten(&mut printable, at);
    }
    let width = printable.get(at..).and_then(|rest| rest.chars().next()).map_or(0, char::len_utf8);
    let file = sources.add(shown, printable);
    Diag::error("encoding", message).in_file(file).primary(Span::new(at, at + width), label).with_help(help)
}

/// Cuts a binary file's shown text 40 characters after its first bad byte: the rest helps no one.
fn shorten(text: &mut String, at: usize) {
    if let Some((end, _)) = text[at..].char_indices().nth(40) {
        text.truncate(at + end);
        text.push('…');
    }
}

/// A control character as its Unicode picture (`\0` as `␀`); other characters as they are.
fn picture(c: char) -> char {
    match c {
        '\t' | '\n' | '\r' => c,
        '\0'..='\u{1F}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{FFFD}'),
        '\u{7F}' => '\u{2421}',
        _ => c,
    }
}

/// Writes `contents` to `path` atomically: into a new temporary file beside it, created with the old
/// file's permissions, flushed to disk, then renamed over it, and the folder synced so the rename
/// itself survives a crash. A crash leaves the old file or the new one, never a mix. A link is
/// written through to the file it points to (the link stays a link), and a file that is read-only,
/// that the user may not write, that is not a regular file (a FIFO) or that has other hard links
/// (which a rename would split from it) is an error, not replaced.
pub fn write_atomic(path: &Path, contents: &str) -> std::io::Result<()> {
    replace(path, contents, None).map_err(Refused::into_io)
}

/// [`write_atomic`] for a file read before: refused with [`Refused::Changed`] when the file is no
/// longer as it was read (its size, modification time or bytes differ), so that a change made
/// meanwhile (an editor saving it) is never lost. The check is made last, just before the rename.
pub fn write_if_unchanged(path: &Path, contents: &str, read: &AsRead) -> Result<(), Refused> {
    replace(path, contents, Some(read))
}

/// Writes `contents` to `path`, which must not exist: into a temporary file, flushed, then linked
/// under its name, which fails with `AlreadyExists` if a file took the name meanwhile (nothing is
/// replaced, ever); the folder is synced after.
pub fn write_new_atomic(path: &Path, contents: &str) -> std::io::Result<()> {
    let dir = folder_of(path);
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let (temp, mut file) = create_temp(&dir, &name, None)?;
    let result = (|| {
        file.write_all(contents.as_bytes())?;
        file.sync_all()?;
        match std::fs::hard_link(&temp, path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(e),
            // A file system without hard links: ask, then rename (a file created between the two is lost).
            Err(_) if std::fs::symlink_metadata(path).is_ok() => Err(std::io::ErrorKind::AlreadyExists.into()),
            Err(_) => std::fs::rename(&temp, path),
        }
    })();
    let _ = std::fs::remove_file(&temp);
    result?;
    sync_folder(&dir);
    Ok(())
}

/// What a file was when it was read, to tell whether it changed since: its size, its modification
/// time and a hash of its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AsRead {
    len: u64,
    modified: Option<std::time::SystemTime>,
    hash: u64,
}

impl AsRead {
    /// The state of the file at `path` whose bytes were read as `bytes`; call it right after reading
    /// (a change between the read and this call shows as bytes that differ).
    pub fn of(path: &Path, bytes: &[u8]) -> std::io::Result<AsRead> {
        let meta = std::fs::metadata(path)?;
        Ok(AsRead { len: bytes.len() as u64, modified: meta.modified().ok(), hash: hash(bytes) })
    }

    /// Whether the file at `path` is still as it was read: size and time asked first, bytes last.
    fn holds(&self, path: &Path) -> std::io::Result<bool> {
        let meta = std::fs::metadata(path)?;
        if meta.len() != self.len || meta.modified().ok() != self.modified {
            return Ok(false);
        }
        let mut bytes = Vec::with_capacity(self.len as usize);
        std::fs::File::open(path)?.take(self.len + 1).read_to_end(&mut bytes)?;
        Ok(bytes.len() as u64 == self.len && hash(&bytes) == self.hash)
    }
}

/// A hash of bytes, the same in every run (SipHash with fixed keys).
fn hash(bytes: &[u8]) -> u64 {
    use std::hash::Hasher;
    #[allow(deprecated)]
    let mut hasher = std::hash::SipHasher::new();
    hasher.write(bytes);
    hasher.finish()
}

/// Why a file was not replaced.
#[derive(Debug)]
pub enum Refused {
    /// It changed since it was read.
    Changed,
    /// It has other hard links (their number), which a rename would split from it.
    Linked(u64),
    /// It could not be written.
    Io(std::io::Error),
}

impl Refused {
    /// As an I/O error, for the writers that read nothing first.
    fn into_io(self) -> std::io::Error {
        match self {
            Refused::Io(e) => e,
            other => std::io::Error::other(other.to_string()),
        }
    }
}

impl std::fmt::Display for Refused {
    /// `it changed since it was read`: the end of `cannot write `x.tick`: …`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refused::Changed => f.write_str("it changed since it was read"),
            Refused::Linked(n) => write!(f, "it has {n} hard links, which replacing it would split"),
            Refused::Io(e) => e.fmt(f),
        }
    }
}

impl From<std::io::Error> for Refused {
    /// An I/O error as a refusal.
    fn from(e: std::io::Error) -> Refused {
        Refused::Io(e)
    }
}

/// Replaces the file at `path` (see [`write_atomic`]); `read`, if given, must still hold just before
/// the rename.
fn replace(path: &Path, contents: &str, read: Option<&AsRead>) -> Result<(), Refused> {
    let target = resolve(path)?;
    let meta = match std::fs::metadata(&target) {
        Ok(meta) => Some(meta),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && read.is_none() => None,
        Err(e) => return Err(e.into()),
    };
    if let Some(meta) = &meta {
        replaceable(&target, meta)?;
    }
    let dir = folder_of(&target);
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let (temp, mut file) = create_temp(&dir, &name, meta.as_ref())?;
    let result = (|| {
        file.write_all(contents.as_bytes())?;
        file.sync_all()?;
        if let Some(read) = read
            && !read.holds(&target)?
        {
            return Err(Refused::Changed);
        }
        std::fs::rename(&temp, &target)?;
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result?;
    sync_folder(&dir);
    Ok(())
}

/// Refuses to replace a file that is not regular, is read-only, may not be written, or has other hard links.
fn replaceable(target: &Path, meta: &Metadata) -> Result<(), Refused> {
    // Opening a FIFO for writing would block until someone reads it.
    if !meta.is_file() {
        let message = format!("`{}` is not a regular file", target.display());
        return Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, message).into());
    }
    // A file marked read-only stays as it is, even for a user the system would let write it.
    if meta.permissions().readonly() {
        let message = format!("`{}` is read-only", target.display());
        return Err(std::io::Error::new(std::io::ErrorKind::PermissionDenied, message).into());
    }
    // Renaming over a file with other names would leave them with the old text: say so instead.
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if meta.nlink() > 1 {
            return Err(Refused::Linked(meta.nlink()));
        }
    }
    // Opening for writing (without truncating) asks the system whether this user may write it.
    std::fs::OpenOptions::new().write(true).open(target)?;
    Ok(())
}

/// The folder a file is in (`.` for a bare name).
fn folder_of(path: &Path) -> PathBuf {
    path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new(".")).to_path_buf()
}

/// Flushes a folder's entries to disk, so that a rename into it survives a crash (on Unix; elsewhere
/// a folder cannot be opened for it, and the rename is as durable as the system makes it).
fn sync_folder(dir: &Path) {
    #[cfg(unix)]
    if let Ok(folder) = std::fs::File::open(dir) {
        let _ = folder.sync_all();
    }
    let _ = dir;
}

/// Whether two paths name the same file: the same device and inode on Unix (whatever links or names
/// lead there), the same canonical path elsewhere. A path that does not exist names no file.
pub fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(a), Ok(b)) = (std::fs::metadata(a), std::fs::metadata(b)) {
            return a.dev() == b.dev() && a.ino() == b.ino();
        }
    }
    matches!((std::fs::canonicalize(a), std::fs::canonicalize(b)), (Ok(a), Ok(b)) if a == b)
}

/// The file a path names, following links; a path that does not exist yet names itself.
fn resolve(path: &Path) -> std::io::Result<PathBuf> {
    match std::fs::canonicalize(path) {
        Ok(target) => Ok(target),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && std::fs::symlink_metadata(path).is_err() => {
            Ok(path.to_path_buf())
        }
        Err(e) => Err(e),
    }
}

/// Creates a fresh temporary file in `dir`, never opening one that is already there (nor a link
/// planted under its name). With `like`, it is created with that file's permissions (and set to them
/// exactly, past the umask, before a byte is written), so it is never readable by more than the file.
fn create_temp(dir: &Path, name: &str, like: Option<&Metadata>) -> std::io::Result<(PathBuf, std::fs::File)> {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    loop {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let temp = dir.join(format!(".{name}.tickmark-{}-{n}.tmp", std::process::id()));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        if let Some(meta) = like {
            use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
            options.mode(meta.mode() & 0o777);
        }
        match options.open(&temp) {
            Ok(file) => {
                if let Some(meta) = like
                    && let Err(e) = file.set_permissions(meta.permissions())
                {
                    let _ = std::fs::remove_file(&temp);
                    return Err(e);
                }
                return Ok((temp, file));
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{TextFile, read_source, size_in_words, write_atomic};
    use crate::source::Sources;

    #[test]
    fn sizes_read_in_bytes_and_binary_units() {
        assert_eq!(size_in_words(999), "999 bytes");
        assert_eq!(size_in_words(16 << 20), "16,777,216 bytes (16.0 MiB)");
        assert_eq!(size_in_words(u64::from(u32::MAX)), "4,294,967,295 bytes (4.0 GiB)");
    }

    #[test]
    fn a_byte_order_mark_is_dropped_and_bad_bytes_are_shown_as_pictures() {
        let dir = folder("read");
        let path = dir.join("rules.tick");
        std::fs::write(&path, b"\xEF\xBB\xBFlet a = 1\r\n").unwrap();
        let mut sources = Sources::default();
        let file = read_source(&path, "rules.tick".into(), TextFile::Rules, &mut sources).unwrap();
        assert_eq!(&**sources.get(file).text(), "let a = 1\r\n");
        std::fs::write(&path, b"let a = 1\n# \x1b[31m\xFF\n").unwrap();
        let diag = read_source(&path, "rules.tick".into(), TextFile::Rules, &mut sources).unwrap_err();
        assert_eq!(
            (diag.message.as_str(), diag.location(&sources).unwrap()),
            ("`rules.tick` holds a control character", "rules.tick:2:3".into())
        );
        assert_eq!(&**sources.get(diag.file.unwrap()).text(), "let a = 1\n# \u{241B}[31m\u{FFFD}\n");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A fresh folder for one test.
    fn folder(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("tickmark-fsutil-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn replaces_a_file_and_leaves_no_temporary_behind() {
        let dir = folder("replace");
        let path = dir.join("rules.tick");
        std::fs::write(&path, "old").unwrap();
        write_atomic(&path, "new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn writes_through_a_link_and_keeps_the_link() {
        let dir = folder("link");
        let target = dir.join("target.tick");
        let link = dir.join("link.tick");
        std::fs::write(&target, "old").unwrap();
        std::os::unix::fs::symlink(&target, &link).unwrap();
        write_atomic(&link, "new").unwrap();
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn refuses_a_read_only_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = folder("readonly");
        let path = dir.join("locked.tick");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
        let error = write_atomic(&path, "new").unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::PermissionDenied);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
