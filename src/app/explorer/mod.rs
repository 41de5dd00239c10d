//! The explorer: one network on one input, every stage's output, and the views of them. Its
//! state (`state`, with `controls` and `prepare`) is plain data; `net`, `run` and `switch`
//! make and run the network (off the UI thread when it is big); `stage` and `strip` draw it.

pub(crate) mod arith;
pub(crate) mod controls;
pub(crate) mod conv_try;
pub(crate) mod examples;
pub(crate) mod explain;
pub(crate) mod familiar;
pub(crate) mod feature_vis;
pub(crate) mod net;
pub(crate) mod pooling;
pub(crate) mod prepare;
pub(crate) mod run;
pub(crate) mod stage;
pub(crate) mod state;
pub(crate) mod strip;
pub(crate) mod switch;
pub(crate) mod worked;
