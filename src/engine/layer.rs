//! One step of a network: what it is, the shape it produces and how it computes.

use super::error::{Error, Result};
use super::layers::activation::{Activation, Prelu, log_softmax, softmax};
use super::layers::adaptive_pool::{AdaptivePool, global_avg_pool, global_max_pool};
use super::layers::channels::PickChannels;
use super::layers::conv::Conv2d;
use super::layers::dense::Dense;
use super::layers::kinds::LayerType;
use super::layers::merge::Merge;
use super::layers::norm::{BatchNorm, LayerNorm};
use super::layers::pool::{Pool2d, PoolMode};
use super::layers::resample::{Pad2d, Resize};
use super::limits;
use super::tensor::{Shape, Tensor};
use ndarray::Array1;
use rand::{Rng, SeedableRng, rngs::StdRng};

/// What a layer does.
#[derive(Debug, Clone, PartialEq)]
pub enum LayerKind {
    Conv2d(Conv2d),
    Activation(Activation),
    Pool2d(Pool2d),
    GlobalAvgPool,
    Flatten,
    Dense(Dense),
    /// Drops each unit with probability `p` while training; the identity at inference.
    Dropout {
        p: f32,
    },
    Softmax,
    /// `log(softmax(x))`, computed stably (pytorch/examples' MNIST net ends with it).
    LogSoftmax,
    /// Batch normalisation over maps (per channel) or a vector (per feature).
    BatchNorm(BatchNorm),
    /// A leaky ReLU with learnt slopes.
    Prelu(Prelu),
    /// Pooling to a fixed output size, whatever the input size.
    AdaptivePool(AdaptivePool),
    /// The largest value of each map, as `[C,1,1]`.
    GlobalMaxPool,
    /// A layer that reads several earlier outputs (add, concat, mul).
    Merge(Merge),
    /// Some of the input's channels in a given order (a channel shuffle, half of a split).
    PickChannels(PickChannels),
    /// Layer normalisation over the channels at each position.
    LayerNorm(LayerNorm),
    /// A mirrored or repeated border around each map.
    Pad2d(Pad2d),
    /// Maps scaled to a new size.
    Resize(Resize),
}

impl LayerKind {
    /// The row of the table of layer kinds this layer is.
    pub(crate) fn layer_type(&self) -> LayerType {
        match self {
            LayerKind::Conv2d(_) => LayerType::Conv2d,
            LayerKind::Activation(f) => LayerType::from(*f),
            LayerKind::Pool2d(_) => LayerType::Pool2d,
            LayerKind::GlobalAvgPool => LayerType::GlobalAvgPool,
            LayerKind::Flatten => LayerType::Flatten,
            LayerKind::Dense(_) => LayerType::Dense,
            LayerKind::Dropout { .. } => LayerType::Dropout,
            LayerKind::Softmax => LayerType::Softmax,
            LayerKind::LogSoftmax => LayerType::LogSoftmax,
            LayerKind::BatchNorm(_) => LayerType::BatchNorm,
            LayerKind::Prelu(_) => LayerType::Prelu,
            LayerKind::AdaptivePool(_) => LayerType::AdaptivePool2d,
            LayerKind::GlobalMaxPool => LayerType::GlobalMaxPool,
            LayerKind::Merge(m) => LayerType::from(*m),
            LayerKind::PickChannels(_) => LayerType::PickChannels,
            LayerKind::LayerNorm(_) => LayerType::LayerNorm,
            LayerKind::Pad2d(_) => LayerType::Pad2d,
            LayerKind::Resize(_) => LayerType::Resize,
        }
    }

    /// The `type` string of the model format.
    pub fn type_name(&self) -> &'static str {
        self.layer_type().name()
    }
}

/// A named layer.
#[derive(Debug, Clone, PartialEq)]
pub struct Layer {
    pub name: String,
    pub kind: LayerKind,
}

/// How to run the network beyond its stored weights: the GUI's switches.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct RunOptions {
    /// Use this mode in every pooling layer instead of the one in the file.
    pub pool_mode: Option<PoolMode>,
    /// Apply dropout as in training, with a mask drawn from this seed.
    pub dropout: Option<DropoutRun>,
}

/// Dropout switched on at inference, to show what it does.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DropoutRun {
    /// Rate to use instead of each layer's own `p`.
    pub rate: Option<f32>,
    pub seed: u64,
}

/// The mask seed of the dropout layer at `index` when a run uses `seed`: each dropout layer
/// draws its own mask.
pub fn layer_dropout_seed(seed: u64, index: usize) -> u64 {
    seed.wrapping_add(index as u64 * 0x9E37_79B9)
}

/// Which units a dropout layer keeps (`true`) for a seed: each is dropped with probability `p`.
/// The same `(len, p, seed)` always gives the same mask.
pub fn dropout_mask(len: usize, p: f32, seed: u64) -> Vec<bool> {
    let mut rng = StdRng::seed_from_u64(seed);
    (0..len).map(|_| rng.random::<f32>() >= p).collect()
}

fn bad(layer: &str, field: &str, message: String) -> Error {
    Error::BadField {
        layer: layer.into(),
        field: field.into(),
        message,
    }
}

/// A pooling window PyTorch would accept: a non-empty kernel, a stride, every side's padding
/// at most half the kernel (so every window touches the map), no dilation, and a blur of 1 to
/// 7 taps.
fn check_pool(name: &str, pool: &Pool2d) -> Result<()> {
    let w = &pool.window;
    if w.kernel.0 == 0 || w.kernel.1 == 0 {
        return Err(bad(name, "kernel", format!("{:?} is empty", w.kernel)));
    }
    if w.stride.0 == 0 || w.stride.1 == 0 {
        return Err(bad(name, "stride", format!("{:?} has a zero", w.stride)));
    }
    for padding in [w.padding, w.pad_end()] {
        if padding.0 * 2 > w.kernel.0 || padding.1 * 2 > w.kernel.1 {
            return Err(bad(
                name,
                "padding",
                format!(
                    "{padding:?} is more than half the kernel {:?} (as in PyTorch, a window must touch the map)",
                    w.kernel
                ),
            ));
        }
    }
    if w.dilation != (1, 1) {
        return Err(bad(
            name,
            "dilation",
            "pooling windows are not dilated here".into(),
        ));
    }
    if !(1..=7).contains(&pool.blur) {
        return Err(bad(
            name,
            "blur",
            format!("{} is not between 1 and 7", pool.blur),
        ));
    }
    Ok(())
}

fn checked_maps(layer: &str, channels: usize, h: i64, w: i64) -> Result<Shape> {
    if h <= 0 || w <= 0 {
        return Err(Error::EmptyOutput {
            layer: layer.to_string(),
            height: h,
            width: w,
        });
    }
    let shape = Shape::maps(channels, h as usize, w as usize);
    let len = channels
        .checked_mul(h as usize)
        .and_then(|v| v.checked_mul(w as usize))
        .unwrap_or(usize::MAX);
    if len > limits::MAX_ACTIVATION {
        return Err(Error::TooLarge {
            what: format!("layer {layer}: output {shape} ({len} values)"),
            value: len,
            limit: limits::MAX_ACTIVATION,
        });
    }
    Ok(shape)
}

/// A convolution's output maps, once its geometry and input channels are checked.
fn conv_shape(name: &str, conv: &Conv2d, input: Shape) -> Result<Shape> {
    let (c, h, w) = input.maps_for(name)?;
    if let Some((field, message)) = conv.invalid_geometry() {
        return Err(bad(name, field, message));
    }
    if c != conv.in_channels() {
        return Err(Error::InputShape {
            layer: name.into(),
            expected: format!("{} input channels", conv.in_channels()),
            got: format!("{input}"),
        });
    }
    let (oh, ow) = conv.window().output_size(h, w);
    checked_maps(name, conv.out_channels(), oh, ow)
}

/// Adaptive pooling's output maps: max or avg, to an output size within the limits.
fn adaptive_shape(name: &str, pool: &AdaptivePool, input: Shape) -> Result<Shape> {
    let (c, _, _) = input.maps_for(name)?;
    if pool.mode == PoolMode::BlurMax {
        return Err(bad(name, "mode", "adaptive pooling is max or avg".into()));
    }
    let (oh, ow) = pool.output;
    for v in [oh, ow] {
        if v == 0 || v > limits::MAX_SIDE {
            return Err(bad(
                name,
                "output",
                format!("{v} is not between 1 and {}", limits::MAX_SIDE),
            ));
        }
    }
    checked_maps(name, c, oh as i64, ow as i64)
}

/// Batch normalisation keeps its input's shape, once its statistics fit the channels and its
/// parameters are in range.
fn batch_norm_shape(name: &str, bn: &BatchNorm, input: Shape) -> Result<Shape> {
    let channels = BatchNorm::channels_of(input);
    let tensors = [&bn.weight, &bn.bias, &bn.running_mean, &bn.running_var];
    if tensors.iter().any(|t| t.len() != channels) {
        return Err(Error::InputShape {
            layer: name.into(),
            expected: format!(
                "{} channels (the length of its weight, bias and running statistics)",
                bn.channels()
            ),
            got: format!("{input}"),
        });
    }
    if !(bn.eps.is_finite() && bn.eps > 0.0) {
        return Err(bad(name, "eps", format!("{} is not above zero", bn.eps)));
    }
    if !(0.0..=1.0).contains(&bn.momentum) {
        return Err(bad(
            name,
            "momentum",
            format!("{} is not in [0, 1]", bn.momentum),
        ));
    }
    if bn.running_var.iter().any(|&v| v < 0.0) {
        return Err(bad(name, "running_var", "a variance is below zero".into()));
    }
    Ok(input)
}

/// PReLU keeps its input's shape: one slope, or one per channel.
fn prelu_shape(name: &str, prelu: &Prelu, input: Shape) -> Result<Shape> {
    let channels = BatchNorm::channels_of(input);
    let n = prelu.weight.len();
    if n != 1 && n != channels {
        return Err(Error::InputShape {
            layer: name.into(),
            expected: format!("{n} channels (one per slope), or a single slope"),
            got: format!("{input}"),
        });
    }
    Ok(input)
}

/// A dense layer's output vector, from a vector of its input length.
fn dense_shape(name: &str, dense: &Dense, input: Shape) -> Result<Shape> {
    match input {
        Shape::Vector(n) if n == dense.in_features() => Ok(Shape::Vector(dense.out_features())),
        _ => Err(Error::InputShape {
            layer: name.into(),
            expected: format!("a vector of {} values", dense.in_features()),
            got: match input {
                Shape::Maps { .. } => format!("maps {input} (add a flatten layer)"),
                Shape::Vector(n) => format!("a vector of {n} values"),
            },
        }),
    }
}

impl Layer {
    /// The shape this layer produces from `input`, or why it cannot run on it.
    pub(crate) fn output_shape(&self, input: Shape) -> Result<Shape> {
        let name = self.name.as_str();
        match &self.kind {
            LayerKind::Conv2d(conv) => conv_shape(name, conv, input),
            LayerKind::Pool2d(pool) => {
                let (c, h, w) = input.maps_for(name)?;
                check_pool(name, pool)?;
                let (oh, ow) = pool.output_size(h, w);
                checked_maps(name, c, oh, ow)
            }
            LayerKind::GlobalAvgPool | LayerKind::GlobalMaxPool => {
                let (c, _, _) = input.maps_for(name)?;
                Ok(Shape::maps(c, 1, 1))
            }
            LayerKind::AdaptivePool(pool) => adaptive_shape(name, pool, input),
            LayerKind::BatchNorm(bn) => batch_norm_shape(name, bn, input),
            LayerKind::Prelu(prelu) => prelu_shape(name, prelu, input),
            LayerKind::Flatten => Ok(Shape::Vector(input.len())),
            LayerKind::Dense(dense) => dense_shape(name, dense, input),
            LayerKind::Softmax | LayerKind::LogSoftmax => match input {
                Shape::Vector(_) => Ok(input),
                Shape::Maps { .. } => Err(Error::InputShape {
                    layer: name.into(),
                    expected: "a vector".into(),
                    got: format!("maps {input}"),
                }),
            },
            LayerKind::Activation(f) => match f.invalid_parameters() {
                Some(message) => Err(bad(name, LayerType::from(*f).name(), message)),
                None => Ok(input),
            },
            LayerKind::Dropout { .. } => Ok(input),
            LayerKind::Merge(m) => m.output_shape(name, &[input]),
            LayerKind::PickChannels(pick) => pick.output_shape(name, input),
            LayerKind::Pad2d(pad) => pad.output_shape(name, input),
            LayerKind::Resize(resize) => resize.output_shape(name, input),
            LayerKind::LayerNorm(ln) => {
                let channels = BatchNorm::channels_of(input);
                if ln.weight.len() != channels || ln.bias.len() != channels {
                    return Err(Error::InputShape {
                        layer: name.into(),
                        expected: format!(
                            "{} channels (the length of its weight and bias)",
                            ln.weight.len()
                        ),
                        got: format!("{input}"),
                    });
                }
                if !(ln.eps.is_finite() && ln.eps > 0.0) {
                    return Err(bad(name, "eps", format!("{} is not above zero", ln.eps)));
                }
                Ok(input)
            }
        }
    }

    /// The shape this layer produces from the outputs it reads (one for every layer but the
    /// merging ones), or why it cannot run on them.
    pub(crate) fn output_shape_of(&self, inputs: &[Shape]) -> Result<Shape> {
        match (&self.kind, inputs) {
            (LayerKind::Merge(m), _) => m.output_shape(&self.name, inputs),
            (_, &[input]) => self.output_shape(input),
            _ => Err(bad(
                &self.name,
                "inputs",
                format!(
                    "{} reads one input, not {}",
                    self.kind.type_name(),
                    inputs.len()
                ),
            )),
        }
    }

    pub fn parameter_count(&self) -> usize {
        match &self.kind {
            LayerKind::Conv2d(c) => c.parameter_count(),
            LayerKind::Dense(d) => d.parameter_count(),
            LayerKind::BatchNorm(bn) => bn.parameter_count(),
            LayerKind::Prelu(p) => p.weight.len(),
            LayerKind::LayerNorm(ln) => ln.parameter_count(),
            _ => 0,
        }
    }

    /// Runs the layer. `index` is the layer's position, used to give each dropout layer its
    /// own mask. The input must have the shape [`Layer::output_shape`] accepted.
    pub(crate) fn forward(&self, input: &Tensor, index: usize, options: &RunOptions) -> Tensor {
        match (&self.kind, input) {
            (LayerKind::Conv2d(conv), Tensor::Maps(x)) => Tensor::Maps(conv.forward(x.view())),
            (LayerKind::Pool2d(pool), Tensor::Maps(x)) => {
                let pool = Pool2d {
                    mode: options.pool_mode.unwrap_or(pool.mode),
                    ..*pool
                };
                Tensor::Maps(pool.forward(x.view()))
            }
            (LayerKind::GlobalAvgPool, Tensor::Maps(x)) => Tensor::Maps(global_avg_pool(x.view())),
            (LayerKind::GlobalMaxPool, Tensor::Maps(x)) => Tensor::Maps(global_max_pool(x.view())),
            (LayerKind::AdaptivePool(pool), Tensor::Maps(x)) => {
                Tensor::Maps(pool.forward(x.view()))
            }
            (LayerKind::LogSoftmax, Tensor::Vector(x)) => {
                Tensor::Vector(Array1::from(log_softmax(&x.to_vec())))
            }
            (LayerKind::BatchNorm(bn), t) => bn.forward(t),
            (LayerKind::Prelu(prelu), t) => prelu.forward(t),
            (LayerKind::LayerNorm(ln), t) => ln.forward(t),
            (LayerKind::PickChannels(pick), Tensor::Maps(x)) => {
                Tensor::Maps(pick.forward(x.view()))
            }
            (LayerKind::Pad2d(pad), Tensor::Maps(x)) => Tensor::Maps(pad.forward(x.view())),
            (LayerKind::Resize(resize), Tensor::Maps(x)) => Tensor::Maps(resize.forward(x.view())),
            (LayerKind::Flatten, t) => Tensor::Vector(Array1::from(t.values())),
            (LayerKind::Dense(dense), Tensor::Vector(x)) => Tensor::Vector(dense.forward(x.view())),
            (LayerKind::Softmax, Tensor::Vector(x)) => {
                Tensor::Vector(Array1::from(softmax(&x.to_vec())))
            }
            (LayerKind::Activation(f), t) => f.map(t),
            (LayerKind::Dropout { p }, t) => match options.dropout {
                None => t.clone(),
                Some(run) => {
                    let p = run.rate.unwrap_or(*p).clamp(0.0, 0.999);
                    let mask =
                        dropout_mask(t.shape().len(), p, layer_dropout_seed(run.seed, index));
                    let scale = 1.0 / (1.0 - p);
                    let mut out = t.clone();
                    let values: Box<dyn Iterator<Item = &mut f32>> = match &mut out {
                        Tensor::Maps(a) => Box::new(a.iter_mut()),
                        Tensor::Vector(a) => Box::new(a.iter_mut()),
                    };
                    for (v, keep) in values.zip(mask) {
                        *v = if keep { *v * scale } else { 0.0 };
                    }
                    out
                }
            },
            // Shapes were checked when the model was built; a mismatch here is a bug.
            (kind, t) => panic!(
                "layer {} ({}) got {}: shapes are checked when the model is built",
                self.name,
                kind.type_name(),
                t.shape()
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An activation layer and `Merge::type_name` say what the table says (ReLU6 is a clip
    /// with a row of its own).
    #[test]
    fn activations_and_merges_are_named_by_the_table() {
        for f in crate::engine::layers::activation::EVERY_ACTIVATION {
            let name = LayerKind::Activation(f).type_name();
            assert_eq!(name, LayerType::from(f).name(), "{f:?}");
        }
        assert_eq!(
            LayerKind::Activation(Activation::RELU6).type_name(),
            "relu6"
        );
        for m in [Merge::Add, Merge::Concat, Merge::Mul] {
            assert_eq!(m.type_name(), LayerType::from(m).name());
        }
    }
}
