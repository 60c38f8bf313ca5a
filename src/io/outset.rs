//! A run's outputs as one set: the folder holds either the whole old set
//! or the whole new one, whenever the run is stopped.
//!
//! [`OutSet::commit`] builds the new folder beside the target
//! (`.NAME.bw-new-PID`): hard links to everything already there that is not
//! this kind of set's (the user's files, another command's set), then the
//! new files and a manifest, `.borderwatch-KIND.json`, that lists them.
//! The two folders are then swapped in one step (Linux `renameat2`
//! `RENAME_EXCHANGE`; elsewhere two renames) and the old one removed, so the
//! files of the old set that the new one lacks (a removed unit's orders)
//! go with it. A run killed before the swap leaves the old folder as it
//! was; its temporary folder is removed by the next run into the same
//! place.
//!
//! Where a swap cannot be done — the folder is the working directory or
//! holds it, or holds more than [`MAX_CARRIED`] entries of other files —
//! the set is written in place, file by file atomically, and the old set's
//! stale files removed after.

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// Entries of other files a swap carries over at most (beyond that the
/// set is written in place).
pub const MAX_CARRIED: usize = 10_000;

/// The files of one run, written together by [`OutSet::commit`].
pub struct OutSet {
    dir: PathBuf,
    kind: &'static str,
    files: Vec<(PathBuf, Vec<u8>)>,
}

impl OutSet {
    /// A set of `kind` (`plan`, `simulate`, `assess`, `graph`) for `dir`.
    pub fn new(dir: &Path, kind: &'static str) -> OutSet {
        OutSet {
            dir: dir.to_path_buf(),
            kind,
            files: Vec::new(),
        }
    }

    /// Add a file, by its path inside the folder (`gpx/U1.gpx`).
    pub fn put(&mut self, rel: impl Into<PathBuf>, bytes: Vec<u8>) {
        self.files.push((rel.into(), bytes));
    }

    /// The manifest's file name.
    fn manifest_name(&self) -> String {
        format!(".borderwatch-{}.json", self.kind)
    }

    /// Write the set; returns each file's path (under the folder as given).
    pub fn commit(self) -> Result<Vec<PathBuf>> {
        for (rel, _) in &self.files {
            if rel.is_absolute()
                || rel
                    .components()
                    .any(|c| !matches!(c, std::path::Component::Normal(_)))
            {
                return Err(Error::Usage(format!(
                    "{}: an output's path inside the folder must be relative, without `..`",
                    rel.display()
                )));
            }
        }
        let written: Vec<PathBuf> = self.files.iter().map(|(r, _)| self.dir.join(r)).collect();
        std::fs::create_dir_all(&self.dir).map_err(|e| Error::io(&self.dir, e))?;
        let dir = std::fs::canonicalize(&self.dir).map_err(|e| Error::io(&self.dir, e))?;
        let (parent, name) = match (dir.parent(), dir.file_name()) {
            (Some(p), Some(n)) => (p.to_path_buf(), n.to_string_lossy().into_owned()),
            _ => return self.in_place(&dir).map(|_| written),
        };
        clean_leftovers(&parent, &name);
        let old = read_manifest(&dir.join(self.manifest_name()));
        let holds_cwd = std::env::current_dir()
            .ok()
            .and_then(|c| std::fs::canonicalize(c).ok())
            .is_some_and(|c| c.starts_with(&dir));
        if holds_cwd {
            return self.in_place(&dir).map(|_| written);
        }
        let tmp = parent.join(format!(".{name}.bw-new-{}", std::process::id()));
        let skip: std::collections::HashSet<PathBuf> = old
            .iter()
            .cloned()
            .chain(self.files.iter().map(|(r, _)| r.clone()))
            .chain(std::iter::once(PathBuf::from(self.manifest_name())))
            .collect();
        let mut carried = 0usize;
        let built = (|| -> std::io::Result<bool> {
            std::fs::create_dir(&tmp)?;
            if !carry(&dir, &tmp, Path::new(""), &skip, &mut carried)? {
                return Ok(false);
            }
            for (rel, bytes) in &self.files {
                write_synced(&tmp.join(rel), bytes)?;
            }
            write_synced(&tmp.join(self.manifest_name()), &self.manifest())?;
            sync_dir(&tmp)?;
            Ok(true)
        })();
        match built {
            Ok(true) => {}
            Ok(false) => {
                let _ = std::fs::remove_dir_all(&tmp);
                return self.in_place(&dir).map(|_| written);
            }
            Err(e) => {
                let _ = std::fs::remove_dir_all(&tmp);
                return Err(Error::io(&dir, e));
            }
        }
        match swap(&tmp, &dir) {
            Ok(()) => {
                // `tmp` now holds the old folder
                let _ = std::fs::remove_dir_all(&tmp);
                let _ = sync_dir(&parent);
                Ok(written)
            }
            Err(e) => {
                let _ = std::fs::remove_dir_all(&tmp);
                Err(Error::io(&dir, e))
            }
        }
    }

    /// The manifest: the kind of set and its files, sorted.
    fn manifest(&self) -> Vec<u8> {
        let mut files: Vec<String> = self
            .files
            .iter()
            .map(|(r, _)| r.to_string_lossy().replace('\\', "/"))
            .collect();
        files.sort();
        let v = serde_json::json!({"borderwatch_set": self.kind, "files": files});
        let mut s = serde_json::to_string_pretty(&v).expect("json");
        s.push('\n');
        s.into_bytes()
    }

    /// Write the set into `dir` itself: each file atomically, the manifest
    /// last, then the old set's files the new one lacks removed.
    fn in_place(&self, dir: &Path) -> Result<()> {
        let old = read_manifest(&dir.join(self.manifest_name()));
        let mut all: Vec<(PathBuf, &[u8])> = self
            .files
            .iter()
            .map(|(r, b)| (dir.join(r), b.as_slice()))
            .collect();
        let manifest = self.manifest();
        all.push((dir.join(self.manifest_name()), &manifest));
        let refs: Vec<(&Path, &[u8])> = all.iter().map(|(p, b)| (p.as_path(), *b)).collect();
        super::write_atomic_all(&refs)?;
        for rel in old {
            if !self.files.iter().any(|(r, _)| *r == rel) {
                let _ = std::fs::remove_file(dir.join(rel));
            }
        }
        Ok(())
    }
}

/// The files a manifest lists (none when it is missing or unreadable).
fn read_manifest(path: &Path) -> Vec<PathBuf> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) else {
        return Vec::new();
    };
    v["files"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f.as_str())
        .map(PathBuf::from)
        .filter(|p| {
            p.components()
                .all(|c| matches!(c, std::path::Component::Normal(_)))
        })
        .collect()
}

/// Remove temporary folders that runs into `parent/name` left behind when
/// they were stopped (a running one's, still in use, is kept on Linux).
fn clean_leftovers(parent: &Path, name: &str) {
    let prefix = format!(".{name}.bw-new-");
    let Ok(rd) = std::fs::read_dir(parent) else {
        return;
    };
    for e in rd.flatten() {
        let f = e.file_name().to_string_lossy().into_owned();
        let Some(pid) = f.strip_prefix(&prefix) else {
            continue;
        };
        let alive = cfg!(target_os = "linux")
            && pid != std::process::id().to_string()
            && Path::new("/proc").join(pid).exists();
        if !alive {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Hard-link every entry of `from/rel` not in `skip` into `to/rel`,
/// recreating folders; `false` when more than [`MAX_CARRIED`] entries
/// would be carried (or a link cannot be made).
fn carry(
    from: &Path,
    to: &Path,
    rel: &Path,
    skip: &std::collections::HashSet<PathBuf>,
    carried: &mut usize,
) -> std::io::Result<bool> {
    for e in std::fs::read_dir(from.join(rel))? {
        let e = e?;
        let r = rel.join(e.file_name());
        if skip.contains(&r) {
            continue;
        }
        *carried += 1;
        if *carried > MAX_CARRIED {
            return Ok(false);
        }
        let ty = e.file_type()?;
        if ty.is_dir() {
            std::fs::create_dir(to.join(&r))?;
            if !carry(from, to, &r, skip, carried)? {
                return Ok(false);
            }
        } else if std::fs::hard_link(e.path(), to.join(&r)).is_err() {
            return Ok(false);
        }
    }
    Ok(true)
}

fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(d) = path.parent() {
        std::fs::create_dir_all(d)?;
    }
    let mut f = std::fs::File::create(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

fn sync_dir(d: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        std::fs::File::open(d)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = d;
        Ok(())
    }
}

/// Exchange the folders `a` and `b` in one step.
#[cfg(target_os = "linux")]
fn swap(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let ca = CString::new(a.as_os_str().as_bytes())?;
    let cb = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: two valid NUL-terminated paths; the call only reads them.
    let r = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// Exchange the folders `a` and `b`: `b` aside, `a` in its place, the old
/// one back at `a` (the one moment without `b` is between two renames).
#[cfg(not(target_os = "linux"))]
fn swap(a: &Path, b: &Path) -> std::io::Result<()> {
    let aside = a.with_extension("bw-old");
    std::fs::rename(b, &aside)?;
    if let Err(e) = std::fs::rename(a, b) {
        let _ = std::fs::rename(&aside, b);
        return Err(e);
    }
    std::fs::rename(&aside, a)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(dir: &Path, files: &[(&str, &str)]) -> Vec<PathBuf> {
        let mut s = OutSet::new(dir, "plan");
        for (r, b) in files {
            s.put(*r, b.as_bytes().to_vec());
        }
        s.commit().unwrap()
    }

    #[test]
    fn a_new_set_replaces_the_old_one_and_keeps_other_files() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        set(
            &out,
            &[("plan.json", "1"), ("gpx/A.gpx", "a"), ("gpx/B.gpx", "b")],
        );
        // the user's own file and another command's set
        std::fs::write(out.join("notes.txt"), "mine").unwrap();
        let mut sim = OutSet::new(&out, "simulate");
        sim.put("events.csv", b"e".to_vec());
        sim.commit().unwrap();
        let w = set(&out, &[("plan.json", "2"), ("gpx/A.gpx", "a2")]);
        assert_eq!(w, vec![out.join("plan.json"), out.join("gpx/A.gpx")]);
        let read = |r: &str| std::fs::read_to_string(out.join(r)).ok();
        assert_eq!(read("plan.json").as_deref(), Some("2"));
        assert_eq!(read("gpx/A.gpx").as_deref(), Some("a2"));
        assert_eq!(read("gpx/B.gpx"), None, "a removed unit's file goes");
        assert_eq!(read("notes.txt").as_deref(), Some("mine"));
        assert_eq!(read("events.csv").as_deref(), Some("e"));
        let m = read(".borderwatch-plan.json").unwrap();
        assert!(m.contains("gpx/A.gpx") && !m.contains("B.gpx"), "{m}");
        // nothing left beside the folder
        let beside: Vec<_> = std::fs::read_dir(root.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(beside, vec![std::ffi::OsString::from("out")]);
    }

    #[test]
    fn a_stopped_runs_temporary_folder_is_removed_by_the_next_run() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        set(&out, &[("plan.json", "1")]);
        // as a run killed before its swap leaves it (pid 0: no such process)
        let left = root.path().join(".out.bw-new-0");
        std::fs::create_dir_all(left.join("gpx")).unwrap();
        std::fs::write(left.join("plan.json"), "half").unwrap();
        set(&out, &[("plan.json", "2")]);
        assert!(!left.exists());
        assert_eq!(std::fs::read_to_string(out.join("plan.json")).unwrap(), "2");
    }

    #[test]
    fn a_path_out_of_the_folder_is_refused() {
        let root = tempfile::tempdir().unwrap();
        let mut s = OutSet::new(root.path(), "plan");
        s.put("../x", Vec::new());
        assert!(s.commit().is_err());
        assert!(!root.path().parent().unwrap().join("x").exists());
    }
}
