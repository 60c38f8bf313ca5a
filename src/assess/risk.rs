//! The risk score of a segment, with its breakdown (routes, passability,
//! roads, crossings, intelligence, seizures), and the index it reads.

use super::{dist, r3, Segment};
use crate::ids::StateId;
use crate::model::{BorderKind, Scenario};
use geo::Coord;
use serde::Serialize;

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

/// One indicator's value (0–1), its weight and why.
type Part = (&'static str, f64, f64, String);

/// The risk of one segment with the lookups built once: each indicator's
/// value, weighted, and why.
pub fn segment_risk_with(s: &Scenario, seg: &Segment, ri: &RiskIndex) -> Risk {
    let w = &s.risk;
    let mid = seg.samples[seg.samples.len() / 2];
    let (pass, why) = match (seg.kind, seg.slope_deg) {
        (BorderKind::Blue, _) => (0.6, "blue border: crossing by boat or ford".to_string()),
        (_, Some(sl)) => ((1.0 - sl / 45.0).clamp(0.0, 1.0), format!("slope {sl:.0}°")),
        (_, None) => (0.5, "slope unknown (no DEM)".to_string()),
    };
    let parts = vec![
        routes_part(s, seg, ri, mid),
        ("passability", pass, w.passability, why),
        roads_part(s, seg, ri, mid),
        crossings_part(s, ri, mid),
        intel_part(s, mid),
        seizures_part(s, mid),
    ];
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

/// 1 at the point, e^(−d / 2 km) away; 0 with nothing there.
fn closeness(d: f64) -> f64 {
    if d.is_finite() {
        (-d / 2000.0).exp()
    } else {
        0.0
    }
}

/// Informal routes in the segment (full weight) and within 500 m (half).
fn routes_part(s: &Scenario, seg: &Segment, ri: &RiskIndex, mid: Coord) -> Part {
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
        route_w += f * s.risk.route_kind(r.kind);
        names.push(format!("{} ({})", r.id, r.kind.as_str()));
    }
    (
        "routes",
        (route_w / 2.0).min(1.0),
        s.risk.routes,
        if names.is_empty() {
            "no informal route".into()
        } else {
            format!("informal routes: {}", names.join(", "))
        },
    )
}

/// Roads on both sides: the geometric mean of their closeness.
fn roads_part(s: &Scenario, seg: &Segment, ri: &RiskIndex, mid: Coord) -> Part {
    let road_d = |state: &StateId| {
        ri.roads
            .iter()
            .find(|(id, _)| id == state)
            .and_then(|(_, t)| t.nearest_neighbor(&geo::Point::from(mid)))
            .map(|l| crate::geom::closest_on_segment(mid, l.geom().start, l.geom().end).2)
            .unwrap_or(f64::INFINITY)
    };
    let (dl, dr) = (road_d(&seg.left), road_d(&seg.right));
    (
        "roads",
        (closeness(dl) * closeness(dr)).sqrt(),
        s.risk.roads,
        format!(
            "nearest road {} {}, {} {}",
            seg.left,
            fmt_m(dl),
            seg.right,
            fmt_m(dr)
        ),
    )
}

/// The nearest official crossing.
fn crossings_part(s: &Scenario, ri: &RiskIndex, mid: Coord) -> Part {
    let dc = ri
        .crossings
        .nearest_neighbor(&[mid.x, mid.y])
        .map(|c| dist(Coord { x: c[0], y: c[1] }, mid))
        .unwrap_or(f64::INFINITY);
    (
        "crossings",
        closeness(dc),
        s.risk.crossings,
        format!("nearest official crossing {}", fmt_m(dc)),
    )
}

/// Intelligence reports, by confidence, fading over 1 km.
fn intel_part(s: &Scenario, mid: Coord) -> Part {
    let intel: f64 = s
        .intel
        .iter()
        .map(|p| p.confidence * (-dist(p.xy, mid) / 1000.0).exp())
        .sum();
    (
        "intel",
        intel.min(1.0),
        s.risk.intel,
        format!(
            "{} intelligence report(s) within 3 km",
            s.intel.iter().filter(|p| dist(p.xy, mid) < 3000.0).count()
        ),
    )
}

/// Past seizures, by count, fading over 1 km.
fn seizures_part(s: &Scenario, mid: Coord) -> Part {
    let seiz: f64 = s
        .seizures
        .iter()
        .map(|p| p.count * (-dist(p.xy, mid) / 1000.0).exp())
        .sum();
    (
        "seizures",
        seiz.min(1.0),
        s.risk.seizures,
        format!(
            "{} past seizure(s) within 3 km",
            s.seizures
                .iter()
                .filter(|p| dist(p.xy, mid) < 3000.0)
                .map(|p| p.count)
                .sum::<f64>()
        ),
    )
}

fn fmt_m(d: f64) -> String {
    if d.is_finite() {
        format!("{:.1} km", d / 1000.0)
    } else {
        "none".into()
    }
}
