//! Responders routed on the patrol graphs: how long a unit needs from where
//! it is to each point of each informal route.
//!
//! A unit travels on its State's patrol graph for its mode (the graph the
//! planner uses: paths, tracks and roads at their speeds, the border line,
//! Tobler on foot) to the graph node nearest the point, then walks the last
//! stretch off path (vehicle and boat crews dismount). A point on the
//! neighbour's side is reached the same way, from the unit's own side: the
//! pursuit on foot across the line.
//!
//! Travel tables are computed once per (graph node a unit starts from,
//! route), when first needed — a forward Dijkstra that stops once every node
//! the route can be reached from is settled, or at the crossing's duration —
//! and shared by every run: the values do not depend on which run or thread
//! asks first, so the results stay the same for any thread count. A table
//! holds only the route's points within reach.

use crate::assess::Segment;
use crate::model::{Scenario, UnitMode};
use crate::plan::graph::{tobler_kmh, Item, PatrolGraph, OFF_PATH};
use crate::plan::UnitLayer;
use crate::terrain::Terrain;
use geo::Coord;
use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;
use rayon::prelude::*;
use std::cell::RefCell;
use std::collections::{BinaryHeap, HashMap};
use std::sync::{Arc, Mutex};

/// Nodes a route point may be reached from (nearest first).
const ANCHORS: usize = 3;
/// Lock shards of the table cache.
const SHARDS: usize = 64;

/// Seconds to walk `d` metres off path on the flat (Tobler × off-path).
pub fn off_path_s(d: f64) -> f64 {
    d / (tobler_kmh(0.0, d) * OFF_PATH / 3.6)
}

/// (route sample, seconds) for the route's points within reach, sorted by
/// sample.
pub type Table = Arc<[(u32, f32)]>;

struct ModeGraph {
    state: usize,
    mode: UnitMode,
    pg: PatrolGraph,
    /// Per route: (node, sample, off-path seconds) for each of its samples'
    /// [`ANCHORS`] nearest nodes, sorted by node.
    anchors: Vec<Vec<(u32, u32, f32)>>,
    /// (start node, route) → table.
    cache: Vec<Mutex<HashMap<(u32, u32), Table>>>,
}

/// Where each vertex of a unit's path joins its graph.
#[derive(Clone, Debug)]
pub struct UnitSnap {
    graph: usize,
    /// Per path vertex: (node, off-path seconds to it).
    vertex: Vec<Option<(u32, f32)>>,
}

pub struct Responders {
    graphs: Vec<ModeGraph>,
    units: Vec<Option<UnitSnap>>,
    /// Per route: how long a crossing lasts (s) — no travel time beyond it
    /// matters.
    limit_s: Vec<f64>,
    access_m: f64,
}

thread_local! {
    /// Dijkstra scratch: best time per node, settled flags, touched nodes.
    static SCRATCH: RefCell<(Vec<f64>, Vec<bool>, Vec<u32>)> = const { RefCell::new((Vec::new(), Vec::new(), Vec::new())) };
}

impl Responders {
    /// Graphs for every (State, mode) of the scenario's units and of
    /// `units`, with each route sample's anchors. `routes` are the routes'
    /// samples, `limit_s` how long crossing each takes.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        s: &Scenario,
        units: &[UnitLayer],
        segments: &[Segment],
        terrain: Option<&Terrain>,
        routes: &[&[Coord]],
        limit_s: Vec<f64>,
        access_m: f64,
    ) -> Self {
        let mut keys: Vec<(usize, UnitMode)> = Vec::new();
        for u in &s.units {
            let si = s.states.iter().position(|st| st.id == u.state).unwrap_or(0);
            if !keys.contains(&(si, u.mode)) {
                keys.push((si, u.mode));
            }
        }
        for u in units {
            if !keys.contains(&(u.state, u.mode)) {
                keys.push((u.state, u.mode));
            }
        }
        let graphs = keys
            .par_iter()
            .map(|&(si, mode)| {
                let pg = PatrolGraph::build(s, &s.states[si].id, mode, segments, terrain, access_m);
                let anchors = routes
                    .iter()
                    .map(|r| {
                        let mut a: Vec<(u32, u32, f32)> = r
                            .iter()
                            .enumerate()
                            .flat_map(|(k, q)| {
                                pg.nearest_k(*q, ANCHORS, access_m).into_iter().map(
                                    move |(n, d)| {
                                        (n.index() as u32, k as u32, off_path_s(d) as f32)
                                    },
                                )
                            })
                            .collect();
                        a.sort_by_key(|x| (x.0, x.1));
                        a
                    })
                    .collect();
                ModeGraph {
                    state: si,
                    mode,
                    pg,
                    anchors,
                    cache: (0..SHARDS).map(|_| Mutex::new(HashMap::new())).collect(),
                }
            })
            .collect();
        Responders {
            graphs,
            units: Vec::new(),
            limit_s,
            access_m,
        }
    }

    /// Snap a plan's units to their graphs (a unit whose State and mode
    /// have no graph, or whose path lies off it, cannot respond).
    pub fn set_units(&mut self, units: &[UnitLayer]) {
        self.units = units.iter().map(|u| self.snap(u)).collect();
    }

    /// Where `u`'s path joins its graph (`None`: no graph for its State
    /// and mode).
    pub fn snap(&self, u: &UnitLayer) -> Option<UnitSnap> {
        let graph = self
            .graphs
            .iter()
            .position(|g| g.state == u.state && g.mode == u.mode)?;
        let pg = &self.graphs[graph].pg;
        let vertex =
            u.xy.iter()
                .map(|p| {
                    pg.nearest(*p, self.access_m)
                        .map(|(n, d)| (n.index() as u32, off_path_s(d) as f32))
                })
                .collect();
        Some(UnitSnap { graph, vertex })
    }

    /// The snap of unit `k` of the plan set by [`Responders::set_units`].
    pub fn unit_snap(&self, k: usize) -> Option<&UnitSnap> {
        self.units.get(k)?.as_ref()
    }

    /// The patrol graph of `state` and `mode`, if any unit needs one.
    pub fn graph(&self, state: usize, mode: UnitMode) -> Option<&PatrolGraph> {
        self.graphs
            .iter()
            .find(|g| g.state == state && g.mode == mode)
            .map(|g| &g.pg)
    }

    /// Travel times of unit `k` (path `u`) leaving at `t` to the points of
    /// route `route`: (seconds before it is on its graph, (sample, seconds
    /// from there) for the route's samples within reach, sorted).
    pub fn from_unit(&self, k: usize, u: &UnitLayer, t: f64, route: usize) -> Option<(f64, Table)> {
        self.from_snap(self.unit_snap(k)?, u, t, route)
    }

    /// As [`Responders::from_unit`], for a path `u` snapped by
    /// [`Responders::snap`].
    pub fn from_snap(
        &self,
        snap: &UnitSnap,
        u: &UnitLayer,
        t: f64,
        route: usize,
    ) -> Option<(f64, Table)> {
        if u.times.is_empty() {
            return None;
        }
        // the nearer of the vertices it left and is heading for: by the
        // plan's time to reach it, or walking there, whichever is sooner
        let pos = u.position_at(t)?;
        let next = u.times.partition_point(|x| *x <= t).min(u.times.len() - 1);
        let reach_vertex = |i: usize| -> f64 {
            let d = ((u.xy[i].x - pos.x).powi(2) + (u.xy[i].y - pos.y).powi(2)).sqrt();
            let by_plan = if i >= next {
                u.times[i] - t
            } else {
                f64::INFINITY
            };
            by_plan.min(off_path_s(d)).max(0.0)
        };
        let i = if next > 0 && reach_vertex(next - 1) < reach_vertex(next) {
            next - 1
        } else {
            next
        };
        let (node, off) = snap.vertex[i]?;
        let lead = reach_vertex(i) + off as f64;
        Some((lead, self.table(snap.graph, node, route)))
    }

    fn table(&self, graph: usize, node: u32, route: usize) -> Table {
        let mg = &self.graphs[graph];
        let shard = &mg.cache[(node as usize).wrapping_mul(31).wrapping_add(route) % SHARDS];
        if let Some(t) = shard.lock().unwrap().get(&(node, route as u32)) {
            return t.clone();
        }
        // computed outside the lock: the same value whoever computes it
        let t = self.compute(mg, node, route);
        shard
            .lock()
            .unwrap()
            .entry((node, route as u32))
            .or_insert(t)
            .clone()
    }

    /// Dijkstra from `node` until every anchor of `route` is settled or
    /// the crossing's duration is exceeded.
    fn compute(&self, mg: &ModeGraph, node: u32, route: usize) -> Table {
        let anchors = &mg.anchors[route];
        if anchors.is_empty() {
            // no node of this graph near the route
            return Vec::new().into();
        }
        let g = &mg.pg.g;
        let limit = self.limit_s[route];
        let mut settled: Vec<(u32, f64)> = Vec::new();
        SCRATCH.with(|sc| {
            let (best, done, touched) = &mut *sc.borrow_mut();
            if best.len() < g.node_count() {
                best.resize(g.node_count(), f64::INFINITY);
                done.resize(g.node_count(), false);
            }
            // distinct anchor nodes still to settle
            let mut left = anchors
                .iter()
                .map(|a| a.0)
                .fold((0usize, u32::MAX), |(n, prev), x| {
                    (n + (x != prev) as usize, x)
                })
                .0;
            let mut heap = BinaryHeap::new();
            best[node as usize] = 0.0;
            touched.push(node);
            heap.push(Item(0.0, node));
            while let Some(Item(t, u)) = heap.pop() {
                if done[u as usize] {
                    continue;
                }
                done[u as usize] = true;
                if anchors.binary_search_by_key(&u, |a| a.0).is_ok() {
                    settled.push((u, t));
                    left -= 1;
                    if left == 0 {
                        break;
                    }
                }
                for e in g.edges(NodeIndex::new(u as usize)) {
                    let v = e.target().index();
                    let nt = t + e.weight().secs;
                    if nt > limit || done[v] || nt >= best[v] {
                        continue;
                    }
                    if best[v].is_infinite() {
                        touched.push(v as u32);
                    }
                    best[v] = nt;
                    heap.push(Item(nt, v as u32));
                }
            }
            for &x in touched.iter() {
                best[x as usize] = f64::INFINITY;
                done[x as usize] = false;
            }
            touched.clear();
        });
        settled.sort_unstable_by_key(|x| x.0);
        let mut out: Vec<(u32, f32)> = Vec::new();
        for (n, t) in settled {
            let i0 = anchors.partition_point(|a| a.0 < n);
            for a in anchors[i0..].iter().take_while(|a| a.0 == n) {
                out.push((a.1, t as f32 + a.2));
            }
        }
        // the quickest way to each point
        out.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
        out.dedup_by_key(|x| x.0);
        out.into()
    }
}
