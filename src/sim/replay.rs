//! One crossing against one set of units: the looks that may detect it, the
//! response to a detection, and the two ways to combine them — a seeded
//! draw ([`World::replay`], what `simulate` runs) and the exact expectation
//! over the same draws ([`World::expected`], what the interception planner
//! optimises). Both call [`World::looks`] and [`World::catch`], so the
//! planner's figure is the simulator's by construction.

use super::respond::UnitSnap;
use super::{box_dist, box_gap, dist, group_speed_ms, is_day, Outcome, SimRoute, World};
use crate::plan::UnitLayer;
use geo::Coord;

/// A unit as the replay sees it: its timed path, where that path joins its
/// patrol graph, and the path's bounding box.
#[derive(Clone, Copy)]
pub struct Crew<'a> {
    pub layer: &'a UnitLayer,
    pub snap: Option<&'a UnitSnap>,
    pub bbox: (Coord, Coord),
}

/// Who looked.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LookBy {
    /// Index into [`World::sights`].
    Post(usize),
    /// Index into the crews.
    Unit(usize),
}

/// One chance to detect the group: a post's best look at the journey, or a
/// unit's look the first time it comes within the patrol radius.
#[derive(Clone, Copy, Debug)]
pub struct Look {
    /// When, seconds from the plan's start.
    pub t: f64,
    /// Sample index in travel order.
    pub k: usize,
    /// Probability the look succeeds.
    pub p: f64,
    /// State index of the looker.
    pub state: usize,
    pub by: LookBy,
}

/// A response that reaches the group.
#[derive(Clone, Copy, Debug)]
pub struct Catch {
    pub t: f64,
    pub crew: usize,
    pub at: Coord,
    pub pursuit: bool,
}

/// A crossing's timing: route `r` entered at `t0` in one direction.
#[derive(Clone, Copy)]
pub struct Pass<'r> {
    pub route: usize,
    pub rt: &'r SimRoute,
    pub t0: f64,
    pub forward: bool,
    n: usize,
    total: f64,
    v: f64,
}

impl<'r> Pass<'r> {
    pub fn new(w: &'r World, route: usize, t0: f64, forward: bool) -> Self {
        let rt = &w.routes[route];
        Pass {
            route,
            rt,
            t0,
            forward,
            n: rt.samples.len(),
            total: *rt.cum_m.last().unwrap(),
            v: group_speed_ms(rt.kind),
        }
    }
    /// Sample index of the `k`-th sample in travel order.
    pub fn idx(&self, k: usize) -> usize {
        if self.forward {
            k
        } else {
            self.n - 1 - k
        }
    }
    /// When the group is at the `k`-th sample in travel order.
    pub fn time_at(&self, k: usize) -> f64 {
        let m = self.rt.cum_m[self.idx(k)];
        self.t0 + if self.forward { m } else { self.total - m } / self.v
    }
    pub fn len(&self) -> usize {
        self.n
    }
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }
}

impl World<'_> {
    /// The plan's own units as crews.
    pub fn crews(&self) -> Vec<Crew<'_>> {
        self.units
            .iter()
            .enumerate()
            .map(|(i, u)| Crew {
                layer: u,
                snap: self.resp.unit_snap(i),
                bbox: self.unit_bbox[i],
            })
            .collect()
    }

    /// The look slots of a crossing, in the order the replay draws them:
    /// one per post, then one per crew near enough to the route; `None`
    /// where the slot has no look (its draw is still made).
    pub fn looks(&self, crews: &[Crew], ps: &Pass) -> Vec<Option<Look>> {
        let rt = ps.rt;
        let n = ps.len();
        let mut out = Vec::with_capacity(rt.looks.len() + crews.len());
        for (pi, looks) in rt.looks.iter().enumerate() {
            let best = looks
                .iter()
                .map(|&(i, pd, pn)| {
                    let k = if ps.forward { i } else { n - 1 - i };
                    let p = if is_day(ps.time_at(k), self.o.clock_offset_s) {
                        pd
                    } else {
                        pn
                    };
                    (p, k)
                })
                .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
            out.push(best.map(|(p, k)| Look {
                t: ps.time_at(k),
                k,
                p,
                state: self.post_state[pi],
                by: LookBy::Post(pi),
            }));
        }
        for (ui, c) in crews.iter().enumerate() {
            if box_gap(&c.bbox, &rt.bbox) > self.o.patrol_radius_m {
                continue;
            }
            out.push(self.crew_look(ui, c, ps));
        }
        out
    }

    /// Crew `ui`'s look at the crossing: the first time it is within the
    /// patrol radius of the group.
    pub fn crew_look(&self, ui: usize, c: &Crew, ps: &Pass) -> Option<Look> {
        let rt = ps.rt;
        if box_gap(&c.bbox, &rt.bbox) > self.o.patrol_radius_m {
            return None;
        }
        let u = c.layer;
        let first = (0..ps.len()).find(|&k| {
            u.position_at(ps.time_at(k))
                .is_some_and(|q| dist(q, rt.samples[ps.idx(k)]) <= self.o.patrol_radius_m)
        });
        first.map(|k| {
            let t = ps.time_at(k);
            Look {
                t,
                k,
                p: if is_day(t, self.o.clock_offset_s) {
                    self.o.patrol_p_day
                } else {
                    self.o.patrol_p_night
                },
                state: u.state,
                by: LookBy::Unit(ui),
            }
        })
    }

    /// The first response to reach the group after detection `det`: the
    /// units on shift that the agreements let act, along their patrol
    /// graphs, to the earliest point of the remaining journey they reach
    /// before the group (on the neighbour's side only in hot pursuit,
    /// within the agreed depth and time).
    pub fn catch(&self, crews: &[Crew], ps: &Pass, det: &Look) -> Option<Catch> {
        let rt = ps.rt;
        let n = ps.len();
        let (td, kd, dstate) = (det.t, det.k, det.state);
        let ag = &self.s.agreements;
        let track_crosses = ag.cross_border_observation || self.o.coop.shared_feeds;
        let mut best: Option<Catch> = None;
        for (ui, c) in crews.iter().enumerate() {
            let u = c.layer;
            let own = u.state == dstate;
            // the neighbour hears of it only through liaison, if the track
            // is kept alive across the line
            if !own && !self.o.coop.shared_feeds && !track_crosses {
                continue;
            }
            // a unit that sees the group itself acts at once (it is within
            // the patrol radius); an alarm from a post or another unit
            // takes the reaction time, and with shared feeds the neighbour
            // sees it at once; otherwise it comes through the liaison
            // officers
            let delay = if det.by == LookBy::Unit(ui) {
                0.0
            } else {
                self.o.reaction_s
                    + if own || self.o.coop.shared_feeds {
                        0.0
                    } else {
                        ag.liaison_delay_min * 60.0
                    }
            };
            // on shift, and near enough to matter: no unit moves faster
            // than its mode's top speed on its graph
            let Some(pos) = u.position_at(td) else {
                continue;
            };
            let left_s = ps.time_at(n - 1) - td - delay;
            if left_s < 0.0
                || box_dist(pos, &rt.bbox)
                    > left_s * crate::plan::graph::max_speed_ms(u.mode)
                        + crate::plan::DEFAULT_ACCESS_M
            {
                continue;
            }
            let Some(snap) = c.snap else { continue };
            let Some((lead, reach)) = self.resp.from_snap(snap, u, td, ps.route) else {
                continue;
            };
            let pursuit_at = |k: usize| rt.side[ps.idx(k)].is_some_and(|s| s != u.state);
            let allowed = |k: usize| {
                !pursuit_at(k)
                    || (self.o.coop.hot_pursuit
                        && ag.hot_pursuit
                        && rt.border_m[ps.idx(k)] <= ag.hot_pursuit_depth_km * 1000.0
                        && ps.time_at(k) - td <= ag.hot_pursuit_time_min * 60.0)
            };
            // the earliest point of the remaining path it reaches first
            let mut first: Option<usize> = None;
            for &(p, secs) in reach.iter() {
                let i = p as usize;
                let k = if ps.forward { i } else { n - 1 - i };
                if k < kd || first.is_some_and(|f| f <= k) {
                    continue;
                }
                if td + delay + lead + secs as f64 <= ps.time_at(k) && allowed(k) {
                    first = Some(k);
                }
            }
            if let Some(k) = first {
                let tk = ps.time_at(k);
                if best.as_ref().is_none_or(|b| tk < b.t) {
                    best = Some(Catch {
                        t: tk,
                        crew: ui,
                        at: rt.samples[ps.idx(k)],
                        pursuit: pursuit_at(k),
                    });
                }
            }
        }
        best
    }

    /// Replay route `r` from `t0` in one direction against the plan's units.
    pub fn replay(&self, r: usize, t0: f64, forward: bool, rng: &mut fastrand::Rng) -> Outcome {
        let crews = self.crews();
        self.replay_with(&crews, r, t0, forward, rng)
    }

    /// Replay against `crews`: each look drawn in slot order, the earliest
    /// success detects (ties: the earlier slot), then the response.
    pub fn replay_with(
        &self,
        crews: &[Crew],
        r: usize,
        t0: f64,
        forward: bool,
        rng: &mut fastrand::Rng,
    ) -> Outcome {
        let ps = Pass::new(self, r, t0, forward);
        let n = ps.len();
        let mut det: Option<Look> = None;
        for slot in self.looks(crews, &ps) {
            let draw = rng.f64();
            if let Some(l) = slot {
                if draw < l.p && det.as_ref().is_none_or(|d| l.t < d.t) {
                    det = Some(l);
                }
            }
        }
        let mut out = Outcome {
            route: r,
            start_s: t0,
            forward,
            into: ps.rt.side[ps.idx(n - 1)],
            detected_s: None,
            detected_by: None,
            detect_at: None,
            intercepted_s: None,
            intercepted_by: None,
            intercept_at: None,
            pursuit: false,
        };
        let Some(d) = det else {
            return out;
        };
        out.detected_s = Some(d.t);
        out.detected_by = Some(match d.by {
            LookBy::Post(pi) => format!("post {}", self.sights[pi].id),
            LookBy::Unit(ui) => format!("unit {}", crews[ui].layer.id),
        });
        out.detect_at = Some(ps.rt.samples[ps.idx(d.k)]);
        if let Some(c) = self.catch(crews, &ps, &d) {
            out.intercepted_s = Some(c.t);
            out.intercepted_by = Some(crews[c.crew].layer.id.clone());
            out.intercept_at = Some(c.at);
            out.pursuit = c.pursuit;
        }
        out
    }

    /// (P(detect), P(intercept)) of route `r` entered at `t0` against
    /// `crews`: the expectation over the looks' draws of what
    /// [`World::replay_with`] returns. Looks in time order (ties: slot
    /// order, as the replay breaks them); P(first success at look j) =
    /// p_j Π_{i<j} (1 − p_i), times whether the response to look j
    /// reaches the group.
    pub fn expected(&self, crews: &[Crew], r: usize, t0: f64, forward: bool) -> (f64, f64) {
        let ps = Pass::new(self, r, t0, forward);
        let mut looks: Vec<Look> = self
            .looks(crews, &ps)
            .into_iter()
            .flatten()
            .filter(|l| l.p > 0.0)
            .collect();
        looks.sort_by(|a, b| a.t.total_cmp(&b.t));
        let (mut miss, mut caught) = (1.0, 0.0);
        for l in &looks {
            if miss <= 0.0 {
                break;
            }
            if self.catch(crews, &ps, l).is_some() {
                caught += miss * l.p.min(1.0);
            }
            miss *= 1.0 - l.p.min(1.0);
        }
        (1.0 - miss, caught)
    }
}
