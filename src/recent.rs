//! The recently opened scenarios (for the map window's File menu), kept in
//! `recent.txt` in the configuration directory: `$BORDERWATCH_CONFIG_DIR`,
//! else `$XDG_CONFIG_HOME/borderwatch`, else `~/.config/borderwatch`.

use crate::error::Result;
use std::path::{Path, PathBuf};

/// How many are kept.
pub const KEEP: usize = 10;

pub fn config_dir() -> Option<PathBuf> {
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    env("BORDERWATCH_CONFIG_DIR")
        .or_else(|| env("XDG_CONFIG_HOME").map(|d| d.join("borderwatch")))
        .or_else(|| env("HOME").map(|d| d.join(".config").join("borderwatch")))
}

fn file() -> Option<PathBuf> {
    config_dir().map(|d| d.join("recent.txt"))
}

/// The recent scenarios, newest first (those that still exist).
pub fn list() -> Vec<PathBuf> {
    let Some(f) = file() else { return Vec::new() };
    std::fs::read_to_string(f)
        .unwrap_or_default()
        .lines()
        .map(PathBuf::from)
        .filter(|p| p.is_file())
        .collect()
}

/// Put `path` first in the list (written atomically).
pub fn remember(path: &Path) -> Result<()> {
    let Some(f) = file() else { return Ok(()) };
    let p = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let mut all = vec![p.clone()];
    all.extend(list().into_iter().filter(|q| q != &p));
    all.truncate(KEEP);
    let text: String = all.iter().map(|p| format!("{}\n", p.display())).collect();
    crate::io::write_atomic(&f, text.as_bytes())
}
