//! The importers on the shared real data, and the shipped scenarios.

mod common;
use borderwatch::import::{self, StateCode};
use borderwatch::index::SpatialIndex;
use borderwatch::model::BorderKind;
use borderwatch::scenario;
use common::*;
use geo::Coord;
use std::path::Path;

fn load(name: &str) -> borderwatch::model::Scenario {
    let (s, warnings) = scenario::load_ok(&repo().join(format!("scenarios/{name}.toml"))).unwrap();
    assert!(warnings.is_empty(), "{warnings}");
    s
}

#[test]
fn andorra_spain_border_length_is_close_to_the_official_63_7_km() {
    let s = load("andorra-spain");
    let info = borderwatch::info::info(&s);
    assert_eq!(info.pairs.len(), 1);
    let p = &info.pairs[0];
    assert_eq!(p.states, ["AND".to_string(), "ESP".to_string()]);
    assert!(
        (p.length_km - 63.7).abs() / 63.7 < 0.10,
        "length {} km",
        p.length_km
    );
    assert!(p.green_km > 0.9 * p.length_km, "a mountain border: {p:?}");
    // the main road crossing (CG-1 / N-145 at La Farga de Moles) and others
    assert!(
        s.crossings.iter().any(|c| c.name == "CG-1"),
        "{:?}",
        s.crossings
    );
    assert!(s.routes.len() >= 15, "informal routes: {}", s.routes.len());
    // both sides have posts and a patrol network
    for st in &info.states {
        assert!(st.posts >= 1 && st.network_km > 10.0, "{st:?}");
    }
    assert!(s.dem.is_some());
}

#[test]
fn liechtenstein_rhine_stretch_is_blue() {
    let s = load("liechtenstein-switzerland");
    let info = borderwatch::info::info(&s);
    let p = &info.pairs[0];
    assert!(p.blue_km > 15.0, "{p:?}");
    assert!(
        p.green_km > 5.0,
        "the southern mountain stretch is green: {p:?}"
    );
    let idx = SpatialIndex::build(&s);
    let kind_at = |lon: f64, lat: f64| {
        let snap = idx
            .border
            .snap(s.projection.forward(Coord { x: lon, y: lat }))
            .unwrap();
        assert!(
            snap.distance_m < 1500.0,
            "{lon},{lat} is {} m from the border",
            snap.distance_m
        );
        s.border[snap.part].kind
    };
    // On the Rhine: the Vaduz–Sevelen bridge, Bendern–Haag, Balzers–Trübbach.
    assert_eq!(kind_at(9.5125, 47.1305), BorderKind::Blue);
    assert_eq!(kind_at(9.4880, 47.2050), BorderKind::Blue);
    assert_eq!(kind_at(9.4890, 47.0800), BorderKind::Blue);
    // In the mountains south of Balzers (Falknis ridge): green.
    assert_eq!(kind_at(9.5500, 47.0540), BorderKind::Green);
}

/// Every file of `a` equals the same file of `b`.
fn assert_same_tree(a: &Path, b: &Path) {
    let mut names: Vec<_> = std::fs::read_dir(a)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    let mut other: Vec<_> = std::fs::read_dir(b)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    other.sort();
    assert_eq!(names, other, "{} vs {}", a.display(), b.display());
    for n in names {
        let (x, y) = (
            std::fs::read(a.join(&n)).unwrap(),
            std::fs::read(b.join(&n)).unwrap(),
        );
        assert!(
            x == y,
            "{} differs from the committed file",
            b.join(&n).display()
        );
    }
}

fn osm(pbf: &str, states: &str, dem: Option<&str>, name: &str, posts: usize, out: &Path) {
    let d = data();
    import::osm::import(&import::osm::OsmOptions {
        pbf: d.join("osm").join(pbf),
        states: StateCode::parse_pair(states).unwrap(),
        dem: dem.map(|x| d.join("dem").join(x)),
        name: name.into(),
        out: out.to_path_buf(),
        network_km: 10.0,
        blue_tolerance_m: 80.0,
        exercise_posts: posts,
        seed: 7,
    })
    .unwrap();
}

#[test]
fn reimporting_the_shared_data_reproduces_the_committed_maps() {
    let out = tempfile::tempdir().unwrap();
    osm(
        "andorra-2013.osm.pbf",
        "AND,ESP",
        Some("N42E001.hgt.zip"),
        "andorra-spain",
        3,
        out.path(),
    );
    osm(
        "liechtenstein-2013-08-03.osm.pbf",
        "LIE,CHE",
        None,
        "liechtenstein-switzerland",
        2,
        out.path(),
    );
    for name in ["andorra-spain", "liechtenstein-switzerland"] {
        assert_same_tree(
            &out.path().join("maps").join(name),
            &repo().join("maps").join(name),
        );
        let (x, y) = (
            std::fs::read(out.path().join(format!("scenarios/{name}.toml"))).unwrap(),
            std::fs::read(repo().join(format!("scenarios/{name}.toml"))).unwrap(),
        );
        assert!(
            x == y,
            "scenarios/{name}.toml differs from the committed file"
        );
    }
}

#[test]
fn osm_import_errors_name_the_file_and_what_is_missing() {
    let d = data();
    let out = tempfile::tempdir().unwrap();
    let opts = |pbf: std::path::PathBuf, states: &str| import::osm::OsmOptions {
        pbf,
        states: StateCode::parse_pair(states).unwrap(),
        dem: None,
        name: "x".into(),
        out: out.path().to_path_buf(),
        network_km: 10.0,
        blue_tolerance_m: 80.0,
        exercise_posts: 0,
        seed: 1,
    };
    // A State that is not in the extract.
    let e = import::osm::import(&opts(
        d.join("osm/liechtenstein-2013-08-03.osm.pbf"),
        "LI,ES",
    ))
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("liechtenstein-2013-08-03.osm.pbf")
            && e.contains("no admin_level=2 boundary relation for ESP"),
        "{e}"
    );
    // A truncated PBF.
    let bytes = std::fs::read(d.join("osm/andorra-2013.osm.pbf")).unwrap();
    let cut = out.path().join("cut.osm.pbf");
    std::fs::write(&cut, &bytes[..bytes.len() / 3]).unwrap();
    let e = import::osm::import(&opts(cut, "AD,ES"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("cut.osm.pbf") && e.contains("truncated"), "{e}");
    // Nothing was written for the failed imports.
    assert!(!out.path().join("scenarios").exists());
}

#[test]
fn natural_earth_usa_mexico_with_crossings() {
    let d = data();
    let out = tempfile::tempdir().unwrap();
    let r = import::naturalearth::import(&import::naturalearth::NaturalEarthOptions {
        file: d.join("naturalearth/ne_10m_admin_0_boundary_lines_land.json"),
        states: StateCode::parse_pair("us,MEX").unwrap(),
        name: "usa-mexico".into(),
        out: out.path().to_path_buf(),
        crossings: Some(d.join("crossings/tx-mx-border-crossings.csv")),
        snap_tolerance_m: 3000.0,
        rivers: None,
        blue_tolerance_m: 1500.0,
        blue_between: Vec::new(),
        exercise_routes: 0,
        exercise_posts: 2,
        seed: 1,
        countries: None,
        places: None,
    })
    .unwrap();
    // Natural Earth's coarse line: ~2,640 km (the true border is ~3,100 km).
    assert!((2500.0..2800.0).contains(&r.border_km), "{}", r.border_km);
    let rows = csv::Reader::from_path(d.join("crossings/tx-mx-border-crossings.csv"))
        .unwrap()
        .records()
        .count();
    assert_eq!(rows, 34);
    assert_eq!(
        r.crossings + r.unsnapped.len(),
        rows,
        "every CSV row is either snapped or reported"
    );
    assert!(
        r.crossings >= 28,
        "snapped {}: {:?}",
        r.crossings,
        r.unsnapped
    );
    let (s, _) = scenario::load_ok(&r.scenario).unwrap();
    assert_eq!(s.states[0].id.as_str(), "USA");
    // The first State (USA) is on the left of the line: north of it.
    let idx = SpatialIndex::build(&s);
    let el_paso_north = s.projection.forward(Coord {
        x: -106.45,
        y: 31.90,
    });
    assert_eq!(idx.border.is_left(el_paso_north), Some(true));
    assert_eq!(s.border[0].left.as_str(), "USA");
    // Crossings lie in chainage order along the border.
    let km: Vec<f64> = s
        .crossings
        .iter()
        .map(|c| idx.border.snap(c.xy).unwrap().chainage_km)
        .collect();
    assert!(km.windows(2).all(|w| w[0] <= w[1] + 1e-6), "{km:?}");
    // A tight tolerance leaves points unsnapped, and says so.
    let r2 = import::naturalearth::import(&import::naturalearth::NaturalEarthOptions {
        file: d.join("naturalearth/ne_10m_admin_0_boundary_lines_land.json"),
        states: StateCode::parse_pair("USA,MX").unwrap(),
        name: "tight".into(),
        out: out.path().to_path_buf(),
        crossings: Some(d.join("crossings/tx-mx-border-crossings.csv")),
        snap_tolerance_m: 50.0,
        rivers: None,
        blue_tolerance_m: 1500.0,
        blue_between: Vec::new(),
        exercise_routes: 0,
        exercise_posts: 0,
        seed: 1,
        countries: None,
        places: None,
    })
    .unwrap();
    assert!(r2.unsnapped.len() > r.unsnapped.len());
    assert!(
        r2.unsnapped
            .iter()
            .all(|u| u.contains("beyond the snap tolerance of 50 m") || u.contains("row")),
        "{:?}",
        r2.unsnapped
    );
}

#[test]
fn spatial_index_queries_on_andorra() {
    let s = load("andorra-spain");
    let idx = SpatialIndex::build(&s);
    // Nearest post to each post is itself; nearest of the other State is farther.
    for (i, p) in s.posts.iter().enumerate() {
        assert_eq!(idx.nearest_post(p.xy, |_| true).unwrap().0, i);
        let (j, d) = idx
            .nearest_post(p.xy, |k| s.posts[k].state != p.state)
            .unwrap();
        assert_ne!(s.posts[j].state, p.state);
        assert!(d > 0.0);
    }
    // Every route crossing lies on the border, and its chainage points back to it.
    let rc = idx.route_crossings(&s);
    assert!(
        rc.len() >= s.routes.len() / 2,
        "{} crossings for {} routes",
        rc.len(),
        s.routes.len()
    );
    for c in &rc {
        let snap = idx.border.snap(c.point).unwrap();
        assert!(snap.distance_m < 0.01);
        let (_, q) = idx.at_chainage(c.chainage_km).unwrap();
        assert!(
            (q.x - c.point.x).hypot(q.y - c.point.y) < 1.0,
            "chainage {} maps back within 1 m",
            c.chainage_km
        );
    }
    // Features within 500 m of a crossing include the border.
    let c = &s.crossings[0];
    let near = idx.within(c.xy, 500.0);
    assert!(near
        .iter()
        .any(|f| matches!(f, borderwatch::index::FeatureRef::Border { .. })));
    assert!(near.contains(&borderwatch::index::FeatureRef::Crossing(0)));
}

#[test]
fn shipped_usa_mexico_is_what_its_script_rebuilds_with_the_rio_grande_blue() {
    let d = data();
    let out = tempfile::tempdir().unwrap();
    // the arguments of scripts/make-usa-mexico.sh
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_borderwatch"))
        .arg("import")
        .arg("naturalearth")
        .arg(d.join("naturalearth/ne_10m_admin_0_boundary_lines_land.json"))
        .args(["--states", "US,MX", "--name", "usa-mexico", "--out"])
        .arg(out.path())
        .arg("--crossings")
        .arg(d.join("crossings/tx-mx-border-crossings.csv"))
        .arg("--rivers")
        .arg(d.join("naturalearth/ne_10m_rivers_north_america.json"))
        .arg("--countries")
        .arg(d.join("naturalearth/ne_10m_admin_0_countries.json"))
        .arg("--places")
        .arg(d.join("places/geonames-cities5000.csv"))
        .args([
            "--blue-between=-106.528,31.784:-97.146,25.956",
            "--exercise-posts",
            "150",
            "--exercise-routes",
            "400",
            "--seed",
            "1",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let same = |rel: &str| {
        let a = std::fs::read(repo.join(rel)).unwrap();
        let b = std::fs::read(out.path().join(rel)).unwrap();
        assert!(a == b, "{rel} differs from what the script rebuilds");
    };
    same("scenarios/usa-mexico.toml");
    for f in [
        "border.geojson",
        "crossings.geojson",
        "posts.geojson",
        "routes.geojson",
        "network.geojson",
        "basemap.geojson",
        "SOURCES.md",
    ] {
        same(&format!("maps/usa-mexico/{f}"));
    }
    let s = load("usa-mexico");
    let blue_km: f64 = s
        .border
        .iter()
        .filter(|b| b.kind == borderwatch::model::BorderKind::Blue)
        .map(|b| borderwatch::geom::chainage::geodesic_length_km(&b.lonlat))
        .sum();
    // the Rio Grande (El Paso to the Gulf) and the Colorado are blue
    assert!((1400.0..1800.0).contains(&blue_km), "{blue_km} km blue");
    let idx = SpatialIndex::build(&s);
    let laredo = s.projection.forward(Coord {
        x: -99.507,
        y: 27.499,
    });
    let near = s
        .border
        .iter()
        .filter(|b| b.kind == borderwatch::model::BorderKind::Blue)
        .any(|b| {
            b.xy.0
                .iter()
                .any(|c| ((c.x - laredo.x).powi(2) + (c.y - laredo.y).powi(2)).sqrt() < 5000.0)
        });
    assert!(near, "the border at Laredo is not blue");
    // Arizona's land border stays green
    let nogales = s.projection.forward(Coord {
        x: -110.94,
        y: 31.333,
    });
    let snap = idx.border.snap(nogales).unwrap();
    assert!(snap.distance_m < 3000.0);
    assert!(s
        .border
        .iter()
        .filter(|b| b.kind == borderwatch::model::BorderKind::Green)
        .any(|b| b
            .xy
            .0
            .iter()
            .any(|c| ((c.x - nogales.x).powi(2) + (c.y - nogales.y).powi(2)).sqrt() < 5000.0)));
    // 400 invented routes, each crossing the border; fords or landings on blue
    assert_eq!(s.routes.len(), 400);
    let hits = idx.route_crossings(&s);
    let crossed: std::collections::HashSet<usize> = hits.iter().map(|h| h.route).collect();
    assert!(
        crossed.len() >= 390,
        "{} of 400 routes cross",
        crossed.len()
    );
    assert!(s
        .routes
        .iter()
        .any(|r| r.kind == borderwatch::model::RouteKind::Ford));
    assert_eq!(s.crossings.len(), 34);
    assert!(s.exercise);
}

#[test]
fn blue_between_refuses_bad_points_naming_them() {
    let d = data();
    let out = tempfile::tempdir().unwrap();
    let run = |arg: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_borderwatch"))
            .arg("import")
            .arg("naturalearth")
            .arg(d.join("naturalearth/ne_10m_admin_0_boundary_lines_land.json"))
            .args(["--states", "US,MX", "--name", "x", "--out"])
            .arg(out.path())
            .arg(arg)
            .output()
            .unwrap()
    };
    // not LON,LAT:LON,LAT
    let o = run("--blue-between=-106.5:31.7");
    assert!(!o.status.success());
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains("--blue-between #1") && e.contains("LON,LAT:LON,LAT"),
        "{e}"
    );
    // a point far from the border (Denver)
    let o = run("--blue-between=-104.99,39.74:-97.146,25.956");
    assert!(!o.status.success());
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains("first point") && e.contains("snap tolerance"),
        "{e}"
    );
    assert!(!out.path().join("scenarios").exists(), "nothing written");
}
