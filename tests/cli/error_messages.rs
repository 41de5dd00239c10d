//! Every user-facing error of the command line, provoked one by one: each is one line that
//! names the file (or argument) and says the problem once, in words. The table is printed
//! (`cargo test --test cli error_messages -- --nocapture`) so it can be read as a whole.
//! Fixtures are made here, in a temporary folder, from the committed edge-detector model.

use crate::support::{convscope, fixture};
use convscope::io::{load_model, save_model};
use std::path::{Path, PathBuf};

/// A run of `n` words that occurs twice in `text`, if any: a message that says a thing twice.
fn repeated_phrase(text: &str, n: usize) -> Option<String> {
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == ':')
        .filter(|w| !w.is_empty())
        .collect();
    let mut seen = std::collections::HashSet::new();
    words
        .windows(n)
        .map(|w| w.join(" "))
        .find(|phrase| !seen.insert(phrase.clone()))
}

/// What one case expects.
enum Expect {
    /// The whole line after `convscope: `.
    Exact(String),
    /// The line after `convscope: ` starts with this (the rest comes from a library we do not
    /// control, such as a decoder's or serde's wording).
    Prefix(String),
    /// clap's first line (`error: ...`); clap adds a hint line after it.
    Clap(String),
}

struct Case {
    what: &'static str,
    args: Vec<String>,
    expect: Expect,
}

fn case(what: &'static str, args: &[&str], expect: Expect) -> Case {
    Case {
        what,
        args: args.iter().map(|s| s.to_string()).collect(),
        expect,
    }
}

fn p(path: &Path) -> String {
    path.display().to_string()
}

/// A model file that is the edge detector with `edit` applied to its JSON.
fn edited_model(dir: &Path, name: &str, edit: impl FnOnce(&mut serde_json::Value)) -> PathBuf {
    let text = std::fs::read_to_string(fixture("models/edge-detector.json")).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    edit(&mut v);
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    path
}

/// IDX bytes: magic for unsigned bytes with `dims.len()` dimensions, the dimensions, `data`.
fn idx(dims: &[u32], data: &[u8]) -> Vec<u8> {
    let mut out = vec![0, 0, 8, dims.len() as u8];
    for d in dims {
        out.extend_from_slice(&d.to_be_bytes());
    }
    out.extend_from_slice(data);
    out
}

#[test]
fn every_error_is_one_clear_line_said_once() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let good = fixture("models/edge-detector.json");
    let image = dir.join("bar.png");
    image::GrayImage::from_fn(8, 8, |x, _| image::Luma([if x == 3 { 255 } else { 0 }]))
        .save(&image)
        .unwrap();
    let out = dir.join("out");

    // Models.
    let missing = dir.join("missing.json");
    let folder = dir.join("a-folder.json");
    std::fs::create_dir(&folder).unwrap();
    let empty = dir.join("empty.json");
    std::fs::write(&empty, "").unwrap();
    let binary = dir.join("binary.json");
    std::fs::write(&binary, [0xff, 0xfe, 0x00]).unwrap();
    let syntax = dir.join("syntax.json");
    std::fs::write(&syntax, "{\"format\": \"convscope/1\",").unwrap();
    let unknown = edited_model(dir, "unknown.json", |v| v["colour"] = "blue".into());
    let format = edited_model(dir, "format.json", |v| v["format"] = "convscope/9".into());
    let same = edited_model(dir, "same.json", |v| {
        v["layers"][0]["padding"] = "full".into()
    });
    let zero_kernel = edited_model(dir, "kernel0.json", |v| v["layers"][0]["kernel"] = 0.into());
    let layer_type = edited_model(dir, "type.json", |v| {
        v["layers"][1]["type"] = "swish".into()
    });
    let weight_shape = edited_model(dir, "shape.json", |v| {
        v["layers"][5]["weight"] = serde_json::json!([[1, 0, 0], [0, 1, 0]])
    });
    let no_weight = edited_model(dir, "noweight.json", |v| {
        v["layers"][5].as_object_mut().unwrap().remove("weight");
    });
    // A model whose weights live in a safetensors file, and broken versions of it.
    let saved = dir.join("saved.json");
    save_model(&load_model(&good).unwrap(), &saved).unwrap();
    let saved_text = std::fs::read_to_string(&saved).unwrap();
    let lost = dir.join("lost.json");
    std::fs::write(
        &lost,
        saved_text.replace("saved.safetensors", "lost.safetensors"),
    )
    .unwrap();
    let wide = dir.join("wide.json");
    std::fs::write(
        &wide,
        saved_text.replace("\"out_features\": 2", "\"out_features\": 3"),
    )
    .unwrap();
    let renamed = dir.join("renamed.json");
    std::fs::write(
        &renamed,
        saved_text.replace("\"name\": \"score\"", "\"name\": \"logits\""),
    )
    .unwrap();
    let not_st = dir.join("notst.json");
    std::fs::write(&not_st, saved_text.replace("saved.safetensors", "bar.png")).unwrap();

    // Images and arrays.
    let corrupt = dir.join("corrupt.png");
    std::fs::write(&corrupt, b"\x89PNG\r\n\x1a\nnot really").unwrap();
    let text_image = dir.join("notes.txt");
    std::fs::write(&text_image, "hello").unwrap();
    let bad_npy = dir.join("bad.npy");
    std::fs::write(&bad_npy, "not numpy").unwrap();
    let wrong_npy = dir.join("wrong.npy");
    convscope::io::npy::write_npy(
        &wrong_npy,
        &ndarray::Array3::<f32>::zeros((3, 8, 8)).into_dyn(),
    )
    .unwrap();
    let flat_npy = dir.join("flat.npy");
    convscope::io::npy::write_npy(&flat_npy, &ndarray::Array1::<f32>::zeros(64).into_dyn())
        .unwrap();

    // MNIST folders: one missing its files, one with a bad magic number, one truncated, one
    // with fewer labels than images.
    let mnist = |name: &str, images: Vec<u8>, labels: Vec<u8>| {
        let d = dir.join(name);
        std::fs::create_dir(&d).unwrap();
        for prefix in ["train", "t10k"] {
            std::fs::write(d.join(format!("{prefix}-images-idx3-ubyte")), &images).unwrap();
            std::fs::write(d.join(format!("{prefix}-labels-idx1-ubyte")), &labels).unwrap();
        }
        d
    };
    let no_mnist = dir.join("no-mnist");
    std::fs::create_dir(&no_mnist).unwrap();
    let magic = mnist("magic", b"PK\x03\x04zip".to_vec(), idx(&[1], &[0]));
    let short = mnist("short", idx(&[2, 28, 28], &[0; 100]), idx(&[2], &[0, 1]));
    let fewer = mnist("fewer", idx(&[2, 2, 2], &[0; 8]), idx(&[1], &[0]));

    let s = |p: &Path| p.to_str().unwrap().to_string();
    let (good_s, image_s, out_s) = (s(&good), s(&image), s(&out));
    let inspect = |model: &Path| {
        vec![
            "inspect".to_string(),
            "--model".into(),
            s(model),
            "--image".into(),
            image_s.clone(),
            "--out".into(),
            out_s.clone(),
        ]
    };
    let model_case = |what: &'static str, model: &Path, expect: Expect| Case {
        what,
        args: inspect(model),
        expect,
    };
    use Expect::*;
    let cases = vec![
        model_case(
            "model missing",
            &missing,
            Exact(format!("{}: cannot read: no such file", p(&missing))),
        ),
        model_case(
            "model is a folder",
            &folder,
            Prefix(format!("{}: ", p(&folder))),
        ),
        model_case(
            "model is empty",
            &empty,
            Exact(format!(
                "{}: is empty (0 bytes), not a convscope/1 model",
                p(&empty)
            )),
        ),
        model_case(
            "model is not text",
            &binary,
            Exact(format!("{}: is not UTF-8 text", p(&binary))),
        ),
        model_case(
            "model JSON cut short",
            &syntax,
            Exact(format!(
                "{}: is not valid JSON: EOF while parsing a value at line 1 column 25",
                p(&syntax)
            )),
        ),
        model_case(
            "model with an unknown field",
            &unknown,
            Prefix(format!(
                "{}: not a convscope/1 model: unknown field `colour`, expected one of `format`",
                p(&unknown)
            )),
        ),
        model_case(
            "model of another format",
            &format,
            Exact(format!(
                "{}: \"format\" is \"convscope/9\", expected \"convscope/1\"",
                p(&format)
            )),
        ),
        model_case(
            "padding \"full\"",
            &same,
            Exact(format!(
                "{}: layer sobel: field `padding`: \"full\" is not a padding: give n, [height, width], [top, left, bottom, right] (each 0 to 64), \"same\" or \"valid\"",
                p(&same)
            )),
        ),
        model_case(
            "kernel 0",
            &zero_kernel,
            Exact(format!(
                "{}: layer sobel: field `kernel`: 0 is not between 1 and 64",
                p(&zero_kernel)
            )),
        ),
        model_case(
            "unknown layer type",
            &layer_type,
            Exact(format!(
                "{}: layer 1: \"type\" is \"swish\", not one of conv2d, relu, leaky_relu, sigmoid, tanh, pool2d, global_avg_pool, flatten, dropout, dense, softmax, log_softmax, batch_norm, relu6, clip, hardtanh, elu, selu, gelu, silu, hardswish, hardsigmoid, prelu, adaptive_pool2d, global_max_pool, add, concat, mul",
                p(&layer_type)
            )),
        ),
        model_case(
            "inline weight of the wrong shape",
            &weight_shape,
            Exact(format!(
                "{}: layer score: tensor `weight` has shape [2, 3], expected [2, 2]",
                p(&weight_shape)
            )),
        ),
        model_case(
            "no weight and no weights file",
            &no_weight,
            Exact(format!(
                "{}: layer score: tensor `score.weight` is missing: give its values inline, or name a safetensors file in \"weights\"",
                p(&no_weight)
            )),
        ),
        model_case(
            "weights file missing",
            &lost,
            Exact(format!(
                "{}: cannot read: no such file",
                p(&dir.join("lost.safetensors"))
            )),
        ),
        model_case(
            "weights file of the wrong shape",
            &wide,
            Exact(format!(
                "{}: layer score: tensor `score.weight` has shape [2, 2], expected [3, 2]",
                p(&wide)
            )),
        ),
        model_case(
            "weights file without the layer's tensor",
            &renamed,
            Exact(format!(
                "{}: layer logits: tensor `logits.weight` is not in saved.safetensors",
                p(&renamed)
            )),
        ),
        model_case(
            "weights file that is not safetensors",
            &not_st,
            Prefix(format!("{}: not a safetensors file: ", p(&image))),
        ),
        // Inputs.
        case(
            "image missing",
            &[
                "inspect",
                "--model",
                &good_s,
                "--image",
                &s(&dir.join("nope.png")),
                "--out",
                &out_s,
            ],
            Exact(format!(
                "{}: cannot read: no such file",
                p(&dir.join("nope.png"))
            )),
        ),
        case(
            "image corrupt",
            &[
                "inspect", "--model", &good_s, "--image", &s(&corrupt), "--out", &out_s,
            ],
            Prefix(format!("{}: cannot decode the image: ", p(&corrupt))),
        ),
        case(
            "image that is text",
            &[
                "inspect",
                "--model",
                &good_s,
                "--image",
                &s(&text_image),
                "--out",
                &out_s,
            ],
            Prefix(format!("{}: ", p(&text_image))),
        ),
        case(
            "npy that is not one",
            &[
                "inspect",
                "--model",
                &good_s,
                "--input-npy",
                &s(&bad_npy),
                "--out",
                &out_s,
            ],
            Exact(format!("{}: is not an .npy file", p(&bad_npy))),
        ),
        case(
            "npy of the wrong shape",
            &[
                "inspect",
                "--model",
                &good_s,
                "--input-npy",
                &s(&wrong_npy),
                "--out",
                &out_s,
            ],
            Exact(format!(
                "{}: has shape [3, 8, 8], the model takes 1 @ 8x8",
                p(&wrong_npy)
            )),
        ),
        case(
            "npy of one dimension",
            &[
                "inspect",
                "--model",
                &good_s,
                "--input-npy",
                &s(&flat_npy),
                "--out",
                &out_s,
            ],
            Exact(format!(
                "{}: has shape [64]; the network input is a float32 [C,H,W] array",
                p(&flat_npy)
            )),
        ),
        // MNIST files.
        case(
            "MNIST folder without the files",
            &[
                "eval",
                "--model",
                &good_s,
                "--data",
                &format!("mnist:{}", s(&no_mnist)),
            ],
            Exact(format!(
                "{}: not found (nor with .gz)",
                p(&no_mnist.join("train-images-idx3-ubyte"))
            )),
        ),
        case(
            "IDX with a bad magic number",
            &[
                "eval",
                "--model",
                &good_s,
                "--data",
                &format!("mnist:{}", s(&magic)),
            ],
            Exact(format!(
                "{}: not an IDX file of unsigned bytes with 3 dimensions (bad magic number)",
                p(&magic.join("train-images-idx3-ubyte"))
            )),
        ),
        case(
            "IDX cut short",
            &[
                "eval",
                "--model",
                &good_s,
                "--data",
                &format!("mnist:{}", s(&short)),
            ],
            Exact(format!(
                "{}: the header says [2, 28, 28] but the file holds 100 bytes of data",
                p(&short.join("train-images-idx3-ubyte"))
            )),
        ),
        case(
            "IDX labels fewer than images",
            &[
                "eval",
                "--model",
                &good_s,
                "--data",
                &format!("mnist:{}", s(&fewer)),
            ],
            Exact(format!(
                "{}: holds 1 labels, but train-images-idx3-ubyte holds 2 images",
                p(&fewer.join("train-labels-idx1-ubyte"))
            )),
        ),
        // Outputs.
        case(
            "train --out a folder",
            &[
                "train",
                "--arch",
                &good_s,
                "--data",
                "shapes:10",
                "--out",
                &s(dir),
            ],
            Exact(format!("{}: is a folder, not a file", p(dir))),
        ),
        case(
            "train --out /dev/full",
            &[
                "train",
                "--arch",
                &good_s,
                "--data",
                "shapes:10",
                "--out",
                "/dev/full",
            ],
            Exact(
                "/dev/full: is not a regular file (a device, pipe or socket): not replacing it"
                    .into(),
            ),
        ),
        case(
            "sweep --csv in a folder that is a file",
            &[
                "sweep",
                "--model",
                &good_s,
                "--image",
                &image_s,
                "--csv",
                &format!("{image_s}/x.csv"),
            ],
            Exact(format!(
                "{image_s}/x.csv: cannot write: {image_s} is not a folder"
            )),
        ),
        case(
            "sweep --max-shift past the input",
            &[
                "sweep",
                "--model",
                &good_s,
                "--image",
                &image_s,
                "--max-shift",
                "9",
                "--csv",
                "-",
            ],
            Exact("--max-shift 9 is not between 0 and the input size 8".into()),
        ),
        case(
            "train --out under a file",
            &[
                "train",
                "--arch",
                &good_s,
                "--data",
                "shapes:10",
                "--out",
                &format!("{image_s}/m/m.json"),
            ],
            Exact(format!(
                "--out {image_s}/m/m.json: {image_s} is a file, not a folder"
            )),
        ),
        case(
            "sweep --csv in a missing folder",
            &[
                "sweep",
                "--model",
                &good_s,
                "--image",
                &image_s,
                "--csv",
                &s(&dir.join("nowhere").join("x.csv")),
            ],
            Exact(format!(
                "{}: cannot write: the folder {} does not exist",
                p(&dir.join("nowhere").join("x.csv")),
                p(&dir.join("nowhere"))
            )),
        ),
        case(
            "inspect --out a file",
            &["inspect", "--model", &good_s, "--image", &image_s, "--out", &image_s],
            Exact(format!("--out {image_s}: is a file; give a folder")),
        ),
        // Models that do not fit the request.
        case(
            "train --arch missing",
            &[
                "train",
                "--arch",
                &s(&missing),
                "--data",
                "shapes:10",
                "--out",
                &s(&dir.join("m.json")),
            ],
            Exact(format!("{}: cannot read: no such file", p(&missing))),
        ),
        case(
            "eval with classes that do not match",
            &["eval", "--model", &good_s, "--data", "shapes:10"],
            Exact(format!(
                "{good_s}: the model has 2 outputs but shapes:10 has 5 classes"
            )),
        ),
        case(
            "consistency on images of another size",
            &["consistency", "--model", &good_s, "--data", "shapes:10"],
            Exact(format!(
                "{good_s}: takes 1 @ 8x8, but shapes:10 has 3 @ 64x64 images"
            )),
        ),
        case(
            "render a layer that does not exist",
            &[
                "render",
                "--model",
                &good_s,
                "--image",
                &image_s,
                "--layer",
                "conv9",
                "--out",
                &s(&dir.join("r.png")),
            ],
            Exact(format!(
                "{good_s}: no layer named `conv9` (layers: input, sobel, relu_1, pool, gap, flatten_4, score, softmax_6)"
            )),
        ),
        // Arguments clap refuses.
        case(
            "--epochs 0",
            &[
                "train", "--arch", &good_s, "--data", "shapes", "--out", "m.json", "--epochs",
                "0",
            ],
            Clap("error: invalid value '0' for '--epochs <EPOCHS>': 0 is not in 1..=10000".into()),
        ),
        case(
            "--augment-shift past data::augment::MAX_SHIFT",
            &[
                "train", "--arch", &good_s, "--data", "shapes", "--out", "m.json",
                "--augment-shift", "17",
            ],
            Clap(
                "error: invalid value '17' for '--augment-shift <AUGMENT_SHIFT>': 17 is not in 0..=16"
                    .into(),
            ),
        ),
        case(
            "--batch 0",
            &[
                "train", "--arch", &good_s, "--data", "shapes", "--out", "m.json", "--batch", "0",
            ],
            Clap("error: invalid value '0' for '--batch <BATCH>': 0 is not in 1..=4096".into()),
        ),
        case(
            "--limit 0",
            &[
                "consistency",
                "--model",
                &good_s,
                "--data",
                "shapes",
                "--limit",
                "0",
            ],
            Clap("error: invalid value '0' for '--limit <LIMIT>': 0 is not in 1..=1000000".into()),
        ),
        case(
            "--iters past the range",
            &[
                "bench",
                "--model",
                &good_s,
                "--iters",
                "18446744073709551615",
            ],
            Clap(
                "error: invalid value '18446744073709551615' for '--iters <ITERS>': 18446744073709551615 is not in 1..=100000"
                    .into(),
            ),
        ),
        case(
            "--shift too far",
            &[
                "inspect",
                "--model",
                &good_s,
                "--image",
                &image_s,
                "--shift",
                "99999,0",
                "--out",
                &out_s,
            ],
            Clap(
                "error: invalid value '99999,0' for '--shift <SHIFT>': `99999` is not between -4096 and 4096"
                    .into(),
            ),
        ),
        case(
            "unknown pooling mode",
            &["inspect", "--model", &good_s, "--image", &image_s, "--pool", "min", "--out", &out_s],
            Clap(
                "error: invalid value 'min' for '--pool <POOL>': `min` is not one of max, avg, blurmax"
                    .into(),
            ),
        ),
        case(
            "mistyped command",
            &["inspekt"],
            Exact("`inspekt` is neither a command nor a file (see `convscope --help`)".into()),
        ),
        case(
            "unknown lesson",
            &["--lesson", "no-such-lesson"],
            Prefix("no built-in lesson \"no-such-lesson\"".into()),
        ),
        case(
            "data spec without a folder",
            &["eval", "--model", &good_s, "--data", "mnist"],
            Clap(
                "error: invalid value 'mnist' for '--data <DATA>': data `mnist`: give the folder of the IDX files: mnist:DIR"
                    .into(),
            ),
        ),
    ];

    let mut failures = Vec::new();
    println!("{:<42} | message", "case");
    for c in &cases {
        let args: Vec<&str> = c.args.iter().map(String::as_str).collect();
        let o = convscope(&args);
        let code = o.status.code().unwrap_or(-1);
        let stderr = String::from_utf8_lossy(&o.stderr);
        let stderr = stderr.trim_end();
        let first = stderr.lines().next().unwrap_or("");
        println!("{:<42} | {first}", c.what);
        let mut problems = Vec::new();
        if code == 0 {
            problems.push("succeeded".to_string());
        }
        if stderr.contains("panicked") {
            problems.push("panicked".into());
        }
        match &c.expect {
            Exact(_) | Prefix(_) => {
                if stderr.lines().count() != 1 {
                    problems.push("is not one line".into());
                }
                if code != 1 {
                    problems.push(format!("exit code {code}, not 1"));
                }
            }
            Clap(_) => {
                if code != 2 {
                    problems.push(format!("exit code {code}, not 2 (clap)"));
                }
            }
        }
        let message = first.strip_prefix("convscope: ").unwrap_or(first);
        match &c.expect {
            Exact(want) if message != want => problems.push(format!("want {want}")),
            Prefix(want) if !message.starts_with(want.as_str()) => {
                problems.push(format!("want a line starting {want}"))
            }
            Clap(want) if first != want => problems.push(format!("want {want}")),
            _ => {}
        }
        if !matches!(c.expect, Clap(_)) && !first.starts_with("convscope: ") {
            problems.push("does not start with `convscope: `".into());
        }
        if let Some(phrase) = repeated_phrase(message, 4) {
            problems.push(format!("says `{phrase}` twice"));
        }
        if message.contains("os error") || message.contains("untagged") {
            problems.push("speaks in library terms".into());
        }
        if !problems.is_empty() {
            failures.push(format!("{}: {first}\n    {}", c.what, problems.join("; ")));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn the_repeated_phrase_check_catches_doubling() {
    // The message of issue 10, before the fix.
    let doubled = "x.json: cannot read: Is a directory (os error 21): Is a directory (os error 21)";
    assert!(repeated_phrase(doubled, 4).is_some());
    assert_eq!(
        repeated_phrase("m.json: layer fc: tensor `fc.weight` is missing", 4),
        None
    );
}
