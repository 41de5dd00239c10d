//! Feature visualisation (Olah, Mordvintsev & Schubert 2017): the input that makes one channel's
//! mean activation large, found by gradient ascent from a seeded start. Plain ascent finds
//! high-frequency noise that no picture would contain; two of the usual regularisers keep it
//! picture-like: *jitter* (each step looks at the image rolled by a few random pixels, so a
//! pattern must work wherever it sits) and *blur* (every few steps the image is smoothed a
//! little, which damps the checkerboard the strides would otherwise grow). Pictures stay in
//! \[0,1\]; a spectrogram's log-mel values stay non-negative.

use super::channel_examples::{ExamplesError, Target, stage_shape};
use crate::engine::grad::{Trace, input_gradient};
use crate::engine::{Model, RunOptions, Shape, Tensor};
use ndarray::{Array3, Axis};
use rand::{Rng, SeedableRng, rngs::StdRng};

/// How the ascent runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VisSettings {
    pub steps: usize,
    pub seed: u64,
    /// Largest roll, in input pixels, each step (jitter).
    pub jitter: usize,
    /// Every this many steps the image is blurred with a 3x3 binomial kernel (0: never).
    pub blur_every: usize,
    /// Each step moves the pixels by this much along the gradient scaled to unit RMS.
    pub step_size: f32,
}

impl Default for VisSettings {
    fn default() -> Self {
        VisSettings {
            steps: 128,
            seed: 0,
            jitter: 1,
            blur_every: 8,
            step_size: 0.05,
        }
    }
}

/// The image found, before normalisation (a picture's pixels in \[0,1\]).
#[derive(Debug, Clone, PartialEq)]
pub struct Visualisation {
    pub pixels: Array3<f32>,
    /// The channel's mean activation on the start and on the result (unrolled).
    pub start: f32,
    pub end: f32,
}

/// The objective: the channel's mean over its map (a unit's value for a vector stage).
pub fn channel_mean(t: &Tensor, channel: usize) -> f32 {
    match t {
        Tensor::Maps(m) => m.index_axis(Axis(0), channel).mean().unwrap_or(0.0),
        Tensor::Vector(v) => v[channel],
    }
}

/// The gradient seed of [`channel_mean`] at a stage shaped `like`.
fn mean_seed(like: &Tensor, channel: usize) -> Tensor {
    match like {
        Tensor::Maps(m) => {
            let (c, h, w) = m.dim();
            let share = 1.0 / (h * w).max(1) as f32;
            Tensor::Maps(Array3::from_shape_fn((c, h, w), |(k, _, _)| {
                if k == channel { share } else { 0.0 }
            }))
        }
        Tensor::Vector(v) => {
            let mut seed = ndarray::Array1::zeros(v.len());
            seed[channel] = 1.0;
            Tensor::Vector(seed)
        }
    }
}

/// The seeded start: grey 0.5 with a little uniform noise (a spectrogram: small positive noise).
pub fn start_pixels(model: &Model, seed: u64) -> Array3<f32> {
    let mut rng = StdRng::seed_from_u64(seed);
    let (c, h, w) = (model.input.channels, model.input.height, model.input.width);
    let base = if model.info.audio.is_some() { 0.1 } else { 0.5 };
    Array3::from_shape_fn((c, h, w), |_| base + rng.random_range(-0.05f32..0.05))
}

/// Rolls `a` by (`dy`, `dx`) pixels with wrap-around (negative: the other way).
fn roll(a: &Array3<f32>, dy: i64, dx: i64) -> Array3<f32> {
    let (c, h, w) = a.dim();
    let (hi, wi) = (h as i64, w as i64);
    Array3::from_shape_fn((c, h, w), |(k, y, x)| {
        let sy = (y as i64 - dy).rem_euclid(hi) as usize;
        let sx = (x as i64 - dx).rem_euclid(wi) as usize;
        a[[k, sy, sx]]
    })
}

/// A 3x3 binomial blur ([1 2 1]/4 each way), the border repeated.
fn blur(a: &Array3<f32>) -> Array3<f32> {
    let (c, h, w) = a.dim();
    let at = |k: usize, y: i64, x: i64| {
        a[[
            k,
            y.clamp(0, h as i64 - 1) as usize,
            x.clamp(0, w as i64 - 1) as usize,
        ]]
    };
    Array3::from_shape_fn((c, h, w), |(k, y, x)| {
        let (y, x) = (y as i64, x as i64);
        let row = |y: i64| at(k, y, x - 1) + 2.0 * at(k, y, x) + at(k, y, x + 1);
        (row(y - 1) + 2.0 * row(y) + row(y + 1)) / 16.0
    })
}

/// The channel's mean activation on `pixels` (before normalisation).
pub fn activation(
    model: &Model,
    target: Target,
    pixels: &Array3<f32>,
    options: &RunOptions,
) -> Result<f32, ExamplesError> {
    let mut x = pixels.clone();
    model.input.normalize(&mut x);
    let trace = Trace::new(model, &x, options)?;
    Ok(channel_mean(trace.stage(target.stage), target.channel))
}

/// The input that raises `target`'s mean activation, by `settings.steps` steps of regularised
/// gradient ascent from [`start_pixels`]. `tick(step)` is called after each step; `false`
/// stops with [`ExamplesError::Cancelled`]. The same model, target, settings and options give
/// the same pixels, bit for bit.
pub fn visualize(
    model: &Model,
    target: Target,
    settings: &VisSettings,
    options: &RunOptions,
    tick: &(dyn Fn(usize) -> bool + Sync),
) -> Result<Visualisation, ExamplesError> {
    target.check(model)?;
    if target.stage == 0 {
        // The input's own channel: its mean is raised by brightening it, nothing to find.
        let mut pixels = start_pixels(model, settings.seed);
        let start = activation(model, target, &pixels, options)?;
        pixels.index_axis_mut(Axis(0), target.channel).fill(1.0);
        let end = activation(model, target, &pixels, options)?;
        return Ok(Visualisation { pixels, start, end });
    }
    let audio = model.info.audio.is_some();
    let std: Vec<f32> = (0..model.input.channels)
        .map(|c| model.input.std.get(c).copied().unwrap_or(1.0))
        .collect();
    let mut rng = StdRng::seed_from_u64(settings.seed ^ 0x5EED_F00D);
    let mut pixels = start_pixels(model, settings.seed);
    let start = activation(model, target, &pixels, options)?;
    let j = settings.jitter as i64;
    for step in 0..settings.steps {
        let (dy, dx) = (rng.random_range(-j..=j), rng.random_range(-j..=j));
        let mut x = roll(&pixels, dy, dx);
        model.input.normalize(&mut x);
        let trace = Trace::new(model, &x, options)?;
        let seed = mean_seed(trace.stage(target.stage), target.channel);
        // d/d pixels = d/d normalised input / std; then unrolled back onto the image.
        let mut g = input_gradient(model, &trace, target.stage, seed);
        for (c, mut plane) in g.outer_iter_mut().enumerate() {
            let s = std[c];
            plane.mapv_inplace(|v| v / s);
        }
        let g = roll(&g, -dy, -dx);
        let rms = (g.iter().map(|v| v * v).sum::<f32>() / g.len().max(1) as f32).sqrt();
        if rms > 0.0 && rms.is_finite() {
            pixels.zip_mut_with(&g, |p, &d| *p += settings.step_size * d / rms);
        }
        if settings.blur_every > 0 && (step + 1) % settings.blur_every == 0 {
            pixels = blur(&pixels);
        }
        let (lo, hi) = if audio { (0.0, f32::MAX) } else { (0.0, 1.0) };
        pixels.mapv_inplace(|v| v.clamp(lo, hi));
        if !tick(step) {
            return Err(ExamplesError::Cancelled);
        }
    }
    let end = activation(model, target, &pixels, options)?;
    Ok(Visualisation { pixels, start, end })
}

/// Whether stage `stage` of `model` has channels to visualise (maps, or a vector's units).
pub fn has_channels(model: &Model, stage: usize) -> bool {
    stage <= model.layers().len()
        && match stage_shape(model, stage) {
            Shape::Maps { channels, .. } => channels > 0,
            Shape::Vector(n) => n > 0,
        }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{PoolMode, zoo};

    #[test]
    fn roll_and_blur_by_hand() {
        // 1x1x3: [1 2 3] rolled right by one -> [3 1 2], and back.
        let a = Array3::from_shape_vec((1, 1, 3), vec![1.0, 2.0, 3.0]).unwrap();
        assert_eq!(
            roll(&a, 0, 1).into_raw_vec_and_offset().0,
            vec![3.0, 1.0, 2.0]
        );
        assert_eq!(roll(&roll(&a, 3, -2), -3, 2), a);
        // A lone 16 in a 3x3 of zeros: the centre keeps 16*4/16 = 4, an edge 2, a corner 1.
        let mut d = Array3::zeros((1, 3, 3));
        d[[0, 1, 1]] = 16.0;
        let b = blur(&d);
        assert_eq!((b[[0, 1, 1]], b[[0, 0, 1]], b[[0, 0, 0]]), (4.0, 2.0, 1.0));
    }

    #[test]
    fn the_ascent_raises_the_channels_mean_above_its_start_and_above_every_sample_digit() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let model = crate::io::load_model(&dir.join("sample_models/digits-max.json")).unwrap();
        let digits: Vec<Array3<f32>> = (0..10)
            .map(|d| {
                let path = dir.join(format!("assets/samples/digit_{d}.png"));
                crate::io::file_pixels(&path, &model).unwrap()
            })
            .collect();
        let conv2 = 4;
        let options = RunOptions::default();
        for channel in [0, 3, 5, 9] {
            let target = Target {
                stage: conv2,
                channel,
            };
            let v =
                visualize(&model, target, &VisSettings::default(), &options, &|_| true).unwrap();
            let best_digit = digits
                .iter()
                .map(|d| activation(&model, target, d, &options).unwrap())
                .fold(f32::NEG_INFINITY, f32::max);
            assert!(
                v.end > v.start + 0.3 && v.end > best_digit,
                "channel {channel}: {} -> {}, best digit {best_digit}",
                v.start,
                v.end
            );
            assert!(v.pixels.iter().all(|p| (0.0..=1.0).contains(p)));
            assert_eq!(
                v.end,
                activation(&model, target, &v.pixels, &options).unwrap()
            );
        }
    }

    #[test]
    fn a_seed_gives_the_same_pixels_bit_for_bit_and_another_seed_others() {
        let model = zoo::digits(3, PoolMode::Avg);
        let target = Target {
            stage: 8,
            channel: 4,
        };
        let run = |seed| {
            let settings = VisSettings {
                steps: 24,
                seed,
                ..VisSettings::default()
            };
            visualize(&model, target, &settings, &RunOptions::default(), &|_| true).unwrap()
        };
        let (a, b, c) = (run(9), run(9), run(10));
        let bits = |v: &Visualisation| v.pixels.iter().map(|p| p.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&a), bits(&b));
        assert_ne!(bits(&a), bits(&c));
        assert!(a.end > a.start, "{} -> {}", a.start, a.end);
    }

    #[test]
    fn a_stop_and_a_wrong_channel_are_errors() {
        let model = zoo::digits(3, PoolMode::Max);
        let stop = visualize(
            &model,
            Target {
                stage: 1,
                channel: 0,
            },
            &VisSettings::default(),
            &RunOptions::default(),
            &|step| step < 3,
        );
        assert_eq!(stop, Err(ExamplesError::Cancelled));
        let wrong = visualize(
            &model,
            Target {
                stage: 1,
                channel: 8,
            },
            &VisSettings::default(),
            &RunOptions::default(),
            &|_| true,
        );
        assert!(matches!(
            wrong,
            Err(ExamplesError::NoChannel { count: 8, .. })
        ));
    }
}
