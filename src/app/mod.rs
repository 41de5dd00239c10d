//! The explorer app: eframe glue, panels, commands, settings and background jobs. `App::ui`
//! only lays out panels; what they ask for comes back as [`Command`]s applied afterwards.
//!
//! One folder per feature: `shell` (the eframe app: start-up, a frame, commands, toolbar,
//! keys, settings, jobs), `explorer` (the network on one input and its stage views), `input`
//! (the input panel and opening files), `lab` (the translation lab), `train` (the Train tab),
//! `lesson` (the lesson panel), and `widgets` and `i18n`, which they all use. In a folder,
//! `state.rs` holds plain data and `view.rs` draws it; functions that draw into a `Ui` end in
//! `_ui`; a file names its siblings through `super::` and everything else by the file that
//! defines it, never through a folder's `mod.rs`, which only declares files and re-exports
//! what is used outside the crate (the GUI tests, the CLI). The one exception is `i18n`, used
//! everywhere through its `mod.rs` as a small library of its own: it imports nothing of the
//! app, so nothing can import it in a circle.

// `pub` only for what the GUI tests, the CLI and other crates use: rustc then finds what
// nothing uses.
#![warn(unreachable_pub)]

pub(crate) mod explorer;
pub mod i18n;
pub(crate) mod input;
pub mod lab;
pub mod lesson;
pub(crate) mod shell;
pub mod train;
pub(crate) mod widgets;

pub use explorer::controls::{DropoutSetting, InputNoise, PoolWindow};
pub use explorer::familiar::{Familiarity, TrainingSet, Unlike};
pub use explorer::state::trained_pool_mode;
pub use explorer::strip::state::SKIP_COLOR;
pub use i18n::Lang;
pub use input::samples;
pub use shell::app::ConvscopeApp;
pub use shell::commands::Command;
pub use shell::message::{Message, MessageKey, Notices};
pub use shell::settings::{Settings, SettingsFile};
pub use shell::startup::{Startup, run};
pub use shell::view_state::Tab;
