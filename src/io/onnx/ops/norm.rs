//! BatchNormalization as its own stage (not folded into the convolution before it), so the
//! app shows what it does; and the operators of a layer normalisation spelt out node by node
//! (`norm_spelt.rs`).

use super::super::attrs::Attrs;
use super::super::error::{NodeError, refused};
use super::super::graph::Walker;
use super::super::proto::NodeProto;
use super::super::registry::{DataIn, Registry};
use crate::engine::LayerType;
use crate::engine::{BatchNorm, LayerKind};
use ndarray::Array1;

pub(super) fn register(r: &mut Registry) {
    r.layer("BatchNormalization", batch_norm, "")
        .makes(&[LayerType::BatchNorm]);
    // Layer normalisation spelt out node by node (`norm_spelt.rs` follows the steps).
    for name in ["ReduceMean", "Sub", "Pow", "Mul", "Add", "Sqrt", "Div"] {
        r.norm_step(name).makes(&[LayerType::LayerNorm]);
    }
}

/// BatchNormalization at inference: scale, bias, running mean and variance per channel.
fn batch_norm(
    w: &mut Walker,
    node: &NodeProto,
    input: DataIn,
) -> Result<Option<LayerKind>, NodeError> {
    let a = Attrs(&node.attribute);
    let shape = input.shape;
    if a.int("training_mode", 0) != 0 || node.output.iter().skip(1).any(|o| !o.is_empty()) {
        return Err(refused(
            "training mode (batch statistics, running-statistics outputs) is not supported: export the model in eval mode",
        ));
    }
    let channels = BatchNorm::channels_of(shape);
    let mut tensors = Vec::with_capacity(4);
    for (i, what) in [(1, "scale"), (2, "bias"), (3, "mean"), (4, "variance")] {
        let c = w.required_const(node, i, what)?;
        if c.count() != channels {
            return Err(refused(format!(
                "{what} of shape {:?} is not one value per channel of {shape}",
                c.dims
            )));
        }
        tensors.push(Array1::from(c.into_floats()));
    }
    let [weight, bias, running_mean, running_var] =
        <[_; 4]>::try_from(tensors).map_err(|_| refused("four statistics were read"))?;
    Ok(Some(LayerKind::BatchNorm(BatchNorm {
        weight,
        bias,
        running_mean,
        running_var,
        eps: a.float("epsilon", BatchNorm::DEFAULT_EPS),
        // ONNX keeps this much of the old statistics; PyTorch's momentum is the rest.
        momentum: 1.0 - a.float("momentum", 0.9),
    })))
}
