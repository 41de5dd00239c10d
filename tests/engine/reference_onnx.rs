//! The engine against onnxruntime: random models (conv with rectangular kernels, stride and
//! padding; every activation; max and average pooling with padding; global average pooling;
//! flatten; dense; softmax) whose every layer output was computed by onnxruntime 1.32 with
//! tests/reference/make_reference.py.

use convscope::engine::{RunOptions, Tensor};
use convscope::io::{load_model, npy};
use ndarray::ArrayD;
use ndarray_npy::ReadNpyExt;
use std::path::Path;

fn read(path: &Path) -> ArrayD<f32> {
    ArrayD::<f32>::read_npy(std::fs::File::open(path).unwrap()).unwrap()
}

#[test]
fn every_layer_matches_onnxruntime() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/reference");
    let mut cases = 0;
    for entry in std::fs::read_dir(&root).unwrap() {
        let dir = entry.unwrap().path();
        let model = load_model(&dir.join("model.json")).unwrap();
        let input = npy::read_input_npy(&dir.join("input.npy")).unwrap();
        let outputs = model.forward_all(&input, &RunOptions::default()).unwrap();
        // The fast pass (activations applied by the convolutions before them) ends the same.
        let last = model.forward(&input, &RunOptions::default()).unwrap();
        assert_eq!(Some(&last), outputs.last(), "{}", dir.display());
        for (i, out) in outputs.iter().enumerate() {
            let want = read(&dir.join(format!("{:02}.npy", i + 1)));
            let got: ArrayD<f32> = match out {
                Tensor::Maps(a) => a.clone().into_dyn(),
                Tensor::Vector(v) => v.clone().into_dyn(),
            };
            let want = want.into_shape_with_order(got.shape()).unwrap_or_else(|_| {
                panic!("{}: layer {} shape {:?}", dir.display(), i + 1, got.shape())
            });
            let scale = want.iter().fold(1f32, |m, v| m.max(v.abs()));
            for (g, w) in got.iter().zip(want.iter()) {
                assert!(
                    (g - w).abs() <= 1e-5 * scale,
                    "{}: layer {} ({}): {g} vs onnxruntime {w}",
                    dir.display(),
                    i + 1,
                    model.layers()[i].name
                );
            }
        }
        cases += 1;
    }
    assert_eq!(cases, 12);
}
