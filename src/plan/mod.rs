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

pub mod export;
pub mod graph;
pub mod output;
pub mod solve;

use crate::assess::{self, AssessOptions, Segment};
use crate::error::{Error, Problem, Problems, Result};
use crate::ids::StateId;
use crate::index::BorderIndex;
use crate::model::{Scenario, UnitMode};
use geo::Coord;
use graph::{PatrolGraph, Search, Tree};
use petgraph::graph::NodeIndex;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BinaryHeap, HashMap};

pub const DAY_S: f64 = 86_400.0;
/// A point visited this recently is not a target.
pub const MIN_REVISIT_S: f64 = 900.0;
/// Added to the travel time in the greedy's score (a near point is not
/// infinitely attractive).
const TAU0_S: f64 = 600.0;
pub use crate::model::DEFAULT_ACCESS_M;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PlanMode {
    Joint,
    Independent,
}

impl PlanMode {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Joint => "joint",
            Self::Independent => "independent",
        }
    }
}

/// Options of a plan.
#[derive(Clone, Debug, Serialize)]
pub struct PlanOptions {
    pub hours: f64,
    pub mode: PlanMode,
    pub seed: u64,
    /// Spacing of the watch points along the border.
    pub watch_m: f64,
    /// Longest straight walk between a post or border point and the network.
    pub access_m: f64,
    /// A point is visited from a network node this close.
    pub observe_m: f64,
    /// Candidate shift staggerings tried.
    pub stagger_candidates: usize,
    /// Randomised route variants (the mixed strategy draws among them).
    pub variants: usize,
    /// Variants may be this much worse (fraction) than the best plan.
    pub max_loss: f64,
    /// Longest leg between two watch points the planner considers, hours.
    pub max_leg_h: f64,
    /// Assessment (post coverage and risk) behind the weights; its
    /// `progress` also reports and cancels the planning.
    #[serde(skip)]
    pub assess: AssessOptions,
}

impl PlanOptions {
    /// Defaults for `mode`, seeded by the scenario's seed.
    pub fn for_scenario(s: &Scenario, mode: PlanMode) -> Self {
        PlanOptions {
            mode,
            seed: s.seed,
            ..PlanOptions::default()
        }
    }
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            hours: 24.0,
            mode: PlanMode::Joint,
            seed: 0,
            watch_m: 500.0,
            access_m: DEFAULT_ACCESS_M,
            observe_m: 300.0,
            stagger_candidates: 6,
            variants: 8,
            max_loss: 0.15,
            max_leg_h: 3.0,
            assess: AssessOptions::default(),
        }
    }
}

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

/// Idleness figures of a plan against a set of weights.
#[derive(Clone, Debug, Serialize)]
pub struct Eval {
    /// Worst risk-weighted idleness, minutes.
    pub worst_idleness_min: f64,
    /// Mean risk-weighted idleness, minutes.
    pub mean_idleness_min: f64,
    /// Worst idleness ignoring weights, minutes.
    pub worst_unweighted_idleness_min: f64,
    /// Watch points counted (weight > 0 and reachable).
    pub watch_points: usize,
    /// Counted points never visited.
    pub unvisited: usize,
    #[serde(skip)]
    pub per_point: Vec<PointEval>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct PointEval {
    pub counted: bool,
    pub visits: usize,
    pub max_gap_s: f64,
    pub mean_idle_s: f64,
    pub weight_norm: f64,
}

impl Eval {
    fn key(&self) -> (f64, f64) {
        (self.worst_idleness_min, self.mean_idleness_min)
    }
    /// Lexicographic: worst, then mean.
    pub fn better_than(&self, o: &Eval) -> bool {
        let (a, b) = (self.key(), o.key());
        a.0 < b.0 - 1e-9 || ((a.0 - b.0).abs() <= 1e-9 && a.1 < b.1 - 1e-9)
    }
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

impl<'a> Planner<'a> {
    /// Build graphs, watch points and travel-time tables; check the units.
    pub fn new(s: &'a Scenario, o: PlanOptions) -> Result<Self> {
        check_options(s, &o)?;
        let ao = AssessOptions {
            segment_m: o.watch_m,
            ..o.assess.clone()
        };
        let a = assess::assess(s, &ao)?;
        Self::from_assessment(s, o, &a)
    }

    /// As [`Planner::new`], on an assessment already made (its segments
    /// become the watch points, so its `segment_m` is the watch spacing).
    pub fn from_assessment(
        s: &'a Scenario,
        mut o: PlanOptions,
        a: &assess::Assessment,
    ) -> Result<Self> {
        o.watch_m = a.options.segment_m;
        o.assess = AssessOptions {
            progress: o.assess.progress.clone(),
            ..a.options.clone()
        };
        check_options(s, &o)?;
        let mut warnings = Vec::new();
        warnings.extend(a.warnings.iter().cloned());
        let nviews = s.states.len() + 1;
        let points: Vec<WatchPoint> = a
            .segments
            .iter()
            .map(|r| {
                let (xy, _) = graph::midpoint(&r.segment.xy);
                let ll = s.projection.inverse(xy);
                let post_p: Vec<f64> = (0..nviews).map(|v| r.detect[v].1.both()).collect();
                WatchPoint {
                    id: r.segment.id.clone(),
                    from_km: r.segment.from_km,
                    to_km: r.segment.to_km,
                    kind: r.segment.kind.as_str().into(),
                    left: r.segment.left.clone(),
                    right: r.segment.right.clone(),
                    xy,
                    line: r.segment.xy.clone(),
                    lonlat: [crate::io::round7(ll.x), crate::io::round7(ll.y)],
                    risk: r.risk.score,
                    weight: post_p.iter().map(|p| r.risk.score * (1.0 - p)).collect(),
                    post_p,
                }
            })
            .collect();
        if points.is_empty() {
            return Err(Error::Other(format!(
                "{}: no watch points: the scenario has no border to patrol",
                s.path.display()
            )));
        }
        let segs: Vec<&Segment> = a.segments.iter().map(|r| &r.segment).collect();
        let segs: Vec<Segment> = segs.into_iter().cloned().collect();
        // Graphs for each (State, mode) some unit needs.
        let mut keys: Vec<(usize, UnitMode)> = Vec::new();
        for u in &s.units {
            let si = s.states.iter().position(|st| st.id == u.state).unwrap_or(0);
            if !keys.contains(&(si, u.mode)) {
                keys.push((si, u.mode));
            }
        }
        let progress = &o.assess.progress;
        progress.check()?;
        progress.stage("patrol graphs", keys.len() as u64 * 2);
        let mut graphs: Vec<GraphCtx> = keys
            .par_iter()
            .map(|&(si, mode)| {
                progress.add(1);
                let pg = PatrolGraph::build(
                    s,
                    &s.states[si].id,
                    mode,
                    &segs,
                    a.terrain.as_ref(),
                    o.access_m,
                );
                let visit: Vec<Option<NodeIndex>> = points
                    .iter()
                    .enumerate()
                    .map(|(i, p)| {
                        pg.on_line
                            .get(&i)
                            .copied()
                            .or_else(|| pg.nearest(p.xy, o.observe_m).map(|x| x.0))
                    })
                    .collect();
                let mut at_node: HashMap<u32, Vec<usize>> = HashMap::new();
                for (i, v) in visit.iter().enumerate() {
                    if let Some(v) = v {
                        at_node.entry(v.index() as u32).or_default().push(i);
                    }
                }
                GraphCtx {
                    pg,
                    visit,
                    at_node,
                    from: HashMap::new(),
                    cands: HashMap::new(),
                }
            })
            .collect();
        // Home posts join their graphs.
        let bi = BorderIndex::of_scenario(s);
        let mut problems = Problems::default();
        let mut homes: Vec<Option<(usize, usize, NodeIndex)>> = Vec::new();
        let mut post_nodes: HashMap<(usize, String), NodeIndex> = HashMap::new();
        for u in &s.units {
            let si = s.states.iter().position(|st| st.id == u.state).unwrap_or(0);
            let gi = keys.iter().position(|k| *k == (si, u.mode)).unwrap();
            let Some(post) = s.post(&u.home_post) else {
                problems.push(
                    Problem::error(&s.path, format!("home post {} does not exist", u.home_post))
                        .id(u.id.to_string())
                        .field("home_post"),
                );
                homes.push(None);
                continue;
            };
            let key = (gi, post.id.to_string());
            if let Some(&n) = post_nodes.get(&key) {
                homes.push(Some((si, gi, n)));
                continue;
            }
            let z = a.terrain.as_ref().and_then(|t| t.elevation(post.xy));
            let k = if u.mode == UnitMode::Foot { 3 } else { 1 };
            match graphs[gi]
                .pg
                .add_post(post.xy, z.unwrap_or(f64::NAN), k, o.access_m)
            {
                Some((n, _)) => {
                    post_nodes.insert(key, n);
                    homes.push(Some((si, gi, n)));
                }
                None => {
                    let what = match u.mode {
                        UnitMode::Foot => "path, track, road or border line",
                        UnitMode::Vehicle => "road or track",
                        UnitMode::Boat => "waterway or blue border",
                    };
                    let near = graphs[gi].pg.nearest(post.xy, f64::INFINITY);
                    let dist = near
                        .map(|(_, d)| format!("the nearest is {:.1} km away", d / 1000.0))
                        .unwrap_or_else(|| format!("{} has none", u.state));
                    problems.push(
                        Problem::error(
                            &s.path,
                            format!(
                                "home post {} is off the {} network: no {what} of {} within {:.1} km ({dist}); move the post, change the unit's mode or raise --access-m",
                                post.id,
                                u.mode.as_str(),
                                u.state,
                                o.access_m / 1000.0
                            ),
                        )
                        .id(u.id.to_string())
                        .field("home_post"),
                    );
                    homes.push(None);
                }
            }
        }
        // Travel-time tables.
        let leg_limit = o.max_leg_h * 3600.0;
        graphs.par_iter_mut().for_each(|gc| {
            let mut search = Search::new(&gc.pg.g);
            let mut nodes: Vec<NodeIndex> = gc.visit.iter().flatten().copied().collect();
            nodes.sort();
            nodes.dedup();
            progress.add(1);
            for n in nodes {
                if progress.cancelled() {
                    break;
                }
                let t = search.run(&gc.pg.g, n, leg_limit, false);
                let c = cands_of(&t, &gc.at_node, &gc.visit);
                gc.cands.insert(n.index() as u32, c);
                gc.from.insert(n.index() as u32, t);
            }
        });
        let unit_tables: Vec<Option<(Tree, Tree)>> = homes
            .par_iter()
            .enumerate()
            .map(|(ui, h)| {
                let (_, gi, n) = (*h)?;
                let lim = s.units[ui].shift_hours * 3600.0;
                let g = &graphs[gi].pg.g;
                Some((
                    graph::dijkstra(g, n, lim, false),
                    graph::dijkstra(g, n, lim, true),
                ))
            })
            .collect();
        let mut units = Vec::new();
        for ((ui, h), tables) in homes.iter().enumerate().zip(unit_tables) {
            let (Some((si, gi, home)), Some((from_home, to_home))) = (*h, tables) else {
                continue;
            };
            let u = &s.units[ui];
            let shift_s = u.shift_hours * 3600.0;
            let gc = &graphs[gi];
            let reach: Vec<bool> = gc
                .visit
                .iter()
                .map(|v| {
                    v.is_some_and(|v| match (from_home.time(v), to_home.time(v)) {
                        (Some(a), Some(b)) => a + b <= shift_s,
                        _ => false,
                    })
                })
                .collect();
            if !reach.iter().any(|r| *r) {
                let nearest = gc
                    .visit
                    .iter()
                    .flatten()
                    .filter_map(|v| Some(from_home.time(*v)? + to_home.time(*v)?))
                    .fold(f64::INFINITY, f64::min);
                let why = if nearest.is_finite() {
                    format!(
                        "the nearest watch point is a {:.1} h round trip, longer than the {} h shift",
                        nearest / 3600.0,
                        u.shift_hours
                    )
                } else {
                    "no watch point is connected to its post on the network".to_string()
                };
                problems.push(
                    Problem::error(
                        &s.path,
                        format!(
                            "unit cannot reach the border from home post {} within a shift: {why}",
                            u.home_post
                        ),
                    )
                    .id(u.id.to_string())
                    .field("home_post"),
                );
                continue;
            }
            let home_cands = cands_of(&from_home, &gc.at_node, &gc.visit);
            let home_km = s
                .post(&u.home_post)
                .and_then(|p| bi.snap(p.xy))
                .map(|sn| sn.chainage_km)
                .unwrap_or(0.0);
            units.push(UnitCtx {
                unit: ui,
                state: si,
                graph: gi,
                home,
                shift_s,
                from_home,
                to_home,
                home_cands,
                home_km,
                reach,
            });
        }
        if problems.has_errors() {
            return Err(Error::Invalid(problems));
        }
        let period_s = (o.hours * 3600.0).min(DAY_S);
        let days = ((o.hours * 3600.0) / period_s).round().max(1.0) as usize;
        Ok(Planner {
            s,
            points,
            graphs,
            units,
            period_s,
            days,
            cyclic: o.hours >= 24.0,
            warnings,
            o,
        })
    }

    pub fn horizon_s(&self) -> f64 {
        self.period_s * self.days as f64
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

    /// Shift start slots of a unit within a period.
    fn slots(&self, k: usize) -> Vec<f64> {
        let shift = self.units[k].shift_s;
        let room = (self.period_s - shift).max(0.0);
        let n = ((self.period_s / shift).floor() as usize).max(1);
        if n == 1 {
            return vec![0.0];
        }
        (0..n).map(|j| j as f64 * room / (n - 1) as f64).collect()
    }

    /// Staggered shift starts: units ordered by chainage of their home post
    /// take the slots in turn (rotated by `rot`), so neighbours are on duty
    /// at different times.
    fn stagger(&self, units: &[usize], rot: usize, rng: Option<&mut fastrand::Rng>) -> Vec<f64> {
        let mut order: Vec<usize> = (0..units.len()).collect();
        order.sort_by(|&a, &b| {
            let (ua, ub) = (&self.units[units[a]], &self.units[units[b]]);
            ua.home_km
                .total_cmp(&ub.home_km)
                .then(ua.unit.cmp(&ub.unit))
        });
        if let Some(rng) = rng {
            // a few random swaps of neighbours in the order
            for _ in 0..units.len() / 2 {
                let i = rng.usize(0..units.len());
                let j = (i + 1 + rng.usize(0..2)).min(units.len() - 1);
                order.swap(i, j);
            }
        }
        let mut off = vec![0.0; units.len()];
        for (rank, &i) in order.iter().enumerate() {
            let slots = self.slots(units[i]);
            off[i] = slots[(rank + rot) % slots.len()];
        }
        off
    }

    /// Plan `units` against `weights` (per watch point), with shift
    /// `offsets`; `noise` > 0 randomises the choices (seeded by `rng_seed`).
    ///
    /// The score of a watch point is weight × idleness-on-arrival^`alpha` /
    /// (travel time + 10 min): `alpha` > 1 favours long-unvisited points
    /// over near ones.
    pub fn run(
        &self,
        units: &[usize],
        offsets: &[f64],
        weights: &[f64],
        alpha: f64,
        noise: f64,
        rng_seed: u64,
    ) -> Plan {
        // A cyclic plan repeats: warm-start from a first pass, so that each
        // point's last visit before the start is the one at the end of the
        // previous cycle (never-visited points look staler still).
        let h = self.horizon_s();
        let mut last = vec![-self.period_s; self.points.len()];
        let cancelled = self.o.assess.progress.cancelled();
        let passes = if self.cyclic && !cancelled { 3 } else { 1 };
        let mut plan = None;
        for pass in 0..passes {
            let mut rng = fastrand::Rng::with_seed(rng_seed);
            let p = self.run_pass(units, offsets, weights, alpha, noise, &mut rng, &mut last);
            if pass + 1 < passes {
                for l in last.iter_mut() {
                    *l -= h;
                }
            }
            plan = Some(p);
        }
        plan.unwrap()
    }

    #[allow(clippy::too_many_arguments)]
    fn run_pass(
        &self,
        units: &[usize],
        offsets: &[f64],
        weights: &[f64],
        alpha: f64,
        noise: f64,
        rng: &mut fastrand::Rng,
        last: &mut [f64],
    ) -> Plan {
        let mut tracks: Vec<Track> = vec![Track::default(); units.len()];
        for day in 0..self.days {
            if self.o.assess.progress.cancelled() {
                break;
            }
            let d0 = day as f64 * self.period_s;
            // (time, k, node, shift end)
            let mut heap: BinaryHeap<Ev> = BinaryHeap::new();
            for (k, &uk) in units.iter().enumerate() {
                let u = &self.units[uk];
                let start = d0 + offsets[k];
                tracks[k].shifts.push((start, start + u.shift_s));
                tracks[k].points.push((u.home, start));
                heap.push(Ev(start, k, u.home));
            }
            while let Some(Ev(t, k, x)) = heap.pop() {
                let u = &self.units[units[k]];
                let end = tracks[k].shifts.last().unwrap().1;
                let target = self.choose(u, x, t, end, weights, last, alpha, noise, rng);
                if target == x {
                    continue; // at home with nothing to do
                }
                let Some(arrive) = self.walk(u, x, target, t, weights, last, &mut tracks[k]) else {
                    continue;
                };
                if target != u.home {
                    heap.push(Ev(arrive, k, target));
                }
            }
        }
        Plan {
            units: units.to_vec(),
            tracks,
            offsets: offsets.to_vec(),
        }
    }

    /// The greedy's choice for unit `u` free at node `x` at time `t`: the
    /// node of the watch point with the highest weight × (idleness on
    /// arrival, h)^alpha / (travel time + 10 min) that still lets it be home
    /// by `end`; its home when there is none.
    #[allow(clippy::too_many_arguments)]
    fn choose(
        &self,
        u: &UnitCtx,
        x: NodeIndex,
        t: f64,
        end: f64,
        weights: &[f64],
        last: &[f64],
        alpha: f64,
        noise: f64,
        rng: &mut fastrand::Rng,
    ) -> NodeIndex {
        let gc = &self.graphs[u.graph];
        let cands = if x == u.home {
            Some(&u.home_cands)
        } else {
            gc.cands.get(&(x.index() as u32))
        };
        let mut best: Option<(f64, NodeIndex)> = None;
        for &(p, v, secs) in cands.into_iter().flatten() {
            if v == x || weights[p] <= 0.0 || !u.reach[p] {
                continue;
            }
            let a = t + secs;
            let Some(back) = u.to_home.time(v) else {
                continue;
            };
            if a + back > end {
                continue;
            }
            let idle = a - last[p];
            if idle <= MIN_REVISIT_S {
                continue;
            }
            let mut score = weights[p] * (idle / 3600.0).powf(alpha) / (secs + TAU0_S);
            if noise > 0.0 {
                score *= 1.0 + noise * (2.0 * rng.f64() - 1.0);
            }
            if best.is_none_or(|b| score > b.0) {
                best = Some((score, v));
            }
        }
        best.map(|b| b.1).unwrap_or(u.home)
    }

    /// Move unit `u` from `x` to `target` leaving at `t`: append the path to
    /// `tr`, record (and reserve) the visits on the way; the arrival time.
    #[allow(clippy::too_many_arguments)]
    fn walk(
        &self,
        u: &UnitCtx,
        x: NodeIndex,
        target: NodeIndex,
        t: f64,
        weights: &[f64],
        last: &mut [f64],
        tr: &mut Track,
    ) -> Option<f64> {
        let gc = &self.graphs[u.graph];
        let path = leg_path(u, gc, x, target)?;
        for &(n, dt) in path.iter().skip(1) {
            let at = t + dt;
            tr.points.push((n, at));
            if let Some(ps) = gc.at_node.get(&(n.index() as u32)) {
                for &p in ps {
                    if weights[p] > 0.0 && u.reach[p] {
                        tr.visits.push((p, at));
                        if at > last[p] {
                            last[p] = at;
                        }
                    }
                }
            }
        }
        Some(t + path.last().map(|x| x.1).unwrap_or(0.0))
    }

    /// The greedy for one unit alone over one shift from time 0 (no
    /// cyclic warm start), at most `max_stops` stops: its visits.
    pub(crate) fn run_one_shift(
        &self,
        k: usize,
        weights: &[f64],
        alpha: f64,
        max_stops: usize,
    ) -> Vec<(usize, f64)> {
        let u = &self.units[k];
        let mut last = vec![0.0; self.points.len()];
        let mut tr = Track::default();
        let mut rng = fastrand::Rng::with_seed(0);
        let (mut x, mut t) = (u.home, 0.0);
        for _ in 0..max_stops {
            let target = self.choose(u, x, t, u.shift_s, weights, &last, alpha, 0.0, &mut rng);
            if target == u.home {
                break;
            }
            let Some(a) = self.walk(u, x, target, t, weights, &mut last, &mut tr) else {
                break;
            };
            x = target;
            t = a;
        }
        tr.visits
    }

    /// Partition baseline: each State's watch points split into contiguous
    /// stretches, one per unit; each unit sweeps its stretch back and forth.
    pub fn baseline(&self, units: &[usize], offsets: &[f64]) -> Plan {
        let mut tracks: Vec<Track> = vec![Track::default(); units.len()];
        // Per State, order of units by chainage and their stretches.
        let mut by_state: HashMap<usize, Vec<usize>> = HashMap::new();
        for (k, &uk) in units.iter().enumerate() {
            by_state.entry(self.units[uk].state).or_default().push(k);
        }
        let mut stretch: Vec<Vec<usize>> = vec![Vec::new(); units.len()];
        let mut states: Vec<usize> = by_state.keys().copied().collect();
        states.sort();
        for st in states {
            let mut ks = by_state[&st].clone();
            ks.sort_by(|&a, &b| {
                self.units[units[a]]
                    .home_km
                    .total_cmp(&self.units[units[b]].home_km)
                    .then(a.cmp(&b))
            });
            let mut pts: Vec<usize> = (0..self.points.len())
                .filter(|&p| ks.iter().any(|&k| self.units[units[k]].reach[p]))
                .collect();
            pts.sort_by(|&a, &b| self.points[a].from_km.total_cmp(&self.points[b].from_km));
            let n = ks.len();
            for (j, &k) in ks.iter().enumerate() {
                let lo = j * pts.len() / n;
                let hi = (j + 1) * pts.len() / n;
                stretch[k] = pts[lo..hi]
                    .iter()
                    .copied()
                    .filter(|&p| self.units[units[k]].reach[p])
                    .collect();
            }
        }
        for day in 0..self.days {
            let d0 = day as f64 * self.period_s;
            for (k, &uk) in units.iter().enumerate() {
                let u = &self.units[uk];
                let gc = &self.graphs[u.graph];
                let start = d0 + offsets[k];
                let end = start + u.shift_s;
                let tr = &mut tracks[k];
                tr.shifts.push((start, end));
                tr.points.push((u.home, start));
                let seq = &stretch[k];
                if seq.is_empty() {
                    continue;
                }
                let node = |p: usize| gc.visit[p].unwrap();
                // start at the nearer end
                let (mut i, mut dir): (usize, isize) = if u.from_home.time(node(seq[0]))
                    <= u.from_home.time(node(*seq.last().unwrap()))
                {
                    (0, 1)
                } else {
                    (seq.len() - 1, -1)
                };
                let (mut x, mut t) = (u.home, start);
                loop {
                    let v = node(seq[i]);
                    let ok = (|| {
                        let path = leg_path(u, gc, x, v)?;
                        let arrive = t + path.last()?.1;
                        let back = u.to_home.time(v)?;
                        (arrive + back <= end).then_some(path)
                    })();
                    let Some(path) = ok else { break };
                    for &(n, dt) in path.iter().skip(1) {
                        tr.points.push((n, t + dt));
                        if let Some(ps) = gc.at_node.get(&(n.index() as u32)) {
                            for &p in ps {
                                if u.reach[p] {
                                    tr.visits.push((p, t + dt));
                                }
                            }
                        }
                    }
                    if v != x {
                        t += path.last().unwrap().1;
                    }
                    x = v;
                    if seq.len() == 1 {
                        // a single point: stay and watch it, a visit
                        // every 10 min
                        t += 600.0;
                        if t + u.to_home.time(v).unwrap_or(f64::INFINITY) > end {
                            break;
                        }
                        tr.points.push((v, t));
                        tr.visits.push((seq[0], t));
                        continue;
                    }
                    let ni = i as isize + dir;
                    if ni < 0 || ni >= seq.len() as isize {
                        dir = -dir;
                    }
                    i = (i as isize + dir) as usize;
                }
                if x != u.home {
                    if let Some(path) = leg_path(u, gc, x, u.home) {
                        for &(n, dt) in path.iter().skip(1) {
                            tr.points.push((n, t + dt));
                        }
                    }
                }
            }
        }
        Plan {
            units: units.to_vec(),
            tracks,
            offsets: offsets.to_vec(),
        }
    }

    /// Counted watch points for `units` against `weights`.
    pub fn counted(&self, units: &[usize], weights: &[f64]) -> Vec<bool> {
        (0..self.points.len())
            .map(|p| weights[p] > 0.0 && units.iter().any(|&k| self.units[k].reach[p]))
            .collect()
    }

    /// Idleness of `plan` (only the tracks of `filter` units when given).
    pub fn evaluate(
        &self,
        plan: &Plan,
        weights: &[f64],
        counted: &[bool],
        filter: Option<usize>,
    ) -> Eval {
        let h = self.horizon_s();
        let mut visits: Vec<Vec<f64>> = vec![Vec::new(); self.points.len()];
        for (k, tr) in plan.tracks.iter().enumerate() {
            if filter.is_some_and(|st| self.units[plan.units[k]].state != st) {
                continue;
            }
            for &(p, t) in &tr.visits {
                visits[p].push(t);
            }
        }
        let wmax = (0..self.points.len())
            .filter(|&p| counted[p])
            .map(|p| weights[p])
            .fold(0.0, f64::max);
        let mut per_point = vec![PointEval::default(); self.points.len()];
        let (mut worst, mut worst_u, mut sum_mean, mut n, mut unvisited) =
            (0.0f64, 0.0f64, 0.0, 0usize, 0usize);
        for p in 0..self.points.len() {
            let v = &mut visits[p];
            v.sort_by(|a, b| a.total_cmp(b));
            v.dedup_by(|a, b| (*a - *b).abs() < 1e-6);
            let mut gaps: Vec<f64> = v.windows(2).map(|w| w[1] - w[0]).collect();
            if v.is_empty() {
                gaps.push(h);
            } else if self.cyclic {
                gaps.push(h - v[v.len() - 1] + v[0]);
            } else {
                gaps.push(v[0]);
                gaps.push(h - v[v.len() - 1]);
            }
            let max_gap = gaps.iter().copied().fold(0.0, f64::max);
            let mean_idle = gaps.iter().map(|g| g * g).sum::<f64>() / (2.0 * h);
            let wn = if wmax > 0.0 { weights[p] / wmax } else { 0.0 };
            per_point[p] = PointEval {
                counted: counted[p],
                visits: v.len(),
                max_gap_s: max_gap,
                mean_idle_s: mean_idle,
                weight_norm: wn,
            };
            if counted[p] {
                n += 1;
                worst = worst.max(wn * max_gap);
                worst_u = worst_u.max(max_gap);
                sum_mean += wn * mean_idle;
                if v.is_empty() {
                    unvisited += 1;
                }
            }
        }
        Eval {
            worst_idleness_min: r1(worst / 60.0),
            mean_idleness_min: r1(if n > 0 {
                sum_mean / n as f64 / 60.0
            } else {
                0.0
            }),
            worst_unweighted_idleness_min: r1(worst_u / 60.0),
            watch_points: n,
            unvisited,
            per_point,
        }
    }

    /// Lower bound on the worst risk-weighted idleness any plan of `units`
    /// can reach on the `counted` points (see `BENCHMARKS.md`), the larger of
    /// two. (1) Per point: visits happen only inside the units' windows
    /// [shift start + way out, shift end − way back]; the rest of the period
    /// falls into at most one gap per unit (one more when not cyclic).
    /// (2) Fleet: in every
    /// window of length I every counted point must be visited, so the units'
    /// travel in the window (speed × time on duty) must cover a spanning
    /// forest of the points with one tree per unit, of length ≥ the minimum
    /// spanning tree minus its (units − 1) longest edges (straight lines,
    /// each shortened by the visiting distance at both ends). Averaged over
    /// the day (cyclic plans) a unit is on duty shift/24 of any window.
    /// For weights: points of normalised weight ≥ θ need I ≤ W/θ, so
    /// W ≥ θ · bound(those points); the best θ is taken.
    pub fn lower_bound_min(&self, units: &[usize], weights: &[f64], counted: &[bool]) -> f64 {
        if units.is_empty() {
            return 0.0;
        }
        let idx: Vec<usize> = (0..self.points.len()).filter(|&p| counted[p]).collect();
        if idx.is_empty() {
            return 0.0;
        }
        let wmax = idx.iter().map(|&p| weights[p]).fold(0.0, f64::max);
        let speed: f64 = units
            .iter()
            .map(|&k| graph::max_speed_ms(self.s.units[self.units[k].unit].mode))
            .sum();
        let speed_duty: f64 = units
            .iter()
            .map(|&k| {
                graph::max_speed_ms(self.s.units[self.units[k].unit].mode) * self.units[k].shift_s
            })
            .sum();
        let mut thetas: Vec<f64> = idx.iter().map(|&p| weights[p] / wmax).collect();
        thetas.sort_by(|a, b| b.total_cmp(a));
        thetas.dedup_by(|a, b| (*a - *b).abs() < 1e-9);
        // at most 24 thresholds, evenly spread over the sorted weights
        let picks: Vec<f64> = if thetas.len() <= 24 {
            thetas.clone()
        } else {
            (0..24)
                .map(|i| thetas[i * (thetas.len() - 1) / 23])
                .collect()
        };
        let h = self.horizon_s();
        // Per point: a point can only be visited while a unit that reaches it
        // is on duty, after its outbound leg and before its return leg; the
        // rest of the day splits into at most one gap per such unit.
        let mut best = 0.0f64;
        for &p in &idx {
            let (mut n, mut window) = (0usize, 0.0);
            for &k in units {
                let u = &self.units[k];
                if !u.reach[p] {
                    continue;
                }
                let v = self.graphs[u.graph].visit[p].unwrap();
                let rt = u.from_home.time(v).unwrap_or(0.0) + u.to_home.time(v).unwrap_or(0.0);
                n += 1;
                window += (u.shift_s - rt).max(0.0);
            }
            if n == 0 {
                continue;
            }
            let lb = if self.cyclic {
                (self.period_s - window).max(0.0) / n as f64
            } else {
                (h - window).max(0.0) / (n + 1) as f64
            };
            best = best.max(weights[p] / wmax * lb);
        }
        for th in picks {
            let pts: Vec<Coord> = idx
                .iter()
                .filter(|&&p| weights[p] / wmax >= th - 1e-12)
                .map(|&p| self.points[p].xy)
                .collect();
            let forest = spanning_forest_m(&pts, units.len(), 2.0 * self.o.observe_m);
            let mut i = forest / speed;
            if self.cyclic {
                i = i.max(DAY_S * forest / speed_duty);
            }
            best = best.max(th * i.min(h));
        }
        r1(best / 60.0)
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

/// A plan reduced to what a map shows (local metres).
#[derive(Clone, Debug)]
pub struct PlanLayers {
    pub mode: PlanMode,
    pub horizon_s: f64,
    pub units: Vec<UnitLayer>,
    pub points: Vec<PointLayer>,
    pub worst_idleness_min: f64,
    pub mean_idleness_min: f64,
    pub baseline_worst_idleness_min: f64,
    pub lower_bound_worst_idleness_min: f64,
    pub unvisited: usize,
}

#[derive(Clone, Debug)]
pub struct UnitLayer {
    pub id: String,
    /// Index of its State in the scenario.
    pub state: usize,
    pub mode: UnitMode,
    pub xy: Vec<Coord>,
    pub times: Vec<f64>,
    pub shifts: Vec<(f64, f64)>,
}

impl UnitLayer {
    /// Where the unit is at `t` while on shift (interpolated along its path).
    pub fn position_at(&self, t: f64) -> Option<Coord> {
        if !self.shifts.iter().any(|s| t >= s.0 && t <= s.1) || self.times.is_empty() {
            return None;
        }
        let i = self.times.partition_point(|x| *x <= t);
        if i == 0 {
            return Some(self.xy[0]);
        }
        if i >= self.times.len() {
            return self.xy.last().copied();
        }
        let (t0, t1) = (self.times[i - 1], self.times[i]);
        let f = if t1 > t0 { (t - t0) / (t1 - t0) } else { 1.0 };
        let (a, b) = (self.xy[i - 1], self.xy[i]);
        Some(Coord {
            x: a.x + f * (b.x - a.x),
            y: a.y + f * (b.y - a.y),
        })
    }
}

#[derive(Clone, Debug)]
pub struct PointLayer {
    pub line: Vec<Coord>,
    pub counted: bool,
    /// The posts already watch it (weight 0): no patrol needed.
    pub posts_cover: bool,
    /// Longest gap × normalised weight, seconds.
    pub weighted_gap_s: f64,
    pub max_gap_s: f64,
}

impl Planner<'_> {
    /// The map layers of a planning result.
    pub fn layers(&self, r: &solve::PlanResult) -> PlanLayers {
        self.layers_as(r, self.o.mode)
    }

    /// As [`Planner::layers`], for a result of `mode` (from
    /// [`Planner::solve_modes`]).
    pub fn layers_as(&self, r: &solve::PlanResult, mode: PlanMode) -> PlanLayers {
        let units = (0..r.plan.tracks.len())
            .map(|k| {
                let tr = &r.plan.tracks[k];
                let uk = r.plan.units[k];
                UnitLayer {
                    id: self.s.units[self.units[uk].unit].id.to_string(),
                    state: self.units[uk].state,
                    mode: self.s.units[self.units[uk].unit].mode,
                    xy: tr
                        .points
                        .iter()
                        .map(|(n, _)| self.node_xy(uk, *n))
                        .collect(),
                    times: tr.points.iter().map(|x| x.1).collect(),
                    shifts: tr.shifts.clone(),
                }
            })
            .collect();
        let points = self
            .points
            .iter()
            .zip(&r.eval.per_point)
            .map(|(w, e)| PointLayer {
                line: w.line.clone(),
                counted: e.counted,
                posts_cover: w.weight[self.joint_view()] <= 0.0,
                weighted_gap_s: e.weight_norm * e.max_gap_s,
                max_gap_s: e.max_gap_s,
            })
            .collect();
        PlanLayers {
            mode,
            horizon_s: self.horizon_s(),
            units,
            points,
            worst_idleness_min: r.eval.worst_idleness_min,
            mean_idleness_min: r.eval.mean_idleness_min,
            baseline_worst_idleness_min: r.baseline_eval.worst_idleness_min,
            lower_bound_worst_idleness_min: r.lower_bound_min,
            unvisited: r.eval.unvisited,
        }
    }
}

impl Planner<'_> {
    /// The ids of the units that visit each watch point, in plan order.
    pub fn visitors(&self, plan: &Plan) -> Vec<Vec<String>> {
        let mut by: Vec<Vec<String>> = vec![Vec::new(); self.points.len()];
        for (k, tr) in plan.tracks.iter().enumerate() {
            let id = &self.s.units[self.units[plan.units[k]].unit].id;
            for &(p, _) in &tr.visits {
                if by[p].last().map(|x| x.as_str()) != Some(id.as_str()) {
                    by[p].push(id.to_string());
                }
            }
        }
        by
    }

    /// Join a plan's idleness to an assessment cut the same way (segment
    /// length = `watch_m`): per segment visits, gaps and units.
    pub fn join_assessment(
        &self,
        r: &solve::PlanResult,
        a: &mut crate::assess::Assessment,
    ) -> Result<()> {
        let by_id: HashMap<&str, usize> = self
            .points
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id.as_str(), i))
            .collect();
        let visitors = self.visitors(&r.plan);
        let mut per_segment = Vec::with_capacity(a.segments.len());
        for seg in &a.segments {
            let Some(&p) = by_id.get(seg.segment.id.as_str()) else {
                return Err(Error::Other(format!(
                    "segment {} has no watch point: plan with --watch-m equal to the assessment's --segment-m",
                    seg.segment.id
                )));
            };
            let e = &r.eval.per_point[p];
            let units = visitors[p].clone();
            per_segment.push(crate::assess::SegmentPatrol {
                patrolled: e.counted,
                visits: e.visits,
                max_gap_min: r1(e.max_gap_s / 60.0),
                weighted_gap_min: r1(e.weight_norm * e.max_gap_s / 60.0),
                units,
            });
        }
        let jv = self.joint_view();
        a.patrol = Some(crate::assess::PatrolJoin {
            mode: self.o.mode.as_str().into(),
            hours: self.o.hours,
            worst_idleness_min: r.eval.worst_idleness_min,
            mean_idleness_min: r.eval.mean_idleness_min,
            unreachable_segments: (0..self.points.len())
                .filter(|&p| !r.counted[p] && self.points[p].weight[jv] > 0.0)
                .count(),
            per_segment,
        });
        Ok(())
    }
}

/// Candidates from a tree: (watch point, node, seconds) for every watch
/// point whose visit node the tree reached.
fn cands_of(
    t: &Tree,
    at_node: &HashMap<u32, Vec<usize>>,
    visit: &[Option<NodeIndex>],
) -> Vec<(usize, NodeIndex, f64)> {
    let mut out = Vec::new();
    for (n, secs) in t.iter() {
        if let Some(ps) = at_node.get(&(n.index() as u32)) {
            for &p in ps {
                if visit[p] == Some(n) {
                    out.push((p, n, secs));
                }
            }
        }
    }
    out.sort_by_key(|x| x.0);
    out
}

/// Minimum spanning forest with `k` trees of `pts` (Prim, O(n²)), each edge
/// shortened by `shorten` (not below 0).
pub fn spanning_forest_m(pts: &[Coord], k: usize, shorten: f64) -> f64 {
    let n = pts.len();
    if n <= 1 {
        return 0.0;
    }
    let mut in_tree = vec![false; n];
    let mut dist = vec![f64::INFINITY; n];
    dist[0] = 0.0;
    let mut edges = Vec::with_capacity(n);
    for _ in 0..n {
        let mut u = usize::MAX;
        let mut du = f64::INFINITY;
        for v in 0..n {
            if !in_tree[v] && dist[v] < du {
                du = dist[v];
                u = v;
            }
        }
        if u == usize::MAX {
            break;
        }
        in_tree[u] = true;
        edges.push(du);
        for v in 0..n {
            if !in_tree[v] {
                let d = ((pts[u].x - pts[v].x).powi(2) + (pts[u].y - pts[v].y).powi(2)).sqrt();
                let d = (d - shorten).max(0.0);
                if d < dist[v] {
                    dist[v] = d;
                }
            }
        }
    }
    edges.sort_by(|a, b| a.total_cmp(b));
    let keep = edges.len().saturating_sub(k.saturating_sub(1));
    edges[..keep].iter().sum()
}

#[derive(PartialEq)]
struct Ev(f64, usize, NodeIndex);
impl Eq for Ev {}
impl PartialOrd for Ev {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Ev {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        o.0.total_cmp(&self.0).then(o.1.cmp(&self.1))
    }
}

/// Errors in the options, before any work.
pub fn check_options(s: &Scenario, o: &PlanOptions) -> Result<()> {
    let mut msgs = Vec::new();
    if !(o.hours.is_finite() && o.hours > 0.0 && o.hours <= 168.0) {
        msgs.push(format!(
            "--hours must be in (0, 168] (up to 7 days), found {}",
            o.hours
        ));
    } else if o.hours > 24.0 && (o.hours / 24.0 - (o.hours / 24.0).round()).abs() > 1e-9 {
        msgs.push(format!(
            "--hours over 24 must be whole days (48, 72, …, 168), found {}",
            o.hours
        ));
    }
    for (what, v) in [
        ("--watch-m", o.watch_m),
        ("--access-m", o.access_m),
        ("--observe-m", o.observe_m),
        ("--max-leg-h", o.max_leg_h),
    ] {
        if !(v.is_finite() && v > 0.0) {
            msgs.push(format!("{what} must be > 0, found {v}"));
        }
    }
    if !(0.0..=10.0).contains(&o.max_loss) {
        msgs.push(format!("--max-loss must be in 0..10, found {}", o.max_loss));
    }
    if !msgs.is_empty() {
        return Err(Error::Other(msgs.join("\n")));
    }
    let mut problems = Problems::default();
    if s.units.is_empty() {
        problems.push(
            Problem::error(&s.path, "no units to plan: add [[units]] with a home post")
                .field("units"),
        );
    }
    for u in &s.units {
        if u.shift_hours * 3600.0 > o.hours * 3600.0 + 1e-6 {
            problems.push(
                Problem::error(
                    &s.path,
                    format!(
                        "the {} h horizon is shorter than the unit's {} h shift: plan at least one whole shift",
                        o.hours, u.shift_hours
                    ),
                )
                .id(u.id.to_string())
                .field("shift_hours"),
            );
        }
        if u.shift_hours > 16.0 {
            problems.push(
                Problem::error(
                    &s.path,
                    format!(
                        "a {} h shift leaves less than 8 h rest in 24 h; at most 16 h",
                        u.shift_hours
                    ),
                )
                .id(u.id.to_string())
                .field("shift_hours"),
            );
        }
    }
    if problems.has_errors() {
        return Err(Error::Invalid(problems));
    }
    Ok(())
}
