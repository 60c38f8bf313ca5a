//! Spatial index (rstar) over every feature of a scenario, in local metres.
//!
//! Queries: nearest post to a point, features within a distance, route/border
//! intersections, border lookup by chainage, snapping to the border. The
//! importers use [`BorderIndex`] on its own for crossing detection and
//! snapping before a scenario exists.

use crate::geom::{closest_on_segment, left_of_polyline};
use crate::scenario::model::Scenario;
use geo::{Coord, Line, Point};
use rstar::primitives::GeomWithData;
use rstar::RTree;

type SegTree = RTree<GeomWithData<Line, (usize, usize)>>;
type PointTree = RTree<GeomWithData<[f64; 2], usize>>;

fn seg_tree<'a>(lines: impl Iterator<Item = &'a [Coord]>) -> SegTree {
    let mut items = Vec::new();
    for (i, l) in lines.enumerate() {
        for (k, w) in l.windows(2).enumerate() {
            items.push(GeomWithData::new(Line::new(w[0], w[1]), (i, k)));
        }
    }
    RTree::bulk_load(items)
}

/// A point snapped onto the border.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Snap {
    /// Index of the border part (stretch).
    pub part: usize,
    /// Segment index within the part.
    pub seg: usize,
    /// Parameter along the segment, 0..1.
    pub t: f64,
    pub point: Coord,
    pub distance_m: f64,
    pub chainage_km: f64,
}

/// A place where a line crosses (or touches) the border.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BorderHit {
    pub point: Coord,
    pub chainage_km: f64,
    /// Border part hit.
    pub part: usize,
    /// Segment of the query line that hits.
    pub line_seg: usize,
}

/// Border lines with chainage, indexed by segment.
pub struct BorderIndex {
    parts: Vec<Vec<Coord>>,
    /// Chainage in km at each vertex of each part.
    km: Vec<Vec<f64>>,
    tree: SegTree,
}

impl BorderIndex {
    /// `parts`: projected polylines and the chainage (km) at each of their vertices.
    pub fn new(parts: Vec<(Vec<Coord>, Vec<f64>)>) -> Self {
        let (parts, km): (Vec<_>, Vec<_>) = parts.into_iter().unzip();
        let tree = seg_tree(parts.iter().map(|p| p.as_slice()));
        Self { parts, km, tree }
    }

    pub fn parts(&self) -> &[Vec<Coord>] {
        &self.parts
    }

    fn km_at(&self, part: usize, seg: usize, t: f64) -> f64 {
        let k = &self.km[part];
        k[seg] + (k[seg + 1] - k[seg]) * t
    }

    /// Closest border point to `p`.
    pub fn snap(&self, p: Coord) -> Option<Snap> {
        let nn = self.tree.nearest_neighbor(&Point::from(p))?;
        let (part, seg) = nn.data;
        let (q, t, d) = closest_on_segment(p, nn.geom().start, nn.geom().end);
        Some(Snap {
            part,
            seg,
            t,
            point: q,
            distance_m: d,
            chainage_km: self.km_at(part, seg, t),
        })
    }

    /// Snap only within `max_m`.
    pub fn snap_within(&self, p: Coord, max_m: f64) -> Option<Snap> {
        self.snap(p).filter(|s| s.distance_m <= max_m)
    }

    /// For an index built by [`BorderIndex::of_scenario`] (one part per
    /// stretch): the State on whose side `p` lies, judged at its closest
    /// border point (as [`crate::model::side_of_border`], with the R-tree).
    pub fn state_side<'s>(&self, s: &'s Scenario, p: Coord) -> Option<&'s crate::ids::StateId> {
        let sn = self.snap(p)?;
        let b = s.border.get(sn.part)?;
        Some(if left_of_polyline(&self.parts[sn.part], sn.seg, sn.t, p) {
            &b.left
        } else {
            &b.right
        })
    }

    /// Is `p` on the left of the border (as digitised), judged at its closest
    /// border point?
    pub fn is_left(&self, p: Coord) -> Option<bool> {
        let s = self.snap(p)?;
        Some(left_of_polyline(&self.parts[s.part], s.seg, s.t, p))
    }

    /// The border point at a chainage (km), with its part; `None` beyond the ends.
    pub fn at_chainage(&self, km: f64) -> Option<(usize, Coord)> {
        for (pi, k) in self.km.iter().enumerate() {
            if k.is_empty() || km < k[0] || km > *k.last().unwrap() {
                continue;
            }
            let seg = k
                .partition_point(|&x| x <= km)
                .saturating_sub(1)
                .min(k.len() - 2);
            let span = k[seg + 1] - k[seg];
            let t = if span > 0.0 {
                (km - k[seg]) / span
            } else {
                0.0
            };
            let (a, b) = (self.parts[pi][seg], self.parts[pi][seg + 1]);
            return Some((pi, a + (b - a) * t));
        }
        None
    }

    /// Every point where `line` crosses or touches the border, in order along `line`.
    pub fn intersections(&self, line: &[Coord]) -> Vec<BorderHit> {
        let mut hits = Vec::new();
        for (i, w) in line.windows(2).enumerate() {
            let q = Line::new(w[0], w[1]);
            let env = rstar::AABB::from_corners(
                Point::new(w[0].x.min(w[1].x), w[0].y.min(w[1].y)),
                Point::new(w[0].x.max(w[1].x), w[0].y.max(w[1].y)),
            );
            let mut here: Vec<BorderHit> = Vec::new();
            for cand in self.tree.locate_in_envelope_intersecting(&env) {
                use geo::line_intersection::{line_intersection, LineIntersection};
                let pt = match line_intersection(q, *cand.geom()) {
                    Some(LineIntersection::SinglePoint { intersection, .. }) => intersection,
                    Some(LineIntersection::Collinear { intersection }) => intersection.start,
                    None => continue,
                };
                let (part, seg) = cand.data;
                let (_, t, _) = closest_on_segment(pt, cand.geom().start, cand.geom().end);
                here.push(BorderHit {
                    point: pt,
                    chainage_km: self.km_at(part, seg, t),
                    part,
                    line_seg: i,
                });
            }
            here.sort_by(|a, b| {
                let da = (a.point - w[0]).x.hypot((a.point - w[0]).y);
                let db = (b.point - w[0]).x.hypot((b.point - w[0]).y);
                da.total_cmp(&db)
            });
            for h in here {
                // A line through a border vertex hits two segments at one point.
                if hits.last().is_none_or(|l: &BorderHit| {
                    (l.point - h.point).x.hypot((l.point - h.point).y) > 1e-6
                }) {
                    hits.push(h);
                }
            }
        }
        hits
    }
}

/// What an index entry refers to (indices into the scenario's vectors).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FeatureRef {
    Border { stretch: usize },
    Crossing(usize),
    Route(usize),
    Network(usize),
    Post(usize),
}

/// The index over a whole scenario.
pub struct SpatialIndex {
    pub border: BorderIndex,
    posts: PointTree,
    crossings: PointTree,
    routes: SegTree,
    network: SegTree,
}

fn point_tree(it: impl Iterator<Item = Coord>) -> PointTree {
    RTree::bulk_load(
        it.enumerate()
            .map(|(i, c)| GeomWithData::new([c.x, c.y], i))
            .collect(),
    )
}

/// A route crossing the border.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RouteCrossing {
    pub route: usize,
    pub point: Coord,
    pub chainage_km: f64,
}

impl BorderIndex {
    /// The scenario's border stretches with their chainage.
    pub fn of_scenario(s: &Scenario) -> Self {
        BorderIndex::new(
            s.border
                .iter()
                .map(|b| {
                    let cum = crate::geom::chainage::cumulative_m(&b.lonlat);
                    (
                        b.xy.0.clone(),
                        cum.iter().map(|m| b.from_km + m / 1000.0).collect(),
                    )
                })
                .collect(),
        )
    }
}

impl SpatialIndex {
    pub fn build(s: &Scenario) -> Self {
        let border = BorderIndex::of_scenario(s);
        Self {
            border,
            posts: point_tree(s.posts.iter().map(|p| p.xy)),
            crossings: point_tree(s.crossings.iter().map(|c| c.xy)),
            routes: seg_tree(s.routes.iter().map(|r| r.xy.0.as_slice())),
            network: seg_tree(s.network.iter().map(|n| n.xy.0.as_slice())),
        }
    }

    /// Nearest post to `p` and its distance (m), optionally only among those
    /// `accept`ed (e.g. of one State).
    pub fn nearest_post(&self, p: Coord, accept: impl Fn(usize) -> bool) -> Option<(usize, f64)> {
        self.posts
            .nearest_neighbor_iter(&[p.x, p.y])
            .find(|e| accept(e.data))
            .map(|e| (e.data, (e.geom()[0] - p.x).hypot(e.geom()[1] - p.y)))
    }

    /// Every feature within `d` metres of `p`, sorted and deduplicated.
    pub fn within(&self, p: Coord, d: f64) -> Vec<FeatureRef> {
        let d2 = d * d;
        let q = [p.x, p.y];
        let gp = Point::from(p);
        let mut out: Vec<FeatureRef> = Vec::new();
        out.extend(
            self.posts
                .locate_within_distance(q, d2)
                .map(|e| FeatureRef::Post(e.data)),
        );
        out.extend(
            self.crossings
                .locate_within_distance(q, d2)
                .map(|e| FeatureRef::Crossing(e.data)),
        );
        out.extend(
            self.routes
                .locate_within_distance(gp, d2)
                .map(|e| FeatureRef::Route(e.data.0)),
        );
        out.extend(
            self.network
                .locate_within_distance(gp, d2)
                .map(|e| FeatureRef::Network(e.data.0)),
        );
        out.extend(
            self.border
                .tree
                .locate_within_distance(gp, d2)
                .map(|e| FeatureRef::Border { stretch: e.data.0 }),
        );
        out.sort();
        out.dedup();
        out
    }

    /// Where each informal route crosses the border.
    pub fn route_crossings(&self, s: &Scenario) -> Vec<RouteCrossing> {
        let mut out = Vec::new();
        for (i, r) in s.routes.iter().enumerate() {
            for h in self.border.intersections(&r.xy.0) {
                out.push(RouteCrossing {
                    route: i,
                    point: h.point,
                    chainage_km: h.chainage_km,
                });
            }
        }
        out
    }

    /// Border stretch and point at a chainage (km).
    pub fn at_chainage(&self, km: f64) -> Option<(usize, Coord)> {
        self.border.at_chainage(km)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(x: f64, y: f64) -> Coord {
        Coord { x, y }
    }

    fn zigzag() -> BorderIndex {
        // 0..1000 east, then 1000 north: 2 km of border.
        BorderIndex::new(vec![(
            vec![c(0.0, 0.0), c(1000.0, 0.0), c(1000.0, 1000.0)],
            vec![0.0, 1.0, 2.0],
        )])
    }

    #[test]
    fn snap_and_chainage() {
        let b = zigzag();
        let s = b.snap(c(250.0, 30.0)).unwrap();
        assert!((s.chainage_km - 0.25).abs() < 1e-9 && (s.distance_m - 30.0).abs() < 1e-9);
        let s = b.snap(c(1100.0, 500.0)).unwrap();
        assert!((s.chainage_km - 1.5).abs() < 1e-9);
        assert!(b.snap_within(c(500.0, 2000.0), 100.0).is_none());
        let (_, p) = b.at_chainage(1.25).unwrap();
        assert!((p.x - 1000.0).abs() < 1e-9 && (p.y - 250.0).abs() < 1e-9);
        assert!(b.at_chainage(2.5).is_none());
        assert_eq!(b.is_left(c(500.0, 10.0)), Some(true));
        assert_eq!(b.is_left(c(1010.0, 500.0)), Some(false));
    }

    #[test]
    fn intersections_in_order_and_through_vertices() {
        let b = zigzag();
        // Crosses the first leg at x=300 and the second at y=300.
        let hits = b.intersections(&[c(300.0, -100.0), c(300.0, 300.0), c(1200.0, 300.0)]);
        assert_eq!(hits.len(), 2);
        assert!((hits[0].chainage_km - 0.3).abs() < 1e-9);
        assert!((hits[1].chainage_km - 1.3).abs() < 1e-9);
        // Through the corner vertex: one hit, not two.
        let hits = b.intersections(&[c(900.0, 100.0), c(1100.0, -100.0)]);
        assert_eq!(hits.len(), 1);
        assert!((hits[0].chainage_km - 1.0).abs() < 1e-9);
    }
}
