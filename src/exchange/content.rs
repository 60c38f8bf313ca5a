//! What a package may carry (ISACS 05.60, 10.5.10 and 9.7.2): only the
//! sending State's own releasable features; each post with the model's
//! fields and those `[exchange] release_fields` allows, nothing else
//! (`source`, notes, names of people); intelligence never as points or
//! sources — as the weight it adds per kilometre of border — and seizures
//! as counts per kilometre. Everything left out is listed in the
//! manifest with the reason.

use super::plan::PlanShare;
use super::request::AssistanceRequest;
use super::Layer;
use crate::ids::*;
use crate::index::BorderIndex;
use crate::io::{feature, point_geometry};
use crate::model::*;
use crate::scenario::received::SegmentFigure;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashSet};

/// The package's format line (`package.json`'s `format`).
pub const FORMAT: &str = "borderwatch exchange package 1";

/// The signed content: the manifest and the layers it lists.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Package {
    pub format: String,
    pub manifest: Manifest,
    /// The sender's releasable posts, a GeoJSON FeatureCollection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub posts: Option<Value>,
    /// The sensor types those posts carry.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sensors: Vec<Sensor>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub units: Option<Vec<Unit>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agreements: Option<Agreements>,
    /// Intelligence as its weight per kilometre of border.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk: Option<Vec<SegmentFigure>>,
    /// Seizures as counts per kilometre of border.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incidents: Option<Vec<SegmentFigure>>,
    /// A written request for assistance (`borderwatch request`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<AssistanceRequest>,
    /// What the partner needs of a joint plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<PlanShare>,
}

/// What is in a package, what was withheld and why, shown before writing.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub from: StateId,
    pub to: StateId,
    /// The sender's scenario name (information only).
    pub scenario: String,
    /// [`super::border_fingerprint`]: the receiver's border must be the same.
    pub border_fingerprint: String,
    /// UTC, RFC 3339.
    pub written_utc: String,
    /// 1, 2, … per (sender, recipient); a receiver refuses one not newer
    /// than the last it accepted.
    pub sequence: u64,
    /// Features (or figures) per included layer.
    pub included: BTreeMap<String, usize>,
    /// Features left out, counted per layer and reason — never named: the
    /// neighbour learns how many were withheld, not which.
    pub withheld: Vec<WithheldCount>,
    /// Properties dropped from included features, with how many times.
    pub fields_dropped: BTreeMap<String, usize>,
}

impl Manifest {
    /// The manifest in words, with the withheld features by id when given
    /// (the sender's terminal and window; never the package).
    pub fn text(&self, withheld: &[Withheld]) -> String {
        let mut t = format!(
            "Package from {} to {}, number {}, written {} (scenario {}, border {})\nIncluded:\n",
            self.from,
            self.to,
            self.sequence,
            self.written_utc,
            self.scenario,
            self.border_fingerprint
        );
        for (l, n) in &self.included {
            t += &format!("  {l:<11} {n}\n");
        }
        if self.included.is_empty() {
            t += "  nothing\n";
        }
        for w in &self.withheld {
            t += &format!("Withheld from {}: {} ({})\n", w.layer, w.count, w.reason);
        }
        if !self.fields_dropped.is_empty() {
            let f: Vec<String> = self
                .fields_dropped
                .iter()
                .map(|(k, n)| format!("{k} ×{n}"))
                .collect();
            t += &format!(
                "Fields dropped (not in [exchange] release_fields): {}\n",
                f.join(", ")
            );
        }
        if !withheld.is_empty() {
            t += "Withheld, by id (shown here only; the package counts them):\n";
            for w in withheld {
                t += &format!("  {} {}: {}\n", w.layer, w.id, w.reason);
            }
        }
        t
    }
}

/// A feature left out, and why (for the sender's eyes only).
#[derive(Clone, Debug, PartialEq)]
pub struct Withheld {
    pub layer: String,
    pub id: String,
    pub reason: String,
}

/// How many features of a layer were left out for one reason.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct WithheldCount {
    pub layer: String,
    pub reason: String,
    pub count: usize,
}

/// The manifest's counts of `w`, in order of first appearance.
fn counted(w: &[Withheld]) -> Vec<WithheldCount> {
    let mut out: Vec<WithheldCount> = Vec::new();
    for x in w {
        match out
            .iter_mut()
            .find(|c| c.layer == x.layer && c.reason == x.reason)
        {
            Some(c) => c.count += 1,
            None => out.push(WithheldCount {
                layer: x.layer.clone(),
                reason: x.reason.clone(),
                count: 1,
            }),
        }
    }
    out
}

/// Who sends what to whom.
pub struct Share<'a> {
    pub from: &'a StateId,
    pub to: &'a StateId,
    pub include: &'a [Layer],
    /// A written request for assistance to go with the layers.
    pub request: Option<&'a AssistanceRequest>,
    /// The plan layer ([`super::plan::select`]), when `include` has it.
    pub plan: Option<&'a PlanShare>,
    pub sequence: u64,
    pub written_utc: String,
}

/// The releasable part of `s` for `req`, and what was withheld (by id,
/// for the sender; the package's manifest has only the counts).
pub fn select(s: &Scenario, req: &Share) -> (Package, Vec<Withheld>) {
    let mut withheld = Vec::new();
    let mut m = Manifest {
        from: req.from.clone(),
        to: req.to.clone(),
        scenario: s.name.clone(),
        border_fingerprint: super::border_fingerprint(s),
        written_utc: req.written_utc.clone(),
        sequence: req.sequence,
        included: BTreeMap::new(),
        withheld: Vec::new(),
        fields_dropped: BTreeMap::new(),
    };
    let mut p = Package {
        format: FORMAT.into(),
        manifest: m.clone(),
        posts: None,
        sensors: Vec::new(),
        units: None,
        agreements: None,
        risk: None,
        incidents: None,
        request: req.request.cloned(),
        plan: None,
    };
    if req.request.is_some() {
        m.included.insert("request".into(), 1);
    }
    let (posts, shared) = posts(s, req.from, &mut m, &mut withheld);
    for l in req.include {
        match l {
            Layer::Posts => {
                m.included.insert("posts".into(), shared.len());
                p.sensors = sensors(s, &shared);
                p.posts = Some(posts.clone());
            }
            Layer::Units => {
                let u = units(s, req.from, &shared, req.include, &mut withheld);
                m.included.insert("units".into(), u.len());
                p.units = Some(u);
            }
            Layer::Agreements => {
                m.included.insert("agreements".into(), 1);
                p.agreements = Some(s.agreements.clone());
            }
            Layer::Risk => {
                let own = own_count(s.intel.len(), s.received.iter().map(|r| r.intel_points));
                let f = per_km(s, s.intel[..own].iter().map(|i| (i.xy, i.confidence)));
                m.included.insert("risk".into(), f.len());
                p.risk = Some(f);
            }
            Layer::Plan => {
                if let Some(plan) = req.plan {
                    let n = plan.their_units.len() + plan.our_units_near_line.len();
                    m.included.insert("plan".into(), n);
                    p.plan = Some(plan.clone());
                }
            }
            Layer::Incidents => {
                let own = own_count(
                    s.seizures.len(),
                    s.received.iter().map(|r| r.seizure_points),
                );
                let f = per_km(s, s.seizures[..own].iter().map(|z| (z.xy, z.count)));
                m.included.insert("incidents".into(), f.len());
                p.incidents = Some(f);
            }
        }
    }
    if !req.include.contains(&Layer::Posts) {
        withheld.retain(|w| w.layer != "posts");
        m.fields_dropped.clear();
    }
    m.withheld = counted(&withheld);
    p.manifest = m;
    (p, withheld)
}

/// The neighbour's points merged at load come after the State's own.
fn own_count(total: usize, received: impl Iterator<Item = usize>) -> usize {
    total.saturating_sub(received.sum())
}

/// The sender's releasable posts as GeoJSON, and their ids.
fn posts(
    s: &Scenario,
    from: &StateId,
    m: &mut Manifest,
    withheld: &mut Vec<Withheld>,
) -> (Value, HashSet<PostId>) {
    let mut shared = HashSet::new();
    let mut feats = Vec::new();
    for p in own_posts(s, from) {
        if !p.releasable {
            withheld.push(Withheld {
                layer: "posts".into(),
                id: p.id.to_string(),
                reason: "marked releasable = false".into(),
            });
            continue;
        }
        let mut props = Map::new();
        for (k, v) in &p.extra {
            if s.exchange.allows(k) {
                props.insert(k.clone(), v.clone());
            } else {
                *m.fields_dropped.entry(format!("posts.{k}")).or_default() += 1;
            }
        }
        props.insert("id".into(), json!(p.id.as_str()));
        props.insert("state".into(), json!(p.state.as_str()));
        props.insert("name".into(), json!(p.name));
        props.insert("height_m".into(), json!(p.height_m));
        let sensors: Vec<&str> = p.sensors.iter().map(|x| x.as_str()).collect();
        props.insert("sensors".into(), json!(sensors));
        feats.push(feature(point_geometry(p.lonlat), props));
        shared.insert(p.id.clone());
    }
    (
        json!({"type": "FeatureCollection", "features": feats}),
        shared,
    )
}

/// The sensor types the shared posts carry.
fn sensors(s: &Scenario, shared: &HashSet<PostId>) -> Vec<Sensor> {
    let used: HashSet<&SensorId> = s
        .posts
        .iter()
        .filter(|p| shared.contains(&p.id))
        .flat_map(|p| &p.sensors)
        .collect();
    s.sensors
        .iter()
        .filter(|x| used.contains(&x.id))
        .cloned()
        .collect()
}

/// The sender's units that may go to the neighbour: its own, releasable,
/// based at a releasable post.
pub fn releasable_units(s: &Scenario, from: &StateId) -> HashSet<UnitId> {
    let posts: HashSet<PostId> = own_posts(s, from)
        .filter(|p| p.releasable)
        .map(|p| p.id.clone())
        .collect();
    units(s, from, &posts, &[Layer::Posts], &mut Vec::new())
        .into_iter()
        .map(|u| u.id)
        .collect()
}

/// The State's own posts (not the neighbour's received ones).
fn own_posts<'a>(s: &'a Scenario, from: &'a StateId) -> impl Iterator<Item = &'a Post> + 'a {
    s.posts
        .iter()
        .filter(move |p| &p.state == from && !s.is_received_post(&p.id))
}

/// The sender's releasable units whose home post goes with them.
fn units(
    s: &Scenario,
    from: &StateId,
    shared: &HashSet<PostId>,
    include: &[Layer],
    withheld: &mut Vec<Withheld>,
) -> Vec<Unit> {
    let mut out = Vec::new();
    for u in s.units.iter().filter(|u| &u.state == from) {
        if s.is_received_unit(&u.id) {
            continue;
        }
        let reason = if !u.releasable {
            Some("marked releasable = false".to_string())
        } else if !include.contains(&Layer::Posts) {
            Some("its home post is not in this package (add posts to --include)".into())
        } else if !shared.contains(&u.home_post) {
            Some("its home post is not releasable".to_string())
        } else {
            None
        };
        match reason {
            Some(reason) => withheld.push(Withheld {
                layer: "units".into(),
                id: u.id.to_string(),
                reason,
            }),
            None => out.push(u.clone()),
        }
    }
    out
}

/// Values at points summed per kilometre of border: each point snapped to
/// the nearest stretch, binned by whole kilometres of its chainage.
fn per_km(s: &Scenario, pts: impl Iterator<Item = (geo::Coord, f64)>) -> Vec<SegmentFigure> {
    let idx = BorderIndex::of_scenario(s);
    let mut bins: BTreeMap<(usize, i64), f64> = BTreeMap::new();
    for (xy, v) in pts {
        if let Some(sn) = idx.snap(xy) {
            *bins
                .entry((sn.part, sn.chainage_km.floor() as i64))
                .or_default() += v;
        }
    }
    bins.into_iter()
        .filter(|(_, v)| *v > 0.0)
        .map(|((part, k), value)| {
            let b = &s.border[part];
            SegmentFigure {
                stretch: part,
                from_km: (k as f64).max(b.from_km),
                to_km: ((k + 1) as f64).min(b.to_km),
                value,
            }
        })
        .collect()
}

/// The scenario reduced to what may be released (`--releasable-only`):
/// features marked `releasable = false` are left out — posts, the units
/// based at them, units, official crossings, informal routes — and posts
/// keep only the properties `[exchange] release_fields` allows.
/// Intelligence and seizures stay in (outputs show them only as risk per
/// segment, never as points or sources). Outputs made from it are marked
/// "RELEASABLE TO" the scenario's States. Returns what was left out.
pub fn releasable_only(s: &Scenario) -> (Scenario, Vec<Withheld>) {
    let mut r = s.clone();
    let mut out = Vec::new();
    let mut withhold = |layer: &str, id: &str, reason: &str| {
        out.push(Withheld {
            layer: layer.into(),
            id: id.into(),
            reason: reason.into(),
        })
    };
    let no = "marked releasable = false";
    for p in s.posts.iter().filter(|p| !p.releasable) {
        withhold("posts", p.id.as_str(), no);
    }
    r.posts.retain(|p| p.releasable);
    for p in r.posts.iter_mut() {
        p.extra.retain(|k, _| s.exchange.allows(k));
    }
    let kept: HashSet<&PostId> = r.posts.iter().map(|p| &p.id).collect();
    for u in &s.units {
        if !u.releasable {
            withhold("units", u.id.as_str(), no);
        } else if !kept.contains(&u.home_post) {
            withhold("units", u.id.as_str(), "its home post is not releasable");
        }
    }
    r.units
        .retain(|u| u.releasable && kept.contains(&u.home_post));
    for c in s.crossings.iter().filter(|c| !c.releasable) {
        withhold("crossings", c.id.as_str(), no);
    }
    r.crossings.retain(|c| c.releasable);
    for x in s.routes.iter().filter(|x| !x.releasable) {
        withhold("routes", x.id.as_str(), no);
    }
    r.routes.retain(|x| x.releasable);
    r.marking = Marking::ReleasableTo(s.states.iter().map(|x| x.id.clone()).collect());
    (r, out)
}
