//! Every attribution method against PyTorch + Captum on the same networks and inputs: the
//! sample models digits-max and shapes-max (opened from their JSON) and three small ONNX
//! graphs (a ResNet with residual adds, a DenseNet with concats and a final LogSoftmax, a
//! MobileNet with depthwise convolutions and squeeze-and-excitation). The fixtures come from
//! tests/reference/make_attribution_reference.py; tests/fixtures/attribution/README.md says
//! what each holds. Each map must equal Captum's to float32 rounding: the largest difference
//! at most 1e-4 of the map's range.
//!
//! ResNet-18 and MobileNetV2 at 224x224 (too big to commit) are checked by the ignored test
//! at the end, from files the script writes outside the repository.

use convscope::analysis::attribution::{
    Occlusion, default_cam_stage, grad_cam, grad_x_input, gradient, grey_baseline, occlusion,
    smoothgrad_with,
};
use convscope::engine::grad::{Trace, score_stage};
use convscope::engine::{Model, RunOptions};
use convscope::io::InputSettings;
use convscope::io::onnx::load_onnx;
use ndarray::{Array3, ArrayD, IxDyn};
use safetensors::SafeTensors;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// Captum's tensors and the string metadata of one fixture.
struct Reference {
    tensors: BTreeMap<String, ArrayD<f32>>,
    meta: BTreeMap<String, String>,
}

impl Reference {
    fn read(dir: &Path, name: &str) -> Reference {
        let bytes = std::fs::read(dir.join(format!("{name}.captum.safetensors")))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let (_, header) = SafeTensors::read_metadata(&bytes).expect("a safetensors header");
        let meta = header
            .metadata()
            .clone()
            .unwrap_or_default()
            .into_iter()
            .collect();
        let st = SafeTensors::deserialize(&bytes).expect("safetensors");
        let tensors = st
            .tensors()
            .into_iter()
            .map(|(n, v)| {
                let values = v
                    .data()
                    .chunks_exact(4)
                    .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                    .collect();
                (
                    n,
                    ArrayD::from_shape_vec(IxDyn(v.shape()), values).expect("sized"),
                )
            })
            .collect();
        Reference { tensors, meta }
    }

    fn tensor(&self, name: &str) -> &ArrayD<f32> {
        self.tensors
            .get(name)
            .unwrap_or_else(|| panic!("the fixture has no `{name}`"))
    }

    fn input(&self) -> Array3<f32> {
        self.tensor("input")
            .clone()
            .into_dimensionality()
            .expect("input is [C,H,W]")
    }

    fn number(&self, key: &str) -> usize {
        self.meta[key].parse().expect("a number")
    }

    fn list(&self, key: &str) -> Vec<String> {
        self.meta[key].split(',').map(str::to_string).collect()
    }
}

/// How close a map must be: every value within `tolerance` of the range, except at most
/// `outliers` (a share of the values).
#[derive(Debug, Clone, Copy)]
struct Bound {
    tolerance: f32,
    outliers: f32,
}

const STRICT: Bound = Bound {
    tolerance: 1e-4,
    outliers: 0.0,
};

/// Every difference between `got` and `want` as a fraction of `want`'s range, largest first.
fn differences(got: &[f32], want: &ArrayD<f32>) -> Vec<f32> {
    assert_eq!(got.len(), want.len(), "sizes differ");
    let (lo, hi) = want
        .iter()
        .fold((f32::INFINITY, f32::NEG_INFINITY), |(l, h), &v| {
            (l.min(v), h.max(v))
        });
    let range = (hi - lo).max(f32::MIN_POSITIVE);
    let mut d: Vec<f32> = got
        .iter()
        .zip(want.iter())
        .map(|(a, b)| (a - b).abs() / range)
        .collect();
    d.sort_by(|a, b| b.total_cmp(a));
    d
}

fn stage_named(model: &Model, name: &str) -> usize {
    model
        .layers()
        .iter()
        .position(|l| l.name == name)
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("no stage named {name}"))
}

/// The worst difference per map, after checking each against its bound.
#[derive(Default)]
struct Report {
    net: String,
    worst: BTreeMap<String, f32>,
}

impl Report {
    fn record(&mut self, what: &str, got: &[f32], want: &ArrayD<f32>, bound: Bound) {
        let d = differences(got, want);
        let allowed = (bound.outliers * d.len() as f32).floor() as usize;
        let beyond = d.iter().filter(|v| **v > bound.tolerance).count();
        assert!(
            beyond <= allowed,
            "{} {what}: {beyond} of {} values beyond {} of the range (at most {allowed}); the largest {}",
            self.net,
            d.len(),
            bound.tolerance,
            d[0]
        );
        let share = d.iter().filter(|v| **v > 1e-4).count() as f32 / d.len() as f32;
        if share > 0.0 {
            eprintln!(
                "{} {what}: {:.2}% of values beyond 1e-4 of the range",
                self.net,
                100.0 * share
            );
        }
        self.worst.insert(what.to_string(), d[0]);
    }
}

fn flat(
    a: &ndarray::ArrayBase<impl ndarray::Data<Elem = f32>, impl ndarray::Dimension>,
) -> Vec<f32> {
    a.iter().copied().collect()
}

/// Checks every map of fixture `name` against `model`; returns the worst difference per map.
fn check(
    model: &Model,
    dir: &Path,
    name: &str,
    bound: Bound,
    occlusion_bound: Bound,
) -> BTreeMap<String, f32> {
    let r = Reference::read(dir, name);
    let x = r.input();
    let options = RunOptions::default();
    let trace = Trace::new(model, &x, &options).expect("runs");
    let mut report = Report {
        net: name.to_string(),
        ..Default::default()
    };
    // The network first: the same logits as torch.
    let logits = trace.stage(score_stage(model)).values();
    report.record("logits", &logits, r.tensor("logits"), STRICT);
    let k = r.number("target");
    let second = r.number("second_class");
    report.record(
        "gradient",
        &flat(&gradient(model, &trace, k)),
        r.tensor("gradient"),
        bound,
    );
    report.record(
        &format!("gradient of class {second}"),
        &flat(&gradient(model, &trace, second)),
        r.tensor(&format!("gradient_class_{second}")),
        bound,
    );
    report.record(
        "gradxinput",
        &flat(&grad_x_input(model, &trace, k)),
        r.tensor("gradxinput"),
        bound,
    );
    let draws: Vec<Array3<f32>> = r
        .tensor("smoothgrad_noise")
        .outer_iter()
        .map(|n| n.to_owned().into_dimensionality().expect("[C,H,W]"))
        .collect();
    let smooth = smoothgrad_with(model, &x, &options, k, &draws).expect("runs");
    report.record("smoothgrad", &flat(&smooth), r.tensor("smoothgrad"), bound);
    // A map of zeros (every weighted sum negative, cut by the ReLU) is compared but vouches
    // for little: each net must have at least one Grad-CAM map that is not all zeros.
    let mut lit = 0;
    for (i, label) in r.list("gradcam").iter().enumerate() {
        let stage = stage_named(model, &r.meta[&format!("gradcam.{label}.stage")]);
        if i == 0 {
            assert_eq!(
                default_cam_stage(model),
                Some(stage),
                "{name}: the first Grad-CAM layer is the last with maps"
            );
        }
        let cam = grad_cam(model, &trace, k, stage).expect("maps");
        lit += usize::from(cam.iter().any(|v| *v > 0.0));
        report.record(
            &format!("gradcam {label}"),
            &flat(&cam),
            r.tensor(&format!("gradcam/{label}")),
            bound,
        );
    }
    assert!(lit > 0, "{name}: every Grad-CAM map is zero");
    let baseline: Vec<f32> = r
        .list("baseline")
        .iter()
        .map(|v| v.parse().expect("a number"))
        .collect();
    for setting in r.list("occlusion") {
        let (p, s) = setting.split_once('_').expect("P_S");
        let settings = Occlusion {
            patch: p.parse().expect("P"),
            stride: s.parse().expect("S"),
        };
        let map = occlusion(model, &x, &options, k, &settings, &baseline).expect("runs");
        report.record(
            &format!("occlusion {setting}"),
            &flat(&map),
            r.tensor(&format!("occlusion_{setting}")),
            occlusion_bound,
        );
    }
    report.worst
}

fn sample(name: &str) -> Model {
    convscope::io::load_model(&repo(&format!("sample_models/{name}.json"))).expect("a sample model")
}

fn onnx(dir: &Path, name: &str) -> Model {
    load_onnx(&dir.join(format!("{name}.onnx")), &InputSettings::default())
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .model
}

#[test]
fn sample_models_match_captum() {
    let dir = repo("tests/fixtures/attribution");
    for name in ["digits-max", "shapes-max"] {
        let model = sample(name);
        let errors = check(&model, &dir, name, STRICT, STRICT);
        eprintln!("{name}: {errors:?}");
        // The occlusion baseline the app and the CLI use is the one Captum was given.
        let r = Reference::read(&dir, name);
        let want: Vec<f32> = r
            .list("baseline")
            .iter()
            .map(|v| v.parse().unwrap())
            .collect();
        let got = grey_baseline(&model);
        assert!(
            got.iter().zip(&want).all(|(a, b)| (a - b).abs() < 1e-6),
            "{got:?} vs {want:?}"
        );
    }
}

#[test]
fn onnx_graphs_match_captum() {
    let dir = repo("tests/fixtures/attribution");
    for name in ["resnet-small", "dense-small", "mobile-se"] {
        let errors = check(&onnx(&dir, name), &dir, name, STRICT, STRICT);
        eprintln!("{name}: {errors:?}");
    }
}

/// torchvision's ResNet-18 and MobileNetV2 at 224x224 with random weights:
///
///     /work/venv/bin/python tests/reference/make_attribution_reference.py --big /tmp/attr-tv
///     CONVSCOPE_ATTR_TV=/tmp/attr-tv cargo test --release --test engine torchvision_attribution -- --ignored --nocapture
///
/// At this depth a map is not a smooth function of rounding: on the fixture input, moving
/// ResNet-18's input by 1e-6 (one seeded draw of five) moves torch's own gradient by 1.6e-2 of
/// its range, because a ReLU or max-pool decision on a value within rounding of its kink
/// flips, and with it the gradient over that cell's receptive field. convscope's forward pass
/// rounds differently from torch's, so where such a cell flips, the maps differ over its
/// receptive field (ResNet-18's gradient: 1,915 of 150,528 values beyond 1e-4 of the range,
/// all inside one 64x64 field, the largest 2.5e-3; the runner-up class's up to 9.3e-3). Here
/// 98% of every map's values must be within 1e-3 of the range (and the share beyond 1e-4 is
/// printed). Occlusion likewise: torch's own batched forward passes differ from its single
/// ones by up to 1.6e-3 of MobileNetV2's largest value.
#[test]
#[ignore = "needs the torchvision fixtures outside the repository (CONVSCOPE_ATTR_TV)"]
fn torchvision_attribution_matches_captum() {
    let dir = PathBuf::from(std::env::var("CONVSCOPE_ATTR_TV").expect("set CONVSCOPE_ATTR_TV"));
    for name in ["resnet18", "mobilenet_v2"] {
        let deep = Bound {
            tolerance: 1e-3,
            outliers: 0.02,
        };
        let errors = check(&onnx(&dir, name), &dir, name, deep, deep);
        eprintln!("{name}: {errors:?}");
    }
}
