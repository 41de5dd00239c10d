//! The translation lab: shift the input and watch every stage change. `state` holds the shift,
//! the shifted run and the sweep (on a thread); `view` draws the controls, `maps`, `table` and
//! `sweep` what came of them.

pub(crate) mod maps;
pub(crate) mod state;
pub(crate) mod sweep;
pub(crate) mod table;
pub(crate) mod view;
