//! The exchange log of a scenario (`NAME.exchange/log.jsonl`): one JSON
//! line per share and per receipt — accepted or refused — with the time,
//! the counterpart, the sequence number, the hash of the signed content
//! and the outcome. Appended only; each append rewrites the file
//! atomically, so an interruption leaves the old log whole.

use crate::error::{Error, Result};
use crate::ids::StateId;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Largest log read (bytes): some hundred thousand entries.
const MAX_LOG: u64 = 64 * 1024 * 1024;

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Share,
    Receive,
}

/// One line of the log.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Entry {
    pub time_utc: String,
    pub action: Action,
    /// The sender of a receipt or the recipient of a share.
    pub counterpart: StateId,
    /// This side's State.
    pub state: StateId,
    pub sequence: u64,
    /// BLAKE3 of the signed `package.json` (empty when it never opened).
    pub package_blake3: String,
    pub file: String,
    /// `written`, `accepted`, or `refused: why`.
    pub outcome: String,
}

/// The log file of a scenario.
pub fn path(toml_path: &Path) -> PathBuf {
    crate::scenario::received::exchange_dir(toml_path).join("log.jsonl")
}

/// Every entry, oldest first; a damaged line is an error naming it.
pub fn read(toml_path: &Path) -> Result<Vec<Entry>> {
    let p = path(toml_path);
    if !p.exists() {
        return Ok(Vec::new());
    }
    let text = crate::io::read_bounded(&p, MAX_LOG)?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l)
                .map_err(|e| Error::data(&p, format!("line {}: not a log entry ({e})", i + 1)))
        })
        .collect()
}

/// Add one entry.
pub fn append(toml_path: &Path, e: &Entry) -> Result<()> {
    let p = path(toml_path);
    let mut text = if p.exists() {
        crate::io::read_bounded(&p, MAX_LOG)?
    } else {
        String::new()
    };
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(
        &serde_json::to_string(e).map_err(|x| Error::encode("exchange log", x.to_string()))?,
    );
    text.push('\n');
    crate::io::write_atomic(&p, text.as_bytes())
}

/// The next sequence number for a share from `state` to `to`.
pub fn next_sequence(entries: &[Entry], state: &StateId, to: &StateId) -> u64 {
    entries
        .iter()
        .filter(|e| e.action == Action::Share && &e.state == state && &e.counterpart == to)
        .map(|e| e.sequence)
        .max()
        .unwrap_or(0)
        + 1
}

/// The last sequence number accepted from `from`.
pub fn last_accepted(entries: &[Entry], from: &StateId) -> Option<u64> {
    entries
        .iter()
        .filter(|e| {
            e.action == Action::Receive && &e.counterpart == from && e.outcome == "accepted"
        })
        .map(|e| e.sequence)
        .max()
}
