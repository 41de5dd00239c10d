//! A model's trainable tensors as flat slices, and gradients laid out the same way: for every
//! conv2d and dense layer in order, its weight, then its bias if it has one; a batch norm's
//! gamma then beta; a PReLU's slopes. (Batch norm's running statistics are buffers, updated by
//! the trainer from each batch, not trained.)

use crate::engine::layer::LayerKind;

use crate::engine::model::Model;

/// One gradient buffer per trainable tensor, in [`parameters_mut`] order.
#[derive(Debug, Clone, PartialEq)]
pub struct Grads {
    pub tensors: Vec<Vec<f32>>,
}

/// One batch norm layer's statistics over a training batch: the trainer moves the layer's
/// running statistics towards them after the step.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NormStats {
    /// The layer's index in the model.
    pub layer: usize,
    pub mean: Vec<f32>,
    /// The biased variance the batch was normalised with.
    pub var: Vec<f32>,
    /// Values per channel over the batch (N*H*W), for the unbiased running variance.
    pub count: usize,
}

impl Grads {
    /// Zeros shaped like `model`'s parameters.
    pub(crate) fn zeros(model: &Model) -> Grads {
        Grads {
            tensors: parameter_sizes(model)
                .into_iter()
                .map(|n| vec![0.0; n])
                .collect(),
        }
    }

    /// `self += other`, value by value (in a fixed order, so sums are reproducible).
    pub(crate) fn add(&mut self, other: &Grads) {
        for (a, b) in self.tensors.iter_mut().zip(&other.tensors) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
    }

    pub(crate) fn scale(&mut self, factor: f32) {
        for t in &mut self.tensors {
            for x in t {
                *x *= factor;
            }
        }
    }
}

/// The sizes of a layer's trainable tensors, in slot order (empty: none).
fn trainable_sizes(kind: &LayerKind) -> Vec<usize> {
    match kind {
        LayerKind::Conv2d(c) => std::iter::once(c.weight.len())
            .chain(c.bias.as_ref().map(|b| b.len()))
            .collect(),
        LayerKind::Dense(d) => std::iter::once(d.weight.len())
            .chain(d.bias.as_ref().map(|b| b.len()))
            .collect(),
        LayerKind::BatchNorm(bn) => vec![bn.weight.len(), bn.bias.len()],
        LayerKind::Prelu(p) => vec![p.weight.len()],
        _ => vec![],
    }
}

/// The size of each trainable tensor.
pub(crate) fn parameter_sizes(model: &Model) -> Vec<usize> {
    model
        .layers()
        .iter()
        .flat_map(|layer| trainable_sizes(&layer.kind))
        .collect()
}

/// For each layer, the index of its first trainable tensor in [`parameter_sizes`] order (the
/// others follow it).
pub(crate) fn first_slots(model: &Model) -> Vec<Option<usize>> {
    let mut next = 0;
    model
        .layers()
        .iter()
        .map(|layer| {
            let n = trainable_sizes(&layer.kind).len();
            if n == 0 {
                return None;
            }
            let slot = next;
            next += n;
            Some(slot)
        })
        .collect()
}

fn flat<D: ndarray::Dimension>(a: &mut ndarray::Array<f32, D>) -> &mut [f32] {
    if a.as_slice().is_none() {
        *a = a.as_standard_layout().to_owned();
    }
    a.as_slice_mut().expect("standard layout")
}

/// Every trainable tensor as a mutable flat slice (weights in PyTorch order).
pub fn parameters_mut(model: &mut Model) -> Vec<&mut [f32]> {
    let mut out: Vec<&mut [f32]> = Vec::new();
    for layer in model.layers_mut() {
        match &mut layer.kind {
            LayerKind::Conv2d(c) => {
                out.push(flat(&mut c.weight));
                if let Some(b) = &mut c.bias {
                    out.push(flat(b));
                }
            }
            LayerKind::Dense(d) => {
                out.push(flat(&mut d.weight));
                if let Some(b) = &mut d.bias {
                    out.push(flat(b));
                }
            }
            LayerKind::BatchNorm(bn) => {
                out.push(flat(&mut bn.weight));
                out.push(flat(&mut bn.bias));
            }
            LayerKind::Prelu(p) => out.push(flat(&mut p.weight)),
            _ => {}
        }
    }
    out
}
