//! The arithmetic behind one output value, written out: for a convolution cell the input patch
//! under the kernel (every input channel, zeros in the padding), the kernel, their element-wise
//! products and sums; for a dense unit its inputs times its weights, summed, and the largest
//! contributions. The GUI shows these numbers; tests check that `sum + bias` is the engine's
//! output. Also the geometry that links a cell to the cells it came from and the ones it feeds.

use crate::engine::{Conv2d, Dense, LayerKind, Merge, Model, Shape, Source, Window};
use ndarray::{Array3, ArrayView3};

/// One output cell of a convolution, as a sum of products.
#[derive(Debug, Clone, PartialEq)]
pub struct ConvCell {
    /// `(output channel, row, column)` of the cell.
    pub cell: (usize, usize, usize),
    /// The input under the kernel [in, kh, kw]; `None` where the kernel lies on padding.
    pub patch: Vec<Vec<Vec<Option<f32>>>>,
    /// The kernel of the output channel [in, kh, kw].
    pub kernel: Array3<f32>,
    /// `patch * kernel` element-wise (0 on padding) [in, kh, kw].
    pub products: Array3<f32>,
    /// The sum of each input channel's products.
    pub channel_sums: Vec<f32>,
    /// The sum of every product.
    pub sum: f32,
    /// The bias of the output channel (0 when the layer has none).
    pub bias: f32,
}

impl ConvCell {
    /// `sum + bias`: the value the layer outputs at this cell.
    pub fn output(&self) -> f32 {
        self.sum + self.bias
    }
}

/// The input rectangle `(x0, y0, x1, y1)` (end exclusive, may reach into the padding) that
/// window position (`oy`, `ox`) covers: `oy*stride - pad .. + kernel`, as the engine's im2col.
pub(crate) fn window_rect(window: &Window, oy: usize, ox: usize) -> (i64, i64, i64, i64) {
    let x0 = (ox * window.stride.1) as i64 - window.padding.1 as i64;
    let y0 = (oy * window.stride.0) as i64 - window.padding.0 as i64;
    (
        x0,
        y0,
        x0 + window.kernel.1 as i64,
        y0 + window.kernel.0 as i64,
    )
}

/// The output cells `(x0, y0, x1, y1)` (end exclusive) whose window covers input cell
/// (`iy`, `ix`), for an output of `out_hw`: the cells an input cell feeds. Empty when none.
pub(crate) fn cells_fed(
    window: &Window,
    out_hw: (usize, usize),
    iy: usize,
    ix: usize,
) -> (i64, i64, i64, i64) {
    // o*stride - pad <= i < o*stride - pad + k  <=>  (i + pad - k + 1)/stride <= o <= (i + pad)/stride
    let range = |i: usize, k: usize, s: usize, p: usize, n: usize| {
        let s = s.max(1) as i64;
        let hi_incl = (i + p) as i64 / s;
        let lo_num = (i + p) as i64 - k as i64 + 1;
        let lo = if lo_num <= 0 { 0 } else { (lo_num + s - 1) / s };
        let hi = (hi_incl + 1).min(n as i64);
        (lo.min(hi), hi)
    };
    let (y0, y1) = range(
        iy,
        window.kernel.0,
        window.stride.0,
        window.padding.0,
        out_hw.0,
    );
    let (x0, x1) = range(
        ix,
        window.kernel.1,
        window.stride.1,
        window.padding.1,
        out_hw.1,
    );
    (x0, y0, x1, y1)
}

/// The arithmetic of output cell `(out_channel, oy, ox)` of `conv` on `input` \[C,H,W\], or
/// `None` when the cell or the input does not fit the layer.
pub fn conv_cell(
    conv: &Conv2d,
    input: ArrayView3<f32>,
    (out_channel, oy, ox): (usize, usize, usize),
) -> Option<ConvCell> {
    let (channels, h, w) = input.dim();
    let (o, i, kh, kw) = conv.weight.dim();
    let window = conv.window();
    let (oh, ow) = window.output_size(h, w);
    if channels != conv.in_channels() || out_channel >= o || oy as i64 >= oh || ox as i64 >= ow {
        return None;
    }
    // A grouped convolution's output channel sees only its group's input channels.
    let first_channel = out_channel / (o / conv.groups.max(1)).max(1) * i;
    let (dh, dw) = window.dilation;
    let (x0, y0, _, _) = window_rect(&window, oy, ox);
    let kernel = conv
        .weight
        .slice(ndarray::s![out_channel, .., .., ..])
        .to_owned();
    let mut patch = vec![vec![vec![None; kw]; kh]; i];
    let mut products = Array3::<f32>::zeros((i, kh, kw));
    let mut channel_sums = vec![0.0f32; i];
    for c in 0..i {
        for ky in 0..kh {
            for kx in 0..kw {
                let (y, x) = (y0 + (ky * dh) as i64, x0 + (kx * dw) as i64);
                let v = (y >= 0 && x >= 0)
                    .then(|| {
                        input
                            .get((first_channel + c, y as usize, x as usize))
                            .copied()
                    })
                    .flatten();
                patch[c][ky][kx] = v;
                let product = v.unwrap_or(0.0) * kernel[(c, ky, kx)];
                products[(c, ky, kx)] = product;
                channel_sums[c] += product;
            }
        }
    }
    let sum = channel_sums.iter().sum();
    let bias = conv
        .bias
        .as_ref()
        .and_then(|b| b.get(out_channel).copied())
        .unwrap_or(0.0);
    Some(ConvCell {
        cell: (out_channel, oy, ox),
        patch,
        kernel,
        products,
        channel_sums,
        sum,
        bias,
    })
}

/// One input's share of a dense unit: `input * weight`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Contribution {
    pub index: usize,
    pub input: f32,
    pub weight: f32,
    pub product: f32,
}

/// One unit of a dense layer, as a sum of products.
#[derive(Debug, Clone, PartialEq)]
pub struct DenseUnit {
    pub unit: usize,
    /// How many inputs the unit sums over.
    pub inputs: usize,
    /// The largest contributions by `|input * weight|`, largest first.
    pub top: Vec<Contribution>,
    /// The sum of every other contribution.
    pub rest: f32,
    /// The sum of every product.
    pub sum: f32,
    pub bias: f32,
}

impl DenseUnit {
    /// `sum + bias`: the unit's output.
    pub fn output(&self) -> f32 {
        self.sum + self.bias
    }
}

/// The arithmetic of unit `unit` of `dense` on `input`, keeping the `top` largest
/// contributions, or `None` when the unit or the input does not fit the layer.
pub fn dense_unit(dense: &Dense, input: &[f32], unit: usize, top: usize) -> Option<DenseUnit> {
    if unit >= dense.out_features() || input.len() != dense.in_features() {
        return None;
    }
    let row = dense.weight.row(unit);
    let mut all: Vec<Contribution> = input
        .iter()
        .zip(row.iter())
        .enumerate()
        .map(|(index, (&input, &weight))| Contribution {
            index,
            input,
            weight,
            product: input * weight,
        })
        .collect();
    let sum = all.iter().map(|c| c.product).sum();
    all.sort_by(|a, b| b.product.abs().total_cmp(&a.product.abs()));
    let rest = all.iter().skip(top).map(|c| c.product).sum();
    all.truncate(top);
    let bias = dense
        .bias
        .as_ref()
        .and_then(|b| b.get(unit).copied())
        .unwrap_or(0.0);
    Some(DenseUnit {
        unit,
        inputs: input.len(),
        top: all,
        rest,
        sum,
        bias,
    })
}

/// The cell after `cell` when a kernel slides row by row over an `h` x `w` map, or `None`
/// after the last one.
pub(crate) fn next_cell(
    (c, y, x): (usize, usize, usize),
    (h, w): (usize, usize),
) -> Option<(usize, usize, usize)> {
    if x + 1 < w {
        Some((c, y, x + 1))
    } else if y + 1 < h {
        Some((c, y + 1, 0))
    } else {
        None
    }
}

/// The cells of one stage linked to a hovered cell of a neighbouring stage: rows `y0..y1`,
/// columns `x0..x1` (end exclusive, clipped to the map) of `channel`, or of every channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LinkedCells {
    /// `None`: the same cells of every channel (a convolution mixes channels).
    pub channel: Option<usize>,
    pub rect: (i64, i64, i64, i64),
}

/// The cells of stage `to` linked to cell `(channel, row, column)` of stage `from` when the two
/// are neighbours (stage `s` is the output of layer `s - 1`, stage 0 the input): when `to`'s
/// layer reads `from` (in a chain, `to = from + 1`) the cells it feeds, when `from`'s layer reads
/// `to` the cells it came from; across an add or a concat, the same cell. `None` when
/// either stage is not maps, the stages are not neighbours, or the layer between them
/// (flatten, dense) does not keep positions.
pub(crate) fn linked_cells(
    model: &Model,
    from: usize,
    (channel, y, x): (usize, usize, usize),
    to: usize,
) -> Option<LinkedCells> {
    let shape = |stage: usize| match stage {
        0 => Some(model.input.shape()),
        s => model.shapes().get(s - 1).copied(),
    };
    let Shape::Maps { height, width, .. } = shape(to)? else {
        return None;
    };
    let Shape::Maps { .. } = shape(from)? else {
        return None;
    };
    // Neighbours in the graph: one stage's layer reads the other (in a chain, the stage
    // before it).
    let reads = |reader: usize, read: usize| {
        reader
            .checked_sub(1)
            .filter(|&i| i < model.layers().len())
            .is_some_and(|i| {
                model.sources(i).iter().any(|s| match *s {
                    Source::Input => read == 0,
                    Source::Layer(j) => read == j + 1,
                })
            })
    };
    let forward = reads(to, from);
    if !forward && !reads(from, to) {
        return None;
    }
    let layer = model.layers().get(from.max(to) - 1)?;
    let mut channel = channel;
    let (all, rect) = match &layer.kind {
        // A merge keeps positions: an add's cell is the sum of the same cell of its inputs; a
        // concat's channels are its inputs' channels one after another.
        LayerKind::Merge(Merge::Add | Merge::Mul) if shape(from)? == shape(to)? => {
            (false, (x as i64, y as i64, x as i64 + 1, y as i64 + 1))
        }
        LayerKind::Merge(Merge::Concat) => {
            let merge = from.max(to);
            let offset = concat_offset(model, merge, from.min(to))?;
            channel = if forward {
                channel + offset
            } else {
                channel.checked_sub(offset)?
            };
            let Shape::Maps { channels, .. } = shape(to)? else {
                return None;
            };
            if channel >= channels {
                return None;
            }
            (false, (x as i64, y as i64, x as i64 + 1, y as i64 + 1))
        }
        LayerKind::Activation(_) | LayerKind::Dropout { .. } => {
            (false, (x as i64, y as i64, x as i64 + 1, y as i64 + 1))
        }
        LayerKind::GlobalAvgPool if forward => (false, (0, 0, 1, 1)),
        LayerKind::GlobalAvgPool => (false, (0, 0, width as i64, height as i64)),
        LayerKind::Conv2d(c) => (
            true,
            window_or_fed(&c.window(), forward, (height, width), y, x),
        ),
        LayerKind::Pool2d(p) => (
            false,
            window_or_fed(&p.window, forward, (height, width), y, x),
        ),
        _ => return None,
    };
    let clip = |v: i64, n: usize| v.clamp(0, n as i64);
    let (x0, y0, x1, y1) = rect;
    Some(LinkedCells {
        channel: (!all).then_some(channel),
        rect: (
            clip(x0, width),
            clip(y0, height),
            clip(x1, width),
            clip(y1, height),
        ),
    })
}

/// Where the channels of stage `input` start in the output of the concat at stage `merge`.
fn concat_offset(model: &Model, merge: usize, input: usize) -> Option<usize> {
    let mut offset = 0;
    for s in model.sources(merge - 1) {
        let stage = match *s {
            Source::Input => 0,
            Source::Layer(j) => j + 1,
        };
        if stage == input {
            return Some(offset);
        }
        let shape = match stage {
            0 => model.input.shape(),
            st => *model.shapes().get(st - 1)?,
        };
        offset += match shape {
            Shape::Maps { channels, .. } => channels,
            Shape::Vector(_) => return None,
        };
    }
    None
}

fn window_or_fed(
    window: &Window,
    forward: bool,
    to_hw: (usize, usize),
    y: usize,
    x: usize,
) -> (i64, i64, i64, i64) {
    if forward {
        cells_fed(window, to_hw, y, x)
    } else {
        window_rect(window, y, x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array, Array4, array};

    #[test]
    fn conv_cell_by_hand() {
        // input 1x3x3 = 1..9, kernel [[1,0],[0,-1]], bias 0.5, stride 1, padding 1.
        // Cell (0,0) sees [[pad,pad],[pad,1]]: products [[0,0],[0,-1]], sum -1, output -0.5.
        // Cell (1,1) sees [[1,2],[4,5]]: 1 - 5 = -4, output -3.5.
        let input = Array::from_shape_vec((1, 3, 3), (1..=9).map(|v| v as f32).collect()).unwrap();
        let conv = Conv2d {
            weight: array![[[[1.0, 0.0], [0.0, -1.0]]]],
            bias: Some(array![0.5]),
            stride: (1, 1),
            padding: (1, 1),
            ..Default::default()
        };
        let corner = conv_cell(&conv, input.view(), (0, 0, 0)).unwrap();
        assert_eq!(
            corner.patch[0],
            vec![vec![None, None], vec![None, Some(1.0)]]
        );
        assert_eq!(corner.sum, -1.0);
        assert_eq!(corner.output(), -0.5);
        let inner = conv_cell(&conv, input.view(), (0, 1, 1)).unwrap();
        assert_eq!(inner.products, array![[[1.0, 0.0], [0.0, -5.0]]]);
        assert_eq!(inner.output(), -3.5);
        let out = conv.forward(input.view());
        assert_eq!(out[(0, 1, 1)], inner.output());
        // Outside the output (4x4 here) there is no cell.
        assert!(conv_cell(&conv, input.view(), (0, 4, 0)).is_none());
        assert!(conv_cell(&conv, input.view(), (1, 0, 0)).is_none());
    }

    #[test]
    fn stride_two_windows_skip() {
        // 1x5x5, 3x3 ones kernel, stride 2, no padding: cell (1,1) starts at input (2,2).
        let input = Array::from_shape_fn((1, 5, 5), |(_, y, x)| (y * 5 + x) as f32);
        let conv = Conv2d {
            weight: Array4::ones((1, 1, 3, 3)),
            bias: None,
            stride: (2, 2),
            padding: (0, 0),
            ..Default::default()
        };
        let cell = conv_cell(&conv, input.view(), (0, 1, 1)).unwrap();
        assert_eq!(cell.patch[0][0][0], Some(12.0));
        assert_eq!(cell.output(), conv.forward(input.view())[(0, 1, 1)]);
    }

    #[test]
    fn dense_unit_by_hand() {
        // [1 -2 3] . [1, 1, -1] + 0.5 = 1 - 2 - 3 + 0.5 = -3.5; largest |x w|: 3 (index 2).
        let dense = Dense {
            weight: array![[1.0, -2.0, 3.0]],
            bias: Some(array![0.5]),
        };
        let u = dense_unit(&dense, &[1.0, 1.0, -1.0], 0, 2).unwrap();
        assert_eq!(u.output(), -3.5);
        assert_eq!(u.top[0].index, 2);
        assert_eq!(u.top[0].product, -3.0);
        assert_eq!(u.top[1].index, 1);
        assert_eq!(u.rest, 1.0);
        assert!(dense_unit(&dense, &[1.0], 0, 2).is_none());
    }

    #[test]
    fn cells_fed_inverts_window_rect() {
        // Every output cell whose window covers an input cell is in cells_fed, and no other.
        let window = Window {
            kernel: (3, 2),
            stride: (2, 1),
            padding: (1, 0),
            ..Default::default()
        };
        let (h, w) = (7, 6);
        let (oh, ow) = window.output_size(h, w);
        let (oh, ow) = (oh as usize, ow as usize);
        for iy in 0..h {
            for ix in 0..w {
                let (x0, y0, x1, y1) = cells_fed(&window, (oh, ow), iy, ix);
                for oy in 0..oh {
                    for ox in 0..ow {
                        let (a0, b0, a1, b1) = window_rect(&window, oy, ox);
                        let covers =
                            (a0..a1).contains(&(ix as i64)) && (b0..b1).contains(&(iy as i64));
                        let listed =
                            (x0..x1).contains(&(ox as i64)) && (y0..y1).contains(&(oy as i64));
                        assert_eq!(covers, listed, "input ({iy},{ix}) output ({oy},{ox})");
                    }
                }
            }
        }
    }

    #[test]
    fn linked_cells_of_a_conv_relu_pool_chain() {
        // input 1x6x6 -> conv 3x3 pad 1 (2 channels, 6x6) -> relu -> pool 2x2/2 (3x3).
        use crate::engine::{Activation, InputSpec, Layer, ModelInfo, Pool2d, PoolMode};
        let conv = Conv2d {
            weight: Array4::ones((2, 1, 3, 3)),
            bias: None,
            stride: (1, 1),
            padding: (1, 1),
            ..Default::default()
        };
        let pool = Pool2d {
            window: Window {
                kernel: (2, 2),
                stride: (2, 2),
                padding: (0, 0),
                ..Default::default()
            },
            mode: PoolMode::Max,
            ..Pool2d::default()
        };
        let layer = |name: &str, kind| Layer {
            name: name.into(),
            kind,
        };
        let model = Model::new(
            ModelInfo::default(),
            InputSpec {
                channels: 1,
                height: 6,
                width: 6,
                mean: vec![0.0],
                std: vec![1.0],
            },
            vec![
                layer("conv", LayerKind::Conv2d(conv)),
                layer("relu", LayerKind::Activation(Activation::Relu)),
                layer("pool", LayerKind::Pool2d(pool)),
            ],
        )
        .unwrap();
        // Conv cell (1, 0, 0) came from input rows/cols -1..2, clipped to 0..2, every channel.
        let back = linked_cells(&model, 1, (1, 0, 0), 0).unwrap();
        assert_eq!(
            back,
            LinkedCells {
                channel: None,
                rect: (0, 0, 2, 2)
            }
        );
        // It feeds the same cell after the ReLU.
        let relu = linked_cells(&model, 1, (1, 0, 0), 2).unwrap();
        assert_eq!(
            relu,
            LinkedCells {
                channel: Some(1),
                rect: (0, 0, 1, 1)
            }
        );
        // ReLU cell (0, 3, 2) feeds pooled cell (1, 1); pooled cell (1, 1) came from 2..4 x 2..4.
        let fed = linked_cells(&model, 2, (0, 3, 2), 3).unwrap();
        assert_eq!(
            fed,
            LinkedCells {
                channel: Some(0),
                rect: (1, 1, 2, 2)
            }
        );
        let from = linked_cells(&model, 3, (0, 1, 1), 2).unwrap();
        assert_eq!(
            from,
            LinkedCells {
                channel: Some(0),
                rect: (2, 2, 4, 4)
            }
        );
        // An input pixel feeds every conv output whose window covers it.
        let input = linked_cells(&model, 0, (0, 2, 2), 1).unwrap();
        assert_eq!(
            input,
            LinkedCells {
                channel: None,
                rect: (1, 1, 4, 4)
            }
        );
        // Not neighbours.
        assert!(linked_cells(&model, 0, (0, 0, 0), 2).is_none());
    }

    #[test]
    fn next_cell_walks_rows() {
        assert_eq!(next_cell((2, 0, 0), (2, 2)), Some((2, 0, 1)));
        assert_eq!(next_cell((2, 0, 1), (2, 2)), Some((2, 1, 0)));
        assert_eq!(next_cell((2, 1, 1), (2, 2)), None);
    }
}
