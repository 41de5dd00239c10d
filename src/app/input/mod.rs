//! The input side: the panel (samples, pictures, the drawing canvas, noise, a recording's
//! waveform and spectrogram), what the app ships and finds (samples), and opening a model with
//! the input settings remembered for it (the settings dialog and its form).

pub(crate) mod audio;
pub(crate) mod canvas;
pub(crate) mod dialog;
pub(crate) mod form;
pub(crate) mod microphone;
pub(crate) mod model_inputs;
pub(crate) mod model_open;
pub(crate) mod noise;
pub(crate) mod panel;
pub(crate) mod player;
pub(crate) mod recording;
pub(crate) mod samples;
