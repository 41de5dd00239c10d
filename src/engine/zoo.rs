//! Reference architectures with seeded random weights, for benchmarks and tests that need a
//! network of a realistic size without a trained file.

use super::activation::Activation;
use super::{
    Conv2d, Dense, InputSpec, Layer, LayerKind, Model, ModelInfo, Pool2d, PoolMode, Window,
};
use ndarray::{Array1, Array2, Array4};
use rand::{Rng, SeedableRng, rngs::StdRng};

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
