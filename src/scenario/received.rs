//! Layers received from the neighbouring State (`borderwatch receive`),
//! stored beside the scenario in `NAME.exchange/received/STATE/` — never in
//! the State's own files — and merged into the scenario when it is loaded,
//! so the joint assessment and plan use them.
//!
//! A sender's folder holds `receipt.json` (who, when, which sequence
//! number) and the layers its last packages carried: `posts.geojson`,
//! `sensors.json`, `units.json`, `agreements.json`, and the intelligence
//! and seizures as figures per kilometre of border (`risk.json`,
//! `incidents.json`), which become points on the line.

use super::layers;
use super::model::*;
use super::rules;
use crate::error::{Problem, Problems};
use crate::formats::geojson::read_points;
use crate::geom::proj::LocalProjection;
use crate::ids::*;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Largest received layer read (bytes).
const MAX_LAYER: u64 = 64 * 1024 * 1024;

/// The folder of a scenario's exchange: `NAME.exchange` beside its TOML.
pub fn exchange_dir(toml_path: &Path) -> PathBuf {
    let stem = toml_path
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_else(|| "scenario".into());
    toml_path
        .parent()
        .unwrap_or(Path::new("."))
        .join(format!("{stem}.exchange"))
}

/// The folder of what came from `from`.
pub fn received_dir(toml_path: &Path, from: &StateId) -> PathBuf {
    exchange_dir(toml_path).join("received").join(from.as_str())
}

/// `receipt.json`: the last package accepted from a sender.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Receipt {
    pub from: StateId,
    pub to: StateId,
    pub written_utc: String,
    pub received_utc: String,
    pub sequence: u64,
    /// BLAKE3 of the signed `package.json`.
    pub package_blake3: String,
    /// The layers stored here, each with the package that last carried it.
    pub layers: std::collections::BTreeMap<String, LayerReceipt>,
}

/// Which package a stored layer came from.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LayerReceipt {
    pub sequence: u64,
    pub written_utc: String,
}

/// A figure per stretch of border: the intelligence weight (sum of
/// confidences) or the seizure count between two chainages of a stretch.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SegmentFigure {
    /// Index of the stretch in the border (the same border on both sides:
    /// the package's border fingerprint is checked on receipt).
    pub stretch: usize,
    pub from_km: f64,
    pub to_km: f64,
    pub value: f64,
}

/// A sender's folder as read, before merging.
pub(super) struct Raw {
    receipt: Receipt,
    dir: PathBuf,
    sensors: Vec<Sensor>,
    units: Vec<Unit>,
    risk: Vec<SegmentFigure>,
    incidents: Vec<SegmentFigure>,
}

/// Read every sender's folder; problems name the file.
pub(super) fn read(toml_path: &Path, pr: &mut Problems) -> Vec<Raw> {
    let root = exchange_dir(toml_path).join("received");
    let Ok(rd) = std::fs::read_dir(&root) else {
        return Vec::new();
    };
    let mut dirs: Vec<PathBuf> = rd
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_dir() && p.join("receipt.json").exists())
        .collect();
    dirs.sort();
    dirs.into_iter()
        .filter_map(|dir| {
            let receipt: Receipt = json(&dir.join("receipt.json"), pr)?;
            Some(Raw {
                sensors: opt_json(&dir.join("sensors.json"), pr),
                units: opt_json(&dir.join("units.json"), pr),
                risk: opt_json(&dir.join("risk.json"), pr),
                incidents: opt_json(&dir.join("incidents.json"), pr),
                receipt,
                dir,
            })
        })
        .collect()
}

fn json<T: serde::de::DeserializeOwned>(path: &Path, pr: &mut Problems) -> Option<T> {
    let text = match crate::io::read_bounded(path, MAX_LAYER) {
        Ok(t) => t,
        Err(e) => {
            pr.push(Problem::error(path, e.to_string()));
            return None;
        }
    };
    let de = &mut serde_json::Deserializer::from_str(&text);
    match serde_path_to_error::deserialize(de) {
        Ok(v) => Some(v),
        Err(e) => {
            pr.push(Problem::error(path, e.inner().to_string()).field(e.path().to_string()));
            None
        }
    }
}

fn opt_json<T: serde::de::DeserializeOwned + Default>(path: &Path, pr: &mut Problems) -> T {
    if path.exists() {
        json(path, pr).unwrap_or_default()
    } else {
        T::default()
    }
}

/// The received sensor types not already defined, appended to `sensors`.
pub(super) fn add_sensors(raw: &[Raw], sensors: &mut Vec<Sensor>, pr: &mut Problems) {
    for r in raw {
        for x in &r.sensors {
            match sensors.iter().find(|s| s.id == x.id) {
                None => sensors.push(x.clone()),
                Some(own) if serde_json::to_value(own).ok() == serde_json::to_value(x).ok() => {}
                Some(_) => pr.push(
                    Problem::error(
                        r.dir.join("sensors.json"),
                        format!(
                            "sensor {:?} from {} differs from this scenario's own of that id",
                            x.id.as_str(),
                            r.receipt.from
                        ),
                    )
                    .field("id"),
                ),
            }
        }
    }
}

/// What one load merges: the received posts, units and risk points, and
/// the record of where each came from.
struct Merged {
    pub posts: Vec<Post>,
    pub units: Vec<Unit>,
    pub intel: Vec<IntelPoint>,
    pub seizures: Vec<Seizure>,
    pub received: Vec<Received>,
}

/// The State's own layers, which the neighbour's join.
pub(super) struct Own<'a> {
    pub states: &'a [State],
    pub posts: &'a mut Vec<Post>,
    pub units: &'a mut Vec<Unit>,
    pub intel: &'a mut Vec<IntelPoint>,
    pub seizures: &'a mut Vec<Seizure>,
}

/// Merge every sender's layers into the State's own (checked first):
/// posts and units in `[[states]]` order, risk figures as points on the
/// line. Returns where each came from.
pub(super) fn merge_into(
    raw: Vec<Raw>,
    own: Own,
    ctx: layers::PostContext,
    border: &[BorderStretch],
    projection: &LocalProjection,
    pr: &mut Problems,
) -> Vec<Received> {
    let neighbour = merge(raw, ctx, border, projection, pr);
    let mut all_posts = own.posts.clone();
    all_posts.extend(neighbour.posts.iter().cloned());
    check_units(&neighbour, &all_posts, pr);
    clashes(own.posts, own.units, &neighbour, pr);
    if !neighbour.received.is_empty() {
        *own.posts = all_posts;
        own.units.extend(neighbour.units);
        order_by_state(own.states, own.posts, own.units);
        own.intel.extend(neighbour.intel);
        own.seizures.extend(neighbour.seizures);
    }
    neighbour.received
}

/// Read the received posts (checked as the State's own are) and take the
/// units and risk figures of every sender.
fn merge(
    raw: Vec<Raw>,
    ctx: layers::PostContext,
    border: &[BorderStretch],
    projection: &LocalProjection,
    pr: &mut Problems,
) -> Merged {
    let mut m = Merged {
        posts: Vec::new(),
        units: Vec::new(),
        intel: Vec::new(),
        seizures: Vec::new(),
        received: Vec::new(),
    };
    for r in raw {
        let file = r.dir.join("posts.geojson");
        let posts = if file.exists() {
            let raw_posts = read_points(&file, false, pr);
            layers::posts(raw_posts, &file, ctx, projection, pr)
        } else {
            Vec::new()
        };
        for p in posts.iter().filter(|p| p.state != r.receipt.from) {
            pr.push(
                Problem::error(
                    &file,
                    format!("a post of {} in {}'s package", p.state, r.receipt.from),
                )
                .id(p.id.as_str())
                .field("state"),
            );
        }
        let intel: Vec<IntelPoint> = points(&r.risk, border, projection)
            .map(|(xy, lonlat, v)| IntelPoint {
                xy,
                lonlat,
                confidence: v,
            })
            .collect();
        let seizures: Vec<Seizure> = points(&r.incidents, border, projection)
            .map(|(xy, lonlat, v)| Seizure {
                xy,
                lonlat,
                count: v,
            })
            .collect();
        // the posts' package names them on the map (a later one may have
        // carried only a request)
        let of_posts = r.receipt.layers.get("posts");
        m.received.push(Received {
            from: r.receipt.from.clone(),
            written_utc: of_posts
                .map_or(&r.receipt.written_utc, |l| &l.written_utc)
                .clone(),
            sequence: of_posts.map_or(r.receipt.sequence, |l| l.sequence),
            posts: posts.iter().map(|p| p.id.clone()).collect(),
            units: r.units.iter().map(|u| u.id.clone()).collect(),
            sensors: r.sensors.iter().map(|s| s.id.clone()).collect(),
            intel_points: intel.len(),
            seizure_points: seizures.len(),
            plan: plan_summary(&r.dir.join("plan.json"), &r.receipt.from, pr),
            dir: r.dir.clone(),
        });
        m.posts.extend(posts);
        m.units.extend(r.units);
        m.intel.extend(intel);
        m.seizures.extend(seizures);
    }
    m
}

/// A received plan share in words (read loosely: `borderwatch::exchange::plan`
/// wrote it; the scenario needs only its gist).
fn plan_summary(path: &Path, from: &StateId, pr: &mut Problems) -> Option<String> {
    if !path.exists() {
        return None;
    }
    let v: serde_json::Value = json(path, pr)?;
    let n = |k: &str| v[k].as_array().map_or(0, |a| a.len());
    Some(format!(
        "{} {} plan, {} h: orders for {} of this State's units, {} of {from}'s units within {} km of the line",
        v["mode"].as_str().unwrap_or("?"),
        v["objective"].as_str().unwrap_or("?"),
        v["hours"].as_f64().unwrap_or(0.0),
        n("their_units"),
        n("our_units_near_line"),
        v["near_line_km"].as_f64().unwrap_or(0.0)
    ))
}

/// Each figure as a point on its stretch at the middle of its kilometres.
fn points<'a>(
    figs: &'a [SegmentFigure],
    border: &'a [BorderStretch],
    projection: &'a LocalProjection,
) -> impl Iterator<Item = (geo::Coord, geo::Coord, f64)> + 'a {
    figs.iter().filter_map(move |f| {
        let b = border.get(f.stretch)?;
        let lonlat = at_km(b, 0.5 * (f.from_km + f.to_km))?;
        Some((projection.forward(lonlat), lonlat, f.value))
    })
}

/// The point of a stretch at a chainage (km, geodesic), in lon/lat.
fn at_km(b: &BorderStretch, km: f64) -> Option<geo::Coord> {
    let cum = crate::geom::chainage::cumulative_m(&b.lonlat);
    let m = (km - b.from_km) * 1000.0;
    let i = cum.partition_point(|&x| x <= m);
    if i == 0 || i >= cum.len() {
        return (i == cum.len() && !cum.is_empty()).then(|| *b.lonlat.0.last().unwrap());
    }
    let span = cum[i] - cum[i - 1];
    let t = if span > 0.0 {
        (m - cum[i - 1]) / span
    } else {
        0.0
    };
    let (a, c) = (b.lonlat.0[i - 1], b.lonlat.0[i]);
    Some(a + (c - a) * t)
}

/// Ids taken twice between the State's own posts or units and the
/// received ones.
fn clashes(own_posts: &[Post], own_units: &[Unit], m: &Merged, pr: &mut Problems) {
    let posts: HashSet<&PostId> = own_posts.iter().map(|p| &p.id).collect();
    let units: HashSet<&UnitId> = own_units.iter().map(|u| &u.id).collect();
    for r in &m.received {
        for id in r.posts.iter().filter(|id| posts.contains(id)) {
            pr.push(
                Problem::error(
                    r.dir.join("posts.geojson"),
                    format!(
                        "post {id} from {} has the id of one of this scenario's own posts",
                        r.from
                    ),
                )
                .id(id.as_str()),
            );
        }
        for id in r.units.iter().filter(|id| units.contains(id)) {
            pr.push(
                Problem::error(
                    r.dir.join("units.json"),
                    format!(
                        "unit {id} from {} has the id of one of this scenario's own units",
                        r.from
                    ),
                )
                .id(id.as_str()),
            );
        }
    }
}

/// Order posts and units by their State's place in `[[states]]`, keeping
/// each State's own order: the same scenario is the same however its
/// parts arrived (own files or a package).
pub(super) fn order_by_state(states: &[State], posts: &mut [Post], units: &mut [Unit]) {
    let rank = |s: &StateId| states.iter().position(|x| &x.id == s).unwrap_or(usize::MAX);
    posts.sort_by_key(|p| rank(&p.state));
    units.sort_by_key(|u| rank(&u.state));
}

/// Check the received units' home posts like the State's own.
fn check_units(m: &Merged, posts: &[Post], pr: &mut Problems) {
    for r in &m.received {
        let file = r.dir.join("units.json");
        for (i, u) in m
            .units
            .iter()
            .filter(|u| r.units.contains(&u.id))
            .enumerate()
        {
            if u.state != r.from {
                pr.push(
                    Problem::error(
                        &file,
                        format!("a unit of {} in {}'s package", u.state, r.from),
                    )
                    .id(u.id.as_str())
                    .field("state"),
                );
            }
            rules::unit_home(i, u, posts, false, &file, pr);
        }
    }
}
