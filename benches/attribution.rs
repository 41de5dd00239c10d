//! Attribution speed against the forward pass it builds on (issue 29's targets): Grad-CAM and
//! the input gradient on ResNet-18 at 224x224 within 3x one forward pass, on one thread; and
//! occlusion of a 28x28 digit with a 4x4 patch (stride 4 and stride 2) under 100 ms, on all
//! cores. Weights are generated here (`zoo`): no download.

use convscope::analysis::attribution::{
    Occlusion, default_cam_stage, grad_cam, gradient, grey_baseline, occlusion,
};
use convscope::engine::grad::Trace;
use convscope::engine::zoo::test_pixels;
use convscope::engine::{PoolMode, RunOptions, zoo};
use convscope::io::{Fill, network_input};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

fn resnet18(c: &mut Criterion) {
    let model = zoo::resnet18(1);
    let pixels = test_pixels(&model);
    let input = network_input(&pixels, &model.input, 0, 0, Fill::Zero);
    let options = RunOptions::default();
    let stage = default_cam_stage(&model).expect("maps");
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a thread pool");
    let mut group = c.benchmark_group("resnet18-attribution-1t");
    group.sample_size(10);
    group.bench_function("forward", |b| {
        one.install(|| b.iter(|| black_box(model.forward(&input, &options).unwrap())))
    });
    group.bench_function("gradient", |b| {
        one.install(|| {
            b.iter(|| {
                let trace = Trace::new(&model, &input, &options).unwrap();
                black_box(gradient(&model, &trace, 0))
            })
        })
    });
    group.bench_function("gradcam", |b| {
        one.install(|| {
            b.iter(|| {
                let trace = Trace::new(&model, &input, &options).unwrap();
                black_box(grad_cam(&model, &trace, 0, stage).unwrap())
            })
        })
    });
    group.finish();
}

fn digits_occlusion(c: &mut Criterion) {
    let model = zoo::digits(1, PoolMode::Max);
    let pixels = test_pixels(&model);
    let input = network_input(&pixels, &model.input, 0, 0, Fill::Zero);
    let options = RunOptions::default();
    let grey = grey_baseline(&model);
    let mut group = c.benchmark_group("digits-occlusion-4x4");
    for stride in [4, 2] {
        let settings = Occlusion { patch: 4, stride };
        group.bench_function(format!("stride{stride}"), |b| {
            b.iter(|| black_box(occlusion(&model, &input, &options, 0, &settings, &grey).unwrap()))
        });
    }
    group.finish();
}

criterion_group!(benches, resnet18, digits_occlusion);
criterion_main!(benches);
