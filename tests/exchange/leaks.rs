//! Secrets planted in Andorra's files never reach a package, an output
//! made with `--releasable-only`, or what Spain makes of the package.

use super::*;

/// Strings planted in Andorra's files that must never leave: a post, a
/// unit, a crossing and a route marked `releasable = false`, a person's
/// name in a post's notes, and intelligence with its source, its author
/// and its exact coordinates.
const PLANTED: [&str; 8] = [
    "AD-SECRET-OP",
    "Secret Ridge",
    "AD-SECRET-F9",
    "SECRET-CROSSING-NAME",
    "SECRET-PATH-NAME",
    "Juan Garcia",
    "INFORMANT-ALPHA",
    "1.4431111",
];

/// Plant [`PLANTED`] in `and/`'s files.
fn plant_secrets(root: &Path) {
    let maps = root.join("maps/andorra-spain");
    let edit_json = |file: &str, f: &dyn Fn(&mut Value)| {
        let p = maps.join(file);
        let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
        f(&mut v);
        std::fs::write(&p, v.to_string()).unwrap();
    };
    edit_json("posts.geojson", &|v| {
        let feats = v["features"].as_array_mut().unwrap();
        feats[0]["properties"]["notes"] = "met Juan Garcia at the hut".into();
        let mut secret = feats[1].clone();
        secret["properties"]["id"] = "AD-SECRET-OP".into();
        secret["properties"]["name"] = "Secret Ridge".into();
        secret["properties"]["releasable"] = false.into();
        let c = secret["geometry"]["coordinates"].as_array_mut().unwrap();
        c[1] = (c[1].as_f64().unwrap() + 0.002).into();
        feats.push(secret);
    });
    edit_json("crossings.geojson", &|v| {
        v["features"][0]["properties"]["name"] = "SECRET-CROSSING-NAME".into();
        v["features"][0]["properties"]["releasable"] = false.into();
    });
    edit_json("routes.geojson", &|v| {
        v["features"][0]["properties"]["name"] = "SECRET-PATH-NAME".into();
        v["features"][0]["properties"]["releasable"] = false.into();
    });
    let intel = serde_json::json!({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [1.4431111, 42.6021111]},
         "properties": {"confidence": 0.6, "source": "INFORMANT-ALPHA", "author": "Juan Garcia"}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [1.4620651, 42.5913719]},
         "properties": {"confidence": 0.3, "source": "INFORMANT-ALPHA"}}
    ]});
    std::fs::write(maps.join("intel.geojson"), intel.to_string()).unwrap();
    let toml = root.join("scenarios/andorra-spain.toml");
    let mut t = std::fs::read_to_string(&toml).unwrap();
    t.push_str(
        "\n[[units]]\nid = \"AD-SECRET-F9\"\nstate = \"AND\"\nmode = \"foot\"\nhome_post = \"AD-OP1\"\nreleasable = false\n\
         \n[[units]]\nid = \"AD-F8\"\nstate = \"AND\"\nmode = \"foot\"\nhome_post = \"AD-SECRET-OP\"\n",
    );
    std::fs::write(&toml, t).unwrap();
}

#[test]
fn nothing_withheld_reaches_a_package_a_releasable_output_or_the_neighbour() {
    let two = Two::new();
    plant_secrets(&two.p("and"));
    let sc = "and/scenarios/andorra-spain.toml";
    let own = ok(two.bw(&["info", sc]));
    assert!(
        own.contains("AND Andorra (AD): 4 posts, 6 units"),
        "planted: {own}"
    );

    // the sender's outputs with --releasable-only
    let mut said = String::new();
    for args in [
        vec!["info", sc],
        vec!["assess", sc, "--out", "out/assess"],
        vec!["plan", sc, "--rounds", "2", "--out", "out/plan"],
        vec![
            "simulate",
            sc,
            "--plan",
            "out/plan/plan.json",
            "--runs",
            "200",
            "--out",
            "out/sim",
        ],
    ] {
        let mut a = args.clone();
        a.push("--releasable-only");
        said += &ok(two.bw(&a));
    }
    let report = std::fs::read_to_string(two.p("out/assess/report.html")).unwrap();
    assert_eq!(
        report.matches("RELEASABLE TO AND, ESP").count(),
        2,
        "header and footer"
    );
    let orders = two.p("out/plan/orders/AD-F1.html");
    let orders = std::fs::read_to_string(orders).unwrap();
    assert_eq!(orders.matches("RELEASABLE TO AND, ESP").count(), 2);

    // a package with every layer, and what the neighbour makes of it
    let manifest = two.share(
        "AND",
        "ESP",
        "posts,units,agreements,risk,incidents",
        "all.bwx",
    );
    assert!(
        manifest.contains("AD-SECRET-OP: marked releasable = false"),
        "{manifest}"
    );
    assert!(
        manifest.contains("Withheld from units: 1 (marked releasable = false)"),
        "{manifest}"
    );
    assert!(
        manifest.contains("Withheld from units: 1 (its home post is not releasable)"),
        "{manifest}"
    );
    assert!(manifest.contains("posts.notes ×1"), "{manifest}");
    ok(two.receive("all.bwx", "ESP", "AND"));
    let esp = "esp/scenarios/andorra-spain.toml";
    let info = ok(two.bw(&["info", esp]));
    assert!(
        info.contains("AND Andorra (AD): 3 posts, 4 units"),
        "{info}"
    );
    assert!(
        info.contains("intelligence on 1 km of border"),
        "both reports lie within one km of line: {info}"
    );
    said += &info;
    said += &ok(two.bw(&["assess", esp, "--out", "out/esp-assess"]));
    let risk: Value = serde_json::from_str(
        &std::fs::read_to_string(
            two.p("esp/scenarios/andorra-spain.exchange/received/AND/risk.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let total: f64 = risk
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["value"].as_f64().unwrap())
        .sum();
    assert!(
        (total - 0.9).abs() < 1e-9,
        "the intelligence's weight arrives whole: {total}"
    );

    // the package's content, opened as the neighbour would
    let dir = two.p("opened");
    let keys = borderwatch::exchange::keys::unlock(&two.p("keys/ESP"), &"ESP".parse_state(), PASS)
        .unwrap();
    let trusted =
        borderwatch::exchange::keys::PublicKeys::read(&two.p("keys/AND/AND.pub")).unwrap();
    let opened = borderwatch::exchange::package::open(&two.p("all.bwx"), &keys, &trusted).unwrap();
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("package.json"),
        serde_json::to_string(&opened.package).unwrap(),
    )
    .unwrap();

    let mut files = tree(&two.p("out"));
    files.extend(tree(&two.p("esp/scenarios")));
    files.extend(tree(&two.p("and/scenarios/andorra-spain.exchange")));
    files.extend(tree(&dir));
    files.push((PathBuf::from("stdout"), said.into_bytes()));
    assert!(files.len() > 30, "{} files scanned", files.len());
    for (path, bytes) in &files {
        let text = String::from_utf8_lossy(bytes);
        for s in PLANTED {
            assert!(!text.contains(s), "{s:?} leaked into {}", path.display());
        }
    }
}

trait ParseState {
    fn parse_state(&self) -> borderwatch::ids::StateId;
}
impl ParseState for str {
    fn parse_state(&self) -> borderwatch::ids::StateId {
        borderwatch::exchange::state_code(self).unwrap()
    }
}
