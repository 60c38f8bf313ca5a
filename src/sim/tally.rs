//! Crossings counted as they come: the figures `simulate` writes (overall,
//! per route, per State entered, per border segment and kilometre, the
//! pursuits) and the first crossings for the events log, without holding
//! every outcome. A run of any length takes the memory of one chunk of
//! outcomes ([`CHUNK`]) plus the events kept.
//!
//! Each figure adds its outcomes in run order, as filtering the whole list
//! did, so the sums (and the bytes written) are the same.

use super::{Outcome, Rates, World};
use std::collections::BTreeMap;

/// Runs simulated in parallel before they are counted: 64 Ki outcomes
/// (≈ 10 MB).
pub const CHUNK: u64 = 1 << 16;

/// Counts towards one [`Rates`].
#[derive(Clone, Debug, Default)]
pub struct Acc {
    n: usize,
    detected: usize,
    intercepted: usize,
    /// Σ detection → interception (s).
    to_intercept_s: f64,
}

impl Acc {
    pub fn add(&mut self, o: &Outcome) {
        self.n += 1;
        if o.detected_s.is_some() {
            self.detected += 1;
        }
        if let Some(t) = o.intercepted_s {
            self.intercepted += 1;
            self.to_intercept_s += t - o.detected_s.unwrap_or(t);
        }
    }

    /// Crossings counted.
    pub fn n(&self) -> usize {
        self.n
    }

    /// Crossings detected, crossings intercepted.
    pub fn counts(&self) -> (usize, usize) {
        (self.detected, self.intercepted)
    }

    /// The rates (shares to 4 decimals, minutes to 1).
    pub fn rates(&self) -> Rates {
        let (n, d, i) = (self.n, self.detected, self.intercepted);
        let r = |x: usize| {
            if n > 0 {
                (x as f64 / n as f64 * 1e4).round() / 1e4
            } else {
                0.0
            }
        };
        Rates {
            attempts: n,
            p_detect: r(d),
            p_intercept: r(i),
            succeeded: n - i,
            mean_time_to_intercept_min: (i > 0)
                .then(|| (self.to_intercept_s / i as f64 / 60.0 * 10.0).round() / 10.0),
        }
    }
}

/// Every figure of a simulation, counted crossing by crossing.
#[derive(Clone, Debug)]
pub struct Tally {
    pub all: Acc,
    /// Aligned with `World::routes`.
    pub per_route: Vec<Acc>,
    /// Aligned with the scenario's States (the State entered).
    pub per_state: Vec<Acc>,
    /// Per whole kilometre of border where routes cross.
    pub per_km: BTreeMap<i64, Acc>,
    /// Aligned with `World::segments`; only segments some route crosses
    /// count.
    pub per_segment: Vec<Acc>,
    pub pursuits: usize,
    /// The first `limit` crossings, for the events log.
    pub events: Vec<Outcome>,
    limit: usize,
    /// Per route: the kilometre and the segments it counts towards.
    route_km: Vec<Option<i64>>,
    route_segments: Vec<Vec<usize>>,
}

impl Tally {
    /// An empty tally for `w`'s routes and segments, keeping the first
    /// `limit` crossings.
    pub fn new(w: &World, limit: usize) -> Tally {
        let route_km: Vec<Option<i64>> = w
            .routes
            .iter()
            .map(|r| r.border_km.map(|k| k.floor() as i64))
            .collect();
        let route_segments = w
            .routes
            .iter()
            .map(|r| {
                w.segments
                    .iter()
                    .enumerate()
                    .filter(|(_, seg)| seg.routes.contains(&r.id))
                    .map(|(i, _)| i)
                    .collect()
            })
            .collect();
        Tally {
            all: Acc::default(),
            per_route: vec![Acc::default(); w.routes.len()],
            per_state: vec![Acc::default(); w.s.states.len()],
            per_km: route_km
                .iter()
                .flatten()
                .map(|&k| (k, Acc::default()))
                .collect(),
            per_segment: vec![Acc::default(); w.segments.len()],
            pursuits: 0,
            events: Vec::new(),
            limit,
            route_km,
            route_segments,
        }
    }

    /// A tally of outcomes already simulated.
    pub fn of(w: &World, outs: impl IntoIterator<Item = Outcome>, limit: usize) -> Tally {
        let mut t = Tally::new(w, limit);
        for o in outs {
            t.add(o);
        }
        t
    }

    /// Count one crossing (the next in run order).
    pub fn add(&mut self, o: Outcome) {
        self.all.add(&o);
        self.per_route[o.route].add(&o);
        if let Some(i) = o.into {
            self.per_state[i].add(&o);
        }
        if let Some(k) = self.route_km[o.route] {
            self.per_km.get_mut(&k).expect("every route's km").add(&o);
        }
        for &s in &self.route_segments[o.route] {
            self.per_segment[s].add(&o);
        }
        if o.pursuit {
            self.pursuits += 1;
        }
        if self.events.len() < self.limit {
            self.events.push(o);
        }
    }

    /// Crossings counted.
    pub fn runs(&self) -> usize {
        self.all.n()
    }
}
