//! Textures uploaded once per change and reused: keyed by what they show, dropped when the
//! network's outputs change (the explorer's generation), nearest-neighbour so small maps stay
//! crisp.

use crate::viz::Scale;
use egui::{ColorImage, TextureHandle, TextureOptions};
use image::RgbaImage;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// A picture made by [`crate::viz`] as egui takes it.
pub(crate) fn color_image(image: &RgbaImage) -> ColorImage {
    let size = [image.width() as usize, image.height() as usize];
    ColorImage::from_rgba_unmultiplied(size, image.as_raw())
}

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
    /// Channel `channel` of the maps a convolution makes with a tried padding and stride.
    TriedMap {
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
    /// What the network sees, shifted as the lab shifts it.
    ShiftedView,
    /// An audio input's spectrogram in colour (the audio view).
    Spectrogram,
    Canvas,
    /// "Where it looked": the map over the input, and Grad-CAM's over its stage's maps.
    Explain,
    ExplainStage,
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

    /// The many small textures of a network's maps and weights may be made a frame later; the
    /// pictures and legends are made at once.
    fn can_wait(self) -> bool {
        matches!(
            self,
            TexKey::Map { .. }
                | TexKey::Kernel { .. }
                | TexKey::Template { .. }
                | TexKey::Row { .. }
        )
    }
}

/// A colour scale worth keeping between frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScaleKey {
    /// Over every channel of a stage's output.
    Maps(usize),
    /// Over the weights of a (dense) layer, by stage.
    Weights(usize),
}

/// How long one frame may spend making map textures before the rest wait for the next frame:
/// a big network's stage has hundreds of maps, and making them all at once froze the window
/// for a quarter of a second (the limit is 50 ms a frame, drawing included).
pub(crate) const FRAME_BUDGET: Duration = Duration::from_millis(15);

#[derive(Default)]
pub struct Textures {
    generation: u64,
    handles: HashMap<TexKey, TextureHandle>,
    /// The previous generation's textures, shown where this generation's are not made yet.
    previous: HashMap<TexKey, TextureHandle>,
    /// Colour scales that read a whole stage or weight matrix, made once per generation (per
    /// channel or per frame they cost more than the frame has).
    scales: HashMap<ScaleKey, Scale>,
    /// What this frame made so far.
    made: u32,
    spent: Duration,
    /// Whether this frame left a texture for the next one.
    deferred: bool,
    /// Textures that outlive a generation, each with the stamp of what it shows.
    stamped: HashMap<TexKey, (u64, TextureHandle)>,
    /// A transparent texel drawn for a texture that waits for the next frame.
    blank: Option<TextureHandle>,
    /// How many uploads happened, for tests that check textures are reused.
    pub uploads: u64,
}

impl Textures {
    /// Starts a frame; forgets everything drawn for an older generation (keeping it to show
    /// until the new textures are made).
    pub fn start_frame(&mut self, generation: u64) {
        if !self.deferred {
            // Everything the last frame showed was made: the old pictures are not needed.
            self.previous.clear();
        }
        self.made = 0;
        self.spent = Duration::ZERO;
        self.deferred = false;
        if generation != self.generation {
            self.generation = generation;
            self.previous = std::mem::take(&mut self.handles);
            self.scales.clear();
        }
    }

    /// Drops one texture so it is drawn again (e.g. the canvas while drawing).
    pub fn forget(&mut self, key: TexKey) {
        self.handles.remove(&key);
        self.previous.remove(&key);
        self.stamped.remove(&key);
    }

    /// The texture for `key` showing what `stamp` names, made by `make` when the stamp is new:
    /// for pictures that a recompute leaves as they are (a photo shrunk for display took 50
    /// ms to remake after every change of noise or pooling).
    pub fn get_stamped(
        &mut self,
        ctx: &egui::Context,
        key: TexKey,
        stamp: u64,
        make: impl FnOnce() -> RgbaImage,
    ) -> TextureHandle {
        match self.stamped.get(&key) {
            Some((s, h)) if *s == stamp => h.clone(),
            _ => {
                let handle = self.upload(ctx, key, color_image(&make()));
                self.stamped.insert(key, (stamp, handle.clone()));
                handle
            }
        }
    }

    /// The textures this frame made and the time it took (for the frame statistics).
    pub fn frame_work(&self) -> (u32, Duration) {
        (self.made, self.spent)
    }

    /// The scale `key`, computed by `fit` once per generation.
    pub fn scale(&mut self, key: ScaleKey, fit: impl FnOnce() -> Scale) -> Scale {
        *self.scales.entry(key).or_insert_with(fit)
    }

    /// The texture for `key`, made by `make` the first time in this generation. Once this
    /// frame has spent [`FRAME_BUDGET`] on maps, a map's texture waits for the next frame
    /// (one is requested): meanwhile the previous generation's picture, or nothing, is shown.
    pub fn get(
        &mut self,
        ctx: &egui::Context,
        key: TexKey,
        make: impl FnOnce() -> RgbaImage,
    ) -> TextureHandle {
        if let Some(h) = self.handles.get(&key) {
            return h.clone();
        }
        if key.can_wait() && self.made > 0 && self.spent >= FRAME_BUDGET {
            ctx.request_repaint();
            self.deferred = true;
            if let Some(old) = self.previous.get(&key) {
                return old.clone();
            }
            return self
                .blank
                .get_or_insert_with(|| {
                    ctx.load_texture(
                        "blank",
                        ColorImage::new([1, 1], vec![egui::Color32::TRANSPARENT]),
                        TextureOptions::NEAREST,
                    )
                })
                .clone();
        }
        let started = Instant::now();
        let handle = self.upload(ctx, key, color_image(&make()));
        self.made += 1;
        self.spent += started.elapsed();
        self.previous.remove(&key);
        self.handles.insert(key, handle.clone());
        handle
    }

    fn upload(&mut self, ctx: &egui::Context, key: TexKey, image: ColorImage) -> TextureHandle {
        self.uploads += 1;
        ctx.load_texture(format!("{key:?}"), image, key.options())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(shade: u8) -> RgbaImage {
        RgbaImage::from_pixel(2, 2, image::Rgba([shade, shade, shade, 255]))
    }

    fn map(channel: usize) -> TexKey {
        TexKey::Map {
            stage: 1,
            channel,
            shared: true,
        }
    }

    /// A slow map waits for the next frame once the budget is spent, showing the previous
    /// generation's picture meanwhile; the next frame makes it.
    #[test]
    fn maps_over_the_frame_budget_wait_for_the_next_frame() {
        let ctx = egui::Context::default();
        let mut t = Textures::default();
        let slow = |shade| {
            move || {
                std::thread::sleep(FRAME_BUDGET + Duration::from_millis(1));
                image(shade)
            }
        };
        t.start_frame(1);
        let old0 = t.get(&ctx, map(0), slow(10));
        t.start_frame(1);
        let old1 = t.get(&ctx, map(1), slow(10));
        assert_eq!(t.uploads, 2);

        t.start_frame(2);
        let new0 = t.get(&ctx, map(0), slow(20));
        assert_ne!(new0.id(), old0.id(), "a new generation makes its own");
        let waiting = t.get(&ctx, map(1), slow(20));
        assert_eq!(
            waiting.id(),
            old1.id(),
            "over budget: the old picture stays"
        );
        assert_eq!(t.uploads, 3);
        // A picture is never deferred.
        let _picture = t.get(&ctx, TexKey::NetworkView, || image(0));
        assert_eq!(t.uploads, 4);

        t.start_frame(2);
        let made = t.get(&ctx, map(1), slow(20));
        assert_ne!(made.id(), old1.id());
        assert_eq!(t.get(&ctx, map(0), slow(30)).id(), new0.id(), "kept");
        assert_eq!(t.uploads, 5);
    }

    #[test]
    fn a_stamped_texture_outlives_generations_until_its_stamp_changes() {
        let ctx = egui::Context::default();
        let mut t = Textures::default();
        t.start_frame(1);
        let a = t.get_stamped(&ctx, TexKey::Original, 7, || image(1));
        t.start_frame(2);
        assert_eq!(
            t.get_stamped(&ctx, TexKey::Original, 7, || image(2)).id(),
            a.id()
        );
        assert_ne!(
            t.get_stamped(&ctx, TexKey::Original, 8, || image(3)).id(),
            a.id()
        );
        assert_eq!(t.uploads, 2);
    }

    #[test]
    fn a_scale_is_fitted_once_per_generation() {
        let mut t = Textures::default();
        let mut fits = 0;
        let mut fit = || {
            fits += 1;
            Scale::fit(&[0.0, 1.0])
        };
        t.start_frame(1);
        t.scale(ScaleKey::Maps(3), &mut fit);
        t.scale(ScaleKey::Maps(3), &mut fit);
        t.start_frame(2);
        t.scale(ScaleKey::Maps(3), &mut fit);
        assert_eq!(fits, 2);
    }
}
