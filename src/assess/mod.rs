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

pub mod prepared;
mod risk;
mod segments;
mod sight;
pub mod site;
mod summary;

pub use prepared::Prepared;
pub use risk::{segment_risk, segment_risk_with, Risk, RiskIndex, RiskPart};
pub use segments::{segments, Segment};
pub use sight::{
    combine, day_night_p, post_sensors, post_sights, sensor_p, sightings, sightings_of, Detect,
    PostSight, Sighting,
};
use summary::summarise;

use crate::formats::plan_json::{Metrics, TerrainOptions};
pub use crate::model::RiskWeights;
use crate::model::Scenario;
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
pub fn terrain(o: &AssessOptions) -> TerrainOptions {
    TerrainOptions {
        cell_m: o.cell_m,
        target_height_m: o.target_height_m,
    }
}

/// The terrain options a plan records (`metrics.terrain`); the defaults
/// for a plan written before they were recorded.
pub fn terrain_of_plan(m: &Metrics) -> AssessOptions {
    let d = AssessOptions::default();
    match m.terrain {
        Some(t) => AssessOptions {
            cell_m: t.cell_m,
            target_height_m: t.target_height_m,
            ..d
        },
        None => d,
    }
}

/// Distance between two projected points (m).
fn dist(a: Coord, b: Coord) -> f64 {
    (a - b).x.hypot((a - b).y)
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

impl ViewSummary {
    /// Whether this is the joint view (both States' posts).
    pub fn is_joint(&self) -> bool {
        self.view == JOINT
    }
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
    /// Borrowed from the [`Prepared`] world it was made on.
    #[serde(skip)]
    pub terrain: Option<std::sync::Arc<Terrain>>,
    /// Each post's line of sight (viewshed when there is a DEM).
    #[serde(skip)]
    pub sights: std::sync::Arc<[PostSight]>,
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
    /// The view of both States' posts together.
    pub fn joint(&self) -> Option<&ViewSummary> {
        self.view(JOINT)
    }
}

/// The name of the view of both States' posts together (after each State's
/// own view, named by its code).
pub const JOINT: &str = "joint";

/// View names: each State's code, then "joint".
pub fn view_names(s: &Scenario) -> Vec<String> {
    s.states
        .iter()
        .map(|st| st.id.to_string())
        .chain(std::iter::once(JOINT.to_string()))
        .collect()
}

fn detect_views(s: &Scenario, sightings: &[Sighting]) -> Vec<(String, Detect)> {
    s.states
        .iter()
        .map(|st| (st.id.to_string(), Detect::of(sightings, Some(&st.id))))
        .chain(std::iter::once((
            JOINT.to_string(),
            Detect::of(sightings, None),
        )))
        .collect()
}

/// Errors that stop an assessment.
pub fn check_options(o: &AssessOptions) -> crate::error::Result<()> {
    use crate::error::{Error, OptionProblem};
    let mut bad = Vec::new();
    for (field, v) in [
        ("segment_m", o.segment_m),
        ("sample_m", o.sample_m),
        ("cell_m", o.cell_m),
    ] {
        if !(v.is_finite() && v > 0.0) {
            bad.push(OptionProblem::new(field, format!("must be > 0, found {v}")));
        }
    }
    if !(0.0..=1.0).contains(&o.threshold) {
        bad.push(OptionProblem::new(
            "threshold",
            format!("must be in 0..1, found {}", o.threshold),
        ));
    }
    if bad.is_empty() {
        Ok(())
    } else {
        Err(Error::Options(bad))
    }
}

/// The segments and samples the options cut the border into, within
/// their budgets ([`crate::limits`]), before any is made.
pub fn check_budget(s: &Scenario, o: &AssessOptions) -> crate::error::Result<()> {
    use crate::limits::{per_length, MAX_SAMPLES, MAX_SEGMENTS};
    let border_m: f64 = s.border.iter().map(|b| b.length_km() * 1000.0).sum();
    let bad: Vec<_> = [
        per_length(
            "segment_m",
            o.segment_m,
            border_m,
            "border segments",
            MAX_SEGMENTS,
        ),
        per_length(
            "sample_m",
            o.sample_m,
            border_m,
            "border samples",
            MAX_SAMPLES,
        ),
    ]
    .into_iter()
    .flatten()
    .collect();
    if bad.is_empty() {
        Ok(())
    } else {
        Err(crate::error::Error::Options(bad))
    }
}

/// The terrain an assessment uses, with warnings about coverage; `None`
/// (and a warning) without a DEM that covers the scenario; an error when
/// the grid would be over its budget.
pub fn terrain_for(
    s: &Scenario,
    o: &AssessOptions,
    warnings: &mut Vec<String>,
) -> crate::error::Result<Option<Terrain>> {
    if s.dem.is_none() {
        warnings.push("no DEM in the scenario: line of sight is not modelled (flat earth, sensor range only); coverage is optimistic in hilly terrain".into());
        return Ok(None);
    }
    let margin = s.sensors.iter().map(|x| x.range_m).fold(1500.0, f64::max) + 2.0 * o.cell_m;
    let t = match crate::terrain::scenario_terrain(s, o.cell_m, margin) {
        Ok(t) => t,
        Err(e @ crate::error::Error::Options(_)) => return Err(e),
        Err(e) => {
            warnings.push(format!("{e}: line of sight is not modelled"));
            return Ok(None);
        }
    };
    if !t.z.iter().any(|z| z.is_finite()) {
        warnings.push(format!(
            "the DEM {} holds no heights over the scenario (every sample a void): line of sight is not modelled",
            s.dem.as_ref().map(|d| d.source.as_str()).unwrap_or("")
        ));
        return Ok(None);
    }
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
    Ok(Some(t))
}

/// Run the assessment (on a world of its own).
pub fn assess(s: &Scenario, o: &AssessOptions) -> crate::error::Result<Assessment> {
    check_options(o)?;
    check_budget(s, o)?;
    assess_on(&Prepared::new(s, o)?, o)
}

/// Run the assessment on a prepared world (its terrain and the posts'
/// sights); `o` must ask for the same terrain ([`Prepared::fits`]).
pub fn assess_on(p: &Prepared, o: &AssessOptions) -> crate::error::Result<Assessment> {
    let s = p.s;
    check_options(o)?;
    check_budget(s, o)?;
    p.check_fits(o)?;
    let warnings = p.warnings.clone();
    let t = p.terrain();
    let segs = segments(s, &p.route_hits, t, o);
    let sights = &p.sights;
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
    let route_crossings: Vec<RouteCrossingResult> = p
        .route_hits
        .iter()
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
        line_of_sight: t.is_some(),
        warnings,
        views,
        segments,
        route_crossings,
        terrain: p.terrain.clone(),
        sights: p.sights.clone(),
        patrol: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::SensorId;
    use crate::ids::StateId;
    use crate::model::{Sensor, SensorKind};

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
