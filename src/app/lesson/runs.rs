//! A lesson's training runs (`[step.train]`), driven through the Train tab: the step on screen
//! wants its own run and every earlier step's (oldest first); the first of them not yet
//! trained starts in the Train tab, one at a time, and each finished run is kept (by its
//! name and settings) for as long as the app is open, so going back, jumping or "Reset step" shows the
//! same runs on the same axes without training again. Each run keeps its number on the axes
//! (its colour) for the whole lesson. Their numbers, and paired comparisons between two runs
//! on the same test digits, become the step's facts; `…` until a run has finished.

use crate::app::i18n;
use crate::app::shell::app::ConvscopeApp;
use crate::app::train::run::{Run, RunState};
use crate::app::train::settings::{ArchChoice, DataChoice, TrainSettings};
use crate::data::augment::Augment;
use crate::lesson::facts::{RunNumbers, RunRecipe};
use crate::lesson::{Facts, TrainData, TrainRun, runs_until};

/// At most this many training images and epochs for every run of a lesson, for a quick look
/// (tests, `convscope handout --quick-runs`): the numbers then are not the class's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunCap {
    pub train_size: usize,
    pub epochs: usize,
}

/// One run of the lesson: the step it is named after, its settings and its number.
#[derive(Debug, Clone, PartialEq)]
struct Named {
    name: String,
    settings: TrainSettings,
    number: usize,
}

/// The lesson's runs: what the step on screen wants, what finished, and which run the lesson
/// started in the Train tab.
#[derive(Debug, Default)]
pub struct LessonRuns {
    /// Every run of the open lesson, in the order of its steps.
    all: Vec<Named>,
    /// The runs the step on screen shows, oldest first (its own last).
    wanted: Vec<Named>,
    /// Finished (or failed) runs by their name and settings.
    done: Vec<(String, Run)>,
    /// The name and settings of the run the lesson started in the Train tab, while it is
    /// there.
    started: Option<(String, TrainSettings)>,
    /// What the Train tab was last given to show: the wanted runs and how many were done.
    shown: Option<(Vec<usize>, usize)>,
    pub cap: Option<RunCap>,
}

impl LessonRuns {
    fn finished(&self, run: &Named) -> Option<&Run> {
        self.done
            .iter()
            .find(|(name, r)| *name == run.name && r.settings == run.settings)
            .map(|(_, r)| r)
    }

    fn is_started(&self, run: &Named) -> bool {
        self.started.as_ref() == Some(&(run.name.clone(), run.settings.clone()))
    }

    /// Whether a run `name` of the open lesson exists (a paired comparison of two runs).
    pub fn is_run(&self, name: &str) -> bool {
        self.all.iter().any(|n| n.name == name)
    }

    /// Whether the step on screen waits for a run still to be trained.
    pub fn training(&self) -> bool {
        self.wanted
            .iter()
            .any(|w| self.finished(w).is_none())
    }

    /// The runs' numbers for the step on screen: every run of the lesson that finished, `…`
    /// for the others; and each pair of `paired` that names two runs, compared on the same
    /// test examples.
    pub fn facts(&self, paired: &[[String; 2]]) -> Facts {
        let mut facts = Facts::default();
        for run in &self.all {
            let t = &run.settings;
            facts.add_run_recipe(
                &run.name,
                &RunRecipe {
                    train_size: t.train_size,
                    epochs: t.epochs,
                    dropout: t.dropout.unwrap_or(0.0),
                    weight_decay: t.weight_decay,
                    augment_shift: t.augment.shift,
                    seed: t.seed,
                },
            );
            match self.finished(run).and_then(numbers) {
                Some(n) => facts.add_run(&run.name, &n),
                None => facts.add_pending_run(&run.name),
            }
        }
        for [a, b] in paired {
            let right = |name: &str| {
                let named = self.all.iter().find(|n| n.name == name)?;
                let run = self.finished(named)?;
                (!run.test_right.is_empty()).then_some(&run.test_right)
            };
            if !self.is_run(a) || !self.is_run(b) {
                continue;
            }
            match (right(a), right(b)) {
                (Some(ra), Some(rb)) if ra.len() == rb.len() => facts.add_paired((a, b), (ra, rb)),
                _ => facts.add_pending_paired((a, b)),
            }
        }
        facts
    }
}

/// A finished run's numbers, from the record its trained model keeps (accuracies measured in
/// inference mode after the last epoch).
fn numbers(run: &Run) -> Option<RunNumbers> {
    if run.state != RunState::Finished {
        return None;
    }
    let record = &run.model.as_ref()?.info.training;
    Some(RunNumbers {
        train_accuracy: record["train_accuracy"].as_f64()?,
        test_accuracy: record["test_accuracy"].as_f64()?,
        train_size: run.train_size,
        test_size: run.test_size,
        seconds: run.active_seconds,
    })
}

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
            train_size: cap.map_or(run.train_size, |c| run.train_size.min(c.train_size)),
            epochs: cap.map_or(run.epochs, |c| run.epochs.min(c.epochs)),
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
