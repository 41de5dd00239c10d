//! Optimisers: SGD with momentum and Adam, both with L2 weight decay added to the gradient
//! (PyTorch's `weight_decay` semantics for `SGD` and `Adam`).

use super::params::Grads;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Which update rule, with its own constants.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum OptimizerKind {
    /// `v = momentum v + g; w -= lr v` (PyTorch's SGD, dampening 0).
    Sgd { momentum: f32 },
    /// Kingma & Ba 2015 with bias correction.
    Adam { beta1: f32, beta2: f32, eps: f32 },
}

impl OptimizerKind {
    pub(crate) fn sgd() -> Self {
        OptimizerKind::Sgd { momentum: 0.9 }
    }

    pub fn adam() -> Self {
        OptimizerKind::Adam {
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
        }
    }

    /// `adam` or `sgd`.
    pub(crate) fn parse(text: &str) -> Option<Self> {
        match text {
            "adam" => Some(Self::adam()),
            "sgd" => Some(Self::sgd()),
            _ => None,
        }
    }
}

impl fmt::Display for OptimizerKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OptimizerKind::Sgd { momentum } => write!(f, "sgd (momentum {momentum})"),
            OptimizerKind::Adam { beta1, beta2, .. } => write!(f, "adam ({beta1}, {beta2})"),
        }
    }
}

/// An optimiser and its running state (one buffer per parameter tensor).
#[derive(Debug, Clone)]
pub struct Optimizer {
    pub kind: OptimizerKind,
    pub lr: f32,
    pub weight_decay: f32,
    steps: u32,
    first: Vec<Vec<f32>>,
    second: Vec<Vec<f32>>,
}

impl Optimizer {
    pub fn new(kind: OptimizerKind, lr: f32, weight_decay: f32) -> Self {
        Optimizer {
            kind,
            lr,
            weight_decay,
            steps: 0,
            first: Vec::new(),
            second: Vec::new(),
        }
    }

    /// Updates `params` (in [`super::params::parameters_mut`] order) from the mean gradient.
    pub fn step(&mut self, params: Vec<&mut [f32]>, grads: &Grads) {
        if self.first.len() != params.len() {
            self.first = params.iter().map(|p| vec![0.0; p.len()]).collect();
            self.second = self.first.clone();
        }
        self.steps += 1;
        let (lr, wd) = (self.lr, self.weight_decay);
        for (i, (p, g)) in params.into_iter().zip(&grads.tensors).enumerate() {
            let m = &mut self.first[i];
            match self.kind {
                OptimizerKind::Sgd { momentum } => {
                    for ((w, &g), v) in p.iter_mut().zip(g).zip(m.iter_mut()) {
                        let g = g + wd * *w;
                        *v = momentum * *v + g;
                        *w -= lr * *v;
                    }
                }
                OptimizerKind::Adam { beta1, beta2, eps } => {
                    let s = &mut self.second[i];
                    let c1 = 1.0 - beta1.powi(self.steps as i32);
                    let c2 = 1.0 - beta2.powi(self.steps as i32);
                    for (((w, &g), m), s) in p.iter_mut().zip(g).zip(m.iter_mut()).zip(s) {
                        let g = g + wd * *w;
                        *m = beta1 * *m + (1.0 - beta1) * g;
                        *s = beta2 * *s + (1.0 - beta2) * g * g;
                        let m_hat = *m / c1;
                        let s_hat = *s / c2;
                        *w -= lr * m_hat / (s_hat.sqrt() + eps);
                    }
                }
            }
        }
    }
}
