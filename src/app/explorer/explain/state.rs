//! "Where it looked" as plain data: the method, the class and the blend the person chose, and
//! the attribution map for the explorer's current network and input. A map is asked for again
//! whenever the explorer's outputs change (input, pooling, noise, dropout, model: its
//! generation), or the method, class or Grad-CAM's stage does. Work too big for a frame (a
//! ResNet's gradient, occlusion's hundreds of passes) runs on a worker thread; the previous
//! map stays on screen meanwhile, and a result that arrives for anything but the latest
//! request is dropped.

use crate::analysis::attribution::{Attribution, Method, Request, default_cam_stage, explain};
use crate::app::explorer::run::{BACKGROUND_ABOVE, multiply_adds};
use crate::app::explorer::state::Explorer;
use crate::app::shell::background;
use crate::engine::grad::score_stage;
use crate::engine::{self, Model};
use ndarray::{Array2, Array3, Axis};
use std::sync::{Arc, Mutex};

/// What the person chose: the method, the class (the predicted one when `None`) and how
/// strongly the map covers the picture.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ExplainChoice {
    pub method: Method,
    pub class: Option<usize>,
    /// 0: the picture alone; 1: the map at full strength where it is strong.
    pub blend: f32,
}

impl Default for ExplainChoice {
    fn default() -> Self {
        ExplainChoice {
            method: Method::GradCam,
            class: None,
            blend: 0.8,
        }
    }
}

/// Everything one map depends on: when any of it changes, the map is made again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExplainKey {
    /// The explorer's outputs (its generation) and the network that made them.
    pub generation: u64,
    pub net: usize,
    pub method: Method,
    pub class: Option<usize>,
    /// Grad-CAM's stage (0 for the other methods).
    pub stage: usize,
}

/// A finished map with what the view draws it over.
#[derive(Debug, Clone)]
pub struct Explained {
    pub key: ExplainKey,
    pub attribution: Attribution,
    /// One value per pixel or cell ([`crate::analysis::attribution::Map::plane`]).
    pub plane: Array2<f32>,
    /// The normalised input the map explains.
    pub input: Array3<f32>,
    /// For Grad-CAM: its stage's maps averaged over the channels, what the map lies over.
    pub stage_mean: Option<Array2<f32>>,
    /// Counts the maps taken, for the view's textures.
    pub stamp: u64,
}

type Slot = Arc<Mutex<Option<(ExplainKey, engine::Result<Attribution>)>>>;

/// The view's state: shown or not, the choice, the latest map and the work under way.
#[derive(Debug, Default)]
pub struct ExplainState {
    pub shown: bool,
    pub choice: ExplainChoice,
    /// The latest map taken (shown until the next one arrives).
    pub result: Option<Explained>,
    /// Why the latest request gave no map, in words.
    pub error: Option<String>,
    /// The request whose map is wanted.
    wanted: Option<ExplainKey>,
    /// Where the worker thread leaves its map, and the input it was given.
    job: Option<(Slot, Array3<f32>)>,
    /// The model the class was chosen on: another model forgets it.
    model: usize,
    taken: u64,
    /// Every map on a worker thread, however small the network (tests of the slow path).
    pub always_in_background: bool,
    /// A lesson's numbers, for the explorer generation they were measured on (see `facts`).
    pub(super) facts: std::cell::RefCell<Option<(u64, crate::lesson::Facts)>>,
}

/// Grad-CAM's stage for the explorer: the selected stage when it has maps of more than one
/// cell before the class scores, else the network's default. `true` when it is the selected.
pub fn cam_stage(ex: &Explorer) -> Option<(usize, bool)> {
    let s = ex.stage;
    let maps = ex.trace.get(s).and_then(|t| t.as_maps());
    if s >= 1 && s <= score_stage(&ex.net) && maps.is_some_and(|m| m.dim().1 * m.dim().2 > 1) {
        return Some((s, true));
    }
    default_cam_stage(&ex.net).map(|d| (d, false))
}

/// About how many forward passes' worth of work a method takes (a backward pass counts as two).
fn passes(method: Method, model: &Model, request: &Request) -> u64 {
    match method {
        Method::Gradient | Method::GradXInput | Method::GradCam => 3,
        Method::SmoothGrad => 3 * request.smooth.samples as u64,
        Method::Occlusion => {
            let along = |n: usize| {
                let o = request.occlusion;
                (n.saturating_sub(o.patch)).div_ceil(o.stride.max(1)) as u64 + 1
            };
            along(model.input.height) * along(model.input.width) + 1
        }
    }
}

impl ExplainState {
    /// Whether a map is being made on a worker thread.
    pub fn running(&self) -> bool {
        self.job.is_some()
    }

    /// Whether the map on screen is the one the latest request asked for.
    pub fn current(&self) -> bool {
        self.result.as_ref().map(|r| Some(r.key)) == Some(self.wanted)
    }

    /// Sets what to explain and how; the map follows at the next [`ExplainState::sync`].
    pub fn set_choice(&mut self, choice: ExplainChoice) {
        self.choice = choice;
    }

    /// The request the explorer's state and the choice call for (`None`: nothing to explain,
    /// the network has no classes).
    pub fn key(&self, ex: &Explorer) -> Option<ExplainKey> {
        if ex.probabilities.is_empty() || ex.trace.is_empty() {
            return None;
        }
        let stage = match self.choice.method {
            Method::GradCam => cam_stage(ex)?.0,
            _ => 0,
        };
        Some(ExplainKey {
            generation: ex.generation,
            net: Arc::as_ptr(&ex.net) as usize,
            method: self.choice.method,
            class: self.choice.class,
            stage,
        })
    }

    /// Follows the explorer while the view is shown: takes a finished map, and asks for a new
    /// one when what it depends on changed. Returns whether the map on screen changed.
    pub fn sync(&mut self, ex: &Explorer, ctx: &egui::Context) -> bool {
        let model = Arc::as_ptr(&ex.model) as usize;
        if model != self.model {
            self.model = model;
            self.choice.class = None;
        }
        if self
            .choice
            .class
            .is_some_and(|c| c >= ex.probabilities.len())
        {
            self.choice.class = None;
        }
        let mut changed = self.poll(ex);
        if !self.shown {
            return changed;
        }
        let key = self.key(ex);
        if key == self.wanted {
            return changed;
        }
        self.wanted = key;
        let Some(key) = key else {
            self.job = None;
            self.result = None;
            self.error = None;
            return true;
        };
        let Some(input) = ex.trace.first().and_then(|t| t.as_maps()).cloned() else {
            return changed;
        };
        let request = Request {
            class: key.class,
            stage: (key.method == Method::GradCam).then_some(key.stage),
            options: ex.run_options(),
            ..Request::new(key.method)
        };
        let work = multiply_adds(&ex.net).saturating_mul(passes(key.method, &ex.net, &request));
        if self.always_in_background || work > BACKGROUND_ABOVE {
            // A job still going is left to finish into a slot nobody reads: the last request wins.
            let slot: Slot = Arc::default();
            let out = Arc::clone(&slot);
            let net = Arc::clone(&ex.net);
            let pixels = input.clone();
            let ctx = ctx.clone();
            background::spawn(move || {
                let result = explain(&net, &pixels, &request);
                if let Ok(mut s) = out.lock() {
                    *s = Some((key, result));
                }
                ctx.request_repaint();
            });
            self.job = Some((slot, input));
        } else {
            self.job = None;
            let result = explain(&ex.net, &input, &request);
            self.take(ex, key, input, result);
            changed = true;
        }
        changed
    }

    /// Takes the worker's map when it is done and still wanted.
    fn poll(&mut self, ex: &Explorer) -> bool {
        let Some((slot, _)) = &self.job else {
            return false;
        };
        let Some((key, result)) = slot.lock().ok().and_then(|mut s| s.take()) else {
            return false;
        };
        let Some((_, input)) = self.job.take() else {
            return false;
        };
        if Some(key) != self.wanted || key.generation != ex.generation {
            return false;
        }
        self.take(ex, key, input, result);
        true
    }

    fn take(
        &mut self,
        ex: &Explorer,
        key: ExplainKey,
        input: Array3<f32>,
        result: engine::Result<Attribution>,
    ) {
        match result {
            Ok(attribution) => {
                let stage_mean = (attribution.method == Method::GradCam)
                    .then(|| {
                        ex.trace
                            .get(attribution.stage)?
                            .as_maps()?
                            .mean_axis(Axis(0))
                    })
                    .flatten();
                self.taken += 1;
                self.result = Some(Explained {
                    key,
                    plane: attribution.map.plane(),
                    attribution,
                    input,
                    stage_mean,
                    stamp: self.taken,
                });
                self.error = None;
            }
            Err(e) => {
                self.result = None;
                self.error = Some(e.to_string());
            }
        }
    }
}
