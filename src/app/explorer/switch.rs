//! How the explorer changes what it runs: a new model, input, noise or language, and the run
//! that follows. A big network's run (a new model's first one too) goes to a worker thread and
//! everything shown stays as it was, the previous model's maps included, until the run
//! arrives; only then does the new model (with its input) take their place, and a model that
//! fails to run leaves what was loaded. Nothing big is copied on the way: the model is shared
//! with the network made from it and with the worker.

use super::controls::{InputNoise, PoolWindow};
use super::net::{BuiltNet, NetPlan, relocalized};
use super::prepare::{InputImage, Prepared, prepare_input, with_noise};
use super::run::{BACKGROUND_ABOVE, BackgroundRun, Computed, RunRequest, multiply_adds};
use super::state::{Explorer, Incoming, trained_pool_mode};
use crate::engine::{self, Model};
use std::path::PathBuf;
use std::sync::Arc;

impl Explorer {
    /// The model the next maps will come from: one being opened, else the one shown.
    pub fn latest_model(&self) -> &Arc<Model> {
        self.incoming.as_ref().map_or(&self.model, |i| &i.model)
    }

    /// The input the next maps will come from.
    pub fn latest_input(&self) -> &InputImage {
        self.incoming
            .as_ref()
            .and_then(|i| i.input.as_ref())
            .unwrap_or(&self.input)
    }

    /// Whether maps are being computed on a worker thread (the ones shown are the previous).
    pub fn is_running(&self) -> bool {
        self.running.is_some()
    }

    /// Switches to `model` (its pooling mode as trained), keeping the input. False, keeping
    /// everything, when the input cannot be fed to it or it fails to run here; a big model
    /// runs on a worker thread and takes over when its maps arrive (see [`Explorer::poll_run`]).
    pub fn set_model(&mut self, model: Model, path: Option<PathBuf>) -> bool {
        self.switch_model(model, path, None)
    }

    /// Switches to `model` and `input` together (a recording for an audio model that replaces
    /// a picture: neither fits the other's partner); fails, keeping everything, when they do
    /// not run.
    pub fn set_model_and_input(
        &mut self,
        model: Model,
        path: Option<PathBuf>,
        input: InputImage,
    ) -> bool {
        self.switch_model(model, path, Some(input))
    }

    fn switch_model(
        &mut self,
        model: Model,
        path: Option<PathBuf>,
        input: Option<InputImage>,
    ) -> bool {
        let prepared = match prepare_input(
            input.as_ref().unwrap_or(self.latest_input()),
            &model,
            &self.noise,
        ) {
            Ok(p) => p,
            Err(e) => {
                self.last_error = Some(e.to_string());
                return false;
            }
        };
        // A second model opened before the first one's maps arrived replaces it.
        let (input, previous_pool_mode) = match self.incoming.take() {
            Some(i) => (input.or(i.input), i.previous_pool_mode),
            None => (input, self.pool_mode),
        };
        self.pool_mode = trained_pool_mode(&model).unwrap_or(self.pool_mode);
        self.incoming = Some(Incoming {
            model: Arc::new(model),
            path,
            input,
            prepared,
            previous_pool_mode,
        });
        let before = self.generation;
        self.recompute();
        self.running.is_some() || self.generation != before
    }

    fn use_prepared(&mut self, prepared: Prepared) {
        self.clean_pixels = prepared.clean;
        self.pixels = prepared.seen;
        self.noisy_audio = prepared.noisy_audio;
    }

    /// Feeds a new picture; on failure keeps the old one and records the error. With a model
    /// still opening, the picture goes with it.
    pub fn set_input(&mut self, input: InputImage) -> bool {
        match prepare_input(&input, self.latest_model(), &self.noise) {
            Ok(prepared) => {
                match &mut self.incoming {
                    Some(i) => (i.input, i.prepared) = (Some(input), prepared),
                    None => {
                        self.input = input;
                        self.input_version += 1;
                        self.use_prepared(prepared);
                    }
                }
                self.recompute();
                true
            }
            Err(e) => {
                self.last_error = Some(e.to_string());
                false
            }
        }
    }

    /// Sets the noise control and runs the network on the input with the new noise; on
    /// failure keeps the old noise and records the error.
    pub fn set_noise(&mut self, noise: InputNoise) {
        if noise == self.noise {
            return;
        }
        let prepared = match &self.incoming {
            Some(_) => prepare_input(self.latest_input(), self.latest_model(), &noise),
            None => with_noise(&self.input, &self.model, self.clean_pixels.clone(), &noise),
        };
        match prepared {
            Ok(prepared) => {
                self.noise = noise;
                match &mut self.incoming {
                    Some(i) => i.prepared = prepared,
                    None => self.use_prepared(prepared),
                }
                self.recompute();
            }
            Err(e) => self.last_error = Some(e.to_string()),
        }
    }

    /// Shows the model's text (class names, description, kernel names) in `language`: the
    /// same network with other text (no weights copied), the outputs as they are.
    pub fn set_language(&mut self, language: &'static str) {
        if language != self.language {
            self.language = language;
            self.net = relocalized(&self.net, &self.model, language);
        }
    }

    /// Runs the network on the current input with the current switches: here, or on a worker
    /// thread when it is too big for a frame (the previous outputs, and the previous model
    /// while a new one opens, stay until [`Explorer::poll_run`] takes the new ones). On failure
    /// the previous outputs stay and the error is recorded.
    pub fn recompute(&mut self) {
        let request = self.run_request();
        let slow =
            self.always_in_background || multiply_adds(request.net.model()) > BACKGROUND_ABOVE;
        if slow {
            // A run still going is replaced: only the newest result is taken.
            self.running = Some(BackgroundRun::start(request));
            return;
        }
        self.running = None;
        self.finish_run(request.run());
    }

    /// [`Explorer::recompute`] on this thread, whatever the network's size; the engine's error
    /// when the network does not run.
    pub(super) fn recompute_here(&mut self) -> engine::Result<()> {
        let request = self.run_request();
        self.running = None;
        let computed = request.run().inspect_err(|e| self.run_failed(e))?;
        self.take_run(computed);
        Ok(())
    }

    /// The run the current model (or the one opening), input and switches call for.
    fn run_request(&self) -> RunRequest {
        let build = |model: &Arc<Model>| NetPlan::Build {
            model: Arc::clone(model),
            window: self.pool_window,
            language: self.language,
        };
        let (net, pixels, clean) = match &self.incoming {
            Some(i) => (build(&i.model), &i.prepared.seen, &i.prepared.clean),
            None if self.net_stale => (build(&self.model), &self.pixels, &self.clean_pixels),
            None => (
                NetPlan::Ready(BuiltNet {
                    net: Arc::clone(&self.net),
                    window_note: self.window_note.clone(),
                    window_error: None,
                }),
                &self.pixels,
                &self.clean_pixels,
            ),
        };
        RunRequest {
            net,
            pixels: pixels.clone(),
            clean_pixels: self.noise.noise().map(|_| clean.clone()),
            options: self.run_options(),
        }
    }

    /// Takes a finished background run's outputs; true when there were some.
    pub fn poll_run(&mut self) -> bool {
        let Some(result) = self.running.as_ref().and_then(BackgroundRun::take) else {
            return false;
        };
        self.running = None;
        self.finish_run(result);
        true
    }

    fn finish_run(&mut self, result: engine::Result<Computed>) {
        match result {
            Ok(c) => self.take_run(c),
            Err(e) => self.run_failed(&e),
        }
    }

    /// A run that failed leaves the outputs as they were and says why; a new model that does
    /// not run is dropped (what was loaded stays).
    fn run_failed(&mut self, e: &engine::Error) {
        if let Some(i) = self.incoming.take() {
            self.pool_mode = i.previous_pool_mode;
        }
        self.last_error = Some(e.to_string());
    }

    /// A run's outputs replace the shown ones (and a model being opened, the old model).
    fn take_run(&mut self, c: Computed) {
        if let Some(i) = self.incoming.take() {
            self.model = i.model;
            self.model_path = i.path;
            if let Some(input) = i.input {
                self.input = input;
                self.input_version += 1;
            }
            self.use_prepared(i.prepared);
            self.last_error = None;
        }
        self.net_stale = false;
        self.window_note = c.net.window_note;
        if let Some(e) = c.net.window_error {
            self.last_error = Some(e);
            self.pool_window = PoolWindow::AsTrained;
        }
        // The language may have changed while the run was on its way.
        self.net = relocalized(&c.net.net, &self.model, self.language);
        self.probabilities = c.probabilities;
        self.probabilities_no_dropout = c.probabilities_no_dropout;
        self.thumbnail_channels = c.thumbnail_channels;
        self.clean_trace = c.clean_trace;
        self.clean_probabilities = c.clean_probabilities;
        self.trace = c.trace;
        self.generation += 1;
        let stage = self.stage;
        self.select_stage(stage);
    }
}
