//! A corpus of bad inputs: each must give an error naming the file, the
//! feature (index or id) and the field, never a panic; a check lists every
//! problem, not just the first.

mod common;
use borderwatch::error::Problems;
use borderwatch::scenario;
use common::*;
use std::path::Path;

fn problems(toml: &Path) -> Problems {
    let l = scenario::load(toml);
    assert!(l.scenario.is_none(), "expected the scenario to be rejected");
    assert!(l.problems.has_errors());
    l.problems
}

/// Assert one problem mentions all of `needles`.
fn has(p: &Problems, needles: &[&str]) {
    let text = p.to_string();
    assert!(
        p.0.iter().any(|x| {
            let s = x.to_string();
            needles.iter().all(|n| s.contains(n))
        }),
        "no problem mentions all of {needles:?}:\n{text}"
    );
}

#[test]
fn the_fixture_is_valid() {
    let (_d, toml) = mini();
    let l = scenario::load(&toml);
    assert!(l.problems.is_empty(), "{}", l.problems);
    let s = l.scenario.unwrap();
    assert_eq!(s.states.len(), 2);
    assert_eq!(
        s.states[0].id.as_str(),
        "AND",
        "alpha-2 in lower case resolves to alpha-3"
    );
    assert_eq!(s.units[1].state.as_str(), "ESP");
    assert_eq!(s.border.len(), 2);
    // chainage is continuous and geodesic: 0.1° of latitude ≈ 11.1 km
    assert!(
        (s.border[1].to_km - 11.12).abs() < 0.05,
        "{}",
        s.border[1].to_km
    );
    assert!((s.border[0].to_km - s.border[1].from_km).abs() < 1e-12);
}

#[test]
fn malformed_json() {
    let (d, toml) = mini();
    std::fs::write(
        d.path().join("maps/mini/border.geojson"),
        "{\"type\": \"FeatureCollection\", \"features\": [",
    )
    .unwrap();
    let p = problems(&toml);
    has(&p, &["border.geojson", "malformed JSON at line 1"]);
}

#[test]
fn wrong_geometry_type() {
    let (d, toml) = mini();
    edit(
        &d.path().join("maps/mini/routes.geojson"),
        r#""type":"LineString""#,
        r#""type":"Point""#,
    );
    let p = problems(&toml);
    has(
        &p,
        &[
            "routes.geojson",
            "feature 0",
            "R1",
            "`geometry`",
            "expected LineString",
        ],
    );
}

#[test]
fn missing_and_ill_typed_properties() {
    let (d, toml) = mini();
    edit(
        &d.path().join("maps/mini/border.geojson"),
        r#","kind":"green""#,
        "",
    );
    edit(
        &d.path().join("maps/mini/posts.geojson"),
        r#""height_m":3"#,
        r#""height_m":"tall""#,
    );
    edit(
        &d.path().join("maps/mini/network.geojson"),
        r#""kind":"track""#,
        r#""kind":"motorway""#,
    );
    let p = problems(&toml);
    has(
        &p,
        &["border.geojson", "feature 0", "B1", "`kind`", "missing"],
    );
    has(
        &p,
        &[
            "posts.geojson",
            "feature 0",
            "AD-OP1",
            "`height_m`",
            "expected a number",
        ],
    );
    has(
        &p,
        &[
            "network.geojson",
            "feature 1",
            "`kind`",
            "expected road, track, path or waterway",
        ],
    );
}

#[test]
fn nan_and_out_of_range_coordinates() {
    let (d, toml) = mini();
    edit(
        &d.path().join("maps/mini/posts.geojson"),
        "[10.07,45.05]",
        "[10.07,95.0]",
    );
    edit(
        &d.path().join("maps/mini/crossings.geojson"),
        "[10.05,45.08]",
        r#"["NaN",45.08]"#,
    );
    let p = problems(&toml);
    has(
        &p,
        &[
            "posts.geojson",
            "feature 1",
            "ES-OP1",
            "geometry.coordinates",
            "latitude -90..90",
        ],
    );
    has(
        &p,
        &[
            "crossings.geojson",
            "feature 0",
            "C1",
            "geometry.coordinates",
        ],
    );
}

#[test]
fn unknown_state_codes() {
    let (_d, toml) = mini();
    edit(&toml, r#"code = "ESP""#, r#"code = "XX""#);
    let p = problems(&toml);
    has(
        &p,
        &["mini.toml", "`states[1].code`", "unknown State code \"XX\""],
    );
    // References to the broken State are not reported over and over.
    assert_eq!(p.errors().count(), 1, "{p}");

    let (d, toml) = mini();
    edit(
        &d.path().join("maps/mini/network.geojson"),
        r#""state":"AD""#,
        r#""state":"FR""#,
    );
    let p = problems(&toml);
    has(
        &p,
        &[
            "network.geojson",
            "feature 0",
            "`state`",
            "unknown State \"FR\"",
        ],
    );
}

#[test]
fn unit_with_missing_home_post_and_bad_shift() {
    let (_d, toml) = mini();
    edit(&toml, r#"home_post = "AD-OP1""#, r#"home_post = "AD-OP9""#);
    edit(&toml, "shift_hours = 12.0", "shift_hours = 30.0");
    let p = problems(&toml);
    has(
        &p,
        &[
            "mini.toml",
            "AD-F1",
            "`units[0].home_post`",
            "AD-OP9",
            "does not exist",
        ],
    );
    has(
        &p,
        &["mini.toml", "ES-V1", "`units[1].shift_hours`", "at most 24"],
    );
}

#[test]
fn post_outside_its_state() {
    let (d, toml) = mini();
    // Move the Andorran post east of the line, into Spain.
    edit(
        &d.path().join("maps/mini/posts.geojson"),
        "[10.03,45.05]",
        "[10.06,45.03]",
    );
    let p = problems(&toml);
    has(
        &p,
        &[
            "posts.geojson",
            "feature 0",
            "AD-OP1",
            "`geometry`",
            "ESP side of the border, not in its State AND",
        ],
    );
}

#[test]
fn empty_border() {
    let (d, toml) = mini();
    std::fs::write(
        d.path().join("maps/mini/border.geojson"),
        r#"{"type":"FeatureCollection","features":[]}"#,
    )
    .unwrap();
    let p = problems(&toml);
    has(&p, &["border.geojson", "the border is empty"]);
}

#[test]
fn truncated_hgt_in_a_scenario() {
    let (d, toml) = mini();
    std::fs::write(d.path().join("maps/mini/N45E010.hgt"), vec![0u8; 4096]).unwrap();
    edit(
        &toml,
        "maps = \"../maps/mini\"",
        "maps = \"../maps/mini\"\ndem = \"../maps/mini/N45E010.hgt\"",
    );
    let p = problems(&toml);
    has(
        &p,
        &[
            "mini.toml",
            "`dem`",
            "N45E010.hgt",
            "truncated",
            "4096 bytes",
        ],
    );
}

#[test]
fn toml_type_errors_and_unknown_keys() {
    let (_d, toml) = mini();
    edit(&toml, "seed = 3", "seed = \"three\"\nsede = 4");
    edit(&toml, r#"mode = "vehicle""#, r#"mode = "horse""#);
    let p = problems(&toml);
    has(&p, &["`seed`", "non-negative integer"]);
    has(&p, &["`sede`", "unknown key"]);
    has(&p, &["`units[1]`", "ES-V1", "horse"]);
}

#[test]
fn every_problem_is_listed_not_just_the_first() {
    let (d, toml) = mini();
    edit(&toml, r#"home_post = "AD-OP1""#, r#"home_post = "nowhere""#);
    edit(
        &d.path().join("maps/mini/routes.geojson"),
        r#""kind":"path""#,
        r#""kind":"tunnel""#,
    );
    edit(
        &d.path().join("maps/mini/posts.geojson"),
        r#""sensors":["binoculars"]"#,
        r#""sensors":["radar9"]"#,
    );
    let p = problems(&toml);
    assert!(p.errors().count() >= 3, "{p}");
    has(&p, &["nowhere"]);
    has(&p, &["tunnel"]);
    has(&p, &["radar9"]);
}

#[test]
fn toml_syntax_error_names_line() {
    let (_d, toml) = mini();
    edit(&toml, "seed = 3", "seed = = 3");
    let p = problems(&toml);
    has(&p, &["mini.toml", "not valid TOML", "line 6"]);
}

#[test]
fn geojson_is_read_as_rfc_7946_says() {
    let (d, toml) = mini();
    let maps = d.path().join("maps/mini");
    // not a FeatureCollection
    edit(
        &maps.join("routes.geojson"),
        r#"{"type":"FeatureCollection""#,
        r#"{"type":"Banana""#,
    );
    // a projected CRS: its numbers are not degrees
    edit(
        &maps.join("crossings.geojson"),
        r#"{"type":"FeatureCollection""#,
        r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::25831"}}"#,
    );
    // a feature that is not a Feature; a zero-length border stretch; a
    // duplicate stretch id
    edit(
        &maps.join("posts.geojson"),
        r#"{"type":"Feature","properties":{"id":"ES-OP1""#,
        r#"{"type":"Thing","properties":{"id":"ES-OP1""#,
    );
    edit(
        &maps.join("border.geojson"),
        "[[10.05,45.05],[10.05,45.1]]",
        "[[10.05,45.05],[10.05,45.05]]",
    );
    let p = problems(&toml);
    has(
        &p,
        &[
            "routes.geojson",
            "`type`",
            "FeatureCollection",
            "\"Banana\"",
        ],
    );
    has(
        &p,
        &["crossings.geojson", "`crs`", "25831", "WGS 84", "ogr2ogr"],
    );
    has(
        &p,
        &[
            "posts.geojson",
            "feature 1",
            "`type`",
            "expected a GeoJSON Feature",
        ],
    );
    has(&p, &["border.geojson", "B2", "zero-length line"]);

    let (d, toml) = mini();
    let maps = d.path().join("maps/mini");
    edit(&maps.join("border.geojson"), r#""id":"B2""#, r#""id":"B1""#);
    // WGS 84 named in the obsolete member: a warning only
    edit(
        &maps.join("crossings.geojson"),
        r#"{"type":"FeatureCollection""#,
        r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}}"#,
    );
    let p = problems(&toml);
    has(&p, &["border.geojson", "B1", "duplicate id among border"]);
    has(&p, &["crossings.geojson", "obsolete"]);
    assert!(
        p.warnings().any(|w| w.to_string().contains("obsolete")),
        "a CRS84 `crs` is a warning: {p}"
    );
}

#[test]
fn a_negative_seizure_count_is_refused() {
    let (d, toml) = mini();
    std::fs::write(
        d.path().join("maps/mini/seizures.geojson"),
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"count":-3},"geometry":{"type":"Point","coordinates":[10.05,45.02]}}]}"#,
    )
    .unwrap();
    has(
        &problems(&toml),
        &["seizures.geojson", "feature 0", "`count`", "≥ 0, found -3"],
    );
}

#[test]
fn messages_point_at_the_cause_not_at_its_consequences() {
    // a posts file the TOML names that is not there: said once, no cascade
    // of "home post does not exist"
    let (_d, toml) = mini();
    edit(
        &toml,
        "maps = \"../maps/mini\"",
        "maps = \"../maps/mini\"\nposts = \"../maps/mini/nope.geojson\"",
    );
    let p = problems(&toml);
    has(&p, &["nope.geojson", "missing", "does not exist"]);
    assert!(
        !p.to_string().contains("home post"),
        "no cascade from the missing posts file:\n{p}"
    );

    // a sensor typo: once, in words, naming the posts and what is defined
    let (d, toml) = mini();
    edit(
        &d.path().join("maps/mini/posts.geojson"),
        r#""sensors":["binoculars"]"#,
        r#""sensors":["binocular"]"#,
    );
    let p = problems(&toml);
    has(
        &p,
        &[
            "posts.geojson",
            "\"binocular\"",
            "defined: binoculars",
            "AD-OP1",
        ],
    );
    assert!(!p.to_string().contains("SensorId("), "no debug text:\n{p}");

    // a border moved 7,000 km away: said as such, not as a post on the
    // wrong side
    let (d, toml) = mini();
    let b = d.path().join("maps/mini/border.geojson");
    let moved = std::fs::read_to_string(&b)
        .unwrap()
        .replace("10.05,", "100.05,");
    std::fs::write(&b, moved).unwrap();
    let p = problems(&toml);
    has(
        &p,
        &[
            "posts.geojson",
            "AD-OP1",
            "km from the border",
            "wrong place",
        ],
    );
    assert!(!p.to_string().contains("side of the border"), "{p}");
    drop(d);
}

/// A border stretch that loops over itself is refused by feature, id and
/// field, with where it crosses.
#[test]
fn a_border_stretch_that_crosses_itself_is_refused() {
    let (d, toml) = mini();
    edit(
        &d.path().join("maps/mini/border.geojson"),
        "[[10.05,45.0],[10.05,45.05]]",
        "[[10.05,45.0],[10.05,45.04],[10.06,45.04],[10.055,45.03],[10.05,45.05]]",
    );
    let p = problems(&toml);
    has(
        &p,
        &[
            "border.geojson",
            "B1",
            "geometry",
            "crosses or runs back over itself",
        ],
    );
}
