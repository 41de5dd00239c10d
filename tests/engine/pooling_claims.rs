//! The claims the app teaches, as checks on the engine: pooling keeps a quarter of the values;
//! pooling turns a 2-px shift into a 1-cell shift; max pooling ignores a small move of an
//! isolated peak; convolution maps move with the input (equivariance).

use convscope::analysis::similarity::aligned_views;
use convscope::engine::{Conv2d, Pool2d, PoolMode, Window};
use convscope::io::{Fill, shift};
use ndarray::{Array3, Array4, s};

fn pool(mode: PoolMode) -> Pool2d {
    Pool2d {
        mode,
        window: Window {
            kernel: (2, 2),
            stride: (2, 2),
            padding: (0, 0),
            ..Default::default()
        },
        blur: 3,
        ..Default::default()
    }
}

/// A deterministic, irregular map.
fn map(c: usize, h: usize, w: usize) -> Array3<f32> {
    Array3::from_shape_fn((c, h, w), |(c, y, x)| {
        (((c * 131 + y * 17 + x * 29) % 23) as f32 - 11.0) * 0.1
    })
}

#[test]
fn two_by_two_stride_two_pooling_keeps_a_quarter_of_the_values() {
    for mode in [PoolMode::Max, PoolMode::Avg, PoolMode::BlurMax] {
        let x = map(8, 28, 28);
        let y = pool(mode).forward(x.view());
        assert_eq!(y.dim(), (8, 14, 14));
        assert_eq!(y.len() * 4, x.len(), "{mode}: 6272 -> 1568 values");
    }
}

#[test]
fn a_two_pixel_shift_moves_the_pooled_map_by_exactly_one_cell() {
    // An object on a zero background, away from the borders.
    let mut x = Array3::<f32>::zeros((2, 16, 16));
    x.slice_mut(s![.., 5..10, 4..9]).assign(&map(2, 5, 5));
    let moved = shift(&x, 2, -2, Fill::Zero);
    for mode in [PoolMode::Max, PoolMode::Avg] {
        let a = pool(mode).forward(x.view());
        let b = pool(mode).forward(moved.view());
        // b[y, x] == a[y + 1, x - 1] wherever both exist.
        let (orig, shifted) = aligned_views(&a, &b, 1, -1).unwrap();
        assert_eq!(orig, shifted, "{mode}");
        // ... while a 1-px shift is not reproduced by any whole-cell move.
        let odd = pool(mode).forward(shift(&x, 1, 0, Fill::Zero).view());
        for cx in -1..=1 {
            let (o, t) = aligned_views(&a, &odd, cx, 0).unwrap();
            assert_ne!(o, t, "{mode}: 1-px shift matched a move of {cx} cells");
        }
    }
}

#[test]
fn max_pooling_ignores_a_peak_moving_inside_its_window() {
    // An isolated peak at (4,4); moved by one pixel right and down it stays in the window
    // rows 4-5, columns 4-5, so the max-pooled map is unchanged.
    let mut x = Array3::<f32>::zeros((1, 8, 8));
    x[[0, 4, 4]] = 5.0;
    let moved = shift(&x, 1, 1, Fill::Zero);
    assert_eq!(
        pool(PoolMode::Max).forward(x.view()),
        pool(PoolMode::Max).forward(moved.view())
    );
    // Before pooling the maps differ, and average pooling also keeps the same total.
    assert_ne!(x, moved);
    assert_eq!(
        pool(PoolMode::Avg).forward(x.view()),
        pool(PoolMode::Avg).forward(moved.view())
    );
}

#[test]
fn convolution_maps_move_with_the_input() {
    // Equivariance: an object away from the borders on a zero background, shifted by (3, -2)
    // with zero fill, gives conv maps that are the original maps shifted by (3, -2).
    let mut x = Array3::<f32>::zeros((3, 20, 20));
    x.slice_mut(s![.., 7..13, 6..12]).assign(&map(3, 6, 6));
    let conv = Conv2d {
        weight: Array4::from_shape_fn((4, 3, 3, 3), |(o, i, y, x)| {
            ((o * 27 + i * 9 + y * 3 + x) % 7) as f32 - 3.0
        }),
        bias: None,
        stride: (1, 1),
        padding: (1, 1),
        ..Default::default()
    };
    let a = conv.forward(x.view());
    let b = conv.forward(shift(&x, 3, -2, Fill::Zero).view());
    let (orig, shifted) = aligned_views(&a, &b, 3, -2).unwrap();
    assert_eq!(orig, shifted);
    assert_ne!(a, b);
}
