//! A model's trainable tensors as flat slices, and gradients laid out the same way: for every
//! conv2d and dense layer in order, its weight, then its bias if it has one.

use crate::engine::{LayerKind, Model};

/// One gradient buffer per trainable tensor, in [`parameters_mut`] order.
#[derive(Debug, Clone, PartialEq)]
pub struct Grads {
    pub tensors: Vec<Vec<f32>>,
}

impl Grads {
    /// Zeros shaped like `model`'s parameters.
    pub fn zeros(model: &Model) -> Grads {
        Grads {
            tensors: parameter_sizes(model)
                .into_iter()
                .map(|n| vec![0.0; n])
                .collect(),
        }
    }

    /// `self += other`, value by value (in a fixed order, so sums are reproducible).
    pub fn add(&mut self, other: &Grads) {
        for (a, b) in self.tensors.iter_mut().zip(&other.tensors) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
    }

    pub fn scale(&mut self, factor: f32) {
        for t in &mut self.tensors {
            for x in t {
                *x *= factor;
            }
        }
    }
}

/// The size of each trainable tensor.
pub fn parameter_sizes(model: &Model) -> Vec<usize> {
    let mut sizes = Vec::new();
    for layer in model.layers() {
        let (w, b) = match &layer.kind {
            LayerKind::Conv2d(c) => (c.weight.len(), c.bias.as_ref().map(|b| b.len())),
            LayerKind::Dense(d) => (d.weight.len(), d.bias.as_ref().map(|b| b.len())),
            _ => continue,
        };
        sizes.push(w);
        sizes.extend(b);
    }
    sizes
}

/// For each layer, the index of its weight tensor in [`parameter_sizes`] order (its bias, if
/// any, is the next one).
pub fn first_slots(model: &Model) -> Vec<Option<usize>> {
    let mut next = 0;
    model
        .layers()
        .iter()
        .map(|layer| {
            let has_bias = match &layer.kind {
                LayerKind::Conv2d(c) => c.bias.is_some(),
                LayerKind::Dense(d) => d.bias.is_some(),
                _ => return None,
            };
            let slot = next;
            next += 1 + usize::from(has_bias);
            Some(slot)
        })
        .collect()
}

/// Every trainable tensor as a mutable flat slice (weights in PyTorch order).
pub fn parameters_mut(model: &mut Model) -> Vec<&mut [f32]> {
    let mut out: Vec<&mut [f32]> = Vec::new();
    for layer in model.layers_mut() {
        match &mut layer.kind {
            LayerKind::Conv2d(c) => {
                if c.weight.as_slice().is_none() {
                    c.weight = c.weight.as_standard_layout().to_owned();
                }
                out.push(c.weight.as_slice_mut().expect("standard layout"));
                if let Some(b) = &mut c.bias {
                    out.push(b.as_slice_mut().expect("1-D arrays we own are contiguous"));
                }
            }
            LayerKind::Dense(d) => {
                if d.weight.as_slice().is_none() {
                    d.weight = d.weight.as_standard_layout().to_owned();
                }
                out.push(d.weight.as_slice_mut().expect("standard layout"));
                if let Some(b) = &mut d.bias {
                    out.push(b.as_slice_mut().expect("1-D arrays we own are contiguous"));
                }
            }
            _ => {}
        }
    }
    out
}
