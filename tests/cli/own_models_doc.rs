//! The worked example of docs/own-models.md: the command it shows prints exactly the output
//! it shows, on the committed PyTorch-exported ONNX file and its sidecar.

use crate::support::{convscope, repo, stdout_of};

/// docs/own-models.md as it is.
fn own_models_doc() -> String {
    std::fs::read_to_string(repo("docs/own-models.md")).expect("docs/own-models.md")
}

#[test]
fn the_worked_example_prints_what_the_doc_shows() {
    let doc = own_models_doc();
    let marker = "<!-- worked-example-output -->\n```\n";
    let start = doc.find(marker).expect("the doc marks its example output") + marker.len();
    let shown = &doc[start..start + doc[start..].find("\n```").expect("closing fence")];
    let out = tempfile::tempdir().unwrap();
    let out_dir = out.path().to_str().expect("a UTF-8 temp path");
    let printed = stdout_of(&[
        "inspect",
        "--model",
        "tests/fixtures/onnx/tiny-ts.onnx",
        "--input-npy",
        "tests/fixtures/onnx/tiny-input.npy",
        "--out",
        out_dir,
    ]);
    assert_eq!(printed.trim_end(), shown);
    // The doc's convert line works too.
    let json = out.path().join("tiny.json");
    let json = json.to_str().expect("a UTF-8 temp path");
    stdout_of(&["convert", "tests/fixtures/onnx/tiny-ts.onnx", "--out", json]);
    assert!(out.path().join("tiny.safetensors").exists());
}

/// The rows of the doc's table of operators: (ONNX operators, what they become).
fn operator_rows(doc: &str) -> Vec<(String, String)> {
    let start = doc
        .find("| ONNX | becomes |")
        .expect("the doc has a table of operators");
    doc[start..]
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split(" | ").collect();
            assert_eq!(cells.len(), 2, "a row of two cells: {l}");
            (cells[0].trim().to_string(), cells[1].trim().to_string())
        })
        .collect()
}

/// The words of `text` outside parentheses (which hold notes, not operators).
fn words(text: &str) -> Vec<String> {
    let mut depth = 0;
    let mut kept = String::new();
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            c if depth == 0 => kept.push(c),
            _ => kept.push(' '),
        }
    }
    kept.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// docs/own-models.md's table of operators and the reader's registry say the same: every
/// operator the reader maps has a row, the rows naming it say which layer kinds it makes
/// (by the format's names), and every operator a row names is one the reader maps.
#[test]
fn the_doc_lists_what_the_reader_supports() {
    let doc = own_models_doc();
    let rows = operator_rows(&doc);
    let operators = convscope::io::onnx::operators();
    for op in &operators {
        let named: Vec<&(String, String)> = rows
            .iter()
            .filter(|(ops, _)| words(ops).iter().any(|w| w == op.name))
            .collect();
        assert!(
            !named.is_empty(),
            "docs/own-models.md has no row for {}",
            op.name
        );
        for t in &op.makes {
            assert!(
                named.iter().any(|(_, becomes)| becomes
                    .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .any(|w| w == t.name())),
                "docs/own-models.md: no row for {} says it makes {}",
                op.name,
                t.name()
            );
        }
    }
    for (ops, _) in &rows {
        for word in words(ops) {
            let operator_like = word.len() > 2 && word.starts_with(|c: char| c.is_uppercase());
            assert!(
                !operator_like || operators.iter().any(|op| op.name == word),
                "docs/own-models.md lists {word}, which the reader does not map"
            );
        }
    }
    // The error for an operator the reader lacks names them all.
    let supported = convscope::io::onnx::supported_operators();
    for op in &operators {
        assert!(supported.contains(op.name), "{} in {supported}", op.name);
    }
}

/// Runs `convscope inspect` on the docs' tiny model (sidecar: circle/square/triangle, mean 0.5,
/// std 0.25) with `flags`.
fn inspect_tiny(flags: &[&str]) -> (bool, String, String) {
    let out = tempfile::tempdir().unwrap();
    let mut args = vec![
        "inspect",
        "--model",
        "tests/fixtures/onnx/tiny-ts.onnx",
        "--image",
        "assets/samples/digit_3.png",
        "--out",
        out.path().to_str().expect("a UTF-8 temp path"),
    ];
    args.extend_from_slice(flags);
    let run = convscope(&args);
    (
        run.status.success(),
        String::from_utf8_lossy(&run.stdout).into_owned(),
        String::from_utf8_lossy(&run.stderr).into_owned(),
    )
}

/// The input row of `inspect`'s table: its min, max and mean.
fn input_row(printed: &str) -> Vec<f32> {
    let row = printed
        .lines()
        .find(|l| l.starts_with("0 "))
        .expect("an input row");
    row.split_whitespace()
        .rev()
        .take(3)
        .map(|v| v.parse().unwrap())
        .collect()
}

/// Issue 12 item 3: `--mean/--std/--labels/--size` win over the sidecar, and a value that does
/// not fit is one line naming the file and the problem.
#[test]
fn input_flags_win_over_the_sidecar_and_bad_ones_are_one_line() {
    let (ok, sidecar, e) = inspect_tiny(&[]);
    assert!(ok, "{e}");
    assert!(
        ["circle", "square", "triangle"]
            .iter()
            .any(|c| sidecar.contains(&format!("prediction: {c}"))),
        "{sidecar}"
    );
    let names = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(names.path(), "round\nboxy\npointy\n").unwrap();
    let labels = names.path().to_str().unwrap();
    let (ok, flagged, e) = inspect_tiny(&["--labels", labels, "--mean", "0", "--std", "1"]);
    assert!(ok, "{e}");
    assert!(
        ["round", "boxy", "pointy"]
            .iter()
            .any(|c| flagged.contains(&format!("prediction: {c}"))),
        "{flagged}"
    );
    // The same picture, normalised with (0, 1) instead of the sidecar's (0.5, 0.25).
    for (a, b) in input_row(&sidecar).iter().zip(input_row(&flagged)) {
        assert!((a * 0.25 + 0.5 - b).abs() < 1e-4, "{a} {b}");
    }
    for (flags, says) in [
        (&["--std", "0"][..], "std"),
        (&["--mean", "0.1,0.2"][..], "2 values for 1 channels"),
        (&["--size", "16"][..], "fixed at 8x8"),
        (&["--labels", "/nonexistent/labels.txt"][..], "labels.txt"),
    ] {
        let (ok, _, e) = inspect_tiny(flags);
        assert!(!ok, "{flags:?} is refused");
        assert!(e.contains(says), "{flags:?}: {e}");
        assert_eq!(e.trim().lines().count(), 1, "{flags:?}: one line: {e}");
    }
    let mut two = tempfile::NamedTempFile::new().unwrap();
    std::io::Write::write_all(&mut two, b"cat\ndog\n").unwrap();
    let (ok, _, e) = inspect_tiny(&["--labels", two.path().to_str().unwrap()]);
    assert!(!ok && e.contains("2 labels for 3 outputs"), "{e}");
}
