//! The minimum spanning forest bound: the length of a minimum spanning
//! forest of `k` trees over a set of points (metres), each edge shortened by
//! what a unit sees from either end. The planner's lower bound asks it for
//! every threshold of the watch points' weights.
//!
//! A Euclidean minimum spanning tree lies in the points' Delaunay
//! triangulation (`spade`), so Kruskal over its O(n) edges gives the same
//! edge lengths as Prim over all n² pairs, in O(n log n): 2,645 watch points
//! × 24 thresholds × 3 bounds were a second and more of Prim on usa-mexico.
//! The shortening (d − s, not below 0) keeps the order of the edges, so the
//! tree is the same; the sorted lengths of every minimum spanning tree are
//! the same, so the sum is the same to the bit.

use geo::Coord;
use spade::{DelaunayTriangulation, Point2, Triangulation};

/// Length (m) of a minimum spanning forest with `k` trees of `pts`, each
/// edge shortened by `shorten` (not below 0): the minimum spanning tree less
/// its `k − 1` longest edges.
pub fn spanning_forest_m(pts: &[Coord], k: usize, shorten: f64) -> f64 {
    let n = pts.len();
    if n <= 1 {
        return 0.0;
    }
    let Some(mut edges) = tree_edges(pts, shorten) else {
        return prim(pts, k, shorten);
    };
    // (the root's zero, as Prim counts it)
    edges.push(0.0);
    forest_sum(edges, k)
}

fn length(a: Coord, b: Coord, shorten: f64) -> f64 {
    let d = ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt();
    (d - shorten).max(0.0)
}

/// The n − 1 shortened lengths of a minimum spanning tree (Kruskal over
/// the Delaunay edges and the ties of coincident points); `None` when the
/// triangulation refuses a point (not finite, or too large).
fn tree_edges(pts: &[Coord], shorten: f64) -> Option<Vec<f64>> {
    let mut t: DelaunayTriangulation<Point2<f64>> = DelaunayTriangulation::new();
    // each vertex's first point; coincident points join it at length 0
    let mut first_of: Vec<usize> = Vec::new();
    let mut cand: Vec<(f64, usize, usize)> = Vec::new();
    for (i, p) in pts.iter().enumerate() {
        let v = t.insert(Point2::new(p.x, p.y)).ok()?.index();
        if v == first_of.len() {
            first_of.push(i);
        } else {
            let j = first_of[v];
            cand.push((length(pts[j], pts[i], shorten), j, i));
        }
    }
    for e in t.undirected_edges() {
        let [a, b] = e.vertices().map(|v| first_of[v.fix().index()]);
        cand.push((length(pts[a], pts[b], shorten), a, b));
    }
    cand.sort_by(|x, y| x.0.total_cmp(&y.0));
    let mut parent: Vec<usize> = (0..pts.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut edges = Vec::with_capacity(pts.len());
    for (d, a, b) in cand {
        let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
        if ra != rb {
            parent[ra] = rb;
            edges.push(d);
        }
    }
    (edges.len() == pts.len() - 1).then_some(edges)
}

/// The forest's length from a tree's edge lengths: all but the `k − 1`
/// longest, summed shortest first.
fn forest_sum(mut edges: Vec<f64>, k: usize) -> f64 {
    edges.sort_by(|a, b| a.total_cmp(b));
    let keep = edges.len().saturating_sub(k.saturating_sub(1));
    edges[..keep].iter().sum()
}

/// Prim over all pairs, O(n²): the reference, and the way when the
/// triangulation refuses the points.
fn prim(pts: &[Coord], k: usize, shorten: f64) -> f64 {
    let n = pts.len();
    let mut in_tree = vec![false; n];
    let mut dist = vec![f64::INFINITY; n];
    dist[0] = 0.0;
    let mut edges = Vec::with_capacity(n);
    for _ in 0..n {
        let mut u = usize::MAX;
        let mut du = f64::INFINITY;
        for v in 0..n {
            if !in_tree[v] && dist[v] < du {
                du = dist[v];
                u = v;
            }
        }
        if u == usize::MAX {
            break;
        }
        in_tree[u] = true;
        edges.push(du);
        for v in 0..n {
            if !in_tree[v] {
                let d = length(pts[u], pts[v], shorten);
                if d < dist[v] {
                    dist[v] = d;
                }
            }
        }
    }
    forest_sum(edges, k)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn c(x: f64, y: f64) -> Coord {
        Coord { x, y }
    }

    #[test]
    fn a_line_of_points_less_its_longest_gaps() {
        // gaps 100, 300, 50 m along a line: two trees drop the 300
        let pts = [c(0.0, 0.0), c(100.0, 0.0), c(400.0, 0.0), c(450.0, 0.0)];
        assert_eq!(spanning_forest_m(&pts, 1, 0.0), 450.0);
        assert_eq!(spanning_forest_m(&pts, 2, 0.0), 150.0);
        // each edge shortened by 60 m, not below 0: 40 + 240 + 0
        assert_eq!(spanning_forest_m(&pts, 1, 60.0), 280.0);
    }

    #[test]
    fn coincident_points_cost_nothing() {
        let pts = [c(5.0, 5.0), c(5.0, 5.0), c(5.0, 5.0), c(8.0, 9.0)];
        assert_eq!(spanning_forest_m(&pts, 1, 0.0), 5.0);
        assert_eq!(spanning_forest_m(&pts[..3], 1, 0.0), 0.0);
    }

    proptest! {
        // the same bits as Prim over all pairs, on points in general
        // position, on a grid (ties, co-circular), on a line and with
        // repeats
        #[test]
        fn equals_prim_over_all_pairs(
            raw in proptest::collection::vec((0u16..400, 0u16..400), 2..120),
            grid in any::<bool>(),
            line in any::<bool>(),
            k in 1usize..6,
            shorten in prop_oneof![Just(0.0), 0.0f64..300.0],
        ) {
            let pts: Vec<Coord> = raw
                .iter()
                .map(|&(a, b)| {
                    let (x, y) = if grid {
                        ((a / 40 * 40) as f64, (b / 40 * 40) as f64)
                    } else {
                        (a as f64 * 13.7 + b as f64 * 0.013, b as f64 * 9.1)
                    };
                    if line { c(x, 2.0 * x + 1.0) } else { c(x, y) }
                })
                .collect();
            let fast = spanning_forest_m(&pts, k, shorten);
            let reference = prim(&pts, k, shorten);
            prop_assert_eq!(fast.to_bits(), reference.to_bits(), "{} vs {}", fast, reference);
        }
    }
}
