//! The exact check: the idleness optimum by brute force on a small
//! sub-instance, against the greedy on the same instance (how far the
//! heuristic is from optimal, in `plan.json`'s `exact_check`).

use super::solve::{ScoreFn, SimFn, ALPHAS, REWEIGHT_ROUNDS};
use super::{leg_path, r1, Planner};
use serde::Serialize;

/// The exact optimum on a small sub-instance, against the greedy.
#[derive(Clone, Debug, Serialize)]
pub struct ExactCheck {
    pub unit: String,
    pub watch_points: Vec<String>,
    pub max_stops: usize,
    pub sequences_tried: usize,
    pub greedy_worst_idleness_min: f64,
    pub optimum_worst_idleness_min: f64,
    /// greedy / optimum (1 = optimal).
    pub ratio: f64,
}

impl Planner<'_> {
    /// Exact optimum by brute force on a small sub-instance: the first unit
    /// with at least 3 reachable watch points, its 5 highest-weight
    /// reachable points, one shift (window = the shift, not cyclic), every
    /// sequence of up to 6 stops; against the greedy on the same instance.
    pub fn exact_check(&self, weights: &[f64]) -> Option<ExactCheck> {
        const MAX_STOPS: usize = 6;
        let (k, pts) = self.units.iter().enumerate().find_map(|(k, u)| {
            let mut pts: Vec<usize> = (0..self.points.len())
                .filter(|&p| u.reach[p] && weights[p] > 0.0)
                .collect();
            pts.sort_by(|&a, &b| weights[b].total_cmp(&weights[a]).then(a.cmp(&b)));
            pts.truncate(5);
            (pts.len() >= 3).then_some((k, pts))
        })?;
        let u = &self.units[k];
        let gc = &self.graphs[u.graph];
        let mut w = vec![0.0; self.points.len()];
        for &p in &pts {
            w[p] = weights[p];
        }
        let wmax = pts.iter().map(|&p| w[p]).fold(0.0, f64::max);
        let shift = u.shift_s;
        // objective of a visit list over [0, shift], linear
        // weighted longest gap of point p over [0, shift], linear
        let gap_of = |visits: &[(usize, f64)], p: usize| -> f64 {
            let mut v: Vec<f64> = visits.iter().filter(|x| x.0 == p).map(|x| x.1).collect();
            v.sort_by(|a, b| a.total_cmp(b));
            let mut prev = 0.0;
            let mut g = 0.0f64;
            for t in v {
                g = g.max(t - prev);
                prev = t;
            }
            g = g.max(shift - prev);
            w[p] / wmax * g
        };
        let score = |visits: &[(usize, f64)]| -> f64 {
            pts.iter().map(|&p| gap_of(visits, p)).fold(0.0, f64::max)
        };
        // simulate a stop sequence: visits, or None if infeasible
        let sim = |seq: &[usize]| -> Option<Vec<(usize, f64)>> {
            let (mut x, mut t) = (u.home, 0.0);
            let mut visits = Vec::new();
            for &p in seq {
                let v = gc.visit[p]?;
                let path = leg_path(u, gc, x, v)?;
                for &(n, dt) in path.iter().skip(1) {
                    if let Some(ps) = gc.at_node.get(&(n.index() as u32)) {
                        for &q in ps {
                            if w[q] > 0.0 {
                                visits.push((q, t + dt));
                            }
                        }
                    }
                }
                t += path.last()?.1;
                x = v;
            }
            let back = if x == u.home { 0.0 } else { u.to_home.time(x)? };
            (t + back <= shift).then_some(visits)
        };
        let mut best = score(&[]);
        let mut tried = 0usize;
        let mut seq: Vec<usize> = Vec::new();
        rec(
            &mut seq, &pts, MAX_STOPS, &sim, &score, &mut best, &mut tried,
        );
        // The greedy on the same instance: one unit, one shift from 0.
        // The planner on the same instance: the greedy with each exponent
        // and the min-max refinement, as in `search`.
        let mut greedy = f64::INFINITY;
        for alpha in ALPHAS {
            let mut plan_w = w.clone();
            for _ in 0..=REWEIGHT_ROUNDS {
                let visits = self.run_one_shift(k, &plan_w, alpha, MAX_STOPS);
                greedy = greedy.min(score(&visits));
                // raise the weights of the points that set the worst
                let gaps: Vec<(usize, f64)> =
                    pts.iter().map(|&p| (p, gap_of(&visits, p))).collect();
                let worst = gaps.iter().map(|g| g.1).fold(0.0, f64::max);
                for (p, g) in gaps {
                    if g >= 0.9 * worst {
                        plan_w[p] *= 1.6;
                    }
                }
            }
        }
        let opt = best;
        Some(ExactCheck {
            unit: self.s.units[u.unit].id.to_string(),
            watch_points: pts.iter().map(|&p| self.points[p].id.clone()).collect(),
            max_stops: MAX_STOPS,
            sequences_tried: tried,
            greedy_worst_idleness_min: r1(greedy / 60.0),
            optimum_worst_idleness_min: r1(opt / 60.0),
            ratio: if opt > 0.0 { r3(greedy / opt) } else { 1.0 },
        })
    }
}

fn r3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// Every stop sequence of up to `max` stops over `pts` (no stop twice in
/// a row) that `sim` finds feasible, depth first; the best `score` so far
/// in `best`, the sequences tried in `tried`.
fn rec(
    seq: &mut Vec<usize>,
    pts: &[usize],
    max: usize,
    sim: SimFn,
    score: ScoreFn,
    best: &mut f64,
    tried: &mut usize,
) {
    if seq.len() == max {
        return;
    }
    for &p in pts {
        if seq.last() == Some(&p) {
            continue;
        }
        seq.push(p);
        *tried += 1;
        if let Some(v) = sim(seq) {
            let s = score(&v);
            if s < *best {
                *best = s;
            }
            rec(seq, pts, max, sim, score, best, tried);
        }
        seq.pop();
    }
}
