//! Patrol graphs (petgraph): one directed graph per State and unit mode,
//! with travel times per arc.
//!
//! - **Foot**: the State's roads, tracks and paths at Tobler's hiking speed
//!   from the DEM slope (6·e^(−3.5·|s + 0.05|) km/h, so uphill and downhill
//!   differ), plus the border line itself (on a river, the State's own
//!   bank) and straight cross-country
//!   links (≤ `access_m`) from border points to the nearest network node,
//!   both at Tobler's off-path speed (× 0.6).
//! - **Vehicle**: roads (40 km/h) and tracks (20 km/h) only.
//! - **Boat**: the State's waterways and the blue border line (15 km/h),
//!   with links (≤ `access_m`) between them.
//!
//! A post joins a graph through its nearest nodes within `access_m`, walked
//! at the off-path speed (the crew walks to the vehicle or boat). Units stay
//! on their own State's graph: the border line is the common edge of both.

use crate::assess::Segment;
use crate::geom::{densify, midpoint};
use crate::ids::StateId;
use crate::model::{BorderKind, NetworkKind, Scenario, UnitMode};
use crate::terrain::Terrain;
use geo::Coord;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use rstar::primitives::GeomWithData;
use rstar::RTree;
use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};

/// Kind of arc.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArcKind {
    Road,
    Track,
    Path,
    Water,
    /// Along the border line.
    Border,
    /// Straight across country.
    CrossCountry,
}

#[derive(Clone, Copy, Debug)]
pub struct GNode {
    pub xy: Coord,
    pub z: f64,
}

#[derive(Clone, Copy, Debug)]
pub struct Arc {
    pub len_m: f64,
    pub secs: f64,
    pub kind: ArcKind,
}

/// Highest speed of a mode anywhere on its graph (m/s): Tobler's maximum
/// (6 km/h on a 5 % descent), the road speed, the boat speed.
pub fn max_speed_ms(mode: UnitMode) -> f64 {
    match mode {
        UnitMode::Foot => 6.0 / 3.6,
        UnitMode::Vehicle => ROAD_KMH / 3.6,
        UnitMode::Boat => BOAT_KMH / 3.6,
    }
}

pub const ROAD_KMH: f64 = 40.0;
pub const TRACK_KMH: f64 = 20.0;
pub const BOAT_KMH: f64 = 15.0;
/// Tobler's off-path factor.
pub const OFF_PATH: f64 = 0.6;

/// Tobler's hiking function, km/h, for a rise `dz` over a horizontal `len`.
pub fn tobler_kmh(dz: f64, len: f64) -> f64 {
    let s = if len > 0.0 { dz / len } else { 0.0 };
    6.0 * (-3.5 * (s + 0.05).abs()).exp()
}

fn foot_secs(len: f64, dz: f64, factor: f64) -> f64 {
    len / (tobler_kmh(dz, len) * factor / 3.6)
}

/// A State's patrol graph for one mode.
pub struct PatrolGraph {
    pub state: StateId,
    pub mode: UnitMode,
    pub g: DiGraph<GNode, Arc>,
    /// Every node, for snapping.
    tree: RTree<GeomWithData<[f64; 2], u32>>,
    /// Node of each watch point lying on this graph's border line.
    pub on_line: HashMap<usize, NodeIndex>,
    /// Nodes of the border line, for joining posts to it.
    line_tree: RTree<GeomWithData<[f64; 2], u32>>,
}

struct Builder<'a> {
    terrain: Option<&'a Terrain>,
    g: DiGraph<GNode, Arc>,
    keys: HashMap<(i64, i64), NodeIndex>,
}

impl Builder<'_> {
    /// Cross-country links (boats: water) from each node of the border
    /// line to the nearest of the first `network_nodes` nodes (the
    /// network's), when it lies within `access_m`.
    fn join_line(
        &mut self,
        network_nodes: usize,
        border_nodes: &[NodeIndex],
        access_m: f64,
        mode: UnitMode,
    ) {
        if network_nodes > 0 && !border_nodes.is_empty() {
            let net: RTree<GeomWithData<[f64; 2], u32>> = RTree::bulk_load(
                (0..network_nodes)
                    .map(|i| {
                        let p = self.g[NodeIndex::new(i)].xy;
                        GeomWithData::new([p.x, p.y], i as u32)
                    })
                    .collect(),
            );
            for &n in border_nodes {
                let p = self.g[n].xy;
                if let Some(near) = net.nearest_neighbor(&[p.x, p.y]) {
                    let d2 = (near.geom()[0] - p.x).powi(2) + (near.geom()[1] - p.y).powi(2);
                    if d2 <= access_m * access_m {
                        let kind = if mode == UnitMode::Boat {
                            ArcKind::Water
                        } else {
                            ArcKind::CrossCountry
                        };
                        self.link(n, NodeIndex::new(near.data as usize), kind, mode);
                    }
                }
            }
        }
    }

    fn node(&mut self, xy: Coord) -> NodeIndex {
        let key = ((xy.x * 10.0).round() as i64, (xy.y * 10.0).round() as i64);
        if let Some(&n) = self.keys.get(&key) {
            return n;
        }
        let z = self
            .terrain
            .and_then(|t| t.elevation(xy))
            .unwrap_or(f64::NAN);
        let n = self.g.add_node(GNode { xy, z });
        self.keys.insert(key, n);
        n
    }
    fn link(&mut self, a: NodeIndex, b: NodeIndex, kind: ArcKind, mode: UnitMode) {
        if a == b {
            return;
        }
        let (pa, pb) = (self.g[a], self.g[b]);
        let len = ((pa.xy.x - pb.xy.x).powi(2) + (pa.xy.y - pb.xy.y).powi(2)).sqrt();
        // unknown elevation (outside the DEM): flat
        let dz = if (pb.z - pa.z).is_finite() {
            pb.z - pa.z
        } else {
            0.0
        };
        let secs = |dz: f64| match (mode, kind) {
            (UnitMode::Foot, ArcKind::Border | ArcKind::CrossCountry) => {
                foot_secs(len, dz, OFF_PATH)
            }
            (UnitMode::Foot, _) => foot_secs(len, dz, 1.0),
            (UnitMode::Vehicle, ArcKind::Road) => len / (ROAD_KMH / 3.6),
            (UnitMode::Vehicle, _) => len / (TRACK_KMH / 3.6),
            (UnitMode::Boat, _) => len / (BOAT_KMH / 3.6),
        };
        self.g.add_edge(
            a,
            b,
            Arc {
                len_m: len,
                secs: secs(dz),
                kind,
            },
        );
        self.g.add_edge(
            b,
            a,
            Arc {
                len_m: len,
                secs: secs(-dz),
                kind,
            },
        );
    }
}

/// Network arcs are cut to at most this length, so that posts and watch
/// points snap to a node near the nearest point of a long straight link.
pub const MAX_ARC_M: f64 = 100.0;

impl PatrolGraph {
    /// Build the graph of `state` for `mode`; `segments` are the watch
    /// points' border segments (the watch point of segment i is its midpoint).
    pub fn build(
        s: &Scenario,
        state: &StateId,
        mode: UnitMode,
        segments: &[Segment],
        terrain: Option<&Terrain>,
        access_m: f64,
    ) -> Self {
        let mut b = Builder {
            terrain,
            g: DiGraph::new(),
            keys: HashMap::new(),
        };
        let usable = |k: NetworkKind| match mode {
            UnitMode::Foot => k != NetworkKind::Waterway,
            UnitMode::Vehicle => matches!(k, NetworkKind::Road | NetworkKind::Track),
            UnitMode::Boat => k == NetworkKind::Waterway,
        };
        for l in s
            .network
            .iter()
            .filter(|l| &l.state == state && usable(l.kind))
        {
            let kind = match l.kind {
                NetworkKind::Road => ArcKind::Road,
                NetworkKind::Track => ArcKind::Track,
                NetworkKind::Path => ArcKind::Path,
                NetworkKind::Waterway => ArcKind::Water,
            };
            let mut prev: Option<NodeIndex> = None;
            for c in densify(&l.xy.0, MAX_ARC_M) {
                let n = b.node(c);
                if let Some(p) = prev {
                    b.link(p, n, kind, mode);
                }
                prev = Some(n);
            }
        }
        let network_nodes = b.g.node_count();
        // The border line of this mode, with the watch points inserted.
        // Foot patrols walk the line (on a blue stretch: their own bank).
        let on_line_of = |k: BorderKind| match mode {
            UnitMode::Foot => true,
            UnitMode::Boat => k == BorderKind::Blue,
            UnitMode::Vehicle => false,
        };
        let mut on_line = HashMap::new();
        let mut border_nodes = Vec::new();
        for (i, seg) in segments.iter().enumerate() {
            if !on_line_of(seg.kind) || (&seg.left != state && &seg.right != state) {
                continue;
            }
            let (mid, after) = midpoint(&seg.xy);
            let mut pts: Vec<Coord> = seg.xy[..after].to_vec();
            pts.push(mid);
            pts.extend_from_slice(&seg.xy[after..]);
            let mut prev: Option<NodeIndex> = None;
            for (k, c) in pts.iter().enumerate() {
                let n = b.node(*c);
                if k == after {
                    on_line.insert(i, n);
                }
                border_nodes.push(n);
                if let Some(p) = prev {
                    b.link(p, n, ArcKind::Border, mode);
                }
                prev = Some(n);
            }
        }
        border_nodes.sort();
        border_nodes.dedup();
        let line_nodes = border_nodes.clone();
        b.join_line(network_nodes, &border_nodes, access_m, mode);
        let tree = RTree::bulk_load(
            b.g.node_indices()
                .filter(|&n| b.g.edges(n).next().is_some())
                .map(|n| {
                    let p = b.g[n].xy;
                    GeomWithData::new([p.x, p.y], n.index() as u32)
                })
                .collect(),
        );
        let line_tree = RTree::bulk_load(
            line_nodes
                .iter()
                .map(|&n| {
                    let p = b.g[n].xy;
                    GeomWithData::new([p.x, p.y], n.index() as u32)
                })
                .collect(),
        );
        PatrolGraph {
            state: state.clone(),
            mode,
            g: b.g,
            tree,
            on_line,
            line_tree,
        }
    }

    /// Nearest node within `max_m`, with its distance.
    pub fn nearest(&self, p: Coord, max_m: f64) -> Option<(NodeIndex, f64)> {
        let n = self.tree.nearest_neighbor(&[p.x, p.y])?;
        let d = ((n.geom()[0] - p.x).powi(2) + (n.geom()[1] - p.y).powi(2)).sqrt();
        (d <= max_m).then(|| (NodeIndex::new(n.data as usize), d))
    }

    /// The `k` nearest nodes within `max_m`.
    pub fn nearest_k(&self, p: Coord, k: usize, max_m: f64) -> Vec<(NodeIndex, f64)> {
        self.tree
            .nearest_neighbor_iter(&[p.x, p.y])
            .take(k)
            .map(|n| {
                let d = ((n.geom()[0] - p.x).powi(2) + (n.geom()[1] - p.y).powi(2)).sqrt();
                (NodeIndex::new(n.data as usize), d)
            })
            .filter(|(_, d)| *d <= max_m)
            .collect()
    }

    /// Add a post's node linked (walked, off-path) to its `k` nearest nodes
    /// and its nearest border-line node within `access_m`. Returns the node
    /// and the distance to the nearest, or `None` when no node is that close.
    pub fn add_post(
        &mut self,
        xy: Coord,
        z: f64,
        k: usize,
        access_m: f64,
    ) -> Option<(NodeIndex, f64)> {
        let mut near = self.nearest_k(xy, k, access_m);
        if let Some(l) = self.line_tree.nearest_neighbor(&[xy.x, xy.y]) {
            let d = ((l.geom()[0] - xy.x).powi(2) + (l.geom()[1] - xy.y).powi(2)).sqrt();
            let n = NodeIndex::new(l.data as usize);
            if d <= access_m && !near.iter().any(|x| x.0 == n) {
                near.push((n, d));
            }
        }
        near.sort_by(|a, b| a.1.total_cmp(&b.1));
        let first = near.first()?.1;
        let n = self.g.add_node(GNode { xy, z });
        for (m, _) in near {
            let pm = self.g[m];
            let len = ((pm.xy.x - xy.x).powi(2) + (pm.xy.y - xy.y).powi(2)).sqrt();
            let dz = if (pm.z - z).is_finite() {
                pm.z - z
            } else {
                0.0
            };
            let kind = ArcKind::CrossCountry;
            self.g.add_edge(
                n,
                m,
                Arc {
                    len_m: len,
                    secs: foot_secs(len, dz, OFF_PATH),
                    kind,
                },
            );
            self.g.add_edge(
                m,
                n,
                Arc {
                    len_m: len,
                    secs: foot_secs(len, -dz, OFF_PATH),
                    kind,
                },
            );
        }
        Some((n, first))
    }
}

/// A Dijkstra heap entry (time, node), smallest time first.
#[derive(PartialEq)]
pub(crate) struct Item(pub f64, pub u32);
impl Eq for Item {}
impl PartialOrd for Item {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Item {
    fn cmp(&self, o: &Self) -> Ordering {
        o.0.total_cmp(&self.0).then(o.1.cmp(&self.1))
    }
}

/// Shortest travel times from `src` (or to it, `reverse`), up to a limit:
/// the settled nodes (sorted by node) with their time and predecessor (for
/// `reverse`, the next node towards `src`).
pub struct Tree {
    pub src: NodeIndex,
    pub reverse: bool,
    reach: Vec<(u32, f64, u32)>,
}

impl Tree {
    fn get(&self, n: u32) -> Option<&(u32, f64, u32)> {
        self.reach
            .binary_search_by_key(&n, |x| x.0)
            .ok()
            .map(|i| &self.reach[i])
    }
    pub fn time(&self, n: NodeIndex) -> Option<f64> {
        self.get(n.index() as u32).map(|x| x.1)
    }
    /// Settled nodes with their times.
    pub fn iter(&self) -> impl Iterator<Item = (NodeIndex, f64)> + '_ {
        self.reach
            .iter()
            .map(|x| (NodeIndex::new(x.0 as usize), x.1))
    }
    /// The path between `src` and `n` as (node, seconds from the path's
    /// start), in travel order.
    pub fn path(&self, n: NodeIndex) -> Option<Vec<(NodeIndex, f64)>> {
        let total = self.time(n)?;
        let mut out = vec![];
        let mut cur = n.index() as u32;
        loop {
            let &(_, t, pred) = self.get(cur)?;
            out.push((NodeIndex::new(cur as usize), t));
            if cur == self.src.index() as u32 {
                break;
            }
            cur = pred;
        }
        if self.reverse {
            // from n towards src: time from n = total − time to src
            Some(out.into_iter().map(|(m, t)| (m, total - t)).collect())
        } else {
            out.reverse();
            Some(out)
        }
    }
}

/// Reusable Dijkstra scratch space for one graph.
pub struct Search {
    best: Vec<f64>,
    pred: Vec<u32>,
    done: Vec<bool>,
    touched: Vec<u32>,
}

impl Search {
    pub fn new(g: &DiGraph<GNode, Arc>) -> Self {
        let n = g.node_count();
        Search {
            best: vec![f64::INFINITY; n],
            pred: vec![u32::MAX; n],
            done: vec![false; n],
            touched: Vec::new(),
        }
    }

    /// Dijkstra over the graph's arc times from `src` (towards `src` when
    /// `reverse`), settling nodes up to `limit` seconds.
    pub fn run(
        &mut self,
        g: &DiGraph<GNode, Arc>,
        src: NodeIndex,
        limit: f64,
        reverse: bool,
    ) -> Tree {
        if self.best.len() < g.node_count() {
            *self = Search::new(g);
        }
        let mut heap = BinaryHeap::new();
        let s = src.index() as u32;
        self.best[s as usize] = 0.0;
        self.pred[s as usize] = s;
        self.touched.push(s);
        heap.push(Item(0.0, s));
        let dir = if reverse {
            petgraph::Direction::Incoming
        } else {
            petgraph::Direction::Outgoing
        };
        let mut reach = Vec::new();
        while let Some(Item(t, u)) = heap.pop() {
            if self.done[u as usize] {
                continue;
            }
            self.done[u as usize] = true;
            reach.push((u, t, self.pred[u as usize]));
            for e in g.edges_directed(NodeIndex::new(u as usize), dir) {
                let v = if reverse { e.source() } else { e.target() }.index();
                let nt = t + e.weight().secs;
                if nt > limit || self.done[v] || nt >= self.best[v] {
                    continue;
                }
                if self.best[v].is_infinite() {
                    self.touched.push(v as u32);
                }
                self.best[v] = nt;
                self.pred[v] = u;
                heap.push(Item(nt, v as u32));
            }
        }
        for &t in &self.touched {
            self.best[t as usize] = f64::INFINITY;
            self.done[t as usize] = false;
        }
        self.touched.clear();
        reach.sort_unstable_by_key(|x| x.0);
        Tree {
            src,
            reverse,
            reach,
        }
    }
}

/// Dijkstra with a fresh scratch space (see [`Search::run`]).
pub fn dijkstra(g: &DiGraph<GNode, Arc>, src: NodeIndex, limit: f64, reverse: bool) -> Tree {
    Search::new(g).run(g, src, limit, reverse)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tobler_speeds() {
        assert!((tobler_kmh(-5.0, 100.0) - 6.0).abs() < 1e-12);
        assert!((tobler_kmh(0.0, 100.0) - 5.036).abs() < 1e-3);
        // uphill is slower than the same slope downhill
        assert!(tobler_kmh(10.0, 100.0) < tobler_kmh(-10.0, 100.0));
    }

    #[test]
    fn dijkstra_paths_both_ways() {
        let mut g = DiGraph::new();
        let n: Vec<NodeIndex> = (0..4)
            .map(|i| {
                g.add_node(GNode {
                    xy: Coord {
                        x: i as f64 * 100.0,
                        y: 0.0,
                    },
                    z: 0.0,
                })
            })
            .collect();
        let arc = |secs| Arc {
            len_m: 100.0,
            secs,
            kind: ArcKind::Path,
        };
        g.add_edge(n[0], n[1], arc(10.0));
        g.add_edge(n[1], n[2], arc(10.0));
        g.add_edge(n[0], n[2], arc(25.0));
        g.add_edge(n[2], n[3], arc(5.0));
        let t = dijkstra(&g, n[0], f64::INFINITY, false);
        assert_eq!(t.time(n[3]), Some(25.0));
        let p: Vec<usize> = t.path(n[3]).unwrap().iter().map(|x| x.0.index()).collect();
        assert_eq!(p, vec![0, 1, 2, 3]);
        let r = dijkstra(&g, n[3], f64::INFINITY, true);
        assert_eq!(r.time(n[0]), Some(25.0));
        let p = r.path(n[0]).unwrap();
        assert_eq!(p.first().unwrap(), &(n[0], 0.0));
        assert_eq!(p.last().unwrap(), &(n[3], 25.0));
        // a limit cuts the search
        let t = dijkstra(&g, n[0], 12.0, false);
        assert_eq!(t.time(n[2]), None);
    }
}
