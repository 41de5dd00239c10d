//! What several views draw with: stacks of feature maps and their colour legend, the texture
//! cache, plot axes and legend keys, controls that keep their place, and the in-app file
//! browser.

pub mod file_browser;
pub mod maps;
pub mod plot_axis;
pub mod plot_legend;
pub mod steady;
pub mod textures;
