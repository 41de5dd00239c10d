//! Forward pass (one thread) and the 289-shift translation sweep (all cores) of the two
//! reference architectures: the digits-size net and the 64x64 RGB Tiny VGG.

use convscope::analysis::{SweepAxis, shifts, sweep};
use convscope::cli::bench::test_pixels;
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

criterion_group!(benches, forward);
criterion_main!(benches);
