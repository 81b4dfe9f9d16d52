//! Numbers: exact decimals as written, their rounding intervals, units and how they are shown.

pub mod dim;
pub mod display;
pub mod interval;
pub mod quantity;
pub mod range;
pub mod real;
pub mod small;
pub mod unit;

pub use dim::Dim;
pub use interval::{ArithError, Num};
pub use quantity::{Quantity, RangeLit, parse_decimal};
pub use real::Real;
pub use unit::{Currency, RatioStyle, Scale, Unit};
