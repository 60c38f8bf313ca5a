//! The master problems of the double oracle, as linear programs (good_lp
//! over clarabel, a pure-Rust interior-point solver: its time grows
//! smoothly with the master — plans found so far × targets in play —
//! where the pure-Rust simplex, microlp, could stall for minutes on the
//! degenerate masters of the later ladder rungs). Interior solutions are
//! cleaned: a probability below 1e-6 is 0. The bound's LP
//! ([`super::bound`]) too: microlp stalled on it as well; clarabel's
//! factorisation grows fast with it, so the bound keeps its LP small.
//!
//! `a[p][j]` is the defenders' score of pure plan `p` against the `j`-th
//! target in play (see [`super::targets::score`]).

use crate::error::{Error, Result};
use good_lp::{clarabel, constraint, variable, Expression, Solution, SolverModel, Variable};

/// An interior-point probability: below 1e-6 (the solver's interior) is 0.
pub fn clean(x: f64) -> f64 {
    if x < 1e-6 {
        0.0
    } else {
        x
    }
}

fn lp_error(what: &str, e: impl std::fmt::Display) -> Error {
    Error::Solver(format!("interception game: the {what} LP failed: {e}"))
}

/// (plans, targets) of the matrix; an error when either is none.
fn dims(a: &[Vec<f64>]) -> Result<(usize, usize)> {
    let nt = a.first().map(|r| r.len()).unwrap_or(0);
    if a.is_empty() || nt == 0 {
        return Err(Error::Solver(
            "interception game: no plan or no target for the master LP".into(),
        ));
    }
    Ok((a.len(), nt))
}

/// The defenders' best mix over the plans: max v s.t. v ≤ Σ_p x_p a[p][j]
/// for every target j, Σ x = 1, x ≥ 0. Returns (x, v).
pub fn defenders(a: &[Vec<f64>]) -> Result<(Vec<f64>, f64)> {
    let (np, nt) = dims(a)?;
    let mut vars = good_lp::variables!();
    let v = vars.add(variable().min(-1.0).max(2.0));
    let x: Vec<Variable> = (0..np)
        .map(|_| vars.add(variable().min(0.0).max(1.0)))
        .collect();
    let mut m = vars.maximise(v).using(clarabel);
    let sum: Expression = x.iter().copied().sum();
    m = m.with(constraint!(sum == 1.0));
    for j in 0..nt {
        let e: Expression = x.iter().zip(a).map(|(xp, row)| row[j] * *xp).sum();
        m = m.with(constraint!(v <= e));
    }
    let sol = m.solve().map_err(|e| lp_error("defenders'", e))?;
    let xs: Vec<f64> = x.iter().map(|xp| clean(sol.value(*xp))).collect();
    let tot: f64 = xs.iter().sum();
    Ok((xs.iter().map(|p| p / tot).collect(), sol.value(v)))
}

/// The smuggler's best mix against the plans (the dual): min u s.t.
/// u ≥ Σ_j y_j a[p][j] for every plan p, Σ y = 1, y ≥ 0. Returns (y, u).
pub fn smuggler(a: &[Vec<f64>]) -> Result<(Vec<f64>, f64)> {
    let (_, nt) = dims(a)?;
    let mut vars = good_lp::variables!();
    let u = vars.add(variable().min(-1.0).max(2.0));
    let y: Vec<Variable> = (0..nt)
        .map(|_| vars.add(variable().min(0.0).max(1.0)))
        .collect();
    let mut m = vars.minimise(u).using(clarabel);
    let sum: Expression = y.iter().copied().sum();
    m = m.with(constraint!(sum == 1.0));
    for row in a {
        let e: Expression = y.iter().zip(row).map(|(yj, c)| *c * *yj).sum();
        m = m.with(constraint!(u >= e));
    }
    let sol = m.solve().map_err(|e| lp_error("smuggler's", e))?;
    let ys: Vec<f64> = y.iter().map(|yj| clean(sol.value(*yj))).collect();
    let tot: f64 = ys.iter().sum();
    Ok((ys.iter().map(|p| p / tot).collect(), sol.value(u)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matching_pennies_is_solved_at_one_half() {
        // two plans, two targets: each plan covers one target
        let a = vec![vec![1.0, 0.0], vec![0.0, 1.0]];
        let (x, v) = defenders(&a).unwrap();
        assert!(
            (v - 0.5).abs() < 1e-9 && (x[0] - 0.5).abs() < 1e-9,
            "{x:?} {v}"
        );
        let (y, u) = smuggler(&a).unwrap();
        assert!(
            (u - 0.5).abs() < 1e-9 && (y[0] - 0.5).abs() < 1e-9,
            "{y:?} {u}"
        );
    }

    #[test]
    fn a_dominant_plan_takes_all_the_weight() {
        let a = vec![vec![0.2, 0.3, 0.9], vec![0.4, 0.6, 0.9]];
        let (x, v) = defenders(&a).unwrap();
        assert!((v - 0.4).abs() < 1e-9 && x[1] > 0.999, "{x:?} {v}");
    }
}
