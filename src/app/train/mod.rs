//! The Train tab's state (`state`); the tab's other files follow it into this folder.

mod state;

pub use state::*;
