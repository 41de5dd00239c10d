//! "Where it looked": the attribution maps of [`crate::analysis::attribution`] in the
//! explorer, beside the stage view. `state` holds the choice and the latest map (made off the
//! UI thread when the network is big), `facts` the numbers a lesson quotes, `picture` draws the maps as images, `view` lays out
//! the panel.

pub(crate) mod facts;
pub(crate) mod picture;
pub(crate) mod state;
pub(crate) mod view;
