//! The pipeline strip: one card per stage (name, output shape, parameters, thumbnail); click a
//! card or use Left/Right to move. The cards narrow so that every stage stays in view. In a
//! graph, each block (see [`super::state`]) is one card that opens to its stages, with the
//! connections that skip stages drawn as arcs below them.

use super::card_name::{MAX_CARD_WIDTH, NAME_PAD, card_name_ui, needed_room, text_width};
use super::hover_link::{outline_cells_ui, strip_link};
use super::overview::{StripExtent, overview_ui};
use super::state::{Item, SKIP_COLOR};
use crate::app::i18n::typography::break_at_spaces;
use crate::app::i18n::{fill, grouped};
use crate::app::shell::commands::Command;
use crate::app::shell::panels::Panels;
use crate::app::widgets::maps::{full_uv, map_texture};
use crate::app::widgets::view_rects::record_rect;
use crate::engine::LayerKind;
use crate::lesson::ViewId;
use egui::{Color32, Pos2, Rect, Sense, Stroke, Vec2};

/// The widest a card gets, and the narrowest before the strip scrolls.
const CARD_WIDTH: f32 = 76.0;
const MIN_CARD_WIDTH: f32 = 44.0;
const THUMB: f32 = 40.0;
/// Between two cards, where the arrow is drawn.
const ARROW_GAP: f32 = 12.0;
/// A card's frame: inner margin and stroke on each side.
const CARD_MARGIN: f32 = 4.0;
/// How far below a card's top the arrows run.
const ARROW_DROP: f32 = 22.0;
/// Below an open block's cards: the room of one skip arc.
const LANE: f32 = 6.0;
const MAX_LANES: usize = 4;

/// The width of one card's contents so that `count` cards fit `width` (the whole network is in
/// view, however many stages it has: a 14-stage network on a 1280x800 laptop in presentation
/// mode still shows its flatten, dense and softmax cards).
pub(crate) fn card_width(width: f32, count: usize) -> f32 {
    let n = count.max(1) as f32;
    let per = (width - (n - 1.0) * ARROW_GAP) / n - 2.0 * (CARD_MARGIN + 1.0);
    per.floor().clamp(MIN_CARD_WIDTH, CARD_WIDTH)
}

/// What a card says: a stage's layer, or a closed block.
struct CardText {
    name: String,
    kind: String,
    params: usize,
    selected: bool,
    /// A block's card: its index, and whether it is open (the name then toggles it).
    block: Option<(usize, bool)>,
    tip: Option<String>,
}

/// The strip's height while a lesson is open, the same for every model (no card wraps then):
/// a card's name, three small lines and its thumbnail, framed.
pub(crate) fn fixed_height(ui: &egui::Ui) -> f32 {
    // A row as high as the tallest font any language sets it in (the CJK font's rows are
    // 1.17 times its size, the Latin font's 1.15), so switching language keeps the strip.
    let row = |style: egui::TextStyle| {
        let size = style.resolve(ui.style()).size;
        ui.text_style_height(&style).max(1.2 * size)
    };
    let small = row(egui::TextStyle::Small);
    let name = row(egui::TextStyle::Button) + 2.0 * ui.spacing().button_padding.y;
    let card = 2.0 * (CARD_MARGIN + 1.0) + name + 3.0 * small + THUMB + 4.0;
    // The panel's own margins, and the room of a scroll bar that never shows.
    card + 2.0 * ui.spacing().item_spacing.y + 12.0
}

pub(crate) fn pipeline_ui(ui: &mut egui::Ui, p: &mut Panels) {
    p.view.strip.sync(&p.ex.net);
    let count = p.ex.stage_count();
    let items = p.view.strip.items(count);
    let cards: usize = items
        .iter()
        .map(|item| match item {
            Item::Block { index, open: true } => p.view.strip.blocks[*index].stages().count(),
            _ => 1,
        })
        .sum();
    let width = card_width(ui.available_width(), cards);
    // Where each stage's card is (a closed block's card stands for its output stage).
    let mut rects: Vec<Option<Rect>> = vec![None; count];
    let strip = egui::ScrollArea::horizontal().show(ui, |ui| {
        let cards = ui.horizontal_top(|ui| {
            ui.spacing_mut().item_spacing.x = ARROW_GAP;
            let mut previous: Option<Rect> = None;
            for item in &items {
                let (first, last) = match *item {
                    Item::Stage(stage) => {
                        let text = stage_text(p, stage);
                        let r = card_ui(ui, p, stage, width, text);
                        rects[stage] = Some(r);
                        (r, r)
                    }
                    Item::Block { index, open: false } => {
                        let end = p.view.strip.blocks[index].end;
                        let text = block_text(p, index);
                        let r = card_ui(ui, p, end, width, text);
                        rects[end] = Some(r);
                        (r, r)
                    }
                    Item::Block { index, open: true } => {
                        open_block_ui(ui, p, index, width, &mut rects)
                    }
                };
                if let Some(prev) = previous {
                    arrow_ui(ui, prev, first);
                }
                previous = Some(last);
            }
        });
        record_rect(ui, ViewId::Strip, cards.response.rect);
        // The selected card comes into view with its neighbours, whichever way it moved.
        let follow = p.view.playing || p.view.strip.scrolled_to != Some(p.ex.stage);
        if follow && let Some(near) = near_selected(p, &rects) {
            ui.scroll_to_rect(near, None);
        }
    });
    // A strip longer than the window: the whole network in one line under it.
    let visible = strip.inner_rect.width();
    if strip.content_size.x > visible + 1.0 && !p.view.lesson_layout {
        let origin = strip.inner_rect.left() - strip.state.clamped_offset().x;
        let cards = rects
            .iter()
            .enumerate()
            .filter_map(|(stage, r)| Some((stage, r.as_ref()?.translate(Vec2::new(-origin, 0.0)))))
            .collect();
        let extent = StripExtent {
            cards,
            content_width: strip.content_size.x,
            offset: strip.state.clamped_offset().x,
            visible,
        };
        overview_ui(ui, p, &extent);
    }
    let stage = p.ex.stage;
    if p.view.strip.scrolled_to != Some(stage) {
        p.view.strip.scrolled_to = Some(stage);
    }
}

/// The selected card with the cards before and after it in the strip.
fn near_selected(p: &Panels, rects: &[Option<Rect>]) -> Option<Rect> {
    let (stage, count) = (p.ex.stage, p.ex.stage_count());
    let strip = &p.view.strip;
    // A stage inside a closed block is shown by the block's card.
    let shown = |s: usize| match strip.block_of(s) {
        Some(b) if rects.get(s).is_none_or(Option::is_none) => strip.blocks[b].end,
        _ => s,
    };
    [strip.prev(stage, count), stage, strip.next(stage, count)]
        .into_iter()
        .filter_map(|s| rects.get(shown(s)).copied().flatten())
        .reduce(|a, b| a.union(b))
}

/// A small arrow in the gap between two cards.
fn arrow_ui(ui: &egui::Ui, from: Rect, to: Rect) {
    // Level with the names, whatever each card's height (wrapped names make them differ).
    let y = from.top().max(to.top()) + ARROW_DROP;
    let a = egui::pos2(from.right() + 2.0, y);
    let b = egui::pos2(to.left() - 2.0, y);
    let stroke = Stroke::new(1.5, ui.visuals().text_color());
    ui.painter().arrow(a, b - a, stroke);
}

fn stage_text(p: &Panels, stage: usize) -> CardText {
    let (name, kind, params, tip) = match p.ex.stage_layer(stage) {
        Some(l) => {
            let short = short_name(&l.name);
            let tip = (short != l.name).then(|| l.name.clone());
            (short, p.s.layer_type(&l.kind), l.parameter_count(), tip)
        }
        None => (p.s.input_stage.to_string(), "", 0, None),
    };
    CardText {
        name,
        kind: kind.to_string(),
        params,
        selected: p.ex.stage == stage,
        block: None,
        tip,
    }
}

/// A card's name: an exporter's module path (`/features/features.2/conv/conv.0/conv.0.2/Clip`)
/// without its operator and without each module the next one only extends
/// (`features.2/conv.0.2`: which block, which layer in it). The layer's type is on the card's
/// next line, the whole name in its tooltip and the stage's heading.
fn short_name(name: &str) -> String {
    let mut modules: Vec<&str> = name.split('/').filter(|p| !p.is_empty()).collect();
    if modules.len() > 1 {
        modules.pop();
    }
    let kept: Vec<&str> = modules
        .iter()
        .enumerate()
        .filter(|&(i, m)| {
            modules
                .get(i + 1)
                .is_none_or(|next| !next.strip_prefix(m).is_some_and(|r| r.starts_with('.')))
        })
        .map(|(_, m)| *m)
        .collect();
    if kept.is_empty() {
        name.to_string()
    } else {
        kept.join("/")
    }
}

/// A closed block: its name, what merges it and how many stages it holds, its parameters.
fn block_text(p: &Panels, index: usize) -> CardText {
    let block = &p.view.strip.blocks[index];
    let merge_kind = match p.ex.stage_layer(block.merge).map(|l| &l.kind) {
        Some(kind @ LayerKind::Merge(_)) => p.s.layer_type(kind),
        _ => "",
    };
    let params = block
        .stages()
        .filter_map(|s| p.ex.stage_layer(s))
        .map(|l| l.parameter_count())
        .sum();
    CardText {
        name: block.name.clone(),
        kind: fill(p.s.block_kind, &[&merge_kind, &block.stages().count()]),
        params,
        selected: block.contains(p.ex.stage),
        block: Some((index, false)),
        tip: Some(fill(p.s.block_open_tip, &[&merge_kind])),
    }
}

/// An open block: a tinted frame around its cards, the skip connections as arcs below them
/// and the block's name (which closes it) at the bottom. Returns its first and last card.
fn open_block_ui(
    ui: &mut egui::Ui,
    p: &mut Panels,
    index: usize,
    width: f32,
    rects: &mut [Option<Rect>],
) -> (Rect, Rect) {
    let block = p.view.strip.blocks[index].clone();
    let stages: Vec<usize> = block.stages().collect();
    // Each edge into a stage of the block that does not come from the card just before it.
    let mut arcs: Vec<(usize, usize)> = Vec::new();
    let mut straight: Vec<(usize, usize)> = Vec::new();
    // The stage before the block: its edge into the block is drawn outside the frame.
    let outside = block.start - 1;
    for (k, &dst) in stages.iter().enumerate() {
        let before = if k == 0 { outside } else { stages[k - 1] };
        for src in p.ex.input_stages(dst) {
            if src == before {
                straight.push((src, dst));
            } else {
                arcs.push((src, dst));
            }
        }
    }
    let lanes = arcs.len().min(MAX_LANES);
    let frame = egui::Frame::group(ui.style())
        .inner_margin(CARD_MARGIN)
        .fill(SKIP_COLOR.linear_multiply(0.08))
        .stroke(Stroke::new(1.0, SKIP_COLOR.linear_multiply(0.6)));
    let mut cards_bottom = 0.0f32;
    frame.show(ui, |ui| {
        ui.vertical(|ui| {
            ui.horizontal_top(|ui| {
                ui.spacing_mut().item_spacing.x = ARROW_GAP;
                for &stage in &stages {
                    let mut text = stage_text(p, stage);
                    if let Some(layer) = p.ex.stage_layer(stage) {
                        text.name = short_name(inside_name(&layer.name, &block.name));
                    }
                    let r = card_ui(ui, p, stage, width, text);
                    rects[stage] = Some(r);
                    cards_bottom = cards_bottom.max(r.bottom());
                }
            });
            ui.add_space(LANE * lanes as f32 + 2.0);
            let name = format!("▼ {}", block.name);
            if ui
                .selectable_label(true, name)
                .on_hover_text(format!("{}\n{}", p.s.block_close_tip, p.s.block_skip_tip))
                .clicked()
            {
                p.commands.push(Command::ToggleBlock(index));
            }
        });
    });
    for &(src, dst) in &straight {
        if src != outside
            && let (Some(a), Some(b)) = (rects[src], rects[dst])
        {
            arrow_ui(ui, a, b);
        }
    }
    for (lane, &(src, dst)) in arcs.iter().enumerate() {
        if let (Some(a), Some(b)) = (rects[src], rects[dst]) {
            let y = cards_bottom + LANE * (1 + lane % MAX_LANES) as f32 - 2.0;
            skip_arc_ui(ui, a, b, y);
        }
    }
    let first = stages
        .first()
        .and_then(|&s| rects[s])
        .unwrap_or(Rect::NOTHING);
    let last = stages.last().and_then(|&s| rects[s]).unwrap_or(first);
    (first, last)
}

/// A layer's name inside its open block, without the block's module path
/// (`/layer1/layer1.0/conv1/Conv` in `layer1.0` shows `conv1/Conv`).
fn inside_name<'a>(name: &'a str, block: &str) -> &'a str {
    let path = format!("/{block}/");
    match name.find(&path) {
        Some(at) if at + path.len() < name.len() => &name[at + path.len()..],
        _ => name,
    }
}

/// A connection that skips stages: down from one card, along below the cards, up into the other.
fn skip_arc_ui(ui: &egui::Ui, from: Rect, to: Rect, y: f32) {
    let stroke = Stroke::new(2.0, SKIP_COLOR);
    let (x0, x1) = (from.center().x + 6.0, to.center().x - 6.0);
    let points = vec![
        Pos2::new(x0, from.bottom()),
        Pos2::new(x0, y),
        Pos2::new(x1, y),
        Pos2::new(x1, to.bottom() + 1.0),
    ];
    ui.painter().add(egui::Shape::line(points, stroke));
    // The head, pointing up into the card that reads it.
    let tip = Pos2::new(x1, to.bottom() + 1.0);
    ui.painter().add(egui::Shape::convex_polygon(
        vec![tip, tip + Vec2::new(-3.5, 5.0), tip + Vec2::new(3.5, 5.0)],
        SKIP_COLOR,
        Stroke::NONE,
    ));
}

fn card_ui(ui: &mut egui::Ui, p: &mut Panels, stage: usize, width: f32, text: CardText) -> Rect {
    let selected = text.selected;
    let shape =
        p.ex.trace
            .get(stage)
            .map(|t| t.shape().to_string())
            .unwrap_or_default();
    let mut frame = egui::Frame::group(ui.style()).inner_margin(CARD_MARGIN);
    if text.block.is_some() {
        frame = frame.stroke(Stroke::new(1.5, SKIP_COLOR));
    }
    if selected {
        frame = frame
            .fill(ui.visuals().selection.bg_fill.linear_multiply(0.35))
            .stroke(ui.visuals().selection.stroke);
    }
    let fixed = p.view.lesson_layout;
    let width = content_width(ui, &text, &shape, width, fixed);
    let mut name_bottom = f32::NEG_INFINITY;
    let response = frame
        .show(ui, |ui| {
            ui.set_width(width);
            ui.vertical_centered(|ui| {
                ui.spacing_mut().item_spacing.y = 1.0;
                let (mut label, cut) =
                    card_name_ui(ui, prefix(&text), &text.name, selected, width, !fixed);
                match &text.tip {
                    Some(tip) => label = label.on_hover_text(tip),
                    None if cut => label = label.on_hover_text(&text.name),
                    None => {}
                }
                name_bottom = label.rect.bottom();
                if label.clicked() {
                    p.commands.push(match text.block {
                        Some((index, _)) => Command::ToggleBlock(index),
                        None => Command::SelectStage(stage),
                    });
                }
                // Narrow cards wrap their lines rather than push the strip off screen, at
                // a space where there is one (`7,850` / `个参数`, not `7,850 个参` / `数`);
                // while a lesson is open the strip keeps its height, so a line too long is
                // cut (its card's tooltip and the stage's heading say it whole).
                let font = egui::TextStyle::Small.resolve(ui.style());
                let mut lines = vec![text.kind.clone(), shape.clone()];
                if text.params > 0 {
                    lines.push(fill(p.s.params, &[&grouped(text.params)]));
                }
                for line in lines {
                    let label = if fixed {
                        egui::Label::new(egui::RichText::new(line).small()).truncate()
                    } else {
                        let line = break_at_spaces(ui, &line, &font, width);
                        egui::Label::new(egui::RichText::new(line).small()).wrap()
                    };
                    ui.add(label);
                }
                thumbnail_ui(ui, p, stage, width);
            });
        })
        .response;
    // The whole card is a click target, not only its name and thumbnail (below the name, which
    // has its own action on a block's card).
    let mut body = response.rect;
    body.min.y = body.min.y.max(name_bottom);
    let card = ui.interact(
        body,
        ui.make_persistent_id(("stage-card", stage)),
        Sense::click(),
    );
    if card.clicked() {
        p.commands.push(Command::SelectStage(stage));
    }
    response.rect
}

/// What stands before a card's name: a closed block's mark.
fn prefix(text: &CardText) -> &'static str {
    match text.block {
        Some((_, false)) => "▶ ",
        _ => "",
    }
}

/// The width of a card's contents: `base` (what fits the whole network in the window), wider
/// where its name (on two lines, or one while a lesson fixes the strip's height) or a word of
/// its shape needs it, up to [`MAX_CARD_WIDTH`].
fn content_width(ui: &egui::Ui, text: &CardText, shape: &str, base: f32, fixed: bool) -> f32 {
    let size = egui::TextStyle::Button.resolve(ui.style()).size;
    let name = format!("{}{}", prefix(text), text.name);
    let name = needed_room(&name, fixed, |s| text_width(ui, s, size)) + 2.0 * NAME_PAD + 1.0;
    // The shape wraps at its spaces (`3 @` / `224x224`), never inside a word: its widest word
    // is what the card needs (so a small network still fits the window whole).
    let small = egui::TextStyle::Small.resolve(ui.style()).size;
    let shape = shape
        .split(' ')
        .map(|word| text_width(ui, word, small) + 1.0)
        .fold(0.0, f32::max);
    base.max(name).max(shape).min(MAX_CARD_WIDTH).ceil()
}

/// The stage's most active channel (or the hovered one's link), small.
fn thumbnail_ui(ui: &mut egui::Ui, p: &mut Panels, stage: usize, width: f32) {
    let thumb_side = THUMB.min(width);
    let (rect, mut thumb) = ui.allocate_exact_size(Vec2::splat(thumb_side), Sense::click());
    let channel = p.ex.thumbnail_channels.get(stage).copied().unwrap_or(0);
    // A hovered map cell shows its channel and its links on the neighbours.
    let link = strip_link(&p.ex.net, p.view.hover_before, stage, channel);
    let channel = link.and_then(|l| l.channel).unwrap_or(channel);
    let channels =
        p.ex.trace
            .get(stage)
            .and_then(|t| t.as_maps())
            .map(|m| m.dim().0);
    if let Some(channels) = channels.filter(|&c| c > 1) {
        let last = channels - 1;
        thumb = thumb.on_hover_text(fill(p.s.thumb_tip, &[&channel, &last]));
    }
    if let Some(tex) = map_texture(ui, p, stage, channel, false) {
        let [w, h] = tex.size();
        let scale = thumb_side / w.max(h).max(1) as f32;
        let size = Vec2::new(w as f32, h as f32) * scale;
        let img = Rect::from_center_size(rect.center(), size);
        ui.painter().image(tex.id(), img, full_uv(), Color32::WHITE);
        if let Some(l) = link {
            outline_cells_ui(ui, img, (h, w), l.rect);
        }
    }
    if thumb.clicked() {
        p.commands.push(Command::SelectStage(stage));
    }
}

#[cfg(test)]
mod tests {
    use super::short_name;

    #[test]
    fn a_module_path_keeps_the_modules_that_tell_stages_apart() {
        let cases = [
            (
                "/features/features.2/conv/conv.0/conv.0.2/Clip",
                "features.2/conv.0.2",
            ),
            (
                "/features/features.1/features.1.0/block/block.0/block.0.2/Mul",
                "features.1.0/block.0.2",
            ),
            ("/features/features.0/Conv", "features.0"),
            ("/Conv2d_1a_3x3/conv/Conv", "Conv2d_1a_3x3/conv"),
            ("/layer1/layer1.0/conv1/Conv", "layer1.0/conv1"),
            ("conv1/Conv", "conv1"),
            ("/0/Conv", "0"),
            ("node_Conv_119", "node_Conv_119"),
            ("conv1", "conv1"),
            ("/", "/"),
        ];
        for (name, short) in cases {
            assert_eq!(short_name(name), short, "{name}");
        }
    }
}
