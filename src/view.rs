//! Pure view maths and map styling shared by the viewer and its tests (no
//! Bevy types): fitting the scenario into a window, world ↔ pixel, colours.

use crate::model::{BorderKind, Scenario};
use geo::Coord;

pub mod cluster;
pub mod frame;

pub use frame::{fit_in, frame_beside, free_areas, PxRect};

/// Width of the viewer's side panel in logical pixels.
pub const PANEL_WIDTH_PX: f64 = 300.0;
/// Height of the viewer's timeline bar along the bottom of the map.
pub const TIMELINE_PX: f64 = 60.0;

/// A 2D view: the world point at the centre of the map area and the scale.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ViewFit {
    pub centre: Coord,
    pub metres_per_px: f64,
}

/// Fit a bounding box (local metres) into a map area of `w`×`h` pixels with
/// a 5 % margin.
pub fn fit(bbox: (Coord, Coord), w: f64, h: f64) -> ViewFit {
    let (min, max) = bbox;
    let (bw, bh) = ((max.x - min.x).max(1.0), (max.y - min.y).max(1.0));
    ViewFit {
        centre: Coord {
            x: (min.x + max.x) / 2.0,
            y: (min.y + max.y) / 2.0,
        },
        metres_per_px: (bw / w.max(1.0)).max(bh / h.max(1.0)) * 1.1,
    }
}

/// The area of the scenario worth framing: the border and what is near it.
pub fn frame_bbox(s: &Scenario) -> Option<(Coord, Coord)> {
    crate::model::bbox(
        s.border
            .iter()
            .flat_map(|b| b.xy.0.iter().copied())
            .chain(s.posts.iter().map(|p| p.xy))
            .chain(s.crossings.iter().map(|c| c.xy)),
    )
}

/// Where a world point lands in a window of `win_w`×`win_h` pixels whose
/// left `panel_px` are covered by the side panel and bottom `bottom_px` by
/// the timeline, and whose map area is centred on `fit.centre` (pixel y
/// grows downwards).
pub fn world_to_px(
    fit: &ViewFit,
    p: Coord,
    win_w: f64,
    win_h: f64,
    panel_px: f64,
    bottom_px: f64,
) -> (f64, f64) {
    let cx = panel_px + (win_w - panel_px) / 2.0;
    let cy = (win_h - bottom_px) / 2.0;
    (
        cx + (p.x - fit.centre.x) / fit.metres_per_px,
        cy - (p.y - fit.centre.y) / fit.metres_per_px,
    )
}

/// `v` to `decimals` places with its sign (+ or -), and no sign on a
/// figure that rounds to zero ("0", never "-0" or "+0").
pub fn signed(v: f64, decimals: usize) -> String {
    let s = format!("{:.*}", decimals, v.abs());
    if s.bytes().all(|b| b == b'0' || b == b'.') {
        s
    } else if v < 0.0 {
        format!("-{s}")
    } else {
        format!("+{s}")
    }
}

/// `v` to `decimals` places, without the sign of a figure that rounds to
/// zero ("0.00", never "-0.00").
pub fn fixed(v: f64, decimals: usize) -> String {
    let s = format!("{:.*}", decimals, v);
    match s.strip_prefix('-') {
        Some(rest) if rest.bytes().all(|b| b == b'0' || b == b'.') => rest.to_string(),
        _ => s,
    }
}

pub const BACKGROUND: [u8; 3] = [236, 234, 226];
pub const GREEN_BORDER: [u8; 3] = [34, 160, 60];
pub const BLUE_BORDER: [u8; 3] = [25, 105, 225];
pub const ROUTE: [u8; 3] = [150, 40, 160];
/// The smuggler's best choice against the interception plan: a double line
/// along its route (near black: no other layer uses it).
pub const BEST_RESPONSE: [u8; 3] = [25, 25, 25];
pub const CROSSING: [u8; 3] = [250, 200, 20];
/// The dark casing round the border line (any colouring reads on it).
pub const CASING: [u8; 3] = [35, 35, 35];

pub fn border_colour(k: BorderKind) -> [u8; 3] {
    match k {
        BorderKind::Green => GREEN_BORDER,
        BorderKind::Blue => BLUE_BORDER,
    }
}

/// Mix a colour with the background (t = 0 colour, 1 background).
pub fn faded(c: [u8; 3], t: f64) -> [u8; 3] {
    let m = |a: u8, b: u8| (a as f64 * (1.0 - t) + b as f64 * t).round() as u8;
    [
        m(c[0], BACKGROUND[0]),
        m(c[1], BACKGROUND[1]),
        m(c[2], BACKGROUND[2]),
    ]
}

/// A colour darkened toward black (t = 1 the colour, 0 black).
pub fn shade(c: [u8; 3], t: f64) -> [u8; 3] {
    c.map(|v| (v as f64 * t.clamp(0.0, 1.0)).round() as u8)
}

/// A unit's patrol path: its State's own colour, full where the State's
/// band and network are faded (and dashed, in the window and on paper).
pub fn patrol_path(state: [u8; 3]) -> [u8; 3] {
    state
}

/// Border colouring by coverage: covered segments.
pub const COVERED: [u8; 3] = [0, 140, 130];
/// Nobody there: a stretch no post watches (coverage), or watch points no
/// unit can reach within a shift (idleness) — dark grey, apart from every
/// ramp.
pub const UNWATCHED: [u8; 3] = [55, 55, 55];
/// Border colouring by coverage: gaps.
pub const GAP: [u8; 3] = UNWATCHED;
/// Watch points no unit can reach within a shift.
pub const UNPATROLLED: [u8; 3] = UNWATCHED;

/// `t` in 0..1 on the part `from..to` of a colour-blind-safe ramp (an end
/// that would vanish on the background, or take another layer's colour,
/// left out).
fn on_ramp(g: colorous::Gradient, t: f64, from: f64, to: f64) -> [u8; 3] {
    let c = g.eval_continuous(from + (to - from) * t.clamp(0.0, 1.0));
    [c.r, c.g, c.b]
}

/// Risk 0..1 as a colour from pale orange to dark brown (ColorBrewer
/// Oranges).
pub fn risk_colour(t: f64) -> [u8; 3] {
    on_ramp(colorous::ORANGES, t, 0.35, 1.0)
}

/// Patrol idleness 0..1 (a day) from pale pink, visited often, to dark
/// purple, once a day (ColorBrewer RdPu).
pub fn idleness_colour(t: f64) -> [u8; 3] {
    on_ramp(colorous::RED_PURPLE, t, 0.35, 1.0)
}

/// Ring around the post selected in the editor.
pub const SELECTED: [u8; 3] = [0, 190, 255];
/// Highest P(intercept) on the route colour scale (0.3 and above: olive).
pub const INTERCEPT_FULL: f64 = 0.3;

/// A route's P(intercept) as a colour on cividis (colour-blind-safe):
/// dark blue (never intercepted) through grey to olive (≥
/// [`INTERCEPT_FULL`]); its yellow end (the crossings') left out.
pub fn intercept_colour(p: f64) -> [u8; 3] {
    on_ramp(colorous::CIVIDIS, p / INTERCEPT_FULL, 0.0, 0.85)
}

/// Groups on the move, not yet detected.
pub const GROUP: [u8; 3] = [60, 20, 20];
/// Groups detected and tracked.
pub const TRACKED: [u8; 3] = [240, 110, 0];
/// Interception markers.
pub const INTERCEPT: [u8; 3] = [230, 0, 200];

/// Hillshade of a terrain grid (Horn's slope and aspect; light from the
/// north-west, 45° up): 0 (in shadow) … 1 (facing the light) per cell, NaN
/// where the elevation is unknown.
pub fn hillshade(t: &crate::terrain::Terrain) -> Vec<f32> {
    let (rows, cols) = (t.rows, t.cols);
    let z = |r: isize, c: isize| -> f32 {
        let r = r.clamp(0, rows as isize - 1) as usize;
        let c = c.clamp(0, cols as isize - 1) as usize;
        t.z[r * cols + c]
    };
    let (az, alt) = (315f32.to_radians(), 45f32.to_radians());
    let cell = t.cell as f32;
    let mut out = Vec::with_capacity(rows * cols);
    for r in 0..rows as isize {
        for c in 0..cols as isize {
            if z(r, c).is_nan() {
                out.push(f32::NAN);
                continue;
            }
            let v = |dr: isize, dc: isize| {
                let x = z(r + dr, c + dc);
                if x.is_nan() {
                    z(r, c)
                } else {
                    x
                }
            };
            // rows run south, columns east
            let dzdx = ((v(-1, 1) + 2.0 * v(0, 1) + v(1, 1))
                - (v(-1, -1) + 2.0 * v(0, -1) + v(1, -1)))
                / (8.0 * cell);
            let dzdy = ((v(-1, -1) + 2.0 * v(-1, 0) + v(-1, 1))
                - (v(1, -1) + 2.0 * v(1, 0) + v(1, 1)))
                / (8.0 * cell);
            let slope = dzdx.hypot(dzdy).atan();
            // direction the slope faces, clockwise from north
            let aspect = (-dzdx).atan2(-dzdy);
            let shade = alt.sin() * slope.cos() + alt.cos() * slope.sin() * (az - aspect).cos();
            out.push(shade.clamp(0.0, 1.0));
        }
    }
    out
}

/// Water bodies on the basemap.
pub const WATER: [u8; 3] = [168, 204, 232];
/// Rivers and canals of the basemap: lighter and thinner than a blue
/// border.
pub const RIVER: [u8; 3] = [95, 155, 215];
/// Roads of the basemap (by class, widths apart).
pub const ROAD: [u8; 3] = [120, 110, 100];
/// Places' names.
pub const PLACE: [u8; 3] = [55, 45, 40];

/// Which polygon holds each cell centre of a grid (row-major, the grid's
/// origin its top-left cell centre): `k + 1` for `polys[k]` (a later one
/// over an earlier), 0 for none. A scanline fill (even-odd per polygon),
/// so a million cells cost one pass over the edges per row.
pub fn fill_index(t: &crate::terrain::Terrain, polys: &[&geo::MultiPolygon]) -> Vec<u16> {
    let mut out = vec![0u16; t.rows * t.cols];
    let mut xs: Vec<f64> = Vec::new();
    // (the index is a u16: polygons past 65,534 are left undrawn)
    for (k, mp) in polys.iter().take(u16::MAX as usize - 1).enumerate() {
        let edges: Vec<(Coord, Coord)> =
            mp.0.iter()
                .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
                .flat_map(|r| r.0.windows(2).map(|w| (w[0], w[1])))
                .collect();
        let Some(b) = geo::BoundingRect::bounding_rect(*mp) else {
            continue;
        };
        let r0 = (((t.origin.y - b.max().y) / t.cell).floor().max(0.0)) as usize;
        let r1 = ((((t.origin.y - b.min().y) / t.cell).ceil()) as usize + 1).min(t.rows);
        for r in r0..r1 {
            let y = t.origin.y - r as f64 * t.cell;
            xs.clear();
            for (a, b) in &edges {
                if (a.y > y) != (b.y > y) {
                    xs.push(a.x + (y - a.y) / (b.y - a.y) * (b.x - a.x));
                }
            }
            xs.sort_by(f64::total_cmp);
            for span in xs.chunks_exact(2) {
                let c0 = ((span[0] - t.origin.x) / t.cell).ceil().max(0.0) as usize;
                let c1 = (((span[1] - t.origin.x) / t.cell).floor() + 1.0).clamp(0.0, t.cols as f64)
                    as usize;
                for c in c0..c1.max(c0) {
                    out[r * t.cols + c] = k as u16 + 1;
                }
            }
        }
    }
    out
}

/// The basemap under the layers as RGBA: the background shaded by the
/// hillshade (where known), tinted in the colour of the State each cell
/// lies in (`side`: index into `colours`, by cell index and centre), water
/// (`water[i]`, when given) over it.
pub fn basemap_rgba(
    t: &crate::terrain::Terrain,
    shade: &[f32],
    side: impl Fn(usize, Coord) -> Option<usize>,
    colours: &[[u8; 3]],
    water: &[bool],
) -> Vec<u8> {
    let mut out = Vec::with_capacity(t.rows * t.cols * 4);
    for r in 0..t.rows {
        for c in 0..t.cols {
            let p = Coord {
                x: t.origin.x + c as f64 * t.cell,
                y: t.origin.y - r as f64 * t.cell,
            };
            let i = r * t.cols + c;
            let base = match side(i, p).and_then(|i| colours.get(i)) {
                _ if water.get(i) == Some(&true) => WATER,
                Some(col) => faded(*col, 0.86),
                None => BACKGROUND,
            };
            let k = match shade.get(r * t.cols + c) {
                Some(x) if x.is_finite() => 0.62 + 0.45 * *x as f64,
                _ => 1.0,
            };
            for ch in base {
                out.push((ch as f64 * k).round().clamp(0.0, 255.0) as u8);
            }
            out.push(255);
        }
    }
    out
}

/// A scale bar about `target_px` long: (metres, pixels) with metres a
/// round 1, 2 or 5 × 10^k.
pub fn scale_bar(metres_per_px: f64, target_px: f64) -> (f64, f64) {
    let want = metres_per_px * target_px;
    let k = 10f64.powf(want.log10().floor());
    let m = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|f| f * k)
        .filter(|m| *m <= want)
        .fold(k, f64::max);
    (m, m / metres_per_px)
}

/// "500 m", "2 km".
pub fn distance_label(m: f64) -> String {
    if m >= 1000.0 {
        format!("{} km", m / 1000.0)
    } else {
        format!("{m} m")
    }
}

/// Spacing of the km marks along the border for a zoom: about one mark
/// per `min_px` pixels, a round 1, 2 or 5 × 10^k km.
pub fn km_mark_step(metres_per_px: f64, min_px: f64) -> f64 {
    let want_km = metres_per_px * min_px / 1000.0;
    let k = 10f64.powf(want_km.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|f| f * k)
        .find(|s| *s >= want_km)
        .unwrap_or(10.0 * k)
        .max(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slope_grid(dzdx: f32, dzdy: f32) -> crate::terrain::Terrain {
        let (rows, cols) = (5, 5);
        let mut z = Vec::new();
        for r in 0..rows {
            for c in 0..cols {
                // y runs north as r decreases
                z.push(1000.0 + dzdx * 30.0 * c as f32 + dzdy * 30.0 * -(r as f32));
            }
        }
        crate::terrain::Terrain {
            origin: Coord { x: 0.0, y: 0.0 },
            cell: 30.0,
            rows,
            cols,
            z,
        }
    }

    #[test]
    fn hillshade_lights_slopes_facing_north_west() {
        let flat = hillshade(&slope_grid(0.0, 0.0))[12];
        assert!((flat - 45f32.to_radians().sin()).abs() < 1e-6);
        // rising to the south-east: the slope faces north-west, the light
        let nw = hillshade(&slope_grid(0.5, -0.5))[12];
        // rising to the north-west: faces south-east, away from the light
        let se = hillshade(&slope_grid(-0.5, 0.5))[12];
        assert!(nw > flat && flat > se, "{nw} {flat} {se}");
        let mut t = slope_grid(0.0, 0.0);
        t.z[12] = f32::NAN;
        assert!(hillshade(&t)[12].is_nan());
    }

    #[test]
    fn basemap_tints_each_side_and_shades() {
        let t = slope_grid(0.5, -0.5);
        let shade = hillshade(&t);
        let rgba = basemap_rgba(
            &t,
            &shade,
            |_, p| Some(if p.x < 60.0 { 0 } else { 1 }),
            &[[0, 0, 255], [255, 0, 0]],
            &[],
        );
        assert_eq!(rgba.len(), 25 * 4);
        let px = |i: usize| [rgba[i * 4], rgba[i * 4 + 1], rgba[i * 4 + 2]];
        // west columns lean blue, east columns red
        assert!(px(10)[2] > px(10)[0], "{:?}", px(10));
        assert!(px(14)[0] > px(14)[2], "{:?}", px(14));
        // no side, no shade: the background
        let plain = basemap_rgba(&t, &[], |_, _| None, &[], &[]);
        assert_eq!([plain[0], plain[1], plain[2]], BACKGROUND);
        let mut water = vec![false; 25];
        water[12] = true;
        let wet = basemap_rgba(&t, &[], |_, _| Some(0), &[[0, 0, 255]], &water);
        assert_eq!([wet[48], wet[49], wet[50]], WATER);
        assert_ne!([wet[0], wet[1], wet[2]], WATER);
    }

    #[test]
    fn a_polygon_fills_the_cells_whose_centres_it_holds() {
        // 10 × 10 cells of 10 m, origin (cell centre) at (5, 95)
        let t = crate::terrain::Terrain {
            origin: Coord { x: 5.0, y: 95.0 },
            cell: 10.0,
            rows: 10,
            cols: 10,
            z: vec![0.0; 100],
        };
        let square = |x0: f64, y0: f64, d: f64| {
            geo::MultiPolygon::new(vec![geo::Polygon::new(
                geo::LineString::from(vec![
                    (x0, y0),
                    (x0 + d, y0),
                    (x0 + d, y0 + d),
                    (x0, y0 + d),
                    (x0, y0),
                ]),
                vec![],
            )])
        };
        let (a, b) = (square(0.0, 0.0, 50.0), square(40.0, 40.0, 60.0));
        let idx = fill_index(&t, &[&a, &b]);
        assert_eq!(
            idx.iter().filter(|&&k| k == 1).count(),
            25 - 1,
            "the later polygon over the earlier"
        );
        assert_eq!(idx.iter().filter(|&&k| k == 2).count(), 36);
        assert_eq!(idx[9 * 10], 1, "bottom-left cell centre (5, 5)");
        assert_eq!(idx[0], 0, "top-left cell centre (5, 95)");
        // a hole is left out
        let holed = geo::MultiPolygon::new(vec![geo::Polygon::new(
            geo::LineString::from(vec![
                (0.0, 0.0),
                (100.0, 0.0),
                (100.0, 100.0),
                (0.0, 100.0),
                (0.0, 0.0),
            ]),
            vec![geo::LineString::from(vec![
                (30.0, 30.0),
                (70.0, 30.0),
                (70.0, 70.0),
                (30.0, 70.0),
                (30.0, 30.0),
            ])],
        )]);
        let idx = fill_index(&t, &[&holed]);
        assert_eq!(idx.iter().filter(|&&k| k == 1).count(), 100 - 16);
    }

    #[test]
    fn scale_bars_and_km_marks_are_round() {
        assert_eq!(scale_bar(10.0, 120.0), (1000.0, 100.0));
        assert_eq!(scale_bar(3.0, 120.0), (200.0, 200.0 / 3.0));
        assert_eq!(distance_label(2000.0), "2 km");
        assert_eq!(distance_label(500.0), "500 m");
        assert_eq!(km_mark_step(50.0, 80.0), 5.0);
        assert_eq!(km_mark_step(5.0, 80.0), 1.0);
        assert_eq!(km_mark_step(2000.0, 80.0), 200.0);
    }

    #[test]
    fn figures_never_show_a_negative_zero() {
        assert_eq!(fixed(-0.001, 2), "0.00");
        assert_eq!(fixed(-0.0, 1), "0.0");
        assert_eq!(fixed(-0.006, 2), "-0.01");
        assert_eq!(fixed(2.5, 0), "2");
        assert_eq!(signed(-0.2, 0), "0");
        assert_eq!(signed(0.0, 3), "0.000");
        assert_eq!(signed(-0.002, 3), "-0.002");
        assert_eq!(signed(12.4, 0), "+12");
    }

    #[test]
    fn each_quantity_has_its_own_ramp_dark_for_the_worst() {
        let luma = |c: [u8; 3]| 0.299 * c[0] as f64 + 0.587 * c[1] as f64 + 0.114 * c[2] as f64;
        let ts: Vec<f64> = (0..=10).map(|i| i as f64 / 10.0).collect();
        // risk and idleness darken as they grow; P(intercept) lightens
        for w in ts.windows(2) {
            assert!(luma(risk_colour(w[1])) < luma(risk_colour(w[0])));
            assert!(luma(idleness_colour(w[1])) < luma(idleness_colour(w[0])));
            let (a, b) = (w[0] * INTERCEPT_FULL, w[1] * INTERCEPT_FULL);
            assert!(luma(intercept_colour(b)) > luma(intercept_colour(a)));
        }
        assert_eq!(intercept_colour(1.0), intercept_colour(INTERCEPT_FULL));
        // no colour of one ramp is another's, nor a gap's or a crossing's
        let far = |a: [u8; 3], b: [u8; 3]| {
            let d: i32 = (0..3).map(|i| (a[i] as i32 - b[i] as i32).abs()).sum();
            d > 60
        };
        for t in &ts {
            let r = risk_colour(*t);
            let i = idleness_colour(*t);
            let p = intercept_colour(t * INTERCEPT_FULL);
            for (a, b) in [(r, i), (r, p), (i, p)] {
                assert!(far(a, b), "{a:?} {b:?} at {t}");
            }
            for c in [r, i, p] {
                assert!(far(c, GAP) && far(c, COVERED) && far(c, CROSSING), "{c:?}");
            }
        }
    }

    #[test]
    fn fit_centres_and_scales() {
        let f = fit(
            (
                Coord { x: 0.0, y: 0.0 },
                Coord {
                    x: 1000.0,
                    y: 500.0,
                },
            ),
            100.0,
            100.0,
        );
        assert_eq!(f.centre, Coord { x: 500.0, y: 250.0 });
        assert!((f.metres_per_px - 11.0).abs() < 1e-9);
        let (x, y) = world_to_px(&f, Coord { x: 500.0, y: 250.0 }, 400.0, 100.0, 300.0, 0.0);
        assert_eq!((x, y), (350.0, 50.0));
        let (_, y) = world_to_px(&f, Coord { x: 500.0, y: 360.0 }, 400.0, 100.0, 300.0, 0.0);
        assert!((y - 40.0).abs() < 1e-9, "north is up");
    }
}
