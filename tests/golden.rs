//! Golden outputs: every command run on a shipped scenario (Andorra–Spain,
//! real data) as a new user would, its printed text kept line for line and
//! every file it writes kept by size and hash, so a refactor that moves a
//! figure shows which one. Timings in the printed text are masked.
//!
//! After a change that moves a figure on purpose, bless the new outputs with
//! `BW_BLESS=1 cargo test --test golden` and say in the commit which figure
//! moved and why.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

const SCENARIO: &str = "scenarios/andorra-spain.toml";

/// (golden file name, arguments after `borderwatch`).
fn commands() -> Vec<(&'static str, Vec<&'static str>)> {
    let s = SCENARIO;
    vec![
        ("01-check", vec!["check", s]),
        ("02-info", vec!["info", s]),
        ("03-assess", vec!["assess", s, "--out", "out/assess"]),
        (
            "04-assess-json",
            vec!["assess", s, "--cell-m", "90", "--json"],
        ),
        (
            "05-site",
            vec![
                "site",
                s,
                "--state",
                "AND",
                "--add",
                "2",
                "--out",
                "out/site.geojson",
            ],
        ),
        (
            "06-graph",
            vec![
                "graph",
                s,
                "--state",
                "ESP",
                "--mode",
                "vehicle",
                "--out",
                "out/graph",
            ],
        ),
        (
            "07-viewshed",
            vec!["viewshed", s, "--post", "AD-OP1", "--out", "out/vs"],
        ),
        (
            "08-plan",
            vec!["plan", s, "--rounds", "3", "--out", "out/plan"],
        ),
        (
            "09-plan-independent",
            vec![
                "plan",
                s,
                "--rounds",
                "2",
                "--mode",
                "independent",
                "--json",
                "--out",
                "out/plan-ind",
            ],
        ),
        (
            "10-plan-idleness",
            vec![
                "plan",
                s,
                "--objective",
                "idleness",
                "--start",
                "2026-12-01T06:00:00Z",
                "--out",
                "out/plan-idle",
            ],
        ),
        (
            "11-simulate",
            vec![
                "simulate",
                s,
                "--plan",
                "out/plan/plan.json",
                "--runs",
                "2000",
                "--out",
                "out/sim",
            ],
        ),
        (
            "12-simulate-idleness",
            vec![
                "simulate",
                s,
                "--plan",
                "out/plan-idle/plan.json",
                "--runs",
                "2000",
                "--knowledge",
                "best-response",
                "--hot-pursuit",
                "--json",
                "--out",
                "out/sim-idle",
            ],
        ),
        (
            "13-compare-idleness",
            vec!["compare", s, "--runs", "500", "--objective", "idleness"],
        ),
        ("14-crossings", vec!["crossings", s]),
        (
            "15-plan-bad-flag",
            vec!["plan", s, "--hours", "30", "--out", "out/bad"],
        ),
        (
            "16-crossings-traffic-json",
            vec!["crossings", s, "--traffic", "traffic.csv", "--json"],
        ),
        (
            "17-site-json",
            vec![
                "site", s, "--state", "ES", "--add", "1", "--alone", "--json",
            ],
        ),
        (
            "18-graph-json",
            vec![
                "graph",
                s,
                "--state",
                "AD",
                "--queries",
                "20",
                "--json",
                "--out",
                "out/graph-foot",
            ],
        ),
        (
            "19-viewshed-json",
            vec![
                "viewshed", s, "--post", "ES-OP1", "--json", "--out", "out/vs2",
            ],
        ),
        (
            "20-compare-idleness-json",
            vec![
                "compare",
                s,
                "--runs",
                "300",
                "--objective",
                "idleness",
                "--knowledge",
                "risk-aware",
                "--json",
            ],
        ),
        ("21-info-json", vec!["info", s, "--json"]),
        ("22-check-json", vec!["check", s, "--json"]),
        (
            "23-crossings-bad-traffic",
            vec!["crossings", s, "--traffic", "bad-traffic.csv"],
        ),
    ]
}

/// 64-bit FNV-1a: enough to tell two files apart in a golden list.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Every file under `dir`, sorted, relative to `base`.
fn files(base: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut es: Vec<_> = rd.map(|e| e.unwrap().path()).collect();
    es.sort();
    for p in es {
        if p.is_dir() {
            files(base, &p, out);
        } else {
            out.push(p.strip_prefix(base).unwrap().to_path_buf());
        }
    }
}

/// Printed text with its timings masked (`2.6 s`, `0.2 ms`, `6.373 ms
/// each`, `"solve_s": 2.1` and the like in JSON).
fn mask(text: &str) -> String {
    let text = regex::Regex::new(r"\d+(\.\d+)? (s|ms)\b")
        .unwrap()
        .replace_all(text, "… $2");
    regex::Regex::new(r#""(solve_s|build_s|query_total_s|query_mean_ms|viewshed_ms)": [0-9.e+-]+"#)
        .unwrap()
        .replace_all(&text, r#""$1": …"#)
        .into_owned()
}

/// The record of one command: its line, exit code, printed text, and every
/// file new under `out/` since the command before.
fn record(dir: &Path, args: &[&str], seen: &mut Vec<PathBuf>) -> String {
    let o = Command::new(common::bin())
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let mut r = format!(
        "$ borderwatch {}\nexit {}\n",
        args.join(" "),
        o.status.code().unwrap_or(-1)
    );
    r += "--- stdout\n";
    r += &mask(&String::from_utf8_lossy(&o.stdout));
    r += "--- stderr\n";
    r += &mask(&String::from_utf8_lossy(&o.stderr));
    r += "--- files\n";
    let mut now = Vec::new();
    files(dir, &dir.join("out"), &mut now);
    for f in now.iter().filter(|f| !seen.contains(f)) {
        let b = std::fs::read(dir.join(f)).unwrap();
        r += &format!("{} {} bytes {:016x}\n", f.display(), b.len(), fnv(&b));
    }
    *seen = now;
    r
}

/// Where `want` and `got` differ: the lines between their common head and
/// common tail (at most 12 of each), for the failure message.
fn diff(want: &str, got: &str) -> String {
    let (w, g): (Vec<_>, Vec<_>) = (want.lines().collect(), got.lines().collect());
    let head = w.iter().zip(&g).take_while(|(a, b)| a == b).count();
    let tail = w[head..]
        .iter()
        .rev()
        .zip(g[head..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let mut d = format!("from line {}:\n", head + 1);
    for l in w[head..w.len() - tail].iter().take(12) {
        d += &format!("  - {l}\n");
    }
    for l in g[head..g.len() - tail].iter().take(12) {
        d += &format!("  + {l}\n");
    }
    d
}

#[test]
fn andorra_outputs_are_as_recorded() {
    let (tmp, _) = common::shipped("andorra-spain");
    let golden = common::repo().join("tests/golden/andorra-spain");
    let bless = std::env::var_os("BW_BLESS").is_some();
    if bless {
        std::fs::create_dir_all(&golden).unwrap();
    }
    // a user's traffic counts for two of Andorra's crossings
    std::fs::write(
        tmp.path().join("traffic.csv"),
        "crossing,arrivals_per_h,lanes\nC1,120,3\nC5,15.5,2\n",
    )
    .unwrap();
    std::fs::write(
        tmp.path().join("bad-traffic.csv"),
        "crossing,arrivals_per_h,lanes\nC9,120,3\nC5,-1,2\nC1,many,2\n",
    )
    .unwrap();
    let mut seen = Vec::new();
    let mut failed = Vec::new();
    for (name, args) in commands() {
        let got = record(tmp.path(), &args, &mut seen);
        let path = golden.join(format!("{name}.txt"));
        if bless {
            std::fs::write(&path, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (bless with BW_BLESS=1)", path.display()));
        if want != got {
            failed.push(format!("{name}:\n{}", diff(&want, &got)));
        }
    }
    assert!(
        failed.is_empty(),
        "outputs differ from tests/golden/andorra-spain (BW_BLESS=1 records the new ones):\n{}",
        failed.join("\n")
    );
}
