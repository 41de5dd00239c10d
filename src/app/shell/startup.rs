//! Opening the app: the window, the settings, and the first model and picture (the ones asked
//! for on the command line, else the remembered ones, else the defaults). Whatever is on disk,
//! the app opens; what could not be restored becomes a notice.

use super::app::ConvscopeApp;
use super::frame_stats::FrameStats;
use super::jobs::Jobs;
use super::settings::{self, Settings, SettingsFile};
use super::view_state::ViewState;
use super::{background, fonts};
use crate::app::explorer::prepare::InputImage;
use crate::app::explorer::state::Explorer;
use crate::app::i18n::{self, Strings};
use crate::app::input::canvas::Canvas;
use crate::app::input::form::InputDialog;
use crate::app::input::model_inputs;
use crate::app::input::samples::{self, SampleModel};
use crate::app::lab::state::Lab;
use crate::app::lab::view::LabView;
use crate::app::lesson::state::LessonState;
use crate::app::train::state::Training;
use crate::app::train::view::TrainView;
use crate::app::widgets::textures::Textures;
use crate::engine::Model;
use crate::io::InputSettings;
use std::path::PathBuf;

/// What to open first when the app starts: `convscope MODEL IMAGE` on the command line.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Startup {
    pub model: Option<PathBuf>,
    pub image: Option<PathBuf>,
    /// A built-in lesson's name or a lesson file to open at its first step.
    pub lesson: Option<String>,
}

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
        fonts::follow_language(ctx, settings.language.code());
        settings.zoom = Settings::sane_zoom(settings.zoom);
        let mut notices = Vec::new();
        let models = samples::discover_models(model_dirs);
        let (model, model_path, model_settings) =
            first_model(startup, &mut settings, &models, &mut notices);
        let input =
            first_input(startup, &mut settings, &mut notices).unwrap_or_else(|| sample_for(&model));
        let explorer = first_explorer(
            model,
            model_path.clone(),
            input,
            &mut settings,
            &mut notices,
        );
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
            settings_file: SettingsFile::none(),
            saved_at: 0.0,
            frame_stats: FrameStats::from_env(),
            textures: Textures::default(),
            lab: Lab::default(),
            lab_view: LabView::default(),
            train: Training::default(),
            train_view: TrainView::default(),
            jobs: Jobs::default(),
            lesson: LessonState::default(),
            input_dialog: InputDialog::default(),
            model_settings: (model_path, model_settings),
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
        file: SettingsFile,
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
}

/// The model to open first: the one asked for, else the remembered one, else the default
/// sample. Only a model that opened is remembered: a broken one is not tried again next time.
fn first_model(
    startup: &Startup,
    settings: &mut Settings,
    models: &[SampleModel],
    notices: &mut Vec<String>,
) -> (Model, Option<PathBuf>, InputSettings) {
    let s = settings.language.strings();
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
        let (model, path) = default_model(models, notices, s);
        (model, path, InputSettings::default())
    });
    for (template, error) in failures {
        notices.push(i18n::fill(template, &[&model.info.name, &error]));
    }
    settings.last_model = model_path.clone();
    (model, model_path, model_settings)
}

/// The picture to open first: the one asked for, else the remembered file or sample (`None`:
/// the model's default sample).
fn first_input(
    startup: &Startup,
    settings: &mut Settings,
    notices: &mut Vec<String>,
) -> Option<InputImage> {
    let s = settings.language.strings();
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
    input
}

/// The explorer on `model` and `input`; on the model's default sample when the input does not
/// run, on the built-in network when nothing does.
fn first_explorer(
    model: Model,
    model_path: Option<PathBuf>,
    input: InputImage,
    settings: &mut Settings,
    notices: &mut Vec<String>,
) -> Explorer {
    let s = settings.language.strings();
    match Explorer::new(model.clone(), model_path.clone(), input) {
        Ok(e) => e,
        Err(e) => {
            notices.push(i18n::fill(s.notice_image, &[&e]));
            settings.last_image_file = None;
            settings.last_sample = None;
            let input = sample_for(&model);
            Explorer::new(model, model_path, input).unwrap_or_else(|e| {
                notices.push(e.to_string());
                notices.push(s.notice_builtin.to_string());
                settings.last_model = None;
                builtin_explorer()
            })
        }
    }
}

/// The model to fall back on: the default sample model, else the untrained fixture, else a
/// built-in network that needs no file; each failure becomes a notice.
fn default_model(
    models: &[SampleModel],
    notices: &mut Vec<String>,
    s: &Strings,
) -> (Model, Option<PathBuf>) {
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
fn builtin_model() -> Model {
    let mut model = crate::engine::zoo::digits(1, crate::engine::PoolMode::Max);
    model.info.name = "built-in (untrained)".into();
    model.info.labels = (0..10).map(|d| d.to_string()).collect();
    model
}

/// The sample picture the app opens with (compiled in), or a blank one.
/// The default sample, or a recording for an audio model.
fn sample_for(model: &Model) -> InputImage {
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

/// Opens the app window on `startup`'s files (or the remembered ones). The settings are read
/// here, before the window exists, and only through [`Settings`]' own bounds: eframe's storage
/// is not used, so nothing stored can size the window or set a zoom the window system rejects.
/// The error is the window system's or the graphics driver's (eframe's own type: it holds a
/// reason that is not `Send`, so a caller prints it rather than wrapping it).
pub fn run(startup: Startup) -> eframe::Result {
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
}
