//! Polylines at levels of detail, for drawing a map every frame: each line
//! is kept as mapped and simplified (Ramer–Douglas–Peucker, `geo::Simplify`)
//! at tolerances of 1, 2, 4, … metres, with its bounding box, so that a
//! frame draws only the lines in view, each with about a pixel's
//! detail. Coordinates are projected metres.
//!
//! At Andorra's full extent (about 60 m a pixel) the 39,000 vertices of its
//! patrol network drop to a few thousand; zoomed in to a valley, the lines
//! outside the window are not drawn at all.

use geo::{Coord, LineString, Simplify};

/// The coarsest tolerance kept: 2^16 m ≈ 65 km.
const MAX_LEVEL: usize = 17;

/// One line: its bounding box and its levels, coarser and coarser: each
/// the level `k` it starts at (0 as mapped, k ≥ 1 simplified at
/// 2^(k−1) m) and its vertices; a tolerance that drops no vertex adds no
/// level, and the levels end at two vertices.
#[derive(Clone, Debug, Default)]
struct Lod {
    min: Coord,
    max: Coord,
    levels: Vec<(usize, Vec<Coord>)>,
}

/// A set of polylines at levels of detail, in the order given.
#[derive(Clone, Debug, Default)]
pub struct LodLines {
    lines: Vec<Lod>,
}

/// The tolerance (m) that level `k` is simplified at (0 for level 0).
pub fn tolerance_m(k: usize) -> f64 {
    match k {
        0 => 0.0,
        _ => (2f64).powi(k as i32 - 1),
    }
}

/// The level to draw at `metres_per_px`: the coarsest whose tolerance is
/// at most a pixel (the map's thinnest lines are a pixel wide).
pub fn level_for(metres_per_px: f64) -> usize {
    if !(metres_per_px >= 1.0) {
        return 0;
    }
    ((metres_per_px.log2().floor() as usize) + 1).min(MAX_LEVEL)
}

fn lod_of(pts: &[Coord]) -> Lod {
    // an empty line's box is empty (min above max): no view meets it
    let empty = (
        Coord {
            x: f64::INFINITY,
            y: f64::INFINITY,
        },
        Coord {
            x: f64::NEG_INFINITY,
            y: f64::NEG_INFINITY,
        },
    );
    let (min, max) = crate::model::bbox(pts.iter().copied()).unwrap_or(empty);
    let mut levels = vec![(0, pts.to_vec())];
    let mut last = pts.len();
    for k in 1..=MAX_LEVEL {
        if last <= 2 {
            break;
        }
        // each level from the mapped line, so the errors do not add up
        let simple = LineString::from(pts.to_vec()).simplify(tolerance_m(k));
        if simple.0.len() < last {
            last = simple.0.len();
            levels.push((k, simple.0));
        }
    }
    Lod { min, max, levels }
}

impl LodLines {
    /// The levels of each line (`lines` in drawing order).
    pub fn new<'a>(lines: impl IntoIterator<Item = &'a [Coord]>) -> LodLines {
        LodLines {
            lines: lines.into_iter().map(lod_of).collect(),
        }
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The lines that reach into the rectangle `min`–`max`, each at the
    /// detail for `metres_per_px`, with their index in the order given;
    /// lines whose box is under `min_px` pixels each way left out.
    pub fn visible(
        &self,
        min: Coord,
        max: Coord,
        metres_per_px: f64,
        min_px: f64,
    ) -> impl Iterator<Item = (usize, &[Coord])> + '_ {
        let k = level_for(metres_per_px);
        let least = min_px * metres_per_px;
        self.lines.iter().enumerate().filter_map(move |(i, l)| {
            let outside = l.max.x < min.x || l.min.x > max.x || l.max.y < min.y || l.min.y > max.y;
            let tiny = l.max.x - l.min.x < least && l.max.y - l.min.y < least;
            if outside || tiny {
                return None;
            }
            let (_, pts) = l.levels.iter().rev().find(|(from, _)| *from <= k)?;
            Some((i, pts.as_slice()))
        })
    }

    /// The vertices a frame would draw (for tests and benchmarks).
    pub fn vertices(&self, min: Coord, max: Coord, metres_per_px: f64, min_px: f64) -> usize {
        self.visible(min, max, metres_per_px, min_px)
            .map(|(_, p)| p.len())
            .sum()
    }
}

/// `pts` with each vertex nearer than `step_m` to the last one kept left
/// out (radial-distance simplification; the first and the last kept): one
/// pass, for lines that change from frame to frame.
pub fn decimate(pts: &[Coord], step_m: f64) -> impl Iterator<Item = Coord> + '_ {
    let step2 = step_m * step_m;
    let n = pts.len();
    let mut last: Option<Coord> = None;
    pts.iter().enumerate().filter_map(move |(i, p)| {
        let keep = match last {
            None => true,
            Some(q) => i + 1 == n || (p.x - q.x).powi(2) + (p.y - q.y).powi(2) >= step2,
        };
        keep.then(|| {
            last = Some(*p);
            *p
        })
    })
}

/// Whether any of `pts` lies in (or the line's box reaches into) the
/// rectangle `min`–`max`.
pub fn reaches_into(pts: &[Coord], min: Coord, max: Coord) -> bool {
    let Some((lo, hi)) = crate::model::bbox(pts.iter().copied()) else {
        return false;
    };
    !(hi.x < min.x || lo.x > max.x || hi.y < min.y || lo.y > max.y)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(x: f64, y: f64) -> Coord {
        Coord { x, y }
    }

    /// A zigzag with 1 m teeth every 10 m along 10 km.
    fn zigzag() -> Vec<Coord> {
        (0..=1000)
            .map(|i| c(i as f64 * 10.0, if i % 2 == 0 { 0.0 } else { 1.0 }))
            .collect()
    }

    #[test]
    fn levels_follow_half_a_pixel() {
        assert_eq!(level_for(0.5), 0);
        assert_eq!(level_for(1.0), 1); // 1 m
        assert_eq!(level_for(1.9), 1);
        assert_eq!(level_for(4.0), 3); // 4 m
        assert_eq!(level_for(50.0), 6); // 32 m ≤ 50 m
        assert_eq!(level_for(1e9), MAX_LEVEL);
        assert_eq!(level_for(f64::NAN), 0);
    }

    #[test]
    fn zoomed_in_draws_the_line_as_mapped_and_zoomed_out_far_fewer_vertices() {
        let l = LodLines::new([zigzag().as_slice()]);
        let (min, max) = (c(-1e6, -1e6), c(1e6, 1e6));
        assert_eq!(l.vertices(min, max, 0.5, 0.0), 1001);
        // 1 m teeth are under a pixel at 2 m a pixel: a straight line
        assert_eq!(l.vertices(min, max, 2.0, 0.0), 2);
        let coarse: Vec<_> = l.visible(min, max, 50.0, 0.0).collect();
        assert_eq!(coarse[0].1, [c(0.0, 0.0), c(10_000.0, 0.0)].as_slice());
    }

    #[test]
    fn a_simplified_line_stays_within_its_tolerance_of_the_mapped_one() {
        // a quarter circle of radius 1 km, a vertex a degree
        let pts: Vec<_> = (0..=90)
            .map(|d| {
                let a = (d as f64).to_radians();
                c(1000.0 * a.cos(), 1000.0 * a.sin())
            })
            .collect();
        let l = LodLines::new([pts.as_slice()]);
        for k in 1..=8 {
            let tol = tolerance_m(k);
            let (_, simple) = l
                .visible(c(-1e5, -1e5), c(1e5, 1e5), tol, 0.0)
                .next()
                .unwrap();
            assert!(simple.len() <= pts.len());
            // every mapped vertex within the tolerance of the simplified line
            let ls = LineString::from(simple.to_vec());
            for p in &pts {
                use geo::{Distance, Euclidean};
                let d = Euclidean.distance(&geo::Point(*p), &ls);
                assert!(d <= tol + 1e-6, "level {k}: {d} m > {tol} m");
            }
        }
    }

    #[test]
    fn lines_outside_the_view_are_left_out_with_their_index_kept() {
        let a = [c(0.0, 0.0), c(100.0, 0.0)];
        let b = [c(5000.0, 5000.0), c(5100.0, 5000.0)];
        let l = LodLines::new([a.as_slice(), b.as_slice()]);
        let seen: Vec<usize> = l
            .visible(c(4000.0, 4000.0), c(6000.0, 6000.0), 1.0, 0.0)
            .map(|(i, _)| i)
            .collect();
        assert_eq!(seen, [1]);
        // a line under 2 px each way is left out when asked
        let far = c(1e5, 1e5);
        assert_eq!(l.visible(c(-1.0, -1.0), far, 60.0, 2.0).count(), 0);
        assert_eq!(l.visible(c(-1.0, -1.0), far, 40.0, 2.0).count(), 2);
        // a line crossing the view with no vertex in it is kept
        let across = [c(-1000.0, 50.0), c(1000.0, 50.0)];
        let l = LodLines::new([across.as_slice()]);
        assert_eq!(
            l.visible(c(-10.0, 0.0), c(10.0, 100.0), 1.0, 0.0).count(),
            1
        );
    }

    #[test]
    fn decimation_keeps_the_ends_and_a_vertex_a_step() {
        let pts: Vec<_> = (0..=100).map(|i| c(i as f64, 0.0)).collect();
        let kept: Vec<_> = decimate(&pts, 10.0).collect();
        assert_eq!(kept.len(), 11);
        assert_eq!(kept.first(), Some(&c(0.0, 0.0)));
        assert_eq!(kept.last(), Some(&c(100.0, 0.0)));
        // a step under the spacing keeps everything
        assert_eq!(decimate(&pts, 0.5).count(), 101);
        assert_eq!(decimate(&[], 1.0).count(), 0);
        let two = [c(0.0, 0.0), c(0.1, 0.0)];
        assert_eq!(decimate(&two, 10.0).count(), 2);
    }

    #[test]
    fn a_line_reaches_into_a_view_it_crosses() {
        let across = [c(-1000.0, 50.0), c(1000.0, 50.0)];
        assert!(reaches_into(&across, c(-10.0, 0.0), c(10.0, 100.0)));
        assert!(!reaches_into(&across, c(-10.0, 60.0), c(10.0, 100.0)));
        assert!(!reaches_into(&[], c(-10.0, 0.0), c(10.0, 100.0)));
    }

    #[test]
    fn empty_and_single_point_lines_do_not_panic() {
        let one = [c(1.0, 1.0)];
        let l = LodLines::new([[].as_slice(), one.as_slice()]);
        let seen: Vec<usize> = l
            .visible(c(-5.0, -5.0), c(5.0, 5.0), 100.0, 0.0)
            .map(|(i, _)| i)
            .collect();
        assert_eq!(seen, [1]);
    }
}
