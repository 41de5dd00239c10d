//! A lesson's training runs (`[step.train]`), driven through the Train tab: the step on screen
//! wants its own run and every earlier step's (oldest first); the first of them not yet
//! trained starts in the Train tab, one at a time, and each finished run is kept (by its
//! name and settings) for as long as the app is open, so going back, jumping or "Reset step" shows the
//! same runs on the same axes without training again. Each run keeps its number on the axes
//! (its colour) for the whole lesson. Their numbers, and paired comparisons between two runs
//! on the same test digits, become the step's facts; `…` until a run has finished. The app
//! drives them in `training.rs`.

use crate::app::train::run::Run;
use crate::app::train::settings::TrainSettings;
use crate::lesson::Facts;
use crate::lesson::facts::{RunNumbers, RunRecipe};

/// Every run of a lesson on a share of its training images and at most so many epochs, for a
/// quick look (tests, `convscope handout --quick-runs`): runs on more images still have more
/// than the others, but the numbers are not the class's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunCap {
    /// The training images are divided by this (at least [`RunCap::LEAST_IMAGES`] are kept).
    pub shrink: usize,
    pub epochs: usize,
}

impl RunCap {
    /// The fewest training images a shrunk run keeps.
    pub const LEAST_IMAGES: usize = 16;

    /// `train_size` training images for `epochs`, shrunk.
    pub fn apply(self, train_size: usize, epochs: usize) -> (usize, usize) {
        let images = (train_size / self.shrink.max(1)).max(Self::LEAST_IMAGES);
        (images.min(train_size), epochs.min(self.epochs).max(1))
    }
}

/// One run of the lesson: the step it is named after, its settings and its number.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Named {
    pub(super) name: String,
    pub(super) settings: TrainSettings,
    pub(super) number: usize,
}

/// The lesson's runs: what the step on screen wants, what finished, and which run the lesson
/// started in the Train tab.
#[derive(Debug, Default)]
pub struct LessonRuns {
    /// Every run of the open lesson, in the order of its steps.
    pub(super) all: Vec<Named>,
    /// The runs the step on screen shows, oldest first (its own last).
    pub(super) wanted: Vec<Named>,
    /// Finished (or failed) runs by their name and settings.
    pub(super) done: Vec<(String, Run)>,
    /// The name and settings of the run the lesson started in the Train tab, while it is
    /// there.
    pub(super) started: Option<(String, TrainSettings)>,
    /// What the Train tab was last given to show: the wanted runs and how many were done.
    pub(super) shown: Option<(Vec<usize>, usize)>,
    pub cap: Option<RunCap>,
}

impl LessonRuns {
    pub(super) fn finished(&self, run: &Named) -> Option<&Run> {
        self.done
            .iter()
            .find(|(name, r)| *name == run.name && r.settings == run.settings)
            .map(|(_, r)| r)
    }

    pub(super) fn is_started(&self, run: &Named) -> bool {
        self.started.as_ref() == Some(&(run.name.clone(), run.settings.clone()))
    }

    /// Whether a run `name` of the open lesson exists (a paired comparison of two runs).
    pub fn is_run(&self, name: &str) -> bool {
        self.all.iter().any(|n| n.name == name)
    }

    /// Whether the step on screen waits for a run still to be trained.
    pub fn training(&self) -> bool {
        self.wanted.iter().any(|w| self.finished(w).is_none())
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
    let (train_accuracy, test_accuracy) = run.after_training()?;
    Some(RunNumbers {
        train_accuracy,
        test_accuracy,
        train_size: run.train_size,
        test_size: run.test_size,
        seconds: run.active_seconds,
    })
}
