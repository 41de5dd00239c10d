//! Forward pass (one thread) and the 289-shift translation sweep (all cores) of the two
//! reference architectures: the digits-size net and the 64x64 RGB Tiny VGG; ResNet-18's
//! forward pass at 224x224 on one thread and on two (weights generated here: no download);
//! and whole torchvision networks from ONNX files, on one thread and on two: ResNet-18,
//! MobileNetV2 and EfficientNet-B0 at 224x224, read from the folder `CONVSCOPE_BIG_ONNX`
//! names (`resnet18-ts.onnx`, `mobilenet_v2-ts.onnx`, `efficientnet_b0-ts.onnx`, written by
//! `scripts/bench-vs-ort.py --models DIR --make-models`; the first two also by
//! tests/reference/make_big_graph_onnx.py). A file that is not there is skipped with a
//! message, so the bench runs on a clean clone:
//!
//!     CONVSCOPE_BIG_ONNX=/tmp/convscope-big cargo bench --bench forward -- networks

use convscope::analysis::{SweepAxis, shifts, sweep};
use convscope::engine::zoo::test_pixels;
use convscope::engine::{Model, PoolMode, RunOptions, zoo};
use convscope::io::{Fill, load_model, network_input};
use criterion::{Criterion, criterion_group, criterion_main};
use ndarray::Array3;
use std::hint::black_box;

fn forward(c: &mut Criterion) {
    let options = RunOptions::default();
    for model in [
        zoo::digits(1, PoolMode::Max),
        zoo::tiny_vgg(1, PoolMode::Max),
    ] {
        let pixels = test_pixels(&model);
        let input = network_input(&pixels, &model.input, 0, 0, Fill::Zero);
        c.bench_function(&format!("forward/{}", model.info.name), |b| {
            b.iter(|| black_box(model.forward(&input, &options).unwrap()))
        });
        let grid = shifts(SweepAxis::Both, 8);
        let mut group = c.benchmark_group("sweep289");
        group.sample_size(20);
        group.bench_function(&model.info.name, |b| {
            b.iter(|| {
                black_box(sweep(&model, &pixels, &grid, Fill::Zero, &options, &|| true).unwrap())
            })
        });
        group.finish();
    }
}

/// ResNet-18 (`zoo::resnet18`: torchvision's layers, batch norm folded as in its ONNX
/// export) on one 224x224 image; the packed weights are made by the warm-up pass, as by a
/// model's first pass in the app.
fn resnet18(c: &mut Criterion) {
    let model = zoo::resnet18(1);
    let pixels = test_pixels(&model);
    let input = network_input(&pixels, &model.input, 0, 0, Fill::Zero);
    let mut group = c.benchmark_group("resnet18-forward");
    group.sample_size(10);
    on_one_and_two_threads(&mut group, &model, &input);
    group.finish();
}

/// The networks read from `CONVSCOPE_BIG_ONNX`, each on one thread and on two (criterion
/// groups `networks-NAME`, benches `1t` and `2t`).
fn networks(c: &mut Criterion) {
    const FILES: [&str; 3] = [
        "resnet18-ts.onnx",
        "mobilenet_v2-ts.onnx",
        "efficientnet_b0-ts.onnx",
    ];
    let Some(folder) = std::env::var_os("CONVSCOPE_BIG_ONNX") else {
        eprintln!(
            "networks: skipped (set CONVSCOPE_BIG_ONNX to a folder with {}; \
             scripts/bench-vs-ort.py --models DIR --make-models writes them)",
            FILES.join(", ")
        );
        return;
    };
    for file in FILES {
        let path = std::path::Path::new(&folder).join(file);
        let model = match load_model(&path) {
            Ok(model) => model,
            Err(e) => {
                eprintln!("networks: {} skipped: {e}", path.display());
                continue;
            }
        };
        let pixels = test_pixels(&model);
        let input = network_input(&pixels, &model.input, 0, 0, Fill::Zero);
        let name = file.trim_end_matches(".onnx");
        let mut group = c.benchmark_group(format!("networks-{name}"));
        group.sample_size(20);
        on_one_and_two_threads(&mut group, &model, &input);
        group.finish();
    }
}

/// `model`'s forward pass on `input` on one thread and on two, as benches `1t` and `2t`.
fn on_one_and_two_threads(
    group: &mut criterion::BenchmarkGroup<criterion::measurement::WallTime>,
    model: &Model,
    input: &Array3<f32>,
) {
    let options = RunOptions::default();
    for threads in [1, 2] {
        let workers = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("a thread pool");
        group.bench_function(format!("{threads}t"), |b| {
            workers.install(|| b.iter(|| black_box(model.forward(input, &options).unwrap())))
        });
    }
}

criterion_group!(benches, forward, resnet18, networks);
criterion_main!(benches);
