//! The defenders' options: one unit's shift as a timed path. A unit leaves
//! its home post at the shift's start, travels on its patrol graph to a
//! response position, stands by there, and is back home at the shift's
//! end (ISACS 05.60 9.3.2: mobile units operating out of static posts);
//! or it follows a patrol from the idleness planner.
//!
//! A day's schedule is laid out for the day before, the day and the day
//! after (the plan repeats daily), so that a crossing late in the day
//! meets the next shift and one early in the day the last.

use crate::plan::graph::{dijkstra, PatrolGraph};
use crate::plan::UnitLayer;
use crate::sim::respond::{off_path_s, UnitSnap};
use crate::sim::World;
use geo::Coord;
use petgraph::graph::NodeIndex;

pub const DAY_S: f64 = 86_400.0;

/// What a schedule does.
#[derive(Clone, Debug, PartialEq)]
pub enum Duty {
    /// Stand by at `at` (local metres) from `arrive_s` to `leave_s`
    /// (seconds from the day's start).
    Standby {
        at: Coord,
        arrive_s: f64,
        leave_s: f64,
    },
    /// The idleness planner's patrol.
    Patrol,
}

/// One unit's option for a day.
#[derive(Clone, Debug)]
pub struct Schedule {
    /// Index in `Scenario::units`.
    pub unit: usize,
    /// Shift start, seconds from the day's start.
    pub start_s: f64,
    pub duty: Duty,
    /// The path over the day before, the day and the day after.
    pub layer: UnitLayer,
    pub snap: Option<UnitSnap>,
    pub bbox: (Coord, Coord),
}

impl Schedule {
    /// Wraps `layer` (already laid over the three days) for `w`.
    pub fn new(w: &World, unit: usize, start_s: f64, duty: Duty, layer: UnitLayer) -> Self {
        let snap = w.resp.snap(&layer);
        let bbox = crate::model::bbox(layer.xy.iter().copied()).unwrap_or_default();
        Schedule {
            unit,
            start_s,
            duty,
            layer,
            snap,
            bbox,
        }
    }

    /// The schedule's own day only (seconds 0..24 h, a shift past midnight
    /// wrapped to the day's start).
    pub fn day_layer(&self) -> UnitLayer {
        let l = &self.layer;
        let mut xy = Vec::new();
        let mut times = Vec::new();
        for (c, t) in l.xy.iter().zip(&l.times) {
            if (0.0..=DAY_S).contains(t) {
                xy.push(*c);
                times.push(*t);
            }
        }
        UnitLayer {
            id: l.id.clone(),
            state: l.state,
            mode: l.mode,
            xy,
            times,
            shifts: l
                .shifts
                .iter()
                .filter_map(|&(a, b)| {
                    let (a, b) = (a.max(0.0), b.min(DAY_S));
                    (b > a).then_some((a, b))
                })
                .collect(),
        }
    }
}

/// A unit's travel on its graph: home node, trees out and back.
pub struct Reach<'g> {
    pub unit: usize,
    pub pg: &'g PatrolGraph,
    pub home_xy: Coord,
    pub home: NodeIndex,
    /// Walk from the post to its node, s.
    pub home_off_s: f64,
    pub shift_s: f64,
    out: crate::plan::graph::Tree,
    back: crate::plan::graph::Tree,
}

impl<'g> Reach<'g> {
    /// `None` when the unit's State and mode have no graph or its post is
    /// off it.
    pub fn new(w: &'g World, unit: usize, access_m: f64) -> Option<Self> {
        let s = w.s;
        let u = &s.units[unit];
        let state = s.states.iter().position(|st| st.id == u.state)?;
        let pg = w.resp.graph(state, u.mode)?;
        let home_xy = s.post(&u.home_post)?.xy;
        let (home, d) = pg.nearest(home_xy, access_m)?;
        let shift_s = u.shift_hours * 3600.0;
        let half = shift_s / 2.0;
        Some(Reach {
            unit,
            pg,
            home_xy,
            home,
            home_off_s: off_path_s(d),
            shift_s,
            out: dijkstra(&pg.g, home, half, false),
            back: dijkstra(&pg.g, home, half, true),
        })
    }

    /// Can stand by at `n` for some time within the shift.
    pub fn can_reach(&self, n: NodeIndex) -> bool {
        match (self.out.time(n), self.back.time(n)) {
            (Some(a), Some(b)) => a + b + 2.0 * self.home_off_s < self.shift_s,
            _ => false,
        }
    }

    /// The standby schedule at node `n` for a shift starting `start_s`
    /// into the day.
    pub fn standby(&self, w: &World, n: NodeIndex, start_s: f64) -> Option<Schedule> {
        let out = self.out.path(n)?;
        let back = self.back.path(n)?;
        let t_out = out.last()?.1 + self.home_off_s;
        let t_back = back.last()?.1 + self.home_off_s;
        if t_out + t_back >= self.shift_s {
            return None;
        }
        let u = &w.s.units[self.unit];
        let state = w.s.states.iter().position(|st| st.id == u.state)?;
        let at = self.pg.g[n].xy;
        let mut xy = Vec::new();
        let mut times = Vec::new();
        let mut shifts = Vec::new();
        for day in [-1.0, 0.0, 1.0] {
            let s0 = day * DAY_S + start_s;
            let s1 = s0 + self.shift_s;
            shifts.push((s0, s1));
            xy.push(self.home_xy);
            times.push(s0);
            for (m, t) in &out {
                xy.push(self.pg.g[*m].xy);
                times.push(s0 + self.home_off_s + t);
            }
            let leave = s1 - t_back;
            for (m, t) in &back {
                xy.push(self.pg.g[*m].xy);
                times.push(leave + t);
            }
            xy.push(self.home_xy);
            times.push(s1);
        }
        let layer = UnitLayer {
            id: u.id.to_string(),
            state,
            mode: u.mode,
            xy,
            times,
            shifts,
        };
        Some(Schedule::new(
            w,
            self.unit,
            start_s,
            Duty::Standby {
                at,
                arrive_s: start_s + t_out,
                leave_s: start_s + self.shift_s - t_back,
            },
            layer,
        ))
    }
}

/// A patrol of one day (times 0..24 h, as the idleness planner writes a
/// cyclic plan) laid over the three days.
pub fn patrol(w: &World, unit: usize, day: &UnitLayer) -> Schedule {
    let mut xy = Vec::new();
    let mut times = Vec::new();
    let mut shifts = Vec::new();
    for d in [-1.0, 0.0, 1.0] {
        let off = d * DAY_S;
        xy.extend_from_slice(&day.xy);
        times.extend(day.times.iter().map(|t| t + off));
        shifts.extend(day.shifts.iter().map(|s| (s.0 + off, s.1 + off)));
    }
    let start_s = day.shifts.first().map(|s| s.0).unwrap_or(0.0);
    let layer = UnitLayer {
        id: day.id.clone(),
        state: day.state,
        mode: day.mode,
        xy,
        times,
        shifts,
    };
    Schedule::new(w, unit, start_s, Duty::Patrol, layer)
}
