//! `bench --threads N`: the forward pass timed on a pool of N threads (one unless told), the
//! count the pass really ran with in the JSON line, and a count out of range refused; the
//! instruction-set path `CONVSCOPE_ISA` asks for, reported as `isa`; the fused pass timed step
//! by step (`step_us`).

use crate::support::{convscope, fixture, stdout_of};

/// The JSON line `bench` prints for the edge detector with `extra` arguments.
fn bench_line(extra: &[&str]) -> serde_json::Value {
    let model = fixture("models/edge-detector.json");
    let mut args = vec![
        "bench",
        "--model",
        model.to_str().unwrap(),
        "--iters",
        "5",
        "--no-sweep",
    ];
    args.extend_from_slice(extra);
    serde_json::from_str(stdout_of(&args).trim()).unwrap()
}

#[test]
fn bench_times_the_forward_pass_on_the_threads_asked_for() {
    // One thread unless told, as before the flag.
    let default = bench_line(&[]);
    assert_eq!(default["forward_threads"], 1);
    for threads in [1, 2, 3] {
        let line = bench_line(&["--threads", &threads.to_string()]);
        // The pool's own count, read inside it while the passes ran.
        assert_eq!(line["forward_threads"], threads, "{line}");
        assert!(line["forward_us"].as_f64().unwrap() > 0.0, "{line}");
        let layers = line["layer_us"].as_array().unwrap();
        assert!(!layers.is_empty());
        assert!(layers.iter().all(|l| l["us"].as_f64().unwrap() >= 0.0));
    }
}

#[test]
fn bench_refuses_a_thread_count_out_of_range() {
    let model = fixture("models/edge-detector.json");
    for bad in ["0", "257", "two"] {
        let o = convscope(&[
            "bench",
            "--model",
            model.to_str().unwrap(),
            "--threads",
            bad,
        ]);
        assert!(!o.status.success(), "--threads {bad} accepted");
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(stderr.contains("--threads"), "{stderr}");
        assert!(o.stdout.is_empty());
    }
}

/// `CONVSCOPE_ISA` holds the kernels to a narrower path, and `bench` says which one ran (each
/// path's numbers are checked against the definition in the library's kernel tests).
#[test]
fn bench_runs_the_instruction_set_path_the_variable_names() {
    let model = fixture("models/edge-detector.json");
    let run = |isa: &str| {
        let o = crate::support::convscope_command()
            .env("CONVSCOPE_ISA", isa)
            .args([
                "bench",
                "--model",
                model.to_str().unwrap(),
                "--iters",
                "3",
                "--no-sweep",
            ])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let line: serde_json::Value =
            serde_json::from_str(String::from_utf8_lossy(&o.stdout).trim()).unwrap();
        (line["isa"].as_str().unwrap().to_owned(), o.stderr)
    };
    let (widest, _) = run("");
    assert_eq!(run("portable").0, "portable");
    // AVX2 where the CPU has it; never AVX-512.
    let avx2 = run("avx2").0;
    assert!(["avx2", "portable"].contains(&avx2.as_str()), "{avx2}");
    assert!(widest == "avx512" || widest == avx2, "{widest} vs {avx2}");
    // A name of nothing: every path the CPU has, and a word about it.
    let (isa, stderr) = run("sse9");
    assert_eq!(isa, widest);
    assert!(String::from_utf8_lossy(&stderr).contains("CONVSCOPE_ISA"));
}

/// `step_us` times the real (fused) pass step by step: every layer is in exactly one step, in
/// order, and a convolution with the activation it applies as it writes is one step that
/// names both (Tiny VGG's conv + ReLU pairs).
#[test]
fn bench_times_each_step_of_the_fused_pass() {
    let line: serde_json::Value = serde_json::from_str(
        stdout_of(&[
            "bench",
            "--model",
            "builtin:tinyvgg",
            "--iters",
            "3",
            "--no-sweep",
        ])
        .trim(),
    )
    .unwrap();
    let layers: Vec<&str> = line["layer_us"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["layer"].as_str().unwrap())
        .collect();
    let steps = line["step_us"].as_array().unwrap();
    let covered: Vec<&str> = steps
        .iter()
        .flat_map(|s| [s["layer"].as_str(), s["fused"].as_str()])
        .flatten()
        .collect();
    assert_eq!(covered, layers, "{steps:?}");
    assert!(steps.iter().all(|s| s["us"].as_f64().unwrap() >= 0.0));
    let fused: Vec<(&str, &str)> = steps
        .iter()
        .filter_map(|s| Some((s["layer"].as_str()?, s["fused"].as_str()?)))
        .collect();
    assert_eq!(
        fused,
        [
            ("conv1_1", "relu1_1"),
            ("conv1_2", "relu1_2"),
            ("conv2_1", "relu2_1"),
            ("conv2_2", "relu2_2")
        ]
    );
    assert!(fused.iter().all(|(conv, _)| {
        steps
            .iter()
            .any(|s| s["layer"] == *conv && s["kernel"].is_string())
    }));
}
