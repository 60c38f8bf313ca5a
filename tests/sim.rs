//! Crossing simulation: hand-made cases whose answer is known.

mod common;
use borderwatch::model::UnitMode;
use borderwatch::plan::UnitLayer;
use borderwatch::sim::{rates, Cooperation, Knowledge, SimOptions, World};
use common::*;
use geo::Coord;

/// A unit standing at `lonlat` all day.
fn standing(
    s: &borderwatch::model::Scenario,
    id: &str,
    state: usize,
    lonlat: (f64, f64),
) -> UnitLayer {
    let xy = s.projection.forward(Coord {
        x: lonlat.0,
        y: lonlat.1,
    });
    UnitLayer {
        id: id.into(),
        state,
        mode: UnitMode::Foot,
        xy: vec![xy, xy],
        times: vec![0.0, 86_400.0],
        shifts: vec![(0.0, 86_400.0)],
    }
}

/// The mini border with a post that sees route R1 with p = 1, day and night.
fn mini_p1() -> (tempfile::TempDir, borderwatch::model::Scenario) {
    let (d, toml) = mini();
    edit(
        &toml,
        "kind = \"day_optical\"\nrange_m = 4000.0",
        "kind = \"thermal\"\nrange_m = 20000.0\nnight = true\np_detect = 1.0",
    );
    let (s, _) = borderwatch::scenario::load_ok(&toml).unwrap();
    (d, s)
}

fn opts(runs: usize, coop: Cooperation) -> SimOptions {
    SimOptions {
        runs,
        seed: 5,
        coop,
        ..SimOptions::default()
    }
}

const NONE: Cooperation = Cooperation {
    shared_feeds: false,
    hot_pursuit: false,
};

#[test]
fn a_route_in_full_view_of_a_post_with_p1_is_always_detected() {
    let (_d, s) = mini_p1();
    let w = World::new(&s, vec![], 86_400.0, opts(2000, NONE)).unwrap();
    let r = rates(w.run().iter());
    assert_eq!(r.attempts, 2000);
    assert_eq!(r.p_detect, 1.0);
    // nobody to respond: never intercepted, every crossing succeeds
    assert_eq!(r.p_intercept, 0.0);
    assert_eq!(r.succeeded, 2000);
}

#[test]
fn a_route_no_one_can_reach_in_time_is_never_intercepted() {
    let (_d, s) = mini_p1();
    // 40 km south of the route, on foot
    let far = standing(&s, "FAR", 0, (10.03, 44.66));
    let w = World::new(&s, vec![far], 86_400.0, opts(2000, NONE)).unwrap();
    let r = rates(w.run().iter());
    assert_eq!(r.p_detect, 1.0);
    assert_eq!(r.p_intercept, 0.0);
    // the same unit standing on the route is there in time
    let near = standing(&s, "NEAR", 0, (10.045, 45.02));
    let w = World::new(&s, vec![near], 86_400.0, opts(2000, NONE)).unwrap();
    let r = rates(w.run().iter());
    assert!(r.p_intercept > 0.3, "{r:?}");
}

#[test]
fn hot_pursuit_never_lowers_interception() {
    let (_d, s) = mini_p1();
    // Andorra's unit near the line on its own side
    let unit = standing(&s, "AD-1", 0, (10.047, 45.02));
    let hp = Cooperation {
        shared_feeds: false,
        hot_pursuit: true,
    };
    let a = World::new(&s, vec![unit.clone()], 86_400.0, opts(3000, NONE))
        .unwrap()
        .run();
    let b = World::new(&s, vec![unit], 86_400.0, opts(3000, hp))
        .unwrap()
        .run();
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(
            (x.route, x.start_s, x.forward),
            (y.route, y.start_s, y.forward)
        );
        if x.intercepted_s.is_some() {
            assert!(
                y.intercepted_s.is_some(),
                "hot pursuit lost an interception"
            );
        }
    }
    let (ra, rb) = (rates(a.iter()), rates(b.iter()));
    assert!(rb.p_intercept >= ra.p_intercept, "{ra:?} vs {rb:?}");
    // pursuit across the line is used, and catches the group sooner
    assert!(rb.mean_time_to_intercept_min < ra.mean_time_to_intercept_min);
    assert!(b.iter().any(|o| o.pursuit));
    assert!(!a.iter().any(|o| o.pursuit));
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let (_d, s) = mini_p1();
    let unit = standing(&s, "AD-1", 0, (10.047, 45.02));
    let run = |threads: usize| {
        let w = World::new(&s, vec![unit.clone()], 86_400.0, opts(3000, NONE)).unwrap();
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| format!("{:?}", w.run()))
    };
    assert_eq!(run(1), run(2));
}

#[test]
fn best_response_finds_the_weakest_route_of_a_plan() {
    let s =
        borderwatch::scenario::load_ok(&repo().join("scenarios/liechtenstein-switzerland.toml"))
            .unwrap()
            .0;
    let pl = borderwatch::plan::Planner::new(
        &s,
        borderwatch::plan::PlanOptions::for_scenario(&s, borderwatch::plan::PlanMode::Joint),
    )
    .unwrap();
    let layers = pl.layers(&pl.solve());
    let o = SimOptions {
        runs: 4000,
        seed: 3,
        knowledge: Knowledge::BestResponse,
        coop: Cooperation {
            shared_feeds: true,
            hot_pursuit: true,
        },
        ..SimOptions::default()
    };
    let w = World::new(&s, layers.units.clone(), layers.horizon_s, o.clone()).unwrap();
    let (route, _) = w.target.unwrap();
    let chosen = rates(w.run().iter());
    // every route tried by uninformed smugglers: the chosen one is among the
    // least intercepted
    let random = World::new(
        &s,
        layers.units.clone(),
        layers.horizon_s,
        SimOptions {
            knowledge: Knowledge::Random,
            runs: 20_000,
            ..o
        },
    )
    .unwrap()
    .run();
    let all = rates(random.iter());
    assert!(
        chosen.p_intercept <= all.p_intercept,
        "best response {:?} vs random {:?}",
        chosen,
        all
    );
    // the weakest (route, hour) is no stronger than any route's average
    // over the hours random smugglers take (up to sampling noise)
    let per_route: Vec<f64> = (0..w.routes.len())
        .map(|r| rates(random.iter().filter(|x| x.route == r)).p_intercept)
        .collect();
    let weakest = per_route.iter().copied().fold(1.0, f64::min);
    assert!(
        chosen.p_intercept <= weakest + 0.02,
        "route {} at {} vs the weakest route on average {weakest}",
        w.routes[route].id,
        chosen.p_intercept
    );
}

fn cli(args: &[&str]) -> std::process::Output {
    std::process::Command::new(bin())
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn simulate_cli_replays_a_plan_and_writes_the_events() {
    let sc = repo().join("scenarios/liechtenstein-switzerland.toml");
    let d = tempfile::tempdir().unwrap();
    let plan = d.path().join("plan");
    let o = std::process::Command::new(bin())
        .args(["plan", "--objective", "idleness"])
        .arg(&sc)
        .arg("--out")
        .arg(&plan)
        .output()
        .unwrap();
    assert!(o.status.success());
    let mut outs = Vec::new();
    for threads in ["1", "2"] {
        let out = d.path().join(format!("sim{threads}"));
        let o = std::process::Command::new(bin())
            .env("RAYON_NUM_THREADS", threads)
            .arg("simulate")
            .arg(&sc)
            .arg("--plan")
            .arg(plan.join("plan.json"))
            .args([
                "--runs",
                "20000",
                "--seed",
                "9",
                "--json",
                "--hot-pursuit",
                "--shared-feeds",
            ])
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["runs"], 20000);
        for k in ["p_detect", "p_intercept"] {
            let p = v[k].as_f64().unwrap();
            assert!((0.0..=1.0).contains(&p), "{k} {p}");
        }
        assert!(v["p_intercept"].as_f64().unwrap() <= v["p_detect"].as_f64().unwrap());
        assert!(v["mean_time_to_intercept_min"].as_f64().unwrap() > 0.0);
        assert!(v["per_state"]["LIE"]["attempts"].as_u64().unwrap() > 5000);
        assert_eq!(v["per_route"].as_array().unwrap().len(), 19);
        let km: u64 = v["per_border_km"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["attempts"].as_u64().unwrap())
            .sum();
        assert!(
            km > 10_000 && km <= 20_000,
            "{km} crossings placed on the border"
        );
        let events = std::fs::read_to_string(out.join("events.csv")).unwrap();
        assert_eq!(events.lines().count(), 20001);
        let g: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("events.geojson")).unwrap())
                .unwrap();
        let count = |e: &str| {
            g["features"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|f| f["properties"]["event"] == e)
                .count() as f64
                / 20000.0
        };
        assert!((count("interception") - v["p_intercept"].as_f64().unwrap()).abs() < 1e-3);
        assert!((count("detection") - v["p_detect"].as_f64().unwrap()).abs() < 1e-3);
        // per border segment: every crossing counted where its route
        // crosses (a route crossing twice counts in both)
        let segs = v["per_segment"].as_array().unwrap();
        assert!(segs.len() >= 10, "{} segments", segs.len());
        let seg_n: u64 = segs.iter().map(|x| x["attempts"].as_u64().unwrap()).sum();
        assert!(seg_n >= km, "{seg_n} < {km}");
        for x in segs {
            assert!(x["p_intercept"].as_f64().unwrap() <= x["p_detect"].as_f64().unwrap());
        }
        let csv = std::fs::read_to_string(out.join("segments.csv")).unwrap();
        assert_eq!(csv.lines().count(), segs.len() + 1);
        outs.push(events);
    }
    assert_eq!(outs[0], outs[1], "events differ between 1 and 2 threads");
}

#[test]
fn simulate_refuses_a_bad_plan_file() {
    let sc = repo().join("scenarios/andorra-spain.toml");
    let d = tempfile::tempdir().unwrap();
    let bad = d.path().join("plan.json");
    std::fs::write(&bad, r#"{"type":"FeatureCollection","features":[]}"#).unwrap();
    let o = cli(&[
        "simulate",
        sc.to_str().unwrap(),
        "--plan",
        bad.to_str().unwrap(),
        "--out",
        d.path().join("o").to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains("plan.json") && e.contains("borderwatch_plan"),
        "{e}"
    );
    // a plan of another scenario
    let li = repo().join("scenarios/liechtenstein-switzerland.toml");
    let p = d.path().join("li");
    assert!(cli(&[
        "plan",
        "--objective",
        "idleness",
        li.to_str().unwrap(),
        "--out",
        p.to_str().unwrap()
    ])
    .status
    .success());
    let o = cli(&[
        "simulate",
        sc.to_str().unwrap(),
        "--plan",
        p.join("plan.json").to_str().unwrap(),
        "--out",
        d.path().join("o").to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains("metrics.scenario") && e.contains("liechtenstein-switzerland"),
        "{e}"
    );
    let o = cli(&[
        "simulate",
        sc.to_str().unwrap(),
        "--plan",
        p.join("plan.json").to_str().unwrap(),
        "--out",
        "x",
        "--knowledge",
        "psychic",
    ]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("best-response"));
}

#[test]
fn compare_ladder_on_both_scenarios_feeds_and_pursuit_never_hurt() {
    for name in ["andorra-spain", "liechtenstein-switzerland"] {
        let sc = repo().join(format!("scenarios/{name}.toml"));
        let o = cli(&[
            "compare",
            sc.to_str().unwrap(),
            "--runs",
            "5000",
            "--json",
            "--objective",
            "idleness",
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let l = v["ladder"].as_array().unwrap();
        assert_eq!(l.len(), 4);
        let p = |i: usize| l[i]["p_intercept"].as_f64().unwrap();
        // the same crossings: shared feeds and hot pursuit only add options
        assert!(p(2) >= p(1) && p(3) >= p(2), "{name}: {}", v["ladder"]);
        for st in v["ladder"][3]["per_state"].as_object().unwrap().keys() {
            let q = |i: usize| l[i]["per_state"][st]["p_intercept"].as_f64().unwrap();
            assert!(q(3) >= q(2) && q(2) >= q(1), "{name} {st}");
        }
    }
}

#[test]
fn crossings_queue_figures_per_strategy_with_real_or_assumed_traffic() {
    let sc = repo().join("scenarios/andorra-spain.toml");
    let d = tempfile::tempdir().unwrap();
    let csv = d.path().join("traffic.csv");
    std::fs::write(&csv, "crossing,arrivals_per_h,lanes\nC1,30,1\n").unwrap();
    let o = cli(&[
        "crossings",
        sc.to_str().unwrap(),
        "--traffic",
        csv.to_str().unwrap(),
        "--json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let cs = v["crossings"].as_array().unwrap();
    assert_eq!(cs.len(), 5);
    let c1 = cs.iter().find(|c| c["crossing"] == "C1").unwrap();
    assert_eq!(c1["traffic_assumed"], false);
    assert_eq!(c1["traffic"]["lanes"], 1);
    // one lane, 30 vehicles/h, random: service 1 + 0.1 × 15 = 2.5 min → ρ = 1.25: saturated
    let st = |c: &serde_json::Value, k: &str| {
        c["strategies"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["strategy"] == k)
            .unwrap()
            .clone()
    };
    assert!(st(c1, "random")["mean_wait_min"].is_null());
    assert!((st(c1, "random")["throughput_per_h"].as_f64().unwrap() - 24.0).abs() < 0.1);
    let c2 = cs.iter().find(|c| c["crossing"] == "C2").unwrap();
    assert_eq!(c2["traffic_assumed"], true);
    let (r, p, t) = (st(c2, "random"), st(c2, "partial"), st(c2, "total"));
    assert!(p["mean_wait_min"].as_f64().unwrap() > r["mean_wait_min"].as_f64().unwrap());
    assert!(
        t["illicit_caught_share"].as_f64().unwrap() > p["illicit_caught_share"].as_f64().unwrap()
    );
    // a bad row is named
    std::fs::write(&csv, "crossing,arrivals_per_h,lanes\nC1,abc,2\nC77,10,1\n").unwrap();
    let o = cli(&[
        "crossings",
        sc.to_str().unwrap(),
        "--traffic",
        csv.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains("row 2") && e.contains("row 3") && e.contains("C77"),
        "{e}"
    );
}

#[test]
fn responders_travel_on_their_patrol_graph() {
    let (_d, s) = mini_p1();
    // R1 crosses the line (10.05° E) at 45.02° N; a foot unit stands on the
    // line 1 km north of it, a vehicle on Spain's track (2.4 km east of the
    // line, farther than a crew walks from its vehicle).
    let on_line = standing(&s, "AD-LINE", 0, (10.05, 45.029));
    let mut van = standing(&s, "ES-VAN", 1, (10.08, 45.02));
    van.mode = UnitMode::Vehicle;
    let w = World::new(&s, vec![on_line, van], 86_400.0, opts(1, NONE)).unwrap();
    let rt = &w.routes[0];
    let k = (0..rt.samples.len())
        .min_by(|&a, &b| rt.border_m[a].total_cmp(&rt.border_m[b]))
        .unwrap();
    assert!(rt.border_m[k] < 30.0);
    // along the line on the flat, off path: Tobler's 5.04 km/h × 0.6
    let t = w
        .response_s(0, 3600.0, 0, k)
        .expect("the line unit reaches it");
    let line_m = 0.009 * 111_195.0;
    let expect = line_m / (5.036 * 0.6 / 3.6);
    // plus the steps on and off the line's nodes (every 125 m)
    let step = 62.5 / (5.036 * 0.6 / 3.6);
    assert!(
        t > 0.99 * expect && t < expect + 2.0 * step,
        "{t} s vs {expect} s"
    );
    // the vehicle has no road to it
    assert_eq!(w.response_s(1, 3600.0, 0, k), None);
    // farther along the line than the crossing lasts: out of reach
    let far = standing(&s, "AD-FAR", 0, (10.05, 45.06));
    let w2 = World::new(&s, vec![far], 86_400.0, opts(1, NONE)).unwrap();
    assert_eq!(w2.response_s(0, 3600.0, 0, k), None);
    // off shift: nobody responds
    let mut w = w;
    let mut off = w.units.clone();
    off[0].shifts = vec![(0.0, 1800.0)];
    w.set_plan(off, 86_400.0, NONE);
    assert_eq!(w.response_s(0, 3600.0, 0, k), None);
}

#[test]
fn replay_tracks_pass_where_the_group_was_detected_and_stop_where_intercepted() {
    let (_d, s) = mini_p1();
    let near = standing(&s, "NEAR", 0, (10.045, 45.02));
    let w = World::new(&s, vec![near], 86_400.0, opts(500, NONE)).unwrap();
    let outs = w.run();
    let mut caught = 0;
    for o in &outs {
        let tr = w.track(o);
        assert_eq!(tr.times.first().copied(), Some(o.start_s));
        if let (Some(t), Some(at)) = (o.detected_s, o.detect_at) {
            let q = tr.position_at(t).expect("on the move when detected");
            assert!((q.x - at.x).abs() < 1e-6 && (q.y - at.y).abs() < 1e-6);
            assert!(tr.tracked_at(t));
        }
        if let (Some(t), Some(at)) = (o.intercepted_s, o.intercept_at) {
            caught += 1;
            let q = tr.position_at(t).expect("there when intercepted");
            assert!((q.x - at.x).abs() < 1e-6 && (q.y - at.y).abs() < 1e-6);
            assert_eq!(tr.position_at(t + 1.0), None, "stopped once intercepted");
        } else {
            // not intercepted: it reaches the far end
            let end = *tr.times.last().unwrap();
            assert_eq!(tr.position_at(end), tr.xy.last().copied());
        }
    }
    assert!(caught > 100, "{caught} intercepted");
}

#[test]
fn corridors_cross_between_the_mapped_ways_from_inland_to_inland() {
    // the shipped Liechtenstein–Switzerland border: the Rhine (blue) and
    // the mountains south of it (green)
    let (_d, p) = shipped("liechtenstein-switzerland");
    let s = borderwatch::scenario::load_ok(&p).unwrap().0;
    let o = SimOptions {
        corridors: true,
        ..opts(1, NONE)
    };
    let w = World::new(&s, vec![], 86_400.0, o).unwrap();
    let plain = World::new(&s, vec![], 86_400.0, opts(1, NONE)).unwrap();
    assert_eq!(w.mapped_routes, s.routes.len());
    assert_eq!(plain.routes.len(), s.routes.len());
    let off = &w.routes[w.mapped_routes..];
    assert!(!off.is_empty());
    let mapped_km: Vec<f64> = w.routes[..w.mapped_routes]
        .iter()
        .filter_map(|r| r.border_km)
        .collect();
    for r in off {
        let km = r.border_km.unwrap();
        // from one State's side to the other's, ends 1 km or more inland
        let (a, b) = (r.side[0], *r.side.last().unwrap());
        assert!(a.is_some() && b.is_some() && a != b, "{}", r.id);
        assert!(r.border_m[0] >= 1000.0 && *r.border_m.last().unwrap() >= 1000.0);
        // never within half a spacing of a mapped crossing
        assert!(
            mapped_km.iter().all(|m| (m - km).abs() >= 0.75),
            "{} near a mapped route",
            r.id
        );
        // a boat crossing of the Rhine, or a walk
        let boat = r.id.starts_with('W');
        assert_eq!(boat, r.kind == borderwatch::model::RouteKind::Landing);
    }
    assert!(
        off.iter().any(|r| r.id.starts_with('W')),
        "no boat crossing of the Rhine"
    );
    assert!(off.iter().any(|r| r.id.starts_with('X')), "no walk");
    // random smugglers keep to the mapped ways
    let outs = World::new(
        &s,
        vec![],
        86_400.0,
        SimOptions {
            corridors: true,
            ..opts(500, NONE)
        },
    )
    .unwrap()
    .run_with(&|_| {});
    assert!(outs.iter().all(|x| x.route < w.mapped_routes));
}

#[test]
fn simulate_sees_the_posts_on_the_terrain_the_plan_was_made_on() {
    let d = tempfile::tempdir().unwrap();
    let sc = repo().join("scenarios/andorra-spain.toml");
    let (sc, p) = (sc.to_str().unwrap(), d.path().join("p"));
    let o = cli(&[
        "plan",
        sc,
        "--objective",
        "idleness",
        "--cell-m",
        "90",
        "--target-height-m",
        "1.2",
        "--out",
        p.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let plan = p.join("plan.json");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&plan).unwrap()).unwrap();
    assert_eq!(v["metrics"]["terrain"]["cell_m"], 90.0);
    assert_eq!(v["metrics"]["terrain"]["target_height_m"], 1.2);
    // the same plan said to be made on the default terrain (60 m cells,
    // 1.7 m tall crossers), and as a plan from before the terrain was
    // recorded (no `terrain`: the defaults)
    let text = std::fs::read_to_string(&plan).unwrap();
    let recorded =
        "\"terrain\": {\n      \"cell_m\": 90.0,\n      \"target_height_m\": 1.2\n    },";
    assert!(text.contains(recorded));
    let default = d.path().join("default.json");
    let defaults =
        "\"terrain\": {\n      \"cell_m\": 60.0,\n      \"target_height_m\": 1.7\n    },";
    std::fs::write(&default, text.replace(recorded, defaults)).unwrap();
    let older = d.path().join("older.json");
    std::fs::write(&older, text.replace(recorded, "")).unwrap();
    let detect = |plan: &std::path::Path, out: &str| {
        let o = cli(&[
            "simulate",
            sc,
            "--plan",
            plan.to_str().unwrap(),
            "--runs",
            "4000",
            "--json",
            "--out",
            d.path().join(out).to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let s: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        s["p_detect"].as_f64().unwrap()
    };
    let made = detect(&plan, "a");
    let (on_default, on_older) = (detect(&default, "b"), detect(&older, "c"));
    // the same crossings and patrols, the posts seen on another grid
    assert_ne!(made, on_default);
    assert_eq!(on_default, on_older);
}

/// Counting the crossings as they come (a chunk of runs at a time, the
/// events log cut at its limit) gives the figures counting every outcome
/// at once gives, byte for byte, across a chunk boundary.
#[test]
fn a_tally_counted_chunk_by_chunk_is_the_whole_list_counted() {
    use borderwatch::sim::{output, tally};
    let (_d, s) = mini_p1();
    let runs = tally::CHUNK as usize + 777;
    let unit = standing(&s, "AD-F1", 0, (10.04, 45.05));
    let w = World::new(
        &s,
        vec![unit],
        86_400.0,
        opts(
            runs,
            Cooperation {
                shared_feeds: true,
                hot_pursuit: true,
            },
        ),
    )
    .unwrap();
    let streamed = w.tally_with(100, &|_| {});
    let outs = w.run();
    let whole = tally::Tally::of(&w, outs.clone(), 100);
    assert_eq!(streamed.runs(), runs);
    assert_eq!(streamed.events.len(), 100);
    assert_eq!(
        output::summary(&w, &streamed).to_string(),
        output::summary(&w, &whole).to_string()
    );
    // and the overall figure is the old filter's
    let r = rates(outs.iter());
    let t = streamed.all.rates();
    assert_eq!(
        (r.attempts, r.p_detect, r.p_intercept),
        (t.attempts, t.p_detect, t.p_intercept)
    );
    assert!(t.p_detect > 0.0, "the post sees R1: {t:?}");
    // the events kept are the first crossings, in run order
    assert_eq!(
        format!("{:?}", &streamed.events[..]),
        format!("{:?}", &outs[..100])
    );
}
