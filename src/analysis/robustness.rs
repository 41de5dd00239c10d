//! Noise on an input and what it does to a network: Gaussian or salt-and-pepper noise, seeded,
//! on any list of values (picture pixels, spectrogram cells, waveform samples), and over a
//! labelled set the accuracy with and without it plus how similar each stage stays to its
//! clean self.

use super::similarity::same_position;
use super::sweep::{argmax, probabilities, trace};
use crate::engine::{Model, Result, RunOptions};
use ndarray::Array3;
use rand::{Rng, SeedableRng, rngs::StdRng};
use rand_distr::{Distribution, Normal};
use rayon::prelude::*;
use std::fmt;
use thiserror::Error;

/// Which noise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NoiseKind {
    /// Added N(0, (level * range)^2), then clamped to the range.
    Gaussian,
    /// A share `level` of the values set to the range's low or high end, half each.
    SaltPepper,
}

impl NoiseKind {
    pub(crate) const ALL: [NoiseKind; 2] = [NoiseKind::Gaussian, NoiseKind::SaltPepper];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            NoiseKind::Gaussian => "gaussian",
            NoiseKind::SaltPepper => "saltpepper",
        }
    }

    pub fn parse(text: &str) -> Option<NoiseKind> {
        NoiseKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// A kind of noise at a level in [0, 1]: Gaussian's standard deviation, or salt-and-pepper's
/// share of values, both relative to the range of the values it is put on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Noise {
    pub kind: NoiseKind,
    pub level: f32,
}

impl fmt::Display for Noise {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.kind.as_str(), self.level)
    }
}

/// What is wrong with a noise as a person typed it, and what to write instead.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NoiseError {
    #[error("`{group}`: expected KIND:LEVEL[,LEVEL...], e.g. gaussian:0.1,0.2")]
    Syntax { group: String },
    #[error("`{kind}` is not a noise: gaussian or saltpepper")]
    Kind { kind: String },
    #[error("`{level}` is not a noise level between 0 and 1")]
    Level { level: String },
    #[error("no noise given: e.g. gaussian:0.1,0.2")]
    Empty,
    #[error("`{text}`: give one noise (e.g. gaussian:0.2 or saltpepper:0.05) or none")]
    NotOne { text: String },
}

/// Why noisy inputs, or a measurement over them, could not be made.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum RobustnessError {
    /// The spectrogram of a noisy recording (the model's audio input section says how).
    #[error(transparent)]
    Spectrogram(#[from] crate::io::error::PixelsError),
    /// An example could not be read or made noisy (the caller's message).
    #[error("{0}")]
    Example(String),
    #[error(transparent)]
    Engine(#[from] crate::engine::Error),
}

/// `gaussian:0.1,0.2` -> two noises; several groups separated by `|` or `;`
/// (`gaussian:0.1|saltpepper:0.05`).
pub(crate) fn parse_noises(text: &str) -> std::result::Result<Vec<Noise>, NoiseError> {
    let mut out = Vec::new();
    for group in text.split(['|', ';']).filter(|g| !g.trim().is_empty()) {
        let (kind, levels) = group
            .trim()
            .split_once(':')
            .ok_or_else(|| NoiseError::Syntax {
                group: group.to_string(),
            })?;
        let kind = NoiseKind::parse(kind).ok_or_else(|| NoiseError::Kind {
            kind: kind.to_string(),
        })?;
        for level in levels.split(',') {
            let level: f32 = level
                .trim()
                .parse()
                .ok()
                .filter(|l: &f32| (0.0..=1.0).contains(l))
                .ok_or_else(|| NoiseError::Level {
                    level: level.to_string(),
                })?;
            out.push(Noise { kind, level });
        }
    }
    if out.is_empty() {
        return Err(NoiseError::Empty);
    }
    Ok(out)
}

/// The seed of example `index`'s noise under `seed`: the same every run.
pub fn example_seed(seed: u64, index: usize) -> u64 {
    seed ^ (index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// Puts `noise` on `values`, whose clean range is `[lo, hi]`; the same `seed` gives the same
/// noise. Values stay in the range.
pub(crate) fn add_noise(values: &mut [f32], noise: Noise, (lo, hi): (f32, f32), seed: u64) {
    let mut rng = StdRng::seed_from_u64(seed);
    let span = (hi - lo).max(0.0);
    match noise.kind {
        NoiseKind::Gaussian => {
            let Ok(normal) = Normal::new(0.0f32, noise.level * span) else {
                return;
            };
            for v in values {
                *v = (*v + normal.sample(&mut rng)).clamp(lo, hi);
            }
        }
        NoiseKind::SaltPepper => {
            for v in values {
                if rng.random::<f32>() < noise.level {
                    *v = if rng.random::<bool>() { hi } else { lo };
                }
            }
        }
    }
}

/// A copy of `pixels` with noise on them (range `[lo, hi]`).
pub fn noisy(pixels: &Array3<f32>, noise: Noise, range: (f32, f32), seed: u64) -> Array3<f32> {
    let mut out = pixels.as_standard_layout().into_owned();
    if let Some(values) = out.as_slice_mut() {
        add_noise(values, noise, range, seed);
    }
    out
}

/// The range noise is measured against on a network's input maps before normalisation: a
/// picture's pixels are in [0, 1]; a spectrogram's cells go from 0 to its largest value.
pub(crate) fn input_range(pixels: &Array3<f32>, is_picture: bool) -> (f32, f32) {
    if is_picture {
        (0.0, 1.0)
    } else {
        let values = pixels.as_standard_layout();
        (0.0, value_range(values.as_slice().unwrap_or(&[])).1)
    }
}

/// A recording's samples with noise on them, measured against minus to plus its peak (the
/// recording itself, before its spectrogram is made).
pub(crate) fn noisy_samples(samples: &[f32], noise: Noise, seed: u64) -> Vec<f32> {
    let (lo, hi) = value_range(samples);
    let peak = lo.abs().max(hi.abs());
    let mut out = samples.to_vec();
    add_noise(&mut out, noise, (-peak, peak), seed);
    out
}

/// `model`'s input with `noise` on it, as the app shows it and `convscope inspect --noise`
/// runs it: for an audio model given its `recording`, on the recording's samples (then the
/// spectrogram is made from them; the noisy recording is returned too), otherwise on the
/// `clean` maps before normalisation (a picture's pixels against [0, 1], a spectrogram's cells
/// against 0 to its largest value). Example `i` of `convscope robustness --seed S` is this
/// with the seed [`example_seed`]`(S, i)`.
pub fn noisy_input(
    model: &Model,
    clean: &Array3<f32>,
    recording: Option<&crate::io::Audio>,
    noise: Noise,
    seed: u64,
) -> std::result::Result<(Array3<f32>, Option<crate::io::Audio>), RobustnessError> {
    if let (Some(audio), Some(spec)) = (recording, &model.info.audio) {
        let mut dirty = audio.clone();
        dirty.samples = noisy_samples(&audio.samples, noise, seed);
        let pixels = crate::io::audio_pixels(&dirty, spec, &model.input)?;
        return Ok((pixels, Some(dirty)));
    }
    let range = input_range(clean, model.info.audio.is_none());
    Ok((noisy(clean, noise, range, seed), None))
}

/// Exactly one noise (`gaussian:0.2`, `saltpepper:0.05`), or none (`none`, `off`): what
/// `convscope inspect --noise` and a lesson step's `noise` take.
pub fn parse_noise_or_none(text: &str) -> std::result::Result<Option<Noise>, NoiseError> {
    if matches!(text.trim(), "none" | "off") {
        return Ok(None);
    }
    match parse_noises(text)?.as_slice() {
        [one] => Ok(Some(*one)),
        _ => Err(NoiseError::NotOne {
            text: text.to_string(),
        }),
    }
}

/// The smallest and largest value (0, 0 for none).
pub(crate) fn value_range(values: &[f32]) -> (f32, f32) {
    let finite = values.iter().copied().filter(|v| v.is_finite());
    let lo = finite.clone().fold(f32::INFINITY, f32::min);
    let hi = finite.fold(f32::NEG_INFINITY, f32::max);
    if lo.is_finite() { (lo, hi) } else { (0.0, 0.0) }
}

/// What noise did over a set.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Robustness {
    pub examples: usize,
    /// Top-1 accuracy on the clean inputs.
    pub clean_accuracy: f32,
    /// Top-1 accuracy on the noisy ones.
    pub noisy_accuracy: f32,
    /// Share of examples whose top-1 class is the same with and without noise.
    pub agreement: f32,
    /// Per stage (0 = the input), the mean cosine similarity between the clean and the noisy
    /// example's output at the same positions.
    pub stage_similarity: Vec<f32>,
}

/// An example's clean and noisy pixels (before normalisation) and its label.
pub(crate) type Example = (Array3<f32>, Array3<f32>, usize);

/// Per example: right when clean, right when noisy, same answer, per-stage similarity.
type Outcome = (bool, bool, bool, Vec<f32>);

/// `example(i)` gives example `i`'s clean and noisy pixels (before normalisation) and its
/// label; its error is reported as [`RobustnessError::Example`].
pub(crate) fn robustness<E: fmt::Display>(
    model: &Model,
    count: usize,
    example: &(dyn Fn(usize) -> std::result::Result<Example, E> + Sync),
    options: &RunOptions,
) -> std::result::Result<Robustness, RobustnessError> {
    let run = |pixels: &Array3<f32>| -> Result<Vec<crate::engine::Tensor>> {
        let mut x = pixels.clone();
        model.input.normalize(&mut x);
        trace(model, &x, options)
    };
    let per: Vec<Outcome> = (0..count)
        .into_par_iter()
        .map(|i| {
            let (clean, dirty, label) =
                example(i).map_err(|e| RobustnessError::Example(e.to_string()))?;
            let a = run(&clean)?;
            let b = run(&dirty)?;
            let predict =
                |t: &[crate::engine::Tensor]| t.last().map(|l| argmax(&probabilities(model, l)));
            let (pa, pb) = (predict(&a), predict(&b));
            let sims = a.iter().zip(&b).map(|(x, y)| same_position(x, y)).collect();
            Ok((pa == Some(label), pb == Some(label), pa == pb, sims))
        })
        .collect::<std::result::Result<_, RobustnessError>>()?;
    let n = count.max(1) as f32;
    let share = |f: &dyn Fn(&Outcome) -> bool| per.iter().filter(|p| f(p)).count() as f32 / n;
    let stages = per.first().map_or(0, |p| p.3.len());
    let stage_similarity = (0..stages)
        .map(|s| {
            per.iter()
                .map(|p| p.3.get(s).copied().unwrap_or(0.0))
                .sum::<f32>()
                / n
        })
        .collect();
    Ok(Robustness {
        examples: count,
        clean_accuracy: share(&|p| p.0),
        noisy_accuracy: share(&|p| p.1),
        agreement: share(&|p| p.2),
        stage_similarity,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noises_parse_and_bad_ones_say_why() {
        let n = parse_noises("gaussian:0.1,0.2|saltpepper:0.05").unwrap();
        assert_eq!(n.len(), 3);
        assert_eq!(n[2].to_string(), "saltpepper:0.05");
        for bad in ["", "gaussian", "pink:0.1", "gaussian:2", "gaussian:x"] {
            assert!(parse_noises(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_noises(" ; "), Err(NoiseError::Empty));
        assert_eq!(
            parse_noises("gaussian").unwrap_err().to_string(),
            "`gaussian`: expected KIND:LEVEL[,LEVEL...], e.g. gaussian:0.1,0.2"
        );
        assert_eq!(
            parse_noises("pink:0.1"),
            Err(NoiseError::Kind {
                kind: "pink".into()
            })
        );
        assert_eq!(
            parse_noises("gaussian:0.1,2").unwrap_err().to_string(),
            "`2` is not a noise level between 0 and 1"
        );
    }

    #[test]
    fn one_noise_or_none() {
        assert_eq!(parse_noise_or_none("none"), Ok(None));
        assert_eq!(
            parse_noise_or_none("saltpepper:0.05"),
            Ok(Some(Noise {
                kind: NoiseKind::SaltPepper,
                level: 0.05
            }))
        );
        assert!(parse_noise_or_none("gaussian:0.1,0.2").is_err());
        assert!(parse_noise_or_none("loud").is_err());
        assert_eq!(parse_noise_or_none(" off "), Ok(None));
        assert_eq!(
            parse_noise_or_none("gaussian:0.1,0.2"),
            Err(NoiseError::NotOne {
                text: "gaussian:0.1,0.2".into()
            })
        );
        assert_eq!(
            parse_noise_or_none("gaussian:0.1,0.2")
                .unwrap_err()
                .to_string(),
            "`gaussian:0.1,0.2`: give one noise (e.g. gaussian:0.2 or saltpepper:0.05) or none"
        );
    }

    #[test]
    fn a_recording_gets_noise_against_its_peak_and_a_spectrogram_against_its_top() {
        let g = Noise {
            kind: NoiseKind::Gaussian,
            level: 0.1,
        };
        let quiet: Vec<f32> = (0..20_000)
            .map(|i| if i % 2 == 0 { 0.5 } else { -0.5 })
            .collect();
        let noisy = noisy_samples(&quiet, g, 4);
        assert_eq!(noisy, noisy_samples(&quiet, g, 4));
        // Peak 0.5: the range is [-0.5, 0.5], so the noise's deviation is 0.1.
        let sd = (noisy
            .iter()
            .zip(&quiet)
            .map(|(a, b)| (a - b).powi(2))
            .sum::<f32>()
            / quiet.len() as f32)
            .sqrt();
        assert!(sd > 0.05 && sd < 0.1, "sd {sd} (clamped at the peak)");
        assert!(noisy.iter().all(|v| v.abs() <= 0.5));
        let spec = Array3::from_shape_fn((1, 2, 3), |(_, y, x)| (y * 3 + x) as f32);
        assert_eq!(input_range(&spec, false), (0.0, 5.0));
        assert_eq!(input_range(&spec, true), (0.0, 1.0));
    }

    #[test]
    fn noise_is_seeded_in_range_and_at_its_level() {
        let clean = vec![0.5f32; 20_000];
        let g = Noise {
            kind: NoiseKind::Gaussian,
            level: 0.1,
        };
        let (mut a, mut b) = (clean.clone(), clean.clone());
        add_noise(&mut a, g, (0.0, 1.0), 7);
        add_noise(&mut b, g, (0.0, 1.0), 7);
        assert_eq!(a, b);
        add_noise(&mut b, g, (0.0, 1.0), 8);
        assert_ne!(a, b);
        let sd = (a.iter().map(|v| (v - 0.5).powi(2)).sum::<f32>() / a.len() as f32).sqrt();
        assert!((sd - 0.1).abs() < 0.005, "sd {sd}");
        // On a range of 4 the same level is 4 times as loud.
        let mut w = vec![0.0f32; 20_000];
        add_noise(&mut w, g, (-2.0, 2.0), 1);
        let sd = (w.iter().map(|v| v * v).sum::<f32>() / w.len() as f32).sqrt();
        assert!((sd - 0.4).abs() < 0.02, "sd {sd}");
        let mut s = clean;
        let sp = Noise {
            kind: NoiseKind::SaltPepper,
            level: 0.05,
        };
        add_noise(&mut s, sp, (0.0, 1.0), 3);
        let hit = s.iter().filter(|&&v| v != 0.5).count() as f32 / s.len() as f32;
        assert!((hit - 0.05).abs() < 0.01, "{hit}");
        assert!(s.iter().all(|&v| v == 0.0 || v == 0.5 || v == 1.0));
    }
}
