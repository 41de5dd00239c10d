//! Pure drawing helpers: colour maps, tensors to pixels (plain RGBA: [`image::RgbaImage`]),
//! grids of map tiles, PNG export, strokes of a brush to pixels, and how counts are written
//! (`6,272`). Nothing here talks to a window or knows egui (the app turns these pictures into
//! textures), so all of it is unit-tested.

pub(crate) mod colormap;
pub(crate) mod curves;
pub mod drawing;
pub(crate) mod examples_grid;
pub(crate) mod export;
pub(crate) mod grid;
pub(crate) mod heatmap;
pub(crate) mod number;
pub(crate) mod raster;
pub(crate) mod waveform;

pub(crate) use raster::{Scale, plane_image};
