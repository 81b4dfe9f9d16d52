//! Types of expressions before evaluation: a figure, a range or a condition, and what it measures.
//!
//! What a figure measures is a [`Dim`], whose algebra is [`crate::num::dim`], shared with the
//! evaluator.

use std::fmt;

pub use crate::num::Dim;

/// The type of an expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    Num(Dim),
    Bool,
    Range(Dim),
    /// A metric given as a range at some periods and as a figure at others (guidance).
    Either(Dim),
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ty::Num(d) => d.fmt(f),
            Ty::Bool => f.write_str("true or false"),
            Ty::Range(d) => write!(f, "a range ({d})"),
            // before the data is linked, a metric not declared is any figure or range
            Ty::Either(Dim::Unknown) => f.write_str("a figure or a range"),
            Ty::Either(d) => write!(f, "a range or a figure ({d})"),
        }
    }
}

impl Ty {
    /// The dimension of a value or a range.
    pub fn dim(self) -> Option<Dim> {
        match self {
            Ty::Num(d) | Ty::Range(d) | Ty::Either(d) => Some(d),
            Ty::Bool => None,
        }
    }
}
