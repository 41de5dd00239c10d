//! The eframe app and what holds it together: opening it, one frame, applying commands, the
//! toolbar and status bar, keys, notices, settings, fonts, presentation mode, and the
//! background threads files load on.

pub(crate) mod app;
pub(crate) mod apply;
pub(crate) mod background;
pub(crate) mod commands;
pub(crate) mod fonts;
pub(crate) mod frame;
pub(crate) mod frame_stats;
pub(crate) mod jobs;
pub(crate) mod keys;
pub(crate) mod message;
pub(crate) mod microphone;
pub(crate) mod notices;
pub(crate) mod panels;
pub(crate) mod presentation;
pub(crate) mod settings;
pub(crate) mod startup;
pub(crate) mod toolbar;
pub(crate) mod view_state;
