//! Exchange between the two States on the shipped Andorra–Spain scenario,
//! split as each State would hold it: its own posts and units, the shared
//! border and maps. Keys, share, receive, refusals, Debian's `age` and
//! `minisign` on a package, and nothing withheld ever leaving.

mod common;

use common::{ok, refused, run, state_copy, Two, PASS};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Files under `dir` with their bytes, sorted.
fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            if e.path().is_dir() {
                out.extend(tree(&e.path()));
            } else {
                out.push((e.path(), std::fs::read(e.path()).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// `plan --rounds 2` of `root`'s scenario, run from `root` so that every
/// path the plan records is the same for every copy.
fn plan_bytes(root: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    ok(run(
        root,
        &[
            "plan",
            "scenarios/andorra-spain.toml",
            "--rounds",
            "2",
            "--out",
            "out",
        ],
    ));
    tree(&root.join("out"))
        .into_iter()
        .map(|(p, b)| (p.strip_prefix(root).unwrap().to_path_buf(), b))
        .collect()
}

#[test]
fn andorra_and_spain_exchange_both_ways_and_plan_as_the_combined_scenario() {
    let two = Two::new();
    let out = two.share("AND", "ESP", "posts,units,agreements", "and-to-esp.bwx");
    assert!(out.contains("Package from AND to ESP, number 1"), "{out}");
    assert!(
        out.contains("posts       3") && out.contains("units       4"),
        "{out}"
    );
    assert!(
        out.contains("posts.source ×3"),
        "the exercise posts' `source` is dropped: {out}"
    );
    let got = ok(two.receive("and-to-esp.bwx", "ESP", "AND"));
    assert!(got.contains("accepted"), "{got}");
    two.share("ESP", "AND", "posts,units", "esp-to-and.bwx");
    ok(two.receive("esp-to-and.bwx", "AND", "ESP"));

    let info = ok(two.bw(&["info", "esp/scenarios/andorra-spain.toml"]));
    assert!(
        info.contains("AND Andorra (AD): 3 posts, 4 units"),
        "{info}"
    );
    assert!(info.contains("received from AND: package 1"), "{info}");

    let combined = two.p("combined");
    state_copy(&combined, None);
    let want = plan_bytes(&combined);
    assert!(want.iter().any(|(p, _)| p.ends_with("plan.json")));
    for side in ["and", "esp"] {
        let got = plan_bytes(&two.p(side));
        assert!(
            got == want,
            "{side}'s plan from its own files and the neighbour's package differs from the combined scenario's"
        );
    }

    // the neighbour's layers stay out of the State's own files on save
    let esp = two.p("esp/scenarios/andorra-spain.toml");
    let (s, _) = borderwatch::scenario::load_ok(&esp).unwrap();
    let mut ed = borderwatch::scenario::edit::Editor::new(s);
    let move_theirs = borderwatch::scenario::edit::Edit::MovePost {
        id: borderwatch::ids::PostId::new("AD-OP1"),
        lonlat: geo::Coord { x: 1.45, y: 42.59 },
    };
    let err = ed.apply(move_theirs).unwrap_err().to_string();
    assert!(
        err.contains("post AD-OP1 is AND's, received in its package 1"),
        "{err}"
    );
    ed.save().unwrap();
    let posts = std::fs::read_to_string(two.p("esp/maps/andorra-spain/posts.geojson")).unwrap();
    let toml = std::fs::read_to_string(&esp).unwrap();
    assert!(
        !posts.contains("AD-OP") && !toml.contains("AD-F1"),
        "{posts}\n{toml}"
    );
    assert!(posts.contains("ES-OP1") && toml.contains("ES-F1"));
    let again = borderwatch::scenario::load_ok(&esp).unwrap().0;
    assert_eq!(
        again.posts.len(),
        6,
        "the received posts still merge after a save"
    );

    // the log has both sides' records
    let log =
        std::fs::read_to_string(two.p("and/scenarios/andorra-spain.exchange/log.jsonl")).unwrap();
    let lines: Vec<Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{log}");
    assert_eq!(lines[0]["action"], "share");
    assert_eq!(lines[0]["counterpart"], "ESP");
    assert_eq!(lines[1]["action"], "receive");
    assert_eq!(lines[1]["outcome"], "accepted");
}

#[test]
fn altered_misaddressed_unknown_foreign_and_replayed_packages_are_refused_changing_nothing() {
    let two = Two::new();
    two.share("AND", "ESP", "posts,units,agreements", "p1.bwx");
    ok(two.receive("p1.bwx", "ESP", "AND"));
    let esp_dir = two.p("esp/scenarios");
    let received = || tree(&esp_dir.join("andorra-spain.exchange/received"));
    let before = received();
    assert!(!before.is_empty());

    // one byte flipped
    let mut b = std::fs::read(two.p("p1.bwx")).unwrap();
    let n = b.len();
    b[n / 2] ^= 0x01;
    std::fs::write(two.p("flipped.bwx"), &b).unwrap();
    refused(two.receive("flipped.bwx", "ESP", "AND"), "altered");
    // cut short
    std::fs::write(
        two.p("cut.bwx"),
        &std::fs::read(two.p("p1.bwx")).unwrap()[..n - 40],
    )
    .unwrap();
    refused(two.receive("cut.bwx", "ESP", "AND"), "ask for it again");
    // not a package at all
    std::fs::write(two.p("junk.bwx"), b"PK\x03\x04 not a package").unwrap();
    refused(
        two.receive("junk.bwx", "ESP", "AND"),
        "not an age-encrypted package",
    );
    // the same package again
    refused(
        two.receive("p1.bwx", "ESP", "AND"),
        "not newer than number 1",
    );
    // for Andorra, opened with Spain's keys
    two.share("ESP", "AND", "posts", "for-and.bwx");
    refused(
        two.receive("for-and.bwx", "ESP", "AND"),
        "not encrypted to ESP's key",
    );
    // signed by someone other than the trusted sender
    two.share("AND", "ESP", "posts", "p2.bwx");
    refused(
        two.receive("p2.bwx", "ESP", "ESP"),
        "signed by an unknown key",
    );
    // a wrong passphrase
    std::fs::write(two.p("wrong"), "not it\n").unwrap();
    let o = two.bw(&[
        "receive",
        "p2.bwx",
        "--into",
        "esp/scenarios/andorra-spain.toml",
        "--key",
        "keys/ESP",
        "--trust",
        "keys/AND/AND.pub",
        "--passphrase-file",
        "wrong",
    ]);
    refused(o, "wrong passphrase");
    // another border: Spain's copy with the line moved
    let border = two.p("esp/maps/andorra-spain/border.geojson");
    let text = std::fs::read_to_string(&border).unwrap();
    let moved = nudge_first_coordinate(&text);
    std::fs::write(&border, &moved).unwrap();
    refused(two.receive("p2.bwx", "ESP", "AND"), "is for another border");
    std::fs::write(&border, &text).unwrap();

    assert!(
        received() == before,
        "a refused package changed the received layers"
    );
    let log = std::fs::read_to_string(esp_dir.join("andorra-spain.exchange/log.jsonl")).unwrap();
    let refusals = log.lines().filter(|l| l.contains("\"refused: ")).count();
    assert_eq!(refusals, 7, "each refusal is logged:\n{log}");
    // and the genuine newer package is then accepted
    ok(two.receive("p2.bwx", "ESP", "AND"));
}

/// The border's text with its first longitude moved by 1e-6° (≈ 8 cm).
fn nudge_first_coordinate(text: &str) -> String {
    let re = regex::Regex::new(r"\[\[(-?[0-9]+\.[0-9]+)").unwrap();
    let m = re
        .captures(text)
        .expect("a LineString's first coordinate")
        .get(1)
        .unwrap();
    let x: f64 = m.as_str().parse().unwrap();
    format!("{}{:.7}{}", &text[..m.start()], x + 1e-6, &text[m.end()..])
}

#[test]
fn a_later_package_that_drops_a_units_home_post_needs_the_units_too() {
    let two = Two::new();
    two.share("AND", "ESP", "posts,units", "p1.bwx");
    ok(two.receive("p1.bwx", "ESP", "AND"));
    // Andorra stops releasing AD-OP2, home of AD-F2 and AD-V1
    let posts = two.p("and/maps/andorra-spain/posts.geojson");
    let mut fc: Value = serde_json::from_str(&std::fs::read_to_string(&posts).unwrap()).unwrap();
    for f in fc["features"].as_array_mut().unwrap() {
        if f["properties"]["id"] == "AD-OP2" {
            f["properties"]["releasable"] = false.into();
        }
    }
    std::fs::write(&posts, fc.to_string()).unwrap();
    two.share("AND", "ESP", "posts", "p2.bwx");
    let err = refused(
        two.receive("p2.bwx", "ESP", "AND"),
        "it drops post AD-OP2, home of AND's unit AD-F2",
    );
    assert!(err.contains("AD-V1"), "{err}");
    two.share("AND", "ESP", "posts,units", "p3.bwx");
    ok(two.receive("p3.bwx", "ESP", "AND"));
    let info = ok(two.bw(&["info", "esp/scenarios/andorra-spain.toml"]));
    assert!(
        info.contains("AND Andorra (AD): 2 posts, 2 units"),
        "{info}"
    );
}

/// Run `cmd` in a pseudo-terminal (`script`), typing `input`: the way to
/// give Debian's `age` a passphrase, which it reads from the terminal only.
fn in_terminal(dir: &Path, cmd: &str, input: &str) -> Output {
    use std::io::Write;
    let mut c = Command::new("script")
        .current_dir(dir)
        .args(["-qec", cmd, "/dev/null"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("`script` (util-linux) runs Debian's age in a terminal");
    c.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    c.wait_with_output().unwrap()
}

/// Debian's `minisign -V` on `dir/package.json` with Andorra's public key.
fn minisign_verify(dir: &Path) -> Output {
    Command::new("minisign")
        .current_dir(dir)
        .args([
            "-V",
            "-m",
            "package.json",
            "-p",
            "../keys/AND/AND.minisign.pub",
        ])
        .output()
        .expect("Debian's minisign (see .ci/run)")
}

#[test]
fn debians_age_and_minisign_open_and_verify_a_package() {
    let two = Two::new();
    two.share("AND", "ESP", "posts,units,agreements", "p.bwx");
    let dir = two.p("opened");
    std::fs::create_dir_all(&dir).unwrap();
    // the partner's passphrase-protected identity, as `keys new` wrote it
    let o = in_terminal(
        &dir,
        "age -d -i ../keys/ESP/ESP.identity.age -o package.tar ../p.bwx",
        &format!("{PASS}\n"),
    );
    assert!(
        o.status.success(),
        "Debian's age: {}",
        String::from_utf8_lossy(&o.stdout)
    );
    ok(Command::new("tar")
        .current_dir(&dir)
        .args(["xf", "package.tar"])
        .output()
        .unwrap());
    let said = ok(minisign_verify(&dir));
    assert!(
        said.contains("Signature and comment signature verified"),
        "{said}"
    );
    assert!(said.contains("borderwatch package AND to ESP #1"), "{said}");
    let p: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("package.json")).unwrap()).unwrap();
    assert_eq!(p["manifest"]["from"], "AND");
    assert_eq!(p["posts"]["features"].as_array().unwrap().len(), 3);
    // one changed byte in the content and minisign says so
    let json = dir.join("package.json");
    let t = std::fs::read_to_string(&json)
        .unwrap()
        .replacen("AD-OP1", "AD-OP9", 1);
    std::fs::write(&json, t).unwrap();
    let o = minisign_verify(&dir);
    assert!(!o.status.success(), "minisign accepted altered content");
    // and the public key file is the age tool's recipients file too
    let o = Command::new("age")
        .current_dir(two.d.path())
        .args(["-R", "keys/ESP/ESP.age.pub", "-o", "to-esp.age", "pass"])
        .output()
        .unwrap();
    ok(o);
}

/// Nothing withheld leaves: a package, a releasable output, the neighbour.
#[path = "exchange/leaks.rs"]
mod leaks;
/// Plan shares.
#[path = "exchange/plan.rs"]
mod plan;
/// Written requests for assistance.
#[path = "exchange/request.rs"]
mod request;
