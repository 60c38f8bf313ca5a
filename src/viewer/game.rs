//! The cooperation ladder planned as an interception game, in the
//! background once the idleness plans are ready (they are its baseline):
//! per rung, the P(intercept) the published mix guarantees against a
//! smuggler who knows it, its bound, the smuggler's best response and the
//! simulated interceptions (`compare`'s figures). Shown at the top of the
//! crossings window ([`super::sim`], which starts it); the best response of the rung picked
//! there is drawn over its route.

use super::jobs::Slot;
use super::plan::PlanJob;
use super::MapData;
use crate::game::run::RungResult;
use crate::game::GameOptions;
use bevy::prelude::*;
use bevy_egui::egui;

/// Crossings replayed per rung, for each of the two smugglers.
pub const RUNS: usize = 2000;

/// The game's ladder job (kept in [`super::sim::SimJob`]: one window
/// shows both).
pub struct GameJob {
    pub slot: Slot<Vec<RungResult>>,
    /// The plans' generation planned last.
    pub plan_generation: u64,
    /// Plan once the idleness plans are ready (not for a screenshot or a
    /// frame benchmark: it would take the CPU they measure).
    pub enabled: bool,
}

impl Default for GameJob {
    fn default() -> Self {
        GameJob {
            slot: Slot::default(),
            plan_generation: 0,
            enabled: true,
        }
    }
}

impl GameJob {
    /// Plan the ladder as a game on each new pair of idleness plans.
    pub fn start_on(&mut self, plan: &PlanJob, map: &MapData) {
        if !self.enabled || self.slot.running() {
            return;
        }
        let Some(plans) = plan.fresh_plans(&mut self.plan_generation) else {
            return;
        };
        if map.scenario.routes.is_empty() {
            self.slot.error = Some("no informal routes: nothing to intercept".into());
            return;
        }
        let s = map.scenario.clone();
        self.slot.start(plan.rev, move |progress| {
            let o = GameOptions {
                progress,
                ..GameOptions::default()
            };
            crate::pipeline::interception_ladder(&s, &plans, &o, RUNS, s.seed)
        });
    }
}

/// The game's table: per rung the guarantee, its bound and gap, and the
/// simulated best-responding and random smugglers; the picked rung's
/// weakest target.
pub fn game_section(ui: &mut egui::Ui, job: &GameJob, step: usize) {
    if !job.enabled {
        return;
    }
    ui.strong("Against a smuggler who knows the plan");
    if job.slot.running() {
        ui.small("planning each rung as an interception game…");
    }
    if let Some(e) = &job.slot.error {
        ui.colored_label(egui::Color32::from_rgb(180, 0, 0), e);
        return;
    }
    let Some(rows) = job.slot.result.as_ref() else {
        return;
    };
    ui.small(
        "P(intercept) the patrols guarantee against the smuggler's best choice, and simulated:",
    );
    egui::Grid::new("game-ladder")
        .num_columns(5)
        .striped(true)
        .show(ui, |ui| {
            ui.small("");
            ui.small("guaranteed");
            ui.small("at most");
            ui.small("informed");
            ui.small("random");
            ui.end_row();
            for (i, r) in rows.iter().enumerate() {
                let name = if i == step {
                    egui::RichText::new(r.step).strong()
                } else {
                    egui::RichText::new(r.step)
                };
                ui.label(name);
                ui.monospace(format!("{:.3}", r.guaranteed_p_intercept));
                ui.monospace(format!("{:.3}", r.upper_bound));
                ui.monospace(format!("{:.3}", r.best_response_sim.p_intercept));
                ui.monospace(format!("{:.3}", r.random_sim.p_intercept));
                ui.end_row();
            }
        });
    if let (Some(first), Some(last)) = (rows.first(), rows.last()) {
        let (a, b) = (first.guaranteed_p_intercept, last.guaranteed_p_intercept);
        ui.small(match (b - a) * 1000.0 {
            d if d >= 0.5 => format!("Cooperation raises the guarantee from {a:.3} to {b:.3}."),
            d if d <= -0.5 => format!(
                "The whole ladder guarantees {b:.3}, independent patrols {a:.3}: no gain \
                 found within the solver's gap (the bounds say how far each may rise)."
            ),
            _ => format!("Cooperation leaves the guarantee at {b:.3}."),
        });
    }
    if let Some(r) = rows.get(step) {
        ui.small(format!(
            "{}: the smuggler's best choice is {} (P(intercept) {:.3}), marked on the map.",
            r.step, r.best_response, r.best_response_expected_p_intercept
        ));
    }
}

/// The route of the picked rung's best response ("R11 forward 00:00"):
/// its index among the scenario's routes.
pub fn best_response_route(
    job: &GameJob,
    step: usize,
    s: &crate::model::Scenario,
) -> Option<usize> {
    let r = job.slot.result.as_ref()?.get(step)?;
    let id = r.best_response.split(' ').next()?;
    s.routes.iter().position(|rt| rt.id.as_str() == id)
}
