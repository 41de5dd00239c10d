//! A network too big for a frame (made here: a few wide convolutions, over the explorer's
//! background threshold), opened and changed as a person would: every call returns with the
//! previous model's maps still shown, the app says it is running, and the new maps arrive on
//! their own. Nothing here measures time: "before" is what the state shows when the call
//! returns, since a worker's result is only ever taken by the UI thread's next frame.

use crate::support::{H, app, apply_now};
use convscope::app::{Command, ConvscopeApp, PoolWindow};
use convscope::engine::{
    Activation, Conv2d, Dense, InputSpec, Layer, LayerKind, Model, ModelInfo, Pool2d, PoolMode,
    Window,
};
use egui_kittest::kittest::{NodeT, Queryable};
use ndarray::{Array1, Array2, Array4};
use std::path::Path;

/// Deterministic weights in [-0.5, 0.5).
fn value(i: usize) -> f32 {
    ((i * 7919) % 1009) as f32 / 1009.0 - 0.5
}

fn layer(name: &str, kind: LayerKind) -> Layer {
    Layer {
        name: name.into(),
        kind,
    }
}

/// The end both test networks share: global average pool -> flatten -> dense
/// `features`->`classes` (deterministic weights) -> softmax.
fn classifier(features: usize, classes: usize) -> [Layer; 4] {
    let weight = Array2::from_shape_fn((classes, features), |(o, i)| value(o * features + i));
    [
        layer("gap", LayerKind::GlobalAvgPool),
        layer("flatten", LayerKind::Flatten),
        layer("fc", LayerKind::Dense(Dense { weight, bias: None })),
        layer("softmax", LayerKind::Softmax),
    ]
}

/// 3 @ 64x64 -> conv 3->64 -> relu -> conv 64->64 -> relu -> max pool 2x2 -> conv 64->64 ->
/// global average pool -> flatten -> dense 64->4: 200 M multiply-adds, deterministic weights.
fn wide_model(path: &Path) {
    let conv = |name: &str, cin: usize| Layer {
        name: name.into(),
        kind: LayerKind::Conv2d(Conv2d {
            weight: Array4::from_shape_fn((64, cin, 3, 3), |(o, i, y, x)| {
                value(o * 1000 + i * 9 + y * 3 + x) / (cin as f32 * 3.0)
            }),
            bias: Some(Array1::zeros(64)),
            padding: (1, 1),
            ..Default::default()
        }),
    };
    let relu = || LayerKind::Activation(Activation::Relu);
    let pool = Pool2d {
        mode: PoolMode::Max,
        window: Window {
            kernel: (2, 2),
            stride: (2, 2),
            ..Default::default()
        },
        blur: 3,
        ..Default::default()
    };
    let mut layers = vec![
        conv("wide1", 3),
        layer("relu1", relu()),
        conv("wide2", 64),
        layer("relu2", relu()),
        layer("pool", LayerKind::Pool2d(pool)),
        conv("wide3", 64),
    ];
    layers.extend(classifier(64, 4));
    let info = ModelInfo {
        name: "wide".into(),
        labels: ["a", "b", "c", "d"].map(String::from).to_vec(),
        ..Default::default()
    };
    let input = InputSpec {
        channels: 3,
        height: 64,
        width: 64,
        mean: vec![0.5; 3],
        std: vec![0.25; 3],
    };
    let model = Model::new(info, input, layers).expect("valid");
    convscope::io::save_model(&model, path).expect("saved");
}

/// Steps frames until `done` holds (bounded by a count of frames, not by time).
fn step_until(h: &mut H, what: &str, done: impl Fn(&ConvscopeApp) -> bool) {
    for _ in 0..2000 {
        h.step();
        if done(h.state()) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    panic!("{what} never happened");
}

#[test]
fn a_big_model_opens_off_the_ui_thread_and_keeps_the_old_maps_until_its_own_arrive() {
    let dir = tempfile::tempdir().expect("temp dir");
    let wide = dir.path().join("wide.json");
    wide_model(&wide);
    let mut h = app().build();
    let old_trace = h.state().explorer.trace.clone();
    assert_eq!(h.state().model_name(), "tiny-max");

    // The file loads on a worker thread; the frame that takes it starts the first run and
    // returns at once: the old model and its maps are still what is shown.
    apply_now(&mut h, Command::OpenModel(wide.clone()));
    step_until(&mut h, "the new model's run starting", |a| {
        a.explorer.incoming.is_some() || a.model_name() == "wide"
    });
    {
        let ex = &h.state().explorer;
        assert!(ex.incoming.is_some(), "the wide model waits for its maps");
        assert!(ex.is_running());
        assert_eq!(ex.model.info.name, "tiny-max");
        assert_eq!(ex.trace, old_trace, "the old maps meanwhile");
        assert_eq!(ex.trace.len(), ex.stage_count(), "maps and stages agree");
    }
    h.get_by_label("Running the network…");
    step_until(&mut h, "the wide model's maps", |a| {
        !a.explorer.is_running()
    });
    let ex = &h.state().explorer;
    assert_eq!(ex.model.info.name, "wide");
    assert_eq!(ex.model_path.as_deref(), Some(wide.as_path()));
    assert_eq!(ex.trace.len(), 11);
    assert!(ex.prediction().is_some());
    let wide_trace = ex.trace.clone();

    // Flipping the pooling runs off the UI thread too, with the maps kept meanwhile.
    apply_now(&mut h, Command::SetPool(PoolMode::Avg));
    assert!(h.state().explorer.is_running());
    assert_eq!(h.state().explorer.trace, wide_trace);
    step_until(&mut h, "the average-pooling maps", |a| {
        !a.explorer.is_running()
    });
    assert_ne!(h.state().explorer.trace, wide_trace);
    let pool = h.state().explorer.stage_named("pool").expect("pool");
    assert_eq!(
        h.state().explorer.trace[pool].shape().to_string(),
        "64 @ 32x32"
    );

    // A window that changes the stages' sizes: the network is made and run on the worker,
    // and the new maps come with it (shown stages and maps always agree).
    apply_now(&mut h, Command::SetPoolWindow(PoolWindow::K3S2));
    {
        let ex = &h.state().explorer;
        assert!(ex.is_running());
        assert_eq!(ex.trace[pool].shape().to_string(), "64 @ 32x32");
    }
    step_until(&mut h, "the 3x3/2 maps", |a| !a.explorer.is_running());
    let ex = &h.state().explorer;
    assert_eq!(ex.trace[pool].shape().to_string(), "64 @ 31x31");
    assert_eq!(ex.trace.len(), ex.stage_count());

    // A broken file leaves the wide model as it is.
    let bad = dir.path().join("broken.json");
    std::fs::write(&bad, "{\"format\": \"convscope/1\", \"layers\": [").expect("write");
    let before = h.state().explorer.trace.clone();
    apply_now(&mut h, Command::OpenModel(bad));
    step_until(&mut h, "the error", |a| a.explorer.last_error.is_some());
    let ex = &h.state().explorer;
    assert!(
        ex.last_error
            .as_deref()
            .unwrap_or("")
            .contains("broken.json")
    );
    assert_eq!(ex.model.info.name, "wide");
    assert_eq!(ex.trace, before);
    assert!(ex.incoming.is_none());
}

/// 1 @ 8x8 -> conv 1->4 -> global average pool -> flatten -> dense 4->300 -> softmax.
fn many_class_model(path: &Path) {
    let mut layers = vec![layer(
        "conv",
        LayerKind::Conv2d(Conv2d {
            weight: Array4::from_shape_fn((4, 1, 3, 3), |(o, _, y, x)| value(o * 9 + y * 3 + x)),
            bias: Some(Array1::zeros(4)),
            padding: (1, 1),
            ..Default::default()
        }),
    )];
    layers.extend(classifier(4, 300));
    let info = ModelInfo {
        name: "many".into(),
        ..Default::default()
    };
    let input = InputSpec {
        channels: 1,
        height: 8,
        width: 8,
        mean: vec![0.0],
        std: vec![1.0],
    };
    let model = Model::new(info, input, layers).expect("valid");
    convscope::io::save_model(&model, path).expect("saved");
}

/// A dense layer with more classes than rows on screen draws the weights of the classes that
/// fit, the highest-scoring first, and says so (it drew all 1,000 of ResNet-18's, 16,000 tiles
/// a frame).
#[test]
fn a_dense_layer_with_many_classes_draws_the_highest_scoring_ones() {
    let dir = tempfile::tempdir().expect("temp dir");
    let many = dir.path().join("many.json");
    many_class_model(&many);
    let mut h = app().build();
    apply_now(&mut h, Command::OpenModel(many));
    step_until(&mut h, "the many-class model", |a| {
        a.model_name() == "many" && !a.explorer.is_running()
    });
    apply_now(&mut h, Command::SelectStage(4));
    h.run();
    let ex = &h.state().explorer;
    let scores = ex.trace[4].as_vector().expect("a vector").to_vec();
    let best = (0..scores.len())
        .max_by(|&a, &b| scores[a].total_cmp(&scores[b]))
        .unwrap();
    let note = h.get_by_label_contains("highest-scoring of 300 classes");
    let node = note.accesskit_node();
    let text = node.label().or_else(|| node.value()).unwrap_or_default();
    let shown: usize = text
        .split_whitespace()
        .find_map(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("a count in {text:?}"));
    assert!((5..300).contains(&shown), "{shown} rows");
    // The best class's row is drawn (its label is the class number); the logits list shows
    // the first 64 classes in order, so a class past 64 appears only as a template row.
    let ex_best = best.to_string();
    assert!(
        h.query_all_by_label(&ex_best).count() >= 1,
        "class {best} is drawn"
    );
}
