//! Crossings as journeys: an informal route extended at both ends along the
//! mapped network until the group is inland.
//!
//! A mapped informal way is often only the stretch across the line (a
//! bridge path, a ford): a group that vanishes a few metres past the line
//! cannot be intercepted by anyone, although in truth it walks on to a road
//! or a village. Each end of a route that lies closer than [`INLAND_M`] to
//! the border is carried on along the network (any State's mapped links,
//! staying on the end's side of the line) to the nearest node at least
//! [`INLAND_M`] from the border, or to the farthest one within
//! [`MAX_FOLLOW_M`] of network distance. 2 km is about 50 minutes for a
//! loaded group on foot: the span in which a response to a detection at
//! the line can still meet it. An end with no network node within
//! [`JOIN_M`] is left where the route ends.

use crate::index::BorderIndex;
use crate::model::Scenario;
use geo::Coord;
use rstar::primitives::GeomWithData;
use rstar::RTree;
use std::collections::{BinaryHeap, HashMap};

/// Distance from the border at which a group counts as inland, m.
pub const INLAND_M: f64 = 2000.0;
/// Longest stretch of network followed from a route's end, m.
pub const MAX_FOLLOW_M: f64 = 6000.0;
/// A route's end joins the network at a node this close, m.
pub const JOIN_M: f64 = 300.0;

/// The mapped network as an undirected graph of its vertices.
pub struct Network {
    nodes: Vec<Coord>,
    adj: Vec<Vec<(u32, f64)>>,
    tree: RTree<GeomWithData<[f64; 2], u32>>,
}

impl Network {
    /// Vertices closer than 0.5 m are one node.
    pub fn of(s: &Scenario) -> Self {
        let mut id: HashMap<(i64, i64), u32> = HashMap::new();
        let mut nodes = Vec::new();
        let mut adj: Vec<Vec<(u32, f64)>> = Vec::new();
        let mut node = |c: Coord, nodes: &mut Vec<Coord>, adj: &mut Vec<Vec<(u32, f64)>>| {
            let key = ((c.x * 2.0).round() as i64, (c.y * 2.0).round() as i64);
            *id.entry(key).or_insert_with(|| {
                nodes.push(c);
                adj.push(Vec::new());
                (nodes.len() - 1) as u32
            })
        };
        for l in &s.network {
            let mut prev: Option<(u32, Coord)> = None;
            for c in &l.xy.0 {
                let n = node(*c, &mut nodes, &mut adj);
                if let Some((p, pc)) = prev {
                    if p != n {
                        let d = super::dist(pc, *c);
                        adj[p as usize].push((n, d));
                        adj[n as usize].push((p, d));
                    }
                }
                prev = Some((n, *c));
            }
        }
        let tree = RTree::bulk_load(
            nodes
                .iter()
                .enumerate()
                .map(|(i, c)| GeomWithData::new([c.x, c.y], i as u32))
                .collect(),
        );
        Network { nodes, adj, tree }
    }

    /// The way on from `end` (excluded) inland, as vertices; empty when
    /// the end is inland already, off the border's sides, or off the
    /// network.
    fn onward(&self, s: &Scenario, bi: &BorderIndex, end: Coord) -> Vec<Coord> {
        let border_m = |c: Coord| bi.snap(c).map(|x| x.distance_m).unwrap_or(f64::INFINITY);
        if border_m(end) >= INLAND_M {
            return Vec::new();
        }
        let Some(side) = bi.state_side(s, end) else {
            return Vec::new();
        };
        let Some(start) = self.tree.nearest_neighbor(&[end.x, end.y]) else {
            return Vec::new();
        };
        let n0 = start.data;
        let join = super::dist(end, self.nodes[n0 as usize]);
        if join > JOIN_M {
            return Vec::new();
        }
        // Dijkstra over the nodes on the end's side
        let mut best: HashMap<u32, (f64, u32)> = HashMap::new();
        let mut heap = BinaryHeap::new();
        best.insert(n0, (join, u32::MAX));
        heap.push(crate::plan::graph::Item(join, n0));
        let mut pick: Option<(u32, f64)> = None; // (node, border m) farthest so far
        while let Some(crate::plan::graph::Item(d, u)) = heap.pop() {
            if best.get(&u).is_some_and(|b| d > b.0) {
                continue;
            }
            let c = self.nodes[u as usize];
            if bi.state_side(s, c) != Some(side) {
                continue;
            }
            let bm = border_m(c);
            if pick.is_none_or(|p| bm > p.1) {
                pick = Some((u, bm));
            }
            if bm >= INLAND_M {
                break;
            }
            for &(v, l) in &self.adj[u as usize] {
                let nd = d + l;
                if nd > MAX_FOLLOW_M || best.get(&v).is_some_and(|b| nd >= b.0) {
                    continue;
                }
                best.insert(v, (nd, u));
                heap.push(crate::plan::graph::Item(nd, v));
            }
        }
        let Some((mut u, bm)) = pick else {
            return Vec::new();
        };
        if bm <= border_m(end) {
            return Vec::new();
        }
        let mut path = vec![self.nodes[u as usize]];
        while let Some(&(_, p)) = best.get(&u) {
            if p == u32::MAX {
                break;
            }
            u = p;
            path.push(self.nodes[u as usize]);
        }
        path.reverse();
        path
    }

    /// Route `xy` carried on inland at both ends.
    pub fn journey(&self, s: &Scenario, bi: &BorderIndex, xy: &[Coord]) -> Vec<Coord> {
        let (Some(&first), Some(&last)) = (xy.first(), xy.last()) else {
            return xy.to_vec();
        };
        let mut out: Vec<Coord> = self.onward(s, bi, first).into_iter().rev().collect();
        out.extend_from_slice(xy);
        out.extend(self.onward(s, bi, last));
        out.dedup_by(|a, b| super::dist(*a, *b) < 0.01);
        out
    }
}
