//! Where the taps of a block across the lanes read: the layer's geometry, and the padded rows
//! a band of output rows needs.

/// Where the taps of one block of channels read, in input pixels.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Layout {
    /// Input rows and columns.
    pub input: (usize, usize),
    /// Output rows and columns.
    pub out: (usize, usize),
    /// Kernel rows and columns.
    pub kernel: (usize, usize),
    pub stride: (usize, usize),
    pub dilation: (usize, usize),
    /// Top and left padding.
    pub pad: (usize, usize),
}

impl Layout {
    /// Columns of a padded row: wide enough for every tap of every output pixel.
    pub(super) fn padded_width(&self) -> usize {
        let (ow, kw) = (self.out.1, self.kernel.1);
        ((ow.max(1) - 1) * self.stride.1 + (kw.max(1) - 1) * self.dilation.1 + 1)
            .max(self.pad.1 + self.input.1)
    }

    /// Padded input rows that output rows `y0 .. y1` read.
    pub(super) fn band_rows(&self, (y0, y1): (usize, usize)) -> usize {
        (y1 - y0 - 1) * self.stride.0 + (self.kernel.0.max(1) - 1) * self.dilation.0 + 1
    }
}
