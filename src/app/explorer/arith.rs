//! The arithmetic panel's state: which output cell it shows and the clock of the animation
//! that slides the kernel cell by cell. Drawn by `stage::arith`.

use crate::analysis::arithmetic::next_cell;
use crate::engine::Tensor;

/// The cell the panel shows and the animation's clock: view state, no drawing.
#[derive(Debug, Clone, PartialEq)]
pub struct ArithState {
    /// The panel is open.
    pub show: bool,
    /// The output cell (channel, row, column) shown when none is hovered; a dense unit is
    /// (0, 0, unit).
    pub cell: Option<(usize, usize, usize)>,
    /// The input channel whose numbers are written out.
    pub in_channel: usize,
    pub animating: bool,
    pub next_at: f64,
    /// Cells per second while animating (the teacher's slider).
    pub speed: f32,
}

impl Default for ArithState {
    fn default() -> Self {
        ArithState {
            // Closed until asked for (the toggle, or a key that picks a cell): open, it takes
            // a third of the width from the maps at 1280x800.
            show: false,
            cell: None,
            in_channel: 0,
            animating: false,
            next_at: 0.0,
            speed: 4.0,
        }
    }
}

/// The output of a stage as (channels, rows, columns); a vector is one row.
fn dims(t: &Tensor) -> (usize, usize, usize) {
    match t {
        Tensor::Maps(a) => a.dim(),
        Tensor::Vector(v) => (1, 1, v.len()),
    }
}

/// The (channel, row, column) of the largest value of `t` (a vector is one row).
fn strongest(t: &Tensor) -> Option<(usize, usize, usize)> {
    let (_, h, w) = dims(t);
    if h * w == 0 {
        return None;
    }
    let i = match t {
        Tensor::Maps(a) => crate::engine::argmax(a.as_slice()?),
        Tensor::Vector(v) => crate::engine::argmax(v.as_slice()?),
    };
    Some((i / (h * w), (i / w) % h, i % w))
}

impl ArithState {
    /// The selected cell, clamped into `t`'s output (or `None` when nothing is selected).
    pub fn cell_in(&self, t: &Tensor) -> Option<(usize, usize, usize)> {
        let (c, h, w) = dims(t);
        let (ch, y, x) = self.cell?;
        (c > 0 && h > 0 && w > 0).then(|| (ch.min(c - 1), y.min(h - 1), x.min(w - 1)))
    }

    /// The cell the panel shows in `t`: the selected one, or without a selection the
    /// strongest output (the selection stays empty, so the first key still starts at the
    /// top-left cell and a hover still picks).
    pub fn shown_in(&self, t: &Tensor) -> Option<(usize, usize, usize)> {
        self.cell_in(t).or_else(|| strongest(t))
    }

    /// Moves the selected cell by (channels, rows, columns) within `t`, starting at the
    /// top-left cell of channel 0 when none is selected.
    pub fn step(&mut self, t: &Tensor, (dc, dy, dx): (i32, i32, i32)) {
        let (c, h, w) = dims(t);
        if c == 0 || h == 0 || w == 0 {
            return;
        }
        let Some((ch, y, x)) = self.cell_in(t) else {
            self.cell = Some((0, 0, 0));
            return;
        };
        let add =
            |v: usize, d: i32, n: usize| (v as i64 + d as i64).clamp(0, n as i64 - 1) as usize;
        self.cell = Some((add(ch, dc, c), add(y, dy, h), add(x, dx, w)));
    }

    /// Starts the animation at the top-left cell of the shown channel, or stops it.
    pub fn toggle_animation(&mut self, now: f64) {
        self.animating = !self.animating;
        if self.animating {
            let ch = self.cell.map_or(0, |c| c.0);
            self.cell = Some((ch, 0, 0));
            self.next_at = now + self.seconds_per_cell();
        }
    }

    pub fn seconds_per_cell(&self) -> f64 {
        1.0 / self.speed.clamp(0.25, 100.0) as f64
    }

    /// Advances the animation over `t` when its time has come; returns how long until the
    /// next step while it runs.
    pub fn tick(&mut self, t: Option<&Tensor>, now: f64) -> Option<f64> {
        if !self.animating {
            return None;
        }
        let Some(t) = t else {
            self.animating = false;
            return None;
        };
        if now >= self.next_at {
            let (_, h, w) = dims(t);
            let next = self.cell_in(t).and_then(|cell| next_cell(cell, (h, w)));
            match next {
                Some(cell) => self.cell = Some(cell),
                None => self.animating = false,
            }
            self.next_at = now + self.seconds_per_cell();
        }
        self.animating.then(|| (self.next_at - now).max(0.01))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array3;

    #[test]
    fn step_clamps_and_animation_walks_rows_then_stops() {
        let t = Tensor::Maps(Array3::zeros((2, 2, 3)));
        let mut a = ArithState::default();
        a.step(&t, (0, 0, 1));
        assert_eq!(a.cell, Some((0, 0, 0)));
        a.step(&t, (5, 9, -1));
        assert_eq!(a.cell, Some((1, 1, 0)));
        a.toggle_animation(0.0);
        assert_eq!(a.cell, Some((1, 0, 0)));
        let mut now = 0.0;
        let mut seen = vec![a.cell];
        while a.tick(Some(&t), now).is_some() {
            now += 1.0;
            if seen.last() != Some(&a.cell) {
                seen.push(a.cell);
            }
        }
        assert_eq!(seen.len(), 6, "{seen:?}");
        assert_eq!(a.cell, Some((1, 1, 2)));
        assert!(!a.animating);
    }
}
