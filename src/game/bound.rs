//! The game over marginals: an upper bound on its value, and the units'
//! marginals that a mix can be drawn from.
//!
//! A crossing is intercepted when its first successful look is followed by
//! a catch ([`crate::sim::World::expected`]). The posts' looks do not
//! depend on the plan: post look j is the first success among the posts'
//! looks with probability w_j = p_j Π_{i<j} (1 − p_i), and after it some
//! unit catches exactly when one of the units, each on its own, would
//! ([`crate::sim::World::catch`] takes the earliest over units). So
//!
//!   P(intercept) ≤ Σ_j w_j · 1[∃ unit i: i catches after j]
//!                + Σ_i p_i · Π_{post looks before i's} (1 − p)
//!
//! where the second sum runs over the units' own looks (a unit's look is
//! first only when every earlier post look failed). Post look j is first
//! only if every unit's earlier own look failed too, so with a_i(j) = 1 −
//! p_i when unit i's own look comes before j (else 1), over a mixed
//! strategy the first term's indicator is at most min(1, Σ_i a_i(j) ·
//! P(unit i's schedule catches after j)): linear in each unit's marginals
//! over its schedules. Maximising the
//! guaranteed score over marginals is an LP (the compact game of the
//! security-games literature); its value bounds the game's value over the
//! schedules considered, and any subset of targets only raises it. Its
//! marginals are where the defenders want their units: joint plans drawn
//! from them seed the master.

use super::oracle::relevant;
use super::targets::entries;
use super::Game;
use crate::error::{Error, Result};
use crate::sim::{Crew, Look, Pass};
use good_lp::{clarabel, constraint, variable, Expression, Solution, SolverModel, Variable};
use rayon::prelude::*;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Effects computed so far, by (schedule, target, entry index); `None`:
/// the schedule does nothing there. The bound is solved every few rounds
/// over mostly the same rows.
pub type Effects = Mutex<HashMap<(usize, usize, usize), Option<Arc<Effect>>>>;

/// One candidate's effects: (row, effect) for the rows it acts on.
type Sparse = Vec<(usize, Arc<Effect>)>;

/// The marginal game's solution.
#[derive(Clone, Debug)]
pub struct Relaxed {
    /// The bound on the guarantee (at least the floor given).
    pub value: f64,
    /// Per unit in play, the probability of each of its candidates (in
    /// the order given; empty for a unit without one).
    pub marginals: Vec<Vec<f64>>,
}

/// One crossing (target, entry) as the relaxation sees it.
struct Row {
    target: usize,
    /// Post looks in time order: first-success weight w_j.
    weights: Vec<f64>,
    looks: Vec<Look>,
}

/// What schedule `c` does for a row: the post looks after which it
/// catches, each with its weight a(j) (1 − p of the unit's own look when
/// that comes first, else 1), and its own look's first-success weight.
#[derive(Default)]
pub struct Effect {
    catches: Vec<(usize, u64)>,
    own: f64,
}

impl Effect {
    fn acts(&self) -> bool {
        !self.catches.is_empty() || self.own > 0.0
    }
}

fn row(g: &Game, t: usize, t0: f64) -> Row {
    let tg = &g.targets[t];
    let ps = Pass::new(g.w, tg.route, t0, tg.forward);
    let mut looks: Vec<Look> =
        g.w.looks(&[], &ps)
            .into_iter()
            .flatten()
            .filter(|l| l.p > 0.0)
            .collect();
    looks.sort_by(|a, b| a.t.total_cmp(&b.t));
    let mut miss = 1.0;
    let weights = looks
        .iter()
        .map(|l| {
            let p = l.p.min(1.0);
            let w = miss * p;
            miss *= 1.0 - p;
            w
        })
        .collect();
    Row {
        target: t,
        weights,
        looks,
    }
}

fn effect(g: &Game, c: usize, r: &Row, t0: f64) -> Effect {
    let tg = &g.targets[r.target];
    if !relevant(g, c, tg.route) {
        return Effect::default();
    }
    let sc = &g.pool[c];
    let crew = [Crew {
        layer: &sc.layer,
        snap: sc.snap.as_ref(),
        bbox: sc.bbox,
    }];
    let ps = Pass::new(g.w, tg.route, t0, tg.forward);
    let look = g.w.crew_look(0, &crew[0], &ps).filter(|l| l.p > 0.0);
    // post look j is first only if the unit's own earlier look failed
    let catches = (0..r.looks.len())
        .filter(|&j| g.w.catch(&crew, &ps, &r.looks[j]).is_some())
        .map(|j| {
            let a = match &look {
                // at the same time the post's look comes first (the
                // simulator's order: posts, then units)
                Some(l) if l.t < r.looks[j].t => 1.0 - l.p.min(1.0),
                _ => 1.0,
            };
            (j, f64::to_bits(a))
        })
        .collect();
    // the unit's own look, first only if every earlier post look failed
    let own = look
        .map(|l| {
            let before: f64 = r
                .looks
                .iter()
                .filter(|pl| pl.t <= l.t)
                .map(|pl| 1.0 - pl.p.min(1.0))
                .product();
            l.p.min(1.0) * before
        })
        .unwrap_or(0.0);
    Effect { catches, own }
}

/// Per unit and candidate: its effect on each row it acts on (`keys`:
/// target, entry, entry time), from the cache where an earlier bound
/// computed it. Sparse: a unit acts on the few routes near it.
fn effects(
    g: &Game,
    keys: &[(usize, usize, f64)],
    rows: &[Row],
    cands: &[Vec<usize>],
) -> Vec<Vec<Sparse>> {
    let mut by_route: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
    for (r, &(t, _, _)) in keys.iter().enumerate() {
        by_route.entry(g.targets[t].route).or_default().push(r);
    }
    // per candidate, the rows of the routes it can matter to
    let near = |c: usize| -> Vec<usize> {
        by_route
            .iter()
            .filter(|(&route, _)| relevant(g, c, route))
            .flat_map(|(_, rs)| rs.iter().copied())
            .collect()
    };
    let mut cache = g.effects.lock().unwrap_or_else(|e| e.into_inner());
    let near: HashMap<usize, Vec<usize>> = cands.iter().flatten().map(|&c| (c, near(c))).collect();
    let mut todo: Vec<(usize, usize)> = near
        .iter()
        .flat_map(|(&c, rs)| rs.iter().map(move |&r| (c, r)))
        .filter(|&(c, r)| !cache.contains_key(&(c, keys[r].0, keys[r].1)))
        .collect();
    todo.sort_unstable();
    let made: Vec<Option<Arc<Effect>>> = todo
        .par_iter()
        .map(|&(c, r)| {
            let e = effect(g, c, &rows[r], keys[r].2);
            e.acts().then(|| Arc::new(e))
        })
        .collect();
    for (&(c, r), e) in todo.iter().zip(made) {
        cache.insert((c, keys[r].0, keys[r].1), e);
    }
    cands
        .iter()
        .map(|cs| {
            cs.iter()
                .map(|c| {
                    near[c]
                        .iter()
                        .filter_map(|&r| {
                            let (t, e, _) = keys[r];
                            let got = cache.get(&(*c, t, e)).cloned().flatten()?;
                            Some((r, got))
                        })
                        .collect()
                })
                .collect()
        })
        .collect()
}

/// The candidates (indices into `ei`, by their effects on each row) that
/// do something and do it differently from every earlier one.
fn distinct(ei: &[Sparse]) -> Vec<usize> {
    type Sig<'e> = Vec<(usize, &'e [(usize, u64)], u64)>;
    let mut seen: std::collections::HashSet<Sig> = Default::default();
    let mut out = Vec::new();
    for (c, rows) in ei.iter().enumerate() {
        let sig: Sig = rows
            .iter()
            .map(|(r, e)| (*r, e.catches.as_slice(), e.own.to_bits()))
            .collect();
        if !sig.is_empty() && seen.insert(sig) {
            out.push(c);
        }
    }
    out
}

/// The marginal game over the targets `in_play` and, per unit in play,
/// the candidate schedules `cands` (pool indices): max v such that, for
/// every target, v ≤ 1 − value + value · (mean over its entries of z),
/// z ≤ min(1, Σ_j w_j y_j + Σ_ic m_ic own_ic), y_j ≤ min(1, Σ_ic m_ic
/// a_ic(j) catches_ic(j)), each unit's marginals m_i· summing to at most 1 (the
/// rest is a schedule that does nothing on these rows). `floor` (a
/// guarantee achieved) is a lower limit of the value reported.
pub fn relaxed(g: &Game, in_play: &[usize], cands: &[Vec<usize>], floor: f64) -> Result<Relaxed> {
    let per = g.o.entries_per_hour.max(1);
    let keys: Vec<(usize, usize, f64)> = in_play
        .iter()
        .flat_map(|&t| {
            entries(g.targets[t].hour, per)
                .enumerate()
                .map(move |(e, t0)| (t, e, t0))
        })
        .collect();
    let rows: Vec<Row> = keys.par_iter().map(|&(t, _, t0)| row(g, t, t0)).collect();
    let eff = effects(g, &keys, &rows, cands);
    // per unit, one candidate for each distinct effect on these rows (the
    // rest do the same, or nothing): exact, and the LP far smaller
    let kept: Vec<Vec<usize>> = eff.iter().map(|ei| distinct(ei)).collect();
    // per row, what each kept candidate (unit, candidate) does there
    let mut by_row: Vec<Vec<(usize, usize, Arc<Effect>)>> = vec![Vec::new(); rows.len()];
    for (i, (ei, k)) in eff.into_iter().zip(&kept).enumerate() {
        for (c, &full) in k.iter().enumerate() {
            for (r, e) in &ei[full] {
                by_row[*r].push((i, c, e.clone()));
            }
        }
    }
    let mut vars = good_lp::variables!();
    let v = vars.add(variable().min(0.0).max(1.0));
    let m: Vec<Vec<Variable>> = kept
        .iter()
        .map(|cs| {
            cs.iter()
                .map(|_| vars.add(variable().min(0.0).max(1.0)))
                .collect()
        })
        .collect();
    // at most 1: the mass left over is a schedule that does nothing here
    let mut constraints = Vec::new();
    for mi in &m {
        if !mi.is_empty() {
            let s: Expression = mi.iter().copied().sum();
            constraints.push(constraint!(s <= 1.0));
        }
    }
    // one y per distinct covering set: y_S = min(1, Σ_{c∈S} m_c) is the
    // same wherever S covers a look, so looks (of any row) that the same
    // schedules catch after share it — exact, and it keeps the LP sparse
    let mut ys: HashMap<Vec<(usize, usize, u64)>, Variable> = HashMap::new();
    let mut z = Vec::with_capacity(rows.len());
    for (ri, r) in rows.iter().enumerate() {
        let mut zr = Expression::from(0.0);
        let mut sets: Vec<Vec<(usize, usize, u64)>> = vec![Vec::new(); r.looks.len()];
        for (i, c, e) in &by_row[ri] {
            for &(j, a) in &e.catches {
                sets[j].push((*i, *c, a));
            }
        }
        for (j, set) in sets.into_iter().enumerate() {
            if set.is_empty() {
                continue;
            }
            let y = match ys.get(&set) {
                Some(y) => *y,
                None => {
                    let covering: Expression = set
                        .iter()
                        .map(|&(i, c, a)| f64::from_bits(a) * m[i][c])
                        .sum();
                    let y = vars.add(variable().min(0.0).max(1.0));
                    constraints.push(constraint!(y <= covering));
                    ys.insert(set, y);
                    y
                }
            };
            zr += r.weights[j] * y;
        }
        for (i, c, e) in &by_row[ri] {
            if e.own > 0.0 {
                zr += e.own * m[*i][*c];
            }
        }
        let zv = vars.add(variable().min(0.0).max(1.0));
        constraints.push(constraint!(zv <= zr));
        z.push(zv);
    }
    for (k, &t) in in_play.iter().enumerate() {
        let val = g.targets[t].value;
        let zs: Expression = z[k * per..(k + 1) * per].iter().copied().sum();
        constraints.push(constraint!(v <= (1.0 - val) + (val / per as f64) * zs));
    }
    if std::env::var_os("BW_GAME_DEBUG").is_some() {
        let nnz: usize = ys.keys().map(|k| k.len()).sum();
        eprintln!(
            "bound: {} rows, {} candidates ({} distinct), {} covering sets ({nnz} terms)",
            rows.len(),
            cands.iter().map(|c| c.len()).sum::<usize>(),
            kept.iter().map(|c| c.len()).sum::<usize>(),
            ys.len()
        );
    }
    let mut lp = vars.maximise(v).using(clarabel);
    for c in constraints {
        lp = lp.with(c);
    }
    let sol = lp
        .solve()
        .map_err(|e| Error::Solver(format!("interception game: the bound's LP failed: {e}")))?;
    Ok(Relaxed {
        value: sol.value(v).max(floor).min(1.0),
        marginals: m
            .iter()
            .zip(&kept)
            .zip(cands)
            .map(|((mi, k), cs)| every_candidate(mi.iter().map(|x| sol.value(*x)), k, cs.len()))
            .collect(),
    })
}

/// A unit's marginals over all its `n` candidates from those over the
/// `kept` ones: the mass left over spread in proportion (every effect
/// helps, so none is lost).
fn every_candidate(kept_mass: impl Iterator<Item = f64>, kept: &[usize], n: usize) -> Vec<f64> {
    let mut full = vec![0.0; n];
    for (x, &c) in kept_mass.zip(kept) {
        full[c] = super::lp::clean(x);
    }
    let tot: f64 = full.iter().sum();
    if tot > 0.0 {
        full.iter_mut().for_each(|p| *p /= tot);
    }
    full
}

impl Relaxed {
    /// `n` joint plans drawn from the marginals, each unit on its own
    /// (seeded by `seed` and the plan's index); a unit without marginals
    /// keeps its schedule in `fallback`.
    pub fn draws(
        &self,
        cands: &[Vec<usize>],
        fallback: &[usize],
        n: usize,
        seed: u64,
    ) -> Vec<Vec<usize>> {
        (0..n as u64)
            .map(|k| {
                let mut rng = fastrand::Rng::with_seed(crate::seed::mix(seed, 0xB0, k));
                cands
                    .iter()
                    .zip(&self.marginals)
                    .zip(fallback)
                    .map(|((cs, m), &f)| {
                        let u = rng.f64();
                        if cs.is_empty() || m.iter().sum::<f64>() <= 0.0 {
                            f
                        } else {
                            cs[super::evaluate::draw(m, u)]
                        }
                    })
                    .collect()
            })
            .collect()
    }
}
