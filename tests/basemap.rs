//! The basemap of the shipped scenarios: real territories (never a
//! bounding box, never the sea), place names, and `site` kept on land.

mod common;
use borderwatch::assess::{site, AssessOptions};
use borderwatch::formats::points::InputPoint;
use borderwatch::ids::StateId;
use borderwatch::model::Scenario;
use common::*;
use geo::Coord;

fn load(name: &str) -> Scenario {
    let (s, warnings) =
        borderwatch::scenario::load_ok(&repo().join(format!("scenarios/{name}.toml"))).unwrap();
    assert!(warnings.is_empty(), "{warnings}");
    s
}

/// The State whose territory holds a lon/lat point, by the basemap.
fn state_at(s: &Scenario, lon: f64, lat: f64) -> Option<String> {
    s.basemap
        .state_at(s.projection.forward(Coord { x: lon, y: lat }))
        .map(|id| id.as_str().to_string())
}

fn place<'a>(s: &'a Scenario, name: &str) -> &'a borderwatch::basemap::Place {
    s.basemap
        .places
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("{name} is not among the places"))
}

#[test]
fn each_state_is_its_real_territory_not_a_box_nor_the_sea() {
    let s = load("andorra-spain");
    assert_eq!(s.basemap.territories.len(), 2);
    let vella = place(&s, "Andorra la Vella");
    assert_eq!(
        s.basemap.state_at(vella.at).map(|i| i.as_str()),
        Some("AND")
    );
    // la Seu d'Urgell, 9 km south of the border, is Spain's; Pas de la
    // Casa's French neighbour L'Hospitalet-près-l'Andorre is neither's
    assert_eq!(state_at(&s, 1.4560, 42.3580).as_deref(), Some("ESP"));
    assert_eq!(state_at(&s, 1.7990, 42.5890), None, "France");
    assert!(
        s.basemap.lines.iter().any(|l| l.class.is_road()),
        "roads by class"
    );

    let s = load("liechtenstein-switzerland");
    assert_eq!(
        s.basemap
            .state_at(place(&s, "Vaduz").at)
            .map(|i| i.as_str()),
        Some("LIE")
    );
    // Feldkirch is in Austria: on Liechtenstein's side of the Rhine line,
    // in neither State's territory
    assert_eq!(state_at(&s, 9.5980, 47.2380), None, "Austria");
    assert_eq!(
        state_at(&s, 9.4890, 47.0500).as_deref(),
        Some("CHE"),
        "Sargans side"
    );

    let s = load("usa-mexico");
    assert_eq!(
        s.basemap
            .state_at(place(&s, "Hermosillo").at)
            .map(|i| i.as_str()),
        Some("MEX")
    );
    assert_eq!(
        s.basemap
            .state_at(place(&s, "San Antonio").at)
            .map(|i| i.as_str()),
        Some("USA")
    );
    // the Gulf of California and the Gulf of Mexico are no State's land
    assert_eq!(state_at(&s, -112.0, 28.5), None);
    assert_eq!(state_at(&s, -96.8, 26.0), None);
    // the places are sorted for labelling: largest first, no one twice
    let p = &s.basemap.places;
    assert!(p.windows(2).all(|w| w[0].class <= w[1].class));
    let l = load("liechtenstein-switzerland");
    let gb = l
        .basemap
        .places
        .iter()
        .filter(|p| p.name == "Gamprin-Bendern")
        .count();
    assert_eq!(gb, 1, "a place mapped twice at one point is labelled once");
}

#[test]
fn site_never_proposes_a_post_off_its_states_land() {
    let s = load("liechtenstein-switzerland");
    let user = [
        InputPoint {
            place: "row 2".into(),
            name: "Feldkirch".into(),
            lonlat: Coord {
                x: 9.5980,
                y: 47.2380,
            },
        },
        InputPoint {
            place: "row 3".into(),
            name: "Schaan".into(),
            lonlat: Coord {
                x: 9.5100,
                y: 47.1650,
            },
        },
    ];
    let r = site::site(
        &s,
        &AssessOptions::default(),
        &site::SiteOptions::new(StateId::new("LIE"), 3),
        &user,
    )
    .unwrap();
    assert!(
        r.warnings
            .iter()
            .any(|w| w.contains("Feldkirch") && w.contains("not on LIE's land")),
        "{:?}",
        r.warnings
    );
    for c in &r.chosen {
        let p = Coord {
            x: c.candidate.lonlat[0],
            y: c.candidate.lonlat[1],
        };
        assert_eq!(
            s.basemap
                .state_at(s.projection.forward(p))
                .map(|i| i.as_str()),
            Some("LIE"),
            "{} at {p:?}",
            c.candidate.id
        );
    }
}

#[test]
fn the_reports_map_shows_territories_places_crossings_and_km_marks() {
    let s = load("liechtenstein-switzerland");
    let a = borderwatch::assess::assess(&s, &AssessOptions::default()).unwrap();
    let svg = borderwatch::report::map_svg(&s, &a, 1000.0, 640.0);
    for want in [
        "<title>LIE</title>",
        "<title>CHE</title>",
        ">Vaduz</text>",
        ">C1</text>",
        ">km 5</text>",
    ] {
        assert!(svg.contains(want), "{want} not in the report's map");
    }
    // a scenario without a basemap still draws its map
    let (_d, p) = mini();
    let (m, _) = borderwatch::scenario::load_ok(&p).unwrap();
    assert!(m.basemap.is_empty());
    let a = borderwatch::assess::assess(&m, &AssessOptions::default()).unwrap();
    assert!(borderwatch::report::map_svg(&m, &a, 1000.0, 640.0).contains("<polyline"));
}
