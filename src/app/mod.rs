//! The explorer app: eframe glue, panels, commands, settings and background jobs. `App::ui`
//! only lays out panels; what they ask for comes back as [`Command`]s applied afterwards.
//!
//! One folder per feature: `shell` (the eframe app: start-up, a frame, commands, toolbar,
//! keys, settings, jobs), `explorer` (the network on one input and its stage views), `input`
//! (the input panel and opening files), `lab` (the translation lab), `train` (the Train tab),
//! `lesson` (the lesson panel), and `widgets` and `i18n`, which they all use. In a folder,
//! `state.rs` holds plain data and `view.rs` draws it; functions that draw into a `Ui` end in
//! `_ui`; a file names its siblings through `super::` and everything else by the file that
//! defines it, never through a folder's `mod.rs`, which only declares files. The one
//! exception is `i18n`, used everywhere through its `mod.rs` as a small library of its own:
//! it imports nothing of the app, so nothing can import it in a circle.
//!
//! The app's public face is this file: what `main.rs` and the tests outside the crate use is
//! re-exported here by name (below), and every folder but `i18n` is `pub(crate)`. A test
//! names `convscope::app::TrainSettings`, never the file it lives in, so moving a file inside
//! the app never breaks a test.

pub(crate) mod explorer;
pub mod i18n;
pub(crate) mod input;
pub(crate) mod lab;
pub(crate) mod lesson;
pub(crate) mod shell;
pub(crate) mod train;
pub(crate) mod widgets;

// The shell: opening the app, what it remembers, and the commands a test drives it with.
pub use i18n::Lang;
pub use shell::app::ConvscopeApp;
pub use shell::commands::Command;
pub use shell::message::{Message, MessageKey, Notices};
pub use shell::settings::{Settings, SettingsFile};
pub use shell::startup::{Startup, run};
pub use shell::view_state::Tab;
// The explorer's switches and what it draws with, as the GUI tests check them.
pub use explorer::controls::{DropoutSetting, InputNoise, PoolWindow};
pub use explorer::examples::{ExampleData, ExamplesKey, ExamplesState};
pub use explorer::explain::state::{ExplainChoice, ExplainKey, ExplainState, Explained, cam_stage};
pub use explorer::familiar::{Familiarity, TrainingSet, Unlike};
pub use explorer::feature_vis::{FeatureVisState, VisKey};
pub use explorer::state::trained_pool_mode;
pub use explorer::strip::state::SKIP_COLOR;
// The samples the input panel offers.
pub use input::samples::sample_names;
// The evidence a lesson step measures over test sets, and the test sets it measures on.
pub use lesson::evidence::Request;
pub use lesson::test_sets::TestSets;
// The translation lab's settings and its largest shift.
pub use lab::state::{LabSettings, max_shift};
pub use lesson::handout::write_handout;
pub use lesson::handout_job::HandoutStatus;
pub use lesson::picker::Picker;
pub use lesson::runs::{LessonRuns, RunCap};
// The Train tab's settings and run, which the CLI's parity test runs headless.
pub use train::run::RunState;
pub use train::settings::{ArchChoice, DataChoice, TrainSettings};
pub use train::state::Training;
pub use widgets::view_rects::{
    Fixed, MIN_CELL_PX, MIN_CHART, MIN_MAP_PX, PICTURE_MAP_PX, ViewRect, ViewRects,
};
