//! The interception plan as files. `plan.json` holds the published mix —
//! every pure plan of the support with its probability, each unit's
//! schedule over the day before, the day and the day after — and, as
//! `units`, the issued draw: each day of the horizon drawn from the mix on
//! its own (seeded), in the schema `simulate` and the map read for any
//! plan. `duties.csv` is the draw as a table (who stands by where, when),
//! `gpx/` and `orders/` as each unit's track and printable orders
//! ([`super::orders`]); `plan.geojson` draws the day's paths and standby
//! positions.

use super::run::{describe, Planned};
use super::schedule::{Duty, Schedule, DAY_S};
use super::Game;
use crate::error::{Error, Result};
use crate::formats::plan_json::{
    self, DayDuty, DutyJson, MixPlan, PlanJson, ScheduleJson, UnitPlan,
};
use crate::plan::UnitLayer;
use crate::props;
use crate::seed::mix;
use crate::sim::World;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn t1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// The pure plan issued on each day of the horizon.
pub fn draws(p: &Planned, days: usize, seed: u64) -> Vec<usize> {
    (0..days as u64)
        .map(|d| {
            let u = fastrand::Rng::with_seed(mix(seed, 0xDA7, d)).f64();
            super::evaluate::draw(&p.solution.mix, u)
        })
        .collect()
}

fn duty_json(w: &World, s: &Schedule) -> DutyJson {
    match s.duty {
        Duty::Standby {
            at,
            arrive_s,
            leave_s,
        } => {
            let ll = w.s.projection.inverse(at);
            DutyJson::Standby {
                lon: crate::io::round7(ll.x),
                lat: crate::io::round7(ll.y),
                arrive_s: t1(arrive_s),
                leave_s: t1(leave_s),
            }
        }
        Duty::Patrol => DutyJson::Patrol,
    }
}

fn path_json(w: &World, l: &UnitLayer) -> Vec<[f64; 3]> {
    l.xy.iter()
        .zip(&l.times)
        .map(|(c, t)| {
            let ll = w.s.projection.inverse(*c);
            [crate::io::round7(ll.x), crate::io::round7(ll.y), t1(*t)]
        })
        .collect()
}

fn shifts_json(l: &UnitLayer) -> Vec<[f64; 2]> {
    l.shifts.iter().map(|s| [t1(s.0), t1(s.1)]).collect()
}

/// Each unit's issued path over the horizon: the drawn plan's day, day by
/// day.
pub fn issued(p: &Planned, draws: &[usize]) -> Vec<UnitLayer> {
    (0..p.units.len())
        .filter_map(|ui| {
            let mut out: Option<UnitLayer> = None;
            for (d, &k) in draws.iter().enumerate() {
                let day = p.pool[p.solution.plans[k][ui]].day_layer();
                let off = d as f64 * DAY_S;
                let o = out.get_or_insert_with(|| UnitLayer {
                    xy: Vec::new(),
                    times: Vec::new(),
                    shifts: Vec::new(),
                    ..day.clone()
                });
                o.xy.extend_from_slice(&day.xy);
                o.times.extend(day.times.iter().map(|t| t + off));
                o.shifts
                    .extend(day.shifts.iter().map(|s| (s.0 + off, s.1 + off)));
            }
            out
        })
        .collect()
}

/// `plan.json` of an interception plan.
pub fn plan_json(w: &World, p: &Planned, hours: f64, seed: u64, metrics: Value) -> PlanJson {
    let days = ((hours / 24.0).ceil() as usize).max(1);
    let dr = draws(p, days, seed);
    let units = issued(p, &dr)
        .iter()
        .enumerate()
        .map(|(ui, l)| {
            let u = &w.s.units[p.units[ui]];
            let duties = dr
                .iter()
                .enumerate()
                .map(|(d, &k)| {
                    let sc = &p.pool[p.solution.plans[k][ui]];
                    DayDuty {
                        day: d + 1,
                        shift_start_s: t1(sc.start_s + d as f64 * DAY_S),
                        duty: duty_json(w, sc),
                    }
                })
                .collect();
            UnitPlan {
                unit: u.id.to_string(),
                name: u.name.clone(),
                state: u.state.to_string(),
                unit_mode: u.mode.as_str().into(),
                home_post: u.home_post.to_string(),
                shift_hours: u.shift_hours,
                shifts_s: shifts_json(l),
                visits: None,
                duties: Some(duties),
                path: path_json(w, l),
            }
        })
        .collect();
    // each schedule of the support once; a plan is one index per unit
    let support: Vec<(&Vec<usize>, f64)> = p
        .solution
        .plans
        .iter()
        .zip(&p.solution.mix)
        .filter(|(_, x)| **x > 1e-9)
        .map(|(plan, x)| (plan, *x))
        .collect();
    let mut used: Vec<usize> = support
        .iter()
        .flat_map(|(plan, _)| plan.iter().copied())
        .collect();
    used.sort_unstable();
    used.dedup();
    let at = |i: usize| used.binary_search(&i).unwrap_or(0);
    let schedules = used
        .iter()
        .map(|&i| {
            let sc = &p.pool[i];
            ScheduleJson {
                unit: w.s.units[sc.unit].id.to_string(),
                shift_start_s: t1(sc.start_s),
                duty: duty_json(w, sc),
                shifts_s: shifts_json(&sc.layer),
                path: path_json(w, &sc.layer),
            }
        })
        .collect();
    let mix = support
        .iter()
        .map(|(plan, x)| MixPlan {
            probability: *x,
            schedules: plan.iter().map(|&i| at(i)).collect(),
        })
        .collect();
    PlanJson {
        borderwatch_plan: plan_json::VERSION,
        objective: Some("interception".into()),
        metrics: serde_json::from_value(metrics).expect("the metrics have the header"),
        options: None,
        watch_points: None,
        units,
        draws: Some(dr.iter().map(|&k| support_index(p, k)).collect()),
        schedules: Some(schedules),
        mix: Some(mix),
    }
}

/// Index of plan `k` among the support (the plans with probability > 0).
fn support_index(p: &Planned, k: usize) -> usize {
    p.solution.mix[..k].iter().filter(|x| **x > 1e-9).count()
}

/// The figures of an interception plan (`metrics` of `plan.json`; no
/// timing, so the same inputs give the same bytes).
pub fn metrics(
    w: &World,
    p: &Planned,
    mode: &str,
    hours: f64,
    seed: u64,
    values: super::targets::Values,
) -> Value {
    let sol = &p.solution;
    let bt = &p.targets[sol.best_response];
    json!({
        "scenario": w.s.name,
        "scenario_fingerprint": crate::scenario::fingerprint(w.s),
        "objective": "interception",
        "mode": mode,
        "hours": hours,
        "seed": seed,
        "units": p.units.len(),
        "shared_feeds": w.o.coop.shared_feeds,
        "hot_pursuit": w.o.coop.hot_pursuit,
        "targets": p.targets.len(),
        "corridors": w.o.corridors,
        "clock_offset_s": w.o.clock_offset_s,
        "terrain": crate::assess::terrain(&w.o.assess),
        "values": values.as_str(),
        "guaranteed_p_intercept": (sol.guaranteed * 1e4).round() / 1e4,
        "upper_bound": (sol.upper_bound * 1e4).round() / 1e4,
        "gap": (sol.gap() * 1e4).round() / 1e4,
        "iterations": sol.iterations,
        "stopped": sol.stop,
        "plans_in_mix": sol.mix.iter().filter(|x| **x > 1e-9).count(),
        "best_response": {"target": describe(w, bt), "value": bt.value, "p_detect": (sol.against[sol.best_response].0 * 1e4).round() / 1e4, "p_intercept": (sol.against[sol.best_response].1 * 1e4).round() / 1e4},
        "idleness_baseline_guaranteed_p_intercept": p.baseline_guaranteed.map(|x| (x * 1e4).round() / 1e4),
        // independent planning: each State's own game (its gap is how well
        // that game was solved; the bound above is the joint game's)
        "own_games": p.own_games.iter().map(|g| json!({"state": g.state, "guaranteed_p_intercept": g.guaranteed, "upper_bound": g.upper_bound, "gap": g.gap, "iterations": g.iterations, "stopped": g.stop})).collect::<Vec<_>>(),
    })
}

/// `duties.csv`: per day and unit, the shift and the duty.
pub fn duties_csv(w: &World, p: &Planned, draws: &[usize]) -> String {
    let mut out = String::from(
        "day,unit,state,shift_start,shift_end,duty,lat,lon,stand_by_from,stand_by_to\n",
    );
    let hm = |t: f64| {
        let m = (t.rem_euclid(DAY_S) / 60.0).round() as i64 % 1440;
        format!("{:02}:{:02}", m / 60, m % 60)
    };
    for (d, &k) in draws.iter().enumerate() {
        for &i in &p.solution.plans[k] {
            let sc = &p.pool[i];
            let u = &w.s.units[sc.unit];
            let end = sc.start_s + u.shift_hours * 3600.0;
            let (duty, lat, lon, a, b) = match sc.duty {
                Duty::Standby {
                    at,
                    arrive_s,
                    leave_s,
                } => {
                    let ll = w.s.projection.inverse(at);
                    (
                        "standby",
                        format!("{:.6}", ll.y),
                        format!("{:.6}", ll.x),
                        hm(arrive_s),
                        hm(leave_s),
                    )
                }
                Duty::Patrol => (
                    "patrol",
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                ),
            };
            out.push_str(&format!(
                "{},{},{},{},{},{},{},{},{},{}\n",
                d + 1,
                u.id,
                u.state,
                hm(sc.start_s),
                hm(end),
                duty,
                lat,
                lon,
                a,
                b
            ));
        }
    }
    out
}

/// `plan.geojson`: the first day's issued paths and standby positions.
pub fn plan_geojson(w: &World, p: &Planned, draws: &[usize]) -> String {
    let mut feats = Vec::new();
    let Some(&k) = draws.first() else {
        return crate::io::feature_collection(&feats);
    };
    for &i in &p.solution.plans[k] {
        let sc = &p.pool[i];
        let u = &w.s.units[sc.unit];
        let l = sc.day_layer();
        let ll: Vec<geo::Coord> = l.xy.iter().map(|c| w.s.projection.inverse(*c)).collect();
        if ll.len() >= 2 {
            feats.push(crate::io::feature(
                crate::io::line_geometry(&ll),
                props! {"unit" => u.id.to_string(), "state" => u.state.to_string(), "unit_mode" => u.mode.as_str(), "kind" => "path"},
            ));
        }
        if let Duty::Standby {
            at,
            arrive_s,
            leave_s,
        } = sc.duty
        {
            let c = w.s.projection.inverse(at);
            feats.push(crate::io::feature(
                crate::io::point_geometry(c),
                props! {"unit" => u.id.to_string(), "state" => u.state.to_string(), "kind" => "standby", "arrive_s" => t1(arrive_s), "leave_s" => t1(leave_s)},
            ));
        }
    }
    crate::io::feature_collection(&feats)
}

/// `targets.geojson`: the smuggler's options against the mix, one line
/// per journey (a mapped route carried on inland, or a crossing off the
/// mapped ways) at its weakest: the hour and direction with the lowest
/// score, its P(detect) and P(intercept), the route's value.
pub fn targets_geojson(w: &World, p: &Planned) -> String {
    let sol = &p.solution;
    // per route, its lowest-scoring target (ties: the first)
    let mut worst: Vec<Option<(usize, f64)>> = vec![None; w.routes.len()];
    for (i, t) in p.targets.iter().enumerate() {
        let sc = super::targets::score(t, sol.against[i].1);
        let cur = &mut worst[t.route];
        if cur.is_none_or(|(_, best)| sc < best - 1e-12) {
            *cur = Some((i, sc));
        }
    }
    let mut feats = Vec::new();
    for (r, rt) in w.routes.iter().enumerate() {
        let Some((k, _)) = worst[r] else {
            continue;
        };
        let t = &p.targets[k];
        let ll: Vec<geo::Coord> = rt
            .samples
            .iter()
            .map(|c| w.s.projection.inverse(*c))
            .collect();
        if ll.len() < 2 {
            continue;
        }
        let kind = match (r < w.mapped_routes, rt.kind) {
            (true, _) => "mapped",
            (false, crate::model::RouteKind::Landing) => "boat",
            (false, _) => "cross-country",
        };
        feats.push(crate::io::feature(
            crate::io::line_geometry(&ll),
            props! {"route" => rt.id.clone(), "kind" => kind, "value" => (t.value * 1e4).round() / 1e4, "weakest" => describe(w, t), "p_detect" => (sol.against[k].0 * 1e4).round() / 1e4, "p_intercept" => (sol.against[k].1 * 1e4).round() / 1e4, "best_response" => k == sol.best_response},
        ));
    }
    crate::io::feature_collection(&feats)
}

/// Write `plan.json`, `plan.geojson`, `targets.geojson`, `duties.csv` and each unit's
/// `gpx/UNIT.gpx` and `orders/UNIT.html` (the issued draw; clock times
/// from `start` when given) into `dir` as one set (all or none).
pub fn write_all(
    w: &World,
    p: &Planned,
    dir: &Path,
    hours: f64,
    seed: u64,
    metrics: Value,
    start: Option<time::OffsetDateTime>,
) -> Result<Vec<PathBuf>> {
    let days = ((hours / 24.0).ceil() as usize).max(1);
    let dr = draws(p, days, seed);
    // the interception plan replaces whichever plan the folder held
    let mut set = crate::io::OutSet::new(dir, "plan");
    set.put(
        "plan.json",
        plan_json(w, p, hours, seed, metrics).to_bytes(),
    );
    set.put("plan.geojson", plan_geojson(w, p, &dr).into_bytes());
    set.put("duties.csv", duties_csv(w, p, &dr).into_bytes());
    set.put("targets.geojson", targets_geojson(w, p).into_bytes());
    for ui in 0..p.units.len() {
        let stem = crate::plan::output::file_stem(w.s.units[p.units[ui]].id.as_str());
        set.put(
            format!("gpx/{stem}.gpx"),
            super::orders::unit_gpx(w, p, &dr, ui, start)?,
        );
        set.put(
            format!("orders/{stem}.html"),
            super::orders::orders_html(w, p, &dr, ui, start).into_bytes(),
        );
    }
    set.commit()
}

/// The published mix of a `plan.json` as a game on `w`: (game with the
/// support's plans, their probabilities); `None` when the plan has no mix
/// (an idleness plan).
pub fn read_mix<'w, 'a>(
    w: &'w World<'a>,
    v: &PlanJson,
    path: &Path,
    o: super::GameOptions,
) -> Result<Option<(Game<'w, 'a>, Vec<f64>)>> {
    let Some(support) = v.mix.as_deref() else {
        return Ok(None);
    };
    let bad = |what: String| Error::data(path, what);
    // every schedule of the support, read once
    let listed = v.schedules.as_deref().unwrap_or(&[]);
    let mut read: Vec<(usize, Schedule)> = Vec::with_capacity(listed.len());
    for (k, u) in listed.iter().enumerate() {
        let id = &u.unit;
        let unit = w
            .s
            .units
            .iter()
            .position(|x| x.id.as_str() == id)
            .ok_or_else(|| bad(format!("schedules[{k}]: field `unit`: {id:?} is not a unit of the scenario (re-plan: this plan is for another version)")))?;
        read.push((unit, read_schedule(w, u, unit, k, path)?));
    }
    let n = read.len();
    let index = |pi: usize, plan: &MixPlan| -> Result<Vec<usize>> {
        plan.schedules
            .iter()
            .enumerate()
            .map(|(k, &i)| {
                (i < n).then_some(i).ok_or_else(|| {
                    bad(format!(
                        "mix[{pi}].schedules[{k}]: expected an index into `schedules` (0..{n})"
                    ))
                })
            })
            .collect()
    };
    let first = support
        .first()
        .ok_or_else(|| bad("field `mix`: expected at least one plan".into()))?;
    let units: Vec<usize> = index(0, first)?.iter().map(|&i| read[i].0).collect();
    let values = if v.metrics.values.as_deref() == Some("flat") {
        super::targets::Values::Flat
    } else {
        super::targets::Values::Risk
    };
    let mut g = Game::new(w, units.clone(), super::targets::all(w, values), o)?;
    let pooled: Vec<usize> = read.into_iter().map(|(_, s)| g.add_schedule(s)).collect();
    let mut probs = Vec::new();
    let mut at = Vec::new();
    for (pi, plan) in support.iter().enumerate() {
        let idx = index(pi, plan)?;
        if idx.len() != units.len() {
            return Err(bad(format!(
                "mix[{pi}]: field `schedules`: expected {} (one per unit, as in mix[0])",
                units.len()
            )));
        }
        for (k, &i) in idx.iter().enumerate() {
            if g.pool[pooled[i]].unit != units[k] {
                return Err(bad(format!(
                    "mix[{pi}].schedules[{k}]: expected a schedule of {}",
                    w.s.units[units[k]].id
                )));
            }
        }
        at.push(g.add_plan(idx.iter().map(|&i| pooled[i]).collect()));
        let pr = Some(plan.probability)
            .filter(|x| x.is_finite() && *x >= 0.0)
            .ok_or_else(|| {
                bad(format!(
                    "mix[{pi}]: field `probability`: expected a number ≥ 0"
                ))
            })?;
        probs.push(pr);
    }
    let tot: f64 = probs.iter().sum();
    if (tot - 1.0).abs() > 1e-3 {
        return Err(bad(format!(
            "field `mix`: the probabilities add up to {tot}, expected 1"
        )));
    }
    // identical plans are one plan of the game: their probabilities add
    let mut merged = vec![0.0; g.plans().len()];
    for (k, pr) in at.iter().zip(&probs) {
        merged[*k] += pr / tot;
    }
    Ok(Some((g, merged)))
}

/// Schedule `k` of a plan's `schedules` (unit `unit`).
fn read_schedule(
    w: &World,
    u: &ScheduleJson,
    unit: usize,
    k: usize,
    path: &Path,
) -> Result<Schedule> {
    let su = &w.s.units[unit];
    let (xy, times) = crate::sim::output::project_path(&w.s.projection, &u.path).map_err(|j| {
        Error::data(
            path,
            format!("schedules[{k}]: field `path[{j}]`: expected [lon, lat, seconds] with non-decreasing seconds"),
        )
    })?;
    let shifts = u.shifts_s.iter().map(|x| (x[0], x[1])).collect();
    let duty = match u.duty {
        DutyJson::Standby {
            lon,
            lat,
            arrive_s,
            leave_s,
        } => Duty::Standby {
            at: w.s.projection.forward(geo::Coord { x: lon, y: lat }),
            arrive_s,
            leave_s,
        },
        DutyJson::Patrol => Duty::Patrol,
    };
    let state =
        w.s.states
            .iter()
            .position(|st| st.id == su.state)
            .unwrap_or(0);
    let layer = UnitLayer {
        id: su.id.to_string(),
        state,
        mode: su.mode,
        xy,
        times,
        shifts,
    };
    Ok(Schedule::new(w, unit, u.shift_start_s, duty, layer))
}
