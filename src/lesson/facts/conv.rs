//! What a lesson on convolution quotes about each convolution: its padding and stride and the
//! output-size formula with this network's numbers, what one kernel reads, what a dense layer
//! over the same input and output would cost, each kernel's sum of weights, each map's
//! extremes, and the maps of the same weights tried with another padding and stride.

use super::{Facts, grouped, percent, short};
use crate::analysis::conv_try::{ConvTry, size_formula};
use crate::engine::{Conv2d, LayerKind, Model, Shape, Source, Tensor};
use ndarray::{Array3, Axis};

/// A kernel counts as balanced (it answers change, not brightness) when its weights' sum is
/// within this share of the sum of their sizes: Sobel and Laplacian sum to exactly 0.
pub const BALANCED_SHARE: f32 = 0.1;

/// The shape a convolution at layer `i` reads: the input's or its source layer's.
fn input_shape(model: &Model, i: usize) -> Option<Shape> {
    match model.sources(i).first()? {
        Source::Input => Some(model.input.shape()),
        Source::Layer(j) => model.shapes().get(*j).copied(),
    }
}

impl Facts {
    /// Under `prefix`, per convolution (STAGE = its name): `STAGE-padding`, `STAGE-stride`,
    /// `STAGE-size-formula` (rows: `(28 + 2×1 - 3) / 1 + 1 = 28`), `STAGE-in-channels`,
    /// `STAGE-kernel-weights` (what one kernel multiplies: input channels × height × width),
    /// `STAGE-dense-params` and `STAGE-dense-formula` (a dense layer from the same input
    /// values to the same output values), `STAGE-dense-ratio` (that over the convolution's
    /// parameters), `STAGE-kernel-N-sum` (kernel N's weights added up, N from 0 as the view numbers them) and
    /// `STAGE-balanced-kernels` (how many sum to about zero, see [`BALANCED_SHARE`]).
    pub(crate) fn add_convolutions(&mut self, prefix: &str, model: &Model) {
        for (i, layer) in model.layers().iter().enumerate() {
            let LayerKind::Conv2d(conv) = &layer.kind else {
                continue;
            };
            let n = format!("{prefix}{}", layer.name);
            let (_, cin, kh, kw) = conv.weight.dim();
            let own = ConvTry::of(conv);
            self.set(format!("{n}-padding"), own.padding.to_string());
            self.set(format!("{n}-stride"), own.stride.to_string());
            self.set(format!("{n}-in-channels"), grouped(conv.in_channels()));
            self.set(format!("{n}-kernel-weights"), grouped(cin * kh * kw));
            let input = input_shape(model, i);
            if let Some(Shape::Maps { height, .. }) = input
                && let Some(f) = size_formula(height, kh, own)
            {
                self.set(format!("{n}-size-formula"), f);
            }
            if let (Some(input), Some(output)) = (input, model.shapes().get(i)) {
                let (ins, outs) = (input.len(), output.len());
                let dense = ins * outs + outs;
                self.set(format!("{n}-dense-params"), grouped(dense));
                self.set(
                    format!("{n}-dense-formula"),
                    format!("{} × {} + {}", grouped(ins), grouped(outs), grouped(outs)),
                );
                let own_params = conv.parameter_count().max(1);
                self.set(format!("{n}-dense-ratio"), grouped(dense / own_params));
            }
            let mut balanced = 0;
            for (k, kernel) in conv.weight.axis_iter(Axis(0)).enumerate() {
                let sum: f32 = kernel.iter().sum();
                let size: f32 = kernel.iter().map(|w| w.abs()).sum();
                if sum.abs() <= BALANCED_SHARE * size {
                    balanced += 1;
                }
                // + 0.0: an exact zero reads 0, never -0.
                self.set(format!("{n}-kernel-{k}-sum"), short(sum + 0.0));
            }
            self.set(format!("{n}-balanced-kernels"), grouped(balanced));
        }
    }

    /// Per map of a convolution's output `output` (N from 0, as the view numbers channels): `STAGE-map-N-max`,
    /// `STAGE-map-N-min` and `STAGE-map-N-zeros` (the percentage of its cells exactly 0).
    pub(crate) fn add_conv_maps(&mut self, name: &str, output: &Tensor) {
        let Tensor::Maps(maps) = output else {
            return;
        };
        for (c, map) in maps.axis_iter(Axis(0)).enumerate() {
            let max = map.iter().copied().fold(f32::NEG_INFINITY, f32::max);
            let min = map.iter().copied().fold(f32::INFINITY, f32::min);
            let zeros = map.iter().filter(|&&v| v == 0.0).count();
            let n = format!("{name}-map-{c}");
            self.set(format!("{n}-max"), short(max));
            self.set(format!("{n}-min"), short(min));
            self.set(
                format!("{n}-zeros"),
                percent(zeros as f64 / map.len().max(1) as f64),
            );
        }
    }

    /// Convolution `name` (`conv`) tried with `t` on an input of `rows` rows, which made
    /// `output`: `STAGE-try-padding`, `STAGE-try-stride`, `STAGE-try-formula` (the formula
    /// with these numbers), `STAGE-try-shape` and `STAGE-try-values` (of the maps the engine
    /// made, not of the formula).
    pub fn add_conv_try(
        &mut self,
        name: &str,
        conv: &Conv2d,
        rows: usize,
        t: ConvTry,
        output: &Array3<f32>,
    ) {
        let n = format!("{name}-try");
        self.set(format!("{n}-padding"), t.padding.to_string());
        self.set(format!("{n}-stride"), t.stride.to_string());
        if let Some(f) = size_formula(rows, conv.weight.dim().2, t) {
            self.set(format!("{n}-formula"), f);
        }
        let (c, h, w) = output.dim();
        self.set(
            format!("{n}-shape"),
            Shape::Maps {
                channels: c,
                height: h,
                width: w,
            }
            .to_string(),
        );
        self.set(format!("{n}-values"), grouped(output.len()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::conv_try::rerun;
    use crate::engine::{PoolMode, zoo};

    #[test]
    fn the_digit_readers_convolutions_on_the_board() {
        let model = zoo::digits(1, PoolMode::Max);
        let mut f = Facts::default();
        f.add_convolutions("", &model);
        let get = |k: &str| f.get(k).unwrap_or_else(|| panic!("{k} missing"));
        assert_eq!(get("conv1-padding"), "1");
        assert_eq!(get("conv1-stride"), "1");
        assert_eq!(get("conv1-size-formula"), "(28 + 2×1 - 3) / 1 + 1 = 28");
        // conv2 reads pool1's 8 maps of 14x14.
        assert_eq!(get("conv2-size-formula"), "(14 + 2×1 - 3) / 1 + 1 = 14");
        assert_eq!(get("conv2-in-channels"), "8");
        assert_eq!(get("conv2-kernel-weights"), "72");
        // A dense layer from 784 pixels to conv1's 8 x 28 x 28 = 6,272 outputs:
        // 784 * 6,272 + 6,272 = 4,923,520 parameters, 61,544 times conv1's 80.
        assert_eq!(get("conv1-dense-formula"), "784 × 6,272 + 6,272");
        assert_eq!(get("conv1-dense-params"), "4,923,520");
        assert_eq!(get("conv1-dense-ratio"), "61,544");
        assert!(f.get("conv1-kernel-7-sum").is_some());
        assert!(f.get("conv1-kernel-8-sum").is_none());
        assert!(f.get("fc-padding").is_none(), "not a convolution");
    }

    #[test]
    fn sobel_and_laplacian_sum_to_zero_and_a_blur_to_one() {
        use ndarray::array;
        let conv = Conv2d {
            weight: array![
                [[[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]]],
                [[[0.0, -1.0, 0.0], [-1.0, 4.0, -1.0], [0.0, -1.0, 0.0]]],
                [[
                    [0.0625, 0.125, 0.0625],
                    [0.125, 0.25, 0.125],
                    [0.0625, 0.125, 0.0625]
                ]]
            ],
            padding: (1, 1),
            ..Conv2d::default()
        };
        let input_spec = crate::engine::InputSpec {
            channels: 1,
            height: 8,
            width: 8,
            mean: vec![0.0],
            std: vec![1.0],
        };
        let layer = crate::engine::Layer {
            name: "conv1".into(),
            kind: LayerKind::Conv2d(conv.clone()),
        };
        let model = crate::engine::Model::new(Default::default(), input_spec, vec![layer]).unwrap();
        let mut f = Facts::default();
        f.add_convolutions("", &model);
        assert_eq!(f.get("conv1-kernel-0-sum"), Some("0"));
        assert_eq!(f.get("conv1-kernel-1-sum"), Some("0"));
        assert_eq!(f.get("conv1-kernel-2-sum"), Some("1.00"));
        assert_eq!(f.get("conv1-balanced-kernels"), Some("2"));
        // A vertical step from 0 to 1 between columns 3 and 4: Sobel x answers 1 + 2 + 1 = 4
        // on both columns beside it. The zero padding past the bright right border is a step
        // down of its own: -4 there.
        let mut input = Array3::<f32>::zeros((1, 8, 8));
        input.slice_mut(ndarray::s![.., .., 4..]).fill(1.0);
        let out = conv.forward(input.view());
        f.add_conv_maps("conv1", &Tensor::Maps(out));
        assert_eq!(f.get("conv1-map-0-max"), Some("4.00"));
        assert_eq!(f.get("conv1-map-0-min"), Some("-4.00"));
        let t = ConvTry {
            padding: 0,
            stride: 2,
        };
        let tried = rerun(&conv, input.view(), t).unwrap();
        f.add_conv_try("conv1", &conv, 8, t, &tried);
        // (8 + 0 - 3) / 2 + 1 = 2 + 1 = 3.
        assert_eq!(
            f.get("conv1-try-formula"),
            Some("(8 + 2×0 - 3) / 2 + 1 = 3")
        );
        assert_eq!(f.get("conv1-try-shape"), Some("3 @ 3x3"));
        assert_eq!(f.get("conv1-try-values"), Some("27"));
    }
}
