//! The input side: the panel (samples, pictures, the drawing canvas, noise, a recording's
//! waveform and spectrogram), what the app ships and finds (samples), and opening a model with
//! the input settings remembered for it (the settings dialog and its form).

pub mod audio;
pub mod canvas;
pub mod dialog;
pub mod form;
pub mod model_inputs;
pub mod model_open;
pub mod noise;
pub mod panel;
pub mod player;
pub mod samples;
