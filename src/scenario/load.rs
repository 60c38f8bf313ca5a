//! Load and validate a scenario: every problem in every file is collected,
//! then either a [`Scenario`] or the full [`Problems`] list comes back.

use super::file::{parse_colour, StateDef, DEFAULT_COLOURS, TOP_LEVEL_KEYS};
use super::model::*;
use super::rules;
use crate::country;
use crate::dem::Dem;
use crate::error::{Problem, Problems};
use crate::geom::{chainage, proj::LocalProjection};
use crate::ids::*;
use geo::{Coord, LineString};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Result of loading: the scenario when there were no errors, plus every
/// problem (warnings included) found on the way.
pub struct Loaded {
    pub scenario: Option<Scenario>,
    pub problems: Problems,
}

/// Load, validate and project a scenario from its TOML file.
pub fn load(path: &Path) -> Loaded {
    let mut problems = Problems::default();
    let scenario = load_inner(path, &mut problems);
    let scenario = if problems.has_errors() {
        None
    } else {
        scenario
    };
    Loaded { scenario, problems }
}

/// Load and fail with the full problem list if anything is wrong.
pub fn load_ok(path: &Path) -> crate::error::Result<(Scenario, Problems)> {
    let l = load(path);
    match l.scenario {
        Some(s) => Ok((s, l.problems)),
        None => Err(crate::error::Error::Invalid(l.problems)),
    }
}

fn load_inner(path: &Path, pr: &mut Problems) -> Option<Scenario> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            pr.push(Problem::error(
                path,
                format!("cannot read scenario file: {e}"),
            ));
            return None;
        }
    };
    let table: toml::Table = match text.parse() {
        Ok(t) => t,
        Err(e) => {
            pr.push(
                Problem::error(path, format!("not valid TOML: {}", e.message())).field(
                    e.span()
                        .map(|s| line_col(&text, s.start))
                        .unwrap_or_default(),
                ),
            );
            return None;
        }
    };
    for k in table.keys() {
        if !TOP_LEVEL_KEYS.contains(&k.as_str()) {
            pr.push(
                Problem::error(
                    path,
                    format!("unknown key; expected one of {}", TOP_LEVEL_KEYS.join(", ")),
                )
                .field(k),
            );
        }
    }
    let name = req_str(&table, "name", path, pr).unwrap_or_default();
    let title = opt_str(&table, "title", path, pr).unwrap_or_else(|| name.clone());
    let description = opt_str(&table, "description", path, pr).unwrap_or_default();
    let seed = match table.get("seed") {
        None => 0,
        Some(toml::Value::Integer(i)) if *i >= 0 => *i as u64,
        Some(v) => {
            pr.push(
                Problem::error(path, format!("expected a non-negative integer, found {v}"))
                    .field("seed"),
            );
            0
        }
    };
    let exercise = match table.get("exercise") {
        None => false,
        Some(toml::Value::Boolean(b)) => *b,
        Some(v) => {
            pr.push(
                Problem::error(path, format!("expected true or false, found {v}"))
                    .field("exercise"),
            );
            false
        }
    };
    let base = path.parent().unwrap_or(Path::new("."));
    let maps_dir = req_str(&table, "maps", path, pr).map(|m| clean_path(&base.join(m)));
    let dem_path = opt_str(&table, "dem", path, pr).map(|d| clean_path(&base.join(d)));
    let posts_file = opt_str(&table, "posts", path, pr).map(|d| clean_path(&base.join(d)));

    // States
    let state_defs: Vec<(usize, StateDef)> = section_items(&table, "states", path, pr);
    let mut states: Vec<State> = Vec::new();
    for (i, d) in &state_defs {
        let field = format!("states[{i}].code");
        match country::lookup(&d.code) {
            None => pr.push(
                Problem::error(path, format!("unknown State code {:?}: expected an ISO 3166-1 alpha-2 or alpha-3 code such as \"ES\" or \"ESP\"", d.code))
                    .field(field),
            ),
            Some(c) => {
                if states.iter().any(|s| s.id.as_str() == c.alpha3) {
                    pr.push(Problem::error(path, format!("State {} is listed twice", c.alpha3)).field(field));
                    continue;
                }
                let colour = if d.colour.is_empty() {
                    parse_colour(DEFAULT_COLOURS[states.len() % DEFAULT_COLOURS.len()]).unwrap()
                } else {
                    parse_colour(&d.colour).unwrap_or_else(|| {
                        pr.push(
                            Problem::error(path, format!("colour {:?} is not of the form #rrggbb", d.colour))
                                .field(format!("states[{i}].colour")),
                        );
                        [128, 128, 128]
                    })
                };
                states.push(State {
                    id: StateId::new(c.alpha3),
                    alpha2: c.alpha2.to_string(),
                    name: if d.name.is_empty() { c.name.to_string() } else { d.name.clone() },
                    colour,
                });
            }
        }
    }
    if table.contains_key("states") && state_defs.len() < 2 && !pr.has_errors() {
        pr.push(Problem::error(path, "a scenario needs the States on both sides of the border: at least two [[states]] entries").field("states"));
    }
    // When [[states]] itself is wrong, every reference to a State would be
    // reported too; those follow-on reports are left out until it is fixed.
    let states_broken = states.len() != state_defs.len()
        || pr
            .0
            .iter()
            .any(|p| p.field.as_deref().is_some_and(|f| f.starts_with("states")));
    let state_ids: HashSet<StateId> = states.iter().map(|s| s.id.clone()).collect();
    // Resolve a code written by the user (alpha-2/3, any case) to a known State.
    let resolve = |code: &str| -> Option<StateId> {
        country::lookup(code)
            .map(|c| StateId::new(c.alpha3))
            .filter(|id| state_ids.contains(id))
    };

    let agreements: Agreements = match table.get("agreements") {
        None => Agreements::default(),
        Some(v) => match v.clone().try_into::<Agreements>() {
            Ok(a) => {
                rules::agreements(&a, path, pr);
                a
            }
            Err(e) => {
                pr.push(Problem::error(path, e.message().to_string()).field("agreements"));
                Agreements::default()
            }
        },
    };

    let risk: RiskWeights = match table.get("risk") {
        None => RiskWeights::default(),
        Some(v) => match v.clone().try_into::<RiskWeights>() {
            Ok(r) => {
                let vals = [
                    ("routes", r.routes),
                    ("passability", r.passability),
                    ("roads", r.roads),
                    ("crossings", r.crossings),
                    ("intel", r.intel),
                    ("seizures", r.seizures),
                    ("path", r.path),
                    ("track", r.track),
                    ("road", r.road),
                    ("ford", r.ford),
                    ("landing", r.landing),
                ];
                for (f, x) in vals {
                    if !(x.is_finite() && x >= 0.0) {
                        pr.push(
                            Problem::error(path, format!("expected a weight ≥ 0, found {x}"))
                                .field(format!("risk.{f}")),
                        );
                    }
                }
                if vals[..6].iter().all(|(_, x)| *x == 0.0) {
                    pr.push(
                        Problem::error(
                            path,
                            "all indicator weights are 0: at least one must be positive",
                        )
                        .field("risk"),
                    );
                }
                r
            }
            Err(e) => {
                pr.push(Problem::error(path, e.message().to_string()).field("risk"));
                RiskWeights::default()
            }
        },
    };

    let sensors: Vec<Sensor> = section_items::<Sensor>(&table, "sensors", path, pr)
        .into_iter()
        .map(|(i, s)| {
            if !(s.range_m.is_finite() && s.range_m > 0.0) {
                pr.push(
                    Problem::error(path, format!("range must be > 0 m, found {}", s.range_m))
                        .field(format!("sensors[{i}].range_m"))
                        .id(s.id.as_str()),
                );
            }
            if !(0.0..=1.0).contains(&s.p_detect) {
                pr.push(
                    Problem::error(
                        path,
                        format!("probability must be in 0..1, found {}", s.p_detect),
                    )
                    .field(format!("sensors[{i}].p_detect"))
                    .id(s.id.as_str()),
                );
            }
            s
        })
        .collect();
    rules::dupes(sensors.iter().map(|s| s.id.as_str()), path, "sensors", pr);
    let sensor_ids: HashSet<&SensorId> = sensors.iter().map(|s| &s.id).collect();

    let mut units: Vec<Unit> = Vec::new();
    for (i, mut u) in section_items::<Unit>(&table, "units", path, pr) {
        match resolve(u.state.as_str()) {
            Some(s) => u.state = s,
            None if states_broken => {}
            None => pr.push(rules::unit_state_unknown(i, &u, path)),
        }
        rules::unit_shift(i, &u, path, pr);
        units.push(u);
    }
    rules::dupes(units.iter().map(|u| u.id.as_str()), path, "units", pr);

    // Layers
    let maps_dir = maps_dir?;
    if !maps_dir.is_dir() {
        pr.push(
            Problem::error(
                path,
                format!("maps directory {} does not exist", maps_dir.display()),
            )
            .field("maps"),
        );
        return None;
    }
    let lonlat_border = read_border(
        &maps_dir.join("border.geojson"),
        &resolve,
        states_broken,
        pr,
    );
    let crossings_raw = read_points(&maps_dir.join("crossings.geojson"), false, pr);
    let routes_raw = read_lines(&maps_dir.join("routes.geojson"), false, pr);
    let network_raw = read_lines(&maps_dir.join("network.geojson"), false, pr);
    let posts_path = posts_file
        .clone()
        .unwrap_or_else(|| maps_dir.join("posts.geojson"));
    let posts_raw = read_points(&posts_path, false, pr);

    // Without a usable border, keep checking the other layers (so every
    // problem is listed) in a projection centred on whatever they hold.
    let border_bbox = bbox(lonlat_border.iter().flat_map(|b| b.1 .0.iter().copied()));
    if border_bbox.is_none()
        && !states_broken
        && !pr.0.iter().any(|p| p.file.ends_with("border.geojson"))
    {
        pr.push(Problem::error(
            maps_dir.join("border.geojson"),
            "the border is empty: at least one LineString feature between the two States is needed",
        ));
    }
    let (min, max) = border_bbox
        .or_else(|| {
            bbox(
                posts_raw
                    .iter()
                    .chain(&crossings_raw)
                    .chain(&routes_raw)
                    .chain(&network_raw)
                    .flat_map(|f| f.coords.iter().copied()),
            )
        })
        .unwrap_or_default();
    let projection = LocalProjection::centred_on(min, max);

    // Border stretches with chainage per pair.
    let mut border = Vec::new();
    let mut running: HashMap<(StateId, StateId), f64> = HashMap::new();
    for (id, line, left, right, kind) in lonlat_border {
        let len = chainage::geodesic_length_km(&line);
        let key = pair_key(&left, &right);
        let from = *running.get(&key).unwrap_or(&0.0);
        running.insert(key, from + len);
        border.push(BorderStretch {
            id,
            left,
            right,
            kind,
            xy: projection.forward_line(&line),
            lonlat: line,
            from_km: from,
            to_km: from + len,
        });
    }

    let file = maps_dir.join("crossings.geojson");
    let mut crossings = Vec::new();
    for f in crossings_raw {
        let id = f.id.clone().unwrap_or_else(|| format!("C{}", f.index + 1));
        crossings.push(Crossing {
            id: CrossingId::new(id),
            name: prop_str(&f, "name", &file, pr).unwrap_or_default(),
            kind: prop_str(&f, "kind", &file, pr).unwrap_or_else(|| "road".into()),
            xy: projection.forward(f.point()),
            lonlat: f.point(),
            releasable: prop_bool(&f, "releasable", &file, pr).unwrap_or(true),
        });
    }
    rules::dupes(
        crossings.iter().map(|c| c.id.as_str()),
        &file,
        "crossings",
        pr,
    );

    let file = maps_dir.join("routes.geojson");
    let mut routes = Vec::new();
    for f in routes_raw {
        let id = f.id.clone().unwrap_or_else(|| format!("R{}", f.index + 1));
        let kind = match prop_str(&f, "kind", &file, pr) {
            None => RouteKind::Path,
            Some(k) => RouteKind::parse(&k).unwrap_or_else(|| {
                pr.push(
                    Problem::error(
                        &file,
                        format!(
                            "unknown route kind {k:?}: expected path, track, road, ford or landing"
                        ),
                    )
                    .feature(f.index)
                    .id(&id)
                    .field("kind"),
                );
                RouteKind::Path
            }),
        };
        routes.push(Route {
            id: RouteId::new(id),
            kind,
            name: prop_str(&f, "name", &file, pr).unwrap_or_default(),
            xy: projection.forward_line(&f.line()),
            lonlat: f.line(),
            releasable: prop_bool(&f, "releasable", &file, pr).unwrap_or(true),
        });
    }
    rules::dupes(routes.iter().map(|r| r.id.as_str()), &file, "routes", pr);

    let file = maps_dir.join("network.geojson");
    let mut network = Vec::new();
    for f in network_raw {
        let state = match prop_str(&f, "state", &file, pr) {
            Some(s) => match resolve(&s) {
                Some(id) => id,
                None => {
                    if !states_broken {
                        pr.push(Problem::error(&file, format!("unknown State {s:?}: expected one of the scenario's [[states]]")).feature(f.index).field("state"));
                    }
                    continue;
                }
            },
            None => {
                pr.push(
                    Problem::error(&file, "missing: every network link belongs to one State")
                        .feature(f.index)
                        .field("state"),
                );
                continue;
            }
        };
        let kind = match prop_str(&f, "kind", &file, pr)
            .as_deref()
            .map(NetworkKind::parse)
        {
            Some(Some(k)) => k,
            other => {
                pr.push(
                    Problem::error(
                        &file,
                        format!(
                            "{}: expected road, track, path or waterway",
                            if other.is_none() {
                                "missing"
                            } else {
                                "unknown kind"
                            }
                        ),
                    )
                    .feature(f.index)
                    .field("kind"),
                );
                continue;
            }
        };
        network.push(NetworkLink {
            state,
            kind,
            xy: projection.forward_line(&f.line()),
            lonlat: f.line(),
        });
    }

    let file = posts_path.clone();
    let mut posts = Vec::new();
    for f in posts_raw {
        let Some(id) = f.id.clone() else {
            pr.push(
                Problem::error(&file, "missing: every post needs an id")
                    .feature(f.index)
                    .field("id"),
            );
            continue;
        };
        let state = match prop_str(&f, "state", &file, pr) {
            Some(s) => resolve(&s).unwrap_or_else(|| {
                if !states_broken {
                    pr.push(rules::post_state_unknown(&s, &file, f.index, &id));
                }
                StateId::new(s)
            }),
            None => {
                pr.push(
                    Problem::error(&file, "missing: the State that mans the post")
                        .feature(f.index)
                        .id(&id)
                        .field("state"),
                );
                continue;
            }
        };
        let height_m = prop_num(&f, "height_m", &file, pr).unwrap_or(2.0);
        rules::post_height(height_m, &file, f.index, &id, pr);
        let sensors_v: Vec<SensorId> = match f.props.get("sensors") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(|v| match v.as_str() {
                    Some(s) => Some(SensorId::new(s)),
                    None => {
                        pr.push(
                            Problem::error(
                                &file,
                                format!("expected sensor ids (strings), found {v}"),
                            )
                            .feature(f.index)
                            .id(&id)
                            .field("sensors"),
                        );
                        None
                    }
                })
                .collect(),
            Some(v) => {
                pr.push(
                    Problem::error(&file, format!("expected an array of sensor ids, found {v}"))
                        .feature(f.index)
                        .id(&id)
                        .field("sensors"),
                );
                Vec::new()
            }
        };
        rules::post_sensors(&sensors_v, &sensor_ids, &file, f.index, &id, pr);
        let xy = projection.forward(f.point());
        // A post must stand on its own State's side of the border.
        if state_ids.contains(&state) {
            rules::post_side(&border, &state, xy, &file, f.index, &id, pr);
        }
        let extra: Map<String, Value> = f
            .props
            .iter()
            .filter(|(k, _)| !POST_KEYS.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        posts.push(Post {
            id: PostId::new(id),
            name: prop_str(&f, "name", &file, pr).unwrap_or_default(),
            state,
            lonlat: f.point(),
            xy,
            height_m,
            sensors: sensors_v,
            releasable: prop_bool(&f, "releasable", &file, pr).unwrap_or(true),
            extra,
        });
    }
    rules::dupes(posts.iter().map(|p| p.id.as_str()), &file, "posts", pr);

    // Risk inputs (optional).
    let file = maps_dir.join("intel.geojson");
    let mut intel = Vec::new();
    for f in read_points(&file, false, pr) {
        let confidence = prop_num(&f, "confidence", &file, pr).unwrap_or(0.5);
        if !(0.0..=1.0).contains(&confidence) {
            pr.push(
                Problem::error(
                    &file,
                    format!("confidence must be in 0..1, found {confidence}"),
                )
                .feature(f.index)
                .id(f.id.clone().unwrap_or_default())
                .field("confidence"),
            );
        }
        intel.push(IntelPoint {
            xy: projection.forward(f.point()),
            lonlat: f.point(),
            confidence,
        });
    }
    let mut seizures = Vec::new();
    let geo_s = maps_dir.join("seizures.geojson");
    let csv_s = maps_dir.join("seizures.csv");
    if geo_s.exists() {
        for f in read_points(&geo_s, false, pr) {
            let count = prop_num(&f, "count", &geo_s, pr).unwrap_or(1.0);
            seizures.push(Seizure {
                xy: projection.forward(f.point()),
                lonlat: f.point(),
                count,
            });
        }
    }
    if csv_s.exists() {
        let (pts, problems) = crate::import::points::read_points(&csv_s);
        pr.extend(problems);
        for p in pts {
            seizures.push(Seizure {
                xy: projection.forward(p.lonlat),
                lonlat: p.lonlat,
                count: 1.0,
            });
        }
    }

    for (i, u) in units.iter().enumerate() {
        rules::unit_home(i, u, &posts, states_broken, path, pr);
    }

    let dem = dem_path.as_ref().and_then(|p| match Dem::read_hgt(p) {
        Ok(d) if border_bbox.is_some() => {
            let (mn, mx) = (min, max);
            if !(d.contains(mn.x, mn.y) && d.contains(mx.x, mx.y)) {
                pr.push(Problem::warning(p, format!(
                    "the DEM ({:.3}..{:.3} E, {:.3}..{:.3} N) does not cover the whole border ({:.3}..{:.3} E, {:.3}..{:.3} N); terrain outside it is unknown",
                    d.west, d.east(), d.south(), d.north, mn.x, mx.x, mn.y, mx.y)).field("dem"));
            }
            Some(d)
        }
        Ok(_) => None,
        Err(e) => {
            pr.push(Problem::error(path, e.to_string()).field("dem"));
            None
        }
    });

    Some(Scenario {
        name,
        title,
        description,
        seed,
        exercise,
        path: path.to_path_buf(),
        maps_dir,
        posts_path,
        states,
        projection,
        border,
        crossings,
        routes,
        network,
        posts,
        units,
        sensors,
        agreements,
        risk,
        intel,
        seizures,
        dem,
        dem_path,
    })
}

/// Resolve `.` and `..` lexically (for readable messages; no symlink lookups).
fn clean_path(p: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

fn line_col(text: &str, offset: usize) -> String {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    format!("line {line}, column {col}")
}

fn req_str(t: &toml::Table, key: &str, path: &Path, pr: &mut Problems) -> Option<String> {
    match t.get(key) {
        None => {
            pr.push(Problem::error(path, "missing").field(key));
            None
        }
        Some(_) => opt_str(t, key, path, pr),
    }
}

fn opt_str(t: &toml::Table, key: &str, path: &Path, pr: &mut Problems) -> Option<String> {
    match t.get(key)? {
        toml::Value::String(s) => Some(s.clone()),
        v => {
            pr.push(Problem::error(path, format!("expected a string, found {v}")).field(key));
            None
        }
    }
}

/// Deserialize each element of an array of tables on its own, so that one bad
/// entry does not hide the problems of the others.
fn section_items<T: DeserializeOwned>(
    t: &toml::Table,
    key: &str,
    path: &Path,
    pr: &mut Problems,
) -> Vec<(usize, T)> {
    match t.get(key) {
        None => Vec::new(),
        Some(toml::Value::Array(items)) => items
            .iter()
            .enumerate()
            .filter_map(|(i, v)| match v.clone().try_into::<T>() {
                Ok(x) => Some((i, x)),
                Err(e) => {
                    let id = v
                        .get("id")
                        .and_then(|x| x.as_str())
                        .unwrap_or("")
                        .to_string();
                    pr.push(
                        Problem::error(path, e.message().to_string())
                            .field(format!("{key}[{i}]"))
                            .id(id),
                    );
                    None
                }
            })
            .collect(),
        Some(v) => {
            pr.push(
                Problem::error(
                    path,
                    format!(
                        "expected an array of tables ([[{key}]]), found {}",
                        v.type_str()
                    ),
                )
                .field(key),
            );
            Vec::new()
        }
    }
}

/// Properties of a post the model reads; others are kept as they are.
const POST_KEYS: &[&str] = &["id", "state", "name", "height_m", "sensors", "releasable"];

/// A feature read from a layer, geometry checked.
pub(crate) struct RawFeature {
    pub index: usize,
    pub id: Option<String>,
    pub props: Map<String, Value>,
    pub coords: Vec<Coord>,
}

impl RawFeature {
    fn point(&self) -> Coord {
        self.coords[0]
    }
    fn line(&self) -> LineString {
        LineString::new(self.coords.clone())
    }
}

fn prop_str(f: &RawFeature, key: &str, file: &Path, pr: &mut Problems) -> Option<String> {
    match f.props.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        v => {
            pr.push(
                Problem::error(file, format!("expected a string, found {v}"))
                    .feature(f.index)
                    .id(f.id.clone().unwrap_or_default())
                    .field(key),
            );
            None
        }
    }
}

fn prop_num(f: &RawFeature, key: &str, file: &Path, pr: &mut Problems) -> Option<f64> {
    match f.props.get(key)? {
        Value::Number(n) => n.as_f64(),
        Value::Null => None,
        v => {
            pr.push(
                Problem::error(file, format!("expected a number, found {v}"))
                    .feature(f.index)
                    .id(f.id.clone().unwrap_or_default())
                    .field(key),
            );
            None
        }
    }
}

fn prop_bool(f: &RawFeature, key: &str, file: &Path, pr: &mut Problems) -> Option<bool> {
    match f.props.get(key)? {
        Value::Bool(b) => Some(*b),
        Value::Null => None,
        v => {
            pr.push(
                Problem::error(file, format!("expected true or false, found {v}"))
                    .feature(f.index)
                    .id(f.id.clone().unwrap_or_default())
                    .field(key),
            );
            None
        }
    }
}

/// Read a GeoJSON FeatureCollection; check each feature's geometry type and
/// coordinates. Missing optional layers are empty.
pub(crate) fn read_layer(
    file: &Path,
    want: &str,
    required: bool,
    pr: &mut Problems,
) -> Vec<RawFeature> {
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => return Vec::new(),
        Err(e) => {
            pr.push(Problem::error(file, format!("cannot read: {e}")));
            return Vec::new();
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let v: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            pr.push(Problem::error(
                file,
                format!(
                    "malformed JSON at line {}, column {}: {e}",
                    e.line(),
                    e.column()
                ),
            ));
            return Vec::new();
        }
    };
    let Some(features) = v.get("features").and_then(|f| f.as_array()) else {
        pr.push(
            Problem::error(
                file,
                "expected a GeoJSON FeatureCollection with a `features` array",
            )
            .field("features"),
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for (index, f) in features.iter().enumerate() {
        let props = match f.get("properties") {
            Some(Value::Object(m)) => m.clone(),
            None | Some(Value::Null) => Map::new(),
            Some(other) => {
                pr.push(
                    Problem::error(file, format!("expected an object, found {other}"))
                        .feature(index)
                        .field("properties"),
                );
                Map::new()
            }
        };
        let id = match props.get("id").or_else(|| f.get("id")) {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let ctx = |p: Problem| p.feature(index).id(id.clone().unwrap_or_default());
        let Some(g) = f.get("geometry").filter(|g| !g.is_null()) else {
            pr.push(
                ctx(Problem::error(
                    file,
                    format!("missing geometry: expected a {want}"),
                ))
                .field("geometry"),
            );
            continue;
        };
        let gtype = g.get("type").and_then(|t| t.as_str()).unwrap_or("");
        if gtype != want {
            pr.push(
                ctx(Problem::error(
                    file,
                    format!("wrong geometry type {gtype:?}: expected {want}"),
                ))
                .field("geometry"),
            );
            continue;
        }
        let coords_v = g.get("coordinates");
        let positions: Vec<&Value> = match (want, coords_v) {
            ("Point", Some(c)) => vec![c],
            ("LineString", Some(Value::Array(a))) => a.iter().collect(),
            _ => {
                pr.push(
                    ctx(Problem::error(file, "geometry has no valid `coordinates`"))
                        .field("geometry.coordinates"),
                );
                continue;
            }
        };
        let mut coords = Vec::with_capacity(positions.len());
        let mut bad = false;
        for (k, p) in positions.iter().enumerate() {
            let xy = p
                .as_array()
                .filter(|a| a.len() >= 2)
                .and_then(|a| Some((a[0].as_f64()?, a[1].as_f64()?)));
            match xy {
                Some((lon, lat))
                    if lon.is_finite()
                        && lat.is_finite()
                        && (-180.0..=180.0).contains(&lon)
                        && (-90.0..=90.0).contains(&lat) =>
                {
                    coords.push(Coord { x: lon, y: lat })
                }
                _ => {
                    pr.push(ctx(Problem::error(file, format!("position {k} is {p}: expected [longitude, latitude] in degrees, longitude -180..180, latitude -90..90"))).field("geometry.coordinates"));
                    bad = true;
                    break;
                }
            }
        }
        if bad {
            continue;
        }
        if want == "LineString" && coords.len() < 2 {
            pr.push(
                ctx(Problem::error(
                    file,
                    "a LineString needs at least two positions",
                ))
                .field("geometry.coordinates"),
            );
            continue;
        }
        out.push(RawFeature {
            index,
            id,
            props,
            coords,
        });
    }
    out
}

fn read_points(file: &Path, required: bool, pr: &mut Problems) -> Vec<RawFeature> {
    read_layer(file, "Point", required, pr)
}

fn read_lines(file: &Path, required: bool, pr: &mut Problems) -> Vec<RawFeature> {
    read_layer(file, "LineString", required, pr)
}

type BorderRow = (StretchId, LineString, StateId, StateId, BorderKind);

fn read_border(
    file: &Path,
    resolve: &dyn Fn(&str) -> Option<StateId>,
    states_broken: bool,
    pr: &mut Problems,
) -> Vec<BorderRow> {
    let mut out = Vec::new();
    for f in read_lines(file, true, pr) {
        let id = f.id.clone().unwrap_or_else(|| format!("B{}", f.index + 1));
        let mut side = |key: &str| -> Option<StateId> {
            match prop_str(&f, key, file, pr) {
                None => {
                    pr.push(Problem::error(file, format!("missing: the State on the {key} of the line")).feature(f.index).id(&id).field(key));
                    None
                }
                Some(code) => resolve(&code).or_else(|| {
                    if !states_broken { pr.push(Problem::error(file, format!("unknown State {code:?}: expected one of the scenario's [[states]] (ISO 3166-1 alpha-2 or alpha-3)")).feature(f.index).id(&id).field(key)); }
                    None
                }),
            }
        };
        let left = side("left");
        let right = side("right");
        let kind = match prop_str(&f, "kind", file, pr) {
            Some(k) => BorderKind::parse(&k).or_else(|| {
                pr.push(
                    Problem::error(file, format!("unknown kind {k:?}: expected green or blue"))
                        .feature(f.index)
                        .id(&id)
                        .field("kind"),
                );
                None
            }),
            None => {
                pr.push(
                    Problem::error(file, "missing: green or blue")
                        .feature(f.index)
                        .id(&id)
                        .field("kind"),
                );
                None
            }
        };
        if let (Some(l), Some(r), Some(k)) = (left, right, kind) {
            if l == r {
                pr.push(
                    Problem::error(
                        file,
                        format!("left and right are both {l}: a border separates two States"),
                    )
                    .feature(f.index)
                    .id(&id)
                    .field("right"),
                );
                continue;
            }
            out.push((StretchId::new(id), f.line(), l, r, k));
        }
    }
    out
}

/// Path of a file relative to a base directory when possible (for messages).
pub fn display_path(p: &Path) -> PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| p.strip_prefix(cwd).ok().map(|r| r.to_path_buf()))
        .unwrap_or_else(|| p.to_path_buf())
}
