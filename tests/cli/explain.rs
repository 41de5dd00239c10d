//! `convscope explain` writes each method's raw map at the size the issue asks for, draws it
//! over the picture, and says what to do when the layer, class or output is wrong.

use crate::support::{convscope_command, repo};
use std::process::Output;

fn explain(args: &[&str], out: &std::path::Path) -> Output {
    convscope_command()
        .args(["explain", "--model"])
        .arg(repo("sample_models/digits-max.json"))
        .arg("--image")
        .arg(repo("assets/samples/digit_7.png"))
        .args(args)
        .arg("--out")
        .arg(out)
        .output()
        .expect("runs")
}

fn npy_shape(path: &std::path::Path) -> Vec<usize> {
    let a: ndarray::ArrayD<f32> = ndarray_npy::read_npy(path).expect("a float32 .npy");
    a.shape().to_vec()
}

#[test]
fn each_method_writes_its_raw_map_at_its_own_size() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cases: [(&[&str], Vec<usize>); 6] = [
        (&["--method", "gradient"], vec![1, 28, 28]),
        (&["--method", "gradxinput", "--class", "3"], vec![1, 28, 28]),
        (
            &["--method", "smoothgrad", "--samples", "4"],
            vec![1, 28, 28],
        ),
        (&["--method", "gradcam"], vec![7, 7]),
        (&["--method", "gradcam", "--layer", "relu1"], vec![28, 28]),
        (
            &["--method", "occlusion", "--patch", "4", "--stride", "4"],
            vec![28, 28],
        ),
    ];
    for (i, (args, shape)) in cases.iter().enumerate() {
        let out = dir.path().join(format!("{i}.npy"));
        let run = explain(args, &out);
        let said = String::from_utf8_lossy(&run.stdout);
        assert!(
            run.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        assert_eq!(&npy_shape(&out), shape, "{args:?}");
        assert!(said.contains("of class"), "{said}");
    }
    // The sample digit is a 7, and gradient x input of class 3 says which class it explained.
    let said = String::from_utf8_lossy(
        &explain(&["--method", "gradient"], &dir.path().join("g.npy")).stdout,
    )
    .to_string();
    assert!(said.contains("of class 7"), "{said}");
}

#[test]
fn a_png_shows_the_map_over_the_enlarged_picture() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("cam.png");
    let run = explain(&["--method", "gradcam", "--blend", "0.5"], &out);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let img = image::open(&out).expect("a PNG").to_rgb8();
    // 28 px enlarged by a whole factor to at least 280.
    assert_eq!((img.width(), img.height()), (280, 280));
    let coloured = img
        .pixels()
        .filter(|p| !(p[0] == p[1] && p[1] == p[2]))
        .count();
    assert!(coloured > 0, "some of the picture carries the map's colour");
}

#[test]
fn wrong_layers_classes_and_outputs_say_what_to_do() {
    let dir = tempfile::tempdir().expect("temp dir");
    let npy = dir.path().join("x.npy");
    let err = |args: &[&str], out: &std::path::Path| {
        let run = explain(args, out);
        assert!(!run.status.success(), "{args:?} should fail");
        String::from_utf8_lossy(&run.stderr).to_string()
    };
    let e = err(&["--method", "gradcam", "--layer", "nope"], &npy);
    assert!(
        e.contains("digits-max.json") && e.contains("nope") && e.contains("conv1"),
        "{e}"
    );
    let e = err(&["--method", "gradcam", "--layer", "fc"], &npy);
    assert!(e.contains("not maps"), "{e}");
    let e = err(&["--method", "gradient", "--class", "10"], &npy);
    assert!(e.contains("0 to 9"), "{e}");
    let e = err(
        &["--method", "occlusion", "--patch", "4", "--stride", "5"],
        &npy,
    );
    assert!(e.contains("stride"), "{e}");
    let e = err(&["--method", "gradient"], &dir.path().join("x.txt"));
    assert!(e.contains(".npy") && e.contains(".png"), "{e}");
}
