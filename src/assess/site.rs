//! Post siting (maximal covering location): choose N new observation posts
//! for one State among candidate sites — DEM high points near the border on
//! its land (its side of the border, inside its territory where the
//! basemap has one, never in water), and the user's own candidates — to maximise risk-weighted
//! detection along the border.
//!
//! Objective: Σ over segments of risk × length × (P_day + P_night) / 2, with
//! P = 1 − Π(1 − p) over the posts already there (both States' by default:
//! a new post is worth what it adds to everything already watching) and the
//! chosen sites. Each term is a coverage function, so the objective is
//! monotone submodular: greedy selection with lazy evaluation is within
//! (1 − 1/e) of the optimum (Nemhauser et al. 1978); a test checks it
//! against brute force on small instances.

use super::{
    check_options, dist, post_sensors, post_sights, r3, segments, sightings, terrain_for,
    AssessOptions, Detect, PostSight, Segment,
};
use crate::formats::points::InputPoint;
use crate::ids::StateId;
use crate::index::SpatialIndex;
use crate::model::{Post, Scenario, Sensor};
use crate::terrain::Terrain;
use geo::Coord;
use serde::Serialize;
use std::collections::BinaryHeap;

#[derive(Clone, Debug)]
pub struct SiteOptions {
    pub state: StateId,
    pub add: usize,
    /// DEM candidates between these distances from the border (m).
    pub min_m: f64,
    pub max_m: f64,
    /// At most this many DEM candidates (highest local maxima first).
    pub max_candidates: usize,
    /// Observer height of a new post.
    pub height_m: f64,
    /// Count only the State's own posts as already there.
    pub alone: bool,
}

impl SiteOptions {
    pub fn new(state: StateId, add: usize) -> Self {
        Self {
            state,
            add,
            min_m: 200.0,
            max_m: 3000.0,
            max_candidates: 300,
            height_m: 3.0,
            alone: false,
        }
    }
}

/// A candidate site.
#[derive(Clone, Debug, Serialize)]
pub struct Candidate {
    pub id: String,
    #[serde(skip)]
    pub xy: Coord,
    pub lonlat: [f64; 2],
    pub elevation_m: Option<f64>,
    pub source: String,
}

/// One chosen site and what it adds.
#[derive(Clone, Debug, Serialize)]
pub struct Chosen {
    pub order: usize,
    #[serde(flatten)]
    pub candidate: Candidate,
    /// Objective gain (risk-weighted km of expected detection).
    pub gain: f64,
    /// 24 h covered share of the border (%) after adding it.
    pub covered_pct_after: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct SiteResult {
    pub state: String,
    pub candidates: usize,
    pub base_value: f64,
    pub value: f64,
    pub covered_pct_before: f64,
    pub chosen: Vec<Chosen>,
    pub warnings: Vec<String>,
}

/// Per-candidate detection on each segment: (segment index, p_day, p_night).
pub type CoverVec = Vec<(usize, f64, f64)>;

/// The siting problem, ready to solve: weights, base probabilities and
/// each candidate's contribution.
pub struct Problem {
    pub weight: Vec<f64>,
    pub base_day: Vec<f64>,
    pub base_night: Vec<f64>,
    pub cover: Vec<CoverVec>,
}

impl Problem {
    /// Objective of a set of chosen candidates.
    pub fn value(&self, chosen: &[usize]) -> f64 {
        let mut miss_d: Vec<f64> = self.base_day.iter().map(|p| 1.0 - p).collect();
        let mut miss_n: Vec<f64> = self.base_night.iter().map(|p| 1.0 - p).collect();
        for &c in chosen {
            for &(i, pd, pn) in &self.cover[c] {
                miss_d[i] *= 1.0 - pd;
                miss_n[i] *= 1.0 - pn;
            }
        }
        (0..self.weight.len())
            .map(|i| self.weight[i] * ((1.0 - miss_d[i]) + (1.0 - miss_n[i])) / 2.0)
            .sum()
    }

    /// Greedy with lazy evaluation; returns (chosen, gain of each).
    pub fn greedy(&self, k: usize) -> (Vec<usize>, Vec<f64>) {
        let mut miss_d: Vec<f64> = self.base_day.iter().map(|p| 1.0 - p).collect();
        let mut miss_n: Vec<f64> = self.base_night.iter().map(|p| 1.0 - p).collect();
        let gain = |c: usize, md: &[f64], mn: &[f64]| -> f64 {
            self.cover[c]
                .iter()
                .map(|&(i, pd, pn)| self.weight[i] * (md[i] * pd + mn[i] * pn) / 2.0)
                .sum()
        };
        // (gain bound, Reverse(index) for deterministic ties, round computed)
        #[derive(PartialEq)]
        struct E(f64, std::cmp::Reverse<usize>, usize);
        impl Eq for E {}
        impl PartialOrd for E {
            fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
                Some(self.cmp(o))
            }
        }
        impl Ord for E {
            fn cmp(&self, o: &Self) -> std::cmp::Ordering {
                self.0.total_cmp(&o.0).then(self.1.cmp(&o.1))
            }
        }
        let mut heap: BinaryHeap<E> = (0..self.cover.len())
            .map(|c| E(gain(c, &miss_d, &miss_n), std::cmp::Reverse(c), 0))
            .collect();
        let (mut chosen, mut gains) = (Vec::new(), Vec::new());
        for round in 1..=k {
            loop {
                let Some(E(g, std::cmp::Reverse(c), at)) = heap.pop() else {
                    return (chosen, gains);
                };
                if at == round - 1 {
                    // fresh for this round: it is the best
                    if g <= 0.0 {
                        return (chosen, gains);
                    }
                    for &(i, pd, pn) in &self.cover[c] {
                        miss_d[i] *= 1.0 - pd;
                        miss_n[i] *= 1.0 - pn;
                    }
                    chosen.push(c);
                    gains.push(g);
                    break;
                }
                heap.push(E(
                    gain(c, &miss_d, &miss_n),
                    std::cmp::Reverse(c),
                    round - 1,
                ));
            }
        }
        (chosen, gains)
    }

    /// Exact optimum by enumeration (small instances only).
    pub fn brute_force(&self, k: usize) -> (Vec<usize>, f64) {
        let n = self.cover.len();
        let mut best = (Vec::new(), self.value(&[]));
        let mut idx: Vec<usize> = (0..k.min(n)).collect();
        if idx.is_empty() {
            return best;
        }
        loop {
            let v = self.value(&idx);
            if v > best.1 + 1e-12 {
                best = (idx.clone(), v);
            }
            // next combination
            let kk = idx.len();
            let mut i = kk;
            while i > 0 && idx[i - 1] == n - kk + i - 1 {
                i -= 1;
            }
            if i == 0 {
                return best;
            }
            idx[i - 1] += 1;
            for j in i..kk {
                idx[j] = idx[j - 1] + 1;
            }
        }
    }
}

/// Candidate sites from the DEM: local maxima (3×3) between `min_m` and
/// `max_m` from the border on the State's side, highest first, at least
/// three cells apart. Without a DEM: every 1 km along the border, 500 m in.
pub fn dem_candidates(
    s: &Scenario,
    idx: &SpatialIndex,
    terrain: Option<&Terrain>,
    o: &SiteOptions,
) -> Vec<Candidate> {
    let on_side = |p: Coord| s.on_land_of(&o.state, p);
    let mut out = Vec::new();
    match terrain {
        Some(t) => {
            let mut cands: Vec<(f64, usize, usize)> = Vec::new();
            for r in 1..t.rows - 1 {
                for c in 1..t.cols - 1 {
                    let z = t.at(r, c);
                    if !z.is_finite() {
                        continue;
                    }
                    let peak = (-1i64..=1).all(|dr| {
                        (-1i64..=1).all(|dc| {
                            (dr == 0 && dc == 0)
                                || t.at((r as i64 + dr) as usize, (c as i64 + dc) as usize) <= z
                        })
                    });
                    if !peak {
                        continue;
                    }
                    let p = t.centre(r, c);
                    let Some(snap) = idx.border.snap(p) else {
                        continue;
                    };
                    if snap.distance_m < o.min_m || snap.distance_m > o.max_m || !on_side(p) {
                        continue;
                    }
                    cands.push((z as f64, r, c));
                }
            }
            cands.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
            let spacing = 3.0 * t.cell;
            for (z, r, c) in cands {
                if out.len() >= o.max_candidates {
                    break;
                }
                let p = t.centre(r, c);
                if out.iter().any(|q: &Candidate| dist(q.xy, p) < spacing) {
                    continue;
                }
                out.push(candidate(
                    s,
                    format!("D{}", out.len() + 1),
                    p,
                    Some(z.round()),
                    "dem high point",
                ));
            }
        }
        None => {
            let total = s.border.iter().map(|b| b.to_km).fold(0.0, f64::max);
            let mut km = 0.5;
            while km < total && out.len() < o.max_candidates {
                if let Some((part, p)) = idx.at_chainage(km) {
                    let b = &s.border[part];
                    let d = if b.left == o.state { 500.0 } else { -500.0 };
                    if let Some(snap) = idx.border.snap(p) {
                        let l = &idx.border.parts()[snap.part];
                        let t = l[snap.seg + 1] - l[snap.seg];
                        let n = t.x.hypot(t.y).max(1e-9);
                        let q = p + Coord {
                            x: -t.y / n * d,
                            y: t.x / n * d,
                        };
                        if on_side(q) {
                            out.push(candidate(
                                s,
                                format!("D{}", out.len() + 1),
                                q,
                                None,
                                "along the border",
                            ));
                        }
                    }
                }
                km += 1.0;
            }
        }
    }
    out
}

fn candidate(
    s: &Scenario,
    id: String,
    xy: Coord,
    elevation_m: Option<f64>,
    source: &str,
) -> Candidate {
    let ll = s.projection.inverse(xy);
    Candidate {
        id,
        xy,
        lonlat: [crate::io::round7(ll.x), crate::io::round7(ll.y)],
        elevation_m,
        source: source.into(),
    }
}

/// The siting problem of a scenario: its candidates, segments and the
/// objective's data, with warnings.
pub struct Prepared {
    pub problem: Problem,
    pub candidates: Vec<Candidate>,
    pub segments: Vec<Segment>,
    pub warnings: Vec<String>,
}

/// Choose `o.add` new posts for `o.state`.
pub fn site(
    s: &Scenario,
    ao: &AssessOptions,
    o: &SiteOptions,
    user: &[InputPoint],
) -> crate::error::Result<SiteResult> {
    let Prepared {
        problem: prob,
        candidates: kept,
        segments: segs,
        mut warnings,
    } = prepare(s, ao, o, user)?;
    let (chosen, gains) = prob.greedy(o.add);
    if chosen.len() < o.add {
        warnings.push(format!(
            "only {} of {} posts add anything: the other candidates see nothing new",
            chosen.len(),
            o.add
        ));
    }
    let total_km: f64 = segs.iter().map(|g| g.length_km()).sum::<f64>().max(1e-12);
    let covered_after = |k: usize| -> f64 {
        let mut md: Vec<f64> = prob.base_day.iter().map(|p| 1.0 - p).collect();
        let mut mn: Vec<f64> = prob.base_night.iter().map(|p| 1.0 - p).collect();
        for &c in &chosen[..k] {
            for &(i, pd, pn) in &prob.cover[c] {
                md[i] *= 1.0 - pd;
                mn[i] *= 1.0 - pn;
            }
        }
        let km: f64 = segs
            .iter()
            .enumerate()
            .filter(|(i, _)| (1.0 - md[*i]).min(1.0 - mn[*i]) >= ao.threshold)
            .map(|(_, g)| g.length_km())
            .sum();
        (1000.0 * km / total_km).round() / 10.0
    };
    Ok(SiteResult {
        state: o.state.to_string(),
        candidates: kept.len(),
        base_value: r3(prob.value(&[])),
        value: r3(prob.value(&chosen)),
        covered_pct_before: covered_after(0),
        chosen: chosen
            .iter()
            .enumerate()
            .map(|(k, &c)| Chosen {
                order: k + 1,
                candidate: kept[c].clone(),
                gain: r3(gains[k]),
                covered_pct_after: covered_after(k + 1),
            })
            .collect(),
        warnings,
    })
}

/// Build the siting problem (candidates and their coverage).
pub fn prepare(
    s: &Scenario,
    ao: &AssessOptions,
    o: &SiteOptions,
    user: &[InputPoint],
) -> crate::error::Result<Prepared> {
    check_options(ao)?;
    if o.add == 0 || o.add > crate::limits::MAX_SITES {
        return Err(crate::error::Error::option(
            "add",
            format!("must be 1 to {}, found {}", crate::limits::MAX_SITES, o.add),
        ));
    }
    super::check_budget(s, ao)?;
    if s.state(&o.state).is_none() {
        return Err(crate::error::Error::option(
            "state",
            format!(
                "{}: not one of the scenario's States ({})",
                o.state,
                s.states
                    .iter()
                    .map(|x| x.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    let mut warnings = Vec::new();
    let terrain = terrain_for(s, ao, &mut warnings)?;
    let t = terrain.as_ref();
    let idx = SpatialIndex::build(s);
    let segs = segments(s, &idx.route_crossings(s), t, ao);
    let sights: Vec<PostSight> = post_sights(s, t, ao, &mut warnings)
        .into_iter()
        .filter(|p| !o.alone || p.state == o.state)
        .collect();
    let ri = super::RiskIndex::new(s);
    let weight: Vec<f64> = segs
        .iter()
        .map(|g| super::segment_risk_with(s, g, &ri).score * g.length_km())
        .collect();
    let base: Vec<Detect> = segs
        .iter()
        .map(|g| Detect::of(&sightings(t, &sights, &g.samples), None))
        .collect();
    let mut cands = dem_candidates(s, &idx, t, o);
    for (i, u) in user.iter().enumerate() {
        let xy = s.projection.forward(u.lonlat);
        if s.on_land_of(&o.state, xy) {
            cands.push(candidate(
                s,
                if u.name.is_empty() {
                    format!("U{}", i + 1)
                } else {
                    u.name.clone()
                },
                xy,
                t.and_then(|t| t.elevation(xy)).map(f64::round),
                "user",
            ));
        } else {
            warnings.push(format!(
                "candidate {} ({}) is not on {}'s land (its side of the border, its territory in the basemap, out of water): skipped",
                u.place, u.name, o.state
            ));
        }
    }
    // Sensors of a new post: the State's most common set, else all defined.
    let sensors: Vec<Sensor> = {
        let mine: Vec<&Post> = s.posts.iter().filter(|p| p.state == o.state).collect();
        match mine.first() {
            Some(p) => post_sensors(s, p),
            None if !s.sensors.is_empty() => s.sensors.clone(),
            None => post_sensors(s, &s.posts[0]),
        }
    };
    let mut cover = Vec::with_capacity(cands.len());
    let mut kept = Vec::with_capacity(cands.len());
    for c in cands {
        match PostSight::new(
            c.id.clone(),
            o.state.clone(),
            c.xy,
            o.height_m,
            sensors.clone(),
            t,
            ao,
        ) {
            Ok(ps) => {
                let v: CoverVec = segs
                    .iter()
                    .enumerate()
                    .filter_map(|(i, g)| {
                        sightings(t, std::slice::from_ref(&ps), &g.samples)
                            .first()
                            .map(|x| (i, x.p_day, x.p_night))
                    })
                    .collect();
                cover.push(v);
                kept.push(c);
            }
            Err(e) => warnings.push(format!("candidate {}: {e}", c.id)),
        }
    }
    let problem = Problem {
        weight,
        base_day: base.iter().map(|d| d.day).collect(),
        base_night: base.iter().map(|d| d.night).collect(),
        cover,
    };
    Ok(Prepared {
        problem,
        candidates: kept,
        segments: segs,
        warnings,
    })
}

/// The chosen sites as a GeoJSON FeatureCollection of points, each named
/// `{alpha2}-NEW{order}` (a post id a scenario can take as it is), with
/// its State, order, gain, covered share after it and source.
pub fn sites_geojson(r: &SiteResult, state: &crate::country::Country) -> String {
    let feats: Vec<serde_json::Value> = r
        .chosen
        .iter()
        .map(|c| {
            let [x, y] = c.candidate.lonlat;
            crate::io::feature(
                crate::io::point_geometry(Coord { x, y }),
                crate::props! {
                    "id" => format!("{}-NEW{}", state.alpha2, c.order),
                    "state" => state.alpha3,
                    "order" => c.order,
                    "gain" => c.gain,
                    "covered_pct_after" => c.covered_pct_after,
                    "source" => c.candidate.source
                },
            )
        })
        .collect();
    crate::io::feature_collection(&feats)
}
