//! The legend over the map's bottom-left corner: what the border's and the
//! routes' colours mean right now, and the symbols on the map.

use super::assess::BorderColouring;
use super::LayerToggles;
use crate::view;
use bevy_egui::egui;

/// Where the map is busy on screen (border vertices, posts, crossings), as
/// painted last frame: the legend goes to the corner that hides least;
/// and whether symbols were gathered into clusters.
#[derive(bevy::prelude::Resource, Default)]
pub struct Crowd {
    pub points: Vec<egui::Pos2>,
    pub clustered: bool,
}

/// What the legend shows (from the layers and the jobs' state).
pub struct LegendInput<'a> {
    pub layers: &'a LayerToggles,
    pub states: &'a [crate::model::State],
    pub routes_by_p: bool,
    /// The interception game's best response is drawn over its route.
    pub best_response: bool,
    pub plan_shown: bool,
    pub crossings_shown: bool,
    pub has_blue: bool,
    pub sites_shown: bool,
    /// Layers received from the neighbour (their posts are hatched).
    pub received: &'a [crate::model::Received],
    /// The scenario's basemap (its roads, rivers, water and places).
    pub basemap: &'a crate::basemap::Basemap,
    /// Posts or units were gathered into counted clusters.
    pub clustered: bool,
    /// The posts' viewsheds are shown: line of sight over the DEM (true)
    /// or, without one, each post's sensor range (false).
    pub viewsheds: Option<bool>,
}

fn c32(c: [u8; 3]) -> egui::Color32 {
    egui::Color32::from_rgb(c[0], c[1], c[2])
}

/// A post's triangle (pointing up) around `c`, `r` from centre to tip.
pub fn triangle(c: egui::Pos2, r: f32) -> Vec<egui::Pos2> {
    vec![
        c + egui::vec2(0.0, -r),
        c + egui::vec2(0.87 * r, 0.5 * r),
        c + egui::vec2(-0.87 * r, 0.5 * r),
    ]
}

/// A cluster of `n` posts (a triangle) or units (a disc) of one State,
/// the count written inside in black or white, whichever reads on `fill`.
pub fn cluster_badge(p: &egui::Painter, c: egui::Pos2, n: usize, fill: egui::Color32, post: bool) {
    let stroke = egui::Stroke::new(1.5, egui::Color32::from_rgb(20, 20, 20));
    let centre = if post {
        p.add(egui::Shape::convex_polygon(triangle(c, 15.0), fill, stroke));
        c + egui::vec2(0.0, 1.5)
    } else {
        p.circle(c, 10.5, fill, egui::Stroke::new(2.0, egui::Color32::WHITE));
        c
    };
    let luma = 0.299 * fill.r() as f32 + 0.587 * fill.g() as f32 + 0.114 * fill.b() as f32;
    let ink = match luma > 150.0 {
        true => egui::Color32::from_rgb(20, 20, 20),
        false => egui::Color32::WHITE,
    };
    p.text(
        centre,
        egui::Align2::CENTER_CENTER,
        n.to_string(),
        egui::FontId::proportional(11.0),
        ink,
    );
}

/// A received post: its triangle in white, hatched in the sender's colour
/// and outlined dashed — the neighbour's, as its last package said.
pub fn hatched_post(p: &egui::Painter, c: egui::Pos2, r: f32, colour: egui::Color32) {
    let tri = triangle(c, r);
    p.add(egui::Shape::convex_polygon(
        tri.clone(),
        egui::Color32::WHITE,
        egui::Stroke::NONE,
    ));
    let stroke = egui::Stroke::new(1.6, colour);
    // stripes x + y = k across the triangle, each clipped to its edges
    let ks: Vec<f32> = tri.iter().map(|q| q.x + q.y).collect();
    let (lo, hi) = (
        ks.iter().cloned().fold(f32::MAX, f32::min),
        ks.iter().cloned().fold(f32::MIN, f32::max),
    );
    let mut k = lo + 3.0;
    while k < hi {
        let mut hits = Vec::new();
        for i in 0..3 {
            let (a, b) = (tri[i], tri[(i + 1) % 3]);
            let (fa, fb) = (a.x + a.y - k, b.x + b.y - k);
            if fa * fb < 0.0 {
                hits.push(a + (b - a) * (fa / (fa - fb)));
            }
        }
        if let [a, b] = hits[..] {
            p.line_segment([a, b], stroke);
        }
        k += 3.5;
    }
    let mut ring = tri.clone();
    ring.push(tri[0]);
    p.extend(egui::Shape::dashed_line(
        &ring,
        egui::Stroke::new(1.5, colour),
        3.0,
        2.0,
    ));
}

/// A crossing group's diamond around `c`.
pub fn diamond(c: egui::Pos2, d: f32) -> Vec<egui::Pos2> {
    vec![
        c + egui::vec2(0.0, -d),
        c + egui::vec2(d, 0.0),
        c + egui::vec2(0.0, d),
        c + egui::vec2(-d, 0.0),
    ]
}

fn line(ui: &mut egui::Ui, c: [u8; 3], text: &str) {
    ui.horizontal(|ui| {
        let (r, p) = ui.allocate_painter(egui::vec2(22.0, 12.0), egui::Sense::hover());
        let y = r.rect.center().y;
        p.line_segment(
            [
                egui::pos2(r.rect.left() + 1.0, y),
                egui::pos2(r.rect.right() - 1.0, y),
            ],
            egui::Stroke::new(4.0, c32(c)),
        );
        ui.small(text);
    });
}

/// The informal routes' entries: plain or by P(intercept), and the
/// game's best response.
fn routes(ui: &mut egui::Ui, l: &LegendInput) {
    if l.routes_by_p {
        ui.small("informal routes: P(intercept)");
        ramp(ui, "0", &format!("≥{:.1}", view::INTERCEPT_FULL), |t| {
            view::intercept_colour(t * view::INTERCEPT_FULL)
        });
    } else {
        line(ui, view::ROUTE, "informal route");
    }
    if l.best_response {
        symbol(ui, "the smuggler's best choice (game)", |p, c| {
            let s = egui::Stroke::new(1.5, c32(view::BEST_RESPONSE));
            p.circle_stroke(c, 4.0, s);
            p.circle_stroke(c, 6.5, s);
        });
    }
}

fn ramp(ui: &mut egui::Ui, lo: &str, hi: &str, f: impl Fn(f64) -> [u8; 3]) {
    ui.horizontal(|ui| {
        ui.small(lo);
        let (r, p) = ui.allocate_painter(egui::vec2(90.0, 10.0), egui::Sense::hover());
        let n = 18;
        let w = r.rect.width() / n as f32;
        for i in 0..n {
            let x = r.rect.left() + i as f32 * w;
            p.rect_filled(
                egui::Rect::from_min_size(egui::pos2(x, r.rect.top()), egui::vec2(w + 0.5, 10.0)),
                0.0,
                c32(f(i as f64 / (n - 1) as f64)),
            );
        }
        ui.small(hi);
    });
}

fn symbol(ui: &mut egui::Ui, text: &str, draw: impl Fn(&egui::Painter, egui::Pos2)) {
    ui.horizontal(|ui| {
        let (r, p) = ui.allocate_painter(egui::vec2(22.0, 16.0), egui::Sense::hover());
        draw(&p, r.rect.center());
        ui.small(text);
    });
}

/// The basemap's roads, rivers, water and places, those it has, on one
/// row (the legend must not grow over the map).
fn basemap(ui: &mut egui::Ui, l: &LegendInput) {
    use crate::basemap::LineClass;
    let b = l.basemap;
    if !l.layers.basemap || b.is_empty() {
        return;
    }
    let item = |ui: &mut egui::Ui, text: &str, draw: &dyn Fn(&egui::Painter, egui::Pos2)| {
        let (r, p) = ui.allocate_painter(egui::vec2(14.0, 12.0), egui::Sense::hover());
        draw(&p, r.rect.center());
        ui.small(text);
    };
    let dash = |c: [u8; 3], w: f32| {
        move |p: &egui::Painter, m: egui::Pos2| {
            p.line_segment(
                [m - egui::vec2(6.0, 0.0), m + egui::vec2(6.0, 0.0)],
                egui::Stroke::new(w, c32(c)),
            );
        }
    };
    ui.horizontal(|ui| {
        ui.spacing_mut().item_spacing.x = 2.0;
        if b.lines.iter().any(|x| x.class.is_road()) {
            item(ui, "road ", &dash(view::ROAD, 2.4));
        }
        if b.lines
            .iter()
            .any(|x| matches!(x.class, LineClass::River | LineClass::Canal))
        {
            item(ui, "river ", &dash(view::RIVER, 1.2));
        }
        if !b.water.is_empty() {
            item(ui, "lake ", &|p, c| {
                p.rect_filled(
                    egui::Rect::from_center_size(c, egui::vec2(12.0, 8.0)),
                    2.0,
                    c32(view::WATER),
                );
            });
        }
        if !b.places.is_empty() && l.layers.labels {
            item(ui, "place", &|p, c| {
                p.circle(
                    c,
                    3.0,
                    c32(view::PLACE),
                    egui::Stroke::new(1.0, egui::Color32::WHITE),
                );
            });
        }
    });
}

/// The neighbour's received posts: hatched, with sender, package and date.
/// Each State's post symbol, and the cluster symbol when there are clusters.
fn posts(ui: &mut egui::Ui, l: &LegendInput) {
    if !l.layers.posts {
        return;
    }
    for st in l.states {
        symbol(ui, &format!("observation post, {}", st.name), |p, c| {
            p.add(egui::Shape::convex_polygon(
                vec![
                    c + egui::vec2(0.0, -7.0),
                    c + egui::vec2(6.0, 4.0),
                    c + egui::vec2(-6.0, 4.0),
                ],
                c32(st.colour),
                egui::Stroke::new(1.2, egui::Color32::from_gray(20)),
            ));
        });
    }
    if l.clustered {
        symbol(ui, "posts or units close together: zoom in", |p, c| {
            let g = egui::Color32::from_gray(150);
            p.circle(c, 6.5, g, egui::Stroke::new(1.2, egui::Color32::WHITE));
            let f = egui::FontId::proportional(9.0);
            p.text(c, egui::Align2::CENTER_CENTER, "5", f, egui::Color32::WHITE);
        });
    }
}

/// What each State's posts see (a shaded patch outlined in its colour), or
/// without a DEM their sensor ranges (a circle).
fn viewsheds(ui: &mut egui::Ui, l: &LegendInput) {
    let Some(line_of_sight) = l.viewsheds else {
        return;
    };
    for st in l.states {
        if line_of_sight {
            let text = format!("seen from {}'s posts (line of sight)", st.name);
            symbol(ui, &text, |p, c| {
                let fill = view::shade(st.colour, 0.55);
                let fill = egui::Color32::from_rgba_unmultiplied(fill[0], fill[1], fill[2], 110);
                p.rect(
                    egui::Rect::from_center_size(c, egui::vec2(14.0, 10.0)),
                    0.0,
                    fill,
                    egui::Stroke::new(1.5, c32(st.colour)),
                    egui::StrokeKind::Inside,
                );
            });
        } else {
            let text = format!("sensor range of {}'s posts (no DEM)", st.name);
            symbol(ui, &text, |p, c| {
                let s = egui::Stroke::new(1.0, c32(view::faded(st.colour, 0.3)));
                p.circle_stroke(c, 6.0, s);
            });
        }
    }
}

/// Each State's units on patrol (a disc in its colour) and their paths
/// (dashes in its colour), when the plan is shown.
fn patrols(ui: &mut egui::Ui, l: &LegendInput) {
    if !l.plan_shown {
        return;
    }
    for st in l.states {
        let text = format!("unit on patrol and its path, {}", st.name);
        symbol(ui, &text, |p, c| {
            let stroke = egui::Stroke::new(2.5, c32(view::patrol_path(st.colour)));
            for x in [-10.0, -1.0] {
                let a = c + egui::vec2(x, 3.0);
                p.line_segment([a, a + egui::vec2(6.0, 0.0)], stroke);
            }
            let disc = c + egui::vec2(7.0, -1.0);
            p.circle(
                disc,
                4.5,
                c32(st.colour),
                egui::Stroke::new(1.5, egui::Color32::WHITE),
            );
        });
    }
}

fn received(ui: &mut egui::Ui, l: &LegendInput) {
    for r in l.received {
        let colour = l
            .states
            .iter()
            .find(|x| x.id == r.from)
            .map(|x| c32(x.colour))
            .unwrap_or(egui::Color32::GRAY);
        let day = r.written_utc.get(..10).unwrap_or(&r.written_utc);
        let text = format!(
            "post received from {}, package {} of {day}",
            r.from, r.sequence
        );
        symbol(ui, &text, |p, c| {
            hatched_post(p, c + egui::vec2(0.0, 1.0), 7.5, colour)
        });
    }
}

/// The legend's corner: of the map's bottom left (above the scale bar),
/// top left (below the north arrow) and top right, the one whose box
/// holds fewest of the `crowd`'s points (the bottom left on a tie) and no
/// floating window (`windows`) if it can, as an egui anchor and offset
/// from the screen's corner.
fn corner(
    screen: egui::Rect,
    size: egui::Vec2,
    left: f32,
    bottom: f32,
    crowd: &[egui::Pos2],
    windows: &[egui::Rect],
) -> (egui::Align2, egui::Vec2) {
    let options = [
        (
            egui::Align2::LEFT_BOTTOM,
            egui::vec2(left + 8.0, bottom - 40.0),
        ),
        (egui::Align2::LEFT_TOP, egui::vec2(left + 8.0, 70.0)),
        (egui::Align2::RIGHT_TOP, egui::vec2(-8.0, 8.0)),
    ];
    let hidden = |(align, off): &(egui::Align2, egui::Vec2)| {
        let anchor = match *align {
            egui::Align2::LEFT_BOTTOM => screen.left_bottom(),
            egui::Align2::LEFT_TOP => screen.left_top(),
            _ => screen.right_top(),
        } + *off;
        let r = align.anchor_size(anchor, size);
        let under_window = windows.iter().any(|w| w.intersects(r));
        (
            under_window,
            crowd.iter().filter(|p| r.contains(**p)).count(),
        )
    };
    options
        .iter()
        .min_by_key(|o| hidden(o))
        .copied()
        .unwrap_or(options[0])
}

/// Draw the legend: an egui area in the map's corner that hides least of
/// it (`corner`).
pub fn legend(ctx: &egui::Context, l: &LegendInput, left: f32, bottom: f32, crowd: &[egui::Pos2]) {
    let size_id = egui::Id::new("legend-size");
    let size = ctx
        .memory(|m| m.data.get_temp::<egui::Vec2>(size_id))
        .unwrap_or(egui::vec2(170.0, 150.0));
    let windows = super::camera::floating_windows(ctx);
    let (align, offset) = corner(ctx.viewport_rect(), size, left, bottom, crowd, &windows);
    let shown = egui::Area::new("legend".into())
        .anchor(align, offset)
        .interactable(false)
        .show(ctx, |ui| {
            egui::Frame::new()
                .fill(egui::Color32::from_rgb(250, 250, 246))
                .stroke(egui::Stroke::new(1.0, egui::Color32::from_gray(170)))
                .inner_margin(6.0)
                .corner_radius(4.0)
                .show(ui, |ui| {
                    ui.spacing_mut().item_spacing.y = 1.0;
                    ui.visuals_mut().override_text_color = Some(egui::Color32::from_gray(25));
                    if l.layers.border {
                        match l.layers.colouring {
                            BorderColouring::Kind => {
                                line(ui, view::GREEN_BORDER, "green border (land)");
                                if l.has_blue {
                                    line(ui, view::BLUE_BORDER, "blue border (water)");
                                }
                            }
                            BorderColouring::Coverage => {
                                line(ui, view::COVERED, "watched day and night");
                                line(ui, view::GAP, "gap: no post watches it");
                            }
                            BorderColouring::Risk => {
                                ui.small("border: risk");
                                ramp(ui, "low", "high", view::risk_colour);
                            }
                            BorderColouring::Idleness => {
                                ui.small("border: patrol idleness (risk-weighted)");
                                ramp(ui, "often", "once a day", view::idleness_colour);
                                line(ui, view::COVERED, "posts watch it");
                                line(ui, view::UNPATROLLED, "out of patrol reach");
                            }
                        }
                    }
                    if l.layers.routes {
                        routes(ui, l);
                    }
                    if l.layers.crossings {
                        symbol(ui, "official crossing", |p, c| {
                            p.rect(
                                egui::Rect::from_center_size(c, egui::vec2(10.0, 10.0)),
                                0.0,
                                c32(view::CROSSING),
                                egui::Stroke::new(1.2, egui::Color32::from_gray(20)),
                                egui::StrokeKind::Middle,
                            );
                        });
                    }
                    posts(ui, l);
                    viewsheds(ui, l);
                    received(ui, l);
                    basemap(ui, l);
                    if l.sites_shown {
                        symbol(ui, "suggested site for a new post", |p, c| {
                            p.add(egui::Shape::convex_polygon(
                                triangle(c + egui::vec2(0.0, 1.0), 7.0),
                                egui::Color32::WHITE,
                                egui::Stroke::new(2.0, egui::Color32::from_gray(60)),
                            ));
                        });
                    }
                    patrols(ui, l);
                    if l.crossings_shown {
                        symbol(ui, "crossing group (orange: tracked)", |p, c| {
                            p.add(egui::Shape::convex_polygon(
                                diamond(c, 5.0),
                                c32(view::GROUP),
                                egui::Stroke::new(1.0, egui::Color32::WHITE),
                            ));
                        });
                        symbol(ui, "interception", |p, c| {
                            let s = egui::Stroke::new(2.5, c32(view::INTERCEPT));
                            let r = 5.0;
                            p.line_segment([c + egui::vec2(-r, -r), c + egui::vec2(r, r)], s);
                            p.line_segment([c + egui::vec2(-r, r), c + egui::vec2(r, -r)], s);
                        });
                    }
                });
        });
    let got = shown.response.rect.size();
    if got != size {
        ctx.memory_mut(|m| m.data.insert_temp(size_id, got));
        ctx.request_repaint();
    }
}
