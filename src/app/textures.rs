//! Textures uploaded once per change and reused: keyed by what they show, dropped when the
//! network's outputs change (the explorer's generation), nearest-neighbour so small maps stay
//! crisp.

use egui::{ColorImage, TextureHandle, TextureOptions};
use std::collections::HashMap;

/// What a texture shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TexKey {
    /// Channel `channel` of stage `stage`'s output; `shared` says which colour scale.
    Map {
        stage: usize,
        channel: usize,
        shared: bool,
    },
    /// One kernel of a conv layer (by stage), output `out`, input `inp`.
    Kernel {
        stage: usize,
        out: usize,
        inp: usize,
    },
    /// Class `class`'s dense weights over channel `channel` (by stage).
    Template {
        stage: usize,
        class: usize,
        channel: usize,
    },
    /// A flattened vector's channel `channel` as one row.
    Row {
        stage: usize,
        channel: usize,
    },
    /// The picture as chosen, and as the network sees it.
    Original,
    NetworkView,
    /// An audio input's spectrogram in colour (the audio view).
    Spectrogram,
    Canvas,
    /// The pooling colour legend of a scale, by its bounds' bits.
    Legend {
        signed: bool,
    },
}

impl TexKey {
    /// Maps, kernels and small pictures are magnified: nearest keeps their cells crisp. The
    /// chosen picture is often larger than where it is shown: shrunk on screen, it is averaged
    /// through mip-maps, not sampled every few pixels (which sparkles on photos).
    pub fn options(self) -> TextureOptions {
        match self {
            TexKey::Original => TextureOptions {
                magnification: egui::TextureFilter::Nearest,
                minification: egui::TextureFilter::Linear,
                mipmap_mode: Some(egui::TextureFilter::Linear),
                ..TextureOptions::NEAREST
            },
            _ => TextureOptions::NEAREST,
        }
    }
}

#[derive(Default)]
pub struct Textures {
    generation: u64,
    handles: HashMap<TexKey, TextureHandle>,
    /// How many uploads happened, for tests that check textures are reused.
    pub uploads: u64,
}

impl Textures {
    /// Forgets everything drawn for an older generation.
    pub fn start_frame(&mut self, generation: u64) {
        if generation != self.generation {
            self.generation = generation;
            self.handles.clear();
        }
    }

    /// Drops one texture so it is drawn again (e.g. the canvas while drawing).
    pub fn forget(&mut self, key: TexKey) {
        self.handles.remove(&key);
    }

    pub fn get(
        &mut self,
        ctx: &egui::Context,
        key: TexKey,
        make: impl FnOnce() -> ColorImage,
    ) -> TextureHandle {
        if let Some(h) = self.handles.get(&key) {
            return h.clone();
        }
        self.uploads += 1;
        let handle = ctx.load_texture(format!("{key:?}"), make(), key.options());
        self.handles.insert(key, handle.clone());
        handle
    }
}
