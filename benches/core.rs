//! Core benchmarks (no Bevy): import, load+validate, index build, queries.
//! Run: `cargo bench --no-default-features --bench core`
//! Prints the median of several runs of each step; results go in BENCHMARKS.md.

use borderwatch::import::{self, StateCode};
use borderwatch::index::SpatialIndex;
use geo::Coord;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn data() -> PathBuf {
    [
        std::env::var_os("BORDERWATCH_DATA").map(PathBuf::from),
        Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data")),
        Some(PathBuf::from("/work/shared/data")),
    ]
    .into_iter()
    .flatten()
    .find(|p| p.join("osm").is_dir())
    .expect("shared data not found: set BORDERWATCH_DATA")
}

fn median(mut f: impl FnMut(), runs: usize) -> Duration {
    let mut t: Vec<Duration> = (0..runs)
        .map(|_| {
            let s = Instant::now();
            f();
            s.elapsed()
        })
        .collect();
    t.sort();
    t[runs / 2]
}

fn row(name: &str, d: Duration, note: &str) {
    println!(
        "| {name:<44} | {:>10.3} ms | {note} |",
        d.as_secs_f64() * 1e3
    );
}

fn main() {
    let d = data();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = std::env::temp_dir().join("borderwatch-bench");
    println!("| step | median | note |\n|---|---:|---|");
    let t = median(
        || {
            import::osm::import(&import::osm::OsmOptions {
                pbf: d.join("osm/andorra-2013.osm.pbf"),
                states: StateCode::parse_pair("AD,ES").unwrap(),
                dem: Some(d.join("dem/N42E001.hgt.zip")),
                name: "andorra-spain".into(),
                out: out.clone(),
                network_km: 10.0,
                blue_tolerance_m: 80.0,
                exercise_posts: 3,
                seed: 7,
            })
            .unwrap();
        },
        5,
    );
    row(
        "import osm andorra-spain (+DEM, posts)",
        t,
        "565 KB PBF, 69,644 nodes",
    );
    let t = median(
        || {
            import::osm::import(&import::osm::OsmOptions {
                pbf: d.join("osm/liechtenstein-2013-08-03.osm.pbf"),
                states: StateCode::parse_pair("LI,CH").unwrap(),
                dem: None,
                name: "liechtenstein-switzerland".into(),
                out: out.clone(),
                network_km: 10.0,
                blue_tolerance_m: 80.0,
                exercise_posts: 2,
                seed: 7,
            })
            .unwrap();
        },
        5,
    );
    row("import osm liechtenstein-switzerland", t, "593 KB PBF");
    let t = median(
        || {
            import::naturalearth::import(&import::naturalearth::NaturalEarthOptions {
                file: d.join("naturalearth/ne_10m_admin_0_boundary_lines_land.json"),
                states: StateCode::parse_pair("US,MX").unwrap(),
                name: "usa-mexico".into(),
                out: out.clone(),
                crossings: Some(d.join("crossings/tx-mx-border-crossings.csv")),
                snap_tolerance_m: 3000.0,
                rivers: Some(d.join("naturalearth/ne_10m_rivers_north_america.json")),
                blue_tolerance_m: 1500.0,
                blue_between: Vec::new(),
                exercise_routes: 0,
                exercise_posts: 0,
                seed: 1,
                countries: None,
                places: None,
            })
            .unwrap();
        },
        5,
    );
    row(
        "import naturalearth usa-mexico (+rivers, CSV)",
        t,
        "2,641 km line",
    );
    let toml = repo.join("scenarios/andorra-spain.toml");
    let t = median(
        || {
            borderwatch::scenario::load_ok(&toml).unwrap();
        },
        9,
    );
    row(
        "load + validate andorra-spain (with DEM)",
        t,
        "1,650 network links",
    );
    let (s, _) = borderwatch::scenario::load_ok(&toml).unwrap();
    let t = median(
        || {
            SpatialIndex::build(&s);
        },
        9,
    );
    row("build spatial index andorra-spain", t, "");
    let idx = SpatialIndex::build(&s);
    let (min, max) = s.bbox_xy().unwrap();
    let n = 100_000;
    let pts: Vec<Coord> = (0..n)
        .map(|i| {
            // a deterministic low-discrepancy spread over the bbox
            let (u, v) = ((i as f64 * 0.618_034) % 1.0, (i as f64 * 0.754_877) % 1.0);
            Coord {
                x: min.x + u * (max.x - min.x),
                y: min.y + v * (max.y - min.y),
            }
        })
        .collect();
    let t = median(
        || {
            let mut acc = 0.0;
            for p in &pts {
                acc += idx.border.snap(*p).unwrap().chainage_km;
            }
            std::hint::black_box(acc);
        },
        5,
    );
    row(
        "100k border snaps (chainage)",
        t,
        &format!("{:.0} ns/query", t.as_nanos() as f64 / n as f64),
    );
    let t = median(
        || {
            let mut acc = 0;
            for p in &pts {
                acc += idx.nearest_post(*p, |_| true).unwrap().0;
            }
            std::hint::black_box(acc);
        },
        5,
    );
    row(
        "100k nearest-post queries",
        t,
        &format!("{:.0} ns/query", t.as_nanos() as f64 / n as f64),
    );
    let t = median(
        || {
            let mut acc = 0;
            for p in pts.iter().take(10_000) {
                acc += idx.within(*p, 500.0).len();
            }
            std::hint::black_box(acc);
        },
        5,
    );
    row(
        "10k features-within-500 m queries",
        t,
        &format!("{:.0} µs/query", t.as_micros() as f64 / 10_000.0),
    );

    // Assessment.
    let ao = borderwatch::assess::AssessOptions::default();
    for name in ["andorra-spain", "liechtenstein-switzerland"] {
        let (sc, _) =
            borderwatch::scenario::load_ok(&repo.join(format!("scenarios/{name}.toml"))).unwrap();
        let segs = borderwatch::assess::assess(&sc, &ao)
            .unwrap()
            .segments
            .len();
        let t = median(
            || {
                borderwatch::assess::assess(&sc, &ao).unwrap();
            },
            5,
        );
        row(
            &format!("assess {name}"),
            t,
            &format!(
                "{segs} segments, {} posts{}",
                sc.posts.len(),
                if sc.dem.is_some() {
                    ", DEM line of sight"
                } else {
                    ", no DEM"
                }
            ),
        );
    }
    // Continental: USA–Mexico from Natural Earth with 300 generated posts.
    import::naturalearth::import(&import::naturalearth::NaturalEarthOptions {
        file: d.join("naturalearth/ne_10m_admin_0_boundary_lines_land.json"),
        states: StateCode::parse_pair("US,MX").unwrap(),
        name: "usa-mexico-300".into(),
        out: out.clone(),
        crossings: Some(d.join("crossings/tx-mx-border-crossings.csv")),
        snap_tolerance_m: 3000.0,
        rivers: Some(d.join("naturalearth/ne_10m_rivers_north_america.json")),
        blue_tolerance_m: 1500.0,
        blue_between: Vec::new(),
        exercise_routes: 0,
        exercise_posts: 150,
        seed: 1,
        countries: None,
        places: None,
    })
    .unwrap();
    let (us, _) =
        borderwatch::scenario::load_ok(&out.join("scenarios/usa-mexico-300.toml")).unwrap();
    let segs = borderwatch::assess::assess(&us, &ao)
        .unwrap()
        .segments
        .len();
    let t = median(
        || {
            borderwatch::assess::assess(&us, &ao).unwrap();
        },
        3,
    );
    row(
        "assess usa-mexico (300 posts)",
        t,
        &format!("{segs} segments, 2,641 km, no DEM"),
    );
    // Patrol planning.
    use borderwatch::plan::{PlanMode, PlanOptions, Planner};
    for (name, sc, mode) in [
        ("plan andorra-spain 24 h joint", &s, PlanMode::Joint),
        (
            "plan andorra-spain 24 h independent",
            &s,
            PlanMode::Independent,
        ),
    ] {
        let o = PlanOptions {
            mode,
            seed: 7,
            ..PlanOptions::default()
        };
        let t = median(
            || {
                Planner::new(sc, o.clone()).unwrap().solve();
            },
            5,
        );
        let r = Planner::new(sc, o.clone()).unwrap();
        let res = r.solve();
        row(
            name,
            t,
            &format!(
                "{} units, {} watch points, worst {:.0} min, baseline {:.0}, bound {:.0}",
                res.plan.tracks.len(),
                r.points.len(),
                res.eval.worst_idleness_min,
                res.baseline_eval.worst_idleness_min,
                res.lower_bound_min
            ),
        );
    }
    // Crossing simulation against the joint plan.
    {
        use borderwatch::sim::{Cooperation, SimOptions, World};
        let pl = Planner::new(&s, PlanOptions::for_scenario(&s, PlanMode::Joint)).unwrap();
        let layers = pl.layers(&pl.solve());
        let runs = 200_000;
        let o = SimOptions {
            runs,
            seed: 7,
            coop: Cooperation {
                shared_feeds: true,
                hot_pursuit: true,
            },
            ..SimOptions::default()
        };
        let w = World::new(&s, layers.units.clone(), layers.horizon_s, o).unwrap();
        // the first run also builds the responders' travel tables
        let t0 = std::time::Instant::now();
        w.run();
        let cold = t0.elapsed();
        let t = median(
            || {
                w.run();
            },
            3,
        );
        let per_min = |d: std::time::Duration| runs as f64 / d.as_secs_f64() * 60.0 / 1e6;
        row(
            "simulate andorra-spain, 200k crossings, first run",
            cold,
            &format!(
                "{:.2} M crossings/min, with the responders' travel tables built on the way",
                per_min(cold)
            ),
        );
        row(
            "simulate andorra-spain, 200k crossings, tables built",
            t,
            &format!(
                "{:.2} M crossings/min (25 routes, 6 posts, 7 units)",
                per_min(t)
            ),
        );
        // the interception planner's payoff: the exact expectation of one
        // crossing against the plan (what the game evaluates per target)
        let crews = w.crews();
        let cells: Vec<(usize, f64, bool)> = (0..w.routes.len())
            .flat_map(|r| {
                (0..24).flat_map(move |h| {
                    [
                        (r, h as f64 * 3600.0 + 900.0, true),
                        (r, h as f64 * 3600.0 + 900.0, false),
                    ]
                })
            })
            .collect();
        let t = median(
            || {
                for &(r, t0, f) in &cells {
                    std::hint::black_box(w.expected(&crews, r, t0, f));
                }
            },
            5,
        );
        row(
            "expected P(intercept), every route × hour × direction",
            t,
            &format!(
                "{} crossings, {:.1} µs each (the game's payoff, exact)",
                cells.len(),
                t.as_secs_f64() * 1e6 / cells.len() as f64
            ),
        );
    }
    // Continental: 300 posts per State, one foot patrol each (+ boats).
    import::naturalearth::import(&import::naturalearth::NaturalEarthOptions {
        file: d.join("naturalearth/ne_10m_admin_0_boundary_lines_land.json"),
        states: StateCode::parse_pair("US,MX").unwrap(),
        name: "usa-mexico-600".into(),
        out: out.clone(),
        crossings: Some(d.join("crossings/tx-mx-border-crossings.csv")),
        snap_tolerance_m: 3000.0,
        rivers: Some(d.join("naturalearth/ne_10m_rivers_north_america.json")),
        blue_tolerance_m: 1500.0,
        blue_between: Vec::new(),
        exercise_routes: 0,
        exercise_posts: 300,
        seed: 1,
        countries: None,
        places: None,
    })
    .unwrap();
    let (us6, _) =
        borderwatch::scenario::load_ok(&out.join("scenarios/usa-mexico-600.toml")).unwrap();
    let o = PlanOptions {
        seed: 1,
        watch_m: 1000.0,
        ..PlanOptions::default()
    };
    let t = median(
        || {
            Planner::new(&us6, o.clone()).unwrap().solve();
        },
        3,
    );
    let r = Planner::new(&us6, o.clone()).unwrap();
    let res = r.solve();
    row(
        "plan usa-mexico 24 h joint (602 units)",
        t,
        &format!(
            "{} watch points (1 km), worst {:.0} min, independent {:.0}, baseline {:.0}, bound {:.0}",
            r.points.len(),
            res.eval.worst_idleness_min,
            res.independent_eval.as_ref().map(|e| e.worst_idleness_min).unwrap_or(0.0),
            res.baseline_eval.worst_idleness_min,
            res.lower_bound_min
        ),
    );
    let t = median(
        || {
            borderwatch::assess::site::site(
                &s,
                &ao,
                &borderwatch::assess::site::SiteOptions::new(
                    borderwatch::ids::StateId::new("AND"),
                    3,
                ),
                &[],
            )
            .unwrap();
        },
        3,
    );
    row(
        "site andorra-spain --state AD --add 3",
        t,
        "lazy greedy over DEM high points",
    );
    // Viewshed alone.
    let terrain = borderwatch::terrain::scenario_terrain(&s, 30.0, 16_000.0).unwrap();
    for range in [4000.0, 15_000.0] {
        let p = borderwatch::terrain::viewshed::ViewshedParams::new(s.posts[0].xy, 3.0, 1.7, range);
        let t = median(
            || {
                borderwatch::terrain::viewshed::viewshed(&terrain, &p).unwrap();
            },
            9,
        );
        let cells = (2.0 * range / 30.0 + 1.0).powi(2);
        row(
            &format!("viewshed {:.0} km radius, 30 m grid", range / 1000.0),
            t,
            &format!("~{:.0}k cells", cells / 1000.0),
        );
    }
}
