//! The numbers a lesson step quotes about "Where it looked", measured on the explorer's input:
//! how much of the gradient's and of occlusion's weight lies on the bright pixels (a digit's
//! ink), and how far the two methods agree on the strongest pixels. Measured once per
//! explorer generation, and only for a network small enough for occlusion's passes to take a
//! moment on the UI thread (a teaching network; a ResNet's lesson gets no such numbers).

use super::state::ExplainState;
use crate::analysis::attribution::{Method, Request, explain};
use crate::app::explorer::run::multiply_adds;
use crate::app::explorer::state::Explorer;
use crate::lesson::Facts;
use crate::lesson::facts::percent;
use ndarray::{Array2, Axis};

/// The most multiply-adds the facts may take (occlusion's passes included): about 0.1 s here.
const AT_MOST: u64 = 500_000_000;

/// The share of the pixels the network reads (0..1, before normalisation) that count as
/// bright: above half of the range, averaged over the channels.
fn bright(pixels: &ndarray::Array3<f32>) -> Array2<bool> {
    pixels
        .mean_axis(Axis(0))
        .map_or_else(|| Array2::from_elem((0, 0), false), |m| m.mapv(|v| v > 0.5))
}

/// The share of `weights` (non-negative) that lies where `mask` is set.
pub(crate) fn share_on(weights: &Array2<f32>, mask: &Array2<bool>) -> f64 {
    let total: f64 = weights.iter().map(|&w| w as f64).sum();
    if total <= 0.0 || weights.dim() != mask.dim() {
        return 0.0;
    }
    let on: f64 = weights
        .iter()
        .zip(mask)
        .filter(|(_, m)| **m)
        .map(|(&w, _)| w as f64)
        .sum();
    on / total
}

/// Of the `fraction` strongest values of `a`, the share that are also among the `fraction`
/// strongest of `b` (ties broken by position).
pub(crate) fn top_overlap(a: &Array2<f32>, b: &Array2<f32>, fraction: f64) -> f64 {
    let n = a.len().min(b.len());
    let k = ((n as f64 * fraction).round() as usize).clamp(1, n.max(1));
    let top = |m: &Array2<f32>| {
        let mut idx: Vec<usize> = (0..n).collect();
        let v: Vec<f32> = m.iter().copied().collect();
        idx.sort_by(|&i, &j| v[j].total_cmp(&v[i]).then(i.cmp(&j)));
        idx.truncate(k);
        idx
    };
    let ta = top(a);
    let tb = top(b);
    ta.iter().filter(|i| tb.contains(i)).count() as f64 / k as f64
}

impl ExplainState {
    /// The step's numbers for the explorer's input, measured once per generation (none when
    /// the network is too big to measure them here, or has no classes).
    pub(crate) fn lesson_facts(&self, ex: &Explorer) -> Facts {
        let mut cache = self.facts.borrow_mut();
        if let Some((generation, facts)) = cache.as_ref()
            && *generation == ex.generation
        {
            return facts.clone();
        }
        let facts = measure(ex).unwrap_or_default();
        *cache = Some((ex.generation, facts.clone()));
        facts
    }
}

fn measure(ex: &Explorer) -> Option<Facts> {
    let input = ex.trace.first()?.as_maps()?;
    if ex.probabilities.is_empty() {
        return None;
    }
    let (_, h, w) = input.dim();
    let occlusion_passes = (h * w) as u64 / 4 + 1;
    if multiply_adds(&ex.net).saturating_mul(occlusion_passes) > AT_MOST {
        return None;
    }
    let run = |method| {
        let request = Request {
            options: ex.run_options(),
            ..Request::new(method)
        };
        explain(&ex.net, input, &request).ok()
    };
    let gradient = run(Method::Gradient)?;
    let occlusion = run(Method::Occlusion)?;
    let mask = bright(&ex.pixels);
    let grad = gradient.map.plane().mapv(f32::abs);
    let drop = occlusion.map.plane();
    let drop_up = drop.mapv(|v| v.max(0.0));
    let mut facts = Facts::default();
    let bright_share = mask.iter().filter(|b| **b).count() as f64 / mask.len().max(1) as f64;
    facts.set("explain-bright", percent(bright_share));
    facts.set(
        "explain-gradient-on-bright",
        percent(share_on(&grad, &mask)),
    );
    facts.set(
        "explain-occlusion-on-bright",
        percent(share_on(&drop_up, &mask)),
    );
    facts.set(
        "explain-top-overlap",
        percent(top_overlap(&grad, &drop, 0.1)),
    );
    facts.set("explain-score", format!("{:.2}", gradient.score));
    let most = drop.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    facts.set("explain-occlusion-max", format!("{most:.2}"));
    Some(facts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn shares_and_overlaps_count_what_they_say() {
        let w = array![[1.0, 3.0], [0.0, 4.0]];
        let mask = array![[true, false], [false, true]];
        // (1 + 4) / 8 on the mask.
        assert!((share_on(&w, &mask) - 0.625).abs() < 1e-12);
        assert_eq!(share_on(&Array2::zeros((2, 2)), &mask), 0.0);
        // The two strongest of each: {3, 4} at (0,1),(1,1) and {(1,1),(0,0)}: one in common.
        let other = array![[2.0, 0.0], [-1.0, 5.0]];
        assert!((top_overlap(&w, &other, 0.5) - 0.5).abs() < 1e-12);
        assert!((top_overlap(&w, &w, 0.5) - 1.0).abs() < 1e-12);
    }
}
