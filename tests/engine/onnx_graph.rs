//! Branching PyTorch nets exported at opset 17 by both of torch's exporters (residual blocks,
//! SqueezeNet's Fire modules, MobileNet inverted residuals with squeeze-and-excitation),
//! opened by convscope and compared with onnxruntime at every stage. The fixtures come from
//! tests/reference/make_graph_onnx.py (torch 2.15, onnxruntime 1.32).

use crate::onnx_import::{compare_in, fixtures, load};
use convscope::engine::{LayerKind, Merge, Model, Source};
use std::path::PathBuf;

fn merges(m: &Model, kind: Merge) -> Vec<usize> {
    (0..m.layers().len())
        .filter(|&i| m.layers()[i].kind == LayerKind::Merge(kind))
        .collect()
}

#[test]
fn residual_blocks_match_onnxruntime_at_every_stage() {
    for exp in ["ts", "dynamo"] {
        let name = format!("resnet-small-{exp}");
        let (_, compared) = compare_in(&fixtures(), &name, 1e-4);
        let m = load(&name);
        // Two blocks, each adding its input (or its downsampled input) back.
        let adds = merges(&m, Merge::Add);
        assert_eq!(adds.len(), 2, "{name}");
        for &a in &adds {
            assert_eq!(m.sources(a).len(), 2, "{name}");
        }
        // The first block's skip connection reads the max pooling, well before the add.
        let skip = m.sources(adds[0]).iter().find_map(|s| match *s {
            Source::Layer(j) if j + 2 < adds[0] => Some(j),
            _ => None,
        });
        let skip = skip.unwrap_or_else(|| panic!("{name}: {:?}", m.sources(adds[0])));
        assert_eq!(m.layers()[skip].kind.type_name(), "pool2d", "{name}");
        assert!(compared >= 15, "{name}: {compared} stages compared");
        assert!(!m.is_chain());
    }
}

#[test]
fn fire_modules_match_onnxruntime_at_every_stage() {
    for exp in ["ts", "dynamo"] {
        let name = format!("fire-small-{exp}");
        let (_, compared) = compare_in(&fixtures(), &name, 1e-4);
        let m = load(&name);
        let cats = merges(&m, Merge::Concat);
        assert_eq!(cats.len(), 3, "{name}");
        // Each concat stacks the 1x1 and the 3x3 expand (after their ReLUs).
        for &c in &cats {
            assert_eq!(m.sources(c).len(), 2, "{name}");
        }
        assert!(compared >= 20, "{name}: {compared} stages compared");
    }
}

#[test]
fn squeeze_and_excitation_matches_onnxruntime_at_every_stage() {
    for exp in ["ts", "dynamo"] {
        let name = format!("mobile-se-{exp}");
        let (_, compared) = compare_in(&fixtures(), &name, 1e-4);
        let m = load(&name);
        assert_eq!(merges(&m, Merge::Mul).len(), 2, "{name}");
        assert_eq!(merges(&m, Merge::Add).len(), 2, "{name}");
        assert!(compared >= 20, "{name}: {compared} stages compared");
    }
}

/// torchvision's ResNet-18, MobileNetV2 and SqueezeNet 1.1 with random weights, too big to
/// commit: made by tests/reference/make_big_graph_onnx.py into $CONVSCOPE_BIG_ONNX.
#[test]
#[ignore = "needs the big models made by tests/reference/make_big_graph_onnx.py"]
fn big_torchvision_graphs_match_onnxruntime() {
    let dir = PathBuf::from(
        std::env::var("CONVSCOPE_BIG_ONNX").unwrap_or_else(|_| "/tmp/convscope-big".into()),
    );
    for net in ["resnet18", "mobilenet_v2", "squeezenet1_1"] {
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
