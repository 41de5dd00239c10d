//! BatchNormalization as its own stage (not folded into the convolution before it), so the
//! app shows what it does.

use super::attrs::Attrs;
use super::graph::Walker;
use super::proto::NodeProto;
use crate::engine::{BatchNorm, LayerKind, Shape};
use ndarray::Array1;

impl Walker<'_> {
    /// BatchNormalization at inference: scale, bias, running mean and variance per channel.
    pub(super) fn batch_norm(
        &mut self,
        node: &NodeProto,
        shape: Shape,
    ) -> Result<LayerKind, String> {
        let a = Attrs(&node.attribute);
        if a.int("training_mode", 0) != 0 || node.output.iter().skip(1).any(|o| !o.is_empty()) {
            return Err(
                "training mode (batch statistics, running-statistics outputs) is not supported: export the model in eval mode".into(),
            );
        }
        let channels = BatchNorm::channels_of(shape);
        let mut tensors = Vec::with_capacity(4);
        for (i, what) in [(1, "scale"), (2, "bias"), (3, "mean"), (4, "variance")] {
            let c = self.required_const(node, i, what)?;
            if c.count() != channels {
                return Err(format!(
                    "{what} of shape {:?} is not one value per channel of {shape}",
                    c.dims
                ));
            }
            tensors.push(Array1::from(c.into_floats()));
        }
        let [weight, bias, running_mean, running_var] =
            <[_; 4]>::try_from(tensors).map_err(|_| "four statistics were read".to_string())?;
        Ok(LayerKind::BatchNorm(BatchNorm {
            weight,
            bias,
            running_mean,
            running_var,
            eps: a.float("epsilon", BatchNorm::DEFAULT_EPS),
            // ONNX keeps this much of the old statistics; PyTorch's momentum is the rest.
            momentum: 1.0 - a.float("momentum", 0.9),
        }))
    }
}
