//! Gradient checks against central differences, one optimisation step, a tiny net that learns
//! a tiny separable set, and bit-for-bit reproducibility.

use super::params::{Grads, parameters_mut};
use super::trainer::{batch_gradient_with_stats, update_running_stats};
use super::*;
use super::{backprop, tape};
use crate::engine::kernels::tests::thread_pool;
use crate::engine::layer::{Layer, LayerKind};
use crate::engine::layers::activation::Activation;
use crate::engine::layers::conv::Conv2d;
use crate::engine::layers::dense::Dense;
use crate::engine::layers::pool::{Pool2d, PoolMode};
use crate::engine::model::{InputSpec, Model, ModelInfo};
use crate::engine::window::Window;
use ndarray::{Array1, Array2, Array3, Array4};
use rand::{Rng, SeedableRng, rngs::StdRng};

fn layer(name: &str, kind: LayerKind) -> Layer {
    Layer {
        name: name.into(),
        kind,
    }
}

fn conv(
    rng: &mut StdRng,
    cin: usize,
    cout: usize,
    k: (usize, usize),
    s: usize,
    p: usize,
) -> LayerKind {
    LayerKind::Conv2d(Conv2d {
        weight: Array4::from_shape_fn((cout, cin, k.0, k.1), |_| rng.random_range(-0.5..0.5)),
        bias: Some(Array1::from_shape_fn(cout, |_| rng.random_range(-0.1..0.1))),
        stride: (s, s),
        padding: (p, p),
        ..Default::default()
    })
}

fn dense(rng: &mut StdRng, cin: usize, cout: usize) -> LayerKind {
    LayerKind::Dense(Dense {
        weight: Array2::from_shape_fn((cout, cin), |_| rng.random_range(-0.3..0.3)),
        bias: Some(Array1::from_shape_fn(cout, |_| rng.random_range(-0.1..0.1))),
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
        ..Default::default()
    })
}

fn spec(c: usize, h: usize, w: usize) -> InputSpec {
    InputSpec {
        channels: c,
        height: h,
        width: w,
        mean: vec![0.0; c],
        std: vec![1.0; c],
    }
}

/// `first` conv, then `middle` (the layers under test), then flatten and a dense layer to 3
/// classes: the conv's weight gradient depends on every middle layer's input gradient.
fn sandwich(
    rng: &mut StdRng,
    input: (usize, usize, usize),
    middle: Vec<LayerKind>,
    softmax: bool,
) -> Model {
    let (c, h, w) = input;
    let mut layers = vec![layer("first", conv(rng, c, 2, (3, 3), 1, 1))];
    for (i, kind) in middle.into_iter().enumerate() {
        layers.push(layer(&format!("m{i}"), kind));
    }
    let shapes =
        crate::engine::model::infer_shapes(spec(c, h, w).shape(), &layers).expect("valid test net");
    let n = shapes.last().map_or(0, |s| s.len());
    if !matches!(shapes.last(), Some(crate::engine::tensor::Shape::Vector(_))) {
        layers.push(layer("flat", LayerKind::Flatten));
    }
    layers.push(layer("out", dense(rng, n, 3)));
    if softmax {
        layers.push(layer("softmax", LayerKind::Softmax));
    }
    Model::new(ModelInfo::default(), spec(c, h, w), layers).expect("valid test net")
}

fn loss(model: &Model, x: &Array3<f32>, label: usize) -> f32 {
    backprop::loss_of(model, &tape::forward(model, x.clone(), 7), label).0
}

/// Compares every parameter gradient of `model` with central differences of the loss; returns
/// the worst relative error `|a-n| / (|a|+|n|)` over whole tensors.
fn check_gradients(model: &Model, x: &Array3<f32>, label: usize) -> f32 {
    let mut grads = Grads::zeros(model);
    backprop::backward(
        model,
        &tape::forward(model, x.clone(), 7),
        label,
        &mut grads,
    );
    let eps = 2e-3f32;
    let mut worst = 0f32;
    for (t, analytic) in grads.tensors.iter().enumerate() {
        let mut numeric = vec![0f32; analytic.len()];
        for (i, slot) in numeric.iter_mut().enumerate() {
            let mut plus = model.clone();
            parameters_mut(&mut plus)[t][i] += eps;
            let mut minus = model.clone();
            parameters_mut(&mut minus)[t][i] -= eps;
            *slot = (loss(&plus, x, label) - loss(&minus, x, label)) / (2.0 * eps);
        }
        let diff: f32 = analytic
            .iter()
            .zip(&numeric)
            .map(|(a, n)| (a - n).powi(2))
            .sum::<f32>()
            .sqrt();
        let norm: f32 = analytic.iter().map(|a| a * a).sum::<f32>().sqrt()
            + numeric.iter().map(|n| n * n).sum::<f32>().sqrt();
        assert!(norm > 1e-6, "tensor {t} has no gradient at all");
        worst = worst.max(diff / norm);
    }
    worst
}

fn random_input(rng: &mut StdRng, c: usize, h: usize, w: usize) -> Array3<f32> {
    Array3::from_shape_fn((c, h, w), |_| rng.random_range(-1.0..1.0))
}

fn assert_gradients(
    middle: impl Fn(&mut StdRng) -> Vec<LayerKind>,
    input: (usize, usize, usize),
    what: &str,
) {
    for seed in 0..3 {
        let mut rng = StdRng::seed_from_u64(seed);
        let kinds = middle(&mut rng);
        let model = sandwich(&mut rng, input, kinds, seed % 2 == 0);
        let x = random_input(&mut rng, input.0, input.1, input.2);
        let label = rng.random_range(0..3);
        let err = check_gradients(&model, &x, label);
        assert!(err < 2e-2, "{what} (seed {seed}): relative error {err}");
    }
}

#[test]
fn conv_gradients_with_stride_and_padding() {
    for (k, s, p, hw) in [
        ((3, 3), 1, 0, 6),
        ((3, 2), 2, 1, 7),
        ((2, 2), 2, 0, 8),
        ((5, 5), 3, 2, 9),
        ((1, 1), 1, 0, 4),
    ] {
        assert_gradients(
            |rng| {
                let cout = rng.random_range(1..4);
                vec![conv(rng, 2, cout, k, s, p)]
            },
            (1, hw, hw + 1),
            &format!("conv k={k:?} s={s} p={p}"),
        );
    }
}

#[test]
fn activation_gradients() {
    for f in [
        Activation::Relu,
        Activation::LeakyRelu { slope: 0.1 },
        Activation::Sigmoid,
        Activation::Tanh,
    ] {
        assert_gradients(
            |_| vec![LayerKind::Activation(f)],
            (2, 5, 5),
            &format!("{f:?}"),
        );
    }
}

#[test]
fn pooling_gradients() {
    for (mode, k, s, p) in [
        (PoolMode::Max, 2, 2, 0),
        (PoolMode::Max, 3, 2, 1),
        (PoolMode::Avg, 2, 2, 0),
        (PoolMode::Avg, 3, 2, 1),
        (PoolMode::Avg, 3, 1, 1),
    ] {
        assert_gradients(
            |_| vec![pool(mode, k, s, p)],
            (1, 7, 6),
            &format!("{mode} k={k} s={s} p={p}"),
        );
    }
    assert_gradients(
        |_| vec![LayerKind::GlobalAvgPool],
        (2, 5, 4),
        "global average pooling",
    );
}

#[test]
fn dense_dropout_and_flatten_gradients() {
    assert_gradients(
        |rng| {
            vec![
                LayerKind::Flatten,
                dense(rng, 2 * 4 * 4, 6),
                LayerKind::Activation(Activation::Tanh),
                LayerKind::Dropout { p: 0.4 },
            ]
        },
        (1, 4, 4),
        "flatten, dense, dropout",
    );
    assert_gradients(
        |_| vec![LayerKind::Dropout { p: 0.3 }],
        (1, 4, 4),
        "dropout on maps",
    );
}

#[test]
fn a_softmax_in_the_middle_has_its_own_gradient() {
    assert_gradients(
        |rng| {
            vec![
                LayerKind::Flatten,
                dense(rng, 2 * 3 * 3, 4),
                LayerKind::Softmax,
            ]
        },
        (1, 3, 3),
        "softmax then dense",
    );
}

#[test]
fn softmax_cross_entropy_by_hand() {
    // logits [0, ln 3]: softmax = [1/4, 3/4]; loss for class 1 = -ln(3/4) = 0.28768;
    // gradient = [1/4, 3/4 - 1].
    let (loss, grad) = backward::softmax_cross_entropy(&[0.0, 3f32.ln()], 1);
    assert!((loss - 0.287_682).abs() < 1e-5, "{loss}");
    assert!(
        (grad[0] - 0.25).abs() < 1e-6 && (grad[1] + 0.25).abs() < 1e-6,
        "{grad:?}"
    );
}

fn toy_net(rng: &mut StdRng, pool_mode: PoolMode) -> Model {
    let layers = vec![
        layer("conv1", conv(rng, 1, 4, (3, 3), 1, 1)),
        layer("relu1", LayerKind::Activation(Activation::Relu)),
        layer("pool1", pool(pool_mode, 2, 2, 0)),
        layer("flatten", LayerKind::Flatten),
        layer("fc", dense(rng, 4 * 4 * 4, 2)),
        layer("softmax", LayerKind::Softmax),
    ];
    Model::new(ModelInfo::default(), spec(1, 8, 8), layers).expect("valid toy net")
}

/// Two classes of 8x8 images: a bright vertical bar (class 0) or a horizontal one (class 1),
/// at a random place, over noise.
fn bars(n: usize, seed: u64) -> (Vec<Array3<f32>>, Vec<usize>) {
    let mut rng = StdRng::seed_from_u64(seed);
    (0..n)
        .map(|i| {
            let label = i % 2;
            let at = rng.random_range(1..7);
            let x = Array3::from_shape_fn((1, 8, 8), |(_, y, x)| {
                let on = if label == 0 { x == at } else { y == at };
                if on { 1.0 } else { rng.random_range(-0.2..0.2) }
            });
            (x, label)
        })
        .unzip()
}

#[test]
fn one_step_lowers_the_loss_on_a_fixed_batch() {
    let mut rng = StdRng::seed_from_u64(3);
    let mut model = toy_net(&mut rng, PoolMode::Max);
    initialize(&mut model, 3);
    let (inputs, labels) = bars(16, 4);
    let data = Examples {
        inputs: &inputs,
        labels: &labels,
    };
    let batch: Vec<usize> = (0..16).collect();
    for kind in [OptimizerKind::sgd(), OptimizerKind::adam()] {
        let mut m = model.clone();
        let (grads, before, _) = batch_gradient(&m, data, &batch, 1);
        Optimizer::new(kind, 0.01, 0.0).step(parameters_mut(&mut m), &grads);
        let (_, after, _) = batch_gradient(&m, data, &batch, 1);
        assert!(after < before, "{kind}: loss {before} -> {after}");
    }
}

#[test]
fn a_tiny_net_learns_a_tiny_separable_set() {
    for mode in [PoolMode::Max, PoolMode::Avg] {
        let mut rng = StdRng::seed_from_u64(5);
        let mut model = toy_net(&mut rng, mode);
        initialize(&mut model, 5);
        let (inputs, labels) = bars(40, 6);
        let data = Examples {
            inputs: &inputs,
            labels: &labels,
        };
        let config = TrainConfig {
            epochs: 15,
            batch: 8,
            lr: 0.01,
            seed: 5,
            ..TrainConfig::default()
        };
        let history = train(&mut model, data, None, &config, |_, _| {}, |_| {}).expect("trains");
        let (accuracy, _) = evaluate(&model, data).expect("runs");
        assert_eq!(accuracy, 1.0, "{mode}: history {history:?}");
        assert!(history[0].train_loss > history[history.len() - 1].train_loss);
    }
}

#[test]
fn a_run_is_reproducible_bit_for_bit_whatever_the_threads() {
    let run = |threads: usize| {
        let mut rng = StdRng::seed_from_u64(9);
        let mut model = toy_net(&mut rng, PoolMode::Max);
        initialize(&mut model, 9);
        let (inputs, labels) = bars(24, 9);
        let data = Examples {
            inputs: &inputs,
            labels: &labels,
        };
        let config = TrainConfig {
            epochs: 2,
            batch: 10,
            seed: 9,
            ..TrainConfig::default()
        };
        let pool = thread_pool(threads);
        pool.install(|| train(&mut model, data, None, &config, |_, _| {}, |_| {}).expect("trains"));
        model
    };
    let one = run(1);
    assert_eq!(one, run(3));
    let mut rng = StdRng::seed_from_u64(9);
    assert_ne!(
        one,
        toy_net(&mut rng, PoolMode::Max),
        "training changed nothing"
    );
}

/// Bars drawn anew every epoch from a seed made of the epoch, remembering which epochs were
/// asked for.
#[derive(Default)]
struct FreshBars {
    inputs: Vec<Array3<f32>>,
    labels: Vec<usize>,
    asked: Vec<usize>,
}

impl EpochData for FreshBars {
    fn epoch(&mut self, epoch: usize) -> Examples<'_> {
        (self.inputs, self.labels) = bars(24, 100 + epoch as u64);
        self.asked.push(epoch);
        Examples {
            inputs: &self.inputs,
            labels: &self.labels,
        }
    }
}

#[test]
fn fresh_data_is_drawn_once_per_epoch_and_training_on_it_is_reproducible() {
    let config = TrainConfig {
        epochs: 3,
        batch: 8,
        seed: 4,
        ..TrainConfig::default()
    };
    let start = {
        let mut rng = StdRng::seed_from_u64(4);
        let mut model = toy_net(&mut rng, PoolMode::Max);
        initialize(&mut model, 4);
        model
    };
    let run = || {
        let (mut model, mut data) = (start.clone(), FreshBars::default());
        let history =
            train(&mut model, &mut data, None, &config, |_, _| {}, |_| {}).expect("trains");
        (model, history, data.asked)
    };
    let (model, history, asked) = run();
    assert_eq!(asked, vec![1, 2, 3]);
    assert_eq!(history.len(), 3);
    let (again, history_again, _) = run();
    assert_eq!(model, again, "same seed, same fresh sets, same weights");
    assert_eq!(history, history_again);
    // Training on epoch 1's set three times is not the same run.
    let (inputs, labels) = bars(24, 101);
    let mut fixed = start.clone();
    let data = Examples {
        inputs: &inputs,
        labels: &labels,
    };
    train(&mut fixed, data, None, &config, |_, _| {}, |_| {}).expect("trains");
    assert_ne!(model, fixed);
}

#[test]
fn kaiming_init_has_the_right_spread_and_zero_bias() {
    let mut rng = StdRng::seed_from_u64(1);
    let layers = vec![
        layer("fc1", dense(&mut rng, 400, 300)),
        layer("relu", LayerKind::Activation(Activation::Relu)),
        layer("fc2", dense(&mut rng, 300, 10)),
    ];
    let mut model = Model::new(ModelInfo::default(), spec(1, 20, 20), {
        let mut l = vec![layer("flat", LayerKind::Flatten)];
        l.extend(layers);
        l
    })
    .expect("valid");
    initialize(&mut model, 1);
    let params = parameters_mut(&mut model);
    let w = &params[0];
    let var = w.iter().map(|v| v * v).sum::<f32>() / w.len() as f32;
    // Kaiming: variance 2/400 = 0.005.
    assert!((var - 0.005).abs() < 0.0005, "{var}");
    assert!(params[1].iter().all(|&b| b == 0.0));
    // Xavier uniform for fc2: variance a^2/3 with a^2 = 6/310 -> 0.00645.
    let w2 = &params[2];
    let var2 = w2.iter().map(|v| v * v).sum::<f32>() / w2.len() as f32;
    assert!((var2 - 0.00645).abs() < 0.001, "{var2}");
}

#[test]
fn blurmax_is_refused_with_the_layer_name() {
    let mut rng = StdRng::seed_from_u64(2);
    let model = toy_net(&mut rng, PoolMode::BlurMax);
    let err = check_trainable(&model).expect_err("blurmax has no backward");
    assert!(err.to_string().contains("pool1"), "{err}");
}

fn conv_with(
    rng: &mut StdRng,
    cin: usize,
    cout: usize,
    edit: impl FnOnce(&mut Conv2d),
) -> LayerKind {
    let LayerKind::Conv2d(mut c) = conv(rng, cin, cout, (3, 3), 1, 0) else {
        unreachable!()
    };
    edit(&mut c);
    let (o, _, kh, kw) = c.weight.dim();
    c.weight = Array4::from_shape_fn((o, cin / c.groups, kh, kw), |_| rng.random_range(-0.5..0.5));
    LayerKind::Conv2d(c)
}

#[test]
fn grouped_dilated_and_asymmetric_conv_gradients() {
    // The sandwich's first conv gives 2 channels: groups 2 is depthwise.
    type Edit = fn(&mut Conv2d);
    let cases: [(&str, Edit, usize); 4] = [
        (
            "depthwise",
            |c| {
                c.groups = 2;
                c.padding = (1, 1);
            },
            2,
        ),
        (
            "depthwise x2",
            |c| {
                c.groups = 2;
                c.stride = (2, 1);
            },
            4,
        ),
        ("dilated", |c| c.dilation = (2, 1), 3),
        (
            "asymmetric",
            |c| {
                c.padding = (0, 2);
                c.padding_end = Some((2, 1));
                c.stride = (2, 2);
            },
            2,
        ),
    ];
    for (what, edit, cout) in cases {
        assert_gradients(|rng| vec![conv_with(rng, 2, cout, edit)], (1, 8, 9), what);
    }
}

#[test]
fn ceil_mode_and_count_include_pad_pooling_gradients() {
    for (mode, k, s, p, ceil, include) in [
        (PoolMode::Max, 2, 2, 0, true, true),
        (PoolMode::Max, 3, 2, 1, true, true),
        (PoolMode::Avg, 3, 2, 1, false, false),
        (PoolMode::Avg, 3, 2, 1, true, false),
        (PoolMode::Avg, 2, 2, 1, true, true),
    ] {
        assert_gradients(
            |_| {
                let LayerKind::Pool2d(mut pool) = pool(mode, k, s, p) else {
                    unreachable!()
                };
                pool.window.ceil_mode = ceil;
                pool.count_include_pad = include;
                vec![LayerKind::Pool2d(pool)]
            },
            (1, 7, 8),
            &format!("{mode} k={k} s={s} p={p} ceil={ceil} include_pad={include}"),
        );
    }
    for (mode, output) in [
        (PoolMode::Avg, (3, 2)),
        (PoolMode::Max, (3, 2)),
        (PoolMode::Max, (2, 4)),
        (PoolMode::Avg, (4, 4)),
    ] {
        assert_gradients(
            |_| {
                vec![LayerKind::AdaptivePool(
                    crate::engine::layers::adaptive_pool::AdaptivePool { mode, output },
                )]
            },
            (1, 7, 6),
            &format!("adaptive {mode} to {output:?}"),
        );
    }
    assert_gradients(
        |_| vec![LayerKind::GlobalMaxPool],
        (2, 5, 4),
        "global max pooling",
    );
}

#[test]
fn new_activation_and_prelu_gradients() {
    for f in [
        Activation::RELU6,
        Activation::Clip {
            min: -0.3,
            max: 0.4,
        },
        Activation::Elu { alpha: 0.8 },
        Activation::Selu,
        Activation::Gelu { tanh: false },
        Activation::Gelu { tanh: true },
        Activation::Silu,
        Activation::Hardswish,
        Activation::Hardsigmoid {
            alpha: 0.2,
            beta: 0.5,
        },
    ] {
        assert_gradients(
            |_| vec![LayerKind::Activation(f)],
            (2, 5, 5),
            &format!("{f:?}"),
        );
    }
    for n in [1, 2] {
        assert_gradients(
            |rng| {
                let weight = Array1::from_shape_fn(n, |_| rng.random_range(0.05..0.5));
                vec![LayerKind::Prelu(crate::engine::layers::activation::Prelu {
                    weight,
                })]
            },
            (2, 5, 5),
            &format!("prelu with {n} slopes"),
        );
    }
    // log-softmax at the end: the loss is taken on its input, as with softmax.
    let mut rng = StdRng::seed_from_u64(3);
    let mut model = sandwich(&mut rng, (1, 4, 4), vec![], false);
    let mut layers = model.layers().to_vec();
    layers.push(layer("logsm", LayerKind::LogSoftmax));
    model = Model::new(ModelInfo::default(), spec(1, 4, 4), layers).unwrap();
    let x = random_input(&mut rng, 1, 4, 4);
    assert!(check_gradients(&model, &x, 1) < 1e-2);
}

/// The summed loss of a batch trained together (batch norm uses the batch's statistics).
fn batch_loss(model: &Model, xs: &[Array3<f32>], labels: &[usize]) -> f32 {
    let seeds = vec![7; xs.len()];
    let (tapes, _) = tape::forward_batch(model, xs.to_vec(), &seeds);
    tapes
        .iter()
        .zip(labels)
        .map(|(t, &l)| backprop::loss_of(model, t, l).0)
        .sum()
}

fn check_batch_gradients(model: &Model, xs: &[Array3<f32>], labels: &[usize]) -> f32 {
    let seeds = vec![7; xs.len()];
    let (tapes, _) = tape::forward_batch(model, xs.to_vec(), &seeds);
    let mut grads = Grads::zeros(model);
    backprop::backward_batch(model, &tapes, labels, &mut grads);
    let eps = 2e-3f32;
    let mut worst = 0f32;
    for (t, analytic) in grads.tensors.iter().enumerate() {
        let numeric: Vec<f32> = (0..analytic.len())
            .map(|i| {
                let mut plus = model.clone();
                parameters_mut(&mut plus)[t][i] += eps;
                let mut minus = model.clone();
                parameters_mut(&mut minus)[t][i] -= eps;
                (batch_loss(&plus, xs, labels) - batch_loss(&minus, xs, labels)) / (2.0 * eps)
            })
            .collect();
        let diff: f32 = analytic
            .iter()
            .zip(&numeric)
            .map(|(a, n)| (a - n).powi(2))
            .sum::<f32>()
            .sqrt();
        let (a_norm, n_norm) = (
            analytic.iter().map(|a| a * a).sum::<f32>().sqrt(),
            numeric.iter().map(|n| n * n).sum::<f32>().sqrt(),
        );
        if a_norm < 1e-6 {
            // A bias right before batch norm: the batch mean takes it away, so its gradient is
            // zero; the differences must agree (up to rounding).
            assert!(
                n_norm < 1e-3,
                "tensor {t}: zero gradient, differences {n_norm}"
            );
            continue;
        }
        worst = worst.max(diff / (a_norm + n_norm));
    }
    worst
}

fn batch_norm_layer(rng: &mut StdRng, n: usize) -> LayerKind {
    let mut bn = crate::engine::layers::norm::BatchNorm::new(n);
    bn.weight = Array1::from_shape_fn(n, |_| rng.random_range(0.5..1.5));
    bn.bias = Array1::from_shape_fn(n, |_| rng.random_range(-0.3..0.3));
    LayerKind::BatchNorm(bn)
}

#[test]
fn batch_norm_gradients_over_a_batch() {
    for (seed, vector) in [(0u64, false), (1, false), (2, true), (3, true)] {
        let mut rng = StdRng::seed_from_u64(seed);
        let middle = if vector {
            vec![
                LayerKind::Flatten,
                dense(&mut rng, 2 * 4 * 5, 5),
                batch_norm_layer(&mut rng, 5),
                LayerKind::Activation(Activation::Tanh),
            ]
        } else {
            vec![
                batch_norm_layer(&mut rng, 2),
                LayerKind::Activation(Activation::Silu),
            ]
        };
        let model = sandwich(&mut rng, (1, 4, 5), middle, seed % 2 == 0);
        let xs: Vec<_> = (0..4).map(|_| random_input(&mut rng, 1, 4, 5)).collect();
        let labels: Vec<usize> = (0..4).map(|_| rng.random_range(0..3)).collect();
        let err = check_batch_gradients(&model, &xs, &labels);
        assert!(
            err < 2e-2,
            "batch norm (vector {vector}, seed {seed}): relative error {err}"
        );
    }
}

#[test]
fn training_moves_running_statistics_towards_the_batch() {
    let mut rng = StdRng::seed_from_u64(5);
    let bn = batch_norm_layer(&mut rng, 2);
    let mut model = sandwich(&mut rng, (1, 4, 4), vec![bn], false);
    // Inputs with a large offset: the first conv's outputs have a mean far from 0.
    let xs: Vec<_> = (0..8)
        .map(|_| random_input(&mut rng, 1, 4, 4) + 3.0)
        .collect();
    let labels = vec![0; 8];
    let data = Examples {
        inputs: &xs,
        labels: &labels,
    };
    let batch: Vec<usize> = (0..8).collect();
    let (_, _, _, stats) = batch_gradient_with_stats(&model, data, &batch, 1);
    assert_eq!(stats.len(), 1);
    assert_eq!(stats[0].count, 8 * 4 * 4);
    update_running_stats(&mut model, &stats);
    let LayerKind::BatchNorm(bn) = &model.layers()[1].kind else {
        panic!()
    };
    for c in 0..2 {
        // 0.9 * 0 + 0.1 * batch mean; 0.9 * 1 + 0.1 * unbiased batch variance.
        assert!((bn.running_mean[c] - 0.1 * stats[0].mean[c]).abs() < 1e-6);
        let unbiased = stats[0].var[c] * 128.0 / 127.0;
        assert!((bn.running_var[c] - (0.9 + 0.1 * unbiased)).abs() < 1e-5);
        assert!(
            stats[0].mean[c].abs() > 0.05,
            "the batch mean is not trivial"
        );
    }
    // A batch-norm net learns the tiny separable set too.
    let mut rng = StdRng::seed_from_u64(9);
    let bn = batch_norm_layer(&mut rng, 2);
    let mut model = sandwich(
        &mut rng,
        (1, 4, 4),
        vec![bn, LayerKind::Activation(Activation::Relu)],
        false,
    );
    let xs: Vec<_> = (0..24)
        .map(|i| {
            Array3::from_shape_fn((1, 4, 4), |(_, y, x)| {
                let on = if i % 2 == 0 { y == 1 } else { x == 1 };
                if on { 1.0 } else { 0.0 }
            })
        })
        .collect();
    let labels: Vec<usize> = (0..24).map(|i| i % 2).collect();
    let data = Examples {
        inputs: &xs,
        labels: &labels,
    };
    let config = TrainConfig {
        epochs: 15,
        batch: 8,
        lr: 0.02,
        ..TrainConfig::default()
    };
    let history = train(&mut model, data, Some(data), &config, |_, _| {}, |_| {}).unwrap();
    let last = history.last().unwrap();
    assert!(last.test_accuracy.unwrap() > 0.95, "{history:?}");
}
