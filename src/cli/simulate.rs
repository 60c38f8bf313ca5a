//! `simulate`: crossings replayed against a plan — a published mix (each
//! run its own draw) or an idleness plan's units.

use super::args::{CoopArgs, KnowledgeArg};
use super::{game, load, progress_bar};
use borderwatch::error::Error;
use borderwatch::sim::{output, SimOptions, World};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
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
    /// Smugglers' knowledge.
    #[arg(long, value_enum, default_value = "random")]
    knowledge: KnowledgeArg,
    #[command(flatten)]
    coop: CoopArgs,
    /// Crossings written to the events log (the figures count all).
    #[arg(long, default_value_t = 100_000)]
    events: usize,
}

pub fn run(a: Args) -> Result<ExitCode, Error> {
    borderwatch::sim::check_runs(a.runs)?;
    let s = load(&a.scenario)?;
    // the plan's units, horizon and terrain (the posts as the plan saw them)
    let plan = output::read_plan_json(&s, &a.plan)?;
    let o = SimOptions {
        runs: a.runs,
        seed: a.seed.unwrap_or(s.seed),
        knowledge: a.knowledge.into(),
        coop: a.coop.cooperation(),
        assess: plan.terrain,
        ..SimOptions::default()
    };
    if game::simulate_mix(
        &s,
        &a.plan,
        &plan.plan,
        plan.horizon_s,
        o.clone(),
        &a.out,
        a.events,
        a.json,
    )? {
        return Ok(ExitCode::SUCCESS);
    }
    let w = World::new(&s, plan.units, plan.horizon_s, o)?;
    let pb = progress_bar(a.runs as u64, a.json);
    let tally = w.tally_with(a.events, &|n| pb.inc(n));
    pb.finish_and_clear();
    let files = output::write_all(&w, &tally, &a.out)?;
    if a.json {
        let sum = output::summary(&w, &tally);
        println!("{}", serde_json::to_string_pretty(&sum).unwrap());
        return Ok(ExitCode::SUCCESS);
    }
    let all = tally.all.rates();
    println!(
        "{} crossings: P(detect) {:.3}, P(intercept) {:.3}, {} succeeded",
        tally.runs(),
        all.p_detect,
        all.p_intercept,
        all.succeeded
    );
    // States in code order, as summary.json's per_state
    let mut states: Vec<_> = s.states.iter().enumerate().collect();
    states.sort_by(|a, b| a.1.id.as_str().cmp(b.1.id.as_str()));
    for (i, st) in states {
        let r = tally.per_state[i].rates();
        println!(
            "  into {}: {} crossings, P(detect) {:.3}, P(intercept) {:.3}",
            st.id, r.attempts, r.p_detect, r.p_intercept
        );
    }
    println!("wrote {} files to {}", files.len(), a.out.display());
    Ok(ExitCode::SUCCESS)
}
