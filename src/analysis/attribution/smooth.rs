//! SmoothGrad (Smilkov et al. 2017): the gradient averaged over copies of the input with
//! Gaussian noise added, which calms the speckle of a single gradient. The noise is drawn
//! from a seed, so a map can be made again; Captum's `NoiseTunnel` with `nt_type="smoothgrad"`
//! computes the same mean for the same draws.

use super::gradient;
use crate::engine::grad::Trace;
use crate::engine::{Model, Result, RunOptions};
use ndarray::Array3;
use rand::{SeedableRng, rngs::StdRng};
use rand_distr::{Distribution, Normal};
use rayon::prelude::*;

/// How many noisy copies, how much noise and its seed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SmoothGrad {
    pub samples: usize,
    /// The noise's standard deviation as a fraction of the input's range (max - min): the
    /// paper finds 10-20% works best.
    pub sigma: f32,
    pub seed: u64,
}

impl Default for SmoothGrad {
    fn default() -> Self {
        SmoothGrad {
            samples: 16,
            sigma: 0.15,
            seed: 0,
        }
    }
}

/// `settings.samples` noise maps shaped like `input`, each value drawn from
/// N(0, (sigma * range)^2), from `settings.seed`.
pub fn noise_draws(input: &Array3<f32>, settings: &SmoothGrad) -> Vec<Array3<f32>> {
    let (lo, hi) = input
        .iter()
        .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
    let std = (settings.sigma * (hi - lo)).max(0.0);
    let normal = Normal::new(0.0f32, std).unwrap_or_else(|_| Normal::new(0.0, 0.0).expect("0"));
    let mut rng = StdRng::seed_from_u64(settings.seed);
    (0..settings.samples.max(1))
        .map(|_| Array3::from_shape_simple_fn(input.dim(), || normal.sample(&mut rng)))
        .collect()
}

/// SmoothGrad with noise drawn from `settings`.
pub fn smoothgrad(
    model: &Model,
    input: &Array3<f32>,
    options: &RunOptions,
    class: usize,
    settings: &SmoothGrad,
) -> Result<Array3<f32>> {
    smoothgrad_with(model, input, options, class, &noise_draws(input, settings))
}

/// The mean gradient of class `class`'s score over `input + noise` for each of `noises`.
pub fn smoothgrad_with(
    model: &Model,
    input: &Array3<f32>,
    options: &RunOptions,
    class: usize,
    noises: &[Array3<f32>],
) -> Result<Array3<f32>> {
    let grads: Vec<Array3<f32>> = noises
        .par_iter()
        .map(|noise| {
            let trace = Trace::new(model, &(input + noise), options)?;
            Ok(gradient(model, &trace, class))
        })
        .collect::<Result<_>>()?;
    let mut mean = Array3::<f32>::zeros(input.dim());
    for g in &grads {
        mean += g;
    }
    Ok(mean / grads.len().max(1) as f32)
}
