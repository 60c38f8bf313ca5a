//! A run's outputs are one set: `plan`, `simulate` and `assess`, killed
//! (SIGKILL) at moments spread over a run into a folder that holds an older
//! run, leave the folder with the whole old set or the whole new one —
//! never a mix — and the next run removes what the killed one left beside
//! it. Re-planning without a unit removes that unit's orders.

mod common;
use common::idleness_plan;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_borderwatch"))
}

fn shipped() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/andorra-spain.toml")
}

/// Every file under `dir` (relative path → bytes), the manifests aside.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, d: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                if !rel.starts_with(".borderwatch-") {
                    out.insert(rel, std::fs::read(&p).unwrap());
                }
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// A command's two variants (old and new), run whole into their own
/// folders for reference, then killed again and again into one folder.
fn kill_test(kind: &str, args: &dyn Fn(u32, &Path) -> Vec<String>) {
    let root = tempfile::tempdir().unwrap();
    let reference = |v: u32| {
        let d = root.path().join(format!("ref{v}"));
        let t = Instant::now();
        let o = bin().args(args(v, &d)).output().unwrap();
        assert!(
            o.status.success(),
            "{kind}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        (files(&d), t.elapsed())
    };
    let (a, _) = reference(1);
    let (b, took) = reference(2);
    assert_ne!(a, b, "{kind}: the two variants must differ");
    let out = root.path().join("out");
    assert!(bin().args(args(1, &out)).status().unwrap().success());
    let (mut olds, mut news) = (0, 0);
    const KILLS: u32 = 10;
    for i in 0..KILLS {
        let now = files(&out);
        let next = if now == a { 2 } else { 1 };
        let mut child = bin()
            .args(args(next, &out))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // from a third of a run to past its end, evenly
        let at = took.mul_f64(0.35 + 0.75 * f64::from(i) / f64::from(KILLS - 1));
        std::thread::sleep(at);
        let _ = child.kill(); // SIGKILL on Unix
        let _ = child.wait();
        let after = files(&out);
        if after == now {
            olds += 1;
        } else {
            let want = if next == 1 { &a } else { &b };
            assert!(
                after == *want,
                "{kind}, kill {i} at {at:?}: the folder holds neither the old set nor the new one: {:?}",
                after.keys().collect::<Vec<_>>()
            );
            news += 1;
        }
    }
    // the next whole run cleans what the killed ones left beside the folder
    assert!(bin().args(args(1, &out)).status().unwrap().success());
    assert_eq!(files(&out), a);
    let beside: Vec<String> = std::fs::read_dir(root.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".bw-"))
        .collect();
    assert!(
        beside.is_empty(),
        "{kind}: left beside the folder: {beside:?}"
    );
    eprintln!("{kind}: {KILLS} kills over {took:?} runs: {olds} left the old set, {news} the new");
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn a_killed_plan_leaves_the_whole_old_plan_or_the_whole_new_one() {
    let s = shipped();
    kill_test("plan", &|v, out| {
        let mut a = strings(&[
            "plan",
            s.to_str().unwrap(),
            "--objective",
            "idleness",
            "--seed",
        ]);
        a.push(v.to_string());
        a.push("--out".into());
        a.push(out.to_string_lossy().into_owned());
        a
    });
}

#[test]
fn a_killed_assessment_leaves_a_whole_set() {
    let s = shipped();
    kill_test("assess", &|v, out| {
        let mut a = strings(&["assess", s.to_str().unwrap(), "--threshold"]);
        a.push(if v == 1 { "0.5" } else { "0.6" }.into());
        a.push("--out".into());
        a.push(out.to_string_lossy().into_owned());
        a
    });
}

#[test]
fn a_killed_simulation_leaves_a_whole_set() {
    let s = shipped();
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan");
    let o = bin()
        .args([
            "plan",
            s.to_str().unwrap(),
            "--objective",
            "idleness",
            "--out",
        ])
        .arg(&plan)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let plan_json = plan.join("plan.json");
    kill_test("simulate", &|v, out| {
        let mut a = strings(&["simulate", s.to_str().unwrap(), "--runs", "3000", "--seed"]);
        a.push(v.to_string());
        a.push("--plan".into());
        a.push(plan_json.to_string_lossy().into_owned());
        a.push("--out".into());
        a.push(out.to_string_lossy().into_owned());
        a
    });
}

#[test]
fn replanning_without_a_unit_removes_its_orders_and_keeps_the_users_files() {
    let dir = tempfile::tempdir().unwrap();
    let src = shipped();
    let scen_dir = src.parent().unwrap().parent().unwrap();
    let out = dir.path().join("out");
    let run = |toml: &Path| idleness_plan(toml, &out);
    run(&src);
    let before = files(&out);
    let gone = "orders/ES-F2.html";
    assert!(before.contains_key(gone), "{:?}", before.keys());
    std::fs::write(out.join("my-notes.txt"), "keep me").unwrap();
    // the same scenario without the unit ES-F2 (a copy beside the original,
    // so its relative paths still resolve)
    let text = std::fs::read_to_string(&src).unwrap();
    let start = text.find("id = \"ES-F2\"").expect("the unit ES-F2");
    let block_start = text[..start].rfind("[[units]]").unwrap();
    let block_end = text[start..]
        .find("\n[")
        .map(|k| start + k + 1)
        .unwrap_or(text.len());
    let cut = format!("{}{}", &text[..block_start], &text[block_end..]);
    let copy = scen_dir
        .join("scenarios")
        .join(format!(".whole-sets-{}.toml", std::process::id()));
    std::fs::write(&copy, cut).unwrap();
    let _guard = Remove(copy.clone());
    run(&copy);
    let after = files(&out);
    assert!(
        !after.contains_key(gone),
        "the removed unit's orders stayed"
    );
    assert!(
        !after.contains_key("gpx/ES-F2.gpx"),
        "the removed unit's GPX stayed"
    );
    assert_eq!(
        after.get("my-notes.txt").map(|b| b.as_slice()),
        Some(&b"keep me"[..])
    );
    assert!(after.contains_key("plan.json"));
}

/// Removes a file when dropped.
struct Remove(PathBuf);

impl Drop for Remove {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[test]
fn import_refuses_to_overwrite_a_scenario_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let run = |extra: &[&str]| {
        bin()
            .args([
                "import",
                "synthetic",
                "--length-km",
                "20",
                "--name",
                "s",
                "--out",
            ])
            .arg(dir.path())
            .args(extra)
            .output()
            .unwrap()
    };
    assert!(run(&[]).status.success());
    let posts = dir.path().join("maps/s/posts.geojson");
    let edited = std::fs::read_to_string(&posts)
        .unwrap()
        .replace("\"XA-OP1\"", "\"XA-MINE\"");
    std::fs::write(&posts, &edited).unwrap();
    // again: refused, nothing touched
    let o = run(&["--seed", "2"]);
    assert_eq!(o.status.code(), Some(1));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains("scenarios/s.toml") && e.contains("--force") && e.contains("already here"),
        "{e}"
    );
    assert_eq!(
        std::fs::read_to_string(&posts).unwrap(),
        edited,
        "the edited posts stay"
    );
    // with --force it overwrites
    assert!(run(&["--seed", "2", "--force"]).status.success());
    assert_ne!(std::fs::read_to_string(&posts).unwrap(), edited);
}
