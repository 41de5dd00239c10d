//! How a lesson's step sets the app up: the model and sample it names, the explorer's switches
//! and stage, the view, the lab's shift and sweep, the learning curves compared, the models it
//! compares with, and the views it names. Every key of the step's setup is applied (what no
//! step set is its default, see `crate::lesson::effective`), and what the class changed besides (open
//! blocks, the arithmetic panel's cell, the input panel unfolded, ...) is put back, so a step
//! looks the same whatever was done before. Whatever cannot be done is reported (the first
//! problem is shown) and the rest is still applied.

use crate::analysis::SweepAxis;
use crate::app::explorer::arith::ArithState;
use crate::app::explorer::controls::{DropoutSetting, InputNoise, PoolWindow};
use crate::app::explorer::state::trained_pool_mode;
use crate::app::explorer::strip::state::StripState;
use crate::app::i18n;
use crate::app::input::samples;
use crate::app::lab::state::LabSettings;
use crate::app::shell::app::ConvscopeApp;
use crate::app::shell::view_state::Tab;
use crate::engine::{Model, PoolMode};
use crate::lesson::{ConvTryChoice, Facts, PoolChoice, Step, SweepChoice, View, WindowChoice};
use crate::lesson::{effective, revealed};
use std::path::PathBuf;

fn window(choice: WindowChoice) -> PoolWindow {
    match choice {
        WindowChoice::AsTrained => PoolWindow::AsTrained,
        WindowChoice::K2S2 => PoolWindow::K2S2,
        WindowChoice::K3S2 => PoolWindow::K3S2,
        WindowChoice::K2S1 => PoolWindow::K2S1,
    }
}

fn axis(choice: SweepChoice) -> SweepAxis {
    match choice {
        SweepChoice::X => SweepAxis::X,
        SweepChoice::Y => SweepAxis::Y,
        SweepChoice::Both => SweepAxis::Both,
    }
}

impl ConvscopeApp {
    /// Opens a built-in lesson by name, or a lesson file, at its first step.
    pub fn open_lesson(&mut self, ctx: &egui::Context, name_or_path: &str) {
        match crate::lesson::catalog::open(name_or_path) {
            Ok(lesson) => {
                self.lesson.lesson = Some(lesson);
                self.view.show_lesson = true;
                self.lesson.error = None;
                self.go_to_step(ctx, 0);
            }
            Err(e) => {
                self.view.show_lesson = true;
                self.lesson.error = Some(e.to_string());
            }
        }
    }

    /// Sets the app up as step `index` says (clamped to the lesson's steps), its answer not
    /// yet revealed when it asks something.
    pub fn go_to_step(&mut self, ctx: &egui::Context, index: usize) {
        let Some(lesson) = &self.lesson.lesson else {
            return;
        };
        let index = index.min(lesson.steps.len().saturating_sub(1));
        let asks = lesson.asks(index);
        let setup = if asks {
            effective(&lesson.steps, index)
        } else {
            revealed(&lesson.steps, index)
        };
        self.lesson.step = index;
        self.lesson.revealed = !asks;
        self.lesson.error = self.set_up(ctx, &setup).into_iter().next();
    }

    /// Reveals the current step's answer: its evidence, verdict and right choice appear, and
    /// its `[step.reveal]` is applied. Nothing when it is revealed already.
    pub fn reveal_step(&mut self, ctx: &egui::Context) {
        let Some(lesson) = &self.lesson.lesson else {
            return;
        };
        if self.lesson.revealed {
            return;
        }
        self.lesson.revealed = true;
        let step = self.lesson.step;
        if lesson.steps.get(step).is_some_and(|s| s.reveal.is_some()) {
            let setup = revealed(&lesson.steps, step);
            self.lesson.error = self.set_up(ctx, &setup).into_iter().next();
        }
    }

    /// PageDown: reveals a step that asks and is not revealed yet, else goes to the next step
    /// (nothing at the last).
    pub fn next_step(&mut self, ctx: &egui::Context) {
        let Some(lesson) = &self.lesson.lesson else {
            return;
        };
        if !self.lesson.revealed {
            self.reveal_step(ctx);
        } else if self.lesson.step + 1 < lesson.steps.len() {
            self.go_to_step(ctx, self.lesson.step + 1);
        }
    }

    /// The sample model called `name`, with its file; the reason in words when there is none
    /// or it does not load.
    fn sample_model(&self, name: &str) -> Result<(PathBuf, Model), String> {
        let s = self.strings();
        let path = self
            .models
            .iter()
            .find(|m| m.name == name)
            .map(|m| m.path.clone())
            .ok_or_else(|| i18n::fill(s.lesson_no_model, &[&name]))?;
        let model = crate::io::load_model(&path).map_err(|e| e.to_string())?;
        Ok((path, model))
    }

    /// Applies a step's setup; returns what could not be done, in order (the rest is still
    /// applied).
    fn set_up(&mut self, ctx: &egui::Context, step: &Step) -> Vec<String> {
        let mut problems = Vec::new();
        self.set_up_model_and_sample(step, &mut problems);
        self.set_up_explorer(step, &mut problems);
        self.set_up_view(ctx, step);
        self.set_up_lab(ctx, step);
        self.set_up_compared(step, &mut problems);
        self.set_up_runs(&mut problems);
        self.check_views(step, &mut problems);
        problems
    }

    /// Each view the step names that belongs to a stage names one the model has.
    fn check_views(&self, step: &Step, problems: &mut Vec<String>) {
        let ex = &self.explorer;
        for view in &step.show {
            if let Some(stage) = view.stage_name()
                && stage != "input"
                && ex.stage_named(stage).is_none()
            {
                problems.push(i18n::fill(
                    self.strings().lesson_no_view,
                    &[&view, &ex.model.info.name],
                ));
            }
        }
    }

    /// The step's model (unless it is open already) and sample picture.
    fn set_up_model_and_sample(&mut self, step: &Step, problems: &mut Vec<String>) {
        if let Some(name) = &step.model {
            let path = self
                .models
                .iter()
                .find(|m| m.name == *name)
                .map(|m| &m.path);
            let open = path.is_some() && self.explorer.model_path.as_ref() == path;
            if !open {
                match self.sample_model(name) {
                    Ok((path, model)) => {
                        if self.explorer.set_model(model, Some(path.clone())) {
                            self.settings.last_model = Some(path);
                        } else if let Some(e) = &self.explorer.last_error {
                            problems.push(e.clone());
                        }
                    }
                    Err(e) => problems.push(e),
                }
            }
        }
        let shown = self.explorer.latest_input();
        if let Some(sample) = step
            .sample
            .as_ref()
            .filter(|name| shown.name != **name || shown.path.is_some())
        {
            match samples::sample_image(sample) {
                Ok(input) => {
                    if self.explorer.set_input(input) {
                        self.settings.last_sample = Some(sample.clone());
                        self.settings.last_image_file = None;
                    }
                }
                Err(e) => problems.push(e.to_string()),
            }
        }
    }

    /// The explorer's switches (noise, pooling window and mode, dropout) and its stage.
    fn set_up_explorer(&mut self, step: &Step, problems: &mut Vec<String>) {
        let ex = &mut self.explorer;
        let mut noise = InputNoise {
            seed: step.noise_seed.unwrap_or(0),
            ..ex.noise
        };
        match step
            .noise
            .as_deref()
            .map(crate::analysis::robustness::parse_noise_or_none)
        {
            Some(Ok(Some(n))) => {
                noise.kind = Some(n.kind);
                noise.level = n.level;
            }
            Some(Ok(None)) | None => noise.kind = None,
            Some(Err(e)) => problems.push(e.to_string()),
        }
        ex.set_noise(noise);
        ex.set_pool_window(window(step.window.unwrap_or(WindowChoice::AsTrained)));
        let mode = match step.pool.unwrap_or(PoolChoice::Trained) {
            PoolChoice::Max => PoolMode::Max,
            PoolChoice::Avg => PoolMode::Avg,
            PoolChoice::Trained => trained_pool_mode(&ex.model).unwrap_or(ex.pool_mode),
        };
        ex.set_pool_mode(mode);
        // The same mask whatever was resampled before.
        let rate = step.dropout.unwrap_or(0.0);
        let off = DropoutSetting::default();
        ex.set_dropout(DropoutSetting {
            enabled: rate > 0.0,
            rate: if rate > 0.0 { rate } else { off.rate },
            seed: off.seed,
        });
        let stage = step.stage.as_deref().unwrap_or("input");
        match (stage, ex.stage_named(stage)) {
            ("input", _) => ex.select_stage(0),
            (_, Some(i)) => ex.select_stage(i),
            (_, None) => problems.push(i18n::fill(
                self.settings.language.strings().lesson_no_stage,
                &[&stage, &ex.model.info.name],
            )),
        }
    }

    /// The tab, the arithmetic panel, the padding and stride a convolution is tried with, the
    /// learning curves compared, and what only the drawing
    /// keeps: open blocks, the arithmetic panel's cell, animations, the input panel unfolded,
    /// the scale switch, the learning curves' zoom.
    fn set_up_view(&mut self, ctx: &egui::Context, step: &Step) {
        let v = &mut self.view;
        v.tab = match step.view.unwrap_or(View::Explorer) {
            View::Explorer => Tab::Explorer,
            View::Lab => Tab::Lab,
            View::Train => Tab::Train,
        };
        v.arith = ArithState {
            show: step.arithmetic.unwrap_or(false),
            ..ArithState::default()
        };
        v.conv_try.setting = step.conv_try.and_then(ConvTryChoice::tried);
        let method = step.explain.and_then(crate::lesson::ExplainView::method);
        self.explain.shown = method.is_some();
        self.explain.choice = crate::app::ExplainChoice {
            method: method.unwrap_or(self.explain.choice.method),
            ..Default::default()
        };
        v.compare_history = step.history_with.clone();
        v.strip = StripState::default();
        v.strip.sync(&self.explorer.net);
        v.strip.reveal(self.explorer.stage);
        v.sweep = None;
        v.playing = false;
        v.shared_scale = true;
        v.input_unfolded = false;
        v.show = step.show.clone();
        crate::app::explorer::stage::history::reset_zoom(ctx);
    }

    /// The lab's shift and settings (none but the step's), and the step's sweep, started
    /// unless the same one is running or done; a step without a sweep shows none.
    fn set_up_lab(&mut self, ctx: &egui::Context, step: &Step) {
        let [dx, dy] = step.shift.unwrap_or([0, 0]);
        let mut lab = LabSettings {
            dx,
            dy,
            ..LabSettings::default()
        };
        if let Some(a) = step.sweep {
            lab.axis = axis(a);
            lab.compare_modes = step.compare_modes.unwrap_or(false);
        }
        self.lab.settings = lab;
        self.lab.sync(&self.explorer);
        if step.sweep.is_none() {
            self.lab.cancel_sweep();
            self.lab.sweep = None;
        } else if !self.lab.has_sweep_for(&self.explorer) {
            self.lab.start_sweep(&self.explorer, ctx);
        }
    }

    /// The sample models the step compares with, and their numbers.
    fn set_up_compared(&mut self, step: &Step, problems: &mut Vec<String>) {
        let mut compared = Facts::default();
        let mut models = Vec::new();
        for name in &step.compare {
            match self.sample_model(name) {
                Ok((_, model)) => {
                    compared.add_model(name, &model);
                    models.push((name.clone(), model));
                }
                Err(e) => problems.push(e),
            }
        }
        self.lesson.compared = compared;
        self.lesson.compared_models = models;
        self.lesson.noise_runs.replace(None);
        self.lesson.sweep_runs.replace(None);
    }
}
