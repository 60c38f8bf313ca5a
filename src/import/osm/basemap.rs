//! The basemap from the same extract (`crate::basemap`): within the
//! border's frame ([`crate::basemap::frame_around`], cut to what the
//! extract holds) each State's territory from its country relation's ways,
//! clipped to land when the extract maps a coastline; water bodies of at
//! least [`MIN_WATER_M2`]; roads from motorway to tertiary; rivers and
//! canals; the coastline; named places (`place=city|town|village|hamlet`).

use super::border::{chain_coords, chain_ways, Sides};
use super::name_of;
use super::pbf::{Osm, Relation, Tags};
use crate::basemap::{BaseLine, Basemap, LineClass, Place, PlaceClass, Territory, Water};
use crate::geom::rings::{area_left_of, clip};
use crate::import::*;
use geo::{Area, BooleanOps, LineString, MultiPolygon, Polygon};

/// Smaller lakes and ponds are left out (m²): 1 ha.
pub const MIN_WATER_M2: f64 = 10_000.0;

/// The basemap of the extract (lon/lat), `states` being the two country
/// relations (indices into `admin`, whose sides `sides` knows).
pub(super) fn basemap(
    osm: &Osm,
    states: [(usize, StateId); 2],
    sides: &Sides,
    border_xy: (Coord, Coord),
    proj: &LocalProjection,
) -> Basemap {
    let rect = frame(osm, border_xy, proj);
    let coast: Vec<Vec<Coord>> = osm
        .ways
        .iter()
        .filter(|w| w.tags.get("natural").is_some_and(|v| v == "coastline"))
        .filter_map(|w| osm.coords(w))
        .map(|c| c.into_iter().map(|c| proj.forward(c)).collect())
        .collect();
    let land = (!coast.is_empty()).then(|| area_left_of(&coast, rect, || true));
    let centre = (rect.0 + rect.1) * 0.5;
    let territories = states
        .iter()
        .map(|(ri, id)| {
            let area = area_left_of(&sides.oriented(*ri), rect, || {
                sides.state_at(centre).as_ref() == Some(id)
            });
            let area = match &land {
                Some(l) => area.intersection(l),
                None => area,
            };
            Territory {
                state: id.clone(),
                area,
            }
        })
        .filter(|t| !t.area.0.is_empty())
        .collect();
    let mut lines = Vec::new();
    for w in &osm.ways {
        let class = w
            .tags
            .get("highway")
            .or_else(|| w.tags.get("waterway"))
            .and_then(|v| LineClass::parse(v))
            .or_else(|| {
                w.tags
                    .get("natural")
                    .filter(|v| *v == "coastline")
                    .map(|_| LineClass::Coastline)
            });
        let Some(class) = class else { continue };
        let Some(c) = osm.coords(w) else { continue };
        let xy: Vec<Coord> = c.into_iter().map(|c| proj.forward(c)).collect();
        for piece in clip(&xy, rect) {
            lines.push(BaseLine {
                class,
                name: if class == LineClass::Coastline {
                    String::new()
                } else {
                    name_of(&w.tags)
                },
                line: LineString::new(piece),
            });
        }
    }
    let mut b = Basemap {
        territories,
        water: water(osm, rect, proj),
        lines,
        places: places(osm, rect, proj),
    };
    b.sort_places();
    b.map_coords(|c| proj.inverse(c))
}

/// The border's extent with the margin, cut to the extract's nodes.
fn frame(osm: &Osm, border_xy: (Coord, Coord), proj: &LocalProjection) -> (Coord, Coord) {
    let (min, max) = crate::basemap::frame_around(border_xy);
    let nodes = crate::model::bbox(osm.nodes.values().map(|c| proj.forward(*c)));
    match nodes {
        Some((nmin, nmax)) => (
            Coord {
                x: min.x.max(nmin.x),
                y: min.y.max(nmin.y),
            },
            Coord {
                x: max.x.min(nmax.x),
                y: max.y.min(nmax.y),
            },
        ),
        None => (min, max),
    }
}

/// A water area: a lake, a riverbank, a reservoir.
pub(super) fn is_water(t: &Tags) -> bool {
    t.get("natural").is_some_and(|v| v == "water")
        || t.get("waterway").is_some_and(|v| v == "riverbank")
        || t.get("landuse").is_some_and(|v| v == "reservoir")
}

/// Water bodies: closed water ways, and water relations whose outer ways
/// close into rings (inner ways as islands), cut to the frame.
fn water(osm: &Osm, rect: (Coord, Coord), proj: &LocalProjection) -> Vec<Water> {
    let rect_poly = MultiPolygon::new(vec![geo::Rect::new(rect.0, rect.1).to_polygon()]);
    let mut out = Vec::new();
    let mut push = |name: String, area: MultiPolygon| {
        let area = area.intersection(&rect_poly);
        if area.unsigned_area() >= MIN_WATER_M2 {
            out.push(Water { name, area });
        }
    };
    for w in osm.ways.iter().filter(|w| is_water(&w.tags)) {
        let Some(c) = osm.coords(w) else { continue };
        if c.len() < 4 || c.first() != c.last() {
            continue;
        }
        let ring = LineString::new(c.into_iter().map(|c| proj.forward(c)).collect());
        push(
            name_of(&w.tags),
            MultiPolygon::new(vec![Polygon::new(ring, vec![])]),
        );
    }
    for r in osm.relations.iter().filter(|r| is_water(&r.tags)) {
        if let Some(area) = relation_area(osm, r, proj) {
            push(name_of(&r.tags), area);
        }
    }
    out
}

/// A multipolygon relation's area, when its outer ways (and inner ways)
/// each close into rings in the extract.
fn relation_area(osm: &Osm, r: &Relation, proj: &LocalProjection) -> Option<MultiPolygon> {
    let rings_of = |inner: bool| -> Option<Vec<Polygon>> {
        let ways: Vec<Vec<i64>> = r
            .ways
            .iter()
            .filter(|(_, role)| (role == "inner") == inner)
            .map(|(w, _)| osm.way(*w).map(|w| w.refs.clone()))
            .collect::<Option<_>>()?;
        let coords: Vec<Vec<Coord>> = ways
            .iter()
            .map(|w| {
                w.iter()
                    .map(|n| osm.nodes.get(n).map(|c| proj.forward(*c)))
                    .collect()
            })
            .collect::<Option<_>>()?;
        let refs: Vec<&[i64]> = ways.iter().map(|w| w.as_slice()).collect();
        chain_ways(&refs)
            .iter()
            .map(|c| chain_coords(c, &coords))
            .map(|ring| {
                (ring.len() >= 4 && ring.first() == ring.last())
                    .then(|| Polygon::new(LineString::new(ring), vec![]))
            })
            .collect()
    };
    let outer = MultiPolygon::new(rings_of(false)?);
    let inner = MultiPolygon::new(rings_of(true)?);
    Some(outer.difference(&inner))
}

/// Named places in the frame.
fn places(osm: &Osm, rect: (Coord, Coord), proj: &LocalProjection) -> Vec<Place> {
    osm.node_tags
        .iter()
        .filter_map(|(n, t)| {
            let class = PlaceClass::parse(t.get("place")?)?;
            let name = t.get("name").filter(|s| !s.trim().is_empty())?.clone();
            let at = proj.forward(*osm.nodes.get(n)?);
            let inside =
                at.x >= rect.0.x && at.x <= rect.1.x && at.y >= rect.0.y && at.y <= rect.1.y;
            inside.then(|| Place {
                name,
                class,
                population: t.get("population").and_then(|p| p.trim().parse().ok()),
                at,
            })
        })
        .collect()
}
