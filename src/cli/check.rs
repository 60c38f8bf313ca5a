//! `check` (every problem of a scenario) and `info` (its summary figures).

use super::{load, print_problems};
use borderwatch::error::Error;
use borderwatch::scenario;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct CheckArgs {
    scenario: PathBuf,
    /// Print the problems as JSON.
    #[arg(long)]
    json: bool,
}

/// Exit 0 only when the scenario is valid.
pub fn check(a: CheckArgs) -> Result<ExitCode, Error> {
    let l = scenario::load(&a.scenario);
    let valid = l.scenario.is_some();
    if a.json {
        let out = serde_json::json!({"valid": valid, "problems": l.problems});
        println!("{}", serde_json::to_string_pretty(&out).unwrap());
    } else {
        print_problems(&l.problems);
        let (e, w) = (l.problems.errors().count(), l.problems.warnings().count());
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        if valid {
            println!("{}: valid ({w} warning{})", a.scenario.display(), plural(w));
        } else {
            eprintln!(
                "{}: {e} error{}, {w} warning{}",
                a.scenario.display(),
                plural(e),
                plural(w)
            );
        }
    }
    Ok(if valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

#[derive(clap::Args)]
pub struct InfoArgs {
    scenario: PathBuf,
    #[arg(long)]
    json: bool,
}

pub fn info(a: InfoArgs) -> Result<ExitCode, Error> {
    let s = load(&a.scenario)?;
    let info = borderwatch::info::info(&s);
    if a.json {
        println!("{}", serde_json::to_string_pretty(&info).unwrap());
    } else {
        print!("{info}");
    }
    Ok(ExitCode::SUCCESS)
}
