//! The planning run: shift staggering, route variants (mixed strategy),
//! joint against independent, baseline, lower bound, exact check.

pub use super::exact::ExactCheck;
use super::{r1, Eval, Plan, PlanMode, Planner, Track};
use crate::seed::mix as mix_seed;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashMap;

/// One route variant of the mixed strategy.
#[derive(Clone, Debug, Serialize)]
pub struct VariantInfo {
    pub index: usize,
    /// "joint" or "independent" (the joint search includes the independent
    /// plans: each is a valid joint plan).
    pub source: String,
    pub worst_idleness_min: f64,
    pub mean_idleness_min: f64,
    /// Loss of the worst idleness against the best variant, %.
    pub loss_pct: f64,
    pub in_mix: bool,
}

/// Figures of one State's units against its own target set.
#[derive(Clone, Debug, Serialize)]
pub struct StateFigures {
    pub state: String,
    pub units: usize,
    #[serde(flatten)]
    pub eval: Eval,
    pub baseline_worst_idleness_min: f64,
    pub lower_bound_worst_idleness_min: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Unpredictability {
    /// log2 of the number of plans the daily draw chooses among.
    pub strategy_entropy_bits: f64,
    /// Mean over watch points of the entropy (bits) of the hour of the first
    /// visit across those plans: 0 = always the same hour.
    pub visit_hour_entropy_bits: f64,
    /// The draw of each day (variant index).
    pub daily_draws: Vec<usize>,
}

/// Simulates a stop sequence of the exact check (visits, or None).
pub(super) type SimFn<'a> = &'a dyn Fn(&[usize]) -> Option<Vec<(usize, f64)>>;
/// Scores a visit list of the exact check.
pub(super) type ScoreFn<'a> = &'a dyn Fn(&[(usize, f64)]) -> f64;

#[derive(Clone)]
struct Issue {
    plan: Plan,
    eval: Eval,
    best_eval: Eval,
    variants: Vec<VariantInfo>,
    unpredictability: Unpredictability,
}

/// Result of `plan`.
pub struct PlanResult {
    /// The issued plan (each day from the variant drawn for it).
    pub plan: Plan,
    /// Its figures on the shared metric (joint weights, all units).
    pub eval: Eval,
    pub best_eval: Eval,
    pub baseline: Plan,
    pub baseline_eval: Eval,
    pub lower_bound_min: f64,
    /// In joint mode: the independent plan on the shared metric.
    pub independent_eval: Option<Eval>,
    pub per_state: Vec<StateFigures>,
    pub variants: Vec<VariantInfo>,
    pub unpredictability: Unpredictability,
    pub exact: Option<ExactCheck>,
    pub counted: Vec<bool>,
}

/// Exponents of idleness in the greedy's score, searched.
pub(super) const ALPHAS: [f64; 3] = [1.0, 2.0, 4.0];
/// Rounds of raising the weights of the worst points (min-max refinement).
pub(super) const REWEIGHT_ROUNDS: usize = 4;

impl Planner<'_> {
    /// Merge per-State plans into one plan over `all` units.
    fn merge(&self, all: &[usize], parts: Vec<Plan>) -> Plan {
        let mut tracks = vec![Track::default(); all.len()];
        let mut offsets = vec![0.0; all.len()];
        for p in parts {
            for (i, uk) in p.units.iter().enumerate() {
                let pos = all.iter().position(|x| x == uk).unwrap();
                tracks[pos] = p.tracks[i].clone();
                offsets[pos] = p.offsets[i];
            }
        }
        Plan {
            units: all.to_vec(),
            tracks,
            offsets,
        }
    }

    /// Each State planned alone with its own weights: the best staggering
    /// for each, then `variants` route variants.
    fn independent(&self, all: &[usize]) -> (Vec<f64>, Vec<Plan>) {
        let seed = self.o.seed;
        let mut offsets = vec![0.0; all.len()];
        let nst = self.s.states.len();
        let mut alphas = vec![1.0; nst];
        let mut plan_w: Vec<Vec<f64>> = vec![Vec::new(); nst];
        for st in 0..nst {
            let us = self.units_of(Some(st));
            if us.is_empty() {
                continue;
            }
            let w = self.weights(st);
            let counted = self.counted(&us, &w);
            let cands: Vec<Vec<f64>> = (0..self.o.stagger_candidates.max(1))
                .map(|c| {
                    if c == 0 {
                        self.stagger(&us, 0, None)
                    } else {
                        let mut rng =
                            fastrand::Rng::with_seed(mix_seed(seed, 1 + st as u64, c as u64));
                        let rot = rng.usize(0..3);
                        self.stagger(&us, rot, Some(&mut rng))
                    }
                })
                .collect();
            let (off, alpha, pw) = self.search(&us, &w, &counted, cands);
            alphas[st] = alpha;
            plan_w[st] = pw;
            for (i, uk) in us.iter().enumerate() {
                let pos = all.iter().position(|x| x == uk).unwrap();
                offsets[pos] = off[i];
            }
        }
        let plans: Vec<Plan> = (0..self.o.variants.max(1))
            .into_par_iter()
            .map(|v| {
                let parts: Vec<Plan> = (0..nst)
                    .filter_map(|st| {
                        let us = self.units_of(Some(st));
                        if us.is_empty() {
                            return None;
                        }
                        let off: Vec<f64> = us
                            .iter()
                            .map(|uk| offsets[all.iter().position(|x| x == uk).unwrap()])
                            .collect();
                        let noise = if v == 0 { 0.0 } else { 0.25 };
                        Some(self.run(
                            &us,
                            &off,
                            &plan_w[st],
                            alphas[st],
                            noise,
                            mix_seed(seed, 100 + st as u64, v as u64),
                        ))
                    })
                    .collect();
                self.merge(all, parts)
            })
            .collect();
        (offsets, plans)
    }

    /// The best (staggering, alpha) over the candidate staggerings and
    /// alpha ∈ {1, 2, 4}, each planned without noise.
    fn search(
        &self,
        units: &[usize],
        w: &[f64],
        counted: &[bool],
        cands: Vec<Vec<f64>>,
    ) -> (Vec<f64>, f64, Vec<f64>) {
        let combos: Vec<(usize, f64)> = (0..cands.len())
            .flat_map(|c| ALPHAS.into_iter().map(move |a| (c, a)))
            .collect();
        let evals: Vec<Eval> = combos
            .par_iter()
            .map(|&(c, a)| {
                let p = self.run(units, &cands[c], w, a, 0.0, 0);
                self.evaluate(&p, w, counted, None)
            })
            .collect();
        let mut bi = 0;
        for i in 1..evals.len() {
            if evals[i].better_than(&evals[bi]) {
                bi = i;
            }
        }
        let (off, alpha) = (cands[combos[bi].0].clone(), combos[bi].1);
        // Min-max refinement: plan again with the weights of the points
        // that set the worst idleness raised, keep what scores better on
        // the true weights.
        let mut best_eval = evals[bi].clone();
        let mut best_w = w.to_vec();
        let mut plan_w = w.to_vec();
        let mut e = best_eval.clone();
        for _ in 0..REWEIGHT_ROUNDS {
            let worst = e.worst_idleness_min * 60.0;
            for (p, pe) in e.per_point.iter().enumerate() {
                if counted[p] && pe.weight_norm * pe.max_gap_s >= 0.9 * worst {
                    plan_w[p] *= 1.6;
                }
            }
            let plan = self.run(units, &off, &plan_w, alpha, 0.0, 0);
            e = self.evaluate(&plan, w, counted, None);
            if e.better_than(&best_eval) {
                best_eval = e.clone();
                best_w = plan_w.clone();
            }
        }
        (off, alpha, best_w)
    }

    /// Both States' units against one shared target set.
    fn joint(&self, all: &[usize], indep_offsets: &[f64]) -> Vec<Plan> {
        let seed = self.o.seed;
        let w = self.weights(self.joint_view());
        let counted = self.counted(all, &w);
        let mut cands: Vec<Vec<f64>> = (0..self.o.stagger_candidates.max(1))
            .map(|c| {
                if c == 0 {
                    self.stagger(all, 0, None)
                } else {
                    let mut rng = fastrand::Rng::with_seed(mix_seed(seed, 50, c as u64));
                    let rot = rng.usize(0..3);
                    self.stagger(all, rot, Some(&mut rng))
                }
            })
            .collect();
        cands.push(indep_offsets.to_vec());
        let (off, alpha, pw) = self.search(all, &w, &counted, cands);
        let off = &off;
        (0..self.o.variants.max(1))
            .into_par_iter()
            .map(|v| {
                let noise = if v == 0 { 0.0 } else { 0.25 };
                self.run(all, off, &pw, alpha, noise, mix_seed(seed, 200, v as u64))
            })
            .collect()
    }

    /// Day `d` of `plan` (points, visits and shift of that day).
    fn day_of(&self, plan: &Plan, k: usize, d: usize) -> Track {
        let (lo, hi) = (d as f64 * self.period_s, (d + 1) as f64 * self.period_s);
        let tr = &plan.tracks[k];
        let last_day = d + 1 == self.days;
        let inside = |t: f64| t >= lo - 1e-6 && (t < hi - 1e-6 || (last_day && t <= hi + 1e-6));
        Track {
            points: tr.points.iter().copied().filter(|x| inside(x.1)).collect(),
            visits: tr.visits.iter().copied().filter(|x| inside(x.1)).collect(),
            shifts: tr.shifts.iter().copied().filter(|x| inside(x.0)).collect(),
        }
    }

    /// Choose the mix among `cands` (within `max_loss` of the best and no
    /// worse than `cap`), draw one variant per day and assemble the plan.
    fn issue(
        &self,
        all: &[usize],
        cands: &[(String, Plan)],
        wj: &[f64],
        counted: &[bool],
        cap: f64,
    ) -> Issue {
        let evals: Vec<Eval> = cands
            .par_iter()
            .map(|(_, p)| self.evaluate(p, wj, counted, None))
            .collect();
        let mut bi = 0;
        for i in 1..evals.len() {
            if evals[i].better_than(&evals[bi]) {
                bi = i;
            }
        }
        let best = evals[bi].worst_idleness_min;
        let limit = (best * (1.0 + self.o.max_loss)).min(cap.max(best));
        let variants: Vec<VariantInfo> = evals
            .iter()
            .zip(cands)
            .enumerate()
            .map(|(i, (e, c))| VariantInfo {
                index: i,
                source: c.0.clone(),
                worst_idleness_min: e.worst_idleness_min,
                mean_idleness_min: e.mean_idleness_min,
                loss_pct: if best > 0.0 {
                    r1(100.0 * (e.worst_idleness_min - best) / best)
                } else {
                    0.0
                },
                // over several days, every day's shifts start at the same
                // times (rest between shifts stays 24 h − shift)
                in_mix: e.worst_idleness_min <= limit + 1e-9
                    && (self.days == 1 || c.1.offsets == cands[bi].1.offsets),
            })
            .collect();
        let mix: Vec<usize> = variants
            .iter()
            .filter(|v| v.in_mix)
            .map(|v| v.index)
            .collect();
        // Draw a variant per day.
        let draws: Vec<usize> = (0..self.days)
            .map(|d| {
                let mut rng = fastrand::Rng::with_seed(mix_seed(self.o.seed, 300, d as u64));
                mix[rng.usize(0..mix.len())]
            })
            .collect();
        let tracks: Vec<Track> = (0..all.len())
            .map(|k| {
                let mut t = Track::default();
                for (d, &v) in draws.iter().enumerate() {
                    let day = self.day_of(&cands[v].1, k, d);
                    t.points.extend(day.points);
                    t.visits.extend(day.visits);
                    t.shifts.extend(day.shifts);
                }
                t
            })
            .collect();
        let plan = Plan {
            units: all.to_vec(),
            offsets: cands[draws[0]].1.offsets.clone(),
            tracks,
        };
        let eval = self.evaluate(&plan, wj, counted, None);
        let unpredictability = self.unpredictability(cands, &mix, counted, draws);
        Issue {
            plan,
            eval,
            best_eval: evals[bi].clone(),
            variants,
            unpredictability,
        }
    }

    /// Unpredictability across the mix: its size in bits and the mean
    /// entropy of each counted point's first visit hour over the variants.
    fn unpredictability(
        &self,
        cands: &[(String, Plan)],
        mix: &[usize],
        counted: &[bool],
        draws: Vec<usize>,
    ) -> Unpredictability {
        // each variant's first visit of each point within the period, from
        // one pass over its visits
        let firsts: Vec<Vec<f64>> = mix
            .iter()
            .map(|&v| {
                let mut first = vec![f64::INFINITY; self.points.len()];
                for x in cands[v].1.tracks.iter().flat_map(|t| t.visits.iter()) {
                    if x.1 < self.period_s {
                        first[x.0] = first[x.0].min(x.1);
                    }
                }
                first
            })
            .collect();
        let mut ent_sum = 0.0;
        let mut ent_n = 0;
        for p in (0..self.points.len()).filter(|&p| counted[p]) {
            let mut bins: HashMap<i64, usize> = HashMap::new();
            for f in &firsts {
                let first = f[p];
                let bin = if first.is_finite() {
                    (first / 3600.0) as i64
                } else {
                    -1
                };
                *bins.entry(bin).or_default() += 1;
            }
            let n = mix.len() as f64;
            ent_sum += bins
                .values()
                .map(|&c| {
                    let q = c as f64 / n;
                    -q * q.log2()
                })
                .sum::<f64>();
            ent_n += 1;
        }
        Unpredictability {
            strategy_entropy_bits: r3((mix.len() as f64).log2()),
            visit_hour_entropy_bits: r3(if ent_n > 0 {
                ent_sum / ent_n as f64
            } else {
                0.0
            }),
            daily_draws: draws,
        }
    }

    /// The full planning run (in the options' mode).
    pub fn solve(&self) -> PlanResult {
        self.solve_modes(&[self.o.mode])
            .pop()
            .expect("one result per mode")
    }

    /// The planning run for several modes at once, in the order asked: the
    /// joint run computes the independent plan anyway (it is a candidate
    /// and the cap), and the baseline, bounds and exact check do not depend
    /// on the mode, so both cost little more than the joint one. Each
    /// result is what [`Planner::solve`] gives in that mode.
    pub fn solve_modes(&self, modes: &[PlanMode]) -> Vec<PlanResult> {
        let progress = &self.o.assess.progress;
        progress.stage("patrol routes", 4);
        let all = self.units_of(None);
        let jv = self.joint_view();
        let wj = self.weights(jv);
        let counted = self.counted(&all, &wj);
        let (indep_offsets, indep_plans) = self.independent(&all);
        let indep_cands: Vec<(String, Plan)> = indep_plans
            .into_iter()
            .map(|p| ("independent".to_string(), p))
            .collect();
        // What `--mode independent` issues, drawn with the same seed.
        let indep = self.issue(&all, &indep_cands, &wj, &counted, f64::INFINITY);
        progress.add(1);
        let joint = modes.contains(&PlanMode::Joint).then(|| {
            let mut cands: Vec<(String, Plan)> = self
                .joint(&all, &indep_offsets)
                .into_iter()
                .map(|p| (PlanMode::Joint.as_str().to_string(), p))
                .collect();
            cands.extend(indep_cands.iter().cloned());
            // No plan in the joint mix is worse than the independent
            // plan; should the daily draws still end worse (several days
            // from different variants), issue the independent plan.
            let cap = indep.eval.worst_idleness_min;
            let mut j = self.issue(&all, &cands, &wj, &counted, cap);
            if indep.eval.better_than(&j.eval) {
                j.plan = indep.plan.clone();
                j.eval = indep.eval.clone();
            }
            j
        });
        progress.add(1);
        // Baseline with the independent staggering.
        let baseline = self.baseline(&all, &indep_offsets);
        let baseline_eval = self.evaluate(&baseline, &wj, &counted, None);
        let lower_bound_min = self.lower_bound_min(&all, &wj, &counted);
        // per State: its units, weights, counted points, bound
        let states: Vec<_> = (0..self.s.states.len())
            .map(|st| {
                let us = self.units_of(Some(st));
                let w = self.weights(st);
                let c = self.counted(&us, &w);
                let bound = self.lower_bound_min(&us, &w, &c);
                let base = self
                    .evaluate(&baseline, &w, &c, Some(st))
                    .worst_idleness_min;
                (st, us, w, c, bound, base)
            })
            .collect();
        progress.add(1);
        let exact = self.exact_check(&wj);
        progress.add(1);
        modes
            .iter()
            .map(|mode| {
                let (issue, independent_eval) = match mode {
                    PlanMode::Independent => (indep.clone(), None),
                    PlanMode::Joint => (
                        joint.clone().expect("planned when Joint is asked for"),
                        Some(indep.eval.clone()),
                    ),
                };
                let Issue {
                    plan,
                    eval,
                    best_eval,
                    variants,
                    unpredictability,
                } = issue;
                let per_state = states
                    .iter()
                    .map(|(st, us, w, c, bound, base)| StateFigures {
                        state: self.s.states[*st].id.to_string(),
                        units: us.len(),
                        eval: self.evaluate(&plan, w, c, Some(*st)),
                        baseline_worst_idleness_min: *base,
                        lower_bound_worst_idleness_min: *bound,
                    })
                    .collect();
                PlanResult {
                    best_eval,
                    plan,
                    eval,
                    baseline: baseline.clone(),
                    baseline_eval: baseline_eval.clone(),
                    lower_bound_min,
                    independent_eval,
                    per_state,
                    variants,
                    unpredictability,
                    exact: exact.clone(),
                    counted: counted.clone(),
                }
            })
            .collect()
    }
}

fn r3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}
