//! What several views draw with: stacks of feature maps and their colour legend, the texture
//! cache, plot axes and legend keys, controls that keep their place, the in-app file browser,
//! and the record of where each view a lesson can name was drawn (`view_rects`).

pub(crate) mod file_browser;
pub(crate) mod maps;
pub(crate) mod plot_axis;
pub(crate) mod plot_legend;
pub(crate) mod steady;
pub(crate) mod textures;
pub(crate) mod view_rects;
