//! Crossings off the mapped ways: cross-country corridors over green
//! border and boat crossings of blue border, so that the gaps between
//! mapped paths are not a free pass for the smuggler who knows the plan.
//!
//! Along each border stretch, every [`SPACING_M`] of line that no mapped
//! route crosses within half that, a crossing from [`DEPTH_M`] inland on
//! one side to as far inland on the other, square to the line: on green
//! border the least-time walk over the terrain (Tobler's hiking function
//! on the DEM, 8-neighbour moves on a [`CELL_M`] grid within
//! [`WIDTH_M`] of the straight line, steps steeper than
//! [`MAX_SLOPE_DEG`] left out), on blue border a straight boat crossing.
//! The spacing follows the 1–2 km: a group walking a corridor
//! passes within a unit's 300 m look of at most one neighbour, so a
//! finer spacing adds targets without adding places to stand. The depth is
//! the one mapped journeys are carried on to ([`super::journey`]).

use crate::index::BorderIndex;
use crate::model::{BorderKind, RouteKind, Scenario};
use crate::plan::graph::Item;
use crate::terrain::Terrain;
use geo::Coord;
use std::collections::BinaryHeap;

/// Border between two corridors, m.
pub const SPACING_M: f64 = 1500.0;
/// Each end this far inland, m.
pub const DEPTH_M: f64 = 2000.0;
/// Grid step of the least-time walk, m.
pub const CELL_M: f64 = 50.0;
/// The walk keeps within this of the straight crossing, m.
pub const WIDTH_M: f64 = 750.0;
/// Steps steeper than this are impassable, degrees.
pub const MAX_SLOPE_DEG: f64 = 30.0;

/// One crossing off the mapped ways.
#[derive(Clone, Debug)]
pub struct Corridor {
    /// "X12.5": cross-country at km 12.5; "W12.5": a boat crossing.
    pub id: String,
    /// [`RouteKind::Path`] on foot, [`RouteKind::Landing`] by boat.
    pub kind: RouteKind,
    /// Where it crosses the line, km of chainage.
    pub border_km: f64,
    /// Projected path from one side's end to the other's.
    pub xy: Vec<Coord>,
}

/// Every corridor of `s`: `mapped_km` are the chainages where mapped
/// routes cross (no corridor within half a spacing of one).
pub fn corridors(
    s: &Scenario,
    bi: &BorderIndex,
    mapped_km: &[f64],
    terrain: Option<&Terrain>,
) -> Vec<Corridor> {
    let mut out = Vec::new();
    for b in &s.border {
        let n = ((b.length_km() * 1000.0) / SPACING_M).floor() as usize;
        for i in 0..n {
            let km = b.from_km + (i as f64 + 0.5) * SPACING_M / 1000.0;
            if mapped_km
                .iter()
                .any(|m| (m - km).abs() * 1000.0 < SPACING_M / 2.0)
            {
                continue;
            }
            if let Some(c) = crossing(s, bi, km, b.kind, terrain) {
                out.push(c);
            }
        }
    }
    out
}

/// The corridor at chainage `km`, if the line there divides two States
/// and (on foot) the terrain lets a group through.
fn crossing(
    s: &Scenario,
    bi: &BorderIndex,
    km: f64,
    kind: BorderKind,
    terrain: Option<&Terrain>,
) -> Option<Corridor> {
    let (_, at) = bi.at_chainage(km)?;
    let (_, a) = bi.at_chainage(km - 0.05).or_else(|| bi.at_chainage(km))?;
    let (_, b) = bi.at_chainage(km + 0.05).or_else(|| bi.at_chainage(km))?;
    let (tx, ty) = (b.x - a.x, b.y - a.y);
    let len = tx.hypot(ty);
    if len <= 0.0 {
        return None;
    }
    let t = Coord {
        x: tx / len,
        y: ty / len,
    };
    let nrm = Coord { x: -t.y, y: t.x };
    let from = at - nrm * DEPTH_M;
    let to = at + nrm * DEPTH_M;
    // both ends inland on different sides (where the line winds back
    // within half the depth, the square crossing is not one: left out)
    let (sa, sb) = (bi.state_side(s, from)?, bi.state_side(s, to)?);
    let inland = |p: Coord| bi.snap(p).is_some_and(|sn| sn.distance_m >= DEPTH_M / 2.0);
    if sa == sb || !inland(from) || !inland(to) {
        return None;
    }
    let (id, kind, xy) = match kind {
        BorderKind::Blue => (format!("W{km:.1}"), RouteKind::Landing, vec![from, at, to]),
        BorderKind::Green => (
            format!("X{km:.1}"),
            RouteKind::Path,
            least_time(at, nrm, t, terrain)?,
        ),
    };
    Some(Corridor {
        id,
        kind,
        border_km: km,
        xy,
    })
}

/// The least-time walk on a grid square to the line at `at` (`nrm` across
/// it, `t` along it) from one end to the other; the straight line where
/// there is no DEM. `None` when the slopes close it.
fn least_time(at: Coord, nrm: Coord, t: Coord, terrain: Option<&Terrain>) -> Option<Vec<Coord>> {
    let rows = (2.0 * DEPTH_M / CELL_M).round() as usize + 1;
    let half = (WIDTH_M / CELL_M).round() as isize;
    let cols = (2 * half + 1) as usize;
    let pos = |r: usize, c: usize| {
        at + nrm * (r as f64 * CELL_M - DEPTH_M) + t * ((c as isize - half) as f64 * CELL_M)
    };
    let z: Vec<Option<f64>> = (0..rows * cols)
        .map(|k| terrain.and_then(|tr| tr.elevation(pos(k / cols, k % cols))))
        .collect();
    let max_rise = MAX_SLOPE_DEG.to_radians().tan();
    let start = half as usize;
    let goal = (rows - 1) * cols + half as usize;
    let mut best = vec![f64::INFINITY; rows * cols];
    let mut prev = vec![usize::MAX; rows * cols];
    let mut heap = BinaryHeap::new();
    best[start] = 0.0;
    heap.push(Item(0.0, start as u32));
    while let Some(Item(d, k)) = heap.pop() {
        let k = k as usize;
        if d > best[k] {
            continue;
        }
        if k == goal {
            break;
        }
        let (r, c) = ((k / cols) as isize, (k % cols) as isize);
        for (dr, dc) in NEIGHBOURS {
            let (r2, c2) = (r + dr, c + dc);
            if r2 < 0 || c2 < 0 || r2 >= rows as isize || c2 >= cols as isize {
                continue;
            }
            let k2 = r2 as usize * cols + c2 as usize;
            let run = CELL_M * ((dr * dr + dc * dc) as f64).sqrt();
            let dz = match (z[k], z[k2]) {
                (Some(a), Some(b)) => b - a,
                _ => 0.0,
            };
            if dz.abs() > max_rise * run {
                continue;
            }
            let secs = run / (crate::plan::graph::tobler_kmh(dz, run) / 3.6);
            if d + secs < best[k2] {
                best[k2] = d + secs;
                prev[k2] = k;
                heap.push(Item(d + secs, k2 as u32));
            }
        }
    }
    if !best[goal].is_finite() {
        return None;
    }
    let mut path = vec![goal];
    while let Some(&p) = path.last().map(|k| &prev[*k]) {
        if p == usize::MAX {
            break;
        }
        path.push(p);
    }
    path.reverse();
    Some(path.into_iter().map(|k| pos(k / cols, k % cols)).collect())
}

const NEIGHBOURS: [(isize, isize); 8] = [
    (-1, -1),
    (-1, 0),
    (-1, 1),
    (0, -1),
    (0, 1),
    (1, -1),
    (1, 0),
    (1, 1),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flat_walk_is_the_straight_line_and_a_wall_closes_it() {
        let at = Coord { x: 0.0, y: 0.0 };
        let (nrm, t) = (Coord { x: 0.0, y: 1.0 }, Coord { x: 1.0, y: 0.0 });
        let p = least_time(at, nrm, t, None).unwrap();
        assert_eq!(p.len(), (2.0 * DEPTH_M / CELL_M) as usize + 1);
        assert!(p.iter().all(|q| q.x.abs() < 1e-9));
        assert!((p[0].y + DEPTH_M).abs() < 1e-9 && (p.last().unwrap().y - DEPTH_M).abs() < 1e-9);
        // a 200 m wall, 200 m thick, across the whole width closes it; a
        // gap in it 400 m east of the line is where the walk goes through
        let grid = |f: fn(Coord) -> f64| {
            Terrain::from_fn(
                Coord {
                    x: -1000.0,
                    y: 2500.0,
                },
                25.0,
                201,
                81,
                f,
            )
        };
        let wall = grid(|q| {
            if (0.0..200.0).contains(&q.y) {
                200.0
            } else {
                0.0
            }
        });
        assert!(least_time(at, nrm, t, Some(&wall)).is_none());
        let gap = grid(|q| {
            if (0.0..200.0).contains(&q.y) && (q.x - 400.0).abs() > 60.0 {
                200.0
            } else {
                0.0
            }
        });
        let p = least_time(at, nrm, t, Some(&gap)).unwrap();
        let over = p.iter().find(|q| (0.0..200.0).contains(&q.y)).unwrap();
        assert!((over.x - 400.0).abs() <= 60.0, "{over:?}");
    }
}
