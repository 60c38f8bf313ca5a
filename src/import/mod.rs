//! Importers from real public data into scenario files:
//! [`osm`] (OpenStreetMap PBF), [`naturalearth`] (Natural Earth boundary
//! lines, crossings from `crate::formats::points`), [`generate`]
//! (synthetic borders). Shared here: the
//! layers they produce, green/blue classification, [`exercise`] posts, units
//! and routes,
//! and writing `maps/NAME/*.geojson` + `scenarios/NAME.toml`.

pub mod exercise;
pub mod generate;
pub mod naturalearth;
pub mod osm;
pub mod reference;

use crate::dem::Dem;
use crate::error::{Error, OptionProblem, Result};
use crate::geom::proj::LocalProjection;
use crate::ids::*;
use crate::index::BorderIndex;
use crate::io::{feature, feature_collection, line_geometry, point_geometry, round7, write_atomic};
use crate::model::{
    Agreements, BorderKind, NetworkKind, RouteKind, Sensor, SensorKind, Unit, UnitMode,
};
use crate::props;
use crate::scenario::file::{ScenarioFile, StateDef, DEFAULT_COLOURS};
use geo::Coord;
use rstar::primitives::GeomWithData;
use rstar::RTree;
use std::path::{Path, PathBuf};

pub use exercise::{exercise_agreements, exercise_posts, exercise_routes, exercise_units};

/// A resolved State for importing.
#[derive(Clone, Debug)]
pub struct StateCode {
    pub country: crate::country::Country,
}

impl StateCode {
    pub fn parse_pair(s: &str) -> Result<[StateCode; 2]> {
        let parts: Vec<&str> = s
            .split(',')
            .map(|p| p.trim())
            .filter(|p| !p.is_empty())
            .collect();
        if parts.len() != 2 {
            return Err(Error::option(
                "states",
                format!(
                    "takes two ISO 3166-1 codes separated by a comma (e.g. AD,ES), found {s:?}"
                ),
            ));
        }
        let get = |c: &str| {
            crate::country::lookup(c).map(|country| StateCode { country }).ok_or_else(|| {
                Error::option("states", format!("{c:?}: unknown State code: expected an ISO 3166-1 alpha-2 or alpha-3 code such as ES or ESP"))
            })
        };
        let a = get(parts[0])?;
        let b = get(parts[1])?;
        if a.country == b.country {
            return Err(Error::option(
                "states",
                format!("names {} twice", a.country.alpha3),
            ));
        }
        Ok([a, b])
    }
    pub fn id(&self) -> StateId {
        StateId::new(self.country.alpha3)
    }
}

/// A border stretch to write: `left` on the left of the line as digitised.
#[derive(Clone, Debug)]
pub struct BorderOut {
    pub lonlat: Vec<Coord>,
    pub left: StateId,
    pub right: StateId,
    pub kind: BorderKind,
}

#[derive(Clone, Debug)]
pub struct CrossingOut {
    pub lonlat: Coord,
    pub name: String,
    pub kind: String,
    pub chainage_km: f64,
    pub source: String,
}

#[derive(Clone, Debug)]
pub struct RouteOut {
    pub lonlat: Vec<Coord>,
    pub kind: RouteKind,
    pub name: String,
    pub chainage_km: f64,
    pub border_crossings: usize,
    pub source: String,
}

#[derive(Clone, Debug)]
pub struct NetworkOut {
    pub lonlat: Vec<Coord>,
    pub state: StateId,
    pub kind: NetworkKind,
    pub source: String,
}

#[derive(Clone, Debug)]
pub struct PostOut {
    pub id: String,
    pub lonlat: Coord,
    pub state: StateId,
    pub name: String,
    pub height_m: f64,
    pub sensors: Vec<String>,
    pub elevation_m: Option<f64>,
}

/// Everything an importer produces.
#[derive(Clone, Debug, Default)]
pub struct Layers {
    pub border: Vec<BorderOut>,
    pub crossings: Vec<CrossingOut>,
    pub routes: Vec<RouteOut>,
    pub network: Vec<NetworkOut>,
    pub posts: Vec<PostOut>,
    /// The reference map (lon/lat), written as `basemap.geojson` when not
    /// empty.
    pub basemap: crate::basemap::Basemap,
}

/// What a finished import reports.
#[derive(Debug, serde::Serialize)]
pub struct ImportReport {
    pub scenario: PathBuf,
    pub maps: PathBuf,
    pub border_km: f64,
    pub green_km: f64,
    pub blue_km: f64,
    pub crossings: usize,
    pub routes: usize,
    pub network_links: usize,
    pub posts: usize,
    pub units: usize,
    /// Input points that could not be snapped, with why.
    pub unsnapped: Vec<String>,
    pub notes: Vec<String>,
}

/// Write layers and the scenario TOML under `out`: `out/maps/NAME/*.geojson`,
/// `out/scenarios/NAME.toml`. Every file is written atomically.
pub fn write_scenario(
    out: &Path,
    file: &ScenarioFile,
    layers: &Layers,
    sources_md: &str,
) -> Result<(PathBuf, PathBuf)> {
    let name = &file.name;
    let maps = out.join("maps").join(name);
    let scen = out.join("scenarios").join(format!("{name}.toml"));

    let border: Vec<_> = layers
        .border
        .iter()
        .enumerate()
        .map(|(i, b)| {
            feature(
                line_geometry(&b.lonlat),
                props! {"id" => format!("B{}", i + 1), "left" => b.left.as_str(), "right" => b.right.as_str(), "kind" => b.kind.as_str()},
            )
        })
        .collect();
    let crossings: Vec<_> = layers
        .crossings
        .iter()
        .enumerate()
        .map(|(i, c)| {
            feature(
                point_geometry(c.lonlat),
                props! {"id" => format!("C{}", i + 1), "name" => c.name, "kind" => c.kind, "chainage_km" => round3(c.chainage_km), "source" => c.source},
            )
        })
        .collect();
    let routes: Vec<_> = layers
        .routes
        .iter()
        .enumerate()
        .map(|(i, r)| {
            feature(
                line_geometry(&r.lonlat),
                props! {"id" => format!("R{}", i + 1), "kind" => r.kind.as_str(), "name" => r.name, "chainage_km" => round3(r.chainage_km), "border_crossings" => r.border_crossings, "source" => r.source},
            )
        })
        .collect();
    let network: Vec<_> = layers
        .network
        .iter()
        .map(|n| feature(line_geometry(&n.lonlat), props! {"state" => n.state.as_str(), "kind" => n.kind.as_str(), "source" => n.source}))
        .collect();
    let posts: Vec<_> = layers
        .posts
        .iter()
        .map(|p| {
            let mut m = props! {"id" => p.id, "state" => p.state.as_str(), "name" => p.name, "height_m" => p.height_m, "sensors" => p.sensors, "source" => "exercise"};
            if let Some(e) = p.elevation_m {
                m.insert("elevation_m".into(), serde_json::json!(e.round()));
            }
            feature(point_geometry(p.lonlat), m)
        })
        .collect();
    for (f, feats) in [
        ("border.geojson", &border),
        ("crossings.geojson", &crossings),
        ("routes.geojson", &routes),
        ("network.geojson", &network),
        ("posts.geojson", &posts),
    ] {
        write_atomic(&maps.join(f), feature_collection(feats).as_bytes())?;
    }
    if !layers.basemap.is_empty() {
        write_atomic(
            &maps.join(crate::basemap::FILE),
            layers.basemap.to_geojson().as_bytes(),
        )?;
    }
    write_atomic(&maps.join("SOURCES.md"), sources_md.as_bytes())?;
    let toml = format!(
        "# borderwatch scenario, written by `borderwatch import`.\n{}",
        toml::to_string(file).map_err(|e| Error::encode("scenario TOML", e))?
    );
    write_atomic(&scen, toml.as_bytes())?;
    Ok((scen, maps))
}

fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// Default sensors of a new scenario.
pub fn default_sensors() -> Vec<Sensor> {
    vec![
        Sensor {
            id: SensorId::new("binoculars"),
            kind: SensorKind::DayOptical,
            range_m: 4000.0,
            day: true,
            night: false,
            p_detect: 0.8,
        },
        Sensor {
            id: SensorId::new("thermal"),
            kind: SensorKind::Thermal,
            range_m: 3000.0,
            day: true,
            night: true,
            p_detect: 0.7,
        },
    ]
}

/// The scenario skeleton for two States.
pub fn skeleton(
    name: &str,
    title: &str,
    description: &str,
    states: &[StateCode; 2],
    dem: Option<String>,
    seed: u64,
) -> ScenarioFile {
    ScenarioFile {
        name: name.to_string(),
        title: title.to_string(),
        description: description.to_string(),
        seed,
        exercise: false,
        maps: format!("../maps/{name}"),
        dem,
        posts: None,
        states: states
            .iter()
            .enumerate()
            .map(|(i, s)| StateDef {
                code: s.country.alpha3.to_string(),
                name: s.country.name.to_string(),
                colour: DEFAULT_COLOURS[i].to_string(),
            })
            .collect(),
        agreements: Agreements::default(),
        risk: Default::default(),
        sensors: default_sensors(),
        units: Vec::new(),
    }
}

/// Split a projected polyline into green and blue stretches: a sample every
/// ~25 m is blue when within `tol_m` of a water line, or inside a water area;
/// a segment is blue when most of its samples are; runs shorter than
/// `min_run_m` take the kind of their neighbours. Returns vertex ranges
/// (inclusive) with their kind, covering the whole line.
pub fn classify_blue(
    xy: &[Coord],
    water_lines: &RTree<GeomWithData<geo::Line, usize>>,
    water_areas: &[geo::Polygon],
    tol_m: f64,
    min_run_m: f64,
) -> Vec<(usize, usize, BorderKind)> {
    use geo::Contains;
    let nseg = xy.len().saturating_sub(1);
    if nseg == 0 {
        return Vec::new();
    }
    let mut kind: Vec<BorderKind> = Vec::with_capacity(nseg);
    let mut lens = Vec::with_capacity(nseg);
    for w in xy.windows(2) {
        let d = w[1] - w[0];
        let len = d.x.hypot(d.y);
        lens.push(len);
        let n = ((len / 25.0).ceil() as usize).max(1);
        let mut wet = 0;
        for k in 0..n {
            let p = w[0] + d * ((k as f64 + 0.5) / n as f64);
            let gp = geo::Point::from(p);
            let near = water_lines
                .locate_within_distance(gp, tol_m * tol_m)
                .next()
                .is_some();
            if near || water_areas.iter().any(|a| a.contains(&gp)) {
                wet += 1;
            }
        }
        kind.push(if wet * 2 > n {
            BorderKind::Blue
        } else {
            BorderKind::Green
        });
    }
    // Smooth: repeatedly flip the shortest run below min_run_m.
    loop {
        let runs = runs_of(&kind);
        if runs.len() <= 1 {
            break;
        }
        let shortest = runs
            .iter()
            .map(|&(a, b, _)| (lens[a..=b].iter().sum::<f64>(), a, b))
            .min_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
        match shortest {
            Some((len, a, b)) if len < min_run_m => {
                let flip = match kind[a] {
                    BorderKind::Green => BorderKind::Blue,
                    BorderKind::Blue => BorderKind::Green,
                };
                kind[a..=b].iter_mut().for_each(|k| *k = flip);
            }
            _ => break,
        }
    }
    runs_of(&kind)
        .into_iter()
        .map(|(a, b, k)| (a, b + 1, k))
        .collect()
}

/// Runs of equal kind as (first segment, last segment, kind).
fn runs_of(kind: &[BorderKind]) -> Vec<(usize, usize, BorderKind)> {
    let mut out: Vec<(usize, usize, BorderKind)> = Vec::new();
    for (i, k) in kind.iter().enumerate() {
        match out.last_mut() {
            Some(last) if last.2 == *k => last.1 = i,
            _ => out.push((i, i, *k)),
        }
    }
    out
}

/// Each `(field, value, min)`: a finite number ≥ `min`; all problems at
/// once.
pub fn check_numbers(opts: &[(&'static str, f64, f64)]) -> Result<()> {
    let bad: Vec<OptionProblem> = opts
        .iter()
        .filter(|(_, v, min)| !(v.is_finite() && v >= min))
        .map(|(f, v, min)| {
            OptionProblem::new(f, format!("must be a finite number ≥ {min}, found {v}"))
        })
        .collect();
    if bad.is_empty() {
        Ok(())
    } else {
        Err(Error::Options(bad))
    }
}

/// A scenario name that can name files: ASCII letters, digits, '-' and
/// '_', not empty.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Refuse to overwrite a scenario `name` already in `out` (its TOML or its
/// map layers, posts included, which a user may have edited) unless
/// `force`.
pub fn check_target(out: &Path, name: &str, force: bool) -> Result<()> {
    let toml = out.join("scenarios").join(format!("{name}.toml"));
    let maps = out.join("maps").join(name);
    let there: Vec<&Path> = [toml.as_path(), maps.as_path()]
        .into_iter()
        .filter(|p| p.exists())
        .collect();
    if force || there.is_empty() {
        return Ok(());
    }
    Err(Error::data(
        there[0],
        format!(
            "a scenario named {name:?} is already here; importing again would overwrite it and its layers, posts included: pass --force to overwrite, or choose another --name"
        ),
    ))
}

/// Build border stretches from one oriented projected polyline (`left` on
/// its left) split by [`classify_blue`].
pub fn stretches_from(
    xy: &[Coord],
    proj: &LocalProjection,
    left: &StateId,
    right: &StateId,
    classes: &[(usize, usize, BorderKind)],
) -> Vec<BorderOut> {
    classes
        .iter()
        .map(|&(a, b, kind)| BorderOut {
            lonlat: xy[a..=b].iter().map(|c| proj.inverse(*c)).collect(),
            left: left.clone(),
            right: right.clone(),
            kind,
        })
        .collect()
}

/// Chainage (km, geodesic) at each vertex of projected parts, continuing
/// from part to part.
pub fn chainage_of_parts(
    parts: &[Vec<Coord>],
    proj: &LocalProjection,
) -> Vec<(Vec<Coord>, Vec<f64>)> {
    let mut acc = 0.0;
    parts
        .iter()
        .map(|p| {
            let ll: geo::LineString = p.iter().map(|c| proj.inverse(*c)).collect();
            let cum = crate::geom::chainage::cumulative_m(&ll);
            let km: Vec<f64> = cum.iter().map(|m| acc + m / 1000.0).collect();
            acc = *km.last().unwrap_or(&acc);
            (p.clone(), km)
        })
        .collect()
}

/// Shared tail of the importers: copy the DEM next to the layers, add
/// exercise units, write everything, and report.
#[allow(clippy::too_many_arguments)]
pub(crate) fn finish(
    out: &Path,
    name: &str,
    states: &[StateCode; 2],
    dem: Option<&Path>,
    seed: u64,
    layers: Layers,
    proj: &LocalProjection,
    total_km: f64,
    mut sources: String,
    unsnapped: Vec<String>,
) -> Result<ImportReport> {
    let title = format!("{} – {}", states[0].country.name, states[1].country.name);
    let dem_rel = match dem {
        Some(d) => {
            let fname = d
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .to_string();
            let dst = out.join("maps").join(name).join(&fname);
            let bytes = std::fs::read(d).map_err(|e| Error::io(d, e))?;
            write_atomic(&dst, &bytes)?;
            Some(format!("../maps/{name}/{fname}"))
        }
        None => None,
    };
    let mut file = skeleton(name, &title, "", states, dem_rel, seed);
    let mut notes = Vec::new();
    if !layers.posts.is_empty() {
        file.exercise = true;
        let (units, left_out) = exercise_units(&layers.posts, &layers, proj);
        file.units = units;
        file.agreements = exercise_agreements();
        file.description = "EXERCISE DATA: posts, units, sensors and agreements are invented for a planning exercise; the border, crossings, routes and network are real public data.".into();
        sources.push_str("\nObservation posts, units, sensors and agreements: invented EXERCISE DATA, generated by the importer (`--exercise-posts`): highest terrain 0.3–2.5 km inside each State, or evenly spaced without a DEM. Not real deployments.\n");
        notes.push(format!(
            "{} exercise posts and {} units invented",
            layers.posts.len(),
            file.units.len()
        ));
        notes.extend(left_out);
    }
    let (scen, maps) = write_scenario(out, &file, &layers, &sources)?;
    let green: f64 = layers
        .border
        .iter()
        .filter(|b| b.kind == BorderKind::Green)
        .map(|b| crate::geom::chainage::geodesic_length_km(&geo::LineString::new(b.lonlat.clone())))
        .sum();
    Ok(ImportReport {
        scenario: scen,
        maps,
        border_km: total_km,
        green_km: green,
        blue_km: total_km - green,
        crossings: layers.crossings.len(),
        routes: layers.routes.len(),
        network_links: layers.network.len(),
        posts: layers.posts.len(),
        units: file.units.len(),
        unsnapped,
        notes,
    })
}
