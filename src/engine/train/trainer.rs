//! Mini-batch training: shuffle, split each batch into fixed chunks of examples, compute the
//! chunks' gradients in parallel (rayon) and add them up in chunk order, so a run with the same
//! seed gives the same weights bit for bit on one machine, whatever the number of threads.
//! Each epoch's examples come from an [`EpochData`]: the same set every time, or a fresh one
//! (synthetic data drawn anew, so that the network cannot memorise it).

use super::backprop;
use super::optim::{Optimizer, OptimizerKind};
use super::params::{Grads, NormStats, parameters_mut};
use super::tape::{self, check_trainable};
use crate::engine::error::Result;
use crate::engine::layer::{LayerKind, RunOptions};
use crate::engine::model::Model;
use ndarray::Array3;
use rand::{SeedableRng, rngs::StdRng, seq::SliceRandom};
use rayon::prelude::*;
use serde::Serialize;

/// Examples per unit of parallel work; fixed so that summation order never depends on threads.
const CHUNK: usize = 4;

/// Normalised inputs and their classes.
#[derive(Debug, Clone, Copy)]
pub struct Examples<'a> {
    pub inputs: &'a [Array3<f32>],
    pub labels: &'a [usize],
}

impl Examples<'_> {
    pub(crate) fn len(&self) -> usize {
        self.inputs.len().min(self.labels.len())
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Where each epoch's training examples come from. A fixed set ([`Examples`]) gives the same
/// examples every epoch; a generator can draw new ones. Either way the result must depend only
/// on the epoch number, so that training stays reproducible.
pub trait EpochData {
    /// The examples of epoch `epoch` (1-based). Called once per epoch, in order.
    fn epoch(&mut self, epoch: usize) -> Examples<'_>;
}

impl EpochData for Examples<'_> {
    fn epoch(&mut self, _epoch: usize) -> Examples<'_> {
        *self
    }
}

impl<T: EpochData + ?Sized> EpochData for &mut T {
    fn epoch(&mut self, epoch: usize) -> Examples<'_> {
        (**self).epoch(epoch)
    }
}

/// How to train.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrainConfig {
    pub epochs: usize,
    pub batch: usize,
    pub lr: f32,
    /// Multiplies the learning rate after every epoch (1 keeps it constant).
    pub lr_decay: f32,
    pub optimizer: OptimizerKind,
    pub weight_decay: f32,
    pub seed: u64,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            epochs: 10,
            batch: 32,
            lr: 1e-3,
            lr_decay: 1.0,
            optimizer: OptimizerKind::adam(),
            weight_decay: 0.0,
            seed: 0,
        }
    }
}

/// One epoch's numbers, as stored in a model's `training.history`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct EpochStats {
    pub epoch: usize,
    /// Mean cross-entropy over the epoch's batches (dropout active).
    pub train_loss: f32,
    /// Fraction right while training through the epoch (dropout active).
    pub train_accuracy: f32,
    /// Fraction right on the held-out set after the epoch (inference mode), if one was given.
    pub test_accuracy: Option<f32>,
}

/// Loss and number right over a set of examples, summed over a chunk.
struct ChunkResult {
    grads: Grads,
    loss: f64,
    correct: usize,
}

/// The dropout seed of the `k`-th example of a batch.
fn example_seed(step_seed: u64, k: usize) -> u64 {
    step_seed
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(k as u64)
}

/// Mean gradient, mean loss and number right of `batch` (indices into `data`) at the current
/// weights. `step_seed` draws the dropout masks of this batch.
pub fn batch_gradient(
    model: &Model,
    data: Examples,
    batch: &[usize],
    step_seed: u64,
) -> (Grads, f32, usize) {
    let (grads, loss, correct, _) = batch_gradient_with_stats(model, data, batch, step_seed);
    (grads, loss, correct)
}

/// [`batch_gradient`], and the batch statistics of every batch norm layer (none without
/// batch norm), for [`update_running_stats`].
pub(crate) fn batch_gradient_with_stats(
    model: &Model,
    data: Examples,
    batch: &[usize],
    step_seed: u64,
) -> (Grads, f32, usize, Vec<NormStats>) {
    if tape::needs_batches(model) {
        // Batch norm couples the examples: the whole batch goes through layer by layer.
        let inputs = batch.iter().map(|&i| data.inputs[i].clone()).collect();
        let seeds: Vec<u64> = (0..batch.len())
            .map(|k| example_seed(step_seed, k))
            .collect();
        let labels: Vec<usize> = batch.iter().map(|&i| data.labels[i]).collect();
        let (tapes, stats) = tape::forward_batch(model, inputs, &seeds);
        let correct = tapes
            .iter()
            .zip(&labels)
            .filter(|(t, l)| backprop::loss_of(model, t, **l).1)
            .count();
        let mut grads = Grads::zeros(model);
        let loss = backprop::backward_batch(model, &tapes, &labels, &mut grads);
        let n = batch.len().max(1);
        grads.scale(1.0 / n as f32);
        return (grads, loss / n as f32, correct, stats);
    }
    let chunks: Vec<ChunkResult> = batch
        .par_chunks(CHUNK)
        .enumerate()
        .map(|(c, chunk)| {
            let mut grads = Grads::zeros(model);
            let (mut loss, mut correct) = (0f64, 0usize);
            for (k, &i) in chunk.iter().enumerate() {
                let seed = example_seed(step_seed, c * CHUNK + k);
                let t = tape::forward(model, data.inputs[i].clone(), seed);
                let label = data.labels[i];
                correct += usize::from(backprop::loss_of(model, &t, label).1);
                loss += backprop::backward(model, &t, label, &mut grads) as f64;
            }
            ChunkResult {
                grads,
                loss,
                correct,
            }
        })
        .collect();
    let mut total = Grads::zeros(model);
    let (mut loss, mut correct) = (0f64, 0usize);
    for chunk in &chunks {
        total.add(&chunk.grads);
        loss += chunk.loss;
        correct += chunk.correct;
    }
    let n = batch.len().max(1);
    total.scale(1.0 / n as f32);
    (total, (loss / n as f64) as f32, correct, Vec::new())
}

/// Moves each batch norm layer's running statistics towards a batch's, as PyTorch does:
/// `running = (1 - momentum) * running + momentum * batch`, the variance unbiased
/// (`var * n / (n - 1)`).
pub(crate) fn update_running_stats(model: &mut Model, stats: &[NormStats]) {
    for s in stats {
        let Some(LayerKind::BatchNorm(bn)) =
            model.layers_mut().get_mut(s.layer).map(|l| &mut l.kind)
        else {
            continue;
        };
        let m = bn.momentum;
        let unbiased = if s.count > 1 {
            s.count as f32 / (s.count - 1) as f32
        } else {
            1.0
        };
        for (r, &b) in bn.running_mean.iter_mut().zip(&s.mean) {
            *r = (1.0 - m) * *r + m * b;
        }
        for (r, &b) in bn.running_var.iter_mut().zip(&s.var) {
            *r = (1.0 - m) * *r + m * b * unbiased;
        }
    }
}

/// Fraction of `data` the model classifies right (inference mode), and every prediction.
pub fn evaluate(model: &Model, data: Examples) -> Result<(f32, Vec<usize>)> {
    let predictions: Vec<usize> = (0..data.len())
        .into_par_iter()
        .map(|i| {
            model
                .forward(&data.inputs[i], &RunOptions::default())
                .map(|out| crate::engine::layers::activation::argmax(&out.values()))
        })
        .collect::<Result<_>>()?;
    let right = predictions
        .iter()
        .zip(data.labels)
        .filter(|(p, l)| p == l)
        .count();
    Ok((right as f32 / data.len().max(1) as f32, predictions))
}

/// The first example whose shape is not the model's input shape, as an error.
fn check_shapes(model: &Model, data: Examples, epoch: usize) -> Result<()> {
    let wrong = (0..data.len()).find(|&i| {
        let (c, h, w) = data.inputs[i].dim();
        crate::engine::tensor::Shape::maps(c, h, w) != model.input.shape()
    });
    match wrong {
        Some(i) => {
            let (c, h, w) = data.inputs[i].dim();
            Err(crate::engine::error::Error::InputShape {
                layer: "input".into(),
                expected: model.input.shape().to_string(),
                got: format!("training example {i} of epoch {epoch}: {c} @ {h}x{w}"),
            })
        }
        None => Ok(()),
    }
}

/// Where one step of training stands, for progress reports.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct BatchStats {
    /// 1-based epoch and batch within it, and the epoch's number of batches.
    pub epoch: usize,
    pub batch: usize,
    pub batches: usize,
    /// Steps taken since the start (this one included).
    pub step: u64,
    /// Examples in this batch, its mean loss and how many it got right (dropout active).
    pub examples: usize,
    pub loss: f32,
    pub correct: usize,
}

/// What a caller hears while [`train_with`] runs. Each call sees the weights as they are
/// after the step or epoch; returning `false` stops training there (the history so far is
/// returned). A caller that pauses simply does not return until it resumes.
pub(crate) trait TrainHooks {
    fn batch(&mut self, _model: &Model, _stats: &BatchStats) -> bool {
        true
    }
    fn epoch(&mut self, _model: &Model, _stats: &EpochStats) -> bool {
        true
    }
}

/// The closures of [`train`] as hooks.
struct Closures<B, E>(B, E);

impl<B: FnMut(usize, usize), E: FnMut(&EpochStats)> TrainHooks for Closures<B, E> {
    fn batch(&mut self, _model: &Model, stats: &BatchStats) -> bool {
        (self.0)(stats.batch, stats.batches);
        true
    }
    fn epoch(&mut self, _model: &Model, stats: &EpochStats) -> bool {
        (self.1)(stats);
        true
    }
}

/// Trains `model` in place on `train_data`'s examples of each epoch. `on_batch(done, total)`
/// is called after each step of an epoch and `on_epoch` after each epoch; the returned history
/// has one entry per epoch.
pub fn train(
    model: &mut Model,
    train_data: impl EpochData,
    test_set: Option<Examples>,
    config: &TrainConfig,
    on_batch: impl FnMut(usize, usize),
    on_epoch: impl FnMut(&EpochStats),
) -> Result<Vec<EpochStats>> {
    train_with(
        model,
        train_data,
        test_set,
        config,
        &mut Closures(on_batch, on_epoch),
    )
}

/// [`train`], telling `hooks` after every step and epoch, which may stop it early. The
/// weights depend only on the model, data and config: how often and how long the hooks
/// look (or pause) changes nothing, so the app and the CLI train the same network.
pub(crate) fn train_with(
    model: &mut Model,
    mut train_data: impl EpochData,
    test_set: Option<Examples>,
    config: &TrainConfig,
    hooks: &mut dyn TrainHooks,
) -> Result<Vec<EpochStats>> {
    check_trainable(model)?;
    let batch = config.batch.max(1);
    let mut optimizer = Optimizer::new(config.optimizer, config.lr, config.weight_decay);
    let mut rng = StdRng::seed_from_u64(config.seed);
    // One order, shuffled again every epoch (rebuilt only if an epoch's set has another size).
    let mut order: Vec<usize> = Vec::new();
    // Grown epoch by epoch: a large `epochs` must not set memory aside before any training.
    let mut history = Vec::new();
    let mut step = 0u64;
    for epoch in 1..=config.epochs {
        let train_set = train_data.epoch(epoch);
        check_shapes(model, train_set, epoch)?;
        if order.len() != train_set.len() {
            order = (0..train_set.len()).collect();
        }
        order.shuffle(&mut rng);
        let batches = order.len().div_ceil(batch);
        let (mut loss_sum, mut correct) = (0f64, 0usize);
        for (b, indices) in order.chunks(batch).enumerate() {
            let seed = config.seed ^ step.wrapping_mul(0xD1B5_4A32_D192_ED03);
            let (grads, loss, right, stats) =
                batch_gradient_with_stats(model, train_set, indices, seed);
            optimizer.step(parameters_mut(model), &grads);
            update_running_stats(model, &stats);
            loss_sum += loss as f64 * indices.len() as f64;
            correct += right;
            step += 1;
            let stats = BatchStats {
                epoch,
                batch: b + 1,
                batches,
                step,
                examples: indices.len(),
                loss,
                correct: right,
            };
            if !hooks.batch(model, &stats) {
                return Ok(history);
            }
        }
        optimizer.lr *= config.lr_decay;
        let n = train_set.len().max(1) as f64;
        let test_accuracy = match test_set {
            Some(t) if !t.is_empty() => Some(evaluate(model, t)?.0),
            _ => None,
        };
        let stats = EpochStats {
            epoch,
            train_loss: (loss_sum / n) as f32,
            train_accuracy: (correct as f64 / n) as f32,
            test_accuracy,
        };
        history.push(stats);
        if !hooks.epoch(model, &stats) {
            break;
        }
    }
    Ok(history)
}
