//! The eframe app and what holds it together: opening it, one frame, applying commands, the
//! toolbar and status bar, keys, notices, settings, fonts, presentation mode, and the
//! background threads files load on.

pub mod app;
pub mod apply;
pub mod background;
pub mod commands;
pub mod fonts;
pub mod frame;
pub mod frame_stats;
pub mod jobs;
pub mod keys;
pub mod notices;
pub mod panels;
pub mod presentation;
pub mod settings;
pub mod startup;
pub mod toolbar;
pub mod view_state;
