//! Where each map tile goes in a grid, and which tile and cell a point falls on.

/// A grid of `count` tiles of `tile` (w,h) points with `gap` between them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct GridLayout {
    pub count: usize,
    pub cols: usize,
    pub tile: (f32, f32),
    pub gap: f32,
}

impl GridLayout {
    /// A near-square grid: `ceil(sqrt(count))` columns, or fewer when `max_cols` says so.
    pub(crate) fn square(count: usize, tile: (f32, f32), gap: f32, max_cols: usize) -> GridLayout {
        let cols = ((count as f64).sqrt().ceil() as usize).clamp(1, max_cols.max(1));
        GridLayout {
            count,
            cols,
            tile,
            gap,
        }
    }

    pub(crate) fn rows(&self) -> usize {
        self.count.div_ceil(self.cols.max(1))
    }

    /// Total (width, height).
    pub(crate) fn size(&self) -> (f32, f32) {
        let cols = self.cols.min(self.count.max(1)) as f32;
        let rows = self.rows() as f32;
        (
            cols * self.tile.0 + (cols - 1.0).max(0.0) * self.gap,
            rows * self.tile.1 + (rows - 1.0).max(0.0) * self.gap,
        )
    }

    /// Top-left corner of tile `i`, relative to the grid's corner.
    pub(crate) fn tile_origin(&self, i: usize) -> (f32, f32) {
        let (col, row) = (i % self.cols.max(1), i / self.cols.max(1));
        (
            col as f32 * (self.tile.0 + self.gap),
            row as f32 * (self.tile.1 + self.gap),
        )
    }

    /// The tile under `pos_in_grid`, or `None` in a gap or outside.
    pub(crate) fn tile_at(&self, pos_in_grid: (f32, f32)) -> Option<usize> {
        let (x, y) = pos_in_grid;
        if x < 0.0 || y < 0.0 {
            return None;
        }
        let col = (x / (self.tile.0 + self.gap)) as usize;
        let row = (y / (self.tile.1 + self.gap)) as usize;
        let (ox, oy) = (
            col as f32 * (self.tile.0 + self.gap),
            row as f32 * (self.tile.1 + self.gap),
        );
        let i = row * self.cols + col;
        (col < self.cols && i < self.count && x - ox < self.tile.0 && y - oy < self.tile.1)
            .then_some(i)
    }
}

/// The cell (row, column) of a `map_hw` map drawn over `tile` points that `pos_in_tile` hits.
pub(crate) fn cell_in_map(
    pos_in_tile: (f32, f32),
    tile: (f32, f32),
    map_hw: (usize, usize),
) -> Option<(usize, usize)> {
    let (x, y) = pos_in_tile;
    if x < 0.0 || y < 0.0 || x >= tile.0 || y >= tile.1 || map_hw.0 == 0 || map_hw.1 == 0 {
        return None;
    }
    let row = ((y / tile.1) * map_hw.0 as f32) as usize;
    let col = ((x / tile.0) * map_hw.1 as f32) as usize;
    Some((row.min(map_hw.0 - 1), col.min(map_hw.1 - 1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eight_tiles_make_three_columns() {
        let g = GridLayout::square(8, (10.0, 10.0), 2.0, 16);
        assert_eq!((g.cols, g.rows()), (3, 3));
        // 3 tiles of 10 and 2 gaps of 2.
        assert_eq!(g.size(), (34.0, 34.0));
        assert_eq!(g.tile_origin(4), (12.0, 12.0));
    }

    #[test]
    fn points_find_their_tile_and_gaps_find_none() {
        let g = GridLayout::square(8, (10.0, 10.0), 2.0, 16);
        assert_eq!(g.tile_at((5.0, 5.0)), Some(0));
        assert_eq!(g.tile_at((13.0, 1.0)), Some(1));
        assert_eq!(g.tile_at((11.0, 1.0)), None); // gap
        assert_eq!(g.tile_at((25.0, 25.0)), None); // would be tile 8, which does not exist
        assert_eq!(g.tile_at((-1.0, 0.0)), None);
    }

    #[test]
    fn cells_scale_with_the_tile() {
        // A 14x14 map drawn over 70 points: 5 points per cell.
        assert_eq!(
            cell_in_map((0.0, 0.0), (70.0, 70.0), (14, 14)),
            Some((0, 0))
        );
        assert_eq!(
            cell_in_map((12.0, 69.9), (70.0, 70.0), (14, 14)),
            Some((13, 2))
        );
        assert_eq!(cell_in_map((70.0, 1.0), (70.0, 70.0), (14, 14)), None);
    }
}
