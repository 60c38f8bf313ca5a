//! The `borderwatch` command line. No subcommand opens the viewer on the
//! default scenario.

use borderwatch::error::{Error, Problems};
use borderwatch::import::{self, StateCode};
use borderwatch::scenario;
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[path = "cli/game.rs"]
mod cli_game;

/// Offline planner for border surveillance and coordinated patrols on both
/// sides of a border (after UN ISACS 05.60).
#[derive(Parser)]
#[command(name = "borderwatch", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Validate a scenario; list every problem; exit 0 only if it is valid.
    Check {
        scenario: PathBuf,
        /// Print the problems as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Summary figures: border length and green/blue split per State pair,
    /// crossings, routes, posts, units.
    Info {
        scenario: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Build a scenario from real public data.
    #[command(subcommand)]
    Import(ImportCmd),
    /// Border assessment: segments with chainage, line of sight and
    /// coverage per State and jointly, risk, ranked gaps. Writes
    /// segments.csv, coverage.geojson, gaps.geojson, report.html.
    Assess {
        scenario: PathBuf,
        #[arg(long)]
        out: PathBuf,
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
        /// Also plan patrols (joint or independent, 24 h) and add their
        /// visits and idleness to each segment.
        #[arg(long)]
        patrols: Option<String>,
        #[command(flatten)]
        opts: AssessArgs,
    },
    /// Choose N new observation posts for one State (maximal covering:
    /// lazy greedy over DEM high points near the border and your candidates).
    Site {
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
    },
    /// A State's patrol graph for one mode as files (nodes.csv, edges.csv,
    /// edges.geojson), with timed shortest-path queries between random
    /// nodes (queries.csv) to check against another router.
    Graph {
        scenario: PathBuf,
        /// The State (ISO code).
        #[arg(long)]
        state: String,
        /// foot, vehicle or boat.
        #[arg(long, default_value = "foot")]
        mode: String,
        #[arg(long)]
        out: PathBuf,
        /// Shortest-path queries to time (0: none).
        #[arg(long, default_value_t = 200)]
        queries: usize,
        #[arg(long)]
        seed: Option<u64>,
        #[arg(long)]
        json: bool,
    },
    /// Line of sight from one post over the scenario's DEM: writes the
    /// terrain grid and the viewshed as ESRI ASCII grids (QGIS, GDAL).
    Viewshed {
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
    },
    /// Coordinated patrol plan over the horizon, every unit out of its home
    /// post and back within its shift. By default an interception game: a
    /// mixed strategy of standby and patrol schedules that maximises the
    /// P(intercept) guaranteed against a smuggler who knows the mix; writes
    /// plan.json (the mix and the day's seeded draw), plan.geojson,
    /// duties.csv, gpx/UNIT.gpx and orders/UNIT.html. With --objective
    /// idleness: timed routes minimising the worst risk-weighted idleness
    /// of watch points along the border; writes plan.geojson, plan.json,
    /// idleness.csv, gpx/UNIT.gpx and orders/UNIT.html.
    Plan {
        scenario: PathBuf,
        /// Horizon: up to 24 h, or whole days up to 168 (7 days).
        #[arg(long, default_value_t = 24.0)]
        hours: f64,
        /// joint: both States' units against one shared target set;
        /// independent: each State plans alone.
        #[arg(long, default_value = "joint")]
        mode: String,
        /// Seed of every random choice (default: the scenario's seed).
        #[arg(long)]
        seed: Option<u64>,
        #[arg(long)]
        out: PathBuf,
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
        /// Clock time of the plan's start (RFC 3339, e.g.
        /// 2026-12-01T06:00:00Z): GPX times and clock times in the orders.
        #[arg(long)]
        start: Option<String>,
        /// Spacing of the watch points along the border.
        #[arg(long, default_value_t = 500.0)]
        watch_m: f64,
        /// Longest straight walk between a post or border point and the network.
        #[arg(long, default_value_t = 1500.0)]
        access_m: f64,
        /// A watch point off the unit's network is visited from a node this close.
        #[arg(long, default_value_t = 300.0)]
        observe_m: f64,
        /// Randomised route variants the daily draw chooses among (1 = one fixed plan).
        #[arg(long, default_value_t = 8)]
        variants: usize,
        /// Largest loss (fraction of the best worst idleness) a variant may have.
        #[arg(long, default_value_t = 0.15)]
        max_loss: f64,
        /// interception: a mixed strategy over standby and patrol schedules
        /// that maximises the P(intercept) guaranteed against a smuggler who
        /// knows the mix (the day's orders are its seeded draw); idleness:
        /// minimise the worst risk-weighted idleness of the line.
        #[arg(long, value_enum, default_value = "interception")]
        objective: Objective,
        /// Interception: detections reach both States' units at once.
        #[arg(long)]
        shared_feeds: bool,
        /// Interception: units may pursue across the line (as the agreement allows).
        #[arg(long)]
        hot_pursuit: bool,
        /// Interception: stop at this relative gap between guarantee and bound.
        #[arg(long, default_value_t = 0.05)]
        gap: f64,
        /// Interception: rounds of the double oracle (the same plan on any
        /// machine).
        #[arg(long, default_value_t = 24)]
        rounds: usize,
        /// Interception: also stop after this many seconds (then the plan
        /// depends on the machine's speed).
        #[arg(long)]
        time_limit_s: Option<f64>,
        /// Value of the smuggler's targets: risk (the risk model: a low-risk
        /// route may be left more open) or flat (every target alike: the
        /// game guarantees plain P(intercept)).
        #[arg(long, value_enum, default_value = "risk")]
        values: ValuesArg,
        /// Interception: the smuggler may also cross off the mapped ways —
        /// cross-country corridors over green border (least-time walks on
        /// the DEM) and boat crossings of blue border, every 1.5 km of line
        /// that no mapped route crosses.
        #[arg(long)]
        corridors: bool,
    },
    /// Replay illicit crossings along the informal routes against a patrol
    /// plan (Monte Carlo by seed): detection by posts and patrols, response,
    /// hot pursuit. Writes events.csv, events.geojson, routes.csv, summary.json.
    Simulate {
        scenario: PathBuf,
        /// The plan.json written by `borderwatch plan`.
        #[arg(long)]
        plan: PathBuf,
        #[arg(long, default_value_t = 100_000)]
        runs: usize,
        /// Seed (default: the scenario's seed).
        #[arg(long)]
        seed: Option<u64>,
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        json: bool,
        /// Smugglers' knowledge: random, risk-aware or best-response.
        #[arg(long, default_value = "random")]
        knowledge: String,
        /// Detections reach both States' units (the other's after the
        /// liaison delay).
        #[arg(long)]
        shared_feeds: bool,
        /// Allow hot pursuit across the line (as far as the agreement allows).
        #[arg(long)]
        hot_pursuit: bool,
        /// Crossings written to the events log (the figures count all).
        #[arg(long, default_value_t = 100_000)]
        events: usize,
    },
    /// What cooperation buys: the same crossings against independent plans,
    /// joint plans, + shared post feeds, + hot pursuit.
    Compare {
        scenario: PathBuf,
        #[arg(long, default_value_t = 20_000)]
        runs: usize,
        #[arg(long)]
        seed: Option<u64>,
        #[arg(long, default_value = "random")]
        knowledge: String,
        #[arg(long)]
        json: bool,
        /// interception: plan each rung as an interception game against an
        /// informed smuggler (guaranteed P(intercept), bound, gap; simulated
        /// against the best response and random smugglers); idleness: the
        /// idleness plans replayed (the earlier ladder).
        #[arg(long, value_enum, default_value = "interception")]
        objective: Objective,
        /// Stop each rung's game at this relative gap.
        #[arg(long, default_value_t = 0.05)]
        gap: f64,
        /// Rounds of each rung's game (the same figures on any machine).
        #[arg(long, default_value_t = 24)]
        rounds: usize,
        /// Also stop each rung's game after this many seconds (then the
        /// figures depend on the machine's speed).
        #[arg(long)]
        time_limit_s: Option<f64>,
        /// Value of the smuggler's targets: risk (the risk model: a low-risk
        /// route may be left more open) or flat (every target alike: the
        /// game guarantees plain P(intercept)).
        #[arg(long, value_enum, default_value = "risk")]
        values: ValuesArg,
        /// Interception: the smuggler may also cross off the mapped ways —
        /// cross-country corridors over green border (least-time walks on
        /// the DEM) and boat crossings of blue border, every 1.5 km of line
        /// that no mapped route crosses.
        #[arg(long)]
        corridors: bool,
    },
    /// What buys the most (ISACS 8.6): the joint interception game re-solved
    /// with one more unit of each mode per State, one more post where `site`
    /// puts it, longer shifts, a shorter liaison delay, shared feeds, hot
    /// pursuit; ranked by the gain in the guaranteed P(intercept).
    Needs {
        scenario: PathBuf,
        #[arg(long)]
        seed: Option<u64>,
        /// The cooperation as it is today: shared post feeds.
        #[arg(long)]
        shared_feeds: bool,
        /// The cooperation as it is today: hot pursuit.
        #[arg(long)]
        hot_pursuit: bool,
        /// Stop each game at this relative gap.
        #[arg(long, default_value_t = 0.05)]
        gap: f64,
        /// Rounds of the game as it is (the same figures on any machine).
        #[arg(long, default_value_t = 24)]
        rounds: usize,
        /// Rounds each change runs on from the plan as it is.
        #[arg(long, default_value_t = 8)]
        change_rounds: usize,
        /// Also stop each game after this many seconds.
        #[arg(long)]
        time_limit_s: Option<f64>,
        #[arg(long)]
        json: bool,
        /// Value of the smuggler's targets: risk (the risk model: a low-risk
        /// route may be left more open) or flat (every target alike: the
        /// game guarantees plain P(intercept)).
        #[arg(long, value_enum, default_value = "risk")]
        values: ValuesArg,
        /// Interception: the smuggler may also cross off the mapped ways —
        /// cross-country corridors over green border (least-time walks on
        /// the DEM) and boat crossings of blue border, every 1.5 km of line
        /// that no mapped route crosses.
        #[arg(long)]
        corridors: bool,
    },
    /// Official crossings as queues (ISACS 8.2.4, 11.6): waiting time,
    /// throughput and the share of illicit consignments caught under random,
    /// partial, targeted and total inspection.
    Crossings {
        scenario: PathBuf,
        /// Per-crossing traffic: CSV with columns crossing,arrivals_per_h,lanes
        /// (crossings not listed get the defaults below).
        #[arg(long)]
        traffic: Option<PathBuf>,
        /// Vehicles per hour (assumed when no --traffic row).
        #[arg(long, default_value_t = 40.0)]
        arrivals_per_h: f64,
        /// Inspection lanes (assumed when no --traffic row).
        #[arg(long, default_value_t = 4)]
        lanes: usize,
        /// Share of vehicles carrying an illicit consignment.
        #[arg(long, default_value_t = 0.005)]
        illicit_share: f64,
        #[arg(long)]
        json: bool,
    },
    /// Open the map window.
    View(ViewArgs),
}

#[derive(clap::Args)]
struct ViewArgs {
    /// Scenario TOML (default: scenarios/andorra-spain.toml).
    scenario: Option<PathBuf>,
    /// Render one frame to this PNG and exit (for tests and reports).
    #[arg(long)]
    screenshot: Option<PathBuf>,
    /// Window size for --screenshot, WIDTHxHEIGHT.
    #[arg(long, default_value = "1280x800")]
    size: String,
    /// Colour the border by: kind (green/blue), coverage, risk, or
    /// idleness (of the patrol plan).
    #[arg(long, default_value = "kind")]
    colour: String,
    /// Show the posts' viewsheds.
    #[arg(long)]
    viewsheds: bool,
    /// Which patrol plan to show: joint or independent (both are
    /// planned in the background).
    #[arg(long, default_value = "joint")]
    plan: String,
    /// Time on the plan's timeline: HH:MM (day 1) or "D HH:MM".
    #[arg(long)]
    time: Option<String>,
    /// The rung of the cooperation ladder whose simulated crossings
    /// are replayed first: independent, joint, shared-feeds or
    /// hot-pursuit (the window simulates all four once the plans are
    /// ready; with --screenshot it simulates only when this is given,
    /// and waits for it).
    #[arg(long)]
    replay: Option<String>,
    /// Frame benchmark: once everything is loaded, play the timeline for N
    /// frames, print the load time and the median frame time as JSON, and
    /// exit.
    #[arg(long)]
    bench_frames: Option<u32>,
    /// Open the editor on this post (its form and units), e.g. AD-OP2.
    #[arg(long)]
    select: Option<String>,
}

#[derive(clap::Args)]
struct AssessArgs {
    /// Segment length along the border.
    #[arg(long, default_value_t = 250.0)]
    segment_m: f64,
    /// Detection probability a segment needs to count as covered.
    #[arg(long, default_value_t = 0.5)]
    threshold: f64,
    /// Terrain grid cell (resampled from the DEM).
    #[arg(long, default_value_t = 60.0)]
    cell_m: f64,
    /// Height of a crossing person above ground.
    #[arg(long, default_value_t = 1.7)]
    target_height_m: f64,
}

impl AssessArgs {
    fn options(&self) -> borderwatch::assess::AssessOptions {
        borderwatch::assess::AssessOptions {
            segment_m: self.segment_m,
            threshold: self.threshold,
            cell_m: self.cell_m,
            target_height_m: self.target_height_m,
            ..Default::default()
        }
    }
}

#[derive(Subcommand)]
enum ImportCmd {
    /// A synthetic border of any length for scaling tests: a meandering
    /// line between the user-assigned States XA and XB, blue stretches,
    /// crossings, roads, invented posts, units and routes (nothing real).
    Synthetic {
        #[arg(long, default_value_t = 1000.0)]
        length_km: f64,
        #[arg(long)]
        name: String,
        #[arg(long)]
        out: PathBuf,
        /// Observation posts per State per 100 km.
        #[arg(long, default_value_t = 8.0)]
        posts_per_100km: f64,
        /// Informal routes per 100 km.
        #[arg(long, default_value_t = 15.0)]
        routes_per_100km: f64,
        /// Share of the border on rivers.
        #[arg(long, default_value_t = 0.3)]
        blue_share: f64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// From an OpenStreetMap PBF extract: border (admin_level=2), green/blue,
    /// official crossings, informal routes, each State's patrol network.
    Osm {
        pbf: PathBuf,
        /// The two States, ISO 3166-1 alpha-2 or alpha-3: e.g. AD,ES.
        #[arg(long)]
        states: String,
        /// SRTM tile (.hgt or .hgt.zip), copied next to the layers.
        #[arg(long)]
        dem: Option<PathBuf>,
        #[arg(long)]
        name: String,
        /// Output root: writes OUT/maps/NAME/ and OUT/scenarios/NAME.toml.
        #[arg(long)]
        out: PathBuf,
        /// Keep the patrol network within this distance of the border.
        #[arg(long, default_value_t = 10.0)]
        network_km: f64,
        /// Border within this distance of water is blue.
        #[arg(long, default_value_t = 80.0)]
        blue_tolerance_m: f64,
        /// Invent this many exercise observation posts per State (0 = none).
        #[arg(long, default_value_t = 0)]
        exercise_posts: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// From Natural Earth 10m admin_0_boundary_lines_land.
    Naturalearth {
        file: PathBuf,
        #[arg(long)]
        states: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        out: PathBuf,
        /// Official crossings (CSV with lat/lon columns, or GeoJSON points).
        #[arg(long)]
        crossings: Option<PathBuf>,
        /// Snap crossings within this distance of the line (Natural Earth
        /// 10m can be a kilometre or more off the true border).
        #[arg(long, default_value_t = 3000.0)]
        snap_tolerance_m: f64,
        /// Natural Earth rivers: border along them is blue.
        #[arg(long)]
        rivers: Option<PathBuf>,
        #[arg(long, default_value_t = 1500.0)]
        blue_tolerance_m: f64,
        /// A stretch that follows a river the rivers file lacks, as
        /// LON,LAT:LON,LAT (the border between the two points is blue);
        /// repeatable. E.g. the Rio Grande from El Paso to the Gulf:
        /// -106.528,31.784:-97.146,25.956
        #[arg(long, allow_hyphen_values = true)]
        blue_between: Vec<String>,
        /// Invent this many exercise observation posts per State (0 = none).
        #[arg(long, default_value_t = 0)]
        exercise_posts: usize,
        /// Invent this many exercise informal routes across the border
        /// (Natural Earth has none; 0 = none).
        #[arg(long, default_value_t = 0)]
        exercise_routes: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

/// "LON,LAT:LON,LAT" for `--blue-between`.
fn parse_blue_between(v: &[String]) -> Result<Vec<(geo::Coord, geo::Coord)>, Error> {
    let mut out = Vec::new();
    let mut bad = Vec::new();
    for (i, x) in v.iter().enumerate() {
        let pt = |t: &str| -> Option<geo::Coord> {
            let (lon, lat) = t.split_once(',')?;
            let (lon, lat) = (
                lon.trim().parse::<f64>().ok()?,
                lat.trim().parse::<f64>().ok()?,
            );
            ((-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat))
                .then_some(geo::Coord { x: lon, y: lat })
        };
        match x.split_once(':').and_then(|(a, b)| Some((pt(a)?, pt(b)?))) {
            Some(p) => out.push(p),
            None => bad.push(format!(
                "--blue-between #{} {x:?}: expected LON,LAT:LON,LAT in degrees, e.g. -106.528,31.784:-97.146,25.956",
                i + 1
            )),
        }
    }
    if bad.is_empty() {
        Ok(out)
    } else {
        Err(Error::Other(bad.join("\n")))
    }
}

fn print_problems(p: &Problems) {
    for x in &p.0 {
        eprintln!("{x}");
    }
}

#[cfg_attr(not(feature = "viewer"), allow(dead_code))]
fn default_scenario() -> PathBuf {
    let local = PathBuf::from("scenarios/andorra-spain.toml");
    if local.exists() {
        local
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/andorra-spain.toml")
    }
}

fn run(cli: Cli) -> Result<ExitCode, Error> {
    match cli.command {
        None => view(ViewArgs {
            scenario: None,
            screenshot: None,
            size: "1280x800".into(),
            colour: "kind".into(),
            viewsheds: false,
            plan: "joint".into(),
            time: None,
            replay: None,
            bench_frames: None,
            select: None,
        }),
        Some(Command::View(a)) => view(a),
        Some(Command::Check { scenario, json }) => {
            let l = scenario::load(&scenario);
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&serde_json::json!({
                        "valid": l.scenario.is_some(),
                        "problems": l.problems,
                    }))
                    .unwrap()
                );
            } else {
                print_problems(&l.problems);
                let (e, w) = (l.problems.errors().count(), l.problems.warnings().count());
                if l.scenario.is_some() {
                    println!(
                        "{}: valid ({w} warning{})",
                        scenario.display(),
                        if w == 1 { "" } else { "s" }
                    );
                } else {
                    eprintln!(
                        "{}: {e} error{}, {w} warning{}",
                        scenario.display(),
                        if e == 1 { "" } else { "s" },
                        if w == 1 { "" } else { "s" }
                    );
                }
            }
            Ok(if l.scenario.is_some() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Some(Command::Info { scenario, json }) => {
            let (s, warnings) = scenario::load_ok(&scenario)?;
            print_problems(&warnings);
            let info = borderwatch::info::info(&s);
            if json {
                println!("{}", serde_json::to_string_pretty(&info).unwrap());
            } else {
                print!("{info}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Plan {
            scenario,
            hours,
            mode,
            seed,
            out,
            json,
            start,
            watch_m,
            access_m,
            observe_m,
            variants,
            max_loss,
            objective,
            shared_feeds,
            hot_pursuit,
            gap,
            time_limit_s,
            rounds,
            values,
            corridors,
        }) => {
            use borderwatch::plan::{output, PlanMode, PlanOptions, Planner};
            let mode = PlanMode::parse(mode.as_str(), "--mode")?;
            let start = match start {
                None => None,
                Some(t) => Some(
                    time::OffsetDateTime::parse(&t, &time::format_description::well_known::Rfc3339)
                        .map_err(|e| {
                            borderwatch::error::Error::Other(format!(
                                "--start {t:?}: expected an RFC 3339 time such as 2026-12-01T06:00:00Z ({e})"
                            ))
                        })?,
                ),
            };
            if objective == Objective::Interception {
                let (s, warnings) = scenario::load_ok(&scenario)?;
                print_problems(&warnings);
                let po = PlanOptions {
                    hours,
                    mode,
                    seed: seed.unwrap_or(s.seed),
                    watch_m,
                    access_m,
                    observe_m,
                    variants: variants.max(1),
                    max_loss,
                    ..PlanOptions::default()
                };
                let go = borderwatch::game::GameOptions {
                    gap,
                    time_limit_s: time_limit_s.unwrap_or(f64::INFINITY),
                    max_iters: rounds,
                    access_m,
                    values: values.into(),
                    corridors,
                    ..Default::default()
                };
                let coop = borderwatch::sim::Cooperation {
                    shared_feeds,
                    hot_pursuit,
                };
                cli_game::plan(&s, po, go, coop, &out, start, json)?;
                return Ok(ExitCode::SUCCESS);
            }
            let (s, warnings) = scenario::load_ok(&scenario)?;
            print_problems(&warnings);
            let o = PlanOptions {
                hours,
                mode,
                seed: seed.unwrap_or(s.seed),
                watch_m,
                access_m,
                observe_m,
                variants: variants.max(1),
                max_loss,
                ..PlanOptions::default()
            };
            let pl = Planner::new(&s, o)?;
            let r = pl.solve();
            let written = output::write_all(&pl, &r, &out, start)?;
            let sum = output::summary_json(&pl, &r);
            if json {
                println!("{}", serde_json::to_string_pretty(&sum).unwrap());
            } else {
                for w in &pl.warnings {
                    eprintln!("warning: {w}");
                }
                println!(
                    "{} plan, {} units, {} h{}: worst risk-weighted idleness {:.0} min (mean {:.0} min, worst unweighted {:.0} min) over {} watch points",
                    pl.o.mode.as_str(),
                    r.plan.tracks.len(),
                    pl.o.hours,
                    if pl.cyclic { ", repeating daily" } else { "" },
                    r.eval.worst_idleness_min,
                    r.eval.mean_idleness_min,
                    r.eval.worst_unweighted_idleness_min,
                    r.eval.watch_points
                );
                if let Some(i) = &r.independent_eval {
                    println!(
                        "  independent planning on the same targets: {:.0} min → joint gains {:.0} min",
                        i.worst_idleness_min,
                        i.worst_idleness_min - r.eval.worst_idleness_min
                    );
                }
                println!(
                    "  partition baseline {:.0} min; lower bound {:.0} min",
                    r.baseline_eval.worst_idleness_min, r.lower_bound_min
                );
                for f in &r.per_state {
                    println!(
                        "  {} alone ({} units, own targets): worst {:.0} min, baseline {:.0} min, bound {:.0} min",
                        f.state,
                        f.units,
                        f.eval.worst_idleness_min,
                        f.baseline_worst_idleness_min,
                        f.lower_bound_worst_idleness_min
                    );
                }
                if r.eval.unvisited > 0 {
                    println!("  {} watch points never visited", r.eval.unvisited);
                }
                println!(
                    "  mixed strategy: {} of {} variants within {:.0} % of the best; {:.2} bits",
                    r.variants.iter().filter(|v| v.in_mix).count(),
                    r.variants.len(),
                    pl.o.max_loss * 100.0,
                    r.unpredictability.strategy_entropy_bits
                );
                println!("wrote {} files to {}", written.len(), out.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Simulate {
            scenario,
            plan,
            runs,
            seed,
            out,
            json,
            knowledge,
            shared_feeds,
            hot_pursuit,
            events,
        }) => {
            use borderwatch::sim::{output, Cooperation, SimOptions, World};
            let knowledge = parse_knowledge(&knowledge)?;
            if runs == 0 {
                return Err(Error::Other("--runs must be at least 1".into()));
            }
            let (s, warnings) = scenario::load_ok(&scenario)?;
            print_problems(&warnings);
            let (units, horizon_s, _mode) = output::read_plan_json(&s, &plan)?;
            let coop = Cooperation {
                shared_feeds,
                hot_pursuit,
            };
            let o = SimOptions {
                runs,
                seed: seed.unwrap_or(s.seed),
                knowledge,
                coop,
                ..SimOptions::default()
            };
            if cli_game::simulate_mix(&s, &plan, horizon_s, o, &out, events, json)? {
                return Ok(ExitCode::SUCCESS);
            }
            let o = SimOptions {
                runs,
                seed: seed.unwrap_or(s.seed),
                knowledge,
                coop: Cooperation {
                    shared_feeds,
                    hot_pursuit,
                },
                ..SimOptions::default()
            };
            let w = World::new(&s, units, horizon_s, o)?;
            let pb = progress_bar(runs as u64, json);
            let outs = w.run_with(&|n| pb.inc(n));
            pb.finish_and_clear();
            let files = output::write_all(&w, &outs, &out, events)?;
            let sum = output::summary(&w, &outs);
            if json {
                println!("{}", serde_json::to_string_pretty(&sum).unwrap());
            } else {
                println!(
                    "{} crossings: P(detect) {:.3}, P(intercept) {:.3}, {} succeeded",
                    outs.len(),
                    sum["p_detect"].as_f64().unwrap_or(0.0),
                    sum["p_intercept"].as_f64().unwrap_or(0.0),
                    sum["succeeded"]
                );
                for (st, r) in sum["per_state"].as_object().into_iter().flatten() {
                    println!(
                        "  into {st}: {} crossings, P(detect) {:.3}, P(intercept) {:.3}",
                        r["attempts"],
                        r["p_detect"].as_f64().unwrap_or(0.0),
                        r["p_intercept"].as_f64().unwrap_or(0.0)
                    );
                }
                println!("wrote {} files to {}", files.len(), out.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Crossings {
            scenario,
            traffic,
            arrivals_per_h,
            lanes,
            illicit_share,
            json,
        }) => {
            use borderwatch::sim::queue::{figures, Strategy, Traffic};
            let (s, warnings) = scenario::load_ok(&scenario)?;
            print_problems(&warnings);
            if !(arrivals_per_h.is_finite() && arrivals_per_h > 0.0)
                || lanes == 0
                || !(0.0..=1.0).contains(&illicit_share)
            {
                return Err(Error::Other(format!(
                    "--arrivals-per-h must be > 0 (found {arrivals_per_h}), --lanes ≥ 1 (found {lanes}), --illicit-share in 0..1 (found {illicit_share})"
                )));
            }
            let base = Traffic {
                arrivals_per_h,
                lanes,
                illicit_share,
                ..Traffic::default()
            };
            let mut rows: std::collections::HashMap<String, (f64, usize)> = Default::default();
            if let Some(p) = &traffic {
                let mut rd =
                    csv::Reader::from_path(p).map_err(|e| Error::data(p, e.to_string()))?;
                let mut problems = Vec::new();
                for (i, r) in rd.deserialize::<(String, f64, usize)>().enumerate() {
                    match r {
                        Ok((id, a, l)) if a > 0.0 && l > 0 => {
                            if !s.crossings.iter().any(|c| c.id.as_str() == id) {
                                problems.push(format!("row {}: field `crossing`: {id:?} is not an official crossing of the scenario", i + 2));
                            }
                            rows.insert(id, (a, l));
                        }
                        Ok(_) => problems.push(format!(
                            "row {}: fields `arrivals_per_h`, `lanes`: expected > 0",
                            i + 2
                        )),
                        Err(e) => problems.push(format!(
                            "row {}: expected crossing,arrivals_per_h,lanes ({e})",
                            i + 2
                        )),
                    }
                }
                if !problems.is_empty() {
                    return Err(Error::data(p, problems.join("\n")));
                }
            }
            let mut out = Vec::new();
            for c in &s.crossings {
                let (t, assumed) = match rows.get(c.id.as_str()) {
                    Some(&(a, l)) => (
                        Traffic {
                            arrivals_per_h: a,
                            lanes: l,
                            ..base.clone()
                        },
                        false,
                    ),
                    None => (base.clone(), true),
                };
                let figs: Vec<_> = Strategy::ALL.iter().map(|st| figures(&t, *st)).collect();
                out.push(serde_json::json!({"crossing": c.id.to_string(), "name": c.name, "traffic": t, "traffic_assumed": assumed, "strategies": figs}));
            }
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(
                        &serde_json::json!({"scenario": s.name, "crossings": out})
                    )
                    .unwrap()
                );
            } else {
                println!("| crossing | veh/h | lanes | strategy | utilisation | mean wait | throughput/h | illicit caught |");
                println!("|---|---:|---:|---|---:|---:|---:|---:|");
                for o in &out {
                    for f in o["strategies"].as_array().unwrap() {
                        println!(
                            "| {} {}{} | {} | {} | {} | {:.0} % | {} | {} | {:.1} % |",
                            o["crossing"].as_str().unwrap(),
                            o["name"].as_str().unwrap(),
                            if o["traffic_assumed"] == true {
                                " (assumed traffic)"
                            } else {
                                ""
                            },
                            o["traffic"]["arrivals_per_h"],
                            o["traffic"]["lanes"],
                            f["strategy"].as_str().unwrap(),
                            f["utilisation"].as_f64().unwrap() * 100.0,
                            f["mean_wait_min"]
                                .as_f64()
                                .map(|w| format!("{w:.1} min"))
                                .unwrap_or_else(|| format!(
                                    "grows by {} veh/h",
                                    f["backlog_per_h"]
                                )),
                            f["throughput_per_h"],
                            f["illicit_caught_share"].as_f64().unwrap() * 100.0
                        );
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Needs {
            scenario,
            seed,
            shared_feeds,
            hot_pursuit,
            gap,
            time_limit_s,
            rounds,
            change_rounds,
            json,
            values,
            corridors,
        }) => {
            let (s, warnings) = scenario::load_ok(&scenario)?;
            print_problems(&warnings);
            let o = borderwatch::game::GameOptions {
                gap,
                time_limit_s: time_limit_s.unwrap_or(f64::INFINITY),
                max_iters: rounds,
                values: values.into(),
                corridors,
                ..Default::default()
            };
            let coop = borderwatch::sim::Cooperation {
                shared_feeds,
                hot_pursuit,
            };
            cli_game::needs(&s, coop, o, change_rounds, seed.unwrap_or(s.seed), json)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Compare {
            scenario,
            runs,
            seed,
            knowledge,
            json,
            objective: Objective::Interception,
            gap,
            time_limit_s,
            rounds,
            values,
            corridors,
        }) => {
            let (s, warnings) = scenario::load_ok(&scenario)?;
            print_problems(&warnings);
            let _ = knowledge;
            let o = borderwatch::game::GameOptions {
                gap,
                time_limit_s: time_limit_s.unwrap_or(f64::INFINITY),
                max_iters: rounds,
                values: values.into(),
                corridors,
                ..Default::default()
            };
            cli_game::compare(&s, runs, seed.unwrap_or(s.seed), o, json)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Compare {
            scenario,
            runs,
            seed,
            knowledge,
            json,
            objective: Objective::Idleness,
            ..
        }) => {
            use borderwatch::plan::{PlanMode, PlanOptions, Planner};
            use borderwatch::sim::{ladder, SimOptions, World};
            let knowledge = parse_knowledge(&knowledge)?;
            let (s, warnings) = scenario::load_ok(&scenario)?;
            print_problems(&warnings);
            let seed = seed.unwrap_or(s.seed);
            let plan_of = |mode| -> Result<(Vec<borderwatch::plan::UnitLayer>, f64), Error> {
                let pl = Planner::new(
                    &s,
                    PlanOptions {
                        seed,
                        ..PlanOptions::for_scenario(&s, mode)
                    },
                )?;
                let l = pl.layers(&pl.solve());
                Ok((l.units, l.horizon_s))
            };
            let indep = plan_of(PlanMode::Independent)?;
            let joint = plan_of(PlanMode::Joint)?;
            let mut w = World::new(
                &s,
                Vec::new(),
                indep.1,
                SimOptions {
                    runs,
                    seed,
                    knowledge,
                    ..SimOptions::default()
                },
            )?;
            let steps = ladder::run(&mut w, (&indep.0, indep.1), (&joint.0, joint.1), 0);
            let rows = ladder::to_json(&w, &steps);
            if json {
                println!("{}", serde_json::to_string_pretty(&serde_json::json!({"scenario": s.name, "runs": runs, "seed": seed, "knowledge": knowledge, "ladder": rows})).unwrap());
            } else {
                let codes: Vec<String> = s.states.iter().map(|st| st.id.to_string()).collect();
                print!("| step | P(intercept) | succeeded |");
                for c in &codes {
                    print!(" into {c}: P(intercept) | succeeded |");
                }
                println!();
                print!("|---|---:|---:|");
                for _ in &codes {
                    print!("---:|---:|");
                }
                println!();
                for r in &rows {
                    print!(
                        "| {} | {:.3} | {} |",
                        r["step"].as_str().unwrap(),
                        r["p_intercept"].as_f64().unwrap(),
                        r["succeeded"]
                    );
                    for c in &codes {
                        let x = &r["per_state"][c];
                        print!(
                            " {:.3} | {} |",
                            x["p_intercept"].as_f64().unwrap_or(0.0),
                            x["succeeded"]
                        );
                    }
                    println!();
                }
                println!("({runs} crossings per step, seed {seed}, {knowledge:?} smugglers)");
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Assess {
            scenario,
            out,
            json,
            patrols,
            opts,
        }) => {
            let (s, warnings) = scenario::load_ok(&scenario)?;
            print_problems(&warnings);
            let mut a = borderwatch::assess::assess(&s, &opts.options())?;
            if let Some(mode) = patrols {
                use borderwatch::plan::{PlanMode, PlanOptions, Planner};
                let mode = PlanMode::parse(mode.as_str(), "--patrols")?;
                // the assessment's segments are the watch points
                let pl = Planner::from_assessment(&s, PlanOptions::for_scenario(&s, mode), &a)?;
                let r = pl.solve();
                pl.join_assessment(&r, &mut a)?;
            }
            let written = borderwatch::report::write_assessment(&s, &a, &out)?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&borderwatch::report::summary_json(&a)).unwrap()
                );
            } else {
                for w in &a.warnings {
                    eprintln!("warning: {w}");
                }
                if let Some(p) = &a.patrol {
                    println!(
                        "patrols ({} plan, {} h): worst risk-weighted idleness {:.0} min, mean {:.0} min; {} segments out of every unit's reach",
                        p.mode, p.hours, p.worst_idleness_min, p.mean_idleness_min, p.unreachable_segments
                    );
                }
                println!(
                    "{} segments; line of sight: {}",
                    a.segments.len(),
                    if a.line_of_sight {
                        "DEM"
                    } else {
                        "none (no DEM)"
                    }
                );
                for v in &a.views {
                    println!(
                        "{:>6}: covered 24 h {:.1} % (green {}, blue {}), day {:.1} %, night {:.1} %; risk covered {:.1} %; {} gaps; {} of {} informal crossings unwatched",
                        v.view,
                        v.covered_pct.total,
                        v.covered_pct.green.map(|x| format!("{x:.1} %")).unwrap_or("—".into()),
                        v.covered_pct.blue.map(|x| format!("{x:.1} %")).unwrap_or("—".into()),
                        v.covered_pct_day.total,
                        v.covered_pct_night.total,
                        v.risk_covered_pct,
                        v.gaps.len(),
                        v.uncovered_route_crossings,
                        v.route_crossings
                    );
                }
                if let Some(j) = a.view("joint") {
                    for g in j.gaps.iter().take(5) {
                        println!(
                            "  gap {}: km {:.2}–{:.2} ({:.2} km, {}), risk {:.2}",
                            g.rank, g.from_km, g.to_km, g.length_km, g.kind, g.risk
                        );
                    }
                }
                for p in written {
                    println!("wrote {}", p.display());
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Site {
            scenario,
            state,
            add,
            candidates,
            alone,
            out,
            json,
            opts,
        }) => {
            let (s, warnings) = scenario::load_ok(&scenario)?;
            print_problems(&warnings);
            let st = borderwatch::country::lookup(&state).ok_or_else(|| {
                Error::Other(format!("--state {state:?}: not an ISO 3166-1 code"))
            })?;
            let user = match &candidates {
                Some(p) => {
                    let (pts, problems) = borderwatch::import::points::read_points(p);
                    if problems.has_errors() {
                        return Err(Error::Invalid(problems));
                    }
                    pts
                }
                None => Vec::new(),
            };
            let mut so = borderwatch::assess::site::SiteOptions::new(
                borderwatch::ids::StateId::new(st.alpha3),
                add,
            );
            so.alone = alone;
            let r = borderwatch::assess::site::site(&s, &opts.options(), &so, &user)?;
            if let Some(o) = &out {
                let feats: Vec<serde_json::Value> = r
                    .chosen
                    .iter()
                    .map(|c| {
                        borderwatch::io::feature(
                            borderwatch::io::point_geometry(geo::Coord { x: c.candidate.lonlat[0], y: c.candidate.lonlat[1] }),
                            borderwatch::props! {"id" => format!("{}-NEW{}", st.alpha2, c.order), "state" => st.alpha3, "order" => c.order, "gain" => c.gain, "covered_pct_after" => c.covered_pct_after, "source" => c.candidate.source},
                        )
                    })
                    .collect();
                borderwatch::io::write_atomic(
                    o,
                    borderwatch::io::feature_collection(&feats).as_bytes(),
                )?;
            }
            if json {
                println!("{}", serde_json::to_string_pretty(&r).unwrap());
            } else {
                for w in &r.warnings {
                    eprintln!("warning: {w}");
                }
                println!(
                    "{} candidate sites for {}; covered 24 h now {:.1} %",
                    r.candidates, r.state, r.covered_pct_before
                );
                for c in &r.chosen {
                    println!(
                        "  {}. {} at {:.5} N {:.5} E{} ({}): gain {:.3} risk-km, covered 24 h → {:.1} %",
                        c.order,
                        c.candidate.id,
                        c.candidate.lonlat[1],
                        c.candidate.lonlat[0],
                        c.candidate.elevation_m.map(|z| format!(", {z:.0} m")).unwrap_or_default(),
                        c.candidate.source,
                        c.gain,
                        c.covered_pct_after
                    );
                }
                if let Some(o) = &out {
                    println!("wrote {}", o.display());
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Graph {
            scenario,
            state,
            mode,
            out,
            queries,
            seed,
            json,
        }) => {
            use borderwatch::model::UnitMode;
            use borderwatch::plan::export;
            let (s, warnings) = scenario::load_ok(&scenario)?;
            print_problems(&warnings);
            let si = s
                .states
                .iter()
                .position(|st| {
                    borderwatch::country::lookup(&state).is_some_and(|c| c.alpha3 == st.id.as_str())
                })
                .ok_or_else(|| {
                    Error::Other(format!(
                        "--state {state:?}: not a State of {} ({})",
                        scenario.display(),
                        s.states
                            .iter()
                            .map(|st| st.id.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                })?;
            let mode = UnitMode::parse(&mode).ok_or_else(|| {
                Error::Other(format!("--mode {mode:?}: expected foot, vehicle or boat"))
            })?;
            let t0 = std::time::Instant::now();
            let pg = export::build(&s, si, mode);
            let build_s = t0.elapsed().as_secs_f64();
            let mut files = export::write(&s, &pg, &out)?;
            let (q, took) = export::queries(&pg, queries, seed.unwrap_or(s.seed));
            let mut c = csv::Writer::from_writer(Vec::new());
            c.write_record(["source", "target", "seconds"])
                .map_err(|e| Error::Other(e.to_string()))?;
            for (a, b, t) in &q {
                c.write_record([
                    a.to_string(),
                    b.to_string(),
                    t.map(|x| format!("{x:.6}")).unwrap_or_default(),
                ])
                .map_err(|e| Error::Other(e.to_string()))?;
            }
            let qp = out.join("queries.csv");
            borderwatch::io::write_atomic(
                &qp,
                &c.into_inner().map_err(|e| Error::Other(e.to_string()))?,
            )?;
            files.push(qp);
            let sum = serde_json::json!({
                "state": s.states[si].id.as_str(),
                "mode": mode.as_str(),
                "nodes": pg.g.node_count(),
                "edges": pg.g.edge_count(),
                "build_s": build_s,
                "queries": q.len(),
                "reached": q.iter().filter(|x| x.2.is_some()).count(),
                "query_total_s": took.as_secs_f64(),
                "query_mean_ms": if q.is_empty() { 0.0 } else { took.as_secs_f64() * 1e3 / q.len() as f64 },
            });
            if json {
                println!("{}", serde_json::to_string_pretty(&sum).unwrap());
            } else {
                println!(
                    "{} {} graph: {} nodes, {} edges (built in {:.2} s); {} queries in {:.3} s ({:.3} ms each)",
                    s.states[si].id,
                    mode.as_str(),
                    pg.g.node_count(),
                    pg.g.edge_count(),
                    build_s,
                    q.len(),
                    took.as_secs_f64(),
                    sum["query_mean_ms"].as_f64().unwrap_or(0.0)
                );
                println!("wrote {} files to {}", files.len(), out.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Viewshed {
            scenario,
            post,
            range_m,
            target_height_m,
            cell_m,
            out,
            json,
        }) => {
            let (s, warnings) = scenario::load_ok(&scenario)?;
            print_problems(&warnings);
            viewshed_cmd(&s, &post, range_m, target_height_m, cell_m, &out, json)
        }
        Some(Command::Import(cmd)) => {
            let report = match cmd {
                ImportCmd::Synthetic {
                    length_km,
                    name,
                    out,
                    posts_per_100km,
                    routes_per_100km,
                    blue_share,
                    seed,
                } => {
                    check_name(&name)?;
                    import::generate::generate(&import::generate::GenerateOptions {
                        length_km,
                        name,
                        out,
                        posts_per_100km,
                        routes_per_100km,
                        blue_share,
                        seed,
                    })?
                }
                ImportCmd::Osm {
                    pbf,
                    states,
                    dem,
                    name,
                    out,
                    network_km,
                    blue_tolerance_m,
                    exercise_posts,
                    seed,
                } => {
                    check_name(&name)?;
                    import::osm::import(&import::osm::OsmOptions {
                        pbf,
                        states: StateCode::parse_pair(&states)?,
                        dem,
                        name,
                        out,
                        network_km,
                        blue_tolerance_m,
                        exercise_posts,
                        seed,
                    })?
                }
                ImportCmd::Naturalearth {
                    file,
                    states,
                    name,
                    out,
                    crossings,
                    snap_tolerance_m,
                    rivers,
                    blue_tolerance_m,
                    blue_between,
                    exercise_posts,
                    exercise_routes,
                    seed,
                } => {
                    check_name(&name)?;
                    import::naturalearth::import(&import::naturalearth::NaturalEarthOptions {
                        file,
                        states: StateCode::parse_pair(&states)?,
                        name,
                        out,
                        crossings,
                        snap_tolerance_m,
                        rivers,
                        blue_tolerance_m,
                        blue_between: parse_blue_between(&blue_between)?,
                        exercise_posts,
                        exercise_routes,
                        seed,
                    })?
                }
            };
            println!(
                "wrote {} and {}",
                report.scenario.display(),
                report.maps.display()
            );
            println!(
                "border {:.1} km ({:.1} green, {:.1} blue); {} official crossings, {} informal routes, {} network links, {} posts, {} units",
                report.border_km, report.green_km, report.blue_km, report.crossings, report.routes, report.network_links, report.posts, report.units
            );
            for n in &report.notes {
                println!("note: {n}");
            }
            if !report.unsnapped.is_empty() {
                eprintln!("{} input points were not used:", report.unsnapped.len());
                for u in &report.unsnapped {
                    eprintln!("  {u}");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn viewshed_cmd(
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
            Error::Other(format!(
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
        return Err(Error::Other(format!(
            "post {post} has no sensor with a range: pass --range-m"
        )));
    }
    if cell_m.is_nan() || cell_m <= 0.0 {
        return Err(Error::Other(format!(
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
                .map_err(|e| Error::Other(format!("post {post}: {e}")))?,
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

fn check_name(name: &str) -> Result<(), Error> {
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(Error::Other(format!(
            "--name {name:?}: use letters, digits, '-' and '_' only (it names files)"
        )));
    }
    Ok(())
}

#[cfg(feature = "viewer")]
fn view(a: ViewArgs) -> Result<ExitCode, Error> {
    use borderwatch::viewer::{assess::BorderColouring, ViewOptions};
    let ViewArgs {
        scenario,
        screenshot,
        size,
        colour,
        viewsheds,
        plan,
        time,
        replay,
        bench_frames,
        select,
    } = a;
    let path = scenario.unwrap_or_else(default_scenario);
    let plan = plan.as_str();
    let colour = colour.as_str();
    let replay = match replay.as_deref() {
        None => None,
        Some(k) => Some(borderwatch::sim::ladder::step_of(k).ok_or_else(|| {
            Error::Other(format!(
                "--replay {k:?}: expected independent, joint, shared-feeds or hot-pursuit"
            ))
        })?),
    };
    let colouring = BorderColouring::parse(colour).ok_or_else(|| {
        Error::Other(format!(
            "--colour {colour:?}: expected kind, coverage, risk or idleness"
        ))
    })?;
    let plan_mode = match replay {
        // the rung's plan
        Some(i) => borderwatch::sim::ladder::LADDER[i].plan,
        None => borderwatch::plan::PlanMode::parse(plan, "--plan")?,
    };
    let time_s = match time.as_deref() {
        None => None,
        Some(t) => Some(borderwatch::viewer::plan::parse_clock(t).ok_or_else(|| {
            Error::Other(format!(
                "--time {t:?}: expected HH:MM (day 1) or \"D HH:MM\", e.g. 08:30 or \"2 14:00\""
            ))
        })?),
    };
    let (w, h) = size
        .split_once('x')
        .and_then(|(w, h)| Some((w.parse::<u32>().ok()?, h.parse::<u32>().ok()?)))
        .ok_or_else(|| {
            Error::Other(format!(
                "--size {size:?}: expected WIDTHxHEIGHT, e.g. 1280x800"
            ))
        })?;
    let (s, warnings) = scenario::load_ok(&path)?;
    print_problems(&warnings);
    let select = match select {
        None => None,
        Some(id) => {
            let id = borderwatch::ids::PostId::new(id);
            if s.post(&id).is_none() {
                return Err(Error::Other(format!(
                    "--select {id}: no such post in {} (posts: {})",
                    path.display(),
                    s.posts
                        .iter()
                        .map(|p| p.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
            Some(id)
        }
    };
    // an interactive session counts as opening the file; a screenshot or a
    // benchmark does not
    if screenshot.is_none() && bench_frames.is_none() {
        let _ = borderwatch::recent::remember(&path);
    }
    borderwatch::viewer::run(
        s,
        ViewOptions {
            screenshot,
            size: (w, h),
            colouring,
            viewsheds,
            plan: plan_mode,
            time_s,
            replay,
            bench_frames,
            select,
        },
    )
}

#[cfg(not(feature = "viewer"))]
fn view(_: ViewArgs) -> Result<ExitCode, Error> {
    Err(Error::Other(
        "this borderwatch was built without the map window (cargo feature `viewer`); rebuild with default features, or use the CLI: check, info, import, assess, plan".into(),
    ))
}

/// How the interception game values targets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum ValuesArg {
    Risk,
    Flat,
}

impl From<ValuesArg> for borderwatch::game::targets::Values {
    fn from(v: ValuesArg) -> Self {
        match v {
            ValuesArg::Risk => Self::Risk,
            ValuesArg::Flat => Self::Flat,
        }
    }
}

/// What a plan optimises.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Objective {
    Interception,
    Idleness,
}

fn parse_knowledge(k: &str) -> Result<borderwatch::sim::Knowledge, Error> {
    use borderwatch::sim::Knowledge;
    match k {
        "random" => Ok(Knowledge::Random),
        "risk-aware" => Ok(Knowledge::RiskAware),
        "best-response" => Ok(Knowledge::BestResponse),
        other => Err(Error::Other(format!(
            "--knowledge {other:?}: expected random, risk-aware or best-response"
        ))),
    }
}

/// A progress bar on stderr for long runs (hidden when not a terminal or
/// with --json).
fn progress_bar(total: u64, quiet: bool) -> indicatif::ProgressBar {
    if quiet || total < 50_000 {
        return indicatif::ProgressBar::hidden();
    }
    let pb = indicatif::ProgressBar::new(total);
    if let Ok(st) = indicatif::ProgressStyle::with_template(
        "{bar:40} {pos}/{len} crossings ({per_sec}, {eta} left)",
    ) {
        pb.set_style(st);
    }
    pb
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(Error::Invalid(p)) => {
            print_problems(&p);
            eprintln!("{} error(s); nothing done", p.errors().count());
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
