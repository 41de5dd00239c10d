//! Occlusion sensitivity (Zeiler & Fergus 2014): a grey patch slid over the input, and at each
//! place how much the class score drops. Forward passes only, run in parallel. Each pixel gets
//! the mean drop over the patches that covered it, as Captum's `Occlusion` computes: windows
//! start every `stride` pixels, `ceil((H - P) / stride) + 1` of them along an axis, the last
//! ones cut short by the edge, so every pixel is covered.

use crate::engine::grad::{Trace, score_stage};
use crate::engine::{Error, Model, Result, RunOptions};
use ndarray::{Array2, Array3};
use rayon::prelude::*;

/// The patch's side and the step between patches, in input pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Occlusion {
    pub patch: usize,
    pub stride: usize,
}

impl Default for Occlusion {
    fn default() -> Self {
        Occlusion {
            patch: 4,
            stride: 2,
        }
    }
}

/// Mid-grey in the network's input units, one value per channel: 0.5 of a picture's 0-1
/// range, normalised as the model says.
pub fn grey_baseline(model: &Model) -> Vec<f32> {
    let spec = &model.input;
    (0..spec.channels)
        .map(|c| {
            let mean = spec.mean.get(c).copied().unwrap_or(0.0);
            let std = spec.std.get(c).copied().unwrap_or(1.0);
            (0.5 - mean) / std
        })
        .collect()
}

#[cfg(test)]
pub(super) fn starts_for_tests(n: usize, patch: usize, stride: usize) -> Vec<usize> {
    starts(n, patch, stride)
}

/// The starts of the windows along an axis of `n` (Captum's rule).
fn starts(n: usize, patch: usize, stride: usize) -> Vec<usize> {
    let count = (n - patch).div_ceil(stride) + 1;
    (0..count).map(|i| i * stride).collect()
}

/// The occlusion map \[H,W\] of class `class`: the mean over the patches covering each pixel of
/// `score(input) - score(input with the patch set to baseline)`.
pub fn occlusion(
    model: &Model,
    input: &Array3<f32>,
    options: &RunOptions,
    class: usize,
    settings: &Occlusion,
    baseline: &[f32],
) -> Result<Array2<f32>> {
    let (channels, h, w) = input.dim();
    let Occlusion { patch, stride } = *settings;
    if patch == 0 || stride == 0 || patch > h.min(w) || stride > patch {
        return Err(Error::BadField {
            layer: "input".into(),
            field: "patch".into(),
            message: format!(
                "a patch of {patch} with stride {stride} does not fit a {h}x{w} input: give a patch from 1 to {} and a stride from 1 to the patch",
                h.min(w)
            ),
        });
    }
    let score = |x: &Array3<f32>| -> Result<f32> {
        let trace = Trace::new(model, x, options)?;
        Ok(trace.stage(score_stage(model)).values()[class])
    };
    let base = score(input)?;
    let windows: Vec<(usize, usize)> = starts(h, patch, stride)
        .into_iter()
        .flat_map(|y| starts(w, patch, stride).into_iter().map(move |x| (y, x)))
        .collect();
    let drops: Vec<f32> = windows
        .par_iter()
        .map(|&(y0, x0)| {
            let mut hidden = input.clone();
            for c in 0..channels {
                let grey = baseline.get(c).copied().unwrap_or(0.0);
                for y in y0..(y0 + patch).min(h) {
                    for x in x0..(x0 + patch).min(w) {
                        hidden[[c, y, x]] = grey;
                    }
                }
            }
            Ok(base - score(&hidden)?)
        })
        .collect::<Result<_>>()?;
    let mut total = Array2::<f32>::zeros((h, w));
    let mut count = Array2::<f32>::zeros((h, w));
    for (&(y0, x0), drop) in windows.iter().zip(drops) {
        for y in y0..(y0 + patch).min(h) {
            for x in x0..(x0 + patch).min(w) {
                total[[y, x]] += drop;
                count[[y, x]] += 1.0;
            }
        }
    }
    Ok(total / count)
}
