//! The scenario's map layers, each feature checked on its own and
//! projected: the border (stretches with chainage per State pair), official
//! crossings, informal routes, each State's network, posts, and the
//! optional risk inputs (intelligence, seizures); the DEM.

use super::model::*;
use super::rules;
use super::sections::StateRefs;
use crate::dem::Dem;
use crate::error::{Problem, Problems};
use crate::formats::geojson::{prop_bool, prop_num, prop_str, read_lines, read_points, RawFeature};
use crate::geom::{chainage, proj::LocalProjection};
use crate::ids::*;
use geo::{Coord, LineString};
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// Properties of a post the model reads; others are kept as they are.
const POST_KEYS: &[&str] = &["id", "state", "name", "height_m", "sensors", "releasable"];

pub(super) type BorderRow = (StretchId, LineString, StateId, StateId, BorderKind);

/// The border layer's stretches as read (ids, lines in lon/lat, the States
/// left and right, green or blue).
pub(super) fn read_border(file: &Path, refs: &StateRefs, pr: &mut Problems) -> Vec<BorderRow> {
    let mut out = Vec::new();
    for f in read_lines(file, true, pr) {
        let id = f.id.clone().unwrap_or_else(|| format!("B{}", f.index + 1));
        let mut side = |key: &str| -> Option<StateId> {
            match prop_str(&f, key, file, pr) {
                None => {
                    pr.push(Problem::error(file, format!("missing: the State on the {key} of the line")).feature(f.index).id(&id).field(key));
                    None
                }
                Some(code) => refs.resolve(&code).or_else(|| {
                    if !refs.broken { pr.push(Problem::error(file, format!("unknown State {code:?}: expected one of the scenario's [[states]] (ISO 3166-1 alpha-2 or alpha-3)")).feature(f.index).id(&id).field(key)); }
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
            if let Some((at, i, j)) = crate::geom::self_crossing(&f.coords) {
                pr.push(
                    Problem::error(
                        file,
                        format!(
                            "the line crosses or runs back over itself at ({:.6}, {:.6}) (segments {i} and {j}): a border stretch runs without loops; fix the digitising or split it",
                            at.x, at.y
                        ),
                    )
                    .feature(f.index)
                    .id(&id)
                    .field("geometry"),
                );
                continue;
            }
            out.push((StretchId::new(id), f.line(), l, r, k));
        }
    }
    rules::dupes(out.iter().map(|b| b.0.as_str()), file, "border", pr);
    out
}

/// The border's stretches projected, with chainage running on per State
/// pair in the order of the layer.
pub(super) fn stretches(
    lonlat_border: Vec<BorderRow>,
    projection: &LocalProjection,
) -> Vec<BorderStretch> {
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
    border
}

pub(super) fn crossings(
    raw: Vec<RawFeature>,
    file: &Path,
    projection: &LocalProjection,
    pr: &mut Problems,
) -> Vec<Crossing> {
    let mut crossings = Vec::new();
    for f in raw {
        let id = f.id.clone().unwrap_or_else(|| format!("C{}", f.index + 1));
        crossings.push(Crossing {
            id: CrossingId::new(id),
            name: prop_str(&f, "name", file, pr).unwrap_or_default(),
            kind: prop_str(&f, "kind", file, pr).unwrap_or_else(|| "road".into()),
            xy: projection.forward(f.point()),
            lonlat: f.point(),
            releasable: prop_bool(&f, "releasable", file, pr).unwrap_or(true),
        });
    }
    rules::dupes(
        crossings.iter().map(|c| c.id.as_str()),
        file,
        "crossings",
        pr,
    );
    crossings
}

pub(super) fn routes(
    raw: Vec<RawFeature>,
    file: &Path,
    projection: &LocalProjection,
    pr: &mut Problems,
) -> Vec<Route> {
    let mut routes = Vec::new();
    for f in raw {
        let id = f.id.clone().unwrap_or_else(|| format!("R{}", f.index + 1));
        let kind = match prop_str(&f, "kind", file, pr) {
            None => RouteKind::Path,
            Some(k) => RouteKind::parse(&k).unwrap_or_else(|| {
                pr.push(
                    Problem::error(
                        file,
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
            name: prop_str(&f, "name", file, pr).unwrap_or_default(),
            xy: projection.forward_line(&f.line()),
            lonlat: f.line(),
            releasable: prop_bool(&f, "releasable", file, pr).unwrap_or(true),
        });
    }
    rules::dupes(routes.iter().map(|r| r.id.as_str()), file, "routes", pr);
    routes
}

/// The reference map (optional, `basemap.geojson`), in metres; its
/// States are checked only once `[[states]]` is sound.
pub(super) fn basemap(
    maps_dir: &Path,
    refs: &StateRefs,
    projection: &LocalProjection,
    pr: &mut Problems,
) -> crate::basemap::Basemap {
    let mut own = Problems::default();
    let file = maps_dir.join(crate::basemap::FILE);
    let b = crate::basemap::read(&file, |s| refs.resolve(s), &mut own).project(projection);
    if !refs.broken {
        pr.extend(own);
    }
    b
}

pub(super) fn network(
    raw: Vec<RawFeature>,
    file: &Path,
    refs: &StateRefs,
    projection: &LocalProjection,
    pr: &mut Problems,
) -> Vec<NetworkLink> {
    let mut network = Vec::new();
    for f in raw {
        let state = match prop_str(&f, "state", file, pr) {
            Some(s) => match refs.resolve(&s) {
                Some(id) => id,
                None => {
                    if !refs.broken {
                        pr.push(Problem::error(file, format!("unknown State {s:?}: expected one of the scenario's [[states]]")).feature(f.index).field("state"));
                    }
                    continue;
                }
            },
            None => {
                pr.push(
                    Problem::error(file, "missing: every network link belongs to one State")
                        .feature(f.index)
                        .field("state"),
                );
                continue;
            }
        };
        let kind = match prop_str(&f, "kind", file, pr)
            .as_deref()
            .map(NetworkKind::parse)
        {
            Some(Some(k)) => k,
            other => {
                pr.push(
                    Problem::error(
                        file,
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
    network
}

/// The layer's posts: each on its own State's side of the border, its
/// sensors known; properties the model does not read kept as they are.
/// What a post is checked against: the States, the sensor types, the border.
pub(super) type PostContext<'a> = (
    &'a StateRefs,
    &'a HashSet<&'a SensorId>,
    &'a [BorderStretch],
);

pub(super) fn posts(
    raw: Vec<RawFeature>,
    file: &Path,
    ctx: PostContext,
    projection: &LocalProjection,
    pr: &mut Problems,
) -> Vec<Post> {
    let (refs, sensor_ids, border) = ctx;
    let mut posts = Vec::new();
    // an undefined sensor once, with the posts that name it
    let mut unknown_sensors: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for f in raw {
        let Some(id) = f.id.clone() else {
            pr.push(
                Problem::error(file, "missing: every post needs an id")
                    .feature(f.index)
                    .field("id"),
            );
            continue;
        };
        let state = match prop_str(&f, "state", file, pr) {
            Some(s) => refs.resolve(&s).unwrap_or_else(|| {
                if !refs.broken {
                    pr.push(rules::post_state_unknown(&s, file, f.index, &id));
                }
                StateId::new(s)
            }),
            None => {
                pr.push(
                    Problem::error(file, "missing: the State that mans the post")
                        .feature(f.index)
                        .id(&id)
                        .field("state"),
                );
                continue;
            }
        };
        let height_m = prop_num(&f, "height_m", file, pr).unwrap_or(2.0);
        rules::post_height(height_m, file, f.index, &id, pr);
        let sensors_v: Vec<SensorId> = match f.props.get("sensors") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(|v| match v.as_str() {
                    Some(s) => Some(SensorId::new(s)),
                    None => {
                        pr.push(
                            Problem::error(
                                file,
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
                    Problem::error(file, format!("expected an array of sensor ids, found {v}"))
                        .feature(f.index)
                        .id(&id)
                        .field("sensors"),
                );
                Vec::new()
            }
        };
        for s in sensors_v.iter().filter(|s| !sensor_ids.contains(s)) {
            unknown_sensors
                .entry(s.as_str().to_string())
                .or_default()
                .push(id.clone());
        }
        let xy = projection.forward(f.point());
        // A post must stand on its own State's side of the border.
        if refs.ids.contains(&state) {
            rules::post_side(border, &state, xy, file, f.index, &id, pr);
        }
        let extra: Map<String, Value> = f
            .props
            .iter()
            .filter(|(k, _)| !POST_KEYS.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        posts.push(Post {
            id: PostId::new(id),
            name: prop_str(&f, "name", file, pr).unwrap_or_default(),
            state,
            lonlat: f.point(),
            xy,
            height_m,
            sensors: sensors_v,
            releasable: prop_bool(&f, "releasable", file, pr).unwrap_or(true),
            extra,
        });
    }
    for (s, ids) in unknown_sensors {
        pr.push(
            Problem::error(
                file,
                format!(
                    "sensor {s:?} is not defined in the scenario's [[sensors]] (defined: {}); named by post(s) {}",
                    rules::known_list(sensor_ids),
                    ids.join(", ")
                ),
            )
            .field("sensors"),
        );
    }
    rules::dupes(posts.iter().map(|p| p.id.as_str()), file, "posts", pr);
    posts
}

/// Intelligence points (`intel.geojson`, optional).
pub(super) fn intel(
    maps_dir: &Path,
    projection: &LocalProjection,
    pr: &mut Problems,
) -> Vec<IntelPoint> {
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
    intel
}

/// Seizures (`seizures.geojson` and/or `seizures.csv`, optional).
pub(super) fn seizures(
    maps_dir: &Path,
    projection: &LocalProjection,
    pr: &mut Problems,
) -> Vec<Seizure> {
    let mut seizures = Vec::new();
    let geo_s = maps_dir.join("seizures.geojson");
    let csv_s = maps_dir.join("seizures.csv");
    if geo_s.exists() {
        for f in read_points(&geo_s, false, pr) {
            let count = prop_num(&f, "count", &geo_s, pr).unwrap_or(1.0);
            if !(count.is_finite() && count >= 0.0) {
                pr.push(
                    Problem::error(&geo_s, format!("expected a count ≥ 0, found {count}"))
                        .feature(f.index)
                        .field("count"),
                );
                continue;
            }
            seizures.push(Seizure {
                xy: projection.forward(f.point()),
                lonlat: f.point(),
                count,
            });
        }
    }
    if csv_s.exists() {
        let (pts, problems) = crate::formats::points::read_points(&csv_s);
        pr.extend(problems);
        for p in pts {
            seizures.push(Seizure {
                xy: projection.forward(p.lonlat),
                lonlat: p.lonlat,
                count: 1.0,
            });
        }
    }
    seizures
}

/// The DEM, with a warning when it does not cover the border's box
/// (`bbox`, lon/lat; `None`: no usable border, the DEM is not kept).
pub(super) fn dem(
    dem_path: Option<&Path>,
    bbox: Option<(Coord, Coord)>,
    path: &Path,
    pr: &mut Problems,
) -> Option<Dem> {
    dem_path.and_then(|p| match Dem::read_hgt(p) {
        Ok(d) if bbox.is_some() => {
            let (mn, mx) = bbox.unwrap_or_default();
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
    })
}
