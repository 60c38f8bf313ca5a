//! Editing a loaded scenario: add, move, change and delete posts and units,
//! change the agreements; every edit validated as it is made with the
//! checks `borderwatch check` runs ([`super::rules`]), undo and redo, and
//! saving (atomically) in place or under a new name.
//!
//! An edit that would make the scenario invalid is refused with the
//! problems `check` would report for the saved file; the scenario is left
//! as it was.

use super::model::*;
use super::rules;
use crate::error::{Error, Problems, Result};
use crate::ids::*;
use crate::io::{feature, feature_collection, point_geometry};
use geo::Coord;
use serde_json::{json, Map, Value};
use std::path::{Component, Path, PathBuf};

/// A post as the editor sets it (everything but its projected place).
#[derive(Clone, Debug, PartialEq)]
pub struct PostDraft {
    pub id: String,
    pub name: String,
    pub state: StateId,
    pub lonlat: Coord,
    pub height_m: f64,
    pub sensors: Vec<SensorId>,
}

impl PostDraft {
    pub fn of(p: &Post) -> Self {
        PostDraft {
            id: p.id.to_string(),
            name: p.name.clone(),
            state: p.state.clone(),
            lonlat: p.lonlat,
            height_m: p.height_m,
            sensors: p.sensors.clone(),
        }
    }
}

/// One change to the scenario.
#[derive(Clone, Debug)]
pub enum Edit {
    AddPost(PostDraft),
    /// Move a post to a new place (lon, lat).
    MovePost {
        id: PostId,
        lonlat: Coord,
    },
    /// Change a post's properties; a new id is carried over to the units
    /// based there.
    SetPost {
        id: PostId,
        draft: PostDraft,
    },
    /// Delete a post and the units based there.
    DeletePost(PostId),
    AddUnit(Unit),
    /// Change a unit (a new id included).
    SetUnit {
        id: UnitId,
        unit: Unit,
    },
    DeleteUnit(UnitId),
    SetAgreements(Agreements),
    /// Put back posts, units and agreements kept by the autosave
    /// ([`super::recovery`]), as one change.
    Recover {
        label: String,
        posts: Vec<Post>,
        units: Vec<Unit>,
        agreements: Agreements,
    },
}

/// The parts of a scenario an edit changes.
#[derive(Clone)]
struct Snapshot {
    posts: Vec<Post>,
    units: Vec<Unit>,
    agreements: Agreements,
    /// Which content this is (the same after undoing back to it).
    id: u64,
}

/// A scenario being edited, with its history.
pub struct Editor {
    pub scenario: Scenario,
    undo: Vec<(String, Snapshot)>,
    redo: Vec<(String, Snapshot)>,
    /// Bumped by every change (edit, undo, redo).
    revision: u64,
    /// The current content's id: a new one for every edit, the earlier
    /// one again after undo (and redo).
    content: u64,
    /// The id the next edit's content takes.
    next_content: u64,
    /// The content on disk (last load or save).
    saved_content: u64,
}

impl Editor {
    pub fn new(scenario: Scenario) -> Self {
        Editor {
            scenario,
            undo: Vec::new(),
            redo: Vec::new(),
            revision: 0,
            content: 0,
            next_content: 1,
            saved_content: 0,
        }
    }

    /// The content differs from the last load or save (undoing back to
    /// it makes it clean again).
    pub fn dirty(&self) -> bool {
        self.content != self.saved_content
    }
    /// A counter that changes with every change of the scenario.
    pub fn revision(&self) -> u64 {
        self.revision
    }
    /// The changes since the last load, oldest first (what undo would
    /// take back, in turn).
    pub fn changes(&self) -> Vec<&str> {
        self.undo.iter().map(|u| u.0.as_str()).collect()
    }
    /// What undo would take back.
    pub fn undo_label(&self) -> Option<&str> {
        self.undo.last().map(|u| u.0.as_str())
    }
    pub fn redo_label(&self) -> Option<&str> {
        self.redo.last().map(|u| u.0.as_str())
    }

    fn snapshot(&self) -> Snapshot {
        Snapshot {
            posts: self.scenario.posts.clone(),
            units: self.scenario.units.clone(),
            agreements: self.scenario.agreements.clone(),
            id: self.content,
        }
    }
    fn restore(&mut self, s: Snapshot) {
        self.scenario.posts = s.posts;
        self.scenario.units = s.units;
        self.scenario.agreements = s.agreements;
        self.content = s.id;
    }

    /// Apply `e`: `Ok(description)` when the scenario stays valid, else
    /// the problems (every one `check` would list) and no change.
    pub fn apply(&mut self, e: Edit) -> std::result::Result<String, Problems> {
        let before = self.snapshot();
        let label = match self.change(e) {
            Ok(l) => l,
            Err(p) => {
                self.restore(before);
                return Err(p);
            }
        };
        let pr = rules::editable(&self.scenario);
        if pr.has_errors() {
            self.restore(before);
            return Err(pr);
        }
        self.undo.push((label.clone(), before));
        self.redo.clear();
        self.revision += 1;
        self.content = self.next_content;
        self.next_content += 1;
        Ok(label)
    }

    /// Put `snap` in place (a new revision); what it replaced.
    fn swap_in(&mut self, snap: Snapshot) -> Snapshot {
        let now = self.snapshot();
        self.restore(snap);
        self.revision += 1;
        now
    }

    /// Take back the last edit; its description.
    pub fn undo(&mut self) -> Option<String> {
        let (label, snap) = self.undo.pop()?;
        let now = self.swap_in(snap);
        self.redo.push((label.clone(), now));
        Some(label)
    }

    /// Do again the last edit undone; its description.
    pub fn redo(&mut self) -> Option<String> {
        let (label, snap) = self.redo.pop()?;
        let now = self.swap_in(snap);
        self.undo.push((label.clone(), now));
        Some(label)
    }

    /// The index of a post this State may change.
    fn post_index(&self, id: &PostId) -> std::result::Result<usize, Problems> {
        let s = &self.scenario;
        if let Some(r) = s.received.iter().find(|r| r.posts.contains(id)) {
            return Err(self.problem(&r.dir, received_text("post", id.as_str(), r)));
        }
        s.posts
            .iter()
            .position(|p| &p.id == id)
            .ok_or_else(|| self.problem(&s.posts_path, format!("no post {id}")))
    }
    /// The index of a unit this State may change.
    fn unit_index(&self, id: &UnitId) -> std::result::Result<usize, Problems> {
        let s = &self.scenario;
        if let Some(r) = s.received.iter().find(|r| r.units.contains(id)) {
            return Err(self.problem(&r.dir, received_text("unit", id.as_str(), r)));
        }
        s.units
            .iter()
            .position(|u| &u.id == id)
            .ok_or_else(|| self.problem(&s.path, format!("no unit {id}")))
    }
    fn problem(&self, file: &Path, msg: String) -> Problems {
        let mut p = Problems::default();
        p.push(crate::error::Problem::error(file, msg));
        p
    }

    fn make_post(&self, d: PostDraft, keep: Option<&Post>) -> Post {
        Post {
            id: PostId::new(d.id.trim()),
            name: d.name,
            state: d.state,
            xy: self.scenario.projection.forward(d.lonlat),
            lonlat: d.lonlat,
            height_m: d.height_m,
            sensors: d.sensors,
            releasable: keep.map(|p| p.releasable).unwrap_or(true),
            extra: keep.map(|p| p.extra.clone()).unwrap_or_default(),
        }
    }

    fn change(&mut self, e: Edit) -> std::result::Result<String, Problems> {
        let s = &self.scenario;
        Ok(match e {
            Edit::AddPost(d) => {
                let label = format!("add post {}", d.id.trim());
                let p = self.make_post(d, None);
                self.scenario.posts.push(p);
                label
            }
            Edit::MovePost { id, lonlat } => {
                let i = self.post_index(&id)?;
                let xy = s.projection.forward(lonlat);
                let p = &mut self.scenario.posts[i];
                p.lonlat = lonlat;
                p.xy = xy;
                // the old elevation no longer holds
                p.extra.remove("elevation_m");
                format!("move post {id}")
            }
            Edit::SetPost { id, draft } => {
                let i = self.post_index(&id)?;
                let old = s.posts[i].clone();
                let mut p = self.make_post(draft, Some(&old));
                if p.lonlat != old.lonlat {
                    p.extra.remove("elevation_m");
                }
                if p.id != old.id {
                    for u in self.scenario.units.iter_mut() {
                        if u.home_post == old.id {
                            u.home_post = p.id.clone();
                        }
                    }
                }
                self.scenario.posts[i] = p;
                format!("change post {id}")
            }
            Edit::DeletePost(id) => {
                let i = self.post_index(&id)?;
                let based: Vec<String> = s
                    .units
                    .iter()
                    .filter(|u| u.home_post == id)
                    .map(|u| u.id.to_string())
                    .collect();
                self.scenario.posts.remove(i);
                self.scenario.units.retain(|u| u.home_post != id);
                if based.is_empty() {
                    format!("delete post {id}")
                } else {
                    format!("delete post {id} and its units {}", based.join(", "))
                }
            }
            Edit::AddUnit(u) => {
                let label = format!("add unit {}", u.id);
                self.scenario.units.push(u);
                label
            }
            Edit::SetUnit { id, unit } => {
                let i = self.unit_index(&id)?;
                self.scenario.units[i] = unit;
                format!("change unit {id}")
            }
            Edit::DeleteUnit(id) => {
                let i = self.unit_index(&id)?;
                self.scenario.units.remove(i);
                format!("delete unit {id}")
            }
            Edit::SetAgreements(a) => {
                self.scenario.agreements = a;
                "change agreements".to_string()
            }
            Edit::Recover {
                label,
                posts,
                units,
                agreements,
            } => {
                // the autosave keeps the State's own; the neighbour's stay
                let theirs: Vec<Post> = s
                    .posts
                    .iter()
                    .filter(|p| s.is_received_post(&p.id))
                    .cloned()
                    .collect();
                let their_units: Vec<Unit> = s
                    .units
                    .iter()
                    .filter(|u| s.is_received_unit(&u.id))
                    .cloned()
                    .collect();
                let sc = &mut self.scenario;
                sc.posts = posts
                    .into_iter()
                    .filter(|p| !theirs.iter().any(|t| t.id == p.id))
                    .collect();
                sc.posts.extend(theirs);
                sc.units = units;
                sc.units
                    .retain(|u| !their_units.iter().any(|t| t.id == u.id));
                sc.units.extend(their_units);
                if !sc.received.is_empty() {
                    super::received::order_by_state(&sc.states, &mut sc.posts, &mut sc.units);
                }
                sc.agreements = agreements;
                label
            }
        })
    }

    /// A free id for a new post of `state`: the prefix of its other posts'
    /// ids (e.g. `AD-OP`) and the next number.
    pub fn new_post_id(&self, state: &StateId) -> String {
        new_id(
            self.scenario
                .posts
                .iter()
                .filter(|p| &p.state == state)
                .map(|p| p.id.as_str()),
            self.scenario.posts.iter().map(|p| p.id.as_str()),
            &format!("{state}-OP"),
        )
    }
    /// A free id for a new unit of `state` moving by `mode`.
    pub fn new_unit_id(&self, state: &StateId, mode: UnitMode) -> String {
        let letter = match mode {
            UnitMode::Foot => "F",
            UnitMode::Vehicle => "V",
            UnitMode::Boat => "B",
        };
        let prefix = self
            .scenario
            .units
            .iter()
            .find(|u| &u.state == state)
            .and_then(|u| u.id.as_str().split_once('-').map(|x| x.0.to_string()))
            .unwrap_or_else(|| state.to_string());
        new_id(
            std::iter::empty(),
            self.scenario.units.iter().map(|u| u.id.as_str()),
            &format!("{prefix}-{letter}"),
        )
    }

    /// Save in place: the TOML (agreements and units; comments and other
    /// keys kept) and the posts layer, both written atomically.
    pub fn save(&mut self) -> Result<Vec<PathBuf>> {
        let path = self.scenario.path.clone();
        let posts = self.scenario.posts_path.clone();
        let written = save_files(&self.scenario, &path, &posts)?;
        self.saved_content = self.content;
        Ok(written)
    }

    /// Save under a new TOML path; the posts go next to it
    /// (`NAME.posts.geojson`), the map layers are shared (referred to by
    /// relative paths). The editor then works on the new files.
    pub fn save_as(&mut self, toml_path: &Path) -> Result<Vec<PathBuf>> {
        if toml_path.extension().and_then(|e| e.to_str()) != Some("toml") {
            return Err(Error::data(toml_path, "a scenario file name ends in .toml"));
        }
        let toml_path = absolute(toml_path);
        let stem = toml_path
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default();
        let posts = toml_path.with_file_name(format!("{stem}.posts.geojson"));
        let written = save_files(&self.scenario, &toml_path, &posts)?;
        self.scenario.path = toml_path;
        self.scenario.posts_path = posts;
        self.scenario.name = stem;
        self.saved_content = self.content;
        Ok(written)
    }
}

fn new_id<'a>(
    same: impl Iterator<Item = &'a str>,
    all: impl Iterator<Item = &'a str>,
    fallback: &str,
) -> String {
    // prefix = an existing id without its trailing digits
    let prefix = same
        .map(|id| {
            id.trim_end_matches(|c: char| c.is_ascii_digit())
                .to_string()
        })
        .find(|p| !p.is_empty())
        .unwrap_or_else(|| fallback.to_string());
    let taken: std::collections::HashSet<&str> = all.collect();
    (1..)
        .map(|n| format!("{prefix}{n}"))
        .find(|id| !taken.contains(id.as_str()))
        .unwrap_or_default()
}

/// Why the neighbour's post or unit cannot be changed here.
fn received_text(what: &str, id: &str, r: &Received) -> String {
    format!(
        "{what} {id} is {}'s, received in its package {} of {}: it is changed in {}'s scenario and shared again",
        r.from, r.sequence, r.written_utc, r.from
    )
}

/// The posts layer as GeoJSON (one feature per post, in order; other
/// properties kept; the neighbour's received posts left out).
pub fn posts_geojson(s: &Scenario) -> String {
    let feats: Vec<Value> = s
        .posts
        .iter()
        .filter(|p| !s.is_received_post(&p.id))
        .map(|p| {
            let mut m: Map<String, Value> = p.extra.clone();
            m.insert("id".into(), json!(p.id.as_str()));
            m.insert("state".into(), json!(p.state.as_str()));
            m.insert("name".into(), json!(p.name));
            m.insert("height_m".into(), json!(p.height_m));
            m.insert(
                "sensors".into(),
                json!(p.sensors.iter().map(|x| x.as_str()).collect::<Vec<_>>()),
            );
            if !p.releasable {
                m.insert("releasable".into(), json!(false));
            }
            let m: Map<String, Value> = {
                let mut keys: Vec<_> = m.into_iter().collect();
                keys.sort_by(|a, b| a.0.cmp(&b.0));
                keys.into_iter().collect()
            };
            feature(point_geometry(p.lonlat), m)
        })
        .collect();
    feature_collection(&feats)
}

/// The scenario TOML for `s` saved at `toml_path` with its posts at
/// `posts_path`: the file it was loaded from with `agreements` and `units`
/// replaced (its comments and other keys kept), paths made relative to the
/// new place.
pub fn scenario_toml(s: &Scenario, toml_path: &Path, posts_path: &Path) -> Result<String> {
    let text = std::fs::read_to_string(&s.path).map_err(|e| Error::io(&s.path, e))?;
    let mut doc: toml_edit::DocumentMut =
        text.parse()
            .map_err(|e: toml_edit::TomlError| Error::Data {
                path: s.path.clone(),
                message: format!("not valid TOML: {}", e.message()),
            })?;
    let a = ser(&Wrap {
        agreements: &s.agreements,
    })?;
    doc["agreements"] = a["agreements"].clone();
    // the neighbour's units stay in its package's folder
    let own: Vec<Unit> = s
        .units
        .iter()
        .filter(|u| !s.is_received_unit(&u.id))
        .cloned()
        .collect();
    let u = ser(&Units { units: &own })?;
    if own.is_empty() {
        doc.remove("units");
    } else {
        doc["units"] = u["units"].clone();
    }
    let dir = toml_path.parent().unwrap_or(Path::new("."));
    if toml_path != s.path {
        if let Some(stem) = toml_path.file_stem() {
            doc["name"] = toml_edit::value(stem.to_string_lossy().to_string());
        }
        doc["maps"] = toml_edit::value(relative(&s.maps_dir, dir));
        if let Some(d) = &s.dem_path {
            doc["dem"] = toml_edit::value(relative(d, dir));
        }
    }
    if posts_path != s.maps_dir.join("posts.geojson") {
        doc["posts"] = toml_edit::value(relative(posts_path, dir));
    } else {
        doc.remove("posts");
    }
    Ok(doc.to_string())
}

#[derive(serde::Serialize)]
struct Wrap<'a> {
    agreements: &'a Agreements,
}
#[derive(serde::Serialize)]
struct Units<'a> {
    units: &'a [Unit],
}

/// `v` as a TOML document.
fn ser<T: serde::Serialize>(v: &T) -> Result<toml_edit::DocumentMut> {
    let bad = |e: String| Error::encode("scenario TOML", e);
    toml::to_string(v)
        .map_err(|e| bad(e.to_string()))?
        .parse()
        .map_err(|e: toml_edit::TomlError| bad(e.to_string()))
}

pub(super) fn save_files(
    s: &Scenario,
    toml_path: &Path,
    posts_path: &Path,
) -> Result<Vec<PathBuf>> {
    let toml = scenario_toml(s, toml_path, posts_path)?;
    let posts = posts_geojson(s);
    // the posts first: should the second rename fail, the TOML still names
    // only posts that exist
    crate::io::write_atomic_all(&[(posts_path, posts.as_bytes()), (toml_path, toml.as_bytes())])?;
    Ok(vec![toml_path.to_path_buf(), posts_path.to_path_buf()])
}

fn absolute(p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    }
}

/// `target` relative to the directory `base` (both made absolute;
/// lexical, `/` separators).
pub fn relative(target: &Path, base: &Path) -> String {
    let norm = |p: &Path| -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for c in absolute(p).components() {
            match c {
                Component::ParentDir => {
                    out.pop();
                }
                Component::Normal(x) => out.push(x.to_string_lossy().to_string()),
                _ => {}
            }
        }
        out
    };
    let (t, b) = (norm(target), norm(base));
    let common = t.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<String> = vec!["..".to_string(); b.len() - common];
    parts.extend(t[common..].iter().cloned());
    if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    }
}
