//! What a pooling layer saves downstream: the parameters the next dense layer needs with this
//! pooling and without it, and the multiply-adds of the layers after it. The pool view and the
//! lesson's facts both quote these numbers, so they cannot disagree.

use super::cost::layer_cost;
use crate::engine::{LayerKind, Model};

/// The first dense layer after a pooling layer, and its parameters (weights and biases) with
/// and without it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PoolSavings {
    pub dense: String,
    /// Parameters of the dense layer as the model is.
    pub with_pool: usize,
    /// Parameters it would need if this pooling layer were removed: one weight per input and
    /// output, and the same biases.
    pub without_pool: usize,
}

/// The chain's pooling layer at `pool_index`, or `None` when the model is a graph (taking a
/// pooling layer out of one changes what its merges read, so there is no one answer) or the
/// layer is no pooling layer.
fn pool_in_chain(model: &Model, pool_index: usize) -> Option<()> {
    (model.is_chain() && matches!(model.layers().get(pool_index)?.kind, LayerKind::Pool2d(_)))
        .then_some(())
}

/// `None` when no dense layer follows `pool_index`, or the model without the pooling layer
/// has no valid shapes up to it, or is a graph.
pub(crate) fn dense_params_without(model: &Model, pool_index: usize) -> Option<PoolSavings> {
    pool_in_chain(model, pool_index)?;
    let layers = model.layers();
    let (dense_index, dense) =
        layers
            .iter()
            .enumerate()
            .skip(pool_index + 1)
            .find_map(|(i, l)| match &l.kind {
                LayerKind::Dense(d) => Some((i, d)),
                _ => None,
            })?;
    // The shapes up to the pooling layer stay; from there each layer reads what the one
    // before the pooling layer made (walked here without copying any weights).
    let mut shape = match pool_index {
        0 => model.input.shape(),
        i => *model.shapes().get(i - 1)?,
    };
    for layer in &layers[pool_index + 1..dense_index] {
        shape = layer.output_shape(shape).ok()?;
    }
    let inputs = shape.len();
    let biases = dense.bias.as_ref().map_or(0, |b| b.len());
    Some(PoolSavings {
        dense: layers[dense_index].name.clone(),
        with_pool: dense.parameter_count(),
        without_pool: inputs * dense.out_features() + biases,
    })
}

/// The multiply-adds each convolution and dense layer after the pooling layer at
/// `pool_index` would do if that layer were removed, as (layer index, multiply-adds), up to
/// and including the first dense layer (the layers after it see the same inputs either way).
/// `None` for a graph, or when the layers after it would not fit without it.
pub(crate) fn macs_without(model: &Model, pool_index: usize) -> Option<Vec<(usize, u64)>> {
    pool_in_chain(model, pool_index)?;
    let mut shape = match pool_index {
        0 => model.input.shape(),
        i => *model.shapes().get(i - 1)?,
    };
    let mut out = Vec::new();
    for (i, layer) in model.layers().iter().enumerate().skip(pool_index + 1) {
        if let LayerKind::Dense(d) = &layer.kind {
            out.push((i, (shape.len() * d.out_features()) as u64));
            break;
        }
        shape = layer.output_shape(shape).ok()?;
        let macs = layer_cost(layer, shape).macs;
        if macs > 0 {
            out.push((i, macs));
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Conv2d, Dense, InputSpec, Layer, ModelInfo, Pool2d};
    use ndarray::{Array2, Array4};

    fn layer(name: &str, kind: LayerKind) -> Layer {
        Layer {
            name: name.into(),
            kind,
        }
    }

    #[test]
    fn removing_a_2x2_pool_quadruples_the_dense_weights() {
        // 1 @ 8x8 -> conv 3x3 pad 1 (2 ch) -> 2 @ 8x8 -> pool 2x2/2 -> 2 @ 4x4 = 32 -> dense 3.
        // With pooling: 32*3 = 96 weights; without: 2*8*8*3 = 384 (no biases here).
        let conv = Conv2d {
            weight: Array4::zeros((2, 1, 3, 3)),
            bias: None,
            stride: (1, 1),
            padding: (1, 1),
            ..Default::default()
        };
        let model = Model::new(
            ModelInfo::default(),
            InputSpec {
                channels: 1,
                height: 8,
                width: 8,
                mean: vec![0.0],
                std: vec![1.0],
            },
            vec![
                layer("conv", LayerKind::Conv2d(conv)),
                layer("pool", LayerKind::Pool2d(Pool2d::default())),
                layer("flatten", LayerKind::Flatten),
                layer(
                    "fc",
                    LayerKind::Dense(Dense {
                        weight: Array2::zeros((3, 32)),
                        bias: None,
                    }),
                ),
            ],
        )
        .expect("valid model");
        let s = dense_params_without(&model, 1).expect("dense follows");
        assert_eq!(
            s,
            PoolSavings {
                dense: "fc".into(),
                with_pool: 96,
                without_pool: 384
            }
        );
        assert_eq!(dense_params_without(&model, 0), None, "conv is not a pool");
    }

    #[test]
    fn the_digit_reader_without_each_pool() {
        // digits: conv1 8 @ 28x28 -> pool1 -> conv2 16 @ 14x14 -> pool2 -> 16 @ 7x7 = 784 -> fc 10.
        // Without pool1: conv2 runs on 28x28 (16*28*28*72 multiply-adds, 4x as many), pool2
        // leaves 16 @ 14x14 = 3,136 values, so fc needs 3,136*10 + 10 = 31,370 parameters.
        // Without pool2: fc sees 16 @ 14x14 too; conv2 is before it and does not change.
        let model = crate::engine::zoo::digits(1, crate::engine::PoolMode::Max);
        let index = |n: &str| model.layers().iter().position(|l| l.name == n).unwrap();
        let (pool1, pool2, conv2, fc) =
            (index("pool1"), index("pool2"), index("conv2"), index("fc"));
        let s = dense_params_without(&model, pool1).unwrap();
        assert_eq!(
            (s.dense.as_str(), s.with_pool, s.without_pool),
            ("fc", 7850, 31_370)
        );
        assert_eq!(
            dense_params_without(&model, pool2).unwrap().without_pool,
            31_370
        );
        assert_eq!(
            macs_without(&model, pool1),
            Some(vec![(conv2, 16 * 28 * 28 * 72), (fc, 31_360)])
        );
        assert_eq!(macs_without(&model, pool2), Some(vec![(fc, 31_360)]));
        assert_eq!(macs_without(&model, conv2), None, "not a pooling layer");
    }
}
