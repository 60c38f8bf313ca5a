//! The smuggler's options and the payoff: a target is a journey (an
//! informal route carried on inland, [`crate::sim::journey`], or a
//! crossing off the mapped ways, [`crate::sim::corridor`]), a direction
//! and an hour of entry; its payoff against a pure plan is the simulator's
//! own expected P(intercept) ([`World::expected`]) averaged over entry
//! minutes spread evenly through the hour.

use super::schedule::Schedule;
use crate::sim::{Crew, World};
use serde::Serialize;

/// One smuggler's option.
#[derive(Clone, Debug, Serialize)]
pub struct Target {
    /// Index of the route in the scenario (and the simulator's routes).
    pub route: usize,
    /// Towards the route's last vertex.
    pub forward: bool,
    /// Hour of entry, 0..24.
    pub hour: usize,
    /// Value to the smuggler, 0..1 (the route's risk / the highest).
    pub value: f64,
}

/// How targets are valued.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Values {
    /// From the risk model (see [`all`]).
    #[default]
    Risk,
    /// Every target worth the same: the game guarantees plain
    /// P(intercept) on every target.
    Flat,
}

impl Values {
    pub fn as_str(&self) -> &'static str {
        match self {
            Values::Risk => "risk",
            Values::Flat => "flat",
        }
    }
}

/// Every route, both directions, every hour of the day. With
/// [`Values::Risk`], values from the risk model at the segment each route
/// crosses (route kind, intelligence, seizures, official crossings near),
/// scaled so the highest is 1 (at least 0.05); a route crossing no segment
/// gets the lowest value found.
pub fn all(w: &World, values: Values) -> Vec<Target> {
    let ri = crate::assess::RiskIndex::new(w.s);
    let risk: Vec<Option<f64>> = w
        .routes
        .iter()
        .enumerate()
        .map(|(k, r)| {
            // a crossing off the mapped ways: the segment it crosses
            let crosses = |seg: &crate::assess::Segment| {
                if k < w.mapped_routes {
                    seg.routes.contains(&r.id)
                } else {
                    r.border_km
                        .is_some_and(|km| seg.from_km <= km && km < seg.to_km)
                }
            };
            w.segments
                .iter()
                .filter(|seg| crosses(seg))
                .map(|seg| crate::assess::segment_risk_with(w.s, seg, &ri).score)
                .reduce(f64::max)
        })
        .collect();
    let hi = risk.iter().flatten().copied().fold(0.0, f64::max);
    let lo = risk.iter().flatten().copied().fold(f64::INFINITY, f64::min);
    let value = |r: Option<f64>| {
        if hi <= 0.0 || values == Values::Flat {
            return 1.0;
        }
        (r.unwrap_or(lo) / hi).clamp(0.05, 1.0)
    };
    let mut out = Vec::new();
    for (ri, rk) in risk.iter().enumerate() {
        for forward in [true, false] {
            for hour in 0..24 {
                out.push(Target {
                    route: ri,
                    forward,
                    hour,
                    value: value(*rk),
                });
            }
        }
    }
    out
}

/// Entry times within the hour: the middles of `n` equal parts, s.
pub fn entries(hour: usize, n: usize) -> impl Iterator<Item = f64> {
    let n = n.max(1);
    (0..n).map(move |i| hour as f64 * 3600.0 + (i as f64 + 0.5) * 3600.0 / n as f64)
}

/// Crews of a pure plan (schedules).
pub fn crews<'a>(plan: impl Iterator<Item = &'a Schedule>) -> Vec<Crew<'a>> {
    plan.map(|s| Crew {
        layer: &s.layer,
        snap: s.snap.as_ref(),
        bbox: s.bbox,
    })
    .collect()
}

/// (P(detect), P(intercept)) of `t` against `crews`, averaged over its
/// entry minutes.
pub fn payoff(w: &World, crews: &[Crew], t: &Target, per_hour: usize) -> (f64, f64) {
    let n = per_hour.max(1) as f64;
    let (mut d, mut i) = (0.0, 0.0);
    for t0 in entries(t.hour, per_hour) {
        let (a, b) = w.expected(crews, t.route, t0, t.forward);
        d += a;
        i += b;
    }
    (d / n, i / n)
}

/// The smuggler's loss on `t` as the defenders score it: a target of full
/// value counts its P(intercept), one of value v counts 1 − v (1 − P).
pub fn score(t: &Target, p_intercept: f64) -> f64 {
    1.0 - t.value * (1.0 - p_intercept)
}
