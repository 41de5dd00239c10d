//! How long the window's frames take, for checking that nothing freezes it: with
//! `CONVSCOPE_FRAME_STATS=1` in the environment, every frame longer than
//! [`SLOW_FRAME_MS`] is written to stderr as it happens, and a summary every
//! [`REPORT_EVERY`] frames and at exit. The time is eframe's own measure of a frame: the app's
//! `ui` and the rendering, without waiting for vsync.

/// A frame longer than this is a visible stall (the target for a big network's recompute).
pub(crate) const SLOW_FRAME_MS: f32 = 50.0;
const REPORT_EVERY: u64 = 500;

#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct FrameStats {
    enabled: bool,
    frames: u64,
    slow: u64,
    longest_ms: f32,
    /// The app's own part (`ui`) of the previous frame, the rest being rendering.
    ui_ms: f32,
    /// The map textures that frame made, and the milliseconds it took.
    textures: (u32, f32),
}

impl FrameStats {
    /// On when `CONVSCOPE_FRAME_STATS` is set to anything but `0` or empty.
    pub(crate) fn from_env() -> FrameStats {
        let enabled =
            std::env::var("CONVSCOPE_FRAME_STATS").is_ok_and(|v| !v.is_empty() && v != "0");
        FrameStats {
            enabled,
            ..FrameStats::default()
        }
    }

    /// Records the previous frame's time (`None` on the first frame); returns what to write.
    pub(crate) fn record(&mut self, seconds: Option<f32>) -> Option<String> {
        let ms = seconds? * 1000.0;
        if !self.enabled {
            return None;
        }
        self.frames += 1;
        self.longest_ms = self.longest_ms.max(ms);
        if ms > SLOW_FRAME_MS {
            self.slow += 1;
            let ui = self.ui_ms;
            let (made, made_ms) = self.textures;
            return Some(format!(
                "frame {}: {ms:.1} ms (slow; the app's ui {ui:.1} ms, of which {made} textures \
                 {made_ms:.1} ms; rendering the rest)",
                self.frames
            ));
        }
        self.frames
            .is_multiple_of(REPORT_EVERY)
            .then(|| self.summary())
    }

    /// Frames so far, how many were slow, and the longest.
    pub(crate) fn summary(&self) -> String {
        format!(
            "frames: {}, over {SLOW_FRAME_MS} ms: {}, longest {:.1} ms",
            self.frames, self.slow, self.longest_ms
        )
    }

    /// The app's `ui` of this frame took `seconds` (reported with the frame's total).
    /// `textures` is how many textures it made and in how long.
    pub(crate) fn ui_took(&mut self, seconds: f32, textures: (u32, std::time::Duration)) {
        self.ui_ms = seconds * 1000.0;
        self.textures = (textures.0, textures.1.as_secs_f32() * 1000.0);
    }

    pub(crate) fn enabled(&self) -> bool {
        self.enabled
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_slow_frames_and_the_longest_only_when_enabled() {
        let mut off = FrameStats::default();
        assert_eq!(off.record(Some(0.2)), None);
        assert_eq!(off.frames, 0);
        let mut on = FrameStats {
            enabled: true,
            ..FrameStats::default()
        };
        assert_eq!(on.record(None), None, "the first frame has no time yet");
        assert_eq!(on.record(Some(0.010)), None);
        let slow = on.record(Some(0.080)).expect("a slow frame is reported");
        assert!(slow.contains("80.0 ms"), "{slow}");
        assert_eq!(on.summary(), "frames: 2, over 50 ms: 1, longest 80.0 ms");
    }
}
