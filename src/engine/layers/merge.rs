//! Layers that read several earlier outputs: `add` (residual connections), `concat` (along
//! channels: Fire and Inception modules) and `mul` (squeeze-and-excitation: maps times one
//! weight per channel, given as \[C,1,1\] maps or as a vector of C). Their shapes are checked
//! here, once, when a model is built.

use super::kinds::LayerType;
use crate::engine::error::{Error, Result};
use crate::engine::kernels::crew::Split;
use crate::engine::kernels::shared::Shared;
use crate::engine::limits;
use crate::engine::tensor::{Shape, Tensor};
use ndarray::{Array1, Array3, Axis};

/// Which of the merging layers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Merge {
    /// Element-wise sum of two or more tensors of the same shape.
    Add,
    /// Maps of the same height and width stacked along channels (vectors: one after another).
    Concat,
    /// Element-wise product of two tensors of the same shape, or of maps \[C,H,W\] and one
    /// weight per channel, \[C,1,1\] or a vector of C (either order; a squeeze-and-excitation
    /// written with `nn.Linear` gives a vector).
    Mul,
}

fn mismatch(layer: &str, expected: String, inputs: &[Shape]) -> Error {
    Error::InputShape {
        layer: layer.into(),
        expected,
        got: inputs
            .iter()
            .map(Shape::to_string)
            .collect::<Vec<_>>()
            .join(" and "),
    }
}

/// Whether `s` is one value per channel of `maps`: [C,1,1] or a vector of C, with the same C.
fn per_channel(s: Shape, maps: Shape) -> bool {
    match (s, maps) {
        (Shape::Vector(c), Shape::Maps { channels, .. }) => c == channels,
        (
            Shape::Maps {
                channels: c,
                height: 1,
                width: 1,
            },
            Shape::Maps { channels, .. },
        ) => c == channels,
        _ => false,
    }
}

impl Merge {
    pub(crate) fn type_name(self) -> &'static str {
        LayerType::from(self).name()
    }

    /// The output shape from the shapes of the inputs, or why they do not fit together.
    pub(crate) fn output_shape(self, layer: &str, inputs: &[Shape]) -> Result<Shape> {
        let Some(&first) = inputs.first() else {
            return Err(mismatch(layer, "inputs".into(), inputs));
        };
        if inputs.len() < 2 || (self == Merge::Mul && inputs.len() != 2) {
            let wanted = if self == Merge::Mul {
                "exactly two"
            } else {
                "at least two"
            };
            return Err(Error::BadField {
                layer: layer.into(),
                field: "inputs".into(),
                message: format!(
                    "{} takes {wanted} inputs, not {}",
                    self.type_name(),
                    inputs.len()
                ),
            });
        }
        match self {
            Merge::Add => {
                if inputs.iter().any(|&s| s != first) {
                    return Err(mismatch(
                        layer,
                        "inputs of one shape (add sums them element by element)".into(),
                        inputs,
                    ));
                }
                Ok(first)
            }
            Merge::Mul => {
                let (a, b) = (inputs[0], inputs[1]);
                if a == b || per_channel(b, a) {
                    Ok(a)
                } else if per_channel(a, b) {
                    Ok(b)
                } else {
                    Err(mismatch(
                        layer,
                        "two inputs of one shape, or maps [C,H,W] and one weight per channel ([C,1,1] or a vector of C)"
                            .into(),
                        inputs,
                    ))
                }
            }
            Merge::Concat => match first {
                Shape::Vector(_) => {
                    if !inputs.iter().all(|s| matches!(s, Shape::Vector(_))) {
                        return Err(mismatch(layer, "all vectors or all maps".into(), inputs));
                    }
                    Ok(Shape::Vector(inputs.iter().map(Shape::len).sum()))
                }
                Shape::Maps { height, width, .. } => {
                    let mut channels = 0;
                    for s in inputs {
                        match *s {
                            Shape::Maps {
                                channels: c,
                                height: h,
                                width: w,
                            } if (h, w) == (height, width) => channels += c,
                            _ => {
                                return Err(mismatch(
                                    layer,
                                    format!(
                                        "maps of one size ({height}x{width}) to stack along channels"
                                    ),
                                    inputs,
                                ));
                            }
                        }
                    }
                    if channels > limits::MAX_CHANNELS {
                        return Err(Error::TooLarge {
                            what: format!("layer {layer}: the number of channels"),
                            value: channels,
                            limit: limits::MAX_CHANNELS,
                        });
                    }
                    Ok(Shape::maps(channels, height, width))
                }
            },
        }
    }

    /// Runs the layer on inputs of the shapes [`Merge::output_shape`] accepted.
    pub(crate) fn forward(self, inputs: &[&Tensor]) -> Tensor {
        match self {
            Merge::Add => {
                let mut out = inputs[0].clone();
                add_into(&mut out, &inputs[1..]);
                out
            }
            Merge::Mul => {
                // Into a copy of the operand of the output's shape (a product is the same
                // either way round).
                let mut out = inputs[0].clone();
                if !mul_into(&mut out, inputs[1]) {
                    out = inputs[1].clone();
                    let done = mul_into(&mut out, inputs[0]);
                    assert!(done, "mul: shapes are checked when the model is built");
                }
                out
            }
            Merge::Concat => match inputs[0] {
                Tensor::Vector(_) => Tensor::Vector(Array1::from_iter(
                    inputs
                        .iter()
                        .flat_map(|t| t.as_vector().into_iter().flatten().copied()),
                )),
                Tensor::Maps(_) => {
                    let views: Vec<_> = inputs
                        .iter()
                        .filter_map(|t| t.as_maps().map(|a| a.view()))
                        .collect();
                    Tensor::Maps(
                        ndarray::concatenate(Axis(0), &views)
                            .expect("concat: shapes are checked when the model is built"),
                    )
                }
            },
        }
    }
}

impl From<Merge> for LayerType {
    fn from(m: Merge) -> LayerType {
        match m {
            Merge::Add => LayerType::Add,
            Merge::Concat => LayerType::Concat,
            Merge::Mul => LayerType::Mul,
        }
    }
}

/// `add` into its first input (the forward pass does this in place when nothing else reads
/// that input): `out += x` for every `x` of `rest`, all of `out`'s shape.
pub(crate) fn add_into(out: &mut Tensor, rest: &[&Tensor]) {
    for t in rest {
        match (&mut *out, t) {
            (Tensor::Maps(o), Tensor::Maps(x)) => match (o.as_slice_mut(), x.as_slice()) {
                (Some(o), Some(x)) => add_values(o, x),
                _ => *o += x,
            },
            (Tensor::Vector(o), Tensor::Vector(x)) => *o += x,
            _ => unreachable!("add: shapes are checked when the model is built"),
        }
    }
}

/// Values from which an `add` is shared with the crew of a lone pass: MobileNetV2's and
/// ResNet-18's residual sums (12 K - 800 K values) took longer on two threads than on one,
/// each thread reading maps the other had written (MobileNetV2's ten: 25 us on one thread,
/// 43 on two).
const ADD_CREW_VALUES: usize = 1 << 14;

/// `out += x`, value by value, in runs shared between the threads of a lone pass.
fn add_values(out: &mut [f32], x: &[f32]) {
    assert_eq!(out.len(), x.len(), "add: one shape");
    let add = |o: &mut [f32], x: &[f32]| o.iter_mut().zip(x).for_each(|(o, x)| *o += x);
    let split = Split::of(out.len(), ADD_CREW_VALUES, usize::MAX);
    if !split.splits() {
        return add(out, x);
    }
    let per = out.len().div_ceil(2 * split.threads()).next_multiple_of(16);
    let (len, dst) = (out.len(), Shared(out.as_mut_ptr()));
    split.for_each(len.div_ceil(per), |t| {
        let run = t * per..((t + 1) * per).min(len);
        // SAFETY: run t of `out` (len values) is this task's alone.
        let o = unsafe { std::slice::from_raw_parts_mut(dst.get().add(run.start), run.len()) };
        add(o, &x[run]);
    });
}

/// `mul` into `out` when `out` is the operand of the output's shape: the other has the same
/// shape, or is one scale per channel (squeeze-and-excitation's `[C]` or `[C,1,1]`). False,
/// with `out` untouched, when `out` is the per-channel operand.
pub(crate) fn mul_into(out: &mut Tensor, other: &Tensor) -> bool {
    fn scale<'a>(maps: &mut Array3<f32>, scales: impl Iterator<Item = &'a f32>) {
        for (mut plane, &w) in maps.outer_iter_mut().zip(scales) {
            plane.mapv_inplace(|v| v * w);
        }
    }
    match (out, other) {
        (Tensor::Maps(o), Tensor::Maps(w)) if o.dim() == w.dim() => *o *= w,
        (Tensor::Vector(o), Tensor::Vector(w)) => *o *= w,
        (Tensor::Maps(o), Tensor::Vector(w)) => scale(o, w.iter()),
        (Tensor::Maps(o), Tensor::Maps(w)) if w.dim().1 == 1 && w.dim().2 == 1 => {
            scale(o, w.iter())
        }
        _ => return false,
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array3;

    #[test]
    fn add_sums_and_mul_scales_each_channel() {
        // a = [1,2,3,4] as 1@2x2, b = 10 * a: add gives 11 * a.
        let a = Tensor::Maps(Array3::from_shape_vec((1, 2, 2), vec![1., 2., 3., 4.]).unwrap());
        let b = Tensor::Maps(Array3::from_shape_vec((1, 2, 2), vec![10., 20., 30., 40.]).unwrap());
        assert_eq!(
            Merge::Add.forward(&[&a, &b]).values(),
            vec![11., 22., 33., 44.]
        );
        // 2@1x2 maps times per-channel weights [2, -1]: channel 0 doubled, channel 1 negated.
        let m = Tensor::Maps(Array3::from_shape_vec((2, 1, 2), vec![1., 2., 3., 4.]).unwrap());
        let w = Tensor::Maps(Array3::from_shape_vec((2, 1, 1), vec![2., -1.]).unwrap());
        assert_eq!(
            Merge::Mul.forward(&[&w, &m]).values(),
            vec![2., 4., -3., -4.]
        );
        assert_eq!(
            Merge::Mul.output_shape("se", &[m.shape(), w.shape()]),
            Ok(m.shape())
        );
        // The same weights as a vector (nn.Linear's output): the same product.
        let v = Tensor::Vector(Array1::from(vec![2., -1.]));
        assert_eq!(
            Merge::Mul.forward(&[&m, &v]).values(),
            vec![2., 4., -3., -4.]
        );
        assert_eq!(
            Merge::Mul.output_shape("se", &[v.shape(), m.shape()]),
            Ok(m.shape())
        );
        // In place (the forward pass's `mul` when nothing else reads the maps): only into the
        // operand of the output's shape; the per-channel one is left as it was.
        for scales in [&w, &v] {
            let mut maps = m.clone();
            assert!(mul_into(&mut maps, scales));
            assert_eq!(maps.values(), vec![2., 4., -3., -4.]);
            let mut kept = scales.clone();
            assert!(!mul_into(&mut kept, &m));
            assert_eq!(&kept, scales);
        }
        assert!(
            Merge::Mul
                .output_shape("se", &[m.shape(), Shape::Vector(3)])
                .is_err()
        );
    }

    #[test]
    fn concat_stacks_channels_in_input_order() {
        let a = Tensor::Maps(Array3::from_shape_vec((1, 1, 2), vec![1., 2.]).unwrap());
        let b = Tensor::Maps(Array3::from_shape_vec((2, 1, 2), vec![3., 4., 5., 6.]).unwrap());
        let out = Merge::Concat.forward(&[&b, &a]);
        assert_eq!(out.shape(), Shape::maps(3, 1, 2));
        assert_eq!(out.values(), vec![3., 4., 5., 6., 1., 2.]);
    }

    #[test]
    fn mismatched_inputs_name_the_layer_and_the_shapes() {
        let e = Merge::Add
            .output_shape("res1", &[Shape::maps(8, 4, 4), Shape::maps(16, 4, 4)])
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("res1") && e.contains("8 @ 4x4 and 16 @ 4x4"),
            "{e}"
        );
        let e = Merge::Concat
            .output_shape("fire", &[Shape::maps(8, 4, 4), Shape::maps(8, 2, 2)])
            .unwrap_err()
            .to_string();
        assert!(e.contains("fire") && e.contains("4x4"), "{e}");
        let e = Merge::Add
            .output_shape("lonely", &[Shape::maps(8, 4, 4)])
            .unwrap_err()
            .to_string();
        assert!(e.contains("at least two"), "{e}");
    }

    /// An add large enough to be shared by the crew of a lone pass gives the sums of one
    /// thread, bit for bit, with a length that is not a multiple of the runs.
    #[test]
    fn an_add_shared_between_threads_is_the_one_thread_sum() {
        use crate::engine::kernels::crew;
        let shape = (5, 61, 67);
        const { assert!(5 * 61 * 67 >= ADD_CREW_VALUES) };
        let a = Array3::from_shape_fn(shape, |(c, y, x)| (c * 7 + y * 3 + x) as f32 * 0.1 - 9.0);
        let b = Array3::from_shape_fn(shape, |(c, y, x)| (c + y * 5 + x * 11) as f32 * -0.37);
        let want: Vec<u32> = a.iter().zip(&b).map(|(a, b)| (a + b).to_bits()).collect();
        let two = crate::engine::kernels::tests::thread_pool(2);
        let mut out = Tensor::Maps(a.clone());
        two.install(|| crew::lone(|| add_into(&mut out, &[&Tensor::Maps(b.clone())])));
        let got: Vec<u32> = out.values().iter().map(|v| v.to_bits()).collect();
        assert_eq!(got, want);
    }
}
