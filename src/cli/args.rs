//! Flags shared by several commands, and the closed choices as clap value
//! enums: clap lists the possible values in `--help` and names them when a
//! user types another.

use borderwatch::assess::AssessOptions;
use borderwatch::game::GameOptions;

/// How the interception game values targets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ValuesArg {
    Risk,
    Flat,
}

impl From<ValuesArg> for borderwatch::game::targets::Values {
    fn from(v: ValuesArg) -> Self {
        match v {
            ValuesArg::Risk => Self::Risk,
            ValuesArg::Flat => Self::Flat,
        }
    }
}

/// What a plan optimises.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Objective {
    Interception,
    Idleness,
}

/// Joint or independent planning.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ModeArg {
    Joint,
    Independent,
}

impl From<ModeArg> for borderwatch::plan::PlanMode {
    fn from(m: ModeArg) -> Self {
        match m {
            ModeArg::Joint => Self::Joint,
            ModeArg::Independent => Self::Independent,
        }
    }
}

/// How much the smugglers know.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum KnowledgeArg {
    Random,
    RiskAware,
    BestResponse,
}

impl From<KnowledgeArg> for borderwatch::sim::Knowledge {
    fn from(k: KnowledgeArg) -> Self {
        match k {
            KnowledgeArg::Random => Self::Random,
            KnowledgeArg::RiskAware => Self::RiskAware,
            KnowledgeArg::BestResponse => Self::BestResponse,
        }
    }
}

/// A unit's mode of travel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum UnitModeArg {
    Foot,
    Vehicle,
    Boat,
}

impl From<UnitModeArg> for borderwatch::model::UnitMode {
    fn from(m: UnitModeArg) -> Self {
        match m {
            UnitModeArg::Foot => Self::Foot,
            UnitModeArg::Vehicle => Self::Vehicle,
            UnitModeArg::Boat => Self::Boat,
        }
    }
}

/// The terrain the posts see over (`assess`, `site`, `plan`).
#[derive(clap::Args)]
pub struct TerrainArgs {
    /// Terrain grid cell (resampled from the DEM).
    #[arg(long, default_value_t = 60.0)]
    pub cell_m: f64,
    /// Height of a crossing person above ground.
    #[arg(long, default_value_t = 1.7)]
    pub target_height_m: f64,
}

impl TerrainArgs {
    pub fn options(&self) -> AssessOptions {
        AssessOptions {
            cell_m: self.cell_m,
            target_height_m: self.target_height_m,
            ..Default::default()
        }
    }
}

/// The assessment's options (`assess`, `site`).
#[derive(clap::Args)]
pub struct AssessArgs {
    /// Segment length along the border.
    #[arg(long, default_value_t = 250.0)]
    pub segment_m: f64,
    /// Detection probability a segment needs to count as covered.
    #[arg(long, default_value_t = 0.5)]
    pub threshold: f64,
    #[command(flatten)]
    pub terrain: TerrainArgs,
}

impl AssessArgs {
    pub fn options(&self) -> AssessOptions {
        AssessOptions {
            segment_m: self.segment_m,
            threshold: self.threshold,
            ..self.terrain.options()
        }
    }
}

/// The interception game's options (`plan`, `compare`, `needs`).
#[derive(clap::Args)]
pub struct GameArgs {
    /// Interception: stop each game at this relative gap between guarantee
    /// and bound.
    #[arg(long, default_value_t = 0.05)]
    pub gap: f64,
    /// Interception: rounds of each game's double oracle (the same figures
    /// on any machine).
    #[arg(long, default_value_t = 24)]
    pub rounds: usize,
    /// Interception: also stop each game after this many seconds (then the
    /// figures depend on the machine's speed).
    #[arg(long)]
    pub time_limit_s: Option<f64>,
    /// Value of the smuggler's targets: risk (the risk model: a low-risk
    /// route may be left more open) or flat (every target alike: the game
    /// guarantees plain P(intercept)).
    #[arg(long, value_enum, default_value = "risk")]
    pub values: ValuesArg,
    /// Interception: the smuggler may also cross off the mapped ways —
    /// cross-country corridors over green border (least-time walks on the
    /// DEM) and boat crossings of blue border, every 1.5 km of line that no
    /// mapped route crosses.
    #[arg(long)]
    pub corridors: bool,
}

impl GameArgs {
    pub fn options(&self) -> GameOptions {
        GameOptions {
            gap: self.gap,
            time_limit_s: self.time_limit_s.unwrap_or(f64::INFINITY),
            max_iters: self.rounds,
            values: self.values.into(),
            corridors: self.corridors,
            ..Default::default()
        }
    }
}

/// The cooperation between the two States (`plan`, `simulate`, `needs`).
#[derive(clap::Args)]
pub struct CoopArgs {
    /// Detections by either State's posts and units reach both States'
    /// units (the other State's after the liaison delay).
    #[arg(long)]
    pub shared_feeds: bool,
    /// Units may pursue across the line (as far as the agreement allows).
    #[arg(long)]
    pub hot_pursuit: bool,
}

impl CoopArgs {
    pub fn cooperation(&self) -> borderwatch::sim::Cooperation {
        borderwatch::sim::Cooperation {
            shared_feeds: self.shared_feeds,
            hot_pursuit: self.hot_pursuit,
        }
    }
}
