//! OpenStreetMap PBF importer.
//!
//! 1. The border: ways that are members of both States' `admin_level=2`
//!    boundary relations (found by their `ISO3166-1*` tags, alpha-2 or
//!    alpha-3, any case), chained into lines oriented with the first State on
//!    the left.
//! 2. Sides: a relation whose ways all lie in the extract is assembled into
//!    rings, which tells on which side of each of its ways it lies; that
//!    knowledge is propagated along each relation's ring (at a node joining
//!    two of its ways) and across shared ways, so clipped relations of the
//!    neighbours get sides too. A point belongs to the State on its side of
//!    the nearest `admin_level=2` boundary way.
//! 3. Green/blue: border stretches running along rivers, canals, lakes or the
//!    coast (`waterway=river|canal|riverbank`, `natural=water|coastline`,
//!    `landuse=reservoir`, water multipolygons) are blue.
//! 4. Official crossings: `barrier=border_control` nodes near the border, and
//!    major roads (`motorway`…`secondary`) crossing it elsewhere.
//! 5. Informal routes: other highways crossing or touching the border away
//!    from official crossings; `ford=yes` makes a ford.
//! 6. Patrol network: highways and rivers/canals within `network_km` of the
//!    border, cut at the border, each piece given to the State it lies in.
//!
//! The whole extract is held in memory: fine for the country and region
//! extracts this targets (tens of MB), not for a planet file.

use super::*;
use crate::index::BorderIndex;
use osmpbf::{Element, ElementReader};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Options of `borderwatch import osm`.
#[derive(Clone, Debug)]
pub struct OsmOptions {
    pub pbf: PathBuf,
    pub states: [StateCode; 2],
    pub dem: Option<PathBuf>,
    pub name: String,
    pub out: PathBuf,
    /// Keep patrol network within this distance of the border (km).
    pub network_km: f64,
    /// A border sample within this distance of water is blue (m).
    pub blue_tolerance_m: f64,
    /// Exercise posts to invent per State (0 = none).
    pub exercise_posts: usize,
    pub seed: u64,
}

type Tags = BTreeMap<String, String>;

struct Way {
    id: i64,
    refs: Vec<i64>,
    tags: Tags,
}

struct Relation {
    id: i64,
    tags: Tags,
    ways: Vec<(i64, String)>,
}

struct Osm {
    nodes: HashMap<i64, Coord>,
    node_tags: Vec<(i64, Tags)>,
    ways: Vec<Way>,
    way_idx: HashMap<i64, usize>,
    relations: Vec<Relation>,
}

fn tags_of<'a>(it: impl Iterator<Item = (&'a str, &'a str)>) -> Tags {
    it.map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn read_pbf(path: &Path) -> Result<Osm> {
    let reader = ElementReader::from_path(path)
        .map_err(|e| Error::data(path, format!("cannot open as OSM PBF: {e}")))?;
    let mut osm = Osm {
        nodes: HashMap::new(),
        node_tags: Vec::new(),
        ways: Vec::new(),
        way_idx: HashMap::new(),
        relations: Vec::new(),
    };
    let interesting = |t: &Tags| t.contains_key("barrier") || t.contains_key("ford");
    reader
        .for_each(|el| {
            let (id, lon, lat, tags) = match &el {
                Element::Node(n) => (n.id(), n.lon(), n.lat(), tags_of(n.tags())),
                Element::DenseNode(n) => (n.id(), n.lon(), n.lat(), tags_of(n.tags())),
                Element::Way(w) => {
                    // A way needs two nodes to have a geometry; degenerate
                    // ones (found in broken extracts) are skipped.
                    let refs: Vec<i64> = w.refs().collect();
                    if refs.len() >= 2 {
                        osm.way_idx.insert(w.id(), osm.ways.len());
                        osm.ways.push(Way {
                            id: w.id(),
                            refs,
                            tags: tags_of(w.tags()),
                        });
                    }
                    return;
                }
                Element::Relation(r) => {
                    let tags = tags_of(r.tags());
                    let keep = tags.get("boundary").is_some_and(|v| v == "administrative")
                        || tags.get("natural").is_some_and(|v| v == "water")
                        || tags.get("waterway").is_some_and(|v| v == "riverbank");
                    if keep {
                        let ways = r
                            .members()
                            .filter(|m| m.member_type == osmpbf::RelMemberType::Way)
                            .map(|m| (m.member_id, m.role().unwrap_or("").to_string()))
                            .collect();
                        osm.relations.push(Relation {
                            id: r.id(),
                            tags,
                            ways,
                        });
                    }
                    return;
                }
            };
            osm.nodes.insert(id, Coord { x: lon, y: lat });
            if interesting(&tags) {
                osm.node_tags.push((id, tags));
            }
        })
        .map_err(|e| Error::data(path, format!("corrupt or truncated OSM PBF: {e}")))?;
    Ok(osm)
}

impl Osm {
    fn way(&self, id: i64) -> Option<&Way> {
        self.way_idx.get(&id).map(|&i| &self.ways[i])
    }
    /// Coordinates of a way, `None` if any node is missing from the extract.
    fn coords(&self, w: &Way) -> Option<Vec<Coord>> {
        w.refs.iter().map(|r| self.nodes.get(r).copied()).collect()
    }
}

fn iso_of(tags: &Tags) -> Option<&str> {
    [
        "ISO3166-1",
        "ISO3166-1:alpha2",
        "ISO3166-1:alpha3",
        "country_code",
    ]
    .iter()
    .find_map(|k| tags.get(*k).map(|s| s.as_str()))
}

fn is_admin2(r: &Relation) -> bool {
    r.tags
        .get("boundary")
        .is_some_and(|v| v == "administrative")
        && r.tags.get("admin_level").is_some_and(|v| v == "2")
}

/// Join ways (as node-id lists) into chains by shared end nodes. Each chain
/// is a list of (way index, reversed?).
fn chain_ways(ways: &[&[i64]]) -> Vec<Vec<(usize, bool)>> {
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
fn chain_coords(chain: &[(usize, bool)], lines: &[Vec<Coord>]) -> Vec<Coord> {
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
fn close_rings(chains: Vec<Vec<Coord>>) -> Option<Vec<Vec<Coord>>> {
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

fn point_in_rings(p: Coord, rings: &[Vec<Coord>]) -> bool {
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
struct Sides {
    /// Projected coordinates of each admin way.
    lines: Vec<Vec<Coord>>,
    /// For each admin way: (relation index, relation on the left?) known sides.
    known: Vec<BTreeMap<usize, bool>>,
    tree: RTree<GeomWithData<geo::Line, (usize, usize)>>,
    /// Relation index → alpha-3 code (when recognised).
    codes: Vec<Option<StateId>>,
}

impl Sides {
    fn build(osm: &Osm, rels: &[&Relation], proj: &LocalProjection) -> Sides {
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
        // Propagate along each relation's ring and across shared ways.
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

    /// The State a projected point lies in, by the nearest boundary way.
    fn state_at(&self, p: Coord) -> Option<StateId> {
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

/// A way ending this close to the border touches it (m).
const TOUCH_M: f64 = 25.0;

/// A major road dead-ending this close to the border was cut by the
/// extract's bounding box; its crossing is taken where it meets the line (m).
const CLIPPED_REACH_M: f64 = 500.0;

const MAJOR: &[&str] = &[
    "motorway",
    "trunk",
    "primary",
    "secondary",
    "motorway_link",
    "trunk_link",
    "primary_link",
    "secondary_link",
];
const SKIP_HIGHWAY: &[&str] = &[
    "proposed",
    "construction",
    "abandoned",
    "platform",
    "raceway",
    "bus_stop",
    "elevator",
    "corridor",
    "via_ferrata",
];

fn network_kind(h: &str) -> NetworkKind {
    match h {
        "track" => NetworkKind::Track,
        "path" | "footway" | "bridleway" | "steps" | "cycleway" | "pedestrian" => NetworkKind::Path,
        _ => NetworkKind::Road,
    }
}

fn route_kind(tags: &Tags) -> RouteKind {
    if tags.get("ford").is_some_and(|v| v != "no") {
        return RouteKind::Ford;
    }
    match network_kind(tags.get("highway").map(|s| s.as_str()).unwrap_or("")) {
        NetworkKind::Track => RouteKind::Track,
        NetworkKind::Path => RouteKind::Path,
        _ => RouteKind::Road,
    }
}

fn name_of(tags: &Tags) -> String {
    tags.get("name")
        .or_else(|| tags.get("ref"))
        .cloned()
        .unwrap_or_default()
}

fn dist(a: Coord, b: Coord) -> f64 {
    (a - b).x.hypot((a - b).y)
}

/// Run the importer and write the scenario.
pub fn import(o: &OsmOptions) -> Result<ImportReport> {
    let osm = read_pbf(&o.pbf)?;
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
    let all_ll: Vec<Coord> = shared.iter().flat_map(|w| osm.coords(w).unwrap()).collect();
    let (min, max) = crate::model::bbox(all_ll.into_iter()).unwrap();
    let proj = LocalProjection::centred_on(min, max);
    let sides = Sides::build(&osm, &admin, &proj);
    let (ida, idb) = (a.id(), b.id());

    // Chain the shared ways and orient each chain with A on the left.
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
    let border_index = BorderIndex::new(chainage_of_parts(&chains, &proj));
    let total_km: f64 = chainage_of_parts(&chains, &proj)
        .last()
        .and_then(|p| p.1.last().copied())
        .unwrap_or(0.0);

    // Water for green/blue.
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
        let t = &w.tags;
        let area = t.get("natural").is_some_and(|v| v == "water")
            || t.get("waterway").is_some_and(|v| v == "riverbank")
            || t.get("landuse").is_some_and(|v| v == "reservoir");
        if area && xy.len() >= 4 && xy.first() == xy.last() {
            water_areas.push(geo::Polygon::new(geo::LineString::new(xy), vec![]));
        }
    }
    let water_tree = RTree::bulk_load(water_items);

    let mut layers = Layers::default();
    for xy in &chains {
        let classes = classify_blue(xy, &water_tree, &water_areas, o.blue_tolerance_m, 300.0);
        layers
            .border
            .extend(stretches_from(xy, &proj, &ida, &idb, &classes));
    }

    // Official crossings from border_control nodes.
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
    // Highways crossing or touching the border.
    struct Hit {
        point: Coord,
        chainage_km: f64,
        ways: BTreeSet<usize>,
    }
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
    // Major roads → official crossings (unless a border_control is within 1 km).
    for h in &hits {
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
    // Major roads that dead-end short of the border (an extract clipped at
    // its bounding box cuts the road just before the line): the crossing is
    // where the road meets the border.
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
    crossings.sort_by(|x, y| x.1.chainage_km.total_cmp(&y.1.chainage_km));
    // Routes: the rest, away from official crossings; one route per set of ways.
    let mut routes: BTreeMap<Vec<usize>, RouteOut> = BTreeMap::new();
    for h in &hits {
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
    layers.crossings = crossings.into_iter().map(|c| c.1).collect();
    layers.routes = routes;

    // Patrol network.
    let max_m = o.network_km * 1000.0;
    for w in &osm.ways {
        let kind = if let Some(h) = w.tags.get("highway") {
            if SKIP_HIGHWAY.contains(&h.as_str()) {
                continue;
            }
            network_kind(h)
        } else if w
            .tags
            .get("waterway")
            .is_some_and(|v| v == "river" || v == "canal")
        {
            NetworkKind::Waterway
        } else {
            continue;
        };
        let Some(c) = osm.coords(w) else { continue };
        let xy: Vec<Coord> = c.iter().map(|c| proj.forward(*c)).collect();
        if xy
            .iter()
            .all(|p| border_index.snap(*p).is_none_or(|s| s.distance_m > max_m))
        {
            continue;
        }
        // Cut at the border.
        let mut pieces: Vec<Vec<Coord>> = vec![vec![xy[0]]];
        let cuts = border_index.intersections(&xy);
        let mut ci = 0;
        for (k, seg) in xy.windows(2).enumerate() {
            while ci < cuts.len() && cuts[ci].line_seg == k {
                let p = cuts[ci].point;
                if dist(*pieces.last().unwrap().last().unwrap(), p) > 0.01 {
                    pieces.last_mut().unwrap().push(p);
                }
                pieces.push(vec![p]);
                ci += 1;
            }
            let cur = pieces.last_mut().unwrap();
            if dist(*cur.last().unwrap(), seg[1]) > 0.01 {
                cur.push(seg[1]);
            }
        }
        for piece in pieces.into_iter().filter(|p| p.len() >= 2) {
            let len: f64 = piece.windows(2).map(|s| dist(s[0], s[1])).sum();
            // The point halfway along the piece decides its State.
            let mut acc = 0.0;
            let mut mid = piece[0];
            for s in piece.windows(2) {
                let l = dist(s[0], s[1]);
                if acc + l >= len / 2.0 {
                    mid = s[0] + (s[1] - s[0]) * ((len / 2.0 - acc) / l.max(1e-9));
                    break;
                }
                acc += l;
            }
            let Some(state) = sides.state_at(mid) else {
                continue;
            };
            if state != ida && state != idb {
                continue;
            }
            if piece
                .iter()
                .all(|p| border_index.snap(*p).is_none_or(|s| s.distance_m > max_m))
            {
                continue;
            }
            layers.network.push(NetworkOut {
                lonlat: piece.iter().map(|p| proj.inverse(*p)).collect(),
                state,
                kind,
                source: format!("osm way {}", w.id),
            });
        }
    }

    let dem = match &o.dem {
        Some(p) => Some(Dem::read_hgt(p)?),
        None => None,
    };
    layers.posts = exercise_posts(
        &o.states,
        &border_index,
        &ida,
        total_km,
        &proj,
        dem.as_ref(),
        o.exercise_posts,
    );
    finish(
        o.out.as_path(),
        &o.name,
        &o.states,
        o.dem.as_deref(),
        o.seed,
        layers,
        &proj,
        total_km,
        sources_osm(o),
        Vec::new(),
    )
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .to_string()
}

fn sources_osm(o: &OsmOptions) -> String {
    let (pbf, dem) = (&o.pbf, o.dem.as_deref());
    let mut s = format!(
        "# Sources\n\nBorder, crossings, informal routes and patrol network: imported by `borderwatch import osm` from\n`{}` — © OpenStreetMap contributors, available under the Open Database Licence (ODbL 1.0),\nhttps://www.openstreetmap.org/copyright . This directory is a derived database under the ODbL.\n",
        pbf.file_name().unwrap_or_default().to_string_lossy()
    );
    if let Some(d) = dem {
        s.push_str(&format!(
            "\nElevation: `{}` — NASA Shuttle Radar Topography Mission (SRTM), public domain.\n",
            d.file_name().unwrap_or_default().to_string_lossy()
        ));
    }
    s.push_str(&format!(
        "\nRebuilt exactly by (from the directory holding the inputs):\n\n    borderwatch import osm {} --states {},{}{} --name {} --out OUT --network-km {} --blue-tolerance-m {} --exercise-posts {} --seed {}\n",
        file_name(pbf),
        o.states[0].country.alpha3,
        o.states[1].country.alpha3,
        dem.map(|d| format!(" --dem {}", file_name(d))).unwrap_or_default(),
        o.name,
        o.network_km,
        o.blue_tolerance_m,
        o.exercise_posts,
        o.seed
    ));
    s
}
