//! Where a kernel goes over its input: the geometry convolution and pooling windows share
//! (kernel size, stride, padding on each side, dilation, rounding of the output size), and
//! the output size that follows from it, as PyTorch and ONNX compute it.

/// Where the kernel goes: the geometry shared by convolution and pooling windows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// Kernel height and width.
    pub kernel: (usize, usize),
    /// Step between windows, rows then columns.
    pub stride: (usize, usize),
    /// Zeros (or -inf for max pooling) added before the first row and column (top, left).
    pub padding: (usize, usize),
    /// Padding after the last row and column (bottom, right); `None`: the same as `padding`.
    /// ONNX's asymmetric `pads` and `"same"` padding with an even kernel need it.
    pub padding_end: Option<(usize, usize)>,
    /// Distance between kernel taps, rows then columns (1: neighbours; PyTorch's `dilation`).
    pub dilation: (usize, usize),
    /// Round the output size up (PyTorch's `ceil_mode`); a last window that would start in
    /// the end padding is dropped, as PyTorch does.
    pub ceil_mode: bool,
}

impl Default for Window {
    fn default() -> Self {
        Window {
            kernel: (3, 3),
            stride: (1, 1),
            padding: (0, 0),
            padding_end: None,
            dilation: (1, 1),
            ceil_mode: false,
        }
    }
}

impl Window {
    /// A window with symmetric padding, no dilation and floor rounding (the common case).
    pub(crate) fn new(
        kernel: (usize, usize),
        stride: (usize, usize),
        padding: (usize, usize),
    ) -> Window {
        Window {
            kernel,
            stride,
            padding,
            ..Window::default()
        }
    }

    /// Padding after the last row and column (bottom, right).
    pub(crate) fn pad_end(&self) -> (usize, usize) {
        self.padding_end.unwrap_or(self.padding)
    }

    /// The span the kernel covers, `dilation*(kernel-1) + 1`, rows then columns.
    pub(crate) fn extent(&self) -> (usize, usize) {
        (
            self.dilation.0 * self.kernel.0.saturating_sub(1) + 1,
            self.dilation.1 * self.kernel.1.saturating_sub(1) + 1,
        )
    }

    /// Whether this is a plain window: no dilation, symmetric padding, floor rounding.
    pub(crate) fn is_plain(&self) -> bool {
        self.dilation == (1, 1) && self.pad_end() == self.padding && !self.ceil_mode
    }

    /// Output height and width for an input of `height` x `width`:
    /// `floor_or_ceil((n + pad_begin + pad_end - extent) / stride) + 1`, as PyTorch and ONNX.
    /// With `ceil_mode` the last window must start inside the input or the top/left padding.
    /// Either may be zero or negative when the window does not fit.
    pub(crate) fn output_size(&self, height: usize, width: usize) -> (i64, i64) {
        let ceil = self.ceil_mode;
        let out = |n: usize, extent: usize, s: usize, begin: usize, end: usize| {
            let span = n as i64 + begin as i64 + end as i64 - extent as i64;
            if span < 0 || s == 0 {
                return span.min(0);
            }
            let s = s as i64;
            let mut out = if ceil {
                (span + s - 1) / s + 1
            } else {
                span / s + 1
            };
            if ceil && (out - 1) * s >= n as i64 + begin as i64 {
                out -= 1;
            }
            out
        };
        let (eh, ew) = self.extent();
        let end = self.pad_end();
        (
            out(height, eh, self.stride.0, self.padding.0, end.0),
            out(width, ew, self.stride.1, self.padding.1, end.1),
        )
    }

    /// The output indices `o` along one axis whose tap `k` lands inside `0..n`:
    /// `0 <= o*stride + k - pad < n`, clamped to `0..out`.
    pub(crate) fn valid_range(
        n: usize,
        k: usize,
        stride: usize,
        pad: usize,
        out: usize,
    ) -> (usize, usize) {
        let lo_num = pad as i64 - k as i64; // o*stride >= pad - k
        let lo = if lo_num <= 0 {
            0
        } else {
            (lo_num + stride as i64 - 1) / stride as i64
        };
        let hi_num = n as i64 - 1 + pad as i64 - k as i64; // o*stride <= n-1+pad-k
        let hi = if hi_num < 0 {
            0
        } else {
            hi_num / stride as i64 + 1
        };
        let lo = (lo.max(0) as usize).min(out);
        let hi = (hi.max(0) as usize).min(out);
        (lo, hi.max(lo))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_sizes_with_ceil_mode_dilation_and_asymmetric_padding() {
        let size = |n, k, s, p, pe, d, ceil| {
            Window {
                kernel: (k, k),
                stride: (s, s),
                padding: (p, p),
                padding_end: Some((pe, pe)),
                dilation: (d, d),
                ceil_mode: ceil,
            }
            .output_size(n, n)
            .0
        };
        // floor((5 - 2) / 2) + 1 = 2; ceil gives 3 (the last window starts at 4, inside).
        assert_eq!(size(5, 2, 2, 0, 0, 1, false), 2);
        assert_eq!(size(5, 2, 2, 0, 0, 1, true), 3);
        // 3 + 1 + 1 - 2 = 3: ceil(3/2) + 1 = 3, but window 2 would start at 4 - 1 = 3, past
        // the input: PyTorch drops it, 2.
        assert_eq!(size(3, 2, 2, 1, 1, 1, true), 2);
        // dilation 2 makes a 3-tap kernel span 5: 7 - 5 + 1 = 3.
        assert_eq!(size(7, 3, 1, 0, 0, 2, false), 3);
        // "same" for an even kernel 4: pads 1 before, 2 after: 6 + 3 - 4 + 1 = 6.
        assert_eq!(size(6, 4, 1, 1, 2, 1, false), 6);
    }
}
