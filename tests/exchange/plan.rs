//! A plan share: the partner gets its own units' orders and the sender's
//! releasable units' paths near the line, nothing more.

use super::*;

#[test]
fn a_plan_share_carries_the_partners_orders_and_our_paths_near_the_line() {
    let two = Two::new();
    two.share("AND", "ESP", "posts,units", "and.bwx");
    ok(two.receive("and.bwx", "ESP", "AND"));
    // one of Spain's units is not to be shared
    let toml = two.p("esp/scenarios/andorra-spain.toml");
    let t = std::fs::read_to_string(&toml).unwrap();
    let t = t.replacen(
        "id = \"ES-F3\"\n",
        "id = \"ES-F3\"\nreleasable = false\n",
        1,
    );
    std::fs::write(&toml, t).unwrap();
    let esp = "esp/scenarios/andorra-spain.toml";
    ok(two.bw(&["plan", esp, "--rounds", "2", "--out", "out/joint"]));
    let o = two.bw(&[
        "share",
        esp,
        "--from",
        "ESP",
        "--to",
        "AND",
        "--include",
        "plan",
        "--dry-run",
    ]);
    refused(o, "give the plan with --plan");
    let out = ok(two.bw(&[
        "share",
        esp,
        "--from",
        "ESP",
        "--to",
        "AND",
        "--key",
        "keys/ESP",
        "--recipient",
        "keys/AND/AND.pub",
        "--out",
        "plan.bwx",
        "--include",
        "posts",
        "--plan",
        "out/joint/plan.json",
        "--passphrase-file",
        "pass",
    ]));
    assert!(
        out.contains("plan        6"),
        "4 orders for Andorra, 2 of Spain's units: {out}"
    );
    ok(two.receive("plan.bwx", "AND", "ESP"));
    let info = ok(two.bw(&["info", "and/scenarios/andorra-spain.toml"]));
    assert!(
        info.contains(
            "orders for 4 of this State's units, 2 of ESP's units within 10 km of the line"
        ),
        "{info}"
    );

    let read = |p: &str| -> Value {
        serde_json::from_str(&std::fs::read_to_string(two.p(p)).unwrap()).unwrap()
    };
    let full = read("out/joint/plan.json");
    let got = read("and/scenarios/andorra-spain.exchange/received/ESP/plan.json");
    let unit = |v: &Value, id: &str| -> Value {
        v.as_array()
            .unwrap()
            .iter()
            .find(|u| u["unit"] == id)
            .cloned()
            .unwrap_or(Value::Null)
    };
    for id in ["AD-F1", "AD-F2", "AD-F3", "AD-V1"] {
        let (mine, sent) = (unit(&full["units"], id), unit(&got["their_units"], id));
        assert_eq!(mine["path"], sent["path"], "{id}'s orders arrive whole");
        assert_eq!(mine["duties"], sent["duties"]);
    }
    let near = got["our_units_near_line"].as_array().unwrap();
    let ids: Vec<&str> = near.iter().map(|u| u["unit"].as_str().unwrap()).collect();
    assert_eq!(ids, ["ES-F1", "ES-F2"], "ES-F3 is not releasable");
    for u in near {
        assert!(u.get("duties").is_none(), "the sender's duties stay home");
        let all = unit(&full["units"], u["unit"].as_str().unwrap())["path"].clone();
        let all = all.as_array().unwrap();
        assert!(u["path"]
            .as_array()
            .unwrap()
            .iter()
            .all(|q| all.contains(q)));
    }
    assert!(got.get("mix").is_none() && got.get("schedules").is_none());
}
