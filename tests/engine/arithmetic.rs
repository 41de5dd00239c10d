//! The arithmetic view's numbers are the engine's: for random cells of every convolution and
//! random units of every dense layer of every committed sample model, the shown sum of
//! products plus the bias equals the value the network computed (to 1e-5).

use convscope::analysis::arithmetic::{conv_cell, dense_unit};
use convscope::engine::{LayerKind, RunOptions, Tensor};
use convscope::io::load_model;
use ndarray::Array3;
use rand::{Rng, SeedableRng, rngs::StdRng};

const CELLS_PER_LAYER: usize = 40;

fn close(shown: f32, engine: f32) -> bool {
    (shown - engine).abs() <= 1e-5 * engine.abs().max(1.0)
}

#[test]
fn shown_sums_equal_the_engine_for_every_sample_model() {
    let mut models = 0;
    let mut checked_conv = 0;
    let mut checked_dense = 0;
    let mut rng = StdRng::seed_from_u64(11);
    let mut paths: Vec<_> = std::fs::read_dir("sample_models")
        .expect("sample_models/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    for path in paths {
        let model = load_model(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        models += 1;
        let spec = &model.input;
        let mut input = Array3::from_shape_fn((spec.channels, spec.height, spec.width), |_| {
            rng.random::<f32>()
        });
        spec.normalize(&mut input);
        let trace = model
            .forward_all(&input, &RunOptions::default())
            .expect("runs");
        for (l, layer) in model.layers().iter().enumerate() {
            let before = match l {
                0 => Tensor::Maps(input.clone()),
                _ => trace[l - 1].clone(),
            };
            let after = &trace[l];
            match &layer.kind {
                LayerKind::Conv2d(conv) => {
                    let (x, y) = (before.as_maps().unwrap(), after.as_maps().unwrap());
                    let (c, h, w) = y.dim();
                    for _ in 0..CELLS_PER_LAYER {
                        let cell = (
                            rng.random_range(0..c),
                            rng.random_range(0..h),
                            rng.random_range(0..w),
                        );
                        let shown = conv_cell(conv, x.view(), cell).expect("a cell of the output");
                        let engine = y[cell];
                        assert!(
                            close(shown.output(), engine),
                            "{} {} cell {cell:?}: shown {} vs engine {engine}",
                            path.display(),
                            layer.name,
                            shown.output()
                        );
                        let products: f32 = shown.products.iter().sum();
                        assert!(close(products, shown.sum));
                        checked_conv += 1;
                    }
                }
                LayerKind::Dense(dense) => {
                    let x = before.values();
                    let y = after.values();
                    // Every unit: dense layers here have at most a few hundred.
                    for (unit, &engine) in y.iter().enumerate() {
                        let shown = dense_unit(dense, &x, unit, 8).expect("a unit");
                        assert!(
                            close(shown.output(), engine),
                            "{} {} unit {unit}: shown {} vs engine {engine}",
                            path.display(),
                            layer.name,
                            shown.output()
                        );
                        let top: f32 = shown.top.iter().map(|c| c.product).sum();
                        assert!(close(top + shown.rest, shown.sum));
                        checked_dense += 1;
                    }
                }
                _ => {}
            }
        }
    }
    assert!(models >= 9, "only {models} sample models");
    assert!(checked_conv > 0 && checked_dense > 0);
    println!("{models} models, {checked_conv} conv cells, {checked_dense} dense units checked");
}
