//! The lesson panel: a lesson's steps set the app up (`setup`) and quote numbers computed live
//! (`facts`), some measured over test sets on background threads (`evidence`, over the
//! splits of `test_sets`); `state` is where the class is, `view` draws the panel and `picker`
//! the lessons to choose from; `runs` keeps a lesson's training runs, which
//! `training` trains through the Train tab.

pub(crate) mod evidence;
pub(crate) mod facts;
pub(crate) mod handout;
pub(crate) mod handout_job;
pub(crate) mod picker;
pub(crate) mod runs;
pub(crate) mod setup;
pub(crate) mod state;
pub(crate) mod test_sets;
pub(crate) mod training;
pub(crate) mod view;
