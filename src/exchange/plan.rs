//! A plan share (`share --include plan --plan DIR/plan.json`): the partner
//! gets only what it needs of a joint plan — its own units' issued orders
//! in full, and the sender's units' timeline where hand-over and hot
//! pursuit need it: the points of their paths within the agreed pursuit
//! depth of the line (2 km, the hand-over zone, when no pursuit is
//! agreed). Nothing else of the sender's plan: not the mix, not the other
//! days' draws, not its units' duties away from the line.

use crate::error::{Error, Result};
use crate::formats::plan_json::{PlanJson, UnitPlan};
use crate::ids::*;
use crate::index::BorderIndex;
use crate::model::Scenario;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::path::Path;

/// The hand-over zone when no hot pursuit is agreed (km from the line).
pub const HANDOVER_KM: f64 = 2.0;

/// What of a plan goes to the partner.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanShare {
    /// `interception` or `idleness`.
    pub objective: String,
    /// `joint` or `independent`.
    pub mode: String,
    pub hours: f64,
    pub seed: u64,
    /// The recipient's own units, each as the plan issues it.
    pub their_units: Vec<UnitPlan>,
    /// The sender's units: only the points of their paths within
    /// `near_line_km` of the border (shifts kept; duties and visits left out).
    pub our_units_near_line: Vec<UnitPlan>,
    pub near_line_km: f64,
}

/// Read `plan` (made for `s` as it is now) and keep what `to` needs;
/// `shared_units` are the sender's units that may be released.
pub fn select(
    s: &Scenario,
    plan: &Path,
    to: &StateId,
    shared_units: &HashSet<UnitId>,
) -> Result<PlanShare> {
    let p = PlanJson::read(plan)?;
    let here = crate::scenario::fingerprint(s);
    if p.metrics.scenario_fingerprint.as_deref() != Some(here.as_str()) {
        return Err(Error::data(
            plan,
            format!(
                "made for another version of scenario {:?} (or before plans recorded it): re-plan, then share",
                s.name
            ),
        ));
    }
    let a = &s.agreements;
    let near_line_km = if a.hot_pursuit && a.hot_pursuit_depth_km > 0.0 {
        a.hot_pursuit_depth_km
    } else {
        HANDOVER_KM
    };
    let idx = BorderIndex::of_scenario(s);
    let near = |q: &[f64; 3]| {
        let xy = s.projection.forward(geo::Coord { x: q[0], y: q[1] });
        idx.snap(xy)
            .is_some_and(|sn| sn.distance_m <= near_line_km * 1000.0)
    };
    let mut share = PlanShare {
        objective: p.objective.clone().unwrap_or_else(|| "idleness".into()),
        mode: p.metrics.mode.clone(),
        hours: p.metrics.hours,
        seed: p.metrics.seed,
        their_units: Vec::new(),
        our_units_near_line: Vec::new(),
        near_line_km,
    };
    for u in p.units {
        if u.state == to.as_str() {
            share.their_units.push(u);
        } else if shared_units.contains(&UnitId::new(&u.unit)) {
            let path: Vec<[f64; 3]> = u.path.iter().filter(|q| near(q)).copied().collect();
            share.our_units_near_line.push(UnitPlan {
                path,
                duties: None,
                visits: None,
                ..u
            });
        }
    }
    Ok(share)
}
