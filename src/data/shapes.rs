//! A synthetic set of coloured shapes on noisy, textured backgrounds: 64x64 RGB, generated from
//! a seed. Position varies over the whole image (what makes translation experiments
//! meaningful), as do size, rotation, colour and background.
//!
//! Training can also draw a fresh set every epoch (`FreshShapes`, `convscope train
//! --fresh-data`): a generator never runs out of examples, so a small network need not see the
//! same image twice and cannot memorise the set.

use super::dataset::Dataset;
use crate::engine::InputSpec;
use crate::engine::train::{EpochData, Examples};
use ndarray::Array3;
use rand::{Rng, SeedableRng, rngs::StdRng};
use rayon::prelude::*;

pub(crate) const SIDE: usize = 64;
pub(crate) const CLASSES: [&str; 5] = ["circle", "square", "triangle", "cross", "ring"];
/// Training images when `shapes` gives no number.
pub(crate) const DEFAULT_TRAIN: usize = 4000;

/// Largest number of synthetic images asked for at once (each is 12 KiB of bytes and 48 KiB
/// once normalised for training).
pub(crate) const MAX_SHAPES: usize = 10_000;
/// Seeds of the two splits: the same for everyone, so a "shapes" set is the same set everywhere.
pub(crate) const TRAIN_SEED: u64 = 1;
pub const TEST_SEED: u64 = 2;

/// The seed of the training images of epoch `epoch` (1-based) when they are drawn fresh each
/// epoch: epoch 1 draws the fixed training set ([`TRAIN_SEED`]), every later epoch a new set
/// whose seed is mixed from `TRAIN_SEED` and the epoch (splitmix64). None of these images
/// shares a seed with a held-out one (checked in the tests for 100,000 epochs).
pub(crate) fn epoch_seed(epoch: usize) -> u64 {
    if epoch <= 1 {
        return TRAIN_SEED;
    }
    let mut z = TRAIN_SEED ^ (epoch as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The seed image `i` of the set `seed` is drawn from.
fn image_seed(seed: u64, i: usize) -> u64 {
    seed.wrapping_mul(1_000_003).wrapping_add(i as u64)
}

/// Held-out images for `n` training images: a quarter, between 200 and 2000.
pub(crate) fn test_size(n: usize) -> usize {
    (n / 4).clamp(200, 2000)
}

/// Whether the point `(u, v)`, in the shape's own frame scaled so that it fits the unit
/// circle, is inside a shape of class `class`.
pub(crate) fn inside(class: usize, u: f32, v: f32) -> bool {
    match class {
        0 => u * u + v * v <= 1.0,
        1 => u.abs() <= 0.75 && v.abs() <= 0.75,
        2 => {
            // Equilateral triangle with circumradius 1: inside its three edges, each at
            // distance 1/2 from the centre, with outward normals at 270, 30 and 150 degrees.
            [270f32, 30.0, 150.0].iter().all(|deg| {
                let a = deg.to_radians();
                u * a.cos() + v * a.sin() <= 0.5
            })
        }
        3 => (u.abs() <= 0.25 && v.abs() <= 0.95) || (v.abs() <= 0.25 && u.abs() <= 0.95),
        _ => {
            let r2 = u * u + v * v;
            (0.36..=1.0).contains(&r2)
        }
    }
}

fn random_colour(rng: &mut StdRng) -> [f32; 3] {
    [rng.random(), rng.random(), rng.random()]
}

fn distance(a: [f32; 3], b: [f32; 3]) -> f32 {
    a.iter()
        .zip(&b)
        .map(|(x, y)| (x - y).powi(2))
        .sum::<f32>()
        .sqrt()
}

/// One image of class `class` drawn from `rng`, as \[C,H,W\] bytes.
pub(crate) fn draw(class: usize, rng: &mut StdRng) -> Vec<u8> {
    let background = random_colour(rng);
    let mut colour = random_colour(rng);
    while distance(colour, background) < 0.6 {
        colour = random_colour(rng);
    }
    // Background: a base colour, a gentle gradient, optional stripes, and pixel noise.
    let gradient = [
        rng.random_range(-0.2..0.2f32),
        rng.random_range(-0.2..0.2f32),
    ];
    let stripes = rng.random_bool(0.5);
    let stripe_angle: f32 = rng.random_range(0.0..std::f32::consts::PI);
    let stripe_period: f32 = rng.random_range(4.0..12.0);
    let stripe_amount: f32 = if stripes {
        rng.random_range(0.05..0.15)
    } else {
        0.0
    };
    let noise: f32 = rng.random_range(0.02..0.08);
    // The shape: its radius, centre anywhere it fits, and rotation.
    let radius: f32 = rng.random_range(10.0..18.0);
    let margin = radius + 1.0;
    let cx: f32 = rng.random_range(margin..SIDE as f32 - margin);
    let cy: f32 = rng.random_range(margin..SIDE as f32 - margin);
    let angle: f32 = rng.random_range(0.0..std::f32::consts::TAU);
    let (sin, cos) = angle.sin_cos();
    let mut out = vec![0u8; 3 * SIDE * SIDE];
    for y in 0..SIDE {
        for x in 0..SIDE {
            // Coverage from 2x2 samples inside the pixel, for smooth edges.
            let mut covered = 0.0;
            for (sy, sx) in [(0.25, 0.25), (0.25, 0.75), (0.75, 0.25), (0.75, 0.75)] {
                let dx = x as f32 + sx - cx;
                let dy = y as f32 + sy - cy;
                let u = (cos * dx + sin * dy) / radius;
                let v = (-sin * dx + cos * dy) / radius;
                if inside(class, u, v) {
                    covered += 0.25;
                }
            }
            let (fx, fy) = (x as f32 / SIDE as f32 - 0.5, y as f32 / SIDE as f32 - 0.5);
            let phase = (fx * stripe_angle.cos() + fy * stripe_angle.sin()) * SIDE as f32;
            let texture = stripe_amount * (phase * std::f32::consts::TAU / stripe_period).sin();
            for c in 0..3 {
                let bg = background[c] + gradient[0] * fx + gradient[1] * fy + texture;
                let value =
                    bg * (1.0 - covered) + colour[c] * covered + rng.random_range(-noise..noise);
                out[(c * SIDE + y) * SIDE + x] = (value.clamp(0.0, 1.0) * 255.0).round() as u8;
            }
        }
    }
    out
}

/// `n` images, classes in turn (balanced), each drawn from its own seed derived from `seed`,
/// so that the set does not depend on the number of threads.
pub fn generate(n: usize, seed: u64) -> Dataset {
    let images: Vec<(Vec<u8>, u8)> = (0..n)
        .into_par_iter()
        .map(|i| {
            let class = i % CLASSES.len();
            let mut rng = StdRng::seed_from_u64(image_seed(seed, i));
            (draw(class, &mut rng), class as u8)
        })
        .collect();
    let mut bytes = Vec::with_capacity(n * 3 * SIDE * SIDE);
    let mut labels = Vec::with_capacity(n);
    for (image, label) in images {
        bytes.extend_from_slice(&image);
        labels.push(label);
    }
    Dataset::new(
        format!("shapes (seed {seed})"),
        (3, SIDE, SIDE),
        bytes,
        labels,
        CLASSES.iter().map(|s| s.to_string()).collect(),
    )
    .expect("sizes and labels are right by construction")
}

/// `n` training shapes drawn anew each epoch from [`epoch_seed`], normalised for a network
/// whose input is `spec`: an [`EpochData`] for the trainer. Only one epoch's set is held at a
/// time.
#[derive(Debug)]
pub(crate) struct FreshShapes {
    n: usize,
    spec: InputSpec,
    /// The epoch whose set `inputs` and `labels` hold (0: none yet).
    epoch: usize,
    inputs: Vec<Array3<f32>>,
    labels: Vec<usize>,
}

impl FreshShapes {
    pub(crate) fn new(n: usize, spec: InputSpec) -> FreshShapes {
        FreshShapes {
            n,
            spec,
            epoch: 0,
            inputs: Vec::new(),
            labels: Vec::new(),
        }
    }

    /// The set of the last epoch drawn, as training saw it.
    pub(crate) fn current(&self) -> Examples<'_> {
        Examples {
            inputs: &self.inputs,
            labels: &self.labels,
        }
    }
}

impl EpochData for FreshShapes {
    fn epoch(&mut self, epoch: usize) -> Examples<'_> {
        if epoch != self.epoch {
            // Free the last set before drawing the next: each is 48 KiB an image.
            self.inputs = Vec::new();
            let set = generate(self.n, epoch_seed(epoch));
            self.labels = set.labels();
            self.inputs = (0..set.len())
                .into_par_iter()
                .map(|i| {
                    let mut x = set.pixels(i);
                    self.spec.normalize(&mut x);
                    x
                })
                .collect();
            self.epoch = epoch;
        }
        self.current()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_images_and_another_does_not() {
        let a = generate(10, 7);
        assert_eq!(a, generate(10, 7));
        assert_ne!(a.pixels(0), generate(10, 8).pixels(0));
        assert_eq!(a.len(), 10);
        assert_eq!(a.image_shape(), (3, 64, 64));
        assert_eq!(
            (0..10).map(|i| a.label(i)).collect::<Vec<_>>(),
            vec![0, 1, 2, 3, 4, 0, 1, 2, 3, 4]
        );
    }

    #[test]
    fn fresh_epochs_never_draw_a_held_out_image() {
        // Epoch 1 is the fixed training set. The images of an epoch have the consecutive
        // seeds image_seed(s, 0..n); the held-out ones image_seed(TEST_SEED, 0..n), n at most
        // MAX_SHAPES. The two runs of seeds must not meet (modulo 2^64), nor may two epochs
        // share a set seed.
        assert_eq!(epoch_seed(1), TRAIN_SEED);
        let held_out = image_seed(TEST_SEED, 0);
        let max = MAX_SHAPES as u64;
        let mut seeds = std::collections::HashSet::new();
        for epoch in 1..=100_000 {
            let s = epoch_seed(epoch);
            assert!(seeds.insert(s), "epoch {epoch} repeats a seed");
            let gap = image_seed(s, 0).wrapping_sub(held_out);
            assert!(
                gap >= max && gap <= u64::MAX - max + 1,
                "epoch {epoch}'s images meet the held-out ones"
            );
        }
    }

    #[test]
    fn fresh_shapes_are_the_same_for_the_same_epoch_and_new_for_the_next() {
        let spec = InputSpec {
            channels: 3,
            height: SIDE,
            width: SIDE,
            mean: vec![0.5; 3],
            std: vec![0.25; 3],
        };
        let (mut a, mut b) = (
            FreshShapes::new(10, spec.clone()),
            FreshShapes::new(10, spec),
        );
        let first = a.epoch(1).inputs.to_vec();
        // Epoch 1 is the fixed set `generate(n, TRAIN_SEED)`, normalised.
        let fixed = generate(10, TRAIN_SEED);
        assert_eq!(first[3], fixed.pixels(3).mapv(|v| (v - 0.5) / 0.25));
        assert_eq!(b.epoch(1).inputs, first.as_slice());
        let second = a.epoch(2).inputs.to_vec();
        assert_eq!(
            b.epoch(2).inputs,
            second.as_slice(),
            "same epoch, same images"
        );
        assert!(
            (0..10).all(|i| first[i] != second[i]),
            "every image of epoch 2 is new"
        );
        let third = a.epoch(3).inputs.to_vec();
        assert_ne!(third, second);
        // Asking again for the current epoch draws nothing new; classes stay balanced.
        assert_eq!(a.epoch(3).inputs, third.as_slice());
        assert_eq!(a.current().labels, &[0, 1, 2, 3, 4, 0, 1, 2, 3, 4]);
    }

    #[test]
    fn shapes_by_their_defining_points() {
        // The centre is inside every class but the ring; (0.9, 0) is inside the circle but
        // outside the square (half-side 0.75); (0, 0.8) is in the ring.
        assert!((0..4).all(|c| inside(c, 0.0, 0.0)));
        assert!(!inside(4, 0.0, 0.0) && inside(4, 0.0, 0.8));
        assert!(inside(0, 0.9, 0.0) && !inside(1, 0.9, 0.0));
        // Triangle: the apex (0, 1) is in, the bottom-edge midpoint (0, -0.5) is on the edge,
        // (0, -0.6) is out. The cross's arm reaches (0.9, 0) but not (0.5, 0.5).
        assert!(inside(2, 0.0, 0.99) && inside(2, 0.0, -0.5) && !inside(2, 0.0, -0.6));
        assert!(inside(3, 0.9, 0.0) && !inside(3, 0.5, 0.5));
    }

    #[test]
    fn positions_spread_over_the_image() {
        // The centre of mass of the pixels that differ most from the corner moves a lot.
        let set = generate(40, 3);
        let centres: Vec<f32> = (0..set.len())
            .map(|i| {
                let p = set.pixels(i);
                let corner = [p[[0, 0, 0]], p[[1, 0, 0]], p[[2, 0, 0]]];
                let (mut sx, mut n) = (0.0, 0.0);
                for y in 0..SIDE {
                    for x in 0..SIDE {
                        let d: f32 = (0..3).map(|c| (p[[c, y, x]] - corner[c]).abs()).sum();
                        if d > 0.6 {
                            sx += x as f32;
                            n += 1.0;
                        }
                    }
                }
                if n > 0.0 { sx / n } else { 32.0 }
            })
            .collect();
        let lo = centres.iter().copied().fold(f32::INFINITY, f32::min);
        let hi = centres.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        assert!(hi - lo > 25.0, "centres only span {lo}..{hi}");
    }
}
