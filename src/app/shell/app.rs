//! The app as eframe runs it: everything it holds, and what the rest of the app asks of it
//! as a whole. Opening it is in `startup`, a frame (and the `eframe::App` impl) in `frame`,
//! a command in `apply`.

use super::frame_stats::FrameStats;
use super::jobs::Jobs;
use super::message::{Message, MessageKey, Notices};
use super::settings::{Settings, SettingsFile};
use super::view_state::ViewState;
use crate::app::explorer::examples::ExamplesState;
use crate::app::explorer::explain::state::ExplainState;
use crate::app::explorer::familiar::Familiarity;
use crate::app::explorer::state::Explorer;
use crate::app::i18n::Strings;
use crate::app::input::canvas::Canvas;
use crate::app::input::form::InputDialog;
use crate::app::input::microphone::Microphone;
use crate::app::input::samples::SampleModel;
use crate::app::lab::state::Lab;
use crate::app::lab::view::LabView;
use crate::app::lesson::state::LessonState;
use crate::app::train::state::Training;
use crate::app::train::view::TrainView;
use crate::app::widgets::file_browser::FileBrowser;
use crate::app::widgets::textures::Textures;
use crate::io::InputSettings;
use std::path::PathBuf;

/// The whole app: the explorer and the other tabs' state, settings, caches and jobs.
pub struct ConvscopeApp {
    pub explorer: Explorer,
    pub settings: Settings,
    pub models: Vec<SampleModel>,
    pub view: ViewState,
    pub canvas: Canvas,
    /// The last thing that went right (e.g. "Saved fig.png"), worded when drawn.
    pub status: Option<Message>,
    /// What could not be done or restored, shown until dismissed.
    pub notices: Notices,
    /// Whether Open/Export ask the system for a file dialog and Play plays a recording (tests
    /// turn them off: a test must never open one or make a sound).
    pub native_dialogs: bool,
    /// The in-app file browser, while open (where the system shows no file dialog).
    pub file_browser: Option<FileBrowser>,
    /// Where choosing a file starts: the folder of the last file chosen (then the current
    /// picture's, then the working directory).
    pub browse_from: Option<PathBuf>,
    pub(crate) settings_file: SettingsFile,
    /// When the settings were last written (egui's clock, seconds).
    pub(crate) saved_at: f64,
    /// Frame times, written to stderr with `CONVSCOPE_FRAME_STATS=1`.
    pub(crate) frame_stats: FrameStats,
    pub textures: Textures,
    pub lab: Lab,
    /// The explorer's "What excites this channel" panel: its rankings and the one running.
    pub examples: ExamplesState,
    pub(crate) lab_view: LabView,
    /// Whether the input is like the pictures the model was trained on.
    pub familiar: Familiarity,
    /// "Where it looked": the attribution view's choice and latest map.
    pub explain: ExplainState,
    pub train: Training,
    pub(crate) train_view: TrainView,
    pub(crate) jobs: Jobs,
    /// The microphone and the recording under way (tests give it a fake recorder).
    pub mic: Microphone,
    /// The lesson being taught, if any.
    pub lesson: LessonState,
    /// The open model's input settings dialog.
    pub input_dialog: InputDialog,
    /// The model file last opened here and the input settings in effect for it.
    pub(crate) model_settings: (Option<PathBuf>, InputSettings),
}

impl ConvscopeApp {
    /// Keeps the settings in `file` from now on (every 30 s and on exit).
    pub fn keep_settings_in(mut self, file: SettingsFile) -> Self {
        self.settings_file = file;
        self
    }

    /// Writes the settings now; a failure becomes a notice (once).
    pub fn save_settings(&mut self) {
        if let Err(e) = self.settings_file.save(&self.settings) {
            self.notices
                .push(Message::new(MessageKey::SettingsNotSaved, &[&e]));
        }
    }

    pub fn strings(&self) -> &'static Strings {
        self.settings.language.strings()
    }

    /// Whether a file is still loading or a sweep running.
    pub fn busy(&self) -> bool {
        self.jobs.busy()
            || self.lab.busy()
            || self.examples.busy()
            || self.explorer.running.is_some()
            || self.lesson.evidence.measuring()
            || self.explain.running()
    }

    /// The model's name as shown.
    pub fn model_name(&self) -> &str {
        &self.explorer.model.info.name
    }

    pub(crate) fn apply_look(&self, ctx: &egui::Context) {
        ctx.set_theme(if self.settings.dark {
            egui::Theme::Dark
        } else {
            egui::Theme::Light
        });
        ctx.set_zoom_factor(self.settings.zoom);
    }
}
