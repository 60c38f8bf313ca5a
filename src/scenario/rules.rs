//! The checks on the parts of a scenario a user edits (agreements, units,
//! posts), shared by [`crate::scenario::load`] (`borderwatch check`) and the
//! editor ([`crate::scenario::edit`]), so that an edit in the map window is
//! refused with exactly the message `check` would print for the saved file.

use super::model::side_of_border;
use super::model::*;
use crate::error::{Problem, Problems};
use crate::ids::*;
use std::collections::HashSet;
use std::path::Path;

/// Agreement figures must be numbers ≥ 0.
pub fn agreements(a: &Agreements, path: &Path, pr: &mut Problems) {
    for (f, x) in [
        ("hot_pursuit_depth_km", a.hot_pursuit_depth_km),
        ("hot_pursuit_time_min", a.hot_pursuit_time_min),
        ("liaison_delay_min", a.liaison_delay_min),
    ] {
        if !(x.is_finite() && x >= 0.0) {
            pr.push(
                Problem::error(path, format!("expected a number ≥ 0, found {x}"))
                    .field(format!("agreements.{f}")),
            );
        }
    }
}

/// A unit whose State is not one of the scenario's.
pub fn unit_state_unknown(i: usize, u: &Unit, path: &Path) -> Problem {
    Problem::error(
        path,
        format!(
            "unknown State {:?}: expected one of the scenario's [[states]]",
            u.state.as_str()
        ),
    )
    .field(format!("units[{i}].state"))
    .id(u.id.as_str())
}

/// A shift is more than 0 and at most 24 hours.
pub fn unit_shift(i: usize, u: &Unit, path: &Path, pr: &mut Problems) {
    if !(u.shift_hours.is_finite() && u.shift_hours > 0.0 && u.shift_hours <= 24.0) {
        pr.push(
            Problem::error(
                path,
                format!(
                    "shift must be more than 0 and at most 24 hours, found {}",
                    u.shift_hours
                ),
            )
            .field(format!("units[{i}].shift_hours"))
            .id(u.id.as_str()),
        );
    }
}

/// The home post exists and belongs to the unit's State.
pub fn unit_home(
    i: usize,
    u: &Unit,
    posts: &[Post],
    states_broken: bool,
    path: &Path,
    pr: &mut Problems,
) {
    match posts.iter().find(|p| p.id == u.home_post) {
        None => pr.push(
            Problem::error(
                path,
                format!(
                    "home post {:?} does not exist in posts.geojson",
                    u.home_post.as_str()
                ),
            )
            .field(format!("units[{i}].home_post"))
            .id(u.id.as_str()),
        ),
        Some(p) if p.state != u.state && !states_broken => pr.push(
            Problem::error(
                path,
                format!(
                    "home post {} belongs to {}, but the unit to {}",
                    p.id, p.state, u.state
                ),
            )
            .field(format!("units[{i}].home_post"))
            .id(u.id.as_str()),
        ),
        _ => {}
    }
}

/// A post whose State is not one of the scenario's.
pub fn post_state_unknown(state: &str, file: &Path, index: usize, id: &str) -> Problem {
    Problem::error(
        file,
        format!("unknown State {state:?}: expected one of the scenario's [[states]]"),
    )
    .feature(index)
    .id(id)
    .field("state")
}

/// Observer height 0..500 m.
pub fn post_height(height_m: f64, file: &Path, index: usize, id: &str, pr: &mut Problems) {
    if !(0.0..=500.0).contains(&height_m) {
        pr.push(
            Problem::error(
                file,
                format!("observer height must be 0..500 m, found {height_m}"),
            )
            .feature(index)
            .id(id)
            .field("height_m"),
        );
    }
}

/// Every sensor a post carries is defined in `[[sensors]]`.
pub fn post_sensors(
    sensors: &[SensorId],
    known: &HashSet<&SensorId>,
    file: &Path,
    index: usize,
    id: &str,
    pr: &mut Problems,
) {
    for s in sensors {
        if !known.contains(s) {
            pr.push(
                Problem::error(
                    file,
                    format!(
                        "sensor {:?} is not defined in the scenario's [[sensors]] (defined: {})",
                        s.as_str(),
                        known_list(known)
                    ),
                )
                .feature(index)
                .id(id)
                .field("sensors"),
            );
        }
    }
}

/// The defined sensor ids, sorted, for a message.
pub fn known_list(known: &HashSet<&SensorId>) -> String {
    let mut k: Vec<&str> = known.iter().map(|s| s.as_str()).collect();
    k.sort_unstable();
    if k.is_empty() {
        "none".into()
    } else {
        k.join(", ")
    }
}

/// Farther than this from every border line (m), a post is not near the
/// border at all: a misplaced layer, not a post on the wrong side.
pub const FAR_FROM_BORDER_M: f64 = 100_000.0;

/// A post stands on its own State's side of the border, and near it.
pub fn post_side(
    border: &[BorderStretch],
    state: &StateId,
    xy: geo::Coord,
    file: &Path,
    index: usize,
    id: &str,
    pr: &mut Problems,
) {
    let d = border
        .iter()
        .flat_map(|b| b.xy.0.windows(2))
        .map(|w| crate::geom::closest_on_segment(xy, w[0], w[1]).2)
        .fold(f64::INFINITY, f64::min);
    if d.is_finite() && d > FAR_FROM_BORDER_M {
        pr.push(
            Problem::error(
                file,
                format!(
                    "post is {:.0} km from the border: the post or the border layer is in the wrong place (positions are [longitude, latitude])",
                    d / 1000.0
                ),
            )
            .feature(index)
            .id(id)
            .field("geometry"),
        );
        return;
    }
    if let Some(side) = side_of_border(border, xy) {
        if &side != state && border.iter().any(|b| &b.left == state || &b.right == state) {
            pr.push(
                Problem::error(
                    file,
                    format!("post lies on the {side} side of the border, not in its State {state}"),
                )
                .feature(index)
                .id(id)
                .field("geometry"),
            );
        }
    }
}

/// Each id once.
pub fn dupes<'a>(ids: impl Iterator<Item = &'a str>, file: &Path, what: &str, pr: &mut Problems) {
    let mut seen = HashSet::new();
    for id in ids {
        if !seen.insert(id) {
            pr.push(
                Problem::error(file, format!("duplicate id among {what}"))
                    .id(id)
                    .field("id"),
            );
        }
    }
}

/// Every check above on a loaded scenario's editable parts (what an edit
/// can break): the problems `check` would report once it is saved.
pub fn editable(s: &Scenario) -> Problems {
    let mut pr = Problems::default();
    let path = s.path.as_path();
    let file = s.posts_path.as_path();
    agreements(&s.agreements, path, &mut pr);
    let state_ids: HashSet<&StateId> = s.states.iter().map(|st| &st.id).collect();
    let known: HashSet<&SensorId> = s.sensors.iter().map(|x| &x.id).collect();
    for (i, p) in s.posts.iter().enumerate() {
        let id = p.id.as_str();
        if p.id.as_str().trim().is_empty() {
            pr.push(
                Problem::error(file, "missing: every post needs an id")
                    .feature(i)
                    .field("id"),
            );
        }
        if !state_ids.contains(&p.state) {
            pr.push(post_state_unknown(p.state.as_str(), file, i, id));
        }
        post_height(p.height_m, file, i, id, &mut pr);
        post_sensors(&p.sensors, &known, file, i, id, &mut pr);
        if state_ids.contains(&p.state) {
            post_side(&s.border, &p.state, p.xy, file, i, id, &mut pr);
        }
    }
    dupes(
        s.posts.iter().map(|p| p.id.as_str()),
        file,
        "posts",
        &mut pr,
    );
    for (i, u) in s.units.iter().enumerate() {
        if !state_ids.contains(&u.state) {
            pr.push(unit_state_unknown(i, u, path));
        }
        unit_shift(i, u, path, &mut pr);
        unit_home(i, u, &s.posts, false, path, &mut pr);
    }
    dupes(
        s.units.iter().map(|u| u.id.as_str()),
        path,
        "units",
        &mut pr,
    );
    pr
}
