//! The explorer: one network on one input, every stage's output, and the views of them. Its
//! state (`state`, with `controls` and `prepare`) is plain data; `net`, `run` and `switch`
//! make and run the network (off the UI thread when it is big); `stage` and `strip` draw it.

pub mod arith;
pub mod controls;
pub mod net;
pub mod pooling;
pub mod prepare;
pub mod run;
pub mod stage;
pub mod state;
pub mod strip;
pub mod switch;
