//! The command line, run as a user would.

mod common;
use common::*;
use std::process::Command;

#[test]
fn check_valid_and_invalid() {
    let (_d, toml) = mini();
    let out = Command::new(bin())
        .arg("check")
        .arg(&toml)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("valid"));

    edit(&toml, r#"home_post = "AD-OP1""#, r#"home_post = "nowhere""#);
    edit(&toml, r#"code = "ESP""#, r#"code = "QQQ""#);
    let out = Command::new(bin())
        .arg("check")
        .arg(&toml)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("nowhere") && err.contains("QQQ") && err.contains("2 errors"),
        "{err}"
    );

    let out = Command::new(bin())
        .args(["check", "--json"])
        .arg(&toml)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["valid"], false);
    assert_eq!(v["problems"].as_array().unwrap().len(), 2);
}

#[test]
fn info_json_on_the_demo() {
    let out = Command::new(bin())
        .args(["info", "--json"])
        .arg(repo().join("scenarios/andorra-spain.toml"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let len = v["pairs"][0]["length_km"].as_f64().unwrap();
    assert!((len - 63.7).abs() < 6.37, "{len}");
    assert!(v["crossings"].as_u64().unwrap() >= 1);
    assert!(v["routes"].as_u64().unwrap() >= 15);
    assert_eq!(v["posts"].as_u64().unwrap(), 6);
    assert!(v["units"].as_u64().unwrap() >= 6);
    let g = v["pairs"][0]["green_km"].as_f64().unwrap();
    let b = v["pairs"][0]["blue_km"].as_f64().unwrap();
    assert!((g + b - len).abs() < 0.01);
}

#[test]
fn import_and_info_from_the_command_line() {
    let d = data();
    let out_dir = tempfile::tempdir().unwrap();
    let out = Command::new(bin())
        .args(["import", "naturalearth"])
        .arg(d.join("naturalearth/ne_10m_admin_0_boundary_lines_land.json"))
        .args(["--states", "US,MX", "--name", "usa-mexico", "--out"])
        .arg(out_dir.path())
        .arg("--crossings")
        .arg(d.join("crossings/tx-mx-border-crossings.csv"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let toml = out_dir.path().join("scenarios/usa-mexico.toml");
    let out = Command::new(bin()).arg("info").arg(&toml).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("border MEX–USA") && text.contains("official crossings: "),
        "{text}"
    );
}

#[test]
fn bad_command_lines_exit_non_zero_with_a_reason() {
    let out = Command::new(bin())
        .args([
            "import",
            "osm",
            "nowhere.pbf",
            "--states",
            "AD",
            "--name",
            "x",
            "--out",
            "/tmp/x",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("two ISO 3166-1 codes"));
    let out = Command::new(bin())
        .args([
            "import",
            "osm",
            "nowhere.pbf",
            "--states",
            "AD,ES",
            "--name",
            "x",
            "--out",
            "/tmp/x",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nowhere.pbf"));
    let out = Command::new(bin())
        .args(["info", "missing.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.toml"));
}
