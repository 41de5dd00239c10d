//! ImageNet-size convolutions: every distinct conv shape of ResNet-18 and MobileNetV2 at
//! 224x224 (benches/conv_shapes.json, with how often each occurs), each alone on one thread,
//! and each network's whole set (every shape times its count) on one and on two threads; the
//! direct kernel against im2col + matrix product where the choice between them is made; and
//! VGG11-BN through the engine's real forward pass. Weights are generated here (seeded), so
//! nothing is downloaded. `scripts/bench-vs-ort.py` runs this and onnxruntime on the same
//! layers in one go and prints the comparison.

use convscope::engine::kernels::{self, ConvKernel, im2col, packed::PackedWeights};
use convscope::engine::{Conv2d, RunOptions, zoo};
use criterion::{Criterion, criterion_group, criterion_main};
use ndarray::{Array1, Array3, Array4};
use rand::{Rng, SeedableRng, rngs::StdRng};
use serde::Deserialize;
use std::hint::black_box;
use std::time::Duration;

#[derive(Deserialize)]
struct ConvShape {
    net: String,
    name: String,
    c: usize,
    o: usize,
    k: usize,
    s: usize,
    p: usize,
    h: usize,
    groups: usize,
    count: usize,
}

/// A layer of `shape` with seeded weights, and an input for it.
fn layer(shape: &ConvShape, rng: &mut StdRng) -> (Conv2d, Array3<f32>) {
    let per_in = shape.c / shape.groups;
    let scale = (2.0 / (per_in * shape.k * shape.k) as f32).sqrt();
    let conv = Conv2d {
        weight: Array4::from_shape_fn((shape.o, per_in, shape.k, shape.k), |_| {
            rng.random_range(-scale..scale)
        }),
        bias: Some(Array1::from_shape_fn(shape.o, |_| {
            rng.random_range(-0.1..0.1)
        })),
        stride: (shape.s, shape.s),
        padding: (shape.p, shape.p),
        groups: shape.groups,
        ..Default::default()
    };
    let input = Array3::from_shape_fn((shape.c, shape.h, shape.h), |_| rng.random_range(-1.0..1.0));
    (conv, input)
}

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a thread pool")
}

fn conv_sets(c: &mut Criterion) {
    let shapes: Vec<ConvShape> =
        serde_json::from_str(include_str!("conv_shapes.json")).expect("conv_shapes.json");
    let mut rng = StdRng::seed_from_u64(1);
    let one = pool(1);
    for net in ["resnet18", "mobilenetv2"] {
        // Each layer with its kernel and its weights packed once, as a model keeps them.
        type Prepared<'a> = (
            &'a ConvShape,
            Conv2d,
            Array3<f32>,
            ConvKernel,
            Option<PackedWeights>,
        );
        let layers: Vec<Prepared> = shapes
            .iter()
            .filter(|s| s.net == net)
            .map(|s| {
                let (conv, input) = layer(s, &mut rng);
                let kernel = ConvKernel::choose(&conv, input.dim());
                let packed = kernel.packs().then(|| kernels::pack(&conv, kernel));
                (s, conv, input, kernel, packed)
            })
            .collect();
        let mut group = c.benchmark_group(format!("{net}-1t"));
        group.sample_size(10);
        group.warm_up_time(Duration::from_millis(300));
        group.measurement_time(Duration::from_secs(1));
        for (shape, conv, input, kernel, packed) in &layers {
            let id = format!("{} {}", shape.name, kernel.name());
            let run = || kernels::forward_packed(conv, *kernel, input.view(), packed.as_ref());
            group.bench_function(id, |b| one.install(|| b.iter(|| black_box(run()))));
        }
        group.finish();
        let mut group = c.benchmark_group(format!("{net}-all"));
        group.sample_size(10);
        group.measurement_time(Duration::from_secs(4));
        for threads in [1, 2] {
            let workers = pool(threads);
            group.bench_function(format!("{threads}t"), |b| {
                workers.install(|| {
                    b.iter(|| {
                        for (shape, conv, input, kernel, packed) in &layers {
                            for _ in 0..shape.count {
                                let x = input.view();
                                black_box(kernels::forward_packed(
                                    conv,
                                    *kernel,
                                    x,
                                    packed.as_ref(),
                                ));
                            }
                        }
                    })
                })
            });
        }
        group.finish();
    }
}

/// Where the direct kernel and im2col + matrix product meet (`DIRECT_MAX_CHANNELS`): 3x3,
/// stride 1, padding 1, C -> C channels.
fn direct_vs_gemm(c: &mut Criterion) {
    let mut rng = StdRng::seed_from_u64(2);
    let one = pool(1);
    let mut group = c.benchmark_group("direct-vs-gemm");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_secs(1));
    for (channels, side) in [(10, 62), (16, 56), (32, 56), (64, 56), (128, 28)] {
        let shape = ConvShape {
            net: String::new(),
            name: String::new(),
            c: channels,
            o: channels,
            k: 3,
            s: 1,
            p: 1,
            h: side,
            groups: 1,
            count: 1,
        };
        let (conv, input) = layer(&shape, &mut rng);
        let packed = im2col::pack(&conv);
        for kernel in [ConvKernel::Direct, ConvKernel::Im2colGemm] {
            let id = format!("{channels}x{side}x{side} {}", kernel.name());
            let run = || kernels::forward_packed(&conv, kernel, input.view(), Some(&packed));
            group.bench_function(id, |b| one.install(|| b.iter(|| black_box(run()))));
        }
    }
    // MobileNetV2's 1x1 projections to few channels.
    for (c_in, c_out, side) in [(32, 16, 112), (96, 24, 56), (144, 32, 28), (192, 32, 28)] {
        let shape = ConvShape {
            net: String::new(),
            name: String::new(),
            c: c_in,
            o: c_out,
            k: 1,
            s: 1,
            p: 0,
            h: side,
            groups: 1,
            count: 1,
        };
        let (conv, input) = layer(&shape, &mut rng);
        let packed = im2col::pack(&conv);
        for kernel in [ConvKernel::Direct, ConvKernel::Pointwise] {
            let id = format!("1x1 {c_in}->{c_out}x{side}x{side} {}", kernel.name());
            let run = || kernels::forward_packed(&conv, kernel, input.view(), Some(&packed));
            group.bench_function(id, |b| one.install(|| b.iter(|| black_box(run()))));
        }
    }
    group.finish();
}

/// Where Winograd's F(4x4, 3x3) and im2col + matrix product meet (`ConvKernel::choose`):
/// 3x3, stride 1, padding 1, C -> C channels at ResNet's and VGG's sizes (and a few between),
/// on one thread and on two.
fn winograd_vs_gemm(c: &mut Criterion) {
    let mut rng = StdRng::seed_from_u64(3);
    let mut group = c.benchmark_group("winograd-vs-gemm");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_secs(1));
    let shapes = [
        (64, 112),
        (64, 56),
        (128, 56),
        (128, 28),
        (256, 28),
        (256, 14),
        (512, 14),
        (512, 7),
    ];
    for threads in [1, 2] {
        let workers = pool(threads);
        for (channels, side) in shapes {
            let shape = ConvShape {
                net: String::new(),
                name: String::new(),
                c: channels,
                o: channels,
                k: 3,
                s: 1,
                p: 1,
                h: side,
                groups: 1,
                count: 1,
            };
            let (conv, input) = layer(&shape, &mut rng);
            for kernel in [ConvKernel::Im2colGemm, ConvKernel::Winograd] {
                let packed = kernels::pack(&conv, kernel);
                let id = format!("{channels}x{side}x{side} {} {threads}t", kernel.name());
                let run = || kernels::forward_packed(&conv, kernel, input.view(), Some(&packed));
                group.bench_function(id, |b| workers.install(|| b.iter(|| black_box(run()))));
            }
        }
    }
    group.finish();
}

fn vgg(c: &mut Criterion) {
    let model = zoo::vgg11_bn(3);
    let pixels = convscope::engine::zoo::test_pixels(&model);
    let input =
        convscope::io::network_input(&pixels, &model.input, 0, 0, convscope::io::Fill::Zero);
    let options = RunOptions::default();
    let mut group = c.benchmark_group("vgg11bn-forward");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(6));
    for threads in [1, 2] {
        let workers = pool(threads);
        group.bench_function(format!("{threads}t"), |b| {
            workers.install(|| b.iter(|| black_box(model.forward(&input, &options).unwrap())))
        });
    }
    group.finish();
}

criterion_group!(benches, conv_sets, direct_vs_gemm, winograd_vs_gemm, vgg);
criterion_main!(benches);
