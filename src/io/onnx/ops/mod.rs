//! The operator families, each registering what it maps (as tract's `register_all_ops`): one
//! file per family. Adding an operator is one `register` line here or in its family's file, a
//! handler beside it, and a reference test against onnxruntime (tests/engine/reference_onnx.rs).

mod activation;
mod arithmetic;
mod constants;
mod conv;
mod dense;
mod merge;
mod norm;
mod pad;
mod pool;
mod shape;
mod window;

use super::registry::Registry;
use std::sync::LazyLock;

/// Every family's operators, in the order the list of supported operators shows them.
fn register_all_ops(r: &mut Registry) {
    conv::register(r);
    pool::register(r);
    pad::register(r);
    norm::register(r);
    dense::register(r);
    activation::register(r);
    shape::register(r);
    merge::register(r);
    constants::register(r);
    arithmetic::register(r);
}

/// The registry of every operator the reader maps, built once.
pub(super) fn registry() -> &'static Registry {
    static REGISTRY: LazyLock<Registry> = LazyLock::new(|| {
        let mut r = Registry::default();
        register_all_ops(&mut r);
        r
    });
    &REGISTRY
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::LayerType;

    #[test]
    fn the_list_of_supported_operators_starts_with_conv_and_names_every_one() {
        let r = registry();
        let text = r.supported();
        assert!(
            text.starts_with("Conv (groups, dilations, any pads), "),
            "{text}"
        );
        for (name, _) in r.operators() {
            assert!(text.contains(name), "{name} is not in {text}");
        }
        assert_eq!(r.joining(), "Add, Sum, Mul and Concat");
        assert_eq!(r.padding_takers(), "Conv, AveragePool and MaxPool");
        assert!(!text.contains('\n'), "{text}");
    }

    /// Every layer kind a layer can have is made by some operator, but for the ones ONNX has
    /// no operator for: so an ONNX operator for a new kind is not forgotten.
    #[test]
    fn every_layer_kind_comes_from_some_operator() {
        let made: Vec<LayerType> = registry()
            .operators()
            .iter()
            .flat_map(|(_, makes)| makes.iter().copied())
            .collect();
        // Hardtanh is read as a clip (ONNX Clip makes clip); ONNX has no adaptive pooling
        // (PyTorch exports it as GlobalAveragePool or AveragePool).
        let none = [LayerType::Hardtanh, LayerType::AdaptivePool2d];
        for t in LayerType::ALL {
            assert!(
                made.contains(t) != none.contains(t),
                "{}: made by an operator: {}",
                t.name(),
                made.contains(t)
            );
        }
    }
}
