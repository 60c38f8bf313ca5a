//! The scenario TOML's sections, each read and checked on its own: the
//! header (name, seed, where the layers are), `[[states]]`, `[agreements]`,
//! `[risk]`, `[[sensors]]` and `[[units]]`.

use super::file::{parse_colour, StateDef, DEFAULT_COLOURS};
use super::model::*;
use super::rules;
use crate::country;
use crate::error::{Problem, Problems};
use crate::ids::*;
use serde::de::DeserializeOwned;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// The top-level keys: what the scenario is and where its files are.
pub(super) struct Header {
    pub name: String,
    pub title: String,
    pub description: String,
    pub seed: u64,
    pub exercise: bool,
    pub maps_dir: Option<PathBuf>,
    pub dem_path: Option<PathBuf>,
    pub posts_file: Option<PathBuf>,
}

pub(super) fn header(table: &toml::Table, path: &Path, pr: &mut Problems) -> Header {
    let name = req_str(table, "name", path, pr).unwrap_or_default();
    let title = opt_str(table, "title", path, pr).unwrap_or_else(|| name.clone());
    let description = opt_str(table, "description", path, pr).unwrap_or_default();
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
    let mut file = |key: &str, required: bool| {
        let v = if required {
            req_str(table, key, path, pr)
        } else {
            opt_str(table, key, path, pr)
        };
        v.map(|m| clean_path(&base.join(m)))
    };
    Header {
        maps_dir: file("maps", true),
        dem_path: file("dem", false),
        posts_file: file("posts", false),
        name,
        title,
        description,
        seed,
        exercise,
    }
}

/// The scenario's States as the other sections and layers refer to them.
pub(super) struct StateRefs {
    pub ids: HashSet<StateId>,
    /// `[[states]]` itself is wrong: references to States are not checked
    /// (every one would be reported again) until it is fixed.
    pub broken: bool,
}

impl StateRefs {
    /// A code written by the user (alpha-2/3, any case) as a State of the
    /// scenario.
    pub fn resolve(&self, code: &str) -> Option<StateId> {
        country::lookup(code)
            .map(|c| StateId::new(c.alpha3))
            .filter(|id| self.ids.contains(id))
    }
}

pub(super) fn states(
    table: &toml::Table,
    path: &Path,
    pr: &mut Problems,
) -> (Vec<State>, StateRefs) {
    let state_defs: Vec<(usize, StateDef)> = section_items(table, "states", path, pr);
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
    let broken = states.len() != state_defs.len()
        || pr
            .0
            .iter()
            .any(|p| p.field.as_deref().is_some_and(|f| f.starts_with("states")));
    let ids = states.iter().map(|s| s.id.clone()).collect();
    (states, StateRefs { ids, broken })
}

pub(super) fn agreements(table: &toml::Table, path: &Path, pr: &mut Problems) -> Agreements {
    match table.get("agreements") {
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
    }
}

/// `[exchange]`: what may go to the neighbour besides the model's fields.
pub(super) fn exchange(table: &toml::Table, path: &Path, pr: &mut Problems) -> ExchangeRules {
    match table.get("exchange") {
        None => ExchangeRules::default(),
        Some(v) => v.clone().try_into::<ExchangeRules>().unwrap_or_else(|e| {
            pr.push(Problem::error(path, e.message().to_string()).field("exchange"));
            ExchangeRules::default()
        }),
    }
}

pub(super) fn risk(table: &toml::Table, path: &Path, pr: &mut Problems) -> RiskWeights {
    match table.get("risk") {
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
    }
}

pub(super) fn sensors(table: &toml::Table, path: &Path, pr: &mut Problems) -> Vec<Sensor> {
    let sensors: Vec<Sensor> = section_items::<Sensor>(table, "sensors", path, pr)
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
    sensors
}

pub(super) fn units(
    table: &toml::Table,
    refs: &StateRefs,
    path: &Path,
    pr: &mut Problems,
) -> Vec<Unit> {
    let mut units: Vec<Unit> = Vec::new();
    for (i, mut u) in section_items::<Unit>(table, "units", path, pr) {
        match refs.resolve(u.state.as_str()) {
            Some(s) => u.state = s,
            None if refs.broken => {}
            None => pr.push(rules::unit_state_unknown(i, &u, path)),
        }
        rules::unit_shift(i, &u, path, pr);
        units.push(u);
    }
    rules::dupes(units.iter().map(|u| u.id.as_str()), path, "units", pr);
    units
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
