//! Where highways meet the border: official crossings (`border_control`
//! nodes; major roads crossing elsewhere; major roads an extract clips
//! short of the line) and informal routes (the other highways, away from
//! the official crossings; fords marked).

use super::pbf::Osm;
use super::{dist, name_of, route_kind, CLIPPED_REACH_M, MAJOR, SKIP_HIGHWAY, TOUCH_M};
use crate::import::*;
use crate::index::BorderIndex;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A point where highways cross or touch the border, with the ways.
pub(super) struct Hit {
    pub point: Coord,
    pub chainage_km: f64,
    pub ways: BTreeSet<usize>,
}

/// Every point where a highway crosses or touches the border, by chainage.
pub(super) fn hits(osm: &Osm, border_index: &BorderIndex, proj: &LocalProjection) -> Vec<Hit> {
    let mut hits: Vec<Hit> = Vec::new();
    for (wi, w) in osm.ways.iter().enumerate() {
        let Some(h) = w.tags.get("highway") else {
            continue;
        };
        if SKIP_HIGHWAY.contains(&h.as_str()) {
            continue;
        }
        let Some(c) = osm.coords(w) else { continue };
        let xy: Vec<Coord> = c.iter().map(|c| proj.forward(*c)).collect();
        let mut found: Vec<(Coord, f64)> = border_index
            .intersections(&xy)
            .iter()
            .map(|h| (h.point, h.chainage_km))
            .collect();
        // Ways that end just short of the line (the extract or the mapper
        // stopped at the border) touch it.
        for end in [xy[0], *xy.last().unwrap()] {
            if let Some(s) = border_index.snap_within(end, TOUCH_M) {
                if found.iter().all(|(p, _)| dist(*p, end) > TOUCH_M) {
                    found.push((s.point, s.chainage_km));
                }
            }
        }
        for (point, chainage_km) in found {
            let bh = crate::index::BorderHit {
                point,
                chainage_km,
                part: 0,
                line_seg: 0,
            };
            match hits.iter_mut().find(|h| dist(h.point, bh.point) < TOUCH_M) {
                Some(h) => {
                    h.ways.insert(wi);
                }
                None => hits.push(Hit {
                    point: bh.point,
                    chainage_km: bh.chainage_km,
                    ways: [wi].into(),
                }),
            }
        }
    }
    hits.sort_by(|x, y| x.chainage_km.total_cmp(&y.chainage_km));
    hits
}

/// The official crossings, by chainage.
pub(super) fn official(
    osm: &Osm,
    hits: &[Hit],
    border_index: &BorderIndex,
    proj: &LocalProjection,
) -> Vec<(Coord, CrossingOut)> {
    let mut crossings = control_posts(osm, border_index, proj);
    major_roads(osm, hits, proj, &mut crossings);
    clipped_roads(osm, border_index, proj, &mut crossings);
    crossings.sort_by(|x, y| x.1.chainage_km.total_cmp(&y.1.chainage_km));
    crossings
}

/// `barrier=border_control` nodes within 300 m of the line.
fn control_posts(
    osm: &Osm,
    border_index: &BorderIndex,
    proj: &LocalProjection,
) -> Vec<(Coord, CrossingOut)> {
    let mut crossings: Vec<(Coord, CrossingOut)> = Vec::new();
    for (nid, t) in &osm.node_tags {
        if t.get("barrier").is_none_or(|v| v != "border_control") {
            continue;
        }
        let ll = osm.nodes[nid];
        let xy = proj.forward(ll);
        if let Some(s) = border_index.snap_within(xy, 300.0) {
            crossings.push((
                xy,
                CrossingOut {
                    lonlat: ll,
                    name: name_of(t),
                    kind: "border_control".into(),
                    chainage_km: s.chainage_km,
                    source: format!("osm node {nid}"),
                },
            ));
        }
    }
    crossings
}

/// Major roads crossing the line (unless a border_control is within 1 km).
fn major_roads(
    osm: &Osm,
    hits: &[Hit],
    proj: &LocalProjection,
    crossings: &mut Vec<(Coord, CrossingOut)>,
) {
    for h in hits {
        let major = h.ways.iter().find(|&&wi| {
            osm.ways[wi]
                .tags
                .get("highway")
                .is_some_and(|v| MAJOR.contains(&v.as_str()))
        });
        if let Some(&wi) = major {
            if crossings.iter().all(|(c, _)| dist(*c, h.point) > 1000.0) {
                let w = &osm.ways[wi];
                crossings.push((
                    h.point,
                    CrossingOut {
                        lonlat: proj.inverse(h.point),
                        name: name_of(&w.tags),
                        kind: "road".into(),
                        chainage_km: h.chainage_km,
                        source: format!("osm way {}", w.id),
                    },
                ));
            }
        }
    }
}

/// Major roads that dead-end short of the border (an extract clipped at its
/// bounding box cuts the road just before the line): the crossing is where
/// the road meets the border.
fn clipped_roads(
    osm: &Osm,
    border_index: &BorderIndex,
    proj: &LocalProjection,
    crossings: &mut Vec<(Coord, CrossingOut)>,
) {
    let mut degree: HashMap<i64, usize> = HashMap::new();
    for w in osm.ways.iter().filter(|w| w.tags.contains_key("highway")) {
        for n in [w.refs[0], *w.refs.last().unwrap()] {
            *degree.entry(n).or_default() += 1;
        }
        for n in &w.refs[1..w.refs.len().saturating_sub(1)] {
            *degree.entry(*n).or_default() += 2;
        }
    }
    for w in osm.ways.iter().filter(|w| {
        w.tags
            .get("highway")
            .is_some_and(|v| MAJOR.contains(&v.as_str()))
    }) {
        for n in [w.refs[0], *w.refs.last().unwrap()] {
            let Some(ll) = osm.nodes.get(&n) else {
                continue;
            };
            if degree.get(&n) != Some(&1) {
                continue;
            }
            let xy = proj.forward(*ll);
            let Some(s) = border_index.snap_within(xy, CLIPPED_REACH_M) else {
                continue;
            };
            if s.distance_m <= TOUCH_M || crossings.iter().any(|(c, _)| dist(*c, s.point) < 1000.0)
            {
                continue;
            }
            crossings.push((
                s.point,
                CrossingOut {
                    lonlat: proj.inverse(s.point),
                    name: name_of(&w.tags),
                    kind: "road".into(),
                    chainage_km: s.chainage_km,
                    source: format!(
                        "osm way {} (ends {:.0} m short of the border in this extract)",
                        w.id, s.distance_m
                    ),
                },
            ));
        }
    }
}

/// The informal routes: the highways meeting the line away from official
/// crossings, one route per set of ways, by chainage.
pub(super) fn routes(
    osm: &Osm,
    hits: &[Hit],
    crossings: &[(Coord, CrossingOut)],
    proj: &LocalProjection,
) -> Vec<RouteOut> {
    let mut routes: BTreeMap<Vec<usize>, RouteOut> = BTreeMap::new();
    for h in hits {
        if crossings.iter().any(|(c, _)| dist(*c, h.point) < 200.0) {
            continue;
        }
        let ways: Vec<usize> = h.ways.iter().copied().collect();
        let ford_node = ways.iter().any(|&wi| {
            osm.ways[wi].refs.iter().any(|r| {
                osm.node_tags.iter().any(|(n, t)| {
                    n == r
                        && t.get("ford").is_some_and(|v| v != "no")
                        && dist(proj.forward(osm.nodes[r]), h.point) < 100.0
                })
            })
        });
        if let Some(r) = routes.get_mut(&ways) {
            r.border_crossings += 1;
            continue;
        }
        // Geometry: a way running through the point, or two ways joined there.
        let lines: Vec<Vec<Coord>> = ways
            .iter()
            .map(|&wi| osm.coords(&osm.ways[wi]).unwrap())
            .collect();
        let at_end = |l: &Vec<Coord>| {
            [l[0], *l.last().unwrap()]
                .iter()
                .any(|e| dist(proj.forward(*e), h.point) < TOUCH_M)
        };
        let through = lines.iter().position(|l| !at_end(l));
        let geom = match through {
            Some(i) => lines[i].clone(),
            None if lines.len() >= 2 => {
                let mut first = lines[0].clone();
                if dist(proj.forward(first[0]), h.point) < TOUCH_M {
                    first.reverse();
                }
                let mut second = lines[1].clone();
                if dist(proj.forward(*second.last().unwrap()), h.point) < TOUCH_M {
                    second.reverse();
                }
                first.extend(second.into_iter().skip(1));
                first
            }
            None => lines[0].clone(),
        };
        let w0 = &osm.ways[ways[0]];
        let mut kind = route_kind(&w0.tags);
        if ford_node
            || ways
                .iter()
                .any(|&wi| route_kind(&osm.ways[wi].tags) == RouteKind::Ford)
        {
            kind = RouteKind::Ford;
        }
        routes.insert(
            ways.clone(),
            RouteOut {
                lonlat: geom,
                kind,
                name: ways
                    .iter()
                    .map(|&wi| name_of(&osm.ways[wi].tags))
                    .find(|n| !n.is_empty())
                    .unwrap_or_default(),
                chainage_km: h.chainage_km,
                border_crossings: 1,
                source: format!(
                    "osm way {}",
                    ways.iter()
                        .map(|&wi| osm.ways[wi].id.to_string())
                        .collect::<Vec<_>>()
                        .join("+")
                ),
            },
        );
    }
    let mut routes: Vec<RouteOut> = routes.into_values().collect();
    routes.sort_by(|x, y| {
        x.chainage_km
            .total_cmp(&y.chainage_km)
            .then(x.source.cmp(&y.source))
    });
    routes
}
