//! `convscope channel-examples`: the ranking as text, the grid as a PNG, and errors that name
//! what exists.

use crate::support::{convscope, repo};

fn model() -> String {
    repo("sample_models/digits-max.json").display().to_string()
}

fn mnist() -> String {
    format!("mnist:{}", repo("assets/data/mnist").display())
}

/// The ranking's rows: (index, label, value).
fn rows(stdout: &str) -> Vec<(usize, String, f32)> {
    stdout
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("rank"))
        .skip(1)
        .take_while(|l| {
            l.trim_start()
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit())
        })
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (
                f[1].parse().unwrap(),
                f[2].to_string(),
                f[3].parse().unwrap(),
            )
        })
        .collect()
}

#[test]
fn channel_examples_ranks_the_test_set_and_writes_a_three_by_three_grid() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("grid.png");
    let o = convscope(&[
        "channel-examples",
        "--model",
        &model(),
        "--data",
        &mnist(),
        "--layer",
        "conv2",
        "--channel",
        "3",
        "--out",
        out.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(stdout.contains("the 9 of 998 inputs"), "{stdout}");
    assert!(stdout.contains("strongest cell"), "{stdout}");
    let ranked = rows(&stdout);
    assert_eq!(ranked.len(), 9, "{stdout}");
    for pair in ranked.windows(2) {
        let ((i, _, a), (j, _, b)) = (&pair[0], &pair[1]);
        assert!(a > b || (a == b && i < j), "{stdout}");
    }
    assert!(
        ranked.iter().all(|r| r.1.len() == 1),
        "digits as labels: {stdout}"
    );
    // Nine 96-pixel tiles in three rows and columns, 4 pixels apart.
    let img = image::open(&out).expect("a PNG");
    assert_eq!((img.width(), img.height()), (304, 304));
    // Reproducible: the same ranking again.
    let again = convscope(&[
        "channel-examples",
        "--model",
        &model(),
        "--data",
        &mnist(),
        "--layer",
        "conv2",
        "--channel",
        "3",
    ]);
    assert_eq!(rows(&String::from_utf8_lossy(&again.stdout)), ranked);
}

#[test]
fn channel_examples_reads_a_folder_of_pictures() {
    let dir = tempfile::tempdir().expect("temp dir");
    for d in [1, 3, 7] {
        let name = format!("digit_{d}.png");
        std::fs::copy(repo("assets/samples").join(&name), dir.path().join(&name)).unwrap();
    }
    let data = format!("images:{}", dir.path().display());
    let o = convscope(&[
        "channel-examples",
        "--model",
        &model(),
        "--data",
        &data,
        "--layer",
        "fc",
        "--channel",
        "7",
    ]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let ranked = rows(&stdout);
    assert_eq!(ranked.len(), 3, "{stdout}");
    // The dense unit of class 7 likes the picture of a 7 best.
    assert_eq!(ranked[0].1, "digit_7.png", "{stdout}");
    assert!(stdout.contains("whole input"), "{stdout}");
}

#[test]
fn channel_examples_errors_name_what_exists() {
    let run = |layer: &str, channel: &str, data: &str| {
        let o = convscope(&[
            "channel-examples",
            "--model",
            &model(),
            "--data",
            data,
            "--layer",
            layer,
            "--channel",
            channel,
        ]);
        assert!(!o.status.success());
        String::from_utf8_lossy(&o.stderr).into_owned()
    };
    let e = run("conv9", "0", "shapes");
    assert!(
        e.contains("no layer named `conv9`") && e.contains("conv1"),
        "{e}"
    );
    let e = run("conv1", "99", &mnist());
    assert!(
        e.contains("conv1 has 8 channels") && e.contains("0 to 7"),
        "{e}"
    );
    let e = run("conv1", "0", "cifar");
    assert!(e.contains("images:DIR") && e.contains("fashion:DIR"), "{e}");
    // Shapes are 3 @ 64x64 pictures; digits-max reads 1 @ 28x28.
    let e = run("conv1", "0", "shapes:20");
    assert!(e.contains("3 @ 64x64") && e.contains("1 @ 28x28"), "{e}");
}
