//! Point symbols and labels over the map, painted with egui above the
//! scene so lines never hide them: crossings, posts (triangles in the
//! State's colour, the neighbour's received ones hatched, the selected one
//! ringed), suggested sites, simulated
//! crossings on the timeline, units on patrol; the scale bar and north
//! arrow; km marks and place names. Labels are placed without collisions
//! (`labels`), posts first, place names last.

use super::edit::{EditState, IoJobs};
use super::labels::{self, Labels};
use super::plan::PlanJob;
use super::sim::SimJob;
use super::{basemap, legend, sim, LayerToggles, MapData};
use crate::view::{self, PANEL_WIDTH_PX};
use bevy::prelude::*;
use bevy_egui::{egui, EguiContexts};
use geo::Coord;

/// Where and how symbols are painted: the painter under the map's camera,
/// the label font, and whether labels are shown.
struct Pen<'a> {
    painter: egui::Painter,
    cam: &'a Camera,
    gt: &'a GlobalTransform,
    font: egui::FontId,
    labels: bool,
    placed: Labels,
}

impl Pen<'_> {
    /// A map point on screen; `None` off the map (or under the panel).
    fn at(&self, p: Coord) -> Option<egui::Pos2> {
        let v = self
            .cam
            .world_to_viewport(self.gt, Vec3::new(p.x as f32, p.y as f32, 0.0))
            .ok()?;
        (v.x > PANEL_WIDTH_PX as f32 + 4.0).then(|| egui::pos2(v.x, v.y))
    }
    /// A label beside the symbol at `q`, when labels are shown and it has
    /// room (`labels::Labels::place`).
    fn label(&self, q: egui::Pos2, text: &str, colour: egui::Color32) {
        if self.labels {
            let font = self.font.clone();
            self.placed
                .place(&self.painter, q, 10.0, text, font, colour);
        }
    }
    /// Keep labels off a symbol `r_px` round `q`.
    fn reserve(&self, q: egui::Pos2, r_px: f32) {
        self.placed.reserve(egui::Rect::from_center_size(
            q,
            egui::vec2(2.0 * r_px, 2.0 * r_px),
        ));
    }
}

fn c32(c: [u8; 3]) -> egui::Color32 {
    egui::Color32::from_rgb(c[0], c[1], c[2])
}

fn outline() -> egui::Stroke {
    egui::Stroke::new(1.5, egui::Color32::from_rgb(20, 20, 20))
}

/// Paint the symbols; after the side panel, so they sit over the map.
#[allow(clippy::too_many_arguments)]
pub fn paint_symbols(
    mut contexts: EguiContexts,
    map: Res<MapData>,
    layers: Res<LayerToggles>,
    camera: Single<(&Camera, &GlobalTransform, &Projection), With<super::cache::MapCamera>>,
    plan_job: Res<PlanJob>,
    sim_job: Res<SimJob>,
    edit_state: Res<EditState>,
    io: Res<IoJobs>,
    time: Res<Time>,
    mut crowd: ResMut<legend::Crowd>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let s = &map.scenario;
    let (cam, gt, cam_proj) = *camera;
    let screen = ctx.viewport_rect();
    let bottom = screen.bottom() - view::TIMELINE_PX as f32;
    let area = egui::Rect::from_min_max(
        egui::pos2(PANEL_WIDTH_PX as f32 + 4.0, screen.top() + 26.0),
        egui::pos2(screen.right(), bottom),
    );
    let mut pen = Pen {
        painter: ctx.layer_painter(egui::LayerId::background()),
        cam,
        gt,
        font: egui::FontId::proportional(12.0),
        labels: false,
        placed: Labels::new(area),
    };
    // Labels only while they can be read: not with more than 60 posts on
    // screen (zoom in to see them).
    pen.labels = layers.labels && s.posts.iter().filter(|p| pen.at(p.xy).is_some()).count() <= 60;
    let metres_per_px = match cam_proj {
        Projection::Orthographic(o) => o.scale as f64,
        _ => 1.0,
    };
    for r in basemap::draw_furniture(&pen.painter, metres_per_px, PANEL_WIDTH_PX as f32, bottom) {
        pen.placed.reserve(r);
    }
    // every post and crossing, and the border, keep their place before
    // any label is set
    for b in &s.border {
        pen.placed.reserve_line(b.xy.0.iter().map(|p| pen.at(*p)));
    }
    if layers.posts {
        s.posts
            .iter()
            .filter_map(|p| pen.at(p.xy))
            .for_each(|q| pen.reserve(q, 10.0));
    }
    if layers.crossings {
        s.crossings
            .iter()
            .filter_map(|c| pen.at(c.xy))
            .for_each(|q| pen.reserve(q, 7.0));
    }
    let mut clustered = false;
    if layers.posts {
        clustered |= paint_posts(&pen, s, &edit_state);
    }
    if layers.crossings {
        paint_crossings(&pen, s);
    }
    if let Some(r) = io.site.result.as_ref() {
        paint_sites(&pen, s, r);
    }
    if let Some(r) = sim_job
        .current()
        .filter(|_| sim_job.replay && plan_job.show)
    {
        let flash_on = (time.elapsed_secs_f64() * 2.0) as i64 % 2 == 0;
        paint_crossers(&pen, r, plan_job.time_s, flash_on);
    }
    if let Some(p) = plan_job.current().filter(|_| plan_job.show) {
        clustered |= paint_units(&pen, s, p, plan_job.time_s);
    }
    let at = |p: Coord| pen.at(p);
    labels::paint_km_marks(&pen.placed, &pen.painter, &map, metres_per_px, &at);
    let busy = s.border.iter().flat_map(|b| b.xy.0.iter().copied());
    let busy = busy
        .chain(s.posts.iter().map(|p| p.xy))
        .chain(s.crossings.iter().map(|c| c.xy));
    let mut now: Vec<egui::Pos2> = busy.filter_map(&at).collect();
    if clustered != crowd.clustered {
        crowd.clustered = clustered;
    }
    if layers.basemap && layers.labels {
        labels::paint_places(&pen.placed, &pen.painter, s, metres_per_px, &at);
    }
    // the labels too: the legend should not hide a post's name
    now.extend(pen.placed.corners());
    if now != crowd.points {
        crowd.points = now;
    }
    Ok(())
}

/// Official crossings: squares, labelled with id and name.
fn paint_crossings(pen: &Pen, s: &crate::model::Scenario) {
    for c in &s.crossings {
        let Some(q) = pen.at(c.xy) else { continue };
        let r = 6.0;
        let square = vec![
            q + egui::vec2(-r, -r),
            q + egui::vec2(r, -r),
            q + egui::vec2(r, r),
            q + egui::vec2(-r, r),
        ];
        pen.painter.add(egui::Shape::convex_polygon(
            square,
            c32(view::CROSSING),
            outline(),
        ));
        let t = if c.name.is_empty() {
            c.id.to_string()
        } else {
            format!("{} {}", c.id, c.name)
        };
        pen.label(q, &t, egui::Color32::from_rgb(90, 60, 0));
    }
}

/// Within this many pixels, posts (or units) of one State are drawn as
/// one counted cluster.
const CLUSTER_PX: f64 = 30.0;

/// The clusters of the symbols at `points` (screen, State index); each
/// lone one is handed to `alone`, each cluster painted as a counted badge.
/// Whether there was a cluster.
fn paint_clustered(
    pen: &Pen,
    s: &crate::model::Scenario,
    points: &[(egui::Pos2, usize)],
    post: bool,
    mut alone: impl FnMut(usize, egui::Pos2),
) -> bool {
    let pts: Vec<(Coord, usize)> = points
        .iter()
        .map(|(q, st)| {
            (
                Coord {
                    x: q.x as f64,
                    y: q.y as f64,
                },
                *st,
            )
        })
        .collect();
    let mut any = false;
    for c in view::cluster::cluster(&pts, CLUSTER_PX) {
        if let [i] = c.members[..] {
            alone(i, points[i].0);
            continue;
        }
        any = true;
        let colour = s
            .states
            .get(c.group)
            .map(|st| st.colour)
            .unwrap_or([128, 128, 128]);
        let q = egui::pos2(c.at.x as f32, c.at.y as f32);
        legend::cluster_badge(&pen.painter, q, c.members.len(), c32(colour), post);
    }
    any
}

/// Posts: triangles in their State's colour (where a drag puts them), the
/// selected one ringed and never in a cluster; posts of one State close
/// together on screen as a counted cluster. Whether there was a cluster.
fn paint_posts(pen: &Pen, s: &crate::model::Scenario, edit_state: &EditState) -> bool {
    let mut points = Vec::new();
    let mut which = Vec::new();
    for p in &s.posts {
        let (xy, dragged) = match &edit_state.drag {
            Some((id, at, true)) if id == &p.id => (*at, true),
            _ => (p.xy, false),
        };
        let Some(q) = pen.at(xy) else { continue };
        if dragged || edit_state.selected.as_ref() == Some(&p.id) {
            paint_post(pen, s, p, q, edit_state);
        } else {
            let st = s.states.iter().position(|st| st.id == p.state);
            points.push((q, st.unwrap_or(usize::MAX)));
            which.push(p);
        }
    }
    paint_clustered(pen, s, &points, true, |i, q| {
        paint_post(pen, s, which[i], q, edit_state)
    })
}

/// One post's triangle (hatched when received), ring and label.
fn paint_post(
    pen: &Pen,
    s: &crate::model::Scenario,
    p: &crate::model::Post,
    q: egui::Pos2,
    edit_state: &EditState,
) {
    if edit_state.selected.as_ref() == Some(&p.id) {
        pen.painter.circle_stroke(
            q + egui::vec2(0.0, -1.0),
            15.0,
            egui::Stroke::new(3.0, c32(view::SELECTED)),
        );
    }
    let colour = s
        .state(&p.state)
        .map(|st| st.colour)
        .unwrap_or([128, 128, 128]);
    let from = s.received.iter().find(|r| r.posts.contains(&p.id));
    if from.is_some() {
        legend::hatched_post(&pen.painter, q, 10.0, c32(colour));
    } else {
        let tri = legend::triangle(q, 9.0);
        pen.painter
            .add(egui::Shape::convex_polygon(tri, c32(colour), outline()));
    }
    let label = match from {
        Some(r) => format!("{} ({} #{})", p.id, r.from, r.sequence),
        None => p.id.to_string(),
    };
    pen.label(q, &label, egui::Color32::from_rgb(20, 20, 20));
}

/// Suggested sites: white triangles ringed in the State's colour, numbered
/// (not once added as a post).
fn paint_sites(pen: &Pen, s: &crate::model::Scenario, r: &crate::assess::site::SiteResult) {
    let colour = s
        .states
        .iter()
        .find(|x| x.id.as_str() == r.state)
        .map(|x| x.colour)
        .unwrap_or([128, 128, 128]);
    for c in &r.chosen {
        let added = super::forms::site_taken(s, c);
        let Some(q) = pen.at(c.candidate.xy).filter(|_| !added) else {
            continue;
        };
        let tri = legend::triangle(q, 10.0);
        pen.painter.add(egui::Shape::convex_polygon(
            tri,
            egui::Color32::WHITE,
            egui::Stroke::new(2.5, c32(colour)),
        ));
        pen.painter.text(
            q + egui::vec2(0.0, 1.0),
            egui::Align2::CENTER_CENTER,
            c.order.to_string(),
            egui::FontId::proportional(10.0),
            egui::Color32::from_rgb(20, 20, 20),
        );
    }
}

/// Simulated crossings at time `t`: groups on the move, and the
/// interceptions of the last 24 h (flashing while recent).
fn paint_crossers(pen: &Pen, r: &crate::sim::ladder::StepResult, t: f64, flash_on: bool) {
    for tr in &r.tracks {
        if let Some(q) = tr.position_at(t).and_then(|p| pen.at(p)) {
            let c = if tr.tracked_at(t) {
                view::TRACKED
            } else {
                view::GROUP
            };
            pen.painter.add(egui::Shape::convex_polygon(
                legend::diamond(q, 5.0),
                c32(c),
                egui::Stroke::new(1.0, egui::Color32::WHITE),
            ));
        }
        let Some((ti, at)) = tr.intercepted else {
            continue;
        };
        let age = t - ti;
        if !(0.0..86_400.0).contains(&age) {
            continue;
        }
        let Some(q) = pen.at(at) else { continue };
        let recent = age < sim::FLASH_S;
        let (r, w) = if recent && flash_on {
            (10.0, 4.0)
        } else if recent {
            (8.0, 3.0)
        } else {
            (5.0, 2.0)
        };
        let stroke = egui::Stroke::new(w, c32(view::INTERCEPT));
        pen.painter
            .line_segment([q + egui::vec2(-r, -r), q + egui::vec2(r, r)], stroke);
        pen.painter
            .line_segment([q + egui::vec2(-r, r), q + egui::vec2(r, -r)], stroke);
        if recent {
            pen.painter
                .circle_stroke(q, r + 4.0, egui::Stroke::new(1.5, c32(view::INTERCEPT)));
            if let Some(by) = &tr.intercepted_by {
                pen.label(
                    q,
                    &format!("{by}{}", if tr.pursuit { " (pursuit)" } else { "" }),
                    egui::Color32::from_rgb(0, 60, 90),
                );
            }
        }
    }
}

/// Units on patrol at time `t`: discs in their State's colour, those of one
/// State close together on screen as a counted cluster. Whether there was
/// a cluster.
fn paint_units(pen: &Pen, s: &crate::model::Scenario, p: &crate::plan::PlanLayers, t: f64) -> bool {
    let mut points = Vec::new();
    let mut which = Vec::new();
    for u in &p.units {
        if let Some(q) = u.position_at(t).and_then(|xy| pen.at(xy)) {
            points.push((q, u.state.min(s.states.len() - 1)));
            which.push(u);
        }
    }
    paint_clustered(pen, s, &points, false, |i, q| {
        let u = which[i];
        let colour = s.states[u.state.min(s.states.len() - 1)].colour;
        pen.painter.circle(
            q,
            7.0,
            c32(colour),
            egui::Stroke::new(2.0, egui::Color32::WHITE),
        );
        pen.label(q, &u.id, egui::Color32::from_rgb(20, 20, 20));
    })
}
