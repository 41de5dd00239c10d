//! Every string the app shows (`messages`); loading and choosing languages follow it into
//! this folder.

mod messages;

pub use messages::*;
