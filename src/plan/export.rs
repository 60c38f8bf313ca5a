//! A State's patrol graph for one mode, as files a GIS or a graph library
//! reads (`borderwatch graph`): `nodes.csv` (id, lon, lat, elevation),
//! `edges.csv` (from, to, seconds, metres, kind) and `edges.geojson`; and
//! timed shortest-path queries between seeded random nodes (`queries.csv`),
//! for checking against another router.

use super::graph::{ArcKind, PatrolGraph, Search};
use crate::error::{Error, Result};
use crate::model::{Scenario, UnitMode};
use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;
use std::time::{Duration, Instant};

/// The graph the planner builds for `state` (index) and `mode`, with the
/// border line cut at the default watch spacing.
pub fn build(s: &Scenario, state: usize, mode: UnitMode) -> PatrolGraph {
    let ao = crate::assess::AssessOptions {
        segment_m: super::PlanOptions::default().watch_m,
        ..Default::default()
    };
    let mut warnings = Vec::new();
    // (the default cell fits any border within the scenario's budget)
    let terrain = crate::assess::terrain_for(s, &ao, &mut warnings)
        .ok()
        .flatten();
    let hits = crate::index::SpatialIndex::build(s).route_crossings(s);
    let segments = crate::assess::segments(s, &hits, terrain.as_ref(), &ao);
    PatrolGraph::build(
        s,
        &s.states[state].id,
        mode,
        &segments,
        terrain.as_ref(),
        super::DEFAULT_ACCESS_M,
    )
}

fn kind_str(k: ArcKind) -> &'static str {
    match k {
        ArcKind::Road => "road",
        ArcKind::Track => "track",
        ArcKind::Path => "path",
        ArcKind::Water => "water",
        ArcKind::Border => "border",
        ArcKind::CrossCountry => "cross_country",
    }
}

/// Write `nodes.csv`, `edges.csv` and `edges.geojson` into `dir`.
pub fn put_graph(s: &Scenario, pg: &PatrolGraph, set: &mut crate::io::OutSet) -> Result<()> {
    let err = |e: csv::Error| Error::encode("graph csv", e);
    let mut nodes = csv::Writer::from_writer(Vec::new());
    nodes
        .write_record(["id", "lon", "lat", "elevation_m"])
        .map_err(err)?;
    for n in pg.g.node_indices() {
        let w = pg.g[n];
        let ll = s.projection.inverse(w.xy);
        nodes
            .write_record([
                n.index().to_string(),
                format!("{:.7}", ll.x),
                format!("{:.7}", ll.y),
                if w.z.is_finite() {
                    format!("{:.1}", w.z)
                } else {
                    String::new()
                },
            ])
            .map_err(err)?;
    }
    let mut edges = csv::Writer::from_writer(Vec::new());
    edges
        .write_record(["from", "to", "seconds", "metres", "kind"])
        .map_err(err)?;
    let mut feats = Vec::new();
    for e in pg.g.edge_references() {
        let a = e.weight();
        edges
            .write_record([
                e.source().index().to_string(),
                e.target().index().to_string(),
                format!("{:.6}", a.secs),
                format!("{:.2}", a.len_m),
                kind_str(a.kind).to_string(),
            ])
            .map_err(err)?;
        if e.source() < e.target() {
            let ll = [pg.g[e.source()].xy, pg.g[e.target()].xy].map(|c| s.projection.inverse(c));
            feats.push(crate::io::feature(
                crate::io::line_geometry(&ll),
                crate::props! {"from" => e.source().index(), "to" => e.target().index(), "seconds" => (a.secs * 1000.0).round() / 1000.0, "kind" => kind_str(a.kind)},
            ));
        }
    }
    set.put(
        "nodes.csv",
        nodes
            .into_inner()
            .map_err(|e| Error::encode("graph csv", e))?,
    );
    set.put(
        "edges.csv",
        edges
            .into_inner()
            .map_err(|e| Error::encode("graph csv", e))?,
    );
    set.put(
        "edges.geojson",
        crate::io::feature_collection(&feats).into_bytes(),
    );
    Ok(())
}

/// `n` seeded random (source, target) node pairs and the quickest travel
/// time between them (`None`: no path), each found by a full
/// single-source Dijkstra from the source; with the total time taken.
pub fn queries(
    pg: &PatrolGraph,
    n: usize,
    seed: u64,
) -> (Vec<(usize, usize, Option<f64>)>, Duration) {
    let count = pg.g.node_count();
    if count == 0 {
        return (Vec::new(), Duration::ZERO);
    }
    let mut rng = fastrand::Rng::with_seed(crate::seed::mix(seed, 0x9A, n as u64));
    let pairs: Vec<(usize, usize)> = (0..n)
        .map(|_| (rng.usize(0..count), rng.usize(0..count)))
        .collect();
    let mut search = Search::new(&pg.g);
    let t0 = Instant::now();
    let out = pairs
        .iter()
        .map(|&(a, b)| {
            let tree = search.run(&pg.g, NodeIndex::new(a), f64::INFINITY, false);
            (a, b, tree.time(NodeIndex::new(b)))
        })
        .collect();
    (out, t0.elapsed())
}

/// The timed queries as `queries.csv` (source, target and the quickest
/// time in seconds, empty when there is no path).
pub fn queries_csv(q: &[(usize, usize, Option<f64>)]) -> Result<Vec<u8>> {
    let err = |e: csv::Error| Error::encode("queries csv", e);
    let mut c = csv::Writer::from_writer(Vec::new());
    c.write_record(["source", "target", "seconds"])
        .map_err(err)?;
    for (a, b, t) in q {
        let t = t.map(|x| format!("{x:.6}")).unwrap_or_default();
        c.write_record([a.to_string(), b.to_string(), t])
            .map_err(err)?;
    }
    c.into_inner().map_err(|e| Error::encode("queries csv", e))
}
