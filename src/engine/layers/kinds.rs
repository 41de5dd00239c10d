//! The one table of layer kinds: every `"type"` the convscope/1 format reads, and the message
//! that names it in the app's languages.
//! [`LayerKind::type_name`](crate::engine::LayerKind::type_name) and the families' own
//! `type_name`, the model file reader (`io::model_file`), the ONNX operator registry
//! (`io::onnx`, which says which kinds each operator makes) and the app's display names
//! (`app::i18n`) all read or are tested against this table, so a layer kind is added here
//! first and the compiler and tests point at the rest.

/// Builds [`LayerType`] and its lookups from one table, so a row cannot lack a column.
macro_rules! layer_types {
    ($( $(#[$doc:meta])* $variant:ident = $name:literal, display: $display:literal; )*) => {
        /// A kind of layer, as the model format names it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum LayerType {
            $( $(#[$doc])* $variant, )*
        }

        impl LayerType {
            /// Every kind, in the order the format's documentation and errors list them.
            pub(crate) const ALL: &'static [LayerType] = &[$(LayerType::$variant),*];

            /// The `"type"` of the convscope/1 format.
            pub const fn name(self) -> &'static str {
                match self {
                    $(LayerType::$variant => $name,)*
                }
            }

            /// The Fluent message (in `assets/i18n/*.ftl`) that names this kind in the app.
            pub(crate) const fn display_id(self) -> &'static str {
                match self {
                    $(LayerType::$variant => $display,)*
                }
            }
        }
    };
}

layer_types! {
    Conv2d = "conv2d", display: "layer_types-0";
    Relu = "relu", display: "layer_types-1";
    LeakyRelu = "leaky_relu", display: "layer_types-2";
    Sigmoid = "sigmoid", display: "layer_types-3";
    Tanh = "tanh", display: "layer_types-4";
    Pool2d = "pool2d", display: "layer_types-5";
    GlobalAvgPool = "global_avg_pool", display: "layer_types-6";
    Flatten = "flatten", display: "layer_types-7";
    Dropout = "dropout", display: "layer_types-9";
    Dense = "dense", display: "layer_types-8";
    Softmax = "softmax", display: "layer_types-10";
    LogSoftmax = "log_softmax", display: "layer_types-11";
    BatchNorm = "batch_norm", display: "layer_types-12";
    Relu6 = "relu6", display: "layer_types-13";
    Clip = "clip", display: "layer_types-14";
    /// PyTorch's name for a clip with both bounds: read, and saved as `clip`.
    Hardtanh = "hardtanh", display: "layer_types-15";
    Elu = "elu", display: "layer_types-16";
    Selu = "selu", display: "layer_types-17";
    Gelu = "gelu", display: "layer_types-18";
    Silu = "silu", display: "layer_types-19";
    Hardswish = "hardswish", display: "layer_types-20";
    Hardsigmoid = "hardsigmoid", display: "layer_types-21";
    Prelu = "prelu", display: "layer_types-22";
    AdaptivePool2d = "adaptive_pool2d", display: "layer_types-23";
    GlobalMaxPool = "global_max_pool", display: "layer_types-24";
    Add = "add", display: "layer_types-25";
    Concat = "concat", display: "layer_types-26";
    Mul = "mul", display: "layer_types-27";
}

impl LayerType {
    /// The kind the format calls `name`.
    pub(crate) fn from_name(name: &str) -> Option<LayerType> {
        LayerType::ALL.iter().copied().find(|t| t.name() == name)
    }

    /// Every `"type"` name, in table order.
    pub(crate) fn names() -> impl Iterator<Item = &'static str> {
        LayerType::ALL.iter().map(|t| t.name())
    }

    /// Where this kind is in [`LayerType::ALL`] (the table's order is the enum's).
    pub(crate) const fn index(self) -> usize {
        self as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use std::path::Path;

    #[test]
    fn names_are_unique_and_found_again() {
        for (i, &t) in LayerType::ALL.iter().enumerate() {
            assert_eq!(LayerType::from_name(t.name()), Some(t));
            assert_eq!(t.index(), i);
        }
        let mut names: Vec<_> = LayerType::names().collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), LayerType::ALL.len());
        assert_eq!(LayerType::from_name("swish"), None);
    }

    /// `key = value` messages of a Fluent file (only whole-line simple messages are needed).
    fn messages(text: &str) -> BTreeMap<&str, &str> {
        text.lines()
            .filter(|l| !l.starts_with([' ', '#', '.', '*', '[']))
            .filter_map(|l| l.split_once(" = "))
            .map(|(k, v)| (k.trim(), v.trim()))
            .collect()
    }

    /// Every display name the table names is in every language the app ships, and every
    /// layer name a language file has belongs to a row of the table: the app's names cannot
    /// drift from the table.
    #[test]
    fn every_display_name_is_in_every_language() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/i18n");
        let mut files = 0;
        for entry in std::fs::read_dir(&dir).expect("assets/i18n") {
            let path = entry.expect("entry").path();
            if path.extension().is_none_or(|e| e != "ftl") {
                continue;
            }
            files += 1;
            let text = std::fs::read_to_string(&path).expect("read");
            let messages = messages(&text);
            for &t in LayerType::ALL {
                let id = t.display_id();
                assert!(
                    messages.get(id).is_some_and(|v| !v.is_empty()),
                    "{}: no display name {id} for layer type {}",
                    path.display(),
                    t.name()
                );
            }
            for key in messages.keys().filter(|k| k.starts_with("layer_types-")) {
                assert!(
                    LayerType::ALL.iter().any(|t| t.display_id() == *key),
                    "{}: {key} names no layer type of the table",
                    path.display()
                );
            }
        }
        assert!(files >= 2, "the app ships English and Chinese");
    }

    /// docs/model-format.md's table of layer types has a row for every row of this table and
    /// for nothing else.
    #[test]
    fn the_format_doc_lists_every_layer_type() {
        let doc = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/model-format.md"),
        )
        .expect("docs/model-format.md");
        let start = doc.find("| `type` |").expect("the doc's table of types");
        let mut listed: Vec<&str> = doc[start..]
            .lines()
            .skip(2)
            .take_while(|l| l.starts_with('|'))
            .filter_map(|l| l.split(" | ").next())
            .flat_map(|types| types.split('`').skip(1).step_by(2))
            .collect();
        listed.sort_unstable();
        let mut names: Vec<&str> = LayerType::names().collect();
        names.sort_unstable();
        assert_eq!(listed, names);
    }
}
