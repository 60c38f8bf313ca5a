//! The interception game: hand-made cases whose optimum is known, the
//! planner's figure against the simulator's, and the ladder on a shipped
//! scenario.

mod common;
use borderwatch::game::evaluate;
use borderwatch::game::schedule::{Duty, Schedule};
use borderwatch::game::targets::Target;
use borderwatch::game::{Game, GameOptions};
use borderwatch::model::UnitMode;
use borderwatch::plan::UnitLayer;
use borderwatch::sim::{Knowledge, SimOptions, World};
use common::*;
use geo::Coord;

/// The mini border with its post seeing every route with p = 1, day and
/// night; `extra` routes appended to routes.geojson.
fn mini_p1(extra: &str) -> (tempfile::TempDir, borderwatch::model::Scenario) {
    let (d, toml) = mini();
    edit(
        &toml,
        "kind = \"day_optical\"\nrange_m = 4000.0",
        "kind = \"thermal\"\nrange_m = 20000.0\nnight = true\np_detect = 1.0",
    );
    if !extra.is_empty() {
        let routes = d.path().join("maps/mini/routes.geojson");
        edit(&routes, "}}\n]}", &format!("}}}},\n{extra}\n]}}"));
    }
    let (s, _) = borderwatch::scenario::load_ok(&toml).unwrap();
    (d, s)
}

/// Unit 0 (AD-F1, on foot) standing at `lonlat` around the clock.
fn standing(w: &World, lonlat: (f64, f64)) -> Schedule {
    let xy = w.s.projection.forward(Coord {
        x: lonlat.0,
        y: lonlat.1,
    });
    let layer = UnitLayer {
        id: "AD-F1".into(),
        state: 0,
        mode: UnitMode::Foot,
        xy: vec![xy, xy],
        times: vec![-86_400.0, 2.0 * 86_400.0],
        shifts: vec![(-86_400.0, 2.0 * 86_400.0)],
    };
    Schedule::new(
        w,
        0,
        0.0,
        Duty::Standby {
            at: xy,
            arrive_s: 0.0,
            leave_s: 86_400.0,
        },
        layer,
    )
}

/// Every hour of both directions of `routes`, all of full value.
fn targets(routes: &[usize]) -> Vec<Target> {
    routes
        .iter()
        .flat_map(|&route| {
            [true, false].into_iter().flat_map(move |forward| {
                (0..24).map(move |hour| Target {
                    route,
                    forward,
                    hour,
                    value: 1.0,
                })
            })
        })
        .collect()
}

fn world(s: &borderwatch::model::Scenario) -> World<'_> {
    World::new(
        s,
        vec![],
        86_400.0,
        SimOptions {
            seed: 5,
            ..SimOptions::default()
        },
    )
    .unwrap()
}

#[test]
fn a_route_a_post_sees_with_p1_and_a_unit_standing_by_next_to_it_has_value_1() {
    let (_d, s) = mini_p1("");
    let w = world(&s);
    let mut g = Game::new(&w, vec![0], targets(&[0]), GameOptions::default()).unwrap();
    let a = g.add_schedule(standing(&w, (10.047, 45.02)));
    g.add_plan(vec![a]);
    let sol = g.solve().unwrap();
    assert!(sol.guaranteed > 0.999, "{}", sol.guaranteed);
    // and the simulator agrees: every best-responding crossing is caught
    let outs = evaluate::replay(
        &w,
        &g.pool,
        &sol.plans,
        &sol.mix,
        Knowledge::BestResponse,
        Some(&g.targets[sol.best_response]),
        2000,
        9,
        3,
    );
    assert!(outs.iter().all(|o| o.intercepted_s.is_some()));
}

#[test]
fn two_far_apart_routes_and_one_unit_it_stands_by_at_each_half_the_time() {
    // R2 8 km north of R1: a unit on foot at one cannot reach the other
    let (_d, s) = mini_p1(
        r#"{"type":"Feature","properties":{"id":"R2","kind":"path"},"geometry":{"type":"LineString","coordinates":[[10.04,45.09],[10.06,45.09]]}}"#,
    );
    let w = world(&s);
    let mut g = Game::new(&w, vec![0], targets(&[0, 1]), GameOptions::default()).unwrap();
    let a = g.add_schedule(standing(&w, (10.047, 45.02)));
    let b = g.add_schedule(standing(&w, (10.047, 45.09)));
    // the LP over every pure plan (there are two): the exact optimum
    g.add_plan(vec![a]);
    g.add_plan(vec![b]);
    let sol = g.solve().unwrap();
    assert!((sol.guaranteed - 0.5).abs() < 0.01, "{}", sol.guaranteed);
    let on_a = sol.mix[0];
    assert!((on_a - 0.5).abs() < 0.01, "{:?}", sol.mix);
    // the smuggler who knows the mix but not the draw: caught half the time
    let outs = evaluate::replay(
        &w,
        &g.pool,
        &sol.plans,
        &sol.mix,
        Knowledge::BestResponse,
        Some(&g.targets[sol.best_response]),
        4000,
        11,
        3,
    );
    let e = evaluate::Estimate::of(&outs);
    let expected = sol.against[sol.best_response].1;
    assert!(
        e.ci95[0] <= expected && expected <= e.ci95[1],
        "planner {expected} vs simulated {e:?}"
    );
}

#[test]
fn the_planners_figure_is_the_simulators_expectation() {
    // one pure plan, many seeded replays of one target: the mean of the
    // replays converges on World::expected
    let (_d, s) = mini_p1("");
    let w = world(&s);
    let sc = standing(&w, (10.03, 45.03));
    let crews = borderwatch::game::targets::crews(std::iter::once(&sc));
    for (t0, fwd) in [(3_600.0, true), (50_000.0, false)] {
        let (_, exact) = w.expected(&crews, 0, t0, fwd);
        let n = 6000;
        let hits = (0..n)
            .filter(|i| {
                let mut rng = fastrand::Rng::with_seed(*i as u64);
                w.replay_with(&crews, 0, t0, fwd, &mut rng)
                    .intercepted_s
                    .is_some()
            })
            .count() as f64
            / n as f64;
        let h = 3.0 * (exact * (1.0 - exact) / n as f64).sqrt() + 1e-9;
        assert!((hits - exact).abs() <= h, "{t0} {fwd}: {hits} vs {exact}");
    }
}

#[test]
fn the_ladder_on_liechtenstein_never_decreases_and_beats_the_idleness_plan() {
    let (_d, p) = shipped("liechtenstein-switzerland");
    let (s, _) = borderwatch::scenario::load_ok(&p).unwrap();
    let pl = borderwatch::plan::Planner::new(
        &s,
        borderwatch::plan::PlanOptions::for_scenario(&s, borderwatch::plan::PlanMode::Joint),
    )
    .unwrap();
    let rs = pl.solve_modes(&[
        borderwatch::plan::PlanMode::Independent,
        borderwatch::plan::PlanMode::Joint,
    ]);
    let ind = pl.layers_as(&rs[0], borderwatch::plan::PlanMode::Independent);
    let joint = pl.layers_as(&rs[1], borderwatch::plan::PlanMode::Joint);
    let mut w = World::new(
        &s,
        vec![],
        86_400.0,
        SimOptions {
            seed: 7,
            ..SimOptions::default()
        },
    )
    .unwrap();
    let o = GameOptions {
        max_iters: 3,
        time_limit_s: 600.0,
        ..GameOptions::default()
    };
    let rows =
        borderwatch::game::run::ladder(&mut w, (&ind.units, &joint.units), &o, 1500, 7).unwrap();
    assert_eq!(rows.len(), 4);
    for k in 1..4 {
        assert!(
            rows[k].guaranteed_p_intercept >= rows[k - 1].guaranteed_p_intercept,
            "rung {k}: {rows:?}"
        );
    }
    for r in &rows {
        assert!(r.upper_bound >= r.guaranteed_p_intercept);
        let base = r.idleness_guaranteed.unwrap();
        assert!(r.guaranteed_p_intercept >= base, "{r:?}");
    }
    // the independent rung is each State's own game: both reported, each
    // with its own bound; the joint rungs are one game
    assert_eq!(rows[0].own_games.len(), 2, "{rows:?}");
    for g in &rows[0].own_games {
        assert!(g.upper_bound >= g.guaranteed && g.iterations > 0, "{g:?}");
    }
    assert!(rows[1..].iter().all(|r| r.own_games.is_empty()));
    assert!(rows[0].iterations >= rows[0].own_games.iter().map(|g| g.iterations).sum());
    // three rounds already buy interceptions against the informed
    // smuggler, where the idleness plan guarantees none
    assert!(rows[3].guaranteed_p_intercept > 0.0, "{rows:?}");
    // the simulator agrees with the planner on the best response
    for r in &rows {
        let e = &r.best_response_sim;
        let x = r.best_response_expected_p_intercept;
        assert!(
            e.ci95[0] - 0.01 <= x && x <= e.ci95[1] + 0.01,
            "{}: planner {x} vs simulated {e:?}",
            r.step
        );
    }
}

#[test]
fn plan_publishes_the_mix_and_simulate_best_responds_to_it() {
    let (d, p) = shipped("liechtenstein-switzerland");
    let out = d.path().join("plan");
    let o = std::process::Command::new(bin())
        .args(["plan", p.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .args(["--rounds", "6", "--json", "--start", "2026-12-04T06:00:00Z"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let m: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(m["objective"], "interception");
    let g = m["guaranteed_p_intercept"].as_f64().unwrap();
    let b = m["idleness_baseline_guaranteed_p_intercept"]
        .as_f64()
        .unwrap();
    // (six rounds: the guarantee is not yet far from the idleness plan's;
    // the ladder test checks what the rounds buy)
    assert!(g >= b, "{m}");
    assert!(m["upper_bound"].as_f64().unwrap() >= g);
    let plan: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("plan.json")).unwrap()).unwrap();
    let mix = plan["mix"].as_array().unwrap();
    let total: f64 = mix.iter().map(|x| x["probability"].as_f64().unwrap()).sum();
    assert!((total - 1.0).abs() < 1e-4, "{total}");
    // each schedule of the support is written once, and every plan of the
    // mix names one per unit, in the units' order
    let schedules = plan["schedules"].as_array().unwrap();
    let written: std::collections::HashSet<String> =
        schedules.iter().map(|x| x.to_string()).collect();
    assert_eq!(written.len(), schedules.len());
    let units: Vec<&str> = plan["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["unit"].as_str().unwrap())
        .collect();
    for x in mix {
        let ids: Vec<&str> = x["schedules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                schedules[i.as_u64().unwrap() as usize]["unit"]
                    .as_str()
                    .unwrap()
            })
            .collect();
        assert_eq!(ids, units);
    }
    assert_eq!(plan["units"].as_array().unwrap().len(), 8);
    // the smuggler's options at their weakest: one line per journey, the
    // best response among them at the guarantee's P(intercept)
    let tg: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("targets.geojson")).unwrap())
            .unwrap();
    let feats = tg["features"].as_array().unwrap();
    let ids: std::collections::HashSet<&str> = feats
        .iter()
        .map(|f| f["properties"]["route"].as_str().unwrap())
        .collect();
    assert!(!feats.is_empty() && ids.len() == feats.len());
    // without --corridors, only the mapped ways
    assert!(feats.iter().all(|f| f["properties"]["kind"] == "mapped"));
    let best: Vec<_> = feats
        .iter()
        .filter(|f| f["properties"]["best_response"] == true)
        .collect();
    assert_eq!(best.len(), 1, "{tg}");
    assert_eq!(
        best[0]["properties"]["weakest"], m["best_response"]["target"],
        "{tg}"
    );
    // the day's orders: one row per unit, each a standby or a patrol
    let duties = std::fs::read_to_string(out.join("duties.csv")).unwrap();
    assert_eq!(duties.lines().count(), 1 + 8, "{duties}");
    assert!(duties.contains(",standby,") || duties.contains(",patrol,"));
    // and as each unit's track and printable orders: a standby row of
    // duties.csv is a GPX waypoint at its position and a row of the orders
    for row in duties.lines().skip(1) {
        let f: Vec<&str> = row.split(',').collect();
        let (unit, duty) = (f[1], f[5]);
        let g = gpx::read(std::io::BufReader::new(
            std::fs::File::open(out.join(format!("gpx/{unit}.gpx"))).unwrap(),
        ))
        .unwrap();
        assert!(g.tracks[0].segments[0].points.len() >= 2, "{unit}");
        assert!(g.tracks[0].segments[0].points[0].time.is_some(), "{unit}");
        let html = std::fs::read_to_string(out.join(format!("orders/{unit}.html"))).unwrap();
        assert!(html.contains(&format!("Orders — {unit}")), "{unit}");
        // a map sketch of the unit's paths over the basemap, legs measured
        assert!(
            html.contains("<h2>Map</h2><svg") && html.contains("<title>LIE</title>"),
            "{unit}"
        );
        assert!(html.contains("stroke-dasharray"), "{unit}: the path drawn");
        if duty == "standby" {
            let (lat, lon): (f64, f64) = (f[6].parse().unwrap(), f[7].parse().unwrap());
            let w = &g.waypoints[0];
            assert!(
                (w.point().y() - lat).abs() < 1e-5 && (w.point().x() - lon).abs() < 1e-5,
                "{unit}: {:?} vs {lat},{lon}",
                w.point()
            );
            // clock times from --start (06:00): duties.csv's hours are
            // from the start of the plan's day
            let (h, mi) = f[8].split_once(':').unwrap();
            let at = format!("{:02}:{mi} UTC", (h.parse::<u32>().unwrap() + 6) % 24);
            assert!(
                html.contains("stand by") && html.contains(&at),
                "{at} {html}"
            );
            // where, for a patrol: grid references (zone, band and 100 km
            // square of the position), the place and border km, the dwell
            let g = borderwatch::geom::grid::grid_ref(geo::Coord { x: lon, y: lat }).unwrap();
            let square = &g.mgrs[..7];
            assert!(html.contains(&format!("MGRS {square}")), "{square} {html}");
            assert!(html.contains("UTM 32T "), "{html}");
            assert!(
                html.contains("border km ") && html.contains("dwell "),
                "{html}"
            );
            assert!(
                html.contains(" of ") || html.contains("at "),
                "a place named: {html}"
            );
        } else {
            assert!(html.contains("patrol the track"), "{html}");
        }
    }
    // the smuggler who knows the mix: the simulated P(intercept) agrees
    // with the planner's figure on the target he picks
    let o = std::process::Command::new(bin())
        .args(["simulate", p.to_str().unwrap(), "--plan"])
        .arg(out.join("plan.json"))
        .args([
            "--runs",
            "4000",
            "--knowledge",
            "best-response",
            "--json",
            "--out",
        ])
        .arg(d.path().join("sim"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let s: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let am = &s["against_mix"];
    let x = am["planner_p_intercept"].as_f64().unwrap();
    let ci = am["simulated"]["ci95"].as_array().unwrap();
    let (lo, hi) = (ci[0].as_f64().unwrap(), ci[1].as_f64().unwrap());
    assert!(lo - 0.005 <= x && x <= hi + 0.005, "{am}");
    // the same smuggler's value read back from plan.json (the target may
    // differ among ties)
    let planned = m["best_response"]["p_intercept"].as_f64().unwrap();
    assert!((x - planned).abs() < 0.005, "{am} vs {m}");
    // a plan of the mix that names a schedule not written is refused by
    // its place in the file
    let mut bad = plan.clone();
    bad["mix"][0]["schedules"][0] = serde_json::json!(schedules.len());
    let bad_path = d.path().join("bad-plan.json");
    std::fs::write(&bad_path, bad.to_string()).unwrap();
    let o = std::process::Command::new(bin())
        .args(["simulate", p.to_str().unwrap(), "--plan"])
        .arg(&bad_path)
        .args(["--runs", "10", "--out"])
        .arg(d.path().join("sim-bad"))
        .output()
        .unwrap();
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(
        e.contains("bad-plan.json") && e.contains("mix[0].schedules[0]"),
        "{e}"
    );
}

#[test]
fn a_horizon_shorter_than_a_shift_is_refused_by_name() {
    let (d, p) = shipped("liechtenstein-switzerland");
    let o = std::process::Command::new(bin())
        .args(["plan", p.to_str().unwrap(), "--hours", "4", "--out"])
        .arg(d.path().join("x"))
        .output()
        .unwrap();
    assert!(!o.status.success());
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("--hours 4") && e.contains("shift"), "{e}");
}

#[test]
fn needs_ranks_every_change_by_its_gain() {
    let (_d, p) = shipped("liechtenstein-switzerland");
    let (s, _) = borderwatch::scenario::load_ok(&p).unwrap();
    let o = GameOptions {
        max_iters: 2,
        time_limit_s: 600.0,
        ..GameOptions::default()
    };
    let none = borderwatch::sim::Cooperation {
        shared_feeds: false,
        hot_pursuit: false,
    };
    let (now, rows) = borderwatch::game::needs::needs(&s, none, &o, 2, 7).unwrap();
    assert!((0.0..=1.0).contains(&now.guaranteed_p_intercept));
    let names: Vec<&str> = rows.iter().map(|r| r.change.as_str()).collect();
    for want in [
        "one more foot unit for LIE",
        "one more vehicle unit for CHE",
        "one more boat unit for LIE",
        "every shift 4 h longer",
        "shared post feeds",
        "hot pursuit",
    ] {
        assert!(names.contains(&want), "{want} missing from {names:?}");
    }
    assert!(names.iter().any(|n| n.contains("liaison delay halved")));
    for w in rows.windows(2) {
        assert!(w[0].gain >= w[1].gain, "not ranked: {rows:?}");
    }
    for r in &rows {
        let g = r.guaranteed_p_intercept - now.guaranteed_p_intercept;
        assert!((r.gain - g).abs() < 1e-3, "{r:?}");
        assert!(r.upper_bound >= r.guaranteed_p_intercept, "{r:?}");
    }
}

#[test]
fn an_interception_plan_is_the_same_bytes_for_any_thread_count() {
    let (d, p) = shipped("liechtenstein-switzerland");
    let run = |threads: &str| {
        let out = d.path().join(format!("plan-{threads}"));
        let o = std::process::Command::new(bin())
            .env("RAYON_NUM_THREADS", threads)
            .args(["plan", p.to_str().unwrap(), "--rounds", "3", "--out"])
            .arg(&out)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        ["plan.json", "duties.csv", "plan.geojson"].map(|f| std::fs::read(out.join(f)).unwrap())
    };
    assert!(
        run("1") == run("2"),
        "the files differ between 1 and 2 threads"
    );
}
