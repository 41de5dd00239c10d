//! What we measure about a network: similarities under translation, sweeps, receptive fields,
//! what each layer costs, and how two networks compare on the same test examples.

pub mod arithmetic;
pub mod attribution;
pub mod channel_examples;
pub mod consistency;
pub mod conv_try;
pub mod cost;
pub(crate) mod familiarity;
pub mod feature_vis;
pub mod paired;
pub(crate) mod pooling;
pub mod robustness;
pub mod similarity;
pub(crate) mod stride;
pub mod sweep;

pub(crate) use stride::receptive_fields;
pub use sweep::{ShiftResult, SweepAxis, shifts, sweep, trace};
pub(crate) use sweep::{argmax, mean_by_distance, probabilities, shift_grid, unshifted_class};
