//! The pipelines the CLI, the map window and File → Export share, written
//! once: the idleness planner's two plans (independent and joint) from one
//! planner, those plans replayed up the cooperation ladder, and the ladder
//! planned rung by rung as an interception game.

use crate::assess::Prepared;
use crate::error::Result;
use crate::model::Scenario;
use crate::plan::{PlanLayers, PlanMode, PlanOptions, Planner};
use crate::sim::ladder::{self, StepResult};
use crate::sim::{SimOptions, World};

/// The idleness planner's plans of both modes for one scenario.
#[derive(Clone, Debug)]
pub struct IdlenessPlans {
    pub independent: PlanLayers,
    pub joint: PlanLayers,
}

/// Plan both modes with one planner (the joint run plans the independent
/// one anyway); `o.mode` does not matter.
pub fn idleness_plans(s: &Scenario, o: PlanOptions) -> Result<IdlenessPlans> {
    plans_of(Planner::new(s, o)?)
}

/// The world the idleness planner and the simulator share for plans made
/// with `o`: its options checked first (as [`Planner::new`] checks them),
/// then the terrain and the posts' sights built once.
pub fn prepare<'a>(s: &'a Scenario, o: &PlanOptions) -> Result<Prepared<'a>> {
    Planner::check(s, o)?;
    Prepared::new(s, &o.assess)
}

/// As [`idleness_plans`], on a prepared world (`o.assess` must ask for its
/// terrain): the interception planner's baseline, on the world its game
/// is played on.
pub fn idleness_plans_on(p: &Prepared, o: PlanOptions) -> Result<IdlenessPlans> {
    plans_of(Planner::on(p, o)?)
}

fn plans_of(pl: Planner) -> Result<IdlenessPlans> {
    let rs = pl.solve_modes(&[PlanMode::Independent, PlanMode::Joint]);
    Ok(IdlenessPlans {
        independent: pl.layers_as(&rs[0], PlanMode::Independent),
        joint: pl.layers_as(&rs[1], PlanMode::Joint),
    })
}

/// The same crossings against both plans up the ladder (independent →
/// joint → + shared feeds → + hot pursuit), keeping the first `tracks`
/// crossings of each rung for replay.
pub fn idleness_ladder(
    s: &Scenario,
    plans: &IdlenessPlans,
    o: SimOptions,
    tracks: usize,
) -> Result<Vec<StepResult>> {
    crate::sim::check_runs(o.runs)?;
    idleness_ladder_on(&Prepared::new(s, &o.assess)?, plans, o, tracks)
}

/// As [`idleness_ladder`], on the prepared world the plans were made on.
pub fn idleness_ladder_on(
    p: &Prepared,
    plans: &IdlenessPlans,
    o: SimOptions,
    tracks: usize,
) -> Result<Vec<StepResult>> {
    let (ind, joint) = (&plans.independent, &plans.joint);
    let mut w = World::on(p, Vec::new(), ind.horizon_s, o)?;
    Ok(ladder::run(
        &mut w,
        (&ind.units, ind.horizon_s),
        (&joint.units, joint.horizon_s),
        tracks,
    ))
}

/// Plan each rung of the cooperation ladder as an interception game
/// ([`crate::game::run::ladder`]), the idleness `plans` as its baseline,
/// and replay each rung's published mix against `runs` best-responding
/// and `runs` random smugglers.
pub fn interception_ladder(
    s: &Scenario,
    plans: &IdlenessPlans,
    o: &crate::game::GameOptions,
    runs: usize,
    seed: u64,
) -> Result<Vec<crate::game::run::RungResult>> {
    crate::sim::check_runs(runs)?;
    let p = Prepared::new(s, &SimOptions::default().assess)?;
    interception_ladder_on(&p, plans, o, runs, seed)
}

/// As [`interception_ladder`], on the prepared world the plans were made
/// on (`runs` checked by the caller, before the world was prepared).
pub fn interception_ladder_on(
    p: &Prepared,
    plans: &IdlenessPlans,
    o: &crate::game::GameOptions,
    runs: usize,
    seed: u64,
) -> Result<Vec<crate::game::run::RungResult>> {
    let mut w = World::on(
        p,
        Vec::new(),
        plans.joint.horizon_s,
        SimOptions {
            runs,
            seed,
            corridors: o.corridors,
            ..SimOptions::default()
        },
    )?;
    crate::game::run::ladder(
        &mut w,
        (&plans.independent.units, &plans.joint.units),
        o,
        runs,
        seed,
    )
}
