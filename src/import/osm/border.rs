//! The border in an extract: the ways both States' country relations
//! share, chained into lines with the first State on the left (which side
//! is which comes from the relations' rings, `Sides`), longest first, and
//! each cut into green and blue stretches by the water along it.

use super::pbf::{is_admin2, iso_of, Osm, Relation, Way};
use super::{dist, OsmOptions};
use crate::error::{Error, Result};
use crate::import::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The two States' country relations in the extract (indices into the
/// returned list of country relations) and the ways they share.
pub(super) fn shared_border<'o>(
    osm: &'o Osm,
    o: &OsmOptions,
) -> Result<(Vec<&'o Relation>, usize, usize, Vec<&'o Way>)> {
    let [a, b] = &o.states;
    // Country relations only (not the `multilinestring` border relations).
    let admin: Vec<&Relation> = osm
        .relations
        .iter()
        .filter(|r| is_admin2(r) && iso_of(&r.tags).is_some())
        .collect();
    let present = |r: &Relation| r.ways.iter().filter(|w| osm.way(w.0).is_some()).count();
    let find = |s: &StateCode| {
        admin
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                iso_of(&r.tags).is_some_and(|v| crate::country::matches(&s.country, v))
            })
            .max_by_key(|(i, r)| (present(r), std::cmp::Reverse(*i)))
            .map(|(i, _)| i)
    };
    let (Some(ra), Some(rb)) = (find(a), find(b)) else {
        let missing: Vec<&str> = [a, b]
            .iter()
            .filter(|s| find(s).is_none())
            .map(|s| s.country.alpha3)
            .collect();
        return Err(Error::data(&o.pbf, format!(
        "no admin_level=2 boundary relation for {} (looked for boundary=administrative relations tagged ISO3166-1, ISO3166-1:alpha2 or ISO3166-1:alpha3); the extract holds: {}",
        missing.join(" and "),
        admin.iter().filter_map(|r| iso_of(&r.tags)).collect::<Vec<_>>().join(", ")
    )));
    };
    let in_a: BTreeSet<i64> = admin[ra].ways.iter().map(|w| w.0).collect();
    let shared: Vec<&Way> = admin[rb]
        .ways
        .iter()
        .filter(|(w, _)| in_a.contains(w))
        .filter_map(|(w, _)| osm.way(*w))
        .filter(|w| w.refs.len() >= 2 && osm.coords(w).is_some())
        .collect();
    if shared.is_empty() {
        return Err(Error::data(&o.pbf, format!(
        "the extract has no boundary between {} and {}: their admin_level=2 relations (r{} and r{}) share no way present in the file",
        a.country.alpha3, b.country.alpha3, admin[ra].id, admin[rb].id
    )));
    }
    Ok((admin, ra, rb, shared))
}

/// The shared ways chained into lines, each oriented with the first State
/// (relation `ra`) on its left, longest first.
pub(super) fn chains(
    osm: &Osm,
    shared: &[&Way],
    sides: &Sides,
    ra: usize,
    proj: &LocalProjection,
    o: &OsmOptions,
) -> Result<Vec<Vec<Coord>>> {
    let (ida, idb) = (o.states[0].id(), o.states[1].id());
    let refs: Vec<&[i64]> = shared.iter().map(|w| w.refs.as_slice()).collect();
    let lines: Vec<Vec<Coord>> = shared
        .iter()
        .map(|w| {
            osm.coords(w)
                .unwrap()
                .into_iter()
                .map(|c| proj.forward(c))
                .collect()
        })
        .collect();
    let mut chains: Vec<Vec<Coord>> = Vec::new();
    for chain in chain_ways(&refs) {
        let mut xy = chain_coords(&chain, &lines);
        let mut a_left: Option<bool> = None;
        for &(i, rev) in &chain {
            let way_pos = sides.lines.iter().position(|l| *l == lines[i]);
            if let Some(side) = way_pos.and_then(|p| sides.known[p].get(&ra)) {
                a_left = Some(side ^ rev);
                break;
            }
        }
        match a_left {
            Some(true) => {}
            Some(false) => xy.reverse(),
            None => {
                return Err(Error::data(&o.pbf, format!(
                    "cannot tell which side of the border is {} and which {}: neither State's boundary relation is complete in this extract and no neighbour's is",
                    ida, idb
                )))
            }
        }
        chains.push(xy);
    }
    // Longest part first; chainage runs along parts in that order.
    chains.sort_by(|x, y| {
        let lx: f64 = x.windows(2).map(|w| dist(w[0], w[1])).sum();
        let ly: f64 = y.windows(2).map(|w| dist(w[0], w[1])).sum();
        ly.total_cmp(&lx)
    });
    Ok(chains)
}

/// Each chain cut into green and blue stretches: blue where it runs along
/// water mapped within 5 km of the line (rivers, canals, lakes, reservoirs,
/// the coast, water multipolygons).
pub(super) fn green_blue(
    osm: &Osm,
    chains: &[Vec<Coord>],
    border_index: &BorderIndex,
    proj: &LocalProjection,
    o: &OsmOptions,
) -> Vec<BorderOut> {
    let (ida, idb) = (o.states[0].id(), o.states[1].id());
    let water_rel_ways: BTreeSet<i64> = osm
        .relations
        .iter()
        .filter(|r| {
            r.tags.get("natural").is_some_and(|v| v == "water")
                || r.tags.get("waterway").is_some_and(|v| v == "riverbank")
        })
        .flat_map(|r| r.ways.iter().map(|w| w.0))
        .collect();
    let is_water = |w: &Way| {
        let t = &w.tags;
        t.get("waterway")
            .is_some_and(|v| matches!(v.as_str(), "river" | "canal" | "riverbank"))
            || t.get("natural")
                .is_some_and(|v| v == "water" || v == "coastline")
            || t.get("landuse").is_some_and(|v| v == "reservoir")
            || water_rel_ways.contains(&w.id)
    };
    let mut water_items = Vec::new();
    let mut water_areas = Vec::new();
    for (wi, w) in osm.ways.iter().enumerate().filter(|(_, w)| is_water(w)) {
        let Some(c) = osm.coords(w) else { continue };
        let xy: Vec<Coord> = c.into_iter().map(|c| proj.forward(c)).collect();
        if xy
            .iter()
            .all(|p| border_index.snap(*p).is_none_or(|s| s.distance_m > 5000.0))
        {
            continue;
        }
        for s in xy.windows(2) {
            water_items.push(GeomWithData::new(geo::Line::new(s[0], s[1]), wi));
        }
        if super::basemap::is_water(&w.tags) && xy.len() >= 4 && xy.first() == xy.last() {
            water_areas.push(geo::Polygon::new(geo::LineString::new(xy), vec![]));
        }
    }
    let water_tree = RTree::bulk_load(water_items);

    let mut border = Vec::new();
    for xy in chains {
        let classes = classify_blue(xy, &water_tree, &water_areas, o.blue_tolerance_m, 300.0);
        border.extend(stretches_from(xy, proj, &ida, &idb, &classes));
    }
    border
}

/// Join ways (as node-id lists) into chains by shared end nodes. Each chain
/// is a list of (way index, reversed?).
pub(super) fn chain_ways(ways: &[&[i64]]) -> Vec<Vec<(usize, bool)>> {
    let mut used = vec![false; ways.len()];
    let mut ends: HashMap<i64, Vec<usize>> = HashMap::new();
    for (i, w) in ways.iter().enumerate() {
        ends.entry(w[0]).or_default().push(i);
        ends.entry(*w.last().unwrap()).or_default().push(i);
    }
    let mut chains = Vec::new();
    for start in 0..ways.len() {
        if used[start] {
            continue;
        }
        used[start] = true;
        let mut chain: std::collections::VecDeque<(usize, bool)> = [(start, false)].into();
        // extend forward from the chain's last node, then backward from its first
        for forward in [true, false] {
            loop {
                let node = if forward {
                    let (i, rev) = *chain.back().unwrap();
                    if rev {
                        ways[i][0]
                    } else {
                        *ways[i].last().unwrap()
                    }
                } else {
                    let (i, rev) = *chain.front().unwrap();
                    if rev {
                        *ways[i].last().unwrap()
                    } else {
                        ways[i][0]
                    }
                };
                let next = ends
                    .get(&node)
                    .and_then(|c| c.iter().copied().find(|&j| !used[j]));
                let Some(j) = next else { break };
                used[j] = true;
                let starts_here = ways[j][0] == node;
                if forward {
                    chain.push_back((j, !starts_here));
                } else {
                    chain.push_front((j, starts_here));
                }
            }
        }
        chains.push(chain.into_iter().collect());
    }
    chains
}

/// Coordinates of a chain of ways.
pub(super) fn chain_coords(chain: &[(usize, bool)], lines: &[Vec<Coord>]) -> Vec<Coord> {
    let mut out: Vec<Coord> = Vec::new();
    for &(i, rev) in chain {
        let mut l = lines[i].clone();
        if rev {
            l.reverse();
        }
        if !out.is_empty() {
            l.remove(0);
        }
        out.extend(l);
    }
    out
}

/// Close the chains of a relation clipped by the extract into rings by
/// joining each open end to the nearest other end with a straight gap.
/// Accepted when the gaps add up to at most a quarter of the rings' length:
/// good enough to tell inside from outside near the ways that are present.
pub(super) fn close_rings(chains: Vec<Vec<Coord>>) -> Option<Vec<Vec<Coord>>> {
    let total: f64 = chains
        .iter()
        .flat_map(|c| c.windows(2))
        .map(|w| dist(w[0], w[1]))
        .sum();
    let mut rings = Vec::new();
    let mut open = Vec::new();
    for c in chains {
        if c.first() == c.last() {
            rings.push(c);
        } else {
            open.push(c);
        }
    }
    let mut gap = 0.0;
    while let Some(mut cur) = open.pop() {
        loop {
            let end = *cur.last().unwrap();
            let self_d = dist(end, cur[0]);
            let best = open
                .iter()
                .enumerate()
                .flat_map(|(j, o)| {
                    [
                        (dist(end, o[0]), j, false),
                        (dist(end, *o.last().unwrap()), j, true),
                    ]
                })
                .min_by(|a, b| a.0.total_cmp(&b.0));
            match best {
                Some((d, j, rev)) if d < self_d => {
                    let mut o = open.swap_remove(j);
                    if rev {
                        o.reverse();
                    }
                    gap += d;
                    cur.extend(o);
                }
                _ => {
                    gap += self_d;
                    cur.push(cur[0]);
                    rings.push(cur);
                    break;
                }
            }
        }
    }
    (gap <= 0.25 * total).then_some(rings)
}

pub(super) fn point_in_rings(p: Coord, rings: &[Vec<Coord>]) -> bool {
    let mut inside = false;
    for r in rings {
        let n = r.len();
        let mut j = n - 1;
        for i in 0..n {
            let (a, b) = (r[i], r[j]);
            if (a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x {
                inside = !inside;
            }
            j = i;
        }
    }
    inside
}

/// The admin_level=2 boundary ways of the extract, with which relation lies
/// on which side.
pub(super) struct Sides {
    /// Projected coordinates of each admin way.
    lines: Vec<Vec<Coord>>,
    /// For each admin way: (relation index, relation on the left?) known sides.
    known: Vec<BTreeMap<usize, bool>>,
    tree: RTree<GeomWithData<geo::Line, (usize, usize)>>,
    /// Relation index → alpha-3 code (when recognised).
    codes: Vec<Option<StateId>>,
}

impl Sides {
    pub(super) fn build(osm: &Osm, rels: &[&Relation], proj: &LocalProjection) -> Sides {
        // admin way id → (index, relations containing it)
        let mut way_ids: Vec<i64> = Vec::new();
        let mut rels_of: BTreeMap<i64, BTreeSet<usize>> = BTreeMap::new();
        for (ri, r) in rels.iter().enumerate() {
            for (wid, _) in &r.ways {
                if osm.way(*wid).and_then(|w| osm.coords(w)).is_some() {
                    rels_of.entry(*wid).or_default().insert(ri);
                }
            }
        }
        way_ids.extend(rels_of.keys().copied());
        let pos: HashMap<i64, usize> = way_ids.iter().enumerate().map(|(i, w)| (*w, i)).collect();
        let lines: Vec<Vec<Coord>> = way_ids
            .iter()
            .map(|w| {
                osm.coords(osm.way(*w).unwrap())
                    .unwrap()
                    .into_iter()
                    .map(|c| proj.forward(c))
                    .collect()
            })
            .collect();
        let mut known: Vec<BTreeMap<usize, bool>> = vec![BTreeMap::new(); way_ids.len()];
        // Seeds: relations complete in the extract.
        for (ri, r) in rels.iter().enumerate() {
            let members: Vec<Vec<i64>> = r
                .ways
                .iter()
                .filter_map(|(w, _)| osm.way(*w).map(|w| w.refs.clone()))
                .collect();
            if members.is_empty() {
                continue;
            }
            if members
                .iter()
                .any(|m| m.len() < 2 || m.iter().any(|n| !osm.nodes.contains_key(n)))
            {
                continue;
            }
            let refs: Vec<&[i64]> = members.iter().map(|m| m.as_slice()).collect();
            let chains = chain_ways(&refs);
            let coords: Vec<Vec<Coord>> = members
                .iter()
                .map(|m| m.iter().map(|n| proj.forward(osm.nodes[n])).collect())
                .collect();
            let chains: Vec<Vec<Coord>> = chains.iter().map(|c| chain_coords(c, &coords)).collect();
            let Some(rings) = close_rings(chains) else {
                continue;
            };
            for (wid, _) in &r.ways {
                let Some(&wi) = pos.get(wid) else { continue };
                let l = &lines[wi];
                let k = (l.len() - 2) / 2;
                let (a, b) = (l[k], l[k + 1]);
                let d = b - a;
                let n = d.x.hypot(d.y).max(1e-9);
                let probe = (a + b) * 0.5
                    + Coord {
                        x: -d.y / n,
                        y: d.x / n,
                    } * 0.5;
                known[wi].insert(ri, point_in_rings(probe, &rings));
            }
        }
        propagate(osm, &way_ids, &rels_of, &mut known);
        let mut items = Vec::new();
        for (i, l) in lines.iter().enumerate() {
            for (k, w) in l.windows(2).enumerate() {
                items.push(GeomWithData::new(geo::Line::new(w[0], w[1]), (i, k)));
            }
        }
        let codes = rels
            .iter()
            .map(|r| {
                iso_of(&r.tags)
                    .and_then(crate::country::lookup)
                    .map(|c| StateId::new(c.alpha3))
            })
            .collect();
        Sides {
            lines,
            known,
            tree: RTree::bulk_load(items),
            codes,
        }
    }

    /// The boundary ways of relation `ri` whose side is known, each turned
    /// so that the relation lies on its left.
    pub(super) fn oriented(&self, ri: usize) -> Vec<Vec<Coord>> {
        self.lines
            .iter()
            .zip(&self.known)
            .filter_map(|(l, k)| {
                let left = *k.get(&ri)?;
                let mut l = l.clone();
                if !left {
                    l.reverse();
                }
                Some(l)
            })
            .collect()
    }

    /// The State a projected point lies in, by the nearest boundary way.
    pub(super) fn state_at(&self, p: Coord) -> Option<StateId> {
        let nn = self.tree.nearest_neighbor(&geo::Point::from(p))?;
        let (wi, seg) = nn.data;
        let (_, t, _) = crate::geom::closest_on_segment(p, nn.geom().start, nn.geom().end);
        let left = crate::geom::left_of_polyline(&self.lines[wi], seg, t, p);
        self.known[wi]
            .iter()
            .find(|(_, &l)| l == left)
            .and_then(|(&ri, _)| self.codes[ri].clone())
    }
}

/// Carry the sides known so far along each relation's ring (two ways
/// meeting at a node: the same side iff exactly one of them starts there)
/// and across each way two relations share (opposite sides), until
/// nothing changes.
fn propagate(
    osm: &Osm,
    way_ids: &[i64],
    rels_of: &BTreeMap<i64, BTreeSet<usize>>,
    known: &mut [BTreeMap<usize, bool>],
) {
    let mut ends: HashMap<(usize, i64), Vec<(usize, bool)>> = HashMap::new();
    for (wi, wid) in way_ids.iter().enumerate() {
        let w = osm.way(*wid).unwrap();
        for &ri in &rels_of[wid] {
            ends.entry((ri, w.refs[0])).or_default().push((wi, true));
            ends.entry((ri, *w.refs.last().unwrap()))
                .or_default()
                .push((wi, false));
        }
    }
    let mut changed = true;
    while changed {
        changed = false;
        for (&(ri, _), list) in &ends {
            if list.len() != 2 {
                continue;
            }
            let ((w1, s1), (w2, s2)) = (list[0], list[1]);
            let same = s1 != s2;
            for (a, b) in [(w1, w2), (w2, w1)] {
                if let (Some(&v), None) = (known[a].get(&ri), known[b].get(&ri)) {
                    known[b].insert(ri, if same { v } else { !v });
                    changed = true;
                }
            }
        }
        for (wi, wid) in way_ids.iter().enumerate() {
            let rs: Vec<usize> = rels_of[wid].iter().copied().collect();
            if rs.len() != 2 {
                continue;
            }
            for (a, b) in [(rs[0], rs[1]), (rs[1], rs[0])] {
                if let (Some(&v), None) = (known[wi].get(&a), known[wi].get(&b)) {
                    known[wi].insert(b, !v);
                    changed = true;
                }
            }
        }
    }
}
