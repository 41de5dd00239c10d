//! Where one channel's taps read in its phase planes.

use crate::engine::kernels::phases::Phases;

/// Where the taps are, shared by every channel of a layer.
#[derive(Clone, Copy)]
pub(crate) struct Geometry {
    pub(crate) phases: Phases,
    /// Row stride.
    pub(crate) sh: usize,
    pub(crate) out: (usize, usize),
}
