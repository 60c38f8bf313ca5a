//! Geometry helpers: the local projection, geodesic chainage, sides of the
//! border, point-to-segment measures, polylines densified and halved by
//! length (metres, in the local projection).

pub mod grid;
pub mod lod;
pub mod proj;
pub mod rings;

use geo::Coord;

pub mod chainage {
    //! Lengths along lines, measured geodesically on WGS84 (Karney).
    use geo::{Distance, Geodesic, LineString, Point};

    /// Geodesic length of a lon/lat line in km.
    pub fn geodesic_length_km(line: &LineString) -> f64 {
        cumulative_m(line).last().copied().unwrap_or(0.0) / 1000.0
    }

    /// Cumulative geodesic distance in metres at each vertex (first is 0).
    pub fn cumulative_m(line: &LineString) -> Vec<f64> {
        let mut out = Vec::with_capacity(line.0.len());
        let mut acc = 0.0;
        for (i, c) in line.0.iter().enumerate() {
            if i > 0 {
                acc += Geodesic.distance(Point::from(line.0[i - 1]), Point::from(*c));
            }
            out.push(acc);
        }
        out
    }
}

/// A lon/lat point as people read it, hemispheres by letter:
/// "41.97699 N 6.80829 W" (`deg` after each number when asked:
/// "41.97699° N, 6.80829° W").
pub fn lat_lon_text(lonlat: Coord, deg: bool) -> String {
    let (ns, ew) = (
        if lonlat.y < 0.0 { "S" } else { "N" },
        if lonlat.x < 0.0 { "W" } else { "E" },
    );
    let (d, sep) = if deg { ("°", ", ") } else { ("", " ") };
    format!(
        "{:.5}{d} {ns}{sep}{:.5}{d} {ew}",
        lonlat.y.abs(),
        lonlat.x.abs()
    )
}

/// Closest point on segment `a`–`b` to `p`: (point, parameter t in 0..1, distance).
pub fn closest_on_segment(p: Coord, a: Coord, b: Coord) -> (Coord, f64, f64) {
    let d = b - a;
    let len2 = d.x * d.x + d.y * d.y;
    let t = if len2 > 0.0 {
        (((p - a).x * d.x + (p - a).y * d.y) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let q = a + d * t;
    let e = p - q;
    (q, t, (e.x * e.x + e.y * e.y).sqrt())
}

/// Cross product sign of `p` against the directed segment `a→b`: > 0 when `p`
/// lies to the left.
pub fn cross(a: Coord, b: Coord, p: Coord) -> f64 {
    (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x)
}

/// Is `p` left of the polyline `line`, given that its closest point lies on
/// segment `seg` at parameter `t`? At a vertex the two segments meeting there
/// decide together: on a left turn `p` must be left of both, on a right turn
/// left of either (otherwise points beyond a sharp corner flip sides).
pub fn left_of_polyline(line: &[Coord], seg: usize, t: f64, p: Coord) -> bool {
    let (a, b) = (line[seg], line[seg + 1]);
    let here = cross(a, b, p) > 0.0;
    let corner = if t <= 1e-9 && seg > 0 {
        Some((line[seg - 1], a, b))
    } else if t >= 1.0 - 1e-9 && seg + 2 < line.len() {
        Some((a, b, line[seg + 2]))
    } else {
        None
    };
    match corner {
        None => here,
        Some((u, v, w)) => {
            let l1 = cross(u, v, p) > 0.0;
            let l2 = cross(v, w, p) > 0.0;
            if cross(u, v, w) > 0.0 {
                l1 && l2
            } else {
                l1 || l2
            }
        }
    }
}

/// Where a polyline crosses or runs back over itself: the first such place
/// and the two segments, or `None` for a simple line. Touching at the
/// shared vertex of neighbouring segments is not a crossing, nor is a
/// closed line's end meeting its start. Bentley–Ottmann sweep
/// (`geo::algorithm::sweep`), so long borders stay quick.
pub fn self_crossing(line: &[Coord]) -> Option<(Coord, usize, usize)> {
    use geo::algorithm::sweep::{Cross, Intersections};
    use geo::LineIntersection;
    #[derive(Clone)]
    struct Seg(usize, geo::Line<f64>);
    impl Cross for Seg {
        type Scalar = f64;
        fn line(&self) -> geo::Line<f64> {
            self.1
        }
    }
    let n = line.len().saturating_sub(1);
    let closed = n > 2 && line.first() == line.last();
    let segs = line
        .windows(2)
        .enumerate()
        .filter(|(_, w)| w[0] != w[1])
        .map(|(i, w)| Seg(i, geo::Line::new(w[0], w[1])));
    Intersections::from_iter(segs)
        .filter_map(|(a, b, x)| {
            let (i, j) = (a.0.min(b.0), a.0.max(b.0));
            let at = match x {
                LineIntersection::SinglePoint { intersection, .. } => {
                    if j == i + 1 || (closed && i == 0 && j == n - 1) {
                        return None;
                    }
                    intersection
                }
                LineIntersection::Collinear { intersection } => intersection.start,
            };
            Some((at, i, j))
        })
        .min_by_key(|&(_, i, j)| (i, j))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latitudes_and_longitudes_read_with_their_hemispheres() {
        let c = Coord {
            x: -6.808291,
            y: 41.976994,
        };
        assert_eq!(lat_lon_text(c, false), "41.97699 N 6.80829 W");
        let c = Coord { x: 1.5, y: -33.25 };
        assert_eq!(lat_lon_text(c, true), "33.25000° S, 1.50000° E");
    }

    #[test]
    fn sides_at_corners() {
        // An L: east then north. Left of it is the inside of the corner.
        let l = [
            Coord { x: 0.0, y: 0.0 },
            Coord { x: 10.0, y: 0.0 },
            Coord { x: 10.0, y: 10.0 },
        ];
        // Beyond the corner (south-east): right of both segments.
        assert!(!left_of_polyline(&l, 0, 1.0, Coord { x: 12.0, y: -2.0 }));
        // Inside the corner.
        assert!(left_of_polyline(&l, 0, 0.9, Coord { x: 9.0, y: 1.0 }));
        // A point whose closest point is the corner, on the outside but left of
        // the first segment's line (x>10,y>0 region is right of segment 2).
        assert!(!left_of_polyline(&l, 1, 0.0, Coord { x: 11.0, y: 0.5 }));
    }

    #[test]
    fn a_line_that_loops_crosses_itself_a_simple_one_does_not() {
        let c = |x: f64, y: f64| Coord { x, y };
        let simple = [c(0.0, 0.0), c(1.0, 0.0), c(1.0, 1.0), c(2.0, 1.0)];
        assert_eq!(super::self_crossing(&simple), None);
        let bow = [c(0.0, 0.0), c(2.0, 0.0), c(2.0, 1.0), c(1.0, -1.0)];
        let (at, i, j) = super::self_crossing(&bow).unwrap();
        assert_eq!((i, j), (0, 2));
        assert!((at.x - 1.5).abs() < 1e-9 && at.y.abs() < 1e-9, "{at:?}");
        // running back over itself
        let back = [c(0.0, 0.0), c(2.0, 0.0), c(1.0, 0.0)];
        assert!(super::self_crossing(&back).is_some());
        // a closed ring is simple
        let ring = [c(0.0, 0.0), c(1.0, 0.0), c(1.0, 1.0), c(0.0, 0.0)];
        assert_eq!(super::self_crossing(&ring), None);
    }
}

/// The polyline with vertices added so no piece is longer than `max_m`.
pub fn densify(xy: &[Coord], max_m: f64) -> Vec<Coord> {
    let mut out = Vec::with_capacity(xy.len());
    for (i, c) in xy.iter().enumerate() {
        if i > 0 {
            let a = xy[i - 1];
            let len = ((c.x - a.x).powi(2) + (c.y - a.y).powi(2)).sqrt();
            let n = (len / max_m).ceil() as usize;
            for k in 1..n {
                let t = k as f64 / n as f64;
                out.push(Coord {
                    x: a.x + t * (c.x - a.x),
                    y: a.y + t * (c.y - a.y),
                });
            }
        }
        out.push(*c);
    }
    out
}

/// Midpoint of a polyline by length, and the index of the vertex after it.
pub fn midpoint(xy: &[Coord]) -> (Coord, usize) {
    let len: Vec<f64> = xy
        .windows(2)
        .map(|w| ((w[1].x - w[0].x).powi(2) + (w[1].y - w[0].y).powi(2)).sqrt())
        .collect();
    let half = len.iter().sum::<f64>() / 2.0;
    let mut acc = 0.0;
    for (i, l) in len.iter().enumerate() {
        if acc + l >= half && *l > 0.0 {
            let t = (half - acc) / l;
            let p = Coord {
                x: xy[i].x + t * (xy[i + 1].x - xy[i].x),
                y: xy[i].y + t * (xy[i + 1].y - xy[i].y),
            };
            return (p, i + 1);
        }
        acc += l;
    }
    (xy[0], 1.min(xy.len()))
}
