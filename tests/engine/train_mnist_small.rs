//! Training end to end on the committed mnist-small fixture (300 + 100 real MNIST digits):
//! the fixture loads, a few epochs learn something real, the saved model reloads and gives
//! the same answers, and the same seed gives the same weights.

use convscope::data::{self, DataSpec};
use convscope::engine::train::{Examples, TrainConfig, evaluate, initialize, train};
use convscope::io::{architecture::load_architecture, load_model, save_model};
use std::path::Path;

fn fixture() -> data::Split {
    let spec: DataSpec = "mnist:tests/fixtures/mnist-small"
        .parse()
        .expect("a valid spec");
    data::load(&spec).expect("the fixture loads")
}

#[test]
fn the_fixture_loads_with_every_digit() {
    let split = fixture();
    assert_eq!((split.train.len(), split.test.len()), (300, 100));
    assert_eq!(split.train.image_shape(), (1, 28, 28));
    let mut seen = [false; 10];
    for i in 0..split.train.len() {
        seen[split.train.label(i)] = true;
    }
    assert!(seen.iter().all(|&s| s));
    let p = split.train.pixels(0);
    assert!(p.iter().all(|&v| (0.0..=1.0).contains(&v)) && p.iter().any(|&v| v > 0.9));
}

#[test]
fn a_few_epochs_learn_digits_and_the_saved_model_agrees() {
    let split = fixture();
    let mut model = load_architecture(Path::new("sample_models/arch/digits.json")).expect("arch");
    initialize(&mut model, 1);
    let inputs = split.train.network_inputs(&model.input).expect("28x28");
    let labels = split.train.labels();
    let test_inputs = split.test.network_inputs(&model.input).expect("28x28");
    let test_labels = split.test.labels();
    let train_set = Examples {
        inputs: &inputs,
        labels: &labels,
    };
    let test_set = Examples {
        inputs: &test_inputs,
        labels: &test_labels,
    };
    let (before, _) = evaluate(&model, train_set).expect("runs");
    let config = TrainConfig {
        epochs: 4,
        batch: 16,
        lr: 3e-3,
        seed: 1,
        ..TrainConfig::default()
    };
    let history = train(
        &mut model,
        train_set,
        Some(test_set),
        &config,
        |_, _| {},
        |_| {},
    )
    .expect("trains");
    let (after, _) = evaluate(&model, train_set).expect("runs");
    assert!(
        after > 0.8 && after > before + 0.5,
        "train accuracy {before} -> {after}"
    );
    assert!(
        history.last().and_then(|h| h.test_accuracy).unwrap_or(0.0) > 0.6,
        "{history:?}"
    );

    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("digits.json");
    save_model(&model, &path).expect("saves");
    let loaded = load_model(&path).expect("reloads");
    let (_, a) = evaluate(&model, test_set).expect("runs");
    let (_, b) = evaluate(&loaded, test_set).expect("runs");
    assert_eq!(a, b);

    // Same seed, same weights, bit for bit.
    let mut again = load_architecture(Path::new("sample_models/arch/digits.json")).expect("arch");
    initialize(&mut again, 1);
    train(
        &mut again,
        train_set,
        Some(test_set),
        &config,
        |_, _| {},
        |_| {},
    )
    .expect("trains");
    assert_eq!(again.layers(), model.layers());
}
