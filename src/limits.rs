//! Every limit tickmark sets on its input, in one place. Input within a limit works; input beyond it
//! ends with a diagnostic pointing at the file and exit code 2, never a crash, a hang or a swap storm.
//! The README's "Limits" section lists them for users.

/// The largest rule file, in bytes: a hand-written rule pack is a few kilobytes.
pub const RULE_FILE_BYTES: u64 = 16 << 20;

/// The largest TOML or JSON data file (and `tickmark.toml`), in bytes: these are read whole into a tree.
pub const TREE_FILE_BYTES: u64 = 256 << 20;

/// The largest CSV data file, in bytes: byte offsets (spans) are 32-bit.
pub const CSV_FILE_BYTES: u64 = u32::MAX as u64;

/// The largest long CSV read whole to say what is wrong with a row the streaming reader stops at:
/// the whole-file reader holds some 25 bytes for every byte of the file, so a larger file is told
/// only which row stopped the stream.
pub const WHOLE_CSV_BYTES: u64 = 256 << 20;

/// How much of every rule and data file (not a workbook) is read first and checked to be text
/// before the rest is read or streamed: a binary file (a NUL, a control character, a byte that is
/// not UTF-8) is refused after this many bytes, whatever its size.
pub const FIRST_BLOCK_BYTES: usize = 64 << 10;

/// How deeply brackets, `if`s and prefix operators may nest in one expression of a rule.
pub const EXPR_DEPTH: usize = 64;

/// How many binary operators one rule item may hold (each nests the tree a level deeper).
pub const EXPR_OPERATORS: usize = 1024;

/// How deep tables or objects may nest in a TOML or JSON data file before the reader stops.
pub const DATA_DEPTH: usize = 32;

/// The longest metric name, in dotted segments: deeper nesting is a mistake, and bounds recursion.
pub const METRIC_SEGMENTS: usize = 16;

/// How deeply cells may nest: a cell using a cell using a cell ..., in one chain.
pub const CELL_DEPTH: usize = 256;

/// The most expression nodes one check may evaluate (a cell already computed at a period counts
/// one): beyond it the check ends in a check error rather than run on. Each cell is computed once per
/// entity and period, so work grows with cells times the periods they reach (a chain of 64 cells each
/// reading the one before at two periods takes some 10,000 steps); this bounds the rest, a few
/// seconds of work.
pub const EVAL_STEPS: u64 = 50_000_000;

/// The most nodes `tickmark explain` records for the tree of one check (each recorded step holds a
/// value): past it the tree shows where evaluation stopped.
pub const TRACE_STEPS: u64 = 2_000_000;

/// The stack of every thread that evaluates or checks: deep but legal input (long `use` chains, cells
/// that build on cells) must end in a result or a diagnostic, never in a stack overflow. Reserved, not
/// used: a thread touches only the pages it needs.
pub const STACK_BYTES: usize = 256 * 1024 * 1024;

/// The largest workbook (`.xlsx`), in bytes, checked before it is opened.
pub const WORKBOOK_FILE_BYTES: u64 = 256 << 20;

/// The most cells the data sheets of a workbook may span, their tables' rows times columns added up
/// (and counted as they are read): a small file can unpack into millions of cells, or name one cell
/// far off, and must end in a diagnostic rather than fill the memory.
pub const WORKBOOK_CELLS: usize = 1 << 20;

/// The most a workbook's parts may inflate to, each and all together, in bytes, as its zip directory
/// declares them (checked before a part is read; the zip reader stops a part that inflates to more
/// than it declares): a 1 MB file can declare, and unpack into, a gigabyte of XML.
pub const WORKBOOK_INFLATED_BYTES: u64 = 256 << 20;

/// The most bits the numerator or the denominator of an exact rational may have: a quotient that
/// does not terminate, or a value past a decimal's range, is kept as a rational, and a chain of cells
/// that squares a value again and again must end in an error rather than fill the memory. 4096 bits
/// hold some 1,200 digits, far past any figure.
pub const EXACT_BITS: u64 = 4096;
