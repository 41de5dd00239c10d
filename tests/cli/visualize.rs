//! `convscope visualize`: a picture that excites the channel more than the start, the same
//! bytes from the same seed, and errors that name what exists.

use crate::support::{convscope, repo};

fn run(out: &std::path::Path, layer: &str, channel: &str, seed: &str) -> std::process::Output {
    convscope(&[
        "visualize",
        "--model",
        repo("sample_models/digits-max.json").to_str().unwrap(),
        "--layer",
        layer,
        "--channel",
        channel,
        "--steps",
        "64",
        "--seed",
        seed,
        "--out",
        out.to_str().unwrap(),
    ])
}

/// (start, now) from "mean activation S at the start, N now".
fn activations(stdout: &str) -> (f32, f32) {
    let tail = stdout.split("mean activation ").nth(1).expect(stdout);
    let words: Vec<&str> = tail.split_whitespace().collect();
    (
        words[0].parse().unwrap(),
        words[4].trim_end_matches(',').parse().unwrap(),
    )
}

#[test]
fn visualize_raises_the_channel_and_is_the_same_from_the_same_seed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (a, b, c) = (
        dir.path().join("a.png"),
        dir.path().join("b.png"),
        dir.path().join("c.png"),
    );
    let o = run(&a, "conv2", "3", "7");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    let (start, now) = activations(&stdout);
    assert!(now > start + 0.3, "{stdout}");
    let img = image::open(&a).expect("a PNG");
    assert_eq!((img.width(), img.height()), (232, 232));
    assert!(run(&b, "conv2", "3", "7").status.success());
    assert!(run(&c, "conv2", "3", "8").status.success());
    let bytes = |p: &std::path::Path| std::fs::read(p).unwrap();
    assert_eq!(bytes(&a), bytes(&b));
    assert_ne!(bytes(&a), bytes(&c));
}

#[test]
fn visualize_errors_name_what_exists() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("v.png");
    let e = run(&out, "conv7", "0", "0");
    let err = String::from_utf8_lossy(&e.stderr);
    assert!(
        err.contains("no layer named `conv7`") && err.contains("conv2"),
        "{err}"
    );
    let e = run(&out, "fc", "10", "0");
    let err = String::from_utf8_lossy(&e.stderr);
    assert!(
        err.contains("fc has 10 units") && err.contains("0 to 9"),
        "{err}"
    );
    assert!(!out.exists());
}
