//! The translation lab: shift the input and watch every stage change. `state` holds the shift,
//! the shifted run and the sweep (on a thread); `view` draws the controls, `maps`, `table` and
//! `sweep` what came of them.

pub mod maps;
pub mod state;
pub mod sweep;
pub mod table;
pub mod view;

pub use state::{LabSettings, max_shift};
