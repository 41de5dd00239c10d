//! Reference architectures with seeded random weights, for benchmarks and tests that need a
//! network of a realistic size without a trained file, and the fixed input `convscope bench`
//! and the benches time them on.

use super::layers::activation::Activation;
use crate::engine::graph::Source;
use crate::engine::layer::{Layer, LayerKind};
use crate::engine::layers::conv::Conv2d;
use crate::engine::layers::dense::Dense;
use crate::engine::layers::merge::Merge;
use crate::engine::layers::norm::BatchNorm;
use crate::engine::layers::pool::{Pool2d, PoolMode};
use crate::engine::model::{InputSpec, Model, ModelInfo};
use crate::engine::window::Window;
use ndarray::{Array1, Array2, Array3, Array4};
use rand::{Rng, SeedableRng, rngs::StdRng};

/// A fixed, image-like input for `model` with values from 0 to 1: a bright disc off centre on a soft gradient.
pub fn test_pixels(model: &Model) -> Array3<f32> {
    let (c, h, w) = (model.input.channels, model.input.height, model.input.width);
    Array3::from_shape_fn((c, h, w), |(ch, y, x)| {
        let (fy, fx) = (y as f32 / h as f32, x as f32 / w as f32);
        let d = ((fy - 0.45).powi(2) + (fx - 0.55).powi(2)).sqrt();
        let disc = if d < 0.25 { 0.9 } else { 0.0 };
        (disc + 0.1 * fx + 0.05 * ch as f32).min(1.0)
    })
}

fn conv(rng: &mut StdRng, name: &str, cin: usize, cout: usize, padding: usize) -> Layer {
    let scale = (2.0 / (cin * 9) as f32).sqrt();
    Layer {
        name: name.into(),
        kind: LayerKind::Conv2d(Conv2d {
            weight: Array4::from_shape_fn((cout, cin, 3, 3), |_| rng.random_range(-scale..scale)),
            bias: Some(Array1::from_shape_fn(cout, |_| rng.random_range(-0.1..0.1))),
            stride: (1, 1),
            padding: (padding, padding),
            ..Default::default()
        }),
    }
}

fn simple(name: &str, kind: LayerKind) -> Layer {
    Layer {
        name: name.into(),
        kind,
    }
}

fn pool(name: &str, mode: PoolMode) -> Layer {
    simple(
        name,
        LayerKind::Pool2d(Pool2d {
            mode,
            window: Window {
                kernel: (2, 2),
                stride: (2, 2),
                padding: (0, 0),
                ..Default::default()
            },
            blur: 3,
            ..Default::default()
        }),
    )
}

fn dense(rng: &mut StdRng, name: &str, inputs: usize, outputs: usize) -> Layer {
    let scale = (1.0 / inputs as f32).sqrt();
    simple(
        name,
        LayerKind::Dense(Dense {
            weight: Array2::from_shape_fn((outputs, inputs), |_| rng.random_range(-scale..scale)),
            bias: Some(Array1::zeros(outputs)),
        }),
    )
}

fn build(name: &str, input: InputSpec, layers: Vec<Layer>) -> Model {
    let info = ModelInfo {
        name: name.into(),
        description: "random weights (seeded), for benchmarks".into(),
        ..Default::default()
    };
    Model::new(info, input, layers).expect("the reference architectures are valid")
}

/// The digits-size net: conv 1->8, pool, conv 8->16, pool, dense 784->10 (3x3, padding 1).
pub fn digits(seed: u64, mode: PoolMode) -> Model {
    let mut rng = StdRng::seed_from_u64(seed);
    let relu = || LayerKind::Activation(Activation::Relu);
    let layers = vec![
        conv(&mut rng, "conv1", 1, 8, 1),
        simple("relu1", relu()),
        pool("pool1", mode),
        conv(&mut rng, "conv2", 8, 16, 1),
        simple("relu2", relu()),
        pool("pool2", mode),
        simple("flatten", LayerKind::Flatten),
        dense(&mut rng, "fc", 16 * 7 * 7, 10),
        simple("softmax", LayerKind::Softmax),
    ];
    let input = InputSpec {
        channels: 1,
        height: 28,
        width: 28,
        mean: vec![0.1307],
        std: vec![0.3081],
    };
    build("digits-bench", input, layers)
}

/// CNN Explainer's Tiny VGG on 64x64 RGB: conv 3->10, conv 10->10, pool, conv, conv, pool,
/// dense 1690->10 (3x3, no padding).
pub fn tiny_vgg(seed: u64, mode: PoolMode) -> Model {
    let mut rng = StdRng::seed_from_u64(seed);
    let relu = || LayerKind::Activation(Activation::Relu);
    let layers = vec![
        conv(&mut rng, "conv1_1", 3, 10, 0),
        simple("relu1_1", relu()),
        conv(&mut rng, "conv1_2", 10, 10, 0),
        simple("relu1_2", relu()),
        pool("pool1", mode),
        conv(&mut rng, "conv2_1", 10, 10, 0),
        simple("relu2_1", relu()),
        conv(&mut rng, "conv2_2", 10, 10, 0),
        simple("relu2_2", relu()),
        pool("pool2", mode),
        simple("flatten", LayerKind::Flatten),
        dense(&mut rng, "fc", 10 * 13 * 13, 10),
        simple("softmax", LayerKind::Softmax),
    ];
    let input = InputSpec {
        channels: 3,
        height: 64,
        width: 64,
        mean: vec![0.5; 3],
        std: vec![0.25; 3],
    };
    build("tinyvgg-bench", input, layers)
}

/// VGG11 with batch normalisation (torchvision's `vgg11_bn`) on 224x224 RGB: eight 3x3
/// convolutions (64, max pool, 128, pool, 256, 256, pool, 512, 512, pool, 512, 512, pool),
/// each followed by batch norm and ReLU, then dense 25088->4096->4096->1000 (133 M weights,
/// half a gigabyte: build it only to measure speed).
pub fn vgg11_bn(seed: u64) -> Model {
    let mut rng = StdRng::seed_from_u64(seed);
    let relu = || LayerKind::Activation(Activation::Relu);
    let mut layers = Vec::new();
    let mut channels = 3;
    let plan: [&[usize]; 5] = [&[64], &[128], &[256, 256], &[512, 512], &[512, 512]];
    for (stage, widths) in plan.iter().enumerate() {
        for (j, &width) in widths.iter().enumerate() {
            let name = format!("{}_{}", stage + 1, j + 1);
            layers.push(conv(&mut rng, &format!("conv{name}"), channels, width, 1));
            let mut bn = BatchNorm::new(width);
            bn.weight.mapv_inplace(|_| rng.random_range(0.5..1.5));
            bn.bias.mapv_inplace(|_| rng.random_range(-0.1..0.1));
            bn.running_mean
                .mapv_inplace(|_| rng.random_range(-0.1..0.1));
            bn.running_var.mapv_inplace(|_| rng.random_range(0.5..1.5));
            layers.push(simple(&format!("bn{name}"), LayerKind::BatchNorm(bn)));
            layers.push(simple(&format!("relu{name}"), relu()));
            channels = width;
        }
        layers.push(pool(&format!("pool{}", stage + 1), PoolMode::Max));
    }
    layers.extend([
        simple("flatten", LayerKind::Flatten),
        dense(&mut rng, "fc1", 512 * 7 * 7, 4096),
        simple("relu_fc1", relu()),
        dense(&mut rng, "fc2", 4096, 4096),
        simple("relu_fc2", relu()),
        dense(&mut rng, "fc3", 4096, 1000),
    ]);
    let input = InputSpec {
        channels: 3,
        height: 224,
        width: 224,
        mean: vec![0.485, 0.456, 0.406],
        std: vec![0.229, 0.224, 0.225],
    };
    build("vgg11bn-bench", input, layers)
}

/// ResNet-18 (torchvision's `resnet18`) on 224x224 RGB, as torch's ONNX export leaves it:
/// every batch norm folded into the convolution before it (so each convolution has a bias),
/// the residual sums as `add` layers reading the block's input or its 1x1 stride-2
/// downsample. 11.7 M weights; for benchmarks.
pub fn resnet18(seed: u64) -> Model {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut layers: Vec<Layer> = Vec::new();
    let mut sources: Vec<Vec<Source>> = Vec::new();
    // Appends a layer reading `from` and returns where its output is.
    let mut push = |layer: Layer, from: Vec<Source>| {
        layers.push(layer);
        sources.push(from);
        Source::Layer(sources.len() - 1)
    };
    let relu = |name: String| simple(&name, LayerKind::Activation(Activation::Relu));
    let mut conv = |name: String, cin: usize, cout: usize, k: usize, stride: usize| {
        let scale = (2.0 / (cin * k * k) as f32).sqrt();
        simple(
            &name,
            LayerKind::Conv2d(Conv2d {
                weight: Array4::from_shape_fn((cout, cin, k, k), |_| {
                    rng.random_range(-scale..scale)
                }),
                bias: Some(Array1::from_shape_fn(cout, |_| rng.random_range(-0.1..0.1))),
                stride: (stride, stride),
                padding: (k / 2, k / 2),
                ..Default::default()
            }),
        )
    };
    let mut x = push(conv("conv1".into(), 3, 64, 7, 2), vec![Source::Input]);
    x = push(relu("relu".into()), vec![x]);
    let window = Window::new((3, 3), (2, 2), (1, 1));
    let maxpool = Pool2d {
        mode: PoolMode::Max,
        window,
        ..Pool2d::default()
    };
    x = push(simple("maxpool", LayerKind::Pool2d(maxpool)), vec![x]);
    let mut channels = 64;
    for (stage, width) in [64, 128, 256, 512].into_iter().enumerate() {
        for block in 0..2 {
            let stride = if stage > 0 && block == 0 { 2 } else { 1 };
            let name = format!("layer{}.{block}", stage + 1);
            let a = push(
                conv(format!("{name}.conv1"), channels, width, 3, stride),
                vec![x],
            );
            let a = push(relu(format!("{name}.relu")), vec![a]);
            let b = push(conv(format!("{name}.conv2"), width, width, 3, 1), vec![a]);
            let identity = if stride != 1 || channels != width {
                let down = conv(format!("{name}.downsample"), channels, width, 1, stride);
                push(down, vec![x])
            } else {
                x
            };
            let sum = push(
                simple(&format!("{name}.add"), LayerKind::Merge(Merge::Add)),
                vec![b, identity],
            );
            x = push(relu(format!("{name}.relu_1")), vec![sum]);
            channels = width;
        }
    }
    x = push(simple("avgpool", LayerKind::GlobalAvgPool), vec![x]);
    x = push(simple("flatten", LayerKind::Flatten), vec![x]);
    push(dense(&mut rng, "fc", 512, 1000), vec![x]);
    let info = ModelInfo {
        name: "resnet18-bench".into(),
        description: "random weights (seeded), for benchmarks".into(),
        ..Default::default()
    };
    let input = InputSpec {
        channels: 3,
        height: 224,
        width: 224,
        mean: vec![0.485, 0.456, 0.406],
        std: vec![0.229, 0.224, 0.225],
    };
    Model::with_sources(info, input, layers, sources).expect("ResNet-18 is valid")
}
