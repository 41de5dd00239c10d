//! Forward pass (one thread) and the 289-shift translation sweep (all cores) of the two
//! reference architectures: the digits-size net and the 64x64 RGB Tiny VGG; and ResNet-18's
//! forward pass at 224x224 on one thread and on two (weights generated here: no download).

use convscope::analysis::{SweepAxis, shifts, sweep};
use convscope::engine::zoo::test_pixels;
use convscope::engine::{PoolMode, RunOptions, zoo};
use convscope::io::{Fill, network_input};
use criterion::{Criterion, criterion_group, criterion_main};
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
    let options = RunOptions::default();
    let mut group = c.benchmark_group("resnet18-forward");
    group.sample_size(10);
    for threads in [1, 2] {
        let workers = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("a thread pool");
        group.bench_function(format!("{threads}t"), |b| {
            workers.install(|| b.iter(|| black_box(model.forward(&input, &options).unwrap())))
        });
    }
    group.finish();
}

criterion_group!(benches, forward, resnet18);
criterion_main!(benches);
