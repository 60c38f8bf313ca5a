//! The report's map as inline SVG: the basemap (each State's territory,
//! water, roads, rivers, place names), the border by coverage (gaps by
//! risk) with km marks, official crossings, posts, unwatched route
//! crossings, the worst gaps by rank, a scale bar and north arrow.

use super::{esc, hex};
use crate::assess::Assessment;
use crate::model::{BorderKind, Scenario};
use std::fmt::Write as _;

/// The map as inline SVG: segments coloured covered / gap (by risk), gap
/// ranks, posts, uncovered route crossings.
pub fn map_svg(s: &Scenario, a: &Assessment, width: f64, height: f64) -> String {
    let Some((min, max)) = crate::model::bbox(
        a.segments
            .iter()
            .flat_map(|r| r.segment.xy.iter().copied())
            .chain(s.posts.iter().map(|p| p.xy)),
    ) else {
        return String::new();
    };
    let fit = crate::view::fit((min, max), width, height);
    let px = |p: geo::Coord| crate::view::world_to_px(&fit, p, width, height, 0.0, 0.0);
    let th = a.options.threshold;
    let vi = a.views.len() - 1; // joint
    let mut svg = String::new();
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" style="background:#eceae2;border:1px solid #999">"##
    );
    svg += &basemap_svg(s, &px, fit.metres_per_px, (width, height));
    for r in &a.segments {
        let covered = r.detect[vi].1.both() >= th;
        let pts: Vec<String> = r
            .segment
            .xy
            .iter()
            .map(|c| {
                let (x, y) = px(*c);
                format!("{x:.1},{y:.1}")
            })
            .collect();
        let (colour, w) = if covered {
            (
                match r.segment.kind {
                    BorderKind::Green => "#2e8b57",
                    BorderKind::Blue => "#1f6fd6",
                }
                .to_string(),
                2.5,
            )
        } else {
            // the window's risk ramp: a colour means the same on paper
            (hex(crate::view::risk_colour(r.risk.score)), 5.0)
        };
        let _ = write!(
            svg,
            r#"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="{w}" stroke-linecap="round"><title>{} km {:.2}–{:.2}, risk {:.2}, P24h {:.2}</title></polyline>"#,
            pts.join(" "),
            r.segment.id,
            r.segment.from_km,
            r.segment.to_km,
            r.risk.score,
            r.detect[vi].1.both()
        );
    }
    for rc in &a.route_crossings {
        if rc.detect[vi].1.both() < th {
            let (x, y) = px(rc.xy);
            let _ = write!(
                svg,
                r##"<circle cx="{x:.1}" cy="{y:.1}" r="3" fill="none" stroke="#a00" stroke-width="1.5"><title>{} unwatched crossing at km {:.2}</title></circle>"##,
                rc.route, rc.chainage_km
            );
        }
    }
    for p in &s.posts {
        let (x, y) = px(p.xy);
        let c = s
            .state(&p.state)
            .map(|st| hex(st.colour))
            .unwrap_or_else(|| "#888".into());
        let _ = write!(
            svg,
            r##"<polygon points="{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}" fill="{c}" stroke="#111"/><text x="{:.1}" y="{:.1}" font-size="11">{}</text>"##,
            x,
            y - 7.0,
            x - 6.0,
            y + 4.0,
            x + 6.0,
            y + 4.0,
            x + 8.0,
            y - 6.0,
            esc(p.id.as_str())
        );
    }
    svg += &crossings_svg(s, &px);
    svg += &km_marks_svg(s, &px, fit.metres_per_px);
    svg += &gap_marks_svg(a, &px);
    svg += &scale_bar_svg(&fit, width, height);
    svg.push_str("</svg>");
    svg
}

/// The ten worst gaps of the joint view, numbered by rank at their middle.
fn gap_marks_svg(a: &Assessment, px: &dyn Fn(geo::Coord) -> (f64, f64)) -> String {
    let mut svg = String::new();
    if let Some(v) = a.views.last() {
        for g in v.gaps.iter().take(10) {
            let mid_id = &g.segments[g.segments.len() / 2];
            if let Some(r) = a.segments.iter().find(|r| &r.segment.id == mid_id) {
                let (x, y) = px(r.segment.samples[r.segment.samples.len() / 2]);
                let _ = write!(
                    svg,
                    r##"<circle cx="{x:.1}" cy="{y:.1}" r="9" fill="#fff" stroke="#c00" stroke-width="1.5"/><text x="{x:.1}" y="{:.1}" font-size="11" text-anchor="middle" font-weight="bold" fill="#c00">{}</text>"##,
                    y + 4.0,
                    g.rank
                );
            }
        }
    }
    svg
}

/// A scale bar of a round length (1, 2 or 5 × 10ⁿ km, about a fifth of the
/// width) at the bottom left and a north arrow at the top right.
fn scale_bar_svg(fit: &crate::view::ViewFit, width: f64, height: f64) -> String {
    let mut svg = String::new();
    let km = {
        let raw = fit.metres_per_px * width / 5.0 / 1000.0;
        let p = 10f64.powf(raw.log10().floor());
        [1.0, 2.0, 5.0, 10.0]
            .iter()
            .map(|m| m * p)
            .rfind(|&v| v <= raw)
            .unwrap_or(p)
    };
    let bar = km * 1000.0 / fit.metres_per_px;
    let _ = write!(
        svg,
        r##"<line x1="20" y1="{0:.1}" x2="{1:.1}" y2="{0:.1}" stroke="#111" stroke-width="3"/><text x="20" y="{2:.1}" font-size="12">{3} km</text><text x="{4:.1}" y="28" font-size="16" text-anchor="middle">N ↑</text>"##,
        height - 20.0,
        20.0 + bar,
        height - 28.0,
        km,
        width - 24.0
    );
    svg
}

/// SVG path data of a polygon's rings on screen, points closer than half
/// a pixel to the last kept left out.
fn rings_d(m: &geo::MultiPolygon, px: &dyn Fn(geo::Coord) -> (f64, f64)) -> String {
    let mut d = String::new();
    for p in &m.0 {
        for r in std::iter::once(p.exterior()).chain(p.interiors()) {
            let mut last: Option<(f64, f64)> = None;
            for c in &r.0 {
                let (x, y) = px(*c);
                if last.is_some_and(|(lx, ly)| (x - lx).hypot(y - ly) < 0.5) {
                    continue;
                }
                d.push(if last.is_none() { 'M' } else { 'L' });
                let _ = write!(d, "{x:.1},{y:.1}");
                last = Some((x, y));
            }
            d.push('Z');
        }
    }
    d
}

/// SVG points of a line on screen, points closer than a pixel to the
/// last kept left out (the last always kept).
fn polyline(pts: &[geo::Coord], px: &dyn Fn(geo::Coord) -> (f64, f64)) -> String {
    let mut out: Vec<(f64, f64)> = Vec::new();
    for (i, c) in pts.iter().enumerate() {
        let (x, y) = px(*c);
        let near = out
            .last()
            .is_some_and(|(lx, ly)| (x - lx).hypot(y - ly) < 1.0);
        if near && i + 1 < pts.len() {
            continue;
        }
        out.push((x, y));
    }
    out.iter()
        .map(|(x, y)| format!("{x:.1},{y:.1}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The basemap under the layers: each State's territory in its faded
/// colour, water, roads (minor ones only at large scales), rivers, and
/// place names (largest first, none over another, none over the map's
/// edge).
fn basemap_svg(
    s: &Scenario,
    px: &dyn Fn(geo::Coord) -> (f64, f64),
    metres_per_px: f64,
    (width, height): (f64, f64),
) -> String {
    let b = &s.basemap;
    let mut svg = String::new();
    for t in &b.territories {
        let c = s
            .state(&t.state)
            .map(|st| st.colour)
            .unwrap_or([200, 200, 200]);
        let _ = write!(
            svg,
            r#"<path d="{}" fill="{}" fill-rule="evenodd" stroke="none"><title>{}</title></path>"#,
            rings_d(&t.area, px),
            hex(crate::view::faded(c, 0.86)),
            t.state
        );
    }
    for w in &b.water {
        let _ = write!(
            svg,
            r#"<path d="{}" fill="{}" fill-rule="evenodd"/>"#,
            rings_d(&w.area, px),
            hex(crate::view::WATER)
        );
    }
    for l in &b.lines {
        let colour = if l.class.is_road() {
            crate::view::ROAD
        } else {
            crate::view::RIVER
        };
        let w = match l.class.shown_at(metres_per_px) {
            Some(true) => 1.6,
            Some(false) => 0.9,
            None => continue,
        };
        let _ = write!(
            svg,
            r#"<polyline points="{}" fill="none" stroke="{}" stroke-width="{w}"/>"#,
            polyline(&l.line.0, px),
            hex(colour)
        );
    }
    // place names: a box each (about 6 px a character at 11 px), placed
    // largest first where they overlap nothing placed before
    let mut placed: Vec<[f64; 4]> = Vec::new();
    for p in b.places.iter().filter(|p| p.class.named_at(metres_per_px)) {
        let (x, y) = px(p.at);
        let size = if p.class <= crate::basemap::PlaceClass::Town {
            12.0
        } else {
            10.5
        };
        let w = p.name.chars().count() as f64 * size * 0.55;
        let r = [x + 4.0, y - size, x + 4.0 + w, y + 2.0];
        let inside = r[0] >= 0.0 && r[1] >= 0.0 && r[2] <= width && r[3] <= height;
        let free = !placed
            .iter()
            .any(|q| r[0] < q[2] && q[0] < r[2] && r[1] < q[3] && q[1] < r[3]);
        if !(inside && free) {
            continue;
        }
        placed.push(r);
        let _ = write!(
            svg,
            r##"<circle cx="{x:.1}" cy="{y:.1}" r="2.2" fill="{ink}" stroke="#fff" stroke-width="0.8"/><text x="{:.1}" y="{:.1}" font-size="{size}" fill="{ink}" stroke="#fff" stroke-width="2.5" paint-order="stroke">{}</text>"##,
            x + 4.0,
            y - 2.0,
            esc(&p.name),
            ink = hex(crate::view::PLACE),
        );
    }
    svg
}

/// A map sketch for a unit's orders: the basemap, the border with km
/// marks, the unit's `paths` (metres) and its `marks` (a point and its
/// label: the home post, standby positions), framed on them with 1 km
/// round; a scale bar and north arrow.
pub fn sketch_svg(
    s: &Scenario,
    paths: &[Vec<geo::Coord>],
    marks: &[(geo::Coord, String)],
    width: f64,
    height: f64,
) -> String {
    let pts = paths
        .iter()
        .flatten()
        .copied()
        .chain(marks.iter().map(|m| m.0));
    let Some(bbox) = crate::model::bbox(pts) else {
        return String::new();
    };
    let fit = crate::view::fit(crate::model::expand(bbox, 1000.0), width, height);
    let px = |p: geo::Coord| crate::view::world_to_px(&fit, p, width, height, 0.0, 0.0);
    let mut svg = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" style="background:#eceae2;border:1px solid #999">"##
    );
    svg += &basemap_svg(s, &px, fit.metres_per_px, (width, height));
    for b in &s.border {
        let c = match b.kind {
            BorderKind::Green => crate::view::GREEN_BORDER,
            BorderKind::Blue => crate::view::BLUE_BORDER,
        };
        let _ = write!(
            svg,
            r#"<polyline points="{}" fill="none" stroke="{}" stroke-width="3"/>"#,
            polyline(&b.xy.0, &px),
            hex(c)
        );
    }
    svg += &km_marks_svg(s, &px, fit.metres_per_px);
    for p in paths {
        let _ = write!(
            svg,
            r##"<polyline points="{}" fill="none" stroke="#6a1b9a" stroke-width="2.5" stroke-dasharray="7 3"/>"##,
            polyline(p, &px)
        );
    }
    for (at, label) in marks {
        let (x, y) = px(*at);
        let _ = write!(
            svg,
            r##"<circle cx="{x:.1}" cy="{y:.1}" r="6" fill="#fff" stroke="#111" stroke-width="2"/><text x="{:.1}" y="{:.1}" font-size="12" font-weight="bold" stroke="#fff" stroke-width="3" paint-order="stroke">{}</text>"##,
            x + 9.0,
            y + 4.0,
            esc(label)
        );
    }
    svg += &scale_bar_svg(&fit, width, height);
    svg.push_str("</svg>");
    svg
}

/// Official crossings: yellow squares with their ids.
fn crossings_svg(s: &Scenario, px: &dyn Fn(geo::Coord) -> (f64, f64)) -> String {
    let mut svg = String::new();
    for c in &s.crossings {
        let (x, y) = px(c.xy);
        let _ = write!(
            svg,
            r##"<rect x="{:.1}" y="{:.1}" width="9" height="9" fill="{}" stroke="#111"><title>{} {}</title></rect><text x="{:.1}" y="{:.1}" font-size="10" fill="#5a3c00" stroke="#fff" stroke-width="2.5" paint-order="stroke">{}</text>"##,
            x - 4.5,
            y - 4.5,
            hex(crate::view::CROSSING),
            esc(c.id.as_str()),
            esc(&c.name),
            x + 7.0,
            y + 12.0,
            esc(c.id.as_str())
        );
    }
    svg
}

/// Km marks along the border, about one per 90 px of map.
fn km_marks_svg(s: &Scenario, px: &dyn Fn(geo::Coord) -> (f64, f64), metres_per_px: f64) -> String {
    let mut svg = String::new();
    let idx = crate::index::BorderIndex::of_scenario(s);
    let total = s.border.iter().map(|b| b.to_km).fold(0.0, f64::max);
    let step = crate::view::km_mark_step(metres_per_px, 90.0);
    let mut km = step;
    while km < total {
        if let Some((_, p)) = idx.at_chainage(km) {
            let (x, y) = px(p);
            let _ = write!(
                svg,
                r##"<circle cx="{x:.1}" cy="{y:.1}" r="2.5" fill="#222"/><text x="{:.1}" y="{:.1}" font-size="10" fill="#333" stroke="#fff" stroke-width="2.5" paint-order="stroke">km {km:.0}</text>"##,
                x + 4.0,
                y - 4.0
            );
        }
        km += step;
    }
    svg
}
