//! The blocks of a graph, found from its wiring alone: a *block* is the region between a fork
//! (an output read by two or more layers) and the merge where every path from the fork meets
//! again (a residual block's `add`, a Fire or Inception module's `concat`). A viewer shows the
//! main path as a strip and each block as one card that opens to the stages inside.
//!
//! Stages are numbered as the app and `inspect` number them: stage 0 is the network's input,
//! stage `j + 1` the output of layer `j`.

use super::graph::Source;
use std::ops::RangeInclusive;

/// One block: its stages are `start ..= end`. The fork belongs to the path before (a residual
/// block forks from the previous block's output) unless it is named inside the block's module:
/// a Fire module's squeeze is its own, so the block starts there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// The first stage inside the block: `fork + 1`, or the first of the module's own stages
    /// up to and including the fork.
    pub start: usize,
    /// The stage whose output the block's branches share.
    pub fork: usize,
    /// The stage where the branches meet again.
    pub merge: usize,
    /// The block's output: the merge, or the layers right after it that belong to the same
    /// module (torchvision's `layer1.0` ends with `relu_1` after its `add`).
    pub end: usize,
    /// From the layers' names where they carry a module path (`/layer1/layer1.0/conv1/Conv`
    /// names its block `layer1.0`), else the merging layer's name.
    pub name: String,
}

impl Block {
    /// The stages inside the block, its merge and end included.
    pub(crate) fn stages(&self) -> RangeInclusive<usize> {
        self.start..=self.end
    }

    pub(crate) fn contains(&self, stage: usize) -> bool {
        self.stages().contains(&stage)
    }
}

/// What each stage reads, as stages (stage 0, the input, reads nothing).
pub(crate) fn stage_sources(sources: &[Vec<Source>]) -> Vec<Vec<usize>> {
    std::iter::once(Vec::new())
        .chain(sources.iter().map(|srcs| {
            let mut stages: Vec<usize> = srcs
                .iter()
                .map(|s| match *s {
                    Source::Input => 0,
                    Source::Layer(j) => j + 1,
                })
                .collect();
            stages.dedup();
            stages
        }))
        .collect()
}

/// The outermost blocks of a graph in order (a block inside another, such as a
/// squeeze-and-excitation `mul` inside an inverted residual, is shown open with its outer
/// block). `names` are the layers' names in order. A chain has none.
pub(crate) fn find_blocks(sources: &[Vec<Source>], names: &[&str]) -> Vec<Block> {
    let reads = stage_sources(sources);
    let stages = reads.len();
    let mut readers = vec![0usize; stages];
    let mut last_reader: Vec<Option<usize>> = vec![None; stages];
    for (s, srcs) in reads.iter().enumerate() {
        for &r in srcs {
            readers[r] += 1;
            last_reader[r] = Some(s);
        }
    }
    let mut found: Vec<Block> = Vec::new();
    for fork in (0..stages).filter(|&f| readers[f] >= 2) {
        let Some(merge) = merge_of(fork, &reads, &last_reader) else {
            continue;
        };
        // Nested blocks and blocks that overlap one already kept are left to the outer one.
        if found.last().is_some_and(|b| fork < b.end) {
            continue;
        }
        let name = block_name(names, fork, merge);
        let end = module_end(merge, &name, &reads, &readers, names);
        let floor = found.last().map_or(1, |b| b.end + 1);
        let start = module_start(fork, floor, &name, &reads, &readers, names);
        found.push(Block {
            start,
            fork,
            merge,
            end,
            name,
        });
    }
    found
}

/// The stage where every path from `fork` meets again, when the stages after the fork up to it
/// read only the fork and each other (one way in, one way out); `None` otherwise.
fn merge_of(fork: usize, reads: &[Vec<usize>], last_reader: &[Option<usize>]) -> Option<usize> {
    // The last stage is read by whoever runs the network.
    let last = reads.len() - 1;
    let read_after = |k: usize, i: usize| k == last || last_reader[k].is_some_and(|r| r > i);
    // Stages of the region whose output a later stage still reads.
    let mut open = vec![fork];
    for (i, srcs) in reads.iter().enumerate().skip(fork + 1) {
        // Read from before the fork, or read by nothing (a branch that ends): no block.
        if srcs.iter().any(|&r| r < fork) || !(i == last || last_reader[i].is_some()) {
            return None;
        }
        open.retain(|&k| read_after(k, i));
        if read_after(i, i) {
            open.push(i);
        }
        match open.as_slice() {
            [only] if *only == i => return Some(i),
            [] => return None,
            _ => {}
        }
    }
    None
}

/// The last stage of the chain that follows `merge` while each stage reads only the one
/// before it, is its only reader, and is named inside the block's module (`/layer1/layer1.0/
/// relu_1/Relu` after `/layer1/layer1.0/Add`); `merge` when there is none.
fn module_end(
    merge: usize,
    block: &str,
    reads: &[Vec<usize>],
    readers: &[usize],
    names: &[&str],
) -> usize {
    let mut end = merge;
    while chain_link(reads, readers, end, end + 1)
        && names.get(end).is_some_and(|name| in_module(name, block))
    {
        end += 1;
    }
    end
}

/// The block's first stage: `fork + 1`, unless the fork is named inside the block's module
/// (torchvision's `/features/features.3/squeeze_activation/Relu` in `features.3`); then the
/// fork and the chain before it that is the module's own (each stage read only by the next,
/// named inside the module; not before `floor`, where the previous block ended).
fn module_start(
    fork: usize,
    floor: usize,
    block: &str,
    reads: &[Vec<usize>],
    readers: &[usize],
    names: &[&str],
) -> usize {
    let inside = |stage: usize| {
        stage >= floor.max(1)
            && names
                .get(stage - 1)
                .is_some_and(|name| in_module(name, block))
    };
    if !inside(fork) {
        return fork + 1;
    }
    let mut start = fork;
    while inside(start - 1) && chain_link(reads, readers, start - 1, start) {
        start -= 1;
    }
    start
}

/// Whether stage `to` reads only stage `from` and is its only reader: one link of a plain
/// chain, which a block's ends may follow into its module.
fn chain_link(reads: &[Vec<usize>], readers: &[usize], from: usize, to: usize) -> bool {
    reads.get(to).is_some_and(|r| r.as_slice() == [from]) && readers[from] == 1
}

/// Whether a layer's name has `block` among its module path (`/layer1/layer1.0/relu_1/Relu`
/// is in `layer1.0`; its last part is the layer itself).
fn in_module(name: &str, block: &str) -> bool {
    let mut parts: Vec<&str> = name.split('/').filter(|p| !p.is_empty()).collect();
    parts.pop();
    parts.contains(&block)
}

/// The deepest module path shared by the names of the block's layers (`/layer1/layer1.0/Add`
/// and `/layer1/layer1.0/conv1/Conv` share `layer1.0`), else the merging layer's name.
fn block_name(names: &[&str], fork: usize, merge: usize) -> String {
    let dir = |stage: usize| -> Vec<&str> {
        let name = names.get(stage - 1).copied().unwrap_or("");
        let mut parts: Vec<&str> = name.split('/').filter(|p| !p.is_empty()).collect();
        parts.pop();
        parts
    };
    let mut common = dir(fork + 1);
    for stage in fork + 2..=merge {
        let parts = dir(stage);
        let same = common
            .iter()
            .zip(&parts)
            .take_while(|(a, b)| a == b)
            .count();
        common.truncate(same);
    }
    match common.last() {
        Some(last) => (*last).to_string(),
        None => names.get(merge - 1).copied().unwrap_or("").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Source::{Input, Layer};

    fn names(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("l{i}")).collect()
    }

    fn blocks(sources: &[Vec<Source>], names: &[String]) -> Vec<(usize, usize, String)> {
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        find_blocks(sources, &names)
            .into_iter()
            .map(|b| (b.fork, b.end, b.name))
            .collect()
    }

    #[test]
    fn a_chain_has_no_blocks() {
        let chain = crate::engine::graph::chain(5);
        assert!(blocks(&chain, &names(5)).is_empty());
    }

    #[test]
    fn a_residual_block_runs_from_its_fork_to_its_add() {
        // conv0 -> relu1 -> [conv2 -> relu3 -> conv4 -> add5(relu1, conv4)] -> relu6
        let sources = vec![
            vec![Input],
            vec![Layer(0)],
            vec![Layer(1)],
            vec![Layer(2)],
            vec![Layer(3)],
            vec![Layer(1), Layer(4)],
            vec![Layer(5)],
        ];
        // Stages: relu1 is stage 2, add5 is stage 6.
        assert_eq!(blocks(&sources, &names(7)), vec![(2, 6, "l5".into())]);
    }

    #[test]
    fn two_residual_blocks_in_a_row_are_two_blocks() {
        // The first add's output is the second block's fork (no activation between).
        let sources = vec![
            vec![Input],              // 0 conv (stage 1)
            vec![Layer(0)],           // 1 conv (stage 2)
            vec![Layer(0), Layer(1)], // 2 add (stage 3)
            vec![Layer(2)],           // 3 conv (stage 4)
            vec![Layer(3)],           // 4 relu (stage 5)
            vec![Layer(2), Layer(4)], // 5 add (stage 6)
            vec![Layer(5)],           // 6 pool (stage 7)
        ];
        assert_eq!(
            blocks(&sources, &names(7)),
            vec![(1, 3, "l2".into()), (3, 6, "l5".into())]
        );
    }

    #[test]
    fn a_fire_module_is_the_region_from_its_squeeze_to_its_concat() {
        // squeeze -> {e1 -> relu, e3 -> relu} -> concat, named by the module path.
        let sources = vec![
            vec![Input],              // 0 squeeze (stage 1)
            vec![Layer(0)],           // 1 e1 (stage 2)
            vec![Layer(1)],           // 2 relu (stage 3)
            vec![Layer(0)],           // 3 e3 (stage 4)
            vec![Layer(3)],           // 4 relu (stage 5)
            vec![Layer(2), Layer(4)], // 5 concat (stage 6)
            vec![Layer(5)],           // 6 pool (stage 7)
        ];
        let names: Vec<String> = [
            "/3/s/Conv",
            "/3/e1/Conv",
            "/3/Relu_1",
            "/3/e3/Conv",
            "/3/Relu_2",
            "/3/Concat",
            "/5/MaxPool",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(blocks(&sources, &names), vec![(1, 6, "3".into())]);
    }

    #[test]
    fn a_fire_modules_squeeze_is_inside_its_block() {
        // torchvision's SqueezeNet: pool -> [squeeze -> squeeze_activation -> {expand1x1 ->
        // relu, expand3x3 -> relu} -> concat]: the fork is the squeeze's ReLU, named inside
        // features.3, so the block starts at the squeeze conv; the pool before it stays out.
        let sources = vec![
            vec![Input],              // 0 pool (stage 1)
            vec![Layer(0)],           // 1 squeeze (stage 2)
            vec![Layer(1)],           // 2 squeeze relu: the fork (stage 3)
            vec![Layer(2)],           // 3 e1 (stage 4)
            vec![Layer(3)],           // 4 relu (stage 5)
            vec![Layer(2)],           // 5 e3 (stage 6)
            vec![Layer(5)],           // 6 relu (stage 7)
            vec![Layer(4), Layer(6)], // 7 concat (stage 8)
        ];
        let names = [
            "/features/features.2/MaxPool",
            "/features/features.3/squeeze/Conv",
            "/features/features.3/squeeze_activation/Relu",
            "/features/features.3/expand1x1/Conv",
            "/features/features.3/expand1x1_activation/Relu",
            "/features/features.3/expand3x3/Conv",
            "/features/features.3/expand3x3_activation/Relu",
            "/features/features.3/Concat",
        ];
        let found = find_blocks(&sources, &names);
        assert_eq!(found.len(), 1);
        let b = &found[0];
        assert_eq!((b.start, b.fork, b.merge, b.end), (2, 3, 8, 8));
        assert_eq!(b.name, "features.3");
        assert!(b.contains(2) && b.contains(3) && !b.contains(1));
    }

    #[test]
    fn a_downsample_branch_with_a_conv_on_the_skip_is_one_block() {
        // relu -> [c1 -> relu -> c2, down(relu)] -> add: the skip has its own conv.
        let sources = vec![
            vec![Input],              // 0 relu (stage 1)
            vec![Layer(0)],           // 1 c1 (stage 2)
            vec![Layer(1)],           // 2 relu (stage 3)
            vec![Layer(2)],           // 3 c2 (stage 4)
            vec![Layer(0)],           // 4 down (stage 5)
            vec![Layer(3), Layer(4)], // 5 add (stage 6)
        ];
        let names: Vec<String> = [
            "/layer1/layer1.1/relu_1/Relu",
            "/layer2/layer2.0/conv1/Conv",
            "/layer2/layer2.0/relu/Relu",
            "/layer2/layer2.0/conv2/Conv",
            "/layer2/layer2.0/downsample/downsample.0/Conv",
            "/layer2/layer2.0/Add",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(blocks(&sources, &names), vec![(1, 6, "layer2.0".into())]);
    }

    #[test]
    fn the_layers_after_the_add_in_the_same_module_close_the_block() {
        // torchvision: [conv1 -> relu -> conv2 -> add(x, conv2)] -> relu_1, all in layer1.0;
        // layer1.1 forks from that relu_1. A relu outside the module stays outside.
        let sources = vec![
            vec![Input],              // 0 maxpool (stage 1)
            vec![Layer(0)],           // 1 conv1 (stage 2)
            vec![Layer(1)],           // 2 relu (stage 3)
            vec![Layer(2)],           // 3 conv2 (stage 4)
            vec![Layer(0), Layer(3)], // 4 add (stage 5)
            vec![Layer(4)],           // 5 relu_1 (stage 6)
            vec![Layer(5)],           // 6 conv1 (stage 7)
            vec![Layer(5), Layer(6)], // 7 add (stage 8)
            vec![Layer(7)],           // 8 relu (stage 9), outside layer1.1
        ];
        let names: Vec<String> = [
            "/maxpool/MaxPool",
            "/layer1/layer1.0/conv1/Conv",
            "/layer1/layer1.0/relu/Relu",
            "/layer1/layer1.0/conv2/Conv",
            "/layer1/layer1.0/Add",
            "/layer1/layer1.0/relu_1/Relu",
            "/layer1/layer1.1/conv1/Conv",
            "/layer1/layer1.1/Add",
            "/relu/Relu",
        ]
        .map(String::from)
        .to_vec();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let found = find_blocks(&sources, &names);
        let spans: Vec<_> = found.iter().map(|b| (b.fork, b.merge, b.end)).collect();
        assert_eq!(spans, vec![(1, 5, 6), (6, 8, 8)]);
        // Each fork is the path before's (the maxpool, layer1.0's relu_1).
        let starts: Vec<_> = found.iter().map(|b| b.start).collect();
        assert_eq!(starts, vec![2, 7]);
        assert_eq!(found[0].name, "layer1.0");
        assert!(found[0].contains(6) && !found[1].contains(9));
    }

    #[test]
    fn a_block_inside_a_block_is_left_to_the_outer_one() {
        // x -> [a -> b -> mul(a, b) -> add(x, mul)]: the squeeze-and-excitation mul is nested.
        let sources = vec![
            vec![Input],              // 0 x (stage 1)
            vec![Layer(0)],           // 1 a (stage 2)
            vec![Layer(1)],           // 2 b (stage 3)
            vec![Layer(1), Layer(2)], // 3 mul (stage 4)
            vec![Layer(0), Layer(3)], // 4 add (stage 5)
        ];
        assert_eq!(blocks(&sources, &names(5)), vec![(1, 5, "l4".into())]);
    }

    #[test]
    fn branches_that_never_meet_again_make_no_block() {
        // The input feeds two layers and both are read by nothing after them.
        let sources = vec![vec![Input], vec![Input]];
        assert!(blocks(&sources, &names(2)).is_empty());
    }
}
