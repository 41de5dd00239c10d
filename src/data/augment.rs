//! Augmentation while training: every epoch each image is moved by a random whole-pixel shift
//! (the uncovered border filled with the background, black before normalisation) and given
//! Gaussian noise. Drawn from the run's seed, the epoch and the image's index, so a run stays
//! reproducible bit for bit (and does not depend on the number of threads).

use crate::engine::InputSpec;
use crate::engine::train::{EpochData, Examples};
use ndarray::Array3;
use rand::{Rng, SeedableRng, rngs::StdRng};
use rand_distr::{Distribution, Normal};
use rayon::prelude::*;

/// Largest shift and noise the settings accept.
pub(crate) const MAX_SHIFT: usize = 16;
pub(crate) const MAX_NOISE: f32 = 1.0;

/// How each training image is varied every epoch.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Augment {
    /// Each image moves by up to this many pixels along x and along y (uniform, both ways).
    pub shift: usize,
    /// Standard deviation of the noise added to each pixel, in pixel units (0 to 1).
    pub noise: f32,
}

impl Augment {
    /// Whether it changes nothing.
    pub(crate) fn is_none(&self) -> bool {
        self.shift == 0 && self.noise <= 0.0
    }

    /// `image` (normalised as `spec` says) shifted and noised with `rng`'s draws.
    pub(crate) fn apply(
        &self,
        image: &Array3<f32>,
        spec: &InputSpec,
        rng: &mut StdRng,
    ) -> Array3<f32> {
        let s = self.shift as i64;
        let (dx, dy) = if s > 0 {
            (rng.random_range(-s..=s), rng.random_range(-s..=s))
        } else {
            (0, 0)
        };
        let (c, h, w) = image.dim();
        let mut out = Array3::zeros((c, h, w));
        for ch in 0..c {
            let mean = spec.mean.get(ch).copied().unwrap_or(0.0);
            let std = spec.std.get(ch).copied().unwrap_or(1.0);
            // Black, normalised: what the border of a digit or shape is.
            let background = -mean / std;
            for y in 0..h {
                for x in 0..w {
                    let (sy, sx) = (y as i64 - dy, x as i64 - dx);
                    let inside = (0..h as i64).contains(&sy) && (0..w as i64).contains(&sx);
                    out[[ch, y, x]] = if inside {
                        image[[ch, sy as usize, sx as usize]]
                    } else {
                        background
                    };
                }
            }
        }
        if self.noise > 0.0
            && let Ok(normal) = Normal::new(0.0f32, self.noise)
        {
            for ((ch, _, _), v) in out.indexed_iter_mut() {
                let std = spec.std.get(ch).copied().unwrap_or(1.0);
                *v += normal.sample(rng) / std;
            }
        }
        out
    }
}

/// The seed of example `index` in epoch `epoch` (splitmix64 of the three).
pub(crate) fn example_seed(seed: u64, epoch: usize, index: usize) -> u64 {
    let mut z = seed
        ^ (epoch as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ (index as u64).wrapping_mul(0xD6E8_FEB8_6659_FD93);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A fixed set, varied anew every epoch.
pub(crate) struct Augmented<'a> {
    base: Examples<'a>,
    augment: Augment,
    spec: InputSpec,
    seed: u64,
    inputs: Vec<Array3<f32>>,
}

impl<'a> Augmented<'a> {
    pub(crate) fn new(base: Examples<'a>, augment: Augment, spec: InputSpec, seed: u64) -> Self {
        Augmented {
            base,
            augment,
            spec,
            seed,
            inputs: Vec::new(),
        }
    }
}

impl EpochData for Augmented<'_> {
    fn epoch(&mut self, epoch: usize) -> Examples<'_> {
        let (augment, spec, seed) = (self.augment, &self.spec, self.seed);
        self.inputs = self.base.inputs[..self.base.len()]
            .par_iter()
            .enumerate()
            .map(|(i, x)| {
                let mut rng = StdRng::seed_from_u64(example_seed(seed, epoch, i));
                augment.apply(x, spec, &mut rng)
            })
            .collect();
        Examples {
            inputs: &self.inputs,
            labels: self.base.labels,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> InputSpec {
        InputSpec {
            channels: 1,
            height: 4,
            width: 4,
            mean: vec![0.5],
            std: vec![0.25],
        }
    }

    #[test]
    fn a_shift_moves_pixels_and_fills_with_black() {
        // One bright pixel (normalised: (1 - 0.5) / 0.25 = 2) at (1, 1) on black (-2).
        let mut x = Array3::from_elem((1, 4, 4), -2.0f32);
        x[[0, 1, 1]] = 2.0;
        let a = Augment {
            shift: 2,
            noise: 0.0,
        };
        let mut moved = 0;
        for s in 0..50 {
            let out = a.apply(&x, &spec(), &mut StdRng::seed_from_u64(s));
            let bright: Vec<_> = out.indexed_iter().filter(|(_, v)| **v == 2.0).collect();
            assert!(bright.len() <= 1, "{out:?}");
            assert!(out.iter().all(|&v| v == 2.0 || v == -2.0));
            moved += usize::from(bright.first().is_none_or(|(i, _)| *i != (0, 1, 1)));
        }
        assert!(moved > 20, "only {moved} of 50 draws moved the pixel");
    }

    #[test]
    fn noise_is_in_pixel_units_and_epochs_differ_but_repeat() {
        let x = Array3::zeros((1, 4, 4));
        let inputs = vec![x; 200];
        let labels = vec![0; 200];
        let base = Examples {
            inputs: &inputs,
            labels: &labels,
        };
        let a = Augment {
            shift: 0,
            noise: 0.1,
        };
        let mut aug = Augmented::new(base, a, spec(), 7);
        let e1: Vec<f32> = aug.epoch(1).inputs.iter().flatten().copied().collect();
        let e2: Vec<f32> = aug.epoch(2).inputs.iter().flatten().copied().collect();
        let again: Vec<f32> = aug.epoch(1).inputs.iter().flatten().copied().collect();
        assert_eq!(e1, again);
        assert_ne!(e1, e2);
        // Noise 0.1 in pixels is 0.4 after dividing by std 0.25.
        let var = e1.iter().map(|v| v * v).sum::<f32>() / e1.len() as f32;
        assert!((var.sqrt() - 0.4).abs() < 0.03, "std {}", var.sqrt());
    }
}
