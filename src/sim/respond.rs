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
//! Travel tables are computed once per graph node a unit starts from, when
//! first needed (a forward Dijkstra up to the longest crossing's duration),
//! and shared by every run: the values do not depend on which run or thread
//! asks first, so the results stay the same for any thread count. A table
//! holds only the route points within reach (sparse), so a continental
//! border with thousands of start nodes stays small.

use crate::assess::Segment;
use crate::model::{Scenario, UnitMode};
use crate::plan::graph::{tobler_kmh, PatrolGraph, Search, OFF_PATH};
use crate::plan::UnitLayer;
use crate::terrain::Terrain;
use geo::Coord;
use rayon::prelude::*;
use std::sync::OnceLock;

/// Nodes a route point may be reached from (nearest first).
const ANCHORS: usize = 3;

/// Seconds to walk `d` metres off path on the flat (Tobler × off-path).
pub fn off_path_s(d: f64) -> f64 {
    d / (tobler_kmh(0.0, d) * OFF_PATH / 3.6)
}

/// (route point, seconds) for the points within reach, sorted by point.
type Table = Box<[(u32, f32)]>;

struct ModeGraph {
    state: usize,
    mode: UnitMode,
    pg: PatrolGraph,
    /// Per node: the route points (all routes' samples, concatenated) it
    /// anchors — one of their [`ANCHORS`] nearest nodes — with the
    /// off-path seconds.
    anchored: std::collections::HashMap<u32, Vec<(u32, f32)>>,
    /// Per node: (route point, seconds from the node) for the points within
    /// reach, sorted by point.
    tables: Vec<OnceLock<Table>>,
}

/// Where each vertex of a unit's path joins its graph.
struct UnitSnap {
    graph: usize,
    /// Per path vertex: (node, off-path seconds to it).
    vertex: Vec<Option<(u32, f32)>>,
}

pub struct Responders {
    graphs: Vec<ModeGraph>,
    units: Vec<Option<UnitSnap>>,
    /// Offset of each route's first sample among all route points.
    base: Vec<usize>,
    n_points: usize,
    limit_s: f64,
    access_m: f64,
}

impl Responders {
    /// Graphs for every (State, mode) of the scenario's units and of
    /// `units`, with each route sample's anchors. `routes` are the routes'
    /// samples; `limit_s` bounds the travel times worth knowing.
    pub fn new(
        s: &Scenario,
        units: &[UnitLayer],
        segments: &[Segment],
        terrain: Option<&Terrain>,
        routes: &[&[Coord]],
        limit_s: f64,
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
        let mut base = Vec::with_capacity(routes.len());
        let mut n_points = 0;
        for r in routes {
            base.push(n_points);
            n_points += r.len();
        }
        let graphs = keys
            .par_iter()
            .map(|&(si, mode)| {
                let pg = PatrolGraph::build(s, &s.states[si].id, mode, segments, terrain, access_m);
                let mut anchored: std::collections::HashMap<u32, Vec<(u32, f32)>> =
                    Default::default();
                for (g, q) in routes.iter().flat_map(|r| r.iter()).enumerate() {
                    for (n, d) in pg.nearest_k(*q, ANCHORS, access_m) {
                        anchored
                            .entry(n.index() as u32)
                            .or_default()
                            .push((g as u32, off_path_s(d) as f32));
                    }
                }
                let tables = (0..pg.g.node_count()).map(|_| OnceLock::new()).collect();
                ModeGraph {
                    state: si,
                    mode,
                    pg,
                    anchored,
                    tables,
                }
            })
            .collect();
        Responders {
            graphs,
            units: Vec::new(),
            base,
            n_points,
            limit_s,
            access_m,
        }
    }

    /// Snap a plan's units to their graphs (a unit whose State and mode
    /// have no graph, or whose path lies off it, cannot respond).
    pub fn set_units(&mut self, units: &[UnitLayer]) {
        self.units = units
            .iter()
            .map(|u| {
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
            })
            .collect();
    }

    /// Travel times of unit `k` (path `u`) leaving at `t` to the points of
    /// route `route`: (seconds before it is on its graph, (global route
    /// point, seconds from there) for the points within reach, sorted — the
    /// route's first sample is point [`Responders::base`]`(route)`).
    pub fn from_unit(
        &self,
        k: usize,
        u: &UnitLayer,
        t: f64,
        route: usize,
    ) -> Option<(f64, &[(u32, f32)])> {
        let snap = self.units.get(k)?.as_ref()?;
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
        let table = self.table(snap.graph, node);
        let (b, e) = (self.base[route] as u32, self.base_end(route) as u32);
        let i0 = table.partition_point(|x| x.0 < b);
        let i1 = table.partition_point(|x| x.0 < e);
        Some((lead, &table[i0..i1]))
    }

    /// Global index of route `route`'s first sample.
    pub fn base(&self, route: usize) -> usize {
        self.base[route]
    }

    fn base_end(&self, route: usize) -> usize {
        self.base.get(route + 1).copied().unwrap_or(self.n_points)
    }

    fn table(&self, graph: usize, node: u32) -> &[(u32, f32)] {
        let mg = &self.graphs[graph];
        mg.tables[node as usize].get_or_init(|| {
            let g = &mg.pg.g;
            let tree = Search::new(g).run(
                g,
                petgraph::graph::NodeIndex::new(node as usize),
                self.limit_s,
                false,
            );
            let mut out: Vec<(u32, f32)> = tree
                .iter()
                .filter_map(|(n, secs)| mg.anchored.get(&(n.index() as u32)).map(|a| (secs, a)))
                .flat_map(|(secs, a)| a.iter().map(move |&(p, off)| (p, secs as f32 + off)))
                .collect();
            // the quickest way to each point
            out.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
            out.dedup_by_key(|x| x.0);
            out.into_boxed_slice()
        })
    }

    /// Route points in all.
    pub fn n_points(&self) -> usize {
        self.n_points
    }
}
