//! The central view of the selected stage: `view` picks the view for its layer kind (one file
//! per kind), `common` holds what they share, `arith` the arithmetic side panel.

pub(crate) mod arith;
pub(crate) mod common;
pub(crate) mod conv;
mod conv_try;
pub(crate) mod dense;
pub(crate) mod dropout;
pub(crate) mod examples;
pub(crate) mod feature_vis;
pub(crate) mod flatten;
pub(crate) mod history;
pub(crate) mod merge;
pub(crate) mod pool;
pub(crate) mod spectrogram_axes;
pub(crate) mod units;
pub(crate) mod unlike;
pub(crate) mod view;
