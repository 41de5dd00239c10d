//! Pure drawing helpers: colour maps, tensors to pixels (plain RGBA: [`image::RgbaImage`]),
//! grids of map tiles, PNG export, strokes of a brush to pixels, and how counts are written
//! (`6,272`). Nothing here talks to a window or knows egui (the app turns these pictures into
//! textures), so all of it is unit-tested.

pub mod colormap;
pub mod drawing;
pub mod export;
pub mod grid;
pub mod number;
pub mod raster;
pub mod waveform;

pub use colormap::{Rgb, diverging, sequential};
pub use grid::GridLayout;
pub use raster::{Scale, plane_image, plane_rgba};
