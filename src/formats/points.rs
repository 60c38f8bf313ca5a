//! Points (e.g. official crossings) from CSV or GeoJSON.
//!
//! CSV: UTF-8 with or without BOM, a header row with latitude and longitude
//! columns (`lat`/`latitude`/`y` and `lon`/`lng`/`long`/`longitude`/`x`, any
//! case) and optionally a name column (`name`, or one whose header contains
//! "name"). GeoJSON: a FeatureCollection of Points, name from `name`.

use crate::error::{Problem, Problems};
use geo::Coord;
use std::path::Path;

/// A point read from a file, with where it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct InputPoint {
    /// "row 3" / "feature 2", for messages.
    pub place: String,
    pub name: String,
    pub lonlat: Coord,
}

/// Read points; all problems are listed, good points are kept.
pub fn read_points(path: &Path) -> (Vec<InputPoint>, Problems) {
    let mut pr = Problems::default();
    let lower = path.to_string_lossy().to_ascii_lowercase();
    let pts = if lower.ends_with(".csv") || lower.ends_with(".txt") {
        read_csv(path, &mut pr)
    } else {
        read_geojson(path, &mut pr)
    };
    (pts, pr)
}

fn valid(lon: f64, lat: f64) -> bool {
    lon.is_finite()
        && lat.is_finite()
        && (-180.0..=180.0).contains(&lon)
        && (-90.0..=90.0).contains(&lat)
}

fn read_csv(path: &Path, pr: &mut Problems) -> Vec<InputPoint> {
    if let Ok(m) = std::fs::metadata(path) {
        if m.len() > crate::limits::MAX_TABLE_BYTES {
            pr.push(Problem::error(
                path,
                format!(
                    "{} bytes, over the limit of {} bytes for a table of points",
                    m.len(),
                    crate::limits::MAX_TABLE_BYTES
                ),
            ));
            return Vec::new();
        }
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            pr.push(Problem::error(path, format!("cannot read: {e}")));
            return Vec::new();
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            pr.push(Problem::error(
                path,
                format!(
                    "not UTF-8 text (byte {}): save it as UTF-8",
                    e.utf8_error().valid_up_to()
                ),
            ));
            return Vec::new();
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .delimiter(crate::io::sniff_delimiter(text))
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match rdr.headers() {
        Ok(h) => h.iter().map(|s| s.trim().to_string()).collect(),
        Err(e) => {
            pr.push(Problem::error(
                path,
                format!("cannot read the header row: {e}"),
            ));
            return Vec::new();
        }
    };
    let find = |names: &[&str]| {
        headers
            .iter()
            .position(|h| names.iter().any(|n| h.eq_ignore_ascii_case(n)))
    };
    let lat = find(&["lat", "latitude", "y"]);
    let lon = find(&["lon", "lng", "long", "longitude", "x"]);
    let name = find(&["name"]).or_else(|| {
        headers
            .iter()
            .position(|h| h.to_ascii_lowercase().contains("name"))
    });
    let (Some(lat), Some(lon)) = (lat, lon) else {
        pr.push(
            Problem::error(
                path,
                format!(
                    "no latitude/longitude columns: expected headers such as Lat and Lon; found {}",
                    headers.join(", ")
                ),
            )
            .field("header"),
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let row = i + 2; // 1-based, after the header
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                pr.push(Problem::error(path, format!("row {row}: {e}")));
                continue;
            }
        };
        let get = |k: usize| rec.get(k).map(|s| s.trim()).unwrap_or("");
        let (la, lo) = (get(lat).parse::<f64>(), get(lon).parse::<f64>());
        match (la, lo) {
            (Ok(la), Ok(lo)) if valid(lo, la) => out.push(InputPoint { place: format!("row {row}"), name: name.map(|n| get(n).to_string()).unwrap_or_default(), lonlat: Coord { x: lo, y: la } }),
            _ => pr.push(
                Problem::error(path, format!("row {row}: latitude {:?} / longitude {:?} are not valid degrees (latitude -90..90, longitude -180..180)", get(lat), get(lon)))
                    .field(format!("{}/{}", headers[lat], headers[lon])),
            ),
        }
    }
    out
}

fn read_geojson(path: &Path, pr: &mut Problems) -> Vec<InputPoint> {
    super::geojson::read_layer(path, "Point", true, pr)
        .into_iter()
        .map(|f| InputPoint {
            place: format!("feature {}", f.index),
            name: f
                .props
                .get("name")
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_string(),
            lonlat: f.coords[0],
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_bom_and_bad_rows() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("x.csv");
        std::fs::write(
            &p,
            "\u{feff}Order,Border Crossing Name,Lat,Lon\n1,A,31.7,-106.4\n2,B,abc,-106\n3,C,95,0\n",
        )
        .unwrap();
        let (pts, pr) = read_points(&p);
        assert_eq!(pts.len(), 1);
        assert_eq!(pts[0].name, "A");
        assert_eq!(pr.len(), 2);
        let msg = pr.to_string();
        assert!(msg.contains("row 3") && msg.contains("row 4"), "{msg}");
    }

    #[test]
    fn csv_without_coordinate_columns() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("x.csv");
        std::fs::write(&p, "a,b\n1,2\n").unwrap();
        let (pts, pr) = read_points(&p);
        assert!(pts.is_empty());
        assert!(pr.to_string().contains("no latitude/longitude columns"));
    }
}
