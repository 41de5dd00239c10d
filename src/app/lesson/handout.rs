//! A lesson's handout, made as the class would see it: a second app, with no window, opens the
//! lesson and walks its steps through the same code the lesson panel uses (each step's setup,
//! its reveal for the teacher's copy, its numbers from `lesson_facts`, its figure from the
//! code behind "Export PNG"), waiting for each step's background work (sweeps, test-set
//! evidence) with progress reported; what is still not measured after [`STEP_LIMIT`] is said
//! in the handout. `convscope handout` and the Lessons tab's "Handout…" both come here; the
//! page itself is written by `crate::lesson::handout`.

use super::handout_job::{HandoutJob, HandoutStatus};
use crate::app::i18n::{self, Lang};
use crate::app::input::samples::SampleModel;
use crate::app::shell::app::ConvscopeApp;
use crate::app::shell::commands::Command;
use crate::app::shell::keys;
use crate::app::shell::settings::Settings;
use crate::app::shell::startup::Startup;
use crate::lesson::Rendered;
use crate::lesson::handout::{Handout, HandoutOrder, Page, Words};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// How long one step may measure (a sweep, a test-set comparison) before the handout is
/// written without those numbers, saying so.
pub(crate) const STEP_LIMIT: Duration = Duration::from_secs(600);

/// `--quick-runs`: a lesson's runs on so few digits for so few epochs.
const QUICK_RUNS: super::runs::RunCap = super::runs::RunCap {
    shrink: 10,
    epochs: 3,
};

/// How often a step still measuring says so.
const SAY_EVERY: Duration = Duration::from_secs(5);

/// The handout of `order.lesson` in `order.lang`, its steps set up on `models` (the sample
/// models, by name, as the app finds them); `progress` hears each step and what is measured.
pub(crate) fn build_handout(
    order: &HandoutOrder,
    models: Vec<SampleModel>,
    progress: &mut dyn FnMut(&str),
) -> Result<Handout, String> {
    let lang = Lang::from_code(&order.lang);
    let ctx = egui::Context::default();
    let settings = Settings {
        language: lang,
        ..Settings::default()
    };
    let mut app = ConvscopeApp::start(&ctx, settings, &[], &Startup::default());
    app.models = models;
    app.native_dialogs = false;
    if order.quick_runs {
        app.lesson.runs.cap = Some(QUICK_RUNS);
    }
    app.open_lesson(&ctx, &order.lesson);
    let Some(lesson) = app.lesson.lesson.as_ref() else {
        return Err(app.lesson.error.clone().unwrap_or_default());
    };
    let code = lang.code();
    let count = lesson.steps.len();
    let s = lang.strings();
    let mut handout = Handout {
        lang: if code == "zh" { "zh-Hans" } else { code }.to_string(),
        title: lesson.title(code),
        answers: order.answers,
        words: words(s, count),
        pages: Vec::with_capacity(count),
    };
    for index in 0..count {
        app.go_to_step(&ctx, index);
        if order.answers {
            app.reveal_step(&ctx);
        }
        let title = app
            .lesson
            .lesson
            .as_ref()
            .and_then(|l| l.step_text(code, index, &Default::default()))
            .map(|(t, _)| t)
            .unwrap_or_default();
        progress(&format!("step {}/{count}: {title}", index + 1));
        settle(&mut app, &ctx, order.answers, progress);
        if let Some(e) = &app.lesson.error {
            progress(&format!("step {}: {e}", index + 1));
        }
        handout.pages.push(page(&app, index, order.answers));
    }
    Ok(handout)
}

/// The handout of `order` (the lesson walked through the app as the panel shows it) on the
/// sample models the app finds, written to `order.out`; the path written. `convscope handout`
/// calls this.
pub fn write_handout(
    order: &HandoutOrder,
    progress: &mut dyn FnMut(&str),
) -> Result<PathBuf, String> {
    let models = crate::app::input::samples::discover_models(
        &crate::app::input::samples::default_model_dirs(),
    );
    write_handout_on(order, models, progress)
}

/// [`build_handout`] on `models`, written to `order.out`; the path written.
pub(crate) fn write_handout_on(
    order: &HandoutOrder,
    models: Vec<SampleModel>,
    progress: &mut dyn FnMut(&str),
) -> Result<PathBuf, String> {
    crate::io::check_writable(&order.out).map_err(|e| e.to_string())?;
    let html = build_handout(order, models, progress)?.html();
    crate::io::write_atomic(&order.out, html.as_bytes()).map_err(|e| e.to_string())?;
    Ok(order.out.clone())
}

/// The words around the lesson's own, in the app's messages for the language.
fn words(s: &i18n::Strings, count: usize) -> Words {
    Words {
        step_of: (1..=count)
            .map(|i| i18n::fill(s.lesson_step, &[&i, &count]))
            .collect(),
        name: s.handout_name.to_string(),
        date: s.handout_date.to_string(),
        prediction: s.handout_prediction.to_string(),
        evidence: s.lesson_evidence.to_string(),
        verdict: s.lesson_verdict.to_string(),
        right_answer: s.lesson_right_answer.to_string(),
        teacher_copy: s.handout_teacher_copy.to_string(),
        not_computed: s.handout_not_computed.to_string(),
    }
}

/// Runs what the frames would (finished loads, runs, sweeps) until the app is idle and the
/// step's texts (with `revealed`, its evidence and verdict too) hold no number still being
/// measured, or until [`STEP_LIMIT`].
fn settle(
    app: &mut ConvscopeApp,
    ctx: &egui::Context,
    revealed: bool,
    progress: &mut dyn FnMut(&str),
) {
    let start = Instant::now();
    let mut said = start;
    loop {
        app.take_results(ctx);
        // A step's training runs too: its figure is their curves.
        let waiting =
            app.busy() || app.lesson.runs.training() || !pending(app, revealed).is_empty();
        if !waiting || start.elapsed() > STEP_LIMIT {
            return;
        }
        if said.elapsed() > SAY_EVERY {
            said = Instant::now();
            progress(&format!(
                "  measuring ({} s): {}",
                start.elapsed().as_secs(),
                pending(app, revealed).join(", ")
            ));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The step's texts as the panel shows them (before or after the reveal).
fn rendered(app: &ConvscopeApp, revealed: bool) -> Vec<Rendered> {
    let Some(lesson) = &app.lesson.lesson else {
        return Vec::new();
    };
    let code = app.settings.language.code();
    let index = app.lesson.step;
    let facts = app.lesson_facts();
    let mut parts: Vec<String> = vec!["question".into()];
    if let Some(step) = lesson.steps.get(index) {
        parts.extend(step.choices.iter().map(|c| format!("choice-{c}")));
    }
    if revealed {
        parts.extend(["evidence".into(), "verdict".into()]);
    }
    let mut out: Vec<Rendered> = lesson
        .step_text(code, index, &facts)
        .map(|(_, text)| text)
        .into_iter()
        .collect();
    out.extend(
        parts
            .iter()
            .filter_map(|part| lesson.step_part(code, index, part, &facts)),
    );
    out
}

/// The numbers of the step's texts still being measured.
fn pending(app: &ConvscopeApp, revealed: bool) -> Vec<String> {
    let mut names: Vec<String> = rendered(app, revealed)
        .into_iter()
        .flat_map(|r| r.pending)
        .collect();
    names.sort();
    names.dedup();
    names
}

/// Step `index` as printed, from the app set up for it.
fn page(app: &ConvscopeApp, index: usize, answers: bool) -> Page {
    let Some(lesson) = &app.lesson.lesson else {
        return Page::default();
    };
    let code = app.settings.language.code();
    let facts = app.lesson_facts();
    let part = |name: &str| lesson.step_part(code, index, name, &facts).map(|r| r.text);
    let (title, prose) = lesson
        .step_text(code, index, &facts)
        .map(|(t, r)| (t, r.text))
        .unwrap_or_default();
    let step = lesson.steps.get(index);
    let choices = step
        .map(|s| {
            s.choices
                .iter()
                .map(|c| {
                    let text = part(&format!("choice-{c}")).unwrap_or_else(|| c.clone());
                    (text, s.answer.as_deref() == Some(c.as_str()))
                })
                .collect()
        })
        .unwrap_or_default();
    let mut missing: Vec<String> = rendered(app, answers)
        .into_iter()
        .flat_map(|r| r.pending.into_iter().chain(r.unknown))
        .collect();
    missing.sort();
    missing.dedup();
    Page {
        title,
        question: part("question"),
        choices,
        prose,
        figure: figure(app),
        evidence: answers
            .then(|| lesson.evidence(code, index, &facts).map(|(t, _)| t))
            .flatten(),
        verdict: answers.then(|| part("verdict")).flatten(),
        missing,
    }
}

/// The stage the step shows, as "Export PNG" draws it, and its caption: model, stage, input;
/// on the Train tab, its runs' learning curves.
fn figure(app: &ConvscopeApp) -> Option<(Vec<u8>, String)> {
    if app.view.tab == crate::app::shell::view_state::Tab::Train {
        return curves_figure(app);
    }
    let image = app.export_image()?;
    let png = crate::viz::export::png_bytes(&image).ok()?;
    let ex = &app.explorer;
    let stage = ex
        .stage_layer(ex.stage)
        .map_or("input".to_string(), |l| l.name.clone());
    let shape = ex
        .trace
        .get(ex.stage)
        .map(|t| t.shape().to_string())
        .unwrap_or_default();
    let caption = format!(
        "{} · {stage} ({shape}) · {}",
        ex.model.info.name, ex.input.name
    );
    Some((png, caption))
}

/// The Train tab's runs as learning curves (solid: training, dashed: test; a square per run
/// down the right edge), and each run's settings and final numbers in the caption, in the
/// squares' order; empty axes before the first run.
fn curves_figure(app: &ConvscopeApp) -> Option<(Vec<u8>, String)> {
    use crate::app::train::plots::{run_colour, run_label, run_result};
    let t = &app.train;
    let runs: Vec<&crate::app::train::run::Run> = t.runs.iter().chain(&t.current).collect();
    let curves: Vec<crate::viz::curves::CurveRun> = runs
        .iter()
        .map(|r| {
            let [red, green, blue, _] = run_colour(r.number).to_array();
            let per_epoch = |f: &dyn Fn(&crate::engine::train::EpochStats) -> Option<f32>| {
                r.epochs
                    .iter()
                    .filter_map(|e| Some([e.stats.epoch as f64, f(&e.stats)? as f64]))
                    .collect::<Vec<_>>()
            };
            crate::viz::curves::CurveRun {
                colour: [red, green, blue],
                train: per_epoch(&|s| Some(s.train_accuracy)),
                test: per_epoch(&|s| s.test_accuracy),
            }
        })
        .collect();
    // Before the step's first run: empty axes, as the Train tab shows them.
    let epochs = runs.iter().map(|r| r.settings.epochs).max().unwrap_or(1);
    let image = crate::viz::curves::curves_image(&curves, epochs, 960, 480);
    let png = crate::viz::export::png_bytes(&image).ok()?;
    let s = app.strings();
    let mut caption = format!(
        "{} (0–100%) · {} 0–{epochs} · {} —, {} - -",
        s.accuracy, s.epoch, s.train_acc, s.test_acc
    );
    if runs.is_empty() {
        caption.push_str(" · ");
        caption.push_str(s.lesson_no_run);
    }
    for run in &runs {
        caption.push_str(" · ");
        caption.push_str(&run_label(s, run));
        if let Some(result) = run_result(s, run) {
            caption.push_str(" → ");
            caption.push_str(&result);
        }
    }
    Some((png, caption))
}

impl ConvscopeApp {
    /// Starts writing the open lesson's handout to `path` in the app's language, in the
    /// background (the class's app stays on its step).
    pub(crate) fn start_handout(&mut self, ctx: &egui::Context, path: PathBuf, answers: bool) {
        let Some(lesson) = &self.lesson.lesson else {
            return;
        };
        let order = HandoutOrder {
            lesson: lesson
                .path
                .as_ref()
                .map_or_else(|| lesson.id.clone(), |p| p.display().to_string()),
            lang: self.settings.language.code().to_string(),
            answers,
            out: path,
            quick_runs: false,
        };
        let models = self.models.clone();
        self.lesson
            .handout
            .start(ctx, move |say| write_handout_on(&order, models, say));
    }
}

/// `first` (the Close button), "Handout…" and "Teacher's copy…" in one row, and how the last
/// handout went.
pub(crate) fn handout_buttons_ui(
    ui: &mut egui::Ui,
    job: &HandoutJob,
    p: &mut crate::app::shell::panels::Panels,
    first: impl FnOnce(&mut egui::Ui, &mut crate::app::shell::panels::Panels),
) {
    let s = p.s;
    let status = job.status();
    let writing = matches!(status, HandoutStatus::Writing(_));
    ui.horizontal_wrapped(|ui| {
        first(ui, p);
        for command in [Command::HandoutDialog(false), Command::HandoutDialog(true)] {
            let label = keys::button_label(&command, s).unwrap_or_default();
            let mut r = ui.add_enabled(!writing, egui::Button::new(label));
            if let Some(tip) = keys::button_tip(&command, s) {
                r = r.on_hover_text(tip);
            }
            if r.clicked() {
                p.commands.push(command);
            }
        }
    });
    match status {
        HandoutStatus::Idle => {}
        HandoutStatus::Writing(line) => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(i18n::fill(s.handout_writing, &[&line]));
            });
        }
        HandoutStatus::Written(path) => {
            ui.label(i18n::fill(s.handout_written, &[&path.display()]));
        }
        HandoutStatus::Failed(e) => {
            ui.colored_label(
                ui.visuals().error_fg_color,
                i18n::fill(s.handout_failed, &[&e]),
            );
        }
    }
}
