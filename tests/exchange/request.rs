//! `borderwatch request`: a written request for assistance (ISACS 05.60,
//! 10.5.5.2) as a signed, encrypted package.

use super::*;

#[test]
fn a_written_request_for_assistance_travels_signed_and_a_bad_one_lists_every_gap() {
    let two = Two::new();
    std::fs::write(
        two.p("bad.toml"),
        "authority = \"\"\nmeasure = \"cross_border_observation\"\nobject = \"x\"\nreason = \"y\"\n\
         legal_basis = []\ntargets = [\"z\"]\nfacts = \"f\"\nroutes = [\"R99\"]\nfrom_utc = \"tomorrow\"\n",
    )
    .unwrap();
    let sc = "and/scenarios/andorra-spain.toml";
    let err = refused(
        two.bw(&[
            "request",
            sc,
            "--request",
            "bad.toml",
            "--from",
            "AND",
            "--to",
            "ESP",
            "--dry-run",
        ]),
        "field `authority`: must not be empty",
    );
    for gap in [
        "`legal_basis`",
        "`routes[0]`: no informal route \"R99\"",
        "`from_utc`",
    ] {
        assert!(err.contains(gap), "{gap} missing from: {err}");
    }
    std::fs::write(
        two.p("obs.toml"),
        "authority = \"Border unit, Sant Julià de Lòria\"\nmeasure = \"cross_border_observation\"\n\
         object = \"Observe a courier group beyond the line on R11\"\nreason = \"Three crossings in November\"\n\
         legal_basis = [\"Agreement on police cooperation, Art. 7\"]\ntargets = [\"Two couriers\"]\n\
         facts = \"Seen from AD-OP2 on three nights\"\nroutes = [\"R11\"]\n",
    )
    .unwrap();
    let out = ok(two.bw(&[
        "request",
        sc,
        "--request",
        "obs.toml",
        "--from",
        "AND",
        "--to",
        "ESP",
        "--key",
        "keys/AND",
        "--recipient",
        "keys/ESP/ESP.pub",
        "--out",
        "req.bwx",
        "--passphrase-file",
        "pass",
    ]));
    assert!(
        out.contains("b) measure requested: cross-border observation"),
        "{out}"
    );
    let got = ok(two.receive("req.bwx", "ESP", "AND"));
    assert!(
        got.contains("a) requesting authority: Border unit, Sant Julià de Lòria"),
        "{got}"
    );
    assert!(got.contains("routes concerned: R11"), "{got}");
    let stored = two.p("esp/scenarios/andorra-spain.exchange/received/AND/requests/1.json");
    let r: Value = serde_json::from_str(&std::fs::read_to_string(stored).unwrap()).unwrap();
    assert_eq!(r["measure"], "cross_border_observation");
    assert_eq!(r["targets"][0], "Two couriers");
}
