//! The central view of the selected stage: `view` picks the view for its layer kind (one file
//! per kind), `common` holds what they share, `arith` the arithmetic side panel.

pub mod arith;
pub mod common;
pub mod conv;
pub mod dense;
pub mod dropout;
pub mod flatten;
pub mod history;
pub mod merge;
pub mod pool;
pub mod units;
pub mod view;
