//! Resident memory of a ResNet-18 session (issue 15: under 800 MB with the app's textures):
//! the model (random weights, built here), one trace of every stage as the explorer keeps it,
//! the lab's shifted trace, and a translation sweep that streams (each stage compared as it is
//! made) instead of keeping a trace per shift. Measured as the growth of the process's peak
//! resident size (VmHWM in /proc/self/status) in a child process running only this test, so
//! the other tests' memory does not count. Linux only (elsewhere it says so and passes).

use convscope::analysis::{SweepAxis, shifts, sweep, trace};
use convscope::engine::{RunOptions, zoo};
use convscope::io::{Fill, network_input};
use ndarray::Array3;

/// The growth allowed: the weights (47 MB), two traces (30 MB each), the sweep's working
/// buffers and the allocator's slack. A sweep keeping every shift's trace (30 MB each) or a
/// few copies of the weights would exceed it.
const BOUND_MB: f64 = 300.0;

const CHILD: &str = "CONVSCOPE_MEMORY_CHILD";

/// A field of /proc/self/status in MB (`VmRSS`, `VmHWM`), when there is one.
fn status_mb(field: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

#[test]
fn a_resnet18_session_and_its_sweep_stay_within_the_memory_bound() {
    if status_mb("VmHWM").is_none() {
        eprintln!("no /proc/self/status here: memory not measured");
        return;
    }
    if std::env::var_os(CHILD).is_some() {
        return measure();
    }
    let name = "memory::a_resnet18_session_and_its_sweep_stay_within_the_memory_bound";
    let out = std::process::Command::new(std::env::current_exe().expect("the test binary"))
        .args(["--exact", name, "--nocapture", "--test-threads=1"])
        .env(CHILD, "1")
        .output()
        .expect("the test binary runs again");
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    println!("{text}");
    assert!(out.status.success(), "{text}");
    assert!(text.contains("peak growth"), "the child measured: {text}");
}

fn measure() {
    let base = status_mb("VmRSS").expect("VmRSS");
    let model = zoo::resnet18(7);
    let weights = model.parameter_count() as f64 * 4.0 / 1048576.0;
    let pixels = Array3::from_shape_fn((3, 224, 224), |(c, y, x)| {
        ((x * 3 + y * 5 + c * 7) % 17) as f32 / 16.0
    });
    let options = RunOptions::default();
    let input = network_input(&pixels, &model.input, 0, 0, Fill::Zero);
    let original = trace(&model, &input, &options).expect("runs");
    let shifted_input = network_input(&pixels, &model.input, 3, 0, Fill::Zero);
    let shifted = trace(&model, &shifted_input, &options).expect("runs");
    let trace_mb = original.iter().map(|t| t.shape().len()).sum::<usize>() as f64 * 4.0 / 1048576.0;
    let session = status_mb("VmHWM").expect("VmHWM") - base;
    let list = shifts(SweepAxis::X, 3);
    let results = sweep(&model, &pixels, &list, Fill::Zero, &options, &|| true).expect("sweeps");
    assert_eq!(results.len(), list.len());
    assert_eq!(results[0].stages.len(), original.len());
    let peak = status_mb("VmHWM").expect("VmHWM") - base;
    println!(
        "ResNet-18: weights {weights:.0} MB, one trace {trace_mb:.0} MB ({} stages); \
         peak growth {session:.0} MB with two traces, {peak:.0} MB after a sweep of {} shifts \
         (bound {BOUND_MB} MB)",
        original.len(),
        list.len()
    );
    assert_eq!(shifted.len(), original.len());
    assert!(
        peak < BOUND_MB,
        "peak resident growth {peak:.0} MB, over {BOUND_MB} MB"
    );
}
