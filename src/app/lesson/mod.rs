//! The lesson panel's state and setup (`state`); the panel's other files follow it into this folder.

mod state;

pub use state::*;
