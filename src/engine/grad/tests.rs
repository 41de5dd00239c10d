//! Every layer's step back checked against central differences of the forward pass, on random
//! layers inside small chains and graphs (residual add, concat, squeeze-and-excitation mul).

use super::*;
use crate::engine::graph::Source::{Input, Layer as L};
use crate::engine::layer::Layer;
use crate::engine::layers::activation::{Activation, EVERY_ACTIVATION, Prelu};
use crate::engine::layers::adaptive_pool::AdaptivePool;
use crate::engine::layers::channels::PickChannels;
use crate::engine::layers::conv::Conv2d;
use crate::engine::layers::dense::Dense;
use crate::engine::layers::merge::Merge;
use crate::engine::layers::norm::{BatchNorm, LayerNorm};
use crate::engine::layers::pool::{Pool2d, PoolMode};
use crate::engine::layers::resample::{Coordinates, Pad2d, PadMode, Resize, Rounding, Sampling};
use crate::engine::model::{InputSpec, ModelInfo};
use crate::engine::window::Window;
use ndarray::{Array1, Array2, Array4};
use rand::{Rng, SeedableRng, rngs::StdRng};

fn uniform(rng: &mut StdRng, lo: f32, hi: f32) -> f32 {
    rng.random_range(lo..hi)
}

fn conv(rng: &mut StdRng, cin: usize, cout: usize, k: usize, s: usize, groups: usize) -> LayerKind {
    LayerKind::Conv2d(Conv2d {
        weight: Array4::from_shape_fn((cout, cin / groups, k, k), |_| uniform(rng, -0.5, 0.5)),
        bias: Some(Array1::from_shape_fn(cout, |_| uniform(rng, -0.1, 0.1))),
        stride: (s, s),
        padding: (k / 2, k / 2),
        groups,
        ..Default::default()
    })
}

fn dense(rng: &mut StdRng, cin: usize, cout: usize) -> LayerKind {
    LayerKind::Dense(Dense {
        weight: Array2::from_shape_fn((cout, cin), |_| uniform(rng, -0.3, 0.3)),
        bias: Some(Array1::from_shape_fn(cout, |_| uniform(rng, -0.1, 0.1))),
    })
}

fn batch_norm(rng: &mut StdRng, c: usize) -> LayerKind {
    LayerKind::BatchNorm(BatchNorm {
        weight: Array1::from_shape_fn(c, |_| uniform(rng, 0.5, 1.5)),
        bias: Array1::from_shape_fn(c, |_| uniform(rng, -0.3, 0.3)),
        running_mean: Array1::from_shape_fn(c, |_| uniform(rng, -0.5, 0.5)),
        running_var: Array1::from_shape_fn(c, |_| uniform(rng, 0.5, 2.0)),
        eps: 1e-5,
        momentum: 0.1,
    })
}

fn pool(mode: PoolMode, k: usize, s: usize, p: usize) -> LayerKind {
    LayerKind::Pool2d(Pool2d {
        mode,
        window: Window {
            kernel: (k, k),
            stride: (s, s),
            padding: (p, p),
            ..Default::default()
        },
        blur: 3,
        count_include_pad: true,
    })
}

fn net(c: usize, h: usize, w: usize, layers: Vec<(&str, LayerKind, Vec<Source>)>) -> Model {
    let input = InputSpec {
        channels: c,
        height: h,
        width: w,
        mean: vec![0.0; c],
        std: vec![1.0; c],
    };
    let (layers, sources): (Vec<Layer>, Vec<Vec<Source>>) = layers
        .into_iter()
        .map(|(name, kind, sources)| {
            (
                Layer {
                    name: name.into(),
                    kind,
                },
                sources,
            )
        })
        .unzip();
    Model::with_sources(ModelInfo::default(), input, layers, sources).expect("valid test net")
}

/// A chain: `first` conv (2 -> 4 channels), the layers under test, then flatten and a dense
/// layer to 3 scores.
fn chain(rng: &mut StdRng, hw: usize, middle: Vec<LayerKind>) -> Model {
    let mut layers = vec![("first", conv(rng, 2, 4, 3, 1, 1), vec![Input])];
    let names: Vec<String> = (0..middle.len()).map(|i| format!("m{i}")).collect();
    for (i, kind) in middle.into_iter().enumerate() {
        layers.push((&names[i], kind, vec![L(i)]));
    }
    let probe = net(2, hw, hw, layers.clone());
    let n = probe.output_shape().len();
    let k = layers.len();
    if matches!(
        probe.output_shape(),
        crate::engine::tensor::Shape::Maps { .. }
    ) {
        layers.push(("flat", LayerKind::Flatten, vec![L(k - 1)]));
    }
    let k = layers.len();
    layers.push(("out", dense(rng, n, 3), vec![L(k - 1)]));
    net(2, hw, hw, layers)
}

/// `<seed, stage from>` for the input `x`.
fn probe(model: &Model, x: &Array3<f32>, from: usize, seed: &Tensor) -> f64 {
    let trace = Trace::new(model, x, &RunOptions::default()).expect("runs");
    let v = trace.stage(from).values();
    v.iter()
        .zip(seed.values())
        .map(|(a, b)| *a as f64 * b as f64)
        .sum()
}

/// The relative error (over the whole gradient, `|a-n| / (|a|+|n|)`) of the input gradient
/// of `<seed, stage from>` against central differences, the least over three steps: a step
/// that crosses a kink (ReLU at 0, a tie in max pooling) spoils one estimate, a wrong formula
/// spoils all three.
fn input_gradient_error(model: &Model, x: &Array3<f32>, from: usize, seed: &Tensor) -> f64 {
    [3e-3f32, 1e-3, 3e-4]
        .into_iter()
        .map(|eps| input_gradient_error_at(model, x, from, seed, eps))
        .fold(f64::INFINITY, f64::min)
}

fn input_gradient_error_at(
    model: &Model,
    x: &Array3<f32>,
    from: usize,
    seed: &Tensor,
    eps: f32,
) -> f64 {
    let trace = Trace::new(model, x, &RunOptions::default()).expect("runs");
    let analytic = input_gradient(model, &trace, from, seed.clone());
    let mut diff = 0f64;
    let mut norm_a = 0f64;
    let mut norm_n = 0f64;
    for (i, &a) in analytic.iter().enumerate() {
        let mut plus = x.clone();
        let mut minus = x.clone();
        *plus.iter_mut().nth(i).expect("in range") += eps;
        *minus.iter_mut().nth(i).expect("in range") -= eps;
        let n = (probe(model, &plus, from, seed) - probe(model, &minus, from, seed))
            / (2.0 * eps as f64);
        diff += (a as f64 - n).powi(2);
        norm_a += (a as f64).powi(2);
        norm_n += n * n;
    }
    assert!(norm_a + norm_n > 1e-8, "no gradient reached the input");
    diff.sqrt() / (norm_a.sqrt() + norm_n.sqrt())
}

fn random_seed(rng: &mut StdRng, like: &Tensor) -> Tensor {
    shaped(
        like,
        (0..like.shape().len())
            .map(|_| uniform(rng, -1.0, 1.0))
            .collect(),
    )
}

fn shaped(like: &Tensor, values: Vec<f32>) -> Tensor {
    match like {
        Tensor::Maps(a) => Tensor::Maps(Array3::from_shape_vec(a.dim(), values).expect("sized")),
        Tensor::Vector(_) => Tensor::Vector(Array1::from(values)),
    }
}

/// Checks the input gradient of a random combination of the scores of `model`, over three
/// random inputs.
fn assert_input_gradient(model: &Model, what: &str) {
    let (c, h, w) = (model.input.channels, model.input.height, model.input.width);
    for seed in 0..3 {
        let mut rng = StdRng::seed_from_u64(seed + 100);
        let x = Array3::from_shape_fn((c, h, w), |_| uniform(&mut rng, -1.0, 1.0));
        let from = score_stage(model);
        let trace = Trace::new(model, &x, &RunOptions::default()).expect("runs");
        let weights = random_seed(&mut rng, trace.stage(from));
        let err = input_gradient_error(model, &x, from, &weights);
        assert!(err < 5e-3, "{what} (input {seed}): relative error {err}");
    }
}

#[test]
fn convolutions_grouped_depthwise_strided() {
    for (k, s, groups, hw) in [(3, 1, 1, 6), (3, 2, 2, 7), (1, 1, 4, 5), (5, 2, 4, 8)] {
        let mut rng = StdRng::seed_from_u64(1);
        let middle = conv(&mut rng, 4, 4, k, s, groups);
        let model = chain(&mut rng, hw, vec![middle]);
        assert_input_gradient(&model, &format!("conv k={k} s={s} groups={groups}"));
    }
}

#[test]
fn every_activation_and_batch_norm() {
    let all = EVERY_ACTIVATION;
    for f in all {
        let mut rng = StdRng::seed_from_u64(2);
        let bn = batch_norm(&mut rng, 4);
        let model = chain(&mut rng, 5, vec![bn, LayerKind::Activation(f)]);
        assert_input_gradient(&model, &format!("batch norm + {f:?}"));
    }
    let mut rng = StdRng::seed_from_u64(3);
    let prelu = LayerKind::Prelu(Prelu {
        weight: Array1::from(vec![0.1, 0.3, -0.2, 0.5]),
    });
    let model = chain(&mut rng, 5, vec![prelu]);
    assert_input_gradient(&model, "prelu");
}

#[test]
fn every_pooling() {
    let adaptive = |mode| {
        LayerKind::AdaptivePool(AdaptivePool {
            mode,
            output: (3, 2),
        })
    };
    let cases = [
        ("max 2/2", pool(PoolMode::Max, 2, 2, 0)),
        ("max 3/2 pad 1", pool(PoolMode::Max, 3, 2, 1)),
        ("avg 3/2 pad 1", pool(PoolMode::Avg, 3, 2, 1)),
        ("blurmax 2/2", pool(PoolMode::BlurMax, 2, 2, 0)),
        ("adaptive max", adaptive(PoolMode::Max)),
        ("adaptive avg", adaptive(PoolMode::Avg)),
        ("global avg", LayerKind::GlobalAvgPool),
        ("global max", LayerKind::GlobalMaxPool),
    ];
    for (what, kind) in cases {
        let mut rng = StdRng::seed_from_u64(4);
        let model = chain(&mut rng, 7, vec![kind]);
        assert_input_gradient(&model, what);
    }
}

#[test]
fn resampling_channels_and_layer_norm() {
    let resize = |sampling, coordinates| {
        LayerKind::Resize(Resize {
            size: (9, 11),
            scale: (9.0 / 5.0, 11.0 / 5.0),
            sampling,
            coordinates,
        })
    };
    let nearest = Sampling::Nearest {
        rounding: Rounding::RoundPreferFloor,
    };
    let mut rng = StdRng::seed_from_u64(5);
    let ln = LayerKind::LayerNorm(LayerNorm {
        weight: Array1::from_shape_fn(4, |_| uniform(&mut rng, 0.5, 1.5)),
        bias: Array1::from_shape_fn(4, |_| uniform(&mut rng, -0.3, 0.3)),
        eps: 1e-5,
    });
    let cases = [
        (
            "pick",
            LayerKind::PickChannels(PickChannels {
                from: vec![2, 0, 2],
            }),
        ),
        (
            "reflect pad",
            LayerKind::Pad2d(Pad2d {
                pads: [2, 1, 1, 2],
                mode: PadMode::Reflect,
            }),
        ),
        (
            "replicate pad",
            LayerKind::Pad2d(Pad2d {
                pads: [1, 2, 2, 0],
                mode: PadMode::Replicate,
            }),
        ),
        ("bilinear", resize(Sampling::Linear, Coordinates::HalfPixel)),
        (
            "corners",
            resize(Sampling::Linear, Coordinates::AlignCorners),
        ),
        ("nearest", resize(nearest, Coordinates::Asymmetric)),
        ("layer norm", ln),
        ("dropout (off)", LayerKind::Dropout { p: 0.5 }),
    ];
    for (what, kind) in cases {
        let mut rng = StdRng::seed_from_u64(6);
        let model = chain(&mut rng, 5, vec![kind]);
        assert_input_gradient(&model, what);
    }
}

/// A residual block with batch norm, a concat of two branches, squeeze-and-excitation (a
/// per-channel mul), layer norm on a vector and a final softmax, whose score is its input.
#[test]
fn graphs_gather_gradients_where_branches_meet() {
    let mut rng = StdRng::seed_from_u64(7);
    let ln = LayerKind::LayerNorm(LayerNorm {
        weight: Array1::from_shape_fn(8, |_| uniform(&mut rng, 0.5, 1.5)),
        bias: Array1::from_shape_fn(8, |_| uniform(&mut rng, -0.3, 0.3)),
        eps: 1e-5,
    });
    let model = net(
        2,
        6,
        6,
        vec![
            ("c1", conv(&mut rng, 2, 4, 3, 1, 1), vec![Input]), // 0
            ("r1", LayerKind::Activation(Activation::Relu), vec![L(0)]), // 1
            ("c2", conv(&mut rng, 4, 4, 3, 1, 1), vec![L(1)]),  // 2
            ("bn", batch_norm(&mut rng, 4), vec![L(2)]),        // 3
            ("add", LayerKind::Merge(Merge::Add), vec![L(3), L(1)]), // 4
            ("dw", conv(&mut rng, 4, 4, 3, 1, 4), vec![L(4)]),  // 5
            ("cat", LayerKind::Merge(Merge::Concat), vec![L(4), L(5)]), // 6
            ("gap", LayerKind::GlobalAvgPool, vec![L(6)]),      // 7
            ("fc1", conv(&mut rng, 8, 8, 1, 1, 1), vec![L(7)]), // 8
            (
                "gate",
                LayerKind::Activation(Activation::Sigmoid),
                vec![L(8)],
            ), // 9
            ("se", LayerKind::Merge(Merge::Mul), vec![L(6), L(9)]), // 10
            ("pool", LayerKind::GlobalMaxPool, vec![L(10)]),    // 11
            ("flat", LayerKind::Flatten, vec![L(11)]),          // 12
            ("ln", ln, vec![L(12)]),                            // 13
            ("out", dense(&mut rng, 8, 3), vec![L(13)]),        // 14
            ("softmax", LayerKind::Softmax, vec![L(14)]),       // 15
        ],
    );
    assert_eq!(
        score_stage(&model),
        15,
        "the logits are the softmax's input"
    );
    assert_input_gradient(&model, "graph");
}

/// The gradient at a middle stage (what Grad-CAM weighs channels by) is the derivative of the
/// score with respect to that stage's values: checked by perturbing them and running the rest
/// of the network from there (the layers after `c1` in a chain).
#[test]
fn middle_stage_gradients_match_differences() {
    let mut rng = StdRng::seed_from_u64(8);
    let model = chain(
        &mut rng,
        6,
        vec![
            LayerKind::Activation(Activation::Tanh),
            pool(PoolMode::Max, 2, 2, 0),
        ],
    );
    let x = Array3::from_shape_fn((2, 6, 6), |_| uniform(&mut rng, -1.0, 1.0));
    let trace = Trace::new(&model, &x, &RunOptions::default()).expect("runs");
    let from = score_stage(&model);
    let seed = one_hot_like(trace.stage(from), 1);
    let grads = stage_gradients(&model, &trace, from, seed, 1);
    assert!(grads[0].is_none(), "stops at down_to");
    let at_c1 = grads[1].as_ref().expect("stage 1 reached").values();
    // The rest of the network as its own chain, fed stage 1's values.
    let rest = net(
        4,
        6,
        6,
        model.layers()[1..]
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let src = if i == 0 { Input } else { L(i - 1) };
                (l.name.as_str(), l.kind.clone(), vec![src])
            })
            .collect(),
    );
    let a1 = trace.stage(1).as_maps().expect("maps").clone();
    let score = |a: &Array3<f32>| {
        rest.forward(a, &RunOptions::default())
            .expect("runs")
            .values()[1]
    };
    let eps = 1e-2;
    for i in [0, 7, 30, 71, 100] {
        let mut plus = a1.clone();
        let mut minus = a1.clone();
        *plus.iter_mut().nth(i).expect("in range") += eps;
        *minus.iter_mut().nth(i).expect("in range") -= eps;
        let numeric = (score(&plus) - score(&minus)) / (2.0 * eps);
        assert!(
            (numeric - at_c1[i]).abs() < 2e-3,
            "cell {i}: {numeric} vs {}",
            at_c1[i]
        );
    }
}
