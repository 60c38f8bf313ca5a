//! The scenario file (`scenarios/NAME.toml`) as written on disk. Map layers are
//! GeoJSON files in the `maps` directory it names:
//!
//! | file | geometry | properties |
//! |---|---|---|
//! | `border.geojson` (required) | LineString | `id`, `left`, `right` (State codes on each side of the line as digitised), `kind` = `green`\|`blue` |
//! | `crossings.geojson` | Point | `id`, `name`, `kind` |
//! | `routes.geojson` | LineString | `id`, `kind` = `path`\|`track`\|`road`\|`ford`\|`landing`, `name` |
//! | `network.geojson` | LineString | `state`, `kind` = `road`\|`track`\|`path`\|`waterway` |
//! | `posts.geojson` (or the TOML's `posts`) | Point | `id`, `state`, `name`, `height_m`, `sensors` (array of sensor ids) |
//! | `intel.geojson` (sensitive) | Point | `confidence` (0..1) |
//! | `seizures.csv` or `seizures.geojson` | Point / lat,lon | `count` (default 1) |
//!
//! Every feature may carry `releasable` (boolean, default true).

use crate::model::{Agreements, RiskWeights, Sensor, Unit};
use serde::{Deserialize, Serialize};

/// One State in the TOML.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct StateDef {
    /// ISO 3166-1 alpha-2 or alpha-3, any case.
    pub code: String,
    #[serde(default)]
    pub name: String,
    /// `#rrggbb`.
    #[serde(default)]
    pub colour: String,
}

/// The whole TOML file, as importers write it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ScenarioFile {
    pub name: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub seed: u64,
    #[serde(default)]
    pub exercise: bool,
    /// Directory of the GeoJSON layers, relative to the TOML file.
    pub maps: String,
    /// Optional DEM (`.hgt` or `.hgt.zip`), relative to the TOML file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dem: Option<String>,
    /// The posts layer, relative to the TOML file (default
    /// `MAPS/posts.geojson`): a scenario saved under a new name keeps its
    /// own posts next to it and shares the map layers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub posts: Option<String>,
    pub states: Vec<StateDef>,
    #[serde(default)]
    pub agreements: Agreements,
    #[serde(default, skip_serializing_if = "is_default_risk")]
    pub risk: RiskWeights,
    #[serde(default)]
    pub sensors: Vec<Sensor>,
    #[serde(default)]
    pub units: Vec<Unit>,
}

fn is_default_risk(r: &RiskWeights) -> bool {
    *r == RiskWeights::default()
}

/// Keys allowed at the top level (others are reported).
pub const TOP_LEVEL_KEYS: &[&str] = &[
    "exchange",
    "name",
    "title",
    "description",
    "seed",
    "exercise",
    "maps",
    "dem",
    "posts",
    "states",
    "agreements",
    "risk",
    "sensors",
    "units",
];

/// Parse `#rrggbb`.
pub fn parse_colour(s: &str) -> Option<[u8; 3]> {
    let h = s.strip_prefix('#')?;
    if h.len() != 6 || !h.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let v = u32::from_str_radix(h, 16).ok()?;
    Some([(v >> 16) as u8, (v >> 8) as u8, v as u8])
}

/// Default colours for the first and second State.
pub const DEFAULT_COLOURS: [&str; 4] = ["#2f6fb5", "#c2562a", "#3c9a4a", "#8a4fb0"];
