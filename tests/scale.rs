//! The scale generator (`import synthetic`) and the patrol-graph export
//! (`graph`) with its timed queries.

mod common;
use common::*;
use petgraph::graph::NodeIndex;
use std::collections::HashMap;

fn synthetic(dir: &std::path::Path, km: &str, seed: &str) -> std::process::Output {
    std::process::Command::new(bin())
        .args([
            "import",
            "synthetic",
            "--length-km",
            km,
            "--name",
            "syn",
            "--seed",
            seed,
            "--out",
        ])
        .arg(dir)
        .output()
        .unwrap()
}

#[test]
fn synthetic_borders_have_the_asked_length_densities_and_are_reproducible() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    for d in [&a, &b] {
        let o = synthetic(d.path(), "500", "3");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    for f in [
        "border.geojson",
        "posts.geojson",
        "routes.geojson",
        "network.geojson",
        "crossings.geojson",
    ] {
        let x = std::fs::read(a.path().join("maps/syn").join(f)).unwrap();
        let y = std::fs::read(b.path().join("maps/syn").join(f)).unwrap();
        assert!(x == y, "{f} differs between two runs with the same seed");
    }
    let (s, warnings) =
        borderwatch::scenario::load_ok(&a.path().join("scenarios/syn.toml")).unwrap();
    assert!(warnings.0.is_empty(), "{warnings:?}");
    let info = borderwatch::info::info(&s);
    let p = &info.pairs[0];
    assert!((p.length_km - 500.0).abs() < 2.0, "{} km", p.length_km);
    // 30 % blue by default, in stretches
    assert!(
        (0.25..0.4).contains(&(p.blue_km / p.length_km)),
        "{} km blue",
        p.blue_km
    );
    // 8 posts per State per 100 km, 15 routes per 100 km, a crossing per 100 km
    assert_eq!(s.posts.len(), 80);
    assert_eq!(s.routes.len(), 75);
    assert_eq!(s.crossings.len(), 5);
    // every post on its own State's side; each State has foot, vehicle and boat units
    let idx = borderwatch::index::SpatialIndex::build(&s);
    for post in &s.posts {
        assert_eq!(
            idx.border.is_left(post.xy),
            Some(post.state == s.states[0].id),
            "{} on the wrong side",
            post.id
        );
    }
    for st in &s.states {
        for m in ["foot", "vehicle", "boat"] {
            assert!(
                s.units
                    .iter()
                    .any(|u| u.state == st.id && u.mode.as_str() == m),
                "{} has no {m} unit",
                st.id
            );
        }
    }
    // a different seed, a different border
    let c = tempfile::tempdir().unwrap();
    assert!(synthetic(c.path(), "500", "4").status.success());
    assert_ne!(
        std::fs::read(a.path().join("maps/syn/border.geojson")).unwrap(),
        std::fs::read(c.path().join("maps/syn/border.geojson")).unwrap()
    );
    // out of range lengths are refused
    let o = synthetic(c.path(), "5", "1");
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("--length-km 5"));
}

#[test]
fn graph_export_queries_agree_with_petgraph_dijkstra_on_the_exported_edges() {
    let d = tempfile::tempdir().unwrap();
    let o = std::process::Command::new(bin())
        .arg("graph")
        .arg(repo().join("scenarios/liechtenstein-switzerland.toml"))
        .args([
            "--state",
            "LI",
            "--mode",
            "foot",
            "--queries",
            "20",
            "--seed",
            "5",
            "--json",
            "--out",
        ])
        .arg(d.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["queries"], 20);
    let nodes = v["nodes"].as_u64().unwrap() as usize;
    assert!(nodes > 1000, "{nodes} nodes");
    // rebuild the graph from edges.csv and check every answer
    let mut g = petgraph::graph::DiGraph::<(), f64>::new();
    for _ in 0..nodes {
        g.add_node(());
    }
    let mut rd = csv::Reader::from_path(d.path().join("edges.csv")).unwrap();
    let mut edges = 0;
    for r in rd.records() {
        let r = r.unwrap();
        let (a, b, secs): (usize, usize, f64) = (
            r[0].parse().unwrap(),
            r[1].parse().unwrap(),
            r[2].parse().unwrap(),
        );
        assert!(secs > 0.0);
        g.add_edge(NodeIndex::new(a), NodeIndex::new(b), secs);
        edges += 1;
    }
    assert_eq!(edges, v["edges"].as_u64().unwrap());
    let mut rd = csv::Reader::from_path(d.path().join("queries.csv")).unwrap();
    let mut memo: HashMap<usize, HashMap<NodeIndex, f64>> = HashMap::new();
    let mut reached = 0;
    for r in rd.records() {
        let r = r.unwrap();
        let (a, b): (usize, usize) = (r[0].parse().unwrap(), r[1].parse().unwrap());
        let want = memo
            .entry(a)
            .or_insert_with(|| {
                petgraph::algo::dijkstra(&g, NodeIndex::new(a), None, |e| *e.weight())
                    .into_iter()
                    .collect()
            })
            .get(&NodeIndex::new(b))
            .copied();
        let got: Option<f64> = (!r[2].is_empty()).then(|| r[2].parse().unwrap());
        match (want, got) {
            (Some(w), Some(x)) => {
                assert!((w - x).abs() < 1e-3, "{a}->{b}: {x} vs petgraph {w}");
                reached += 1;
            }
            (None, None) => {}
            other => panic!("{a}->{b}: {other:?}"),
        }
    }
    assert!(reached >= 10, "{reached} of 20 reached");
    // the GIS layers are there
    let gj: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.path().join("edges.geojson")).unwrap())
            .unwrap();
    assert!(gj["features"].as_array().unwrap().len() * 2 >= edges as usize - 10);
    // a State not in the scenario is named in the error
    let o = std::process::Command::new(bin())
        .arg("graph")
        .arg(repo().join("scenarios/liechtenstein-switzerland.toml"))
        .args(["--state", "FR", "--out"])
        .arg(d.path().join("x"))
        .output()
        .unwrap();
    assert!(!o.status.success());
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("--state \"FR\"") && e.contains("LIE"), "{e}");
}
