//! `crossings`: the official crossings as queues under each inspection
//! strategy.

use super::load;
use borderwatch::error::{Error, OptionProblem};
use borderwatch::limits;
use borderwatch::sim::queue::{crossing_figures, read_traffic, CrossingFigures, Traffic};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
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
}

pub fn run(a: Args) -> Result<ExitCode, Error> {
    let s = load(&a.scenario)?;
    let mut bad = Vec::new();
    if !(a.arrivals_per_h.is_finite() && a.arrivals_per_h > 0.0) {
        bad.push(OptionProblem::new(
            "arrivals_per_h",
            format!("must be a finite number > 0, found {}", a.arrivals_per_h),
        ));
    }
    if a.lanes == 0 || a.lanes > limits::MAX_LANES {
        bad.push(OptionProblem::new(
            "lanes",
            format!("must be 1 to {}, found {}", limits::MAX_LANES, a.lanes),
        ));
    }
    if !(0.0..=1.0).contains(&a.illicit_share) {
        bad.push(OptionProblem::new(
            "illicit_share",
            format!("must be in 0..1, found {}", a.illicit_share),
        ));
    }
    if !bad.is_empty() {
        return Err(Error::Options(bad));
    }
    let base = Traffic {
        arrivals_per_h: a.arrivals_per_h,
        lanes: a.lanes,
        illicit_share: a.illicit_share,
        ..Traffic::default()
    };
    let counts = match &a.traffic {
        Some(p) => read_traffic(p, &s)?,
        None => Default::default(),
    };
    let figs = crossing_figures(&s, &base, &counts);
    if a.json {
        let out = serde_json::json!({"scenario": s.name, "crossings": figs});
        println!("{}", serde_json::to_string_pretty(&out).unwrap());
    } else {
        print!("{}", table(&figs));
    }
    Ok(ExitCode::SUCCESS)
}

/// The figures as a Markdown table, a row per crossing and strategy.
fn table(figs: &[CrossingFigures]) -> String {
    let mut t = String::from(
        "| crossing | veh/h | lanes | strategy | utilisation | mean wait | throughput/h | illicit caught |\n|---|---:|---:|---|---:|---:|---:|---:|\n",
    );
    for c in figs {
        let assumed = if c.traffic_assumed {
            " (assumed traffic)"
        } else {
            ""
        };
        for f in &c.strategies {
            let wait = match f.mean_wait_min {
                Some(w) => format!("{w:.1} min"),
                None => format!("grows by {:?} veh/h", f.backlog_per_h),
            };
            t += &format!(
                "| {} {}{assumed} | {:?} | {} | {} | {:.0} % | {wait} | {:?} | {:.1} % |\n",
                c.crossing,
                c.name,
                c.traffic.arrivals_per_h,
                c.traffic.lanes,
                f.strategy.as_str(),
                f.utilisation * 100.0,
                f.throughput_per_h,
                f.illicit_caught_share * 100.0
            );
        }
    }
    t
}
