//! The command line's interception-game commands: `compare` (the ladder
//! planned rung by rung) and `plan --objective interception`.

use borderwatch::error::{Error, Result};
use borderwatch::game::run::{self, RungResult};
use borderwatch::game::GameOptions;
use borderwatch::model::Scenario;
use borderwatch::plan::{PlanMode, PlanOptions, Planner, UnitLayer};
use borderwatch::sim::{SimOptions, World};

/// The idleness planner's (independent, joint) plans: the baseline.
pub fn idleness_plans(s: &Scenario, seed: u64) -> Result<(Vec<UnitLayer>, Vec<UnitLayer>, f64)> {
    let pl = Planner::new(
        s,
        PlanOptions {
            seed,
            ..PlanOptions::for_scenario(s, PlanMode::Joint)
        },
    )?;
    let rs = pl.solve_modes(&[PlanMode::Independent, PlanMode::Joint]);
    let ind = pl.layers_as(&rs[0], PlanMode::Independent);
    let joint = pl.layers_as(&rs[1], PlanMode::Joint);
    Ok((ind.units, joint.units, joint.horizon_s))
}

/// `compare` with the interception objective.
pub fn compare(s: &Scenario, runs: usize, seed: u64, o: GameOptions, json: bool) -> Result<()> {
    if runs == 0 {
        return Err(Error::Other("--runs must be at least 1".into()));
    }
    let (ind, joint, horizon) = idleness_plans(s, seed)?;
    let mut w = World::new(
        s,
        Vec::new(),
        horizon,
        SimOptions {
            runs,
            seed,
            ..SimOptions::default()
        },
    )?;
    let rows = run::ladder(&mut w, (&ind, &joint), &o, runs, seed)?;
    if json {
        let v = serde_json::json!({"scenario": s.name, "objective": "interception", "runs": runs, "seed": seed, "gap_target": o.gap, "ladder": rows.iter().map(row_json).collect::<Vec<_>>()});
        println!("{}", serde_json::to_string_pretty(&v).unwrap());
        return Ok(());
    }
    println!("| rung | guaranteed P(intercept) | bound | gap | best response | simulated vs best response (95 % CI) | random smugglers | idleness plan's guarantee | rounds | s |");
    println!("|---|---:|---:|---:|---|---:|---:|---:|---:|---:|");
    for r in &rows {
        println!(
            "| {} | {:.3} | {:.3} | {:.1} % | {} | {:.3} ({:.3}–{:.3}) | {:.3} | {} | {} | {:.1} |",
            r.step,
            r.guaranteed_p_intercept,
            r.upper_bound,
            r.gap * 100.0,
            r.best_response,
            r.best_response_sim.p_intercept,
            r.best_response_sim.ci95[0],
            r.best_response_sim.ci95[1],
            r.random_sim.p_intercept,
            r.idleness_guaranteed
                .map(|x| format!("{x:.3}"))
                .unwrap_or_else(|| "–".into()),
            r.iterations,
            r.solve_s
        );
    }
    println!("({runs} crossings per rung and smuggler, seed {seed}; guaranteed = the worst target's value-weighted P(intercept) against the published mix)");
    Ok(())
}

fn row_json(r: &RungResult) -> serde_json::Value {
    let mut v = serde_json::to_value(r).unwrap();
    // beside the figure older readers know
    v["p_intercept"] = serde_json::json!(r.best_response_sim.p_intercept);
    v["per_state"] = serde_json::Value::Object(
        r.random_per_state
            .iter()
            .map(|(k, e)| (k.clone(), serde_json::to_value(e).unwrap()))
            .collect(),
    );
    v
}
