//! `graph`: a State's patrol graph for one mode as files, with timed
//! shortest-path queries to check against another router.

use super::args::UnitModeArg;
use super::load;
use borderwatch::error::Error;
use borderwatch::limits;
use borderwatch::model::UnitMode;
use borderwatch::plan::export;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    scenario: PathBuf,
    /// The State (ISO code).
    #[arg(long)]
    state: String,
    #[arg(long, value_enum, default_value = "foot")]
    mode: UnitModeArg,
    #[arg(long)]
    out: PathBuf,
    /// Shortest-path queries to time (0: none).
    #[arg(long, default_value_t = 200)]
    queries: usize,
    #[arg(long)]
    seed: Option<u64>,
    #[arg(long)]
    json: bool,
}

pub fn run(a: Args) -> Result<ExitCode, Error> {
    let s = load(&a.scenario)?;
    let si = s
        .states
        .iter()
        .position(|st| {
            borderwatch::country::lookup(&a.state).is_some_and(|c| c.alpha3 == st.id.as_str())
        })
        .ok_or_else(|| {
            let states: Vec<&str> = s.states.iter().map(|st| st.id.as_str()).collect();
            Error::Usage(format!(
                "--state {:?}: not a State of {} ({})",
                a.state,
                a.scenario.display(),
                states.join(", ")
            ))
        })?;
    if let Some(p) = limits::count(
        "queries",
        a.queries as f64,
        "queries",
        limits::MAX_QUERIES as f64,
    ) {
        return Err(Error::Options(vec![p]));
    }
    let mode = UnitMode::from(a.mode);
    let t0 = std::time::Instant::now();
    let pg = export::build(&s, si, mode);
    let build_s = t0.elapsed().as_secs_f64();
    let mut set = borderwatch::io::OutSet::new(&a.out, "graph");
    export::put_graph(&s, &pg, &mut set)?;
    let (q, took) = export::queries(&pg, a.queries, a.seed.unwrap_or(s.seed));
    set.put("queries.csv", export::queries_csv(&q)?);
    let files = set.commit()?;
    let mean_ms = if q.is_empty() {
        0.0
    } else {
        took.as_secs_f64() * 1e3 / q.len() as f64
    };
    if a.json {
        let sum = serde_json::json!({
            "state": s.states[si].id.as_str(),
            "mode": mode.as_str(),
            "nodes": pg.g.node_count(),
            "edges": pg.g.edge_count(),
            "build_s": build_s,
            "queries": q.len(),
            "reached": q.iter().filter(|x| x.2.is_some()).count(),
            "query_total_s": took.as_secs_f64(),
            "query_mean_ms": mean_ms,
        });
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
            mean_ms
        );
        println!("wrote {} files to {}", files.len(), a.out.display());
    }
    Ok(ExitCode::SUCCESS)
}
