//! The stage strip across the top: one card per stage (a graph's blocks fold into one card
//! each), the hovered cell linked across neighbouring stages.

pub(crate) mod card_name;
pub(crate) mod hover_link;
pub(crate) mod overview;
pub(crate) mod state;
pub(crate) mod view;
