//! The scenario as the core uses it: projected to local metres, typed IDs,
//! validated. Built by [`crate::scenario::load`] from the files described in
//! [`crate::scenario::file`].

use crate::dem::Dem;
use crate::geom::proj::LocalProjection;
use crate::ids::*;
use geo::{Coord, LineString};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Green = land border; blue = river, lake or sea border.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BorderKind {
    Green,
    Blue,
}

impl BorderKind {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "green" => Some(Self::Green),
            "blue" => Some(Self::Blue),
            _ => None,
        }
    }
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Green => "green",
            Self::Blue => "blue",
        }
    }
}

/// Kind of informal crossing route.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RouteKind {
    Path,
    Track,
    Road,
    Ford,
    Landing,
}

impl RouteKind {
    pub const ALL: [RouteKind; 5] = [
        Self::Path,
        Self::Track,
        Self::Road,
        Self::Ford,
        Self::Landing,
    ];
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Path => "path",
            Self::Track => "track",
            Self::Road => "road",
            Self::Ford => "ford",
            Self::Landing => "landing",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Kind of link in a State's patrol network.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NetworkKind {
    Road,
    Track,
    Path,
    Waterway,
}

impl NetworkKind {
    pub const ALL: [NetworkKind; 4] = [Self::Road, Self::Track, Self::Path, Self::Waterway];
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Road => "road",
            Self::Track => "track",
            Self::Path => "path",
            Self::Waterway => "waterway",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// How a unit moves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UnitMode {
    Foot,
    Vehicle,
    Boat,
}

impl UnitMode {
    /// "foot", "vehicle" or "boat".
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Foot, Self::Vehicle, Self::Boat]
            .into_iter()
            .find(|m| m.as_str() == s)
    }
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Foot => "foot",
            Self::Vehicle => "vehicle",
            Self::Boat => "boat",
        }
    }
}

/// Sensor families (ranges and probabilities are per sensor entry).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SensorKind {
    DayOptical,
    Thermal,
    Radar,
    Ground,
}

/// One side of the border.
#[derive(Clone, Debug, Serialize)]
pub struct State {
    /// ISO 3166-1 alpha-3, upper case.
    pub id: StateId,
    pub alpha2: String,
    pub name: String,
    /// sRGB colour for maps.
    pub colour: [u8; 3],
}

/// A stretch of border between two States, all green or all blue.
#[derive(Clone, Debug)]
pub struct BorderStretch {
    pub id: StretchId,
    /// The State on the left of the line as digitised, and on the right.
    pub left: StateId,
    pub right: StateId,
    pub kind: BorderKind,
    pub lonlat: LineString,
    pub xy: LineString,
    /// Chainage (km along the border between this pair of States, geodesic).
    pub from_km: f64,
    pub to_km: f64,
}

impl BorderStretch {
    pub fn length_km(&self) -> f64 {
        self.to_km - self.from_km
    }
    pub fn pair(&self) -> (StateId, StateId) {
        pair_key(&self.left, &self.right)
    }
}

/// Unordered pair key of two States (sorted).
/// Default longest straight walk between a post or border point and the
/// network (`access_m` of planning, import's choice of a post's road).
pub const DEFAULT_ACCESS_M: f64 = 1500.0;

pub fn pair_key(a: &StateId, b: &StateId) -> (StateId, StateId) {
    if a <= b {
        (a.clone(), b.clone())
    } else {
        (b.clone(), a.clone())
    }
}

/// An official border crossing point.
#[derive(Clone, Debug)]
pub struct Crossing {
    pub id: CrossingId,
    pub name: String,
    /// e.g. `road`, `border_control`.
    pub kind: String,
    pub lonlat: Coord,
    pub xy: Coord,
    pub releasable: bool,
}

/// An informal crossing route.
#[derive(Clone, Debug)]
pub struct Route {
    pub id: RouteId,
    pub kind: RouteKind,
    pub name: String,
    pub lonlat: LineString,
    pub xy: LineString,
    pub releasable: bool,
}

/// A link of a State's patrol network.
#[derive(Clone, Debug)]
pub struct NetworkLink {
    pub state: StateId,
    pub kind: NetworkKind,
    pub lonlat: LineString,
    pub xy: LineString,
}

/// A static observation post.
#[derive(Clone, Debug)]
pub struct Post {
    pub id: PostId,
    pub name: String,
    pub state: StateId,
    pub lonlat: Coord,
    pub xy: Coord,
    /// Observer height above ground, metres.
    pub height_m: f64,
    pub sensors: Vec<SensorId>,
    pub releasable: bool,
    /// Other properties of its feature (`elevation_m`, `source`...), kept
    /// as they are when the posts are saved.
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// A sensor type (what a post carries).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sensor {
    pub id: SensorId,
    pub kind: SensorKind,
    pub range_m: f64,
    #[serde(default = "yes")]
    pub day: bool,
    #[serde(default)]
    pub night: bool,
    /// Probability of detecting a crossing in line of sight at close range.
    #[serde(default = "p_default")]
    pub p_detect: f64,
}

fn yes() -> bool {
    true
}
fn p_default() -> f64 {
    0.9
}

/// A mobile unit (patrol).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unit {
    pub id: UnitId,
    pub state: StateId,
    pub mode: UnitMode,
    pub home_post: PostId,
    #[serde(default = "shift_default")]
    pub shift_hours: f64,
    #[serde(default)]
    pub name: String,
    /// May be shared with the neighbouring State (`borderwatch share`).
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub releasable: bool,
}

fn is_true(b: &bool) -> bool {
    *b
}

fn shift_default() -> f64 {
    8.0
}

/// Cross-border cooperation rules (ISACS 05.60, 10.5.6–7).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Agreements {
    /// Units may continue a pursuit across the border.
    #[serde(default)]
    pub hot_pursuit: bool,
    #[serde(default)]
    pub hot_pursuit_depth_km: f64,
    #[serde(default)]
    pub hot_pursuit_time_min: f64,
    /// Observation (and post feeds) continue across the line.
    #[serde(default)]
    pub cross_border_observation: bool,
    /// Time for a hand-over to reach the neighbour's unit.
    #[serde(default = "liaison_default")]
    pub liaison_delay_min: f64,
    /// Patrols are planned jointly against one shared target set.
    #[serde(default)]
    pub joint_patrols: bool,
}

fn liaison_default() -> f64 {
    15.0
}

impl Default for Agreements {
    fn default() -> Self {
        Self {
            hot_pursuit: false,
            hot_pursuit_depth_km: 0.0,
            hot_pursuit_time_min: 0.0,
            cross_border_observation: false,
            liaison_delay_min: liaison_default(),
            joint_patrols: false,
        }
    }
}

/// Weights of the risk indicators (ISACS 05.60, 9.1: risk-based, targeted
/// controls). Each indicator is 0..1; a segment's risk is their weighted mean.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct RiskWeights {
    /// Informal route crossings in or near the segment (by kind).
    pub routes: f64,
    /// Terrain passability (gentle slopes are easy to cross).
    pub passability: f64,
    /// Roads close on both sides (a crossing needs somewhere to go).
    pub roads: f64,
    /// Official crossings nearby (smuggling around checkpoints).
    pub crossings: f64,
    /// Intelligence points (`intel.geojson`, weighted by confidence).
    pub intel: f64,
    /// Past seizures (`seizures.csv` or `seizures.geojson`).
    pub seizures: f64,
    /// Relative weight of each informal route kind.
    pub path: f64,
    pub track: f64,
    pub road: f64,
    pub ford: f64,
    pub landing: f64,
}

impl Default for RiskWeights {
    fn default() -> Self {
        Self {
            routes: 3.0,
            passability: 1.0,
            roads: 1.0,
            crossings: 1.0,
            intel: 2.0,
            seizures: 2.0,
            path: 1.0,
            track: 1.2,
            road: 1.5,
            ford: 1.3,
            landing: 1.3,
        }
    }
}

impl RiskWeights {
    pub fn route_kind(&self, k: RouteKind) -> f64 {
        match k {
            RouteKind::Path => self.path,
            RouteKind::Track => self.track,
            RouteKind::Road => self.road,
            RouteKind::Ford => self.ford,
            RouteKind::Landing => self.landing,
        }
    }
}

/// An intelligence report located at a point. Sensitive: never releasable.
#[derive(Clone, Debug)]
pub struct IntelPoint {
    pub xy: Coord,
    pub lonlat: Coord,
    /// 0..1.
    pub confidence: f64,
}

/// A past seizure (or several at one place).
#[derive(Clone, Debug)]
pub struct Seizure {
    pub xy: Coord,
    pub lonlat: Coord,
    pub count: f64,
}

/// A validated, projected scenario.
#[derive(Clone, Debug)]
pub struct Scenario {
    pub name: String,
    pub title: String,
    pub description: String,
    pub seed: u64,
    /// True when posts/units are invented exercise data.
    pub exercise: bool,
    pub path: PathBuf,
    pub maps_dir: PathBuf,
    /// The posts layer: `posts` in the TOML, else `MAPS/posts.geojson`.
    pub posts_path: PathBuf,
    pub states: Vec<State>,
    pub projection: LocalProjection,
    pub border: Vec<BorderStretch>,
    pub crossings: Vec<Crossing>,
    pub routes: Vec<Route>,
    pub network: Vec<NetworkLink>,
    pub posts: Vec<Post>,
    pub units: Vec<Unit>,
    pub sensors: Vec<Sensor>,
    pub agreements: Agreements,
    pub risk: RiskWeights,
    pub intel: Vec<IntelPoint>,
    pub seizures: Vec<Seizure>,
    pub dem: Option<Dem>,
    pub dem_path: Option<PathBuf>,
    /// The reference map under the layers (`basemap.geojson`, in metres):
    /// empty when the scenario has none.
    pub basemap: crate::basemap::Basemap,
    /// `[exchange]`: what may cross to the neighbour besides the layers.
    pub exchange: ExchangeRules,
    /// Layers received from the neighbour (`borderwatch receive`), merged
    /// into `posts`, `units`, `sensors`, `intel` and `seizures` but never
    /// written back into this State's own files.
    pub received: Vec<Received>,
    /// How the outputs made from this scenario are marked (their HTML's
    /// header and footer).
    pub marking: Marking,
}

/// The release marking of what is made from a scenario.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Marking {
    /// Everything the scenario holds: for the State's own use.
    #[default]
    NotForRelease,
    /// Only releasable features were used (`--releasable-only`).
    ReleasableTo(Vec<StateId>),
}

impl Marking {
    pub fn label(&self) -> String {
        match self {
            Marking::NotForRelease => "NOT FOR RELEASE".into(),
            Marking::ReleasableTo(to) => {
                let to: Vec<&str> = to.iter().map(|s| s.as_str()).collect();
                format!("RELEASABLE TO {}", to.join(", "))
            }
        }
    }
    /// The marking as an HTML banner, for the top and the foot of a page.
    pub fn html(&self) -> String {
        format!(
            "<div style=\"text-align:center;font-weight:bold;letter-spacing:1px;border:1px solid #222;padding:2px;margin:4px 0\">{}</div>",
            self.label()
        )
    }
}

/// `[exchange]` in the scenario TOML (ISACS 05.60, 10.5.10).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ExchangeRules {
    /// Properties of a releasable feature that may go with it beyond the
    /// model's own (`id`, `state`, `name`, `height_m`, `sensors`); any other
    /// (`source`, notes, names of people) is dropped from a package.
    #[serde(default)]
    pub release_fields: Vec<String>,
}

impl ExchangeRules {
    /// May this property of a releasable feature go to the neighbour?
    pub fn allows(&self, key: &str) -> bool {
        self.release_fields.iter().any(|f| f == key)
    }
}

/// What came from the neighbour in one accepted package.
#[derive(Clone, Debug, PartialEq)]
pub struct Received {
    pub from: StateId,
    /// When the sender wrote the package that brought the posts (else the
    /// last package), UTC, RFC 3339; and its number.
    pub written_utc: String,
    pub sequence: u64,
    pub posts: Vec<PostId>,
    pub units: Vec<UnitId>,
    pub sensors: Vec<SensorId>,
    /// Intelligence and seizures as aggregated points on the line.
    pub intel_points: usize,
    pub seizure_points: usize,
    /// A plan share, in words ("joint interception plan, 24 h: orders for 3
    /// of this State's units, 4 of AND's units near the line").
    pub plan: Option<String>,
    /// The folder the layers are stored in.
    pub dir: PathBuf,
}

impl Scenario {
    /// Is this post the neighbour's, received in a package?
    pub fn is_received_post(&self, id: &PostId) -> bool {
        self.received.iter().any(|r| r.posts.contains(id))
    }
    /// Is this unit the neighbour's, received in a package?
    pub fn is_received_unit(&self, id: &UnitId) -> bool {
        self.received.iter().any(|r| r.units.contains(id))
    }
}

impl Scenario {
    /// Whether `p` is on the State's land: on its side of the border and,
    /// where the basemap has its territory, inside it and in no water body.
    pub fn on_land_of(&self, state: &StateId, p: Coord) -> bool {
        side_of_border(&self.border, p).is_some_and(|st| &st == state)
            && self.basemap.on_land_of(state, p) != Some(false)
    }
    pub fn state(&self, id: &StateId) -> Option<&State> {
        self.states.iter().find(|s| &s.id == id)
    }
    pub fn post(&self, id: &PostId) -> Option<&Post> {
        self.posts.iter().find(|p| &p.id == id)
    }
    /// Bounding box of the border in lon/lat (min, max).
    pub fn border_bbox_lonlat(&self) -> Option<(Coord, Coord)> {
        bbox(self.border.iter().flat_map(|s| s.lonlat.0.iter().copied()))
    }
    /// Bounding box of every layer in local metres (min, max).
    pub fn bbox_xy(&self) -> Option<(Coord, Coord)> {
        bbox(
            self.border
                .iter()
                .flat_map(|s| s.xy.0.iter().copied())
                .chain(self.routes.iter().flat_map(|r| r.xy.0.iter().copied()))
                .chain(self.network.iter().flat_map(|n| n.xy.0.iter().copied()))
                .chain(self.posts.iter().map(|p| p.xy))
                .chain(self.crossings.iter().map(|c| c.xy)),
        )
    }
}

/// (min, max) of a set of coordinates; `None` when empty.
pub fn bbox(it: impl Iterator<Item = Coord>) -> Option<(Coord, Coord)> {
    let mut min = Coord {
        x: f64::INFINITY,
        y: f64::INFINITY,
    };
    let mut max = Coord {
        x: f64::NEG_INFINITY,
        y: f64::NEG_INFINITY,
    };
    let mut any = false;
    for c in it {
        any = true;
        min.x = min.x.min(c.x);
        min.y = min.y.min(c.y);
        max.x = max.x.max(c.x);
        max.y = max.y.max(c.y);
    }
    any.then_some((min, max))
}

/// A bounding box grown by `d` on every side.
pub fn expand(b: (Coord, Coord), d: f64) -> (Coord, Coord) {
    (
        Coord {
            x: b.0.x - d,
            y: b.0.y - d,
        },
        Coord {
            x: b.1.x + d,
            y: b.1.y + d,
        },
    )
}

/// Which State's side of the border a projected point lies on, by the nearest
/// border segment (linear scan; use the spatial index for many queries).
/// `None` when there is no border.
pub fn side_of_border(border: &[BorderStretch], p: Coord) -> Option<StateId> {
    let mut best: Option<(f64, &BorderStretch, usize, f64)> = None;
    for s in border {
        for (i, w) in s.xy.0.windows(2).enumerate() {
            let (_, t, d) = crate::geom::closest_on_segment(p, w[0], w[1]);
            if best.as_ref().is_none_or(|b| d < b.0) {
                best = Some((d, s, i, t));
            }
        }
    }
    best.map(|(_, s, i, t)| {
        if crate::geom::left_of_polyline(&s.xy.0, i, t, p) {
            s.left.clone()
        } else {
            s.right.clone()
        }
    })
}
