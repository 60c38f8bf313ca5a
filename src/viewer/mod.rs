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
mod cache;
mod camera;
mod draw;
pub mod edit;
pub mod exchange;
pub mod forms;
mod frames;
pub mod game;
pub mod jobs;
mod labels;
pub mod legend;
pub mod lines;
pub mod new;
mod panel;
pub mod plan;
pub mod requests;
pub mod session;
pub mod sim;
mod symbols;

pub use camera::{CursorReadout, ZoomTo};

use assess::{AssessJob, BorderColouring};
use plan::PlanJob;
use sim::SimJob;

use crate::error::Error;
use crate::geom::proj::LocalProjection;
use crate::index::SpatialIndex;
use crate::info::Info;
use crate::model::Scenario;
use crate::view;
use bevy::prelude::*;

/// `--select`: the selected post is framed with this much round it (m).
pub const SELECT_FRAME_M: f64 = 2500.0;

/// `--select`: the post selected in the editor and framed, zoomed in.
fn select_and_frame(app: &mut App, id: crate::ids::PostId) {
    let s = &app.world().resource::<MapData>().scenario;
    if let Some(xy) = s.post(&id).map(|p| p.xy) {
        let d = Coord {
            x: SELECT_FRAME_M,
            y: SELECT_FRAME_M,
        };
        app.world_mut().resource_mut::<camera::ZoomTo>().0 = Some((xy - d, xy + d));
    }
    app.world_mut().resource_mut::<edit::EditState>().selected = Some(id);
}
use bevy::window::WindowResolution;
use bevy_egui::{egui, EguiPlugin};
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
    /// The fixed lines at levels of detail.
    pub lines: std::sync::Arc<lines::MapLines>,
}

impl MapData {
    pub fn new(scenario: Scenario) -> Self {
        let lines = std::sync::Arc::new(lines::MapLines::of(&scenario));
        MapData::with_lines(scenario, lines)
    }

    fn with_lines(scenario: Scenario, lines: std::sync::Arc<lines::MapLines>) -> Self {
        MapData {
            index: SpatialIndex::build(&scenario),
            lines,
            info: crate::info::info(&scenario),
            projection: scenario.projection.clone(),
            scenario,
            rev: 0,
        }
    }
    /// Show `s` (the editor's revision `rev`).
    pub fn replace(&mut self, s: Scenario, rev: u64) {
        // an edit moves posts and units: the lines' levels carry over
        let lines = match lines::same_lines(&self.scenario, &s) {
            true => self.lines.clone(),
            false => std::sync::Arc::new(lines::MapLines::of(&s)),
        };
        *self = MapData::with_lines(s, lines);
        self.rev = rev;
    }
}

/// The systems that carry out edits and run jobs, in this order; the
/// drawing systems run after them.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub struct WorkSet;

/// A frame of the window after the work, in this order: which layers show
/// (overlays, basemap, the timeline's clock, anti-aliasing, line widths),
/// map input (select, drag, add), the camera, the drawing, then when to
/// draw next (screenshot, benchmark, reactive redraw). Each room's plugin
/// puts its systems in its set.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub enum FrameSet {
    Layers,
    Input,
    Camera,
    Draw,
    Frames,
}

/// The layers' state as the frame begins: overlays and basemap shown or
/// hidden, the timeline's clock advanced.
struct LayersPlugin;

impl Plugin for LayersPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(
            Update,
            (
                assess::overlay_visibility,
                basemap::basemap_visibility,
                plan::advance_time,
            )
                .chain()
                .in_set(FrameSet::Layers),
        );
    }
}

/// The workstation without its window: scenario, editor, jobs and the
/// systems that carry out requests and land results. The map window adds
/// drawing and input on top; the headless tests run this alone (with
/// `MinimalPlugins`).
pub fn add_workstation(app: &mut App, scenario: Scenario, plan: PlanJob, sim: SimJob) {
    let mut state = edit::EditState::with_recent();
    state.look_for_recovery(&scenario.path);
    app.insert_resource(edit::EditorRes(crate::scenario::edit::Editor::new(
        scenario.clone(),
    )))
    .insert_resource(MapData::new(scenario))
    .insert_resource(plan)
    .insert_resource(sim)
    .init_resource::<AssessJob>()
    .init_resource::<basemap::BasemapJob>()
    .init_resource::<legend::Crowd>()
    .insert_resource(state)
    .init_resource::<edit::Requests>()
    .init_resource::<edit::IoJobs>()
    .init_resource::<exchange::ExchangeForm>()
    .init_resource::<new::NewForm>()
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
            new::poll_new,
            requests::handle_requests,
            edit::poll_io,
            assess::poll_assessment,
            basemap::poll_basemap,
            plan::poll_plan,
            sim::start_sim,
            sim::poll_sim,
            sim::start_game,
            sim::poll_game,
        )
            .chain()
            .in_set(WorkSet),
    );
}

/// Which layers are shown.
#[derive(Resource, Clone, Debug, PartialEq)]
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
    /// A post selected in the editor at start (and framed, zoomed in:
    /// [`SELECT_FRAME_M`] round it).
    pub select: Option<crate::ids::PostId>,
}

fn rgb(c: [u8; 3]) -> Color {
    Color::srgb_u8(c[0], c[1], c[2])
}

fn v2(c: Coord) -> Vec2 {
    Vec2::new(c.x as f32, c.y as f32)
}

/// Open the window on a scenario. With `screenshot`, render a frame to that
/// PNG and exit.
pub fn run(scenario: Scenario, opts: ViewOptions) -> Result<ExitCode, Error> {
    let started = std::time::Instant::now();
    #[cfg(unix)]
    if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        return Err(Error::Window(
            "no display: the map window needs an X11 display (DISPLAY is not set). On a headless machine run it under Xvfb (xvfb-run -a borderwatch view ...), or use the CLI: borderwatch check | info | import".into(),
        ));
    }
    let screenshot = opts.screenshot.clone();
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
        window_app(scenario, opts, started).run()
    }));
    std::panic::set_hook(previous_hook);
    match result {
        Ok(AppExit::Success) => {
            if let Some(p) = &screenshot {
                if !p.exists() {
                    return Err(Error::Window(format!("the window closed before the screenshot {} was written", p.display())));
                }
                println!("wrote {}", p.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Ok(AppExit::Error(code)) => Ok(ExitCode::from(code.get())),
        Err(_) => Err(Error::Window(
            "the map window could not start (see the line above): this machine may have no display or no GPU/Vulkan driver (on Debian: apt-get install mesa-vulkan-drivers libvulkan1). Everything else works from the CLI: borderwatch check | info | import".into(),
        )),
    }
}

/// The crossings' jobs of the window: the simulated ladder (replaying
/// `replay`'s rung first) and the game's ladder.
fn sim_job(enabled: bool, game: bool, replay: Option<usize>) -> SimJob {
    SimJob {
        enabled,
        step: replay.unwrap_or(SimJob::default().step),
        game: game::GameJob {
            enabled: game,
            ..default()
        },
        ..default()
    }
}

/// The window's app: Bevy's default plugins and egui, the rooms' plugins
/// in their frame order, and the workstation on `scenario`.
fn window_app(scenario: Scenario, opts: ViewOptions, started: std::time::Instant) -> App {
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
    // a screenshot simulates only the rung it shows; the game would take
    // the CPU a screenshot or a frame benchmark measures
    let sim_enabled = screenshot.is_none() || replay.is_some();
    let game_enabled = screenshot.is_none() && bench_frames.is_none();
    let mut app = App::new();
    app.insert_resource(ClearColor(rgb(view::BACKGROUND)))
        .add_plugins(DefaultPlugins.set(background_threads()).set(WindowPlugin {
            primary_window: Some(Window {
                title,
                resolution: WindowResolution::new(size.0, size.1).with_scale_factor_override(1.0),
                ..default()
            }),
            // closing asks first when there are unsaved changes
            close_when_requested: false,
            ..default()
        }))
        .add_systems(Update, session::close_requested)
        .add_plugins(EguiPlugin::default())
        // A desktop map, not a game: draw when something happens (input,
        // egui asking for it, every IDLE_REDRAW otherwise), continuously
        // only while the timeline plays, a post is dragged or a
        // screenshot or benchmark runs. The background jobs get the CPU.
        .insert_resource(bevy::winit::WinitSettings {
            focused_mode: bevy::winit::UpdateMode::reactive(frames::IDLE_REDRAW),
            unfocused_mode: bevy::winit::UpdateMode::reactive(frames::IDLE_REDRAW),
        })
        .insert_resource(toggles)
        .insert_resource(frames::ScreenshotJob {
            path: screenshot,
            ..default()
        })
        .configure_sets(
            Update,
            (
                FrameSet::Layers,
                FrameSet::Input,
                FrameSet::Camera,
                FrameSet::Draw,
                FrameSet::Frames,
            )
                .chain()
                .after(WorkSet),
        )
        .add_plugins((
            LayersPlugin,
            draw::DrawPlugin,
            cache::CachePlugin,
            edit::InputPlugin,
            camera::CameraPlugin,
            frames::FramesPlugin,
            panel::PanelPlugin,
        ))
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
        sim_job(sim_enabled, game_enabled, replay),
    );
    if let Some(id) = select {
        select_and_frame(&mut app, id);
    }
    if let Some(frames) = bench_frames {
        app.insert_resource(frames::FrameBench {
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
            load_jobs_s: None,
            times_ms: Vec::new(),
        });
    }
    app
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
