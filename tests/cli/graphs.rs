//! `inspect` and `bench` on a graph: a small ResNet (two residual blocks) exported from
//! PyTorch (tests/reference/make_graph_onnx.py): one `.npy` per stage holding the engine's
//! numbers, the manifest naming what each merge reads, and a bench line per layer.

use crate::support::{convscope, fixture};
use convscope::engine::{LayerKind, Merge, RunOptions};
use convscope::io::InputSettings;
use convscope::io::onnx::load_onnx;
use ndarray::ArrayD;
use ndarray_npy::ReadNpyExt;
use std::path::PathBuf;

fn model_path() -> PathBuf {
    fixture("onnx/resnet-small-ts.onnx")
}

#[test]
fn inspect_dumps_every_stage_of_a_graph() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let model = model_path();
    // A colour gradient, 20x20 (the model's size).
    let image = dir.path().join("grad.png");
    image::RgbImage::from_fn(20, 20, |x, y| {
        image::Rgb([(x * 12) as u8, (y * 12) as u8, 90])
    })
    .save(&image)
    .unwrap();
    let o = convscope(&[
        "inspect",
        "--model",
        model.to_str().unwrap(),
        "--image",
        image.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    let entries = manifest["layers"].as_array().unwrap();
    let m = load_onnx(&model, &InputSettings::default()).unwrap().model;
    assert_eq!(entries.len(), m.layers().len());
    let input = convscope::io::npy::read_input_npy(&out.join("input.npy")).unwrap();
    let outputs = m.forward_all(&input, &RunOptions::default()).unwrap();
    for (i, (entry, t)) in entries.iter().zip(&outputs).enumerate() {
        let file = out.join(entry["file"].as_str().unwrap());
        let saved = ArrayD::<f32>::read_npy(std::fs::File::open(&file).unwrap()).unwrap();
        assert_eq!(saved, t.to_dyn(), "stage {}", i + 1);
        // Every stage says what it reads; a residual add reads two stages.
        let reads = entry["inputs"].as_array().unwrap();
        if m.layers()[i].kind == LayerKind::Merge(Merge::Add) {
            assert_eq!(reads.len(), 2, "{entry}");
            for r in reads {
                let r = r.as_str().unwrap();
                assert!(
                    r == "input" || m.layers()[..i].iter().any(|l| l.name == r),
                    "{r} is not an earlier stage"
                );
            }
        } else {
            assert_eq!(reads.len(), 1, "{entry}");
        }
    }
}

#[test]
fn bench_times_every_layer_of_a_graph() {
    let model = model_path();
    let o = convscope(&["bench", "--model", model.to_str().unwrap(), "--iters", "8"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let line: serde_json::Value =
        serde_json::from_str(String::from_utf8_lossy(&o.stdout).trim()).unwrap();
    let m = load_onnx(&model, &InputSettings::default()).unwrap().model;
    let layers = line["layer_us"].as_array().unwrap();
    assert_eq!(layers.len(), m.layers().len());
    assert!(
        layers
            .iter()
            .any(|l| l["layer"].as_str().unwrap().contains("Add"))
    );
    assert!(line["forward_us"].as_f64().unwrap() > 0.0);
}
