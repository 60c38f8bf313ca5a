//! The camera: the first fit, pan (drag, arrow keys), zoom (wheel, +/-),
//! `F` to fit, zoom-to requests (a gap, a post), and the cursor's lat/lon
//! and chainage.

use super::{edit, MapData};
use crate::view::{self, ViewFit, PANEL_WIDTH_PX};
use bevy::input::mouse::{AccumulatedMouseMotion, AccumulatedMouseScroll};
use bevy::prelude::*;
use bevy::window::PrimaryWindow;
use bevy_egui::EguiContexts;
use geo::Coord;

/// A request to frame an area (local metres).
#[derive(Resource, Default)]
pub struct ZoomTo(pub Option<(Coord, Coord)>);

#[derive(Resource, Default)]
pub struct CursorReadout(pub Option<String>);

/// The map area's view after fitting, for the initial camera.
pub(super) fn initial_fit(map: &MapData, w: f64, h: f64) -> ViewFit {
    let bbox = view::frame_bbox(&map.scenario).unwrap_or_default();
    view::fit(bbox, w - PANEL_WIDTH_PX, h - view::TIMELINE_PX)
}

/// Where `bbox` is framed: in the part of the map area (right of the side
/// panel, above the timeline) that no floating window covers.
fn frame_in_view(
    bbox: (Coord, Coord),
    w: f64,
    h: f64,
    covers: &[view::PxRect],
    tf: &mut Transform,
    proj: &mut Projection,
) {
    let area = (
        Coord {
            x: PANEL_WIDTH_PX,
            y: 0.0,
        },
        Coord {
            x: w,
            y: h - view::TIMELINE_PX,
        },
    );
    let fit = view::frame_beside(bbox, area, covers, w, h);
    info!("framed: {}", describe_view(fit.centre, fit.metres_per_px));
    tf.translation.x = fit.centre.x as f32;
    tf.translation.y = fit.centre.y as f32;
    if let Projection::Orthographic(o) = proj {
        o.scale = fit.metres_per_px as f32;
    }
}

/// The view as the window and its screenshots report it (tests read it):
/// the world point at the window's centre and the scale.
pub(super) fn describe_view(centre: Coord, metres_per_px: f64) -> String {
    format!(
        "window centre at {:.2} {:.2} m (local), {:.5} m a pixel",
        centre.x, centre.y, metres_per_px
    )
}

/// The floating windows on screen (Edit, Crossings…; not the legend, which
/// moves out of the way by itself, nor the timeline, whose strip the map
/// area leaves out already), in a fixed order.
pub(super) fn floating_windows(ctx: &bevy_egui::egui::Context) -> Vec<bevy_egui::egui::Rect> {
    use bevy_egui::egui;
    let own_place = [egui::Id::new("legend"), egui::Id::new("timeline")];
    let mut r: Vec<egui::Rect> = ctx.memory(|m| {
        m.areas()
            .visible_layer_ids()
            .into_iter()
            .filter(|l| l.order == egui::Order::Middle && !own_place.contains(&l.id))
            .filter_map(|l| m.area_rect(l.id))
            .collect()
    });
    r.sort_by(|a, b| {
        (a.min.x, a.min.y, a.max.x, a.max.y)
            .partial_cmp(&(b.min.x, b.min.y, b.max.x, b.max.y))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    r
}

/// Screen rectangles as the view maths takes them.
fn px_rects(r: &[bevy_egui::egui::Rect]) -> Vec<view::PxRect> {
    let c = |p: bevy_egui::egui::Pos2| Coord {
        x: p.x as f64,
        y: p.y as f64,
    };
    r.iter().map(|r| (c(r.min), c(r.max))).collect()
}

pub(super) fn place_camera(fit: &ViewFit, w: f64, tf: &mut Transform, proj: &mut Projection) {
    // The camera centre is the window centre; the map area's centre is
    // PANEL/2 pixels to its right.
    let shift = PANEL_WIDTH_PX / 2.0 * fit.metres_per_px;
    let _ = w;
    tf.translation.x = (fit.centre.x - shift) as f32;
    // ... and TIMELINE/2 pixels above it.
    tf.translation.y = (fit.centre.y - view::TIMELINE_PX / 2.0 * fit.metres_per_px) as f32;
    if let Projection::Orthographic(o) = proj {
        o.scale = fit.metres_per_px as f32;
    }
}

pub(super) fn setup_camera(
    mut commands: Commands,
    map: Res<MapData>,
    window: Single<&Window, With<PrimaryWindow>>,
) {
    let (w, h) = (window.width() as f64, window.height() as f64);
    let fit = initial_fit(&map, w, h);
    let mut tf = Transform::default();
    let mut proj = Projection::Orthographic(OrthographicProjection::default_2d());
    place_camera(&fit, w, &mut tf, &mut proj);
    // the panels' egui context on this camera, not on the map cache's
    commands.spawn((
        Camera2d,
        tf,
        proj,
        super::cache::MapCamera,
        bevy_egui::EguiContext::default(),
        bevy_egui::PrimaryEguiContext,
    ));
}

#[allow(clippy::too_many_arguments)] // a Bevy system: one parameter per resource
pub(super) fn camera_controls(
    mut zoom_to: ResMut<ZoomTo>,
    mut contexts: EguiContexts,
    buttons: Res<ButtonInput<MouseButton>>,
    keys: Res<ButtonInput<KeyCode>>,
    motion: Res<AccumulatedMouseMotion>,
    scroll: Res<AccumulatedMouseScroll>,
    window: Single<&Window, With<PrimaryWindow>>,
    map: Res<MapData>,
    camera: Single<
        (&Camera, &GlobalTransform, &mut Transform, &mut Projection),
        With<super::cache::MapCamera>,
    >,
    edit_state: Res<edit::EditState>,
    mut refitted: Local<bool>,
) {
    let dragging_post = edit_state.drag.is_some();
    let (wants_pointer, typing, covers, laid_out) = contexts
        .ctx_mut()
        .map(|c| {
            (
                c.egui_wants_pointer_input() || c.is_pointer_over_egui(),
                // letters, '-' and arrows typed into a text field are the
                // field's, not the map's (F would refit, '-' zoom out)
                c.text_edit_focused(),
                px_rects(&floating_windows(c)),
                // the windows have their places after a few passes
                c.cumulative_pass_nr() >= 3,
            )
        })
        .unwrap_or((false, false, Vec::new(), true));
    let (cam, gt, mut tf, mut proj) = camera.into_inner();
    let (w, h) = (window.width() as f64, window.height() as f64);
    if laid_out && !std::mem::replace(&mut *refitted, true) && zoom_to.0.is_none() {
        // the first fit knew no windows: fit again beside them
        let bbox = view::frame_bbox(&map.scenario).unwrap_or_default();
        frame_in_view(bbox, w, h, &covers, &mut tf, &mut proj);
        return;
    }
    if laid_out {
        if let Some(bbox) = zoom_to.0.take() {
            let bbox = crate::model::expand(bbox, 400.0);
            frame_in_view(bbox, w, h, &covers, &mut tf, &mut proj);
            return;
        }
    }
    let Projection::Orthographic(ortho) = &mut *proj else {
        return;
    };
    let mut scale = ortho.scale;
    let keys = if typing {
        &ButtonInput::<KeyCode>::default()
    } else {
        &*keys
    };
    if keys.just_pressed(KeyCode::KeyF) {
        let bbox = view::frame_bbox(&map.scenario).unwrap_or_default();
        frame_in_view(bbox, w, h, &covers, &mut tf, &mut proj);
        return;
    }
    let Projection::Orthographic(ortho) = &mut *proj else {
        return;
    };
    if !wants_pointer
        && !dragging_post
        && buttons.pressed(MouseButton::Left)
        && motion.delta != Vec2::ZERO
    {
        tf.translation.x -= motion.delta.x * scale;
        tf.translation.y += motion.delta.y * scale;
    }
    let step = 300.0 * scale * 0.016;
    if keys.pressed(KeyCode::ArrowLeft) {
        tf.translation.x -= step;
    }
    if keys.pressed(KeyCode::ArrowRight) {
        tf.translation.x += step;
    }
    if keys.pressed(KeyCode::ArrowUp) {
        tf.translation.y += step;
    }
    if keys.pressed(KeyCode::ArrowDown) {
        tf.translation.y -= step;
    }
    let mut zoom = 1.0;
    if !wants_pointer && scroll.delta.y != 0.0 {
        zoom = 1.15f32.powf(-scroll.delta.y.signum());
    }
    if keys.just_pressed(KeyCode::Equal) || keys.just_pressed(KeyCode::NumpadAdd) {
        zoom = 1.0 / 1.25;
    }
    if keys.just_pressed(KeyCode::Minus) || keys.just_pressed(KeyCode::NumpadSubtract) {
        zoom = 1.25;
    }
    if zoom != 1.0 {
        // Zoom about the cursor when it is over the map.
        let anchor = window
            .cursor_position()
            .and_then(|c| cam.viewport_to_world_2d(gt, c).ok());
        let new_scale = (scale * zoom).clamp(0.05, 50_000.0);
        if let Some(a) = anchor {
            let k = new_scale / scale;
            tf.translation.x = a.x + (tf.translation.x - a.x) * k;
            tf.translation.y = a.y + (tf.translation.y - a.y) * k;
        }
        scale = new_scale;
        ortho.scale = scale;
    }
}

pub(super) fn cursor_readout(
    map: Res<MapData>,
    window: Single<&Window, With<PrimaryWindow>>,
    camera: Single<(&Camera, &GlobalTransform), With<super::cache::MapCamera>>,
    mut out: ResMut<CursorReadout>,
) {
    let (cam, gt) = *camera;
    out.0 = window
        .cursor_position()
        .and_then(|c| cam.viewport_to_world_2d(gt, c).ok())
        .map(|w| {
            let p = Coord {
                x: w.x as f64,
                y: w.y as f64,
            };
            let ll = map.projection.inverse(p);
            let mut s = crate::geom::lat_lon_text(ll, true);
            if let Some(snap) = map.index.border.snap(p) {
                s.push_str(&format!(
                    "\nborder km {:.2} ({:.0} m away)",
                    snap.chainage_km, snap.distance_m
                ));
            }
            s
        });
}

/// The camera and the cursor readout.
pub(super) struct CameraPlugin;

impl Plugin for CameraPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<CursorReadout>()
            .init_resource::<ZoomTo>()
            .add_systems(Startup, setup_camera)
            .add_systems(
                Update,
                (camera_controls, cursor_readout)
                    .chain()
                    .in_set(super::FrameSet::Camera),
            );
    }
}
