//! "Try padding / stride": the shown convolution's own weights rerun on its own input with
//! another padding and stride, so a class sees the maps the output-size formula predicts.
//! View state (the setting and the maps it made, kept until the run or the setting changes);
//! drawn by `stage::conv_try`.

use super::state::Explorer;
use crate::analysis::conv_try::{ConvTry, rerun};
use crate::engine::LayerKind;
use ndarray::Array3;
use std::cell::RefCell;
use std::sync::Arc;

/// The maps one try made: for which run, stage and setting.
#[derive(Debug, Clone)]
struct Tried {
    generation: u64,
    stage: usize,
    setting: ConvTry,
    maps: Option<Arc<Array3<f32>>>,
}

/// The padding and stride a convolution stage is tried with (`None`: its own, nothing
/// rerun), and the maps last made.
#[derive(Debug, Clone, Default)]
pub struct ConvTryState {
    pub setting: Option<ConvTry>,
    made: RefCell<Option<Tried>>,
}

impl PartialEq for ConvTryState {
    fn eq(&self, other: &Self) -> bool {
        self.setting == other.setting
    }
}

impl ConvTryState {
    /// The maps the shown try makes at conv stage `stage` of `ex`'s run (made once per run,
    /// stage and setting), with the try; `None` when nothing is tried, the stage is not a
    /// convolution or the try makes no maps (the kernel does not fit).
    pub fn maps(&self, ex: &Explorer, stage: usize) -> Option<(ConvTry, Arc<Array3<f32>>)> {
        let setting = self.setting?;
        let mut made = self.made.borrow_mut();
        let fresh = made.as_ref().is_some_and(|m| {
            m.generation == ex.generation && m.stage == stage && m.setting == setting
        });
        if !fresh {
            *made = Some(Tried {
                generation: ex.generation,
                stage,
                setting,
                maps: run(ex, stage, setting).map(Arc::new),
            });
        }
        let maps = made.as_ref()?.maps.clone()?;
        Some((setting, maps))
    }
}

/// Stage `stage`'s convolution rerun with `t` on the maps it read in `ex`'s run.
fn run(ex: &Explorer, stage: usize, t: ConvTry) -> Option<Array3<f32>> {
    let LayerKind::Conv2d(conv) = &ex.stage_layer(stage)?.kind else {
        return None;
    };
    let source = *ex.input_stages(stage).first()?;
    let input = ex.trace.get(source)?.as_maps()?;
    rerun(conv, input.view(), t)
}
