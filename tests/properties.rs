//! Property tests over every reader: the scenario TOML, each GeoJSON
//! layer, a CSV of points, `plan.json`, an SRTM tile and an OSM PBF, fed
//! inputs mutated from real ones (bytes flipped, cut, inserted; JSON values
//! replaced by hostile ones). Each must return a clean error or a valid
//! result — never panic — and do so in bounded work (the readers bound
//! every size before allocating; proptest's case count keeps CI short).

mod common;
use common::*;
use proptest::prelude::*;
use serde_json::Value;
use std::path::Path;

/// A byte-level edit of a file: (position fraction, kind, byte).
fn byte_edits() -> impl Strategy<Value = Vec<(f64, u8, u8)>> {
    prop::collection::vec((0.0..1.0f64, 0u8..4, any::<u8>()), 1..8)
}

/// Apply byte edits: 0 replace, 1 insert, 2 delete, 3 cut the rest.
fn apply(mut b: Vec<u8>, edits: &[(f64, u8, u8)]) -> Vec<u8> {
    for &(at, kind, byte) in edits {
        if b.is_empty() {
            b.push(byte);
            continue;
        }
        let i = ((at * b.len() as f64) as usize).min(b.len() - 1);
        match kind {
            0 => b[i] = byte,
            1 => b.insert(i, byte),
            2 => {
                b.remove(i);
            }
            _ => b.truncate(i),
        }
    }
    b
}

/// Values that break readers: extremes, wrong types, empties.
fn hostile() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        Just(serde_json::json!(1e308)),
        Just(serde_json::json!(-1e308)),
        Just(serde_json::json!(0)),
        Just(serde_json::json!(-1)),
        Just(serde_json::json!(500.0)),
        Just(serde_json::json!(u64::MAX)),
        Just(serde_json::json!("")),
        Just(serde_json::json!("Banana")),
        Just(serde_json::json!([])),
        Just(serde_json::json!({})),
        Just(serde_json::json!(true)),
        Just(serde_json::json!([1e308, -1e308])),
        Just(serde_json::json!([[0, 0], [0, 0]])),
        Just(serde_json::json!(["AD", "ES"])),
        any::<i32>().prop_map(|x| serde_json::json!(x)),
        "[a-zA-Z0-9 _-]{0,12}".prop_map(Value::String),
    ]
}

/// Replace the value at a path chosen by `picks` (each an index into the
/// object's or array's members, modulo their number) with `with`.
fn replace_at(v: &mut Value, picks: &[usize], with: Value) {
    let Some((&p, rest)) = picks.split_first() else {
        *v = with;
        return;
    };
    match v {
        Value::Object(m) if !m.is_empty() => {
            let k = m.keys().nth(p % m.len()).unwrap().clone();
            replace_at(m.get_mut(&k).unwrap(), rest, with);
        }
        Value::Array(a) if !a.is_empty() => {
            let n = a.len();
            replace_at(&mut a[p % n], rest, with);
        }
        _ => *v = with,
    }
}

/// The mini fixture loads to problems or a scenario, and a scenario it
/// loads passes its own rules.
fn load_ok_or_problems(toml: &Path) {
    let l = borderwatch::scenario::load(toml);
    match (&l.scenario, l.problems.has_errors()) {
        (Some(s), false) => {
            assert!(!s.states.is_empty());
        }
        (None, true) => {}
        (s, errs) => panic!(
            "scenario {} with errors {errs}: {}",
            s.is_some(),
            l.problems
        ),
    }
}

/// Cases per property: `n` in CI, `BW_PROPTEST_CASES` for a long run.
fn cases(n: u32) -> u32 {
    std::env::var("BW_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(n)
}

const LAYERS: [&str; 5] = [
    "border.geojson",
    "crossings.geojson",
    "network.geojson",
    "posts.geojson",
    "routes.geojson",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(96)))]

    #[test]
    fn a_layer_with_hostile_values_loads_or_is_refused(
        layer in 0usize..LAYERS.len(),
        picks in prop::collection::vec(any::<usize>(), 1..7),
        with in hostile(),
    ) {
        let (d, toml) = mini();
        let f = d.path().join("maps/mini").join(LAYERS[layer]);
        let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
        replace_at(&mut v, &picks, with);
        std::fs::write(&f, serde_json::to_string(&v).unwrap()).unwrap();
        load_ok_or_problems(&toml);
    }

    #[test]
    fn a_layer_with_broken_bytes_loads_or_is_refused(
        layer in 0usize..LAYERS.len(),
        edits in byte_edits(),
    ) {
        let (d, toml) = mini();
        let f = d.path().join("maps/mini").join(LAYERS[layer]);
        let b = apply(std::fs::read(&f).unwrap(), &edits);
        std::fs::write(&f, b).unwrap();
        load_ok_or_problems(&toml);
    }

    #[test]
    fn a_scenario_toml_with_broken_bytes_loads_or_is_refused(edits in byte_edits()) {
        let (_d, toml) = mini();
        let b = apply(std::fs::read(&toml).unwrap(), &edits);
        std::fs::write(&toml, b).unwrap();
        load_ok_or_problems(&toml);
    }

    #[test]
    fn a_points_csv_reads_or_lists_its_problems(edits in byte_edits()) {
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("sites.csv");
        let text = b"name,lat,lon\nA,42.5,1.5\nB,42.6,1.6\n".to_vec();
        std::fs::write(&f, apply(text, &edits)).unwrap();
        let (pts, problems) = borderwatch::formats::points::read_points(&f);
        for p in &pts {
            prop_assert!(p.lonlat.x.abs() <= 180.0 && p.lonlat.y.abs() <= 90.0);
        }
        // every row is a point or a problem
        let rows = std::fs::read_to_string(&f).map(|t| t.lines().skip(1).filter(|l| !l.trim().is_empty()).count()).unwrap_or(0);
        prop_assert!(pts.len() <= rows.max(1), "{} points from {rows} rows", pts.len());
        if pts.len() < rows && !problems.has_errors() {
            prop_assert!(false, "rows dropped without a problem: {problems}");
        }
    }

    #[test]
    fn an_hgt_tile_of_any_bytes_reads_or_is_refused(len in 0usize..4096, fill in any::<u8>()) {
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("N42E001.hgt");
        std::fs::write(&f, vec![fill; len]).unwrap();
        // no length short of a tile's is a tile
        prop_assert!(borderwatch::dem::Dem::read_hgt(&f).is_err());
    }

    #[test]
    fn a_pbf_of_broken_bytes_is_refused_cleanly(edits in byte_edits()) {
        let d = tempfile::tempdir().unwrap();
        let pbf = d.path().join("x.osm.pbf");
        // the start of the real Andorra extract, edited
        let real = std::fs::read(data().join("osm/andorra-2013.osm.pbf")).unwrap();
        let head = real[..real.len().min(64 * 1024)].to_vec();
        std::fs::write(&pbf, apply(head, &edits)).unwrap();
        let r = borderwatch::import::osm::import(&borderwatch::import::osm::OsmOptions {
            pbf,
            states: borderwatch::import::StateCode::parse_pair("AD,ES").unwrap(),
            dem: None,
            name: "x".into(),
            out: d.path().join("out"),
            network_km: 10.0,
            blue_tolerance_m: 80.0,
            exercise_posts: 0,
            seed: 1,
        });
        // 64 KB of a 2 MB extract never holds the whole border
        prop_assert!(r.is_err());
        prop_assert!(!d.path().join("out/scenarios/x.toml").exists());
    }
}

/// `plan.json`: a real plan with hostile values is read back or refused
/// with a message, never a panic (few cases: each runs `simulate`'s reader
/// on the shipped scenario).
#[test]
fn a_plan_with_hostile_values_is_read_or_refused() {
    let scen = repo().join("scenarios/andorra-spain.toml");
    let (s, _) = borderwatch::scenario::load_ok(&scen).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan");
    idleness_plan(&scen, &out);
    let plan: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("plan.json")).unwrap()).unwrap();
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(cases(64)));
    let f = dir.path().join("edited.json");
    runner
        .run(
            &(prop::collection::vec(any::<usize>(), 1..6), hostile()),
            |(picks, with)| {
                let mut p = plan.clone();
                replace_at(&mut p, &picks, with);
                std::fs::write(&f, serde_json::to_string(&p).unwrap()).unwrap();
                match borderwatch::sim::output::read_plan_json(&s, &f) {
                    Ok(pf) => prop_assert!(pf.horizon_s > 0.0 && pf.horizon_s.is_finite()),
                    Err(e) => prop_assert!(e.to_string().contains("edited.json"), "{e}"),
                }
                Ok(())
            },
        )
        .unwrap();
}
