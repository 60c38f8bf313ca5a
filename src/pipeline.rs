//! The pipelines the CLI, the map window and File → Export share, written
//! once: the idleness planner's two plans (independent and joint) from one
//! planner, and those plans replayed up the cooperation ladder.

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
    let pl = Planner::new(s, o)?;
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
    let (ind, joint) = (&plans.independent, &plans.joint);
    let mut w = World::new(s, Vec::new(), ind.horizon_s, o)?;
    Ok(ladder::run(
        &mut w,
        (&ind.units, ind.horizon_s),
        (&joint.units, joint.horizon_s),
        tracks,
    ))
}
