//! The lesson panel: a lesson's steps set the app up (`setup`) and quote numbers computed live
//! (`facts`); `state` is where the class is, `view` draws the panel.

pub mod facts;
pub mod setup;
pub mod state;
pub mod view;

pub use state::{LessonState, effective};
