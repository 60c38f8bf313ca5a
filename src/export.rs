//! Exports a user picks from the map window's File menu (the same files the
//! CLI writes): the assessment (coverage GeoJSON, segments CSV, HTML
//! report...), a patrol plan (plan GeoJSON/JSON, idleness CSV, GPX per
//! unit, printable orders), a simulation (events CSV/GeoJSON, routes and
//! segments CSV, summary JSON).

use crate::assess::{self, AssessOptions};
use crate::error::Result;
use crate::model::Scenario;
use crate::plan::{self, PlanMode, PlanOptions, Planner};
use crate::progress::Progress;
use crate::sim::{self, Cooperation, SimOptions, World};
use std::path::{Path, PathBuf};

/// What to export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Export {
    Assessment,
    Plan(PlanMode),
    /// Crossings against the joint plan, cooperating as the agreements allow.
    Simulation,
}

impl Export {
    pub fn label(&self) -> &'static str {
        match self {
            Export::Assessment => "assessment (GeoJSON, CSV, HTML report)",
            Export::Plan(PlanMode::Joint) => "joint plan (GeoJSON, GPX, orders HTML, CSV)",
            Export::Plan(PlanMode::Independent) => {
                "independent plan (GeoJSON, GPX, orders HTML, CSV)"
            }
            Export::Simulation => "simulated crossings (CSV, GeoJSON, JSON)",
        }
    }
}

/// Crossings simulated for an export.
pub const SIM_RUNS: usize = 20_000;
/// Events (crossings) written to the events log.
pub const SIM_EVENTS: usize = 2_000;

/// Compute and write `what` for `s` into `dir`; the files written.
pub fn export(s: &Scenario, what: Export, dir: &Path, progress: &Progress) -> Result<Vec<PathBuf>> {
    let ao = AssessOptions {
        progress: progress.clone(),
        ..AssessOptions::default()
    };
    let planned = |mode: PlanMode| -> Result<(Planner<'_>, plan::solve::PlanResult)> {
        let mut o = PlanOptions::for_scenario(s, mode);
        o.assess.progress = progress.clone();
        let pl = Planner::new(s, o)?;
        let r = pl.solve();
        progress.check()?;
        Ok((pl, r))
    };
    match what {
        Export::Assessment => {
            let a = assess::assess(s, &ao)?;
            crate::report::write_assessment(s, &a, dir)
        }
        Export::Plan(mode) => {
            let (pl, r) = planned(mode)?;
            plan::output::write_all(&pl, &r, dir, None)
        }
        Export::Simulation => {
            let mut po = PlanOptions::for_scenario(s, PlanMode::Joint);
            po.assess.progress = progress.clone();
            // one terrain and one set of viewsheds for the plan and the crossings
            let prepared = crate::pipeline::prepare(s, &po)?;
            let pl = Planner::on(&prepared, po)?;
            let r = pl.solve();
            progress.check()?;
            let layers = pl.layers(&r);
            let o = SimOptions {
                runs: SIM_RUNS,
                seed: s.seed,
                coop: Cooperation {
                    shared_feeds: s.agreements.cross_border_observation,
                    hot_pursuit: s.agreements.hot_pursuit,
                },
                progress: progress.clone(),
                ..SimOptions::default()
            };
            progress.stage("crossings", SIM_RUNS as u64);
            let w = World::on(&prepared, layers.units, layers.horizon_s, o)?;
            let tally = w.tally_with(SIM_EVENTS, &|_| {});
            progress.check()?;
            sim::output::write_all(&w, &tally, dir)
        }
    }
}
