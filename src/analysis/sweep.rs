//! The translation experiment: run the input and shifted copies of it, and measure at every
//! stage how much the representation moved.

use super::similarity;
use super::stride::{Receptive, receptive_fields};
use crate::engine::{Error, LayerKind, Model, Result, RunOptions, Tensor, softmax};
use crate::io::{Fill, network_input};
use ndarray::{Array2, Array3};
use rayon::prelude::*;

/// Every stage's output with the network input first: `trace[0]` is the input,
/// `trace[i+1]` the output of layer `i`.
pub fn trace(model: &Model, input: &Array3<f32>, options: &RunOptions) -> Result<Vec<Tensor>> {
    let mut outputs = model.forward_all(input, options)?;
    outputs.insert(0, Tensor::Maps(input.clone()));
    Ok(outputs)
}

/// The name of every stage, the input first.
pub(crate) fn stage_names(model: &Model) -> Vec<String> {
    std::iter::once("input".to_string())
        .chain(model.layers().iter().map(|l| l.name.clone()))
        .collect()
}

/// Class probabilities from the last output: itself when the model ends in softmax, its exp
/// after log-softmax, else its softmax.
pub fn probabilities(model: &Model, last: &Tensor) -> Vec<f32> {
    let values = last.values();
    match model.layers().last().map(|l| &l.kind) {
        Some(LayerKind::Softmax) => values,
        Some(LayerKind::LogSoftmax) => values.iter().map(|v| v.exp()).collect(),
        _ => softmax(&values),
    }
}

pub(crate) use crate::engine::argmax;

/// How one stage's output changed under the shift.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StageChange {
    /// Cosine similarity at the same positions: 1 = unchanged (invariance).
    pub same_position: f32,
    /// Cosine similarity after moving the original by the shift in this stage's cells, when the
    /// shift is a whole number of cells (equivariance); `None` otherwise or for vectors.
    pub aligned: Option<f32>,
}

/// The result of one shift.
#[derive(Debug, Clone, PartialEq)]
pub struct ShiftResult {
    pub dx: i32,
    pub dy: i32,
    /// One entry per stage, the input first.
    pub stages: Vec<StageChange>,
    /// The class the shifted input is given.
    pub predicted: usize,
    /// The probability the shifted input gives to the original's top class.
    pub original_class_probability: f32,
}

/// The class a sweep's unshifted input got (the one at shift (0, 0)), or 0 when the sweep
/// left that shift out.
pub(crate) fn unshifted_class(results: &[ShiftResult]) -> usize {
    results
        .iter()
        .find(|r| r.dx == 0 && r.dy == 0)
        .map_or(0, |r| r.predicted)
}

/// The cumulative stride of each stage, the input first.
pub fn stage_strides(model: &Model) -> Vec<(usize, usize)> {
    std::iter::once(Receptive::INPUT)
        .chain(receptive_fields(model))
        .map(|r| r.stride)
        .collect()
}

/// How one stage's output `shifted` differs from the original's, for a shift of (`dx`, `dy`)
/// input pixels and a stage of cumulative stride `(sy, sx)`.
fn stage_change(
    original: &Tensor,
    shifted: &Tensor,
    (dx, dy): (i32, i32),
    (sy, sx): (usize, usize),
) -> StageChange {
    let whole = dx.rem_euclid(sx as i32) == 0 && dy.rem_euclid(sy as i32) == 0;
    StageChange {
        same_position: similarity::same_position(original, shifted),
        aligned: if whole {
            let (cx, cy) = ((dx / sx as i32) as i64, (dy / sy as i32) as i64);
            similarity::aligned(original, shifted, cx, cy)
        } else {
            None
        },
    }
}

/// The shift's result from its stage changes and the two last outputs.
fn shift_result(
    model: &Model,
    (dx, dy): (i32, i32),
    stages: Vec<StageChange>,
    original_last: &Tensor,
    shifted_last: &Tensor,
) -> ShiftResult {
    let top = argmax(&probabilities(model, original_last));
    let p = probabilities(model, shifted_last);
    ShiftResult {
        dx,
        dy,
        stages,
        predicted: argmax(&p),
        original_class_probability: p.get(top).copied().unwrap_or(0.0),
    }
}

/// Compares an original trace with a shifted one, stage by stage.
pub fn compare(
    model: &Model,
    original: &[Tensor],
    shifted: &[Tensor],
    dx: i32,
    dy: i32,
    strides: &[(usize, usize)],
) -> ShiftResult {
    let stages = original
        .iter()
        .zip(shifted)
        .zip(strides)
        .map(|((o, t), &stride)| stage_change(o, t, (dx, dy), stride))
        .collect();
    shift_result(
        model,
        (dx, dy),
        stages,
        original.last().expect("a trace has the input"),
        shifted.last().expect("a trace has the input"),
    )
}

/// [`compare`] for an input that is run here: each stage is compared as soon as it is made,
/// while it is still in the cache, and dropped after the next layer has read it.
fn run_and_compare(
    model: &Model,
    original: &[Tensor],
    input: Array3<f32>,
    (dx, dy): (i32, i32),
    strides: &[(usize, usize)],
    options: &RunOptions,
) -> Result<ShiftResult> {
    let mut stages = Vec::with_capacity(original.len());
    let stage =
        |i: usize, shifted: &Tensor| stage_change(&original[i], shifted, (dx, dy), strides[i]);
    let input = Tensor::Maps(input);
    stages.push(stage(0, &input));
    let Tensor::Maps(input) = input else {
        unreachable!("made as maps above")
    };
    let last = model.forward_visit(input, options, |i, output| {
        stages.push(stage(i + 1, output))
    })?;
    let original_last = original.last().expect("a trace has the input");
    Ok(shift_result(model, (dx, dy), stages, original_last, &last))
}

/// Every shift in `-max..=max` along x (`dy = 0`), along y, or on the square grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SweepAxis {
    #[default]
    X,
    Y,
    Both,
}

pub fn shifts(axis: SweepAxis, max: i32) -> Vec<(i32, i32)> {
    let range = -max..=max;
    match axis {
        SweepAxis::X => range.map(|d| (d, 0)).collect(),
        SweepAxis::Y => range.map(|d| (0, d)).collect(),
        SweepAxis::Both => range
            .clone()
            .flat_map(|dy| range.clone().map(move |dx| (dx, dy)))
            .collect(),
    }
}

/// A value of every shift of a grid sweep laid out as an image: row `dy + n`, column `dx + n`
/// where `n` is the largest |dx| or |dy|; NaN where the sweep has no such shift. `None` for
/// no results.
pub(crate) fn shift_grid(
    results: &[ShiftResult],
    value: impl Fn(&ShiftResult) -> f32,
) -> Option<(Array2<f32>, i32)> {
    let n = results.iter().map(|r| r.dx.abs().max(r.dy.abs())).max()?;
    let side = (2 * n + 1) as usize;
    let mut grid = Array2::from_elem((side, side), f32::NAN);
    for r in results {
        grid[[(r.dy + n) as usize, (r.dx + n) as usize]] = value(r);
    }
    Some((grid, n))
}

/// The mean of a value over the shifts at each whole distance from no shift (the distance
/// rounded to the nearest pixel), nearest first: `(distance, mean)`. Turns a grid sweep into
/// one curve.
pub(crate) fn mean_by_distance(
    results: &[ShiftResult],
    value: impl Fn(&ShiftResult) -> f32,
) -> Vec<(f64, f64)> {
    let mut bins: Vec<(f64, usize)> = Vec::new();
    for r in results {
        let d = (((r.dx * r.dx + r.dy * r.dy) as f64).sqrt()).round() as usize;
        if bins.len() <= d {
            bins.resize(d + 1, (0.0, 0));
        }
        bins[d].0 += value(r) as f64;
        bins[d].1 += 1;
    }
    bins.iter()
        .enumerate()
        .filter(|(_, (_, count))| *count > 0)
        .map(|(d, (sum, count))| (d as f64, sum / *count as f64))
        .collect()
}

/// Runs the original and every shift (in parallel on all cores) and compares each with the
/// original. `pixels` are in \[0,1\] before normalisation. `done` is called after each shift
/// and returns whether to go on: once it says no, the sweep stops as soon as the shifts under
/// way are finished and returns `Error::Cancelled`.
pub fn sweep(
    model: &Model,
    pixels: &Array3<f32>,
    shift_list: &[(i32, i32)],
    fill: Fill,
    options: &RunOptions,
    done: &(dyn Fn() -> bool + Sync),
) -> Result<Vec<ShiftResult>> {
    let strides = stage_strides(model);
    let original = trace(
        model,
        &network_input(pixels, &model.input, 0, 0, fill),
        options,
    )?;
    shift_list
        .par_iter()
        .map(|&(dx, dy)| {
            let input = network_input(pixels, &model.input, dx, dy, fill);
            let result = run_and_compare(model, &original, input, (dx, dy), &strides, options)?;
            if done() {
                Ok(result)
            } else {
                Err(Error::Cancelled)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{PoolMode, zoo};
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn result(dx: i32, dy: i32, p: f32) -> ShiftResult {
        ShiftResult {
            dx,
            dy,
            stages: vec![],
            predicted: 0,
            original_class_probability: p,
        }
    }

    #[test]
    fn a_grid_sweep_as_an_image_and_as_one_curve() {
        // Every shift in [-1,1]^2 with p = 10*dy + dx, except (1, 1).
        let results: Vec<ShiftResult> = shifts(SweepAxis::Both, 1)
            .into_iter()
            .filter(|&s| s != (1, 1))
            .map(|(dx, dy)| result(dx, dy, (10 * dy + dx) as f32))
            .collect();
        let (grid, n) = shift_grid(&results, |r| r.original_class_probability).unwrap();
        assert_eq!(n, 1);
        assert_eq!(grid[[0, 0]], -11.0); // dx = -1, dy = -1
        assert_eq!(grid[[0, 2]], -9.0); // dx = 1, dy = -1
        assert_eq!(grid[[1, 1]], 0.0);
        assert!(grid[[2, 2]].is_nan());
        // Distance 0: (0,0) -> 0. Distance 1: (0,-1) (-1,0) (1,0) (0,1) -> (-10-1+1+10)/4 = 0.
        // Distance 1.41 rounds to 1 too: (-1,-1) (1,-1) (-1,1) -> (-11-9+9)/3, so distance 1
        // holds 7 shifts summing to -11.
        let curve = mean_by_distance(&results, |r| r.original_class_probability);
        assert_eq!(curve, vec![(0.0, 0.0), (1.0, -11.0 / 7.0)]);
        assert!(shift_grid(&[], |r| r.original_class_probability).is_none());
    }

    #[test]
    fn a_sweep_told_to_stop_stops_early() {
        let model = zoo::digits(1, PoolMode::Max);
        let pixels = Array3::from_shape_fn((1, 28, 28), |(_, y, x)| ((x * y) % 7) as f32 / 7.0);
        let list = shifts(SweepAxis::Both, 8);
        let calls = AtomicUsize::new(0);
        let stop_after_3 = || calls.fetch_add(1, Ordering::Relaxed) < 3;
        let options = RunOptions::default();
        let result = sweep(&model, &pixels, &list, Fill::Zero, &options, &stop_after_3);
        assert!(matches!(result, Err(Error::Cancelled)));
        let calls = calls.load(Ordering::Relaxed);
        assert!(
            calls < list.len() / 2,
            "{calls} of {} shifts ran",
            list.len()
        );
        // Told to go on, it runs every shift.
        let all = sweep(&model, &pixels, &list, Fill::Zero, &options, &|| true).unwrap();
        assert_eq!(all.len(), list.len());
    }
}
