//! Issue 28's idioms, as torchvision and course students write them, exported by both of
//! torch's exporters and compared with onnxruntime at every stage: a one-input concatenation
//! (DenseNet), squeeze-and-excitation written with `nn.Linear` and `view` / `unsqueeze` /
//! `[:, :, None, None]`, ShuffleNetV2's split and channel shuffle, ConvNeXt's blocks and its
//! LayerNorm over channels via `permute`. The fixtures come from
//! tests/reference/make_idiom_onnx.py (torch 2.15, onnxruntime 1.32).

use crate::onnx_import::{compare_in, fixtures};
use convscope::engine::{LayerKind, Merge, Model, PickChannels};
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

#[test]
fn shufflenet_units_match_onnxruntime_with_one_stage_per_shuffle() {
    for exp in ["ts", "dynamo"] {
        let name = format!("shuffle-{exp}");
        let (_, compared) = compare_in(&fixtures(), &name, 1e-4);
        let m = load(&name);
        let picks: Vec<&PickChannels> = m
            .layers()
            .iter()
            .filter_map(|l| match &l.kind {
                LayerKind::PickChannels(p) => Some(p),
                _ => None,
            })
            .collect();
        // Two shuffles of 8 channels in two groups (0, 4, 1, 5, ...), and the two halves of
        // the chunk.
        let shuffles: Vec<_> = picks.iter().filter(|p| p.is_permutation(8)).collect();
        assert_eq!(shuffles.len(), 2, "{name}");
        assert_eq!(shuffles[0].from, [0, 4, 1, 5, 2, 6, 3, 7], "{name}");
        let halves: Vec<_> = picks.iter().filter(|p| p.from.len() == 4).collect();
        assert_eq!(halves.len(), 2, "{name}: {picks:?}");
        assert!(compared >= 18, "{name}: {compared} stages compared");
    }
    // TorchScript names nodes by module path; the shuffle is named after its module.
    let m = load("shuffle-ts");
    assert!(
        m.layers().iter().any(|l| l.name == "/channel_shuffle"),
        "{:?}",
        m.layers().iter().map(|l| &l.name).collect::<Vec<_>>()
    );
}

#[test]
fn convnext_blocks_match_onnxruntime_at_every_stage() {
    for exp in ["ts", "dynamo"] {
        let name = format!("convnext-small-{exp}");
        let (_, compared) = compare_in(&fixtures(), &name, 1e-4);
        let m = load(&name);
        let k = kinds(&m);
        // Stem LayerNorm2d, two blocks' LayerNorm, the downsampling and the head's.
        assert_eq!(
            k.iter().filter(|k| **k == "layer_norm").count(),
            5,
            "{name}: {k:?}"
        );
        assert_eq!(
            k.iter().filter(|k| **k == "gelu").count(),
            2,
            "{name}: {k:?}"
        );
        // Each block: 7x7 depthwise, layer norm, Linear as a 1x1 conv, GELU, 1x1 conv, layer
        // scale as a per-channel scale, the input added back.
        let block = [
            "conv2d",
            "layer_norm",
            "conv2d",
            "gelu",
            "conv2d",
            "conv2d",
            "add",
        ];
        let at = k.windows(7).position(|w| w == block);
        assert!(at.is_some(), "{name}: {k:?}");
        assert!(
            compared >= k.len() - 2,
            "{name}: {compared} of {} stages",
            k.len()
        );
    }
}

/// Issue 28's torchvision classifiers with random weights, too big to commit: made by
/// tests/reference/make_torchvision_onnx.py into $CONVSCOPE_TV_ONNX, run one at a time
/// (`CONVSCOPE_TV_ONLY=resnet50` for one); the results are in docs/findings.md.
#[test]
#[ignore = "needs the models made by tests/reference/make_torchvision_onnx.py"]
fn torchvision_classifiers_match_onnxruntime() {
    let dir =
        PathBuf::from(std::env::var("CONVSCOPE_TV_ONNX").unwrap_or_else(|_| "/tmp/tv".into()));
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
        if only
            .as_deref()
            .is_some_and(|o| !o.split(',').any(|n| n == net))
        {
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
