//! Coordinated patrol planning (ISACS 05.60, 9.3.2 mobile patrols out of
//! static posts; 9.1 risk-based; 11.5.4 coordinated on both sides).
//!
//! # Model
//! - **Watch points**: the midpoint of every `watch_m` border segment of the
//!   assessment. A point's weight is its risk × (1 − P(detected by posts,
//!   day and night)) for the view planned against: one State's posts
//!   (independent) or both States' (joint). Points the posts already cover
//!   weigh little; points nobody can reach are listed, not counted.
//! - **Visits**: a unit visits a watch point when it passes the point's node
//!   in its graph: the point itself on the border line (foot on green,
//!   boat on blue), else the nearest network node within `observe_m`.
//! - **Shifts**: each unit works one shift of `shift_hours` per 24 h (16 h or
//!   more rest), leaving its home post and back by the shift's end; shift
//!   start times are staggered (0, 8, 16 h for 8 h shifts) and chosen by the
//!   planner. A horizon over 24 h repeats the daily rhythm (whole days only).
//! - **Idleness** of a watch point: the longest time between two visits
//!   (for whole days, cyclically: the plan repeats), and the mean idleness
//!   over time (Σ gap² / 2H). Risk-weighted: × weight / highest weight, so
//!   the worst risk-weighted idleness is "a point of the highest weight
//!   waits at most this long; a point of half that weight, twice as long".
//! - **Objective**: minimise the worst risk-weighted idleness, then the mean.
//!
//! # Planner
//! Event-driven greedy with reservations (multi-agent patrolling after
//! Machado et al. 2002 and Chevaleyre 2004): a unit free at time t picks the
//! reachable watch point with the highest weight × idleness-on-arrival per
//! unit of travel time that still lets it be home by the shift's end; its
//! arrival is reserved at once, so other units do not bunch on the same
//! point; points passed on the way count as visits. Shift staggering is
//! searched over seeded candidates; randomised route variants (noisy
//! scores) within a bounded loss form the mixed strategy, one drawn per day.
//! `joint` plans every unit against one shared target set; `independent`
//! plans each State alone. The joint search includes the independent plan,
//! so joint is never worse on the shared metric.

pub mod baseline;
mod eval;
pub mod exact;
pub mod export;
pub mod forest;
pub mod graph;
mod greedy;
mod layers;
mod options;
pub mod output;
mod prepare;
pub mod solve;

use crate::ids::StateId;
use crate::model::Scenario;
use geo::Coord;
use graph::{PatrolGraph, Tree};
use petgraph::graph::NodeIndex;
use serde::Serialize;
use std::collections::HashMap;

pub use crate::model::DEFAULT_ACCESS_M;
pub use eval::{Eval, PointEval};
pub use forest::spanning_forest_m;
pub use layers::{PlanLayers, PointLayer, UnitLayer};
pub use options::{check_options, PlanMode, PlanOptions};

/// One day, s.
pub const DAY_S: f64 = 86_400.0;
/// A point visited this recently is not a target.
pub const MIN_REVISIT_S: f64 = 900.0;
/// Added to the travel time in the greedy's score (a near point is not
/// infinitely attractive).
const TAU0_S: f64 = 600.0;

/// A watch point on the border.
#[derive(Clone, Debug, Serialize)]
pub struct WatchPoint {
    pub id: String,
    pub from_km: f64,
    pub to_km: f64,
    pub kind: String,
    pub left: StateId,
    pub right: StateId,
    #[serde(skip)]
    pub xy: Coord,
    /// The border segment it stands for (local metres).
    #[serde(skip)]
    pub line: Vec<Coord>,
    pub lonlat: [f64; 2],
    pub risk: f64,
    /// P(detected by posts around the clock) per view (States, then joint).
    pub post_p: Vec<f64>,
    /// risk × (1 − post_p) per view.
    pub weight: Vec<f64>,
}

struct GraphCtx {
    pg: PatrolGraph,
    /// Visit node of each watch point (None: not reachable on this graph).
    visit: Vec<Option<NodeIndex>>,
    /// Watch points visited at each node.
    at_node: HashMap<u32, Vec<usize>>,
    /// Bounded trees from each visit node.
    from: HashMap<u32, Tree>,
    /// Candidates from each visit node: (watch point, node, seconds).
    cands: HashMap<u32, Vec<(usize, NodeIndex, f64)>>,
}

struct UnitCtx {
    /// Index in `Scenario::units`.
    unit: usize,
    state: usize,
    graph: usize,
    home: NodeIndex,
    shift_s: f64,
    from_home: Tree,
    to_home: Tree,
    home_cands: Vec<(usize, NodeIndex, f64)>,
    /// Chainage of the home post's nearest border point.
    home_km: f64,
    /// Watch points this unit can visit within a shift.
    reach: Vec<bool>,
}

/// Everything the planner precomputes for a scenario.
pub struct Planner<'a> {
    pub s: &'a Scenario,
    pub o: PlanOptions,
    pub points: Vec<WatchPoint>,
    graphs: Vec<GraphCtx>,
    units: Vec<UnitCtx>,
    /// Length of one planned period (24 h, or the horizon when shorter).
    pub period_s: f64,
    pub days: usize,
    pub cyclic: bool,
    pub warnings: Vec<String>,
}

/// One unit's timed track.
#[derive(Clone, Debug, Default)]
pub struct Track {
    /// (node, seconds from the plan's start), non-decreasing.
    pub points: Vec<(NodeIndex, f64)>,
    /// (watch point, seconds).
    pub visits: Vec<(usize, f64)>,
    /// (start, end) of each shift.
    pub shifts: Vec<(f64, f64)>,
}

/// A plan: one track per planned unit (index into the planner's units).
#[derive(Clone, Debug)]
pub struct Plan {
    pub units: Vec<usize>,
    pub tracks: Vec<Track>,
    pub offsets: Vec<f64>,
}

fn r1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// The `time` of `node` from `tree`, or the leg from/to home.
fn leg_path(
    u: &UnitCtx,
    gc: &GraphCtx,
    from: NodeIndex,
    to: NodeIndex,
) -> Option<Vec<(NodeIndex, f64)>> {
    if from == u.home {
        u.from_home.path(to)
    } else if to == u.home {
        u.to_home.path(from)
    } else {
        gc.from.get(&(from.index() as u32))?.path(to)
    }
}

impl Planner<'_> {
    pub fn horizon_s(&self) -> f64 {
        self.period_s * self.days as f64
    }

    /// Seconds a unit stays at each watch point it heads for.
    pub fn dwell_s(&self) -> f64 {
        self.o.dwell_min * 60.0
    }

    /// Index of the view (State index, or joint = number of States).
    pub fn joint_view(&self) -> usize {
        self.s.states.len()
    }

    /// Planned units (indices into the planner's units) of a State, or all.
    pub fn units_of(&self, state: Option<usize>) -> Vec<usize> {
        (0..self.units.len())
            .filter(|&k| state.is_none_or(|st| self.units[k].state == st))
            .collect()
    }

    pub fn unit_index(&self, k: usize) -> usize {
        self.units[k].unit
    }
    pub fn unit_state(&self, k: usize) -> usize {
        self.units[k].state
    }
    pub fn n_units(&self) -> usize {
        self.units.len()
    }

    /// Weights of a view (State index or joint).
    pub fn weights(&self, view: usize) -> Vec<f64> {
        self.points.iter().map(|p| p.weight[view]).collect()
    }

    /// Node position (local metres).
    pub fn node_xy(&self, k: usize, n: NodeIndex) -> Coord {
        self.graphs[self.units[k].graph].pg.g[n].xy
    }
}
