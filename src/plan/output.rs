//! Plan outputs: `plan.geojson`, `plan.json`, `idleness.csv`, one GPX and one
//! printable order (HTML) per unit, and the `--json` summary.

use super::solve::PlanResult;
use super::{Eval, Plan, PlanMode, Planner};
use crate::error::Result;
use crate::formats::plan_json::{self, PlanJson, UnitPlan, Visit};
use crate::props;
use crate::report::esc;
use geo::Coord;
use petgraph::graph::NodeIndex;
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// A unit's path in lon/lat with the time of each vertex (seconds from the
/// plan's start, non-decreasing); repeated (node, time) pairs dropped.
pub fn unit_path(pl: &Planner, plan: &Plan, k: usize) -> (Vec<Coord>, Vec<f64>) {
    let tr = &plan.tracks[k];
    let mut ll = Vec::with_capacity(tr.points.len());
    let mut ts = Vec::with_capacity(tr.points.len());
    let mut prev: Option<(NodeIndex, f64)> = None;
    for &(n, t) in &tr.points {
        if prev.is_some_and(|p| p.0 == n && (p.1 - t).abs() < 1e-9) {
            continue;
        }
        prev = Some((n, t));
        ll.push(pl.s.projection.inverse(pl.node_xy(plan.units[k], n)));
        ts.push(t);
    }
    (ll, ts)
}

fn t1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// "d1 06:30" style clock (days from 1), or an absolute time with `start`.
pub fn clock(t: f64, start: Option<time::OffsetDateTime>) -> String {
    if let Some(s) = start {
        // to the nearest minute, as without a start
        let at = s + time::Duration::seconds_f64((t / 60.0).round() * 60.0);
        return format!(
            "{:04}-{:02}-{:02} {:02}:{:02} UTC",
            at.year(),
            at.month() as u8,
            at.day(),
            at.hour(),
            at.minute()
        );
    }
    let m = (t / 60.0).round() as i64;
    format!("day {} {:02}:{:02}", m / 1440 + 1, (m % 1440) / 60, m % 60)
}

struct UnitInfo<'a> {
    unit: &'a crate::model::Unit,
    state: String,
}

fn unit_info<'a>(pl: &'a Planner, plan: &Plan, k: usize) -> UnitInfo<'a> {
    let u = &pl.s.units[pl.unit_index(plan.units[k])];
    UnitInfo {
        unit: u,
        state: u.state.to_string(),
    }
}

/// `plan.geojson`: one Feature per unit.
pub fn plan_geojson(pl: &Planner, r: &PlanResult) -> String {
    let feats: Vec<Value> = (0..r.plan.tracks.len())
        .map(|k| {
            let (ll, ts) = unit_path(pl, &r.plan, k);
            let ui = unit_info(pl, &r.plan, k);
            let shifts: Vec<Value> = r.plan.tracks[k]
                .shifts
                .iter()
                .map(|s| json!([t1(s.0), t1(s.1)]))
                .collect();
            crate::io::feature(
                crate::io::line_geometry(&ll),
                props! {
                    "unit" => ui.unit.id.to_string(),
                    "name" => ui.unit.name,
                    "state" => ui.state,
                    "mode" => pl.o.mode.as_str(),
                    "unit_mode" => ui.unit.mode.as_str(),
                    "home_post" => ui.unit.home_post.to_string(),
                    "shifts_s" => shifts,
                    "times_s" => ts.iter().map(|t| t1(*t)).collect::<Vec<_>>(),
                },
            )
        })
        .collect();
    crate::io::feature_collection(&feats)
}

fn eval_json(e: &Eval) -> Value {
    json!({
        "worst_idleness_min": e.worst_idleness_min,
        "mean_idleness_min": e.mean_idleness_min,
        "worst_unweighted_idleness_min": e.worst_unweighted_idleness_min,
        "watch_points": e.watch_points,
        "unvisited": e.unvisited,
    })
}

fn ratio(a: f64, b: f64) -> Option<f64> {
    (b > 0.0).then(|| (a / b * 1000.0).round() / 1000.0)
}

/// The `--json` summary (also the `metrics` of `plan.json`).
pub fn summary_json(pl: &Planner, r: &PlanResult) -> Value {
    let e = &r.eval;
    let per_state: serde_json::Map<String, Value> = r
        .per_state
        .iter()
        .map(|f| {
            (
                f.state.clone(),
                json!({
                    "units": f.units,
                    "worst_idleness_min": f.eval.worst_idleness_min,
                    "mean_idleness_min": f.eval.mean_idleness_min,
                    "worst_unweighted_idleness_min": f.eval.worst_unweighted_idleness_min,
                    "watch_points": f.eval.watch_points,
                    "unvisited": f.eval.unvisited,
                    "baseline_worst_idleness_min": f.baseline_worst_idleness_min,
                    "lower_bound_worst_idleness_min": f.lower_bound_worst_idleness_min,
                }),
            )
        })
        .collect();
    let unreachable: Vec<&str> = pl
        .points
        .iter()
        .enumerate()
        .filter(|(p, w)| !r.counted[*p] && w.weight[pl.joint_view()] > 0.0)
        .map(|(_, w)| w.id.as_str())
        .collect();
    let mix: Vec<&super::solve::VariantInfo> = r.variants.iter().filter(|v| v.in_mix).collect();
    let mean_loss = mix.iter().map(|v| v.loss_pct).sum::<f64>() / mix.len().max(1) as f64;
    json!({
        "scenario": pl.s.name,
        "scenario_fingerprint": crate::scenario::fingerprint(pl.s),
        "mode": pl.o.mode.as_str(),
        "hours": pl.o.hours,
        "seed": pl.o.seed,
        "units": r.plan.tracks.len(),
        "cyclic": pl.cyclic,
        "terrain": crate::assess::terrain(&pl.o.assess),
        "worst_idleness_min": e.worst_idleness_min,
        "mean_idleness_min": e.mean_idleness_min,
        "worst_unweighted_idleness_min": e.worst_unweighted_idleness_min,
        "watch_points": e.watch_points,
        "unvisited": e.unvisited,
        "unreachable_watch_points": unreachable,
        "best_worst_idleness_min": r.best_eval.worst_idleness_min,
        "baseline_worst_idleness_min": r.baseline_eval.worst_idleness_min,
        "baseline_mean_idleness_min": r.baseline_eval.mean_idleness_min,
        "lower_bound_worst_idleness_min": r.lower_bound_min,
        "ratio_to_baseline": ratio(e.worst_idleness_min, r.baseline_eval.worst_idleness_min),
        "ratio_to_lower_bound": ratio(e.worst_idleness_min, r.lower_bound_min),
        "independent": r.independent_eval.as_ref().map(eval_json),
        "joint_gain_worst_idleness_min": r.independent_eval.as_ref().map(|i| ((i.worst_idleness_min - e.worst_idleness_min) * 10.0).round() / 10.0),
        "per_state": per_state,
        "mixed_strategy": {
            "variants": r.variants,
            "in_mix": mix.len(),
            "max_loss_pct": pl.o.max_loss * 100.0,
            "mean_loss_pct": (mean_loss * 10.0).round() / 10.0,
            "issued_loss_pct": if r.best_eval.worst_idleness_min > 0.0 { ((e.worst_idleness_min / r.best_eval.worst_idleness_min - 1.0) * 1000.0).round() / 10.0 } else { 0.0 },
            "unpredictability": r.unpredictability,
        },
        "exact_check": r.exact,
        "warnings": pl.warnings,
    })
}

/// `plan.json`: the summary, the watch points and each unit's schedule.
pub fn plan_json(pl: &Planner, r: &PlanResult) -> PlanJson {
    let units = (0..r.plan.tracks.len())
        .map(|k| {
            let (ll, ts) = unit_path(pl, &r.plan, k);
            let ui = unit_info(pl, &r.plan, k);
            let tr = &r.plan.tracks[k];
            UnitPlan {
                unit: ui.unit.id.to_string(),
                name: ui.unit.name.clone(),
                state: ui.state.to_string(),
                unit_mode: ui.unit.mode.as_str().into(),
                home_post: ui.unit.home_post.to_string(),
                shift_hours: ui.unit.shift_hours,
                shifts_s: tr.shifts.iter().map(|s| [t1(s.0), t1(s.1)]).collect(),
                visits: Some(
                    tr.visits
                        .iter()
                        .map(|&(p, t)| Visit {
                            watch_point: pl.points[p].id.clone(),
                            t_s: t1(t),
                        })
                        .collect(),
                ),
                duties: None,
                path: ll
                    .iter()
                    .zip(&ts)
                    .map(|(c, t)| [crate::io::round7(c.x), crate::io::round7(c.y), t1(*t)])
                    .collect(),
            }
        })
        .collect();
    PlanJson {
        borderwatch_plan: plan_json::VERSION,
        objective: None,
        metrics: serde_json::from_value(summary_json(pl, r)).expect("the summary has the header"),
        options: Some(serde_json::to_value(&pl.o).expect("json")),
        watch_points: Some(serde_json::to_value(&pl.points).expect("json")),
        units,
        draws: None,
        schedules: None,
        mix: None,
    }
}

/// `idleness.csv`: one row per watch point.
pub fn idleness_csv(pl: &Planner, r: &PlanResult) -> Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let jv = pl.joint_view();
    let mut head = vec![
        "watch_point",
        "from_km",
        "to_km",
        "kind",
        "lon",
        "lat",
        "risk",
        "post_p",
        "weight",
        "counted",
        "visits",
        "max_gap_min",
        "mean_idleness_min",
        "weighted_max_gap_min",
        "baseline_max_gap_min",
    ]
    .into_iter()
    .map(String::from)
    .collect::<Vec<_>>();
    head.push("visited_by".into());
    let err = |e: csv::Error| crate::error::Error::encode("idleness.csv", e);
    w.write_record(&head).map_err(err)?;
    let visitors = pl.visitors(&r.plan);
    for (p, wp) in pl.points.iter().enumerate() {
        let e = &r.eval.per_point[p];
        let b = &r.baseline_eval.per_point[p];
        let by = &visitors[p];
        w.write_record([
            wp.id.clone(),
            format!("{:.3}", wp.from_km),
            format!("{:.3}", wp.to_km),
            wp.kind.clone(),
            format!("{:.7}", wp.lonlat[0]),
            format!("{:.7}", wp.lonlat[1]),
            format!("{:.3}", wp.risk),
            format!("{:.3}", wp.post_p[jv]),
            format!("{:.3}", wp.weight[jv]),
            (if e.counted { "yes" } else { "no" }).into(),
            e.visits.to_string(),
            format!("{:.1}", e.max_gap_s / 60.0),
            format!("{:.1}", e.mean_idle_s / 60.0),
            format!("{:.1}", e.weight_norm * e.max_gap_s / 60.0),
            format!("{:.1}", b.max_gap_s / 60.0),
            by.join(" "),
        ])
        .map_err(err)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| crate::error::Error::encode("idleness.csv", e))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// One unit's GPX: a track with the path (times when `start` is known) and
/// the watch points to visit as waypoints named with their time.
pub fn unit_gpx(
    pl: &Planner,
    r: &PlanResult,
    k: usize,
    start: Option<time::OffsetDateTime>,
) -> Result<Vec<u8>> {
    let (ll, ts) = unit_path(pl, &r.plan, k);
    let ui = unit_info(pl, &r.plan, k);
    let wp = |c: Coord, t: f64| {
        let mut w = gpx::Waypoint::new(geo::Point::new(c.x, c.y));
        if let Some(s) = start {
            w.time = Some((s + time::Duration::seconds_f64(t)).into());
        }
        w
    };
    let mut seg = gpx::TrackSegment::new();
    seg.points = ll.iter().zip(&ts).map(|(c, t)| wp(*c, *t)).collect();
    let mut track = gpx::Track::new();
    track.name = Some(format!("{} {}", ui.unit.id, ui.unit.name));
    track.description = Some(format!(
        "{} patrol plan ({}), home post {}",
        ui.state,
        pl.o.mode.as_str(),
        ui.unit.home_post
    ));
    track.segments.push(seg);
    let waypoints: Vec<gpx::Waypoint> = r.plan.tracks[k]
        .visits
        .iter()
        .map(|&(p, t)| {
            let w0 = &pl.points[p];
            let mut w = wp(
                Coord {
                    x: w0.lonlat[0],
                    y: w0.lonlat[1],
                },
                t,
            );
            w.name = Some(format!("{} {}", w0.id, clock(t, start)));
            w.description = Some(format!("border km {:.2}", (w0.from_km + w0.to_km) / 2.0));
            w
        })
        .collect();
    gpx_bytes(track, waypoints, ui.unit.id.as_str())
}

/// A GPX 1.1 file of one unit's track and waypoints.
pub fn gpx_bytes(track: gpx::Track, waypoints: Vec<gpx::Waypoint>, unit: &str) -> Result<Vec<u8>> {
    let g = gpx::Gpx {
        version: gpx::GpxVersion::Gpx11,
        creator: Some("borderwatch".into()),
        tracks: vec![track],
        waypoints,
        ..Default::default()
    };
    let mut out = Vec::new();
    gpx::write(&g, &mut out)
        .map_err(|e| crate::error::Error::encode(format!("GPX of {unit}"), e))?;
    Ok(out)
}

/// The style sheet of every unit's printable orders.
pub const ORDERS_STYLE: &str = "body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:800px}
h1{font-size:21px;margin-bottom:2px} h2{font-size:16px;margin-top:22px;border-bottom:1px solid #ccc}
table{border-collapse:collapse;font-size:13px;margin:6px 0;width:100%} td,th{border:1px solid #bbb;padding:3px 7px;text-align:left} th{background:#eee}
.exercise{color:#b34700;font-weight:bold} .muted{color:#666}
@media print{body{margin:0} h2{page-break-after:avoid} table{page-break-inside:avoid}}
";

/// Printable patrol orders for one unit.
pub fn orders_html(
    pl: &Planner,
    r: &PlanResult,
    k: usize,
    start: Option<time::OffsetDateTime>,
) -> String {
    let ui = unit_info(pl, &r.plan, k);
    let tr = &r.plan.tracks[k];
    let mut h = String::new();
    let _ = write!(
        h,
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Patrol orders — {id}</title><style>{ORDERS_STYLE}</style></head><body>"#,
        id = esc(ui.unit.id.as_str())
    );
    h += &pl.s.marking.html();
    let _ = write!(
        h,
        "<h1>Patrol orders — {} {}</h1><p>{} · {} · home post <b>{}</b> · {} h shifts · plan: {} ({}), scenario <code>{}</code>, seed {}</p>",
        esc(ui.unit.id.as_str()),
        esc(&ui.unit.name),
        esc(&ui.state),
        ui.unit.mode.as_str(),
        esc(ui.unit.home_post.as_str()),
        ui.unit.shift_hours,
        pl.o.mode.as_str(),
        if pl.o.mode == PlanMode::Joint { "coordinated with the neighbour's units" } else { "own State only" },
        esc(&pl.s.name),
        pl.o.seed
    );
    if pl.s.exercise {
        h.push_str(r#"<p class="exercise">EXERCISE DATA — not for operational use.</p>"#);
    }
    if start.is_none() {
        h.push_str(r#"<p class="muted">Times are from the start of the plan (day 1 00:00); give <code>--start</code> for clock times.</p>"#);
    }
    h += &sketch(pl, &r.plan, k);
    for si in 0..tr.shifts.len() {
        shift_table(&mut h, pl, &r.plan, k, si, start);
    }
    h.push_str("<p class=muted>Times are planned arrivals along the patrol network. This order is the variant drawn for the day from several equally good plans: keep it to those who need it — unpredictability is part of the plan.</p>");
    h += &pl.s.marking.html();
    h.push_str("</body></html>\n");
    h
}

/// The unit's path over the basemap: each shift dashed, the home post and
/// the watch points numbered in the order of the first shift's table.
fn sketch(pl: &Planner, plan: &Plan, k: usize) -> String {
    let tr = &plan.tracks[k];
    let uk = plan.units[k];
    let paths: Vec<Vec<Coord>> = tr
        .shifts
        .iter()
        .map(|&sh| {
            tr.points
                .iter()
                .filter(|x| in_shift(x.1, sh))
                .map(|x| pl.node_xy(uk, x.0))
                .collect()
        })
        .collect();
    let u = &pl.s.units[pl.unit_index(uk)];
    let mut marks: Vec<(Coord, String)> =
        pl.s.post(&u.home_post)
            .map(|p| (p.xy, u.home_post.to_string()))
            .into_iter()
            .collect();
    if let Some(&first) = tr.shifts.first() {
        let visits = tr.visits.iter().filter(|v| in_shift(v.1, first));
        marks.extend(
            visits
                .enumerate()
                .map(|(n, &(p, _))| (pl.points[p].xy, (n + 1).to_string())),
        );
    }
    format!(
        "<h2>Map</h2>{}<p class=muted>Dashed: the path of each shift; circles: the home post and the watch points, numbered as in shift 1's table. Basemap from the scenario's <code>basemap.geojson</code>.</p>",
        crate::report::map::sketch_svg(pl.s, &paths, &marks, 900.0, 520.0)
    )
}

/// One shift's table: each watch point with its arrival, where it is in
/// words (the nearest place, the border km), the leg walked or driven to
/// it along the network (length, climb), and its grid references (UTM,
/// MGRS).
fn shift_table(
    h: &mut String,
    pl: &Planner,
    plan: &Plan,
    k: usize,
    si: usize,
    start: Option<time::OffsetDateTime>,
) {
    let tr = &plan.tracks[k];
    let (s0, s1) = tr.shifts[si];
    let uk = plan.units[k];
    let home = &pl.s.units[pl.unit_index(uk)].home_post;
    let _ = write!(
        h,
        "<h2>Shift {} — depart {} · back by {}</h2>",
        si + 1,
        clock(s0, start),
        clock(s1, start)
    );
    h.push_str("<table><tr><th>#</th><th>arrive</th><th>stay</th><th>watch point</th><th>leg</th><th>grid reference</th></tr>");
    let _ = write!(
        h,
        "<tr><td></td><td>{}</td><td></td><td>depart home post {}</td><td></td><td></td></tr>",
        clock(s0, start),
        esc(home.as_str())
    );
    // the leg between two times: length and climb (with a DEM)
    let xy: Vec<Coord> = tr.points.iter().map(|x| pl.node_xy(uk, x.0)).collect();
    let times: Vec<f64> = tr.points.iter().map(|x| x.1).collect();
    let walked = |from: f64, to: f64| {
        let (m, up) = crate::report::leg(pl.s, &xy, &times, from - 1e-6, to + 1e-6);
        crate::report::leg_words(m, up)
    };
    let stays = stays_within(tr, s0, s1);
    let mut prev = s0;
    let mut row = 0;
    // (the point a stay is watching and when it ends: its second visit is
    // the same row)
    let mut staying: Option<(usize, f64)> = None;
    let visits = tr.visits.iter().filter(|v| in_shift(v.1, (s0, s1)));
    for &(p, t) in visits {
        if staying.is_some_and(|(q, until)| q == p && (t - until).abs() < 1e-6) {
            continue;
        }
        let leave = stays.iter().find(|s| (s.0 - t).abs() < 1e-6).map(|s| s.1);
        let stay = match leave {
            Some(l) => {
                staying = Some((p, l));
                format!("{:.0} min, leave {}", (l - t) / 60.0, clock(l, start))
            }
            None => "passing".to_string(),
        };
        row += 1;
        let w = &pl.points[p];
        let mut words: Vec<String> = pl.s.basemap.describe(w.xy, 15_000.0).into_iter().collect();
        words.push(format!("border km {:.1}", (w.from_km + w.to_km) / 2.0));
        let ll = Coord {
            x: w.lonlat[0],
            y: w.lonlat[1],
        };
        let grid = crate::report::grid_html(ll);
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{stay}</td><td>{}<br><span class=muted>{}</span></td><td>{}</td><td>{grid}</td></tr>",
            row,
            clock(t, start),
            esc(&words.join(" · ")), // place names are the data's
            esc(&w.id),
            walked(prev, t)
        );
        prev = leave.unwrap_or(t);
    }
    let back = tr
        .points
        .iter()
        .filter(|x| in_shift(x.1, (s0, s1)))
        .map(|x| x.1)
        .fold(s0, f64::max);
    let _ = write!(
        h,
        "<tr><td></td><td>{}</td><td></td><td>return to {}</td><td>{}</td><td></td></tr></table>",
        clock(back, start),
        esc(home.as_str()),
        walked(prev, back)
    );
}

/// The stays of a track within a shift `[s0, s1]`: (arrive, leave) where
/// two track points in a row are at one node (the unit stood there); the
/// rest at home between shifts is not one.
fn stays_within(tr: &super::Track, s0: f64, s1: f64) -> Vec<(f64, f64)> {
    tr.points
        .windows(2)
        .filter(|w| w[0].0 == w[1].0 && w[1].1 > w[0].1 + 1e-6)
        .map(|w| (w[0].1, w[1].1))
        .filter(|&(a, l)| in_shift(a, (s0, s1)) && in_shift(l, (s0, s1)))
        .collect()
}

/// Time `t` within shift `(s0, s1)` (to a microsecond).
fn in_shift(t: f64, (s0, s1): (f64, f64)) -> bool {
    t >= s0 - 1e-6 && t <= s1 + 1e-6
}

/// A unit id as a file name: ASCII letters, digits, '-' and '_' kept,
/// anything else '_'.
pub fn file_stem(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Write every output to `dir` as one set ([`crate::io::OutSet`]: the old
/// plan's files, a removed unit's orders too, are replaced as a whole);
/// returns the files written.
pub fn write_all(
    pl: &Planner,
    r: &PlanResult,
    dir: &Path,
    start: Option<time::OffsetDateTime>,
) -> Result<Vec<PathBuf>> {
    let mut set = crate::io::OutSet::new(dir, "plan");
    set.put("plan.geojson", plan_geojson(pl, r).into_bytes());
    set.put("plan.json", plan_json(pl, r).to_bytes());
    set.put("idleness.csv", idleness_csv(pl, r)?.into_bytes());
    for k in 0..r.plan.tracks.len() {
        let safe = file_stem(pl.s.units[pl.unit_index(r.plan.units[k])].id.as_str());
        set.put(format!("gpx/{safe}.gpx"), unit_gpx(pl, r, k, start)?);
        set.put(
            format!("orders/{safe}.html"),
            orders_html(pl, r, k, start).into_bytes(),
        );
    }
    set.commit()
}
