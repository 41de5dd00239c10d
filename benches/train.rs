//! Training throughput (images per second): one step (forward, backward, Adam update) of each
//! sample architecture at the batch sizes the Train tab offers, on seeded random inputs, with
//! rayon's default pool (every core). `scripts/torch-train-throughput.py` measures PyTorch on
//! the same architectures, batches and thread count.

use convscope::engine::Model;
use convscope::engine::train::{
    Examples, Optimizer, OptimizerKind, batch_gradient, initialize, parameters_mut,
};
use convscope::io::architecture::load_architecture;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use ndarray::Array3;
use rand::{Rng, SeedableRng, rngs::StdRng};
use std::hint::black_box;
use std::path::Path;

/// The architectures and the batch sizes measured for each: the tab's default (32) for all,
/// its smallest and largest (8, 128) for the digits net and the Tiny VGG.
const CASES: [(&str, &[usize]); 4] = [
    ("digits", &[8, 32, 128]),
    ("fc", &[32]),
    ("shapes", &[8, 32, 128]),
    ("speech", &[32]),
];

fn arch(name: &str) -> Model {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sample_models/arch")
        .join(format!("{name}.json"));
    let mut model = load_architecture(&path).expect("sample architecture");
    initialize(&mut model, 1);
    model
}

fn train_step(c: &mut Criterion) {
    let mut group = c.benchmark_group("train_step");
    group.sample_size(10);
    for (name, batches) in CASES {
        let mut model = arch(name);
        let input = &model.input;
        let (ch, h, w) = (input.channels, input.height, input.width);
        let classes = model.output_shape().len();
        let mut rng = StdRng::seed_from_u64(7);
        let n = 128;
        let inputs: Vec<Array3<f32>> = (0..n)
            .map(|_| Array3::from_shape_fn((ch, h, w), |_| rng.random_range(-1.0..1.0)))
            .collect();
        let labels: Vec<usize> = (0..n).map(|_| rng.random_range(0..classes)).collect();
        let data = Examples {
            inputs: &inputs,
            labels: &labels,
        };
        for &batch in batches {
            let indices: Vec<usize> = (0..batch).collect();
            let mut optimizer = Optimizer::new(OptimizerKind::adam(), 1e-3, 0.0);
            let mut step = 0u64;
            group.throughput(Throughput::Elements(batch as u64));
            group.bench_function(BenchmarkId::new(name, batch), |b| {
                b.iter(|| {
                    step += 1;
                    let (grads, loss, _) = batch_gradient(&model, data, &indices, step);
                    optimizer.step(parameters_mut(&mut model), &grads);
                    black_box(loss)
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, train_step);
criterion_main!(benches);
