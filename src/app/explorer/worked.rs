//! Results made on a worker thread, one job at a time, and kept per key: the machinery the
//! "What excites it" panel's rankings and feature visualisations share. A job shows its
//! progress, stops when asked (or when nobody waits for it any more), and a key the user
//! stopped is not started again by itself.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};

/// What a stopped worker returns (never kept).
pub(crate) const CANCELLED: &str = "cancelled";

/// What a worker reports while it runs, and the flag that stops it.
#[derive(Default)]
pub(crate) struct Progress {
    pub done: AtomicUsize,
    /// 0 until the worker knows.
    pub total: AtomicUsize,
    pub cancel: AtomicBool,
}

struct Job<K, T> {
    key: K,
    rx: Receiver<Result<T, String>>,
    progress: Arc<Progress>,
}

impl<K, T> Drop for Job<K, T> {
    /// A job nobody waits for stops working.
    fn drop(&mut self) {
        self.progress.cancel.store(true, Ordering::Relaxed);
    }
}

/// The results kept (the oldest dropped past `KEPT`), the job running and the key stopped.
pub(crate) struct Worked<K, T, const KEPT: usize> {
    kept: Vec<(K, Result<Arc<T>, String>)>,
    job: Option<Job<K, T>>,
    stopped: Option<K>,
}

impl<K, T, const KEPT: usize> Default for Worked<K, T, KEPT> {
    fn default() -> Self {
        Worked {
            kept: Vec::new(),
            job: None,
            stopped: None,
        }
    }
}

impl<K: Clone + PartialEq + Send + 'static, T: Send + 'static, const KEPT: usize>
    Worked<K, T, KEPT>
{
    pub(crate) fn busy(&self) -> bool {
        self.job.is_some()
    }

    /// The finished result for `key` (or why there is none).
    pub(crate) fn get(&self, key: &K) -> Option<&Result<Arc<T>, String>> {
        self.kept.iter().find(|(k, _)| k == key).map(|(_, r)| r)
    }

    /// The progress of the running job for `key`.
    pub(crate) fn progress(&self, key: &K) -> Option<&Progress> {
        self.job
            .as_ref()
            .filter(|j| &j.key == key)
            .map(|j| &*j.progress)
    }

    pub(crate) fn was_stopped(&self, key: &K) -> bool {
        self.stopped.as_ref() == Some(key)
    }

    /// Runs `work` for `key` on a worker thread unless its result is kept, it is running or
    /// the user stopped it (`again` starts a stopped one). A running job for another key is
    /// dropped, which stops it.
    pub(crate) fn want(
        &mut self,
        key: K,
        again: bool,
        ctx: &egui::Context,
        work: impl FnOnce(&K, &Progress) -> Result<T, String> + Send + 'static,
    ) {
        let running = self.job.as_ref().is_some_and(|j| j.key == key);
        if self.get(&key).is_some() || running || (self.was_stopped(&key) && !again) {
            return;
        }
        self.stopped = None;
        let (tx, rx) = channel();
        let progress = Arc::new(Progress::default());
        let (p, k, ctx) = (Arc::clone(&progress), key.clone(), ctx.clone());
        crate::app::shell::background::spawn(move || {
            tx.send(work(&k, &p)).ok();
            ctx.request_repaint();
        });
        self.job = Some(Job { key, rx, progress });
    }

    /// Stops the running job; its key is not started again by itself.
    pub(crate) fn cancel(&mut self) {
        if let Some(job) = self.job.take() {
            self.stopped = Some(job.key.clone());
        }
    }

    /// Keeps a finished job's result; `lost` is the error when the worker died without one.
    pub(crate) fn poll(&mut self, lost: &str) {
        let Some(job) = &self.job else { return };
        let result = match job.rx.try_recv() {
            Ok(r) => r.map(Arc::new),
            Err(TryRecvError::Empty) => return,
            Err(TryRecvError::Disconnected) => Err(lost.to_string()),
        };
        let key = job.key.clone();
        self.job = None;
        if result.as_ref().is_err_and(|e| e == CANCELLED) {
            return;
        }
        if self.kept.len() >= KEPT {
            drop(self.kept.remove(0));
        }
        self.kept.push((key, result));
    }
}

/// The textures kept in `slot` when they are `key`'s, else `make()`'s, kept for next time: a
/// result's pictures uploaded once, not every frame.
pub(crate) fn textures_once<K: Clone + PartialEq>(
    slot: &mut Option<(K, Vec<egui::TextureHandle>)>,
    key: &K,
    make: impl FnOnce() -> Vec<egui::TextureHandle>,
) -> Vec<egui::TextureHandle> {
    match slot {
        Some((k, t)) if k == key => t.clone(),
        _ => {
            let t = make();
            *slot = Some((key.clone(), t.clone()));
            t
        }
    }
}
