//! `assess` (coverage, risk and gaps per State and jointly) and `site`
//! (where new posts go).

use super::args::{AssessArgs, ModeArg};
use super::load;
use borderwatch::assess::{self, site, Assessment};
use borderwatch::error::Error;
use borderwatch::plan::{PlanOptions, Planner};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    scenario: PathBuf,
    #[arg(long)]
    out: PathBuf,
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
    /// Also plan patrols (joint or independent, 24 h) and add their
    /// visits and idleness to each segment.
    #[arg(long, value_enum)]
    patrols: Option<ModeArg>,
    #[command(flatten)]
    opts: AssessArgs,
}

pub fn run(a: Args) -> Result<ExitCode, Error> {
    let s = load(&a.scenario)?;
    let mut r = assess::assess(&s, &a.opts.options())?;
    if let Some(mode) = a.patrols {
        // the assessment's segments are the watch points
        let pl = Planner::from_assessment(&s, PlanOptions::for_scenario(&s, mode.into()), &r)?;
        let plan = pl.solve();
        pl.join_assessment(&plan, &mut r)?;
    }
    let written = borderwatch::report::write_assessment(&s, &r, &a.out)?;
    if a.json {
        let sum = borderwatch::report::summary_json(&r);
        println!("{}", serde_json::to_string_pretty(&sum).unwrap());
    } else {
        for w in &r.warnings {
            eprintln!("warning: {w}");
        }
        print!("{}", summary_text(&r, &written));
    }
    Ok(ExitCode::SUCCESS)
}

/// The assessment's figures as the terminal shows them.
fn summary_text(a: &Assessment, written: &[PathBuf]) -> String {
    let mut t = String::new();
    if let Some(p) = &a.patrol {
        t += &format!(
            "patrols ({} plan, {} h): worst risk-weighted idleness {:.0} min, mean {:.0} min; {} segments out of every unit's reach\n",
            p.mode, p.hours, p.worst_idleness_min, p.mean_idleness_min, p.unreachable_segments
        );
    }
    let los = if a.line_of_sight {
        "DEM"
    } else {
        "none (no DEM)"
    };
    t += &format!("{} segments; line of sight: {los}\n", a.segments.len());
    let pct = |x: Option<f64>| x.map(|x| format!("{x:.1} %")).unwrap_or("—".into());
    for v in &a.views {
        t += &format!(
            "{:>6}: covered 24 h {:.1} % (green {}, blue {}), day {:.1} %, night {:.1} %; risk covered {:.1} %; {} gaps; {} of {} informal crossings unwatched\n",
            v.view,
            v.covered_pct.total,
            pct(v.covered_pct.green),
            pct(v.covered_pct.blue),
            v.covered_pct_day.total,
            v.covered_pct_night.total,
            v.risk_covered_pct,
            v.gaps.len(),
            v.uncovered_route_crossings,
            v.route_crossings
        );
    }
    if let Some(j) = a.joint() {
        for g in j.gaps.iter().take(5) {
            t += &format!(
                "  gap {}: km {:.2}–{:.2} ({:.2} km, {}), risk {:.2}\n",
                g.rank, g.from_km, g.to_km, g.length_km, g.kind, g.risk
            );
        }
    }
    for p in written {
        t += &format!("wrote {}\n", p.display());
    }
    t
}

#[derive(clap::Args)]
pub struct SiteArgs {
    scenario: PathBuf,
    /// The State that gets the posts (ISO code).
    #[arg(long)]
    state: String,
    /// How many posts to add.
    #[arg(long)]
    add: usize,
    /// Your own candidate sites (CSV with lat/lon, or GeoJSON points).
    #[arg(long)]
    candidates: Option<PathBuf>,
    /// Count only this State's existing posts (default: both States').
    #[arg(long)]
    alone: bool,
    /// Write the chosen sites as GeoJSON points.
    #[arg(long)]
    out: Option<PathBuf>,
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    opts: AssessArgs,
}

pub fn site(a: SiteArgs) -> Result<ExitCode, Error> {
    let s = load(&a.scenario)?;
    let st = borderwatch::country::lookup(&a.state)
        .ok_or_else(|| Error::Usage(format!("--state {:?}: not an ISO 3166-1 code", a.state)))?;
    let user = match &a.candidates {
        Some(p) => read_candidates(p)?,
        None => Vec::new(),
    };
    let mut so = site::SiteOptions::new(borderwatch::ids::StateId::new(st.alpha3), a.add);
    so.alone = a.alone;
    let r = site::site(&s, &a.opts.options(), &so, &user)?;
    if let Some(o) = &a.out {
        borderwatch::io::write_atomic(o, site::sites_geojson(&r, &st).as_bytes())?;
    }
    if a.json {
        println!("{}", serde_json::to_string_pretty(&r).unwrap());
        return Ok(ExitCode::SUCCESS);
    }
    for w in &r.warnings {
        eprintln!("warning: {w}");
    }
    println!(
        "{} candidate sites for {}; covered 24 h now {:.1} %",
        r.candidates, r.state, r.covered_pct_before
    );
    for c in &r.chosen {
        let z = c.candidate.elevation_m.map(|z| format!(", {z:.0} m"));
        println!(
            "  {}. {} at {}{} ({}): gain {:.3} risk-km, covered 24 h → {:.1} %",
            c.order,
            c.candidate.id,
            borderwatch::geom::lat_lon_text(
                geo::Coord {
                    x: c.candidate.lonlat[0],
                    y: c.candidate.lonlat[1],
                },
                false
            ),
            z.unwrap_or_default(),
            c.candidate.source,
            c.gain,
            c.covered_pct_after
        );
    }
    if let Some(o) = &a.out {
        println!("wrote {}", o.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// The user's candidate sites; every bad row at once.
fn read_candidates(p: &Path) -> Result<Vec<borderwatch::formats::points::InputPoint>, Error> {
    let (pts, problems) = borderwatch::formats::points::read_points(p);
    if problems.has_errors() {
        return Err(Error::Invalid(problems));
    }
    Ok(pts)
}
