//! `viewshed`: line of sight from one post over the scenario's DEM, as
//! ESRI ASCII grids.

use super::load;
use borderwatch::error::Error;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    scenario: PathBuf,
    /// Post id.
    #[arg(long)]
    post: String,
    /// Maximum range (default: the post's longest sensor range).
    #[arg(long)]
    range_m: Option<f64>,
    /// Height of the target above ground.
    #[arg(long, default_value_t = 0.0)]
    target_height_m: f64,
    /// Terrain grid cell size.
    #[arg(long, default_value_t = 60.0)]
    cell_m: f64,
    #[arg(long)]
    out: PathBuf,
    /// Print a JSON summary (observer, counts, timing).
    #[arg(long)]
    json: bool,
}

pub fn run(a: Args) -> Result<ExitCode, Error> {
    let s = load(&a.scenario)?;
    viewshed(
        &s,
        &a.post,
        a.range_m,
        a.target_height_m,
        a.cell_m,
        &a.out,
        a.json,
    )
}

fn viewshed(
    s: &borderwatch::model::Scenario,
    post: &str,
    range_m: Option<f64>,
    target_height_m: f64,
    cell_m: f64,
    out: &Path,
    json: bool,
) -> Result<ExitCode, Error> {
    use borderwatch::terrain::{self, viewshed};
    let p = s
        .posts
        .iter()
        .find(|p| p.id.as_str() == post)
        .ok_or_else(|| {
            Error::Usage(format!(
                "no post {post:?} in {}; posts: {}",
                s.path.display(),
                s.posts
                    .iter()
                    .map(|p| p.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })?;
    let range = range_m.unwrap_or_else(|| {
        p.sensors
            .iter()
            .filter_map(|id| s.sensors.iter().find(|x| &x.id == id))
            .map(|x| x.range_m)
            .fold(0.0, f64::max)
    });
    if range.is_nan() || range <= 0.0 {
        return Err(Error::Usage(format!(
            "post {post} has no sensor with a range: pass --range-m"
        )));
    }
    if cell_m.is_nan() || cell_m <= 0.0 {
        return Err(Error::Usage(format!(
            "--cell-m must be > 0, found {cell_m}"
        )));
    }
    let t = terrain::scenario_terrain(s, cell_m, range + 2.0 * cell_m)?;
    let params = viewshed::ViewshedParams::new(p.xy, p.height_m, target_height_m, range);
    let mut times = Vec::new();
    let mut v = None;
    for _ in 0..5 {
        let t0 = std::time::Instant::now();
        v = Some(
            viewshed::viewshed(&t, &params)
                .map_err(|e| Error::Usage(format!("post {post}: {e}")))?,
        );
        times.push(t0.elapsed().as_secs_f64() * 1e3);
    }
    times.sort_by(f64::total_cmp);
    let v = v.unwrap();
    std::fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    let terrain_path = out.join("terrain.asc");
    t.write_asc(
        &terrain_path,
        &s.projection,
        &|r, c| t.at(r, c) as f64,
        -9999.0,
    )?;
    let vs_path = out.join(format!("viewshed-{post}.asc"));
    t.write_asc(
        &vs_path,
        &s.projection,
        &|r, c| {
            if v.state(r, c) == viewshed::VISIBLE {
                255.0
            } else {
                0.0
            }
        },
        -9999.0,
    )?;
    let summary = serde_json::json!({
        "post": post,
        "observer_x": p.xy.x,
        "observer_y": p.xy.y,
        "observer_height_m": p.height_m,
        "target_height_m": target_height_m,
        "range_m": range,
        "cell_m": cell_m,
        "grid": [t.cols, t.rows],
        "visible_cells": v.visible_count(),
        "observer_cell": [v.observer_cell.0, v.observer_cell.1],
        "viewshed_ms": times[2],
        "terrain": terrain_path,
        "viewshed": vs_path,
    });
    if json {
        println!("{}", serde_json::to_string_pretty(&summary).unwrap());
    } else {
        println!(
            "post {post}: {} cells visible within {:.0} m ({:.1} km²), computed in {:.1} ms; wrote {} and {}",
            v.visible_count(),
            range,
            v.visible_count() as f64 * cell_m * cell_m / 1e6,
            times[2],
            terrain_path.display(),
            vs_path.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
