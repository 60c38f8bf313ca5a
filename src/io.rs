//! File output: atomic writes and GeoJSON writing with stable formatting.

pub mod outset;
pub use outset::OutSet;

use crate::error::{Error, Result};
use geo::Coord;
use serde_json::{json, Map, Value};
use std::io::Write;
use std::path::Path;

/// Write `bytes` to `path` atomically: a temporary file in the same
/// directory, flushed and synced, then renamed over the target. An
/// interrupted write never leaves a half-written file in place.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_all(&[(path, bytes)])
}

/// Write several files as one save: every temporary file written and
/// synced first, then all renamed over their targets (an interruption
/// before the renames leaves every old file as it was).
pub fn write_atomic_all(files: &[(&Path, &[u8])]) -> Result<()> {
    let mut tmps: Vec<(std::path::PathBuf, &Path)> = Vec::new();
    let cleanup = |tmps: &[(std::path::PathBuf, &Path)]| {
        for (t, _) in tmps {
            let _ = std::fs::remove_file(t);
        }
    };
    for (path, bytes) in files {
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        if let Err(e) = std::fs::create_dir_all(dir) {
            cleanup(&tmps);
            return Err(Error::io(dir, e));
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let tmp = dir.join(format!(".{name}.tmp{}", std::process::id()));
        let res = (|| -> std::io::Result<()> {
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(bytes)?;
            f.sync_all()
        })();
        tmps.push((tmp, path));
        if let Err(e) = res {
            cleanup(&tmps);
            return Err(Error::io(path, e));
        }
    }
    for (i, (tmp, path)) in tmps.iter().enumerate() {
        if let Err(e) = std::fs::rename(tmp, path) {
            cleanup(&tmps[i..]);
            return Err(Error::io(path, e));
        }
    }
    Ok(())
}

/// Read a text file of at most `max` bytes, refusing a larger one before
/// reading it.
pub fn read_bounded(path: &Path, max: u64) -> Result<String> {
    let len = std::fs::metadata(path)
        .map_err(|e| Error::io(path, e))?
        .len();
    if len > max {
        return Err(Error::data(
            path,
            format!(
                "the file is {} bytes, over the limit of {} for this kind of file",
                len, max
            ),
        ));
    }
    std::fs::read_to_string(path).map_err(|e| Error::io(path, e))
}

/// The field separator of a CSV, from its first line: a comma, or the
/// semicolon or tab that spreadsheets in many locales write, whichever the
/// header holds most of (a comma when none).
pub fn sniff_delimiter(text: &str) -> u8 {
    let head = text.lines().next().unwrap_or("");
    [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| (head.bytes().filter(|b| b == d).count(), *d == b','))
        .filter(|d| head.bytes().any(|b| b == *d))
        .unwrap_or(b',')
}

/// Round a degree value to 7 decimals (~1 cm), for compact, stable files.
pub fn round7(v: f64) -> f64 {
    (v * 1e7).round() / 1e7
}

pub fn position(c: Coord) -> Value {
    json!([round7(c.x), round7(c.y)])
}

pub fn point_geometry(c: Coord) -> Value {
    json!({"type": "Point", "coordinates": position(c)})
}

pub fn line_geometry(cs: &[Coord]) -> Value {
    json!({"type": "LineString", "coordinates": cs.iter().map(|c| position(*c)).collect::<Vec<_>>()})
}

/// A GeoJSON Feature with the given properties.
pub fn feature(geometry: Value, properties: Map<String, Value>) -> Value {
    json!({"type": "Feature", "properties": properties, "geometry": geometry})
}

/// A FeatureCollection, one feature per line (diff-friendly), with a trailing newline.
pub fn feature_collection(features: &[Value]) -> String {
    let mut s = String::from("{\"type\":\"FeatureCollection\",\"features\":[\n");
    for (i, f) in features.iter().enumerate() {
        s.push_str(&serde_json::to_string(f).expect("json"));
        if i + 1 < features.len() {
            s.push(',');
        }
        s.push('\n');
    }
    s.push_str("]}\n");
    s
}

/// Shorthand for building a property map.
#[macro_export]
macro_rules! props {
    ($($k:expr => $v:expr),* $(,)?) => {{
        let mut m = serde_json::Map::new();
        $( m.insert($k.to_string(), serde_json::json!($v)); )*
        m
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("a.json");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "two");
        assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 1);
    }
}
