//! The explorer app: eframe glue, panels, commands, settings and background jobs. `App::ui`
//! only lays out panels; what they ask for comes back as [`Command`]s applied afterwards.

mod arith_view;
mod audio_view;
pub mod canvas;
mod conv_view;
mod explorer_net;
mod explorer_run;
mod explorer_switch;
mod fc_view;
mod history_view;
mod hover_link;
pub mod i18n;
mod input_dialog;
pub mod input_form;
mod input_panel;
pub mod lab;
mod lab_view;
pub mod lesson;
mod lesson_view;
mod merge_view;
pub mod model_inputs;
mod model_open;
mod noise_ui;
mod pipeline;
mod pool_view;
pub mod samples;
pub mod shell;
mod stage_view;
pub mod state;
pub mod strip;
pub mod train;
mod train_apply;
mod train_plots;
mod train_snapshot;
mod train_view;
mod train_worker;
mod units_ui;
pub mod widgets;

pub use i18n::Lang;
pub use shell::app::ConvscopeApp;
pub use shell::commands::Command;
pub(crate) use shell::panels::Panels;
pub use shell::settings::{Settings, SettingsFile};
pub use shell::startup::{Startup, run};
pub use shell::view_state::{Tab, ViewState};
pub use state::{Explorer, InputImage, PoolWindow};
