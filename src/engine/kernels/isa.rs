//! The vector instruction sets the kernels are compiled for, and which of them this CPU runs
//! (detected once). Every kernel with intrinsics picks its code by this; the portable loops
//! run where it finds none.

use std::sync::OnceLock;

/// The vector instructions a kernel uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Isa {
    /// 8 lanes, 16 registers.
    Avx2,
    /// 16 lanes, 32 registers.
    Avx512,
}

impl Isa {
    /// Every instruction set this CPU can run, the narrowest first (detected once).
    pub(crate) fn available() -> &'static [Isa] {
        static FOUND: OnceLock<Vec<Isa>> = OnceLock::new();
        FOUND.get_or_init(|| {
            let mut found = Vec::new();
            #[cfg(target_arch = "x86_64")]
            {
                use std::arch::is_x86_feature_detected as has;
                if has!("avx2") && has!("fma") {
                    found.push(Isa::Avx2);
                }
                if has!("avx512f") {
                    found.push(Isa::Avx512);
                }
            }
            found
        })
    }

    /// Output pixels in one vector register.
    pub(super) fn lanes(self) -> usize {
        match self {
            Isa::Avx2 => 8,
            Isa::Avx512 => 16,
        }
    }
}
