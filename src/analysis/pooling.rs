//! What a pooling layer saves downstream: the weights the next dense layer needs with this
//! pooling and without it.

use crate::engine::{LayerKind, Model, infer_shapes};

/// The first dense layer after a pooling layer, and its weight count with and without it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PoolSavings {
    pub dense: String,
    /// Weights (not biases) of the dense layer as the model is.
    pub with_pool: usize,
    /// Weights it would need if this pooling layer were removed.
    pub without_pool: usize,
}

/// `None` when no dense layer follows `pool_index`, or the model without the pooling layer
/// has no valid shapes up to it, or is a graph (taking a pooling layer out of one changes what
/// its merges read, so there is no one answer).
pub(crate) fn dense_weights_without(model: &Model, pool_index: usize) -> Option<PoolSavings> {
    if !model.is_chain() {
        return None;
    }
    let layers = model.layers();
    if !matches!(layers.get(pool_index)?.kind, LayerKind::Pool2d(_)) {
        return None;
    }
    let (dense_index, dense) =
        layers
            .iter()
            .enumerate()
            .skip(pool_index + 1)
            .find_map(|(i, l)| match &l.kind {
                LayerKind::Dense(d) => Some((i, d)),
                _ => None,
            })?;
    let before: Vec<_> = layers[..dense_index]
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != pool_index)
        .map(|(_, l)| l.clone())
        .collect();
    let shapes = infer_shapes(model.input.shape(), &before).ok()?;
    let inputs = shapes.last().copied().unwrap_or(model.input.shape()).len();
    Some(PoolSavings {
        dense: layers[dense_index].name.clone(),
        with_pool: dense.weight.len(),
        without_pool: inputs * dense.out_features(),
    })
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
        // With pooling: 32*3 = 96 weights; without: 2*8*8*3 = 384.
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
        let s = dense_weights_without(&model, 1).expect("dense follows");
        assert_eq!(
            s,
            PoolSavings {
                dense: "fc".into(),
                with_pool: 96,
                without_pool: 384
            }
        );
        assert_eq!(dense_weights_without(&model, 0), None, "conv is not a pool");
    }
}
