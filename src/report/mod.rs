//! Assessment outputs: `segments.csv`, `coverage.geojson`, `gaps.geojson`,
//! a self-contained printable `report.html` (inline SVG map), and the JSON
//! summary. Every file is written atomically.

use crate::assess::{Assessment, SegmentResult};
use crate::error::{Error, Result};
use crate::io::{feature, feature_collection, line_geometry};
use crate::model::Scenario;
use crate::props;
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

pub(crate) mod map;
pub use map::map_svg;

/// Write every output into `dir` as one set ([`crate::io::OutSet`]);
/// returns the paths written.
pub fn write_assessment(s: &Scenario, a: &Assessment, dir: &Path) -> Result<Vec<PathBuf>> {
    let mut set = crate::io::OutSet::new(dir, "assess");
    set.put("segments.csv", segments_csv(s, a)?.into_bytes());
    set.put("coverage.geojson", coverage_geojson(s, a).into_bytes());
    set.put("gaps.geojson", gaps_geojson(s, a).into_bytes());
    set.put("report.html", report_html(s, a).into_bytes());
    set.put(
        "summary.json",
        serde_json::to_string_pretty(&summary_json(a))
            .unwrap()
            .into_bytes(),
    );
    set.commit()
}

fn views(a: &Assessment) -> Vec<String> {
    a.views.iter().map(|v| v.view.clone()).collect()
}

fn posts_seeing(r: &SegmentResult) -> String {
    r.sightings
        .iter()
        .map(|x| x.post.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn segments_csv(_s: &Scenario, a: &Assessment) -> Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut head: Vec<String> = [
        "segment",
        "from_km",
        "to_km",
        "length_km",
        "kind",
        "left",
        "right",
        "elevation_m",
        "slope_deg",
        "risk",
    ]
    .iter()
    .map(|x| x.to_string())
    .collect();
    for v in views(a) {
        head.extend([
            format!("p_day_{v}"),
            format!("p_night_{v}"),
            format!("covered_{v}"),
        ]);
    }
    head.extend(
        [
            "posts_seeing",
            "nearest_post_m",
            "routes",
            "crossings_near",
            "risk_breakdown",
        ]
        .iter()
        .map(|x| x.to_string()),
    );
    if a.patrol.is_some() {
        head.extend(
            [
                "patrolled",
                "patrol_visits",
                "patrol_max_gap_min",
                "patrol_weighted_gap_min",
                "patrol_units",
            ]
            .iter()
            .map(|x| x.to_string()),
        );
    }
    w.write_record(&head)
        .map_err(|e| Error::encode("segments csv", e))?;
    for (i, r) in a.segments.iter().enumerate() {
        let g = &r.segment;
        let mut row = vec![
            g.id.clone(),
            format!("{:.3}", g.from_km),
            format!("{:.3}", g.to_km),
            format!("{:.3}", g.length_km()),
            g.kind.as_str().into(),
            g.left.to_string(),
            g.right.to_string(),
            g.elevation_m.map(|v| format!("{v:.0}")).unwrap_or_default(),
            g.slope_deg.map(|v| format!("{v:.1}")).unwrap_or_default(),
            format!("{:.3}", r.risk.score),
        ];
        for (_, d) in &r.detect {
            row.extend([
                format!("{:.3}", d.day),
                format!("{:.3}", d.night),
                (d.both() >= a.options.threshold).to_string(),
            ]);
        }
        row.push(posts_seeing(r));
        let nearest = r
            .sightings
            .iter()
            .map(|x| x.distance_m)
            .fold(f64::INFINITY, f64::min);
        row.push(if nearest.is_finite() {
            format!("{nearest:.0}")
        } else {
            String::new()
        });
        row.push(g.routes.join(" "));
        row.push(g.crossings_near.join(" "));
        row.push(
            r.risk
                .parts
                .iter()
                .map(|p| format!("{}={}", p.indicator, crate::view::fixed(p.contribution, 2)))
                .collect::<Vec<_>>()
                .join(" "),
        );
        if let Some(sp) = a.patrol.as_ref().and_then(|p| p.per_segment.get(i)) {
            row.extend([
                sp.patrolled.to_string(),
                sp.visits.to_string(),
                format!("{:.1}", sp.max_gap_min),
                format!("{:.1}", sp.weighted_gap_min),
                sp.units.join(" "),
            ]);
        }
        w.write_record(&row)
            .map_err(|e| Error::encode("segments csv", e))?;
    }
    String::from_utf8(
        w.into_inner()
            .map_err(|e| Error::encode("segments csv", e))?,
    )
    .map_err(|e| Error::encode("segments csv", e))
}

pub fn coverage_geojson(_s: &Scenario, a: &Assessment) -> String {
    let feats: Vec<Value> = a
        .segments
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let g = &r.segment;
            let mut p = props! {"segment" => g.id, "from_km" => r3(g.from_km), "to_km" => r3(g.to_km), "kind" => g.kind.as_str(), "risk" => r.risk.score, "posts_seeing" => posts_seeing(r)};
            for (v, d) in &r.detect {
                p.insert(format!("p_day_{v}"), json!(r3(d.day)));
                p.insert(format!("p_night_{v}"), json!(r3(d.night)));
                p.insert(format!("covered_{v}"), json!(d.both() >= a.options.threshold));
            }
            if let Some(sp) = a.patrol.as_ref().and_then(|p| p.per_segment.get(i)) {
                p.insert("patrolled".into(), json!(sp.patrolled));
                p.insert("patrol_visits".into(), json!(sp.visits));
                p.insert("patrol_max_gap_min".into(), json!(sp.max_gap_min));
                p.insert("patrol_weighted_gap_min".into(), json!(sp.weighted_gap_min));
                p.insert("patrol_units".into(), json!(sp.units.join(" ")));
            }
            feature(line_geometry(&g.lonlat), p)
        })
        .collect();
    feature_collection(&feats)
}

/// Segment id → index in the assessment.
fn segment_index(a: &Assessment) -> std::collections::HashMap<&str, usize> {
    a.segments
        .iter()
        .enumerate()
        .map(|(i, r)| (r.segment.id.as_str(), i))
        .collect()
}

/// The segments of a gap, in border order.
fn gap_segments<'a>(
    a: &'a Assessment,
    index: &std::collections::HashMap<&str, usize>,
    ids: &[String],
) -> impl Iterator<Item = &'a crate::assess::SegmentResult> {
    let mut idx: Vec<usize> = ids
        .iter()
        .filter_map(|id| index.get(id.as_str()).copied())
        .collect();
    idx.sort_unstable();
    idx.dedup();
    idx.into_iter().map(move |i| &a.segments[i])
}

fn gap_line(
    a: &Assessment,
    index: &std::collections::HashMap<&str, usize>,
    ids: &[String],
) -> Vec<geo::Coord> {
    let mut out: Vec<geo::Coord> = Vec::new();
    for r in gap_segments(a, index, ids) {
        for c in &r.segment.lonlat {
            if out.last() != Some(c) {
                out.push(*c);
            }
        }
    }
    out
}

pub fn gaps_geojson(_s: &Scenario, a: &Assessment) -> String {
    let mut feats = Vec::new();
    let index = segment_index(a);
    for v in &a.views {
        for g in &v.gaps {
            feats.push(feature(
                line_geometry(&gap_line(a, &index, &g.segments)),
                props! {"view" => v.view, "rank" => g.rank, "from_km" => g.from_km, "to_km" => g.to_km, "length_km" => g.length_km, "risk" => g.risk, "risk_km" => g.risk_km, "kind" => g.kind, "uncovered_routes" => g.uncovered_routes.join(" ")},
            ));
        }
    }
    feature_collection(&feats)
}

/// The `--json` summary.
pub fn summary_json(a: &Assessment) -> Value {
    let joint = a.joint();
    let gaps = |v: &crate::assess::ViewSummary| -> Vec<Value> {
        v.gaps.iter().map(|g| json!({"rank": g.rank, "from_km": g.from_km, "to_km": g.to_km, "length_km": g.length_km, "risk": g.risk, "kind": g.kind})).collect()
    };
    json!({
        "scenario": a.scenario,
        "segments": a.segments.len(),
        "line_of_sight": a.line_of_sight,
        "threshold": a.options.threshold,
        "covered_pct": joint.map(|v| json!(v.covered_pct)),
        "risk_covered_pct": joint.map(|v| v.risk_covered_pct),
        "uncovered_route_crossings": joint.map(|v| v.uncovered_route_crossings),
        "route_crossings": a.route_crossings.len(),
        "gaps": joint.map(gaps),
        "views": a.views.iter().map(|v| json!({
            "view": v.view,
            "covered_pct": v.covered_pct,
            "covered_pct_day": v.covered_pct_day,
            "covered_pct_night": v.covered_pct_night,
            "risk_covered_pct": v.risk_covered_pct,
            "uncovered_route_crossings": v.uncovered_route_crossings,
            "gaps": v.gaps.len(),
        })).collect::<Vec<_>>(),
        "patrol": a.patrol,
        "warnings": a.warnings,
    })
}

fn r3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// A distance for a reader: "340 m" under a kilometre, else "1.2 km".
pub(crate) fn metres(m: f64) -> String {
    if m < 1000.0 {
        format!("{m:.0} m")
    } else {
        format!("{:.1} km", m / 1000.0)
    }
}

/// A leg of a timed path between two times: its length (m) and climb
/// (m up, from the DEM; `None` without one).
pub(crate) fn leg(
    s: &crate::model::Scenario,
    xy: &[geo::Coord],
    times: &[f64],
    from_s: f64,
    to_s: f64,
) -> (f64, Option<f64>) {
    let pts: Vec<geo::Coord> = xy
        .iter()
        .zip(times)
        .filter(|(_, t)| (from_s..=to_s).contains(*t))
        .map(|(c, _)| *c)
        .collect();
    let len = pts
        .windows(2)
        .map(|p| (p[1].x - p[0].x).hypot(p[1].y - p[0].y))
        .sum();
    let climb = s.dem.as_ref().map(|dem| {
        let z: Vec<Option<f64>> = pts
            .iter()
            .map(|c| {
                let ll = s.projection.inverse(*c);
                dem.elevation(ll.x, ll.y)
            })
            .collect();
        z.windows(2)
            .filter_map(|p| Some((p[1]? - p[0]?).max(0.0)))
            .sum()
    });
    (len, climb)
}

/// A leg for a reader: "2.4 km, 310 m up" (the climb with a DEM).
pub(crate) fn leg_words(len: f64, climb: Option<f64>) -> String {
    match climb {
        Some(c) => format!("{}, {:.0} m up", metres(len), c),
        None => metres(len),
    }
}

/// A point's grid references for a printed sheet (UTM, MGRS, then
/// latitude, longitude; only the latter at the poles), lines apart.
pub(crate) fn grid_html(lonlat: geo::Coord) -> String {
    match crate::geom::grid::grid_ref(lonlat) {
        Some(g) => format!(
            "UTM {}<br>MGRS {}<br>{:.5}, {:.5}",
            g.utm, g.mgrs, lonlat.y, lonlat.x
        ),
        None => format!("{:.5}, {:.5}", lonlat.y, lonlat.x),
    }
}

pub(crate) fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

pub(crate) fn hex(c: [u8; 3]) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

fn pct(v: Option<f64>) -> String {
    v.map(|x| format!("{x:.1} %")).unwrap_or_else(|| "—".into())
}

/// A self-contained HTML report an assessor can print.
pub fn report_html(s: &Scenario, a: &Assessment) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Border assessment — {t}</title><style>
body{{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1100px}}
h1{{font-size:22px;margin-bottom:4px}} h2{{font-size:17px;margin-top:28px;border-bottom:1px solid #ccc}}
table{{border-collapse:collapse;font-size:13px;margin:8px 0}} td,th{{border:1px solid #bbb;padding:3px 7px;text-align:right}} th{{background:#eee}}
td.l,th.l{{text-align:left}} .warn{{background:#fff3cd;border:1px solid #e0c36a;padding:8px;margin:8px 0}}
.exercise{{color:#b34700;font-weight:bold}} .legend span{{display:inline-block;width:22px;height:6px;margin:0 6px 2px 14px;vertical-align:middle}}
@media print{{body{{margin:0}} h2{{page-break-after:avoid}} table{{page-break-inside:avoid}}}}
</style></head><body>"#,
        t = esc(&s.title)
    );
    h += &s.marking.html();
    let _ = write!(h, "<h1>Border assessment — {}</h1>", esc(&s.title));
    if s.exercise {
        let _ = write!(
            h,
            r#"<p class="exercise">EXERCISE DATA: posts, units and sensors are invented.</p>"#
        );
    }
    let _ = write!(h, "<p>Scenario <code>{}</code> · {} segments of {:.0} m · detection threshold P ≥ {:.2} · target {:.1} m above ground · line of sight: {}</p>",
        esc(&s.name), a.segments.len(), a.options.segment_m, a.options.threshold, a.options.target_height_m,
        if a.line_of_sight { format!("DEM viewsheds ({:.0} m grid)", a.options.cell_m) } else { "not modelled (no DEM)".into() });
    for w in &a.warnings {
        let _ = write!(h, r#"<div class="warn">⚠ {}</div>"#, esc(w));
    }
    h.push_str(&map_svg(s, a, 1000.0, 640.0));
    let _ = write!(
        h,
        r##"<p class="legend">Both States' posts together:<span style="background:#2e8b57"></span>covered green border<span style="background:#1f6fd6"></span>covered blue border<span style="background:{}"></span>gap, low risk<span style="background:{}"></span>gap, high risk"##,
        hex(crate::view::risk_colour(0.0)),
        hex(crate::view::risk_colour(1.0))
    );
    h.push_str(r##" · numbered circles: gap rank · small red rings: unwatched informal crossings · triangles: posts · yellow squares: official crossings · black dots: km along the border · each State's territory tinted in its colour, with places, roads and water from the scenario's basemap</p>"##);

    h.push_str("<h2>Figures</h2><table><tr><th class=l>posts of</th><th>covered 24 h: green</th><th>blue</th><th>total</th><th>day total</th><th>night total</th><th>risk covered</th><th>unwatched informal crossings</th><th>gaps</th></tr>");
    for v in &a.views {
        let name = if v.is_joint() {
            "both States (joint)".to_string()
        } else {
            s.state(&crate::ids::StateId::new(&v.view))
                .map(|st| format!("{} alone", st.name))
                .unwrap_or(v.view.clone())
        };
        let _ = write!(h, "<tr><td class=l>{}</td><td>{}</td><td>{}</td><td>{:.1} %</td><td>{:.1} %</td><td>{:.1} %</td><td>{:.1} %</td><td>{} of {}</td><td>{}</td></tr>",
            esc(&name), pct(v.covered_pct.green), pct(v.covered_pct.blue), v.covered_pct.total, v.covered_pct_day.total, v.covered_pct_night.total, v.risk_covered_pct, v.uncovered_route_crossings, v.route_crossings, v.gaps.len());
    }
    h.push_str("</table>");
    if let (Some(j), true) = (a.joint(), a.views.len() > 2) {
        let best_alone = a.views[..a.views.len() - 1]
            .iter()
            .map(|v| v.covered_pct.total)
            .fold(0.0, f64::max);
        let _ = write!(h, "<p>Cooperation: with both States' posts together, {:.1} % of the border is watched around the clock, against {:.1} % for the better-covered State alone (ISACS 05.60, 11.5.4).</p>", j.covered_pct.total, best_alone);
    }

    if let Some(p) = &a.patrol {
        let patrolled = p.per_segment.iter().filter(|x| x.patrolled).count();
        let _ = write!(h, "<h2>Patrols ({} plan, {} h)</h2><p>{} of {} segments need patrols and are reached by a unit within its shift; {} are out of every unit's reach. Worst risk-weighted idleness {:.0} min, mean {:.0} min (columns <code>patrol_*</code> of <code>segments.csv</code>).</p>",
            esc(&p.mode), p.hours, patrolled, a.segments.len(), p.unreachable_segments, p.worst_idleness_min, p.mean_idleness_min);
    }
    h += &ranked_gaps_html(a);
    for v in a.views.iter().filter(|v| !v.is_joint()) {
        let _ = write!(h, "<h2>Gaps with {} posts alone, largest risk × km first</h2><table><tr><th>rank</th><th>from km</th><th>to km</th><th>length km</th><th>mean risk</th></tr>", esc(&v.view));
        for g in v.gaps.iter().take(8) {
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{:.2}</td><td>{:.2}</td><td>{:.2}</td><td>{:.2}</td></tr>",
                g.rank, g.from_km, g.to_km, g.length_km, g.risk
            );
        }
        h.push_str("</table>");
    }
    h += &posts_html(s, a);
    h.push_str("<h2>Method</h2><p>Each segment is sampled every ");
    let _ = write!(h, "{:.0} m. A sample is watched by a post when it lies in the post's viewshed (Wang et al. 2000 reference-plane algorithm on the DEM, earth curvature and refraction k = 0.857) and within a sensor's range; detection probability is the sensor's p up to half its range, falling linearly to 0 at its range (ground sensors need no line of sight). Posts are independent: P = 1 − Π(1 − pᵢ). A segment is covered around the clock when both day and night P reach the threshold. Risk (ISACS 05.60, 9.1) is the weighted mean of explicit indicators (informal routes, passability, roads on both sides, official crossings nearby, intelligence, past seizures); weights are in the scenario's <code>[risk]</code> table. Chainage is geodesic (WGS84).</p>", a.options.sample_m);
    h += &s.marking.html();
    h.push_str("</body></html>\n");
    h
}

/// The joint view's ranked gaps (the first 25) with why each is risky.
fn ranked_gaps_html(a: &Assessment) -> String {
    let mut h = String::new();
    if let Some(v) = a.joint() {
        h.push_str("<h2>Gaps with both States' posts, largest risk × km first</h2><table><tr><th>rank</th><th>from km</th><th>to km</th><th>length km</th><th>kind</th><th>mean risk</th><th>risk × km</th><th class=l>unwatched informal routes</th><th class=l>why the risk (highest-risk segment)</th></tr>");
        let index = segment_index(a);
        for g in v.gaps.iter().take(25) {
            let worst = gap_segments(a, &index, &g.segments)
                .max_by(|x, y| x.risk.score.total_cmp(&y.risk.score));
            let why = worst
                .map(|r| {
                    r.risk
                        .parts
                        .iter()
                        .filter(|p| p.contribution > 0.0)
                        .map(|p| format!("{} {:.2} ({})", p.indicator, p.contribution, esc(&p.why)))
                        .collect::<Vec<_>>()
                        .join("; ")
                })
                .unwrap_or_default();
            let _ = write!(h, "<tr><td>{}</td><td>{:.2}</td><td>{:.2}</td><td>{:.2}</td><td class=l>{}</td><td>{:.2}</td><td>{:.3}</td><td class=l>{}</td><td class=l style='font-size:11px'>{}</td></tr>", g.rank, g.from_km, g.to_km, g.length_km, g.kind, g.risk, g.risk_km, esc(&g.uncovered_routes.join(", ")), why);
        }
        if v.gaps.len() > 25 {
            let _ = write!(
                h,
                "<tr><td colspan=9 class=l>… {} more in gaps.geojson</td></tr>",
                v.gaps.len() - 25
            );
        }
        h.push_str("</table>");
    }
    h
}

/// What each post sees: segments and km of border.
fn posts_html(s: &Scenario, a: &Assessment) -> String {
    let mut h = String::new();
    h.push_str("<h2>Posts</h2><table><tr><th class=l>post</th><th class=l>State</th><th>height m</th><th class=l>sensors</th><th>segments seen</th><th>km seen</th></tr>");
    for p in &s.posts {
        let seen: Vec<&SegmentResult> = a
            .segments
            .iter()
            .filter(|r| r.sightings.iter().any(|x| x.post == p.id.as_str()))
            .collect();
        let km: f64 = seen
            .iter()
            .map(|r| {
                r.segment.length_km()
                    * r.sightings
                        .iter()
                        .find(|x| x.post == p.id.as_str())
                        .map(|x| x.seen)
                        .unwrap_or(0.0)
            })
            .sum::<f64>()
            + 0.0; // an empty sum is −0.0, which would print "-0.00"
        let _ = write!(h, "<tr><td class=l>{}</td><td class=l>{}</td><td>{:.1}</td><td class=l>{}</td><td>{}</td><td>{:.2}</td></tr>", esc(p.id.as_str()), p.state, p.height_m, esc(&p.sensors.iter().map(|x| x.as_str()).collect::<Vec<_>>().join(", ")), seen.len(), km);
    }
    h.push_str("</table>");
    h
}
