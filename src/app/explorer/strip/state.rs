//! What the stage strip shows of a graph, apart from drawing it: the network's blocks (see
//! [`crate::engine::blocks`]), which of them are open, and the order the arrow keys step in. A
//! closed block is one card (its output, the block's end stage); an open one shows every
//! stage inside.

use crate::engine::blocks::{Block, find_blocks};
use crate::engine::{Model, Source};

/// The colour of the connections drawn beside an open block's cards (and of a block's frame).
pub const SKIP_COLOR: egui::Color32 = egui::Color32::from_rgb(235, 140, 40);

/// One card of the strip, or an open block's frame around its cards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Stage(usize),
    /// A block: its index in [`StripState::blocks`] and whether it is open.
    Block {
        index: usize,
        open: bool,
    },
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct StripState {
    /// The wiring and names the blocks were found in (to notice another model).
    key: Vec<(String, Vec<Source>)>,
    pub blocks: Vec<Block>,
    /// Per block, whether it is open.
    pub open: Vec<bool>,
    /// The selected stage the strip last scrolled to (it follows the keys and the lab).
    pub scrolled_to: Option<usize>,
}

impl StripState {
    /// Finds the blocks again when the network's wiring or names changed (all closed then).
    pub fn sync(&mut self, net: &Model) {
        let same = self.key.len() == net.layers().len()
            && self
                .key
                .iter()
                .zip(net.layers().iter().zip(net.all_sources()))
                .all(|((name, srcs), (layer, s))| *name == layer.name && srcs == s);
        if same {
            return;
        }
        self.key = net
            .layers()
            .iter()
            .zip(net.all_sources())
            .map(|(l, s)| (l.name.clone(), s.clone()))
            .collect();
        let names: Vec<&str> = net.layers().iter().map(|l| l.name.as_str()).collect();
        self.blocks = find_blocks(net.all_sources(), &names);
        self.open = vec![false; self.blocks.len()];
    }

    /// The block holding `stage`, if any.
    pub fn block_of(&self, stage: usize) -> Option<usize> {
        self.blocks.iter().position(|b| b.contains(stage))
    }

    fn is_open(&self, index: usize) -> bool {
        self.open.get(index).copied().unwrap_or(false)
    }

    /// The strip's items for a network of `count` stages, in order.
    pub fn items(&self, count: usize) -> Vec<Item> {
        let mut items = Vec::new();
        let mut stage = 0;
        while stage < count {
            match self.blocks.iter().position(|b| b.start == stage) {
                Some(index) => {
                    items.push(Item::Block {
                        index,
                        open: self.is_open(index),
                    });
                    stage = self.blocks[index].end + 1;
                }
                None => {
                    items.push(Item::Stage(stage));
                    stage += 1;
                }
            }
        }
        items
    }

    /// The stages the arrow keys step through: a closed block is its output stage only.
    pub fn steps(&self, count: usize) -> Vec<usize> {
        (0..count)
            .filter(|&s| match self.block_of(s) {
                Some(b) => self.is_open(b) || s == self.blocks[b].end,
                None => true,
            })
            .collect()
    }

    /// The stage after `stage` in the strip's order (the last stays the last).
    pub fn next(&self, stage: usize, count: usize) -> usize {
        let steps = self.steps(count);
        steps
            .iter()
            .copied()
            .find(|&s| s > stage)
            .or(steps.last().copied())
            .unwrap_or(0)
    }

    /// The stage before `stage` in the strip's order.
    pub fn prev(&self, stage: usize, count: usize) -> usize {
        self.steps(count)
            .iter()
            .rev()
            .copied()
            .find(|&s| s < stage)
            .unwrap_or(0)
    }

    /// Opens or closes a block; returns the stage to select: the first stage inside when it
    /// opens, the block's output when it closes.
    pub fn toggle(&mut self, index: usize) -> Option<usize> {
        let block = self.blocks.get(index)?;
        let open = self.open.get_mut(index)?;
        *open = !*open;
        Some(if *open { block.start } else { block.end })
    }

    /// Opens the block around `stage` (a stage selected from elsewhere, a lesson or the lab's
    /// table, is shown where it is), unless it is the block's output.
    pub fn reveal(&mut self, stage: usize) {
        if let Some(b) = self.block_of(stage)
            && stage != self.blocks[b].end
            && let Some(open) = self.open.get_mut(b)
        {
            *open = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Stages 0..8; one block over stages 3..=6 (fork 2, merge 6).
    fn strip() -> StripState {
        StripState {
            key: Vec::new(),
            blocks: vec![Block {
                start: 3,
                fork: 2,
                merge: 6,
                end: 6,
                name: "layer1.0".into(),
            }],
            open: vec![false],
            scrolled_to: None,
        }
    }

    #[test]
    fn a_closed_block_is_one_card_and_one_step() {
        let s = strip();
        assert_eq!(
            s.items(8),
            vec![
                Item::Stage(0),
                Item::Stage(1),
                Item::Stage(2),
                Item::Block {
                    index: 0,
                    open: false
                },
                Item::Stage(7)
            ]
        );
        assert_eq!(s.steps(8), vec![0, 1, 2, 6, 7]);
        assert_eq!(s.next(2, 8), 6);
        assert_eq!(s.prev(7, 8), 6);
        assert_eq!(s.prev(6, 8), 2);
        assert_eq!(s.next(7, 8), 7);
    }

    #[test]
    fn an_open_block_steps_through_its_stages() {
        let mut s = strip();
        assert_eq!(s.toggle(0), Some(3));
        assert_eq!(s.steps(8), (0..8).collect::<Vec<_>>());
        assert_eq!(s.next(2, 8), 3);
        assert_eq!(s.toggle(0), Some(6));
        assert_eq!(s.next(2, 8), 6);
    }

    #[test]
    fn selecting_a_stage_inside_opens_its_block_but_its_output_does_not() {
        let mut s = strip();
        s.reveal(6);
        assert_eq!(s.open, vec![false]);
        s.reveal(4);
        assert_eq!(s.open, vec![true]);
    }
}
