//! The kernels against each other and against the definition (each forced, whatever `choose`
//! says), on every instruction-set path this CPU runs; the choice by shape; the thread split.

use super::*;
use depthwise::Choice;
use isa::Path;
use ndarray::{Array1, Array3, Array4};
use proptest::prelude::*;

const ALL: [ConvKernel; 5] = [
    ConvKernel::Direct,
    ConvKernel::Pointwise,
    ConvKernel::Im2colGemm,
    ConvKernel::Depthwise,
    ConvKernel::Winograd,
];

/// Every kernel (forced, whatever `choose` says) on every instruction-set path this CPU
/// runs, against the definition, and against the direct kernel where it applies.
fn check_every_kernel(conv: &Conv2d, x: &Array3<f32>) -> Result<(), TestCaseError> {
    for path in Path::runnable() {
        path.run(|| check_every_kernel_on_this_path(conv, x))
            .map_err(|e| TestCaseError::fail(format!("{}: {e}", path.name())))?;
    }
    Ok(())
}

/// [`check_every_kernel`] on the path this thread is held to.
fn check_every_kernel_on_this_path(conv: &Conv2d, x: &Array3<f32>) -> Result<(), TestCaseError> {
    let want = crate::engine::layers::conv::tests::naive(conv, x);
    let scale = 1.0 + want.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let direct = direct::forward(conv, x.view());
    for kernel in ALL {
        let got = conv.forward_with(kernel, x.view());
        prop_assert_eq!(got.dim(), want.dim());
        // Winograd's transforms round more than a sum does: within 1e-5 of the output
        // range (`winograd::tests`), and `scale` is at least half the range.
        let tolerance = match kernel {
            ConvKernel::Winograd => 2e-5,
            _ => 1e-5,
        };
        for (g, e) in got.iter().zip(&want) {
            prop_assert!(
                (*g as f64 - e).abs() < tolerance * scale,
                "{:?}: {} vs {}",
                kernel,
                g,
                e
            );
        }
        if let Some(d) = &direct {
            for (g, e) in got.iter().zip(d) {
                prop_assert!(
                    (g - e).abs() < (tolerance * scale) as f32,
                    "{:?} vs direct: {} vs {}",
                    kernel,
                    g,
                    e
                );
            }
        }
    }
    Ok(())
}

/// A rayon pool of `threads` threads (the tests that compare a pass on one thread with the
/// same pass shared between two).
pub(crate) fn thread_pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a thread pool")
}

/// `n` deterministic values in [-1, 1) for `seed` (the kernels' and training's tests).
pub(crate) fn values(n: usize, seed: u64) -> Vec<f32> {
    let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(1);
    (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((s >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
        })
        .collect()
}

/// A convolution of `groups` groups of `per_in` -> `per_out` channels with the geometry
/// given, and an input of `h` x `w` for it.
#[allow(clippy::too_many_arguments)]
fn case(
    groups: usize,
    (per_in, per_out): (usize, usize),
    kernel: (usize, usize),
    stride: (usize, usize),
    dilation: (usize, usize),
    pads: (usize, usize, usize, usize),
    (h, w): (usize, usize),
    seed: u64,
) -> (Conv2d, Array3<f32>) {
    let (i, o) = (groups * per_in, groups * per_out);
    let n = o * per_in * kernel.0 * kernel.1;
    let conv = Conv2d {
        weight: Array4::from_shape_vec((o, per_in, kernel.0, kernel.1), values(n, seed)).unwrap(),
        bias: (!seed.is_multiple_of(3)).then(|| Array1::from(values(o, seed + 1))),
        stride,
        padding: (pads.0, pads.1),
        padding_end: Some((pads.2, pads.3)),
        dilation,
        groups,
    };
    let x = Array3::from_shape_vec((i, h, w), values(i * h * w, seed + 2)).unwrap();
    (conv, x)
}

#[test]
fn choice_by_shape() {
    let pick = |groups, per_in, per_out, k, s, c_in, side| {
        let (conv, _) = case(
            groups,
            (per_in, per_out),
            (k, k),
            (s, s),
            (1, 1),
            (k / 2, k / 2, k / 2, k / 2),
            (1, 1),
            1,
        );
        ConvKernel::choose(&conv, (c_in, side, side))
    };
    let direct = if direct::applies(56) {
        ConvKernel::Direct
    } else {
        ConvKernel::Im2colGemm
    };
    assert_eq!(pick(1, 8, 16, 3, 1, 8, 56), direct);
    // A 1x1 layer of more than 16 output channels goes to the product where it reads the input
    // in place (the AVX-512 tiles, a last panel of at most 4 columns), on each path.
    for path in Path::runnable() {
        path.run(|| {
            let in_place = im2col::reads_in_place(56 * 56);
            assert_eq!(in_place, tile::kernel().wide.is_some(), "{path:?}");
            let direct = |side: usize| match direct::applies(side) {
                true => ConvKernel::Direct,
                false => ConvKernel::Pointwise,
            };
            let narrow = if in_place {
                ConvKernel::Pointwise
            } else {
                direct(56)
            };
            assert_eq!(pick(1, 144, 24, 1, 1, 144, 56), narrow, "{path:?}");
            assert_eq!(pick(1, 32, 16, 1, 1, 32, 112), direct(112), "{path:?}");
            // 169 pixels end in a panel of 9 columns: copied into panels, the direct kernel's.
            assert!(!im2col::reads_in_place(13 * 13));
            assert_eq!(pick(1, 144, 24, 1, 1, 144, 13), direct(13), "{path:?}");
        });
    }
    assert_eq!(pick(1, 64, 64, 3, 1, 64, 56), ConvKernel::Winograd);
    assert_eq!(pick(1, 256, 256, 3, 1, 256, 14), ConvKernel::Winograd);
    // A 7x7 map is four tiles, each product only a quarter of a register tile wide.
    assert_eq!(pick(1, 512, 512, 3, 1, 512, 7), ConvKernel::Im2colGemm);
    assert_eq!(pick(1, 64, 128, 3, 2, 64, 56), ConvKernel::Im2colGemm);
    assert_eq!(pick(1, 64, 128, 1, 1, 64, 28), ConvKernel::Pointwise);
    assert_eq!(pick(1, 64, 128, 1, 2, 64, 56), ConvKernel::Im2colGemm);
    assert_eq!(pick(96, 1, 1, 3, 2, 96, 112), ConvKernel::Depthwise);
    assert_eq!(pick(32, 1, 2, 3, 1, 32, 14), ConvKernel::Depthwise);
    // Two channels per group is grouped, not depthwise.
    assert_eq!(pick(4, 2, 2, 3, 2, 8, 14), ConvKernel::Im2colGemm);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]
    /// Dense and grouped convolutions: strides, asymmetric padding, dilation, rectangular
    /// kernels, 1x1.
    #[test]
    fn grouped_strided_dilated(
        groups in 1usize..4, per in (1usize..5, 1usize..9),
        k in (1usize..4, 1usize..4), s in (1usize..4, 1usize..4), d in (1usize..3, 1usize..3),
        pads in (0usize..3, 0usize..3, 0usize..3, 0usize..3),
        h in 5usize..14, w in 5usize..40, seed in 0u64..1000,
    ) {
        let (conv, x) = case(groups, per, k, s, d, pads, (h, w), seed);
        let (oh, ow) = conv.window().output_size(h, w);
        prop_assume!(oh > 0 && ow > 0);
        check_every_kernel(&conv, &x)?;
    }

    /// 1x1 convolutions at stride 1 without padding (the matrix product alone), wide
    /// enough for the direct kernel too.
    #[test]
    fn pointwise(
        c in 1usize..40, o in 1usize..40, h in 1usize..9, w in 8usize..40, seed in 0u64..1000,
    ) {
        let (conv, x) = case(1, (c, o), (1, 1), (1, 1), (1, 1), (0, 0, 0, 0), (h, w), seed);
        check_every_kernel(&conv, &x)?;
    }

    /// Depthwise, with a channel multiplier of 1 to 3, at large enough sizes to split
    /// across threads, and rows wide enough for whole blocks of four 16-lane vectors, a
    /// lone vector and a masked one after them (MobileNet's 112-pixel rows).
    #[test]
    fn depthwise(
        c in 1usize..24, mult in 1usize..4, k in 1usize..6, s in (1usize..4, 1usize..4),
        d in (1usize..3, 1usize..3), pads in (0usize..3, 0usize..3, 0usize..3, 0usize..3),
        h in 5usize..60, w in 5usize..150, seed in 0u64..1000,
    ) {
        let (conv, x) = case(c, (1, mult), (k, k), s, d, pads, (h, w), seed);
        let (oh, ow) = conv.window().output_size(h, w);
        prop_assume!(oh > 0 && ow > 0);
        check_every_kernel(&conv, &x)?;
    }
}

/// A 1x1 convolution of a 1x1 map (squeeze-excitation's layers, a matrix times a vector)
/// against the definition, with and without a bias, in and out channels from 1 to 960.
#[test]
fn one_pixel_maps() {
    for (i, (c, o)) in [(1, 1), (3, 17), (240, 960), (960, 240), (64, 1)]
        .into_iter()
        .enumerate()
    {
        let (conv, x) = case(
            1,
            (c, o),
            (1, 1),
            (1, 1),
            (1, 1),
            (0, 0, 0, 0),
            (1, 1),
            i as u64,
        );
        check_every_kernel(&conv, &x).unwrap();
    }
}

/// A convolution that applies the activation after it (`forward_fused`) gives the numbers
/// of the same kernel followed by the activation's own pass, bit for bit: every kernel,
/// every epilogue, every instruction-set path, on one thread and split over two.
#[test]
fn fused_activations_are_the_activations_own_pass() {
    use crate::engine::layers::activation::Activation;
    let two = thread_pool(2);
    let activations = [
        Activation::Relu,
        Activation::RELU6,
        Activation::Sigmoid,
        Activation::Silu,
        Activation::Hardswish,
        Activation::Hardsigmoid {
            alpha: 0.2,
            beta: 0.5,
        },
    ];
    // Small (one block, on the calling thread) and large enough to be split.
    for (groups, per, k, s, hw) in [
        (1, (5, 13), 3, 1, (11, 21)),
        (1, (6, 20), 1, 1, (9, 17)),
        (1, (4, 30), 3, 2, (15, 26)),
        (7, (1, 2), 3, 2, (13, 19)),
        (40, (1, 1), 3, 1, (9, 30)),
        (1, (40, 12), 1, 1, (1, 1)),
        (1, (128, 72), 1, 1, (64, 64)),
    ] {
        let p = k / 2;
        let (conv, x) = case(groups, per, (k, k), (s, s), (1, 1), (p, p, p, p), hw, 3);
        for (kernel, path, f) in ALL.into_iter().flat_map(|kernel| {
            Path::runnable()
                .into_iter()
                .flat_map(move |path| activations.map(|f| (kernel, path, f)))
        }) {
            let epilogue = Epilogue::of(f).expect("a convolution applies it");
            two.install(|| {
                path.run(|| {
                    let mut want = conv.forward_with(kernel, x.view());
                    f.apply_all(want.as_slice_mut().unwrap());
                    let got = forward_fused(&conv, kernel, x.view(), None, Some(epilogue));
                    assert_eq!(got.dim(), want.dim());
                    for (g, w) in got.iter().zip(&want) {
                        assert_eq!(g.to_bits(), w.to_bits(), "{kernel:?} {path:?} {f:?}");
                    }
                })
            });
        }
    }
}

/// Depthwise with whole blocks of channels across the lanes (and the channels left over one
/// at a time), and with rows straight from the planes where they fit, gives the numbers of
/// every channel one at a time, bit for bit: kernels 1 to 7
/// wide (the 3- and 5-wide ones at strides 1 and 2, the 7-wide at stride 1 share their
/// loads), strides 1 to 3,
/// dilation, uneven padding, maps from 1 to 115 pixels wide (bands of rows, rows that end in
/// one to three pixels), channel counts that leave an AVX2 block or single channels over,
/// with and without a fused activation.
#[test]
fn depthwise_across_lanes_matches_one_channel_at_a_time() {
    use crate::engine::layers::activation::Activation;
    let epilogues = [
        None,
        Epilogue::of(Activation::RELU6),
        Epilogue::of(Activation::Silu),
    ];
    for (i, (channels, k, s, d, pads, hw)) in [
        (16, 3, 1, 1, (1, 1, 1, 1), (7, 7)),
        (32, 3, 1, 1, (1, 1, 1, 1), (115, 113)),
        (48, 3, 2, 1, (1, 1, 1, 1), (56, 57)),
        (24, 5, 1, 1, (2, 2, 2, 2), (14, 14)),
        (72, 5, 2, 1, (2, 2, 1, 1), (15, 15)),
        (19, 3, 1, 2, (2, 0, 1, 2), (10, 13)),
        (35, 7, 3, 1, (3, 3, 3, 3), (17, 11)),
        (96, 7, 1, 1, (3, 3, 3, 3), (14, 14)),
        (40, 1, 1, 1, (0, 0, 0, 0), (3, 6)),
        (16, 3, 2, 1, (1, 1, 1, 1), (2, 1)),
        (64, 4, 1, 1, (1, 2, 2, 1), (9, 10)),
        (5, 5, 2, 1, (1, 2, 2, 1), (33, 120)),
        (6, 5, 1, 1, (2, 2, 2, 3), (9, 58)),
        (3, 3, 2, 1, (0, 1, 1, 0), (30, 59)),
        (2, 3, 1, 1, (2, 1, 0, 2), (20, 14)),
        (3, 3, 1, 1, (1, 1, 1, 1), (17, 14)),
        (2, 4, 1, 1, (2, 1, 1, 2), (20, 70)),
    ]
    .into_iter()
    .enumerate()
    {
        let (conv, x) = case(channels, (1, 1), (k, k), (s, s), (d, d), pads, hw, i as u64);
        for path in Path::runnable() {
            for epilogue in epilogues {
                path.run(|| {
                    let want =
                        depthwise::forward_parts(&conv, x.view(), epilogue, Choice::OneAtATime);
                    for choice in [Choice::AcrossLanes, Choice::Best] {
                        let got = depthwise::forward_parts(&conv, x.view(), epilogue, choice);
                        assert_eq!(got.dim(), want.dim());
                        for (g, w) in got.iter().zip(&want) {
                            assert_eq!(
                                g.to_bits(),
                                w.to_bits(),
                                "{channels} channels, {k}x{k} stride {s} dilation {d} {hw:?} \
                                 {path:?} {epilogue:?} {choice:?}: {g} vs {w}"
                            );
                        }
                    }
                });
            }
        }
    }
}

/// im2col in several blocks of output rows (on one thread, and spread over two): strides
/// 1 to 3, padding, dilation, groups, odd widths and channel counts, against the
/// definition.
#[test]
fn im2col_in_blocks_matches_the_definition() {
    let (one, two) = (thread_pool(1), thread_pool(2));
    for (groups, per, k, s, d, pads, hw) in [
        (1, (8, 16), (3, 3), (2, 2), (1, 1), (1, 1, 1, 1), (60, 70)),
        (1, (5, 40), (3, 3), (1, 1), (1, 1), (1, 1, 1, 1), (61, 67)),
        (1, (3, 64), (7, 7), (2, 2), (1, 1), (3, 3, 3, 3), (90, 83)),
        (2, (6, 20), (3, 5), (3, 2), (2, 1), (2, 0, 1, 3), (75, 81)),
        (1, (12, 9), (1, 1), (2, 2), (1, 1), (0, 0, 0, 0), (99, 101)),
    ] {
        let (conv, x) = case(groups, per, k, s, d, pads, hw, 11);
        let want = crate::engine::layers::conv::tests::naive(&conv, &x);
        let scale = 1.0 + want.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        for (threads, path) in [&one, &two]
            .into_iter()
            .flat_map(|t| Path::runnable().into_iter().map(move |p| (t, p)))
        {
            let got = threads
                .install(|| path.run(|| conv.forward_with(ConvKernel::Im2colGemm, x.view())));
            assert_eq!(got.dim(), want.dim());
            for (g, e) in got.iter().zip(&want) {
                assert!((*g as f64 - e).abs() < 1e-5 * scale, "{path:?}: {g} vs {e}");
            }
        }
    }
}

/// Layers large enough that the matrix product and im2col are split across threads (over
/// rayon's threads, and by the crew of a lone pass, which splits smaller layers too) give
/// the numbers of the same layer on one thread, bit for bit (checked against the
/// definition at small sizes above); Winograd's too, whose one block of a 14x14 map shares
/// its products and its transforms' channels between the threads.
#[test]
fn split_across_threads_gives_the_same_numbers() {
    let (one, two) = (thread_pool(1), thread_pool(2));
    // Rayon's split sizes, then the crew's: blocks of pixels (56x56), panels of weights
    // (7x7, 14x14), strided, blocks of columns (14x14, 64 rows).
    for (per, k, s, side) in [
        ((32, 48), 3, 1, 64),
        ((32, 96), 3, 2, 80),
        ((128, 72), 1, 1, 64),
        ((24, 144), 1, 1, 56),
        ((160, 960), 1, 1, 7),
        ((64, 64), 3, 1, 14),
        ((16, 40), 3, 2, 29),
        ((144, 24), 1, 1, 28),
        // Too few pixels for two blocks per thread: one block of columns per thread.
        ((384, 64), 1, 1, 14),
    ] {
        let out = usize::div_ceil(side, s);
        let macs = per.0 * per.1 * k * k * out * out;
        assert!(macs >= crew::gemm_macs(), "{macs} multiply-adds are split");
        let p = k / 2;
        let (conv, x) = case(
            1,
            per,
            (k, k),
            (s, s),
            (1, 1),
            (p, p, p, p),
            (side, side),
            7,
        );
        for kernel in [
            ConvKernel::Im2colGemm,
            ConvKernel::Pointwise,
            ConvKernel::Direct,
            ConvKernel::Winograd,
        ] {
            for path in Path::runnable() {
                let run = || path.run(|| conv.forward_with(kernel, x.view()));
                let want = one.install(run);
                let rayon = two.install(run);
                let crew = two.install(|| crew::lone(run));
                for got in [rayon, crew] {
                    for (g, e) in got.iter().zip(&want) {
                        assert_eq!(g.to_bits(), e.to_bits(), "{kernel:?} {path:?}: {g} vs {e}");
                    }
                }
            }
        }
    }
    // Grouped, on a map too small for blocks of columns: split by runs of groups.
    let (conv, x) = case(48, (8, 8), (3, 3), (1, 1), (1, 1), (1, 1, 1, 1), (7, 7), 9);
    assert!(48 * 64 * 9 * 49 >= crew::gemm_macs());
    for path in Path::runnable() {
        let run = || path.run(|| conv.forward_with(ConvKernel::Im2colGemm, x.view()));
        let want = one.install(run);
        let crew = two.install(|| crew::lone(run));
        for (g, e) in crew.iter().zip(&want) {
            assert_eq!(g.to_bits(), e.to_bits(), "grouped {path:?}: {g} vs {e}");
        }
    }
    // Depthwise, over its split size (split by channel blocks), strides 1 and 2, with a
    // channel count that is not a multiple of the blocks.
    // Then sizes only the crew splits.
    for (channels, s, side) in [(67, 1, 128), (45, 2, 301), (96, 2, 112), (39, 1, 28)] {
        let out = usize::div_ceil(side, s);
        let macs = channels * 9 * out * out;
        assert!(
            macs >= crew::depthwise_macs(),
            "{macs} multiply-adds are split"
        );
        let (conv, x) = case(
            channels,
            (1, 1),
            (3, 3),
            (s, s),
            (1, 1),
            (1, 1, 1, 1),
            (side, side),
            5,
        );
        let want = crate::engine::layers::conv::tests::naive(&conv, &x);
        let scale = 1.0 + want.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        for path in Path::runnable() {
            let run = || path.run(|| conv.forward_with(ConvKernel::Depthwise, x.view()));
            let alone = one.install(run);
            let rayon = two.install(run);
            let crew = two.install(|| crew::lone(run));
            for (g, e) in alone.iter().zip(&want) {
                assert!(
                    (*g as f64 - e).abs() < 1e-5 * scale,
                    "depthwise {path:?}: {g} vs {e}"
                );
            }
            for got in [rayon, crew] {
                for (g, e) in got.iter().zip(&alone) {
                    assert_eq!(g.to_bits(), e.to_bits(), "depthwise {path:?}");
                }
            }
        }
    }
}

/// A last column panel at most half full (7x7, 5x5 and 3x3 maps: 49, 25 and 9 pixels) goes
/// through the half-width tile beside AVX-512's wide tiles: the definition's numbers on every
/// path, and AVX-512's bit for bit those of AVX2 (whose tiles take such a panel the same way),
/// with weight panels taken two at a time and one left over (20 and 8 rows) and with a
/// product long enough to be summed in blocks of `k` (600).
#[test]
fn a_last_column_panel_at_most_half_full_has_the_same_numbers() {
    for (per, side) in [((40, 20), 7), ((24, 8), 5), ((600, 20), 3), ((16, 40), 7)] {
        let (conv, x) = case(
            1,
            per,
            (1, 1),
            (1, 1),
            (1, 1),
            (0, 0, 0, 0),
            (side, side),
            3,
        );
        let want = crate::engine::layers::conv::tests::naive(&conv, &x);
        let scale = 1.0 + want.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        let mut by_path = Vec::new();
        for path in Path::runnable() {
            for kernel in [ConvKernel::Pointwise, ConvKernel::Im2colGemm] {
                let got = path.run(|| conv.forward_with(kernel, x.view()));
                for (g, e) in got.iter().zip(&want) {
                    assert!((*g as f64 - e).abs() < 1e-5 * scale, "{path:?} {kernel:?}");
                }
                by_path.push((path, got));
            }
        }
        let of = |p: Path| by_path.iter().filter(move |(q, _)| *q == p).map(|(_, v)| v);
        for (wide, narrow) in of(Path::Avx512).zip(of(Path::Avx2)) {
            for (g, e) in wide.iter().zip(narrow) {
                assert_eq!(g.to_bits(), e.to_bits(), "{per:?} {side}: {g} vs {e}");
            }
        }
    }
}
