//! What a network is made of, stage by stage: the numbers a teacher multiplies on the board
//! (weights, biases, the formula that gives them, multiply-adds), how much of the input a
//! cell sees, what a pooling layer keeps, and what the network would need without it.

use super::{Facts, grouped, percent};
use crate::analysis::cost::{LayerCost, kept_share, layer_costs, total_macs};
use crate::analysis::pooling::{dense_params_without, macs_without};
use crate::analysis::receptive_fields;
use crate::engine::{LayerKind, Model, Shape};

/// The sum that gives a layer's parameters: `784 × 10 + 10` for a dense layer (inputs ×
/// outputs + biases), `16 × 8 × 3 × 3 + 16` for a convolution (output channels × input
/// channels × kernel height × width + biases); without its `+ …` when it has no biases.
/// `None` for a layer without such a formula.
pub fn formula(cost: &LayerCost) -> Option<String> {
    if cost.factors.is_empty() {
        return None;
    }
    let product: Vec<String> = cost.factors.iter().map(|&f| grouped(f)).collect();
    let product = product.join(" × ");
    Some(match cost.biases {
        0 => product,
        b => format!("{product} + {}", grouped(b)),
    })
}

impl Facts {
    /// Under `prefix`, per layer (STAGE = its name): `STAGE-params`, `STAGE-weights` and
    /// `STAGE-biases`; for a convolution or dense layer `STAGE-formula` and `STAGE-macs`; for
    /// a stage of maps `STAGE-receptive` (`8×8`: the input pixels one cell sees); for a
    /// pooling layer `STAGE-kept` (the percentage of its input's values its output holds)
    /// and, in a chain, what removing it would change: `STAGE-without-fc-params` (the first
    /// dense layer's parameters, as the pool view shows them), `STAGE-without-params` (the
    /// whole network's), `STAGE-without-LAYER-macs` for each convolution and dense layer it
    /// changes and `STAGE-without-macs` (the whole pass's). And the model's `macs`.
    pub fn add_structure(&mut self, prefix: &str, model: &Model) {
        let costs = layer_costs(model);
        let receptive = receptive_fields(model);
        let macs = total_macs(model);
        self.set(format!("{prefix}macs"), grouped(macs as usize));
        let layers = model.layers();
        for (i, (layer, cost)) in layers.iter().zip(&costs).enumerate() {
            let n = format!("{prefix}{}", layer.name);
            self.set(format!("{n}-params"), grouped(cost.params()));
            self.set(format!("{n}-weights"), grouped(cost.weights));
            self.set(format!("{n}-biases"), grouped(cost.biases));
            if let Some(f) = formula(cost) {
                self.set(format!("{n}-formula"), f);
                self.set(format!("{n}-macs"), grouped(cost.macs as usize));
            }
            if let (Some(Shape::Maps { .. }), Some(r)) = (model.shapes().get(i), receptive.get(i)) {
                self.set(
                    format!("{n}-receptive"),
                    format!("{}×{}", r.size.0, r.size.1),
                );
            }
            let pooling = matches!(
                layer.kind,
                LayerKind::Pool2d(_)
                    | LayerKind::GlobalAvgPool
                    | LayerKind::GlobalMaxPool
                    | LayerKind::AdaptivePool(_)
            );
            if let Some(share) = kept_share(model, i).filter(|_| pooling) {
                self.set(format!("{n}-kept"), percent(share));
            }
            if let Some(s) = dense_params_without(model, i) {
                self.set(format!("{n}-without-fc-params"), grouped(s.without_pool));
                let total = model.parameter_count() - s.with_pool + s.without_pool;
                self.set(format!("{n}-without-params"), grouped(total));
            }
            if let Some(changed) = macs_without(model, i) {
                let mut without = macs;
                for (j, m) in changed {
                    without = without - costs[j].macs + m;
                    let other = &layers[j].name;
                    self.set(format!("{n}-without-{other}-macs"), grouped(m as usize));
                }
                self.set(format!("{n}-without-macs"), grouped(without as usize));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{PoolMode, zoo};

    #[test]
    fn the_digit_reader_on_the_board() {
        let model = zoo::digits(1, PoolMode::Max);
        let mut f = Facts::default();
        f.add_structure("", &model);
        let get = |k: &str| f.get(k).unwrap_or_else(|| panic!("{k} missing"));
        assert_eq!(get("conv1-formula"), "8 × 1 × 3 × 3 + 8");
        assert_eq!(get("conv2-formula"), "16 × 8 × 3 × 3 + 16");
        assert_eq!(get("fc-formula"), "784 × 10 + 10");
        assert_eq!(
            (get("fc-weights"), get("fc-biases"), get("fc-params")),
            ("7,840", "10", "7,850")
        );
        assert_eq!(get("relu1-params"), "0");
        assert_eq!(f.get("relu1-formula"), None);
        // Receptive fields 3 -> 4 -> 8 -> 10 px (the numbers).
        let fields: Vec<&str> = ["conv1", "pool1", "conv2", "pool2"]
            .iter()
            .map(|s| get(&format!("{s}-receptive")))
            .collect();
        assert_eq!(fields, ["3×3", "4×4", "8×8", "10×10"]);
        assert_eq!(f.get("fc-receptive"), None, "a vector");
        assert_eq!(get("pool1-kept"), "25.0");
        assert_eq!(f.get("conv1-kept"), None);
        // Without pool1: fc sees 16 @ 14x14 = 3,136 values -> 31,360 weights + 10 biases, and
        // conv2 runs on 28x28: 16*28*28*72 = 903,168 multiply-adds, 4x its 225,792.
        assert_eq!(get("pool1-without-fc-params"), "31,370");
        assert_eq!(get("pool1-without-params"), "32,618");
        assert_eq!(get("conv2-macs"), "225,792");
        assert_eq!(get("pool1-without-conv2-macs"), "903,168");
        assert_eq!(get("pool1-without-fc-macs"), "31,360");
        // 56,448 + 225,792 + 7,840 with pooling; 56,448 + 903,168 + 31,360 without pool1.
        assert_eq!(get("macs"), "290,080");
        assert_eq!(get("pool1-without-macs"), "990,976");
        let mut g = Facts::default();
        g.add_structure("digits-", &model);
        assert_eq!(g.get("digits-fc-formula"), Some("784 × 10 + 10"));
    }

    #[test]
    fn formulas_without_biases_and_for_layers_without_one() {
        let no_bias = LayerCost {
            weights: 12,
            biases: 0,
            factors: vec![3, 4],
            macs: 12,
        };
        assert_eq!(formula(&no_bias).as_deref(), Some("3 × 4"));
        assert_eq!(formula(&LayerCost::default()), None);
        let wide = LayerCost {
            weights: 125_440,
            biases: 10,
            factors: vec![12_544, 10],
            macs: 125_440,
        };
        assert_eq!(formula(&wide).as_deref(), Some("12,544 × 10 + 10"));
    }
}
