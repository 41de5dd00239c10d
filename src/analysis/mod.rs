//! What we measure about a network: similarities under translation, sweeps, receptive fields.

pub mod arithmetic;
pub mod consistency;
pub(crate) mod pooling;
pub mod robustness;
pub mod similarity;
pub(crate) mod stride;
pub mod sweep;

pub(crate) use stride::receptive_fields;
pub use sweep::{ShiftResult, SweepAxis, shifts, sweep, trace};
pub(crate) use sweep::{argmax, mean_by_distance, probabilities, shift_grid, unshifted_class};
