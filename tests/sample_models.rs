//! The committed sample models: each loads, says how it was made, and the trained ones carry
//! learning curves whose numbers meet the bars. The digit readers are also re-checked
//! against the 100 real held-out digits of the committed fixture, so the stored weights (not
//! only the stored numbers) are tested.

use convscope::data::{self, DataSpec, Dataset};
use convscope::engine::train::{Examples, evaluate};
use convscope::engine::{LayerKind, Model, RunOptions};
use convscope::io::load_model;
use std::path::Path;

fn model(name: &str) -> Model {
    let path = Path::new("sample_models").join(format!("{name}.json"));
    load_model(&path).unwrap_or_else(|e| panic!("{e}"))
}

fn training(model: &Model) -> &serde_json::Map<String, serde_json::Value> {
    model.info.training.as_object().expect("a training object")
}

fn number(model: &Model, key: &str) -> f64 {
    training(model)
        .get(key)
        .and_then(|v| v.as_f64())
        .unwrap_or_else(|| panic!("{}: training.{key} missing", model.info.name))
}

/// The stored weights' accuracy on `set` (not the number the model's JSON records).
fn accuracy_on(m: &Model, set: &Dataset) -> f32 {
    let inputs = set
        .network_inputs(&m.input)
        .expect("the model's input shape");
    let labels = set.labels();
    let examples = Examples {
        inputs: &inputs,
        labels: &labels,
    };
    evaluate(m, examples).expect("evaluates").0
}

const TRAINED: [&str; 8] = [
    "digits-max",
    "digits-avg",
    "digits-nopool",
    "digits-gap",
    "shapes-max",
    "shapes-avg",
    "fc-overfit",
    "fc-dropout",
];

/// Models that may be missing while they are being retrained; every other one must be there.
const OPTIONAL: &[&str] = &[];

fn present(name: &str) -> bool {
    let exists = Path::new("sample_models")
        .join(format!("{name}.json"))
        .exists();
    assert!(
        exists || OPTIONAL.contains(&name),
        "sample_models/{name}.json is missing"
    );
    exists
}

#[test]
fn trained_models_record_how_they_were_made() {
    for name in TRAINED.iter().filter(|n| present(n)) {
        let m = model(name);
        assert!(!m.info.description.is_empty(), "{name}: description");
        assert!(!m.info.labels.is_empty(), "{name}: labels");
        let t = training(&m);
        for key in [
            "dataset",
            "train_size",
            "test_size",
            "epochs",
            "batch",
            "optimizer",
            "lr",
            "weight_decay",
            "seed",
            "pool",
            "wall_seconds",
            "train_accuracy",
            "test_accuracy",
            "history",
        ] {
            assert!(t.contains_key(key), "{name}: training.{key} missing");
        }
        let history = t["history"].as_array().expect("a list");
        assert_eq!(history.len() as f64, number(&m, "epochs"), "{name}");
        for entry in history {
            for key in ["epoch", "train_loss", "train_accuracy", "test_accuracy"] {
                assert!(entry.get(key).is_some(), "{name}: history.{key}");
            }
        }
    }
}

#[test]
fn the_digit_readers_meet_the_bar_and_read_real_digits() {
    let split = data::load(
        &"mnist:tests/fixtures/mnist-small"
            .parse::<DataSpec>()
            .unwrap(),
    )
    .expect("fixture");
    for (name, bar) in [
        ("digits-max", 0.97),
        ("digits-avg", 0.97),
        ("digits-nopool", 0.95),
        ("digits-gap", 0.9),
    ] {
        if !present(name) {
            continue;
        }
        let m = model(name);
        assert!(
            number(&m, "test_accuracy") >= bar,
            "{name}: stored accuracy below {bar}"
        );
        let accuracy = accuracy_on(&m, &split.test);
        assert!(
            accuracy >= 0.9,
            "{name}: {accuracy} on the fixture's 100 held-out digits"
        );
    }
}

#[test]
fn the_shape_readers_meet_the_bar_and_read_held_out_shapes() {
    // The first 200 of the 2000 held-out shapes the stored accuracy was measured on.
    let held_out = data::shapes::generate(200, data::shapes::TEST_SEED);
    for name in ["shapes-max", "shapes-avg"] {
        if !present(name) {
            continue;
        }
        let m = model(name);
        assert!(
            number(&m, "test_accuracy") >= 0.95,
            "{name}: stored accuracy below 0.95"
        );
        let accuracy = accuracy_on(&m, &held_out);
        assert!(
            accuracy >= 0.92,
            "{name}: {accuracy} on 200 held-out shapes"
        );
    }
}

#[test]
fn pooling_pairs_differ_only_in_their_pooling_mode() {
    for (a, b) in [("digits-max", "digits-avg"), ("shapes-max", "shapes-avg")] {
        if !(present(a) && present(b)) {
            continue;
        }
        let (ma, mb) = (model(a), model(b));
        assert_eq!(ma.shapes(), mb.shapes());
        assert_eq!(training(&ma)["seed"], training(&mb)["seed"]);
        assert_eq!(training(&ma)["pool"], "max");
        assert_eq!(training(&mb)["pool"], "avg");
    }
}

#[test]
fn the_nopool_dense_layer_is_sixteen_times_larger() {
    if !(present("digits-max") && present("digits-nopool")) {
        return;
    }
    let dense = |m: &Model| {
        m.layers()
            .iter()
            .find_map(|l| match &l.kind {
                LayerKind::Dense(d) => Some(d.weight.len()),
                _ => None,
            })
            .expect("a dense layer")
    };
    assert_eq!(
        dense(&model("digits-nopool")),
        16 * dense(&model("digits-max"))
    );
}

#[test]
fn dropout_narrows_the_train_test_gap() {
    if !(present("fc-overfit") && present("fc-dropout")) {
        return;
    }
    let gap = |m: &Model| number(m, "train_accuracy") - number(m, "test_accuracy");
    let (over, drop) = (model("fc-overfit"), model("fc-dropout"));
    assert!(
        gap(&over) > 0.05,
        "fc-overfit does not over-fit: gap {}",
        gap(&over)
    );
    assert!(
        gap(&drop) < gap(&over),
        "dropout gap {} vs {}",
        gap(&drop),
        gap(&over)
    );
}

#[test]
fn edges_is_hand_made_and_finds_a_vertical_edge() {
    let m = model("edges");
    assert_eq!(m.parameter_count(), 8 * 9 + 8);
    // A vertical step from black to white at x = 64: Sobel x (channel 0) answers along the
    // step and nowhere far from it; Sobel y (channel 1) stays silent away from the top and
    // bottom borders (where the zero padding makes an edge of its own).
    let input =
        ndarray::Array3::from_shape_fn((1, 128, 128), |(_, _, x)| if x >= 64 { 1.0 } else { 0.0 });
    let out = m.forward(&input, &RunOptions::default()).expect("runs");
    let maps = out.as_maps().expect("maps");
    assert_eq!(maps.dim(), (8, 64, 64));
    assert_eq!(maps[[0, 30, 31]], 4.0, "1+2+1 across the step");
    assert_eq!(maps[[0, 30, 10]], 0.0);
    let sobel_y = maps.index_axis(ndarray::Axis(0), 1);
    assert!(
        sobel_y
            .slice(ndarray::s![1..63, ..])
            .iter()
            .all(|&v| v == 0.0)
    );
}
