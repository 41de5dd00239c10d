//! The vector instruction sets the kernels are compiled for, and which of them this CPU runs
//! (detected once). Every kernel with intrinsics picks its code by this; the portable loops
//! run where it finds none.
//!
//! `CONVSCOPE_ISA` (read once, the first time a kernel asks) narrows what the kernels may
//! use, so that the narrower paths can be timed and checked on a machine that has the wider ones:
//! `portable` (no intrinsics), `avx2` (AVX2 + FMA, not AVX-512), `avx512` (everything: the
//! same as leaving it unset). A path the CPU cannot run is never taken whatever it says. The
//! kernels' tests do not rely on it: they run each path in turn ([`Path::run`]).

use std::cell::Cell;
use std::sync::OnceLock;

/// The variable that narrows the instruction sets the kernels use.
pub(crate) const ISA_VARIABLE: &str = "CONVSCOPE_ISA";

/// The vector instructions a kernel uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Isa {
    /// 8 lanes, 16 registers.
    Avx2,
    /// 16 lanes, 32 registers.
    Avx512,
}

/// A set of kernels: the portable loops, or those with intrinsics up to one instruction set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Path {
    /// No intrinsics (what the compiler makes of the loops for the baseline x86-64 or any other
    /// target).
    Portable,
    /// AVX2 and FMA.
    Avx2,
    /// AVX2, FMA and AVX-512F.
    Avx512,
}

thread_local! {
    /// The path this thread is held to ([`Path::run`]), over the variable's.
    static HELD: Cell<Option<Path>> = const { Cell::new(None) };
}

impl Path {
    /// Its name, as `CONVSCOPE_ISA` and `convscope bench` spell it.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Path::Portable => "portable",
            Path::Avx2 => "avx2",
            Path::Avx512 => "avx512",
        }
    }

    /// The path named `name` (`CONVSCOPE_ISA`'s spelling, any case).
    pub(crate) fn parse(name: &str) -> Option<Path> {
        [Path::Portable, Path::Avx2, Path::Avx512]
            .into_iter()
            .find(|p| p.name().eq_ignore_ascii_case(name.trim()))
    }

    /// Every path this CPU can run, the portable one first (what the kernels' tests go over).
    #[cfg(test)]
    pub(crate) fn runnable() -> Vec<Path> {
        let mut paths = vec![Path::Portable];
        paths.extend(detected().iter().map(|&isa| Path::of(isa)));
        paths
    }

    /// The path the kernels take on this thread now: the widest this CPU runs, narrowed by
    /// `CONVSCOPE_ISA` or [`Path::run`].
    pub(crate) fn current() -> Path {
        Isa::available()
            .last()
            .map_or(Path::Portable, |&isa| Path::of(isa))
    }

    /// `f` with this thread's kernels held to this path (or the CPU's widest, when it is
    /// narrower). Only this thread: a kernel that hands work to other threads takes the
    /// path along ([`Path::carry`]).
    pub(crate) fn run<R>(self, f: impl FnOnce() -> R) -> R {
        struct Restore(Option<Path>);
        impl Drop for Restore {
            fn drop(&mut self) {
                HELD.set(self.0);
            }
        }
        let _restore = Restore(HELD.replace(Some(self)));
        f()
    }

    /// This thread's path, for work that another thread does on its behalf
    /// (`path.run(|| ...)` there).
    pub(crate) fn carry() -> Path {
        Path::current()
    }

    fn of(isa: Isa) -> Path {
        match isa {
            Isa::Avx2 => Path::Avx2,
            Isa::Avx512 => Path::Avx512,
        }
    }

    /// The widest instruction set of this path.
    fn widest(self) -> Option<Isa> {
        match self {
            Path::Portable => None,
            Path::Avx2 => Some(Isa::Avx2),
            Path::Avx512 => Some(Isa::Avx512),
        }
    }
}

/// Every instruction set this CPU can run, the narrowest first (detected once).
fn detected() -> &'static [Isa] {
    static FOUND: OnceLock<Vec<Isa>> = OnceLock::new();
    FOUND.get_or_init(|| {
        let mut found = Vec::new();
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::is_x86_feature_detected as has;
            if has!("avx2") && has!("fma") {
                found.push(Isa::Avx2);
                // The AVX-512 kernels use AVX2 and FMA too (the edges of their tiles).
                if has!("avx512f") {
                    found.push(Isa::Avx512);
                }
            }
        }
        found
    })
}

/// The path `CONVSCOPE_ISA` asks for (read once; `None` when unset). A value that names no
/// path is reported on standard error once and ignored.
fn from_variable() -> Option<Path> {
    static ASKED: OnceLock<Option<Path>> = OnceLock::new();
    *ASKED.get_or_init(|| {
        let value = std::env::var(ISA_VARIABLE).ok()?;
        if value.trim().is_empty() {
            return None;
        }
        let path = Path::parse(&value);
        if path.is_none() {
            eprintln!(
                "convscope: {ISA_VARIABLE}={value:?} names no instruction set (portable, \
                 avx2 or avx512); every one this CPU has is used"
            );
        }
        path
    })
}

impl Isa {
    /// The instruction sets the kernels may use, the narrowest first: every one this CPU runs
    /// (detected once), up to the path this thread is held to ([`Path::run`]) or else the one
    /// `CONVSCOPE_ISA` names.
    pub(crate) fn available() -> &'static [Isa] {
        let all = detected();
        match HELD.get().or_else(from_variable) {
            None => all,
            Some(path) => {
                let n = all
                    .iter()
                    .filter(|&&isa| Some(isa) <= path.widest())
                    .count();
                &all[..n]
            }
        }
    }

    /// Output pixels in one vector register.
    pub(super) fn lanes(self) -> usize {
        match self {
            Isa::Avx2 => 8,
            Isa::Avx512 => 16,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_path_holds_the_kernels_to_its_instruction_sets() {
        let paths = Path::runnable();
        assert_eq!(paths[0], Path::Portable);
        for &path in &paths {
            path.run(|| {
                assert_eq!(Path::current(), path);
                let widest = Isa::available().last().copied();
                assert_eq!(widest, path.widest());
                // Nested: the inner path, then the outer one again.
                Path::Portable.run(|| assert!(Isa::available().is_empty()));
                assert_eq!(Path::current(), path);
            });
        }
        // A path wider than the CPU's gives the CPU's.
        Path::Avx512.run(|| assert_eq!(Path::current(), *paths.last().unwrap()));
    }

    #[test]
    fn names_parse_back() {
        for path in [Path::Portable, Path::Avx2, Path::Avx512] {
            assert_eq!(Path::parse(path.name()), Some(path));
        }
        assert_eq!(Path::parse(" AVX2 "), Some(Path::Avx2));
        assert_eq!(Path::parse("sse2"), None);
    }
}
