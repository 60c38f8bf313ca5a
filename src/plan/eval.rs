//! A plan's idleness against a set of weights, and the lower bound on the
//! worst idleness any plan of the same units can reach.

use super::{graph, r1, Plan, Planner, DAY_S};
use geo::Coord;
use serde::Serialize;

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

impl Planner<'_> {
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
            let forest =
                super::forest::spanning_forest_m(&pts, units.len(), 2.0 * self.o.observe_m);
            let mut i = forest / speed;
            if self.cyclic {
                i = i.max(DAY_S * forest / speed_duty);
            }
            best = best.max(th * i.min(h));
        }
        r1(best / 60.0)
    }
}
