//! `view`: the map window (feature `viewer`).

use super::args::ModeArg;
use borderwatch::error::Error;
use std::path::PathBuf;
use std::process::ExitCode;

/// What the border is coloured by.
#[cfg_attr(not(feature = "viewer"), allow(dead_code))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ColourArg {
    Kind,
    Coverage,
    Risk,
    Idleness,
}

/// A rung of the cooperation ladder.
#[cfg_attr(not(feature = "viewer"), allow(dead_code))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum RungArg {
    Independent,
    Joint,
    SharedFeeds,
    HotPursuit,
}

#[cfg_attr(not(feature = "viewer"), allow(dead_code))]
#[derive(clap::Args)]
pub struct ViewArgs {
    /// Scenario TOML (default: scenarios/andorra-spain.toml).
    scenario: Option<PathBuf>,
    /// Render one frame to this PNG and exit (for tests and reports).
    #[arg(long)]
    screenshot: Option<PathBuf>,
    /// Window size for --screenshot, WIDTHxHEIGHT.
    #[arg(long, default_value = "1280x800")]
    size: String,
    /// Colour the border by: kind (green/blue), coverage, risk, or
    /// idleness (of the patrol plan).
    #[arg(long, value_enum, default_value = "kind")]
    colour: ColourArg,
    /// Show the posts' viewsheds.
    #[arg(long)]
    viewsheds: bool,
    /// Which patrol plan to show (both are planned in the background).
    #[arg(long, value_enum, default_value = "joint")]
    plan: ModeArg,
    /// Time on the plan's timeline: HH:MM (day 1) or "D HH:MM".
    #[arg(long)]
    time: Option<String>,
    /// The rung of the cooperation ladder whose simulated crossings
    /// are replayed first (the window simulates all four once the plans
    /// are ready; with --screenshot it simulates only when this is given,
    /// and waits for it).
    #[arg(long, value_enum)]
    replay: Option<RungArg>,
    /// Frame benchmark: once everything is loaded, play the timeline for N
    /// frames, print the load time and the median frame time as JSON, and
    /// exit.
    #[arg(long)]
    bench_frames: Option<u32>,
    /// Open the editor on this post (its form and units), e.g. AD-OP2.
    #[arg(long)]
    select: Option<String>,
}

impl Default for ViewArgs {
    /// The window on the default scenario, as `borderwatch` alone opens it.
    fn default() -> Self {
        ViewArgs {
            scenario: None,
            screenshot: None,
            size: "1280x800".into(),
            colour: ColourArg::Kind,
            viewsheds: false,
            plan: ModeArg::Joint,
            time: None,
            replay: None,
            bench_frames: None,
            select: None,
        }
    }
}

#[cfg(feature = "viewer")]
fn default_scenario() -> PathBuf {
    let local = PathBuf::from("scenarios/andorra-spain.toml");
    if local.exists() {
        local
    } else {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/andorra-spain.toml")
    }
}

#[cfg(feature = "viewer")]
pub fn view(a: ViewArgs) -> Result<ExitCode, Error> {
    use borderwatch::sim::ladder::{step_of, LADDER};
    use borderwatch::viewer::{assess::BorderColouring, ViewOptions};
    let path = a.scenario.clone().unwrap_or_else(default_scenario);
    let replay = a.replay.map(|r| {
        let key = match r {
            RungArg::Independent => "independent",
            RungArg::Joint => "joint",
            RungArg::SharedFeeds => "shared-feeds",
            RungArg::HotPursuit => "hot-pursuit",
        };
        step_of(key).expect("every rung is on the ladder")
    });
    let colouring = match a.colour {
        ColourArg::Kind => BorderColouring::Kind,
        ColourArg::Coverage => BorderColouring::Coverage,
        ColourArg::Risk => BorderColouring::Risk,
        ColourArg::Idleness => BorderColouring::Idleness,
    };
    let plan = match replay {
        // the rung's plan
        Some(i) => LADDER[i].plan,
        None => a.plan.into(),
    };
    let time_s = match a.time.as_deref() {
        None => None,
        Some(t) => Some(borderwatch::viewer::plan::parse_clock(t).ok_or_else(|| {
            Error::Usage(format!(
                "--time {t:?}: expected HH:MM (day 1) or \"D HH:MM\", e.g. 08:30 or \"2 14:00\""
            ))
        })?),
    };
    let size = &a.size;
    let (w, h) = size
        .split_once('x')
        .and_then(|(w, h)| Some((w.parse::<u32>().ok()?, h.parse::<u32>().ok()?)))
        .ok_or_else(|| {
            Error::Usage(format!(
                "--size {size:?}: expected WIDTHxHEIGHT, e.g. 1280x800"
            ))
        })?;
    let s = super::load(&path)?;
    let select = match a.select {
        None => None,
        Some(id) => {
            let id = borderwatch::ids::PostId::new(id);
            if s.post(&id).is_none() {
                let posts: Vec<&str> = s.posts.iter().map(|p| p.id.as_str()).collect();
                return Err(Error::Usage(format!(
                    "--select {id}: no such post in {} (posts: {})",
                    path.display(),
                    posts.join(", ")
                )));
            }
            Some(id)
        }
    };
    // an interactive session counts as opening the file; a screenshot or a
    // benchmark does not
    if a.screenshot.is_none() && a.bench_frames.is_none() {
        let _ = borderwatch::recent::remember(&path);
    }
    let o = ViewOptions {
        screenshot: a.screenshot,
        size: (w, h),
        colouring,
        viewsheds: a.viewsheds,
        plan,
        time_s,
        replay,
        bench_frames: a.bench_frames,
        select,
    };
    borderwatch::viewer::run(s, o)
}

#[cfg(not(feature = "viewer"))]
pub fn view(_: ViewArgs) -> Result<ExitCode, Error> {
    Err(Error::Usage(
        "this borderwatch was built without the map window (cargo feature `viewer`); rebuild with default features, or use the CLI: check, info, import, assess, plan".into(),
    ))
}
