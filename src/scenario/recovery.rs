//! Autosave for recovery: while a scenario has unsaved changes, a copy of
//! its current content (the scenario TOML and its posts, written the way
//! Save writes them) and the list of changes are kept in the configuration
//! directory ([`crate::recent::config_dir`], `recovery/`), one slot per
//! scenario file. Saving or discarding the changes clears the slot. If the
//! window is killed or crashes first, the next time the scenario is opened
//! the copy is offered back — never applied without asking.

use super::edit::{save_files, Edit, Editor};
use super::load;
use crate::error::{Error, Result};
use crate::model::Scenario;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// What the slot says about the copy.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
struct Origin {
    /// The scenario file the changes belong to.
    scenario: PathBuf,
    /// When the copy was written, seconds since 1970 (UTC).
    written_unix_s: u64,
    /// The changes since the file was loaded, oldest first.
    changes: Vec<String>,
}

/// Unsaved changes found for a scenario.
#[derive(Clone, Debug)]
pub struct Recovered {
    /// The scenario as it was when the copy was written.
    pub scenario: Scenario,
    /// When, seconds since 1970 (UTC).
    pub written_unix_s: u64,
    /// The changes, oldest first.
    pub changes: Vec<String>,
}

impl Recovered {
    /// The edit that puts the kept content back (one change, undoable).
    pub fn edit(&self) -> Edit {
        Edit::Recover {
            label: format!("recover {} unsaved change(s)", self.changes.len()),
            posts: self.scenario.posts.clone(),
            units: self.scenario.units.clone(),
            agreements: self.scenario.agreements.clone(),
        }
    }
}

fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

/// The slot of the scenario at `original`: named by a hash of its
/// canonical path (blake3, as the scenario fingerprint).
fn slot(original: &Path) -> Option<PathBuf> {
    let h = blake3::hash(canonical(original).to_string_lossy().as_bytes());
    let name = h.to_hex()[..16].to_string();
    crate::recent::config_dir().map(|d| d.join("recovery").join(name))
}

/// Keep the editor's current content and changes for recovery (a no-op
/// without a configuration directory).
pub fn write(ed: &Editor) -> Result<()> {
    let s = &ed.scenario;
    let Some(dir) = slot(&s.path) else {
        return Ok(());
    };
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let toml = dir.join("scenario.toml");
    save_files(s, &toml, &dir.join("scenario.posts.geojson"))?;
    let origin = Origin {
        scenario: s.path.clone(),
        written_unix_s: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0),
        changes: ed.changes().iter().map(|c| c.to_string()).collect(),
    };
    let text = serde_json::to_string_pretty(&origin)
        .map_err(|e| Error::data(&dir, format!("recovery record: {e}")))?;
    crate::io::write_atomic(&dir.join("origin.json"), text.as_bytes())
}

/// Forget the kept changes of the scenario at `original` (saved or
/// discarded).
pub fn clear(original: &Path) {
    if let Some(dir) = slot(original) {
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// The unsaved changes kept for the scenario at `original`, if any; an
/// error when a copy is there but does not load (it is left in place).
pub fn find(original: &Path) -> Result<Option<Recovered>> {
    let Some(dir) = slot(original) else {
        return Ok(None);
    };
    let origin_path = dir.join("origin.json");
    let Ok(text) = std::fs::read_to_string(&origin_path) else {
        return Ok(None);
    };
    let origin: Origin = serde_json::from_str(&text)
        .map_err(|e| Error::data(&origin_path, format!("not a recovery record: {e}")))?;
    // the slot's name is a hash: make sure it is this file's
    if canonical(&origin.scenario) != canonical(original) {
        return Ok(None);
    }
    let (scenario, _) = load::load_ok(&dir.join("scenario.toml"))?;
    Ok(Some(Recovered {
        scenario,
        written_unix_s: origin.written_unix_s,
        changes: origin.changes,
    }))
}
