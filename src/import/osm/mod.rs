//! OpenStreetMap PBF importer.
//!
//! 1. The border: ways that are members of both States' `admin_level=2`
//!    boundary relations (found by their `ISO3166-1*` tags, alpha-2 or
//!    alpha-3, any case), chained into lines oriented with the first State on
//!    the left.
//! 2. Sides: a relation whose ways all lie in the extract is assembled into
//!    rings, which tells on which side of each of its ways it lies; that
//!    knowledge is propagated along each relation's ring (at a node joining
//!    two of its ways) and across shared ways, so clipped relations of the
//!    neighbours get sides too. A point belongs to the State on its side of
//!    the nearest `admin_level=2` boundary way.
//! 3. Green/blue: border stretches running along rivers, canals, lakes or the
//!    coast (`waterway=river|canal|riverbank`, `natural=water|coastline`,
//!    `landuse=reservoir`, water multipolygons) are blue.
//! 4. Official crossings: `barrier=border_control` nodes near the border, and
//!    major roads (`motorway`…`secondary`) crossing it elsewhere.
//! 5. Informal routes: other highways crossing or touching the border away
//!    from official crossings; `ford=yes` makes a ford.
//! 6. Patrol network: highways and rivers/canals within `network_km` of the
//!    border, cut at the border, each piece given to the State it lies in.
//!
//! The whole extract is held in memory: fine for the country and region
//! extracts this targets (tens of MB), not for a planet file.

mod basemap;
mod border;
mod crossings;
mod network;
mod pbf;

use super::*;
use crate::index::BorderIndex;
use pbf::Tags;

/// Options of `borderwatch import osm`.
#[derive(Clone, Debug)]
pub struct OsmOptions {
    pub pbf: PathBuf,
    pub states: [StateCode; 2],
    pub dem: Option<PathBuf>,
    pub name: String,
    pub out: PathBuf,
    /// Keep patrol network within this distance of the border (km).
    pub network_km: f64,
    /// A border sample within this distance of water is blue (m).
    pub blue_tolerance_m: f64,
    /// Exercise posts to invent per State (0 = none).
    pub exercise_posts: usize,
    pub seed: u64,
}

/// `import osm`'s defaults: the patrol network kept within this distance
/// of the border (km), a border sample this close to water blue (m), the
/// seed of the exercise posts.
pub const DEFAULT_NETWORK_KM: f64 = 10.0;
pub const DEFAULT_BLUE_TOLERANCE_M: f64 = 80.0;
pub const DEFAULT_SEED: u64 = 1;

/// A way ending this close to the border touches it (m).
pub(super) const TOUCH_M: f64 = 25.0;

/// A major road dead-ending this close to the border was cut by the
/// extract's bounding box; its crossing is taken where it meets the line (m).
pub(super) const CLIPPED_REACH_M: f64 = 500.0;

pub(super) const MAJOR: &[&str] = &[
    "motorway",
    "trunk",
    "primary",
    "secondary",
    "motorway_link",
    "trunk_link",
    "primary_link",
    "secondary_link",
];
pub(super) const SKIP_HIGHWAY: &[&str] = &[
    "proposed",
    "construction",
    "abandoned",
    "platform",
    "raceway",
    "bus_stop",
    "elevator",
    "corridor",
    "via_ferrata",
];

pub(super) fn network_kind(h: &str) -> NetworkKind {
    match h {
        "track" => NetworkKind::Track,
        "path" | "footway" | "bridleway" | "steps" | "cycleway" | "pedestrian" => NetworkKind::Path,
        _ => NetworkKind::Road,
    }
}

pub(super) fn route_kind(tags: &Tags) -> RouteKind {
    if tags.get("ford").is_some_and(|v| v != "no") {
        return RouteKind::Ford;
    }
    match network_kind(tags.get("highway").map(|s| s.as_str()).unwrap_or("")) {
        NetworkKind::Track => RouteKind::Track,
        NetworkKind::Path => RouteKind::Path,
        _ => RouteKind::Road,
    }
}

pub(super) fn name_of(tags: &Tags) -> String {
    tags.get("name")
        .or_else(|| tags.get("ref"))
        .cloned()
        .unwrap_or_default()
}

pub(super) fn dist(a: Coord, b: Coord) -> f64 {
    (a - b).x.hypot((a - b).y)
}

/// Run the importer and write the scenario.
pub fn import(o: &OsmOptions) -> Result<ImportReport> {
    let osm = pbf::read_pbf(&o.pbf)?;
    let (admin, ra, rb, shared) = border::shared_border(&osm, o)?;
    let all_ll: Vec<Coord> = shared.iter().flat_map(|w| osm.coords(w).unwrap()).collect();
    let (min, max) = crate::model::bbox(all_ll.into_iter()).unwrap();
    let proj = LocalProjection::centred_on(min, max);
    let sides = border::Sides::build(&osm, &admin, &proj);
    let chains = border::chains(&osm, &shared, &sides, ra, &proj, o)?;
    let border_index = BorderIndex::new(chainage_of_parts(&chains, &proj));
    let total_km: f64 = chainage_of_parts(&chains, &proj)
        .last()
        .and_then(|p| p.1.last().copied())
        .unwrap_or(0.0);
    let hits = crossings::hits(&osm, &border_index, &proj);
    let official = crossings::official(&osm, &hits, &border_index, &proj);
    let mut layers = Layers {
        border: border::green_blue(&osm, &chains, &border_index, &proj, o),
        routes: crossings::routes(&osm, &hits, &official, &proj),
        crossings: official.into_iter().map(|c| c.1).collect(),
        network: network::network(&osm, o, &border_index, &sides, &proj),
        ..Layers::default()
    };
    let ida = o.states[0].id();
    let border_xy = crate::model::bbox(chains.iter().flatten().copied()).unwrap();
    layers.basemap = basemap::basemap(
        &osm,
        [(ra, ida.clone()), (rb, o.states[1].id())],
        &sides,
        border_xy,
        &proj,
    );
    let dem = match &o.dem {
        Some(p) => Some(Dem::read_hgt(p)?),
        None => None,
    };
    layers.posts = exercise_posts(
        &o.states,
        &border_index,
        &ida,
        total_km,
        &proj,
        dem.as_ref(),
        o.exercise_posts,
    );
    finish(
        o.out.as_path(),
        &o.name,
        &o.states,
        o.dem.as_deref(),
        o.seed,
        layers,
        &proj,
        total_km,
        sources_osm(o),
        Vec::new(),
    )
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .to_string()
}

fn sources_osm(o: &OsmOptions) -> String {
    let (pbf, dem) = (&o.pbf, o.dem.as_deref());
    let mut s = format!(
        "# Sources\n\nBorder, crossings, informal routes, patrol network and the basemap (territories, places, roads, water): imported by `borderwatch import osm` from\n`{}` — © OpenStreetMap contributors, available under the Open Database Licence (ODbL 1.0),\nhttps://www.openstreetmap.org/copyright . This directory is a derived database under the ODbL.\n",
        pbf.file_name().unwrap_or_default().to_string_lossy()
    );
    if let Some(d) = dem {
        s.push_str(&format!(
            "\nElevation: `{}` — NASA Shuttle Radar Topography Mission (SRTM), public domain.\n",
            d.file_name().unwrap_or_default().to_string_lossy()
        ));
    }
    s.push_str(&format!(
        "\nRebuilt exactly by (from the directory holding the inputs):\n\n    borderwatch import osm {} --states {},{}{} --name {} --out OUT --network-km {} --blue-tolerance-m {} --exercise-posts {} --seed {}\n",
        file_name(pbf),
        o.states[0].country.alpha3,
        o.states[1].country.alpha3,
        dem.map(|d| format!(" --dem {}", file_name(d))).unwrap_or_default(),
        o.name,
        o.network_km,
        o.blue_tolerance_m,
        o.exercise_posts,
        o.seed
    ));
    s
}
