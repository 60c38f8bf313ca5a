//! Border assessment (ISACS 05.60, clauses 8, 9.1, 9.3.2): the border cut
//! into segments with chainage; which posts see each segment and each
//! informal route crossing, day and night, for each State alone and for both
//! together; a risk score per segment with its breakdown; the gap map; post
//! siting ([`site`]).
//!
//! # Model
//! - A segment is sampled every `sample_m`; a crossing at a sample is
//!   detected by a post with probability `p(d)` of its best sensor for the
//!   period (day / night) when the sample is in the post's line of sight
//!   (viewshed on the DEM, target `target_height_m` above ground; ground
//!   sensors need no line of sight). A sensor's
//!   `p(d)` is its `p_detect` up to half its range, then falls linearly to 0
//!   at its range.
//! - A post's detection probability for a segment is the mean over its
//!   samples (a crossing anywhere along the segment, uniformly).
//! - Posts act independently: P = 1 − Π(1 − pᵢ) over the posts of a view
//!   (one State's posts, or both States' together).
//! - A segment is covered in a period when P ≥ `threshold`; "24 h" coverage
//!   needs both day and night.
//! - Without a DEM, line of sight is not modelled (flat earth, range only)
//!   and the result says so.

pub mod site;

use crate::geom::chainage;
use crate::ids::StateId;
use crate::index::SpatialIndex;
pub use crate::model::RiskWeights;
use crate::model::{BorderKind, Post, Scenario, Sensor};
use crate::terrain::viewshed::{self, Viewshed, ViewshedParams};
use crate::terrain::Terrain;
use geo::Coord;
use serde::Serialize;

/// Options of an assessment.
#[derive(Clone, Debug, Serialize)]
pub struct AssessOptions {
    pub segment_m: f64,
    pub sample_m: f64,
    /// Terrain grid cell.
    pub cell_m: f64,
    /// Height of a crossing person above ground.
    pub target_height_m: f64,
    /// Detection probability a segment needs to count as covered.
    pub threshold: f64,
    /// Progress and cancellation (a cancelled assessment returns
    /// [`crate::error::Error::Cancelled`]).
    #[serde(skip)]
    pub progress: crate::progress::Progress,
}

impl Default for AssessOptions {
    fn default() -> Self {
        Self {
            segment_m: 250.0,
            sample_m: 50.0,
            cell_m: 60.0,
            target_height_m: 1.7,
            threshold: 0.5,
            progress: Default::default(),
        }
    }
}

/// The terrain options a plan was made on, as `plan.json` records them
/// (`metrics.terrain`), so that `simulate` sees the posts as the plan did.
pub fn terrain_json(o: &AssessOptions) -> serde_json::Value {
    serde_json::json!({"cell_m": o.cell_m, "target_height_m": o.target_height_m})
}

/// The terrain options `plan.json` records (`metrics.terrain`); the
/// defaults for a plan written before they were recorded.
pub fn terrain_of_plan(v: &serde_json::Value) -> AssessOptions {
    let t = &v["metrics"]["terrain"];
    let d = AssessOptions::default();
    AssessOptions {
        cell_m: t["cell_m"].as_f64().unwrap_or(d.cell_m),
        target_height_m: t["target_height_m"].as_f64().unwrap_or(d.target_height_m),
        ..d
    }
}

/// A stretch of border of about `segment_m`.
#[derive(Clone, Debug, Serialize)]
pub struct Segment {
    pub id: String,
    pub from_km: f64,
    pub to_km: f64,
    pub kind: BorderKind,
    pub left: StateId,
    pub right: StateId,
    #[serde(skip)]
    pub xy: Vec<Coord>,
    #[serde(skip)]
    pub lonlat: Vec<Coord>,
    #[serde(skip)]
    pub samples: Vec<Coord>,
    pub elevation_m: Option<f64>,
    pub slope_deg: Option<f64>,
    /// Official crossings within 1 km (ids).
    pub crossings_near: Vec<String>,
    /// Informal routes crossing the border inside the segment (ids).
    pub routes: Vec<String>,
}

impl Segment {
    pub fn length_km(&self) -> f64 {
        self.to_km - self.from_km
    }
}

/// Cut every border stretch into segments of about `segment_m` (the last of a
/// stretch may be shorter), with chainage, terrain and nearby features;
/// `route_hits` are the informal routes' border crossings
/// ([`SpatialIndex::route_crossings`]).
pub fn segments(
    s: &Scenario,
    route_hits: &[crate::index::RouteCrossing],
    terrain: Option<&Terrain>,
    o: &AssessOptions,
) -> Vec<Segment> {
    let mut out = Vec::new();
    for b in &s.border {
        let cum: Vec<f64> = chainage::cumulative_m(&b.lonlat);
        let total = *cum.last().unwrap_or(&0.0);
        let n = ((total / o.segment_m).ceil() as usize).max(1);
        let step = total / n as f64;
        // point at distance m along the stretch, in both coordinate systems
        let at = |m: f64| -> (Coord, Coord) {
            let k = cum.partition_point(|&x| x <= m).clamp(1, cum.len() - 1);
            let span = (cum[k] - cum[k - 1]).max(1e-9);
            let t = ((m - cum[k - 1]) / span).clamp(0.0, 1.0);
            (
                b.xy.0[k - 1] + (b.xy.0[k] - b.xy.0[k - 1]) * t,
                b.lonlat.0[k - 1] + (b.lonlat.0[k] - b.lonlat.0[k - 1]) * t,
            )
        };
        for i in 0..n {
            let (m0, m1) = (i as f64 * step, ((i + 1) as f64 * step).min(total));
            let mut xy = vec![at(m0).0];
            let mut ll = vec![at(m0).1];
            for (k, &m) in cum.iter().enumerate() {
                if m > m0 && m < m1 {
                    xy.push(b.xy.0[k]);
                    ll.push(b.lonlat.0[k]);
                }
            }
            xy.push(at(m1).0);
            ll.push(at(m1).1);
            let ns = ((m1 - m0) / o.sample_m).ceil().max(3.0) as usize;
            let samples: Vec<Coord> = (0..ns)
                .map(|j| at(m0 + (m1 - m0) * (j as f64 + 0.5) / ns as f64).0)
                .collect();
            let mid = at((m0 + m1) / 2.0).0;
            let (from_km, to_km) = (b.from_km + m0 / 1000.0, b.from_km + m1 / 1000.0);
            let crossings_near = s
                .crossings
                .iter()
                .filter(|c| samples.iter().any(|p| dist(*p, c.xy) <= 1000.0))
                .map(|c| c.id.to_string())
                .collect();
            let mut routes: Vec<String> = route_hits
                .iter()
                .filter(|h| {
                    h.chainage_km >= from_km
                        && (h.chainage_km < to_km || (i + 1 == n && h.chainage_km <= to_km))
                })
                .map(|h| s.routes[h.route].id.to_string())
                .collect();
            routes.sort();
            routes.dedup();
            out.push(Segment {
                id: format!("S{:04}", out.len() + 1),
                from_km,
                to_km,
                kind: b.kind,
                left: b.left.clone(),
                right: b.right.clone(),
                elevation_m: terrain.and_then(|t| t.elevation(mid)).map(|z| z.round()),
                slope_deg: terrain
                    .and_then(|t| t.slope_deg(mid))
                    .map(|v| (v * 10.0).round() / 10.0),
                xy,
                lonlat: ll,
                samples,
                crossings_near,
                routes,
            });
        }
    }
    out
}

fn dist(a: Coord, b: Coord) -> f64 {
    (a - b).x.hypot((a - b).y)
}

/// Detection probability of one sensor at distance `d`.
pub fn sensor_p(s: &Sensor, d: f64) -> f64 {
    if d > s.range_m {
        0.0
    } else if d <= s.range_m / 2.0 {
        s.p_detect
    } else {
        s.p_detect * (s.range_m - d) / (s.range_m / 2.0)
    }
}

/// The sensors of a post (resolved); a post without any gets the naked eye:
/// day only, 1.5 km, p 0.5.
pub fn post_sensors(s: &Scenario, p: &Post) -> Vec<Sensor> {
    let v: Vec<Sensor> = p
        .sensors
        .iter()
        .filter_map(|id| s.sensors.iter().find(|x| &x.id == id))
        .cloned()
        .collect();
    if v.is_empty() {
        vec![Sensor {
            id: crate::ids::SensorId::new("eyes"),
            kind: crate::model::SensorKind::DayOptical,
            range_m: 1500.0,
            day: true,
            night: false,
            p_detect: 0.5,
        }]
    } else {
        v
    }
}

/// Best (day, night) detection probability at distance `d`.
pub fn day_night_p(sensors: &[Sensor], d: f64) -> (f64, f64) {
    let mut out = (0.0f64, 0.0f64);
    for s in sensors {
        let p = sensor_p(s, d);
        if s.day {
            out.0 = out.0.max(p);
        }
        if s.night {
            out.1 = out.1.max(p);
        }
    }
    out
}

/// What one post contributes to one segment (or route crossing).
#[derive(Clone, Debug, Serialize)]
pub struct Sighting {
    pub post: String,
    pub state: StateId,
    /// Share of the samples in line of sight and range.
    pub seen: f64,
    /// Distance to the nearest seen sample (m).
    pub distance_m: f64,
    pub p_day: f64,
    pub p_night: f64,
}

/// Line of sight of one observer (a post, or a candidate site) as the
/// assessment uses it.
#[derive(Clone, Debug)]
pub struct PostSight {
    pub id: String,
    pub state: StateId,
    pub xy: Coord,
    pub sensors: Vec<Sensor>,
    pub range_m: f64,
    pub viewshed: Option<Viewshed>,
}

impl PostSight {
    /// An observer at `xy`, `height_m` above ground; with a terrain, its
    /// viewshed is computed (errors: the reason, e.g. outside the DEM).
    pub fn new(
        id: String,
        state: StateId,
        xy: Coord,
        height_m: f64,
        sensors: Vec<Sensor>,
        terrain: Option<&Terrain>,
        o: &AssessOptions,
    ) -> Result<PostSight, viewshed::ViewshedError> {
        let range_m = sensors.iter().map(|x| x.range_m).fold(0.0, f64::max);
        let viewshed = match terrain {
            Some(t) => Some(viewshed::viewshed(
                t,
                &ViewshedParams::new(xy, height_m, o.target_height_m, range_m),
            )?),
            None => None,
        };
        Ok(PostSight {
            id,
            state,
            xy,
            sensors,
            range_m,
            viewshed,
        })
    }

    /// Detection probabilities (day, night) and distance of a point; `None`
    /// if out of range, or out of sight of every sensor that needs it.
    pub fn detect(&self, terrain: Option<&Terrain>, q: Coord) -> Option<(f64, f64, f64)> {
        let d = dist(self.xy, q);
        if d > self.range_m {
            return None;
        }
        let seen = match (&self.viewshed, terrain) {
            (Some(v), Some(t)) => v.sees(t, q),
            _ => true,
        };
        // Ground sensors (seismic, magnetic) need no line of sight.
        let (pd, pn) = if seen {
            day_night_p(&self.sensors, d)
        } else {
            let ground: Vec<Sensor> = self
                .sensors
                .iter()
                .filter(|x| x.kind == crate::model::SensorKind::Ground)
                .cloned()
                .collect();
            day_night_p(&ground, d)
        };
        (pd > 0.0 || pn > 0.0 || seen).then_some((pd, pn, d))
    }
}

/// Compute each post's line of sight. Problems (post outside the DEM, bad
/// range) become warnings; such a post sees nothing.
pub fn post_sights(
    s: &Scenario,
    terrain: Option<&Terrain>,
    o: &AssessOptions,
    warnings: &mut Vec<String>,
) -> Vec<PostSight> {
    o.progress
        .stage("viewsheds of the posts", s.posts.len() as u64);
    s.posts
        .iter()
        .filter_map(|p| {
            if o.progress.cancelled() {
                return None;
            }
            o.progress.add(1);
            match PostSight::new(
                p.id.to_string(),
                p.state.clone(),
                p.xy,
                p.height_m,
                post_sensors(s, p),
                terrain,
                o,
            ) {
                Ok(ps) => Some(ps),
                Err(e) => {
                    warnings.push(format!(
                        "post {}: {e}; it is counted as seeing nothing",
                        p.id
                    ));
                    None
                }
            }
        })
        .collect()
}

/// Everything the observers see of one segment (its samples) or point.
pub fn sightings(
    terrain: Option<&Terrain>,
    sights: &[PostSight],
    samples: &[Coord],
) -> Vec<Sighting> {
    sightings_of(terrain, sights.iter(), samples)
}

/// As [`sightings`], over some of the observers (in order).
pub fn sightings_of<'a>(
    terrain: Option<&Terrain>,
    sights: impl Iterator<Item = &'a PostSight>,
    samples: &[Coord],
) -> Vec<Sighting> {
    let mut out = Vec::new();
    for ps in sights {
        if samples.iter().all(|q| dist(ps.xy, *q) > ps.range_m) {
            continue;
        }
        let (mut seen, mut pd, mut pn, mut dmin) = (0usize, 0.0, 0.0, f64::INFINITY);
        for q in samples {
            if let Some((a, b, d)) = ps.detect(terrain, *q) {
                seen += 1;
                pd += a;
                pn += b;
                dmin = dmin.min(d);
            }
        }
        if seen > 0 {
            let n = samples.len() as f64;
            out.push(Sighting {
                post: ps.id.clone(),
                state: ps.state.clone(),
                seen: r3(seen as f64 / n),
                distance_m: dmin.round(),
                p_day: pd / n,
                p_night: pn / n,
            });
        }
    }
    out
}

/// Combined probability of independent detections.
pub fn combine(ps: impl Iterator<Item = f64>) -> f64 {
    1.0 - ps.fold(1.0, |acc, p| acc * (1.0 - p))
}

/// Detection in one view (a State's posts alone, or both States' jointly).
#[derive(Clone, Copy, Debug, Serialize, PartialEq)]
pub struct Detect {
    pub day: f64,
    pub night: f64,
}

impl Detect {
    pub fn of(sightings: &[Sighting], state: Option<&StateId>) -> Detect {
        let mine = || {
            sightings
                .iter()
                .filter(move |x| state.is_none_or(|s| &x.state == s))
        };
        Detect {
            day: combine(mine().map(|x| x.p_day)),
            night: combine(mine().map(|x| x.p_night)),
        }
    }
    /// Around the clock: the weaker of day and night.
    pub fn both(&self) -> f64 {
        self.day.min(self.night)
    }
}

/// One risk indicator's part in a score.
#[derive(Clone, Debug, Serialize)]
pub struct RiskPart {
    pub indicator: &'static str,
    /// 0..1.
    pub value: f64,
    pub weight: f64,
    /// value × weight / Σ weights: the parts add up to the score.
    pub contribution: f64,
    pub why: String,
}

/// Risk of a place with its breakdown.
#[derive(Clone, Debug, Serialize)]
pub struct Risk {
    pub score: f64,
    pub parts: Vec<RiskPart>,
}

/// Risk at a segment (ISACS 9.1): explicit, weighted indicators.
/// Spatial lookups for the risk indicators, built once per scenario: route
/// segments, each State's roads, the official crossings.
pub struct RiskIndex {
    routes: rstar::RTree<rstar::primitives::GeomWithData<geo::Line, usize>>,
    route_by_id: std::collections::HashMap<String, usize>,
    roads: Vec<(
        StateId,
        rstar::RTree<rstar::primitives::GeomWithData<geo::Line, ()>>,
    )>,
    crossings: rstar::RTree<[f64; 2]>,
}

impl RiskIndex {
    pub fn new(s: &Scenario) -> Self {
        use rstar::primitives::GeomWithData;
        let lines = |xy: &geo::LineString| -> Vec<geo::Line> {
            xy.0.windows(2)
                .map(|w| geo::Line::new(w[0], w[1]))
                .collect()
        };
        RiskIndex {
            routes: rstar::RTree::bulk_load(
                s.routes
                    .iter()
                    .enumerate()
                    .flat_map(|(i, r)| {
                        lines(&r.xy)
                            .into_iter()
                            .map(move |l| GeomWithData::new(l, i))
                    })
                    .collect(),
            ),
            route_by_id: s
                .routes
                .iter()
                .enumerate()
                .map(|(i, r)| (r.id.to_string(), i))
                .collect(),
            roads: s
                .states
                .iter()
                .map(|st| {
                    (
                        st.id.clone(),
                        rstar::RTree::bulk_load(
                            s.network
                                .iter()
                                .filter(|n| {
                                    n.state == st.id && n.kind == crate::model::NetworkKind::Road
                                })
                                .flat_map(|n| {
                                    lines(&n.xy).into_iter().map(|l| GeomWithData::new(l, ()))
                                })
                                .collect(),
                        ),
                    )
                })
                .collect(),
            crossings: rstar::RTree::bulk_load(
                s.crossings.iter().map(|c| [c.xy.x, c.xy.y]).collect(),
            ),
        }
    }
}

/// The risk of one segment (builds the lookups; see [`segment_risk_with`]
/// for many segments).
pub fn segment_risk(s: &Scenario, seg: &Segment) -> Risk {
    segment_risk_with(s, seg, &RiskIndex::new(s))
}

pub fn segment_risk_with(s: &Scenario, seg: &Segment, ri: &RiskIndex) -> Risk {
    let w = &s.risk;
    let mid = seg.samples[seg.samples.len() / 2];
    let mut parts: Vec<(&'static str, f64, f64, String)> = Vec::new();
    // informal routes in the segment and within 500 m
    let mut route_w = 0.0;
    let mut names = Vec::new();
    let inside_set: Vec<usize> = seg
        .routes
        .iter()
        .filter_map(|id| ri.route_by_id.get(id).copied())
        .collect();
    let mut near_set: Vec<usize> = ri
        .routes
        .locate_within_distance(geo::Point::from(mid), 500.0 * 500.0)
        .map(|g| g.data)
        .chain(inside_set.iter().copied())
        .collect();
    near_set.sort_unstable();
    near_set.dedup();
    for i in near_set {
        let r = &s.routes[i];
        let f = if inside_set.contains(&i) { 1.0 } else { 0.5 };
        route_w += f * w.route_kind(r.kind);
        names.push(format!("{} ({})", r.id, r.kind.as_str()));
    }
    parts.push((
        "routes",
        (route_w / 2.0).min(1.0),
        w.routes,
        if names.is_empty() {
            "no informal route".into()
        } else {
            format!("informal routes: {}", names.join(", "))
        },
    ));
    // passability
    let (pass, why) = match (seg.kind, seg.slope_deg) {
        (BorderKind::Blue, _) => (0.6, "blue border: crossing by boat or ford".to_string()),
        (_, Some(sl)) => ((1.0 - sl / 45.0).clamp(0.0, 1.0), format!("slope {sl:.0}°")),
        (_, None) => (0.5, "slope unknown (no DEM)".to_string()),
    };
    parts.push(("passability", pass, w.passability, why));
    // roads on both sides
    let road_d = |state: &StateId| {
        ri.roads
            .iter()
            .find(|(id, _)| id == state)
            .and_then(|(_, t)| t.nearest_neighbor(&geo::Point::from(mid)))
            .map(|l| crate::geom::closest_on_segment(mid, l.geom().start, l.geom().end).2)
            .unwrap_or(f64::INFINITY)
    };
    let (dl, dr) = (road_d(&seg.left), road_d(&seg.right));
    let closeness = |d: f64| {
        if d.is_finite() {
            (-d / 2000.0).exp()
        } else {
            0.0
        }
    };
    parts.push((
        "roads",
        (closeness(dl) * closeness(dr)).sqrt(),
        w.roads,
        format!(
            "nearest road {} {}, {} {}",
            seg.left,
            fmt_m(dl),
            seg.right,
            fmt_m(dr)
        ),
    ));
    // official crossings nearby
    let dc = ri
        .crossings
        .nearest_neighbor(&[mid.x, mid.y])
        .map(|c| dist(Coord { x: c[0], y: c[1] }, mid))
        .unwrap_or(f64::INFINITY);
    parts.push((
        "crossings",
        closeness(dc),
        w.crossings,
        format!("nearest official crossing {}", fmt_m(dc)),
    ));
    // intel
    let intel: f64 = s
        .intel
        .iter()
        .map(|p| p.confidence * (-dist(p.xy, mid) / 1000.0).exp())
        .sum();
    parts.push((
        "intel",
        intel.min(1.0),
        w.intel,
        format!(
            "{} intelligence report(s) within 3 km",
            s.intel.iter().filter(|p| dist(p.xy, mid) < 3000.0).count()
        ),
    ));
    let seiz: f64 = s
        .seizures
        .iter()
        .map(|p| p.count * (-dist(p.xy, mid) / 1000.0).exp())
        .sum();
    parts.push((
        "seizures",
        seiz.min(1.0),
        w.seizures,
        format!(
            "{} past seizure(s) within 3 km",
            s.seizures
                .iter()
                .filter(|p| dist(p.xy, mid) < 3000.0)
                .map(|p| p.count)
                .sum::<f64>()
        ),
    ));
    let total_w: f64 = parts.iter().map(|p| p.2).sum::<f64>().max(1e-12);
    let parts: Vec<RiskPart> = parts
        .into_iter()
        .map(|(indicator, value, weight, why)| RiskPart {
            indicator,
            value: r3(value),
            weight,
            contribution: r3(value * weight / total_w),
            why,
        })
        .collect();
    Risk {
        score: r3(parts.iter().map(|p| p.value * p.weight).sum::<f64>() / total_w),
        parts,
    }
}

fn fmt_m(d: f64) -> String {
    if d.is_finite() {
        format!("{:.1} km", d / 1000.0)
    } else {
        "none".into()
    }
}

fn r3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// One segment's results.
#[derive(Clone, Debug, Serialize)]
pub struct SegmentResult {
    #[serde(flatten)]
    pub segment: Segment,
    pub sightings: Vec<Sighting>,
    /// Per view: each State in scenario order, then "joint".
    pub detect: Vec<(String, Detect)>,
    pub risk: Risk,
}

/// An informal route crossing and who sees it.
#[derive(Clone, Debug, Serialize)]
pub struct RouteCrossingResult {
    pub route: String,
    pub kind: String,
    pub chainage_km: f64,
    #[serde(skip)]
    pub xy: Coord,
    pub lonlat: [f64; 2],
    pub sightings: Vec<Sighting>,
    pub detect: Vec<(String, Detect)>,
}

/// A contiguous uncovered stretch.
#[derive(Clone, Debug, Serialize)]
pub struct Gap {
    pub rank: usize,
    pub from_km: f64,
    pub to_km: f64,
    pub length_km: f64,
    /// Length-weighted mean risk of its segments.
    pub risk: f64,
    /// length × risk: the ranking key.
    pub risk_km: f64,
    pub kind: String,
    pub segments: Vec<String>,
    pub uncovered_routes: Vec<String>,
}

/// Summary figures of one view.
#[derive(Clone, Debug, Serialize)]
pub struct ViewSummary {
    pub view: String,
    /// % of length covered around the clock (day and night).
    pub covered_pct: CoveredPct,
    pub covered_pct_day: CoveredPct,
    pub covered_pct_night: CoveredPct,
    /// Share of total risk (risk × length) covered around the clock, %.
    pub risk_covered_pct: f64,
    pub route_crossings: usize,
    pub uncovered_route_crossings: usize,
    pub gaps: Vec<Gap>,
}

#[derive(Clone, Copy, Debug, Serialize)]
pub struct CoveredPct {
    pub green: Option<f64>,
    pub blue: Option<f64>,
    pub total: f64,
}

/// The whole assessment.
#[derive(Clone, Debug, Serialize)]
pub struct Assessment {
    pub scenario: String,
    pub options: AssessOptions,
    pub line_of_sight: bool,
    pub warnings: Vec<String>,
    pub views: Vec<ViewSummary>,
    pub segments: Vec<SegmentResult>,
    pub route_crossings: Vec<RouteCrossingResult>,
    #[serde(skip)]
    pub terrain: Option<Terrain>,
    /// Each post's line of sight (viewshed when there is a DEM).
    #[serde(skip)]
    pub sights: Vec<PostSight>,
    /// Patrol coverage joined from a plan (`assess --patrols`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub patrol: Option<PatrolJoin>,
}

/// A patrol plan's coverage of the segments.
#[derive(Clone, Debug, Serialize)]
pub struct PatrolJoin {
    pub mode: String,
    pub hours: f64,
    pub worst_idleness_min: f64,
    pub mean_idleness_min: f64,
    /// Segments no unit can reach within a shift (and the posts leave open).
    pub unreachable_segments: usize,
    /// Aligned with `segments`.
    #[serde(skip)]
    pub per_segment: Vec<SegmentPatrol>,
}

/// One segment's patrol figures.
#[derive(Clone, Debug, Serialize)]
pub struct SegmentPatrol {
    /// Patrols needed here (risk left open by the posts) and some unit can reach it.
    pub patrolled: bool,
    pub visits: usize,
    /// Longest time without a visit, minutes.
    pub max_gap_min: f64,
    /// × risk weight / highest weight.
    pub weighted_gap_min: f64,
    pub units: Vec<String>,
}

impl Assessment {
    pub fn view(&self, name: &str) -> Option<&ViewSummary> {
        self.views.iter().find(|v| v.view == name)
    }
}

/// View names: each State's code, then "joint".
pub fn view_names(s: &Scenario) -> Vec<String> {
    s.states
        .iter()
        .map(|st| st.id.to_string())
        .chain(std::iter::once("joint".to_string()))
        .collect()
}

fn detect_views(s: &Scenario, sightings: &[Sighting]) -> Vec<(String, Detect)> {
    s.states
        .iter()
        .map(|st| (st.id.to_string(), Detect::of(sightings, Some(&st.id))))
        .chain(std::iter::once((
            "joint".to_string(),
            Detect::of(sightings, None),
        )))
        .collect()
}

/// Errors that stop an assessment.
pub fn check_options(o: &AssessOptions) -> crate::error::Result<()> {
    let bad =
        |what: &str, v: f64| crate::error::Error::Other(format!("{what} must be > 0, found {v}"));
    for (what, v) in [
        ("--segment-m", o.segment_m),
        ("--sample-m", o.sample_m),
        ("--cell-m", o.cell_m),
    ] {
        if !(v.is_finite() && v > 0.0) {
            return Err(bad(what, v));
        }
    }
    if !(0.0..=1.0).contains(&o.threshold) {
        return Err(crate::error::Error::Other(format!(
            "--threshold must be in 0..1, found {}",
            o.threshold
        )));
    }
    Ok(())
}

/// The terrain an assessment uses, with warnings about coverage.
pub fn terrain_for(s: &Scenario, o: &AssessOptions, warnings: &mut Vec<String>) -> Option<Terrain> {
    if s.dem.is_none() {
        warnings.push("no DEM in the scenario: line of sight is not modelled (flat earth, sensor range only); coverage is optimistic in hilly terrain".into());
        return None;
    }
    let margin = s.sensors.iter().map(|x| x.range_m).fold(1500.0, f64::max) + 2.0 * o.cell_m;
    let t = match crate::terrain::scenario_terrain(s, o.cell_m, margin) {
        Ok(t) => t,
        Err(e) => {
            warnings.push(format!("{e}: line of sight is not modelled"));
            return None;
        }
    };
    let outside = s
        .border
        .iter()
        .flat_map(|b| b.xy.0.iter())
        .filter(|p| !t.covers(**p))
        .count();
    if outside > 0 {
        warnings.push(format!(
            "the DEM does not cover {outside} border vertices: they count as unseen"
        ));
    }
    for p in &s.posts {
        if !t.covers(p.xy) {
            warnings.push(format!("post {} lies outside the DEM", p.id));
        }
    }
    Some(t)
}

/// Run the assessment.
pub fn assess(s: &Scenario, o: &AssessOptions) -> crate::error::Result<Assessment> {
    check_options(o)?;
    let mut warnings = Vec::new();
    let terrain = terrain_for(s, o, &mut warnings);
    let route_hits = SpatialIndex::build(s).route_crossings(s);
    let segs = segments(s, &route_hits, terrain.as_ref(), o);
    let sights = post_sights(s, terrain.as_ref(), o, &mut warnings);
    let t = terrain.as_ref();
    let ri = RiskIndex::new(s);
    // posts near each segment: within the longest range of its samples
    let post_tree = rstar::RTree::bulk_load(
        sights
            .iter()
            .enumerate()
            .map(|(i, p)| rstar::primitives::GeomWithData::new([p.xy.x, p.xy.y], i))
            .collect(),
    );
    let max_range = sights.iter().map(|p| p.range_m).fold(0.0, f64::max);
    o.progress.check()?;
    o.progress
        .stage("coverage of the border", segs.len() as u64);
    let segments: Vec<SegmentResult> = segs
        .into_iter()
        .take_while(|_| !o.progress.cancelled())
        .map(|seg| {
            o.progress.add(1);
            let (lo, hi) = crate::model::bbox(seg.samples.iter().copied()).unwrap_or_default();
            let (c, r) = (
                (lo + hi) / 2.0,
                (hi - lo).x.hypot((hi - lo).y) / 2.0 + max_range,
            );
            let mut near: Vec<usize> = post_tree
                .locate_within_distance([c.x, c.y], r * r)
                .map(|g| g.data)
                .collect();
            near.sort_unstable();
            let sightings = sightings_of(t, near.iter().map(|&i| &sights[i]), &seg.samples);
            let detect = detect_views(s, &sightings);
            let risk = segment_risk_with(s, &seg, &ri);
            SegmentResult {
                segment: seg,
                sightings,
                detect,
                risk,
            }
        })
        .collect();
    o.progress.check()?;
    let route_crossings: Vec<RouteCrossingResult> = route_hits
        .into_iter()
        .map(|h| {
            let sightings = sightings(t, &sights, &[h.point]);
            let ll = s.projection.inverse(h.point);
            RouteCrossingResult {
                route: s.routes[h.route].id.to_string(),
                kind: s.routes[h.route].kind.as_str().into(),
                chainage_km: r3(h.chainage_km),
                xy: h.point,
                lonlat: [crate::io::round7(ll.x), crate::io::round7(ll.y)],
                detect: detect_views(s, &sightings),
                sightings,
            }
        })
        .collect();
    let views = view_names(s)
        .iter()
        .enumerate()
        .map(|(vi, name)| summarise(name, vi, &segments, &route_crossings, o.threshold))
        .collect();
    Ok(Assessment {
        scenario: s.name.clone(),
        options: o.clone(),
        line_of_sight: terrain.is_some(),
        warnings,
        views,
        segments,
        route_crossings,
        terrain,
        sights,
        patrol: None,
    })
}

/// `num` of `den` in %, one decimal; `+ 0.0` turns the −0 an empty f64
/// sum gives into 0 (users read "−0.0 %" as a bug).
fn pct(num: f64, den: f64) -> Option<f64> {
    (den > 0.0).then(|| (1000.0 * num / den).round() / 10.0 + 0.0)
}

fn covered_pct(
    segs: &[SegmentResult],
    vi: usize,
    f: impl Fn(&Detect) -> f64,
    th: f64,
) -> CoveredPct {
    let len = |k: Option<BorderKind>, covered: bool| -> f64 {
        segs.iter()
            .filter(|r| {
                k.is_none_or(|k| r.segment.kind == k) && (!covered || f(&r.detect[vi].1) >= th)
            })
            .map(|r| r.segment.length_km())
            .sum()
    };
    CoveredPct {
        green: pct(
            len(Some(BorderKind::Green), true),
            len(Some(BorderKind::Green), false),
        ),
        blue: pct(
            len(Some(BorderKind::Blue), true),
            len(Some(BorderKind::Blue), false),
        ),
        total: pct(len(None, true), len(None, false)).unwrap_or(0.0),
    }
}

fn summarise(
    name: &str,
    vi: usize,
    segs: &[SegmentResult],
    routes: &[RouteCrossingResult],
    th: f64,
) -> ViewSummary {
    let covered = |r: &SegmentResult| r.detect[vi].1.both() >= th;
    let total_risk: f64 = segs
        .iter()
        .map(|r| r.risk.score * r.segment.length_km())
        .sum();
    let covered_risk: f64 = segs
        .iter()
        .filter(|r| covered(r))
        .map(|r| r.risk.score * r.segment.length_km())
        .sum();
    // Gaps: runs of uncovered, contiguous segments.
    let mut gaps: Vec<Gap> = Vec::new();
    let mut prev_to: Option<f64> = None;
    for r in segs {
        if covered(r) {
            prev_to = None;
            continue;
        }
        let seg = &r.segment;
        let extend = prev_to.is_some_and(|t| (t - seg.from_km).abs() < 1e-6);
        if !extend {
            gaps.push(Gap {
                rank: 0,
                from_km: seg.from_km,
                to_km: seg.to_km,
                length_km: 0.0,
                risk: 0.0,
                risk_km: 0.0,
                kind: seg.kind.as_str().into(),
                segments: Vec::new(),
                uncovered_routes: Vec::new(),
            });
        }
        let g = gaps.last_mut().unwrap();
        g.to_km = seg.to_km;
        g.risk_km += r.risk.score * seg.length_km();
        if g.kind != seg.kind.as_str() {
            g.kind = "mixed".into();
        }
        g.segments.push(seg.id.clone());
        prev_to = Some(seg.to_km);
    }
    for g in &mut gaps {
        g.length_km = r3(g.to_km - g.from_km);
        g.risk = if g.length_km > 0.0 {
            r3(g.risk_km / (g.to_km - g.from_km))
        } else {
            0.0
        };
        g.risk_km = r3(g.risk_km);
        g.from_km = r3(g.from_km);
        g.to_km = r3(g.to_km);
        g.uncovered_routes = routes
            .iter()
            .filter(|rc| {
                rc.chainage_km >= g.from_km
                    && rc.chainage_km <= g.to_km
                    && rc.detect[vi].1.both() < th
            })
            .map(|rc| rc.route.clone())
            .collect();
        g.uncovered_routes.dedup();
    }
    gaps.sort_by(|a, b| {
        b.risk_km
            .total_cmp(&a.risk_km)
            .then(a.from_km.total_cmp(&b.from_km))
    });
    for (i, g) in gaps.iter_mut().enumerate() {
        g.rank = i + 1;
    }
    ViewSummary {
        view: name.to_string(),
        covered_pct: covered_pct(segs, vi, |d| d.both(), th),
        covered_pct_day: covered_pct(segs, vi, |d| d.day, th),
        covered_pct_night: covered_pct(segs, vi, |d| d.night, th),
        risk_covered_pct: pct(covered_risk, total_risk).unwrap_or(0.0),
        route_crossings: routes.len(),
        uncovered_route_crossings: routes
            .iter()
            .filter(|rc| rc.detect[vi].1.both() < th)
            .count(),
        gaps,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::SensorId;
    use crate::model::SensorKind;

    fn sensor(kind: SensorKind, range_m: f64) -> Sensor {
        Sensor {
            id: SensorId::new(format!("{kind:?}")),
            kind,
            range_m,
            day: true,
            night: true,
            p_detect: 0.9,
        }
    }

    #[test]
    fn ground_sensors_detect_behind_a_ridge_optics_do_not() {
        // A 60 m wall 300 m east of the observer.
        let t = Terrain::from_fn(
            Coord {
                x: -3000.0,
                y: 3000.0,
            },
            30.0,
            201,
            201,
            |p| {
                if (p.x - 300.0).abs() < 20.0 {
                    160.0
                } else {
                    100.0
                }
            },
        );
        let o = AssessOptions::default();
        let at = |sensors: Vec<Sensor>| {
            PostSight::new(
                "OP".into(),
                StateId::new("AND"),
                Coord { x: 0.0, y: 0.0 },
                2.0,
                sensors,
                Some(&t),
                &o,
            )
            .unwrap()
        };
        let behind = Coord { x: 600.0, y: 0.0 };
        let open = Coord { x: -600.0, y: 0.0 };
        let optics = at(vec![sensor(SensorKind::Thermal, 2000.0)]);
        assert!(optics.detect(Some(&t), behind).is_none());
        assert!(optics.detect(Some(&t), open).is_some());
        let ground = at(vec![
            sensor(SensorKind::Thermal, 2000.0),
            sensor(SensorKind::Ground, 1000.0),
        ]);
        let (pd, pn, d) = ground.detect(Some(&t), behind).unwrap();
        // 0.9 up to 500 m, then linear to 0 at 1 km: 0.72 at 600 m
        assert!((pd - 0.72).abs() < 1e-9 && (pn - 0.72).abs() < 1e-9 && (d - 600.0).abs() < 1e-9);
        // beyond the ground sensor's range, the ridge hides it again
        assert!(ground
            .detect(Some(&t), Coord { x: 1500.0, y: 0.0 })
            .is_none());
    }

    #[test]
    fn sensor_probability_by_distance() {
        let s = sensor(SensorKind::DayOptical, 4000.0);
        assert_eq!(sensor_p(&s, 100.0), 0.9);
        assert_eq!(sensor_p(&s, 2000.0), 0.9);
        assert!((sensor_p(&s, 3000.0) - 0.45).abs() < 1e-12);
        assert_eq!(sensor_p(&s, 4000.0), 0.0);
        assert_eq!(sensor_p(&s, 4001.0), 0.0);
        assert!((combine([0.5, 0.5].into_iter()) - 0.75).abs() < 1e-12);
    }
}
