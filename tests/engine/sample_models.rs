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

const TRAINED: [&str; 13] = [
    "digits-max",
    "digits-avg",
    "digits-max-shift",
    "digits-avg-shift",
    "digits-nopool",
    "digits-gap",
    "shapes-max",
    "shapes-avg",
    "fc-overfit",
    "fc-dropout",
    "fc-l2",
    "speech-max",
    "speech-avg",
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
        // With a validation split, each epoch was measured on it and never on the test set.
        let held_out = if t.contains_key("validation_size") {
            assert!(t.contains_key("validation_accuracy"), "{name}");
            "validation_accuracy"
        } else {
            "test_accuracy"
        };
        for entry in history {
            for key in ["epoch", "train_loss", "train_accuracy", held_out] {
                assert!(entry.get(key).is_some(), "{name}: history.{key}");
            }
            if held_out == "validation_accuracy" {
                assert!(entry.get("test_accuracy").is_none(), "{name}: {entry}");
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
    // Issue 13: on held-out test digits, with schedules chosen on a validation split carved
    // out of the training digits (scripts/choose-schedules.sh: the test digits chose nothing),
    // then trained on all 8000.
    for (name, bar) in [
        ("digits-max", 0.975),
        ("digits-avg", 0.975),
        ("digits-max-shift", 0.975),
        ("digits-avg-shift", 0.975),
        ("digits-nopool", 0.97),
        ("digits-gap", 0.9),
    ] {
        if !present(name) {
            continue;
        }
        let m = model(name);
        assert_eq!(number(&m, "train_size"), 8000.0, "{name}");
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

/// The bundled recordings (`assets/samples/speech_DIGIT_SPEAKER_N.wav`) and the digit each
/// says, read from the folder as the app's samples list names them.
fn bundled_recordings() -> Vec<(usize, std::path::PathBuf)> {
    let mut out: Vec<(usize, std::path::PathBuf)> = std::fs::read_dir("assets/samples")
        .expect("the samples folder")
        .map(|e| e.expect("a folder entry").path())
        .filter_map(|path| {
            let name = path.file_name()?.to_str()?;
            let rest = name.strip_prefix("speech_")?.strip_suffix(".wav")?;
            let digit = rest.get(..1)?.parse().ok()?;
            Some((digit, path))
        })
        .collect();
    out.sort();
    out
}

/// Issue 14: the speech models reach 90% on the dataset's test split (as recorded when they
/// were trained; ../shared is not needed here) and read the five bundled recordings, all from
/// that split, with their audio parameters surviving a save and a load.
#[test]
fn the_speech_readers_meet_the_bar_and_read_the_bundled_recordings() {
    for name in ["speech-max", "speech-avg"] {
        let m = model(name);
        assert!(number(&m, "test_accuracy") >= 0.9, "{name}");
        assert_eq!(
            number(&m, "test_size"),
            250.0,
            "{name}: recordings 0-4 of 5 speakers x 10 digits"
        );
        let spec = m.info.audio.clone().expect("an audio model");
        assert_eq!(
            (spec.sample_rate, m.input.height, m.input.width),
            (8000, 32, 64)
        );
        let mut right = 0;
        let recordings = bundled_recordings();
        assert_eq!(recordings.len(), 5, "{recordings:?}");
        for (digit, path) in recordings {
            let mut x = convscope::io::file_pixels(&path, &m).expect("reads");
            m.input.normalize(&mut x);
            let out = m.forward(&x, &RunOptions::default()).expect("runs");
            let p = convscope::analysis::sweep::probabilities(&m, &out);
            right += (convscope::engine::argmax(&p) == digit) as usize;
        }
        assert!(
            right >= 4,
            "{name}: {right}/5 bundled recordings read right"
        );
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("s.json");
        convscope::io::save_model(&m, &path).expect("saves");
        assert_eq!(load_model(&path).expect("loads").info, m.info);
    }
}

#[test]
fn pooling_pairs_differ_only_in_their_pooling_mode() {
    for (a, b) in [
        ("digits-max", "digits-avg"),
        ("shapes-max", "shapes-avg"),
        ("speech-max", "speech-avg"),
    ] {
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

/// Issue 11, item 1: one rule decides whether a network answers with classes. Every trained
/// sample model ends in them (digits-gap through global average pooling, with no dense layer:
/// the old rule, "has a dense layer", said no); edges (hand-made filters) has no classifier.
#[test]
fn every_classifier_ends_in_classes_and_edges_has_none() {
    for name in TRAINED.into_iter().filter(|n| present(n)) {
        let m = model(name);
        assert!(m.ends_in_classes(), "{name} ends in its classes");
        assert_eq!(m.output_shape().len(), m.info.labels.len(), "{name}");
    }
    let gap = model("digits-gap");
    assert!(
        !gap.layers()
            .iter()
            .any(|l| matches!(l.kind, LayerKind::Dense(_))),
        "digits-gap has no dense layer"
    );
    let edges = model("edges");
    assert!(!edges.ends_in_classes(), "edges has no classifier");
    // The same networks cut before their last layer (softmax) still end in classes when the
    // output left is one value per label, and no longer do once cut into the maps.
    let cut = |m: &Model, keep: usize| {
        Model::new(m.info.clone(), m.input.clone(), m.layers()[..keep].to_vec())
    };
    let gap_logits = cut(&gap, gap.layers().len() - 1).expect("flatten output is 10 values");
    assert!(gap_logits.ends_in_classes(), "10 logits, 10 labels");
    let mut maps_info = gap.info.clone();
    maps_info.labels.clear();
    let maps = Model::new(maps_info, gap.input.clone(), gap.layers()[..3].to_vec())
        .expect("conv1, relu1, pool1");
    assert!(!maps.ends_in_classes(), "feature maps are no classes");
}

/// Issue 11, items 15 and 16: the sample models carry their text in Chinese (descriptions,
/// the shapes' class names) and edges names its hand-made kernels, in both languages; all of
/// it survives saving and loading, and English stays the fallback.
#[test]
fn model_text_comes_in_both_languages_and_survives_a_round_trip() {
    for name in TRAINED.into_iter().chain(["edges"]).filter(|n| present(n)) {
        let m = model(name);
        let zh = m.info.localized("zh");
        assert_ne!(
            zh.description, m.info.description,
            "{name}: a Chinese description"
        );
        assert!(!zh.description.is_ascii(), "{name}");
        assert_eq!(
            m.info.localized("fr"),
            m.info,
            "{name}: English when untranslated"
        );
    }
    let shapes = model("shapes-max");
    assert_eq!(shapes.info.localized("zh").labels[0], "圆形");
    assert_eq!(shapes.label(0), "circle");
    let edges = model("edges");
    let names = &edges.info.kernel_names["conv1"];
    assert_eq!(names.len(), 8);
    assert_eq!(
        (names[0].as_str(), names[2].as_str()),
        ("Sobel x", "Laplacian")
    );
    assert_eq!(
        edges.info.localized("zh").kernel_names["conv1"][2],
        "拉普拉斯"
    );
    // Saved and loaded again, the text is the same.
    let dir = tempfile::tempdir().expect("temp dir");
    for m in [&shapes, &edges] {
        let path = dir.path().join(format!("{}.json", m.info.name));
        convscope::io::save_model(m, &path).expect("saves");
        assert_eq!(load_model(&path).expect("loads").info, m.info);
    }
}

/// Kernel names and translated labels that do not fit are refused, naming the field.
#[test]
fn kernel_names_and_translated_labels_must_fit() {
    let edges = model("edges");
    let mut info = edges.info.clone();
    info.kernel_names.insert("conv1".into(), vec!["one".into()]);
    let e = Model::new(info, edges.input.clone(), edges.layers().to_vec()).unwrap_err();
    assert!(e.to_string().contains("kernel_names"), "{e}");
    let mut info = edges.info.clone();
    info.kernel_names.insert("relu1".into(), vec!["x".into()]);
    let e = Model::new(info, edges.input.clone(), edges.layers().to_vec()).unwrap_err();
    assert!(e.to_string().contains("not a convolution"), "{e}");
    let shapes = model("shapes-max");
    let mut info = shapes.info.clone();
    if let Some(t) = info.translations.get_mut("zh") {
        t.labels.pop();
    }
    let e = Model::new(info, shapes.input.clone(), shapes.layers().to_vec()).unwrap_err();
    assert!(e.to_string().contains("translations.zh.labels"), "{e}");
}
