//! What each layer holds and computes: its weights and biases (their sum is
//! [`Layer::parameter_count`]), the factors a teacher multiplies to get the weights
//! (`in × out` for a dense layer, `C_out × C_in × k × k` for a convolution) and the
//! multiply-adds of one pass.

use crate::engine::{Layer, LayerKind, Model, Shape};

/// One layer's parameters and computation.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LayerCost {
    /// Weights: a convolution's kernels, a dense layer's matrix, a batch norm's scales, a
    /// PReLU's slopes.
    pub weights: usize,
    /// Biases (a batch norm's shifts).
    pub biases: usize,
    /// The numbers whose product is `weights`, in the order a formula writes them: a dense
    /// layer's inputs and outputs, a convolution's output channels, input channels per group
    /// and kernel height and width. Empty for other layers.
    pub factors: Vec<usize>,
    /// Multiply-adds of one pass: every output of a convolution or dense layer is a sum of
    /// products of inputs and weights (the bias is an addition, not counted). 0 for other
    /// layers (pooling compares or adds, an activation applies a function).
    pub macs: u64,
}

impl LayerCost {
    pub fn params(&self) -> usize {
        self.weights + self.biases
    }
}

/// The cost of `layer` when it produces `output`.
pub fn layer_cost(layer: &Layer, output: Shape) -> LayerCost {
    match &layer.kind {
        LayerKind::Conv2d(c) => {
            let (out, per_group, kh, kw) = c.weight.dim();
            LayerCost {
                weights: c.weight.len(),
                biases: c.bias.as_ref().map_or(0, |b| b.len()),
                factors: vec![out, per_group, kh, kw],
                macs: (output.len() * per_group * kh * kw) as u64,
            }
        }
        LayerKind::Dense(d) => LayerCost {
            weights: d.weight.len(),
            biases: d.bias.as_ref().map_or(0, |b| b.len()),
            factors: vec![d.weight.ncols(), d.out_features()],
            macs: d.weight.len() as u64,
        },
        LayerKind::BatchNorm(bn) => LayerCost {
            weights: bn.weight.len(),
            biases: bn.bias.len(),
            ..LayerCost::default()
        },
        LayerKind::Prelu(p) => LayerCost {
            weights: p.weight.len(),
            ..LayerCost::default()
        },
        _ => LayerCost::default(),
    }
}

/// Every layer's cost, in order.
pub fn layer_costs(model: &Model) -> Vec<LayerCost> {
    model
        .layers()
        .iter()
        .zip(model.shapes())
        .map(|(layer, &shape)| layer_cost(layer, shape))
        .collect()
}

/// The multiply-adds of a whole pass.
pub fn total_macs(model: &Model) -> u64 {
    layer_costs(model).iter().map(|c| c.macs).sum()
}

/// The share of its input's values a layer's output holds: 0.25 for a 2x2 pooling of stride
/// 2. `None` for the first layer of a graph's branch that reads several inputs.
pub fn kept_share(model: &Model, index: usize) -> Option<f64> {
    let input = match model.sources(index) {
        [crate::engine::Source::Input] => model.input.shape(),
        [crate::engine::Source::Layer(j)] => *model.shapes().get(*j)?,
        _ => return None,
    };
    let output = model.shapes().get(index)?;
    (!input.is_empty()).then(|| output.len() as f64 / input.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{PoolMode, zoo};

    #[test]
    fn the_digit_reader_by_hand() {
        // conv1: 8 x 1 x 3 x 3 + 8 on 28x28 -> 8*28*28 outputs of 9 products each.
        // conv2: 16 x 8 x 3 x 3 + 16 on 14x14 -> 16*14*14 outputs of 72 products each.
        // fc: 784 x 10 + 10, one product per weight.
        let model = zoo::digits(1, PoolMode::Max);
        let costs = layer_costs(&model);
        let by_name = |n: &str| {
            let i = model.layers().iter().position(|l| l.name == n).unwrap();
            costs[i].clone()
        };
        let conv1 = by_name("conv1");
        assert_eq!(
            (
                conv1.weights,
                conv1.biases,
                conv1.factors.as_slice(),
                conv1.macs
            ),
            (72, 8, &[8, 1, 3, 3][..], 8 * 28 * 28 * 9)
        );
        let conv2 = by_name("conv2");
        assert_eq!(conv2.factors, [16, 8, 3, 3]);
        assert_eq!(conv2.macs, 16 * 14 * 14 * 72);
        let fc = by_name("fc");
        assert_eq!(
            (fc.weights, fc.biases, fc.factors.as_slice()),
            (7840, 10, &[784, 10][..])
        );
        assert_eq!(fc.macs, 7840);
        assert_eq!(by_name("pool1"), LayerCost::default());
        for (layer, cost) in model.layers().iter().zip(&costs) {
            assert_eq!(cost.params(), layer.parameter_count(), "{}", layer.name);
        }
        assert_eq!(
            total_macs(&model),
            8 * 28 * 28 * 9 + 16 * 14 * 14 * 72 + 7840
        );
        let pool1 = model
            .layers()
            .iter()
            .position(|l| l.name == "pool1")
            .unwrap();
        assert_eq!(kept_share(&model, pool1), Some(0.25));
        assert_eq!(kept_share(&model, 0), Some(8.0));
    }
}
