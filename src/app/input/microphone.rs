//! The microphone's state: the recorder found, the length to record, the recording under way
//! on a worker thread (through the system recorder, `io::record`) with its level, and the
//! last take. `recording.rs` draws it; the shell's `microphone.rs` turns a take into the input.

use crate::io::record::{RecordError, RecordSettings, Recorder, Take, record};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::mpsc::{Receiver, channel};
use std::time::Instant;

/// The lengths offered, in seconds.
pub(crate) const LENGTHS: [f32; 3] = [1.0, 2.0, 3.0];

/// The microphone: the recorder found (or given by a test), the length to record and the
/// recording under way.
pub struct Microphone {
    pub recorder: Option<Recorder>,
    pub seconds: f32,
    pub recording: Option<Recording>,
    /// The last take and the name it has as the input, to save as WAV.
    pub last_take: Option<(String, Arc<Take>)>,
    /// Takes so far (each input is named after its number).
    pub takes: usize,
}

impl Default for Microphone {
    fn default() -> Self {
        Microphone {
            recorder: Recorder::find(),
            seconds: 2.0,
            recording: None,
            last_take: None,
            takes: 0,
        }
    }
}

/// A recording under way on a worker thread.
pub struct Recording {
    level: Arc<AtomicU32>,
    stop: Arc<AtomicBool>,
    started: Instant,
    pub seconds: f32,
    done: Receiver<Result<Take, RecordError>>,
}

impl Recording {
    /// The last chunk's peak, 0 to 1.
    pub(crate) fn level(&self) -> f32 {
        f32::from_bits(self.level.load(Ordering::Relaxed))
    }

    pub(crate) fn elapsed(&self) -> f32 {
        self.started.elapsed().as_secs_f32()
    }
}

impl Microphone {
    /// Starts recording at `rate` (the model's), unless one is under way or there is no
    /// recorder.
    pub(crate) fn start(&mut self, rate: u32, ctx: &egui::Context) -> Result<(), RecordError> {
        if self.recording.is_some() {
            return Ok(());
        }
        let recorder = self.recorder.clone().ok_or(RecordError::NoRecorder)?;
        let settings = RecordSettings {
            seconds: self.seconds,
            rate,
            stop_after_silence: Some(1.0),
        };
        let level = Arc::new(AtomicU32::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (tx, done) = channel();
        let (l, s, c) = (level.clone(), stop.clone(), ctx.clone());
        crate::app::shell::background::spawn(move || {
            let take = record(
                &recorder,
                &settings,
                |peak| {
                    l.store(peak.to_bits(), Ordering::Relaxed);
                    c.request_repaint();
                },
                || !s.load(Ordering::Relaxed),
            );
            tx.send(take).ok();
            c.request_repaint();
        });
        self.recording = Some(Recording {
            level,
            stop,
            started: Instant::now(),
            seconds: self.seconds,
            done,
        });
        Ok(())
    }

    /// Asks the recording under way to stop (it keeps what it has).
    pub(crate) fn stop(&self) {
        if let Some(r) = &self.recording {
            r.stop.store(true, Ordering::Relaxed);
        }
    }

    /// The finished take, once the recording has ended.
    pub(crate) fn poll(&mut self) -> Option<Result<Take, RecordError>> {
        let result = self.recording.as_ref()?.done.try_recv().ok()?;
        self.recording = None;
        Some(result)
    }
}
