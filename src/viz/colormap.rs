//! Colour maps: sequential (viridis) for activations, diverging (blue-white-red) for weights
//! and signed maps.

pub(crate) type Rgb = [u8; 3];

/// Viridis sampled at nine evenly spaced points (the published colour values).
const VIRIDIS: [Rgb; 9] = [
    [68, 1, 84],
    [71, 45, 123],
    [59, 82, 139],
    [44, 114, 142],
    [33, 145, 140],
    [40, 174, 128],
    [94, 201, 98],
    [173, 220, 48],
    [253, 231, 37],
];

/// Blue (negative) through near-white (zero) to red (positive), as ColorBrewer's RdBu.
const RDBU: [Rgb; 5] = [
    [33, 102, 172],
    [103, 169, 207],
    [247, 247, 247],
    [239, 138, 98],
    [178, 24, 43],
];

fn lerp_stops(stops: &[Rgb], t: f32) -> Rgb {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let last = stops.len() - 1;
    let pos = t * last as f32;
    let i = (pos.floor() as usize).min(last.saturating_sub(1));
    let f = pos - i as f32;
    let (a, b) = (stops[i], stops[(i + 1).min(last)]);
    std::array::from_fn(|k| (a[k] as f32 + (b[k] as f32 - a[k] as f32) * f).round() as u8)
}

/// `t` in `[0,1]` (clamped; NaN counts as 0) to a viridis colour: dark is low, yellow is high.
pub(crate) fn sequential(t: f32) -> Rgb {
    lerp_stops(&VIRIDIS, t)
}

/// `t` in [-1,1] (clamped; NaN counts as 0) to blue, white or red.
pub(crate) fn diverging(t: f32) -> Rgb {
    let t = if t.is_finite() { t } else { 0.0 };
    lerp_stops(&RDBU, (t.clamp(-1.0, 1.0) + 1.0) / 2.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ends_and_middle_are_the_stops() {
        assert_eq!(sequential(0.0), VIRIDIS[0]);
        assert_eq!(sequential(1.0), VIRIDIS[8]);
        assert_eq!(sequential(0.5), VIRIDIS[4]);
        assert_eq!(diverging(-1.0), RDBU[0]);
        assert_eq!(diverging(0.0), RDBU[2]);
        assert_eq!(diverging(1.0), RDBU[4]);
    }

    #[test]
    fn out_of_range_and_nan_are_clamped() {
        assert_eq!(sequential(-3.0), VIRIDIS[0]);
        assert_eq!(sequential(7.0), VIRIDIS[8]);
        assert_eq!(sequential(f32::NAN), VIRIDIS[0]);
        assert_eq!(diverging(f32::NAN), RDBU[2]);
        assert_eq!(diverging(-9.0), RDBU[0]);
    }

    #[test]
    fn halfway_between_stops_is_the_mean() {
        // 1/16 lies halfway between stop 0 (68,1,84) and stop 1 (71,45,123).
        assert_eq!(sequential(1.0 / 16.0), [70, 23, 104]);
    }

    #[test]
    fn sequential_brightens_monotonically() {
        let luma = |c: Rgb| 0.299 * c[0] as f32 + 0.587 * c[1] as f32 + 0.114 * c[2] as f32;
        let mut last = -1.0;
        for i in 0..=100 {
            let l = luma(sequential(i as f32 / 100.0));
            assert!(l >= last - 0.5, "luma fell at {i}");
            last = l;
        }
    }
}
