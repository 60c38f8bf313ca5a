//! Terrain on a regular metric grid in the scenario's local projection,
//! resampled (bilinear) from the DEM, and line of sight over it.
//!
//! The grid is what every terrain computation uses (viewsheds, slope,
//! candidate sites), so that results do not depend on the DEM's own
//! lon/lat spacing; it can be exported as an ESRI ASCII grid with a `.prj`
//! for QGIS or GDAL (the viewshed comparison with `gdal_viewshed` runs on
//! exactly that file).

pub mod viewshed;

use crate::dem::Dem;
use crate::error::{Error, Result};
use crate::geom::proj::LocalProjection;
use geo::Coord;
use std::path::Path;

/// Elevations on a north-up grid: cell (row 0, col 0) is the north-west
/// cell; `origin` is its centre in local metres.
#[derive(Clone, Debug)]
pub struct Terrain {
    pub origin: Coord,
    pub cell: f64,
    pub rows: usize,
    pub cols: usize,
    /// Metres; NaN where the DEM has a void or no data.
    pub z: Vec<f32>,
}

impl Terrain {
    /// Resample `dem` onto a grid covering `bbox` (local metres) with square
    /// cells of `cell_m`.
    pub fn from_dem(
        dem: &Dem,
        proj: &LocalProjection,
        bbox: (Coord, Coord),
        cell_m: f64,
    ) -> Terrain {
        let (min, max) = bbox;
        let cols = (((max.x - min.x) / cell_m).ceil() as usize).max(1) + 1;
        let rows = (((max.y - min.y) / cell_m).ceil() as usize).max(1) + 1;
        let origin = Coord { x: min.x, y: max.y };
        let mut z = Vec::with_capacity(rows * cols);
        let mut inside = Vec::with_capacity(rows * cols);
        for r in 0..rows {
            for c in 0..cols {
                let p = Coord {
                    x: origin.x + c as f64 * cell_m,
                    y: origin.y - r as f64 * cell_m,
                };
                let ll = proj.inverse(p);
                z.push(
                    dem.elevation(ll.x, ll.y)
                        .map(|v| v as f32)
                        .unwrap_or(f32::NAN),
                );
                inside.push(dem.contains(ll.x, ll.y));
            }
        }
        let mut t = Terrain {
            origin,
            cell: cell_m,
            rows,
            cols,
            z,
        };
        // Holes inside the DEM are filled; what lies outside it stays unknown.
        t.fill_voids(|i| inside[i], 500);
        t
    }

    /// The part of `bbox` (local metres) the DEM covers.
    pub fn clip_to_dem(
        dem: &Dem,
        proj: &LocalProjection,
        bbox: (Coord, Coord),
    ) -> Option<(Coord, Coord)> {
        let n = 16;
        let mut edge = Vec::new();
        for i in 0..=n {
            let f = i as f64 / n as f64;
            let lon = dem.west + f * (dem.east() - dem.west);
            let lat = dem.south() + f * (dem.north - dem.south());
            edge.extend([
                Coord {
                    x: lon,
                    y: dem.south(),
                },
                Coord {
                    x: lon,
                    y: dem.north,
                },
                Coord {
                    x: dem.west,
                    y: lat,
                },
                Coord {
                    x: dem.east(),
                    y: lat,
                },
            ]);
        }
        let (dmin, dmax) = crate::model::bbox(edge.into_iter().map(|c| proj.forward(c)))?;
        let min = Coord {
            x: bbox.0.x.max(dmin.x),
            y: bbox.0.y.max(dmin.y),
        };
        let max = Coord {
            x: bbox.1.x.min(dmax.x),
            y: bbox.1.y.min(dmax.y),
        };
        (min.x < max.x && min.y < max.y).then_some((min, max))
    }

    /// Fill void cells (SRTM has holes in steep mountains) from their valid
    /// neighbours, growing inwards from the edges of each hole. Cells with
    /// no valid cell anywhere stay NaN. Returns how many cells were filled.
    pub fn fill_voids(&mut self, fillable: impl Fn(usize) -> bool, max_rounds: usize) -> usize {
        let (rows, cols) = (self.rows, self.cols);
        let mut filled = 0;
        for _ in 0..max_rounds {
            let mut next = self.z.clone();
            let mut changed = 0;
            for r in 0..rows {
                for c in 0..cols {
                    let i = r * cols + c;
                    if self.z[i].is_finite() || !fillable(i) {
                        continue;
                    }
                    let (mut sum, mut n) = (0.0f64, 0);
                    for dr in -1i64..=1 {
                        for dc in -1i64..=1 {
                            let (rr, cc) = (r as i64 + dr, c as i64 + dc);
                            if rr < 0 || cc < 0 || rr >= rows as i64 || cc >= cols as i64 {
                                continue;
                            }
                            let v = self.z[rr as usize * cols + cc as usize];
                            if v.is_finite() {
                                sum += v as f64;
                                n += 1;
                            }
                        }
                    }
                    if n > 0 {
                        next[i] = (sum / n as f64) as f32;
                        changed += 1;
                    }
                }
            }
            self.z = next;
            filled += changed;
            if changed == 0 {
                break;
            }
        }
        filled
    }

    /// A flat or synthetic grid (tests, generators).
    pub fn from_fn(
        origin: Coord,
        cell: f64,
        rows: usize,
        cols: usize,
        f: impl Fn(Coord) -> f64,
    ) -> Terrain {
        let mut z = Vec::with_capacity(rows * cols);
        for r in 0..rows {
            for c in 0..cols {
                z.push(f(Coord {
                    x: origin.x + c as f64 * cell,
                    y: origin.y - r as f64 * cell,
                }) as f32);
            }
        }
        Terrain {
            origin,
            cell,
            rows,
            cols,
            z,
        }
    }

    #[inline]
    pub fn at(&self, r: usize, c: usize) -> f32 {
        self.z[r * self.cols + c]
    }

    pub fn centre(&self, r: usize, c: usize) -> Coord {
        Coord {
            x: self.origin.x + c as f64 * self.cell,
            y: self.origin.y - r as f64 * self.cell,
        }
    }

    /// The cell containing `p` (cells are centred on their grid point).
    pub fn cell_of(&self, p: Coord) -> Option<(usize, usize)> {
        let fc = ((p.x - self.origin.x) / self.cell + 0.5).floor();
        let fr = ((self.origin.y - p.y) / self.cell + 0.5).floor();
        (fc >= 0.0 && fr >= 0.0 && (fc as usize) < self.cols && (fr as usize) < self.rows)
            .then_some((fr as usize, fc as usize))
    }

    /// Does the grid cover `p` with data?
    pub fn covers(&self, p: Coord) -> bool {
        self.cell_of(p)
            .is_some_and(|(r, c)| self.at(r, c).is_finite())
    }

    /// Bilinear elevation at `p`.
    pub fn elevation(&self, p: Coord) -> Option<f64> {
        let fc = (p.x - self.origin.x) / self.cell;
        let fr = (self.origin.y - p.y) / self.cell;
        if fc < 0.0 || fr < 0.0 || fc > (self.cols - 1) as f64 || fr > (self.rows - 1) as f64 {
            return None;
        }
        let c0 = (fc.floor() as usize).min(self.cols.saturating_sub(2));
        let r0 = (fr.floor() as usize).min(self.rows.saturating_sub(2));
        let (tx, ty) = (fc - c0 as f64, fr - r0 as f64);
        let g = |r: usize, c: usize| self.at(r.min(self.rows - 1), c.min(self.cols - 1)) as f64;
        let z = g(r0, c0) * (1.0 - tx) * (1.0 - ty)
            + g(r0, c0 + 1) * tx * (1.0 - ty)
            + g(r0 + 1, c0) * (1.0 - tx) * ty
            + g(r0 + 1, c0 + 1) * tx * ty;
        z.is_finite().then_some(z)
    }

    /// Slope in degrees at `p` (central differences over one cell).
    pub fn slope_deg(&self, p: Coord) -> Option<f64> {
        let d = self.cell;
        let e = |dx: f64, dy: f64| {
            self.elevation(Coord {
                x: p.x + dx,
                y: p.y + dy,
            })
        };
        let gx = (e(d, 0.0)? - e(-d, 0.0)?) / (2.0 * d);
        let gy = (e(0.0, d)? - e(0.0, -d)?) / (2.0 * d);
        Some(gx.hypot(gy).atan().to_degrees())
    }

    /// Write an ESRI ASCII grid (and a `.prj` next to it describing the local
    /// transverse Mercator) that QGIS and GDAL read.
    pub fn write_asc(
        &self,
        path: &Path,
        proj: &LocalProjection,
        values: &dyn Fn(usize, usize) -> f64,
        nodata: f64,
    ) -> Result<()> {
        use std::fmt::Write;
        let mut s = String::with_capacity(self.rows * self.cols * 7 + 200);
        let _ = writeln!(s, "ncols {}\nnrows {}", self.cols, self.rows);
        let _ = writeln!(
            s,
            "xllcorner {}\nyllcorner {}",
            self.origin.x - self.cell / 2.0,
            self.origin.y - (self.rows as f64 - 0.5) * self.cell
        );
        let _ = writeln!(s, "cellsize {}\nNODATA_value {}", self.cell, nodata);
        for r in 0..self.rows {
            for c in 0..self.cols {
                let v = values(r, c);
                if c > 0 {
                    s.push(' ');
                }
                if v.is_finite() {
                    let _ = write!(s, "{}", (v * 100.0).round() / 100.0);
                } else {
                    let _ = write!(s, "{nodata}");
                }
            }
            s.push('\n');
        }
        crate::io::write_atomic(path, s.as_bytes())?;
        crate::io::write_atomic(&path.with_extension("prj"), esri_wkt(proj).as_bytes())
    }
}

/// ESRI WKT of the local transverse Mercator (for `.prj` files).
pub fn esri_wkt(proj: &LocalProjection) -> String {
    let c = proj.centre();
    format!(
        "PROJCS[\"borderwatch_local_TM\",GEOGCS[\"GCS_WGS_1984\",DATUM[\"D_WGS_1984\",SPHEROID[\"WGS_1984\",6378137.0,298.257223563]],PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]],PROJECTION[\"Transverse_Mercator\"],PARAMETER[\"False_Easting\",0.0],PARAMETER[\"False_Northing\",0.0],PARAMETER[\"Central_Meridian\",{}],PARAMETER[\"Scale_Factor\",1.0],PARAMETER[\"Latitude_Of_Origin\",{}],UNIT[\"Meter\",1.0]]",
        c.x, c.y
    )
}

/// Build the scenario's terrain grid around its border, or explain why not.
pub fn scenario_terrain(s: &crate::model::Scenario, cell_m: f64, margin_m: f64) -> Result<Terrain> {
    let dem = s.dem.as_ref().ok_or_else(|| {
        Error::Infeasible(format!(
            "{}: the scenario has no DEM (`dem = ...`): line of sight needs one",
            s.path.display()
        ))
    })?;
    let (min, max) = crate::model::bbox(
        s.border
            .iter()
            .flat_map(|b| b.xy.0.iter().copied())
            .chain(s.posts.iter().map(|p| p.xy)),
    )
    .ok_or_else(|| Error::Infeasible("empty scenario".into()))?;
    let bbox = crate::model::expand((min, max), margin_m);
    let bbox = Terrain::clip_to_dem(dem, &s.projection, bbox).ok_or_else(|| {
        Error::Infeasible(format!(
            "the DEM {} does not cover the scenario",
            dem.source
        ))
    })?;
    check_cells(bbox, cell_m)?;
    Ok(Terrain::from_dem(dem, &s.projection, bbox, cell_m))
}

/// The grid of `cell_m` cells over `bbox` within [`crate::limits::MAX_TERRAIN_CELLS`],
/// before it is allocated.
pub fn check_cells(bbox: (Coord, Coord), cell_m: f64) -> Result<()> {
    use crate::limits::{over, MAX_TERRAIN_CELLS, TERRAIN_CELL_BYTES};
    let (w, h) = (bbox.1.x - bbox.0.x, bbox.1.y - bbox.0.y);
    let cells = (w / cell_m + 2.0) * (h / cell_m + 2.0);
    if cells <= MAX_TERRAIN_CELLS {
        return Ok(());
    }
    let fits = ((w * h) / MAX_TERRAIN_CELLS).sqrt().ceil().max(1.0);
    Err(Error::Options(vec![over(
        "cell_m",
        cell_m,
        cells,
        "terrain cells",
        MAX_TERRAIN_CELLS,
        Some(cells * TERRAIN_CELL_BYTES),
        Some(format!("at least {fits} m")),
    )]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn voids_are_filled_from_their_neighbours() {
        let mut t = Terrain::from_fn(Coord { x: 0.0, y: 100.0 }, 10.0, 11, 11, |_| 50.0);
        for r in 3..8 {
            for c in 3..8 {
                t.z[r * 11 + c] = f32::NAN;
            }
        }
        assert_eq!(t.fill_voids(|_| true, 100), 25);
        assert!(t.z.iter().all(|v| (*v - 50.0).abs() < 1e-4));
    }

    #[test]
    fn cells_and_bilinear() {
        let t = Terrain::from_fn(Coord { x: 0.0, y: 1000.0 }, 100.0, 11, 11, |p| {
            p.x + 2.0 * p.y
        });
        assert_eq!(t.cell_of(Coord { x: 0.0, y: 1000.0 }), Some((0, 0)));
        assert_eq!(t.cell_of(Coord { x: 149.0, y: 951.0 }), Some((0, 1)));
        assert_eq!(
            t.cell_of(Coord {
                x: -60.0,
                y: 1000.0
            }),
            None
        );
        let z = t.elevation(Coord { x: 250.0, y: 420.0 }).unwrap();
        assert!((z - (250.0 + 840.0)).abs() < 1e-3);
        // plane z = x + 2y: slope = atan(sqrt(1 + 4))
        let s = t.slope_deg(Coord { x: 500.0, y: 500.0 }).unwrap();
        assert!((s - 5f64.sqrt().atan().to_degrees()).abs() < 1e-6);
    }
}
