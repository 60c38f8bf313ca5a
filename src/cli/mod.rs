//! The command line: one file per command (its flags and what it prints),
//! each a thin driver over the core. `args` holds the flags several
//! commands share and the closed choices as clap value enums.

pub mod args;
mod assess;
mod check;
mod compare;
mod crossings;
mod exchange;
mod game;
mod graph;
mod import;
mod needs;
mod plan;
mod simulate;
mod view;
mod viewshed;

use borderwatch::error::{Error, Problems};
use borderwatch::model::Scenario;
use clap::{Parser, Subcommand};
use std::path::Path;
use std::process::ExitCode;

/// Offline planner for border surveillance and coordinated patrols on both
/// sides of a border (after UN ISACS 05.60).
#[derive(Parser)]
#[command(name = "borderwatch", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Use only the features marked releasable (ISACS 05.60, 10.5.10):
    /// posts, units, crossings and routes with `releasable = false` are
    /// left out, posts keep only the `[exchange] release_fields`, and every
    /// HTML output says "RELEASABLE TO …" instead of "NOT FOR RELEASE".
    #[arg(long, global = true)]
    releasable_only: bool,
}

/// `--releasable-only`, read by [`load`].
static RELEASABLE_ONLY: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

#[derive(Subcommand)]
enum Command {
    /// Validate a scenario; list every problem; exit 0 only if it is valid.
    Check(check::CheckArgs),
    /// Summary figures: border length and green/blue split per State pair,
    /// crossings, routes, posts, units.
    Info(check::InfoArgs),
    /// Build a scenario from real public data.
    #[command(subcommand)]
    Import(import::ImportCmd),
    /// Border assessment: segments with chainage, line of sight and
    /// coverage per State and jointly, risk, ranked gaps. Writes
    /// segments.csv, coverage.geojson, gaps.geojson, report.html.
    Assess(assess::Args),
    /// Choose N new observation posts for one State (maximal covering:
    /// lazy greedy over DEM high points near the border and your candidates).
    Site(assess::SiteArgs),
    /// A State's patrol graph for one mode as files (nodes.csv, edges.csv,
    /// edges.geojson), with timed shortest-path queries between random
    /// nodes (queries.csv) to check against another router.
    Graph(graph::Args),
    /// Line of sight from one post over the scenario's DEM: writes the
    /// terrain grid and the viewshed as ESRI ASCII grids (QGIS, GDAL).
    Viewshed(viewshed::Args),
    /// Coordinated patrol plan over the horizon, every unit out of its home
    /// post and back within its shift. By default an interception game: a
    /// mixed strategy of standby and patrol schedules that maximises the
    /// P(intercept) guaranteed against a smuggler who knows the mix; writes
    /// plan.json (the mix and the day's seeded draw), plan.geojson,
    /// duties.csv, gpx/UNIT.gpx and orders/UNIT.html. With --objective
    /// idleness: timed routes minimising the worst risk-weighted idleness
    /// of watch points along the border; writes plan.geojson, plan.json,
    /// idleness.csv, gpx/UNIT.gpx and orders/UNIT.html.
    Plan(plan::Args),
    /// Replay illicit crossings along the informal routes against a patrol
    /// plan (Monte Carlo by seed): detection by posts and patrols, response,
    /// hot pursuit. Writes events.csv, events.geojson, routes.csv, summary.json.
    Simulate(simulate::Args),
    /// What cooperation buys: the same crossings against independent plans,
    /// joint plans, + shared post feeds, + hot pursuit.
    Compare(compare::Args),
    /// What buys the most (ISACS 8.6): the joint interception game re-solved
    /// with one more unit of each mode per State, one more post where `site`
    /// puts it, longer shifts, a shorter liaison delay, shared feeds, hot
    /// pursuit; ranked by the gain in the guaranteed P(intercept).
    Needs(needs::Args),
    /// Official crossings as queues (ISACS 8.2.4, 11.6): waiting time,
    /// throughput and the share of illicit consignments caught under random,
    /// partial, targeted and total inspection.
    Crossings(crossings::Args),
    /// A State's keys for the exchange with the neighbour (age + minisign).
    #[command(subcommand)]
    Keys(exchange::KeysCmd),
    /// Hand the neighbouring State a package: the sender's releasable
    /// posts, units, agreements and aggregated risk, signed and encrypted
    /// (ISACS 05.60, 10.5.10). Prints the manifest first.
    Share(exchange::ShareArgs),
    /// Take in a package from the neighbour: decrypt, verify the signer,
    /// the border and the sequence, and store its layers beside the
    /// scenario as the neighbour's; refuse anything else, changing nothing.
    Receive(exchange::ReceiveArgs),
    /// A written request for assistance to the neighbour (ISACS 05.60,
    /// 10.5.5.2), e.g. for cross-border observation on a route: checked,
    /// shown, then signed and encrypted as a package of the same kind.
    Request(exchange::RequestArgs),
    /// Open the map window.
    View(view::ViewArgs),
}

/// Run a parsed command line; no subcommand opens the viewer on the
/// default scenario.
pub fn run(cli: Cli) -> Result<ExitCode, Error> {
    RELEASABLE_ONLY.store(cli.releasable_only, std::sync::atomic::Ordering::Relaxed);
    let edits = matches!(
        cli.command,
        None | Some(Command::View(_)) | Some(Command::Receive(_))
    );
    if cli.releasable_only && edits {
        return Err(Error::Usage(
            "--releasable-only is for outputs: the map window and `receive` change the scenario's files, \
             and would lose what is not releasable"
                .into(),
        ));
    }
    match cli.command {
        None => view::view(view::ViewArgs::default()),
        Some(Command::View(a)) => view::view(a),
        Some(Command::Check(a)) => check::check(a),
        Some(Command::Info(a)) => check::info(a),
        Some(Command::Import(a)) => import::run(a),
        Some(Command::Assess(a)) => assess::run(a),
        Some(Command::Site(a)) => assess::site(a),
        Some(Command::Graph(a)) => graph::run(a),
        Some(Command::Viewshed(a)) => viewshed::run(a),
        Some(Command::Plan(a)) => plan::run(a),
        Some(Command::Simulate(a)) => simulate::run(a),
        Some(Command::Compare(a)) => compare::run(a),
        Some(Command::Needs(a)) => needs::run(a),
        Some(Command::Crossings(a)) => crossings::run(a),
        Some(Command::Keys(a)) => exchange::keys(a),
        Some(Command::Share(a)) => exchange::share(a),
        Some(Command::Receive(a)) => exchange::receive(a),
        Some(Command::Request(a)) => exchange::request(a),
    }
}

/// Every problem, one per line, on stderr.
pub fn print_problems(p: &Problems) {
    for x in &p.0 {
        eprintln!("{x}");
    }
}

/// Load a valid scenario, its warnings on stderr; with
/// `--releasable-only`, only what may be released.
fn load(path: &Path) -> Result<Scenario, Error> {
    let (s, warnings) = borderwatch::scenario::load_ok(path)?;
    print_problems(&warnings);
    if !RELEASABLE_ONLY.load(std::sync::atomic::Ordering::Relaxed) {
        return Ok(s);
    }
    let (s, left) = borderwatch::exchange::content::releasable_only(&s);
    let mut per: std::collections::BTreeMap<&str, usize> = Default::default();
    for w in &left {
        *per.entry(w.layer.as_str()).or_default() += 1;
    }
    let per: Vec<String> = per.iter().map(|(l, n)| format!("{n} {l}")).collect();
    eprintln!(
        "releasable only: left out {} (not releasable); outputs marked {}",
        if per.is_empty() {
            "nothing".into()
        } else {
            per.join(", ")
        },
        s.marking.label()
    );
    Ok(s)
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
