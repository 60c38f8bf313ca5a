//! Crossings and interceptions in the viewer: once both plans are ready,
//! the cooperation ladder (independent → joint → + shared feeds → + hot
//! pursuit) is simulated off the frame; the panel shows its table (click a
//! rung to replay it), the routes are coloured by P(intercept), and the
//! first crossings of the chosen rung move along their routes on the
//! timeline, with the interceptions marked where they happen.

use super::jobs::Slot;
use super::plan::PlanJob;
use super::MapData;
use crate::sim::ladder::{StepResult, LADDER};
use crate::sim::SimOptions;
use bevy::prelude::*;

/// Crossings simulated per rung.
pub const RUNS: usize = 4000;
/// Crossings of each rung kept for the replay.
pub const TRACKS: usize = 400;
/// How long an interception marker flashes (plan seconds).
pub const FLASH_S: f64 = 1800.0;

#[derive(Resource)]
pub struct SimJob {
    pub slot: Slot<Vec<StepResult>>,
    /// The plans' generation simulated last.
    pub plan_generation: u64,
    /// Start once the plans are ready.
    pub enabled: bool,
    /// The rung replayed (index into [`LADDER`]).
    pub step: usize,
    pub replay: bool,
    pub colour_routes: bool,
    /// The ladder planned as an interception game.
    pub game: super::game::GameJob,
}

impl Default for SimJob {
    fn default() -> Self {
        SimJob {
            slot: Slot::default(),
            plan_generation: 0,
            enabled: true,
            step: LADDER.len() - 1,
            replay: true,
            colour_routes: true,
            game: Default::default(),
        }
    }
}

super::jobs::deref_to_slot!(SimJob, slot, Vec<StepResult>);

impl SimJob {
    /// The replayed rung's results.
    pub fn current(&self) -> Option<&StepResult> {
        self.result.as_ref()?.get(self.step)
    }
}

/// Simulate the ladder on each new pair of plans (the result replaces the
/// old one when done).
pub fn start_sim(mut job: ResMut<SimJob>, plan: Res<PlanJob>, map: Res<MapData>) {
    if !job.enabled || job.running() {
        return;
    }
    let Some(plans) = plan.fresh_plans(&mut job.plan_generation) else {
        return;
    };
    if map.scenario.routes.is_empty() {
        job.error = Some("no informal routes to simulate crossings on".into());
        return;
    }
    let s = map.scenario.clone();
    job.slot.start(plan.rev, move |progress| {
        let o = SimOptions {
            runs: RUNS,
            seed: s.seed,
            progress,
            ..SimOptions::default()
        };
        crate::pipeline::idleness_ladder(&s, &plans, o, TRACKS)
    });
}

pub fn poll_sim(mut job: ResMut<SimJob>) {
    job.poll();
}

/// Plan the ladder as an interception game on each new pair of plans
/// (when the crossings are simulated at all).
pub fn start_game(mut job: ResMut<SimJob>, plan: Res<PlanJob>, map: Res<MapData>) {
    if job.enabled {
        job.game.start_on(&plan, &map);
    }
}

pub fn poll_game(mut job: ResMut<SimJob>) {
    job.game.slot.poll();
}

/// The crossings window at the map's top right: the cooperation table
/// (click a rung to replay it), per-State figures, replay and colouring
/// toggles.
pub fn sim_window(
    ctx: &bevy_egui::egui::Context,
    job: &mut SimJob,
    plan: &mut PlanJob,
    states: &[crate::model::State],
) {
    use bevy_egui::egui;
    if !job.enabled {
        return;
    }
    egui::Window::new("Crossings and interceptions")
        .anchor(egui::Align2::RIGHT_TOP, egui::vec2(-10.0, 10.0))
        .resizable(false)
        .collapsible(true)
        .show(ctx, |ui| sim_panel(ui, job, plan, states));
}

fn sim_panel(
    ui: &mut bevy_egui::egui::Ui,
    job: &mut SimJob,
    plan: &mut PlanJob,
    states: &[crate::model::State],
) {
    use bevy_egui::egui;
    super::game::game_section(ui, &job.game, job.step);
    ui.separator();
    ui.strong("The idleness plans (presence along the line)");
    if job.running() {
        ui.label(format!("simulating {} × {RUNS} crossings…", LADDER.len()));
        if job.slot.result.is_none() {
            return;
        }
    }
    if let Some(e) = &job.error {
        ui.colored_label(egui::Color32::from_rgb(180, 0, 0), e);
        return;
    }
    let Some(rows) = job.slot.result.as_ref() else {
        if plan.running() {
            ui.small("waits for the plans");
        }
        return;
    };
    ui.small(format!(
        "Random smugglers ({RUNS} crossings per rung; click a rung to replay it):"
    ));
    let mut pick = None;
    egui::Grid::new("ladder")
        .num_columns(4)
        .striped(true)
        .show(ui, |ui| {
            ui.small("");
            ui.small("P(detect)");
            ui.small("P(intercept)");
            ui.small("succeeded");
            ui.end_row();
            for (i, r) in rows.iter().enumerate() {
                if ui.selectable_label(job.step == i, r.step).clicked() {
                    pick = Some(i);
                }
                ui.monospace(format!("{:.3}", r.all.p_detect));
                ui.monospace(format!("{:.3}", r.all.p_intercept));
                ui.monospace(format!("{}", r.all.succeeded));
                ui.end_row();
            }
        });
    if let Some(i) = pick {
        job.step = i;
        plan.mode = LADDER[i].plan;
    }
    let Some(r) = rows.get(job.step) else { return };
    for (st, x) in states.iter().zip(&r.per_state) {
        ui.label(format!(
            "  into {}: P(intercept) {:.3}, {} of {} succeed",
            st.id, x.p_intercept, x.succeeded, x.attempts
        ));
    }
    if LADDER[job.step].plan != plan.mode {
        ui.small("(the map shows the other plan: click a rung to match)");
    }
    ui.checkbox(&mut job.colour_routes, "Colour routes by P(intercept)");
    if job.colour_routes {
        ui.horizontal(|ui| {
            for (p, text) in [
                (0.0, "0"),
                (crate::view::INTERCEPT_FULL / 2.0, ""),
                (crate::view::INTERCEPT_FULL, "≥ 0.3"),
            ] {
                let c = crate::view::intercept_colour(p);
                let (rect, painter) =
                    ui.allocate_painter(egui::vec2(14.0, 14.0), egui::Sense::hover());
                painter.rect_filled(
                    rect.rect.shrink(2.0),
                    2.0,
                    egui::Color32::from_rgb(c[0], c[1], c[2]),
                );
                ui.small(text);
            }
        });
    }
    ui.checkbox(&mut job.replay, "Replay crossings on the timeline");
    if job.replay {
        let (moving, tracked, caught) = r.counts_at(plan.time_s);
        ui.label(format!(
            "{moving} groups on the move ({tracked} tracked); {caught} intercepted in the last 24 h"
        ));
        ui.small(format!(
            "The first {TRACKS} crossings. Diamonds: groups (orange once detected); crosses: interceptions (flash for {} min).",
            (FLASH_S / 60.0) as u32
        ));
    }
}
