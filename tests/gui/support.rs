//! What the GUI tests share: the app opened in a headless harness at a size, in a language,
//! on given models and settings (never a file dialog or a sound); applying a command; waiting
//! for background jobs; the list of sample models each per-model test must cover; and the
//! texts egui painted in a frame.

use convscope::app::{Command, ConvscopeApp, Lang, Settings, SettingsFile, Startup};
use egui::Vec2;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The app under test.
pub type H = Harness<'static, ConvscopeApp>;

/// The window every layout is checked at (the app opens at this size).
pub const LAPTOP: Vec2 = Vec2::new(1280.0, 800.0);
/// A larger desktop window, for views that need room to show everything at once.
pub const DESKTOP: Vec2 = Vec2::new(1400.0, 900.0);
/// A 1080p projector.
pub const PROJECTOR: Vec2 = Vec2::new(1920.0, 1080.0);

/// How long a background job (a load, a run, a sweep, a lesson step's evidence) may take
/// before a test gives up. The evidence runs on lowered-priority threads over whole test sets
/// (digits, shapes, spoken digits), and several lesson walks measure it at once: on a busy
/// two-core machine that takes minutes.
const JOB_TIMEOUT: Duration = Duration::from_secs(300);

/// `path` inside the repository.
pub fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// The committed untrained fixtures (tiny-max, tiny-avg, ...): the models most tests open.
pub fn fixture_models() -> PathBuf {
    repo("tests/fixtures/gui/sample_models")
}

/// A change made to the app before its first frame.
type Change = Box<dyn FnOnce(&mut ConvscopeApp)>;

/// How a test's app opens. [`app`] gives the defaults: a laptop-sized window, the default
/// settings, the fixture models, and the app as `convscope` opens it.
pub struct AppSpec {
    size: Vec2,
    settings: Settings,
    model_dirs: Vec<PathBuf>,
    startup: Startup,
    settings_file: Option<SettingsFile>,
    dialogs: bool,
    browse_from: Option<PathBuf>,
    prepare: Vec<Change>,
    presenting: bool,
}

/// The app to open; see [`AppSpec`].
pub fn app() -> AppSpec {
    AppSpec {
        size: LAPTOP,
        settings: Settings::default(),
        model_dirs: vec![fixture_models()],
        startup: Startup::default(),
        settings_file: None,
        dialogs: true,
        browse_from: None,
        prepare: Vec::new(),
        presenting: false,
    }
}

impl AppSpec {
    /// The window's size in points.
    pub fn size(mut self, size: Vec2) -> Self {
        self.size = size;
        self
    }

    /// The settings it starts with (language and model included).
    pub fn settings(mut self, settings: Settings) -> Self {
        self.settings = settings;
        self
    }

    /// The UI language.
    pub fn lang(mut self, language: Lang) -> Self {
        self.settings.language = language;
        self
    }

    /// The model file it opens first (as if remembered from last time).
    pub fn model(mut self, path: PathBuf) -> Self {
        self.settings.last_model = Some(path);
        self
    }

    /// Where it looks for sample models (none: only the built-in fallbacks).
    pub fn models_in(mut self, dirs: &[PathBuf]) -> Self {
        self.model_dirs = dirs.to_vec();
        self
    }

    /// What the command line asks it to open.
    pub fn startup(mut self, startup: Startup) -> Self {
        self.startup = startup;
        self
    }

    /// Keeps its settings in `file` (read at the start, instead of [`AppSpec::settings`]).
    pub fn settings_file(mut self, file: SettingsFile) -> Self {
        self.settings_file = Some(file);
        self
    }

    /// Open and Export use the in-app browser and Play plays nothing (as where the system has
    /// no file dialog): for tests that press such buttons.
    pub fn no_dialogs(mut self) -> Self {
        self.dialogs = false;
        self
    }

    /// Where choosing a file starts.
    pub fn browse_from(mut self, dir: &Path) -> Self {
        self.browse_from = Some(dir.to_path_buf());
        self
    }

    /// Opens the sample model `name` (as if remembered), with the sample models beside it.
    pub fn sample(self, name: &str) -> Self {
        let model = sample_model(name);
        let dirs = [model.parent().expect("a folder").to_path_buf()];
        self.model(model).models_in(&dirs)
    }

    /// In presentation mode (F5) once its first frames are drawn, when `on`.
    pub fn presenting(mut self, on: bool) -> Self {
        self.presenting = on;
        self
    }

    /// Changes the app before its first frame.
    pub fn with(mut self, change: impl FnOnce(&mut ConvscopeApp) + 'static) -> Self {
        self.prepare.push(Box::new(change));
        self
    }

    /// The app in its harness, before its first frame.
    pub fn build_idle(self) -> H {
        let AppSpec {
            size,
            settings,
            model_dirs,
            startup,
            settings_file,
            dialogs,
            browse_from,
            prepare,
            presenting: _,
        } = self;
        Harness::builder()
            .with_size(size)
            .with_max_steps(64)
            .build_eframe(move |cc| {
                let ctx = &cc.egui_ctx;
                let mut app = match settings_file {
                    Some(file) => ConvscopeApp::open(ctx, file, &model_dirs, &startup),
                    None => ConvscopeApp::start(ctx, settings, &model_dirs, &startup),
                };
                if !dialogs {
                    app.native_dialogs = false;
                }
                if browse_from.is_some() {
                    app.browse_from = browse_from;
                }
                // A test never records from the machine's microphone: one that records gives
                // the app a fake recorder (`with`).
                app.mic.recorder = None;
                for change in prepare {
                    change(&mut app);
                }
                app
            })
    }

    /// The app in its harness, its first frames drawn.
    pub fn build(self) -> H {
        let presenting = self.presenting;
        let mut h = self.build_idle();
        settle(&mut h);
        if presenting {
            apply(&mut h, Command::TogglePresentation);
        }
        h
    }
}

/// The pointer away from every widget (no hover state, no tooltip), and a frame drawn so.
pub fn pointer_away(h: &mut H) {
    h.event(egui::Event::PointerGone);
    h.run();
}

/// Applies `command` as the app does after a frame, then draws frames until it settles.
pub fn apply(h: &mut H, command: Command) {
    apply_now(h, command);
    settle(h);
}

/// Draws frames until the app settles. A lesson step measuring evidence over a test set, an
/// attribution map or a channel's examples being made show a spinner, which asks for a frame
/// after every frame until the work is done (on a loaded machine, more frames than the
/// harness's limit), and a step training its runs asks for frames while they train: such
/// work is drawn frame by frame (as frames would come) until it is done, and settles after.
pub fn settle(h: &mut H) {
    let start = Instant::now();
    // The first frame starts what the step measures.
    h.step();
    let working = |a: &ConvscopeApp| {
        a.lesson.evidence.measuring()
            || a.lesson.runs.training()
            || a.explain.running()
            || a.examples.busy()
    };
    while working(h.state()) {
        assert!(
            start.elapsed() < JOB_TIMEOUT,
            "a lesson's evidence or runs, an attribution map or a channel's examples were not done in {JOB_TIMEOUT:?}"
        );
        std::thread::sleep(Duration::from_millis(5));
        h.step();
    }
    h.run();
}

/// Applies `command` and draws one frame (a training run asks for frames all along).
pub fn apply_and_step(h: &mut H, command: Command) {
    apply_now(h, command);
    h.step();
}

/// Applies `command` without drawing a frame: the state is what the call left.
pub fn apply_now(h: &mut H, command: Command) {
    let ctx = h.ctx.clone();
    h.state_mut().apply(&ctx, command);
}

/// Draws frames until the background jobs (loads, runs, sweeps, a lesson's evidence) are done,
/// then until the app settles; fails after [`JOB_TIMEOUT`].
pub fn wait_for_jobs(h: &mut H) {
    let start = Instant::now();
    loop {
        h.step();
        if !h.state().busy() {
            break;
        }
        assert!(
            start.elapsed() < JOB_TIMEOUT,
            "a background job did not finish in {JOB_TIMEOUT:?}"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    settle(h);
}

/// Draws frames (as they would come) until `done` holds; fails after `limit`.
pub fn step_until(h: &mut H, limit: Duration, what: &str, done: impl Fn(&ConvscopeApp) -> bool) {
    let start = Instant::now();
    while !done(h.state()) {
        assert!(start.elapsed() < limit, "waited for {what}");
        h.step();
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// A stroke of the pen across `rect` (the canvas, say) from `a` to `b`, fractions of its width
/// and height, as the pointer sends it: press, a few moves a frame apart, release.
pub fn stroke(h: &mut H, rect: egui::Rect, a: (f32, f32), b: (f32, f32)) {
    let at = |(x, y): (f32, f32)| {
        egui::pos2(
            rect.left() + x * rect.width(),
            rect.top() + y * rect.height(),
        )
    };
    let button = |pos, pressed| egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed,
        modifiers: egui::Modifiers::NONE,
    };
    h.event(egui::Event::PointerMoved(at(a)));
    h.event(button(at(a), true));
    h.step();
    for i in 1..=6 {
        let t = i as f32 / 6.0;
        let pos = at((a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t));
        h.event(egui::Event::PointerMoved(pos));
        h.step();
    }
    h.event(button(at(b), false));
    h.run();
}

/// What the status bar says: the texts painted in its strip at the bottom of the window.
pub fn status_bar(h: &H) -> String {
    let bottom = h.ctx.content_rect().bottom();
    painted_texts(h)
        .into_iter()
        .filter(|t| t.rect.bottom() > bottom - 30.0)
        .map(|t| t.text)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether some widget's label contains `text`.
pub fn shows(h: &H, text: &str) -> bool {
    h.query_all_by_label_contains(text).next().is_some()
}

/// Every model in `sample_models/`, by file stem, in file-name order. The monkey and the
/// legibility tests run one test per model so that they go side by side; each checks that it
/// covers exactly this list, and this list is checked against the folder.
pub const SAMPLE_MODELS: [&str; 16] = [
    "digits-avg-shift",
    "digits-avg",
    "digits-gap",
    "digits-max-shift",
    "digits-max",
    "digits-nopool",
    "digits-stride",
    "edges",
    "fc-8k",
    "fc-dropout",
    "fc-l2",
    "fc-overfit",
    "shapes-avg",
    "shapes-max",
    "speech-avg",
    "speech-max",
];

/// The `.json` models in `sample_models/`, sorted by path.
pub fn sample_models() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample_models");
    let mut models: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("sample_models/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    models.sort();
    models
}

/// The path of sample model `name`.
pub fn sample_model(name: &str) -> PathBuf {
    sample_models()
        .into_iter()
        .find(|p| p.file_stem().is_some_and(|s| s == name))
        .unwrap_or_else(|| panic!("sample_models/{name}.json exists"))
}

#[test]
fn the_list_matches_the_folder() {
    let names: Vec<String> = sample_models()
        .iter()
        .filter_map(|p| Some(p.file_stem()?.to_str()?.to_string()))
        .collect();
    assert_eq!(
        names, SAMPLE_MODELS,
        "a new sample model goes into SAMPLE_MODELS"
    );
}

/// One text egui painted in the last frame: its font size in screen pixels, and where it is
/// (in points, the part on screen).
#[derive(Debug, Clone)]
pub struct PaintedText {
    pub px: f32,
    pub text: String,
    pub rect: egui::Rect,
    /// Where the whole text would be, clipped or not; inside `rect` only when none of it is
    /// cut off (by a scroll area's clip or the window's edge).
    pub drawn: egui::Rect,
    /// The colour it was painted in.
    pub color: egui::Color32,
}

fn collect_texts(
    shape: &egui::Shape,
    clip: egui::Rect,
    screen: egui::Rect,
    ppp: f32,
    out: &mut Vec<PaintedText>,
) {
    match shape {
        egui::Shape::Vec(shapes) => {
            for s in shapes {
                collect_texts(s, clip, screen, ppp, out);
            }
        }
        egui::Shape::Text(t) => {
            let rect = t.visual_bounding_rect();
            let seen = rect.intersect(clip).intersect(screen);
            if !seen.is_positive() {
                return;
            }
            let job = &t.galley.job;
            for section in &job.sections {
                let range = section.byte_range.start.0..section.byte_range.end.0;
                let text = job.text.get(range).unwrap_or("");
                if text.trim().is_empty() {
                    continue;
                }
                let own = section.format.color;
                let color = t
                    .override_text_color
                    .unwrap_or(if own == egui::Color32::PLACEHOLDER {
                        t.fallback_color
                    } else {
                        own
                    });
                out.push(PaintedText {
                    px: section.format.font_id.size * ppp,
                    text: text.to_string(),
                    rect: seen,
                    drawn: rect,
                    color,
                });
            }
        }
        _ => {}
    }
}

/// Every text on screen in the last frame (clipped away or off the window: left out).
pub fn painted_texts<S>(h: &egui_kittest::Harness<'_, S>) -> Vec<PaintedText> {
    let output = h.output();
    let ppp = output.pixels_per_point;
    let screen = h.ctx.content_rect();
    let mut out = Vec::new();
    for egui::epaint::ClippedShape {
        clip_rect,
        shape,
        transform_after_tessellation: t,
    } in &output.shapes
    {
        // A transformed layer (egui's own scaling) would draw its galleys scaled by t.scaling.
        collect_texts(shape, *clip_rect, screen, ppp * t.scaling, &mut out);
    }
    out
}
