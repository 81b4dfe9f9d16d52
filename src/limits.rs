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

/// The most bits the numerator or the denominator of an exact rational may have: a quotient that
/// does not terminate, or a value past a decimal's range, is kept as a rational, and a chain of cells
/// that squares a value again and again must end in an error rather than fill the memory. 4096 bits
/// hold some 1,200 digits, far past any figure.
pub const EXACT_BITS: u64 = 4096;
