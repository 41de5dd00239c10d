//! `bench --threads N`: the forward pass timed on a pool of N threads (one unless told), the
//! count the pass really ran with in the JSON line, and a count out of range refused.

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
