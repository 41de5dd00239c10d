//! Work that runs beside the window (a big network's forward pass, a sweep, training, opening
//! a file) yields the processor to it: its threads run at a lower priority, so that on a
//! 2-core machine whose cores are both computing, the window still draws its frame on time
//! (the UI thread competed on equal terms with the two threads of a ResNet-18 pass).

/// How much lower than the window, as a nice value (0 is normal, 19 the lowest).
pub(crate) const NICENESS: i32 = 10;

/// Runs `work` on a new thread of lower priority.
pub(crate) fn spawn<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> std::thread::JoinHandle<T> {
    std::thread::spawn(move || {
        lower_this_thread();
        work()
    })
}

/// Builds the thread pool that splits one forward pass over the cores with its threads at the
/// same lower priority. A pool that exists already (a second call) stays as it is.
pub(crate) fn init_pool() {
    let built = rayon::ThreadPoolBuilder::new()
        .start_handler(|_| lower_this_thread())
        .build_global();
    drop(built);
}

/// Lowers the calling thread's priority to [`NICENESS`]; where that is not possible, or the
/// thread runs lower already (the program started with `nice -n 19`), it stays. (Run as root,
/// setting it to NICENESS would have raised such a thread above the window.)
#[cfg(target_os = "linux")]
pub(crate) fn lower_this_thread() {
    // On Linux the nice value belongs to each thread, and PRIO_PROCESS with a thread id sets
    // that thread's alone.
    // SAFETY: gettid, getpriority and setpriority take and return plain integers; failure
    // changes nothing.
    unsafe {
        let tid = libc::gettid();
        let now = libc::getpriority(libc::PRIO_PROCESS, tid as libc::id_t);
        libc::setpriority(libc::PRIO_PROCESS, tid as libc::id_t, NICENESS.max(now));
    }
}

#[cfg(not(target_os = "linux"))]
pub fn lower_this_thread() {}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    fn this_threads_niceness() -> i32 {
        // SAFETY: as above.
        unsafe {
            let tid = libc::gettid();
            libc::getpriority(libc::PRIO_PROCESS, tid as libc::id_t)
        }
    }

    #[test]
    fn background_threads_run_below_the_window() {
        let mine = this_threads_niceness();
        let theirs = spawn(this_threads_niceness).join().unwrap();
        assert_eq!(
            theirs,
            NICENESS.max(mine),
            "the window's thread is at {mine}"
        );
        assert_eq!(this_threads_niceness(), mine, "the caller keeps its own");
    }
}
