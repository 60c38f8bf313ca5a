//! One fuzz input, read by one of borderwatch's readers.
//!
//! The first byte picks the reader ([`Reader`]), the rest is the file's
//! bytes. Each reader is fed through the path a user's file takes (the
//! same functions `check`, `plan` and `simulate` call), in a scratch copy of
//! the `mini` test scenario. A reader must return a value or an error;
//! a panic, a hang or runaway memory is what the fuzzer reports.

use std::path::{Path, PathBuf};

/// The mini scenario's files, built into the harness.
const MINI: [(&str, &[u8]); 6] = [
    ("scenarios/mini.toml", include_bytes!("../../tests/fixtures/mini/scenarios/mini.toml")),
    ("maps/mini/border.geojson", include_bytes!("../../tests/fixtures/mini/maps/mini/border.geojson")),
    ("maps/mini/crossings.geojson", include_bytes!("../../tests/fixtures/mini/maps/mini/crossings.geojson")),
    ("maps/mini/network.geojson", include_bytes!("../../tests/fixtures/mini/maps/mini/network.geojson")),
    ("maps/mini/posts.geojson", include_bytes!("../../tests/fixtures/mini/maps/mini/posts.geojson")),
    ("maps/mini/routes.geojson", include_bytes!("../../tests/fixtures/mini/maps/mini/routes.geojson")),
];

/// What the input's bytes are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reader {
    /// The scenario TOML (with the mini layers beside it).
    Toml,
    /// One of the mini scenario's GeoJSON layers (index into `MINI`, 1–5).
    Layer(usize),
    /// A points table (CSV), as `site --candidates` and `import naturalearth --crossings` read it.
    PointsCsv,
    /// A points layer (GeoJSON), read the same way.
    PointsGeojson,
    /// `plan.json`, checked against the mini scenario as `simulate` does.
    PlanJson,
    /// An SRTM tile.
    Hgt,
    /// A zipped SRTM tile.
    HgtZip,
}

impl Reader {
    pub const ALL: [Reader; 11] = [
        Reader::Toml,
        Reader::Layer(1),
        Reader::Layer(2),
        Reader::Layer(3),
        Reader::Layer(4),
        Reader::Layer(5),
        Reader::PointsCsv,
        Reader::PointsGeojson,
        Reader::PlanJson,
        Reader::Hgt,
        Reader::HgtZip,
    ];

    /// The reader a first byte picks.
    pub fn of(b: u8) -> Reader {
        Self::ALL[b as usize % Self::ALL.len()]
    }

    /// The first byte that picks this reader.
    pub fn byte(self) -> u8 {
        Self::ALL.iter().position(|r| *r == self).unwrap() as u8
    }
}

/// A scratch copy of the mini scenario and a loaded copy of it.
pub struct Bench {
    dir: PathBuf,
    mini: borderwatch::model::Scenario,
}

impl Bench {
    /// Lay the mini scenario out in a fresh folder under `root`.
    pub fn new(root: &Path) -> Bench {
        let dir = root.join(format!("bw-fuzz-{}", std::process::id()));
        for (rel, bytes) in MINI {
            let p = dir.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, bytes).unwrap();
        }
        let (mini, _) = borderwatch::scenario::load_ok(&dir.join(MINI[0].0))
            .expect("the mini scenario loads");
        Bench { dir, mini }
    }

    /// Feed one input to the reader its first byte picks; a short
    /// description of the outcome (for the corpus check).
    pub fn run(&self, data: &[u8]) -> String {
        let Some((&sel, body)) = data.split_first() else {
            return "empty".into();
        };
        match Reader::of(sel) {
            Reader::Toml => self.with_file(0, body, |toml| load(toml)),
            Reader::Layer(i) => self.with_file(i, body, |_| load(&self.dir.join(MINI[0].0))),
            Reader::PointsCsv => self.scratch("points.csv", body, |p| points(p)),
            Reader::PointsGeojson => self.scratch("points.geojson", body, |p| points(p)),
            Reader::PlanJson => self.scratch("plan.json", body, |p| {
                match borderwatch::sim::output::read_plan_json(&self.mini, p) {
                    Ok(f) => format!("plan of {} units", f.units.len()),
                    Err(e) => format!("refused: {}", first_line(&e.to_string())),
                }
            }),
            Reader::Hgt => self.scratch("N42E001.hgt", body, |p| hgt(p)),
            Reader::HgtZip => self.scratch("N42E001.hgt.zip", body, |p| hgt(p)),
        }
    }

    /// Replace the mini scenario's file `i` by `body` for one call, then
    /// put the original back.
    fn with_file(&self, i: usize, body: &[u8], f: impl FnOnce(&Path) -> String) -> String {
        let p = self.dir.join(MINI[i].0);
        std::fs::write(&p, body).unwrap();
        let r = f(&p);
        std::fs::write(&p, MINI[i].1).unwrap();
        r
    }

    /// `body` as a file named `name` beside the scenario.
    fn scratch(&self, name: &str, body: &[u8], f: impl FnOnce(&Path) -> String) -> String {
        let p = self.dir.join(name);
        std::fs::write(&p, body).unwrap();
        f(&p)
    }
}

impl Drop for Bench {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn load(toml: &Path) -> String {
    let l = borderwatch::scenario::load(toml);
    match l.scenario {
        Some(s) => {
            // a scenario that loads is usable: its fingerprint and figures
            let _ = borderwatch::scenario::fingerprint(&s);
            format!("loaded, {} problems", l.problems.len())
        }
        None => {
            assert!(l.problems.has_errors(), "refused without an error");
            format!("refused, {} problems", l.problems.len())
        }
    }
}

fn points(p: &Path) -> String {
    let (pts, problems) = borderwatch::formats::points::read_points(p);
    for x in &pts {
        assert!(x.lonlat.x.abs() <= 180.0 && x.lonlat.y.abs() <= 90.0, "{:?}", x.lonlat);
    }
    format!("{} points, {} problems", pts.len(), problems.len())
}

fn hgt(p: &Path) -> String {
    match borderwatch::dem::Dem::read_hgt(p) {
        Ok(d) => format!("tile of {} rows", d.rows),
        Err(e) => format!("refused: {}", first_line(&e.to_string())),
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}
