//! When the window draws (reactive: on input, while something moves, every
//! `IDLE_REDRAW` otherwise), screenshot mode (render, capture one frame,
//! exit) and the frame benchmark (`view --bench-frames`).

use super::assess::{AssessJob, BorderColouring};
use super::plan::PlanJob;
use super::sim::SimJob;
use super::{basemap, edit, LayerToggles};
use bevy::prelude::*;
use bevy::render::view::screenshot::{save_to_disk, Screenshot, ScreenshotCaptured};
use std::path::PathBuf;

/// The frame benchmark's state.
#[derive(Resource)]
pub(super) struct FrameBench {
    pub(super) frames: u32,
    pub(super) started: std::time::Instant,
    pub(super) loaded_s: Option<f64>,
    /// The first frame drawn (the window is usable from then on).
    pub(super) first_frame_s: Option<f64>,
    /// Frames drawn while the jobs ran, and those something asked for
    /// (egui: its input events).
    pub(super) load_frames: u32,
    pub(super) load_redraws: u32,
    /// Process CPU seconds when the timed frames began, and ended.
    pub(super) cpu0_s: Option<f64>,
    pub(super) cpu1_s: Option<f64>,
    pub(super) times_ms: Vec<f64>,
    /// Then a re-run of every job (as after an edit), frames timed while
    /// they run with the timeline still playing.
    pub(super) rerun_asked: bool,
    pub(super) rerun_ms: Vec<f64>,
    /// Seconds each job took in the load (the re-run's come at the end).
    pub(super) load_jobs_s: Option<serde_json::Value>,
}

/// Screenshot mode: render, capture one frame, exit.
#[derive(Resource, Default)]
pub(super) struct ScreenshotJob {
    pub(super) path: Option<PathBuf>,
    pub(super) frames: u32,
    pub(super) requested: bool,
    pub(super) done: std::sync::Arc<std::sync::atomic::AtomicBool>,
    pub(super) after_done: u32,
}

/// How often the window redraws when nothing moves.
pub(super) const IDLE_REDRAW: std::time::Duration = std::time::Duration::from_millis(250);

/// Draw continuously while something moves (the timeline plays, a post is
/// dragged, a screenshot or the frame benchmark runs), on demand otherwise.
pub(super) fn keep_drawing(
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

/// Frame benchmark: wait until every background job is done (the load),
/// then play the timeline and time each frame; print and exit.
#[allow(clippy::too_many_arguments)] // a Bevy system: one parameter per resource
pub(super) fn frame_bench(
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
            b.load_jobs_s = Some(jobs_s(&assess, &plan_job, &sim_job));
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
                "jobs_s": b.load_jobs_s,
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
                    "jobs_s": jobs_s(&assess, &plan_job, &sim_job),
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

/// Seconds each job's last run took.
fn jobs_s(assess: &AssessJob, plan: &PlanJob, sim: &SimJob) -> serde_json::Value {
    serde_json::json!({
        "assess": assess.last_s,
        "plan_both_modes": plan.last_s,
        "simulate_ladder": sim.last_s,
    })
}

/// CPU seconds this process has used (user + system, all threads), from
/// `/proc/self/stat` (Linux; `None` elsewhere).
pub(super) fn process_cpu_s() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // fields after the command name (which may hold spaces): utime is the
    // 14th field of the line, stime the 15th, in clock ticks (100 Hz)
    let rest = stat.rsplit_once(')')?.1;
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

#[allow(clippy::too_many_arguments)] // a Bevy system: one parameter per resource
pub(super) fn screenshot_driver(
    mut commands: Commands,
    mut job: ResMut<ScreenshotJob>,
    layers: Res<LayerToggles>,
    assess: Res<AssessJob>,
    plan_job: Res<PlanJob>,
    sim_job: Res<SimJob>,
    basemap_job: Res<basemap::BasemapJob>,
    camera: Single<(&Transform, &Projection), With<super::cache::MapCamera>>,
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
        // the view the picture shows: the world point at the window's
        // centre and the scale (tests find the map's features with it)
        let (tf, proj) = *camera;
        if let Projection::Orthographic(o) = proj {
            let centre = geo::Coord {
                x: tf.translation.x as f64,
                y: tf.translation.y as f64,
            };
            println!(
                "view: {}",
                super::camera::describe_view(centre, o.scale as f64)
            );
        }
        let done = job.done.clone();
        commands
            .spawn(Screenshot::primary_window())
            .observe(save_to_disk(path.clone()))
            .observe(move |_: On<ScreenshotCaptured>| {
                done.store(true, std::sync::atomic::Ordering::SeqCst)
            });
    }
    if job.done.load(std::sync::atomic::Ordering::SeqCst) {
        job.after_done += 1;
        if job.after_done >= 2 {
            // a picture of a failed job is not a picture of the plan
            let failed = [
                (
                    "assessment",
                    assess.error.as_ref().filter(|_| needs_assessment),
                ),
                ("plan", plan_job.error.as_ref()),
                ("simulation", sim_job.error.as_ref()),
            ];
            let failed: Vec<String> = failed
                .iter()
                .filter_map(|(what, e)| e.map(|e| format!("the {what} failed: {e}")))
                .collect();
            for f in &failed {
                eprintln!("{}: {f}", path.display());
            }
            exit.write(if failed.is_empty() {
                AppExit::Success
            } else {
                AppExit::error()
            });
        }
    }
    if job.frames > 600 {
        exit.write(AppExit::error());
    }
}

/// Screenshot, benchmark and reactive redraw, last in the frame.
pub(super) struct FramesPlugin;

impl Plugin for FramesPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(
            Update,
            (
                screenshot_driver,
                frame_bench.run_if(resource_exists::<FrameBench>),
                keep_drawing,
            )
                .chain()
                .in_set(super::FrameSet::Frames),
        );
    }
}
