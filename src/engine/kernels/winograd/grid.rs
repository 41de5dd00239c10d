//! Where a Winograd layer's tiles are: the 4x4 blocks of an output map, and the padded input
//! planes their 6x6 patches are read from (shared by the kernel and its transforms).

/// Positions of a transformed tile (6 x 6).
pub(super) const XI: usize = 36;

/// The tiles of an output map and the padded input they read: each input channel padded
/// and split into four phase planes, plane `r` holding the padded columns `r, r + 4, r + 8,
/// ...`, so that column `jj` of the patches of neighbouring tiles in a row (4 pixels apart)
/// are neighbouring values: one vector load for a panel's tiles.
#[derive(Clone, Copy)]
pub(super) struct Grid {
    /// Output rows and columns.
    pub(super) oh: usize,
    pub(super) ow: usize,
    /// Tiles per row.
    pub(super) tw: usize,
    /// Rows of a padded channel (4 per tile and 2 more) and columns of each of its planes
    /// (a tile's 6 columns reach one plane column past it).
    pub(super) ph: usize,
    pub(super) wq: usize,
}

impl Grid {
    pub(super) fn new(oh: usize, ow: usize) -> Grid {
        let (th, tw) = (oh.div_ceil(4), ow.div_ceil(4));
        Grid {
            oh,
            ow,
            tw,
            ph: 4 * th + 2,
            wq: tw + 1,
        }
    }

    pub(super) fn tiles(&self) -> usize {
        self.oh.div_ceil(4) * self.tw
    }

    /// Values of one plane.
    pub(super) fn plane(&self) -> usize {
        self.ph * self.wq
    }

    /// Values of one padded channel.
    pub(super) fn channel(&self) -> usize {
        4 * self.plane()
    }

    /// Where tile `t`'s patch value (0, 0) is in a padded channel, and its top-left output
    /// pixel. Patch value (`i`, `jj`) is [`Grid::offset`] further on.
    pub(super) fn tile(&self, t: usize) -> (usize, (usize, usize)) {
        let (ty, tx) = (t / self.tw, t % self.tw);
        (4 * ty * self.wq + tx, (4 * ty, 4 * tx))
    }

    /// How far patch value (`i`, `jj`) is from patch value (0, 0) (column `jj` is in plane
    /// `jj % 4`, `jj / 4` columns on).
    pub(super) fn offset(&self, i: usize, jj: usize) -> usize {
        (jj % 4) * self.plane() + i * self.wq + jj / 4
    }
}
