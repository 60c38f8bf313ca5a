//! Work bounded before allocation: each over-budget option, as a user types
//! it, is refused with exit 1, the flag, the limit and what it would cost —
//! never an abort, a runaway run or a machine out of memory. Inputs
//! that inflate (a zipped DEM tile) are read only up to the size their
//! format allows.

use std::io::Write;
use std::process::Command;

fn shipped() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/andorra-spain.toml")
}

/// Run the CLI; (exit code, stderr).
fn run(args: &[&str]) -> (i32, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_borderwatch"))
        .args(args)
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn every_size_option_over_its_budget_is_refused_with_its_cost() {
    let s = shipped();
    let s = s.to_str().unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = out.path().to_str().unwrap();
    let plan = out.path().join("no-plan.json");
    std::fs::write(&plan, "{}").unwrap();
    let plan = plan.to_str().unwrap();
    // (arguments, what the message must say)
    let table: Vec<(Vec<&str>, Vec<&str>)> = vec![
        (
            vec!["assess", s, "--cell-m", "0.0001", "--out", o],
            vec![
                "--cell-m 0.0001",
                "terrain cells",
                "PB",
                "limit of 80.0 M",
                "at least",
            ],
        ),
        (
            vec!["assess", s, "--segment-m", "0.001", "--out", o],
            vec![
                "--segment-m 0.001",
                "64.7 M border segments",
                "limit of 500 k",
            ],
        ),
        (
            vec![
                "site", s, "--state", "ESP", "--add", "1", "--cell-m", "0.001",
            ],
            vec!["--cell-m 0.001", "terrain cells"],
        ),
        (
            vec![
                "plan",
                s,
                "--objective",
                "idleness",
                "--watch-m",
                "0.001",
                "--out",
                o,
            ],
            vec!["--watch-m 0.001", "watch points", "at least 1 m"],
        ),
        (
            vec![
                "plan",
                s,
                "--objective",
                "idleness",
                "--variants",
                "100000",
                "--out",
                o,
            ],
            vec!["--variants 100000", "limit of 64"],
        ),
        (
            vec![
                "simulate",
                s,
                "--plan",
                plan,
                "--runs",
                "18446744073709551615",
                "--out",
                o,
            ],
            vec![
                "--runs 18446744073709551615",
                "18.4 E simulated crossings",
                "EB",
            ],
        ),
        (
            vec!["compare", s, "--runs", "100000000"],
            vec!["--runs 100000000", "100 M simulated crossings", "16.0 GB"],
        ),
        (
            vec!["compare", s, "--runs", "0"],
            vec!["--runs must be at least 1"],
        ),
        (
            vec!["site", s, "--state", "ESP", "--add", "0"],
            vec!["--add must be 1 to 200, found 0"],
        ),
        (
            vec![
                "graph",
                s,
                "--state",
                "AND",
                "--queries",
                "100000000",
                "--out",
                o,
            ],
            vec!["--queries 100000000", "limit of 1.00 M"],
        ),
        (
            vec!["crossings", s, "--lanes", "1000000000"],
            vec!["--lanes must be 1 to 1000"],
        ),
        (
            vec!["crossings", s, "--arrivals-per-h", "inf", "--lanes", "0"],
            vec![
                "--arrivals-per-h must be a finite number",
                "--lanes must be 1 to 1000",
            ],
        ),
        (
            vec![
                "import",
                "synthetic",
                "--length-km",
                "3",
                "--blue-share",
                "2",
                "--name",
                "x",
                "--out",
                o,
            ],
            vec![
                "--length-km 3: expected 10 to 20000",
                "--blue-share 2: expected 0 to 1",
            ],
        ),
        (
            vec![
                "import",
                "osm",
                "x.pbf",
                "--states",
                "AD,ES",
                "--name",
                "x",
                "--out",
                o,
                "--network-km=-5",
                "--blue-tolerance-m",
                "NaN",
            ],
            vec![
                "--network-km must be a finite number ≥ 0, found -5",
                "--blue-tolerance-m must be a finite number ≥ 0, found NaN",
            ],
        ),
        (
            vec![
                "import",
                "naturalearth",
                "x.json",
                "--states",
                "US,MX",
                "--name",
                "x",
                "--out",
                o,
                "--snap-tolerance-m=-1",
            ],
            vec!["--snap-tolerance-m must be a finite number ≥ 0, found -1"],
        ),
    ];
    let mut failures = Vec::new();
    for (args, needles) in &table {
        let (code, err) = run(args);
        let missing: Vec<_> = needles.iter().filter(|n| !err.contains(*n)).collect();
        if code != 1 || !missing.is_empty() || err.contains("panicked") {
            failures.push(format!(
                "{args:?}: exit {code}, missing {missing:?}:\n{err}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(
        std::fs::read_dir(out.path()).unwrap().count() == 1,
        "nothing written but the test's own file"
    );
}

#[test]
fn a_traffic_table_from_a_spreadsheet_reads_and_an_infinite_count_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let s = shipped();
    let s = s.to_str().unwrap();
    // semicolons, as a spreadsheet in many locales saves CSV
    let semi = dir.path().join("semi.csv");
    std::fs::write(&semi, "crossing;arrivals_per_h;lanes\nC1;40;2\n").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_borderwatch"))
        .args([
            "crossings",
            s,
            "--traffic",
            semi.to_str().unwrap(),
            "--json",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let c1 = v["crossings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["crossing"] == "C1")
        .unwrap();
    assert_eq!(c1["traffic"]["arrivals_per_h"], 40.0, "{c1}");
    assert_eq!(c1["traffic_assumed"], false, "{c1}");
    // an infinite count, and more lanes than any crossing has
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "crossing,arrivals_per_h,lanes\nC1,inf,2\nC2,10,5000\n",
    )
    .unwrap();
    let (code, err) = run(&["crossings", s, "--traffic", bad.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("bad.csv") && err.contains("row 2") && err.contains("row 3"),
        "{err}"
    );
    assert!(
        err.contains("finite") && err.contains("at most 1000 lanes"),
        "{err}"
    );
}

#[test]
fn a_zipped_dem_tile_that_inflates_past_any_tile_is_refused_unread() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("N42E001.hgt.zip");
    let mut z = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    z.start_file::<_, ()>(
        "N42E001.hgt",
        zip::write::FileOptions::default().compression_method(zip::CompressionMethod::Deflated),
    )
    .unwrap();
    // 64 MiB of zeros: a few tens of KB zipped, more than any SRTM tile
    let block = vec![0u8; 1 << 20];
    for _ in 0..64 {
        z.write_all(&block).unwrap();
    }
    z.finish().unwrap();
    assert!(std::fs::metadata(&path).unwrap().len() < 1 << 20);
    let e = borderwatch::dem::Dem::read_hgt(&path)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("N42E001.hgt.zip") && e.contains("more than 25934402 bytes"),
        "{e}"
    );
    // a plain file too large for a tile is refused before it is read
    let big = dir.path().join("N42E001.hgt");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(64 << 20)
        .unwrap();
    let e = borderwatch::dem::Dem::read_hgt(&big)
        .unwrap_err()
        .to_string();
    assert!(e.contains("too large for an .hgt tile"), "{e}");
}
