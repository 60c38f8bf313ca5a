//! The border cut into segments of about `segment_m`, with chainage and
//! the informal routes that cross each.

use super::{dist, AssessOptions};
use crate::geom::chainage;
use crate::ids::StateId;
use crate::model::{BorderKind, Scenario};
use crate::terrain::Terrain;
use geo::Coord;
use serde::Serialize;

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
