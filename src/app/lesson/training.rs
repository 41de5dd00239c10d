//! How the app trains a lesson's runs ([`LessonRuns`]) through the Train tab: a step's setup
//! says which runs it shows, and every frame the lesson's finished run is kept and the next
//! one it wants is started.

use super::runs::{LessonRuns, Named};
use crate::app::i18n;
use crate::app::shell::app::ConvscopeApp;
use crate::app::train::run::Run;
use crate::app::train::settings::{ArchChoice, DataChoice, TrainSettings};
use crate::data::augment::Augment;
use crate::lesson::{TrainData, TrainRun, runs_until};

impl ConvscopeApp {
    /// The Train tab's settings for a lesson's run, on the sample model it names.
    fn run_settings(&self, run: &TrainRun) -> Result<TrainSettings, String> {
        let model = self
            .models
            .iter()
            .find(|m| m.name == run.arch)
            .ok_or_else(|| i18n::fill(self.strings().lesson_no_model, &[&run.arch]))?;
        let cap = self.lesson.runs.cap;
        let defaults = TrainSettings::default();
        Ok(TrainSettings {
            arch: ArchChoice::Sample {
                name: model.name.clone(),
                path: model.path.clone(),
            },
            data: match run.data {
                TrainData::Mnist => DataChoice::Mnist,
                TrainData::Fashion => DataChoice::Fashion,
                TrainData::Shapes => DataChoice::Shapes,
                TrainData::Speech => DataChoice::Speech,
            },
            train_size: cap.map_or(run.train_size, |c| c.apply(run.train_size, run.epochs).0),
            epochs: cap.map_or(run.epochs, |c| c.apply(run.train_size, run.epochs).1),
            lr: run.lr.unwrap_or(defaults.lr),
            batch: run.batch.unwrap_or(defaults.batch),
            seed: run.seed,
            pool: None,
            dropout: run.dropout,
            weight_decay: run.weight_decay,
            augment: Augment {
                shift: run.augment_shift,
                noise: 0.0,
            },
            ..defaults
        })
    }

    /// The runs step `lesson.step` shows (with `lesson.revealed`, its reveal's too); what
    /// cannot be set up goes to `problems`. Called when a step is set up.
    pub(crate) fn set_up_runs(&mut self, problems: &mut Vec<String>) {
        let Some(lesson) = &self.lesson.lesson else {
            return;
        };
        let every = runs_until(&lesson.steps, lesson.steps.len(), true);
        let wanted = runs_until(&lesson.steps, self.lesson.step, self.lesson.revealed);
        let mut all = Vec::new();
        for (i, (name, run)) in every.iter().enumerate() {
            match self.run_settings(run) {
                Ok(settings) => all.push(Named {
                    name: name.clone(),
                    settings,
                    number: i + 1,
                }),
                Err(e) => problems.push(e),
            }
        }
        let runs = &mut self.lesson.runs;
        // The step owns the Train tab: a run started by hand gives way to the lesson's.
        if !all.is_empty() && self.train.running() && runs.started.is_none() {
            self.train.abandon();
        }
        runs.wanted = all
            .iter()
            .filter(|n| wanted.iter().any(|(w, _)| *w == n.name))
            .cloned()
            .collect();
        runs.all = all;
        runs.shown = None;
    }

    /// Takes in the lesson's finished run and starts the next one the step wants; the Train
    /// tab shows the step's runs. Called before every frame.
    pub(crate) fn poll_lesson_runs(&mut self, ctx: &egui::Context) {
        let lesson_open = self.lesson.lesson.is_some();
        let runs = &mut self.lesson.runs;
        if !lesson_open {
            runs.wanted.clear();
        }
        let t = &mut self.train;
        if let Some((name, started)) = runs.started.clone() {
            match &t.current {
                Some(run) if run.settings == started => {
                    if !run.is_active() {
                        runs.done
                            .retain(|(n, r)| !(*n == name && r.settings == started));
                        runs.done.push((name, run.clone()));
                        runs.started = None;
                    } else if !runs.wanted.iter().any(|w| runs.is_started(w)) {
                        t.abandon();
                        runs.started = None;
                    }
                }
                // The teacher started a run of their own.
                _ => runs.started = None,
            }
        }
        // A lesson without runs leaves the Train tab alone, as does a run the teacher started.
        if !lesson_open || runs.all.is_empty() || (t.running() && runs.started.is_none()) {
            return;
        }
        let earlier = |runs: &LessonRuns| -> Vec<Run> {
            runs.wanted
                .iter()
                .filter(|w| !runs.is_started(w))
                .filter_map(|w| runs.finished(w).cloned())
                .collect()
        };
        let key = (
            runs.wanted.iter().map(|w| w.number).collect::<Vec<_>>(),
            runs.done.len(),
        );
        if t.running() {
            // The lesson's run goes on; the earlier runs beside it follow the step.
            if runs.shown.as_ref() != Some(&key) {
                t.runs = earlier(runs);
                runs.shown = Some(key);
            }
            return;
        }
        let next = runs
            .wanted
            .iter()
            .find(|w| runs.finished(w).is_none())
            .cloned();
        match next {
            Some(next) => {
                t.show_runs(earlier(runs), None);
                t.settings = next.settings.clone();
                let ex = &self.explorer;
                t.start(&ex.model, Some(ex.pixels.clone()), ctx);
                if let Some(run) = &mut t.current {
                    run.number = next.number;
                }
                runs.started = Some((next.name, next.settings));
                runs.shown = None;
            }
            None if runs.shown.as_ref() != Some(&key) => {
                let mut shown = earlier(runs);
                let current = shown.pop();
                if let Some(last) = runs.wanted.last() {
                    t.settings = last.settings.clone();
                }
                t.show_runs(shown, current);
                runs.shown = Some(key);
            }
            None => {}
        }
    }
}
