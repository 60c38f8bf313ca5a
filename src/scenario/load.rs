//! Load and validate a scenario: every problem in every file is collected,
//! then either a [`Scenario`] or the full [`Problems`] list comes back.

use super::file::TOP_LEVEL_KEYS;
use super::model::*;
use super::{layers, received, rules, sections};
use crate::error::{Problem, Problems};
use crate::formats::geojson::{read_lines, read_points};
use crate::geom::proj::LocalProjection;
use crate::ids::*;
use std::collections::HashSet;
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
    let table = read_table(path, pr)?;
    let h = sections::header(&table, path, pr);
    let (states, refs) = sections::states(&table, path, pr);
    let agreements = sections::agreements(&table, path, pr);
    let risk = sections::risk(&table, path, pr);
    let mut sensors = sections::sensors(&table, path, pr);
    let exchange = sections::exchange(&table, path, pr);
    let from_neighbour = received::read(path, pr);
    received::add_sensors(&from_neighbour, &mut sensors, pr);
    let sensor_ids: HashSet<&SensorId> = sensors.iter().map(|s| &s.id).collect();
    let mut units = sections::units(&table, &refs, path, pr);

    // Layers
    let maps_dir = h.maps_dir?;
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
    let lonlat_border = layers::read_border(&maps_dir.join("border.geojson"), &refs, pr);
    let crossings_raw = read_points(&maps_dir.join("crossings.geojson"), false, pr);
    let routes_raw = read_lines(&maps_dir.join("routes.geojson"), false, pr);
    let network_raw = read_lines(&maps_dir.join("network.geojson"), false, pr);
    let posts_path = h
        .posts_file
        .clone()
        .unwrap_or_else(|| maps_dir.join("posts.geojson"));
    // a posts file the TOML names, or the units' home posts need, must exist
    let posts_raw = read_points(&posts_path, h.posts_file.is_some() || !units.is_empty(), pr);

    // Without a usable border, keep checking the other layers (so every
    // problem is listed) in a projection centred on whatever they hold.
    let border_bbox = bbox(lonlat_border.iter().flat_map(|b| b.1 .0.iter().copied()));
    if border_bbox.is_none()
        && !refs.broken
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
    let border = layers::stretches(lonlat_border, &projection);
    let file = maps_dir.join("crossings.geojson");
    let crossings = layers::crossings(crossings_raw, &file, &projection, pr);
    let file = maps_dir.join("routes.geojson");
    let routes = layers::routes(routes_raw, &file, &projection, pr);
    let file = maps_dir.join("network.geojson");
    let network = layers::network(network_raw, &file, &refs, &projection, pr);
    let ctx = (&refs, &sensor_ids, border.as_slice());
    let mut posts = layers::posts(posts_raw, &posts_path, ctx, &projection, pr);
    // risk inputs (optional)
    let mut intel = layers::intel(&maps_dir, &projection, pr);
    let mut seizures = layers::seizures(&maps_dir, &projection, pr);
    for (i, u) in units.iter().enumerate() {
        // (a posts file that is not there is said once, above)
        if posts_path.exists() {
            rules::unit_home(i, u, &posts, refs.broken, path, pr);
        }
    }
    // the neighbour's layers, after the State's own are checked
    let own = received::Own {
        states: &states,
        posts: &mut posts,
        units: &mut units,
        intel: &mut intel,
        seizures: &mut seizures,
    };
    let received = received::merge_into(from_neighbour, own, ctx, &border, &projection, pr);
    let bbox = border_bbox.map(|_| (min, max));
    let dem = layers::dem(h.dem_path.as_deref(), bbox, path, pr);
    Some(Scenario {
        basemap: layers::basemap(&maps_dir, &refs, &projection, pr),
        name: h.name,
        title: h.title,
        description: h.description,
        seed: h.seed,
        exercise: h.exercise,
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
        dem_path: h.dem_path,
        exchange,
        received,
        marking: Marking::NotForRelease,
    })
}

/// The scenario file as a TOML table, its unknown top-level keys reported.
fn read_table(path: &Path, pr: &mut Problems) -> Option<toml::Table> {
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
    Some(table)
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

/// Path of a file relative to a base directory when possible (for messages).
pub fn display_path(p: &Path) -> PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| p.strip_prefix(cwd).ok().map(|r| r.to_path_buf()))
        .unwrap_or_else(|| p.to_path_buf())
}
