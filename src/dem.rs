//! Digital elevation models. SRTM `.hgt` tiles, plain or inside a `.zip`
//! (as distributed by NASA/USGS): big-endian `i16` metres, row 0 at the north
//! edge, void = -32768, 1201² cells (3″) or 3601² cells (1″), the south-west
//! corner given by the file name (`N42E001.hgt`).

use crate::error::{Error, Result};
use std::io::Read;
use std::path::Path;

/// A regular lon/lat grid of elevations in metres (`NaN` = void).
#[derive(Clone, Debug)]
pub struct Dem {
    /// Longitude of the west edge of column 0's cell centre... precisely: the
    /// lon/lat of sample (row 0, col 0), i.e. the north-west corner sample.
    pub west: f64,
    pub north: f64,
    /// Spacing between samples in degrees.
    pub step: f64,
    pub rows: usize,
    pub cols: usize,
    pub data: Vec<f32>,
    /// Where it came from, for messages.
    pub source: String,
}

/// The largest `.hgt` tile (3601×3601 samples of 2 bytes, SRTM1).
const HGT_MAX_BYTES: u64 = 25_934_402;

impl Dem {
    pub fn south(&self) -> f64 {
        self.north - self.step * (self.rows - 1) as f64
    }
    pub fn east(&self) -> f64 {
        self.west + self.step * (self.cols - 1) as f64
    }
    pub fn contains(&self, lon: f64, lat: f64) -> bool {
        lon >= self.west && lon <= self.east() && lat >= self.south() && lat <= self.north
    }

    /// Sample at (row, col); `NaN` for void or outside.
    pub fn at(&self, row: usize, col: usize) -> f32 {
        if row < self.rows && col < self.cols {
            self.data[row * self.cols + col]
        } else {
            f32::NAN
        }
    }

    /// lon/lat of sample (row, col).
    pub fn lonlat(&self, row: usize, col: usize) -> (f64, f64) {
        (
            self.west + col as f64 * self.step,
            self.north - row as f64 * self.step,
        )
    }

    /// Bilinear elevation at lon/lat, `None` outside the grid or next to a void.
    pub fn elevation(&self, lon: f64, lat: f64) -> Option<f64> {
        if !self.contains(lon, lat) {
            return None;
        }
        let fc = (lon - self.west) / self.step;
        let fr = (self.north - lat) / self.step;
        let c0 = (fc.floor() as usize).min(self.cols - 2);
        let r0 = (fr.floor() as usize).min(self.rows - 2);
        let (tx, ty) = (fc - c0 as f64, fr - r0 as f64);
        let z00 = self.at(r0, c0) as f64;
        let z01 = self.at(r0, c0 + 1) as f64;
        let z10 = self.at(r0 + 1, c0) as f64;
        let z11 = self.at(r0 + 1, c0 + 1) as f64;
        let z = z00 * (1.0 - tx) * (1.0 - ty)
            + z01 * tx * (1.0 - ty)
            + z10 * (1.0 - tx) * ty
            + z11 * tx * ty;
        z.is_finite().then_some(z)
    }

    /// Read an SRTM tile, `.hgt` or `.hgt.zip`/`.zip` (first `.hgt` entry).
    pub fn read_hgt(path: &Path) -> Result<Dem> {
        let fname = path
            .file_name()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default();
        let lower = fname.to_ascii_lowercase();
        let (bytes, tile_name) = if lower.ends_with(".zip") {
            let f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
            let mut zip = zip::ZipArchive::new(f)
                .map_err(|e| Error::data(path, format!("not a readable zip archive: {e}")))?;
            let idx = (0..zip.len())
                .find(|&i| {
                    zip.by_index(i)
                        .map(|e| e.name().to_ascii_lowercase().ends_with(".hgt"))
                        .unwrap_or(false)
                })
                .ok_or_else(|| Error::data(path, "zip archive holds no .hgt file"))?;
            let mut entry = zip
                .by_index(idx)
                .map_err(|e| Error::data(path, format!("zip entry {idx}: {e}")))?;
            let name = Path::new(entry.name())
                .file_name()
                .map(|s| s.to_string_lossy().to_string())
                .unwrap_or_default();
            // inflated only up to the largest size a tile can have (one
            // byte more tells a bomb from a tile)
            let mut buf = Vec::new();
            entry
                .by_ref()
                .take(HGT_MAX_BYTES + 1)
                .read_to_end(&mut buf)
                .map_err(|e| Error::data(path, format!("cannot inflate {name}: {e}")))?;
            (buf, name)
        } else {
            let len = std::fs::metadata(path)
                .map_err(|e| Error::io(path, e))?
                .len();
            if len > HGT_MAX_BYTES {
                return Err(Error::data(
                    path,
                    format!("{len} bytes: too large for an .hgt tile; expected 2884802 (1201×1201, SRTM3) or 25934402 (3601×3601, SRTM1)"),
                ));
            }
            (std::fs::read(path).map_err(|e| Error::io(path, e))?, fname)
        };
        let (south, west) = parse_tile_name(&tile_name).ok_or_else(|| {
            Error::data(
                path,
                format!(
                    "cannot tell the tile's corner from the name {tile_name:?}: expected an SRTM name like N42E001.hgt"
                ),
            )
        })?;
        let n = match bytes.len() as u64 {
            2_884_802 => 1201,
            25_934_402 => 3601,
            other => {
                let other = if other > HGT_MAX_BYTES {
                    format!("more than {HGT_MAX_BYTES}")
                } else {
                    other.to_string()
                };
                return Err(Error::data(
                    path,
                    format!(
                        "truncated or unknown .hgt: {tile_name} has {other} bytes; expected 2884802 (1201×1201, SRTM3) or 25934402 (3601×3601, SRTM1)"
                    ),
                ));
            }
        };
        let data = bytes
            .chunks_exact(2)
            .map(|b| {
                let v = i16::from_be_bytes([b[0], b[1]]);
                if v == -32768 {
                    f32::NAN
                } else {
                    v as f32
                }
            })
            .collect();
        Ok(Dem {
            west,
            north: south + 1.0,
            step: 1.0 / (n - 1) as f64,
            rows: n,
            cols: n,
            data,
            source: path.display().to_string(),
        })
    }
}

/// `N42E001` → (42, 1); `S05W072` → (-5, -72).
fn parse_tile_name(name: &str) -> Option<(f64, f64)> {
    let s = name.get(..7)?.to_ascii_uppercase();
    let lat: f64 = s.get(1..3)?.parse().ok()?;
    let lon: f64 = s.get(4..7)?.parse().ok()?;
    let lat = match &s[0..1] {
        "N" => lat,
        "S" => -lat,
        _ => return None,
    };
    let lon = match &s[3..4] {
        "E" => lon,
        "W" => -lon,
        _ => return None,
    };
    Some((lat, lon))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tile_names() {
        assert_eq!(parse_tile_name("N42E001.hgt"), Some((42.0, 1.0)));
        assert_eq!(parse_tile_name("s05w072.HGT"), Some((-5.0, -72.0)));
        assert_eq!(parse_tile_name("dem.hgt"), None);
    }

    #[test]
    fn truncated_hgt_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("N42E001.hgt");
        std::fs::write(&p, vec![0u8; 1000]).unwrap();
        let e = Dem::read_hgt(&p).unwrap_err().to_string();
        assert!(e.contains("N42E001.hgt") && e.contains("1000 bytes"), "{e}");
    }

    #[test]
    fn bilinear_on_synthetic_tile() {
        let n = 1201;
        let mut bytes = Vec::with_capacity(n * n * 2);
        for r in 0..n {
            for c in 0..n {
                let v = (r + c) as i16;
                bytes.extend_from_slice(&v.to_be_bytes());
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("N10W020.hgt");
        std::fs::write(&p, bytes).unwrap();
        let d = Dem::read_hgt(&p).unwrap();
        assert_eq!((d.west, d.north, d.south()), (-20.0, 11.0, 10.0));
        // halfway between samples (0,0)=0 and (0,1)=1 → 0.5
        let z = d.elevation(-20.0 + d.step / 2.0, 11.0).unwrap();
        assert!((z - 0.5).abs() < 1e-9);
        assert!(d.elevation(-21.0, 10.5).is_none());
    }
}
