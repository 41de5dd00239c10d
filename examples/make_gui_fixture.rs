//! Writes the GUI test fixtures: two untrained digits-shaped models with random weights
//! (`tiny-max`, `tiny-avg`), the same layers as the sample digit models but fewer channels,
//! and `tiny-gap`, shaped like `digits-gap`: its classes come from a last convolution and
//! global average pooling, with no dense layer.
//!
//!     cargo run --example make_gui_fixture -- tests/fixtures/gui/sample_models

use convscope::engine::{
    Activation, Conv2d, Dense, InputSpec, Layer, LayerKind, Model, ModelInfo, Pool2d, PoolMode,
};
use convscope::io::save_model;
use ndarray::{Array1, Array2, Array4};
use rand::{Rng, SeedableRng, rngs::StdRng};
use std::path::PathBuf;

fn uniform(rng: &mut StdRng, fan_in: usize) -> f32 {
    // PyTorch's default initialisation range: U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
    let b = 1.0 / (fan_in as f32).sqrt();
    rng.random_range(-b..b)
}

fn conv(rng: &mut StdRng, out: usize, inp: usize) -> Conv2d {
    let fan = inp * 9;
    Conv2d {
        weight: Array4::from_shape_fn((out, inp, 3, 3), |_| uniform(rng, fan)),
        bias: Some(Array1::from_shape_fn(out, |_| uniform(rng, fan))),
        stride: (1, 1),
        padding: (1, 1),
        ..Default::default()
    }
}

fn model(mode: PoolMode, seed: u64) -> Model {
    let mut rng = StdRng::seed_from_u64(seed);
    let layer = |name: &str, kind| Layer {
        name: name.into(),
        kind,
    };
    let pool = LayerKind::Pool2d(Pool2d {
        mode,
        ..Pool2d::default()
    });
    let c1 = conv(&mut rng, 4, 1);
    let c2 = conv(&mut rng, 8, 4);
    let fc = Dense {
        weight: Array2::from_shape_fn((10, 8 * 7 * 7), |_| uniform(&mut rng, 392)),
        bias: Some(Array1::from_shape_fn(10, |_| uniform(&mut rng, 392))),
    };
    let info = ModelInfo {
        name: format!("tiny-{mode}"),
        description: format!(
            "Test fixture: untrained, random weights (seed {seed}); digits-shaped with {mode} pooling. Its predictions mean nothing."
        ),
        labels: (0..10).map(|d| d.to_string()).collect(),
        training: serde_json::json!({"pool": mode.as_str(), "untrained": true}),
        ..ModelInfo::default()
    };
    let input = InputSpec {
        channels: 1,
        height: 28,
        width: 28,
        mean: vec![0.1307],
        std: vec![0.3081],
    };
    Model::new(
        info,
        input,
        vec![
            layer("conv1", LayerKind::Conv2d(c1)),
            layer("relu1", LayerKind::Activation(Activation::Relu)),
            layer("pool1", pool.clone()),
            layer("conv2", LayerKind::Conv2d(c2)),
            layer("relu2", LayerKind::Activation(Activation::Relu)),
            layer("pool2", pool),
            layer("flatten", LayerKind::Flatten),
            layer("fc", LayerKind::Dense(fc)),
            layer("softmax", LayerKind::Softmax),
        ],
    )
    .expect("the fixture's shapes fit")
}

/// Like `digits-gap`: conv -> relu -> pool -> conv (one map per digit) -> global average
/// pooling -> flatten -> softmax.
fn gap_model(seed: u64) -> Model {
    let mut rng = StdRng::seed_from_u64(seed);
    let layer = |name: &str, kind| Layer {
        name: name.into(),
        kind,
    };
    let info = ModelInfo {
        name: "tiny-gap".into(),
        description: format!(
            "Test fixture: untrained, random weights (seed {seed}); digits-gap-shaped, no dense layer. Its predictions mean nothing."
        ),
        labels: (0..10).map(|d| d.to_string()).collect(),
        training: serde_json::json!({"pool": "max", "untrained": true}),
        ..ModelInfo::default()
    };
    let input = InputSpec {
        channels: 1,
        height: 28,
        width: 28,
        mean: vec![0.1307],
        std: vec![0.3081],
    };
    Model::new(
        info,
        input,
        vec![
            layer("conv1", LayerKind::Conv2d(conv(&mut rng, 4, 1))),
            layer("relu1", LayerKind::Activation(Activation::Relu)),
            layer("pool1", LayerKind::Pool2d(Pool2d::default())),
            layer("conv2", LayerKind::Conv2d(conv(&mut rng, 10, 4))),
            layer("gap", LayerKind::GlobalAvgPool),
            layer("flatten", LayerKind::Flatten),
            layer("softmax", LayerKind::Softmax),
        ],
    )
    .expect("the fixture's shapes fit")
}

/// Like `fc-dropout`: conv -> relu -> pool 4x4 -> flatten -> a hidden dense layer of 32 units
/// -> relu -> dropout -> dense to the 10 classes -> softmax. Its training record is made up
/// (test data for the history plot, not a claim about the model).
fn dropout_model(seed: u64) -> Model {
    let mut rng = StdRng::seed_from_u64(seed);
    let layer = |name: &str, kind| Layer {
        name: name.into(),
        kind,
    };
    let hidden = 32;
    let fc1 = Dense {
        weight: Array2::from_shape_fn((hidden, 4 * 7 * 7), |_| uniform(&mut rng, 196)),
        bias: Some(Array1::from_shape_fn(hidden, |_| uniform(&mut rng, 196))),
    };
    let fc2 = Dense {
        weight: Array2::from_shape_fn((10, hidden), |_| uniform(&mut rng, hidden)),
        bias: Some(Array1::from_shape_fn(10, |_| uniform(&mut rng, hidden))),
    };
    let history: Vec<_> = (1..=4)
        .map(|e| {
            serde_json::json!({
                "epoch": e,
                "train_accuracy": 0.7 + 0.1 * e as f64 - 0.1,
                "test_accuracy": 0.7 + 0.05 * e as f64,
                "train_loss": 1.0 / e as f64,
            })
        })
        .collect();
    let info = ModelInfo {
        name: "tiny-dropout".into(),
        description: format!(
            "Test fixture: untrained, random weights (seed {seed}); fc-dropout-shaped, with a hidden dense layer and dropout. Its predictions and its training record mean nothing."
        ),
        labels: (0..10).map(|d| d.to_string()).collect(),
        training: serde_json::json!({"pool": "max", "untrained": true, "history": history}),
        ..ModelInfo::default()
    };
    let input = InputSpec {
        channels: 1,
        height: 28,
        width: 28,
        mean: vec![0.1307],
        std: vec![0.3081],
    };
    let mut pool = Pool2d::default();
    pool.window.kernel = (4, 4);
    pool.window.stride = (4, 4);
    Model::new(
        info,
        input,
        vec![
            layer("conv1", LayerKind::Conv2d(conv(&mut rng, 4, 1))),
            layer("relu1", LayerKind::Activation(Activation::Relu)),
            layer("pool1", LayerKind::Pool2d(pool)),
            layer("flatten", LayerKind::Flatten),
            layer("fc1", LayerKind::Dense(fc1)),
            layer("relu2", LayerKind::Activation(Activation::Relu)),
            layer("dropout", LayerKind::Dropout { p: 0.5 }),
            layer("fc2", LayerKind::Dense(fc2)),
            layer("softmax", LayerKind::Softmax),
        ],
    )
    .expect("the fixture's shapes fit")
}

fn main() {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "tests/fixtures/gui/sample_models".into()),
    );
    std::fs::create_dir_all(&dir).expect("create the fixture folder");
    for (mode, seed) in [(PoolMode::Max, 7), (PoolMode::Avg, 8)] {
        let path = dir.join(format!("tiny-{mode}.json"));
        save_model(&model(mode, seed), &path).expect("write the fixture");
        println!("wrote {}", path.display());
    }
    let path = dir.join("tiny-gap.json");
    save_model(&gap_model(9), &path).expect("write the fixture");
    println!("wrote {}", path.display());
    let path = dir.join("tiny-dropout.json");
    save_model(&dropout_model(10), &path).expect("write the fixture");
    println!("wrote {}", path.display());
}
