//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The shared public data (OSM, SRTM, Natural Earth). `BORDERWATCH_DATA`
/// overrides; otherwise `../shared/data` next to the repository, then
/// `/work/shared/data`. Tests that need it fail (not skip) without it.
pub fn data() -> PathBuf {
    let candidates = [
        std::env::var_os("BORDERWATCH_DATA").map(PathBuf::from),
        Some(repo().join("../shared/data")),
        Some(PathBuf::from("/work/shared/data")),
    ];
    candidates
        .into_iter()
        .flatten()
        .find(|p| p.join("osm/andorra-2013.osm.pbf").exists())
        .expect("the shared data directory (with osm/andorra-2013.osm.pbf) was not found: set BORDERWATCH_DATA")
}

/// Copy a directory tree.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dst = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dst);
        } else {
            std::fs::copy(e.path(), dst).unwrap();
        }
    }
}

/// A fresh copy of the `mini` fixture; returns (tempdir guard, toml path).
pub fn mini() -> (tempfile::TempDir, PathBuf) {
    let d = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("tests/fixtures/mini"), d.path());
    let toml = d.path().join("scenarios/mini.toml");
    (d, toml)
}

/// A private copy of a shipped scenario (`scenarios/NAME.toml` and
/// `maps/NAME/`); returns (tempdir guard, toml path).
pub fn shipped(name: &str) -> (tempfile::TempDir, PathBuf) {
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(d.path().join("scenarios")).unwrap();
    std::fs::copy(
        repo().join(format!("scenarios/{name}.toml")),
        d.path().join(format!("scenarios/{name}.toml")),
    )
    .unwrap();
    copy_dir(
        &repo().join(format!("maps/{name}")),
        &d.path().join(format!("maps/{name}")),
    );
    let p = d.path().join(format!("scenarios/{name}.toml"));
    (d, p)
}

/// Replace `from` by `to` in a file (the text must be there).
pub fn edit(path: &Path, from: &str, to: &str) {
    let s = std::fs::read_to_string(path).unwrap();
    assert!(
        s.contains(from),
        "{} does not contain {from:?}",
        path.display()
    );
    std::fs::write(path, s.replacen(from, to, 1)).unwrap();
}

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_borderwatch"))
}

/// Plan `toml` for presence (`plan --objective idleness`) into `out`;
/// panics with the CLI's message if it fails.
pub fn idleness_plan(toml: &Path, out: &Path) {
    let o = std::process::Command::new(bin())
        .args([
            "plan",
            toml.to_str().unwrap(),
            "--objective",
            "idleness",
            "--out",
        ])
        .arg(out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// The shipped Andorra–Spain scenario as `state` holds it (its own posts
/// and `[[units]]` only; `None`: both), in `root` (scenarios/, maps/).
pub fn state_copy(root: &Path, state: Option<&str>) -> PathBuf {
    std::fs::create_dir_all(root.join("scenarios")).unwrap();
    copy_dir(
        &repo().join("maps/andorra-spain"),
        &root.join("maps/andorra-spain"),
    );
    let toml = std::fs::read_to_string(repo().join("scenarios/andorra-spain.toml")).unwrap();
    let mut parts = toml.split("\n[[units]]");
    let mut out = parts.next().unwrap().to_string();
    for u in parts {
        if state.is_none_or(|st| u.contains(&format!("state = \"{st}\""))) {
            out.push_str("\n[[units]]");
            out.push_str(u);
        }
    }
    let path = root.join("scenarios/andorra-spain.toml");
    std::fs::write(&path, out).unwrap();
    if let Some(st) = state {
        let posts = root.join("maps/andorra-spain/posts.geojson");
        let mut fc: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&posts).unwrap()).unwrap();
        fc["features"]
            .as_array_mut()
            .unwrap()
            .retain(|f| f["properties"]["state"] == st);
        std::fs::write(&posts, fc.to_string()).unwrap();
    }
    path
}

pub const PASS: &str = "correct horse battery staple";

/// `borderwatch ARGS` run in `dir`.
pub fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(bin())
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

/// The command succeeded: its stdout.
pub fn ok(o: Output) -> String {
    assert!(
        o.status.success(),
        "failed: {}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).to_string()
}

/// The command was refused (exit 1) saying `says`: its stderr.
pub fn refused(o: Output, says: &str) -> String {
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert_eq!(o.status.code(), Some(1), "expected a refusal: {err}");
    assert!(err.contains(says), "expected {says:?} in: {err}");
    err
}

/// The shipped Andorra–Spain scenario as the two States hold it, for the
/// exchange: `and/` and `esp/` (each a scenario with its own posts and
/// units), `keys/AND`, `keys/ESP`, and the passphrase file `pass`.
pub struct Two {
    pub d: tempfile::TempDir,
}

impl Two {
    pub fn new() -> Two {
        let d = tempfile::tempdir().unwrap();
        state_copy(&d.path().join("and"), Some("AND"));
        state_copy(&d.path().join("esp"), Some("ESP"));
        std::fs::write(d.path().join("pass"), format!("{PASS}\n")).unwrap();
        let two = Two { d };
        for st in ["AND", "ESP"] {
            ok(two.bw(&[
                "keys",
                "new",
                "--state",
                st,
                "--out",
                &format!("keys/{st}"),
                "--passphrase-file",
                "pass",
            ]));
        }
        two
    }
    pub fn p(&self, rel: &str) -> PathBuf {
        self.d.path().join(rel)
    }
    pub fn bw(&self, args: &[&str]) -> Output {
        run(self.d.path(), args)
    }
    /// `from` shares `include` with `to` into `out`.
    pub fn share(&self, from: &str, to: &str, include: &str, out: &str) -> String {
        let f = from.to_lowercase();
        ok(self.bw(&[
            "share",
            &format!("{f}/scenarios/andorra-spain.toml"),
            "--from",
            from,
            "--to",
            to,
            "--key",
            &format!("keys/{from}"),
            "--recipient",
            &format!("keys/{to}/{to}.pub"),
            "--out",
            out,
            "--include",
            include,
            "--passphrase-file",
            "pass",
        ]))
    }
    /// `into` receives `file`, trusting `from`'s public key.
    pub fn receive(&self, file: &str, into: &str, from: &str) -> Output {
        self.bw(&[
            "receive",
            file,
            "--into",
            &format!("{}/scenarios/andorra-spain.toml", into.to_lowercase()),
            "--key",
            &format!("keys/{into}"),
            "--trust",
            &format!("keys/{from}/{from}.pub"),
            "--passphrase-file",
            "pass",
        ])
    }
}
