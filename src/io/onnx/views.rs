//! Data that Reshape and Transpose nodes rearranged, as a view of the layer that made it:
//! ShuffleNetV2's channel shuffle (a reshape to five axes, a transpose and a reshape back)
//! becomes one stage that picks channels; ConvNeXt's channels-last blocks (a permute, then
//! LayerNorm, Linear layers and GELU on the last axis, then a permute back) become the same
//! stages on channels (layer norm, 1x1 convolutions, GELU). Arithmetic with one constant per
//! channel (ConvNeXt's layer scale, a bias given first) becomes a per-channel scale and shift
//! (a 1x1 depthwise convolution) or the bias of the layer before it. Anything else on
//! rearranged data is refused, naming the node that rearranged it.

use super::attrs::{Attrs, node_name, onnx_dims, reshape_dims, usizes};
use super::error::{NodeError, refused};
use super::graph::{Value, Walker, source};
use super::proto::NodeProto;
use super::registry::DataInput;
use super::tensors::Const;
use super::view::View;
use crate::engine::{Conv2d, Layer, LayerKind, LayerNorm, PickChannels, Shape};
use ndarray::{Array1, Array4};

/// Whether a constant of `dims`, broadcast against data of ONNX dimensions `data` (aligned on
/// the right), holds a single value or one value along axis `axis` only.
pub(super) fn along_axis(dims: &[usize], data: &[usize], axis: usize) -> bool {
    if dims.iter().product::<usize>() == 1 {
        return true;
    }
    if dims.len() > data.len() {
        return false;
    }
    let offset = data.len() - dims.len();
    dims.iter()
        .enumerate()
        .all(|(i, &d)| d == 1 || (offset + i == axis && d == data[axis]))
}

fn layout(view: &View) -> String {
    format!(
        "data laid out as {:?} by node {} (a Reshape or Transpose)",
        view.dims(),
        view.node
    )
}

impl Walker<'_> {
    /// Records the node's output as the output of layer `from` (of `shape`) seen as `view`,
    /// or as that output itself when the view changes nothing.
    pub(super) fn set_view(
        &mut self,
        node: &NodeProto,
        shape: Shape,
        from: Option<usize>,
        view: View,
    ) {
        let Some(out) = node.output.first().cloned() else {
            return;
        };
        self.values
            .insert(out.clone(), Value::Data { shape, layer: from });
        let plain = onnx_dims(shape)
            .iter()
            .map(|&d| d as usize)
            .eq(view.split.iter().copied())
            && !view.permuted();
        if plain {
            self.views.remove(&out);
        } else {
            self.views.insert(out, view);
        }
    }

    /// An element-wise node's output is laid out as its data input.
    pub(super) fn carry_view(&mut self, node: &NodeProto, data: &[DataInput]) {
        let view = data.iter().find_map(|(_, n, _)| self.views.get(n)).cloned();
        if let (Some(view), Some(out)) = (view, node.output.first()) {
            self.views.insert(out.clone(), view);
        }
    }

    /// Handles the node when it reads rearranged data, or is arithmetic of the data with one
    /// constant per channel; `false` when it is neither (the usual handlers take it).
    pub(super) fn rearranged(
        &mut self,
        node: &NodeProto,
        data: &[DataInput],
    ) -> Result<bool, NodeError> {
        let viewed = data
            .iter()
            .find_map(|(_, n, _)| self.views.get(n).map(|v| (n.clone(), v.clone())));
        let op = node.op_type();
        let arithmetic = matches!(op, "Add" | "Mul" | "Sub" | "Div");
        match (viewed, data) {
            (Some((name, view)), [(index, _, Value::Data { shape, layer })]) => {
                self.on_view(node, *index, &name, *shape, *layer, view)?;
                Ok(true)
            }
            (Some((name, view)), _) => Err(refused(format!(
                "it reads {name:?}, {}, together with other data: only element-wise nodes of one input, LayerNormalization, MatMul by a weight, Transpose and Reshape back to [1, C, H, W] read such data. Keep the branches in [1, C, H, W] before joining them",
                layout(&view)
            ))),
            (None, [(index, _, Value::Data { shape, layer })])
                if arithmetic && !(op == "Add" && *index == 0) =>
            {
                self.per_channel(node, *index, *shape, *layer, None)?;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    fn on_view(
        &mut self,
        node: &NodeProto,
        index: usize,
        name: &str,
        shape: Shape,
        from: Option<usize>,
        view: View,
    ) -> Result<(), NodeError> {
        let op = node.op_type();
        let here = node_name(node);
        match op {
            "Transpose" => {
                let perm = match Attrs(&node.attribute).ints("perm") {
                    Some(p) => usizes(&p, "perm")?,
                    None => (0..view.perm.len()).rev().collect(),
                };
                let mut sorted = perm.clone();
                sorted.sort_unstable();
                if sorted != (0..view.perm.len()).collect::<Vec<_>>() {
                    return Err(refused(format!(
                        "attribute perm {perm:?} is not a permutation of the {} axes of {}",
                        view.perm.len(),
                        layout(&view)
                    )));
                }
                let perm = perm.iter().map(|&a| view.perm[a]).collect();
                let view = View {
                    perm,
                    node: here,
                    ..view
                };
                self.set_view(node, shape, from, view);
                Ok(())
            }
            "Reshape" => self.reshape_view(node, shape, from, view),
            "LayerNormalization" if view.channels_last() && index == 0 => {
                let ln = layer_norm(self, node, shape, 3)?;
                let (layer, _) = self.add_layer(
                    Layer {
                        name: here,
                        kind: LayerKind::LayerNorm(ln),
                    },
                    vec![source(from)],
                    &[shape],
                    node.output.first().cloned().unwrap_or_default(),
                )?;
                self.set_view(node, shape, Some(layer), view);
                Ok(())
            }
            "MatMul" if view.channels_last() && index == 0 => {
                let conv = pointwise(self, node, shape)?;
                let (layer, out) = self.add_layer(
                    Layer {
                        name: here,
                        kind: LayerKind::Conv2d(conv),
                    },
                    vec![source(from)],
                    &[shape],
                    node.output.first().cloned().unwrap_or_default(),
                )?;
                let mut split = view.split.clone();
                split[1] = out.len() / (split[2] * split[3]).max(1);
                self.set_view(node, out, Some(layer), View { split, ..view });
                Ok(())
            }
            "Add" | "Mul" | "Sub" | "Div" if view.channels_last() => {
                self.per_channel(node, index, shape, from, Some(view))
            }
            _ => Err(refused(format!(
                "it reads {name:?}, {}: on such data only Transpose, Reshape back to [1, C, H, W], element-wise activations, LayerNormalization and MatMul over the channels (channels-last, as after x.permute(0, 2, 3, 1)) and arithmetic with one constant per channel are supported. Rewrite the module to keep [1, C, H, W] around {op}",
                layout(&view)
            ))),
        }
    }

    /// Reshape of rearranged data: another view while nothing is permuted, or back to
    /// `[1, C, H, W]` as a stage that picks channels (a channel shuffle) or as the data itself.
    fn reshape_view(
        &mut self,
        node: &NodeProto,
        shape: Shape,
        from: Option<usize>,
        view: View,
    ) -> Result<(), NodeError> {
        let target = self
            .required_const(node, 1, "target shape")?
            .as_ints()
            .ok_or_else(|| refused("the target shape (input 1) is not whole numbers"))?;
        let dims: Vec<i64> = view.dims().iter().map(|&d| d as i64).collect();
        let allow_zero = Attrs(&node.attribute).int("allowzero", 0) != 0;
        let dims = usizes(&reshape_dims(&dims, &target, allow_zero)?, "shape")?;
        if !view.permuted() {
            let view = View {
                split: dims,
                perm: (0..target.len()).collect(),
                node: node_name(node),
            };
            self.set_view(node, shape, from, view);
            return Ok(());
        }
        let Shape::Maps {
            channels,
            height,
            width,
        } = shape
        else {
            return Err(refused(format!("reshape of a vector laid out as {dims:?}")));
        };
        let plane = height * width;
        let picks = (dims == [1, channels, height, width])
            .then(|| channel_picks(&view.sources(), channels, plane))
            .flatten();
        let Some(from_channels) = picks else {
            return Err(refused(format!(
                "reshape of {} to {dims:?} (input 1, the target shape): only back to [1, C, H, W] = [1, {channels}, {height}, {width}] with whole channels moved (a channel shuffle) is supported. Rewrite the module to keep [1, C, H, W]",
                layout(&view)
            )));
        };
        if from_channels.iter().enumerate().all(|(i, &c)| i == c) {
            self.set_view(
                node,
                shape,
                from,
                View {
                    split: dims,
                    perm: (0..4).collect(),
                    ..view
                },
            );
            return Ok(());
        }
        let name = self.shuffle_name(node);
        let kind = LayerKind::PickChannels(PickChannels {
            from: from_channels,
        });
        self.push(node, name, kind, shape, from)?;
        Ok(())
    }

    /// A channel shuffle's stage is named after the module it is in, or after its last node.
    fn shuffle_name(&self, node: &NodeProto) -> String {
        let name = node_name(node);
        self.module_stage(&name, "channel_shuffle").unwrap_or(name)
    }

    /// Arithmetic of the data (input `index`) and a constant of one value per channel: a
    /// bias taken over by the layer that made the data when nothing else reads it, else a
    /// per-channel scale and shift stage (a 1x1 depthwise convolution).
    fn per_channel(
        &mut self,
        node: &NodeProto,
        index: usize,
        shape: Shape,
        from: Option<usize>,
        view: Option<View>,
    ) -> Result<(), NodeError> {
        let op = node.op_type();
        let other = 1 - index.min(1);
        let c = self.required_const(node, other, "constant")?;
        let Shape::Maps { channels, .. } = shape else {
            return Err(refused(format!(
                "{op} of a vector and a constant of shape {:?}: only maps and one value per channel are supported",
                c.dims
            )));
        };
        let (data_dims, axis) = match &view {
            Some(v) => (v.dims(), 3),
            None => (onnx_dims(shape).iter().map(|&d| d as usize).collect(), 1),
        };
        if !along_axis(&c.dims, &data_dims, axis) {
            return Err(refused(format!(
                "input {other} is a constant of shape {:?}, not one value per channel of data {data_dims:?}: only arithmetic with one value per channel (layer scale, a bias) is supported",
                c.dims
            )));
        }
        let values = per_channel_values(&c, channels);
        let (scale, shift): (Vec<f32>, Vec<f32>) = match (op, index) {
            ("Add", _) => (vec![1.0; channels], values),
            ("Mul", _) => (values, vec![0.0; channels]),
            ("Sub", 0) => (vec![1.0; channels], values.iter().map(|v| -v).collect()),
            ("Sub", _) => (vec![-1.0; channels], values),
            ("Div", 0) => (
                values.iter().map(|v| 1.0 / v).collect(),
                vec![0.0; channels],
            ),
            _ => {
                return Err(refused(
                    "a constant divided by the data is not supported: write x * (1 / c) or compute it in the model",
                ));
            }
        };
        let out = node.output.first().cloned().unwrap_or_default();
        let layer = if scale.iter().all(|&s| s == 1.0) && self.take_bias(node, from, &shift) {
            from.unwrap_or_default()
        } else {
            let conv = Conv2d {
                weight: Array4::from_shape_vec((channels, 1, 1, 1), scale)
                    .map_err(|e| refused(e.to_string()))?,
                bias: shift.iter().any(|&b| b != 0.0).then(|| Array1::from(shift)),
                groups: channels,
                ..Conv2d::default()
            };
            let l = Layer {
                name: node_name(node),
                kind: LayerKind::Conv2d(conv),
            };
            self.add_layer(l, vec![source(from)], &[shape], out)?.0
        };
        match view {
            Some(view) => self.set_view(node, shape, Some(layer), view),
            None => self.set(
                node,
                Value::Data {
                    shape,
                    layer: Some(layer),
                },
            ),
        }
        Ok(())
    }

    /// Makes `bias` the bias of layer `from` when it is the last layer, has none, and its
    /// output is read by this node only; `false` when it cannot.
    fn take_bias(&mut self, node: &NodeProto, from: Option<usize>, bias: &[f32]) -> bool {
        let Some(index) = from.filter(|&l| l + 1 == self.layers.len()) else {
            return false;
        };
        let made = self.outputs[index].clone();
        if self.read.get(&made).copied().unwrap_or(0) > 1 {
            return false;
        }
        let slot = match &mut self.layers[index].kind {
            LayerKind::Conv2d(c) if c.bias.is_none() && c.out_channels() == bias.len() => {
                &mut c.bias
            }
            _ => return false,
        };
        *slot = Some(Array1::from(bias.to_vec()));
        self.outputs[index] = node.output.first().cloned().unwrap_or_default();
        self.folded.insert(made, node_name(node));
        true
    }
}

/// The channels a view of `[1, C, H, W]` data read back as `[1, C, H, W]` takes, when it
/// moves whole channels (`sources`: each value's index in the data).
fn channel_picks(sources: &[usize], channels: usize, plane: usize) -> Option<Vec<usize>> {
    let mut picks = Vec::with_capacity(channels);
    for k in 0..channels {
        let first = *sources.get(k * plane)?;
        if first % plane != 0 {
            return None;
        }
        let whole = (0..plane).all(|p| sources.get(k * plane + p) == Some(&(first + p)));
        if !whole {
            return None;
        }
        picks.push(first / plane);
    }
    Some(picks)
}

/// A constant of one value (or one per channel) as one value per channel.
pub(super) fn per_channel_values(c: &Const, channels: usize) -> Vec<f32> {
    let values = c.as_floats();
    match values[..] {
        [v] => vec![v; channels],
        _ => values,
    }
}

/// LayerNormalization over axis `channel_axis` (the channels) of data of `shape`.
pub(super) fn layer_norm(
    w: &Walker,
    node: &NodeProto,
    shape: Shape,
    channel_axis: i64,
) -> Result<LayerNorm, NodeError> {
    let a = Attrs(&node.attribute);
    let axis = a.int("axis", -1);
    let rank = if channel_axis == 3 { 4 } else { 2 };
    if axis != channel_axis && axis + rank != channel_axis {
        return Err(refused(format!(
            "attribute axis {axis}: only normalisation over the channels (the last axis of channels-last data, x.permute(0, 2, 3, 1), or of a vector) is supported"
        )));
    }
    if node.output.iter().skip(1).any(|o| !o.is_empty()) {
        return Err(refused(
            "the mean and inverse deviation outputs are not supported: export in eval mode",
        ));
    }
    let channels = crate::engine::BatchNorm::channels_of(shape);
    let take = |i: usize, what: &'static str, default: f32| -> Result<Array1<f32>, NodeError> {
        match w.const_input(node, i)? {
            None => Ok(Array1::from_elem(channels, default)),
            Some(c) if c.count() == channels || c.count() == 1 => {
                Ok(Array1::from(per_channel_values(&c, channels)))
            }
            Some(c) => Err(refused(format!(
                "{what} (input {i}) of shape {:?} is not one value per channel ({channels})",
                c.dims
            ))),
        }
    };
    Ok(LayerNorm {
        weight: take(1, "scale", 1.0)?,
        bias: take(2, "bias", 0.0)?,
        eps: a.float("epsilon", LayerNorm::DEFAULT_EPS),
    })
}

/// MatMul of channels-last data `[1, H, W, C]` by a weight `[C, D]`: a 1x1 convolution.
fn pointwise(w: &Walker, node: &NodeProto, shape: Shape) -> Result<Conv2d, NodeError> {
    let weight = w.required_const(node, 1, "weight")?;
    let channels = crate::engine::BatchNorm::channels_of(shape);
    let [rows, cols] = weight.dims[..] else {
        return Err(refused(format!(
            "weight (input 1) of shape {:?} is not a matrix",
            weight.dims
        )));
    };
    if rows != channels {
        return Err(refused(format!(
            "weight (input 1) of shape {:?} does not take the {channels} channels",
            weight.dims
        )));
    }
    let values = weight.into_floats();
    let mut t = vec![0.0; rows * cols];
    for r in 0..rows {
        for c in 0..cols {
            t[c * rows + r] = values[r * cols + c];
        }
    }
    Ok(Conv2d {
        weight: Array4::from_shape_vec((cols, rows, 1, 1), t)
            .map_err(|e| refused(e.to_string()))?,
        ..Conv2d::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_channel_shuffle_view_reads_back_as_picked_channels() {
        // 4 channels of 1x2 maps viewed as [1, 2, 2, 1, 2], axes 1 and 2 swapped: channel k
        // of the result is channel (k % 2) * 2 + k / 2 of the data: 0, 2, 1, 3.
        let view = View {
            split: vec![1, 2, 2, 1, 2],
            perm: vec![0, 2, 1, 3, 4],
            node: "t".into(),
        };
        assert_eq!(channel_picks(&view.sources(), 4, 2), Some(vec![0, 2, 1, 3]));
        // Channels-last [1, 1, 2, 4] read as [1, 4, 1, 2] mixes positions into channels.
        let last = View {
            split: vec![1, 4, 1, 2],
            perm: vec![0, 2, 3, 1],
            node: "t".into(),
        };
        assert_eq!(channel_picks(&last.sources(), 4, 2), None);
    }

    #[test]
    fn per_channel_constants_line_up_with_the_channel_axis() {
        assert!(along_axis(&[8, 1, 1], &[1, 8, 5, 5], 1));
        assert!(along_axis(&[8], &[1, 5, 5, 8], 3));
        assert!(!along_axis(&[8], &[1, 8, 5, 8], 1));
        assert!(along_axis(&[1], &[1, 8, 5, 5], 1));
    }
}
