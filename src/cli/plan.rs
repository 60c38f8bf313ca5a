//! `plan`: an interception game's mixed strategy (by default) or the
//! idleness planner's timed routes, with the day's orders.

use super::args::{CoopArgs, GameArgs, ModeArg, Objective, TerrainArgs};
use super::{game, load};
use borderwatch::error::Error;
use borderwatch::plan::{output, PlanOptions, Planner};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    scenario: PathBuf,
    /// Horizon: up to 24 h, or whole days up to 168 (7 days).
    #[arg(long, default_value_t = 24.0)]
    hours: f64,
    /// joint: both States' units against one shared target set;
    /// independent: each State plans alone.
    #[arg(long, value_enum, default_value = "joint")]
    mode: ModeArg,
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
    /// Idleness plan: minutes a unit stays to watch at each watch point it
    /// heads for (the points it passes on the way are watched in passing).
    #[arg(long, default_value_t = 0.0)]
    dwell_min: f64,
    /// interception: a mixed strategy over standby and patrol schedules
    /// that maximises the P(intercept) guaranteed against a smuggler who
    /// knows the mix (the day's orders are its seeded draw); idleness:
    /// minimise the worst risk-weighted idleness of the line.
    #[arg(long, value_enum, default_value = "interception")]
    objective: Objective,
    #[command(flatten)]
    terrain: TerrainArgs,
    #[command(flatten)]
    coop: CoopArgs,
    #[command(flatten)]
    game: GameArgs,
}

/// `--start` as a time.
fn start_time(start: &Option<String>) -> Result<Option<time::OffsetDateTime>, Error> {
    let Some(t) = start else {
        return Ok(None);
    };
    time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339)
        .map(Some)
        .map_err(|e| {
            Error::Usage(format!(
                "--start {t:?}: expected an RFC 3339 time such as 2026-12-01T06:00:00Z ({e})"
            ))
        })
}

pub fn run(a: Args) -> Result<ExitCode, Error> {
    let start = start_time(&a.start)?;
    let s = load(&a.scenario)?;
    let po = PlanOptions {
        hours: a.hours,
        mode: a.mode.into(),
        seed: a.seed.unwrap_or(s.seed),
        watch_m: a.watch_m,
        access_m: a.access_m,
        observe_m: a.observe_m,
        variants: a.variants.max(1),
        max_loss: a.max_loss,
        dwell_min: a.dwell_min,
        assess: a.terrain.options(),
        ..PlanOptions::default()
    };
    if a.objective == Objective::Interception {
        let go = borderwatch::game::GameOptions {
            access_m: a.access_m,
            ..a.game.options()
        };
        game::plan(&s, po, go, a.coop.cooperation(), &a.out, start, a.json)?;
        return Ok(ExitCode::SUCCESS);
    }
    let pl = Planner::new(&s, po)?;
    let r = pl.solve();
    let written = output::write_all(&pl, &r, &a.out, start)?;
    if a.json {
        let sum = output::summary_json(&pl, &r);
        println!("{}", serde_json::to_string_pretty(&sum).unwrap());
        return Ok(ExitCode::SUCCESS);
    }
    for w in &pl.warnings {
        eprintln!("warning: {w}");
    }
    print!("{}", idleness_text(&pl, &r));
    println!("wrote {} files to {}", written.len(), a.out.display());
    Ok(ExitCode::SUCCESS)
}

/// An idleness plan's figures as the terminal shows them.
fn idleness_text(pl: &Planner, r: &borderwatch::plan::solve::PlanResult) -> String {
    // the points no unit reaches first: a worst idleness hides them
    let mut t = format!(
        "{} plan, {} units, {} h{}: {} of {} watch points never visited; worst risk-weighted idleness {:.0} min (mean {:.0} min, worst unweighted {:.0} min)\n",
        pl.o.mode.as_str(),
        r.plan.tracks.len(),
        pl.o.hours,
        if pl.cyclic { ", repeating daily" } else { "" },
        r.eval.unvisited,
        r.eval.watch_points,
        r.eval.worst_idleness_min,
        r.eval.mean_idleness_min,
        r.eval.worst_unweighted_idleness_min,
    );
    if let Some(i) = &r.independent_eval {
        t += &format!(
            "  independent planning on the same targets: {:.0} min → joint gains {:.0} min\n",
            i.worst_idleness_min,
            i.worst_idleness_min - r.eval.worst_idleness_min
        );
    }
    t += &format!(
        "  partition baseline {:.0} min; lower bound {:.0} min\n",
        r.baseline_eval.worst_idleness_min, r.lower_bound_min
    );
    for f in &r.per_state {
        t += &format!(
            "  {} alone ({} units, own targets): worst {:.0} min, baseline {:.0} min, bound {:.0} min\n",
            f.state,
            f.units,
            f.eval.worst_idleness_min,
            f.baseline_worst_idleness_min,
            f.lower_bound_worst_idleness_min
        );
    }
    t += &format!(
        "  mixed strategy: {} of {} variants within {:.0} % of the best; {:.2} bits\n",
        r.variants.iter().filter(|v| v.in_mix).count(),
        r.variants.len(),
        pl.o.max_loss * 100.0,
        r.unpredictability.strategy_entropy_bits
    );
    t
}
