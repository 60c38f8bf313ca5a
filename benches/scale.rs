//! Scaling suite (no Bevy): load + index, assess, plan, simulate on the
//! shipped continental scenario (usa-mexico) and on synthetic borders of
//! 100 to 10,000 km (`borderwatch import synthetic`, seed 1).
//! Run: `cargo bench --no-default-features --bench scale`
//! Prints one table; results go in BENCHMARKS.md.

use borderwatch::import::generate::{generate, GenerateOptions};
use borderwatch::plan::{PlanMode, PlanOptions, Planner};
use borderwatch::sim::{Cooperation, SimOptions, World};
use std::path::Path;
use std::time::{Duration, Instant};

fn time<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let s = Instant::now();
    let x = f();
    (x, s.elapsed())
}

fn ms(d: Duration) -> String {
    format!("{:.0}", d.as_secs_f64() * 1e3)
}

fn main() {
    let out = std::env::temp_dir().join("borderwatch-scale");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let lengths: Vec<f64> = std::env::var("SCALE_KM")
        .ok()
        .map(|v| v.split(',').filter_map(|x| x.parse().ok()).collect())
        .unwrap_or_else(|| vec![100.0, 300.0, 1000.0, 3000.0, 10_000.0]);
    let mut cases: Vec<(String, std::path::PathBuf)> = vec![(
        "usa-mexico (shipped)".into(),
        repo.join("scenarios/usa-mexico.toml"),
    )];
    for &l in &lengths {
        let name = format!("synthetic-{l:.0}");
        let (_, t) = time(|| {
            generate(&GenerateOptions {
                length_km: l,
                name: name.clone(),
                out: out.clone(),
                ..GenerateOptions::default()
            })
            .unwrap()
        });
        eprintln!("generated {name} in {} ms", ms(t));
        cases.push((
            format!("synthetic {l:.0} km"),
            out.join(format!("scenarios/{name}.toml")),
        ));
    }
    let runs = 50_000;
    println!("| case | border km | posts | units | routes | load + index ms | assess ms | plan 24 h joint ms | simulation setup ms | simulate {runs} ms | crossings/min |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (label, path) in cases {
        let ((s, _), t_load) = time(|| {
            let l = borderwatch::scenario::load_ok(&path).unwrap();
            let _ = borderwatch::index::SpatialIndex::build(&l.0);
            l
        });
        let km = borderwatch::info::info(&s)
            .pairs
            .iter()
            .map(|p| p.length_km)
            .sum::<f64>();
        let ao = borderwatch::assess::AssessOptions::default();
        let (a, t_assess) = time(|| borderwatch::assess::assess(&s, &ao).unwrap());
        let po = PlanOptions {
            seed: 1,
            watch_m: 1000.0,
            ..PlanOptions::for_scenario(&s, PlanMode::Joint)
        };
        let mut ao1 = ao.clone();
        ao1.segment_m = 1000.0;
        let a1 = borderwatch::assess::assess(&s, &ao1).unwrap();
        let (layers, t_plan) = time(|| {
            let pl = Planner::from_assessment(&s, po.clone(), &a1).unwrap();
            pl.layers(&pl.solve())
        });
        drop(a);
        let o = SimOptions {
            runs,
            seed: 7,
            coop: Cooperation {
                shared_feeds: true,
                hot_pursuit: true,
            },
            ..SimOptions::default()
        };
        let (w, t_setup) =
            time(|| World::new(&s, layers.units.clone(), layers.horizon_s, o).unwrap());
        // the first run builds the responders' travel tables on the way
        let (outs, t_sim) = time(|| w.run().len());
        println!(
            "| {label} | {km:.0} | {} | {} | {} | {} | {} | {} | {} | {} | {:.2} M |",
            s.posts.len(),
            s.units.len(),
            s.routes.len(),
            ms(t_load),
            ms(t_assess),
            ms(t_plan),
            ms(t_setup),
            ms(t_sim),
            outs as f64 / t_sim.as_secs_f64() * 60.0 / 1e6
        );
    }
}
