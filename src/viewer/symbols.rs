//! Point symbols and labels over the map, painted with egui above the
//! scene so lines never hide them: crossings, posts (triangles in the
//! State's colour, the selected one ringed), suggested sites, simulated
//! crossings on the timeline, units on patrol; the scale bar and north
//! arrow.

use super::edit::{EditState, IoJobs};
use super::plan::PlanJob;
use super::sim::SimJob;
use super::{basemap, edit, legend, sim, LayerToggles, MapData};
use crate::view::{self, PANEL_WIDTH_PX};
use bevy::prelude::*;
use bevy_egui::{egui, EguiContexts};
use geo::Coord;

/// Paint the symbols; after the side panel, so they sit over the map.
#[allow(clippy::too_many_arguments)]
pub fn paint_symbols(
    mut contexts: EguiContexts,
    map: Res<MapData>,
    layers: Res<LayerToggles>,
    camera: Single<(&Camera, &GlobalTransform, &Projection)>,
    plan_job: Res<PlanJob>,
    sim_job: Res<SimJob>,
    edit_state: Res<EditState>,
    io: Res<IoJobs>,
    time: Res<Time>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let s = &map.scenario;
    // Point symbols and labels over the map (egui draws above the scene).
    let (cam, gt, cam_proj) = *camera;
    let painter = ctx.layer_painter(egui::LayerId::background());
    let font = egui::FontId::proportional(12.0);
    let to_screen = |p: Coord| -> Option<egui::Pos2> {
        let v = cam
            .world_to_viewport(gt, Vec3::new(p.x as f32, p.y as f32, 0.0))
            .ok()?;
        (v.x > PANEL_WIDTH_PX as f32 + 4.0).then(|| egui::pos2(v.x, v.y))
    };
    let outline = egui::Stroke::new(1.5, egui::Color32::from_rgb(20, 20, 20));
    let c32 = |c: [u8; 3]| egui::Color32::from_rgb(c[0], c[1], c[2]);
    // Labels only while they can be read: not with more than 60 posts on
    // screen (zoom in to see them).
    let labels =
        layers.labels && s.posts.iter().filter(|p| to_screen(p.xy).is_some()).count() <= 60;
    if let Projection::Orthographic(o) = cam_proj {
        let bottom = ctx.viewport_rect().bottom() - view::TIMELINE_PX as f32;
        basemap::draw_furniture(
            &painter,
            &map,
            o.scale as f64,
            PANEL_WIDTH_PX as f32,
            bottom,
            &to_screen,
        );
    }
    if layers.crossings {
        for c in &s.crossings {
            let Some(q) = to_screen(c.xy) else { continue };
            let r = 6.0;
            let square = vec![
                q + egui::vec2(-r, -r),
                q + egui::vec2(r, -r),
                q + egui::vec2(r, r),
                q + egui::vec2(-r, r),
            ];
            painter.add(egui::Shape::convex_polygon(
                square,
                c32(view::CROSSING),
                outline,
            ));
            if labels {
                let t = if c.name.is_empty() {
                    c.id.to_string()
                } else {
                    format!("{} {}", c.id, c.name)
                };
                painter.text(
                    q + egui::vec2(9.0, -6.0),
                    egui::Align2::LEFT_BOTTOM,
                    t,
                    font.clone(),
                    egui::Color32::from_rgb(90, 60, 0),
                );
            }
        }
    }
    if layers.posts {
        for p in &s.posts {
            let xy = match &edit_state.drag {
                Some((id, at, true)) if id == &p.id => *at,
                _ => p.xy,
            };
            let Some(q) = to_screen(xy) else { continue };
            if edit_state.selected.as_ref() == Some(&p.id) {
                painter.circle_stroke(
                    q + egui::vec2(0.0, -1.0),
                    15.0,
                    egui::Stroke::new(3.0, c32(view::SELECTED)),
                );
            }
            let colour = s
                .state(&p.state)
                .map(|st| st.colour)
                .unwrap_or([128, 128, 128]);
            let r = 9.0;
            let tri = legend::triangle(q, r);
            painter.add(egui::Shape::convex_polygon(tri, c32(colour), outline));
            if labels {
                painter.text(
                    q + egui::vec2(10.0, -6.0),
                    egui::Align2::LEFT_BOTTOM,
                    p.id.as_str(),
                    font.clone(),
                    egui::Color32::from_rgb(20, 20, 20),
                );
            }
        }
    }
    // Suggested sites: white triangles ringed in the State's colour, numbered.
    if let Some(r) = io.site.result.as_ref() {
        let colour = s
            .states
            .iter()
            .find(|x| x.id.as_str() == r.state)
            .map(|x| x.colour)
            .unwrap_or([128, 128, 128]);
        for c in &r.chosen {
            // (not once added as a post)
            let added = edit::site_taken(s, c);
            let Some(q) = to_screen(c.candidate.xy).filter(|_| !added) else {
                continue;
            };
            let r = 10.0;
            let tri = legend::triangle(q, r);
            painter.add(egui::Shape::convex_polygon(
                tri,
                egui::Color32::WHITE,
                egui::Stroke::new(2.5, c32(colour)),
            ));
            painter.text(
                q + egui::vec2(0.0, 1.0),
                egui::Align2::CENTER_CENTER,
                c.order.to_string(),
                egui::FontId::proportional(10.0),
                egui::Color32::from_rgb(20, 20, 20),
            );
        }
    }
    // Simulated crossings at the slider's time: groups on the move, and the
    // interceptions of the last 24 h (flashing while recent).
    if let Some(r) = sim_job
        .current()
        .filter(|_| sim_job.replay && plan_job.show)
    {
        let t = plan_job.time_s;
        let flash_on = (time.elapsed_secs_f64() * 2.0) as i64 % 2 == 0;
        for tr in &r.tracks {
            if let Some(q) = tr.position_at(t).and_then(&to_screen) {
                let c = if tr.tracked_at(t) {
                    view::TRACKED
                } else {
                    view::GROUP
                };
                painter.add(egui::Shape::convex_polygon(
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
            let Some(q) = to_screen(at) else { continue };
            let recent = age < sim::FLASH_S;
            let (r, w) = if recent && flash_on {
                (10.0, 4.0)
            } else if recent {
                (8.0, 3.0)
            } else {
                (5.0, 2.0)
            };
            let stroke = egui::Stroke::new(w, c32(view::INTERCEPT));
            painter.line_segment([q + egui::vec2(-r, -r), q + egui::vec2(r, r)], stroke);
            painter.line_segment([q + egui::vec2(-r, r), q + egui::vec2(r, -r)], stroke);
            if recent {
                painter.circle_stroke(q, r + 4.0, egui::Stroke::new(1.5, c32(view::INTERCEPT)));
                if labels {
                    if let Some(by) = &tr.intercepted_by {
                        painter.text(
                            q + egui::vec2(r + 6.0, 0.0),
                            egui::Align2::LEFT_CENTER,
                            format!("{by}{}", if tr.pursuit { " (pursuit)" } else { "" }),
                            font.clone(),
                            egui::Color32::from_rgb(0, 60, 90),
                        );
                    }
                }
            }
        }
    }
    // Units on patrol at the slider's time.
    if let Some(p) = plan_job.current().filter(|_| plan_job.show) {
        for u in &p.units {
            let Some(xy) = u.position_at(plan_job.time_s) else {
                continue;
            };
            let Some(q) = to_screen(xy) else { continue };
            let colour = s.states[u.state.min(s.states.len() - 1)].colour;
            painter.circle(
                q,
                7.0,
                c32(colour),
                egui::Stroke::new(2.0, egui::Color32::WHITE),
            );
            if labels {
                painter.text(
                    q + egui::vec2(9.0, 4.0),
                    egui::Align2::LEFT_TOP,
                    &u.id,
                    font.clone(),
                    egui::Color32::from_rgb(20, 20, 20),
                );
            }
        }
    }
    Ok(())
}
