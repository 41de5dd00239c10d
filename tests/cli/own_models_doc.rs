//! The worked example of docs/own-models.md: the command it shows prints exactly the output
//! it shows, on the committed PyTorch-exported ONNX file and its sidecar.

use std::path::Path;
use std::process::Command;

#[test]
fn the_worked_example_prints_what_the_doc_shows() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(root.join("docs/own-models.md")).unwrap();
    let marker = "<!-- worked-example-output -->\n```\n";
    let start = doc.find(marker).expect("the doc marks its example output") + marker.len();
    let shown = &doc[start..start + doc[start..].find("\n```").expect("closing fence")];
    let out = tempfile::tempdir().unwrap();
    let run = Command::new(env!("CARGO_BIN_EXE_convscope"))
        .current_dir(root)
        .args([
            "inspect",
            "--model",
            "tests/fixtures/onnx/tiny-ts.onnx",
            "--input-npy",
            "tests/fixtures/onnx/tiny-input.npy",
            "--out",
        ])
        .arg(out.path())
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let printed = String::from_utf8(run.stdout).unwrap();
    assert_eq!(printed.trim_end(), shown);
    // The doc's convert line works too.
    let json = out.path().join("tiny.json");
    let convert = Command::new(env!("CARGO_BIN_EXE_convscope"))
        .current_dir(root)
        .args(["convert", "tests/fixtures/onnx/tiny-ts.onnx", "--out"])
        .arg(&json)
        .output()
        .unwrap();
    assert!(
        convert.status.success(),
        "{}",
        String::from_utf8_lossy(&convert.stderr)
    );
    assert!(out.path().join("tiny.safetensors").exists());
}

#[test]
fn the_doc_lists_what_the_reader_supports() {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/own-models.md"))
            .unwrap();
    for op in convscope::io::onnx::graph::SUPPORTED
        .split([',', ' ', '(', ')'])
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase) && w.len() > 2)
    {
        assert!(doc.contains(op), "docs/own-models.md does not mention {op}");
    }
}
