//! One run of the explorer's network on its input: every stage's output, the probabilities
//! (with and without dropout) and, with noise on, the clean input's run to compare with. A
//! teaching network runs on the UI thread (well under a millisecond); one of more than
//! [`BACKGROUND_ABOVE`] multiply-adds (AlexNet, VGG, ResNet) runs on a worker thread while the
//! window keeps the previous maps. Decided by size, not by timing a run, so the same model
//! always behaves the same way.

use super::net::{BuiltNet, NetPlan};
use crate::analysis::{self, argmax};
use crate::app::shell::background;
use crate::engine::{self, LayerKind, Model, RunOptions, Tensor};
use crate::io::{Fill, network_input};
use ndarray::Array3;
use std::sync::{Arc, Mutex};

/// A network with more multiply-adds per pass than this runs off the UI thread: at the 10-50
/// GFLOP/s a core manages here, 50 M multiply-adds take a few milliseconds, and the first
/// network above it (AlexNet, 0.7 G) tens of them: a frame should never wait on that.
pub(crate) const BACKGROUND_ABOVE: u64 = 50_000_000;

/// The multiply-adds of one pass: convolutions and dense layers, plus one per output value
/// of every other layer.
pub(crate) fn multiply_adds(net: &Model) -> u64 {
    let mut total = 0u64;
    for (layer, out) in net.layers().iter().zip(net.shapes()) {
        let outputs = out.len() as u64;
        total += match &layer.kind {
            LayerKind::Conv2d(c) => {
                let per_output = c.weight.len() / c.weight.dim().0.max(1);
                outputs * per_output as u64
            }
            LayerKind::Dense(d) => d.weight.len() as u64,
            _ => outputs,
        };
    }
    total
}

/// What one run produced.
#[derive(Debug, Clone)]
pub struct Computed {
    /// The network that ran (made on the worker thread when it was a new one).
    pub net: BuiltNet,
    pub trace: Vec<Tensor>,
    pub probabilities: Vec<f32>,
    pub probabilities_no_dropout: Vec<f32>,
    pub thumbnail_channels: Vec<usize>,
    pub clean_trace: Vec<Tensor>,
    pub clean_probabilities: Vec<f32>,
}

/// What a run needs, owned, so it can go to another thread (the model is shared, not copied).
pub struct RunRequest {
    pub net: NetPlan,
    pub pixels: Array3<f32>,
    /// The input without noise, when noise is on.
    pub clean_pixels: Option<Array3<f32>>,
    pub options: RunOptions,
}

impl RunRequest {
    /// Runs it: the engine's error when the network cannot run on this input.
    pub fn run(&self) -> engine::Result<Computed> {
        let built = self.net.build();
        let net = &built.net;
        let ends_in_classes = net.ends_in_classes();
        let class_probabilities = |t: &[Tensor]| match t.last() {
            Some(last) if ends_in_classes => analysis::probabilities(net, last),
            _ => Vec::new(),
        };
        let input = network_input(&self.pixels, &net.input, 0, 0, Fill::Zero);
        let trace = analysis::trace(net, &input, &self.options)?;
        let probabilities = class_probabilities(&trace);
        let probabilities_no_dropout = if self.options.dropout.is_some() && ends_in_classes {
            let options = RunOptions {
                dropout: None,
                ..self.options
            };
            net.forward(&input, &options)
                .map(|last| analysis::probabilities(net, &last))
                .unwrap_or_default()
        } else {
            probabilities.clone()
        };
        // With noise on, the clean input's run beside it, with the same options (a dropout
        // mask is seeded): only the noise differs.
        let (clean_trace, clean_probabilities) = match &self.clean_pixels {
            Some(clean) => {
                let clean = network_input(clean, &net.input, 0, 0, Fill::Zero);
                match analysis::trace(net, &clean, &self.options) {
                    Ok(t) => {
                        let p = class_probabilities(&t);
                        (t, p)
                    }
                    Err(_) => (Vec::new(), Vec::new()),
                }
            }
            None => (Vec::new(), Vec::new()),
        };
        Ok(Computed {
            net: built.clone(),
            thumbnail_channels: trace.iter().map(most_active_channel).collect(),
            trace,
            probabilities,
            probabilities_no_dropout,
            clean_trace,
            clean_probabilities,
        })
    }
}

/// The channel of a stage's maps with the largest sum of absolute values (the first on ties;
/// 0 for a vector).
pub(crate) fn most_active_channel(t: &Tensor) -> usize {
    let Some(maps) = t.as_maps() else {
        return 0;
    };
    let activity: Vec<f32> = maps
        .outer_iter()
        .map(|channel| channel.iter().map(|v| v.abs()).sum())
        .collect();
    argmax(&activity)
}

type Slot = Arc<Mutex<Option<engine::Result<Computed>>>>;

/// A run on a worker thread; its result waits in the slot until the UI thread takes it.
#[derive(Debug, Clone, Default)]
pub struct BackgroundRun {
    slot: Slot,
}

impl BackgroundRun {
    /// Starts `request` on a new thread.
    pub fn start(request: RunRequest) -> BackgroundRun {
        let slot: Slot = Arc::default();
        let out = Arc::clone(&slot);
        background::spawn(move || {
            let result = request.run();
            if let Ok(mut s) = out.lock() {
                *s = Some(result);
            }
        });
        BackgroundRun { slot }
    }

    /// The result, once the run is done (taken: a second call is None).
    pub fn take(&self) -> Option<engine::Result<Computed>> {
        self.slot.lock().ok()?.take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{PoolMode, zoo};

    fn ready(net: &Arc<Model>) -> NetPlan {
        NetPlan::Ready(BuiltNet {
            net: Arc::clone(net),
            window_note: None,
            window_error: None,
        })
    }

    #[test]
    fn a_background_run_gives_what_the_same_run_gives_here() {
        let net = Arc::new(zoo::digits(1, PoolMode::Max));
        let pixels = Array3::from_shape_fn((1, 28, 28), |(_, y, x)| {
            ((x * 7 + y * 3) % 11) as f32 / 10.0
        });
        let request = || RunRequest {
            net: ready(&net),
            pixels: pixels.clone(),
            clean_pixels: Some(Array3::zeros((1, 28, 28))),
            options: RunOptions {
                pool_mode: Some(PoolMode::Avg),
                dropout: None,
            },
        };
        let here = request().run().expect("runs");
        let run = BackgroundRun::start(request());
        let there = loop {
            if let Some(r) = run.take() {
                break r.expect("runs");
            }
            std::thread::sleep(std::time::Duration::from_millis(1));
        };
        assert_eq!(here.trace, there.trace);
        assert_eq!(here.probabilities, there.probabilities);
        assert_eq!(here.clean_trace.len(), net.layers().len() + 1);
        assert_eq!(here.clean_trace, there.clean_trace);
        assert!(run.take().is_none(), "taken once");
    }

    #[test]
    fn the_thumbnail_shows_the_most_active_channel() {
        let mut maps = Array3::<f32>::zeros((3, 2, 2));
        maps[[1, 0, 0]] = -5.0; // large in magnitude, though negative
        maps[[2, 1, 1]] = 4.0;
        assert_eq!(most_active_channel(&Tensor::Maps(maps)), 1);
        assert_eq!(
            most_active_channel(&Tensor::Maps(Array3::zeros((4, 1, 1)))),
            0
        );
        assert_eq!(
            most_active_channel(&Tensor::Vector(ndarray::arr1(&[0.0, 9.0]))),
            0
        );
    }
    #[test]
    fn multiply_adds_count_convolutions_and_dense_layers() {
        // digits: conv 1->8 3x3 on 28x28, relu, pool, conv 8->16 3x3 on 14x14, relu, pool,
        // flatten, dense 784->10, softmax.
        let net = zoo::digits(1, PoolMode::Max);
        let conv = 8 * 28 * 28 * 9 + 16 * 14 * 14 * 8 * 9;
        let elementwise = 8 * 28 * 28 + 8 * 14 * 14 + 16 * 14 * 14 + 16 * 7 * 7 + 784 + 10;
        assert_eq!(multiply_adds(&net), (conv + elementwise + 7840) as u64);
        assert!(multiply_adds(&net) < BACKGROUND_ABOVE);
        assert!(multiply_adds(&zoo::tiny_vgg(1, PoolMode::Max)) < BACKGROUND_ABOVE);
    }

    #[test]
    fn an_input_of_the_wrong_size_is_an_error_in_words() {
        let request = RunRequest {
            net: ready(&Arc::new(zoo::digits(1, PoolMode::Max))),
            pixels: Array3::zeros((3, 5, 5)),
            clean_pixels: None,
            options: RunOptions::default(),
        };
        assert!(request.run().is_err());
    }
}
