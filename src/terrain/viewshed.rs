//! Viewshed: which grid cells a target at `target_height` above ground is
//! visible from an observer `observer_height` above ground, within a range,
//! with earth curvature and refraction.
//!
//! Method: the single-scan "reference plane" algorithm of Wang, Robinson &
//! White, *Generating viewsheds without using sightlines*, PE&RS 66(1), 2000,
//! in its "edge" variant (the default of `gdal_viewshed`, which this
//! reproduces cell for cell on the same grid; see
//! `scripts/bench/viewshed-vs-gdal.sh`). Rows are scanned outwards from the
//! observer's row; each cell's horizon height is interpolated on the plane
//! through the observer's eye and the two already-processed neighbours
//! between it and the observer; a cell is visible when its ground plus the
//! target height reaches that horizon, and its own "observable height"
//! (max of ground and horizon) carries the horizon outwards.
//!
//! # Units
//! Metres. Curvature: ground heights drop by `k·d²/D` with `D` the earth's
//! diameter (2 × 6,378,137 m) and `k = 1 − refraction` (default 0.85714,
//! i.e. refraction coefficient 1/7).

use super::Terrain;
use geo::Coord;

/// Earth's diameter used for the curvature drop (WGS84 semi-major × 2).
pub const EARTH_DIAMETER_M: f64 = 2.0 * 6_378_137.0;
/// Curvature coefficient with standard refraction (1 − 1/7).
pub const DEFAULT_CURVATURE: f64 = 0.85714;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ViewshedParams {
    pub observer: Coord,
    pub observer_height_m: f64,
    pub target_height_m: f64,
    pub max_range_m: f64,
    pub curvature: f64,
}

impl ViewshedParams {
    pub fn new(
        observer: Coord,
        observer_height_m: f64,
        target_height_m: f64,
        max_range_m: f64,
    ) -> Self {
        Self {
            observer,
            observer_height_m,
            target_height_m,
            max_range_m,
            curvature: DEFAULT_CURVATURE,
        }
    }
}

/// Why a viewshed cannot be computed.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ViewshedError {
    #[error("the observer at ({x:.0}, {y:.0}) m lies outside the terrain grid (DEM)")]
    ObserverOutside { x: f64, y: f64 },
    #[error("the DEM has no elevation (void) at the observer")]
    ObserverOnVoid,
    #[error("range must be more than 0 m, found {0}")]
    BadRange(f64),
}

/// Cell states.
pub const INVISIBLE: u8 = 0;
pub const VISIBLE: u8 = 1;
pub const OUT_OF_RANGE: u8 = 2;

/// The result on a window of the terrain grid.
#[derive(Clone, Debug)]
pub struct Viewshed {
    /// Window: rows `r0..r0+rows`, cols `c0..c0+cols` of the terrain grid.
    pub r0: usize,
    pub c0: usize,
    pub rows: usize,
    pub cols: usize,
    pub cells: Vec<u8>,
    /// The observer's cell in the terrain grid.
    pub observer_cell: (usize, usize),
}

impl Viewshed {
    /// State of terrain cell (r, c); out of range outside the window.
    pub fn state(&self, r: usize, c: usize) -> u8 {
        if r < self.r0 || c < self.c0 || r >= self.r0 + self.rows || c >= self.c0 + self.cols {
            return OUT_OF_RANGE;
        }
        self.cells[(r - self.r0) * self.cols + (c - self.c0)]
    }

    /// Is a point visible (its cell)?
    pub fn sees(&self, t: &Terrain, p: Coord) -> bool {
        t.cell_of(p)
            .is_some_and(|(r, c)| self.state(r, c) == VISIBLE)
    }

    pub fn visible_count(&self) -> usize {
        self.cells.iter().filter(|&&v| v == VISIBLE).count()
    }
}

/// Horizon height at distance `i` cells along a straight line, from the
/// observable height `za` one cell nearer.
#[inline]
fn along_line(i: i64, za: f64, zo: f64) -> f64 {
    if i == 1 {
        za
    } else {
        (za - zo) / (i - 1) as f64 + za
    }
}

/// Horizon height at (i, j) (i ≤ j, offsets from the observer), on the plane
/// through the eye and the neighbours `za` at (i−1, j−1) and `zb` at (i, j−1).
#[inline]
fn on_edge(i: i64, j: i64, za: f64, zb: f64, zo: f64) -> f64 {
    if i == j {
        along_line(i, za, zo)
    } else {
        ((za - zo) * i as f64 + (zb - zo) * (j - i) as f64) / (j - 1) as f64 + zo
    }
}

/// The observer's cell (column, row: the truncation of its pixel
/// coordinate, as raster tools take it) and its eye height (m).
fn observer(t: &Terrain, p: &ViewshedParams) -> Result<(i64, i64, f64), ViewshedError> {
    let fx = (p.observer.x - (t.origin.x - t.cell / 2.0)) / t.cell;
    let fy = ((t.origin.y + t.cell / 2.0) - p.observer.y) / t.cell;
    if fx < 0.0 || fy < 0.0 || fx >= t.cols as f64 || fy >= t.rows as f64 {
        return Err(ViewshedError::ObserverOutside {
            x: p.observer.x,
            y: p.observer.y,
        });
    }
    let (ox, oy) = (fx as i64, fy as i64);
    let ground = t.at(oy as usize, ox as usize) as f64;
    if !ground.is_finite() {
        return Err(ViewshedError::ObserverOnVoid);
    }
    Ok((ox, oy, ground + p.observer_height_m))
}

/// Visible? then raise the cell to its observable height.
#[inline]
fn settle(z: &mut f64, horizon: f64, tz: f64) -> u8 {
    let v = if *z + tz < horizon {
        INVISIBLE
    } else {
        VISIBLE
    };
    if *z < horizon {
        *z = horizon;
    }
    v
}

/// One row `dy` rows from the observer's (column `x` of the window): each
/// cell's horizon from the row before (`last`, already raised) and its
/// neighbour towards the observer's column, out from that column to each
/// side until the range ends; `this` is raised in place, `out` gets each
/// cell's visibility. `z`: the observer's eye and the target's height.
fn sweep_row(
    this: &mut [f64],
    last: &[f64],
    (x, dy): (usize, i64),
    (zo, tz): (f64, f64),
    out: &mut [u8],
) {
    if !this[x].is_nan() {
        let h = along_line(dy, last[x], zo);
        out[x] = settle(&mut this[x], h, tz);
    }
    // left
    let mut i = x as i64 - 1;
    while i >= 0 {
        let iu = i as usize;
        if this[iu].is_nan() {
            break;
        }
        let dx = x as i64 - i;
        let h = if dx >= dy {
            on_edge(dy, dx, last[iu + 1], this[iu + 1], zo)
        } else {
            on_edge(dx, dy, last[iu + 1], last[iu], zo)
        };
        out[iu] = settle(&mut this[iu], h, tz);
        i -= 1;
    }
    // right
    for iu in x + 1..this.len() {
        if this[iu].is_nan() {
            break;
        }
        let dx = iu as i64 - x as i64;
        let h = if dx >= dy {
            on_edge(dy, dx, last[iu - 1], this[iu - 1], zo)
        } else {
            on_edge(dx, dy, last[iu - 1], last[iu], zo)
        };
        out[iu] = settle(&mut this[iu], h, tz);
    }
}

/// Compute a viewshed.
pub fn viewshed(t: &Terrain, p: &ViewshedParams) -> Result<Viewshed, ViewshedError> {
    if !(p.max_range_m.is_finite() && p.max_range_m > 0.0) {
        return Err(ViewshedError::BadRange(p.max_range_m));
    }
    let (ox, oy, zo) = observer(t, p)?;
    let reach = (p.max_range_m / t.cell).ceil() as i64;
    let c0 = (ox - reach).max(0);
    let c1 = (ox + reach + 1).min(t.cols as i64);
    let r0 = (oy - reach).max(0);
    let r1 = (oy + reach + 1).min(t.rows as i64);
    let (rows, cols) = ((r1 - r0) as usize, (c1 - c0) as usize);
    let mut cells = vec![OUT_OF_RANGE; rows * cols];
    let range2 = p.max_range_m * p.max_range_m;
    let k = p.curvature / EARTH_DIAMETER_M;
    let cell2 = t.cell * t.cell;
    let x = (ox - c0) as usize; // observer column in the window
    let tz = p.target_height_m;

    // Load a row of the window, heights lowered for curvature; `None` marks
    // cells beyond range.
    let load = |row: i64, buf: &mut Vec<f64>| {
        buf.clear();
        let dy = (row - oy) as f64;
        for c in c0..c1 {
            let dx = (c - ox) as f64;
            let d2 = (dx * dx + dy * dy) * cell2;
            let z = t.at(row as usize, c as usize) as f64;
            buf.push(if d2 > range2 { f64::NAN } else { z - k * d2 });
        }
    };
    let mut first = Vec::with_capacity(cols);
    load(oy, &mut first);
    let out_row = |row: i64| -> usize { ((row - r0) as usize) * cols };
    {
        let base = out_row(oy);
        cells[base + x] = VISIBLE;
        if x > 0 {
            cells[base + x - 1] = VISIBLE;
        }
        if x + 1 < cols {
            cells[base + x + 1] = VISIBLE;
        }
        // left, then right, along the observer's row
        let mut i = x as i64 - 2;
        while i >= 0 {
            let iu = i as usize;
            if first[iu].is_nan() {
                break;
            }
            let h = along_line(x as i64 - i, first[iu + 1], zo);
            cells[base + iu] = settle(&mut first[iu], h, tz);
            i -= 1;
        }
        for iu in x + 2..cols {
            if first[iu].is_nan() {
                break;
            }
            let h = along_line(iu as i64 - x as i64, first[iu - 1], zo);
            cells[base + iu] = settle(&mut first[iu], h, tz);
        }
    }
    let mut this = Vec::with_capacity(cols);
    for dir in [-1i64, 1] {
        let mut last = first.clone();
        let mut row = oy + dir;
        while row >= r0 && row < r1 {
            load(row, &mut this);
            let dy = (row - oy).abs();
            let base = out_row(row);
            sweep_row(
                &mut this,
                &last,
                (x, dy),
                (zo, tz),
                &mut cells[base..base + cols],
            );
            std::mem::swap(&mut last, &mut this);
            row += dir;
        }
    }
    Ok(Viewshed {
        r0: r0 as usize,
        c0: c0 as usize,
        rows,
        cols,
        cells,
        observer_cell: (oy as usize, ox as usize),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(f: impl Fn(Coord) -> f64) -> Terrain {
        // 201 × 201 cells of 30 m centred on (0, 0)
        Terrain::from_fn(
            Coord {
                x: -3000.0,
                y: 3000.0,
            },
            30.0,
            201,
            201,
            f,
        )
    }

    #[test]
    fn flat_dem_gives_a_disc() {
        let t = grid(|_| 100.0);
        let mut p = ViewshedParams::new(Coord { x: 0.0, y: 0.0 }, 2.0, 0.0, 1500.0);
        p.curvature = 0.0;
        let v = viewshed(&t, &p).unwrap();
        for r in 0..t.rows {
            for c in 0..t.cols {
                let q = t.centre(r, c);
                let d = q.x.hypot(q.y);
                let s = v.state(r, c);
                if d <= 1500.0 - 1e-6 {
                    assert_eq!(s, VISIBLE, "cell at {d} m");
                } else if d > 1500.0 + 1e-6 {
                    assert_eq!(s, OUT_OF_RANGE, "cell at {d} m");
                }
            }
        }
        let expected = std::f64::consts::PI * 1500.0f64.powi(2) / 900.0;
        assert!((v.visible_count() as f64 - expected).abs() / expected < 0.02);
    }

    #[test]
    fn a_ridge_hides_what_lies_beyond_it() {
        // A 60 m wall running north–south 600 m east of the observer.
        let t = grid(|p| {
            if (p.x - 600.0).abs() < 20.0 {
                160.0
            } else {
                100.0
            }
        });
        let v = viewshed(
            &t,
            &ViewshedParams::new(Coord { x: 0.0, y: 0.0 }, 2.0, 2.0, 2900.0),
        )
        .unwrap();
        let sees = |x: f64, y: f64| v.sees(&t, Coord { x, y });
        assert!(sees(300.0, 0.0) && sees(-1500.0, 0.0) && sees(0.0, 2000.0));
        assert!(sees(600.0, 0.0), "the ridge itself is seen");
        for x in [900.0, 1500.0, 2400.0] {
            for y in [-300.0, 0.0, 300.0] {
                assert!(!sees(x, y), "({x}, {y}) behind the ridge");
            }
        }
    }

    #[test]
    fn curvature_hides_low_targets_far_away() {
        // Flat sea level, eye at 2 m: the horizon is ~5.5 km with refraction.
        let t = Terrain::from_fn(
            Coord {
                x: -12000.0,
                y: 300.0,
            },
            100.0,
            7,
            241,
            |_| 0.0,
        );
        let p = ViewshedParams::new(Coord { x: 0.0, y: 0.0 }, 2.0, 0.0, 11900.0);
        let v = viewshed(&t, &p).unwrap();
        assert!(v.sees(&t, Coord { x: 3000.0, y: 0.0 }));
        assert!(!v.sees(&t, Coord { x: 9000.0, y: 0.0 }));
        // a 20 m mast is seen further
        let v2 = viewshed(
            &t,
            &ViewshedParams {
                target_height_m: 20.0,
                ..p
            },
        )
        .unwrap();
        assert!(v2.sees(&t, Coord { x: 9000.0, y: 0.0 }));
    }

    #[test]
    fn bad_observers_and_ranges_are_errors() {
        let t = grid(|_| 0.0);
        assert_eq!(
            viewshed(
                &t,
                &ViewshedParams::new(Coord { x: 0.0, y: 0.0 }, 2.0, 0.0, 0.0)
            )
            .unwrap_err(),
            ViewshedError::BadRange(0.0)
        );
        assert!(matches!(
            viewshed(
                &t,
                &ViewshedParams::new(Coord { x: 9000.0, y: 0.0 }, 2.0, 0.0, 100.0)
            ),
            Err(ViewshedError::ObserverOutside { .. })
        ));
        let mut t2 = grid(|_| 0.0);
        let (r, c) = t2.cell_of(Coord { x: 0.0, y: 0.0 }).unwrap();
        t2.z[r * t2.cols + c] = f32::NAN;
        assert_eq!(
            viewshed(
                &t2,
                &ViewshedParams::new(Coord { x: 0.0, y: 0.0 }, 2.0, 0.0, 100.0)
            )
            .unwrap_err(),
            ViewshedError::ObserverOnVoid
        );
    }
}
