//! `convscope render` writes the PNG the app exports, and names the model when a layer is missing.

use crate::support::{convscope_command, repo};

#[test]
fn render_writes_a_layer_grid_and_rejects_unknown_layers() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("pool1.png");
    let run = |layer: &str, pool: &str| {
        convscope_command()
            .args(["render", "--model"])
            .arg(repo("tests/fixtures/gui/sample_models/tiny-max.json"))
            .arg("--image")
            .arg(repo("assets/samples/digit_3.png"))
            .args(["--layer", layer, "--pool", pool, "--cell", "2", "--out"])
            .arg(&out)
            .output()
            .expect("runs")
    };
    let ok = run("pool1", "avg");
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    // 4 channels of 14x14 at 2 px per cell: 2x2 tiles of 28 px with a 4 px gap.
    let img = image::open(&out).expect("a PNG");
    assert_eq!((img.width(), img.height()), (60, 60));
    let bad = run("nope", "max");
    assert!(!bad.status.success());
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("tiny-max.json") && err.contains("nope"),
        "{err}"
    );
}
