//! GeoJSON layers read with their problems: each feature's geometry type
//! and positions checked on its own (file, feature index, id, field), so
//! one bad feature does not hide the others; typed property readers.

use crate::error::{Problem, Problems};
use geo::{Coord, LineString};
use serde_json::{Map, Value};
use std::path::Path;

/// A feature read from a layer, geometry checked.
pub struct RawFeature {
    pub index: usize,
    pub id: Option<String>,
    pub props: Map<String, Value>,
    pub coords: Vec<Coord>,
}

impl RawFeature {
    /// The first position: a Point feature's point.
    pub fn point(&self) -> Coord {
        self.coords[0]
    }
    /// The positions as a line.
    pub fn line(&self) -> LineString {
        LineString::new(self.coords.clone())
    }
}

/// A string property; `None` when absent or null, a problem when another type.
pub fn prop_str(f: &RawFeature, key: &str, file: &Path, pr: &mut Problems) -> Option<String> {
    match f.props.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        v => {
            pr.push(
                Problem::error(file, format!("expected a string, found {v}"))
                    .feature(f.index)
                    .id(f.id.clone().unwrap_or_default())
                    .field(key),
            );
            None
        }
    }
}

/// A number property; `None` when absent or null, a problem when another type.
pub fn prop_num(f: &RawFeature, key: &str, file: &Path, pr: &mut Problems) -> Option<f64> {
    match f.props.get(key)? {
        Value::Number(n) => n.as_f64(),
        Value::Null => None,
        v => {
            pr.push(
                Problem::error(file, format!("expected a number, found {v}"))
                    .feature(f.index)
                    .id(f.id.clone().unwrap_or_default())
                    .field(key),
            );
            None
        }
    }
}

/// A boolean property; `None` when absent or null, a problem when another type.
pub fn prop_bool(f: &RawFeature, key: &str, file: &Path, pr: &mut Problems) -> Option<bool> {
    match f.props.get(key)? {
        Value::Bool(b) => Some(*b),
        Value::Null => None,
        v => {
            pr.push(
                Problem::error(file, format!("expected true or false, found {v}"))
                    .feature(f.index)
                    .id(f.id.clone().unwrap_or_default())
                    .field(key),
            );
            None
        }
    }
}

/// Read a GeoJSON FeatureCollection; check each feature's geometry type and
/// coordinates. Missing optional layers are empty.
pub fn read_layer(file: &Path, want: &str, required: bool, pr: &mut Problems) -> Vec<RawFeature> {
    read_collection(file, required, pr)
        .iter()
        .enumerate()
        .filter_map(|(index, f)| feature(index, f, want, file, pr))
        .collect()
}

/// A FeatureCollection's features, the file checked as a whole (there,
/// not too large, JSON, a FeatureCollection, WGS 84); each feature is
/// the caller's to check. Missing optional layers are empty.
pub fn read_collection(file: &Path, required: bool, pr: &mut Problems) -> Vec<Value> {
    match std::fs::metadata(file) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => return Vec::new(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            pr.push(Problem::error(
                file,
                "missing: the file does not exist (a layer the scenario names must be there)",
            ));
            return Vec::new();
        }
        Ok(m) if m.len() > crate::limits::MAX_LAYER_BYTES => {
            pr.push(Problem::error(
                file,
                format!(
                    "{} bytes, over the limit of {} bytes for a layer",
                    m.len(),
                    crate::limits::MAX_LAYER_BYTES
                ),
            ));
            return Vec::new();
        }
        _ => {}
    }
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => {
            pr.push(Problem::error(file, format!("cannot read: {e}")));
            return Vec::new();
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let v: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            pr.push(Problem::error(
                file,
                format!(
                    "malformed JSON at line {}, column {}: {e}",
                    e.line(),
                    e.column()
                ),
            ));
            return Vec::new();
        }
    };
    match v.get("type").and_then(|t| t.as_str()) {
        Some("FeatureCollection") => {}
        other => {
            pr.push(
                Problem::error(
                    file,
                    format!(
                        "expected a GeoJSON FeatureCollection (RFC 7946), found type {}",
                        other
                            .map(|t| format!("{t:?}"))
                            .unwrap_or_else(|| "none".into())
                    ),
                )
                .field("type"),
            );
            return Vec::new();
        }
    }
    if let Some(crs) = v.get("crs") {
        check_crs(crs, file, pr);
    }
    let Some(features) = v.get("features").and_then(|f| f.as_array()) else {
        pr.push(
            Problem::error(
                file,
                "expected a GeoJSON FeatureCollection with a `features` array",
            )
            .field("features"),
        );
        return Vec::new();
    };
    features.clone()
}

/// The obsolete `crs` member (RFC 7946 has none: positions are WGS 84
/// longitude, latitude): WGS 84 is accepted with a warning, anything else
/// refused, since its numbers are not degrees.
fn check_crs(crs: &Value, file: &Path, pr: &mut Problems) {
    let name = crs["properties"]["name"].as_str().unwrap_or("");
    let wgs84 = ["CRS84", "EPSG::4326", "EPSG:4326", "CRS:84"]
        .iter()
        .any(|w| name.to_ascii_uppercase().ends_with(w));
    if wgs84 {
        pr.push(
            Problem::warning(
                file,
                format!("`crs` {name:?} is obsolete in RFC 7946 GeoJSON; positions are read as WGS 84 longitude, latitude"),
            )
            .field("crs"),
        );
    } else {
        pr.push(
            Problem::error(
                file,
                format!("`crs` {crs}: positions must be WGS 84 longitude, latitude in degrees (RFC 7946); reproject the layer, e.g. ogr2ogr -t_srs EPSG:4326 out.geojson in.geojson"),
            )
            .field("crs"),
        );
    }
}

/// One feature of a layer: its properties, id and positions, or its
/// problem (wrong or missing geometry, a position out of range).
fn feature(
    index: usize,
    f: &Value,
    want: &str,
    file: &Path,
    pr: &mut Problems,
) -> Option<RawFeature> {
    let (id, props, g) = feature_head(index, f, want, file, pr)?;
    let ctx = |p: Problem| p.feature(index).id(id.clone().unwrap_or_default());
    let gtype = g.get("type").and_then(|t| t.as_str()).unwrap_or("");
    if gtype != want {
        pr.push(
            ctx(Problem::error(
                file,
                format!("wrong geometry type {gtype:?}: expected {want}"),
            ))
            .field("geometry"),
        );
        return None;
    }
    let coords = match coords_of(g, want) {
        Ok(c) => c,
        Err(msg) => {
            pr.push(ctx(Problem::error(file, msg)).field("geometry.coordinates"));
            return None;
        }
    };
    Some(RawFeature {
        index,
        id,
        props,
        coords,
    })
}

/// The head of any feature: a Feature, its properties an object (or
/// none), its id, a geometry (`want` names what was expected, for the
/// problem when it is missing).
pub fn feature_head<'v>(
    index: usize,
    f: &'v Value,
    want: &str,
    file: &Path,
    pr: &mut Problems,
) -> Option<(Option<String>, Map<String, Value>, &'v Value)> {
    let props = match f.get("properties") {
        Some(Value::Object(m)) => m.clone(),
        None | Some(Value::Null) => Map::new(),
        Some(other) => {
            pr.push(
                Problem::error(file, format!("expected an object, found {other}"))
                    .feature(index)
                    .field("properties"),
            );
            Map::new()
        }
    };
    let id = match props.get("id").or_else(|| f.get("id")) {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let ctx = |p: Problem| p.feature(index).id(id.clone().unwrap_or_default());
    if f.get("type").and_then(|t| t.as_str()) != Some("Feature") {
        pr.push(
            ctx(Problem::error(
                file,
                format!(
                    "expected a GeoJSON Feature, found type {}",
                    f.get("type").unwrap_or(&Value::Null)
                ),
            ))
            .field("type"),
        );
        return None;
    }
    let Some(g) = f.get("geometry").filter(|g| !g.is_null()) else {
        pr.push(
            ctx(Problem::error(
                file,
                format!("missing geometry: expected a {want}"),
            ))
            .field("geometry"),
        );
        return None;
    };
    Some((id, props, g))
}

/// A Polygon's or MultiPolygon's rings, each checked: a list of polygons,
/// each its outer ring then its holes.
pub fn polygons_of(g: &Value) -> Result<Vec<Vec<Vec<Coord>>>, String> {
    let rings = |v: &Value| -> Result<Vec<Vec<Coord>>, String> {
        let Some(rs) = v.as_array() else {
            return Err("expected an array of rings".into());
        };
        rs.iter()
            .enumerate()
            .map(|(k, r)| {
                let ps: Vec<&Value> = r.as_array().map(|a| a.iter().collect()).unwrap_or_default();
                positions_of(&ps, "ring").map_err(|e| format!("ring {k}: {e}"))
            })
            .collect()
    };
    let c = g.get("coordinates").unwrap_or(&Value::Null);
    match g.get("type").and_then(|t| t.as_str()) {
        Some("Polygon") => Ok(vec![rings(c)?]),
        Some("MultiPolygon") => c
            .as_array()
            .ok_or_else(|| "expected an array of polygons".to_string())?
            .iter()
            .enumerate()
            .map(|(k, p)| rings(p).map_err(|e| format!("polygon {k}: {e}")))
            .collect(),
        other => Err(format!(
            "expected a Polygon or MultiPolygon, found {other:?}"
        )),
    }
}

/// A layer of Point features.
pub fn read_points(file: &Path, required: bool, pr: &mut Problems) -> Vec<RawFeature> {
    read_layer(file, "Point", required, pr)
}

/// A layer of LineString features.
pub fn read_lines(file: &Path, required: bool, pr: &mut Problems) -> Vec<RawFeature> {
    read_layer(file, "LineString", required, pr)
}

/// A geometry's positions as `want` (Point or LineString) needs them, in
/// range; or what is wrong with them.
fn coords_of(g: &Value, want: &str) -> Result<Vec<Coord>, String> {
    let positions: Vec<&Value> = match (want, g.get("coordinates")) {
        ("Point", Some(c)) => vec![c],
        ("LineString", Some(Value::Array(a))) => a.iter().collect(),
        _ => return Err("geometry has no valid `coordinates`".into()),
    };
    positions_of(&positions, want)
}

/// Positions in range, as `want` (Point, LineString or a ring) needs them.
pub fn positions_of(positions: &[&Value], want: &str) -> Result<Vec<Coord>, String> {
    let mut coords = Vec::with_capacity(positions.len());
    for (k, p) in positions.iter().enumerate() {
        let xy = p
            .as_array()
            .filter(|a| a.len() >= 2)
            .and_then(|a| Some((a[0].as_f64()?, a[1].as_f64()?)));
        match xy {
            Some((lon, lat))
                if lon.is_finite()
                    && lat.is_finite()
                    && (-180.0..=180.0).contains(&lon)
                    && (-90.0..=90.0).contains(&lat) =>
            {
                coords.push(Coord { x: lon, y: lat })
            }
            _ => return Err(format!("position {k} is {p}: expected [longitude, latitude] in degrees, longitude -180..180, latitude -90..90")),
        }
    }
    if want == "LineString" && coords.len() < 2 {
        return Err("a LineString needs at least two positions".into());
    }
    if want == "LineString" && coords.iter().all(|c| *c == coords[0]) {
        return Err("zero-length line: every position is the same point".into());
    }
    if want == "ring" && (coords.len() < 4 || coords.first() != coords.last()) {
        return Err(format!(
            "a polygon ring needs at least four positions, the last the same as the first; found {}",
            coords.len()
        ));
    }
    Ok(coords)
}
