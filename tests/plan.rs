//! Patrol planning: plans for both shipped scenarios in both modes, every leg
//! re-checked from `plan.geojson` independently of the planner; joint never
//! worse than independent; bounds; determinism; bad input.

mod common;
use common::*;
use geo::{Distance, Haversine, Point};
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

fn run_plan(scenario: &Path, out: &Path, extra: &[&str]) -> (Value, std::process::Output) {
    let o = Command::new(bin())
        .args(["plan", "--objective", "idleness"])
        .arg(scenario)
        .arg("--out")
        .arg(out)
        .arg("--json")
        .args(extra)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "plan failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    (serde_json::from_slice(&o.stdout).unwrap(), o)
}

/// Home post of each unit and the unit's mode and shift, read from the
/// scenario files themselves (not from the planner).
fn units_of(scenario: &Path) -> HashMap<String, (String, [f64; 2], f64)> {
    let t: toml::Value = toml::from_str(&std::fs::read_to_string(scenario).unwrap()).unwrap();
    let maps = scenario.parent().unwrap().join(t["maps"].as_str().unwrap());
    let posts: Value =
        serde_json::from_str(&std::fs::read_to_string(maps.join("posts.geojson")).unwrap())
            .unwrap();
    let mut at = HashMap::new();
    for f in posts["features"].as_array().unwrap() {
        let c = &f["geometry"]["coordinates"];
        at.insert(
            f["properties"]["id"].as_str().unwrap().to_string(),
            [c[0].as_f64().unwrap(), c[1].as_f64().unwrap()],
        );
    }
    t["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["id"].as_str().unwrap().to_string(),
                (
                    u["mode"].as_str().unwrap().to_string(),
                    at[u["home_post"].as_str().unwrap()],
                    u.get("shift_hours")
                        .and_then(|x| x.as_float())
                        .unwrap_or(8.0),
                ),
            )
        })
        .collect()
}

/// Re-check a plan from its GeoJSON: times non-decreasing, no leg faster
/// than the mode allows, every shift leaves from and returns to the home
/// post within the shift's length, no movement outside shifts, ≥ 8 h rest.
fn check_plan_geojson(scenario: &Path, dir: &Path, hours: f64) -> usize {
    let units = units_of(scenario);
    let g: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("plan.geojson")).unwrap()).unwrap();
    let feats = g["features"].as_array().unwrap();
    assert_eq!(feats.len(), units.len(), "one feature per unit");
    let mut legs = 0;
    for f in feats {
        let p = &f["properties"];
        let id = p["unit"].as_str().unwrap();
        let (mode, home, shift_h) = &units[id];
        assert_eq!(p["unit_mode"].as_str().unwrap(), mode);
        let vmax_ms = match mode.as_str() {
            "foot" => 6.0 / 3.6,
            "vehicle" => 40.0 / 3.6,
            "boat" => 15.0 / 3.6,
            m => panic!("mode {m}"),
        };
        let coords: Vec<[f64; 2]> = f["geometry"]["coordinates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| [c[0].as_f64().unwrap(), c[1].as_f64().unwrap()])
            .collect();
        let times: Vec<f64> = p["times_s"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_f64().unwrap())
            .collect();
        assert_eq!(coords.len(), times.len(), "{id}: one time per vertex");
        let shifts: Vec<(f64, f64)> = p["shifts_s"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s[0].as_f64().unwrap(), s[1].as_f64().unwrap()))
            .collect();
        assert_eq!(
            shifts.len() as f64,
            (hours / 24.0).ceil(),
            "{id}: one shift a day"
        );
        for s in &shifts {
            assert!(
                s.0 >= 0.0 && s.1 <= hours * 3600.0 + 1e-6,
                "{id}: shift {s:?} outside the horizon"
            );
            assert!(
                (s.1 - s.0 - shift_h * 3600.0).abs() < 1.0,
                "{id}: shift length"
            );
        }
        for w in shifts.windows(2) {
            assert!(
                w[1].0 - w[0].1 >= 8.0 * 3600.0 - 1e-6,
                "{id}: rest between shifts"
            );
        }
        let d = |a: [f64; 2], b: [f64; 2]| {
            Haversine.distance(Point::new(a[0], a[1]), Point::new(b[0], b[1]))
        };
        for i in 1..coords.len() {
            let dt = times[i] - times[i - 1];
            assert!(dt >= 0.0, "{id}: time goes back at vertex {i}");
            let dist = d(coords[i - 1], coords[i]);
            // times are rounded to 0.1 s and positions to 1e-7°
            assert!(
                dist <= vmax_ms * (dt + 0.1) * 1.01 + 0.05,
                "{id}: leg {i} covers {dist:.1} m in {dt:.1} s, faster than {mode} allows"
            );
            if dist > 0.5 {
                legs += 1;
                let inside = shifts
                    .iter()
                    .any(|s| times[i - 1] >= s.0 - 1e-6 && times[i] <= s.1 + 1e-6);
                assert!(inside, "{id}: moves outside its shifts at {}", times[i]);
            }
        }
        // each shift starts and ends at the home post
        for s in &shifts {
            let during: Vec<usize> = (0..coords.len())
                .filter(|&i| times[i] >= s.0 - 1e-6 && times[i] <= s.1 + 1e-6)
                .collect();
            let (first, last) = (during[0], *during.last().unwrap());
            assert!(
                d(coords[first], *home) < 1.0,
                "{id}: shift does not start at home"
            );
            assert!(
                d(coords[last], *home) < 1.0,
                "{id}: shift does not end at home"
            );
        }
    }
    legs
}

#[test]
fn plans_for_both_shipped_scenarios_respect_speeds_and_shifts_and_joint_is_no_worse() {
    for name in ["andorra-spain", "liechtenstein-switzerland"] {
        let sc = repo().join(format!("scenarios/{name}.toml"));
        let d = tempfile::tempdir().unwrap();
        let (joint, _) = run_plan(&sc, &d.path().join("joint"), &["--mode", "joint"]);
        let (indep, _) = run_plan(&sc, &d.path().join("indep"), &["--mode", "independent"]);
        for (dir, sum) in [("joint", &joint), ("indep", &indep)] {
            let legs = check_plan_geojson(&sc, &d.path().join(dir), 24.0);
            assert!(legs > 100, "{name} {dir}: only {legs} legs");
            let w = sum["worst_idleness_min"].as_f64().unwrap();
            let lb = sum["lower_bound_worst_idleness_min"].as_f64().unwrap();
            let base = sum["baseline_worst_idleness_min"].as_f64().unwrap();
            assert!(
                lb > 0.0 && lb <= w + 0.1,
                "{name} {dir}: bound {lb} vs plan {w}"
            );
            assert!(w <= 24.0 * 60.0 && base <= 24.0 * 60.0);
            for (st, f) in sum["per_state"].as_object().unwrap() {
                let lb = f["lower_bound_worst_idleness_min"].as_f64().unwrap();
                let w = f["worst_idleness_min"].as_f64().unwrap();
                assert!(lb <= w + 0.1, "{name} {dir} {st}: bound {lb} vs {w}");
            }
            let ex = &sum["exact_check"];
            assert!(
                ex["optimum_worst_idleness_min"].as_f64().unwrap()
                    <= ex["greedy_worst_idleness_min"].as_f64().unwrap() + 1e-9
            );
            // the files a commander takes out
            let units = units_of(&sc);
            for u in units.keys() {
                let gpx_path = d.path().join(dir).join(format!("gpx/{u}.gpx"));
                // a GPX reader reads it back: one track point per vertex of
                // the unit's path in plan.geojson
                let g = gpx::read(std::io::BufReader::new(
                    std::fs::File::open(&gpx_path).unwrap(),
                ))
                .unwrap_or_else(|e| panic!("{u}.gpx unreadable: {e}"));
                let pts: usize = g.tracks[0].segments.iter().map(|s| s.points.len()).sum();
                let geo: Value = serde_json::from_str(
                    &std::fs::read_to_string(d.path().join(dir).join("plan.geojson")).unwrap(),
                )
                .unwrap();
                let f = geo["features"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|f| f["properties"]["unit"] == u.as_str())
                    .unwrap();
                assert_eq!(
                    pts,
                    f["geometry"]["coordinates"].as_array().unwrap().len(),
                    "{u}.gpx"
                );
                let html =
                    std::fs::read_to_string(d.path().join(dir).join(format!("orders/{u}.html")))
                        .unwrap();
                assert!(html.contains("depart home post") && html.contains("return to"));
            }
            let csv = std::fs::read_to_string(d.path().join(dir).join("idleness.csv")).unwrap();
            assert!(csv.starts_with("watch_point,from_km"));
        }
        let (wj, wi) = (
            joint["worst_idleness_min"].as_f64().unwrap(),
            indep["worst_idleness_min"].as_f64().unwrap(),
        );
        assert!(wj <= wi, "{name}: joint {wj} worse than independent {wi}");
        // joint mode reports the very plan `--mode independent` issues
        assert_eq!(
            joint["independent"]["worst_idleness_min"].as_f64().unwrap(),
            wi
        );
    }
}

#[test]
fn liechtenstein_joint_planning_beats_independent_and_the_baseline() {
    // The Rhine stretch: both States' boats and foot patrols share it.
    let sc = repo().join("scenarios/liechtenstein-switzerland.toml");
    let d = tempfile::tempdir().unwrap();
    let (j, _) = run_plan(&sc, d.path(), &[]);
    let (wj, wi, base) = (
        j["worst_idleness_min"].as_f64().unwrap(),
        j["independent"]["worst_idleness_min"].as_f64().unwrap(),
        j["baseline_worst_idleness_min"].as_f64().unwrap(),
    );
    assert!(wj < wi, "joint {wj} vs independent {wi}");
    assert!(wj < base, "joint {wj} vs baseline {base}");
}

#[test]
fn same_seed_same_plan_whatever_the_thread_count() {
    let sc = repo().join("scenarios/andorra-spain.toml");
    let d = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for threads in ["1", "2"] {
        let out = d.path().join(threads);
        let o = Command::new(bin())
            .env("RAYON_NUM_THREADS", threads)
            .args(["plan", "--objective", "idleness"])
            .arg(&sc)
            .arg("--out")
            .arg(&out)
            .args(["--seed", "11"])
            .output()
            .unwrap();
        assert!(o.status.success());
        files.push((
            std::fs::read(out.join("plan.geojson")).unwrap(),
            std::fs::read(out.join("plan.json")).unwrap(),
        ));
    }
    assert!(files[0] == files[1], "plans differ between 1 and 2 threads");
    // another seed draws other variants
    let (a, _) = run_plan(&sc, &d.path().join("s1"), &["--seed", "1"]);
    let (b, _) = run_plan(&sc, &d.path().join("s2"), &["--seed", "2"]);
    assert!(a["mixed_strategy"]["in_mix"].as_u64().unwrap() >= 1);
    assert!(
        b["mixed_strategy"]["unpredictability"]["strategy_entropy_bits"]
            .as_f64()
            .unwrap()
            >= 0.0
    );
}

#[test]
fn multi_day_plans_repeat_shifts_with_rest() {
    let sc = repo().join("scenarios/liechtenstein-switzerland.toml");
    let d = tempfile::tempdir().unwrap();
    let (s, _) = run_plan(
        &sc,
        d.path(),
        &["--hours", "168", "--start", "2026-12-01T06:00:00Z"],
    );
    assert_eq!(s["hours"].as_f64().unwrap(), 168.0);
    assert_eq!(
        s["mixed_strategy"]["unpredictability"]["daily_draws"]
            .as_array()
            .unwrap()
            .len(),
        7
    );
    check_plan_geojson(&sc, d.path(), 168.0);
    let gpx = std::fs::read_to_string(d.path().join("gpx/LI-F1.gpx")).unwrap();
    assert!(gpx.contains("<time>2026-12-01T"), "GPX has clock times");
    let html = std::fs::read_to_string(d.path().join("orders/LI-F1.html")).unwrap();
    assert!(html.contains("2026-12-0") && html.contains(" UTC"));
}

#[test]
fn mini_scenario_plans_once_its_network_reaches_the_border() {
    let (_d, toml) = mini();
    let net = toml.parent().unwrap().join("../maps/mini/network.geojson");
    // roads 400 m from the border on each side
    edit(
        &net,
        "[[10.02,45.0],[10.02,45.1]]",
        "[[10.045,45.0],[10.045,45.1]]",
    );
    edit(
        &net,
        "[[10.08,45.0],[10.08,45.1]]",
        "[[10.053,45.0],[10.053,45.1]]",
    );
    let out = _d.path().join("out");
    let (s, _) = run_plan(&toml, &out, &["--hours", "12"]);
    assert_eq!(s["cyclic"], false);
    assert_eq!(s["units"], 2);
    assert!(s["worst_idleness_min"].as_f64().unwrap() < 12.0 * 60.0);
    check_plan_geojson(&toml, &out, 12.0);
}

#[test]
fn bad_plans_are_refused_with_the_unit_and_post_named() {
    let (_d, toml) = mini();
    let out = _d.path().join("out");
    let o = Command::new(bin())
        .args(["plan", "--objective", "idleness"])
        .arg(&toml)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(!o.status.success());
    let e = String::from_utf8_lossy(&o.stderr);
    // both problems, each with unit, field and post
    assert!(
        e.contains("AD-F1") && e.contains("AD-OP1") && e.contains("home_post"),
        "{e}"
    );
    assert!(
        e.contains("ES-V1") && e.contains("ES-OP1") && e.contains("within a shift"),
        "{e}"
    );
    assert!(!out.join("plan.geojson").exists());

    let sc = repo().join("scenarios/andorra-spain.toml");
    for (args, want) in [
        (vec!["--hours", "4"], "shorter than the unit's 8 h shift"),
        (vec!["--hours", "30"], "whole days"),
        (vec!["--hours", "200"], "up to 7 days"),
        (
            vec!["--mode", "alone"],
            "[possible values: joint, independent]",
        ),
        (vec!["--start", "tomorrow"], "RFC 3339"),
    ] {
        let o = Command::new(bin())
            .args(["plan", "--objective", "idleness"])
            .arg(&sc)
            .arg("--out")
            .arg(&out)
            .args(&args)
            .output()
            .unwrap();
        assert!(!o.status.success(), "{args:?} accepted");
        let e = String::from_utf8_lossy(&o.stderr);
        assert!(e.contains(want), "{args:?}: {e}");
        assert!(!e.contains("panicked"));
    }
    // a home post too far from any network: raise the access distance and
    // the same post becomes usable
    let o = Command::new(bin())
        .args(["plan", "--objective", "idleness"])
        .arg(&toml)
        .arg("--out")
        .arg(&out)
        .args(["--access-m", "100"])
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("within 0.1 km"));
}

#[test]
fn no_units_is_an_error_naming_the_field() {
    let (_d, toml) = mini();
    let s = std::fs::read_to_string(&toml).unwrap();
    let cut = s.find("[[units]]").unwrap();
    std::fs::write(&toml, &s[..cut]).unwrap();
    let o = Command::new(bin())
        .args(["plan", "--objective", "idleness"])
        .arg(&toml)
        .arg("--out")
        .arg(_d.path().join("o"))
        .output()
        .unwrap();
    assert!(!o.status.success());
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("no units to plan") && e.contains("units"), "{e}");
}

#[test]
fn assessment_gap_map_gains_patrol_idleness() {
    let sc = repo().join("scenarios/liechtenstein-switzerland.toml");
    let d = tempfile::tempdir().unwrap();
    let o = Command::new(bin())
        .arg("assess")
        .arg(&sc)
        .arg("--out")
        .arg(d.path())
        .args(["--patrols", "joint", "--json"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let sum: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(sum["patrol"]["mode"], "joint");
    let mut rd = csv::Reader::from_path(d.path().join("segments.csv")).unwrap();
    let head = rd.headers().unwrap().clone();
    let col = |n: &str| head.iter().position(|h| h == n).unwrap();
    let (pc, vc, gc, uc) = (
        col("patrolled"),
        col("patrol_visits"),
        col("patrol_max_gap_min"),
        col("patrol_units"),
    );
    let (mut patrolled, mut visited) = (0, 0);
    for r in rd.records() {
        let r = r.unwrap();
        let visits: usize = r[vc].parse().unwrap();
        let gap: f64 = r[gc].parse().unwrap();
        assert!((0.0..=1440.0).contains(&gap));
        if &r[pc] == "true" {
            patrolled += 1;
        }
        if visits > 0 {
            visited += 1;
            assert!(!r[uc].is_empty(), "visited by nobody?");
            assert!(gap <= 1440.0);
        }
    }
    assert!(
        patrolled > 50 && visited > 50,
        "{patrolled} patrolled, {visited} visited"
    );
    let cov: Value =
        serde_json::from_str(&std::fs::read_to_string(d.path().join("coverage.geojson")).unwrap())
            .unwrap();
    assert!(cov["features"][0]["properties"]["patrol_max_gap_min"].is_number());
    let html = std::fs::read_to_string(d.path().join("report.html")).unwrap();
    assert!(html.contains("Patrols (joint plan, 24 h)"));
}

#[test]
fn both_modes_at_once_equal_each_mode_alone() {
    // the map window plans both modes from one planner (solve_modes); each
    // result must be exactly what `plan --mode M` issues
    use borderwatch::plan::{output, PlanMode, PlanOptions, Planner};
    for name in ["liechtenstein-switzerland", "andorra-spain"] {
        let s = borderwatch::scenario::load_ok(&repo().join(format!("scenarios/{name}.toml")))
            .unwrap()
            .0;
        let both = Planner::new(&s, PlanOptions::for_scenario(&s, PlanMode::Joint)).unwrap();
        let r = both.solve_modes(&[PlanMode::Joint, PlanMode::Independent]);
        for (mode, got) in [PlanMode::Joint, PlanMode::Independent].into_iter().zip(&r) {
            let alone = Planner::new(&s, PlanOptions::for_scenario(&s, mode)).unwrap();
            let want = alone.solve();
            assert_eq!(
                output::plan_geojson(&alone, &want),
                output::plan_geojson(&alone, got),
                "{name} {mode:?}: routes differ"
            );
            assert_eq!(
                output::summary_json(&alone, &want),
                output::summary_json(&alone, got),
                "{name} {mode:?}: figures differ"
            );
        }
    }
}

#[test]
fn idleness_orders_carry_a_sketch_places_legs_and_grid_references() {
    let sc = repo().join("scenarios/andorra-spain.toml");
    let d = tempfile::tempdir().unwrap();
    run_plan(&sc, d.path(), &["--start", "2026-12-08T06:00:00Z"]);
    let html = std::fs::read_to_string(d.path().join("orders/AD-F1.html")).unwrap();
    // the map sketch of the route over the basemap, the home post marked
    assert!(html.contains("<h2>Map</h2><svg"), "no sketch");
    assert!(html.contains(">AD-OP1<"), "home post not marked");
    // each watch point by the nearest place and border km, its leg and its
    // grid references (Andorra is in UTM zone 31T, 100 km square CH)
    assert!(html.contains("of Arinsal · border km"), "no place words");
    assert!(html.contains("MGRS 31T CH "), "no MGRS");
    assert!(html.contains("UTM 31T "), "no UTM");
    // legs with their climb from the DEM ("498 m, 12 m up")
    let legs = html.matches(" m up</td>").count();
    assert!(legs > 5, "{legs} legs");
    // the watch point's own id stays, smaller, for the planner's files
    assert!(html.contains("<span class=muted>S0003</span>"));
}

#[test]
fn a_dwell_stands_each_unit_at_the_points_it_heads_for() {
    // `--dwell-min 10`: each watch point a unit heads for, it stays ten
    // minutes to watch, in the orders (arrive, stay, leave) and in the
    // paths (two vertices at one place, ten minutes apart); the shifts,
    // speeds and the way home still hold.
    let sc = repo().join("scenarios/andorra-spain.toml");
    let d = tempfile::tempdir().unwrap();
    let (sum, _) = run_plan(
        &sc,
        d.path(),
        &["--dwell-min", "10", "--start", "2026-12-08T06:00:00Z"],
    );
    let legs = check_plan_geojson(&sc, d.path(), 24.0);
    assert!(legs > 50, "only {legs} legs");
    let g: Value =
        serde_json::from_str(&std::fs::read_to_string(d.path().join("plan.geojson")).unwrap())
            .unwrap();
    let mut stays = 0;
    for f in g["features"].as_array().unwrap() {
        let c = f["geometry"]["coordinates"].as_array().unwrap();
        let t = f["properties"]["times_s"].as_array().unwrap();
        for i in 1..c.len() {
            let dt = t[i].as_f64().unwrap() - t[i - 1].as_f64().unwrap();
            if c[i] == c[i - 1] && (dt - 600.0).abs() < 1.0 {
                stays += 1;
            }
        }
    }
    assert!(stays > 20, "{stays} ten-minute stays in plan.geojson");
    let html = std::fs::read_to_string(d.path().join("orders/AD-F1.html")).unwrap();
    assert!(html.contains("<th>stay</th>"));
    let rows = html.matches("<td>10 min, leave ").count();
    assert!(rows > 2, "{rows} stays in AD-F1's orders");
    assert!(sum["worst_idleness_min"].as_f64().unwrap() > 0.0);
    // the plan file says what it was planned with
    let pj: Value =
        serde_json::from_str(&std::fs::read_to_string(d.path().join("plan.json")).unwrap())
            .unwrap();
    assert_eq!(pj["options"]["dwell_min"].as_f64(), Some(10.0));
    // without a dwell every row is passed through
    run_plan(&sc, &d.path().join("plain"), &[]);
    let html = std::fs::read_to_string(d.path().join("plain/orders/AD-F1.html")).unwrap();
    assert!(!html.contains(" min, leave "));
    assert!(html.contains("<td>passing</td>"));
}

#[test]
fn a_dwell_longer_than_a_shift_is_refused_by_name() {
    let sc = repo().join("scenarios/andorra-spain.toml");
    let d = tempfile::tempdir().unwrap();
    let o = Command::new(bin())
        .args(["plan", "--objective", "idleness", "--dwell-min", "300"])
        .arg(&sc)
        .arg("--out")
        .arg(d.path())
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("dwell"), "{err}");
    assert!(err.contains("240"), "{err}");
    assert!(!d.path().join("plan.json").exists());
}
