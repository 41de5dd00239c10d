//! Where the network looked for its answer: five attribution methods, each the way Captum
//! computes it, on any network convscope opens.
//!
//! - **gradient**: how the class score changes with each input value (signed);
//! - **gradient x input**: that gradient times the input;
//! - **SmoothGrad**: the gradient averaged over noisy copies of the input (seeded);
//! - **Grad-CAM**: a stage's maps weighed by the mean gradient of each, summed, negatives
//!   cut, at the stage's own size;
//! - **occlusion**: how much the score drops when a grey patch hides each part of the input
//!   (forward passes only).
//!
//! The score is the class's logit: the input of a final softmax where the network ends in
//! one, else the output itself ([`crate::engine::grad::score_stage`]).

mod occlusion;
mod smooth;

#[cfg(test)]
mod tests;

pub use occlusion::{Occlusion, grey_baseline, occlusion};
pub use smooth::{SmoothGrad, noise_draws, smoothgrad, smoothgrad_with};

use crate::engine::grad::{Trace, input_gradient, one_hot_like, score_stage, stage_gradients};
use crate::engine::{Model, Result, RunOptions, Tensor};
use ndarray::{Array2, Array3, Axis};

/// An attribution method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Method {
    #[default]
    Gradient,
    GradXInput,
    SmoothGrad,
    GradCam,
    Occlusion,
}

impl Method {
    pub const ALL: [Method; 5] = [
        Method::Gradient,
        Method::GradXInput,
        Method::SmoothGrad,
        Method::GradCam,
        Method::Occlusion,
    ];

    /// The name on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Gradient => "gradient",
            Method::GradXInput => "gradxinput",
            Method::SmoothGrad => "smoothgrad",
            Method::GradCam => "gradcam",
            Method::Occlusion => "occlusion",
        }
    }

    pub fn parse(text: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.as_str() == text)
    }

    /// Whether the map has a sign (red where the score rises, blue where it falls); Grad-CAM's
    /// is never negative.
    pub fn signed(self) -> bool {
        self != Method::GradCam
    }
}

/// What to explain and how.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub method: Method,
    /// The class whose score is explained; the predicted one when `None`.
    pub class: Option<usize>,
    /// Grad-CAM's stage; [`default_cam_stage`] when `None`.
    pub stage: Option<usize>,
    pub smooth: SmoothGrad,
    pub occlusion: Occlusion,
    /// The pooling mode and dropout the network runs with (as the explorer's switches).
    pub options: RunOptions,
}

impl Request {
    pub fn new(method: Method) -> Request {
        Request {
            method,
            class: None,
            stage: None,
            smooth: SmoothGrad::default(),
            occlusion: Occlusion::default(),
            options: RunOptions::default(),
        }
    }
}

/// An attribution map: over the input (\[C,H,W\], the gradient methods) or over a plane of
/// cells (Grad-CAM at its stage's size, occlusion at the input's).
#[derive(Debug, Clone, PartialEq)]
pub enum Map {
    Input(Array3<f32>),
    Plane(Array2<f32>),
}

impl Map {
    /// One value per pixel or cell for a heat map: the channels of an input map summed (their
    /// signs kept).
    pub fn plane(&self) -> Array2<f32> {
        match self {
            Map::Input(a) => a.sum_axis(Axis(0)),
            Map::Plane(p) => p.clone(),
        }
    }
}

/// A finished attribution.
#[derive(Debug, Clone, PartialEq)]
pub struct Attribution {
    pub method: Method,
    pub class: usize,
    /// The stage the map lies over: 0 (the input) except for Grad-CAM.
    pub stage: usize,
    pub map: Map,
    /// The explained class's score for the input as given.
    pub score: f32,
}

/// Runs the method `request` asks for on the normalised `input`.
pub fn explain(model: &Model, input: &Array3<f32>, request: &Request) -> Result<Attribution> {
    let trace = Trace::new(model, input, &request.options)?;
    let scores = trace.stage(score_stage(model)).values();
    let class = request
        .class
        .unwrap_or_else(|| crate::engine::argmax(&scores));
    check_class(model, class, scores.len())?;
    let score = scores[class];
    let (stage, map) = match request.method {
        Method::Gradient => (0, Map::Input(gradient(model, &trace, class))),
        Method::GradXInput => (0, Map::Input(grad_x_input(model, &trace, class))),
        Method::SmoothGrad => (
            0,
            Map::Input(smoothgrad(
                model,
                input,
                &request.options,
                class,
                &request.smooth,
            )?),
        ),
        Method::GradCam => {
            let stage = match request.stage {
                Some(s) => s,
                None => default_cam_stage(model).ok_or_else(|| no_maps(model))?,
            };
            (stage, Map::Plane(grad_cam(model, &trace, class, stage)?))
        }
        Method::Occlusion => (
            0,
            Map::Plane(occlusion(
                model,
                input,
                &request.options,
                class,
                &request.occlusion,
                &grey_baseline(model),
            )?),
        ),
    };
    Ok(Attribution {
        method: request.method,
        class,
        stage,
        map,
        score,
    })
}

fn check_class(model: &Model, class: usize, classes: usize) -> Result<()> {
    if class < classes {
        return Ok(());
    }
    Err(crate::engine::Error::BadField {
        layer: model
            .layers()
            .last()
            .map_or_else(|| "output".into(), |l| l.name.clone()),
        field: "class".into(),
        message: format!(
            "class {class} does not exist: the network has {classes} outputs (0 to {})",
            classes.saturating_sub(1)
        ),
    })
}

fn no_maps(model: &Model) -> crate::engine::Error {
    crate::engine::Error::BadField {
        layer: model.info.name.clone(),
        field: "layer".into(),
        message:
            "Grad-CAM needs a stage with maps of more than one cell, and this network has none"
                .into(),
    }
}

/// The seed that picks class `class`'s score.
fn class_seed(model: &Model, trace: &Trace, class: usize) -> (usize, Tensor) {
    let from = score_stage(model);
    (from, one_hot_like(trace.stage(from), class))
}

/// The gradient of class `class`'s score with respect to the input, signed.
pub fn gradient(model: &Model, trace: &Trace, class: usize) -> Array3<f32> {
    let (from, seed) = class_seed(model, trace, class);
    input_gradient(model, trace, from, seed)
}

/// The gradient times the input, value by value.
pub fn grad_x_input(model: &Model, trace: &Trace, class: usize) -> Array3<f32> {
    let x = trace.input.as_maps().expect("the input is maps");
    gradient(model, trace, class) * x
}

/// The last stage before the scores whose output is maps of more than one cell (the last
/// convolution's or pooling's, before flattening or global pooling): Grad-CAM's default.
pub fn default_cam_stage(model: &Model) -> Option<usize> {
    let shapes = model.shapes();
    (1..=score_stage(model)).rev().find(|&s| {
        matches!(shapes.get(s - 1), Some(crate::engine::Shape::Maps { height, width, .. }) if height * width > 1)
    })
}

/// Grad-CAM at stage `stage`: each channel weighed by the mean over its map of the score's
/// gradient there, summed over channels, negatives set to zero (Selvaraju et al. 2017;
/// Captum's `LayerGradCam` with `relu_attributions`), at the stage's own height and width.
pub fn grad_cam(model: &Model, trace: &Trace, class: usize, stage: usize) -> Result<Array2<f32>> {
    let Some(acts) = trace.stage(stage).as_maps() else {
        return Err(crate::engine::Error::BadField {
            layer: stage_name(model, stage),
            field: "layer".into(),
            message: "is a vector, not maps: Grad-CAM needs a stage with maps (a convolution's or pooling's output)".into(),
        });
    };
    let (from, seed) = class_seed(model, trace, class);
    if stage > from {
        return Err(crate::engine::Error::BadField {
            layer: stage_name(model, stage),
            field: "layer".into(),
            message: "comes after the class scores: pick a stage before them".into(),
        });
    }
    let grads = stage_gradients(model, trace, from, seed, stage);
    let (c, h, w) = acts.dim();
    let zeros = Array3::zeros((c, h, w));
    let grad = grads[stage]
        .as_ref()
        .and_then(Tensor::as_maps)
        .unwrap_or(&zeros);
    let mut cam = Array2::<f32>::zeros((h, w));
    for (a, g) in acts.outer_iter().zip(grad.outer_iter()) {
        let alpha = g.mean().unwrap_or(0.0);
        cam.scaled_add(alpha, &a);
    }
    cam.mapv_inplace(|v| v.max(0.0));
    Ok(cam)
}

/// A stage's name as `inspect` prints it ("input" for stage 0).
pub fn stage_name(model: &Model, stage: usize) -> String {
    match stage {
        0 => "input".into(),
        s => model.layers()[s - 1].name.clone(),
    }
}
