//! Assessment and siting: hand-made cases with known answers, properties on
//! the shipped scenarios, outputs.

mod common;
use borderwatch::assess::{self, site, AssessOptions};
use borderwatch::model::Scenario;
use borderwatch::scenario;
use common::*;

fn load(path: &std::path::Path) -> Scenario {
    scenario::load_ok(path).unwrap().0
}

fn shipped(name: &str) -> Scenario {
    load(&repo().join(format!("scenarios/{name}.toml")))
}

#[test]
fn mini_range_only_coverage_matches_the_geometry() {
    // No DEM: flat earth. AD-OP1 stands 1.57 km west of the border at km
    // ~5.56 with binoculars (day only, 4 km, p 0.9); ES-OP1 has no sensor
    // (the naked eye: day, 1.5 km).
    let (_d, toml) = mini();
    let s = load(&toml);
    let a = assess::assess(&s, &AssessOptions::default()).unwrap();
    assert!(!a.line_of_sight);
    assert!(a.warnings.iter().any(|w| w.contains("no DEM")));
    let joint = a.view("joint").unwrap();
    // Nothing watches at night: no segment is covered around the clock, and
    // the whole border is one gap.
    assert_eq!(joint.covered_pct.total, 0.0);
    assert_eq!(joint.gaps.len(), 1);
    assert!(
        (joint.gaps[0].length_km - 11.12).abs() < 0.05,
        "{:?}",
        joint.gaps[0]
    );
    // By day: the segment in front of the post is seen well, the far ends not.
    let seg_at = |km: f64| {
        a.segments
            .iter()
            .find(|r| r.segment.from_km <= km && km < r.segment.to_km)
            .unwrap()
    };
    let front = seg_at(5.56);
    assert!(
        front.detect.last().unwrap().1.day >= 0.85,
        "{:?}",
        front.detect
    );
    assert!(
        front
            .sightings
            .iter()
            .any(|x| x.post == "AD-OP1" && (x.distance_m - 1573.0).abs() < 30.0),
        "{:?}",
        front.sightings
    );
    assert_eq!(seg_at(0.1).detect.last().unwrap().1.day, 0.0);
    // Covered by day: where the post's p ≥ 0.5, i.e. within 2.89 km of it —
    // ±2.42 km of chainage around it (± a segment).
    let day = joint.covered_pct_day.total / 100.0 * 11.12;
    assert!((day - 4.85).abs() < 0.6, "day-covered length {day} km");
    // The Andorran view alone sees what the joint view sees here (ES-OP1's
    // eye sees 1.5 km around km ~5.56 too, but adds little).
    let and = a.view("AND").unwrap();
    assert!(and.covered_pct_day.total <= joint.covered_pct_day.total);
}

#[test]
fn a_thermal_sensor_gives_night_coverage() {
    let (d, toml) = mini();
    edit(&toml, "[[units]]", "[[sensors]]\nid = \"thermal\"\nkind = \"thermal\"\nrange_m = 3000.0\nday = true\nnight = true\np_detect = 0.8\n\n[[units]]");
    edit(
        &d.path().join("maps/mini/posts.geojson"),
        r#""sensors":["binoculars"]"#,
        r#""sensors":["binoculars","thermal"]"#,
    );
    let a = assess::assess(&load(&toml), &AssessOptions::default()).unwrap();
    let joint = a.view("joint").unwrap();
    assert!(joint.covered_pct.total > 20.0, "{:?}", joint.covered_pct);
    assert!(joint.covered_pct_night.total <= joint.covered_pct_day.total);
    // the one informal route (km ~2.2) lies 3.2 km from the post: beyond
    // the thermal's reach, so unwatched at night
    assert_eq!(joint.uncovered_route_crossings, 1);
}

#[test]
fn joint_coverage_is_never_below_either_state_alone() {
    for name in ["andorra-spain", "liechtenstein-switzerland"] {
        let s = shipped(name);
        let a = assess::assess(&s, &AssessOptions::default()).unwrap();
        for r in &a.segments {
            let joint = r.detect.last().unwrap().1;
            for (_, d) in &r.detect[..r.detect.len() - 1] {
                assert!(joint.day >= d.day - 1e-12 && joint.night >= d.night - 1e-12);
            }
        }
        let j = a.view("joint").unwrap().covered_pct.total;
        for v in &a.views {
            assert!(
                v.covered_pct.total <= j,
                "{name}: {} {} > joint {j}",
                v.view,
                v.covered_pct.total
            );
        }
        assert!(!a.segments.is_empty());
    }
}

#[test]
fn line_of_sight_only_ever_removes_coverage() {
    let mut s = shipped("andorra-spain");
    let with = assess::assess(&s, &AssessOptions::default()).unwrap();
    assert!(with.line_of_sight);
    s.dem = None;
    let flat = assess::assess(&s, &AssessOptions::default()).unwrap();
    assert_eq!(with.segments.len(), flat.segments.len());
    let mut hidden = 0;
    for (a, b) in with.segments.iter().zip(&flat.segments) {
        let (x, y) = (a.detect.last().unwrap().1, b.detect.last().unwrap().1);
        assert!(
            x.day <= y.day + 1e-12,
            "{}: LOS {} > flat {}",
            a.segment.id,
            x.day,
            y.day
        );
        if x.day + 1e-9 < y.day {
            hidden += 1;
        }
    }
    assert!(
        hidden > 10,
        "the mountains hide something: {hidden} segments"
    );
}

#[test]
fn risk_breakdown_adds_up_and_intel_raises_it() {
    let (d, toml) = mini();
    let base = assess::assess(&load(&toml), &AssessOptions::default()).unwrap();
    for r in &base.segments {
        let sum: f64 = r.risk.parts.iter().map(|p| p.contribution).sum();
        assert!(
            (sum - r.risk.score).abs() < 0.01,
            "{} vs {}",
            sum,
            r.risk.score
        );
        assert!((0.0..=1.0).contains(&r.risk.score));
    }
    std::fs::write(
        d.path().join("maps/mini/intel.geojson"),
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"confidence":0.9},"geometry":{"type":"Point","coordinates":[10.05,45.09]}}]}"#,
    )
    .unwrap();
    let with = assess::assess(&load(&toml), &AssessOptions::default()).unwrap();
    let at = |a: &assess::Assessment, km: f64| {
        a.segments
            .iter()
            .find(|r| r.segment.from_km <= km && km < r.segment.to_km)
            .unwrap()
            .risk
            .clone()
    };
    let (before, after) = (at(&base, 10.0), at(&with, 10.0));
    assert!(
        after.score > before.score + 0.05,
        "{} → {}",
        before.score,
        after.score
    );
    assert!(after.parts.iter().any(|p| p.indicator == "intel"
        && p.value > 0.5
        && p.why.contains("1 intelligence report")));
    // far from the report, unchanged
    assert_eq!(at(&base, 1.0).score, at(&with, 1.0).score);
}

#[test]
fn greedy_siting_is_near_the_brute_force_optimum() {
    let s = shipped("andorra-spain");
    let mut o = site::SiteOptions::new(borderwatch::ids::StateId::new("AND"), 3);
    o.max_candidates = 12;
    let p = site::prepare(&s, &AssessOptions::default(), &o, &[]).unwrap();
    assert_eq!(p.candidates.len(), 12);
    for k in 1..=3 {
        let (chosen, gains) = p.problem.greedy(k);
        let greedy = p.problem.value(&chosen);
        let (_, opt) = p.problem.brute_force(k);
        assert!(
            opt >= greedy - 1e-9,
            "k={k}: brute force {opt} < greedy {greedy}"
        );
        assert!(
            greedy >= (1.0 - 1.0 / std::f64::consts::E) * opt,
            "k={k}: greedy {greedy} vs optimum {opt}"
        );
        // gains reported are the real marginal gains, and diminishing
        assert!((p.problem.value(&[]) + gains.iter().sum::<f64>() - greedy).abs() < 1e-9);
        assert!(gains.windows(2).all(|w| w[0] >= w[1] - 1e-12));
        eprintln!("k={k}: greedy/optimum = {:.4}", greedy / opt);
    }
}

#[test]
fn site_runs_on_both_shipped_scenarios_and_improves_coverage() {
    for (name, st) in [
        ("andorra-spain", "ESP"),
        ("liechtenstein-switzerland", "LIE"),
    ] {
        let s = shipped(name);
        let r = site::site(
            &s,
            &AssessOptions::default(),
            &site::SiteOptions::new(borderwatch::ids::StateId::new(st), 2),
            &[],
        )
        .unwrap();
        assert_eq!(r.chosen.len(), 2, "{name}: {:?}", r.warnings);
        assert!(r.value > r.base_value);
        assert!(r.chosen.last().unwrap().covered_pct_after >= r.covered_pct_before);
        // every chosen site is on the State's own side
        for c in &r.chosen {
            let xy = s.projection.forward(geo::Coord {
                x: c.candidate.lonlat[0],
                y: c.candidate.lonlat[1],
            });
            assert_eq!(
                borderwatch::model::side_of_border(&s.border, xy)
                    .unwrap()
                    .as_str(),
                st
            );
        }
    }
}

#[test]
fn assess_writes_outputs_that_parse() {
    let s = shipped("andorra-spain");
    let a = assess::assess(&s, &AssessOptions::default()).unwrap();
    let d = tempfile::tempdir().unwrap();
    borderwatch::report::write_assessment(&s, &a, d.path()).unwrap();
    let csv_text = std::fs::read_to_string(d.path().join("segments.csv")).unwrap();
    let mut rdr = csv::Reader::from_reader(csv_text.as_bytes());
    let head = rdr.headers().unwrap().clone();
    for col in [
        "segment",
        "from_km",
        "to_km",
        "kind",
        "risk",
        "p_day_joint",
        "p_night_AND",
        "covered_ESP",
        "posts_seeing",
        "risk_breakdown",
    ] {
        assert!(head.iter().any(|h| h == col), "missing column {col}");
    }
    assert_eq!(rdr.records().count(), a.segments.len());
    for f in ["coverage.geojson", "gaps.geojson"] {
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(d.path().join(f)).unwrap()).unwrap();
        assert_eq!(v["type"], "FeatureCollection");
        assert!(!v["features"].as_array().unwrap().is_empty());
    }
    let html = std::fs::read_to_string(d.path().join("report.html")).unwrap();
    assert!(
        !html.contains(">-0.0")
            && html.contains("<svg")
            && html.contains("Gaps with both States' posts, largest risk × km first")
            && html.contains("EXERCISE DATA")
    );
    assert!(
        !html.contains("http://") || html.contains("xmlns=\"http://www.w3.org/2000/svg\""),
        "self-contained: no external links"
    );
    let sum = borderwatch::report::summary_json(&a);
    assert_eq!(sum["segments"].as_u64().unwrap() as usize, a.segments.len());
    assert!(sum["covered_pct"]["total"].is_number() && sum["covered_pct"]["green"].is_number());
    let g = &sum["gaps"][0];
    for k in ["from_km", "to_km", "length_km", "risk"] {
        assert!(g[k].is_number(), "gap field {k}");
    }
}

#[test]
fn bad_options_and_observers_are_explained() {
    let s = shipped("andorra-spain");
    let e = assess::assess(
        &s,
        &AssessOptions {
            segment_m: 0.0,
            ..Default::default()
        },
    )
    .unwrap_err()
    .to_string();
    // the core names the option's field; the command line its flag (below)
    assert!(e.contains("`segment_m` must be > 0"), "{e}");
    let e = assess::assess(
        &s,
        &AssessOptions {
            threshold: 1.5,
            ..Default::default()
        },
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("`threshold` must be in 0..1"), "{e}");
    // every bad option at once, by its flag
    let (d, toml) = common::mini();
    let o = std::process::Command::new(common::bin())
        .args([
            "assess",
            toml.to_str().unwrap(),
            "--cell-m=-1",
            "--threshold",
            "2",
            "--out",
        ])
        .arg(d.path().join("out"))
        .output()
        .unwrap();
    assert!(!o.status.success());
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("error: --cell-m must be > 0, found -1"), "{e}");
    assert!(
        e.contains("error: --threshold must be in 0..1, found 2"),
        "{e}"
    );
    // A post moved off the DEM: a warning names it, it sees nothing.
    let mut s2 = shipped("andorra-spain");
    s2.posts[0].xy = geo::Coord {
        x: 900_000.0,
        y: 0.0,
    };
    let a = assess::assess(&s2, &AssessOptions::default()).unwrap();
    assert!(
        a.warnings
            .iter()
            .any(|w| w.contains("AD-OP1") && w.contains("outside")),
        "{:?}",
        a.warnings
    );
    assert!(a
        .segments
        .iter()
        .all(|r| r.sightings.iter().all(|x| x.post != "AD-OP1")));
}

#[test]
fn nothing_covered_reads_zero_not_minus_zero() {
    // mini has no DEM and posts too far for the night: nothing is covered
    let (d, toml) = common::mini();
    let o = std::process::Command::new(common::bin())
        .args(["assess", toml.to_str().unwrap(), "--out"])
        .arg(d.path().join("out"))
        .output()
        .unwrap();
    assert!(o.status.success());
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("covered 24 h 0.0 %"), "{text}");
    assert!(!text.contains("-0.0"), "{text}");
}
