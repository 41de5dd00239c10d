//! How a layer's work is shared between threads: not at all, over rayon's threads (a job and
//! a wake-up per layer), or by a crew of helpers that stay awake between layers.
//!
//! Waking a sleeping rayon thread costs tens of microseconds, more on a virtual machine (the
//! other vCPU has halted): more than half of a MobileNet layer. So with rayon alone only the
//! large layers are split (`shared::SPLIT_MACS`). A pass that has the threads to itself
//! ([`lone`], which `convscope bench` enters) gets helpers instead: rayon jobs, spawned on the
//! first split, that spin on one atomic word between layers (yielding their time slice after
//! 50 us) and take tasks from it as soon as they are published; a helper leaves after 1 ms
//! without work (its thread goes back to rayon, which puts it to sleep), and the next split
//! spawns it again. Smaller layers are then worth splitting too.
//!
//! Where several passes already run at once, one per core (the sweep, training, the
//! evaluation loops), [`lone`] is not entered and the layers are split as before: a helper
//! spinning for one pass would take the core another pass needs.
//!
//! A task is the same work whichever thread takes it (blocks of output pixels, panels of
//! weights, blocks of channels: split where the one-thread code already has its seams), so the
//! numbers do not depend on the number of threads.

use super::isa::Path;
use rayon::prelude::*;
use std::cell::{Cell, UnsafeCell};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

/// How long a helper spins without work before it leaves: longer than the gaps between split
/// layers in one pass and between two passes of `convscope bench`; short enough that an idle
/// program does not keep a core busy.
const IDLE: Duration = Duration::from_millis(1);

/// Multiply-adds from which a convolution's matrix product (im2col, pointwise) or a dense
/// layer is shared with the crew. On the 2-core AVX-512 VM (issue 32, a
/// loaded machine), MobileNetV2 on two threads: 6.6-6.9 ms at 1 M, 6.8-7.3 at 6 M (its
/// 14x14 projections, 4.8 M, left on one thread); 9.4 on one thread.
pub(crate) fn gemm_macs() -> usize {
    1 << 20
}

/// Multiply-adds from which a depthwise layer is shared with the crew (fewer products per
/// value read than a matrix product, so a smaller layer is worth splitting). From 128 K:
/// MobileNetV2's 576 channels from 14x14 to 7x7 (254 K multiply-adds) went from 30 to 19 us
/// on two threads.
pub(crate) fn depthwise_macs() -> usize {
    1 << 17
}

/// How long a helper (or the owner waiting for a helper's task) spins before it also lets
/// the operating system run something else between two looks: where more threads want the
/// cores than there are (a build beside the pass), a thread that only spins takes the time
/// slice the other one needs to finish its task.
const SPIN: Duration = Duration::from_micros(50);

/// A short wait between two looks at the claim word: a pause instruction, or a yield of the
/// time slice once `yielding`.
fn pause(yielding: bool) {
    if yielding {
        thread::yield_now();
    } else {
        std::hint::spin_loop();
    }
}

/// Tasks in one published job at most (the width of a field of the claim word).
const MAX_TASKS: usize = (1 << 20) - 1;

thread_local! {
    /// Whether this thread's passes have the threads to themselves ([`lone`]).
    static LONE: Cell<bool> = const { Cell::new(false) };
    /// Whether this thread's crew has a job open (`Split::for_each` below it on the stack).
    static BUSY: Cell<bool> = const { Cell::new(false) };
    /// This thread's crew, made on its first split in a [`lone`] pass.
    static CREW: Arc<Crew> = Arc::new(Crew::new());
}

/// `f` with this thread's layers split by a crew of helpers that stay awake: for a pass that
/// has rayon's threads (of the pool it runs in) to itself, not one of several running at once.
pub fn lone<R>(f: impl FnOnce() -> R) -> R {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            LONE.set(self.0);
        }
    }
    let _restore = Restore(LONE.replace(true));
    f()
}

/// How a piece of work is shared between threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Split {
    /// All of it on the calling thread.
    Serial,
    /// Tasks spread over rayon's threads (one job per layer).
    Rayon,
    /// Tasks taken by the calling thread and its crew (a [`lone`] pass).
    Crew,
}

impl Split {
    /// The split for work of `macs` multiply-adds: by the crew from `crew_macs` up in a
    /// [`lone`] pass, otherwise over rayon's threads from `rayon_macs` up; on the calling
    /// thread when there is one thread.
    pub(crate) fn of(macs: usize, crew_macs: usize, rayon_macs: usize) -> Split {
        if rayon::current_num_threads() < 2 {
            Split::Serial
        } else if LONE.get() {
            if macs >= crew_macs {
                Split::Crew
            } else {
                Split::Serial
            }
        } else if macs >= rayon_macs {
            Split::Rayon
        } else {
            Split::Serial
        }
    }

    /// The split for work the caller has already found large enough: the crew in a [`lone`]
    /// pass, rayon's threads otherwise (serial on one thread).
    pub(crate) fn any() -> Split {
        Split::of(usize::MAX, 0, 0)
    }

    /// Whether the work is shared at all.
    pub(crate) fn splits(self) -> bool {
        self != Split::Serial
    }

    /// The threads that share the work.
    pub(crate) fn threads(self) -> usize {
        match self {
            Split::Serial => 1,
            Split::Rayon | Split::Crew => rayon::current_num_threads(),
        }
    }

    /// `f(0) .. f(tasks - 1)`, each once, in any order and on any of the sharing threads
    /// (each on this thread's instruction-set path, `isa::Path`); returns when all are done.
    pub(crate) fn for_each(self, tasks: usize, f: impl Fn(usize) + Sync) {
        match self {
            _ if tasks < 2 => (0..tasks).for_each(f),
            Split::Serial => (0..tasks).for_each(f),
            Split::Rayon => {
                let path = Path::carry();
                (0..tasks).into_par_iter().for_each(|i| path.run(|| f(i)));
            }
            Split::Crew if tasks > MAX_TASKS => Split::Rayon.for_each(tasks, f),
            // A task that splits again runs its part on its own thread: the crew has one job
            // open at a time.
            Split::Crew if BUSY.get() => (0..tasks).for_each(f),
            Split::Crew => {
                BUSY.set(true);
                let _done = Done;
                CREW.with(|crew| Crew::run(crew, tasks, &f))
            }
        }
    }
}

/// Marks this thread's crew free again when dropped (also when a task panics).
struct Done;
impl Drop for Done {
    fn drop(&mut self) {
        BUSY.set(false);
    }
}

/// The job the owner has published: its tasks and the owner's instruction-set path.
#[derive(Clone, Copy)]
struct Job {
    /// Lives on the owner's stack until every task is done (`Crew::run` waits for that).
    tasks: *const (dyn Fn(usize) + Sync + 'static),
    path: Path,
}

/// One owner thread's crew: what the owner publishes, and how many helpers are awake.
struct Crew {
    owner: ThreadId,
    /// The published job's generation (24 bits), its number of tasks (20 bits, zero while
    /// none is open) and the next task to take (20 bits): a helper takes a task by one
    /// compare-and-swap, which fails if the job changed since it looked.
    claim: AtomicU64,
    /// Tasks of the open job not yet finished.
    pending: AtomicUsize,
    /// Written by the owner only while no job is open (`claim`'s count is zero) and every
    /// task of the last one is finished; read by a helper only after it took a task.
    job: UnsafeCell<Option<Job>>,
    /// Helpers spawned and not yet left.
    awake: AtomicUsize,
    /// A task panicked on a helper (the owner panics in turn).
    panicked: AtomicBool,
}

// SAFETY: `job` is written and read under the protocol documented on it (the claim word's
// release and acquire order the write before every read); the task pointer it holds is to a
// `Sync` closure.
unsafe impl Sync for Crew {}
unsafe impl Send for Crew {}

const COUNT_SHIFT: u32 = 20;
const GEN_SHIFT: u32 = 40;
const FIELD: u64 = (1 << COUNT_SHIFT) - 1;
const GENERATIONS: u64 = (1 << (64 - GEN_SHIFT)) - 1;

impl Crew {
    fn new() -> Crew {
        Crew {
            owner: thread::current().id(),
            claim: AtomicU64::new(0),
            pending: AtomicUsize::new(0),
            job: UnsafeCell::new(None),
            awake: AtomicUsize::new(0),
            panicked: AtomicBool::new(false),
        }
    }

    /// The next task of the open job, taken; `None` when every one is taken.
    fn take(&self) -> Option<usize> {
        let mut word = self.claim.load(Ordering::Acquire);
        loop {
            let (count, next) = ((word >> COUNT_SHIFT) & FIELD, word & FIELD);
            if next >= count {
                return None;
            }
            match self.claim.compare_exchange_weak(
                word,
                word + 1,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => return Some(next as usize),
                Err(now) => word = now,
            }
        }
    }

    /// The owner's side: wakes the helpers that left, publishes `tasks`, takes tasks itself
    /// until none is left, then waits for those the helpers took.
    fn run(crew: &Arc<Crew>, tasks: usize, f: &(dyn Fn(usize) + Sync)) {
        debug_assert_eq!(thread::current().id(), crew.owner);
        let helpers = rayon::current_num_threads().saturating_sub(1);
        while crew.awake.load(Ordering::Acquire) < helpers {
            crew.awake.fetch_add(1, Ordering::AcqRel);
            let crew = Arc::clone(crew);
            rayon::spawn(move || crew.help());
        }
        // SAFETY: only the lifetime is erased; `f` outlives every use of the pointer, as this
        // function returns only once every task is finished (`pending` is zero).
        let tasks_ptr: *const (dyn Fn(usize) + Sync + 'static) =
            unsafe { std::mem::transmute::<*const (dyn Fn(usize) + Sync + '_), _>(f as *const _) };
        let job = Job {
            tasks: tasks_ptr,
            path: Path::carry(),
        };
        // SAFETY: no job is open (the last `run` closed it after all its tasks finished), so
        // no helper reads `job` now.
        unsafe { *crew.job.get() = Some(job) };
        crew.pending.store(tasks, Ordering::Relaxed);
        let generation = ((crew.claim.load(Ordering::Relaxed) >> GEN_SHIFT) + 1) & GENERATIONS;
        let open = (generation << GEN_SHIFT) | ((tasks as u64) << COUNT_SHIFT);
        crew.claim.store(open, Ordering::Release);
        // A task that panics here is held until the helpers' tasks are done: they read `f`.
        let mut failed = None;
        while let Some(i) = crew.take() {
            if let Err(payload) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(i))) {
                failed.get_or_insert(payload);
            }
            crew.pending.fetch_sub(1, Ordering::AcqRel);
        }
        let (mut spins, waiting) = (0u32, Instant::now());
        while crew.pending.load(Ordering::Acquire) != 0 {
            spins = spins.wrapping_add(1);
            pause(spins > 64 && waiting.elapsed() > SPIN);
        }
        // Closed: no task to take until the next job (the generation stays for the next).
        crew.claim.store(generation << GEN_SHIFT, Ordering::Release);
        let helper_failed = crew.panicked.swap(false, Ordering::AcqRel);
        if let Some(payload) = failed {
            std::panic::resume_unwind(payload);
        }
        if helper_failed {
            panic!("a kernel task panicked on a helper thread");
        }
    }

    /// A helper's side: takes tasks as they are published, and leaves after [`IDLE`] without
    /// any (or at once if rayon gave it to the owner's own thread, which is busy being the
    /// owner further up its stack).
    fn help(self: Arc<Crew>) {
        if thread::current().id() != self.owner {
            let mut idle = Instant::now();
            let (mut spins, mut yielding) = (0u32, false);
            loop {
                if let Some(i) = self.take() {
                    // SAFETY: a task was taken, so a job is open and stays so (with its tasks
                    // alive) until this task is counted as finished below.
                    let job = unsafe { (*self.job.get()).expect("an open job") };
                    let tasks = unsafe { &*job.tasks };
                    let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        job.path.run(|| tasks(i))
                    }));
                    if ran.is_err() {
                        self.panicked.store(true, Ordering::Release);
                    }
                    self.pending.fetch_sub(1, Ordering::AcqRel);
                    (idle, yielding) = (Instant::now(), false);
                    continue;
                }
                spins = spins.wrapping_add(1);
                if spins % 64 == 0 {
                    let waited = idle.elapsed();
                    if waited > IDLE {
                        break;
                    }
                    if waited > SPIN {
                        yielding = true;
                    }
                }
                pause(yielding);
            }
        }
        self.awake.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::kernels::tests::thread_pool;

    /// Every task runs once, on the crew's threads and the owner's, job after job (a helper
    /// that sees a job change under it must not take a task of the old one), whichever split.
    #[test]
    fn every_task_runs_once() {
        let two = thread_pool(2);
        for split in [Split::Serial, Split::Rayon, Split::Crew] {
            two.install(|| {
                lone(|| {
                    for round in 0..2000 {
                        let tasks = round % 37;
                        let runs: Vec<AtomicUsize> =
                            (0..tasks).map(|_| AtomicUsize::new(0)).collect();
                        split.for_each(tasks, |i| {
                            runs[i].fetch_add(1, Ordering::Relaxed);
                        });
                        assert!(
                            runs.iter().all(|r| r.load(Ordering::Relaxed) == 1),
                            "{split:?}"
                        );
                    }
                })
            });
        }
    }

    /// A lone pass on two threads splits with the crew; outside one, or on one thread, it
    /// does not.
    #[test]
    fn only_a_lone_pass_uses_the_crew() {
        let (one, two) = (thread_pool(1), thread_pool(2));
        assert_eq!(two.install(|| lone(|| Split::of(10, 5, 100))), Split::Crew);
        assert_eq!(two.install(|| lone(|| Split::of(1, 5, 100))), Split::Serial);
        assert_eq!(two.install(|| Split::of(10, 5, 100)), Split::Serial);
        assert_eq!(two.install(|| Split::of(100, 5, 100)), Split::Rayon);
        assert_eq!(
            one.install(|| lone(|| Split::of(100, 5, 100))),
            Split::Serial
        );
        // The flag is put back.
        two.install(|| {
            lone(|| {});
            assert_eq!(Split::of(10, 5, 100), Split::Serial);
        });
    }

    /// A task that panics on a helper makes the owner panic (it does not wait for ever).
    #[test]
    fn a_panic_on_a_helper_reaches_the_owner() {
        let two = thread_pool(2);
        for _ in 0..20 {
            let helped = AtomicBool::new(false);
            let result = two.install(|| {
                let owner = thread::current().id();
                std::panic::catch_unwind(|| {
                    lone(|| {
                        Split::Crew.for_each(1000, |_| {
                            if thread::current().id() != owner {
                                helped.store(true, Ordering::Relaxed);
                                panic!("on a helper");
                            }
                            std::hint::black_box((0..100).sum::<u64>());
                        })
                    })
                })
            });
            // Either a helper took a task and the owner panicked, or the owner took them all.
            assert_eq!(result.is_err(), helped.load(Ordering::Relaxed));
        }
    }
}
