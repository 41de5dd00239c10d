//! A synthetic set of coloured shapes on noisy, textured backgrounds: 64x64 RGB, generated from
//! a seed. Position varies over the whole image (what makes translation experiments
//! meaningful), as do size, rotation, colour and background.

use super::Dataset;
use rand::{Rng, SeedableRng, rngs::StdRng};
use rayon::prelude::*;

pub const SIDE: usize = 64;
pub const CLASSES: [&str; 5] = ["circle", "square", "triangle", "cross", "ring"];
/// Training images when `shapes` gives no number.
pub const DEFAULT_TRAIN: usize = 4000;
/// Seeds of the two splits: the same for everyone, so a "shapes" set is the same set everywhere.
pub const TRAIN_SEED: u64 = 1;
pub const TEST_SEED: u64 = 2;

/// Held-out images for `n` training images: a quarter, between 200 and 2000.
pub fn test_size(n: usize) -> usize {
    (n / 4).clamp(200, 2000)
}

/// Whether the point `(u, v)`, in the shape's own frame scaled so that it fits the unit
/// circle, is inside a shape of class `class`.
pub fn inside(class: usize, u: f32, v: f32) -> bool {
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

/// One image of class `class` drawn from `rng`, as [C,H,W] bytes.
pub fn draw(class: usize, rng: &mut StdRng) -> Vec<u8> {
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
            let mut rng =
                StdRng::seed_from_u64(seed.wrapping_mul(1_000_003).wrapping_add(i as u64));
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
