//! Official crossings as queues (ISACS 05.60, 8.2.4 inspection strategies;
//! 11.6 monitoring: time at crossing points, legitimate and unauthorised
//! traffic): each crossing is an M/M/c queue — Poisson arrivals, `lanes`
//! parallel inspection lanes, exponential service — under four strategies.
//!
//! Every vehicle gets a document check; a share of them a full inspection:
//! - **random**: 10 % picked at random;
//! - **partial**: 30 % (a sweep, e.g. every third vehicle);
//! - **targeted**: 10 % picked by risk profile, which finds an illicit
//!   consignment `enrichment` times more often than chance;
//! - **total**: every vehicle.
//!
//! The figures per crossing and strategy: lane utilisation, mean wait before
//! service (Erlang C), throughput, and the share of illicit consignments
//! caught. Traffic figures are inputs (the scenario has none): defaults are
//! assumptions and say so.

use crate::error::{Error, Result};
use crate::model::Scenario;
use serde::Serialize;
use std::collections::HashMap;
use std::path::Path;

/// Inputs for one crossing.
#[derive(Clone, Debug, Serialize)]
pub struct Traffic {
    pub arrivals_per_h: f64,
    pub lanes: usize,
    /// Mean document check, minutes.
    pub check_min: f64,
    /// Mean full inspection (on top of the check), minutes.
    pub inspect_min: f64,
    /// P(a document check finds an illicit consignment).
    pub p_check: f64,
    /// P(a full inspection finds it).
    pub p_inspect: f64,
    /// Share of vehicles carrying an illicit consignment.
    pub illicit_share: f64,
    /// How much more often the risk profile picks an illicit vehicle.
    pub enrichment: f64,
}

impl Default for Traffic {
    fn default() -> Self {
        Traffic {
            arrivals_per_h: 40.0,
            lanes: 4,
            check_min: 1.0,
            inspect_min: 15.0,
            p_check: 0.05,
            p_inspect: 0.9,
            illicit_share: 0.005,
            enrichment: 4.0,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Strategy {
    Random,
    Partial,
    Targeted,
    Total,
}

impl Strategy {
    pub const ALL: [Strategy; 4] = [Self::Random, Self::Partial, Self::Targeted, Self::Total];
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Random => "random",
            Self::Partial => "partial",
            Self::Targeted => "targeted",
            Self::Total => "total",
        }
    }
    /// Share of vehicles given a full inspection.
    pub fn inspected_share(&self) -> f64 {
        match self {
            Self::Random | Self::Targeted => 0.10,
            Self::Partial => 0.30,
            Self::Total => 1.0,
        }
    }
}

/// The figures of one crossing under one strategy.
#[derive(Clone, Debug, Serialize)]
pub struct QueueFigures {
    pub strategy: Strategy,
    pub utilisation: f64,
    /// Mean wait before service, minutes; `None` when the queue grows
    /// without bound (arrivals exceed what the lanes can serve).
    pub mean_wait_min: Option<f64>,
    /// Mean time at the crossing (wait + service), minutes.
    pub mean_time_min: Option<f64>,
    pub throughput_per_h: f64,
    /// Vehicles per hour the queue grows by when saturated.
    pub backlog_per_h: f64,
    pub illicit_caught_share: f64,
    pub inspections_per_h: f64,
}

/// A user's traffic counts: crossing id → (vehicles per hour, lanes).
pub type TrafficCounts = HashMap<String, (f64, usize)>;

/// Read per-crossing traffic counts from a CSV with the columns
/// `crossing,arrivals_per_h,lanes` (fields separated by commas, or by the
/// semicolons or tabs a spreadsheet writes: the header says which); every
/// bad row is listed at once (its row number, the field, what was
/// expected), as is a crossing the scenario does not have.
pub fn read_traffic(path: &Path, s: &Scenario) -> Result<TrafficCounts> {
    let text = crate::io::read_bounded(path, crate::limits::MAX_TABLE_BYTES)?;
    let mut rd = csv::ReaderBuilder::new()
        .delimiter(crate::io::sniff_delimiter(&text))
        .from_reader(text.as_bytes());
    let mut rows = TrafficCounts::new();
    let mut problems = Vec::new();
    let max_lanes = crate::limits::MAX_LANES;
    for (i, r) in rd.deserialize::<(String, f64, usize)>().enumerate() {
        let row = i + 2;
        match r {
            Ok((_, a, l)) if !a.is_finite() || l > max_lanes => problems.push(format!(
                "row {row}: fields `arrivals_per_h`, `lanes`: expected a finite number of vehicles per hour and at most {max_lanes} lanes, found {a} and {l}"
            )),
            Ok((id, a, l)) if a > 0.0 && l > 0 => {
                if !s.crossings.iter().any(|c| c.id.as_str() == id) {
                    problems.push(format!(
                        "row {row}: field `crossing`: {id:?} is not an official crossing of the scenario"
                    ));
                }
                rows.insert(id, (a, l));
            }
            Ok(_) => problems.push(format!(
                "row {row}: fields `arrivals_per_h`, `lanes`: expected > 0"
            )),
            Err(e) => problems.push(format!(
                "row {row}: expected crossing,arrivals_per_h,lanes ({e})"
            )),
        }
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(Error::data(path, problems.join("\n")))
    }
}

/// One official crossing's figures under every strategy.
#[derive(Clone, Debug, Serialize)]
pub struct CrossingFigures {
    pub crossing: String,
    pub name: String,
    pub traffic: Traffic,
    /// No count was given for it: `traffic` is the assumed default.
    pub traffic_assumed: bool,
    pub strategies: Vec<QueueFigures>,
}

/// Every official crossing of the scenario with its traffic (the count
/// given, else `base`) under each strategy.
pub fn crossing_figures(
    s: &Scenario,
    base: &Traffic,
    counts: &TrafficCounts,
) -> Vec<CrossingFigures> {
    s.crossings
        .iter()
        .map(|c| {
            let (traffic, assumed) = match counts.get(c.id.as_str()) {
                Some(&(arrivals_per_h, lanes)) => (
                    Traffic {
                        arrivals_per_h,
                        lanes,
                        ..base.clone()
                    },
                    false,
                ),
                None => (base.clone(), true),
            };
            let strategies = Strategy::ALL
                .iter()
                .map(|st| figures(&traffic, *st))
                .collect();
            CrossingFigures {
                crossing: c.id.to_string(),
                name: c.name.clone(),
                traffic,
                traffic_assumed: assumed,
                strategies,
            }
        })
        .collect()
}

/// Erlang C: probability an arrival waits, for `c` servers at offered load
/// `a` = λ/μ (erlangs), a < c.
pub fn erlang_c(c: usize, a: f64) -> f64 {
    // iterative Erlang B, then C
    let mut b = 1.0;
    for k in 1..=c {
        b = a * b / (k as f64 + a * b);
    }
    let rho = a / c as f64;
    b / (1.0 - rho + rho * b)
}

/// M/M/c figures for `t` under `s`.
pub fn figures(t: &Traffic, s: Strategy) -> QueueFigures {
    let q = s.inspected_share();
    let service_h = (t.check_min + q * t.inspect_min) / 60.0;
    let mu = 1.0 / service_h;
    let c = t.lanes.max(1);
    let lambda = t.arrivals_per_h;
    let a = lambda / mu;
    let rho = a / c as f64;
    let (wait, throughput, backlog) = if rho < 1.0 {
        let pw = erlang_c(c, a);
        let wq_h = pw / (c as f64 * mu - lambda);
        (Some(wq_h * 60.0), lambda, 0.0)
    } else {
        (None, c as f64 * mu, lambda - c as f64 * mu)
    };
    // share of illicit vehicles that get a full inspection
    let picked = match s {
        Strategy::Targeted => (q * t.enrichment).min(1.0),
        _ => q,
    };
    let caught = picked * t.p_inspect + (1.0 - picked) * t.p_check;
    let r4 = |v: f64| (v * 1e4).round() / 1e4;
    let r1 = |v: f64| (v * 10.0).round() / 10.0;
    QueueFigures {
        strategy: s,
        utilisation: r4(rho.min(1.0)),
        mean_wait_min: wait.map(r1),
        mean_time_min: wait.map(|w| r1(w + service_h * 60.0)),
        throughput_per_h: r1(throughput),
        backlog_per_h: r1(backlog),
        illicit_caught_share: r4(caught),
        inspections_per_h: r1(throughput * q),
    }
}

/// A discrete-event simulation of the same queue (first come, first served,
/// `c` lanes), seeded: mean wait in minutes over `n` arrivals after a
/// warm-up of `n / 10`. Checks the closed form.
pub fn simulate_wait_min(t: &Traffic, s: Strategy, n: usize, seed: u64) -> f64 {
    let mut rng = fastrand::Rng::with_seed(seed);
    let exp = |rng: &mut fastrand::Rng, mean: f64| -mean * (1.0 - rng.f64()).ln();
    let q = s.inspected_share();
    let mean_service = t.check_min + q * t.inspect_min;
    let mean_gap = 60.0 / t.arrivals_per_h;
    let mut free = vec![0.0f64; t.lanes.max(1)];
    let (mut now, mut total, mut counted) = (0.0, 0.0, 0usize);
    let warm = n / 10;
    for i in 0..n + warm {
        now += exp(&mut rng, mean_gap);
        let (li, at) = free
            .iter()
            .copied()
            .enumerate()
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .unwrap();
        let start = at.max(now);
        free[li] = start + exp(&mut rng, mean_service);
        if i >= warm {
            total += start - now;
            counted += 1;
        }
    }
    total / counted as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mm1_and_mmc_closed_forms() {
        // M/M/1: Wq = ρ / (μ − λ); λ = 30/h, service 1.5 min → μ = 40/h
        let t = Traffic {
            arrivals_per_h: 30.0,
            lanes: 1,
            check_min: 1.5,
            inspect_min: 0.0,
            ..Traffic::default()
        };
        let f = figures(&t, Strategy::Random);
        let rho = 30.0 / 40.0;
        assert!((f.mean_wait_min.unwrap() - (rho / (40.0 - 30.0) * 60.0)).abs() < 0.05);
        // Erlang C for 2 servers at 1 erlang: 1/3
        assert!((erlang_c(2, 1.0) - 1.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn the_queue_simulation_agrees_with_erlang_c() {
        let t = Traffic::default();
        for s in [Strategy::Random, Strategy::Partial] {
            let f = figures(&t, s);
            let sim = simulate_wait_min(&t, s, 400_000, 3);
            let w = f.mean_wait_min.unwrap();
            assert!(
                (sim - w).abs() <= 0.08 * w + 0.05,
                "{s:?}: simulated {sim:.2} vs Erlang C {w:.2}"
            );
        }
    }

    #[test]
    fn strategies_trade_waiting_for_catching() {
        let t = Traffic::default();
        let [r, p, g, a] = Strategy::ALL.map(|s| figures(&t, s));
        // total inspection saturates 4 lanes at 40 vehicles/h
        assert!(a.mean_wait_min.is_none() && a.backlog_per_h > 0.0);
        assert!(a.illicit_caught_share > p.illicit_caught_share);
        // partial waits longer than random and catches more
        assert!(p.mean_wait_min.unwrap() > r.mean_wait_min.unwrap());
        assert!(p.illicit_caught_share > r.illicit_caught_share);
        // targeting: random's queue, more caught
        assert_eq!(g.mean_wait_min, r.mean_wait_min);
        assert!(g.illicit_caught_share > r.illicit_caught_share);
    }
}
