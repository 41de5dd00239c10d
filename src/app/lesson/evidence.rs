//! The evidence a lesson step measures over a test set (`paired`, `consistency`,
//! `test_noise`), computed on background threads so no frame waits for it: each request runs
//! once and its facts are kept for as long as the app is open (the sample models and test
//! sets do not change under it); until they arrive the step shows `…`. The results are kept
//! for the process, keyed by the request and the model files it read (their size and time),
//! so an app opened again in the same process, as the tests do many times and at once, finds
//! them measured, or waits for the one measurement under way, instead of measuring again.

use super::test_sets::{TestSets, data_of};
use crate::analysis::consistency::consistency_by_bound;
use crate::analysis::robustness::{ExampleOutcome, Noise, example_outcomes};
use crate::app::input::samples::SampleModel;
use crate::data::recipe::pool_mode;
use crate::engine::{Model, PoolMode, RunOptions};
use crate::io::Fill;
use crate::lesson::facts::CONSISTENCY_BOUNDS;
use crate::lesson::{Facts, Step};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::sync::{Arc, LazyLock, Mutex, OnceLock};
use std::time::SystemTime;

/// One measurement a step asks for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Request {
    /// Two models on the same test examples.
    Paired(String, String),
    /// One model's shift consistency for every bound of [`CONSISTENCY_BOUNDS`].
    Consistency(String),
    /// Models over their test set with this noise (as `Display` writes it) and seed.
    TestNoise {
        models: Vec<String>,
        noise: String,
        seed: u64,
    },
}

impl Request {
    /// What `step` asks for, with `noise` (and its seed) the noise in force at the step.
    pub fn of_step(step: &Step, noise: Option<(Noise, u64)>) -> Vec<Request> {
        let mut out: Vec<Request> = step
            .paired
            .iter()
            .map(|[a, b]| Request::Paired(a.clone(), b.clone()))
            .collect();
        out.extend(step.consistency.iter().cloned().map(Request::Consistency));
        if let (false, Some((noise, seed))) = (step.test_noise.is_empty(), noise) {
            out.push(Request::TestNoise {
                models: step.test_noise.clone(),
                noise: noise.to_string(),
                seed,
            });
        }
        out
    }

    /// The sample models it reads.
    fn models(&self) -> Vec<&str> {
        match self {
            Request::Paired(a, b) => vec![a, b],
            Request::Consistency(m) => vec![m],
            Request::TestNoise { models, .. } => models.iter().map(String::as_str).collect(),
        }
    }

    /// Its facts while it is being measured: every name it will fill, as `…`.
    fn pending(&self) -> Facts {
        let mut facts = Facts::default();
        match self {
            Request::Paired(a, b) => facts.add_pending_paired((a, b)),
            Request::Consistency(m) => facts.add_pending_consistency(m),
            Request::TestNoise { models, .. } => facts.add_pending_test_noise(models),
        }
        facts
    }

    /// Measures it (on the calling thread): `model(name)` loads a sample model.
    pub fn measure(
        &self,
        model: &dyn Fn(&str) -> Result<Model, String>,
        sets: &TestSets,
    ) -> Result<Facts, String> {
        let mut facts = Facts::default();
        match self {
            Request::Paired(a, b) => {
                let (ma, mb) = (model(a)?, model(b)?);
                let (key, other) = (data_of(&ma)?.1, data_of(&mb)?.1);
                if key != other {
                    return Err(format!(
                        "{a} and {b} were tested on different data ({key}; {other}): a paired test needs the same examples"
                    ));
                }
                let (right_a, _) = sets.right(a, &ma)?;
                let (right_b, _) = sets.right(b, &mb)?;
                facts.add_paired((a, b), (&right_a, &right_b));
            }
            Request::Consistency(name) => {
                let m = model(name)?;
                let (set, _) = sets.for_model(&m)?;
                let results = consistency_by_bound(
                    &m,
                    set.len(),
                    &|i| set.example(i),
                    &CONSISTENCY_BOUNDS,
                    Fill::Zero,
                    &RunOptions::default(),
                    0,
                )
                .map_err(|e| format!("{name}: {e}"))?;
                facts.add_consistency(name, &results);
            }
            Request::TestNoise {
                models,
                noise,
                seed,
            } => {
                let noise = crate::analysis::robustness::parse_noise_or_none(noise)
                    .map_err(|e| format!("noise {e}"))?
                    .ok_or_else(|| "test_noise needs noise on the input".to_string())?;
                let mut runs: Vec<(&str, String, Vec<ExampleOutcome>)> = Vec::new();
                for name in models {
                    let m = model(name)?;
                    let (own, other, key) = noise_outcomes(&m, noise, *seed, sets)?;
                    facts.add_test_noise(name, &own, other.as_deref());
                    runs.push((name, key, own));
                }
                for (i, (a, key_a, own_a)) in runs.iter().enumerate() {
                    for (b, key_b, own_b) in &runs[i + 1..] {
                        if key_a == key_b {
                            facts.add_test_noise_pair((a, b), (own_a, own_b));
                        }
                    }
                }
            }
        }
        Ok(facts)
    }
}

/// `model` over its test set with `noise`: per example, in the pooling it was trained with
/// and (when that is max or average) with the same weights in the other; and the test set's
/// key.
#[allow(clippy::type_complexity)]
fn noise_outcomes(
    model: &Model,
    noise: Noise,
    seed: u64,
    sets: &TestSets,
) -> Result<(Vec<ExampleOutcome>, Option<Vec<ExampleOutcome>>, String), String> {
    let (set, key) = sets.for_model(model)?;
    let example = |i: usize| set.noisy_example(model, noise, seed, i);
    let run = |pool_mode: Option<PoolMode>| {
        let options = RunOptions {
            pool_mode,
            dropout: None,
        };
        example_outcomes(model, set.len(), &example, &options)
            .map_err(|e| format!("{}: {e}", model.info.name))
    };
    let other = match pool_mode(model) {
        Some(PoolMode::Max) => Some(PoolMode::Avg),
        Some(PoolMode::Avg) => Some(PoolMode::Max),
        _ => None,
    };
    let own = run(None)?;
    let other = other.map(|m| run(Some(m))).transpose()?;
    Ok((own, other, key))
}

/// A measurement of this process: done, or being done by the first job that asked for it.
type Slot = Arc<OnceLock<Result<Facts, String>>>;

/// A request over particular model files: a file changed on disk is another measurement.
#[derive(Debug, PartialEq, Eq, Hash)]
struct MemoKey {
    request: Request,
    files: Vec<(PathBuf, Option<u64>, Option<SystemTime>)>,
}

/// Every measurement of this process, by what it measured.
static MEASURED: LazyLock<Mutex<HashMap<MemoKey, Slot>>> = LazyLock::new(Mutex::default);

/// The process's slot for `request` over the model files `paths`.
fn slot(request: &Request, paths: &HashMap<String, PathBuf>) -> Slot {
    let files = request
        .models()
        .into_iter()
        .filter_map(|name| paths.get(name))
        .map(|path| {
            let meta = std::fs::metadata(path).ok();
            let len = meta.as_ref().map(std::fs::Metadata::len);
            (path.clone(), len, meta.and_then(|m| m.modified().ok()))
        })
        .collect();
    let key = MemoKey {
        request: request.clone(),
        files,
    };
    let mut measured = MEASURED.lock().unwrap_or_else(|e| e.into_inner());
    Arc::clone(measured.entry(key).or_default())
}

/// The requests under way, their results, and the test sets they share.
#[derive(Default)]
pub struct Evidence {
    done: HashMap<Request, Result<Facts, String>>,
    running: HashMap<Request, Receiver<Result<Facts, String>>>,
    /// What the current step asks for, in order.
    current: Vec<Request>,
    sets: Arc<TestSets>,
}

impl std::fmt::Debug for Evidence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Evidence")
            .field("done", &self.done.keys().collect::<Vec<_>>())
            .field("running", &self.running.keys().collect::<Vec<_>>())
            .field("current", &self.current)
            .finish()
    }
}

impl Evidence {
    /// Asks for `requests` (the current step's): takes what finished, and starts on a
    /// background thread each one neither done nor under way. A model missing from `models`
    /// is an error at once (`no_model` words it).
    pub fn want(
        &mut self,
        requests: Vec<Request>,
        models: &[SampleModel],
        no_model: &dyn Fn(&str) -> String,
        ctx: &egui::Context,
    ) {
        self.poll();
        for request in &requests {
            if self.done.contains_key(request) || self.running.contains_key(request) {
                continue;
            }
            let mut paths: HashMap<String, PathBuf> = HashMap::new();
            let mut missing = None;
            for name in request.models() {
                match models.iter().find(|m| m.name == name) {
                    Some(m) => {
                        paths.insert(name.to_string(), m.path.clone());
                    }
                    None => {
                        missing = Some(name);
                        break;
                    }
                }
            }
            if let Some(name) = missing {
                self.done.insert(request.clone(), Err(no_model(name)));
                continue;
            }
            let slot = slot(request, &paths);
            if let Some(measured) = slot.get() {
                self.done.insert(request.clone(), measured.clone());
                continue;
            }
            let (tx, rx) = channel();
            let (job, sets, ctx) = (request.clone(), Arc::clone(&self.sets), ctx.clone());
            crate::app::shell::background::spawn(move || {
                let load = |name: &str| {
                    let path = paths
                        .get(name)
                        .ok_or_else(|| format!("no sample model \"{name}\""))?;
                    crate::io::load_model(path).map_err(|e| e.to_string())
                };
                let result = slot.get_or_init(|| job.measure(&load, &sets)).clone();
                tx.send(result).ok();
                ctx.request_repaint();
            });
            self.running.insert(request.clone(), rx);
        }
        self.current = requests;
    }

    /// Takes the results of the jobs that finished.
    fn poll(&mut self) {
        let mut finished = Vec::new();
        for (request, rx) in &self.running {
            match rx.try_recv() {
                Ok(result) => finished.push((request.clone(), result)),
                Err(TryRecvError::Empty) => {}
                Err(TryRecvError::Disconnected) => finished.push((
                    request.clone(),
                    Err("the measurement stopped without a result".into()),
                )),
            }
        }
        for (request, result) in finished {
            self.running.remove(&request);
            self.done.insert(request, result);
        }
    }

    /// Whether any measurement is still under way.
    pub fn measuring(&self) -> bool {
        !self.running.is_empty()
    }

    /// The current step's evidence: each finished measurement's facts, `…` for the others.
    pub fn facts(&self) -> Facts {
        let mut facts = Facts::default();
        for request in &self.current {
            match self.done.get(request) {
                Some(Ok(done)) => facts.extend_from(done),
                Some(Err(_)) => {}
                None => facts.extend_from(&request.pending()),
            }
        }
        facts
    }

    /// Why a current measurement failed, one message each.
    pub fn errors(&self) -> Vec<&str> {
        self.current
            .iter()
            .filter_map(|r| self.done.get(r)?.as_ref().err())
            .map(String::as_str)
            .collect()
    }
}
