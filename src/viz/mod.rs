//! Pure drawing helpers: colour maps, tensors to pixels, grids of map tiles and PNG export.
//! Nothing here holds state or talks to a window, so all of it is unit-tested.

pub mod colormap;
pub mod export;
pub mod grid;
pub mod raster;
pub mod waveform;

pub use colormap::{Rgb, diverging, sequential};
pub use grid::GridLayout;
pub use raster::{Scale, plane_rgba, to_color_image};
