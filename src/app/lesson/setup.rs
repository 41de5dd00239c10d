//! How a lesson's step sets the app up: the model and sample it names, the explorer's switches
//! and stage, the view, the lab's shift and sweep, and the models it compares with. Whatever
//! cannot be done is reported (the first problem is shown) and the rest is still applied.

use crate::analysis::SweepAxis;
use crate::app::explorer::controls::{DropoutSetting, PoolWindow};
use crate::app::explorer::state::trained_pool_mode;
use crate::app::i18n;
use crate::app::input::samples;
use crate::app::lab::state::LabSettings;
use crate::app::shell::app::ConvscopeApp;
use crate::app::shell::view_state::Tab;
use crate::engine::{Model, PoolMode};
use crate::lesson::effective;
use crate::lesson::{Facts, Lesson, PoolChoice, Step, SweepChoice, View, WindowChoice};
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
        match Lesson::load(name_or_path) {
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

    /// Sets the app up as step `index` says (clamped to the lesson's steps).
    pub fn go_to_step(&mut self, ctx: &egui::Context, index: usize) {
        let Some(lesson) = &self.lesson.lesson else {
            return;
        };
        let index = index.min(lesson.steps.len().saturating_sub(1));
        let setup = effective(&lesson.steps, index);
        self.lesson.step = index;
        self.lesson.error = self.set_up(ctx, &setup).into_iter().next();
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
        self.set_up_view(step);
        self.set_up_lab(ctx, step);
        self.set_up_compared(step, &mut problems);
        problems
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
        if let Some(sample) = &step.sample {
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
        if step.noise.is_some() || step.noise_seed.is_some() {
            let parsed = step
                .noise
                .as_deref()
                .map(crate::analysis::robustness::parse_noise_or_none);
            let mut noise = ex.noise;
            match parsed {
                Some(Ok(Some(n))) => {
                    noise.kind = Some(n.kind);
                    noise.level = n.level;
                }
                Some(Ok(None)) => noise.kind = None,
                Some(Err(e)) => problems.push(e.to_string()),
                None => {}
            }
            noise.seed = step.noise_seed.unwrap_or(0);
            ex.set_noise(noise);
        }
        if let Some(w) = step.window {
            ex.set_pool_window(window(w));
        }
        if let Some(pool) = step.pool {
            let mode = match pool {
                PoolChoice::Max => PoolMode::Max,
                PoolChoice::Avg => PoolMode::Avg,
                PoolChoice::Trained => trained_pool_mode(&ex.model).unwrap_or(ex.pool_mode),
            };
            ex.set_pool_mode(mode);
        }
        if let Some(rate) = step.dropout {
            let seed = ex.dropout.seed;
            ex.set_dropout(DropoutSetting {
                enabled: rate > 0.0,
                rate: if rate > 0.0 { rate } else { ex.dropout.rate },
                seed,
            });
        }
        if let Some(stage) = &step.stage {
            match (stage.as_str(), ex.stage_named(stage)) {
                ("input", _) => ex.select_stage(0),
                (_, Some(i)) => ex.select_stage(i),
                (_, None) => problems.push(i18n::fill(
                    self.settings.language.strings().lesson_no_stage,
                    &[stage, &ex.model.info.name],
                )),
            }
        }
    }

    /// The tab, the arithmetic panel and the learning curves compared.
    fn set_up_view(&mut self, step: &Step) {
        if let Some(view) = step.view {
            self.view.tab = match view {
                View::Explorer => Tab::Explorer,
                View::Lab => Tab::Lab,
            };
        }
        if let Some(open) = step.arithmetic {
            self.view.arith.show = open;
        }
        if step.history_with.is_some() {
            self.view.compare_history = step.history_with.clone();
        }
    }

    /// The lab's shift (none unless the step gives one) and the step's sweep, started.
    fn set_up_lab(&mut self, ctx: &egui::Context, step: &Step) {
        let mut lab = LabSettings {
            dx: 0,
            dy: 0,
            ..self.lab.settings
        };
        if let Some([dx, dy]) = step.shift {
            lab.dx = dx;
            lab.dy = dy;
        }
        if let Some(a) = step.sweep {
            lab.axis = axis(a);
            lab.compare_modes = step.compare_modes.unwrap_or(false);
        }
        self.lab.settings = lab;
        if step.sweep.is_some() {
            self.lab.sync(&self.explorer);
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
