//! `needs` (ISACS 8.6): what buys the most — the joint interception game
//! re-solved per change, ranked by the gain in the guaranteed P(intercept).

use super::args::{CoopArgs, GameArgs};
use super::{game, load};
use borderwatch::error::Error;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    scenario: PathBuf,
    #[arg(long)]
    seed: Option<u64>,
    /// The cooperation as it is today.
    #[command(flatten)]
    coop: CoopArgs,
    /// Rounds each change runs on from the plan as it is.
    #[arg(long, default_value_t = 8)]
    change_rounds: usize,
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    game: GameArgs,
}

pub fn run(a: Args) -> Result<ExitCode, Error> {
    let s = load(&a.scenario)?;
    let seed = a.seed.unwrap_or(s.seed);
    let coop = a.coop.cooperation();
    game::needs(&s, coop, a.game.options(), a.change_rounds, seed, a.json)?;
    Ok(ExitCode::SUCCESS)
}
