//! Winograd's error against the definition in f64, measured and bounded, on every
//! instruction-set path, on one thread and on two.

use super::*;
use crate::engine::kernels::isa::Path;
use crate::engine::kernels::shared::Clamp;
use crate::engine::kernels::tests::{thread_pool, values};
use ndarray::{Array1, Array4};

/// A 3x3 convolution `c` -> `o` with weights uniform in +-`w_scale` (He's for `w_scale` =
/// sqrt(6 / (9 c))) and a bias, padding `pads` (top, left, bottom, right).
fn conv(c: usize, o: usize, w_scale: f32, pads: (usize, usize, usize, usize), seed: u64) -> Conv2d {
    let w = values(o * c * 9, seed).into_iter().map(|v| v * w_scale);
    Conv2d {
        weight: Array4::from_shape_vec((o, c, 3, 3), w.collect()).unwrap(),
        bias: Some(Array1::from(values(o, seed + 1)).mapv(|v| v * 0.1)),
        stride: (1, 1),
        padding: (pads.0, pads.1),
        padding_end: Some((pads.2, pads.3)),
        dilation: (1, 1),
        groups: 1,
    }
}

/// Output channels `channels` of `conv` on `x` by the definition, in f64.
fn reference(conv: &Conv2d, x: &Array3<f32>, channels: &[usize]) -> Vec<Array3<f64>> {
    let (c, h, w) = x.dim();
    let (top, left) = conv.padding;
    let (oh, ow) = conv.window().output_size(h, w);
    let (oh, ow) = (oh as usize, ow as usize);
    channels
        .iter()
        .map(|&oc| {
            Array3::from_shape_fn((1, oh, ow), |(_, y, xx)| {
                let mut sum = conv.bias.as_ref().map_or(0.0, |b| b[oc] as f64);
                for ic in 0..c {
                    for ky in 0..3 {
                        for kx in 0..3 {
                            let (iy, ix) =
                                ((y + ky).wrapping_sub(top), (xx + kx).wrapping_sub(left));
                            if iy < h && ix < w {
                                sum +=
                                    conv.weight[[oc, ic, ky, kx]] as f64 * x[[ic, iy, ix]] as f64;
                            }
                        }
                    }
                }
                sum
            })
        })
        .collect()
}

/// The largest difference between `got`'s channels `channels` and `want`, and that as a
/// fraction of `want`'s range (what the onnxruntime and PyTorch references bound, at 1e-4).
fn error(got: &Array3<f32>, want: &[Array3<f64>], channels: &[usize]) -> (f64, f64) {
    let (mut worst, mut lo, mut hi) = (0.0f64, f64::INFINITY, f64::NEG_INFINITY);
    for (&oc, want) in channels.iter().zip(want) {
        for (g, e) in got.index_axis(ndarray::Axis(0), oc).iter().zip(want.iter()) {
            worst = worst.max((*g as f64 - e).abs());
            (lo, hi) = (lo.min(*e), hi.max(*e));
        }
    }
    (worst, worst / (hi - lo))
}

/// Error of Winograd's outputs as a fraction of the output range, the largest allowed: the
/// error measured on ResNet-18's shapes (below, He weights) was at most 4.2e-6 of the range
/// (128 -> 128 at 28x28, inputs in [-1, 1], the portable path; 3.9e-6 with AVX-512), 3.2e-6
/// with inputs in [0, 1] (after a ReLU), 1.0e-6 with inputs 10 + [-1, 1] (a large constant
/// under every tile, which the transforms must cancel; the range grows with it); im2col's
/// product was within 4e-7..2e-6. A tenth of the 1e-4 the graph references allow.
const RANGE_ERROR: f64 = 1e-5;

/// ResNet-18's stride-1 3x3 layers (and a map whose tiles overhang its edges), He weights,
/// three kinds of input, every path: Winograd's error against f64 as a fraction of the output
/// range stays under [`RANGE_ERROR`]. Prints what it measured (`--nocapture`).
#[test]
fn error_against_f64_is_bounded() {
    let two = thread_pool(2);
    // Each kind of input: its name and how a value in [-1, 1) becomes one.
    type Input = (&'static str, fn(f32) -> f32);
    let inputs: [Input; 3] = [
        ("[-1, 1]", |v| v),
        ("[0, 1]", |v| 0.5 * (v + 1.0)),
        ("10 + [-1, 1]", |v| 10.0 + v),
    ];
    for (c, side) in [(64, 56), (128, 28), (256, 14), (512, 7), (64, 23)] {
        let he = (6.0 / (9.0 * c as f32)).sqrt();
        let conv = conv(c, c, he, (1, 1, 1, 1), c as u64);
        let packed = pack(&conv);
        let channels: Vec<usize> = (0..c).step_by(c / 8).collect();
        for (name, f) in inputs {
            let x = Array3::from_shape_vec(
                (c, side, side),
                values(c * side * side, 7).into_iter().map(f).collect(),
            )
            .unwrap();
            let want = reference(&conv, &x, &channels);
            let gemm = error(
                &im2col::forward(&conv, x.view(), None, None),
                &want,
                &channels,
            );
            for path in Path::runnable() {
                let got =
                    two.install(|| path.run(|| forward(&conv, x.view(), Some(&packed), None)));
                let (abs, rel) = error(&got, &want, &channels);
                println!(
                    "{c}x{side}x{side} {name} {}: winograd {abs:.2e} ({rel:.2e} of the range), \
                     im2col {:.2e} ({:.2e})",
                    path.name(),
                    gemm.0,
                    gemm.1
                );
                assert!(
                    rel < RANGE_ERROR,
                    "{c}x{side} {name} {path:?}: {rel:e} of the range"
                );
            }
        }
    }
}

/// Small maps and channel counts, every padding from 0 to 2 on each side (tiles overhanging
/// the right and bottom edges by 1 to 3 pixels), a fused ReLU6: within [`RANGE_ERROR`] of
/// the definition on every path; and a layer of several blocks of tiles on two threads.
#[test]
fn edges_and_blocks_match_the_definition() {
    let two = thread_pool(2);
    let mut seed = 0;
    let mut cases = Vec::new();
    for (c, o, h, w) in [(1, 1, 3, 3), (3, 5, 5, 9), (7, 13, 10, 6), (17, 40, 13, 21)] {
        for pads in [(0, 0, 0, 0), (1, 1, 1, 1), (2, 0, 1, 2), (0, 2, 2, 1)] {
            cases.push((c, o, (h, w), pads));
        }
    }
    // 64 -> 64 at 56x56 is 196 tiles in blocks of 48, spread over the threads.
    cases.push((64, 64, (56, 56), (1, 1, 1, 1)));
    cases.push((40, 24, (61, 50), (1, 2, 0, 1)));
    let relu6 = Epilogue::Clamp(Clamp { min: 0.0, max: 6.0 });
    for (c, o, (h, w), pads) in cases {
        seed += 3;
        let conv = conv(c, o, 1.0, pads, seed);
        let x = Array3::from_shape_vec((c, h, w), values(c * h * w, seed + 2)).unwrap();
        let channels: Vec<usize> = (0..o).collect();
        let want = reference(&conv, &x, &channels);
        let (lo, hi) = want
            .iter()
            .flatten()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
                (lo.min(v), hi.max(v))
            });
        // A single output (a 3x3 map without padding) has no range: its magnitude instead.
        let range = (hi - lo).max(hi.abs()).max(lo.abs());
        for path in Path::runnable() {
            for epilogue in [None, Some(relu6)] {
                let got = two.install(|| path.run(|| forward(&conv, x.view(), None, epilogue)));
                assert_eq!(got.dim(), (o, want[0].dim().1, want[0].dim().2));
                let clamped: Vec<Array3<f64>> = match epilogue {
                    None => want.clone(),
                    Some(_) => want.iter().map(|a| a.mapv(|v| v.clamp(0.0, 6.0))).collect(),
                };
                // As a fraction of the range before the clamp (after it may be 0).
                let (abs, _) = error(&got, &clamped, &channels);
                let rel = abs / range;
                assert!(
                    rel < RANGE_ERROR,
                    "{c}->{o} {h}x{w} {pads:?} {path:?} {epilogue:?}: {abs:e} ({rel:e})"
                );
            }
        }
    }
}
