//! Parsers: each turns one file's text into IR declarations plus syntax problems, and
//! never fails or panics on any input.

pub mod arm;
pub mod arm_expr;
pub mod bicep;
pub mod terraform;
