//! The explorer app: eframe glue, panels, commands, settings and background jobs. `App::ui`
//! only lays out panels; what they ask for comes back as [`Command`]s applied afterwards.

pub mod explorer;
pub mod i18n;
pub mod input;
pub mod lab;
pub mod lesson;
pub mod shell;
pub mod train;
pub mod widgets;

pub use explorer::controls::{DropoutSetting, InputNoise, PoolWindow};
pub use explorer::prepare::InputImage;
pub use explorer::state::{Explorer, trained_pool_mode};
pub use explorer::strip::state::SKIP_COLOR;
pub use i18n::Lang;
pub use input::samples;
pub use shell::app::ConvscopeApp;
pub use shell::commands::Command;
pub use shell::settings::{Settings, SettingsFile};
pub use shell::startup::{Startup, run};
pub use shell::view_state::{Tab, ViewState};
