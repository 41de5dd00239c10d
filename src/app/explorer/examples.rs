//! "What excites this channel": the dataset examples of the selected stage's channel, ranked
//! on a worker thread (progress, cancel) and kept per network, stage, channel and data set, so
//! going back to a channel shows its examples at once. Plain state: the panel in
//! `stage::examples` draws it.

use super::state::Explorer;
use super::worked::{CANCELLED, Worked, textures_once};
use crate::analysis::channel_examples::{ExamplesError, Target, cut, top_examples};
use crate::app::train::settings::DataChoice;
use crate::data::examples::{ExampleSet, ExampleSpec};
use crate::engine::{Model, PoolMode, RunOptions};
use crate::viz::examples_grid::crop_image;
use image::RgbaImage;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// How many inputs are shown: a 3x3 grid.
pub(crate) const TOP: usize = 9;

/// Rankings kept (each holds nine small crops).
const CACHED: usize = 24;

/// Where the inputs come from: a bundled set's test split, or a folder of pictures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExampleData {
    Bundled(DataChoice),
    Folder(PathBuf),
}

impl ExampleData {
    /// The set as `--data` names it.
    pub fn spec(&self) -> Result<ExampleSpec, String> {
        match self {
            ExampleData::Bundled(choice) => {
                let spec = match choice {
                    DataChoice::Shapes => crate::data::DataSpec::Shapes(None),
                    other => other.spec(0).map_err(|e| e.to_string())?,
                };
                Ok(ExampleSpec::Set(spec))
            }
            ExampleData::Folder(dir) => Ok(ExampleSpec::Folder(dir.clone())),
        }
    }

    /// Whether `model` reads these inputs (a folder: always offered, its files say).
    pub fn fits(&self, model: &Model) -> bool {
        match self {
            ExampleData::Bundled(choice) => choice.fits(model),
            ExampleData::Folder(_) => true,
        }
    }

    /// The first bundled set `model` reads, if any.
    pub fn first_for(model: &Model) -> Option<ExampleData> {
        DataChoice::ALL
            .into_iter()
            .find(|d| d.fits(model))
            .map(ExampleData::Bundled)
    }
}

/// One of the best inputs, ready to draw.
#[derive(Debug, Clone)]
pub struct Shown {
    pub index: usize,
    /// Its class name (its file name, in a folder).
    pub label: String,
    pub value: f32,
    /// Its strongest cell (row, column).
    pub cell: (usize, usize),
    /// Input rectangle (x0, y0, x1, y1) the crop covers.
    pub crop: (usize, usize, usize, usize),
    pub image: RgbaImage,
}

/// A finished ranking.
#[derive(Debug, Clone)]
pub struct Ranking {
    pub examples: Vec<Shown>,
    /// Inputs looked at.
    pub scanned: usize,
}

/// What a ranking was made for. The network is compared by identity: a retrained or reopened
/// model is another network.
#[derive(Debug, Clone)]
pub struct ExamplesKey {
    net: Arc<Model>,
    pool: PoolMode,
    pub target: Target,
    pub data: ExampleData,
}

impl PartialEq for ExamplesKey {
    fn eq(&self, other: &ExamplesKey) -> bool {
        Arc::ptr_eq(&self.net, &other.net)
            && (self.pool, self.target, &self.data) == (other.pool, other.target, &other.data)
    }
}

impl ExamplesKey {
    /// The ranking `ex` would show now for `channel` of its selected stage on `data`.
    pub fn now(ex: &Explorer, channel: usize, data: ExampleData) -> ExamplesKey {
        ExamplesKey {
            net: Arc::clone(&ex.net),
            pool: ex.pool_mode,
            target: Target {
                stage: ex.stage,
                channel,
            },
            data,
        }
    }
}

/// The set opened last, with the data it is and the network whose input it was read for.
type LastSet = Mutex<Option<(ExampleData, Arc<Model>, Arc<ExampleSet>)>>;

/// The panel's state: whether it is open, what it ranks, the rankings made.
#[derive(Default)]
pub struct ExamplesState {
    pub open: bool,
    /// The panel shows feature visualisation rather than dataset examples.
    pub show_vis: bool,
    /// Feature visualisation of the stage's channels.
    pub vis: super::feature_vis::FeatureVisState,
    pub channel: usize,
    /// `None` until the panel first opens on a model (then the first set it reads).
    pub data: Option<ExampleData>,
    /// The rankings made, the one running and the one the user stopped.
    rankings: Worked<ExamplesKey, Ranking, CACHED>,
    /// The last set opened, for the next ranking on it: (the data, the network's input).
    set: Arc<LastSet>,
    /// The crops of the ranking drawn last, uploaded once.
    textures: Option<(ExamplesKey, Vec<egui::TextureHandle>)>,
}

impl ExamplesState {
    pub fn busy(&self) -> bool {
        self.rankings.busy() || self.vis.busy()
    }

    /// The finished ranking for `key` (or why there is none).
    pub fn ranking(&self, key: &ExamplesKey) -> Option<&Result<Arc<Ranking>, String>> {
        self.rankings.get(key)
    }

    /// (inputs done, inputs in all; 0 while the set loads) of the running job for `key`.
    pub fn progress(&self, key: &ExamplesKey) -> Option<(usize, usize)> {
        let p = self.rankings.progress(key)?;
        Some((
            p.done.load(Ordering::Relaxed),
            p.total.load(Ordering::Relaxed),
        ))
    }

    /// Whether the user stopped the ranking for `key`.
    pub fn was_stopped(&self, key: &ExamplesKey) -> bool {
        self.rankings.was_stopped(key)
    }

    /// Starts ranking for `key` unless it is done, running or was stopped (`again` starts a
    /// stopped one). A running job for another key is dropped, which stops it.
    pub fn want(&mut self, key: ExamplesKey, again: bool, ctx: &egui::Context) {
        let (sets, repaint) = (Arc::clone(&self.set), ctx.clone());
        self.rankings.want(key, again, ctx, move |k, p| {
            rank(k, &sets, &p.done, &p.total, &p.cancel, &repaint)
        });
    }

    /// The textures of `key`'s crops: those made last time when it is the same ranking, else
    /// `make()`'s.
    pub fn textures_for(
        &mut self,
        key: &ExamplesKey,
        make: impl FnOnce() -> Vec<egui::TextureHandle>,
    ) -> Vec<egui::TextureHandle> {
        textures_once(&mut self.textures, key, make)
    }

    /// Stops the running ranking.
    pub fn cancel(&mut self) {
        self.rankings.cancel();
    }

    /// Takes a finished ranking (or feature visualisation) into the cache.
    pub fn poll(&mut self) {
        self.vis.poll();
        self.rankings.poll("the ranking stopped without a result");
    }
}

/// The set for `key`: the one opened last when it is the same data for a network with the same
/// input, else opened now.
fn open_set(key: &ExamplesKey, sets: &LastSet) -> Result<Arc<ExampleSet>, String> {
    let same_input = |m: &Model| m.input == key.net.input && m.info.audio == key.net.info.audio;
    if let Ok(guard) = sets.lock()
        && let Some((data, model, set)) = guard.as_ref()
        && *data == key.data
        && same_input(model)
    {
        return Ok(Arc::clone(set));
    }
    let spec = key.data.spec()?;
    let set = Arc::new(ExampleSet::open(&spec, &key.net, false).map_err(|e| e.to_string())?);
    if let Ok(mut guard) = sets.lock() {
        *guard = Some((key.data.clone(), Arc::clone(&key.net), Arc::clone(&set)));
    }
    Ok(set)
}

fn rank(
    key: &ExamplesKey,
    sets: &LastSet,
    done: &AtomicUsize,
    total: &AtomicUsize,
    cancel: &AtomicBool,
    ctx: &egui::Context,
) -> Result<Ranking, String> {
    let set = open_set(key, sets)?;
    if cancel.load(Ordering::Relaxed) {
        return Err(CANCELLED.into());
    }
    total.store(set.len(), Ordering::Relaxed);
    let model = &key.net;
    let options = RunOptions {
        pool_mode: Some(key.pool),
        dropout: None,
    };
    let tick = || {
        // A repaint now and then, for the progress bar.
        if done.fetch_add(1, Ordering::Relaxed).is_multiple_of(32) {
            ctx.request_repaint();
        }
        !cancel.load(Ordering::Relaxed)
    };
    let best = top_examples(
        model,
        key.target,
        set.len(),
        TOP,
        &|i| set.pixels(i, model),
        &options,
        &tick,
    )
    .map_err(|e| match e {
        ExamplesError::Cancelled => CANCELLED.to_string(),
        e => e.to_string(),
    })?;
    let pictures = set.is_pictures(model);
    let examples = best
        .into_iter()
        .map(|e| {
            let pixels = set.pixels(e.index, model)?;
            Ok(Shown {
                label: set.label(e.index),
                image: crop_image(&cut(&pixels, e.crop), pictures),
                index: e.index,
                value: e.value,
                cell: e.cell,
                crop: e.crop,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(Ranking {
        examples,
        scanned: set.len(),
    })
}
