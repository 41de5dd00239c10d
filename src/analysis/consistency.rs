//! Zhang (2019)'s shift consistency over a labelled set: how often the top-1 class stays the
//! same between two random shifts of the same image, beside the plain accuracy.

use super::sweep::{SweepAxis, argmax, probabilities};
use crate::engine::{Model, Result, RunOptions};
use crate::io::{Fill, network_input};
use ndarray::Array3;
use rand::{Rng, SeedableRng, rngs::StdRng};
use rayon::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Consistency {
    pub images: usize,
    /// Top-1 accuracy on the unshifted images.
    pub accuracy: f32,
    /// Share of images whose top-1 class is the same for two random shifts in
    /// [-max_shift, max_shift]^2.
    pub consistency: f32,
}

/// The two shifts image `index` gets for `seed`: the same every run.
pub fn shift_pair(seed: u64, index: usize, max_shift: i32) -> [(i32, i32); 2] {
    let mut rng = StdRng::seed_from_u64(seed ^ (index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let mut one = || {
        (
            rng.random_range(-max_shift..=max_shift),
            rng.random_range(-max_shift..=max_shift),
        )
    };
    [one(), one()]
}

/// `image(i)` gives the pixels in \[0,1\] (before normalisation) and the label of image `i`.
pub fn consistency(
    model: &Model,
    count: usize,
    image: &(dyn Fn(usize) -> (Array3<f32>, usize) + Sync),
    max_shift: i32,
    fill: Fill,
    options: &RunOptions,
    seed: u64,
) -> Result<Consistency> {
    consistency_along(
        model,
        count,
        image,
        max_shift,
        SweepAxis::Both,
        fill,
        options,
        seed,
    )
}

/// [`consistency`] with shifts along one axis only: `X` (time, for a spectrogram) keeps the
/// random dx of each pair and drops dy, `Y` (frequency) the other way round.
#[allow(clippy::too_many_arguments)]
pub(crate) fn consistency_along(
    model: &Model,
    count: usize,
    image: &(dyn Fn(usize) -> (Array3<f32>, usize) + Sync),
    max_shift: i32,
    axis: SweepAxis,
    fill: Fill,
    options: &RunOptions,
    seed: u64,
) -> Result<Consistency> {
    let along = |(dx, dy): (i32, i32)| match axis {
        SweepAxis::X => (dx, 0),
        SweepAxis::Y => (0, dy),
        SweepAxis::Both => (dx, dy),
    };
    let predict = |pixels: &Array3<f32>, (dx, dy): (i32, i32)| -> Result<usize> {
        let out = model.forward(&network_input(pixels, &model.input, dx, dy, fill), options)?;
        Ok(argmax(&probabilities(model, &out)))
    };
    let per_image: Vec<(bool, bool)> = (0..count)
        .into_par_iter()
        .map(|i| {
            let (pixels, label) = image(i);
            let [a, b] = shift_pair(seed, i, max_shift).map(along);
            let correct = predict(&pixels, (0, 0))? == label;
            let same = predict(&pixels, a)? == predict(&pixels, b)?;
            Ok((correct, same))
        })
        .collect::<Result<_>>()?;
    let share = |f: fn(&(bool, bool)) -> bool| {
        per_image.iter().filter(|p| f(p)).count() as f32 / count.max(1) as f32
    };
    Ok(Consistency {
        images: count,
        accuracy: share(|p| p.0),
        consistency: share(|p| p.1),
    })
}

/// [`consistency`] for several shift bounds at once (`bounds[k]` is the largest shift of the
/// k-th result), the unshifted run shared: the same numbers as one call per bound, with one
/// forward pass per image fewer for each bound after the first.
#[allow(clippy::too_many_arguments)]
pub fn consistency_by_bound(
    model: &Model,
    count: usize,
    image: &(dyn Fn(usize) -> (Array3<f32>, usize) + Sync),
    bounds: &[i32],
    fill: Fill,
    options: &RunOptions,
    seed: u64,
) -> Result<Vec<Consistency>> {
    let predict = |pixels: &Array3<f32>, (dx, dy): (i32, i32)| -> Result<usize> {
        let out = model.forward(&network_input(pixels, &model.input, dx, dy, fill), options)?;
        Ok(argmax(&probabilities(model, &out)))
    };
    // Per image: right unshifted, and per bound whether both shifts gave one class.
    let per_image: Vec<(bool, Vec<bool>)> = (0..count)
        .into_par_iter()
        .map(|i| {
            let (pixels, label) = image(i);
            let correct = predict(&pixels, (0, 0))? == label;
            let same = bounds
                .iter()
                .map(|&bound| {
                    let [a, b] = shift_pair(seed, i, bound);
                    Ok(predict(&pixels, a)? == predict(&pixels, b)?)
                })
                .collect::<Result<_>>()?;
            Ok((correct, same))
        })
        .collect::<Result<_>>()?;
    let n = count.max(1) as f32;
    let accuracy = per_image.iter().filter(|p| p.0).count() as f32 / n;
    Ok((0..bounds.len())
        .map(|k| Consistency {
            images: count,
            accuracy,
            consistency: per_image.iter().filter(|p| p.1[k]).count() as f32 / n,
        })
        .collect())
}
