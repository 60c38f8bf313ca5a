//! Areas from oriented linework cut by a rectangle: the area on the left of
//! a set of lines (a country's boundary ways with the country on their
//! left, or a coastline with the land on its left, as OpenStreetMap draws
//! it), within the rectangle the data covers. Each line is clipped to the
//! rectangle; an open piece leaves the rectangle at its end and is joined
//! to the next piece that enters counter-clockwise along the rectangle's
//! edge (the way osmcoastline closes a coastline in a tile). Closed rings
//! inside keep their orientation: counter-clockwise is an area, clockwise
//! a hole. Coordinates in metres (any plane).

use geo::{Area, BooleanOps, Coord, LineString, MultiPolygon, Polygon};

/// The area on the left of `lines` within `rect` (min, max corners).
/// `all_inside` says whether the whole rectangle is the area when no line
/// crosses it (asked only then: no piece enters or leaves).
pub fn area_left_of(
    lines: &[Vec<Coord>],
    rect: (Coord, Coord),
    all_inside: impl FnOnce() -> bool,
) -> MultiPolygon {
    let mut closed: Vec<Vec<Coord>> = Vec::new();
    let mut open: Vec<Vec<Coord>> = Vec::new();
    for mut l in bridge(chain(lines), rect) {
        if l.len() >= 4 && l.first() == l.last() {
            match l.iter().position(|p| !inside(*p, rect)) {
                None => {
                    closed.push(l);
                    continue;
                }
                // clipped from a point outside, so no piece starts inside
                Some(k) => {
                    l.pop();
                    l.rotate_left(k);
                    l.push(l[0]);
                }
            }
        }
        for mut piece in clip(&l, rect) {
            // A line that ends inside the rectangle (the data stops there)
            // is carried straight to the nearest edge.
            for end in [0, 1] {
                let p = if end == 0 {
                    piece[0]
                } else {
                    *piece.last().unwrap()
                };
                if !on_edge(p, rect) {
                    let q = nearest_on_edge(p, rect);
                    if end == 0 {
                        piece.insert(0, q);
                    } else {
                        piece.push(q);
                    }
                }
            }
            open.push(piece);
        }
    }
    closed.extend(join_along_edge(open, rect));
    let mut outers = Vec::new();
    let mut holes = Vec::new();
    for r in closed {
        let p = Polygon::new(LineString::new(r), vec![]);
        let a = p.signed_area();
        if a > 0.0 {
            outers.push(p);
        } else if a < 0.0 {
            holes.push(Polygon::new(
                LineString::new(p.exterior().0.iter().rev().copied().collect()),
                vec![],
            ));
        }
    }
    let rect_poly = geo::Rect::new(rect.0, rect.1).to_polygon();
    let base = if outers.is_empty() {
        if holes.is_empty() && !all_inside() {
            return MultiPolygon::new(vec![]);
        }
        MultiPolygon::new(vec![rect_poly.clone()])
    } else {
        union_all(outers)
    };
    let area = if holes.is_empty() {
        base
    } else {
        base.difference(&union_all(holes))
    };
    area.intersection(&MultiPolygon::new(vec![rect_poly]))
}

/// Lines joined where one ends at the point where another starts (their
/// orientation kept).
fn chain(lines: &[Vec<Coord>]) -> Vec<Vec<Coord>> {
    use std::collections::HashMap;
    let key = |c: Coord| (c.x.to_bits(), c.y.to_bits());
    let lines: Vec<&Vec<Coord>> = lines.iter().filter(|l| l.len() >= 2).collect();
    let mut by_start: HashMap<(u64, u64), Vec<usize>> = HashMap::new();
    let mut by_end: HashMap<(u64, u64), Vec<usize>> = HashMap::new();
    for (i, l) in lines.iter().enumerate() {
        by_start.entry(key(l[0])).or_default().push(i);
        by_end.entry(key(*l.last().unwrap())).or_default().push(i);
    }
    let mut used = vec![false; lines.len()];
    let mut out = Vec::new();
    for i in 0..lines.len() {
        if used[i] {
            continue;
        }
        used[i] = true;
        let mut cur: Vec<Coord> = lines[i].clone();
        while cur.first() != cur.last() {
            let next = by_start
                .get(&key(*cur.last().unwrap()))
                .and_then(|v| v.iter().copied().find(|&j| !used[j]));
            let Some(j) = next else { break };
            used[j] = true;
            cur.extend(&lines[j][1..]);
        }
        while cur.first() != cur.last() {
            let prev = by_end
                .get(&key(cur[0]))
                .and_then(|v| v.iter().copied().find(|&j| !used[j]));
            let Some(j) = prev else { break };
            used[j] = true;
            let mut l = lines[j].clone();
            l.pop();
            l.extend(cur);
            cur = l;
        }
        out.push(cur);
    }
    out
}

/// Lines whose data stops inside the rectangle (a way missing from the
/// extract): an end is joined straight to the nearest start of a line
/// (its own included) that also stops inside, when that is nearer than
/// the rectangle's edge.
fn bridge(mut lines: Vec<Vec<Coord>>, rect: (Coord, Coord)) -> Vec<Vec<Coord>> {
    let edge_d = |p: Coord| {
        let q = nearest_on_edge(p, rect);
        (p - q).x.hypot((p - q).y)
    };
    let dangling =
        |l: &Vec<Coord>, p: Coord| l.first() != l.last() && inside(p, rect) && !on_edge(p, rect);
    loop {
        let mut best: Option<(f64, usize, usize)> = None;
        for (i, a) in lines.iter().enumerate() {
            let end = *a.last().unwrap();
            if !dangling(a, end) {
                continue;
            }
            for (j, b) in lines.iter().enumerate() {
                if !dangling(b, b[0]) {
                    continue;
                }
                let d = (end - b[0]).x.hypot((end - b[0]).y);
                if d < edge_d(end) && best.is_none_or(|(bd, _, _)| d < bd) {
                    best = Some((d, i, j));
                }
            }
        }
        let Some((_, i, j)) = best else { return lines };
        if i == j {
            let first = lines[i][0];
            lines[i].push(first);
        } else {
            let b = lines[j].clone();
            lines[i].extend(b);
            lines.remove(j);
        }
    }
}

fn union_all(ps: Vec<Polygon>) -> MultiPolygon {
    ps.into_iter().fold(MultiPolygon::new(vec![]), |acc, p| {
        acc.union(&MultiPolygon::new(vec![p]))
    })
}

fn inside(p: Coord, (min, max): (Coord, Coord)) -> bool {
    p.x >= min.x && p.x <= max.x && p.y >= min.y && p.y <= max.y
}

fn on_edge(p: Coord, (min, max): (Coord, Coord)) -> bool {
    let eps = 1e-6 * (max.x - min.x).abs().max(max.y - min.y).max(1.0);
    (p.x - min.x).abs() < eps
        || (p.x - max.x).abs() < eps
        || (p.y - min.y).abs() < eps
        || (p.y - max.y).abs() < eps
}

fn nearest_on_edge(p: Coord, (min, max): (Coord, Coord)) -> Coord {
    let d = [p.x - min.x, max.x - p.x, p.y - min.y, max.y - p.y];
    let k = (0..4).min_by(|a, b| d[*a].total_cmp(&d[*b])).unwrap();
    match k {
        0 => Coord { x: min.x, y: p.y },
        1 => Coord { x: max.x, y: p.y },
        2 => Coord { x: p.x, y: min.y },
        _ => Coord { x: p.x, y: max.y },
    }
}

/// Position along the rectangle's edge, counter-clockwise from the
/// bottom-left corner.
fn perimeter_t(p: Coord, (min, max): (Coord, Coord)) -> f64 {
    let (w, h) = (max.x - min.x, max.y - min.y);
    let p = nearest_on_edge(p, (min, max));
    let eps = 1e-9 * w.max(h).max(1.0);
    if (p.y - min.y).abs() <= eps && p.x < max.x {
        p.x - min.x
    } else if (p.x - max.x).abs() <= eps && p.y < max.y {
        w + (p.y - min.y)
    } else if (p.y - max.y).abs() <= eps && p.x > min.x {
        w + h + (max.x - p.x)
    } else {
        2.0 * w + h + (max.y - p.y)
    }
}

/// The rectangle's corners, counter-clockwise from the bottom-left, with
/// their perimeter positions.
fn corners((min, max): (Coord, Coord)) -> [(f64, Coord); 4] {
    let (w, h) = (max.x - min.x, max.y - min.y);
    [
        (0.0, min),
        (w, Coord { x: max.x, y: min.y }),
        (w + h, max),
        (2.0 * w + h, Coord { x: min.x, y: max.y }),
    ]
}

/// Open pieces (each from the edge to the edge, area on its left) joined
/// into rings: from a piece's end, counter-clockwise along the edge to the
/// next piece's start.
fn join_along_edge(open: Vec<Vec<Coord>>, rect: (Coord, Coord)) -> Vec<Vec<Coord>> {
    let perim = {
        let (min, max) = rect;
        2.0 * ((max.x - min.x) + (max.y - min.y))
    };
    let starts: Vec<f64> = open.iter().map(|p| perimeter_t(p[0], rect)).collect();
    let mut used = vec![false; open.len()];
    let mut rings = Vec::new();
    for first in 0..open.len() {
        if used[first] {
            continue;
        }
        let mut ring: Vec<Coord> = Vec::new();
        let mut cur = first;
        loop {
            used[cur] = true;
            ring.extend(&open[cur]);
            let t_end = perimeter_t(*open[cur].last().unwrap(), rect);
            // the next start counter-clockwise from here (cyclic)
            let ahead = |t: f64| (t - t_end).rem_euclid(perim);
            let next = (0..open.len())
                .filter(|&j| !used[j] || j == first)
                .min_by(|&a, &b| {
                    ahead(starts[a])
                        .total_cmp(&ahead(starts[b]))
                        .then(a.cmp(&b))
                })
                .unwrap_or(first);
            let t_next = t_end + ahead(starts[next]);
            // corners passed on the way
            for lap in [0.0, perim] {
                for (tc, c) in corners(rect) {
                    let tc = tc + lap;
                    if tc > t_end && tc < t_next {
                        ring.push(c);
                    }
                }
            }
            if next == first {
                ring.push(ring[0]);
                break;
            }
            cur = next;
        }
        rings.push(ring);
    }
    rings
}

/// A polyline clipped to the rectangle: the pieces inside, in order
/// (Liang–Barsky per segment).
pub fn clip(l: &[Coord], (min, max): (Coord, Coord)) -> Vec<Vec<Coord>> {
    let mut pieces: Vec<Vec<Coord>> = Vec::new();
    let mut cur: Vec<Coord> = Vec::new();
    for w in l.windows(2) {
        let (a, b) = (w[0], w[1]);
        let d = b - a;
        let (mut t0, mut t1) = (0.0f64, 1.0f64);
        let mut keep = true;
        for (p, q) in [
            (-d.x, a.x - min.x),
            (d.x, max.x - a.x),
            (-d.y, a.y - min.y),
            (d.y, max.y - a.y),
        ] {
            if p == 0.0 {
                if q < 0.0 {
                    keep = false;
                }
            } else {
                let r = q / p;
                if p < 0.0 {
                    t0 = t0.max(r);
                } else {
                    t1 = t1.min(r);
                }
            }
        }
        if !keep || t0 > t1 {
            if cur.len() >= 2 {
                pieces.push(std::mem::take(&mut cur));
            }
            cur.clear();
            continue;
        }
        let (pa, pb) = (a + d * t0, a + d * t1);
        if cur.is_empty() || t0 > 0.0 {
            if cur.len() >= 2 {
                pieces.push(std::mem::take(&mut cur));
            }
            cur = vec![pa];
        }
        if *cur.last().unwrap() != pb {
            cur.push(pb);
        }
        if t1 < 1.0 {
            if cur.len() >= 2 {
                pieces.push(std::mem::take(&mut cur));
            }
            cur.clear();
        }
    }
    if cur.len() >= 2 {
        pieces.push(cur);
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(x: f64, y: f64) -> Coord {
        Coord { x, y }
    }
    const RECT: (Coord, Coord) = (Coord { x: 0.0, y: 0.0 }, Coord { x: 10.0, y: 10.0 });

    #[test]
    fn a_line_across_the_rectangle_bounds_the_area_on_its_left() {
        // west to east across the middle: the north half is on its left
        let north = area_left_of(&[vec![c(-5.0, 5.0), c(15.0, 5.0)]], RECT, || panic!());
        assert!((north.unsigned_area() - 50.0).abs() < 1e-9);
        assert!(geo::Contains::contains(&north, &geo::Point::new(5.0, 8.0)));
        // the same line reversed: the south half
        let south = area_left_of(&[vec![c(15.0, 5.0), c(-5.0, 5.0)]], RECT, || panic!());
        assert!(geo::Contains::contains(&south, &geo::Point::new(5.0, 2.0)));
        assert!((south.unsigned_area() - 50.0).abs() < 1e-9);
    }

    #[test]
    fn rings_inside_are_areas_or_holes_by_orientation_and_no_line_asks() {
        let ccw = vec![
            c(2.0, 2.0),
            c(4.0, 2.0),
            c(4.0, 4.0),
            c(2.0, 4.0),
            c(2.0, 2.0),
        ];
        let island = area_left_of(std::slice::from_ref(&ccw), RECT, || panic!());
        assert!((island.unsigned_area() - 4.0).abs() < 1e-9);
        let cw: Vec<Coord> = ccw.iter().rev().copied().collect();
        let enclave = area_left_of(&[cw], RECT, || true);
        assert!((enclave.unsigned_area() - 96.0).abs() < 1e-9);
        assert!(area_left_of(&[], RECT, || false).0.is_empty());
        assert!((area_left_of(&[], RECT, || true).unsigned_area() - 100.0).abs() < 1e-9);
    }

    #[test]
    fn a_line_in_and_out_twice_and_one_ending_inside_are_closed_along_the_edge() {
        // a U from the south edge up and back: the area on its left is
        // everything but the U's inside... drawn counter-clockwise it is the U
        let u = vec![c(3.0, -1.0), c(3.0, 6.0), c(7.0, 6.0), c(7.0, -1.0)];
        let outside_u = area_left_of(std::slice::from_ref(&u), RECT, || panic!());
        assert!((outside_u.unsigned_area() - (100.0 - 4.0 * 6.0)).abs() < 1e-9);
        let rev: Vec<Coord> = u.iter().rev().copied().collect();
        let inside_u = area_left_of(&[rev], RECT, || panic!());
        assert!((inside_u.unsigned_area() - 24.0).abs() < 1e-9);
        // a line that stops at x = 8 is carried to the nearest edge (east)
        let cut = area_left_of(&[vec![c(-1.0, 5.0), c(8.0, 5.0)]], RECT, || panic!());
        assert!((cut.unsigned_area() - 50.0).abs() < 1e-9);
        // the same line in three ways, given out of order, is one line
        let parts = [
            vec![c(4.0, 5.0), c(8.0, 5.0), c(15.0, 5.0)],
            vec![c(-1.0, 5.0), c(1.0, 5.0)],
            vec![c(1.0, 5.0), c(4.0, 5.0)],
        ];
        let joined = area_left_of(&parts, RECT, || panic!());
        assert!((joined.unsigned_area() - 50.0).abs() < 1e-9);
        // a ring half outside, drawn from a vertex inside
        let ring = vec![
            c(5.0, 5.0),
            c(15.0, 5.0),
            c(15.0, 15.0),
            c(5.0, 15.0),
            c(5.0, 5.0),
        ];
        let quarter = area_left_of(&[ring], RECT, || panic!());
        assert!((quarter.unsigned_area() - 25.0).abs() < 1e-9);
        // a ring with a way missing is bridged across the gap, not carried
        // out to the edge
        let gappy = [
            vec![c(2.0, 2.0), c(6.0, 2.0), c(6.0, 4.0)],
            vec![c(6.0, 5.0), c(6.0, 6.0), c(2.0, 6.0), c(2.0, 2.0)],
        ];
        let bridged = area_left_of(&gappy, RECT, || panic!());
        assert!((bridged.unsigned_area() - 16.0).abs() < 1e-9);
    }
}
