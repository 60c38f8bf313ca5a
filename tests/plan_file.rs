//! `plan.json` is bound to the scenario it was made for: a plan for
//! another version of the scenario, or one edited by hand into nonsense
//! (hours −24, a unit that does not exist or moved State, times beyond
//! the horizon, longitudes of 500, no units), is refused by `simulate`
//! with the field and what to do — not replayed into plausible figures.

use serde_json::{json, Value};
mod common;
use common::*;
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_borderwatch"))
}

#[test]
fn a_plan_edited_or_out_of_date_is_refused_by_field() {
    let scen = repo().join("scenarios/andorra-spain.toml");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan");
    idleness_plan(&scen, &out);
    let plan: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("plan.json")).unwrap()).unwrap();
    assert_eq!(
        plan["metrics"]["scenario_fingerprint"]
            .as_str()
            .map(str::len),
        Some(32)
    );
    let other_state = |v: &Value| if v == "AND" { "ESP" } else { "AND" };
    let st0 = other_state(&plan["units"][0]["state"]);
    // (what is changed, what the refusal must say)
    type Edit = Box<dyn Fn(&mut Value)>;
    let cases: Vec<(Edit, Vec<&str>)> = vec![
        (
            Box::new(|p| p["metrics"]["hours"] = json!(-24)),
            vec!["metrics.hours", "(0, 168]"],
        ),
        (
            Box::new(|p| p["metrics"]["hours"] = json!(1e300)),
            vec!["metrics.hours"],
        ),
        (
            Box::new(|p| p["units"] = json!([])),
            vec!["no units", "re-plan"],
        ),
        (
            Box::new(|p| p["units"][0]["unit"] = json!("NOPE")),
            vec!["units[0]", "\"NOPE\"", "not a unit of the scenario"],
        ),
        (
            Box::new(move |p| p["units"][0]["state"] = json!(st0)),
            vec!["units[0]", "`state`", "re-plan"],
        ),
        (
            Box::new(|p| p["units"][0]["path"][1][2] = json!(1e300)),
            vec!["units[0]", "path[1]", "outside the plan's horizon"],
        ),
        (
            Box::new(|p| p["units"][0]["path"][0][0] = json!(500.0)),
            vec!["units[0]", "path[0]", "[lon, lat, seconds]"],
        ),
        (
            Box::new(|p| p["units"][0]["path"][0] = json!("here")),
            vec!["units[0].path[0]"],
        ),
        (
            Box::new(|p| {
                p["metrics"]["scenario_fingerprint"] = json!("00000000000000000000000000000000")
            }),
            vec!["another version", "re-plan"],
        ),
    ];
    let mut failures = Vec::new();
    for (i, (edit, needles)) in cases.iter().enumerate() {
        let mut p = plan.clone();
        edit(&mut p);
        let f = dir.path().join(format!("edited-{i}.json"));
        std::fs::write(&f, serde_json::to_string(&p).unwrap()).unwrap();
        let o = bin()
            .args([
                "simulate",
                scen.to_str().unwrap(),
                "--runs",
                "200",
                "--plan",
            ])
            .arg(&f)
            .arg("--out")
            .arg(dir.path().join(format!("sim-{i}")))
            .output()
            .unwrap();
        let e = String::from_utf8_lossy(&o.stderr);
        let missing: Vec<_> = needles.iter().filter(|n| !e.contains(*n)).collect();
        if o.status.code() != Some(1)
            || !missing.is_empty()
            || !e.contains(&format!("edited-{i}.json"))
        {
            failures.push(format!(
                "case {i}: exit {:?}, missing {missing:?}:\n{e}",
                o.status.code()
            ));
        }
        assert!(
            !dir.path().join(format!("sim-{i}")).exists(),
            "case {i}: nothing written"
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
