//! The numbers a lesson's evidence quotes, against references computed another way: McNemar's
//! p against SciPy's binomial test (tests/fixtures/mcnemar.csv), the formulas against the
//! engine's parameter counts, "without this pooling" against a network built without it,
//! consistency and sweep facts against brute force, and every trained sample model's accuracy
//! on the test split the app finds for it against the accuracy its record stores.

use convscope::analysis::consistency::{consistency, consistency_by_bound};
use convscope::analysis::paired::{accuracy, correct, mcnemar_exact};
use convscope::analysis::{SweepAxis, shifts, sweep};
use convscope::app::TestSets;
use convscope::data::{self, DataSpec};
use convscope::engine::{Dense, Layer, LayerKind, Model, RunOptions, Tensor, argmax};
use convscope::io::{Fill, load_model, network_input};
use convscope::lesson::Facts;
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn model(name: &str) -> Model {
    load_model(&root().join("sample_models").join(format!("{name}.json")))
        .unwrap_or_else(|e| panic!("{e}"))
}

fn sample_model_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("sample_models"))
        .unwrap()
        .filter_map(|e| {
            let path = e.ok()?.path();
            (path.extension()? == "json").then(|| path.file_stem()?.to_str().map(String::from))?
        })
        .collect();
    names.sort();
    names
}

/// `12,544` -> 12544.0.
fn number(text: &str) -> f64 {
    text.replace(',', "")
        .parse()
        .unwrap_or_else(|_| panic!("not a number: {text}"))
}

#[test]
fn mcnemar_p_values_are_scipys() {
    let fixture = std::fs::read_to_string(root().join("tests/fixtures/mcnemar.csv")).unwrap();
    let rows: Vec<&str> = fixture
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with('b'))
        .collect();
    assert!(rows.len() >= 30, "{} rows", rows.len());
    for row in rows {
        let [b, c, p]: [&str; 3] = row.split(',').collect::<Vec<_>>().try_into().unwrap();
        let (b, c, want): (usize, usize, f64) =
            (b.parse().unwrap(), c.parse().unwrap(), p.parse().unwrap());
        let got = mcnemar_exact(b, c);
        assert!(
            (got - want).abs() <= 1e-9 * want,
            "{b} : {c}: {got} against SciPy's {want}"
        );
    }
}

/// Every layer's formula, multiplied out, is the engine's parameter count of that layer; the
/// weights and biases add up to it; the layers add up to the model's.
#[test]
fn formulas_multiply_out_to_the_engines_parameter_counts() {
    for name in sample_model_names() {
        let m = model(&name);
        let mut facts = Facts::default();
        facts.add_model(&name, &m);
        let mut total = 0.0;
        for layer in m.layers() {
            let get = |key: &str| facts.get(&format!("{name}-{}-{key}", layer.name));
            let params = number(get("params").unwrap());
            assert_eq!(
                params,
                layer.parameter_count() as f64,
                "{name} {}",
                layer.name
            );
            assert_eq!(
                number(get("weights").unwrap()) + number(get("biases").unwrap()),
                params
            );
            total += params;
            let Some(formula) = get("formula") else {
                assert!(
                    !matches!(layer.kind, LayerKind::Conv2d(_) | LayerKind::Dense(_)),
                    "{name} {}: no formula",
                    layer.name
                );
                continue;
            };
            let value: f64 = formula
                .split(" + ")
                .map(|term| term.split(" × ").map(number).product::<f64>())
                .sum();
            assert_eq!(value, params, "{name} {}: {formula}", layer.name);
        }
        assert_eq!(total, m.parameter_count() as f64, "{name}");
    }
}

/// digits-max without pool1, built as a network of its own: its dense layer's parameters
/// and the whole network's are what `pool1-without-…` says; conv2 then runs on 28x28 as in
/// digits-nopool (which has no pooling at all).
#[test]
fn without_a_pooling_layer_is_a_network_without_it() {
    let max = model("digits-max");
    let mut facts = Facts::default();
    facts.add_model("m", &max);
    let pool1 = max.layers().iter().position(|l| l.name == "pool1").unwrap();
    let mut layers: Vec<Layer> = max.layers().to_vec();
    layers.remove(pool1);
    // The dense layer sized for what now reaches it: 16 @ 14x14.
    for layer in &mut layers {
        if let LayerKind::Dense(d) = &mut layer.kind {
            *d = Dense {
                weight: ndarray::Array2::zeros((10, 16 * 14 * 14)),
                bias: Some(ndarray::Array1::zeros(10)),
            };
        }
    }
    let without = Model::new(max.info.clone(), max.input.clone(), layers).expect("builds");
    let fc = without.layers().iter().find(|l| l.name == "fc").unwrap();
    let get = |k: &str| number(facts.get(k).unwrap_or_else(|| panic!("{k}")));
    assert_eq!(
        get("m-pool1-without-fc-params"),
        fc.parameter_count() as f64
    );
    assert_eq!(
        get("m-pool1-without-params"),
        without.parameter_count() as f64
    );
    let mut nopool = Facts::default();
    nopool.add_model("n", &model("digits-nopool"));
    let conv2 = get("m-pool1-without-conv2-macs");
    assert_eq!(conv2, number(nopool.get("n-conv2-macs").unwrap()));
    assert_eq!(conv2, (16 * 28 * 28 * 8 * 9) as f64);
    assert_eq!(conv2, 4.0 * get("m-conv2-macs"), "pooling saves 3 in 4");
    assert_eq!(number(nopool.get("n-fc-params").unwrap()), 125_450.0);
}

#[test]
fn consistency_by_bound_is_one_run_per_bound() {
    let test = data::load(&DataSpec::Mnist(root().join("tests/fixtures/mnist-small")))
        .unwrap()
        .test;
    let image = |i: usize| (test.pixels(i), test.label(i));
    for name in ["digits-max", "digits-nopool"] {
        let m = model(name);
        let options = RunOptions::default();
        let all = consistency_by_bound(&m, test.len(), &image, &[1, 2, 3], Fill::Zero, &options, 0)
            .unwrap();
        for (k, got) in [1, 2, 3].into_iter().zip(all) {
            let one = consistency(&m, test.len(), &image, k, Fill::Zero, &options, 0).unwrap();
            assert_eq!(got, one, "{name}, {k} px");
        }
    }
}

/// Cosine similarity in f64, the plain formula.
fn cosine(a: &[f32], b: &[f32]) -> f64 {
    let dot: f64 = a.iter().zip(b).map(|(x, y)| *x as f64 * *y as f64).sum();
    let norm = |v: &[f32]| v.iter().map(|x| (*x as f64).powi(2)).sum::<f64>().sqrt();
    dot / (norm(a) * norm(b))
}

/// Cosine similarity of `shifted` and `original` moved by `cx` columns, over the columns both
/// cover.
fn aligned_x(original: &Tensor, shifted: &Tensor, cx: i64) -> f64 {
    let (o, s) = (original.as_maps().unwrap(), shifted.as_maps().unwrap());
    let (c, h, w) = o.dim();
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for ch in 0..c {
        for y in 0..h {
            for x in 0..w as i64 {
                let from = x - cx;
                if (0..w as i64).contains(&from) {
                    a.push(o[[ch, y, from as usize]]);
                    b.push(s[[ch, y, x as usize]]);
                }
            }
        }
    }
    cosine(&a, &b)
}

/// A sweep's facts against running every shift here: the answer changed for the shifted
/// runs only, near and far, and the mean same-position and aligned similarities.
#[test]
fn sweep_facts_are_brute_force_over_the_shifted_runs() {
    let m = model("digits-max");
    let test = data::load(&DataSpec::Mnist(root().join("tests/fixtures/mnist-small")))
        .unwrap()
        .test;
    let pixels = test.pixels(0);
    let options = RunOptions::default();
    let list = shifts(SweepAxis::X, 7);
    let results = sweep(&m, &pixels, &list, Fill::Zero, &options, &|| true).unwrap();
    let run = |dx: i32| {
        m.forward_all(
            &network_input(&pixels, &m.input, dx, 0, Fill::Zero),
            &options,
        )
        .unwrap()
    };
    let original = run(0);
    let class = |t: &[Tensor]| argmax(&t.last().unwrap().values());
    let mut facts = Facts::default();
    facts.add_sweep(&m, None, class(&original), &results);
    let index = |n: &str| m.layers().iter().position(|l| l.name == n).unwrap();
    let (relu1, conv1, pool1) = (index("relu1"), index("conv1"), index("pool1"));
    let (mut changed, mut near, mut near_changed) = (0, 0, 0);
    let (mut relu1_mean, mut conv1_aligned, mut pool1_aligned) = (0.0, 0.0, Vec::new());
    for dx in (-7..=7).filter(|&d| d != 0) {
        let shifted = run(dx);
        let moved = class(&shifted) != class(&original);
        changed += moved as usize;
        if dx.abs() <= 2 {
            near += 1;
            near_changed += moved as usize;
        }
        relu1_mean += cosine(&original[relu1].values(), &shifted[relu1].values()) / 14.0;
        conv1_aligned += aligned_x(&original[conv1], &shifted[conv1], dx as i64) / 14.0;
        if dx % 2 == 0 {
            pool1_aligned.push(aligned_x(&original[pool1], &shifted[pool1], dx as i64 / 2));
        }
    }
    let near_far = [
        (changed, 14),
        (near_changed, near),
        (changed - near_changed, 14 - near),
    ];
    for ((count, of), key) in near_far.into_iter().zip(["", "-near", "-far"]) {
        let got = number(facts.get(&format!("sweep-changed{key}")).unwrap());
        assert!(
            (got - 100.0 * count as f64 / of as f64).abs() < 0.051,
            "changed{key}: {got} against {count} of {of}"
        );
        assert_eq!(
            facts.get(&format!("sweep-shifts{key}")),
            Some(of.to_string().as_str())
        );
    }
    let pool1_mean = pool1_aligned.iter().sum::<f64>() / pool1_aligned.len() as f64;
    for (key, want) in [
        ("sweep-relu1-mean", relu1_mean),
        ("sweep-conv1-aligned", conv1_aligned),
        ("sweep-pool1-aligned", pool1_mean),
    ] {
        let got = number(facts.get(key).unwrap());
        assert!(
            (got - 100.0 * want).abs() < 0.051,
            "{key}: {got} against {want}"
        );
    }
    assert_eq!(facts.get("sweep-pool1-aligned-shifts"), Some("6"));
}

/// Each trained sample model, run over the test split the app finds from its record (the
/// bundled MNIST test digits, the held-out shapes, the FSDD test recordings), gets exactly
/// the accuracy its record stores, on as many examples: the paired tests compare models on
/// the examples their reported accuracies come from.
#[test]
fn every_trained_sample_model_scores_its_stored_accuracy_on_its_test_split() {
    let sets = TestSets::default();
    for name in sample_model_names() {
        let m = model(&name);
        let Some(stored) = m
            .info
            .training
            .get("test_accuracy")
            .and_then(|v| v.as_f64())
        else {
            continue;
        };
        let (set, _) = sets.for_model(&m).unwrap_or_else(|e| panic!("{name}: {e}"));
        let right = correct(&m, set.len(), &|i| set.example(i), &RunOptions::default()).unwrap();
        let size = m.info.training["test_size"].as_u64().unwrap() as usize;
        assert_eq!(right.len(), size, "{name}: test size");
        let count = right.iter().filter(|&&r| r).count();
        assert_eq!(
            count,
            (stored * size as f64).round() as usize,
            "{name}: {} measured, {stored} stored",
            accuracy(&right)
        );
    }
}
