//! What the planner prepares once per scenario and options: the watch
//! points (the assessment's segments with their weights per view), a patrol
//! graph per (State, mode) some unit needs, the home posts joined to them,
//! travel-time trees from every visit node and each unit's reach.

use super::graph::{self, PatrolGraph, Search, Tree};
use super::{check_options, GraphCtx, PlanOptions, Planner, UnitCtx, WatchPoint, DAY_S};
use crate::assess::{self, AssessOptions, Segment};
use crate::error::{Error, Problem, Problems, Result};
use crate::index::BorderIndex;
use crate::model::{Scenario, UnitMode};
use crate::terrain::Terrain;
use petgraph::graph::NodeIndex;
use rayon::prelude::*;
use std::collections::HashMap;

impl<'a> Planner<'a> {
    /// Build graphs, watch points and travel-time tables; check the units.
    pub fn new(s: &'a Scenario, o: PlanOptions) -> Result<Self> {
        Self::check(s, &o)?;
        Self::on(&assess::Prepared::new(s, &watch_assessment(&o))?, o)
    }

    /// The plan's options and its assessment's, checked before anything
    /// is built (the first problem found, as [`Planner::new`] meets them).
    pub fn check(s: &Scenario, o: &PlanOptions) -> Result<()> {
        check_options(s, o)?;
        let ao = watch_assessment(o);
        assess::check_options(&ao)?;
        assess::check_budget(s, &ao)
    }

    /// As [`Planner::new`], on a prepared world (its terrain and the posts'
    /// sights; `o.assess` must ask for the same terrain).
    pub fn on(p: &assess::Prepared<'a>, o: PlanOptions) -> Result<Self> {
        check_options(p.s, &o)?;
        let a = assess::assess_on(p, &watch_assessment(&o))?;
        Self::from_assessment(p.s, o, &a)
    }

    /// As [`Planner::new`], on an assessment already made (its segments
    /// become the watch points, so its `segment_m` is the watch spacing).
    pub fn from_assessment(
        s: &'a Scenario,
        mut o: PlanOptions,
        a: &assess::Assessment,
    ) -> Result<Self> {
        o.watch_m = a.options.segment_m;
        o.assess = AssessOptions {
            progress: o.assess.progress.clone(),
            ..a.options.clone()
        };
        check_options(s, &o)?;
        let mut warnings = Vec::new();
        warnings.extend(a.warnings.iter().cloned());
        let points = watch_points(s, a)?;
        let segs: Vec<Segment> = a.segments.iter().map(|r| r.segment.clone()).collect();
        let keys = graph_keys(s);
        let progress = &o.assess.progress;
        progress.check()?;
        progress.stage("patrol graphs", keys.len() as u64 * 2);
        let terrain = a.terrain.as_deref();
        let mut graphs = build_graphs(s, &o, &keys, &points, &segs, terrain);
        let mut problems = Problems::default();
        let homes = join_homes(s, &o, &keys, &mut graphs, terrain, &mut problems);
        travel_tables(&mut graphs, o.max_leg_h * 3600.0, progress);
        let units = unit_contexts(s, &graphs, &homes, &mut problems);
        if problems.has_errors() {
            return Err(Error::Invalid(problems));
        }
        let period_s = (o.hours * 3600.0).min(DAY_S);
        let days = ((o.hours * 3600.0) / period_s).round().max(1.0) as usize;
        Ok(Planner {
            s,
            points,
            graphs,
            units,
            period_s,
            days,
            cyclic: o.hours >= 24.0,
            warnings,
            o,
        })
    }
}

/// The assessment the watch points come from: its segments are `watch_m`
/// long.
fn watch_assessment(o: &PlanOptions) -> AssessOptions {
    AssessOptions {
        segment_m: o.watch_m,
        ..o.assess.clone()
    }
}

/// The assessment's segments as watch points: a point's weight per view is
/// its risk × (1 − P(detected by the view's posts)).
fn watch_points(s: &Scenario, a: &assess::Assessment) -> Result<Vec<WatchPoint>> {
    let nviews = s.states.len() + 1;
    let points: Vec<WatchPoint> = a
        .segments
        .iter()
        .map(|r| {
            let (xy, _) = crate::geom::midpoint(&r.segment.xy);
            let ll = s.projection.inverse(xy);
            let post_p: Vec<f64> = (0..nviews).map(|v| r.detect[v].1.both()).collect();
            WatchPoint {
                id: r.segment.id.clone(),
                from_km: r.segment.from_km,
                to_km: r.segment.to_km,
                kind: r.segment.kind.as_str().into(),
                left: r.segment.left.clone(),
                right: r.segment.right.clone(),
                xy,
                line: r.segment.xy.clone(),
                lonlat: [crate::io::round7(ll.x), crate::io::round7(ll.y)],
                risk: r.risk.score,
                weight: post_p.iter().map(|p| r.risk.score * (1.0 - p)).collect(),
                post_p,
            }
        })
        .collect();
    if points.is_empty() {
        return Err(Error::Infeasible(format!(
            "{}: no watch points: the scenario has no border to patrol",
            s.path.display()
        )));
    }
    Ok(points)
}

/// The (State, mode) pairs some unit needs a graph for, in unit order.
fn graph_keys(s: &Scenario) -> Vec<(usize, UnitMode)> {
    let mut keys: Vec<(usize, UnitMode)> = Vec::new();
    for u in &s.units {
        let si = s.states.iter().position(|st| st.id == u.state).unwrap_or(0);
        if !keys.contains(&(si, u.mode)) {
            keys.push((si, u.mode));
        }
    }
    keys
}

/// A patrol graph per key, with each watch point's visit node on it.
fn build_graphs(
    s: &Scenario,
    o: &PlanOptions,
    keys: &[(usize, UnitMode)],
    points: &[WatchPoint],
    segs: &[Segment],
    terrain: Option<&Terrain>,
) -> Vec<GraphCtx> {
    let progress = &o.assess.progress;
    keys.par_iter()
        .map(|&(si, mode)| {
            progress.add(1);
            let pg = PatrolGraph::build(s, &s.states[si].id, mode, segs, terrain, o.access_m);
            let visit: Vec<Option<NodeIndex>> = points
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    pg.on_line
                        .get(&i)
                        .copied()
                        .or_else(|| pg.nearest(p.xy, o.observe_m).map(|x| x.0))
                })
                .collect();
            let mut at_node: HashMap<u32, Vec<usize>> = HashMap::new();
            for (i, v) in visit.iter().enumerate() {
                if let Some(v) = v {
                    at_node.entry(v.index() as u32).or_default().push(i);
                }
            }
            GraphCtx {
                pg,
                visit,
                at_node,
                from: HashMap::new(),
                cands: HashMap::new(),
            }
        })
        .collect()
}

/// Each unit's home post joined to its graph (State, graph, node), `None`
/// with the problem listed when the post is missing or off the network.
fn join_homes(
    s: &Scenario,
    o: &PlanOptions,
    keys: &[(usize, UnitMode)],
    graphs: &mut [GraphCtx],
    terrain: Option<&Terrain>,
    problems: &mut Problems,
) -> Vec<Option<(usize, usize, NodeIndex)>> {
    let mut homes: Vec<Option<(usize, usize, NodeIndex)>> = Vec::new();
    let mut post_nodes: HashMap<(usize, String), NodeIndex> = HashMap::new();
    for u in &s.units {
        let si = s.states.iter().position(|st| st.id == u.state).unwrap_or(0);
        let gi = keys.iter().position(|k| *k == (si, u.mode)).unwrap();
        let Some(post) = s.post(&u.home_post) else {
            problems.push(
                Problem::error(&s.path, format!("home post {} does not exist", u.home_post))
                    .id(u.id.to_string())
                    .field("home_post"),
            );
            homes.push(None);
            continue;
        };
        let key = (gi, post.id.to_string());
        if let Some(&n) = post_nodes.get(&key) {
            homes.push(Some((si, gi, n)));
            continue;
        }
        let z = terrain.and_then(|t| t.elevation(post.xy));
        let k = if u.mode == UnitMode::Foot { 3 } else { 1 };
        match graphs[gi]
            .pg
            .add_post(post.xy, z.unwrap_or(f64::NAN), k, o.access_m)
        {
            Some((n, _)) => {
                post_nodes.insert(key, n);
                homes.push(Some((si, gi, n)));
            }
            None => {
                let what = match u.mode {
                    UnitMode::Foot => "path, track, road or border line",
                    UnitMode::Vehicle => "road or track",
                    UnitMode::Boat => "waterway or blue border",
                };
                let near = graphs[gi].pg.nearest(post.xy, f64::INFINITY);
                let dist = near
                    .map(|(_, d)| format!("the nearest is {:.1} km away", d / 1000.0))
                    .unwrap_or_else(|| format!("{} has none", u.state));
                problems.push(
                    Problem::error(
                        &s.path,
                        format!(
                            "home post {} is off the {} network: no {what} of {} within {:.1} km ({dist}); move the post, change the unit's mode or raise the access distance (access_m)",
                            post.id,
                            u.mode.as_str(),
                            u.state,
                            o.access_m / 1000.0
                        ),
                    )
                    .id(u.id.to_string())
                    .field("home_post"),
                );
                homes.push(None);
            }
        }
    }
    homes
}

/// Bounded trees (and candidates) from every visit node of every graph.
fn travel_tables(graphs: &mut [GraphCtx], leg_limit: f64, progress: &crate::progress::Progress) {
    graphs.par_iter_mut().for_each(|gc| {
        let mut search = Search::new(&gc.pg.g);
        let mut nodes: Vec<NodeIndex> = gc.visit.iter().flatten().copied().collect();
        nodes.sort();
        nodes.dedup();
        progress.add(1);
        for n in nodes {
            if progress.cancelled() {
                break;
            }
            let t = search.run(&gc.pg.g, n, leg_limit, false);
            let c = cands_of(&t, &gc.at_node, &gc.visit);
            gc.cands.insert(n.index() as u32, c);
            gc.from.insert(n.index() as u32, t);
        }
    });
}

/// The units that can reach the border within a shift, with their trees out
/// of and back to their post; the others' problems listed.
fn unit_contexts(
    s: &Scenario,
    graphs: &[GraphCtx],
    homes: &[Option<(usize, usize, NodeIndex)>],
    problems: &mut Problems,
) -> Vec<UnitCtx> {
    let bi = BorderIndex::of_scenario(s);
    let unit_tables: Vec<Option<(Tree, Tree)>> = homes
        .par_iter()
        .enumerate()
        .map(|(ui, h)| {
            let (_, gi, n) = (*h)?;
            let lim = s.units[ui].shift_hours * 3600.0;
            let g = &graphs[gi].pg.g;
            Some((
                graph::dijkstra(g, n, lim, false),
                graph::dijkstra(g, n, lim, true),
            ))
        })
        .collect();
    let mut units = Vec::new();
    for ((ui, h), tables) in homes.iter().enumerate().zip(unit_tables) {
        let (Some((si, gi, home)), Some((from_home, to_home))) = (*h, tables) else {
            continue;
        };
        let u = &s.units[ui];
        let shift_s = u.shift_hours * 3600.0;
        let gc = &graphs[gi];
        let reach: Vec<bool> = gc
            .visit
            .iter()
            .map(|v| {
                v.is_some_and(|v| match (from_home.time(v), to_home.time(v)) {
                    (Some(a), Some(b)) => a + b <= shift_s,
                    _ => false,
                })
            })
            .collect();
        if !reach.iter().any(|r| *r) {
            let nearest = gc
                .visit
                .iter()
                .flatten()
                .filter_map(|v| Some(from_home.time(*v)? + to_home.time(*v)?))
                .fold(f64::INFINITY, f64::min);
            let why = if nearest.is_finite() {
                format!(
                    "the nearest watch point is a {:.1} h round trip, longer than the {} h shift",
                    nearest / 3600.0,
                    u.shift_hours
                )
            } else {
                "no watch point is connected to its post on the network".to_string()
            };
            problems.push(
                Problem::error(
                    &s.path,
                    format!(
                        "unit cannot reach the border from home post {} within a shift: {why}",
                        u.home_post
                    ),
                )
                .id(u.id.to_string())
                .field("home_post"),
            );
            continue;
        }
        let home_cands = cands_of(&from_home, &gc.at_node, &gc.visit);
        let home_km = s
            .post(&u.home_post)
            .and_then(|p| bi.snap(p.xy))
            .map(|sn| sn.chainage_km)
            .unwrap_or(0.0);
        units.push(UnitCtx {
            unit: ui,
            state: si,
            graph: gi,
            home,
            shift_s,
            from_home,
            to_home,
            home_cands,
            home_km,
            reach,
        });
    }
    units
}

/// Candidates from a tree: (watch point, node, seconds) for every watch
/// point whose visit node the tree reached.
fn cands_of(
    t: &Tree,
    at_node: &HashMap<u32, Vec<usize>>,
    visit: &[Option<NodeIndex>],
) -> Vec<(usize, NodeIndex, f64)> {
    let mut out = Vec::new();
    for (n, secs) in t.iter() {
        if let Some(ps) = at_node.get(&(n.index() as u32)) {
            for &p in ps {
                if visit[p] == Some(n) {
                    out.push((p, n, secs));
                }
            }
        }
    }
    out.sort_by_key(|x| x.0);
    out
}
