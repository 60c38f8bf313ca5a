//! Point symbols gathered into clusters at small scales, so that 300 posts
//! along a continental border read as a few dozen counted symbols instead
//! of a solid wall, and come apart as the map zooms in (the clusters are
//! made in screen pixels every frame).
//!
//! Greedy and deterministic: in the order given, each point joins the first
//! cluster of its group whose first point lies within `radius_px` of it,
//! else starts one (a grid of `radius_px` cells finds the candidates). A
//! cluster is shown at the mean of its points.

use geo::Coord;
use std::collections::HashMap;

/// One cluster: its members (indices into the points given, in order) and
/// where to draw it.
#[derive(Clone, Debug, PartialEq)]
pub struct Cluster {
    pub group: usize,
    pub members: Vec<usize>,
    pub at: Coord,
}

/// Cluster `points` (screen pixels, each with its group: points of different
/// groups never share a cluster) within `radius_px`.
pub fn cluster(points: &[(Coord, usize)], radius_px: f64) -> Vec<Cluster> {
    let r = radius_px.max(1e-9);
    let cell = |p: Coord| ((p.x / r).floor() as i64, (p.y / r).floor() as i64);
    // per group and cell: the clusters whose first point is there
    let mut seeds: HashMap<(usize, i64, i64), Vec<usize>> = HashMap::new();
    let mut out: Vec<(Cluster, Coord, Coord)> = Vec::new(); // (cluster, first, sum)
    for (i, &(p, g)) in points.iter().enumerate() {
        let (cx, cy) = cell(p);
        let mut joined = None;
        for dx in -1..=1 {
            for dy in -1..=1 {
                for &k in seeds.get(&(g, cx + dx, cy + dy)).into_iter().flatten() {
                    let first = out[k].1;
                    if (first.x - p.x).hypot(first.y - p.y) <= r {
                        // the earliest cluster in reach, whichever cell it is in
                        joined = Some(joined.map_or(k, |j: usize| j.min(k)));
                    }
                }
            }
        }
        match joined {
            Some(k) => {
                out[k].0.members.push(i);
                out[k].2 = out[k].2 + p;
            }
            None => {
                seeds.entry((g, cx, cy)).or_default().push(out.len());
                let c = Cluster {
                    group: g,
                    members: vec![i],
                    at: p,
                };
                out.push((c, p, p));
            }
        }
    }
    out.into_iter()
        .map(|(mut c, _, sum)| {
            let n = c.members.len() as f64;
            c.at = Coord {
                x: sum.x / n,
                y: sum.y / n,
            };
            c
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(x: f64, y: f64) -> Coord {
        Coord { x, y }
    }

    #[test]
    fn points_within_the_radius_share_a_cluster_drawn_at_their_mean() {
        let pts = [(c(0.0, 0.0), 0), (c(10.0, 0.0), 0), (c(100.0, 0.0), 0)];
        let cl = cluster(&pts, 20.0);
        assert_eq!(cl.len(), 2);
        assert_eq!(cl[0].members, [0, 1]);
        assert_eq!(cl[0].at, c(5.0, 0.0));
        assert_eq!(cl[1].members, [2]);
        assert_eq!(cl[1].at, c(100.0, 0.0));
    }

    #[test]
    fn groups_never_mix_and_a_cell_edge_does_not_split_neighbours() {
        // 19.9 and 20.1 lie in different 20 px cells, 0.2 px apart
        let pts = [(c(19.9, 5.0), 0), (c(20.1, 5.0), 0), (c(20.0, 5.0), 1)];
        let cl = cluster(&pts, 20.0);
        assert_eq!(cl.len(), 2);
        assert_eq!(cl[0].members, [0, 1]);
        assert_eq!((cl[1].group, cl[1].members.as_slice()), (1, [2].as_slice()));
    }

    #[test]
    fn zooming_in_takes_a_cluster_apart() {
        // 300 points 1 km apart along a line: at 2 km a pixel they are
        // 0.5 px apart, at 50 m a pixel 20 px
        let along = |mpp: f64| -> Vec<(Coord, usize)> {
            (0..300)
                .map(|i| (c(i as f64 * 1000.0 / mpp, 0.0), 0))
                .collect()
        };
        let far = cluster(&along(2000.0), 14.0);
        assert!(far.len() <= 11, "{} clusters", far.len());
        assert_eq!(far.iter().map(|c| c.members.len()).sum::<usize>(), 300);
        assert_eq!(cluster(&along(50.0), 14.0).len(), 300);
    }

    #[test]
    fn nothing_in_nothing_out() {
        assert!(cluster(&[], 10.0).is_empty());
    }
}
