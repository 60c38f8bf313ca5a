//! Simulation outputs: the events log (CSV, GeoJSON), per-route figures,
//! the summary; reading a plan back from `plan.json`.

use super::tally::Tally;
use super::{Outcome, Rates, World};
use crate::error::{Error, Result};
use crate::formats::plan_json::PlanJson;
use crate::model::{Scenario, UnitMode};
use crate::plan::UnitLayer;
use crate::props;
use geo::Coord;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// A `plan.json` written by `borderwatch plan`, read back.
pub struct PlanFile {
    /// The units' timed paths, projected into the scenario.
    pub units: Vec<UnitLayer>,
    pub horizon_s: f64,
    /// The terrain the plan saw the posts on.
    pub terrain: crate::assess::AssessOptions,
    /// The file as read (an interception plan's mix is read from it).
    pub plan: PlanJson,
}

/// A timed path `[lon°, lat°, s]` projected into the scenario, or the
/// index of its first bad point (out of range, not finite, or earlier than
/// the one before).
pub fn project_path(
    proj: &crate::geom::proj::LocalProjection,
    path: &[[f64; 3]],
) -> std::result::Result<(Vec<Coord>, Vec<f64>), usize> {
    let mut xy = Vec::with_capacity(path.len());
    let mut times: Vec<f64> = Vec::with_capacity(path.len());
    for (k, &[lon, lat, t]) in path.iter().enumerate() {
        let ok = lon.abs() <= 180.0
            && lat.abs() <= 90.0
            && t.is_finite()
            && times.last().is_none_or(|l| t >= *l);
        if !ok {
            return Err(k);
        }
        xy.push(proj.forward(Coord { x: lon, y: lat }));
        times.push(t);
    }
    Ok((xy, times))
}

/// Read a `plan.json` written by `borderwatch plan` for this scenario;
/// every bad unit is listed at once.
pub fn read_plan_json(s: &Scenario, path: &Path) -> Result<PlanFile> {
    let plan = PlanJson::read(path)?;
    let m = &plan.metrics;
    if m.scenario != s.name {
        return Err(Error::data(
            path,
            format!(
                "field `metrics.scenario`: the plan is for {:?}, not for scenario {:?}",
                m.scenario, s.name
            ),
        ));
    }
    if let Some(f) = &m.scenario_fingerprint {
        if *f != crate::scenario::fingerprint(s) {
            return Err(Error::data(
                path,
                format!(
                    "the plan was made for another version of scenario {:?} (its border, routes, network, posts, units, agreements or risk have changed since): re-plan with `borderwatch plan`",
                    s.name
                ),
            ));
        }
    }
    let mut problems = Vec::new();
    if !(m.hours.is_finite() && m.hours > 0.0 && m.hours <= 168.0) {
        problems.push(format!(
            "field `metrics.hours`: expected the horizon in hours, in (0, 168], found {}",
            m.hours
        ));
    }
    if plan.units.is_empty() && !s.units.is_empty() {
        problems.push("field `units`: the plan has no units, the scenario has: re-plan".into());
    }
    let horizon_s = m.hours * 3600.0;
    let mut units = Vec::new();
    for (i, u) in plan.units.iter().enumerate() {
        match unit_of_plan(s, i, u, horizon_s) {
            Ok(l) => units.push(l),
            Err(p) => problems.push(p),
        }
    }
    if !problems.is_empty() {
        return Err(Error::data(path, problems.join("\n")));
    }
    Ok(PlanFile {
        units,
        horizon_s,
        terrain: crate::assess::terrain_of_plan(m),
        plan,
    })
}

/// Unit `i` of a plan checked against the scenario (the unit exists, in
/// the same State and mode; times within the horizon, a day either side;
/// shifts in order) and projected; or what is wrong with it.
fn unit_of_plan(
    s: &Scenario,
    i: usize,
    u: &crate::formats::plan_json::UnitPlan,
    horizon_s: f64,
) -> std::result::Result<UnitLayer, String> {
    let bad = |field: &str, what: &str| {
        format!("units[{i}] (unit {:?}): field `{field}`: {what}", u.unit)
    };
    let Some(su) = s.units.iter().find(|x| x.id.as_str() == u.unit) else {
        return Err(bad(
            "unit",
            "not a unit of the scenario (re-plan: the plan is for another version)",
        ));
    };
    let Some(st) = s.states.iter().position(|x| x.id.as_str() == u.state) else {
        return Err(bad("state", "expected one of the scenario's States"));
    };
    if su.state.as_str() != u.state {
        return Err(bad(
            "state",
            &format!(
                "the plan has the unit in {}, the scenario in {} (re-plan)",
                u.state, su.state
            ),
        ));
    }
    let Some(mode) = UnitMode::parse(&u.unit_mode) else {
        return Err(bad("unit_mode", "expected foot, vehicle or boat"));
    };
    if mode != su.mode {
        return Err(bad(
            "unit_mode",
            &format!(
                "the plan has a {} unit, the scenario a {} unit (re-plan)",
                u.unit_mode,
                su.mode.as_str()
            ),
        ));
    }
    let day = 86_400.0;
    let in_horizon = |t: f64| (-day..=horizon_s + day).contains(&t);
    if let Some(k) = u.path.iter().position(|p| !in_horizon(p[2])) {
        return Err(bad(
            &format!("path[{k}]"),
            &format!(
                "{} s is outside the plan's horizon (0 to {horizon_s} s, a day either side)",
                u.path[k][2]
            ),
        ));
    }
    if let Some(k) = u
        .shifts_s
        .iter()
        .position(|x| !(in_horizon(x[0]) && in_horizon(x[1]) && x[0] <= x[1]))
    {
        return Err(bad(
            &format!("shifts_s[{k}]"),
            "expected [start, end] seconds within the horizon, start first",
        ));
    }
    match project_path(&s.projection, &u.path) {
        Ok((xy, times)) => Ok(UnitLayer {
            id: u.unit.clone(),
            state: st,
            mode,
            xy,
            times,
            shifts: u.shifts_s.iter().map(|x| (x[0], x[1])).collect(),
        }),
        Err(k) => Err(bad(
            &format!("path[{k}]"),
            "expected [lon, lat, seconds] with non-decreasing seconds",
        )),
    }
}

/// Figures per border segment the routes cross (the assessment's
/// segments): (segment, rates) for each segment with at least one route.
pub fn per_segment<'w>(w: &'w World, t: &Tally) -> Vec<(&'w crate::assess::Segment, Rates)> {
    w.segments
        .iter()
        .zip(&t.per_segment)
        .filter(|(seg, _)| !seg.routes.is_empty())
        .map(|(seg, acc)| (seg, acc.rates()))
        .collect()
}

/// Figures per route, per segment, per State entered and overall.
pub fn summary(w: &World, t: &Tally) -> Value {
    let per_route: Vec<Value> = w
        .routes
        .iter()
        .zip(&t.per_route)
        .map(|(rt, acc)| {
            let x = acc.rates();
            json!({"route": rt.id, "kind": rt.kind.as_str(), "border_km": rt.border_km, "attempts": x.attempts, "p_detect": x.p_detect, "p_intercept": x.p_intercept, "succeeded": x.succeeded, "mean_time_to_intercept_min": x.mean_time_to_intercept_min})
        })
        .collect();
    let per_state: serde_json::Map<String, Value> =
        w.s.states
            .iter()
            .zip(&t.per_state)
            .map(|(st, acc)| {
                (
                    st.id.to_string(),
                    serde_json::to_value(acc.rates()).unwrap(),
                )
            })
            .collect();
    // per kilometre of border where the routes cross
    let per_km: Vec<Value> = t
        .per_km
        .iter()
        .map(|(&k, acc)| {
            let x = acc.rates();
            json!({"from_km": k, "to_km": k + 1, "attempts": x.attempts, "p_detect": x.p_detect, "p_intercept": x.p_intercept, "succeeded": x.succeeded})
        })
        .collect();
    let per_segment: Vec<Value> = per_segment(w, t)
        .into_iter()
        .map(|(seg, x)| {
            json!({"segment": seg.id, "from_km": seg.from_km, "to_km": seg.to_km, "kind": seg.kind.as_str(), "routes": seg.routes, "attempts": x.attempts, "p_detect": x.p_detect, "p_intercept": x.p_intercept, "succeeded": x.succeeded, "mean_time_to_intercept_min": x.mean_time_to_intercept_min})
        })
        .collect();
    let all = t.all.rates();
    json!({
        "scenario": w.s.name,
        "runs": t.runs(),
        "seed": w.o.seed,
        "knowledge": w.o.knowledge,
        "cooperation": w.o.coop,
        "p_detect": all.p_detect,
        "p_intercept": all.p_intercept,
        "succeeded": all.succeeded,
        "mean_time_to_intercept_min": all.mean_time_to_intercept_min,
        "pursuits": t.pursuits,
        "per_state": per_state,
        "per_route": per_route,
        "per_segment": per_segment,
        "per_border_km": per_km,
        "best_response": w.target.map(|(r, h)| json!({"route": w.routes[r].id, "hour": h})),
    })
}

/// attempts, p_detect, p_intercept, succeeded, mean_time_to_intercept_min
/// as CSV cells.
fn rate_cells(x: &Rates) -> [String; 5] {
    [
        x.attempts.to_string(),
        format!("{:.4}", x.p_detect),
        format!("{:.4}", x.p_intercept),
        x.succeeded.to_string(),
        x.mean_time_to_intercept_min
            .map(|v| format!("{v:.1}"))
            .unwrap_or_default(),
    ]
}

/// Write `events.csv` and `events.geojson` (the crossings the tally kept:
/// where each was detected and intercepted), `routes.csv`, `segments.csv`
/// and `summary.json`.
pub fn write_all(w: &World, t: &Tally, dir: &Path) -> Result<Vec<PathBuf>> {
    let mut set = crate::io::OutSet::new(dir, "simulate");
    let (csv, geojson) = events(w, &t.events)?;
    set.put("events.csv", csv);
    set.put("events.geojson", geojson.into_bytes());
    set.put("routes.csv", routes_csv(w, t)?);
    set.put("segments.csv", segments_csv(w, t)?);
    let mut j = serde_json::to_string_pretty(&summary(w, t)).unwrap();
    j.push('\n');
    set.put("summary.json", j.into_bytes());
    set.commit()
}

/// The first `limit` crossings as `events.csv` rows and as GeoJSON points
/// (each detection and interception).
fn events(w: &World, outs: &[Outcome]) -> Result<(Vec<u8>, String)> {
    let err = |e: csv::Error| Error::encode("events.csv", e);
    let mut c = csv::Writer::from_writer(Vec::new());
    c.write_record([
        "run",
        "route",
        "start_s",
        "direction",
        "into",
        "detected_s",
        "detected_by",
        "detected_lon",
        "detected_lat",
        "intercepted_s",
        "intercepted_by",
        "lon",
        "lat",
        "pursuit",
        "succeeded",
    ])
    .map_err(err)?;
    let mut feats = Vec::new();
    let name = |i: Option<usize>| i.map(|i| w.s.states[i].id.to_string()).unwrap_or_default();
    let f1 = |v: Option<f64>| v.map(|x| format!("{x:.1}")).unwrap_or_default();
    for (i, o) in outs.iter().enumerate() {
        let ll = o.intercept_at.map(|q| w.s.projection.inverse(q));
        let dl = o.detect_at.map(|q| w.s.projection.inverse(q));
        c.write_record([
            i.to_string(),
            w.routes[o.route].id.clone(),
            format!("{:.1}", o.start_s),
            (if o.forward { "forward" } else { "backward" }).into(),
            name(o.into),
            f1(o.detected_s),
            o.detected_by.clone().unwrap_or_default(),
            dl.map(|c| format!("{:.7}", c.x)).unwrap_or_default(),
            dl.map(|c| format!("{:.7}", c.y)).unwrap_or_default(),
            f1(o.intercepted_s),
            o.intercepted_by.clone().unwrap_or_default(),
            ll.map(|c| format!("{:.7}", c.x)).unwrap_or_default(),
            ll.map(|c| format!("{:.7}", c.y)).unwrap_or_default(),
            o.pursuit.to_string(),
            o.intercepted_s.is_none().to_string(),
        ])
        .map_err(err)?;
        if let Some(dl) = dl {
            feats.push(crate::io::feature(
                crate::io::point_geometry(dl),
                props! {"run" => i, "route" => w.routes[o.route].id, "event" => "detection", "t_s" => o.detected_s, "by" => o.detected_by, "intercepted" => o.intercepted_s.is_some()},
            ));
        }
        if let Some(ll) = ll {
            feats.push(crate::io::feature(
                crate::io::point_geometry(ll),
                props! {"run" => i, "route" => w.routes[o.route].id, "event" => "interception", "t_s" => o.intercepted_s, "by" => o.intercepted_by, "detected_by" => o.detected_by, "pursuit" => o.pursuit},
            ));
        }
    }
    let csv = c.into_inner().map_err(|e| Error::encode("events.csv", e))?;
    Ok((csv, crate::io::feature_collection(&feats)))
}

/// `routes.csv`: the figures per route.
fn routes_csv(w: &World, t: &Tally) -> Result<Vec<u8>> {
    let err = |e: csv::Error| Error::encode("routes.csv", e);
    let mut rc = csv::Writer::from_writer(Vec::new());
    rc.write_record([
        "route",
        "kind",
        "attempts",
        "p_detect",
        "p_intercept",
        "succeeded",
        "mean_time_to_intercept_min",
    ])
    .map_err(err)?;
    for (rt, acc) in w.routes.iter().zip(&t.per_route) {
        let [a, b, c, d, e] = rate_cells(&acc.rates());
        rc.write_record([rt.id.clone(), rt.kind.as_str().into(), a, b, c, d, e])
            .map_err(err)?;
    }
    rc.into_inner().map_err(|e| Error::encode("routes.csv", e))
}

/// `segments.csv`: the figures per border segment the routes cross.
fn segments_csv(w: &World, t: &Tally) -> Result<Vec<u8>> {
    let err = |e: csv::Error| Error::encode("segments.csv", e);
    let mut sc = csv::Writer::from_writer(Vec::new());
    sc.write_record([
        "segment",
        "from_km",
        "to_km",
        "kind",
        "routes",
        "attempts",
        "p_detect",
        "p_intercept",
        "succeeded",
        "mean_time_to_intercept_min",
    ])
    .map_err(err)?;
    for (seg, x) in per_segment(w, t) {
        let [a, b, c, d, e] = rate_cells(&x);
        sc.write_record([
            seg.id.clone(),
            format!("{:.3}", seg.from_km),
            format!("{:.3}", seg.to_km),
            seg.kind.as_str().into(),
            seg.routes.join(" "),
            a,
            b,
            c,
            d,
            e,
        ])
        .map_err(err)?;
    }
    sc.into_inner()
        .map_err(|e| Error::encode("segments.csv", e))
}
