//! The explorer app: eframe glue, panels, commands, settings and background jobs. `App::ui`
//! only lays out panels; what they ask for comes back as [`Command`]s applied afterwards.

mod arith_view;
mod audio_view;
pub mod background;
pub mod canvas;
pub mod commands;
mod conv_view;
mod explorer_net;
mod explorer_run;
mod explorer_switch;
mod fc_view;
pub mod file_browser;
pub mod fonts;
mod frame_stats;
mod history_view;
mod hover_link;
pub mod i18n;
mod input_dialog;
pub mod input_form;
mod input_panel;
pub mod jobs;
mod keys_help;
pub mod lab;
mod lab_view;
pub mod lesson;
mod lesson_view;
mod maps_ui;
mod merge_view;
pub mod model_inputs;
mod model_open;
mod noise_ui;
mod notices;
mod pipeline;
mod plot_axis;
mod plot_legend;
mod pool_view;
pub mod presentation;
pub mod samples;
pub mod settings;
mod stage_view;
pub mod state;
mod steady_ui;
pub mod strip;
pub mod textures;
mod toolbar;
pub mod train;
mod train_apply;
mod train_plots;
mod train_snapshot;
mod train_view;
mod train_worker;
mod units_ui;

pub use commands::Command;
pub use i18n::Lang;
pub use settings::{Settings, SettingsFile};
pub use state::{Explorer, InputImage, PoolWindow};

use canvas::Canvas;
use file_browser::{FileBrowser, FileRole, Outcome, Purpose, SystemAnswer};
use jobs::{Jobs, Loaded};
use samples::SampleModel;
use std::path::{Path, PathBuf};
use textures::{TexKey, Textures};

/// The central views: the explorer now, room for the translation lab later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    #[default]
    Explorer,
    /// Shift the input and watch every stage change.
    Lab,
    /// Train the architecture and watch it learn.
    Train,
}

impl Tab {
    /// Every tab, in the order the toolbar shows them (tests walk them all).
    pub const ALL: [Tab; 3] = [Tab::Explorer, Tab::Lab, Tab::Train];
}

/// What only the drawing needs: display choices and animation clocks.
#[derive(Debug, Clone, PartialEq)]
pub struct ViewState {
    pub tab: Tab,
    /// One colour scale for all channels of a layer.
    pub shared_scale: bool,
    /// The stage "Play" shows next, and when.
    pub playing: bool,
    pub play_next_at: f64,
    /// The pooled cell the window animation is on (flat index over channel, row, column).
    pub sweep: Option<usize>,
    pub sweep_next_at: f64,
    /// Presentation mode's zoom before it was switched on.
    pub zoom_before_presentation: Option<f32>,
    /// The keyboard shortcuts window is open.
    pub show_keys: bool,
    /// The lesson panel is shown (the open lesson, or the lessons to choose from).
    pub show_lesson: bool,
    /// The sample model whose learning curves are drawn beside the open model's.
    pub compare_history: Option<String>,
    /// The arithmetic panel: its selected cell and its animation.
    pub arith: arith_view::ArithState,
    /// The window was compared with its monitor once (see `fit_window_to_monitor`).
    pub window_fitted: bool,
    /// The map cell under the pointer this frame, and last frame's (which the pipeline strip,
    /// drawn before the maps, links to).
    pub hover: Option<hover_link::StageCell>,
    pub hover_before: Option<hover_link::StageCell>,
    /// The stage strip's blocks and which are open.
    pub strip: strip::StripState,
}

impl Default for ViewState {
    fn default() -> Self {
        ViewState {
            tab: Tab::Explorer,
            shared_scale: true,
            playing: false,
            play_next_at: 0.0,
            sweep: None,
            sweep_next_at: 0.0,
            zoom_before_presentation: None,
            show_keys: false,
            show_lesson: false,
            compare_history: None,
            arith: arith_view::ArithState::default(),
            window_fitted: false,
            hover: None,
            hover_before: None,
            strip: strip::StripState::default(),
        }
    }
}

/// Seconds per stage while playing, and per window step while sweeping.
const PLAY_SECONDS: f64 = 2.5;
const SWEEP_SECONDS: f64 = 0.12;

pub struct ConvscopeApp {
    pub explorer: Explorer,
    pub settings: Settings,
    pub models: Vec<SampleModel>,
    pub view: ViewState,
    pub canvas: Canvas,
    /// The last thing that went right (e.g. "Saved fig.png").
    pub status: Option<String>,
    /// What could not be done or restored, shown until dismissed.
    pub notices: Vec<String>,
    /// Whether Open/Export ask the system for a file dialog and Play plays a recording (tests
    /// turn them off: a test must never open one or make a sound).
    pub native_dialogs: bool,
    /// The in-app file browser, while open (where the system shows no file dialog).
    pub file_browser: Option<file_browser::FileBrowser>,
    /// Where choosing a file starts: the folder of the last file chosen (then the current
    /// picture's, then the working directory).
    pub browse_from: Option<PathBuf>,
    settings_file: settings::SettingsFile,
    /// When the settings were last written (egui's clock, seconds).
    saved_at: f64,
    /// Frame times, written to stderr with `CONVSCOPE_FRAME_STATS=1`.
    frame_stats: frame_stats::FrameStats,
    pub textures: Textures,
    pub lab: lab::Lab,
    lab_view: lab_view::LabView,
    pub train: train::Training,
    train_view: train_view::TrainView,
    jobs: Jobs,
    /// The lesson being taught, if any.
    pub lesson: lesson::LessonState,
    /// The open model's input settings dialog.
    pub input_dialog: input_form::InputDialog,
    /// The model file last opened here and the input settings in effect for it.
    model_settings: (Option<PathBuf>, crate::io::InputSettings),
}

/// What to open first when the app starts: `convscope MODEL IMAGE` on the command line.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Startup {
    pub model: Option<PathBuf>,
    pub image: Option<PathBuf>,
    /// A built-in lesson's name or a lesson file to open at its first step.
    pub lesson: Option<String>,
}

/// How often the settings are written while the app runs (and once more on exit).
const SAVE_EVERY_SECONDS: f64 = 30.0;

impl ConvscopeApp {
    /// The app with `settings`, looking for sample models in `model_dirs`. Whatever the
    /// settings hold, it opens: a remembered model or picture that no longer loads is
    /// replaced by the default one, and a notice says what could not be restored and why.
    pub fn new(ctx: &egui::Context, settings: Settings, model_dirs: &[PathBuf]) -> Self {
        Self::start(ctx, settings, model_dirs, &Startup::default())
    }

    /// [`Self::new`], opening `startup`'s model and picture first when given.
    pub fn start(
        ctx: &egui::Context,
        mut settings: Settings,
        model_dirs: &[PathBuf],
        startup: &Startup,
    ) -> Self {
        fonts::install(ctx);
        settings.zoom = Settings::sane_zoom(settings.zoom);
        let s = settings.language.strings();
        let mut notices = Vec::new();
        let models = samples::discover_models(model_dirs);

        // The model: the one asked for, else the remembered one, else the default sample.
        let mut failures = Vec::new();
        let mut opened = None;
        let asked = [
            (startup.model.clone(), s.notice_requested_model),
            (settings.last_model.clone(), s.notice_model),
        ];
        for (path, template) in asked {
            let Some(path) = path else { continue };
            let remembered = settings.model_inputs.get(&path);
            match model_inputs::open_with(&path, &remembered, true) {
                Ok(o) => {
                    if let Some(why) = o.user_failed {
                        let notice = i18n::fill(s.notice_input_settings, &[&path.display(), &why]);
                        notices.push(notice);
                    }
                    opened = Some((o.model, Some(path), o.settings));
                    break;
                }
                Err(e) => failures.push((template, e)),
            }
        }
        let (model, model_path, model_settings) = opened.unwrap_or_else(|| {
            let (model, path) = default_model(&models, &mut notices, s);
            (model, path, crate::io::InputSettings::default())
        });
        for (template, error) in failures {
            notices.push(i18n::fill(template, &[&model.info.name, &error]));
        }
        // Only a model that opened is remembered: a broken one is not tried again next time.
        settings.last_model = model_path.clone();
        let model_settings = (model_path.clone(), model_settings);

        // The picture: the one asked for, else the remembered file or sample, else the default.
        let mut input = None;
        if let Some(p) = &startup.image {
            match samples::image_file(p) {
                Ok(i) => {
                    settings.last_image_file = Some(p.clone());
                    settings.last_sample = None;
                    input = Some(i);
                }
                Err(e) => notices.push(i18n::fill(s.notice_requested_image, &[&e])),
            }
        }
        if input.is_none()
            && let Some(p) = settings.last_image_file.clone()
        {
            match samples::image_file(&p) {
                Ok(i) => input = Some(i),
                Err(e) => {
                    notices.push(i18n::fill(s.notice_image, &[&e]));
                    settings.last_image_file = None;
                }
            }
        }
        if input.is_none()
            && let Some(name) = settings.last_sample.clone()
        {
            match samples::sample_image(&name) {
                Ok(i) => input = Some(i),
                Err(_) => settings.last_sample = None,
            }
        }
        let input = input.unwrap_or_else(|| sample_for(&model));
        let explorer = match Explorer::new(model.clone(), model_path.clone(), input) {
            Ok(e) => e,
            Err(e) => {
                notices.push(i18n::fill(s.notice_image, &[&e]));
                settings.last_image_file = None;
                settings.last_sample = None;
                let input = sample_for(&model);
                Explorer::new(model, model_path, input).unwrap_or_else(|e| {
                    notices.push(e);
                    notices.push(s.notice_builtin.to_string());
                    settings.last_model = None;
                    builtin_explorer()
                })
            }
        };
        let mut app = ConvscopeApp {
            explorer,
            settings,
            models,
            view: ViewState::default(),
            canvas: Canvas::default(),
            status: None,
            notices,
            native_dialogs: true,
            file_browser: None,
            browse_from: None,
            settings_file: settings::SettingsFile::none(),
            saved_at: 0.0,
            frame_stats: frame_stats::FrameStats::from_env(),
            textures: Textures::default(),
            lab: lab::Lab::default(),
            lab_view: lab_view::LabView::default(),
            train: train::Training::default(),
            train_view: train_view::TrainView::default(),
            jobs: Jobs::default(),
            lesson: lesson::LessonState::default(),
            input_dialog: input_form::InputDialog::default(),
            model_settings,
        };
        app.apply_look(ctx);
        if let Some(name) = &startup.lesson {
            app.open_lesson(ctx, name);
        }
        app
    }

    /// The app on the settings kept in `file` (the defaults, and a notice saying why, when
    /// they cannot be read), keeping them there from now on.
    pub fn open(
        ctx: &egui::Context,
        file: settings::SettingsFile,
        model_dirs: &[PathBuf],
        startup: &Startup,
    ) -> Self {
        let (settings, problem) = file.load();
        let mut app = Self::start(ctx, settings, model_dirs, startup).keep_settings_in(file);
        if let Some(problem) = problem {
            let notice = i18n::fill(app.strings().notice_settings, &[&problem]);
            app.notices.insert(0, notice);
        }
        app
    }

    /// Keeps the settings in `file` from now on (every 30 s and on exit).
    pub fn keep_settings_in(mut self, file: settings::SettingsFile) -> Self {
        self.settings_file = file;
        self
    }

    /// Writes the settings now; a failure becomes a notice (once).
    pub fn save_settings(&mut self) {
        if let Err(e) = self.settings_file.save(&self.settings) {
            let notice = i18n::fill(self.strings().notice_settings_save, &[&e]);
            if !self.notices.contains(&notice) {
                self.notices.push(notice);
            }
        }
    }

    pub fn strings(&self) -> &'static i18n::Strings {
        self.settings.language.strings()
    }

    /// Whether a file is still loading or a sweep running.
    pub fn busy(&self) -> bool {
        self.jobs.busy() || self.lab.busy() || self.explorer.running.is_some()
    }

    /// The model's name as shown.
    pub fn model_name(&self) -> &str {
        &self.explorer.model.info.name
    }

    fn apply_look(&self, ctx: &egui::Context) {
        ctx.set_theme(if self.settings.dark {
            egui::Theme::Dark
        } else {
            egui::Theme::Light
        });
        ctx.set_zoom_factor(self.settings.zoom);
    }

    /// Applies one command.
    pub fn apply(&mut self, ctx: &egui::Context, command: Command) {
        let ex = &mut self.explorer;
        match command {
            Command::NextStage | Command::PrevStage => {
                let strip = &mut self.view.strip;
                strip.sync(&ex.net);
                let (stage, count) = (ex.stage, ex.stage_count());
                ex.select_stage(match command {
                    Command::NextStage => strip.next(stage, count),
                    _ => strip.prev(stage, count),
                });
            }
            Command::LastStage => ex.select_stage(usize::MAX),
            Command::SelectStage(i) => {
                ex.select_stage(i);
                self.view.strip.sync(&ex.net);
                self.view.strip.reveal(ex.stage);
            }
            Command::ToggleBlock(index) => {
                self.view.strip.sync(&ex.net);
                if let Some(stage) = self.view.strip.toggle(index) {
                    ex.select_stage(stage);
                }
            }
            Command::OpenBlock | Command::CloseBlock => {
                let strip = &mut self.view.strip;
                strip.sync(&ex.net);
                let opening = command == Command::OpenBlock;
                if let Some(b) = strip.block_of(ex.stage)
                    && strip.open.get(b) == Some(&!opening)
                    && let Some(stage) = strip.toggle(b)
                {
                    ex.select_stage(stage);
                }
            }
            Command::CyclePool => ex.cycle_pool_mode(),
            Command::SetPool(mode) => ex.set_pool_mode(mode),
            Command::SetPoolWindow(w) => ex.set_pool_window(w),
            Command::LoadTwin => {
                if let Some((path, _)) = ex.model_path.as_deref().and_then(state::twin_path) {
                    self.open_model_file(path, ctx);
                }
            }
            // Tests switch dialogs off, and sound with them: a test never plays a sound.
            Command::PlayAudio if !self.native_dialogs => {}
            Command::PlayAudio => {
                if let Err(e) = audio_view::play_input(ex.heard_audio()) {
                    ex.last_error = Some(e);
                }
            }
            Command::OpenModelDialog => self.choose_file(ctx, Purpose::Open(FileRole::Model)),
            Command::OpenModel(path) => self.open_model_file(path, ctx),
            Command::OpenImageDialog => self.choose_file(ctx, Purpose::Open(FileRole::Input)),
            Command::OpenImage(path) => self.jobs.load_image(path, ctx),
            Command::LoadSample(name) => match samples::sample_image(name) {
                Ok(input) => {
                    if ex.set_input(input) {
                        self.settings.last_sample = Some(name.to_string());
                        self.settings.last_image_file = None;
                    }
                }
                Err(e) => ex.last_error = Some(e),
            },
            Command::UseCanvas => {
                ex.set_input(self.canvas.to_input_for(&ex.model.input));
                self.textures.forget(TexKey::Canvas);
            }
            Command::ClearCanvas => {
                self.canvas.clear();
                self.textures.forget(TexKey::Canvas);
                ex.set_input(self.canvas.to_input());
            }
            Command::SetLanguage(lang) => self.settings.language = lang,
            Command::ToggleTheme => {
                self.settings.dark = !self.settings.dark;
                self.apply_look(ctx);
            }
            Command::TogglePresentation => match self.view.zoom_before_presentation.take() {
                Some(zoom) => {
                    self.settings.zoom = zoom;
                    self.apply_look(ctx);
                    presentation::apply(ctx, false);
                }
                None => {
                    self.view.zoom_before_presentation = Some(self.settings.zoom);
                    presentation::apply(ctx, true);
                }
            },
            Command::ToggleFullscreen => {
                let full = ctx.input(|i| i.viewport().fullscreen.unwrap_or(false));
                ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(!full));
            }
            Command::ToggleKeysHelp => self.view.show_keys = !self.view.show_keys,
            Command::CompareHistory(name) => self.view.compare_history = name,
            Command::DismissNotice(i) => {
                if i < self.notices.len() {
                    self.notices.remove(i);
                }
            }
            Command::TogglePlay => {
                self.view.playing = !self.view.playing;
                self.view.play_next_at = ctx.input(|i| i.time) + PLAY_SECONDS;
            }
            Command::ExportDialog => self.choose_file(ctx, Purpose::Export),
            Command::Export(path) => self.export(&path),
            Command::SetDropout(d) => ex.set_dropout(d),
            Command::SetNoise(n) => ex.set_noise(n),
            Command::CycleNoise => ex.set_noise(ex.noise.cycled()),
            Command::ResampleDropout => {
                let mut d = ex.dropout;
                d.seed = d.seed.wrapping_add(1);
                ex.set_dropout(d);
            }
            Command::ShowTab(tab) => self.view.tab = tab,
            Command::ToggleLab => {
                self.view.tab = match self.view.tab {
                    Tab::Explorer => Tab::Lab,
                    Tab::Lab | Tab::Train => Tab::Explorer,
                }
            }
            Command::SetLab(settings) => self.lab.settings = settings,
            Command::NudgeShift(dx, dy) => self.lab.nudge(dx, dy, &ex.net),
            Command::RunSweep => self.lab.start_sweep(ex, ctx),
            Command::CancelSweep => self.lab.cancel_sweep(),
            Command::ToggleLessons => self.view.show_lesson = !self.view.show_lesson,
            Command::OpenLesson(name) => self.open_lesson(ctx, &name),
            Command::LessonStep(i) => self.go_to_step(ctx, i),
            Command::NextLessonStep => self.go_to_step(ctx, self.lesson.step + 1),
            Command::PrevLessonStep => self.go_to_step(ctx, self.lesson.step.saturating_sub(1)),
            Command::ResetLessonStep => self.go_to_step(ctx, self.lesson.step),
            Command::CloseLesson => {
                self.lesson.lesson = None;
                self.lesson.error = None;
            }
            Command::SetTrainSettings(_)
            | Command::StartTraining
            | Command::PauseTraining
            | Command::ResumeTraining
            | Command::StopTraining
            | Command::FollowTraining(_)
            | Command::ClearRuns
            | Command::SaveRunDialog
            | Command::SaveRun(_)
            | Command::OpenRunInExplorer => self.apply_train(ctx, command),
            Command::StepCell(dc, dy, dx) => {
                self.view.arith.show = true;
                if let Some(t) = ex.trace.get(ex.stage) {
                    self.view.arith.step(t, (dc, dy, dx));
                }
            }
            Command::ToggleInputSettings
            | Command::ApplyInputSettings
            | Command::ResetInputSettings
            | Command::LabelsFileDialog
            | Command::LabelsFile(_) => self.apply_input(ctx, command),
        }
    }

    /// Asks for a file for `purpose`: the system's dialog when there is one (and tests have
    /// not turned them off), else the in-app browser; never nothing.
    fn choose_file(&mut self, ctx: &egui::Context, purpose: Purpose) {
        let ex = &self.explorer;
        let file_name = match purpose {
            Purpose::Export => {
                let stage = ex.stage_layer(ex.stage).map(|l| l.name.as_str());
                format!("{}.png", stage.unwrap_or("input"))
            }
            Purpose::Open(_) => String::new(),
        };
        let dir = self
            .browse_from
            .clone()
            .or_else(|| ex.input.path.as_deref()?.parent().map(Path::to_path_buf))
            .or_else(|| std::env::current_dir().ok())
            .unwrap_or_else(|| PathBuf::from("/"));
        if self.native_dialogs {
            match file_browser::system_dialog(purpose, &dir, &file_name) {
                SystemAnswer::Chosen(path) => return self.file_chosen(ctx, purpose, path),
                SystemAnswer::Cancelled => return,
                SystemAnswer::NoDialog => {
                    self.status = Some(self.strings().browse_no_system_dialog.to_string());
                }
            }
        }
        self.file_browser = Some(FileBrowser::new(purpose, &dir, &file_name));
    }

    fn file_chosen(&mut self, ctx: &egui::Context, purpose: Purpose, path: PathBuf) {
        self.browse_from = path.parent().map(Path::to_path_buf);
        self.apply(ctx, purpose.command(path));
    }

    /// Writes the selected stage's maps as a PNG.
    pub fn export(&mut self, path: &Path) {
        let ex = &mut self.explorer;
        let Some(tensor) = ex.trace.get(ex.stage) else {
            return;
        };
        let side = tensor.as_maps().map_or(28, |m| m.dim().2);
        let image = crate::viz::export::grid_image(
            tensor,
            crate::viz::export::cell_px_for(side, 160),
            self.view.shared_scale,
        );
        match crate::viz::export::save_png(&image, path) {
            Ok(()) => self.status = Some(i18n::fill(self.strings().saved, &[&path.display()])),
            Err(e) => ex.last_error = Some(e.to_string()),
        }
    }

    fn finish_jobs(&mut self) {
        for done in self.jobs.poll() {
            match done {
                Loaded::Model(load) => self.model_loaded(load),
                Loaded::Image(Ok(input)) => {
                    let path = input.path.clone();
                    if self.explorer.set_input(input) {
                        self.settings.last_image_file = path;
                        self.settings.last_sample = None;
                    }
                }
                Loaded::Image(Err(e)) => self.explorer.last_error = Some(e),
            }
        }
    }

    fn keys_and_drops(&mut self, ctx: &egui::Context) -> Vec<Command> {
        let mut commands = Vec::new();
        // While the file browser is open, keys are its own.
        if !ctx.egui_wants_keyboard_input() && self.file_browser.is_none() {
            let mut first = Vec::new();
            if self.lesson.lesson.is_some() {
                first.extend(Command::lesson_shortcuts());
            }
            if self.view.tab == Tab::Lab {
                first.extend(Command::lab_shortcuts());
            }
            for (shortcut, command) in first.into_iter().chain(Command::shortcuts()) {
                if ctx.input_mut(|i| i.consume_shortcut(&shortcut)) {
                    commands.push(command);
                }
            }
        }
        for file in ctx.input(|i| i.raw.dropped_files.clone()) {
            let path = file.path().to_path_buf();
            if !path.as_os_str().is_empty() {
                commands.push(match file_browser::role_of(&path) {
                    Some(FileRole::Model) => Command::OpenModel(path),
                    Some(FileRole::Labels) => Command::LabelsFile(path),
                    _ => Command::OpenImage(path),
                });
            }
        }
        commands
    }

    /// The window opens at 1280x800 (the size every layout is checked at); on the first frame
    /// that knows its monitor, a screen much larger than that (a 1920x1080 projector) gets the
    /// window maximised instead of a small window in its corner.
    fn fit_window_to_monitor(&mut self, ctx: &egui::Context) {
        if self.view.window_fitted {
            return;
        }
        let (monitor, inner) = ctx.input(|i| (i.viewport().monitor_size, i.viewport().inner_rect));
        let (Some(monitor), Some(inner)) = (monitor, inner) else {
            return;
        };
        self.view.window_fitted = true;
        if monitor.x >= inner.width() * 1.2 && monitor.y >= inner.height() * 1.2 {
            // The size first (a bare X server without a window manager ignores "maximised"),
            // then maximised (a window manager fits it between its panels).
            ctx.send_viewport_cmd(egui::ViewportCommand::OuterPosition(egui::Pos2::ZERO));
            ctx.send_viewport_cmd(egui::ViewportCommand::InnerSize(monitor));
            ctx.send_viewport_cmd(egui::ViewportCommand::Maximized(true));
        }
    }

    fn animate(&mut self, ctx: &egui::Context) {
        let now = ctx.input(|i| i.time);
        if self.view.playing {
            if now >= self.view.play_next_at {
                let ex = &mut self.explorer;
                let strip = &mut self.view.strip;
                strip.sync(&ex.net);
                let next = if ex.stage + 1 >= ex.stage_count() {
                    0
                } else {
                    strip.next(ex.stage, ex.stage_count())
                };
                ex.select_stage(next);
                self.view.play_next_at = now + PLAY_SECONDS;
            }
            ctx.request_repaint_after(std::time::Duration::from_secs_f64(
                (self.view.play_next_at - now).max(0.01),
            ));
        }
        if let Some(i) = self.view.sweep {
            if now >= self.view.sweep_next_at {
                let len = self
                    .explorer
                    .trace
                    .get(self.explorer.stage)
                    .and_then(|t| t.as_maps())
                    .map_or(0, |m| m.dim().1 * m.dim().2);
                self.view.sweep = (i + 1 < len).then_some(i + 1);
                self.view.sweep_next_at = now + SWEEP_SECONDS;
            }
            ctx.request_repaint_after(std::time::Duration::from_secs_f64(SWEEP_SECONDS));
        }
        let shown = self.explorer.trace.get(self.explorer.stage);
        if let Some(wait) = self.view.arith.tick(shown, now) {
            ctx.request_repaint_after(std::time::Duration::from_secs_f64(wait));
        }
    }
}

impl eframe::App for ConvscopeApp {
    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        if let Some(line) = self.frame_stats.record(frame.info().cpu_usage) {
            eprintln!("{line}");
        }
        let started = std::time::Instant::now();
        self.frame_ui(ui);
        self.frame_stats
            .ui_took(started.elapsed().as_secs_f32(), self.textures.frame_work());
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        self.save_settings();
        if self.frame_stats.enabled() {
            eprintln!("{}", self.frame_stats.summary());
        }
    }
}

impl ConvscopeApp {
    /// One frame: results that arrived, keys, every panel, then the commands they gave.
    fn frame_ui(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.fit_window_to_monitor(&ctx);
        if self.view.zoom_before_presentation.is_some() {
            // The window may have moved to another screen or been resized.
            presentation::apply(&ctx, true);
        }
        self.finish_jobs();
        if self.explorer.running.is_some() && !self.explorer.poll_run() {
            // Not done yet: look again soon (the worker cannot wake the window itself).
            ctx.request_repaint_after(std::time::Duration::from_millis(15));
        }
        self.lab.poll();
        self.poll_training();
        if self.view.tab == Tab::Lab {
            self.lab.sync(&self.explorer);
            if self.lab.shifting() {
                ctx.request_repaint_after(std::time::Duration::from_millis(15));
            }
        }
        self.explorer.set_language(self.settings.language.code());
        let mut commands = self.keys_and_drops(&ctx);
        self.textures.start_frame(self.explorer.generation);
        self.view.hover_before = self.view.hover.take();
        let stage_before = self.explorer.stage;
        let facts = if self.view.show_lesson && self.lesson.lesson.is_some() {
            self.lesson_facts()
        } else {
            crate::lesson::Facts::default()
        };
        {
            let mut p = Panels {
                ex: &self.explorer,
                s: self.settings.language.strings(),
                tex: &mut self.textures,
                view: &mut self.view,
                canvas: &mut self.canvas,
                settings: &self.settings,
                models: &self.models,
                busy: self.jobs.busy(),
                status: self.status.as_deref(),
                notices: &self.notices,
                lab: &self.lab,
                train: &self.train,
                commands: &mut commands,
            };
            egui::Panel::top("toolbar").show(ui, |ui| toolbar::toolbar_ui(ui, &mut p));
            egui::Panel::bottom("status").show(ui, |ui| toolbar::status_ui(ui, &mut p));
            if !p.notices.is_empty() {
                egui::Panel::top("notices").show(ui, |ui| notices::notices_ui(ui, &mut p));
            }
            egui::Panel::top("pipeline").show(ui, |ui| pipeline::pipeline_ui(ui, &mut p));
            egui::Panel::left("input")
                .default_size(250.0)
                .show(ui, |ui| input_panel::input_ui(ui, &mut p));
            if p.view.show_lesson {
                egui::Panel::right("lesson")
                    .default_size(380.0)
                    .show(ui, |ui| {
                        lesson_view::lesson_ui(ui, &self.lesson, &facts, &mut p)
                    });
            }
            egui::CentralPanel::default().show(ui, |ui| match p.view.tab {
                Tab::Explorer => stage_view::stage_ui(ui, &mut p),
                Tab::Lab => self.lab_view.ui(ui, &mut p),
                Tab::Train => self.train_view.ui(ui, &mut p),
            });
            keys_help::window(&ctx, &mut p);
        }
        // The dialog is about one model file: another model closes it.
        if self.input_dialog.model != self.explorer.model_path {
            self.input_dialog.open = false;
        }
        let s = self.settings.language.strings();
        let model = &self.explorer.model;
        input_dialog::input_dialog_ui(&ctx, &mut self.input_dialog, model, s, &mut commands);
        let mut chosen = None;
        if let Some(b) = &mut self.file_browser {
            match file_browser::file_browser_ui(&ctx, b, self.settings.language.strings()) {
                Some(Outcome::Chosen(path)) => chosen = Some((b.purpose, path)),
                Some(Outcome::Cancelled) => self.file_browser = None,
                None => {}
            }
        }
        for command in commands {
            self.apply(&ctx, command);
        }
        if let Some((purpose, path)) = chosen {
            self.file_browser = None;
            self.file_chosen(&ctx, purpose, path);
        }
        if self.view.tab == Tab::Lab {
            self.lab.sync(&self.explorer);
            if self.lab.shifting() {
                ctx.request_repaint_after(std::time::Duration::from_millis(15));
            }
        }
        if self.explorer.stage != stage_before {
            self.view.sweep = None;
            self.view.arith.animating = false;
        }
        self.animate(&ctx);
        if self.view.hover != self.view.hover_before {
            ctx.request_repaint(); // the strip catches up with the pointer
        }
        if self.busy() {
            ctx.request_repaint_after(std::time::Duration::from_millis(50));
        }
        // egui's own Ctrl+/Ctrl- zoom knows nothing of the app's bounds.
        let zoom = Settings::sane_zoom(ctx.zoom_factor());
        if zoom != ctx.zoom_factor() {
            ctx.set_zoom_factor(zoom);
        }
        // Presentation mode's zoom belongs to the screen, not to the settings.
        if self.view.zoom_before_presentation.is_none() {
            self.settings.zoom = zoom;
        }
        let now = ctx.input(|i| i.time);
        if now - self.saved_at >= SAVE_EVERY_SECONDS {
            self.saved_at = now;
            self.save_settings();
        }
    }
}

/// The model to fall back on: the default sample model, else the untrained fixture, else a
/// built-in network that needs no file; each failure becomes a notice.
fn default_model(
    models: &[SampleModel],
    notices: &mut Vec<String>,
    s: &i18n::Strings,
) -> (crate::engine::Model, Option<PathBuf>) {
    for path in [
        samples::startup_model(models, None),
        samples::fallback_model_path(),
    ] {
        match crate::io::load_model(&path) {
            Ok(model) => return (model, Some(path)),
            Err(e) => notices.push(e.to_string()),
        }
    }
    notices.push(s.notice_builtin.to_string());
    (builtin_model(), None)
}

/// The digits architecture with seeded random weights: always there, whatever is on disk.
fn builtin_model() -> crate::engine::Model {
    let mut model = crate::engine::zoo::digits(1, crate::engine::PoolMode::Max);
    model.info.name = "built-in (untrained)".into();
    model.info.labels = (0..10).map(|d| d.to_string()).collect();
    model
}

/// The sample picture the app opens with (compiled in), or a blank one.
/// The default sample, or a recording for an audio model.
fn sample_for(model: &crate::engine::Model) -> InputImage {
    match model.info.audio {
        Some(_) => {
            samples::sample_image(samples::SPEECH_SAMPLES[0].name).unwrap_or_else(|_| blank_input())
        }
        None => default_sample(),
    }
}

fn default_sample() -> InputImage {
    samples::sample_image(samples::DEFAULT_SAMPLE).unwrap_or_else(|_| blank_input())
}

fn blank_input() -> InputImage {
    InputImage {
        name: "blank".into(),
        path: None,
        image: image::Rgb32FImage::new(28, 28),
        audio: None,
    }
}

/// The built-in network on the default picture, when nothing else would run.
fn builtin_explorer() -> Explorer {
    let model = builtin_model();
    Explorer::new(model.clone(), None, default_sample()).unwrap_or_else(|_| {
        Explorer::new(model, None, blank_input())
            .expect("the built-in network runs on a blank 28x28 picture")
    })
}

/// What every panel gets: the state to read, the caches to fill, and where to push commands.
pub(crate) struct Panels<'a> {
    pub ex: &'a Explorer,
    pub s: &'static i18n::Strings,
    pub tex: &'a mut Textures,
    pub view: &'a mut ViewState,
    pub canvas: &'a mut Canvas,
    pub settings: &'a Settings,
    pub models: &'a [SampleModel],
    pub busy: bool,
    pub status: Option<&'a str>,
    pub notices: &'a [String],
    pub lab: &'a lab::Lab,
    pub train: &'a train::Training,
    pub commands: &'a mut Vec<Command>,
}

/// Opens the app window on `startup`'s files (or the remembered ones). The settings are read
/// here, before the window exists, and only through [`Settings`]' own bounds: eframe's storage
/// is not used, so nothing stored can size the window or set a zoom the window system rejects.
pub fn run(startup: Startup) -> Result<(), String> {
    if let Some(dir) = settings::data_dir() {
        i18n::install_user_languages(&dir.join("i18n"));
    }
    let settings_file = settings::SettingsFile::default_location();
    background::init_pool();
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([800.0, 500.0])
            .with_title("convscope")
            .with_drag_and_drop(true),
        ..Default::default()
    };
    eframe::run_native(
        "convscope",
        options,
        Box::new(move |cc| {
            let mut app = ConvscopeApp::open(
                &cc.egui_ctx,
                settings_file,
                &samples::default_model_dirs(),
                &startup,
            );
            app.notices
                .extend(i18n::language_problems().iter().cloned());
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| e.to_string())
}
