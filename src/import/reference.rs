//! The basemap of a border imported from Natural Earth (`crate::basemap`),
//! from public reference data the user names: each State's territory from
//! Natural Earth's country polygons (land only, so the sea is never a
//! State's), populated places from GeoNames' table, and the rivers file.
//! Everything is cut to the border's frame ([`crate::basemap::frame_around`]).

use super::*;
use crate::basemap::{BaseLine, LineClass, Place, PlaceClass, Territory};
use crate::geom::rings::clip;
use geo::{BooleanOps, BoundingRect, LineString, MapCoords, MultiPolygon};
use serde_json::Value;

/// The frame in metres and, for a first cut of far-off data, in degrees.
#[derive(Clone, Copy)]
pub struct Frame {
    pub xy: (Coord, Coord),
    lonlat: (Coord, Coord),
}

impl Frame {
    /// The border's extent in metres with the margin around.
    pub fn around(border_xy: (Coord, Coord), proj: &LocalProjection) -> Frame {
        let xy = crate::basemap::frame_around(border_xy);
        let corners = [
            xy.0,
            xy.1,
            Coord {
                x: xy.0.x,
                y: xy.1.y,
            },
            Coord {
                x: xy.1.x,
                y: xy.0.y,
            },
        ];
        let ll = crate::model::bbox(corners.iter().map(|c| proj.inverse(*c))).unwrap();
        // a degree of slack: the projection bends the frame's edges
        Frame {
            xy,
            lonlat: crate::model::expand(ll, 1.0),
        }
    }
    fn near(&self, c: Coord) -> bool {
        let (min, max) = self.lonlat;
        c.x >= min.x && c.x <= max.x && c.y >= min.y && c.y <= max.y
    }
    fn overlaps(&self, min: Coord, max: Coord) -> bool {
        let (a, b) = self.lonlat;
        min.x <= b.x && max.x >= a.x && min.y <= b.y && max.y >= a.y
    }
    fn holds(&self, p: Coord) -> bool {
        let (min, max) = self.xy;
        p.x >= min.x && p.x <= max.x && p.y >= min.y && p.y <= max.y
    }
}

/// Each State's territory from a countries file (`iso_a3`, `iso_a2` or
/// `ISO_A3` properties), in lon/lat, cut to the frame. A State the file
/// lacks is an error naming the codes looked for.
pub fn territories(
    path: &Path,
    states: &[StateCode; 2],
    frame: Frame,
    proj: &LocalProjection,
) -> Result<Vec<Territory>> {
    let v = super::naturalearth::read_json(path)?;
    let Some(features) = v.get("features").and_then(|f| f.as_array()) else {
        return Err(Error::data(
            path,
            "expected a GeoJSON FeatureCollection of country polygons",
        ));
    };
    let rect = MultiPolygon::new(vec![geo::Rect::new(frame.xy.0, frame.xy.1).to_polygon()]);
    let mut out = Vec::new();
    for s in states {
        let code = |f: &Value, k: &str| f["properties"][k].as_str().map(|c| c.to_string());
        let feature = features.iter().enumerate().find(|(_, f)| {
            ["iso_a3", "ISO_A3", "iso_a2", "ISO_A2", "ADM0_A3"]
                .iter()
                .filter_map(|k| code(f, k))
                .any(|c| crate::country::matches(&s.country, &c))
        });
        let Some((index, f)) = feature else {
            return Err(Error::data(
                path,
                format!(
                    "no country polygon for {} (looked for {} or {} in the properties iso_a3, iso_a2, ADM0_A3)",
                    s.country.name, s.country.alpha3, s.country.alpha2
                ),
            ));
        };
        let polys = whole_polygons(&f["geometry"]).map_err(|e| {
            Error::data(
                path,
                format!("feature {index} ({}): geometry: {e}", s.country.alpha3),
            )
        })?;
        let near: Vec<_> = crate::basemap::multipolygon(polys)
            .0
            .into_iter()
            .filter(|p| {
                p.bounding_rect()
                    .is_some_and(|b| frame.overlaps(b.min(), b.max()))
            })
            .collect();
        let xy = MultiPolygon::new(near).map_coords(|c| proj.forward(c));
        let area = xy.intersection(&rect);
        if !area.0.is_empty() {
            out.push(Territory {
                state: s.id(),
                area: area.map_coords(|c| proj.inverse(c)),
            });
        }
    }
    Ok(out)
}

/// A country's polygons, leaving out any whose ring the source's rounding
/// made degenerate (a rock of three positions): a reference map, not a
/// scenario's own layer, so one such ring does not refuse the rest.
fn whole_polygons(g: &Value) -> std::result::Result<Vec<Vec<Vec<Coord>>>, String> {
    use crate::formats::geojson::polygons_of;
    match g["type"].as_str() {
        Some("MultiPolygon") => Ok(g["coordinates"]
            .as_array()
            .ok_or("expected an array of polygons")?
            .iter()
            .filter_map(|p| {
                polygons_of(&serde_json::json!({"type": "Polygon", "coordinates": p})).ok()
            })
            .flatten()
            .collect()),
        _ => polygons_of(g),
    }
}

/// GeoNames' populated places (`geonameid,name,country,lat,lon,population`,
/// as `cities5000`) in the frame, in lon/lat. Bad rows are errors naming
/// the line and the field.
pub fn places(path: &Path, frame: Frame, proj: &LocalProjection) -> Result<Vec<Place>> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut rd = csv::ReaderBuilder::new().from_reader(std::io::BufReader::new(file));
    let headers = rd
        .headers()
        .map_err(|e| Error::data(path, format!("cannot read the header row: {e}")))?
        .clone();
    let col = |name: &str| {
        headers.iter().position(|h| h.trim().eq_ignore_ascii_case(name)).ok_or_else(|| {
            Error::data(
                path,
                format!("no `{name}` column: expected the columns name, lat, lon, population (GeoNames cities5000), found {}", headers.iter().collect::<Vec<_>>().join(", ")),
            )
        })
    };
    let (name, lat, lon, pop) = (col("name")?, col("lat")?, col("lon")?, col("population")?);
    let mut out = Vec::new();
    for (k, row) in rd.records().enumerate() {
        let line = k + 2;
        let row = row.map_err(|e| Error::data(path, format!("line {line}: {e}")))?;
        let num = |i: usize, what: &str| -> Result<f64> {
            row.get(i)
                .and_then(|v| v.trim().parse::<f64>().ok())
                .filter(|v| v.is_finite())
                .ok_or_else(|| {
                    Error::data(
                        path,
                        format!(
                            "line {line}, column `{what}`: expected a number, found {:?}",
                            row.get(i).unwrap_or("")
                        ),
                    )
                })
        };
        let ll = Coord {
            x: num(lon, "lon")?,
            y: num(lat, "lat")?,
        };
        if !frame.near(ll) || !frame.holds(proj.forward(ll)) {
            continue;
        }
        let population = num(pop, "population")?.max(0.0) as u64;
        out.push(Place {
            name: row.get(name).unwrap_or("").trim().to_string(),
            class: PlaceClass::of_population(population),
            population: Some(population),
            at: ll,
        });
    }
    Ok(out)
}

/// The rivers of a Natural Earth rivers file in the frame, in lon/lat.
pub fn rivers(path: &Path, frame: Frame, proj: &LocalProjection) -> Result<Vec<BaseLine>> {
    let v = super::naturalearth::read_json(path)?;
    let mut out = Vec::new();
    for f in v["features"].as_array().into_iter().flatten() {
        let name = f["properties"]["name"].as_str().unwrap_or("").to_string();
        for l in super::naturalearth::lines_of(&f["geometry"]) {
            if !l.iter().any(|c| frame.near(*c)) {
                continue;
            }
            let xy: Vec<Coord> = l.iter().map(|c| proj.forward(*c)).collect();
            for piece in clip(&xy, frame.xy) {
                out.push(BaseLine {
                    class: LineClass::River,
                    name: name.clone(),
                    line: LineString::new(piece.into_iter().map(|c| proj.inverse(c)).collect()),
                });
            }
        }
    }
    Ok(out)
}
