//! The lesson panel: a lesson's steps set the app up (`setup`) and quote numbers computed live
//! (`facts`); `state` is where the class is, `view` draws the panel and `picker` the lessons to
//! choose from.

pub(crate) mod facts;
pub(crate) mod handout;
pub(crate) mod handout_job;
pub(crate) mod picker;
pub(crate) mod setup;
pub(crate) mod state;
pub(crate) mod view;
