//! The network the explorer runs, made from the model as loaded: the model itself with its
//! text in the chosen language (sharing its weights: no copy), or with the chosen pooling
//! window (new layers; cut before its first dense layer when that no longer fits). Building a
//! window copy of a big network is left to the worker thread that runs it.

use super::controls::PoolWindow;
use crate::engine::{LayerKind, Model, ModelInfo};
use std::sync::Arc;

/// A network ready to run and what happened making it.
#[derive(Debug, Clone)]
pub struct BuiltNet {
    pub net: Arc<Model>,
    /// Why the network was cut short, when it was.
    pub window_note: Option<String>,
    /// Why the pooling window could not be used at all (the network is the model as trained).
    pub window_error: Option<String>,
}

/// The network a run uses: one made already, or one to make from a model.
#[derive(Debug, Clone)]
pub enum NetPlan {
    Ready(BuiltNet),
    Build {
        model: Arc<Model>,
        window: PoolWindow,
        language: &'static str,
    },
}

impl NetPlan {
    /// The network, made now if it was not.
    pub fn build(&self) -> BuiltNet {
        match self {
            NetPlan::Ready(built) => built.clone(),
            NetPlan::Build {
                model,
                window,
                language,
            } => build_net(model, *window, language),
        }
    }

    /// The model it is (or is made from): what decides whether it runs off the UI thread.
    pub fn model(&self) -> &Model {
        match self {
            NetPlan::Ready(built) => &built.net,
            NetPlan::Build { model, .. } => model,
        }
    }
}

/// The text a network made from `model` shows in `language`: without class names when it
/// was cut before its classifier.
pub(crate) fn net_info(model: &Model, cut: bool, language: &str) -> ModelInfo {
    if cut {
        model.info.without_labels().localized(language)
    } else {
        model.info.localized(language)
    }
}

/// `net` with its text in `language` (made from `model`'s): the same network when nothing
/// changes, else a copy sharing its weights.
pub(crate) fn relocalized(net: &Arc<Model>, model: &Model, language: &str) -> Arc<Model> {
    let cut = net.layers().len() != model.layers().len();
    let info = net_info(model, cut, language);
    if info == net.info {
        return Arc::clone(net);
    }
    let mut copy = (**net).clone();
    copy.info = info;
    Arc::new(copy)
}

/// `model` with pooling `window` and its text in `language`.
pub(crate) fn build_net(model: &Arc<Model>, window: PoolWindow, language: &str) -> BuiltNet {
    let as_trained = |window_error| BuiltNet {
        net: relocalized(model, model, language),
        window_note: None,
        window_error,
    };
    let Some(w) = window.window() else {
        return as_trained(None);
    };
    let localize = |mut net: Model, cut: bool| {
        net.info = net_info(model, cut, language);
        Arc::new(net)
    };
    match model.with_pool_window(w) {
        Ok(net) => BuiltNet {
            net: localize(net, false),
            window_note: None,
            window_error: None,
        },
        Err(e) => {
            // Keep the layers that still fit: everything before the first dense layer.
            let cut = model
                .layers()
                .iter()
                .position(|l| matches!(l.kind, LayerKind::Dense(_)))
                .unwrap_or(model.layers().len());
            let mut layers: Vec<_> = model.layers()[..cut].to_vec();
            for l in &mut layers {
                if let LayerKind::Pool2d(p) = &mut l.kind {
                    p.window = w;
                }
            }
            // The labels name the classes, which a network cut before its dense layer lacks.
            let info = model.info.without_labels();
            // Each kept layer reads only layers before it: the wiring of the prefix.
            let sources = model.all_sources()[..cut].to_vec();
            match Model::with_sources(info, model.input.clone(), layers, sources) {
                Ok(net) => BuiltNet {
                    net: localize(net, true),
                    window_note: Some(e.to_string()),
                    window_error: None,
                },
                Err(e2) => as_trained(Some(e2.to_string())),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{PoolMode, zoo};

    #[test]
    fn the_network_as_trained_shares_the_models_weights() {
        let model = Arc::new(zoo::digits(1, PoolMode::Max));
        let built = build_net(&model, PoolWindow::AsTrained, "en");
        assert!(Arc::ptr_eq(&built.net, &model), "no copy at all");
        // A copy with other text still shares the layers: the same weights in memory.
        let mut copy = (*model).clone();
        copy.info.name = "other".into();
        assert!(std::ptr::eq(copy.layers(), model.layers()));
        // A change of weights gives the copy its own.
        copy.layers_mut()[0].name = "renamed".into();
        assert_ne!(copy.layers()[0].name, model.layers()[0].name);
    }

    #[test]
    fn a_window_that_does_not_fit_cuts_before_the_dense_layer() {
        let model = Arc::new(zoo::digits(1, PoolMode::Max));
        let built = build_net(&model, PoolWindow::K3S2, "en");
        assert!(built.window_note.is_some());
        assert!(built.window_error.is_none());
        assert!(built.net.layers().len() < model.layers().len());
        assert!(built.net.info.labels.is_empty());
    }
}
