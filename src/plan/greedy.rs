//! The event-driven greedy with reservations: shift slots and their
//! staggering, a pass over the horizon, each free unit's choice of the next
//! watch point and the walk there (points passed on the way count).

use super::{leg_path, Plan, Planner, Track, UnitCtx, MIN_REVISIT_S, TAU0_S};
use petgraph::graph::NodeIndex;
use std::collections::BinaryHeap;

impl Planner<'_> {
    /// Shift start slots of a unit within a period.
    pub(super) fn slots(&self, k: usize) -> Vec<f64> {
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
    pub(super) fn stagger(
        &self,
        units: &[usize],
        rot: usize,
        rng: Option<&mut fastrand::Rng>,
    ) -> Vec<f64> {
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
    pub(super) fn run_pass(
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
                    let leave = self.stay(u, target, arrive, weights, last, &mut tracks[k]);
                    heap.push(Ev(leave, k, target));
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
    pub(super) fn choose(
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
            // (the stay there too)
            if a + self.dwell_s() + back > end {
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
    pub(super) fn walk(
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
            self.watch(u, n, t + dt, weights, last, tr);
        }
        Some(t + path.last().map(|x| x.1).unwrap_or(0.0))
    }

    /// Unit `u` at node `n` at time `at`: a track point, and a visit (and
    /// reservation) of each watch point seen from there.
    fn watch(
        &self,
        u: &UnitCtx,
        n: NodeIndex,
        at: f64,
        weights: &[f64],
        last: &mut [f64],
        tr: &mut Track,
    ) {
        tr.points.push((n, at));
        let gc = &self.graphs[u.graph];
        for &p in gc.at_node.get(&(n.index() as u32)).into_iter().flatten() {
            if weights[p] > 0.0 && u.reach[p] {
                tr.visits.push((p, at));
                if at > last[p] {
                    last[p] = at;
                }
            }
        }
    }

    /// The stay at a watch point's node `n` reached at `arrive`: with a
    /// dwell, the unit stands there (a second track point) and the points
    /// there are watched until it leaves; the time it leaves.
    fn stay(
        &self,
        u: &UnitCtx,
        n: NodeIndex,
        arrive: f64,
        weights: &[f64],
        last: &mut [f64],
        tr: &mut Track,
    ) -> f64 {
        let dwell = self.dwell_s();
        if dwell <= 0.0 {
            return arrive;
        }
        let leave = arrive + dwell;
        self.watch(u, n, leave, weights, last, tr);
        leave
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
            t = self.stay(u, target, a, weights, &mut last, &mut tr);
        }
        tr.visits
    }
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
