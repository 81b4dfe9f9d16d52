//! Checked program × sheets → check results, in exact interval arithmetic.

pub mod expr;
mod filing;
mod funcs;
pub mod kernel;
mod ranges;
pub mod run;
pub mod units;
pub mod value;
pub mod verdict;

pub use expr::Evaluator;
pub use run::{Check, Filter, Keep, Outcome, Results, Tally, run, run_with};
pub use value::{EvalError, FactUse, Halt, Missing, Step, Trace, Value};
pub use verdict::Truth;
