//! The numbers a lesson step's text quotes, computed live: from the explorer's run, from the
//! lab's sweep, from the models the step compares with (run on the app's input, with its
//! noise, or swept over the same shifts), from the open model's same weights with max and
//! with average pooling (the noise control), and from test sets (`evidence.rs`, measured on
//! background threads, asked for here before each frame). Small models only: the comparisons
//! on one input run on the UI thread, once per input.

use super::evidence::Request;
use crate::app::explorer::prepare::prepare_input;
use crate::app::explorer::run::{BACKGROUND_ABOVE, multiply_adds};
use crate::app::explorer::state::trained_pool_mode;
use crate::app::shell::app::ConvscopeApp;
use crate::engine::{LayerKind, PoolMode};
use crate::lesson::Facts;

impl ConvscopeApp {
    /// Every number the current step's text may quote, from the network as it is now.
    pub fn lesson_facts(&self) -> Facts {
        let ex = &self.explorer;
        let prediction = ex
            .prediction()
            .map(|(_, p)| (ex.prediction_label().unwrap_or_default(), p));
        let (input, layers) = match ex.trace.split_first() {
            Some((input, layers)) => (input, layers),
            None => {
                let mut facts = self.lesson.compared.clone();
                facts.extend_from(&self.lesson.evidence.facts());
                facts.extend_from(&self.lesson_run_facts());
                return facts;
            }
        };
        let mut facts = Facts::of_run(&ex.net, input, layers, prediction);
        self.add_conv_try(&mut facts);
        if self.explain.shown {
            facts.extend_from(&self.explain.lesson_facts(ex));
        }
        facts.extend_from(&self.lesson.compared);
        facts.extend_from(&self.lesson.evidence.facts());
        facts.extend_from(&self.lesson_run_facts());
        if let Some(noise) = ex.noise.noise() {
            facts.set("noise-level", format!("{}", noise.level));
            facts.set("noise-seed", ex.noise.seed.to_string());
            let clean = ex.clean_prediction().map(|(i, p)| (ex.net.label(i), p));
            facts.add_noise_run("", &ex.net, &ex.noise_similarity(), clean, None);
            let mut cache = self.lesson.noise_runs.borrow_mut();
            if cache.as_ref().map(|c| c.0) != Some(ex.generation) {
                let mut runs = self.compared_noise_runs();
                runs.extend_from(&self.noise_control());
                *cache = Some((ex.generation, runs));
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
    /// The shown convolution tried with another padding and stride (the maps its view
    /// draws): `STAGE-try-…`, see [`Facts::add_conv_try`].
    fn add_conv_try(&self, facts: &mut Facts) {
        let ex = &self.explorer;
        let Some((t, maps)) = self.view.conv_try.maps(ex, ex.stage) else {
            return;
        };
        let Some(layer) = ex.stage_layer(ex.stage) else {
            return;
        };
        let LayerKind::Conv2d(conv) = &layer.kind else {
            return;
        };
        let rows = ex
            .input_stages(ex.stage)
            .first()
            .and_then(|&s| ex.trace.get(s)?.as_maps())
            .map_or(0, |m| m.dim().1);
        facts.add_conv_try(&layer.name, conv, rows, t, &maps);
    }

    /// The lesson's training runs' numbers, and the step's paired comparisons of two runs.
    fn lesson_run_facts(&self) -> Facts {
        let paired = self
            .lesson
            .lesson
            .as_ref()
            .and_then(|l| l.steps.get(self.lesson.step))
            .map_or(&[][..], |s| &s.paired[..]);
        self.lesson.runs.facts(paired)
    }

    /// Each compared model swept over `shifts` on the app's input (with its noise), in the
    /// mode it was trained with, as the lab sweeps the open model: its numbers under
    /// `NAME-sweep-…` (see [`Facts::add_sweep_under`]). A model the input does not fit, or
    /// that fails, is left out (its numbers then show as unknown). Small models only: this runs
    /// on the UI thread, once per input.
    fn compared_sweeps(&self, shifts: &[(i32, i32)], fill: crate::io::Fill) -> Facts {
        let ex = &self.explorer;
        let mut facts = Facts::default();
        for (name, model) in &self.lesson.compared_models {
            if multiply_adds(model) * shifts.len() as u64 > BACKGROUND_ABOVE {
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

    /// The clean control for noise: the open model's same weights with every pooling layer in
    /// max and in average pooling, each noisy run against its own clean run (see
    /// [`Facts::add_noise_control`]), and for salt-and-pepper noise on a picture how many
    /// pixels went white and black. Left out for a network without pooling or too big to run
    /// four times in a frame.
    fn noise_control(&self) -> Facts {
        let ex = &self.explorer;
        let mut facts = Facts::default();
        let Some(noise) = ex.noise.noise() else {
            return facts;
        };
        if noise.kind == crate::analysis::robustness::NoiseKind::SaltPepper
            && ex.net.info.audio.is_none()
        {
            let counts = crate::analysis::robustness::salt_and_pepper(
                &ex.clean_pixels,
                &ex.pixels,
                (0.0, 1.0),
            );
            facts.add_salt_and_pepper(counts);
        }
        if ex.net.pool_layers().is_empty() || 4 * multiply_adds(&ex.net) > BACKGROUND_ABOVE {
            return facts;
        }
        let input =
            |pixels| crate::io::network_input(pixels, &ex.net.input, 0, 0, crate::io::Fill::Zero);
        let (clean, noisy) = (input(&ex.clean_pixels), input(&ex.pixels));
        for mode in [PoolMode::Max, PoolMode::Avg] {
            let options = crate::engine::RunOptions {
                pool_mode: Some(mode),
                ..ex.run_options()
            };
            if let Ok(similarity) =
                crate::analysis::robustness::run_similarity(&ex.net, &clean, &noisy, &options)
            {
                facts.add_noise_control(&ex.net, mode, &similarity);
            }
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

impl ConvscopeApp {
    /// Starts the evidence the open step measures over test sets and takes what finished;
    /// called before every frame.
    pub(crate) fn poll_lesson_evidence(&mut self, ctx: &egui::Context) {
        let step = self
            .lesson
            .lesson
            .as_ref()
            .filter(|_| self.view.show_lesson)
            .and_then(|l| l.steps.get(self.lesson.step));
        let ex = &self.explorer;
        let noise = ex.noise.noise().map(|n| (n, ex.noise.seed));
        // With no step shown nothing is asked for: what runs still finishes and is kept. Pairs
        // of two of the lesson's training runs are compared from the runs (see `runs.rs`).
        let runs = &self.lesson.runs;
        let requests = step.map_or_else(Vec::new, |s| {
            let mut s = s.clone();
            s.paired
                .retain(|[a, b]| !(runs.is_run(a) && runs.is_run(b)));
            Request::of_step(&s, noise)
        });
        let s = self.settings.language.strings();
        let no_model = |name: &str| crate::app::i18n::fill(s.lesson_no_model, &[&name]);
        self.lesson
            .evidence
            .want(requests, &self.models, &no_model, ctx);
    }
}
