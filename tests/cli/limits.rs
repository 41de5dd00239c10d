//! The command line refuses impossible requests before any work, keeps quiet on a pipe, and
//! stops on Ctrl+C with exit code 130 leaving every output file as it was.

use crate::support::{convscope, convscope_command, repo};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// `train` with these `--out` values fails at once: no "training" line, no file beside it.
#[test]
fn train_refuses_an_unwritable_out_before_training() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let arch = repo("sample_models/arch/shapes.json");
    let file = dir.join("a-file");
    std::fs::write(&file, "keep").unwrap();
    let under_file = file.join("m.json");
    let folder = dir.join("models");
    std::fs::create_dir(&folder).unwrap();
    for out in [s(&folder), "/dev/full", s(&under_file)] {
        let started = Instant::now();
        let o = convscope(&[
            "train",
            "--arch",
            s(&arch),
            "--data",
            "shapes:2000",
            "--epochs",
            "50",
            "--out",
            out,
        ]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{out}: {err}");
        assert_eq!(err.lines().count(), 1, "{out}: {err}");
        assert!(!err.contains("training"), "{out}: trained first: {err}");
        assert!(started.elapsed() < Duration::from_secs(10), "{out}");
    }
    // A run that fails before writing leaves no new, empty output folder.
    let o = convscope(&[
        "train",
        "--arch",
        s(&repo("sample_models/arch/digits.json")),
        "--data",
        "shapes:20",
        "--out",
        s(&dir.join("new").join("m.json")),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(names(dir), ["a-file", "models"]);
    assert!(names(&folder).is_empty());
    assert!(!Path::new("/dev/full.safetensors").exists());
}

#[test]
fn train_writes_into_a_new_folder_and_replaces_a_model_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("new").join("m.json");
    let arch = repo("sample_models/arch/shapes.json");
    let train = || {
        convscope(&[
            "train",
            "--arch",
            s(&arch),
            "--data",
            "shapes:20",
            "--epochs",
            "1",
            "--out",
            s(&out),
        ])
    };
    for _ in 0..2 {
        let o = train();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    assert_eq!(
        names(&tmp.path().join("new")),
        ["m.json", "m.safetensors"],
        "no temporary file left"
    );
    convscope::io::load_model(&out).unwrap();
}

/// A model that only passes its input on: a big input side, nothing to compute.
fn passthrough_model(dir: &Path, side: usize) -> PathBuf {
    let path = dir.join(format!("pass{side}.json"));
    let json = serde_json::json!({
        "format": "convscope/1",
        "input": {"channels": 1, "height": side, "width": side},
        "layers": [{"type": "relu"}],
    });
    std::fs::write(&path, json.to_string()).unwrap();
    path
}

#[test]
fn a_sweep_too_large_is_refused_with_the_count() {
    let tmp = tempfile::tempdir().unwrap();
    let model = passthrough_model(tmp.path(), 512);
    let image = repo("assets/samples/digit_3.png");
    let o = convscope(&[
        "sweep",
        "--model",
        s(&model),
        "--image",
        s(&image),
        "--axis",
        "both",
        "--max-shift",
        "512",
        "--csv",
        "-",
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("1050625 forward passes"), "{err}");
    assert!(err.contains("more than the 1000000"), "{err}");
    assert!(o.stdout.is_empty());
}

#[test]
fn progress_is_not_drawn_when_stderr_is_a_pipe() {
    let tmp = tempfile::tempdir().unwrap();
    let csv = tmp.path().join("s.csv");
    let o = convscope(&[
        "sweep",
        "--model",
        s(&repo("sample_models/edges.json")),
        "--image",
        s(&repo("assets/samples/synth_square.png")),
        "--max-shift",
        "4",
        "--pool",
        "max,avg",
        "--csv",
        s(&csv),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        o.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(text.lines().count(), 1 + 2 * 9);
    assert_eq!(names(tmp.path()), ["s.csv"]);
}

/// Starts `args`, waits until it has been working for `after`, sends SIGINT, and returns what
/// it printed and its exit code.
#[cfg(unix)]
fn interrupt(args: &[&str], after: Duration) -> (Option<i32>, String) {
    let child = convscope_command()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(after);
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let o = child.wait_with_output().unwrap();
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_a_sweep_and_leaves_the_old_csv() {
    let tmp = tempfile::tempdir().unwrap();
    let csv = tmp.path().join("sweep.csv");
    std::fs::write(&csv, "old results\n").unwrap();
    // The example: minutes of work.
    let (code, err) = interrupt(
        &[
            "sweep",
            "--model",
            s(&repo("sample_models/edges.json")),
            "--image",
            s(&repo("assets/samples/photo_cat.png")),
            "--axis",
            "both",
            "--max-shift",
            "128",
            "--pool",
            "max,avg,blurmax",
            "--csv",
            s(&csv),
        ],
        Duration::from_millis(1500),
    );
    assert_eq!(code, Some(130), "{err}");
    assert_eq!(err.trim(), "convscope: interrupted: nothing written");
    assert_eq!(std::fs::read_to_string(&csv).unwrap(), "old results\n");
    assert_eq!(names(tmp.path()), ["sweep.csv"]);
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_training_and_writes_no_model() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("m.json");
    let (code, err) = interrupt(
        &[
            "train",
            "--arch",
            s(&repo("sample_models/arch/shapes.json")),
            "--data",
            "shapes:2000",
            "--epochs",
            "100",
            "--out",
            s(&out),
        ],
        Duration::from_millis(2500),
    );
    assert_eq!(code, Some(130), "{err}");
    assert_eq!(
        err.lines().last(),
        Some("convscope: interrupted: nothing written"),
        "{err}"
    );
    assert!(names(tmp.path()).is_empty());
}
