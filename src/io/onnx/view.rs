//! How a value that Reshape and Transpose nodes rearranged holds the output of the layer that
//! made it: the data type the graph walker keeps per value, and `views.rs` reads.

/// How an ONNX value holds the output of a layer (`[1, C, H, W]`) that Reshape and Transpose
/// nodes rearranged: reshaped to `split` (row-major), then its axes permuted by `perm`.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct View {
    pub split: Vec<usize>,
    pub perm: Vec<usize>,
    /// The last node that rearranged it (named in refusals).
    pub node: String,
}

impl View {
    pub(super) fn dims(&self) -> Vec<usize> {
        self.perm.iter().map(|&a| self.split[a]).collect()
    }

    pub(super) fn channels_last(&self) -> bool {
        self.split.len() == 4 && self.perm == [0, 2, 3, 1]
    }

    pub(super) fn permuted(&self) -> bool {
        self.perm.iter().enumerate().any(|(i, &a)| i != a)
    }

    /// For each value of the view in row-major order, its index in the layer's output.
    pub(super) fn sources(&self) -> Vec<usize> {
        let n = self.split.len();
        let mut strides = vec![1; n];
        for k in (0..n.saturating_sub(1)).rev() {
            strides[k] = strides[k + 1] * self.split[k + 1];
        }
        let dims = self.dims();
        let steps: Vec<usize> = self.perm.iter().map(|&a| strides[a]).collect();
        let total: usize = dims.iter().product();
        let mut out = Vec::with_capacity(total);
        let mut at = vec![0; n];
        for _ in 0..total {
            out.push(at.iter().zip(&steps).map(|(i, s)| i * s).sum());
            for k in (0..n).rev() {
                at[k] += 1;
                if at[k] < dims[k] {
                    break;
                }
                at[k] = 0;
            }
        }
        out
    }
}
