//! Dataset examples (Zeiler & Fergus 2014; OpenAI Microscope): the inputs of a set that excite
//! one channel of one stage most. An input's score is the channel's strongest cell (its largest
//! value anywhere on the map); the picture shown is the input cut to that cell's receptive field.
//! The set is streamed: each input is run, scored and forgotten, and only the best `top` are
//! kept, so memory does not grow with the set.

use super::stride::{Receptive, receptive_fields};
use crate::engine::{self, Model, RunOptions, Shape, Tensor};
use ndarray::{Array3, s};
use rayon::prelude::*;

/// Inputs scored at once (in parallel) between two merges into the best-so-far list.
const CHUNK: usize = 64;

/// One of the best inputs.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// Its index in the set (stored order).
    pub index: usize,
    /// The channel's strongest value on it.
    pub value: f32,
    /// The strongest cell (row, column); the first in row-major order when several tie, and
    /// (0, 0) for a vector stage.
    pub cell: (usize, usize),
    /// The input rectangle (x0, y0, x1, y1), end exclusive, that cell sees, cut to the input.
    pub crop: (usize, usize, usize, usize),
}

/// Why a ranking could not be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ExamplesError {
    /// The network did not run on an input.
    #[error(transparent)]
    Run(#[from] engine::Error),
    /// An input could not be read (a picture in a folder); `what` names it.
    #[error("{what}")]
    Input { index: usize, what: String },
    /// No such stage.
    #[error("stage {stage} does not exist: the network has stages 0 (the input) to {last}")]
    NoStage { stage: usize, last: usize },
    /// No such channel (or unit) at that stage.
    #[error("channel {channel} does not exist: the stage has {count} ({shape}), 0 to {last}", last = count.saturating_sub(1))]
    NoChannel {
        channel: usize,
        count: usize,
        shape: Shape,
    },
    /// The caller asked to stop.
    #[error("stopped before the end")]
    Cancelled,
}

/// What is ranked: stage `stage` (0 the input, `j + 1` layer `j`) and its channel `channel`
/// (a unit, for a vector).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Target {
    pub stage: usize,
    pub channel: usize,
}

impl Target {
    /// Checks the stage and channel exist in `model`.
    pub fn check(self, model: &Model) -> Result<(), ExamplesError> {
        let last = model.layers().len();
        if self.stage > last {
            return Err(ExamplesError::NoStage {
                stage: self.stage,
                last,
            });
        }
        let shape = stage_shape(model, self.stage);
        let count = channel_count(shape);
        if self.channel >= count {
            return Err(ExamplesError::NoChannel {
                channel: self.channel,
                count,
                shape,
            });
        }
        Ok(())
    }
}

/// The shape of stage `stage`'s output.
pub fn stage_shape(model: &Model, stage: usize) -> Shape {
    match stage {
        0 => model.input.shape(),
        _ => model.shapes()[stage - 1],
    }
}

/// The channels of maps, the units of a vector.
pub fn channel_count(shape: Shape) -> usize {
    match shape {
        Shape::Maps { channels, .. } => channels,
        Shape::Vector(n) => n,
    }
}

/// The channel's strongest value in `t` and where: the first cell (row-major) holding the
/// largest value; NaN counts as the lowest value.
pub fn strongest_cell(t: &Tensor, channel: usize) -> (f32, (usize, usize)) {
    let key = |v: f32| if v.is_nan() { f32::NEG_INFINITY } else { v };
    match t {
        Tensor::Maps(m) => {
            let mut best = (f32::NEG_INFINITY, (0, 0));
            for ((y, x), &v) in m.index_axis(ndarray::Axis(0), channel).indexed_iter() {
                if key(v) > best.0 {
                    best = (key(v), (y, x));
                }
            }
            best
        }
        Tensor::Vector(v) => (key(v[channel]), (0, 0)),
    }
}

/// The part of an `h` x `w` input that `rect` (possibly reaching outside) covers, as
/// (x0, y0, x1, y1) with x0 < x1 <= w and y0 < y1 <= h (at least one pixel).
pub fn clip_rect(
    (x0, y0, x1, y1): (i64, i64, i64, i64),
    h: usize,
    w: usize,
) -> (usize, usize, usize, usize) {
    let clip = |v: i64, hi: usize| v.clamp(0, hi as i64) as usize;
    let (cx0, cy0) = (clip(x0, w.saturating_sub(1)), clip(y0, h.saturating_sub(1)));
    (cx0, cy0, clip(x1, w).max(cx0 + 1), clip(y1, h).max(cy0 + 1))
}

/// The receptive field of `cell` of `target`'s stage, cut to the input: the whole input for a
/// vector stage (a dense unit sees everything).
pub fn crop_of(model: &Model, stage: usize, cell: (usize, usize)) -> (usize, usize, usize, usize) {
    let (h, w) = (model.input.height, model.input.width);
    if matches!(stage_shape(model, stage), Shape::Vector(_)) {
        return (0, 0, w, h);
    }
    let field = match stage {
        0 => Receptive::INPUT,
        _ => receptive_fields(model)[stage - 1],
    };
    clip_rect(field.input_rect(cell.1, cell.0), h, w)
}

/// `pixels` (\[C,H,W\]) cut to `crop` (x0, y0, x1, y1).
pub fn cut(pixels: &Array3<f32>, (x0, y0, x1, y1): (usize, usize, usize, usize)) -> Array3<f32> {
    pixels.slice(s![.., y0..y1, x0..x1]).to_owned()
}

/// Runs `model` on the normalised `input` and scores `target` on it.
pub fn score(
    model: &Model,
    input: Array3<f32>,
    target: Target,
    options: &RunOptions,
) -> Result<(f32, (usize, usize)), ExamplesError> {
    if target.stage == 0 {
        return Ok(strongest_cell(&Tensor::Maps(input), target.channel));
    }
    let mut found = None;
    model.forward_visit(input, options, |i, t| {
        if i + 1 == target.stage {
            found = Some(strongest_cell(t, target.channel));
        }
    })?;
    // Every layer is visited: the stage was found.
    Ok(found.unwrap_or((f32::NEG_INFINITY, (0, 0))))
}

/// Whether `a` ranks before `b`: the higher value, and the lower index on a tie.
fn ranks_before(a: &Example, b: &Example) -> std::cmp::Ordering {
    b.value.total_cmp(&a.value).then(a.index.cmp(&b.index))
}

/// The `top` inputs among `count` that excite `target` most, best first (ties: lower index
/// first). `pixels(i)` gives input `i` before normalisation (a picture's pixels in \[0,1\]);
/// `tick()` is called once per input scored (from worker threads) and returning `false` stops
/// the ranking with [`ExamplesError::Cancelled`].
pub fn top_examples(
    model: &Model,
    target: Target,
    count: usize,
    top: usize,
    pixels: &(dyn Fn(usize) -> Result<Array3<f32>, String> + Sync),
    options: &RunOptions,
    tick: &(dyn Fn() -> bool + Sync),
) -> Result<Vec<Example>, ExamplesError> {
    target.check(model)?;
    let mut best: Vec<Example> = Vec::with_capacity(top + CHUNK);
    for start in (0..count).step_by(CHUNK) {
        let end = (start + CHUNK).min(count);
        let scored = (start..end)
            .into_par_iter()
            .map(|index| {
                let mut input =
                    pixels(index).map_err(|what| ExamplesError::Input { index, what })?;
                model.input.normalize(&mut input);
                let (value, cell) = score(model, input, target, options)?;
                if !tick() {
                    return Err(ExamplesError::Cancelled);
                }
                Ok(Example {
                    index,
                    value,
                    cell,
                    crop: crop_of(model, target.stage, cell),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        best.extend(scored);
        best.sort_by(ranks_before);
        best.truncate(top);
    }
    Ok(best)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::trace;
    use crate::engine::zoo;

    #[test]
    fn the_strongest_cell_is_the_first_of_the_largest_and_nan_counts_lowest() {
        // Channel 1: 0 5 / 5 NaN -> 5 at (0, 1), the first of the two fives.
        let m =
            Array3::from_shape_vec((2, 2, 2), vec![9.0, 9.0, 9.0, 9.0, 0.0, 5.0, 5.0, f32::NAN])
                .unwrap();
        assert_eq!(strongest_cell(&Tensor::Maps(m), 1), (5.0, (0, 1)));
        let v = Tensor::Vector(ndarray::arr1(&[1.0, -2.0]));
        assert_eq!(strongest_cell(&v, 1), (-2.0, (0, 0)));
    }

    #[test]
    fn crops_are_cut_at_the_borders_and_never_empty() {
        // A 5x5 field with 2 pixels of padding on a 28x28 input: cell (0, 0) sees rows and
        // columns -2..3, so 0..3 of the picture; cell (27, 27) sees 25..30, so 25..28.
        assert_eq!(clip_rect((-2, -2, 3, 3), 28, 28), (0, 0, 3, 3));
        assert_eq!(clip_rect((25, 25, 30, 30), 28, 28), (25, 25, 28, 28));
        // Wider than the picture: all of it.
        assert_eq!(clip_rect((-10, -4, 40, 30), 28, 20), (0, 0, 20, 28));
        // Wholly outside: the nearest pixel.
        assert_eq!(clip_rect((30, -9, 33, -5), 28, 28), (27, 0, 28, 1));
        let pixels = Array3::from_shape_fn((1, 4, 4), |(_, y, x)| (y * 4 + x) as f32);
        let c = cut(&pixels, clip_rect((2, -1, 5, 2), 4, 4));
        assert_eq!(c.dim(), (1, 2, 2));
        assert_eq!(
            c.iter().copied().collect::<Vec<_>>(),
            vec![2.0, 3.0, 6.0, 7.0]
        );
    }

    #[test]
    fn a_dense_unit_sees_the_whole_input_and_a_conv_cell_its_field() {
        let model = zoo::digits(7, crate::engine::PoolMode::Max);
        let dense = (1..=model.layers().len())
            .find(|&s| matches!(stage_shape(&model, s), Shape::Vector(_)))
            .expect("a vector stage");
        assert_eq!(crop_of(&model, dense, (0, 0)), (0, 0, 28, 28));
        assert_eq!(crop_of(&model, 0, (3, 4)), (4, 3, 5, 4));
        let first = receptive_fields(&model)[0];
        let (x0, y0, x1, y1) = first.input_rect(10, 10);
        assert_eq!(
            crop_of(&model, 1, (10, 10)),
            (x0 as usize, y0 as usize, x1 as usize, y1 as usize)
        );
    }

    /// The brute-force ranking: every input's whole trace, the channel's argmax, a full sort.
    fn brute_force(
        model: &Model,
        target: Target,
        inputs: &[Array3<f32>],
        top: usize,
    ) -> Vec<(usize, f32, (usize, usize))> {
        let mut all: Vec<(usize, f32, (usize, usize))> = inputs
            .iter()
            .enumerate()
            .map(|(i, x)| {
                let mut x = x.clone();
                model.input.normalize(&mut x);
                let t = trace(model, &x, &RunOptions::default()).unwrap();
                let (v, cell) = match &t[target.stage] {
                    Tensor::Maps(m) => {
                        let plane = m.index_axis(ndarray::Axis(0), target.channel);
                        let v = plane.iter().copied().fold(f32::NEG_INFINITY, f32::max);
                        let at = plane.indexed_iter().find(|&(_, &u)| u == v).unwrap().0;
                        (v, at)
                    }
                    Tensor::Vector(u) => (u[target.channel], (0, 0)),
                };
                (i, v, cell)
            })
            .collect();
        all.sort_by(|a, b| b.1.partial_cmp(&a.1).unwrap().then(a.0.cmp(&b.0)));
        all.truncate(top);
        all
    }

    #[test]
    fn the_ranking_is_the_brute_force_one_for_every_kind_of_stage() {
        let model = zoo::digits(7, crate::engine::PoolMode::Max);
        let set = crate::data::shapes::generate(8, 3);
        // Shapes are 3 @ 64x64; digits_max reads 1 @ 28x28: cut and average to fit.
        let inputs: Vec<Array3<f32>> = (0..150)
            .map(|i| {
                let p = set.pixels(i % set.len());
                Array3::from_shape_fn((1, 28, 28), |(_, y, x)| {
                    let (yy, xx) = ((y + i / 8) % 64, (x * 2 + i % 8) % 64);
                    (p[[0, yy, xx]] + p[[1, yy, xx]] + p[[2, yy, xx]]) / 3.0
                })
            })
            .collect();
        let stages = 0..=model.layers().len();
        for stage in stages {
            let channels = channel_count(stage_shape(&model, stage));
            for channel in [0, channels - 1] {
                let target = Target { stage, channel };
                let got = top_examples(
                    &model,
                    target,
                    inputs.len(),
                    9,
                    &|i| Ok(inputs[i].clone()),
                    &RunOptions::default(),
                    &|| true,
                )
                .unwrap();
                let want = brute_force(&model, target, &inputs, 9);
                let got: Vec<_> = got.iter().map(|e| (e.index, e.value, e.cell)).collect();
                assert_eq!(got, want, "stage {stage} channel {channel}");
            }
        }
    }

    #[test]
    fn ties_go_to_the_lower_index_and_a_short_set_gives_all_it_has() {
        let model = zoo::digits(7, crate::engine::PoolMode::Max);
        let same = Array3::from_elem((1, 28, 28), 0.5);
        let target = Target {
            stage: 1,
            channel: 0,
        };
        let got = top_examples(
            &model,
            target,
            200,
            9,
            &|_| Ok(same.clone()),
            &RunOptions::default(),
            &|| true,
        )
        .unwrap();
        let indices: Vec<usize> = got.iter().map(|e| e.index).collect();
        assert_eq!(indices, (0..9).collect::<Vec<_>>());
        let three = top_examples(
            &model,
            target,
            3,
            9,
            &|_| Ok(same.clone()),
            &RunOptions::default(),
            &|| true,
        )
        .unwrap();
        assert_eq!(three.len(), 3);
    }

    #[test]
    fn wrong_stages_channels_inputs_and_a_stop_are_errors_that_say_so() {
        let model = zoo::digits(7, crate::engine::PoolMode::Max);
        let run = |target,
                   pixels: &(dyn Fn(usize) -> Result<Array3<f32>, String> + Sync),
                   tick: &(dyn Fn() -> bool + Sync)| {
            top_examples(&model, target, 5, 9, pixels, &RunOptions::default(), tick)
        };
        let ok = |_| Ok(Array3::zeros((1, 28, 28)));
        let last = model.layers().len();
        let e = run(
            Target {
                stage: last + 1,
                channel: 0,
            },
            &ok,
            &|| true,
        )
        .unwrap_err();
        assert!(
            e.to_string().contains(&format!("0 (the input) to {last}")),
            "{e}"
        );
        let channels = channel_count(stage_shape(&model, 1));
        let e = run(
            Target {
                stage: 1,
                channel: channels,
            },
            &ok,
            &|| true,
        )
        .unwrap_err();
        assert!(
            e.to_string().contains(&format!("0 to {}", channels - 1)),
            "{e}"
        );
        let bad = |i| Err(format!("picture {i} is broken"));
        let e = run(
            Target {
                stage: 1,
                channel: 0,
            },
            &bad,
            &|| true,
        )
        .unwrap_err();
        assert!(matches!(e, ExamplesError::Input { .. }), "{e}");
        let e = run(
            Target {
                stage: 1,
                channel: 0,
            },
            &ok,
            &|| false,
        )
        .unwrap_err();
        assert_eq!(e, ExamplesError::Cancelled);
    }
}
