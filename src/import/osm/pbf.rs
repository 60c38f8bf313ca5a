//! An OpenStreetMap PBF extract held in memory: nodes, ways and relations
//! with their tags, and the `admin_level=2` country relations.

use crate::error::{Error, Result};
use geo::Coord;
use osmpbf::{Element, ElementReader};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

pub(super) type Tags = BTreeMap<String, String>;

pub(super) struct Way {
    pub id: i64,
    pub refs: Vec<i64>,
    pub tags: Tags,
}

pub(super) struct Relation {
    pub id: i64,
    pub tags: Tags,
    pub ways: Vec<(i64, String)>,
}

pub(super) struct Osm {
    pub nodes: HashMap<i64, Coord>,
    pub node_tags: Vec<(i64, Tags)>,
    pub ways: Vec<Way>,
    pub way_idx: HashMap<i64, usize>,
    pub relations: Vec<Relation>,
}

pub(super) fn tags_of<'a>(it: impl Iterator<Item = (&'a str, &'a str)>) -> Tags {
    it.map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

pub(super) fn read_pbf(path: &Path) -> Result<Osm> {
    let reader = ElementReader::from_path(path)
        .map_err(|e| Error::data(path, format!("cannot open as OSM PBF: {e}")))?;
    let mut osm = Osm {
        nodes: HashMap::new(),
        node_tags: Vec::new(),
        ways: Vec::new(),
        way_idx: HashMap::new(),
        relations: Vec::new(),
    };
    let interesting =
        |t: &Tags| t.contains_key("barrier") || t.contains_key("ford") || t.contains_key("place");
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
    pub fn way(&self, id: i64) -> Option<&Way> {
        self.way_idx.get(&id).map(|&i| &self.ways[i])
    }
    /// Coordinates of a way, `None` if any node is missing from the extract.
    pub fn coords(&self, w: &Way) -> Option<Vec<Coord>> {
        w.refs.iter().map(|r| self.nodes.get(r).copied()).collect()
    }
}

pub(super) fn iso_of(tags: &Tags) -> Option<&str> {
    [
        "ISO3166-1",
        "ISO3166-1:alpha2",
        "ISO3166-1:alpha3",
        "country_code",
    ]
    .iter()
    .find_map(|k| tags.get(*k).map(|s| s.as_str()))
}

pub(super) fn is_admin2(r: &Relation) -> bool {
    r.tags
        .get("boundary")
        .is_some_and(|v| v == "administrative")
        && r.tags.get("admin_level").is_some_and(|v| v == "2")
}
