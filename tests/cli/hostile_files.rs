//! Files that used to hang the command line (a FIFO as the model, or as an ONNX tensor's
//! external data) or that it accepted without a word. Each run has its own deadline: a
//! regression fails the test instead of hanging the suite.

#[path = "../engine/onnx_builder.rs"]
mod onnx_builder;

use crate::support::convscope_command;
use onnx_builder::{conv_relu, external, floats};
use prost::Message;
use std::path::Path;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

/// Long enough for a debug build on a busy machine; a reader waiting on a FIFO never ends.
const DEADLINE: Duration = Duration::from_secs(20);

/// Runs the binary with `args`, killing it at the deadline (a panic then says so).
fn run_with_deadline(args: &[&str]) -> Output {
    let mut child = convscope_command()
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let started = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            return child.wait_with_output().expect("output");
        }
        if started.elapsed() > DEADLINE {
            child.kill().ok();
            child.wait().ok();
            panic!("{args:?} still ran after {DEADLINE:?}: it waits on something");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let made = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
}

/// A 1x4x4 input for the test models.
fn input_npy(dir: &Path) -> String {
    let path = dir.join("in.npy");
    let pixels = ndarray::Array3::<f32>::from_shape_fn((1, 4, 4), |(_, y, x)| (y * 4 + x) as f32);
    convscope::io::npy::write_npy(&path, &pixels.into_dyn()).expect("write npy");
    path.to_string_lossy().into_owned()
}

#[cfg(unix)]
#[test]
fn a_fifo_as_the_model_is_refused_at_once_whatever_its_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = input_npy(dir.path());
    let out = dir.path().join("out");
    for name in ["pipe", "pipe.onnx", "pipe.json"] {
        let fifo = dir.path().join(name);
        mkfifo(&fifo);
        let o = run_with_deadline(&[
            "inspect",
            "--model",
            fifo.to_str().expect("utf-8"),
            "--input-npy",
            &input,
            "--out",
            out.to_str().expect("utf-8"),
        ]);
        let err = stderr(&o);
        assert!(!o.status.success(), "{name}: {err}");
        assert!(
            err.contains(&format!(
                "{name}: is a named pipe (FIFO), not a file: refused"
            )) && err.contains("save what it carries to a regular file"),
            "{name}: {err}"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_fifo_as_external_tensor_data_is_refused_by_inspect_and_bench() {
    let dir = tempfile::tempdir().expect("tempdir");
    mkfifo(&dir.path().join("w.bin"));
    let model = dir.path().join("ext.onnx");
    let bytes = conv_relu(external("w", &[1, 1, 1, 1], "w.bin", 0, 4)).encode_to_vec();
    std::fs::write(&model, bytes).expect("write");
    let model = model.to_str().expect("utf-8");
    let input = input_npy(dir.path());
    let out = dir.path().join("out");
    let inspect = [
        "inspect",
        "--model",
        model,
        "--input-npy",
        &input,
        "--out",
        out.to_str().expect("utf-8"),
    ];
    let bench = ["bench", "--model", model, "--iters", "1", "--no-sweep"];
    for args in [&inspect[..], &bench[..]] {
        let o = run_with_deadline(args);
        let err = stderr(&o);
        assert!(!o.status.success(), "{args:?}: {err}");
        assert!(
            err.contains("ext.onnx: node conv (Conv): initializer \"w\" external data")
                && err.contains("w.bin: is a named pipe (FIFO)"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn an_opset_from_the_future_is_a_warning_on_standard_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut m = conv_relu(floats("w", &[1, 1, 1, 1], &[2.0]));
    m.opset_import[0].version = Some(99);
    let model = dir.path().join("future.onnx");
    std::fs::write(&model, m.encode_to_vec()).expect("write");
    let input = input_npy(dir.path());
    let out = dir.path().join("out");
    let o = run_with_deadline(&[
        "inspect",
        "--model",
        model.to_str().expect("utf-8"),
        "--input-npy",
        &input,
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("convscope: warning: ")
            && err.contains("future.onnx: uses ONNX opset 99, newer than the 13 to 21"),
        "{err}"
    );
    // The stages were written all the same.
    assert!(std::fs::read_dir(&out).is_ok_and(|d| d.count() > 0));
}
