//! Crossing and interception simulation (ISACS 05.60: 10.5.6 hot pursuit,
//! 10.5.7 cross-border observation, 11.6 monitoring): illicit crossings
//! along the informal routes replayed against a patrol plan, Monte Carlo by
//! seed.
//!
//! # Model
//! - **Crossing**: a group takes an informal route from one end to the
//!   other (direction at random), at a speed by route kind (path: loaded on
//!   foot 2.5 km/h; track: pack animal 4 km/h; road: vehicle 30 km/h; ford:
//!   2 km/h; landing: boat 8 km/h), starting at night (20:00–05:00) with
//!   probability `night_share`, else by day.
//! - **Detection**: each post gets one look, where along the route it sees
//!   the group best (its sensors' p(d) for day or night, line of sight on the
//!   DEM — the assessment's model); each unit on patrol gets one look the
//!   first time it is within `patrol_radius_m` of the group (p by day/night).
//!   The earliest successful look detects.
//! - **Response**: the units on shift at the detection that may act on it —
//!   the detecting State's; the neighbour's too, at once with shared feeds,
//!   or after the liaison delay when the track is kept alive across the line
//!   (cross-border observation) — set off after `reaction_s` (a unit that
//!   saw the group itself at once) along their patrol graph (see [`respond`]) towards the group's remaining path; the
//!   group is intercepted at the first point a unit reaches before it. A point on the
//!   neighbour's side counts only with hot pursuit, within the agreed depth
//!   and time; otherwise only the neighbour's units can act there, and only
//!   if the track is kept alive across the line (cross-border observation or
//!   shared feeds).
//! - **Runs** are independent, each with its own seeded generator: the
//!   results are the same for any thread count.

use crate::assess::{self, AssessOptions, PostSight};
use crate::model::{RouteKind, Scenario};
use crate::plan::UnitLayer;
use crate::seed::mix;
use geo::Coord;
use rayon::prelude::*;
use serde::Serialize;

pub mod corridor;
pub mod journey;
pub mod ladder;
pub mod output;
pub mod queue;
pub mod replay;
pub mod respond;
pub mod route;
pub mod tally;
pub use replay::{Catch, Crew, Look, LookBy, Pass};
pub use route::SimRoute;
use route::{prepare_route, Way};

/// What cooperation the response may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Cooperation {
    /// Detections by either State's posts and units reach both States' units.
    pub shared_feeds: bool,
    /// Units may pursue across the line (within the agreement's depth/time).
    pub hot_pursuit: bool,
}

/// How much the smugglers know.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Knowledge {
    /// Any route, uniformly.
    Random,
    /// Routes the posts watch less are preferred.
    RiskAware,
    /// The route and hour with the lowest interception chance against the
    /// published plan (the Stackelberg adversary).
    BestResponse,
}

#[derive(Clone, Debug, Serialize)]
pub struct SimOptions {
    pub runs: usize,
    pub seed: u64,
    pub night_share: f64,
    /// Clock time of day at the plan's start, s (0: it starts at
    /// midnight): what is day and night, and when night smugglers come.
    pub clock_offset_s: f64,
    pub patrol_radius_m: f64,
    pub patrol_p_day: f64,
    pub patrol_p_night: f64,
    pub reaction_s: f64,
    pub sample_m: f64,
    pub knowledge: Knowledge,
    pub coop: Cooperation,
    /// Add the crossings off the mapped ways ([`corridor`]): cross-country
    /// corridors and boat crossings, for the smuggler who knows the plan.
    pub corridors: bool,
    /// The terrain the posts' sightings are computed on: its grid cell and
    /// the height of a crossing person (`cell_m`, `target_height_m`; the
    /// other fields are not used).
    #[serde(skip)]
    pub assess: AssessOptions,
    /// Progress and cancellation: a cancelled run stops early and returns
    /// fewer outcomes (callers discard them).
    #[serde(skip)]
    pub progress: crate::progress::Progress,
}

impl Default for SimOptions {
    fn default() -> Self {
        SimOptions {
            runs: 10_000,
            seed: 0,
            night_share: 0.7,
            clock_offset_s: 0.0,
            patrol_radius_m: 300.0,
            patrol_p_day: 0.8,
            patrol_p_night: 0.5,
            reaction_s: 300.0,
            sample_m: 50.0,
            knowledge: Knowledge::Random,
            coop: Cooperation {
                shared_feeds: false,
                hot_pursuit: false,
            },
            corridors: false,
            assess: AssessOptions::default(),
            progress: Default::default(),
        }
    }
}

/// Entry minutes per hour the best response weighs.
const BEST_RESPONSE_ENTRIES: usize = 3;

/// Speed of a crossing group on a route kind, m/s.
pub fn group_speed_ms(k: RouteKind) -> f64 {
    let kmh = match k {
        RouteKind::Path => 2.5,
        RouteKind::Track => 4.0,
        RouteKind::Road => 30.0,
        RouteKind::Ford => 2.0,
        RouteKind::Landing => 8.0,
    };
    kmh / 3.6
}

/// Everything fixed across runs.
pub struct World<'a> {
    pub s: &'a Scenario,
    /// The scenario's routes (carried on inland), then with
    /// [`SimOptions::corridors`] the crossings off the mapped ways.
    pub routes: Vec<SimRoute>,
    /// How many of `routes` are the scenario's: random and risk-aware
    /// smugglers keep to them.
    pub mapped_routes: usize,
    pub sights: std::sync::Arc<[PostSight]>,
    pub post_state: Vec<usize>,
    pub units: Vec<UnitLayer>,
    pub horizon_s: f64,
    pub o: SimOptions,
    /// For best response: the (route, hour) chosen.
    pub target: Option<(usize, usize)>,
    /// Risk-aware choice: 1 − the best look any post has of each route.
    route_weight: Vec<f64>,
    /// The assessment's border segments (default length), with the routes
    /// crossing each.
    pub segments: Vec<crate::assess::Segment>,
    pub(crate) resp: respond::Responders,
    /// Bounding box of each unit's path (for skipping far units).
    pub(crate) unit_bbox: Vec<(Coord, Coord)>,
}

/// Distance from `p` to a box (0 inside).
pub(crate) fn box_dist(p: Coord, b: &(Coord, Coord)) -> f64 {
    let dx = (b.0.x - p.x).max(0.0).max(p.x - b.1.x);
    let dy = (b.0.y - p.y).max(0.0).max(p.y - b.1.y);
    dx.hypot(dy)
}

/// Gap between two boxes (0 when they overlap).
pub(crate) fn box_gap(a: &(Coord, Coord), b: &(Coord, Coord)) -> f64 {
    let dx = (a.0.x - b.1.x).max(b.0.x - a.1.x).max(0.0);
    let dy = (a.0.y - b.1.y).max(b.0.y - a.1.y).max(0.0);
    dx.hypot(dy)
}

pub(crate) fn bboxes(units: &[UnitLayer]) -> Vec<(Coord, Coord)> {
    units
        .iter()
        .map(|u| crate::model::bbox(u.xy.iter().copied()).unwrap_or_default())
        .collect()
}

pub(crate) fn dist(a: Coord, b: Coord) -> f64 {
    ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt()
}

/// Day (06:00–20:00 on the clock) at `t` seconds from the plan's start,
/// which is `clock_offset_s` into its day.
pub(crate) fn is_day(t: f64, clock_offset_s: f64) -> bool {
    let h = ((t + clock_offset_s) / 3600.0).rem_euclid(24.0);
    (6.0..20.0).contains(&h)
}

/// A random smuggler's hour of entry, hours from the start of the plan's
/// day: by night (20:00–05:00 on the clock) with probability
/// `night_share`, else by day (05:00–20:00), from two uniform draws.
pub(crate) fn entry_hour(night: bool, u: f64, clock_offset_s: f64) -> f64 {
    let clock = if night {
        (20.0 + u * 9.0) % 24.0
    } else {
        5.0 + u * 15.0
    };
    (clock - clock_offset_s / 3600.0).rem_euclid(24.0)
}

/// One crossing's outcome.
#[derive(Clone, Debug, Serialize)]
pub struct Outcome {
    pub route: usize,
    /// Start, seconds from the plan's start.
    pub start_s: f64,
    /// Towards the route's last vertex.
    pub forward: bool,
    /// State index entered.
    pub into: Option<usize>,
    pub detected_s: Option<f64>,
    /// "post ID" or "unit ID".
    pub detected_by: Option<String>,
    /// Where the group was when detected.
    pub detect_at: Option<Coord>,
    pub intercepted_s: Option<f64>,
    pub intercepted_by: Option<String>,
    pub intercept_at: Option<Coord>,
    pub pursuit: bool,
}

/// The simulated crossings asked for: at least one, and within
/// [`crate::limits::MAX_RUNS`] (each outcome is held for the figures).
pub fn check_runs(runs: usize) -> crate::error::Result<()> {
    use crate::limits::{over, MAX_RUNS, OUTCOME_BYTES};
    let n = runs as f64;
    let p = if runs == 0 {
        crate::error::OptionProblem::new("runs", "must be at least 1")
    } else if runs as u64 > MAX_RUNS {
        over(
            "runs",
            runs,
            n,
            "simulated crossings",
            MAX_RUNS as f64,
            Some(n * OUTCOME_BYTES),
            Some(format!(
                "at most {MAX_RUNS}; for a tighter figure, run again with other seeds"
            )),
        )
    } else {
        return Ok(());
    };
    Err(crate::error::Error::Options(vec![p]))
}

impl<'a> World<'a> {
    /// Prepare the routes (samples, sides, post looks) and posts' sights.
    pub fn new(
        s: &'a Scenario,
        units: Vec<UnitLayer>,
        horizon_s: f64,
        o: SimOptions,
    ) -> crate::error::Result<Self> {
        check_runs(o.runs)?;
        let p = assess::Prepared::new(s, &o.assess)?;
        Self::on(&p, units, horizon_s, o)
    }

    /// As [`World::new`], on a prepared world (its terrain, the posts'
    /// sights, the route crossings; `o.assess` must ask for the same
    /// terrain).
    pub fn on(
        p: &assess::Prepared<'a>,
        units: Vec<UnitLayer>,
        horizon_s: f64,
        o: SimOptions,
    ) -> crate::error::Result<Self> {
        check_runs(o.runs)?;
        let s = p.s;
        let ao = o.assess.clone();
        assess::check_options(&ao)?;
        p.check_fits(&ao)?;
        let terrain = p.terrain();
        let sights = p.sights.clone();
        let post_state = sights
            .iter()
            .map(|ps| {
                s.states
                    .iter()
                    .position(|st| st.id == ps.state)
                    .unwrap_or(0)
            })
            .collect();
        let bi = crate::index::BorderIndex::of_scenario(s);
        let hits = &p.route_hits;
        let net = journey::Network::of(s);
        let mapped: Vec<Way> = s
            .routes
            .par_iter()
            .enumerate()
            .map(|(ri, r)| {
                let border_km = hits
                    .iter()
                    .filter(|h| h.route == ri)
                    .map(|h| h.chainage_km)
                    .next();
                Way {
                    id: r.id.to_string(),
                    kind: r.kind,
                    samples: crate::geom::densify(&net.journey(s, &bi, &r.xy.0), o.sample_m),
                    border_km,
                }
            })
            .collect();
        let mapped_routes = mapped.len();
        let off_ways = if o.corridors {
            let km: Vec<f64> = hits.iter().map(|h| h.chainage_km).collect();
            corridor::corridors(s, &bi, &km, terrain)
        } else {
            Vec::new()
        };
        let routes: Vec<SimRoute> = mapped
            .into_iter()
            .chain(off_ways.into_iter().map(|c| Way {
                samples: crate::geom::densify(&c.xy, o.sample_m),
                id: c.id,
                kind: c.kind,
                border_km: Some(c.border_km),
            }))
            .collect::<Vec<_>>()
            .into_par_iter()
            .map(|way| prepare_route(s, &bi, &sights, terrain, way))
            .collect();
        // risk-aware smugglers prefer the routes the posts see least
        let route_weight = routes
            .iter()
            .map(|rt| {
                let seen = rt
                    .looks
                    .iter()
                    .flat_map(|l| l.iter().map(|x| x.2))
                    .fold(0.0, f64::max);
                (1.0 - seen).max(0.02)
            })
            .collect();
        let segments = assess::segments(s, hits, terrain, &ao);
        // travel times worth knowing: as long as each crossing lasts
        let limit_s = routes
            .iter()
            .map(|r| r.cum_m.last().copied().unwrap_or(0.0) / group_speed_ms(r.kind))
            .collect();
        let samples: Vec<&[Coord]> = routes.iter().map(|r| r.samples.as_slice()).collect();
        let mut resp = respond::Responders::new(
            s,
            &units,
            &segments,
            terrain,
            &samples,
            limit_s,
            crate::plan::DEFAULT_ACCESS_M,
        );
        resp.set_units(&units);
        let mut w = World {
            s,
            mapped_routes,
            unit_bbox: bboxes(&units),
            segments,
            resp,
            route_weight,
            routes,
            sights,
            post_state,
            units,
            horizon_s,
            o,
            target: None,
        };
        if w.routes.is_empty() {
            return Err(crate::error::Error::Infeasible(format!(
                "{}: no informal routes to simulate crossings on",
                s.path.display()
            )));
        }
        // (with no plan yet, `set_plan` will choose)
        if w.o.knowledge == Knowledge::BestResponse && !w.units.is_empty() {
            w.target = Some(w.best_response());
        }
        Ok(w)
    }

    /// Replay against another plan or cooperation: keeps what depends on
    /// the scenario only (route samples, the posts' looks).
    pub fn set_plan(&mut self, units: Vec<UnitLayer>, horizon_s: f64, coop: Cooperation) {
        self.resp.set_units(&units);
        self.unit_bbox = bboxes(&units);
        self.units = units;
        self.horizon_s = horizon_s;
        self.o.coop = coop;
        self.target = (self.o.knowledge == Knowledge::BestResponse).then(|| self.best_response());
    }

    /// The (route, hour of day) with the lowest interception chance: the
    /// exact expectation ([`World::expected`]) over both directions and
    /// entry minutes spread through the hour, as the interception planner
    /// scores a target; ties go to the first cell.
    fn best_response(&self) -> (usize, usize) {
        let crews = self.crews();
        let cells: Vec<(usize, usize)> = (0..self.routes.len())
            .flat_map(|r| (0..24).map(move |h| (r, h)))
            .collect();
        let days = ((self.horizon_s / 86_400.0).ceil() as usize).max(1);
        let rates: Vec<f64> = cells
            .par_iter()
            .map(|&(r, h)| {
                let mut sum = 0.0;
                let mut n = 0.0;
                for day in 0..days {
                    for q in 0..BEST_RESPONSE_ENTRIES {
                        let t0 = (day as f64 * 86_400.0
                            + (h as f64 + (q as f64 + 0.5) / BEST_RESPONSE_ENTRIES as f64)
                                * 3600.0)
                            .min(self.horizon_s - 1.0);
                        for fwd in [true, false] {
                            sum += self.expected(&crews, r, t0, fwd).1;
                            n += 1.0;
                        }
                    }
                }
                sum / n
            })
            .collect();
        let mut best = 0;
        for i in 1..cells.len() {
            if rates[i] < rates[best] - 1e-12 {
                best = i;
            }
        }
        cells[best]
    }

    /// One crossing drawn by `rng` (run `i`).
    pub fn attempt(&self, run: u64) -> Outcome {
        let mut rng = fastrand::Rng::with_seed(mix(self.o.seed, 0xC0, run));
        let r = match (self.o.knowledge, self.target) {
            (Knowledge::BestResponse, Some((r, _))) => r,
            (Knowledge::RiskAware, _) => {
                let weight = &self.route_weight[..self.mapped_routes];
                let total: f64 = weight.iter().sum();
                let mut u = rng.f64() * total;
                let mut pick = weight.len() - 1;
                for (i, x) in weight.iter().enumerate() {
                    if u < *x {
                        pick = i;
                        break;
                    }
                    u -= x;
                }
                pick
            }
            _ => rng.usize(0..self.mapped_routes),
        };
        let days = ((self.horizon_s / 86_400.0).ceil() as usize).max(1);
        let day = rng.usize(0..days) as f64 * 86_400.0;
        let hour = match (self.o.knowledge, self.target) {
            (Knowledge::BestResponse, Some((_, h))) => h as f64 + rng.f64(),
            _ => {
                let night = rng.f64() < self.o.night_share;
                entry_hour(night, rng.f64(), self.o.clock_offset_s)
            }
        };
        let t0 = (day + hour * 3600.0).min(self.horizon_s - 1.0);
        let fwd = rng.bool();
        self.replay(r, t0, fwd, &mut rng)
    }

    /// Seconds unit `unit` needs from where it is at `t` to sample `k` of
    /// route `route` along its patrol graph (no reaction time); `None`
    /// when off shift or out of reach.
    pub fn response_s(&self, unit: usize, t: f64, route: usize, k: usize) -> Option<f64> {
        let u = self.units.get(unit)?;
        self.routes.get(route)?;
        let (lead, reach) = self.resp.from_unit(unit, u, t, route)?;
        let i = reach.binary_search_by_key(&(k as u32), |x| x.0).ok()?;
        Some(lead + reach[i].1 as f64)
    }

    /// `runs` crossings, in parallel, in run order.
    pub fn run(&self) -> Vec<Outcome> {
        self.run_with(&|_| {})
    }

    /// As [`World::run`], calling `progress(n)` every `n` runs done (and
    /// counting them on the options' [`crate::progress::Progress`]). Once
    /// cancelled, returns no outcome.
    pub fn run_with(&self, progress: &(dyn Fn(u64) + Sync)) -> Vec<Outcome> {
        const STEP: u64 = 1024;
        let shared = &self.o.progress;
        let outs: Option<Vec<Outcome>> = (0..self.o.runs as u64)
            .into_par_iter()
            .map(|i| {
                if shared.cancelled() {
                    return None;
                }
                let o = self.attempt(i);
                if (i + 1) % STEP == 0 {
                    progress(STEP);
                    shared.add(STEP);
                }
                Some(o)
            })
            .collect();
        outs.unwrap_or_default()
    }

    /// As [`World::run_with`], counted as the runs come
    /// ([`tally::Tally`], keeping the first `events` crossings): the memory
    /// of one chunk of runs, however many there are. The same figures as
    /// counting [`World::run_with`]'s outcomes. Once cancelled, returns
    /// what was counted.
    pub fn tally_with(&self, events: usize, progress: &(dyn Fn(u64) + Sync)) -> tally::Tally {
        let mut t = tally::Tally::new(self, events);
        let runs = self.o.runs as u64;
        let shared = &self.o.progress;
        let mut from = 0;
        while from < runs && !shared.cancelled() {
            let to = (from + tally::CHUNK).min(runs);
            let outs: Vec<Outcome> = (from..to)
                .into_par_iter()
                .map(|i| {
                    let o = self.attempt(i);
                    if (i + 1) % 1024 == 0 {
                        progress(1024);
                        shared.add(1024);
                    }
                    o
                })
                .collect();
            for o in outs {
                t.add(o);
            }
            from = to;
        }
        t
    }
}

/// Aggregate figures.
#[derive(Clone, Debug, Serialize, Default)]
pub struct Rates {
    pub attempts: usize,
    pub p_detect: f64,
    pub p_intercept: f64,
    pub succeeded: usize,
    pub mean_time_to_intercept_min: Option<f64>,
}

/// Rates over outcomes (filtered).
pub fn rates<'b>(outs: impl Iterator<Item = &'b Outcome>) -> Rates {
    let mut acc = tally::Acc::default();
    for o in outs {
        acc.add(o);
    }
    acc.rates()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_and_night_go_by_the_clock_of_the_plans_start() {
        // a plan from midnight: 02:00 is night, 10:00 day
        assert!(!is_day(2.0 * 3600.0, 0.0) && is_day(10.0 * 3600.0, 0.0));
        // a plan from 06:00: two hours in is 08:00, day; 16 hours in, 22:00
        assert!(is_day(2.0 * 3600.0, 6.0 * 3600.0));
        assert!(!is_day(16.0 * 3600.0, 6.0 * 3600.0));
        // a night smuggler at 20:00 on the clock enters 14 h into a plan
        // from 06:00; a day one at 05:00, 23 h in
        assert!((entry_hour(true, 0.0, 6.0 * 3600.0) - 14.0).abs() < 1e-9);
        assert!((entry_hour(false, 0.0, 6.0 * 3600.0) - 23.0).abs() < 1e-9);
        // from midnight, the hours are the clock's
        assert!((entry_hour(true, 0.5, 0.0) - 0.5).abs() < 1e-9);
    }
}
