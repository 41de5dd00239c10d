//! Initial weights: Kaiming (He et al. 2015) for layers followed by a ReLU, Xavier (Glorot &
//! Bengio 2010) for the others; biases start at zero. Seeded, so a run is reproducible.

use crate::engine::layer::LayerKind;

use crate::engine::layers::activation::Activation;

use crate::engine::model::Model;
use rand::{SeedableRng, rngs::StdRng};
use rand_distr::{Distribution, Normal, Uniform};

/// How a layer's weights are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Init {
    /// Normal with std `sqrt(2 / fan_in)`: keeps the variance through ReLUs.
    Kaiming,
    /// Uniform in `±sqrt(6 / (fan_in + fan_out))`.
    Xavier,
}

/// The rule for layer `index`: Kaiming when the next layer other than dropout and batch norm
/// is a ReLU-like activation (ReLU, leaky ReLU, ReLU6, PReLU), Xavier otherwise.
pub(crate) fn rule_for(model: &Model, index: usize) -> Init {
    let next = model.layers()[index + 1..]
        .iter()
        .find(|l| !matches!(l.kind, LayerKind::Dropout { .. } | LayerKind::BatchNorm(_)));
    match next.map(|l| &l.kind) {
        Some(LayerKind::Activation(Activation::Relu | Activation::LeakyRelu { .. }))
        | Some(LayerKind::Prelu(_)) => Init::Kaiming,
        Some(LayerKind::Activation(f)) if *f == Activation::RELU6 => Init::Kaiming,
        _ => Init::Xavier,
    }
}

fn fill(values: &mut [f32], init: Init, fan_in: usize, fan_out: usize, rng: &mut StdRng) {
    match init {
        Init::Kaiming => {
            let std = (2.0 / fan_in.max(1) as f32).sqrt();
            let normal = Normal::new(0.0, std).expect("std is finite and positive");
            values.iter_mut().for_each(|v| *v = normal.sample(rng));
        }
        Init::Xavier => {
            let a = (6.0 / (fan_in + fan_out).max(1) as f32).sqrt();
            let uniform = Uniform::new_inclusive(-a, a).expect("bounds are ordered");
            values.iter_mut().for_each(|v| *v = uniform.sample(rng));
        }
    }
}

/// Draws fresh weights for every conv2d and dense layer from `seed`; biases become zero.
/// Batch norm starts as the identity (gamma 1, beta 0, running mean 0 and variance 1) and
/// PReLU slopes at 0.25, as in PyTorch.
pub fn initialize(model: &mut Model, seed: u64) {
    let rules: Vec<Init> = (0..model.layers().len())
        .map(|i| rule_for(model, i))
        .collect();
    let mut rng = StdRng::seed_from_u64(seed);
    for (layer, rule) in model.layers_mut().iter_mut().zip(rules) {
        match &mut layer.kind {
            LayerKind::Conv2d(c) => {
                let (o, i, kh, kw) = c.weight.dim();
                let mut w = c.weight.as_standard_layout().to_owned();
                fill(
                    w.as_slice_mut().expect("standard layout"),
                    rule,
                    i * kh * kw,
                    o * kh * kw,
                    &mut rng,
                );
                c.weight = w;
                if let Some(b) = &mut c.bias {
                    b.fill(0.0);
                }
            }
            LayerKind::Dense(d) => {
                let (o, i) = d.weight.dim();
                let mut w = d.weight.as_standard_layout().to_owned();
                fill(
                    w.as_slice_mut().expect("standard layout"),
                    rule,
                    i,
                    o,
                    &mut rng,
                );
                d.weight = w;
                if let Some(b) = &mut d.bias {
                    b.fill(0.0);
                }
            }
            LayerKind::BatchNorm(bn) => {
                bn.weight.fill(1.0);
                bn.bias.fill(0.0);
                bn.running_mean.fill(0.0);
                bn.running_var.fill(1.0);
            }
            LayerKind::Prelu(p) => p.weight.fill(0.25),
            _ => {}
        }
    }
}
