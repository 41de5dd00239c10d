//! The forward pass: a model run on one input, layer by layer in order, each layer reading the
//! outputs its sources name. [`Model::forward_all`] keeps every output (the trace a
//! visualiser draws); [`Model::forward_visit`] and [`Model::forward`] keep only what later
//! layers still read, and the latter lets a convolution apply the activation after it (ReLU,
//! clip, SiLU, sigmoid, hard-swish, hard-sigmoid) and computes activations, batch norms and
//! residual sums in the memory of their input.

use super::Model;
use crate::engine::error::Result;
use crate::engine::graph::{Source, last_reader};
use crate::engine::kernels::{self, Epilogue};
use crate::engine::layer::{LayerKind, RunOptions};
use crate::engine::layers::merge::{Merge, add_into, mul_into};
use crate::engine::tensor::Tensor;
use ndarray::Array3;

impl Model {
    /// Runs layer `i` on `input`, a convolution by the kernel picked for it.
    pub(crate) fn run_layer(&self, i: usize, input: &Tensor, options: &RunOptions) -> Tensor {
        self.run_layer_fused(i, input, options, None)
    }

    /// [`Model::run_layer`], then `epilogue` (the activation after a convolution, which the
    /// convolution's kernel applies as it writes its output).
    fn run_layer_fused(
        &self,
        i: usize,
        input: &Tensor,
        options: &RunOptions,
        epilogue: Option<Epilogue>,
    ) -> Tensor {
        let layer = &self.layers[i];
        match (&layer.kind, input, self.conv_kernel(i)) {
            (LayerKind::Conv2d(conv), Tensor::Maps(x), Some(kernel)) => {
                let packed = kernel
                    .packs()
                    .then(|| self.packed.get(i, conv, kernel))
                    .flatten();
                Tensor::Maps(kernels::forward_fused(
                    conv,
                    kernel,
                    x.view(),
                    packed,
                    epilogue,
                ))
            }
            _ => {
                let mut out = layer.forward(input, i, options);
                match (epilogue, &mut out) {
                    (Some(epilogue), Tensor::Maps(a)) => epilogue.apply_array(a),
                    (Some(epilogue), Tensor::Vector(v)) => epilogue.apply_array(v),
                    (None, _) => {}
                }
                out
            }
        }
    }

    /// Runs layer `i` on the outputs it reads (in the order of its sources).
    pub(crate) fn run_node(&self, i: usize, inputs: &[&Tensor], options: &RunOptions) -> Tensor {
        match (&self.layers()[i].kind, inputs) {
            (LayerKind::Merge(m), _) => m.forward(inputs),
            (_, [x]) => self.run_layer(i, x, options),
            _ => panic!(
                "layer {} got {} inputs: sources are checked when the model is built",
                self.layers()[i].name,
                inputs.len()
            ),
        }
    }

    /// Runs the network on a normalised input \[C,H,W\] and returns every layer's output in order
    /// (the "trace" a visualiser draws).
    pub fn forward_all(&self, input: &Array3<f32>, options: &RunOptions) -> Result<Vec<Tensor>> {
        self.check_input(input)?;
        let input = Tensor::Maps(input.clone());
        let mut outputs: Vec<Tensor> = Vec::with_capacity(self.layers().len());
        for i in 0..self.layers().len() {
            let next = {
                let ins: Vec<&Tensor> = self
                    .sources(i)
                    .iter()
                    .map(|s| match *s {
                        Source::Input => &input,
                        Source::Layer(j) => &outputs[j],
                    })
                    .collect();
                self.run_node(i, &ins, options)
            };
            outputs.push(next);
        }
        Ok(outputs)
    }

    /// Runs the network on `input` and hands every layer's output to `visit(index, output)` as
    /// soon as it is made, keeping only the outputs later layers still read (for a chain, the
    /// current one), for measurements over every stage that need not hold the whole trace.
    /// Returns the last output.
    pub fn forward_visit(
        &self,
        input: Array3<f32>,
        options: &RunOptions,
        visit: impl FnMut(usize, &Tensor),
    ) -> Result<Tensor> {
        self.run_graph(input, options, false, visit)
    }

    /// [`Model::forward`], handing each step's output to `visit(index, output)` as it is made:
    /// a convolution and the activation it applies as it writes (`Model::epilogue_after`) are
    /// one step, visited once with the activation's index. For timing the real pass step by
    /// step (`convscope bench`'s `step_us`).
    pub fn forward_fused_visit(
        &self,
        input: &Array3<f32>,
        options: &RunOptions,
        visit: impl FnMut(usize, &Tensor),
    ) -> Result<Tensor> {
        self.run_graph(input.clone(), options, true, visit)
    }

    /// [`Model::forward_visit`]; with `fuse`, a convolution whose output only an activation
    /// it can apply reads applies it itself ([`Model::epilogue_after`]) and the activation is not run
    /// (nor visited): the same last output, one pass less over its maps.
    fn run_graph(
        &self,
        input: Array3<f32>,
        options: &RunOptions,
        fuse: bool,
        mut visit: impl FnMut(usize, &Tensor),
    ) -> Result<Tensor> {
        self.check_input(&input)?;
        let n = self.layers().len();
        let input = Tensor::Maps(input);
        let last = last_reader(self.all_sources());
        let mut kept: Vec<Option<Tensor>> = vec![None; n];
        let mut out = None;
        let mut i = 0;
        while i < n {
            let epilogue = if fuse {
                self.epilogue_after(i, &last)
            } else {
                None
            };
            // The layer whose output this step makes: the activation when it is fused.
            let done = if epilogue.is_some() { i + 1 } else { i };
            let in_place = match epilogue {
                None => self.run_in_place(i, &last, &mut kept, &input),
                Some(_) => None,
            };
            let next = match in_place {
                Some(next) => next,
                None => {
                    let ins: Vec<&Tensor> = self
                        .sources(i)
                        .iter()
                        .map(|s| match *s {
                            Source::Input => &input,
                            Source::Layer(j) => {
                                kept[j].as_ref().expect("kept until its last reader")
                            }
                        })
                        .collect();
                    match epilogue {
                        // A fused convolution: one input (`epilogue_after`).
                        Some(_) => self.run_layer_fused(i, ins[0], options, epilogue),
                        None => self.run_node(i, &ins, options),
                    }
                }
            };
            visit(done, &next);
            // Hand back what no later layer reads.
            for s in self.sources(i) {
                if let Source::Layer(j) = *s
                    && last[j] == Some(i)
                {
                    kept[j] = None;
                }
            }
            if done + 1 == n {
                out = Some(next);
            } else if last[done].is_some() {
                kept[done] = Some(next);
            }
            i = done + 1;
        }
        Ok(out.unwrap_or(input))
    }

    /// The activation after layer `i` as an epilogue when `i` is a convolution on maps whose
    /// output only that activation reads (ResNet's conv + ReLU, MobileNetV2's conv + ReLU6,
    /// EfficientNet's conv + SiLU, MobileNetV3's conv + hard-swish), so the convolution can
    /// apply it as it writes its output.
    fn epilogue_after(&self, i: usize, last: &[Option<usize>]) -> Option<Epilogue> {
        let LayerKind::Activation(f) = self.layers().get(i + 1)?.kind else {
            return None;
        };
        let conv =
            matches!(self.layers()[i].kind, LayerKind::Conv2d(_)) && self.conv_kernel(i).is_some();
        let only_reader = last[i] == Some(i + 1) && self.sources(i + 1) == [Source::Layer(i)];
        if conv && only_reader {
            Epilogue::of(f)
        } else {
            None
        }
    }

    /// Layer `i` computed in its first input's memory, when it is an element-wise activation,
    /// a batch norm or an `add` and nothing after it reads that input (ResNet's and
    /// MobileNetV2's ReLUs and residual sums, VGG's batch norms: no new maps, one pass over
    /// the values), or a `mul` in the memory of its operand of the output's shape (`mul_into`:
    /// squeeze-and-excitation's scaled maps, whichever side the exporter put them on);
    /// `None` otherwise.
    fn run_in_place(
        &self,
        i: usize,
        last: &[Option<usize>],
        kept: &mut [Option<Tensor>],
        input: &Tensor,
    ) -> Option<Tensor> {
        let sources = self.sources(i);
        if let (LayerKind::Merge(Merge::Mul), [a, b]) = (&self.layers()[i].kind, sources) {
            return [(a, b), (b, a)].into_iter().find_map(|(&mine, &other)| {
                let Source::Layer(j) = mine else { return None };
                if last[j] != Some(i) || mine == other {
                    return None;
                }
                let mut t = kept[j].take()?;
                let other = match other {
                    Source::Input => input,
                    Source::Layer(m) => kept[m].as_ref().expect("kept until its last reader"),
                };
                if mul_into(&mut t, other) {
                    Some(t)
                } else {
                    kept[j] = Some(t);
                    None
                }
            });
        }
        let Some(&Source::Layer(j)) = sources.first() else {
            return None;
        };
        if last[j] != Some(i) || sources[1..].contains(&Source::Layer(j)) {
            return None;
        }
        match &self.layers()[i].kind {
            LayerKind::Activation(f) if sources.len() == 1 => {
                let mut t = kept[j].take()?;
                f.map_in_place(&mut t);
                Some(t)
            }
            LayerKind::BatchNorm(bn) if sources.len() == 1 => {
                let mut t = kept[j].take()?;
                bn.forward_in_place(&mut t);
                Some(t)
            }
            LayerKind::Merge(Merge::Add) => {
                let mut t = kept[j].take()?;
                let rest: Vec<&Tensor> = sources[1..]
                    .iter()
                    .map(|s| match *s {
                        Source::Input => input,
                        Source::Layer(m) => kept[m].as_ref().expect("kept until its last reader"),
                    })
                    .collect();
                add_into(&mut t, &rest);
                Some(t)
            }
            _ => None,
        }
    }

    /// Only the last layer's output, without keeping the intermediate ones (and with the
    /// activation after a convolution applied by the convolution, `Model::epilogue_after`).
    pub fn forward(&self, input: &Array3<f32>, options: &RunOptions) -> Result<Tensor> {
        self.run_graph(input.clone(), options, true, |_, _| {})
    }
}
