//! The explorer on a network made of the new layers (grouped and dilated convolutions, batch
//! norm over maps and over a vector, ReLU6, ceil_mode average pooling without the padding in
//! the divisor, a depthwise convolution, PReLU, adaptive and global max pooling, log-softmax):
//! every stage opens and draws without a panic.

use crate::support::{app, apply};
use convscope::app::Command;
use serde_json::{Value, json};

/// Nested arrays of `shape` with small deterministic values.
fn values(shape: &[usize], seed: &mut f64) -> Value {
    match shape.split_first() {
        None => {
            *seed = (*seed * 1.618 + 0.37) % 2.0;
            json!(*seed - 1.0)
        }
        Some((&n, rest)) => Value::Array((0..n).map(|_| values(rest, seed)).collect()),
    }
}

fn model() -> Value {
    let mut s = 0.3;
    json!({
        "format": "convscope/1", "name": "new-layers",
        "input": {"channels": 3, "height": 12, "width": 12},
        "labels": ["a", "b", "c", "d"],
        "layers": [
            {"type": "conv2d", "name": "grouped", "out_channels": 6, "kernel": 3, "groups": 3,
             "dilation": 2, "padding": "same",
             "weight": values(&[6, 1, 3, 3], &mut s), "bias": values(&[6], &mut s)},
            {"type": "batch_norm", "name": "bn", "weight": values(&[6], &mut s),
             "bias": values(&[6], &mut s), "running_mean": values(&[6], &mut s),
             "running_var": [1.0, 2.0, 0.5, 1.5, 1.0, 0.8]},
            {"type": "relu6"},
            {"type": "pool2d", "name": "pool", "mode": "avg", "kernel": 3, "stride": 2,
             "padding": 1, "ceil_mode": true, "count_include_pad": false},
            {"type": "conv2d", "name": "depthwise", "out_channels": 6, "kernel": 3, "groups": 6,
             "padding": [0, 1, 2, 1], "weight": values(&[6, 1, 3, 3], &mut s), "bias": false},
            {"type": "prelu", "name": "prelu", "weight": values(&[6], &mut s)},
            {"type": "adaptive_pool2d", "name": "adaptive", "mode": "avg", "output": 3},
            {"type": "gelu"},
            {"type": "global_max_pool", "name": "gmp"},
            {"type": "flatten"},
            {"type": "batch_norm", "name": "bn1d", "weight": values(&[6], &mut s),
             "bias": values(&[6], &mut s), "running_mean": values(&[6], &mut s),
             "running_var": [1.0, 1.0, 1.0, 1.0, 1.0, 1.0]},
            {"type": "dense", "name": "fc", "out_features": 4,
             "weight": values(&[4, 6], &mut s), "bias": values(&[4], &mut s)},
            {"type": "log_softmax", "name": "logsm"}
        ]
    })
}

#[test]
fn every_stage_of_a_network_of_new_layers_draws() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new-layers.json");
    std::fs::write(&path, model().to_string()).unwrap();
    let mut h = app().models_in(&[]).build();
    apply(&mut h, Command::OpenModel(path));
    for stage in 0..=13 {
        apply(&mut h, Command::SelectStage(stage));
    }
}
