//! Issue 28's idioms, as torchvision and course students write them, exported by both of
//! torch's exporters and compared with onnxruntime at every stage: a one-input concatenation
//! (DenseNet), squeeze-and-excitation written with `nn.Linear` and `view` / `unsqueeze` /
//! `[:, :, None, None]`, ShuffleNetV2's split and channel shuffle, ConvNeXt's blocks and its
//! LayerNorm over channels via `permute`. The fixtures come from
//! tests/reference/make_idiom_onnx.py (torch 2.15, onnxruntime 1.32).

use crate::onnx_import::{compare_in, fixtures, kinds, load};
use convscope::engine::{Coordinates, LayerKind, Merge, PadMode, PickChannels, Rounding, Sampling};
use std::path::PathBuf;

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

#[test]
fn upsampling_nearest_and_bilinear_matches_onnxruntime() {
    for exp in ["ts", "dynamo"] {
        let name = format!("upsample-{exp}");
        let (_, compared) = compare_in(&fixtures(), &name, 1e-4);
        let m = load(&name);
        let resizes: Vec<(Sampling, Coordinates, (usize, usize))> = m
            .layers()
            .iter()
            .filter_map(|l| match &l.kind {
                LayerKind::Resize(r) => Some((r.sampling, r.coordinates, r.size)),
                _ => None,
            })
            .collect();
        let nearest = Sampling::Nearest {
            rounding: Rounding::Floor,
        };
        // 7x6 -> 14x12 nearest, -> 28x24 bilinear, conv to 13x11 -> 9x11 with corners
        // aligned, -> 13x16 nearest.
        assert_eq!(
            resizes,
            [
                (nearest, Coordinates::Asymmetric, (14, 12)),
                (Sampling::Linear, Coordinates::HalfPixel, (28, 24)),
                (Sampling::Linear, Coordinates::AlignCorners, (9, 11)),
                (nearest, Coordinates::Asymmetric, (13, 16)),
            ],
            "{name}"
        );
        assert!(compared >= 10, "{name}: {compared} stages compared");
    }
}

#[test]
fn reflect_and_replicate_padding_matches_onnxruntime() {
    for exp in ["ts", "dynamo"] {
        let name = format!("pad-modes-{exp}");
        let (_, compared) = compare_in(&fixtures(), &name, 1e-4);
        let m = load(&name);
        let pads: Vec<([usize; 4], PadMode)> = m
            .layers()
            .iter()
            .filter_map(|l| match &l.kind {
                LayerKind::Pad2d(p) => Some((p.pads, p.mode)),
                _ => None,
            })
            .collect();
        assert_eq!(
            pads,
            [
                ([1, 1, 1, 1], PadMode::Reflect),
                ([2, 2, 2, 2], PadMode::Replicate),
                ([1, 1, 1, 1], PadMode::Reflect),
                ([0, 1, 1, 2], PadMode::Reflect),
                ([2, 2, 2, 2], PadMode::Replicate),
            ],
            "{name}"
        );
        assert!(compared >= 12, "{name}: {compared} stages compared");
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
    let mut failed = Vec::new();
    for net in nets {
        if only
            .as_deref()
            .is_some_and(|o| !o.split(',').any(|n| n == net))
        {
            continue;
        }
        for exp in ["ts", "dynamo"] {
            let name = format!("{net}-{exp}");
            if !dir.join(format!("{name}.onnx")).exists() {
                eprintln!("{name}: not in {}", dir.display());
                continue;
            }
            // Every net is tried; the failures are listed at the end.
            let started = std::time::Instant::now();
            let run = std::panic::catch_unwind(|| compare_in(&dir, &name, 1e-4));
            eprintln!("{name}: {:.1} s", started.elapsed().as_secs_f32());
            if run.is_err() {
                failed.push(name);
            }
        }
    }
    assert!(failed.is_empty(), "failed: {failed:?}");
}
