//! The reference map under the layers (`maps/NAME/basemap.geojson`): each
//! State's territory as its real polygon clipped to land, populated places,
//! roads by class, rivers, canals, the coastline and water bodies — what a
//! commander orients by. Written by the importers from the same public data
//! as the border (OpenStreetMap, or Natural Earth's country polygons and
//! GeoNames' places) and read by the scenario's loader; optional (a
//! scenario without one is drawn on its border's sides, as before).
//!
//! One GeoJSON FeatureCollection, each feature's `layer` saying what it is:
//!
//! | `layer` | geometry | properties |
//! |---|---|---|
//! | `territory` | Polygon, MultiPolygon | `state` (ISO 3166-1 code) |
//! | `water` | Polygon, MultiPolygon | `name` |
//! | `road` | LineString | `class` (motorway, trunk, primary, secondary, tertiary), `name` |
//! | `waterway` | LineString | `class` (river, canal), `name` |
//! | `coastline` | LineString | |
//! | `place` | Point | `name`, `class` (city, town, village, hamlet), `population` |
//!
//! The same types hold lon/lat (as the importers write) or projected metres
//! (as the loader reads, [`Basemap::project`]).

use crate::error::{Problem, Problems};
use crate::formats::geojson::{feature_head, polygons_of, positions_of, read_collection};
use crate::geom::proj::LocalProjection;
use crate::ids::StateId;
use crate::io::{feature, feature_collection, line_geometry, point_geometry, position};
use geo::{Contains, Coord, LineString, MultiPolygon, Polygon};
use serde_json::{json, Map, Value};
use std::path::Path;

/// How far around the border an importer's basemap reaches at least (m).
pub const MARGIN_M: f64 = 10_000.0;

/// The frame an importer's basemap covers: the border's extent (metres)
/// and around it [`MARGIN_M`] or a third of its larger side, whichever is
/// more, so a window fitted to a long border shows land on both sides.
pub fn frame_around(border_xy: (Coord, Coord)) -> (Coord, Coord) {
    let (min, max) = border_xy;
    let side = (max.x - min.x).max(max.y - min.y);
    crate::model::expand(border_xy, MARGIN_M.max(side / 3.0))
}

/// The basemap's file name in a scenario's maps folder.
pub const FILE: &str = "basemap.geojson";

/// A populated place's class, largest first (a label's priority).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum PlaceClass {
    City,
    Town,
    Village,
    Hamlet,
}

impl PlaceClass {
    pub fn parse(s: &str) -> Option<PlaceClass> {
        Some(match s {
            "city" => PlaceClass::City,
            "town" => PlaceClass::Town,
            "village" => PlaceClass::Village,
            "hamlet" => PlaceClass::Hamlet,
            _ => return None,
        })
    }
    pub fn as_str(self) -> &'static str {
        match self {
            PlaceClass::City => "city",
            PlaceClass::Town => "town",
            PlaceClass::Village => "village",
            PlaceClass::Hamlet => "hamlet",
        }
    }
    /// Whether a place of this class is named at this scale (m per
    /// pixel): cities always, towns from 300 m a pixel, villages from 60,
    /// hamlets from 15.
    pub fn named_at(self, metres_per_px: f64) -> bool {
        match self {
            PlaceClass::City => true,
            PlaceClass::Town => metres_per_px <= 300.0,
            PlaceClass::Village => metres_per_px <= 60.0,
            PlaceClass::Hamlet => metres_per_px <= 15.0,
        }
    }
    /// GeoNames gives a population, not a class: ≥ 100,000 a city,
    /// ≥ 10,000 a town, else a village.
    pub fn of_population(p: u64) -> PlaceClass {
        match p {
            100_000.. => PlaceClass::City,
            10_000.. => PlaceClass::Town,
            _ => PlaceClass::Village,
        }
    }
}

/// What a line of the basemap is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum LineClass {
    Motorway,
    Trunk,
    Primary,
    Secondary,
    Tertiary,
    River,
    Canal,
    Coastline,
}

impl LineClass {
    pub fn as_str(self) -> &'static str {
        match self {
            LineClass::Motorway => "motorway",
            LineClass::Trunk => "trunk",
            LineClass::Primary => "primary",
            LineClass::Secondary => "secondary",
            LineClass::Tertiary => "tertiary",
            LineClass::River => "river",
            LineClass::Canal => "canal",
            LineClass::Coastline => "coastline",
        }
    }
    /// The road classes and waterway classes by name (OSM's `highway=*`,
    /// `waterway=*` values; `_link` roads as their road).
    pub fn parse(s: &str) -> Option<LineClass> {
        Some(match s.trim_end_matches("_link") {
            "motorway" => LineClass::Motorway,
            "trunk" => LineClass::Trunk,
            "primary" => LineClass::Primary,
            "secondary" => LineClass::Secondary,
            "tertiary" => LineClass::Tertiary,
            "river" => LineClass::River,
            "canal" => LineClass::Canal,
            "coastline" => LineClass::Coastline,
            _ => return None,
        })
    }
    pub fn is_road(self) -> bool {
        self <= LineClass::Tertiary
    }
    /// Whether a line of this class is drawn at this scale (m per pixel):
    /// motorway to primary roads and every waterway always, secondary
    /// roads from 200 m a pixel, tertiary from 40; and whether it is a
    /// major road (drawn wider).
    pub fn shown_at(self, metres_per_px: f64) -> Option<bool> {
        match self {
            LineClass::Motorway | LineClass::Trunk | LineClass::Primary => Some(true),
            LineClass::Secondary if metres_per_px <= 200.0 => Some(false),
            LineClass::Tertiary if metres_per_px <= 40.0 => Some(false),
            LineClass::Secondary | LineClass::Tertiary => None,
            LineClass::River | LineClass::Canal | LineClass::Coastline => Some(false),
        }
    }
    fn layer(self) -> &'static str {
        match self {
            LineClass::River | LineClass::Canal => "waterway",
            LineClass::Coastline => "coastline",
            _ => "road",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Territory {
    pub state: StateId,
    pub area: MultiPolygon,
}

#[derive(Clone, Debug)]
pub struct Place {
    pub name: String,
    pub class: PlaceClass,
    pub population: Option<u64>,
    pub at: Coord,
}

#[derive(Clone, Debug)]
pub struct BaseLine {
    pub class: LineClass,
    pub name: String,
    pub line: LineString,
}

#[derive(Clone, Debug)]
pub struct Water {
    pub name: String,
    pub area: MultiPolygon,
}

/// The basemap: empty when the scenario has none.
#[derive(Clone, Debug, Default)]
pub struct Basemap {
    pub territories: Vec<Territory>,
    pub water: Vec<Water>,
    pub lines: Vec<BaseLine>,
    /// Largest class first, then by population, then by name.
    pub places: Vec<Place>,
}

impl Basemap {
    pub fn is_empty(&self) -> bool {
        self.territories.is_empty()
            && self.water.is_empty()
            && self.lines.is_empty()
            && self.places.is_empty()
    }

    /// The territory of a State, if the basemap has it.
    pub fn territory(&self, state: &StateId) -> Option<&MultiPolygon> {
        self.territories
            .iter()
            .find(|t| &t.state == state)
            .map(|t| &t.area)
    }

    /// Whether `p` lies on the State's land: inside its territory and in
    /// no water body. `None` when the basemap has no territory for it.
    pub fn on_land_of(&self, state: &StateId, p: Coord) -> Option<bool> {
        let t = self.territory(state)?;
        let pt = geo::Point::from(p);
        Some(t.contains(&pt) && !self.water.iter().any(|w| w.area.contains(&pt)))
    }

    /// Where `p` is, in a patrol's words, by the nearest place within
    /// `within_m` (metres): "at Canillo" within 300 m, else "2.1 km NE of
    /// Canillo"; `None` with no place that near.
    pub fn describe(&self, p: Coord, within_m: f64) -> Option<String> {
        let (place, d) = self
            .places
            .iter()
            .map(|q| (q, (q.at.x - p.x).hypot(q.at.y - p.y)))
            .filter(|(_, d)| *d <= within_m)
            .min_by(|a, b| a.1.total_cmp(&b.1))?;
        if d < 300.0 {
            return Some(format!("at {}", place.name));
        }
        // bearing from the place to the point, clockwise from grid north
        let deg = (p.x - place.at.x)
            .atan2(p.y - place.at.y)
            .to_degrees()
            .rem_euclid(360.0);
        let compass =
            ["N", "NE", "E", "SE", "S", "SW", "W", "NW"][((deg + 22.5) / 45.0) as usize % 8];
        Some(format!("{:.1} km {compass} of {}", d / 1000.0, place.name))
    }

    /// The State whose territory holds `p`, among those the basemap has.
    pub fn state_at(&self, p: Coord) -> Option<&StateId> {
        let pt = geo::Point::from(p);
        self.territories
            .iter()
            .find(|t| t.area.contains(&pt))
            .map(|t| &t.state)
    }

    /// Every coordinate mapped by `f` (lon/lat → metres).
    pub fn map_coords(&self, f: impl Fn(Coord) -> Coord + Copy) -> Basemap {
        use geo::MapCoords;
        Basemap {
            territories: self
                .territories
                .iter()
                .map(|t| Territory {
                    state: t.state.clone(),
                    area: t.area.map_coords(f),
                })
                .collect(),
            water: self
                .water
                .iter()
                .map(|w| Water {
                    name: w.name.clone(),
                    area: w.area.map_coords(f),
                })
                .collect(),
            lines: self
                .lines
                .iter()
                .map(|l| BaseLine {
                    class: l.class,
                    name: l.name.clone(),
                    line: l.line.map_coords(f),
                })
                .collect(),
            places: self
                .places
                .iter()
                .map(|p| Place {
                    at: f(p.at),
                    ..p.clone()
                })
                .collect(),
        }
    }

    /// The basemap in the scenario's metres.
    pub fn project(&self, proj: &LocalProjection) -> Basemap {
        self.map_coords(|c| proj.forward(c))
    }

    /// Places in label order: largest class first, then population, then
    /// name; a place mapped twice (same name, same point) once.
    pub fn sort_places(&mut self) {
        self.places.sort_by(|a, b| {
            a.class
                .cmp(&b.class)
                .then(b.population.cmp(&a.population))
                .then(a.name.cmp(&b.name))
                .then(a.at.x.total_cmp(&b.at.x))
                .then(a.at.y.total_cmp(&b.at.y))
        });
        let mut seen = std::collections::HashSet::new();
        self.places
            .retain(|p| seen.insert((p.name.clone(), p.at.x.to_bits(), p.at.y.to_bits())));
    }

    /// The GeoJSON text of a lon/lat basemap: territories, water, lines,
    /// places, each in the order held.
    pub fn to_geojson(&self) -> String {
        let mut features = Vec::new();
        let props = |v: Value| -> Map<String, Value> { v.as_object().cloned().unwrap_or_default() };
        for t in &self.territories {
            features.push(feature(
                areas_geometry(&t.area),
                props(json!({"layer": "territory", "state": t.state.as_str()})),
            ));
        }
        for w in &self.water {
            features.push(feature(
                areas_geometry(&w.area),
                props(json!({"layer": "water", "name": w.name})),
            ));
        }
        for l in &self.lines {
            let mut p = props(json!({"layer": l.class.layer()}));
            if l.class != LineClass::Coastline {
                p.insert("class".into(), l.class.as_str().into());
                p.insert("name".into(), l.name.clone().into());
            }
            features.push(feature(line_geometry(&l.line.0), p));
        }
        for pl in &self.places {
            let mut p =
                props(json!({"layer": "place", "name": pl.name, "class": pl.class.as_str()}));
            if let Some(n) = pl.population {
                p.insert("population".into(), n.into());
            }
            features.push(feature(point_geometry(pl.at), p));
        }
        feature_collection(&features)
    }
}

fn areas_geometry(m: &MultiPolygon) -> Value {
    let rings = |p: &Polygon| -> Vec<Vec<Value>> {
        std::iter::once(p.exterior())
            .chain(p.interiors())
            .map(|r| r.0.iter().map(|c| position(*c)).collect())
            .collect()
    };
    json!({"type": "MultiPolygon", "coordinates": m.0.iter().map(rings).collect::<Vec<_>>()})
}

/// Read a basemap (lon/lat, as written); a missing file is an empty
/// basemap. `state` resolves a feature's `state` to one of the scenario's
/// States (`None`: not one of them, a problem).
pub fn read(file: &Path, state: impl Fn(&str) -> Option<StateId>, pr: &mut Problems) -> Basemap {
    let mut out = Basemap::default();
    for (index, f) in read_collection(file, false, pr).iter().enumerate() {
        let Some((id, props, g)) = feature_head(index, f, "geometry", file, pr) else {
            continue;
        };
        let problem = |msg: String, field: &str| {
            Problem::error(file, msg)
                .feature(index)
                .id(id.clone().unwrap_or_default())
                .field(field)
        };
        let text = |k: &str| {
            props
                .get(k)
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_string()
        };
        let layer = text("layer");
        let geometry = match layer.as_str() {
            "territory" | "water" => polygons_of(g).map(|p| Shape::Area(multipolygon(p))),
            "road" | "waterway" | "coastline" => line_of(g).map(Shape::Line),
            "place" => point_of(g).map(Shape::Point),
            other => {
                pr.push(problem(
                    format!(
                        "{other:?}: expected territory, water, road, waterway, coastline or place"
                    ),
                    "layer",
                ));
                continue;
            }
        };
        let shape = match geometry {
            Ok(s) => s,
            Err(e) => {
                pr.push(problem(e, "geometry"));
                continue;
            }
        };
        match (layer.as_str(), shape) {
            ("territory", Shape::Area(a)) => match state(&text("state")) {
                Some(s) => out.territories.push(Territory { state: s, area: a }),
                None => pr.push(problem(
                    format!("{:?}: expected one of the scenario's States", text("state")),
                    "state",
                )),
            },
            ("water", Shape::Area(a)) => out.water.push(Water {
                name: text("name"),
                area: a,
            }),
            (l, Shape::Line(line)) => {
                let class = if l == "coastline" {
                    "coastline".to_string()
                } else {
                    text("class")
                };
                match LineClass::parse(&class).filter(|c| c.layer() == l) {
                    Some(c) => out.lines.push(BaseLine {
                        class: c,
                        name: text("name"),
                        line,
                    }),
                    None => pr.push(problem(format!("{class:?}: not a class of {l}"), "class")),
                }
            }
            (_, Shape::Point(at)) => match PlaceClass::parse(&text("class")) {
                Some(class) => out.places.push(Place {
                    name: text("name"),
                    class,
                    population: props.get("population").and_then(|v| v.as_u64()),
                    at,
                }),
                None => pr.push(problem(
                    format!(
                        "{:?}: expected city, town, village or hamlet",
                        text("class")
                    ),
                    "class",
                )),
            },
            _ => unreachable!("the shape follows the layer"),
        }
    }
    out
}

enum Shape {
    Area(MultiPolygon),
    Line(LineString),
    Point(Coord),
}

fn line_of(g: &Value) -> Result<LineString, String> {
    match (g.get("type").and_then(|t| t.as_str()), g.get("coordinates")) {
        (Some("LineString"), Some(Value::Array(a))) => {
            let ps: Vec<&Value> = a.iter().collect();
            positions_of(&ps, "LineString").map(LineString::new)
        }
        (t, _) => Err(format!("expected a LineString, found {t:?}")),
    }
}

fn point_of(g: &Value) -> Result<Coord, String> {
    match (g.get("type").and_then(|t| t.as_str()), g.get("coordinates")) {
        (Some("Point"), Some(c)) => positions_of(&[c], "Point").map(|v| v[0]),
        (t, _) => Err(format!("expected a Point, found {t:?}")),
    }
}

/// Polygons from `polygons_of`'s rings.
pub fn multipolygon(polys: Vec<Vec<Vec<Coord>>>) -> MultiPolygon {
    MultiPolygon::new(
        polys
            .into_iter()
            .map(|mut rings| {
                let outer = LineString::new(rings.remove(0));
                Polygon::new(outer, rings.into_iter().map(LineString::new).collect())
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(x0: f64, y0: f64, d: f64) -> MultiPolygon {
        multipolygon(vec![vec![vec![
            Coord { x: x0, y: y0 },
            Coord { x: x0 + d, y: y0 },
            Coord {
                x: x0 + d,
                y: y0 + d,
            },
            Coord { x: x0, y: y0 + d },
            Coord { x: x0, y: y0 },
        ]]])
    }

    #[test]
    fn a_basemap_reads_back_what_was_written() {
        let mut b = Basemap {
            territories: vec![Territory {
                state: StateId::new("AND"),
                area: square(1.4, 42.4, 0.3),
            }],
            water: vec![Water {
                name: "Estany".into(),
                area: square(1.5, 42.5, 0.01),
            }],
            lines: vec![
                BaseLine {
                    class: LineClass::Primary,
                    name: "CG-1".into(),
                    line: LineString::new(vec![
                        Coord { x: 1.5, y: 42.45 },
                        Coord { x: 1.52, y: 42.5 },
                    ]),
                },
                BaseLine {
                    class: LineClass::Coastline,
                    name: String::new(),
                    line: LineString::new(vec![
                        Coord { x: 1.0, y: 42.0 },
                        Coord { x: 1.1, y: 42.0 },
                    ]),
                },
            ],
            places: vec![
                Place {
                    name: "Sant Julià".into(),
                    class: PlaceClass::Village,
                    population: None,
                    at: Coord { x: 1.49, y: 42.46 },
                },
                Place {
                    name: "Andorra la Vella".into(),
                    class: PlaceClass::Town,
                    population: Some(22_256),
                    at: Coord { x: 1.52, y: 42.51 },
                },
            ],
        };
        b.sort_places();
        assert_eq!(b.places[0].name, "Andorra la Vella");
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join(FILE);
        std::fs::write(&f, b.to_geojson()).unwrap();
        let mut pr = Problems::default();
        let r = read(&f, |s| (s == "AND").then(|| StateId::new("AND")), &mut pr);
        assert!(pr.is_empty(), "{pr:?}");
        assert_eq!(r.to_geojson(), b.to_geojson());
        assert_eq!(
            r.on_land_of(&StateId::new("AND"), Coord { x: 1.45, y: 42.45 }),
            Some(true)
        );
        assert_eq!(
            r.on_land_of(
                &StateId::new("AND"),
                Coord {
                    x: 1.505,
                    y: 42.505
                }
            ),
            Some(false),
            "in the lake"
        );
        assert_eq!(
            r.on_land_of(&StateId::new("ESP"), Coord { x: 1.45, y: 42.45 }),
            None
        );
    }

    #[test]
    fn every_bad_feature_of_a_basemap_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join(FILE);
        std::fs::write(
            &f,
            r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"layer":"territory","state":"FRA"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}},
{"type":"Feature","properties":{"layer":"road","class":"river"},"geometry":{"type":"LineString","coordinates":[[0,0],[1,1]]}},
{"type":"Feature","properties":{"layer":"place","class":"metropolis","name":"X"},"geometry":{"type":"Point","coordinates":[0,0]}},
{"type":"Feature","properties":{"layer":"water"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1]]]}},
{"type":"Feature","properties":{"layer":"forest"},"geometry":{"type":"Point","coordinates":[0,0]}}
]}"#,
        )
        .unwrap();
        let mut pr = Problems::default();
        let r = read(&f, |s| (s == "AND").then(|| StateId::new("AND")), &mut pr);
        assert!(r.is_empty());
        let text = format!("{pr}");
        for want in [
            "feature 0",
            "\"FRA\": expected one of the scenario's States",
            "\"river\": not a class of road",
            "\"metropolis\": expected city, town",
            "ring 0: a polygon ring needs at least four positions",
            "\"forest\": expected territory",
        ] {
            assert!(text.contains(want), "{want:?} not in:\n{text}");
        }
    }
}
