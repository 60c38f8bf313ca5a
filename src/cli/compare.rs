//! `compare`: what cooperation buys — the same crossings against
//! independent plans, joint plans, + shared post feeds, + hot pursuit;
//! each rung an interception game (by default) or the idleness plans
//! replayed.

use super::args::{GameArgs, KnowledgeArg, Objective};
use super::{game, load};
use borderwatch::error::Error;
use borderwatch::model::Scenario;
use borderwatch::sim::ladder::{self, StepResult};
use borderwatch::sim::{Knowledge, SimOptions};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    scenario: PathBuf,
    #[arg(long, default_value_t = 20_000)]
    runs: usize,
    #[arg(long)]
    seed: Option<u64>,
    /// Idleness: the smugglers' knowledge (the interception game's rungs
    /// are simulated against the best response and random smugglers).
    #[arg(long, value_enum, default_value = "random")]
    knowledge: KnowledgeArg,
    #[arg(long)]
    json: bool,
    /// interception: plan each rung as an interception game against an
    /// informed smuggler (guaranteed P(intercept), bound, gap; simulated
    /// against the best response and random smugglers); idleness: the
    /// idleness plans replayed (the earlier ladder).
    #[arg(long, value_enum, default_value = "interception")]
    objective: Objective,
    #[command(flatten)]
    game: GameArgs,
}

pub fn run(a: Args) -> Result<ExitCode, Error> {
    borderwatch::sim::check_runs(a.runs)?;
    let s = load(&a.scenario)?;
    let seed = a.seed.unwrap_or(s.seed);
    match a.objective {
        Objective::Interception => game::compare(&s, a.runs, seed, a.game.options(), a.json)?,
        Objective::Idleness => idleness(&s, a.runs, seed, a.knowledge.into(), a.json)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// The idleness plans of both modes replayed up the ladder.
fn idleness(
    s: &Scenario,
    runs: usize,
    seed: u64,
    knowledge: Knowledge,
    json: bool,
) -> Result<(), Error> {
    let po = game::ladder_plan_options(s, seed);
    let prepared = borderwatch::pipeline::prepare(s, &po)?;
    let plans = borderwatch::pipeline::idleness_plans_on(&prepared, po)?;
    let o = SimOptions {
        runs,
        seed,
        knowledge,
        ..SimOptions::default()
    };
    let steps = borderwatch::pipeline::idleness_ladder_on(&prepared, &plans, o, 0)?;
    if json {
        let rows = ladder::to_json(s, &steps);
        let v = serde_json::json!({"scenario": s.name, "runs": runs, "seed": seed, "knowledge": knowledge, "ladder": rows});
        println!("{}", serde_json::to_string_pretty(&v).unwrap());
    } else {
        print!("{}", ladder_table(s, &steps));
        println!("({runs} crossings per step, seed {seed}, {knowledge:?} smugglers)");
    }
    Ok(())
}

/// The ladder as a Markdown table: a row per rung, P(intercept) and
/// crossings that succeeded in all and into each State.
fn ladder_table(s: &Scenario, steps: &[StepResult]) -> String {
    let mut t = String::from("| step | P(intercept) | succeeded |");
    for st in &s.states {
        t += &format!(" into {}: P(intercept) | succeeded |", st.id);
    }
    t += "\n|---|---:|---:|";
    t += &"---:|---:|".repeat(s.states.len());
    t += "\n";
    for r in steps {
        t += &format!(
            "| {} | {:.3} | {} |",
            r.step, r.all.p_intercept, r.all.succeeded
        );
        for x in &r.per_state {
            t += &format!(" {:.3} | {} |", x.p_intercept, x.succeeded);
        }
        t += "\n";
    }
    t
}
