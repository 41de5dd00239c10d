//! Opening the app: the window, the settings, and the first model and picture (the ones asked
//! for on the command line, else the remembered ones, else the defaults). Whatever is on disk,
//! the app opens; what could not be restored becomes a notice.

use super::app::ConvscopeApp;
use super::frame_stats::FrameStats;
use super::jobs::Jobs;
use super::message::{Message, MessageKey, Notices};
use super::settings::{self, Settings, SettingsFile};
use super::view_state::ViewState;
use super::{background, fonts};
use crate::app::explorer::prepare::InputImage;
use crate::app::explorer::state::Explorer;
use crate::app::i18n;
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
    /// Opens in presentation mode (`--present`), as if F5 had been pressed.
    pub present: bool,
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
        let mut notices = Notices::default();
        if let Some(code) = settings.unknown_language.take() {
            notices.push(unknown_language(&code));
        }
        let models = samples::discover_models(model_dirs);
        if models.is_empty() {
            let places = crate::io::data_dirs::list(model_dirs);
            notices.push(Message::new(MessageKey::NoSampleModels, &[&places]));
        }
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
            examples: Default::default(),
            lab_view: LabView::default(),
            familiar: Default::default(),
            explain: Default::default(),
            train: Training::default(),
            train_view: TrainView::default(),
            jobs: Jobs::default(),
            mic: Default::default(),
            lesson: LessonState::default(),
            input_dialog: InputDialog::default(),
            model_settings: (model_path, model_settings),
        };
        app.apply_look(ctx);
        if startup.present || app.settings.presentation {
            // Applied to the window on the first frame, when its size is known.
            app.view.zoom_before_presentation = Some(app.settings.zoom);
            app.settings.presentation = true;
        }
        if let Some(name) = &startup.lesson {
            app.open_lesson(ctx, name);
        }
        app
    }

    /// Says which of the user's language files were left out and why: as one notice that
    /// lists them, however many there are.
    pub fn report_language_problems(&mut self, problems: &[String]) {
        self.notices.extend(
            problems
                .iter()
                .map(|p| Message::new(MessageKey::LanguageFileLeftOut, &[p])),
        );
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
            let notice = Message::new(MessageKey::SettingsUnreadable, &[&problem]);
            app.notices.push_first(notice);
        }
        app
    }
}

/// The notice for a language the settings ask for that the app does not have.
fn unknown_language(code: &str) -> Message {
    let folder = settings::data_dir().map_or_else(
        || "convscope/i18n/".to_string(),
        |d| d.join("i18n").display().to_string(),
    );
    Message::new(MessageKey::UnknownLanguage, &[&code, &folder])
}

/// The model to open first: the one asked for, else the remembered one, else the default
/// sample. Only a model that opened is remembered: a broken one is not tried again next time.
fn first_model(
    startup: &Startup,
    settings: &mut Settings,
    models: &[SampleModel],
    notices: &mut Notices,
) -> (Model, Option<PathBuf>, InputSettings) {
    let mut failures = Vec::new();
    let mut opened = None;
    let asked = [
        (startup.model.clone(), MessageKey::RequestedModel),
        (settings.last_model.clone(), MessageKey::ModelNotReopened),
    ];
    for (path, template) in asked {
        let Some(path) = path else { continue };
        let remembered = settings.model_inputs.get(&path);
        match model_inputs::open_with(&path, &remembered, true) {
            Ok(o) => {
                if let Some(why) = o.user_failed {
                    let key = MessageKey::InputSettingsLeftOut;
                    notices.push(Message::new(key, &[&path.display(), &why]));
                }
                for warning in &o.model.info.warnings {
                    notices.push(Message::verbatim(warning.clone()));
                }
                opened = Some((o.model, Some(path), o.settings));
                break;
            }
            Err(e) => failures.push((template, e)),
        }
    }
    let (model, model_path, model_settings) = opened.unwrap_or_else(|| {
        let (model, path) = default_model(models, notices);
        (model, path, InputSettings::default())
    });
    for (template, error) in failures {
        notices.push(Message::new(template, &[&model.info.name, &error]));
    }
    settings.last_model = model_path.clone();
    (model, model_path, model_settings)
}

/// The picture to open first: the one asked for, else the remembered file or sample (`None`:
/// the model's default sample).
fn first_input(
    startup: &Startup,
    settings: &mut Settings,
    notices: &mut Notices,
) -> Option<InputImage> {
    let mut input = None;
    if let Some(p) = &startup.image {
        match samples::image_file(p) {
            Ok(i) => {
                settings.last_image_file = Some(p.clone());
                settings.last_sample = None;
                input = Some(i);
            }
            Err(e) => notices.push(Message::new(MessageKey::RequestedImage, &[&e])),
        }
    }
    if input.is_none()
        && let Some(p) = settings.last_image_file.clone()
    {
        match samples::image_file(&p) {
            Ok(i) => input = Some(i),
            Err(e) => {
                notices.push(Message::new(MessageKey::ImageNotReopened, &[&e]));
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
    notices: &mut Notices,
) -> Explorer {
    match Explorer::new(model.clone(), model_path.clone(), input) {
        Ok(e) => e,
        Err(e) => {
            notices.push(Message::new(MessageKey::ImageNotReopened, &[&e]));
            settings.last_image_file = None;
            settings.last_sample = None;
            let input = sample_for(&model);
            Explorer::new(model, model_path, input).unwrap_or_else(|e| {
                notices.push(Message::verbatim(e.to_string()));
                notices.push(Message::new(MessageKey::BuiltinNetwork, &[]));
                settings.last_model = None;
                builtin_explorer()
            })
        }
    }
}

/// The model to fall back on: the default sample model, else (in a developer's build) the
/// untrained fixture, else a built-in network that needs no file; each failure becomes a
/// notice.
fn default_model(models: &[SampleModel], notices: &mut Notices) -> (Model, Option<PathBuf>) {
    let candidates = samples::startup_model(models, None)
        .into_iter()
        .chain(samples::fallback_model_path());
    for path in candidates {
        match crate::io::load_model(&path) {
            Ok(model) => return (model, Some(path)),
            Err(e) => notices.push(Message::verbatim(e.to_string())),
        }
    }
    notices.push(Message::new(MessageKey::BuiltinNetwork, &[]));
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
            app.report_language_problems(i18n::language_problems());
            Ok(Box::new(app))
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the reader warns about (here an opset newer than tested) is a notice naming the
    /// file, and the model opens all the same.
    #[test]
    fn a_model_opened_with_a_warning_shows_it_as_a_notice() {
        use crate::io::onnx::proto::ModelProto;
        use prost::Message as _;
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let bytes =
            std::fs::read(root.join("tests/fixtures/onnx/tiny-dynamo.onnx")).expect("fixture");
        let mut model = ModelProto::decode(bytes.as_slice()).expect("decodes");
        for opset in &mut model.opset_import {
            if opset.domain().is_empty() {
                opset.version = Some(99);
            }
        }
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("future.onnx");
        std::fs::write(&path, model.encode_to_vec()).expect("write");
        let startup = Startup {
            model: Some(path.clone()),
            ..Startup::default()
        };
        let fixtures = root.join("tests/fixtures/gui/sample_models");
        let app = ConvscopeApp::start(
            &egui::Context::default(),
            Settings::default(),
            &[fixtures],
            &startup,
        );
        assert_eq!(app.settings.last_model.as_deref(), Some(path.as_path()));
        let notices = app.notices.join("\n");
        assert!(
            notices.contains("future.onnx: uses ONNX opset 99, newer than the 13 to 21"),
            "{notices}"
        );
    }

    /// A remembered model that is a FIFO (with or without an ONNX-looking name) is refused at
    /// once: the app opens on the default model, as the settings file promises. Run on a
    /// thread with a deadline, so that a reader that waits on the FIFO fails the test instead
    /// of hanging it.
    #[cfg(unix)]
    #[test]
    fn a_remembered_model_that_is_a_fifo_does_not_stop_the_app_opening() {
        use std::time::Duration;
        let dir = tempfile::tempdir().expect("tempdir");
        let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/gui/sample_models");
        for name in ["pipe-model", "pipe.onnx", "pipe.json"] {
            let fifo = dir.path().join(name);
            let made = std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .expect("mkfifo runs");
            assert!(made.success());
            let settings_path = dir.path().join(format!("settings-{name}.json"));
            let settings = Settings {
                last_model: Some(fifo.clone()),
                ..Settings::default()
            };
            std::fs::write(&settings_path, settings.to_json()).expect("write settings");
            let (send, receive) = std::sync::mpsc::channel();
            let model_dirs = vec![fixtures.clone()];
            std::thread::spawn(move || {
                let ctx = egui::Context::default();
                let file = SettingsFile::at(&settings_path);
                let app = ConvscopeApp::open(&ctx, file, &model_dirs, &Startup::default());
                let _ = send.send((app.settings.last_model.clone(), app.notices.join("\n")));
            });
            let (reopened, notices) = receive
                .recv_timeout(Duration::from_secs(30))
                .unwrap_or_else(|_| panic!("the app did not open with a FIFO {name} remembered"));
            assert_ne!(reopened.as_deref(), Some(fifo.as_path()), "{name}");
            assert!(
                notices.contains("named pipe") && notices.contains(name),
                "{name}: {notices}"
            );
        }
    }
}
