//! The map window (Bevy + bevy_egui). A thin layer: it reads the core's
//! [`Scenario`] and draws it; it never computes planning results itself.
//!
//! - map: both States' patrol networks in their colours, a band in each
//!   State's colour along its side of the border, the border (green/blue),
//!   official crossings (yellow squares), informal routes (purple), posts
//!   (triangles in the State's colour);
//! - pan with the left mouse button or the arrow keys, zoom with the wheel
//!   or +/-, `F` fits the border;
//! - side panel: the `info` figures, layer toggles, the cursor's lat/lon and
//!   chainage;
//! - assessment (computed in the background at start): the border coloured
//!   by coverage or risk for either State's posts alone or both, viewsheds
//!   as an overlay, the ranked gaps — click one to zoom to it;
//! - patrol plan (both modes planned in the background at start): routes
//!   per unit, units moving on a time slider (play/pause), the border
//!   coloured by risk-weighted idleness, joint/independent toggle;
//! - crossings (simulated once the plans are ready): the cooperation
//!   ladder's table, routes coloured by P(intercept), the crossings of the
//!   chosen rung replayed on the timeline with their interceptions.

pub mod assess;
pub mod basemap;
pub mod edit;
pub mod jobs;
pub mod legend;
pub mod plan;
pub mod sim;

use assess::{AssessJob, BorderColouring};
use plan::PlanJob;
use sim::SimJob;

use crate::error::Error;
use crate::geom::proj::LocalProjection;
use crate::index::SpatialIndex;
use crate::info::Info;
use crate::model::Scenario;
use crate::view::{self, ViewFit, PANEL_WIDTH_PX};
use bevy::input::mouse::{AccumulatedMouseMotion, AccumulatedMouseScroll};
use bevy::prelude::*;
use bevy::render::view::screenshot::{save_to_disk, Screenshot, ScreenshotCaptured};
use bevy::window::{PrimaryWindow, WindowResolution};
use bevy_egui::{egui, EguiContexts, EguiPlugin, EguiPrimaryContextPass};
use geo::Coord;
use std::path::PathBuf;
use std::process::ExitCode;

/// The loaded scenario and what the viewer derives from it once.
#[derive(Resource)]
pub struct MapData {
    pub scenario: Scenario,
    /// The editor's revision this copy of the scenario shows.
    pub rev: u64,
    pub index: SpatialIndex,
    pub info: Info,
    pub projection: LocalProjection,
}

impl MapData {
    pub fn new(scenario: Scenario) -> Self {
        MapData {
            index: SpatialIndex::build(&scenario),
            info: crate::info::info(&scenario),
            projection: scenario.projection.clone(),
            scenario,
            rev: 0,
        }
    }
    /// Show `s` (the editor's revision `rev`).
    pub fn replace(&mut self, s: Scenario, rev: u64) {
        *self = MapData::new(s);
        self.rev = rev;
    }
}

/// The systems that carry out edits and run jobs, in this order; the
/// drawing systems run after them.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub struct WorkSet;

/// The workstation without its window: scenario, editor, jobs and the
/// systems that carry out requests and land results. The map window adds
/// drawing and input on top; the headless tests run this alone (with
/// `MinimalPlugins`).
pub fn add_workstation(app: &mut App, scenario: Scenario, plan: PlanJob, sim: SimJob) {
    app.insert_resource(edit::EditorRes(crate::scenario::edit::Editor::new(
        scenario.clone(),
    )))
    .insert_resource(MapData::new(scenario))
    .insert_resource(plan)
    .insert_resource(sim)
    .init_resource::<AssessJob>()
    .init_resource::<basemap::BasemapJob>()
    .insert_resource(edit::EditState::with_recent())
    .init_resource::<edit::Requests>()
    .init_resource::<edit::IoJobs>()
    .add_systems(
        Startup,
        // the quick ones first
        (
            assess::start_assessment,
            basemap::start_basemap,
            plan::start_plan,
        )
            .chain(),
    )
    .add_systems(
        Update,
        (
            edit::handle_requests,
            edit::poll_io,
            assess::poll_assessment,
            basemap::poll_basemap,
            plan::poll_plan,
            sim::start_sim,
            sim::poll_sim,
        )
            .chain()
            .in_set(WorkSet),
    );
}

/// Which layers are shown.
#[derive(Resource, Clone, Debug)]
pub struct LayerToggles {
    /// Hillshade (with a DEM) and the States' territories tinted.
    pub basemap: bool,
    pub border: bool,
    pub sides: bool,
    /// One per State, in scenario order.
    pub network: Vec<bool>,
    pub routes: bool,
    pub crossings: bool,
    pub posts: bool,
    pub labels: bool,
    pub legend: bool,
    /// Line widths (screen pixels): border, routes, networks.
    pub border_px: f32,
    pub route_px: f32,
    pub network_px: f32,
    pub colouring: BorderColouring,
    /// Which posts count: index into the assessment's views (each State,
    /// then both together).
    pub view: usize,
    pub viewsheds: bool,
}

/// Options of the window.
#[derive(Clone, Debug)]
pub struct ViewOptions {
    pub screenshot: Option<PathBuf>,
    pub size: (u32, u32),
    pub colouring: BorderColouring,
    pub viewsheds: bool,
    /// The patrol plan shown first.
    pub plan: crate::plan::PlanMode,
    /// Start time on the plan's timeline.
    pub time_s: Option<f64>,
    /// The cooperation-ladder rung replayed first (index into
    /// [`crate::sim::ladder::LADDER`]); with a screenshot, crossings are
    /// simulated only when this is set.
    pub replay: Option<usize>,
    /// Frame benchmark: once everything is loaded, play the timeline for
    /// this many frames, print the load time and frame times (JSON), exit.
    pub bench_frames: Option<u32>,
    /// A post selected in the editor at start.
    pub select: Option<crate::ids::PostId>,
}

/// The frame benchmark's state.
#[derive(Resource)]
struct FrameBench {
    frames: u32,
    started: std::time::Instant,
    loaded_s: Option<f64>,
    /// The first frame drawn (the window is usable from then on).
    first_frame_s: Option<f64>,
    /// Frames drawn while the jobs ran, and those something asked for
    /// (egui: its input events).
    load_frames: u32,
    load_redraws: u32,
    /// Process CPU seconds when the timed frames began, and ended.
    cpu0_s: Option<f64>,
    cpu1_s: Option<f64>,
    times_ms: Vec<f64>,
    /// Then a re-run of every job (as after an edit), frames timed while
    /// they run with the timeline still playing.
    rerun_asked: bool,
    rerun_ms: Vec<f64>,
}

/// A request to frame an area (local metres).
#[derive(Resource, Default)]
pub struct ZoomTo(pub Option<(Coord, Coord)>);

/// Screenshot mode: render, capture one frame, exit.
#[derive(Resource, Default)]
struct ScreenshotJob {
    path: Option<PathBuf>,
    frames: u32,
    requested: bool,
    done: std::sync::Arc<std::sync::atomic::AtomicBool>,
    after_done: u32,
}

#[derive(Resource, Default)]
struct CursorReadout(Option<String>);

#[derive(Default, Reflect, GizmoConfigGroup)]
struct ThinLines;
#[derive(Default, Reflect, GizmoConfigGroup)]
struct RouteLines;
#[derive(Default, Reflect, GizmoConfigGroup)]
struct BorderLines;
#[derive(Default, Reflect, GizmoConfigGroup)]
struct PlanLines;
#[derive(Default, Reflect, GizmoConfigGroup)]
struct SideBands;

const BAND_PX: f32 = 14.0;

fn rgb(c: [u8; 3]) -> Color {
    Color::srgb_u8(c[0], c[1], c[2])
}

fn v2(c: Coord) -> Vec2 {
    Vec2::new(c.x as f32, c.y as f32)
}

/// Open the window on a scenario. With `screenshot`, render a frame to that
/// PNG and exit.
pub fn run(scenario: Scenario, opts: ViewOptions) -> Result<ExitCode, Error> {
    let ViewOptions {
        screenshot,
        size,
        colouring,
        viewsheds,
        plan: plan_mode,
        time_s,
        replay,
        bench_frames,
        select,
    } = opts;
    let started = std::time::Instant::now();
    #[cfg(unix)]
    if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        return Err(Error::Other(
            "no display: the map window needs an X11 display (DISPLAY is not set). On a headless machine run it under Xvfb (xvfb-run -a borderwatch view ...), or use the CLI: borderwatch check | info | import".into(),
        ));
    }
    let toggles = LayerToggles {
        basemap: true,
        border: true,
        sides: true,
        network: vec![true; scenario.states.len()],
        routes: true,
        crossings: true,
        posts: true,
        labels: true,
        legend: true,
        border_px: 4.0,
        route_px: 2.5,
        network_px: 1.2,
        colouring,
        view: scenario.states.len(),
        viewsheds,
    };
    let title = format!("borderwatch — {}", scenario.title);
    let shot = screenshot.clone();
    let sim_enabled = screenshot.is_none() || replay.is_some();
    let bench = bench_frames.map(|frames| FrameBench {
        frames,
        started,
        loaded_s: None,
        first_frame_s: None,
        load_frames: 0,
        load_redraws: 0,
        cpu0_s: None,
        cpu1_s: None,
        rerun_asked: false,
        rerun_ms: Vec::new(),
        times_ms: Vec::new(),
    });
    // A failure to start (no GPU adapter, no X server) panics inside Bevy:
    // print its message in one line, not a backtrace, then explain.
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| info.payload().downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        eprintln!("borderwatch viewer: {msg}");
    }));
    // rayon's threads (the planner and simulation fan out to them) at the
    // jobs' priority; already built if the CLI used rayon before (then
    // they keep the normal priority)
    let _ = rayon::ThreadPoolBuilder::new()
        .start_handler(|_| lower_priority())
        .build_global();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
        let mut app = App::new();
        app.insert_resource(ClearColor(rgb(view::BACKGROUND)))
            .add_plugins(DefaultPlugins.set(background_threads()).set(WindowPlugin {
                primary_window: Some(Window {
                    title,
                    resolution:
                        WindowResolution::new(size.0, size.1).with_scale_factor_override(1.0),
                    ..default()
                }),
                ..default()
            }))
            .add_plugins(EguiPlugin::default())
            // A desktop map, not a game: draw when something happens (input,
            // egui asking for it, every IDLE_REDRAW otherwise), continuously
            // only while the timeline plays, a post is dragged or a
            // screenshot or benchmark runs. The background jobs get the CPU.
            .insert_resource(bevy::winit::WinitSettings {
                focused_mode: bevy::winit::UpdateMode::reactive(IDLE_REDRAW),
                unfocused_mode: bevy::winit::UpdateMode::reactive(IDLE_REDRAW),
            })
            // 2D gizmo groups are drawn in the order they are registered
            // (their sort keys are equal): bands under networks under routes
            // under the border.
            .init_gizmo_group::<SideBands>()
            .init_gizmo_group::<ThinLines>()
            .init_gizmo_group::<RouteLines>()
            .init_gizmo_group::<PlanLines>()
            .init_gizmo_group::<BorderLines>()
            .insert_resource(toggles)
            .insert_resource(ScreenshotJob {
                path: shot,
                ..default()
            })
            .init_resource::<CursorReadout>()
            .init_resource::<ZoomTo>()
            .add_systems(Startup, setup_camera)
            .add_systems(
                Update,
                (
                    assess::overlay_visibility,
                    basemap::basemap_visibility,
                    plan::advance_time,
                    choose_msaa,
                    configure_gizmos,
                    edit::map_input,
                    camera_controls,
                    cursor_readout,
                    draw_map,
                    screenshot_driver,
                    frame_bench.run_if(resource_exists::<FrameBench>),
                    keep_drawing,
                )
                    .chain()
                    .after(WorkSet),
            )
            .add_systems(EguiPrimaryContextPass, (side_panel, edit_panels).chain())
            .add_systems(
                PreUpdate,
                drop_repeated_modifiers
                    .after(bevy_egui::EguiPreUpdateSet::ProcessInput)
                    .before(bevy_egui::EguiPreUpdateSet::BeginPass),
            );
        add_workstation(
            &mut app,
            scenario,
            PlanJob {
                mode: plan_mode,
                time_s: time_s.unwrap_or(PlanJob::default().time_s),
                ..default()
            },
            SimJob {
                enabled: sim_enabled,
                step: replay.unwrap_or(SimJob::default().step),
                ..default()
            },
        );
        if let Some(id) = select {
            app.world_mut().resource_mut::<edit::EditState>().selected = Some(id);
        }
        if let Some(b) = bench {
            app.insert_resource(b);
        }
        app.run()
    }));
    std::panic::set_hook(previous_hook);
    match result {
        Ok(AppExit::Success) => {
            if let Some(p) = &screenshot {
                if !p.exists() {
                    return Err(Error::Other(format!("the window closed before the screenshot {} was written", p.display())));
                }
                println!("wrote {}", p.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Ok(AppExit::Error(code)) => Ok(ExitCode::from(code.get())),
        Err(_) => Err(Error::Other(
            "the map window could not start (see the line above): this machine may have no display or no GPU/Vulkan driver (on Debian: apt-get install mesa-vulkan-drivers libvulkan1). Everything else works from the CLI: borderwatch check | info | import".into(),
        )),
    }
}

/// At least two threads for the background jobs (Bevy gives them a
/// quarter of the cores, one on a 2-core machine): the assessment then
/// lands while the plans are still running.
fn background_threads() -> bevy::app::TaskPoolPlugin {
    let mut o = bevy::app::TaskPoolOptions::default();
    o.async_compute.min_threads = 2;
    o.async_compute.on_thread_spawn = Some(std::sync::Arc::new(lower_priority));
    bevy::app::TaskPoolPlugin {
        task_pool_options: o,
    }
}

/// bevy_egui tells egui the modifier keys every frame; egui takes any
/// event as a reason to draw the next frame, so the window never idles.
/// Pass the modifiers on only when they change.
fn drop_repeated_modifiers(
    mut q: Query<&mut bevy_egui::EguiInput>,
    mut last: Local<Option<egui::Modifiers>>,
) {
    for mut input in &mut q {
        input.events.retain(|e| match e {
            egui::Event::ModifiersChanged(m) => {
                let changed = *last != Some(*m);
                *last = Some(*m);
                changed
            }
            _ => true,
        });
    }
}

/// Run the calling thread at a lower CPU priority (nice 10) than the
/// window's, so that drawing keeps its pace while the jobs (and the rayon
/// threads they fan out to) use what is left (Linux; elsewhere nothing).
fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority on the calling thread's own id (Linux applies a
    // thread id's nice value to that thread alone); no memory is involved.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t, 10);
    }
}

/// How often the window redraws when nothing moves.
const IDLE_REDRAW: std::time::Duration = std::time::Duration::from_millis(250);

/// Draw continuously while something moves (the timeline plays, a post is
/// dragged, a screenshot or the frame benchmark runs), on demand otherwise.
fn keep_drawing(
    plan: Res<PlanJob>,
    edit: Res<edit::EditState>,
    shot: Res<ScreenshotJob>,
    bench: Option<Res<FrameBench>>,
    mut winit: ResMut<bevy::winit::WinitSettings>,
) {
    use bevy::winit::UpdateMode;
    let benchmarking = bench.is_some_and(|b| b.loaded_s.is_some());
    let moving = plan.playing || edit.drag.is_some() || shot.path.is_some() || benchmarking;
    let mode = if moving {
        UpdateMode::Continuous
    } else {
        UpdateMode::reactive(IDLE_REDRAW)
    };
    if winit.focused_mode != mode {
        winit.focused_mode = mode;
        winit.unfocused_mode = mode;
    }
}

/// Multisampling off on a software renderer (Mesa lavapipe: it costs a
/// third of each frame there), on elsewhere; `BORDERWATCH_MSAA=on|off`
/// overrides.
fn choose_msaa(
    info: Option<Res<bevy::render::renderer::RenderAdapterInfo>>,
    mut q: Query<&mut Msaa, With<Camera2d>>,
    mut done: Local<bool>,
) {
    if *done {
        return;
    }
    let software = info
        .as_ref()
        .map(|i| format!("{:?}", i.device_type) == "Cpu");
    let off = match std::env::var("BORDERWATCH_MSAA").as_deref() {
        Ok("off") => true,
        Ok("on") => false,
        _ => match software {
            Some(s) => s,
            None => return, // no adapter yet
        },
    };
    for mut m in &mut q {
        *m = if off { Msaa::Off } else { Msaa::Sample4 };
        *done = true;
    }
}

/// Line widths from the layers' style (whenever it changes).
fn configure_gizmos(
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
        cfg.line.width = width;
        cfg.line.joints = GizmoLineJoint::Round(4);
    }
    set(store.config_mut::<ThinLines>().0, layers.network_px);
    // thousands of network vertices: no joints on thin lines
    store.config_mut::<ThinLines>().0.line.joints = GizmoLineJoint::None;
    set(store.config_mut::<RouteLines>().0, layers.route_px);
    set(store.config_mut::<BorderLines>().0, layers.border_px);
    set(store.config_mut::<SideBands>().0, BAND_PX);
}

/// The map area's view after fitting, for the initial camera.
fn initial_fit(map: &MapData, w: f64, h: f64) -> ViewFit {
    let bbox = view::frame_bbox(&map.scenario).unwrap_or_default();
    view::fit(bbox, w - PANEL_WIDTH_PX, h - view::TIMELINE_PX)
}

fn place_camera(fit: &ViewFit, w: f64, tf: &mut Transform, proj: &mut Projection) {
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

fn setup_camera(
    mut commands: Commands,
    map: Res<MapData>,
    window: Single<&Window, With<PrimaryWindow>>,
) {
    let (w, h) = (window.width() as f64, window.height() as f64);
    let fit = initial_fit(&map, w, h);
    let mut tf = Transform::default();
    let mut proj = Projection::Orthographic(OrthographicProjection::default_2d());
    place_camera(&fit, w, &mut tf, &mut proj);
    commands.spawn((Camera2d, tf, proj));
}

#[allow(clippy::too_many_arguments)] // a Bevy system: one parameter per resource
fn camera_controls(
    mut zoom_to: ResMut<ZoomTo>,
    mut contexts: EguiContexts,
    buttons: Res<ButtonInput<MouseButton>>,
    keys: Res<ButtonInput<KeyCode>>,
    motion: Res<AccumulatedMouseMotion>,
    scroll: Res<AccumulatedMouseScroll>,
    window: Single<&Window, With<PrimaryWindow>>,
    map: Res<MapData>,
    camera: Single<(&Camera, &GlobalTransform, &mut Transform, &mut Projection)>,
    edit_state: Res<edit::EditState>,
) {
    let dragging_post = edit_state.drag.is_some();
    let wants_pointer = contexts
        .ctx_mut()
        .map(|c| c.egui_wants_pointer_input() || c.is_pointer_over_egui())
        .unwrap_or(false);
    let (cam, gt, mut tf, mut proj) = camera.into_inner();
    if let Some(bbox) = zoom_to.0.take() {
        let (w, h) = (window.width() as f64, window.height() as f64);
        let bbox = crate::model::expand(bbox, 400.0);
        let fit = view::fit(bbox, w - PANEL_WIDTH_PX, h - view::TIMELINE_PX);
        place_camera(&fit, w, &mut tf, &mut proj);
        return;
    }
    let Projection::Orthographic(ortho) = &mut *proj else {
        return;
    };
    let mut scale = ortho.scale;
    if keys.just_pressed(KeyCode::KeyF) {
        let fit = initial_fit(&map, window.width() as f64, window.height() as f64);
        place_camera(&fit, window.width() as f64, &mut tf, &mut proj);
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

fn cursor_readout(
    map: Res<MapData>,
    window: Single<&Window, With<PrimaryWindow>>,
    camera: Single<(&Camera, &GlobalTransform)>,
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
            let mut s = format!("{:.5}° N, {:.5}° E", ll.y, ll.x);
            if let Some(snap) = map.index.border.snap(p) {
                s.push_str(&format!(
                    "\nborder km {:.2} ({:.0} m away)",
                    snap.chainage_km, snap.distance_m
                ));
            }
            s
        });
}

/// Show or hide the queried sprites (touching them only on a change).
pub(crate) fn show<F: bevy::ecs::query::QueryFilter>(q: &mut Query<&mut Visibility, F>, on: bool) {
    let want = if on {
        Visibility::Visible
    } else {
        Visibility::Hidden
    };
    for mut v in q.iter_mut() {
        if *v != want {
            *v = want;
        }
    }
}

/// The result of a background task once it is done (the task is dropped).
pub(crate) fn take_done<T>(task: &mut Option<bevy::tasks::Task<T>>) -> Option<T> {
    let done = bevy::tasks::futures::check_ready(task.as_mut()?)?;
    *task = None;
    Some(done)
}

/// Offset a polyline sideways by `d` (positive = left).
fn offset_line(pts: &[Coord], d: f64) -> Vec<Vec2> {
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

#[allow(clippy::too_many_arguments)] // a Bevy system: one parameter per resource
fn draw_map(
    map: Res<MapData>,
    layers: Res<LayerToggles>,
    camera: Single<&Projection, With<Camera2d>>,
    mut thin: Gizmos<ThinLines>,
    mut routes_g: Gizmos<RouteLines>,
    mut border_g: Gizmos<BorderLines>,
    mut bands: Gizmos<SideBands>,
    mut plan_g: Gizmos<PlanLines>,
    job: Res<AssessJob>,
    plan_job: Res<PlanJob>,
    sim_job: Res<SimJob>,
) {
    let s = &map.scenario;
    let scale = match *camera {
        Projection::Orthographic(o) => o.scale as f64,
        _ => 1.0,
    };
    let colour_of =
        |id: &crate::ids::StateId| s.state(id).map(|st| st.colour).unwrap_or([128, 128, 128]);
    for (i, st) in s.states.iter().enumerate() {
        if !layers.network.get(i).copied().unwrap_or(true) {
            continue;
        }
        let c = rgb(view::faded(st.colour, 0.45));
        for n in s.network.iter().filter(|n| n.state == st.id) {
            thin.linestrip_2d(n.xy.0.iter().map(|c| v2(*c)), c);
        }
    }
    if layers.sides {
        let d = BAND_PX as f64 / 2.0 * scale + 2.0 * scale;
        for b in &s.border {
            let left = rgb(view::faded(colour_of(&b.left), 0.55));
            let right = rgb(view::faded(colour_of(&b.right), 0.55));
            bands.linestrip_2d(offset_line(&b.xy.0, d), left);
            bands.linestrip_2d(offset_line(&b.xy.0, -d), right);
        }
    }
    if layers.routes {
        let by_p = sim_job
            .current()
            .filter(|_| sim_job.colour_routes)
            .map(|r| &r.per_route);
        for (i, r) in s.routes.iter().enumerate() {
            let c = match by_p.and_then(|p| p.get(i)) {
                Some(x) => view::intercept_colour(x.p_intercept),
                None => view::ROUTE,
            };
            routes_g.linestrip_2d(r.xy.0.iter().map(|c| v2(*c)), rgb(c));
        }
    }
    if let Some(p) = plan_job.current().filter(|_| plan_job.show) {
        for u in &p.units {
            let st = &s.states[u.state.min(s.states.len() - 1)];
            let c = rgb(view::faded(st.colour, 0.25));
            plan_g.linestrip_2d(u.xy.iter().map(|c| v2(*c)), c);
        }
    }
    if layers.border && layers.colouring == BorderColouring::Idleness {
        if let Some(p) = plan_job.current() {
            for w in &p.points {
                let c = if w.counted {
                    view::risk_colour((w.weighted_gap_s / p.horizon_s).clamp(0.0, 1.0))
                } else if w.posts_cover {
                    view::COVERED
                } else {
                    view::UNPATROLLED
                };
                border_g.linestrip_2d(w.line.iter().map(|c| v2(*c)), rgb(c));
            }
            return;
        }
    }
    if layers.border {
        match (layers.colouring, &job.result) {
            (BorderColouring::Coverage | BorderColouring::Risk, Some(a)) => {
                let th = a.options.threshold;
                let vi = layers.view.min(a.views.len() - 1);
                for r in &a.segments {
                    let c = match layers.colouring {
                        BorderColouring::Risk => view::risk_colour(r.risk.score),
                        _ if r.detect[vi].1.both() >= th => view::COVERED,
                        _ => view::GAP,
                    };
                    border_g.linestrip_2d(r.segment.xy.iter().map(|c| v2(*c)), rgb(c));
                }
            }
            _ => {
                for b in &s.border {
                    border_g.linestrip_2d(
                        b.xy.0.iter().map(|c| v2(*c)),
                        rgb(view::border_colour(b.kind)),
                    );
                }
            }
        }
    }
    // Without a DEM there is no viewshed: show each post's sensor range.
    if layers.viewsheds {
        if let Some(a) = job.result.as_ref().filter(|a| !a.line_of_sight) {
            for ps in &a.sights {
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

#[allow(clippy::too_many_arguments)] // a Bevy system: one parameter per resource
fn side_panel(
    mut contexts: EguiContexts,
    map: Res<MapData>,
    mut job: ResMut<AssessJob>,
    mut ui_edit: edit::EditUi,
    mut zoom_to: ResMut<ZoomTo>,
    mut layers: ResMut<LayerToggles>,
    cursor: Res<CursorReadout>,
    camera: Single<(&Camera, &GlobalTransform, &Projection)>,
    mut plan_job: ResMut<PlanJob>,
    mut sim_job: ResMut<SimJob>,
    time: Res<Time>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let s = &map.scenario;
    let info = &map.info;
    let mut root = egui::Ui::new(
        ctx.clone(),
        "map-root".into(),
        egui::UiBuilder::new()
            .layer_id(egui::LayerId::background())
            .max_rect(ctx.viewport_rect()),
    );
    egui::Panel::left("side")
        .exact_size(PANEL_WIDTH_PX as f32)
        .resizable(false)
        .show(&mut root, |ui| {
            edit::menu_bar(
                ui,
                &ui_edit.editor,
                &mut ui_edit.state,
                &mut ui_edit.requests,
            );
            egui::ScrollArea::vertical().show(ui, |ui| {
                ui.heading(&s.title);
                if s.exercise {
                    ui.colored_label(
                        egui::Color32::from_rgb(200, 60, 0),
                        "EXERCISE DATA — posts and units are invented",
                    );
                }
                ui.separator();
                for p in &info.pairs {
                    ui.label(format!(
                        "Border {}–{}: {:.1} km",
                        p.states[0], p.states[1], p.length_km
                    ));
                    ui.label(format!(
                        "  green {:.1} km · blue {:.1} km · {} stretches",
                        p.green_km, p.blue_km, p.stretches
                    ));
                }
                ui.label(format!("Official crossings: {}", info.crossings));
                ui.label(format!(
                    "Informal routes: {} ({} crossings)",
                    info.routes, info.route_border_crossings
                ));
                ui.label(format!("Posts: {} · Units: {}", info.posts, info.units));
                for st in &info.states {
                    ui.label(format!(
                        "  {} {}: {} posts, {} units, {:.0} km network",
                        st.code, st.name, st.posts, st.units, st.network_km
                    ));
                }
                ui.separator();
                ui.strong("Layers");
                let swatch = |ui: &mut egui::Ui, c: [u8; 3]| {
                    let (r, p) = ui.allocate_painter(egui::vec2(14.0, 14.0), egui::Sense::hover());
                    p.rect_filled(
                        r.rect.shrink(2.0),
                        2.0,
                        egui::Color32::from_rgb(c[0], c[1], c[2]),
                    );
                };
                ui.horizontal(|ui| {
                    swatch(ui, view::GREEN_BORDER);
                    swatch(ui, view::BLUE_BORDER);
                    ui.checkbox(&mut layers.border, "Border (green / blue)");
                });
                ui.checkbox(&mut layers.basemap, "Basemap (hillshade, territories)");
                ui.checkbox(&mut layers.sides, "Sides of the border");
                for (i, st) in s.states.iter().enumerate() {
                    if let Some(on) = layers.network.get_mut(i) {
                        ui.horizontal(|ui| {
                            swatch(ui, st.colour);
                            ui.checkbox(on, format!("{} patrol network", st.name));
                        });
                    }
                }
                ui.horizontal(|ui| {
                    swatch(ui, view::ROUTE);
                    ui.checkbox(&mut layers.routes, "Informal routes");
                });
                ui.horizontal(|ui| {
                    swatch(ui, view::CROSSING);
                    ui.checkbox(&mut layers.crossings, "Official crossings");
                });
                ui.checkbox(&mut layers.posts, "Observation posts");
                ui.checkbox(&mut layers.labels, "Labels");
                ui.checkbox(&mut layers.legend, "Legend");
                if let Some(a) = job.result.as_ref() {
                    let text = if a.line_of_sight {
                        "Posts' viewsheds"
                    } else {
                        "Posts' sensor ranges (no DEM)"
                    };
                    ui.checkbox(&mut layers.viewsheds, text);
                }
                if plan_job.result.is_some() {
                    ui.checkbox(&mut plan_job.show, "Patrol routes and units");
                }
                if sim_job.slot.result.is_some() {
                    ui.checkbox(&mut sim_job.colour_routes, "Routes by P(intercept)");
                    ui.checkbox(&mut sim_job.replay, "Simulated crossings");
                }
                egui::CollapsingHeader::new("Line widths").show(ui, |ui| {
                    ui.add(egui::Slider::new(&mut layers.border_px, 1.0..=10.0).text("border"));
                    ui.add(egui::Slider::new(&mut layers.route_px, 0.5..=8.0).text("routes"));
                    ui.add(egui::Slider::new(&mut layers.network_px, 0.5..=5.0).text("networks"));
                });
                ui.separator();
                assessment_panel(ui, &mut layers, &job, &mut zoom_to);
                ui.separator();
                let mut by_idleness = layers.colouring == BorderColouring::Idleness;
                plan::plan_panel(ui, &mut plan_job, &mut by_idleness);
                if by_idleness {
                    layers.colouring = BorderColouring::Idleness;
                } else if layers.colouring == BorderColouring::Idleness {
                    layers.colouring = BorderColouring::Kind;
                }
                ui.separator();
                edit::jobs_panel(
                    ui,
                    map.rev,
                    &mut ui_edit.state,
                    &mut job,
                    &mut plan_job,
                    &mut sim_job,
                    &mut ui_edit.io,
                    &mut ui_edit.requests,
                );
                ui.separator();
                ui.small("Drag to pan · wheel or +/- to zoom · F to fit");
                if let Some(c) = &cursor.0 {
                    ui.monospace(c);
                }
            });
        });
    plan::timeline_bar(ctx, &mut plan_job, PANEL_WIDTH_PX as f32);
    if layers.legend {
        let bottom = ctx.viewport_rect().bottom()
            - if plan_job.show && plan_job.result.is_some() {
                view::TIMELINE_PX as f32
            } else {
                0.0
            };
        legend::legend(
            ctx,
            &legend::LegendInput {
                layers: &layers,
                states: &s.states,
                routes_by_p: sim_job.colour_routes && sim_job.current().is_some(),
                plan_shown: plan_job.show && plan_job.result.is_some(),
                crossings_shown: sim_job.replay && sim_job.current().is_some() && plan_job.show,
                sites_shown: ui_edit.io.site.result.is_some(),
                has_blue: s
                    .border
                    .iter()
                    .any(|b| b.kind == crate::model::BorderKind::Blue),
            },
            PANEL_WIDTH_PX as f32,
            bottom - ctx.viewport_rect().bottom(),
        );
    }
    sim::sim_window(ctx, &mut sim_job, &mut plan_job, &s.states);
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
            let xy = match &ui_edit.state.drag {
                Some((id, at, true)) if id == &p.id => *at,
                _ => p.xy,
            };
            let Some(q) = to_screen(xy) else { continue };
            if ui_edit.state.selected.as_ref() == Some(&p.id) {
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
    if let Some(r) = ui_edit.io.site.result.as_ref() {
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

/// The editor window and the path dialogs.
fn edit_panels(
    mut contexts: EguiContexts,
    mut ui_edit: edit::EditUi,
    plan_job: Res<PlanJob>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let edit::EditUi {
        editor,
        state,
        requests,
        io,
    } = &mut ui_edit;
    edit::editor_window(ctx, editor, state, requests, io, plan_job.show);
    edit::dialogs(ctx, state, requests);
    Ok(())
}

/// The assessment part of the side panel: colouring, view, figures, gaps.
fn assessment_panel(
    ui: &mut egui::Ui,
    layers: &mut LayerToggles,
    job: &AssessJob,
    zoom_to: &mut ZoomTo,
) {
    ui.strong("Assessment");
    if let Some((stage, _)) = job.progress() {
        // (no spinner: it would keep the window redrawing)
        ui.label(format!("assessing: {stage}…"));
        if job.result.is_none() {
            return;
        }
    }
    if let Some(e) = &job.error {
        ui.colored_label(
            egui::Color32::from_rgb(200, 40, 40),
            format!("assessment failed: {e}"),
        );
        return;
    }
    let Some(a) = &job.result else { return };
    ui.horizontal(|ui| {
        ui.label("Border:");
        ui.radio_value(&mut layers.colouring, BorderColouring::Kind, "green/blue");
        ui.radio_value(&mut layers.colouring, BorderColouring::Coverage, "coverage");
        ui.radio_value(&mut layers.colouring, BorderColouring::Risk, "risk");
    });
    let name = |i: usize| -> String {
        a.views
            .get(i)
            .map(|v| {
                if v.view == "joint" {
                    "both States".to_string()
                } else {
                    format!("{} alone", v.view)
                }
            })
            .unwrap_or_default()
    };
    egui::ComboBox::from_label("posts counted")
        .selected_text(name(layers.view))
        .show_ui(ui, |ui| {
            for i in 0..a.views.len() {
                ui.selectable_value(&mut layers.view, i, name(i));
            }
        });
    let sw = |ui: &mut egui::Ui, c: [u8; 3], text: &str| {
        let (r, p) = ui.allocate_painter(egui::vec2(14.0, 14.0), egui::Sense::hover());
        p.rect_filled(
            r.rect.shrink(2.0),
            2.0,
            egui::Color32::from_rgb(c[0], c[1], c[2]),
        );
        ui.small(text);
    };
    match layers.colouring {
        BorderColouring::Coverage => {
            ui.horizontal(|ui| {
                sw(ui, view::COVERED, "watched day and night");
                sw(ui, view::GAP, "gap");
            });
        }
        BorderColouring::Risk => {
            ui.horizontal(|ui| {
                sw(ui, view::risk_colour(0.0), "low");
                sw(ui, view::risk_colour(0.5), "");
                sw(ui, view::risk_colour(1.0), "high risk");
            });
        }
        BorderColouring::Idleness => {
            ui.horizontal(|ui| {
                sw(ui, view::risk_colour(0.0), "visited often");
                sw(ui, view::risk_colour(1.0), "once a day");
            });
            ui.horizontal(|ui| {
                sw(ui, view::COVERED, "posts watch");
                sw(ui, view::UNPATROLLED, "out of reach");
            });
        }
        BorderColouring::Kind => {}
    }
    let Some(v) = a.views.get(layers.view.min(a.views.len() - 1)) else {
        return;
    };
    ui.label(format!(
        "Watched 24 h: {:.1} % (day {:.1} %, night {:.1} %)",
        v.covered_pct.total, v.covered_pct_day.total, v.covered_pct_night.total
    ));
    ui.label(format!(
        "Risk covered: {:.1} % · unwatched crossings: {} of {}",
        v.risk_covered_pct, v.uncovered_route_crossings, v.route_crossings
    ));
    if !a.line_of_sight {
        ui.small("No DEM: line of sight not modelled.");
    }
    ui.label(format!(
        "Gaps ({}), largest risk first — click to zoom:",
        v.gaps.len()
    ));
    egui::ScrollArea::vertical()
        .max_height(170.0)
        .show(ui, |ui| {
            for g in v.gaps.iter().take(40) {
                let text = format!(
                    "{}. km {:.2}–{:.2} · {:.2} km · risk {:.2}",
                    g.rank, g.from_km, g.to_km, g.length_km, g.risk
                );
                if ui.link(text).clicked() {
                    let pts = a
                        .segments
                        .iter()
                        .filter(|r| g.segments.contains(&r.segment.id))
                        .flat_map(|r| r.segment.xy.iter().copied());
                    zoom_to.0 = crate::model::bbox(pts);
                }
            }
        });
}

/// Frame benchmark: wait until every background job is done (the load),
/// then play the timeline and time each frame; print and exit.
#[allow(clippy::too_many_arguments)] // a Bevy system: one parameter per resource
fn frame_bench(
    mut b: ResMut<FrameBench>,
    // real time: the virtual clock clamps its steps at 250 ms
    time: Res<Time<Real>>,
    assess: Res<AssessJob>,
    basemap_job: Res<basemap::BasemapJob>,
    mut plan_job: ResMut<PlanJob>,
    sim_job: Res<SimJob>,
    mut exit: MessageWriter<AppExit>,
    mut redraws: MessageReader<bevy::window::RequestRedraw>,
    mut requests: ResMut<edit::Requests>,
) {
    if redraws.read().count() > 0 && b.loaded_s.is_none() {
        b.load_redraws += 1;
    }
    if b.first_frame_s.is_none() {
        b.first_frame_s = Some(b.started.elapsed().as_secs_f64());
    }
    let loading = assess.running()
        || !basemap_job.done
        || plan_job.running()
        || (sim_job.enabled
            && plan_job.error.is_none()
            && sim_job.result.is_none()
            && sim_job.error.is_none());
    if b.loaded_s.is_none() {
        b.load_frames += 1;
        if !loading {
            b.loaded_s = Some(b.started.elapsed().as_secs_f64());
            plan_job.playing = true;
        }
        return;
    }
    let dt_ms = time.delta_secs_f64() * 1e3;
    if (b.times_ms.len() as u32) < b.frames {
        if b.times_ms.is_empty() {
            b.cpu0_s = process_cpu_s();
        }
        b.times_ms.push(dt_ms);
        return;
    }
    if !b.rerun_asked {
        b.cpu1_s = process_cpu_s();
        b.rerun_asked = true;
        requests.0.push(edit::Request::Rerun);
        return;
    }
    let busy = assess.running() || plan_job.running() || sim_job.running();
    if busy && b.rerun_ms.len() < 100_000 {
        b.rerun_ms.push(dt_ms);
        return;
    }
    {
        // the first frames upload the textures: leave out the first 10
        let mut t: Vec<f64> = b.times_ms.iter().skip(10).copied().collect();
        t.sort_by(f64::total_cmp);
        let mut r = b.rerun_ms.clone();
        r.sort_by(f64::total_cmp);
        let quantile = |t: &[f64], f: f64| {
            t.get(((t.len() as f64 - 1.0) * f).round() as usize)
                .copied()
                .unwrap_or(0.0)
        };
        let q = |f: f64| quantile(&t, f);
        let r2 = |x: f64| (x * 100.0).round() / 100.0;
        println!(
            "{}",
            serde_json::json!({
                "load_s": (b.loaded_s.unwrap_or(0.0) * 1000.0).round() / 1000.0,
                "first_frame_s": (b.first_frame_s.unwrap_or(0.0) * 1000.0).round() / 1000.0,
                "frames_while_loading": b.load_frames,
                "redraws_asked_while_loading": b.load_redraws,
                "jobs_s": {
                    "assess": assess.last_s,
                    "plan_both_modes": plan_job.last_s,
                    "simulate_ladder": sim_job.last_s,
                },
                "frames": t.len(),
                "median_frame_ms": (q(0.5) * 100.0).round() / 100.0,
                "p95_frame_ms": (q(0.95) * 100.0).round() / 100.0,
                "max_frame_ms": (q(1.0) * 100.0).round() / 100.0,
                // CPU time of the whole process (all threads, lavapipe's
                // included) per timed frame: steadier than wall time on a
                // shared machine
                "cpu_ms_per_frame": b.cpu0_s.zip(b.cpu1_s).map(|(a, z)| {
                    ((z - a) * 1e3 / b.times_ms.len().max(1) as f64 * 10.0).round() / 10.0
                }),
                // every job re-run (as after an edit) with the timeline
                // playing: the frames drawn meanwhile
                "while_jobs_rerun": {
                    "frames": r.len(),
                    "seconds": r2(r.iter().sum::<f64>() / 1e3),
                    "median_frame_ms": r2(quantile(&r, 0.5)),
                    "p95_frame_ms": r2(quantile(&r, 0.95)),
                },
            })
        );
        exit.write(AppExit::Success);
    }
}

/// CPU seconds this process has used (user + system, all threads), from
/// `/proc/self/stat` (Linux; `None` elsewhere).
fn process_cpu_s() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // fields after the command name (which may hold spaces): utime is the
    // 14th field of the line, stime the 15th, in clock ticks (100 Hz)
    let rest = stat.rsplit_once(')')?.1;
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

#[allow(clippy::too_many_arguments)] // a Bevy system: one parameter per resource
fn screenshot_driver(
    mut commands: Commands,
    mut job: ResMut<ScreenshotJob>,
    layers: Res<LayerToggles>,
    assess: Res<AssessJob>,
    plan_job: Res<PlanJob>,
    sim_job: Res<SimJob>,
    basemap_job: Res<basemap::BasemapJob>,
    mut exit: MessageWriter<AppExit>,
) {
    let Some(path) = job.path.clone() else { return };
    job.frames += 1;
    // Wait for the assessment when the view shows it; then let a few frames
    // pass so egui, the gizmos and the overlay are laid out and drawn.
    let needs_assessment = layers.colouring != BorderColouring::Kind || layers.viewsheds;
    let needs_sim = sim_job.enabled
        && plan_job.error.is_none()
        && sim_job.result.is_none()
        && sim_job.error.is_none();
    if (needs_assessment && assess.running())
        || plan_job.running()
        || needs_sim
        || !basemap_job.done
    {
        job.frames = 0;
    }
    if !job.requested && job.frames >= 8 {
        job.requested = true;
        let done = job.done.clone();
        commands
            .spawn(Screenshot::primary_window())
            .observe(save_to_disk(path))
            .observe(move |_: On<ScreenshotCaptured>| {
                done.store(true, std::sync::atomic::Ordering::SeqCst)
            });
    }
    if job.done.load(std::sync::atomic::Ordering::SeqCst) {
        job.after_done += 1;
        if job.after_done >= 2 {
            exit.write(AppExit::Success);
        }
    }
    if job.frames > 600 {
        exit.write(AppExit::error());
    }
}
