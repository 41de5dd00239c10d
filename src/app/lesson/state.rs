//! The open lesson as plain data, and how a step sets the app up. A step's setup is every
//! earlier step's setup with its own on top, so jumping to a step (or "Reset step") gives the
//! same app whatever the student did before. No drawing here (see `lesson_view.rs`).

use crate::analysis::SweepAxis;
use crate::app::explorer::controls::{DropoutSetting, PoolWindow};
use crate::app::explorer::prepare::prepare_input;
use crate::app::explorer::state::trained_pool_mode;
use crate::app::i18n;
use crate::app::lab::state::LabSettings;
use crate::app::shell::app::ConvscopeApp;
use crate::app::shell::view_state::Tab;
use crate::engine::{Model, PoolMode};
use crate::lesson::{Facts, Lesson, PoolChoice, Step, SweepChoice, View, WindowChoice};

/// The lesson being taught and where in it the class is.
#[derive(Debug, Default)]
pub struct LessonState {
    pub lesson: Option<Lesson>,
    pub step: usize,
    /// Numbers of the sample models the current step compares with.
    pub compared: Facts,
    /// Those models, to run on the app's input while noise is on.
    pub compared_models: Vec<(String, Model)>,
    /// The compared models' runs on the noisy input, for the explorer generation they were
    /// computed for (the text is redrawn every frame; the runs only when the input changes).
    pub noise_runs: std::cell::RefCell<Option<(u64, Facts)>>,
    /// The compared models' translation sweeps on the app's input, over the shifts of the
    /// step's sweep, for the explorer generation they were computed for.
    pub sweep_runs: std::cell::RefCell<Option<(u64, Facts)>>,
    /// Why the last lesson or step could not be opened or set up.
    pub error: Option<String>,
}

/// What applies at a step: the fold of every step up to it. `sweep` and `compare` belong to
/// their own step only.
pub fn effective(steps: &[Step], index: usize) -> Step {
    let mut out = Step::default();
    for (i, s) in steps.iter().enumerate().take(index + 1) {
        let own = i == index;
        out.id = s.id.clone();
        macro_rules! keep {
            ($($f:ident),*) => {$(if s.$f.is_some() { out.$f = s.$f.clone(); })*};
        }
        keep!(
            model,
            sample,
            stage,
            pool,
            window,
            dropout,
            view,
            shift,
            arithmetic,
            history_with,
            noise,
            noise_seed
        );
        if own {
            out.sweep = s.sweep;
            out.compare_modes = s.compare_modes;
            out.compare = s.compare.clone();
        }
    }
    out
}

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
        match Lesson::open(name_or_path) {
            Ok(lesson) => {
                self.lesson.lesson = Some(lesson);
                self.view.show_lesson = true;
                self.lesson.error = None;
                self.go_to_step(ctx, 0);
            }
            Err(e) => {
                self.view.show_lesson = true;
                self.lesson.error = Some(e);
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
        self.lesson.error = self.set_up(ctx, &setup).err();
    }

    fn sample_model(&self, name: &str) -> Result<(std::path::PathBuf, Model), String> {
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

    /// Applies a step's setup; the first thing that cannot be done is the error (the rest is
    /// still applied).
    fn set_up(&mut self, ctx: &egui::Context, step: &Step) -> Result<(), String> {
        let mut problems = Vec::new();
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
            match crate::app::input::samples::sample_image(sample) {
                Ok(input) => {
                    if self.explorer.set_input(input) {
                        self.settings.last_sample = Some(sample.clone());
                        self.settings.last_image_file = None;
                    }
                }
                Err(e) => problems.push(e),
            }
        }
        let ex = &mut self.explorer;
        if step.noise.is_some() || step.noise_seed.is_some() {
            let parsed = step
                .noise
                .as_deref()
                .map(crate::analysis::robustness::parse_one_noise);
            let mut noise = ex.noise;
            match parsed {
                Some(Ok(Some(n))) => {
                    noise.kind = Some(n.kind);
                    noise.level = n.level;
                }
                Some(Ok(None)) => noise.kind = None,
                Some(Err(e)) => problems.push(e),
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
        match problems.into_iter().next() {
            Some(first) => Err(first),
            None => Ok(()),
        }
    }

    /// Every number the current step's text may quote, from the network as it is now.
    pub fn lesson_facts(&self) -> Facts {
        let ex = &self.explorer;
        let prediction = ex
            .prediction()
            .map(|(_, p)| (ex.prediction_label().unwrap_or_default(), p));
        let (input, layers) = match ex.trace.split_first() {
            Some((input, layers)) => (input, layers),
            None => return self.lesson.compared.clone(),
        };
        let mut facts = Facts::of_run(&ex.net, input, layers, prediction);
        facts.extend_from(&self.lesson.compared);
        if let Some(noise) = ex.noise.noise() {
            facts.set("noise-level", format!("{}", noise.level));
            facts.set("noise-seed", ex.noise.seed.to_string());
            let clean = ex.clean_prediction().map(|(i, p)| (ex.net.label(i), p));
            facts.add_noise_run("", &ex.net, &ex.noise_similarity(), clean, None);
            let mut cache = self.lesson.noise_runs.borrow_mut();
            if cache.as_ref().map(|c| c.0) != Some(ex.generation) {
                *cache = Some((ex.generation, self.compared_noise_runs()));
            }
            if let Some((_, runs)) = cache.as_ref() {
                facts.extend_from(runs);
            }
        }
        let step_sweeps = self
            .lesson
            .lesson
            .as_ref()
            .and_then(|l| l.steps.get(self.lesson.step))
            .is_some_and(|s| s.sweep.is_some());
        let current = self
            .lab
            .sweep
            .as_ref()
            .filter(|d| d.generation == ex.generation);
        match current {
            Some(data) if self.lab.job.is_none() => {
                for run in &data.runs {
                    facts.add_sweep(&ex.net, Some(run.mode), run.original_class, &run.results);
                }
                let main = data
                    .runs
                    .iter()
                    .find(|r| r.mode == ex.pool_mode)
                    .or(data.runs.first());
                if let Some(run) = main {
                    facts.add_sweep(&ex.net, None, run.original_class, &run.results);
                }
                let mut cache = self.lesson.sweep_runs.borrow_mut();
                if cache.as_ref().map(|c| c.0) != Some(ex.generation) {
                    let shifts: Vec<(i32, i32)> = main
                        .map(|r| r.results.iter().map(|s| (s.dx, s.dy)).collect())
                        .unwrap_or_default();
                    *cache = Some((ex.generation, self.compared_sweeps(&shifts, data.fill)));
                }
                if let Some((_, runs)) = cache.as_ref() {
                    facts.extend_from(runs);
                }
            }
            _ if step_sweeps => {
                facts.add_pending_sweep(&ex.net, &[PoolMode::Max, PoolMode::Avg, PoolMode::BlurMax])
            }
            _ => {}
        }
        facts
    }
}

impl ConvscopeApp {
    /// Each compared model swept over `shifts` on the app's input (with its noise), in the
    /// mode it was trained with, as the lab sweeps the open model: its numbers under
    /// `NAME-sweep-…` (see [`Facts::add_sweep_under`]). A model the input does not fit, or
    /// that fails, is left out (its numbers then show as unknown). Small models only: this runs
    /// on the UI thread, once per input.
    fn compared_sweeps(&self, shifts: &[(i32, i32)], fill: crate::io::Fill) -> Facts {
        let ex = &self.explorer;
        let mut facts = Facts::default();
        for (name, model) in &self.lesson.compared_models {
            if crate::app::explorer::run::multiply_adds(model) * shifts.len() as u64
                > crate::app::explorer::run::BACKGROUND_ABOVE
            {
                continue;
            }
            let Ok(prepared) = prepare_input(&ex.input, model, &ex.noise) else {
                continue;
            };
            let options = crate::engine::RunOptions {
                pool_mode: trained_pool_mode(model),
                dropout: None,
            };
            let Ok(results) =
                crate::analysis::sweep(model, &prepared.seen, shifts, fill, &options, &|| true)
            else {
                continue;
            };
            let original_class = crate::analysis::unshifted_class(&results);
            facts.add_sweep_under(&format!("{name}-sweep-"), model, original_class, &results);
        }
        facts
    }

    /// Each compared model run on the app's input, clean and with the app's noise, in the
    /// mode it was trained with: its numbers under its name (see [`Facts::add_noise_run`]).
    /// A model the input does not fit is left out (its numbers then show as unknown).
    fn compared_noise_runs(&self) -> Facts {
        let ex = &self.explorer;
        let mut facts = Facts::default();
        for (name, model) in &self.lesson.compared_models {
            let mut model = model.clone();
            model.info = model.info.localized(ex.language);
            let Ok(prepared) = prepare_input(&ex.input, &model, &ex.noise) else {
                continue;
            };
            let options = crate::engine::RunOptions {
                pool_mode: trained_pool_mode(&model),
                dropout: None,
            };
            let run = |pixels: &ndarray::Array3<f32>| {
                let x = crate::io::network_input(pixels, &model.input, 0, 0, crate::io::Fill::Zero);
                crate::analysis::trace(&model, &x, &options).ok()
            };
            let (Some(clean), Some(noisy)) = (run(&prepared.clean), run(&prepared.seen)) else {
                continue;
            };
            let top = |t: &[crate::engine::Tensor]| {
                let last = t.last().filter(|_| model.ends_in_classes())?;
                let p = crate::analysis::probabilities(&model, last);
                let i = crate::analysis::argmax(&p);
                Some((model.label(i), p[i]))
            };
            let similarity: Vec<f32> = noisy
                .iter()
                .zip(&clean)
                .map(|(a, b)| crate::analysis::similarity::same_position(a, b))
                .collect();
            facts.add_noise_run(
                &format!("{name}-"),
                &model,
                &similarity,
                top(&clean),
                top(&noisy),
            );
        }
        facts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_inherits_earlier_settings_but_not_their_sweeps() {
        let steps = vec![
            Step {
                id: "a".into(),
                model: Some("digits-max".into()),
                stage: Some("pool1".into()),
                sweep: Some(SweepChoice::X),
                compare: vec!["digits-gap".into()],
                ..Step::default()
            },
            Step {
                id: "b".into(),
                stage: Some("fc".into()),
                ..Step::default()
            },
        ];
        let b = effective(&steps, 1);
        assert_eq!(b.id, "b");
        assert_eq!(b.model.as_deref(), Some("digits-max"));
        assert_eq!(b.stage.as_deref(), Some("fc"));
        assert_eq!(b.sweep, None);
        assert!(b.compare.is_empty());
        let a = effective(&steps, 0);
        assert_eq!(a.sweep, Some(SweepChoice::X));
        assert_eq!(a.compare, ["digits-gap"]);
    }
}
