//! What we measure about a network: similarities under translation, sweeps, receptive fields.

pub mod arithmetic;
pub mod consistency;
pub mod familiarity;
pub mod pooling;
pub mod robustness;
pub mod similarity;
pub mod stride;
pub mod sweep;

pub use stride::{Receptive, receptive_fields};
pub use sweep::{
    ShiftResult, StageChange, SweepAxis, argmax, mean_by_distance, probabilities, shift_grid,
    shifts, sweep, trace, unshifted_class,
};
