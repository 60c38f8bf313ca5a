//! Labels placed without collisions: each label tries four places around
//! its symbol (right above, left above, right below, left below) and takes
//! the first that stays inside the visible map and overlaps no symbol or
//! label placed before it, else it is left out. Callers place in priority
//! order: posts, crossings, sites, units, then (the border kept clear)
//! km marks, then place names (largest first). Place names and km marks
//! are painted here.

use bevy_egui::egui;
use geo::Coord;
use std::cell::RefCell;

/// The labels and symbols placed so far this frame, and where they may go.
pub struct Labels {
    /// The visible map: right of the side panel, above the timeline.
    pub area: egui::Rect,
    placed: RefCell<Vec<egui::Rect>>,
    /// The labels set so far (a subset of `placed`).
    set: RefCell<Vec<egui::Rect>>,
}

impl Labels {
    pub fn new(area: egui::Rect) -> Labels {
        Labels {
            area,
            placed: RefCell::new(Vec::new()),
            set: RefCell::new(Vec::new()),
        }
    }

    /// The corners of the labels set so far (where the map is busy).
    pub fn corners(&self) -> Vec<egui::Pos2> {
        let set = self.set.borrow();
        set.iter()
            .flat_map(|r| {
                [
                    r.left_top(),
                    r.right_top(),
                    r.left_bottom(),
                    r.right_bottom(),
                ]
            })
            .collect()
    }

    /// Keep `r` clear of labels (a symbol, the scale bar).
    pub fn reserve(&self, r: egui::Rect) {
        self.placed.borrow_mut().push(r);
    }

    /// Keep a line on screen clear of labels: a small box every 8 px
    /// along it (the border, so no name hides it).
    pub fn reserve_line(&self, pts: impl Iterator<Item = Option<egui::Pos2>>) {
        let mut prev: Option<egui::Pos2> = None;
        let mut placed = self.placed.borrow_mut();
        for q in pts {
            if let (Some(a), Some(b)) = (prev, q) {
                let n = ((b - a).length() / 8.0).ceil().clamp(1.0, 500.0) as usize;
                for k in 0..n {
                    let c = a + (b - a) * (k as f32 / n as f32);
                    if self.area.expand(8.0).contains(c) {
                        placed.push(egui::Rect::from_center_size(c, egui::vec2(7.0, 7.0)));
                    }
                }
            }
            prev = q;
        }
    }

    pub fn free(&self, r: egui::Rect) -> bool {
        // boxes that only touch do not overlap
        let overlaps = |p: &egui::Rect| {
            p.max.x > r.min.x && p.min.x < r.max.x && p.max.y > r.min.y && p.min.y < r.max.y
        };
        self.area.contains_rect(r) && !self.placed.borrow().iter().any(overlaps)
    }

    /// Place `text` beside a symbol at `q` (`off` px from its centre, or
    /// further out when the four places there are taken — a post beside
    /// the border) and paint it on a faint halo; false when no place is
    /// free.
    pub fn place(
        &self,
        painter: &egui::Painter,
        q: egui::Pos2,
        off: f32,
        text: &str,
        font: egui::FontId,
        colour: egui::Color32,
    ) -> bool {
        let galley = painter.layout_no_wrap(text.to_string(), font, colour);
        let size = galley.size();
        let tries = [
            (egui::vec2(1.0, -0.6), egui::Align2::LEFT_BOTTOM),
            (egui::vec2(-1.0, -0.6), egui::Align2::RIGHT_BOTTOM),
            (egui::vec2(1.0, 0.6), egui::Align2::LEFT_TOP),
            (egui::vec2(-1.0, 0.6), egui::Align2::RIGHT_TOP),
        ];
        let rings = [off, off + 6.0, off + 12.0];
        for (d, align) in rings.iter().flat_map(|r| tries.map(|(d, a)| (d * *r, a))) {
            let r = align.anchor_size(q + d, size);
            if self.free(r) {
                self.reserve(r.expand(1.0));
                self.set.borrow_mut().push(r);
                painter.rect_filled(r.expand(1.0), 2.0, halo());
                painter.galley(r.min, galley, colour);
                return true;
            }
        }
        false
    }
}

fn halo() -> egui::Color32 {
    egui::Color32::from_rgba_unmultiplied(255, 255, 255, 150)
}

/// The basemap's place names, largest first, each with a dot; those with
/// no free place are left out.
pub fn paint_places(
    labels: &Labels,
    painter: &egui::Painter,
    s: &crate::model::Scenario,
    metres_per_px: f64,
    at: &dyn Fn(Coord) -> Option<egui::Pos2>,
) {
    use crate::basemap::PlaceClass as P;
    let ink = egui::Color32::from_rgb(
        crate::view::PLACE[0],
        crate::view::PLACE[1],
        crate::view::PLACE[2],
    );
    for p in &s.basemap.places {
        if !p.class.named_at(metres_per_px) {
            continue;
        }
        let Some(q) = at(p.at).filter(|q| labels.area.contains(*q)) else {
            continue;
        };
        let (size, dot) = match p.class {
            P::City => (14.0, 3.5),
            P::Town => (12.5, 3.0),
            P::Village => (11.0, 2.2),
            P::Hamlet => (10.0, 1.8),
        };
        // a place whose dot a bigger one's name covers is left out
        let dot_box = egui::Rect::from_center_size(q, egui::vec2(2.0 * dot, 2.0 * dot));
        if !labels.free(dot_box) {
            continue;
        }
        labels.reserve(dot_box);
        if labels.place(
            painter,
            q,
            4.0,
            &p.name,
            egui::FontId::proportional(size),
            ink,
        ) {
            painter.circle(q, dot, ink, egui::Stroke::new(1.0, egui::Color32::WHITE));
        }
    }
}

/// Km marks along the border, about one per 90 px: a dot each, the
/// label where it has room.
pub fn paint_km_marks(
    labels: &Labels,
    painter: &egui::Painter,
    map: &super::MapData,
    metres_per_px: f64,
    at: &dyn Fn(Coord) -> Option<egui::Pos2>,
) {
    let ink = egui::Color32::from_rgb(30, 30, 30);
    let step = crate::view::km_mark_step(metres_per_px, 90.0);
    let total: f64 = map.info.pairs.iter().map(|p| p.length_km).sum();
    let mut km = step;
    while km < total {
        if let Some(q) = map.index.at_chainage(km).and_then(|(_, p)| at(p)) {
            painter.circle_filled(q, 3.0, ink);
            labels.place(
                painter,
                q,
                5.0,
                &format!("km {km:.0}"),
                egui::FontId::proportional(10.0),
                egui::Color32::from_rgb(60, 60, 60),
            );
        }
        km += step;
    }
}
