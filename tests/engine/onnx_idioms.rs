//! Issue 28's idioms, as torchvision and course students write them, exported by both of
//! torch's exporters and compared with onnxruntime at every stage: a one-input concatenation
//! (DenseNet), squeeze-and-excitation written with `nn.Linear` and `view` / `unsqueeze` /
//! `[:, :, None, None]`, ShuffleNetV2's split and channel shuffle, ConvNeXt's blocks and its
//! LayerNorm over channels via `permute`. The fixtures come from
//! tests/reference/make_idiom_onnx.py (torch 2.15, onnxruntime 1.32).

use crate::onnx_import::{compare_in, fixtures};
use convscope::engine::{LayerKind, Merge, Model};
use convscope::io::InputSettings;
use convscope::io::onnx::load_onnx;
use std::path::PathBuf;

fn load(name: &str) -> Model {
    load_onnx(
        &fixtures().join(format!("{name}.onnx")),
        &InputSettings::default(),
    )
    .unwrap_or_else(|e| panic!("{name}: {e}"))
    .model
}

fn kinds(m: &Model) -> Vec<&'static str> {
    m.layers().iter().map(|l| l.kind.type_name()).collect()
}

#[test]
fn a_concatenation_of_one_value_passes_it_on() {
    for exp in ["ts", "dynamo"] {
        let name = format!("one-cat-{exp}");
        let (_, compared) = compare_in(&fixtures(), &name, 1e-4);
        let m = load(&name);
        // conv, relu, conv, concat: `torch.cat([x])` is no stage.
        assert_eq!(kinds(&m), ["conv2d", "relu", "conv2d", "concat"], "{name}");
        assert_eq!(compared, 4, "{name}");
    }
}

#[test]
fn squeeze_and_excitation_with_linear_layers_matches_onnxruntime() {
    for exp in ["ts", "dynamo"] {
        let name = format!("se-linear-{exp}");
        let (_, compared) = compare_in(&fixtures(), &name, 1e-4);
        let m = load(&name);
        let muls = m
            .layers()
            .iter()
            .filter(|l| l.kind == LayerKind::Merge(Merge::Mul))
            .count();
        // view, unsqueeze twice, [:, :, None, None]: three channel weightings.
        assert_eq!(muls, 3, "{name}");
        assert!(compared >= 20, "{name}: {compared} stages compared");
    }
}

/// Issue 28's torchvision classifiers with random weights, too big to commit: made by
/// tests/reference/make_torchvision_onnx.py into $CONVSCOPE_TV_ONNX, run one at a time
/// (`CONVSCOPE_TV_ONLY=resnet50` for one); the results are in docs/findings.md.
#[test]
#[ignore = "needs the models made by tests/reference/make_torchvision_onnx.py"]
fn torchvision_classifiers_match_onnxruntime() {
    let dir = PathBuf::from(std::env::var("CONVSCOPE_TV_ONNX").unwrap_or_else(|_| "/tmp/tv".into()));
    let only = std::env::var("CONVSCOPE_TV_ONLY").ok();
    let nets = [
        "resnet34",
        "resnet50",
        "resnext50_32x4d",
        "wide_resnet50_2",
        "densenet121",
        "googlenet",
        "inception_v3",
        "mobilenet_v3_small",
        "mobilenet_v3_large",
        "efficientnet_b0",
        "shufflenet_v2_x1_0",
        "mnasnet1_0",
        "regnet_x_400mf",
        "regnet_y_400mf",
        "convnext_tiny",
        "vgg16",
        "alexnet",
        "squeezenet1_0",
    ];
    for net in nets {
        if only.as_deref().is_some_and(|o| !o.split(',').any(|n| n == net)) {
            continue;
        }
        for exp in ["ts", "dynamo"] {
            let name = format!("{net}-{exp}");
            if dir.join(format!("{name}.onnx")).exists() {
                compare_in(&dir, &name, 1e-4);
            } else {
                eprintln!("{name}: not in {}", dir.display());
            }
        }
    }
}
