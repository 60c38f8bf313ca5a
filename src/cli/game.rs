//! The command line's interception-game commands: `compare` (the ladder
//! planned rung by rung) and `plan --objective interception`.

use borderwatch::error::{Error, Result};
use borderwatch::game::run::{self, RungResult};
use borderwatch::game::GameOptions;
use borderwatch::model::Scenario;
use borderwatch::pipeline;
use borderwatch::plan::{PlanMode, PlanOptions};
use borderwatch::sim::{SimOptions, World};

/// The idleness planner's options for the ladders: the scenario's, with
/// this seed (its plans of both modes are the interception ladder's
/// baseline).
pub fn ladder_plan_options(s: &Scenario, seed: u64) -> PlanOptions {
    PlanOptions {
        seed,
        ..PlanOptions::for_scenario(s, PlanMode::Joint)
    }
}

/// `compare` with the interception objective.
pub fn compare(s: &Scenario, runs: usize, seed: u64, o: GameOptions, json: bool) -> Result<()> {
    borderwatch::sim::check_runs(runs)?;
    let po = ladder_plan_options(s, seed);
    // one terrain and one set of viewsheds for the baseline and the game
    let prepared = pipeline::prepare(s, &po)?;
    let plans = pipeline::idleness_plans_on(&prepared, po)?;
    let rows = pipeline::interception_ladder_on(&prepared, &plans, &o, runs, seed)?;
    if json {
        let v = serde_json::json!({"scenario": s.name, "objective": "interception", "values": o.values.as_str(), "runs": runs, "seed": seed, "gap_target": o.gap, "ladder": rows.iter().map(row_json).collect::<Vec<_>>()});
        println!("{}", serde_json::to_string_pretty(&v).unwrap());
        return Ok(());
    }
    println!("| rung | guaranteed | bound | gap | best response | its P(intercept): planner | simulated (95 % CI) | random smugglers | idleness plan's guarantee | rounds | s |");
    println!("|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|");
    for r in &rows {
        println!(
            "| {} | {:.3} | {:.3} | {:.1} % | {} | {:.3} | {:.3} ({:.3}–{:.3}) | {:.3} | {} | {} | {:.1} |",
            r.step,
            r.guaranteed_p_intercept,
            r.upper_bound,
            r.gap * 100.0,
            r.best_response,
            r.best_response_expected_p_intercept,
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
    for r in rows.iter().filter(|r| !r.own_games.is_empty()) {
        println!("{}: {}", r.step, own_games_text(&r.own_games));
    }
    println!(
        "({runs} crossings per rung and smuggler, seed {seed}; guaranteed = the lowest over every target of {} against the published mix)",
        if o.values == borderwatch::game::targets::Values::Flat {
            "P(intercept)"
        } else {
            "1 − value × (1 − P(intercept))"
        }
    );
    Ok(())
}

/// Each State's own game of an independent plan, as one line: what each
/// guarantees on its own side and how well its game was solved (the
/// independent plan's bound and gap are the joint game's).
fn own_games_text(games: &[run::OwnGame]) -> String {
    let each: Vec<String> = games
        .iter()
        .map(|g| {
            format!(
                "{} {:.3} (bound {:.3}, gap {:.1} %, {} rounds, {:.1} s)",
                g.state,
                g.guaranteed,
                g.upper_bound,
                g.gap * 100.0,
                g.iterations,
                g.solve_s
            )
        })
        .collect();
    format!(
        "each State's own game against the targets entering its side: {}; the bound and gap of the two together are the joint game's",
        each.join("; ")
    )
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

/// `plan --objective interception`.
pub fn plan(
    s: &Scenario,
    po: PlanOptions,
    go: GameOptions,
    coop: borderwatch::sim::Cooperation,
    out: &std::path::Path,
    start: Option<time::OffsetDateTime>,
    json: bool,
) -> Result<()> {
    use borderwatch::game::{output, targets};
    let longest = s.units.iter().map(|u| u.shift_hours).fold(0.0, f64::max);
    if po.hours < longest {
        return Err(Error::Usage(format!(
            "--hours {}: shorter than the longest shift ({longest} h): an interception plan covers whole shifts",
            po.hours
        )));
    }
    let seed = po.seed;
    let hours = po.hours;
    let mode = po.mode;
    let po_assess = po.assess.clone();
    // one terrain and one set of viewsheds for the baseline and the game
    let prepared = pipeline::prepare(s, &po)?;
    // the idleness plan: the baseline, and the game's first plan
    let plans = pipeline::idleness_plans_on(&prepared, po)?;
    let (ind, joint) = (plans.independent.units, plans.joint.units);
    let mut w = World::on(
        &prepared,
        Vec::new(),
        hours * 3600.0,
        SimOptions {
            seed,
            corridors: go.corridors,
            assess: po_assess,
            // day and night by the clock (the offset `--start` gives)
            clock_offset_s: start.map_or(0.0, |t| {
                let c = t.time();
                (c.hour() as u32 * 3600 + c.minute() as u32 * 60 + c.second() as u32) as f64
            }),
            ..SimOptions::default()
        },
    )?;
    w.o.coop = coop;
    let all = targets::all(&w, go.values);
    let p = match mode {
        PlanMode::Joint => run::plan(&w, run::units_of(&w, None), all, &joint, None, &go)?,
        PlanMode::Independent => run::independent(&w, &all, &ind, &go, seed)?,
    };
    let m = output::metrics(&w, &p, mode.as_str(), hours, seed, go.values);
    let files = output::write_all(&w, &p, out, hours, seed, m.clone(), start)?;
    if json {
        let mut m = m;
        m["solve_s"] = serde_json::json!((p.solution.elapsed_s * 10.0).round() / 10.0);
        println!("{}", serde_json::to_string_pretty(&m).unwrap());
        return Ok(());
    }
    let sol = &p.solution;
    if p.units.is_empty() {
        println!("no units: the figures are what the posts alone achieve (nobody responds, so nothing is intercepted)");
    }
    println!(
        "{} interception plan, {} units, {} h: guaranteed P(intercept) {:.3} (value-weighted, against the best-responding smuggler); bound {:.3}, gap {:.1} % ({} rounds, {:.1} s, {})",
        mode.as_str(),
        p.units.len(),
        hours,
        sol.guaranteed,
        sol.upper_bound,
        sol.gap() * 100.0,
        sol.iterations,
        sol.elapsed_s,
        sol.stop
    );
    let bt = &p.targets[sol.best_response];
    println!(
        "  the smuggler's best response: {} (value {:.2}): P(detect) {:.3}, P(intercept) {:.3}",
        run::describe(&w, bt),
        bt.value,
        sol.against[sol.best_response].0,
        sol.against[sol.best_response].1
    );
    if let Some(b) = p.baseline_guaranteed {
        println!("  the idleness plan alone guarantees {b:.3} against the same targets");
    }
    if !p.own_games.is_empty() {
        println!("  {}", own_games_text(&p.own_games));
    }
    println!(
        "  mixed strategy: {} plans; the day's orders are a seeded draw (duties.csv, orders/, gpx/)",
        sol.mix.iter().filter(|x| **x > 1e-9).count()
    );
    println!("wrote {} files to {}", files.len(), out.display());
    Ok(())
}

/// `simulate` against a plan with a published mix (`v`: the plan file as
/// read from `plan`); `false` when the plan has none (an idleness plan: the
/// caller replays its units).
#[allow(clippy::too_many_arguments)]
pub fn simulate_mix(
    s: &Scenario,
    plan: &std::path::Path,
    v: &borderwatch::formats::plan_json::PlanJson,
    horizon_s: f64,
    o: SimOptions,
    out: &std::path::Path,
    events: usize,
    json: bool,
) -> Result<bool> {
    use borderwatch::game::{evaluate, output, run};
    if v.mix.is_none() {
        return Ok(false);
    }
    let (runs, seed, knowledge) = (o.runs, o.seed, o.knowledge);
    // the smuggler's options the plan was made against
    let o = SimOptions {
        corridors: v.metrics.corridors == Some(true),
        clock_offset_s: v.metrics.clock_offset_s.unwrap_or(0.0),
        ..o
    };
    let w = World::new(s, Vec::new(), horizon_s, o)?;
    let go = GameOptions::default();
    let per = go.entries_per_hour;
    let Some((g, probs)) = output::read_mix(&w, v, plan, go)? else {
        return Ok(false);
    };
    let against = g.against(&probs);
    let (bi, _) = g.worst(&against);
    let bt = &g.targets[bi];
    let mix = evaluate::Mix {
        pool: &g.pool,
        plans: g.plans(),
        probs: &probs,
    };
    let tally = evaluate::replay_tally(&w, &mix, knowledge, Some(bt), runs, seed, per, events);
    let files = borderwatch::sim::output::write_all(&w, &tally, out)?;
    let (d, i) = tally.all.counts();
    let e = evaluate::Estimate::of_counts(tally.runs(), d, i);
    let planned = against[bi].1;
    if json {
        let mut sum = borderwatch::sim::output::summary(&w, &tally);
        sum["against_mix"] = serde_json::json!({"plans": probs.len(), "best_response": run::describe(&w, bt), "planner_p_intercept": (planned * 1e4).round() / 1e4, "simulated": e});
        println!("{}", serde_json::to_string_pretty(&sum).unwrap());
        return Ok(true);
    }
    println!(
        "{} crossings against the published mix ({} plans, each run its own draw): P(detect) {:.3}, P(intercept) {:.3} (95 % CI {:.3}–{:.3})",
        tally.runs(),
        probs.len(),
        e.p_detect,
        e.p_intercept,
        e.ci95[0],
        e.ci95[1]
    );
    if knowledge == borderwatch::sim::Knowledge::BestResponse {
        println!(
            "  best response to the mix: {}; the planner's P(intercept) there {:.3}",
            run::describe(&w, bt),
            planned
        );
    }
    println!("wrote {} files to {}", files.len(), out.display());
    Ok(true)
}

/// `needs`: the ranked table of changes.
pub fn needs(
    s: &Scenario,
    coop: borderwatch::sim::Cooperation,
    o: GameOptions,
    change_rounds: usize,
    seed: u64,
    json: bool,
) -> Result<()> {
    let (now, rows) = borderwatch::game::needs::needs(s, coop, &o, change_rounds, seed)?;
    if json {
        let v = serde_json::json!({"scenario": s.name, "seed": seed, "rounds": o.max_iters, "change_rounds": change_rounds, "as_it_is": now, "changes": rows});
        println!("{}", serde_json::to_string_pretty(&v).unwrap());
        return Ok(());
    }
    println!(
        "as it is: guaranteed P(intercept) {:.3} (bound {:.3}, gap {:.1} %)",
        now.guaranteed_p_intercept,
        now.upper_bound,
        now.gap * 100.0
    );
    println!("| rank | change | guaranteed P(intercept) | gain | bound | gap |");
    println!("|---:|---|---:|---:|---:|---:|");
    for (i, r) in rows.iter().enumerate() {
        println!(
            "| {} | {} | {:.3} | {} | {:.3} | {:.1} % |",
            i + 1,
            r.change,
            r.guaranteed_p_intercept,
            borderwatch::view::signed(r.gain, 3),
            r.upper_bound,
            r.gap * 100.0
        );
    }
    println!("(each change starts from the plan as it is and solves {change_rounds} rounds more, seed {seed}: part of a small gain is that extra solving — compare with the smallest gains in the table)");
    Ok(())
}
