//! The map's lines as Bevy gizmos: the basemap's roads and rivers, the
//! bands along each State's side of the border, the patrol networks, routes, patrol paths and the border,
//! each group drawn in registration order; anti-aliasing and line widths.

use super::assess::{AssessJob, BorderColouring};
use super::lines::InView;
use super::plan::PlanJob;
use super::sim::SimJob;
use super::{rgb, v2, LayerToggles, MapData};
use crate::geom::lod;
use crate::view;
use bevy::camera::visibility::RenderLayers;
use bevy::prelude::*;
use geo::Coord;

#[derive(Default, Reflect, GizmoConfigGroup)]
pub(super) struct ThinLines;
#[derive(Default, Reflect, GizmoConfigGroup)]
pub(super) struct RouteLines;
#[derive(Default, Reflect, GizmoConfigGroup)]
pub(super) struct BorderLines;
#[derive(Default, Reflect, GizmoConfigGroup)]
pub(super) struct PlanLines;
/// A dark casing under the border line, so that every colouring of it reads
/// on either State's band.
#[derive(Default, Reflect, GizmoConfigGroup)]
pub(super) struct BorderCasing;
#[derive(Default, Reflect, GizmoConfigGroup)]
pub(super) struct SideBands;
/// The basemap's minor lines (secondary and tertiary roads, rivers).
#[derive(Default, Reflect, GizmoConfigGroup)]
pub(super) struct BaseLines;
/// The basemap's major roads (motorway, trunk, primary).
#[derive(Default, Reflect, GizmoConfigGroup)]
pub(super) struct MajorRoads;

pub(super) const BAND_PX: f32 = 14.0;

/// Whether an anti-aliasing is off: as `var` says (`on` or `off`), else
/// off on a software renderer (Mesa lavapipe draws every pixel on the
/// CPU), on elsewhere; `None` until the adapter is known.
pub(super) fn aa_off(
    var: &str,
    info: Option<&bevy::render::renderer::RenderAdapterInfo>,
) -> Option<bool> {
    match std::env::var(var).as_deref() {
        Ok("off") => Some(true),
        Ok("on") => Some(false),
        _ => info.map(|i| format!("{:?}", i.device_type) == "Cpu"),
    }
}

/// Multisampling off on a software renderer (it costs a third of each
/// frame there), on elsewhere; `BORDERWATCH_MSAA=on|off` overrides.
pub(super) fn choose_msaa(
    info: Option<Res<bevy::render::renderer::RenderAdapterInfo>>,
    mut q: Query<&mut Msaa, With<Camera2d>>,
    mut done: Local<bool>,
) {
    if *done {
        return;
    }
    let Some(off) = aa_off("BORDERWATCH_MSAA", info.as_deref()) else {
        return; // no adapter yet
    };
    for mut m in &mut q {
        *m = if off { Msaa::Off } else { Msaa::Sample4 };
        *done = true;
    }
}

/// Line widths from the layers' style (whenever it changes).
pub(super) fn configure_gizmos(
    layers: Res<LayerToggles>,
    mut store: ResMut<GizmoConfigStore>,
    mut set_to: Local<Option<[f32; 3]>>,
) {
    // (the panel touches the toggles every frame: compare the values, so
    // the gizmo configuration changes only when a width does)
    let want = [layers.network_px, layers.route_px, layers.border_px];
    if *set_to == Some(want) {
        return;
    }
    *set_to = Some(want);
    fn set(cfg: &mut GizmoConfig, width: f32) {
        // drawn into the map cache
        cfg.render_layers = RenderLayers::layer(super::cache::LAYER);
        cfg.line.width = width;
        cfg.line.joints = GizmoLineJoint::Round(4);
    }
    set(store.config_mut::<ThinLines>().0, layers.network_px);
    // thousands of network vertices: no joints on thin lines
    store.config_mut::<ThinLines>().0.line.joints = GizmoLineJoint::None;
    set(store.config_mut::<RouteLines>().0, layers.route_px);
    set(store.config_mut::<BorderLines>().0, layers.border_px);
    set(store.config_mut::<BorderCasing>().0, layers.border_px + 2.5);
    set(store.config_mut::<SideBands>().0, BAND_PX);
    set(store.config_mut::<BaseLines>().0, 1.2);
    store.config_mut::<BaseLines>().0.line.joints = GizmoLineJoint::None;
    set(store.config_mut::<MajorRoads>().0, 2.4);
    // the units' patrol paths: dashes in their State's full colour, apart
    // from the light bands and networks they run along
    let plan = store.config_mut::<PlanLines>().0;
    plan.render_layers = RenderLayers::layer(super::cache::LAYER);
    plan.line.width = 3.0;
    plan.line.joints = GizmoLineJoint::None;
    plan.line.style = GizmoLineStyle::Dashed {
        gap_scale: 1.5,
        line_scale: 3.0,
    };
}

/// The basemap's roads and rivers in view: major roads always, secondary
/// from 200 m a pixel, tertiary from 40 m a pixel, rivers and canals
/// always.
fn draw_base_lines(
    map: &MapData,
    view: &InView,
    minor: &mut Gizmos<BaseLines>,
    major: &mut Gizmos<MajorRoads>,
) {
    let lines = &map.scenario.basemap.lines;
    for (i, pts) in view.of_dense(&map.lines.base) {
        let l = &lines[i];
        let c = rgb(if l.class.is_road() {
            view::ROAD
        } else {
            view::RIVER
        });
        let pts = pts.iter().map(|c| v2(*c));
        match l.class.shown_at(view.metres_per_px) {
            Some(true) => major.linestrip_2d(pts, c),
            Some(false) => minor.linestrip_2d(pts, c),
            None => {}
        }
    }
}

/// Pieces of line that change with the results (coverage, idleness, the
/// plan's paths): consecutive pieces of one colour that join end to start
/// go as one strip, each strip only if it reaches into the view and with
/// vertices at least a pixel apart.
fn draw_runs<'a, G: GizmoConfigGroup>(
    g: &mut Gizmos<G>,
    view: &InView,
    pieces: impl Iterator<Item = (&'a [Coord], Color)>,
) {
    let step = view.metres_per_px;
    let mut run: Vec<Coord> = Vec::new();
    let mut colour = None;
    let mut flush = |run: &mut Vec<Coord>, c: Option<Color>| {
        if let Some(c) = c.filter(|_| lod::reaches_into(run, view.min, view.max)) {
            g.linestrip_2d(lod::decimate(run, step).map(v2), c);
        }
        run.clear();
    };
    for (pts, c) in pieces {
        let joins = colour == Some(c) && run.last().is_some() && run.last() == pts.first();
        if !joins {
            flush(&mut run, colour);
            colour = Some(c);
        }
        let skip = usize::from(joins);
        run.extend_from_slice(&pts[skip.min(pts.len())..]);
    }
    flush(&mut run, colour);
}

/// Offset a polyline sideways by `d` (positive = left).
pub(super) fn offset_line(pts: &[Coord], d: f64) -> Vec<Vec2> {
    let n = pts.len();
    (0..n)
        .map(|i| {
            let a = pts[i.saturating_sub(1)];
            let b = pts[(i + 1).min(n - 1)];
            let t = b - a;
            let len = t.x.hypot(t.y).max(1e-9);
            v2(pts[i]
                + Coord {
                    x: -t.y / len * d,
                    y: t.x / len * d,
                })
        })
        .collect()
}

/// The smuggler's best choice against the picked rung's plan: a double
/// line along its route and two rings round it (a mapped way can be a few
/// metres long).
fn best_response(
    routes_g: &mut Gizmos<RouteLines>,
    sim_job: &SimJob,
    s: &crate::model::Scenario,
    scale: f64,
) {
    let Some(i) = super::game::best_response_route(&sim_job.game, sim_job.step, s) else {
        return;
    };
    let pts = &s.routes[i].xy.0;
    let c = rgb(view::BEST_RESPONSE);
    for side in [2.0 * scale, -2.0 * scale] {
        routes_g.linestrip_2d(offset_line(pts, side), c);
    }
    if let (Some(a), Some(b)) = (pts.first(), pts.last()) {
        let mid = v2(Coord {
            x: (a.x + b.x) / 2.0,
            y: (a.y + b.y) / 2.0,
        });
        for r_px in [12.0, 16.0] {
            routes_g.circle_2d(mid, (r_px * scale) as f32, c);
        }
    }
}

#[allow(clippy::too_many_arguments)] // a Bevy system: one parameter per resource
pub(super) fn draw_map(
    map: Res<MapData>,
    layers: Res<LayerToggles>,
    camera: Single<(&Projection, &GlobalTransform), With<super::cache::MapCamera>>,
    window: Option<Single<&Window, With<bevy::window::PrimaryWindow>>>,
    mut thin: Gizmos<ThinLines>,
    mut routes_g: Gizmos<RouteLines>,
    (mut border_g, mut casing): (Gizmos<BorderLines>, Gizmos<BorderCasing>),
    mut bands: Gizmos<SideBands>,
    mut plan_g: Gizmos<PlanLines>,
    (mut minor, mut major): (Gizmos<BaseLines>, Gizmos<MajorRoads>),
    job: Res<AssessJob>,
    plan_job: Res<PlanJob>,
    sim_job: Res<SimJob>,
) {
    let s = &map.scenario;
    let (projection, at) = *camera;
    let scale = match projection {
        Projection::Orthographic(o) => o.scale as f64,
        _ => 1.0,
    };
    let view = InView::of(
        at.translation(),
        scale,
        window.map(|w| (w.width(), w.height())),
    );
    let colour_of =
        |id: &crate::ids::StateId| s.state(id).map(|st| st.colour).unwrap_or([128, 128, 128]);
    if layers.basemap {
        draw_base_lines(&map, &view, &mut minor, &mut major);
    }
    let network_colour: Vec<Option<Color>> = s
        .states
        .iter()
        .enumerate()
        .map(|(i, st)| {
            let shown = layers.network.get(i).copied().unwrap_or(true);
            shown.then(|| rgb(view::faded(st.colour, 0.45)))
        })
        .collect();
    for (i, pts) in view.of_dense(&map.lines.network) {
        let st = s.states.iter().position(|st| st.id == s.network[i].state);
        if let Some(c) = st.and_then(|k| network_colour[k]) {
            thin.linestrip_2d(pts.iter().map(|c| v2(*c)), c);
        }
    }
    if layers.sides {
        let d = BAND_PX as f64 / 2.0 * scale + 2.0 * scale;
        for (i, pts) in view.of_lines(&map.lines.border) {
            let b = &s.border[i];
            let left = rgb(view::faded(colour_of(&b.left), 0.55));
            let right = rgb(view::faded(colour_of(&b.right), 0.55));
            bands.linestrip_2d(offset_line(pts, d), left);
            bands.linestrip_2d(offset_line(pts, -d), right);
        }
    }
    if layers.routes {
        let by_p = sim_job
            .current()
            .filter(|_| sim_job.colour_routes)
            .map(|r| &r.per_route);
        for (i, pts) in view.of_lines(&map.lines.routes) {
            let c = match by_p.and_then(|p| p.get(i)) {
                Some(x) => view::intercept_colour(x.p_intercept),
                None => view::ROUTE,
            };
            routes_g.linestrip_2d(pts.iter().map(|c| v2(*c)), rgb(c));
        }
        best_response(&mut routes_g, &sim_job, s, scale);
    }
    if let Some(p) = plan_job.current().filter(|_| plan_job.show) {
        let pieces = p.units.iter().map(|u| {
            let st = &s.states[u.state.min(s.states.len() - 1)];
            (u.xy.as_slice(), rgb(view::patrol_path(st.colour)))
        });
        draw_runs(&mut plan_g, &view, pieces);
    }
    if layers.border {
        draw_border(
            &map,
            &layers,
            &view,
            &job,
            &plan_job,
            &mut border_g,
            &mut casing,
        );
    }
    // Without a DEM there is no viewshed: show each post's sensor range.
    if layers.viewsheds {
        if let Some(a) = job.result.as_ref().filter(|a| !a.line_of_sight) {
            for ps in a.sights.iter() {
                let c = rgb(view::faded(colour_of(&ps.state), 0.3));
                thin.circle_2d(
                    Isometry2d::from_translation(v2(ps.xy)),
                    ps.range_m as f32,
                    c,
                )
                .resolution(96);
            }
        }
    }
}

/// The border on its dark casing, coloured as the layers ask: by the
/// idleness plan's watch points, by coverage or risk (the assessment's
/// segments), or green/blue by kind.
fn draw_border(
    map: &MapData,
    layers: &LayerToggles,
    view: &InView,
    job: &AssessJob,
    plan_job: &PlanJob,
    border_g: &mut Gizmos<BorderLines>,
    casing: &mut Gizmos<BorderCasing>,
) {
    let dark = rgb(view::CASING);
    for (_, pts) in view.of_lines(&map.lines.border) {
        casing.linestrip_2d(pts.iter().map(|c| v2(*c)), dark);
    }
    if let Some(p) = plan_job
        .current()
        .filter(|_| layers.colouring == BorderColouring::Idleness)
    {
        let pieces = p.points.iter().map(|w| {
            let c = if w.counted {
                view::idleness_colour((w.weighted_gap_s / p.horizon_s).clamp(0.0, 1.0))
            } else if w.posts_cover {
                view::COVERED
            } else {
                view::UNPATROLLED
            };
            (w.line.as_slice(), rgb(c))
        });
        draw_runs(border_g, view, pieces);
        return;
    }
    match (layers.colouring, &job.result) {
        (BorderColouring::Coverage | BorderColouring::Risk, Some(a)) => {
            let th = a.options.threshold;
            let vi = layers.view.min(a.views.len() - 1);
            let pieces = a.segments.iter().map(|r| {
                let c = match layers.colouring {
                    BorderColouring::Risk => view::risk_colour(r.risk.score),
                    _ if r.detect[vi].1.both() >= th => view::COVERED,
                    _ => view::GAP,
                };
                (r.segment.xy.as_slice(), rgb(c))
            });
            draw_runs(border_g, view, pieces);
        }
        _ => {
            for (i, pts) in view.of_lines(&map.lines.border) {
                border_g.linestrip_2d(
                    pts.iter().map(|c| v2(*c)),
                    rgb(view::border_colour(map.scenario.border[i].kind)),
                );
            }
        }
    }
}

/// The map's lines: gizmo groups (registered bottom to top), anti-aliasing
/// and widths before the drawing.
pub(super) struct DrawPlugin;

impl Plugin for DrawPlugin {
    fn build(&self, app: &mut App) {
        // 2D gizmo groups are drawn in the order they are registered
        // (their sort keys are equal): the basemap's roads and rivers under
        // bands under networks under patrol paths under the informal routes
        // under the border.
        app.init_gizmo_group::<BaseLines>()
            .init_gizmo_group::<MajorRoads>()
            .init_gizmo_group::<SideBands>()
            .init_gizmo_group::<ThinLines>()
            .init_gizmo_group::<PlanLines>()
            .init_gizmo_group::<RouteLines>()
            .init_gizmo_group::<BorderCasing>()
            .init_gizmo_group::<BorderLines>()
            .add_systems(
                Update,
                (choose_msaa, configure_gizmos)
                    .chain()
                    .in_set(super::FrameSet::Layers)
                    .after(super::plan::advance_time),
            )
            .add_systems(
                Update,
                draw_map
                    .run_if(super::cache::redraw)
                    .in_set(super::FrameSet::Draw),
            );
    }
}
