//! A plan's options and their checks before any work.

use crate::assess::AssessOptions;
use crate::error::{Error, OptionProblem, Problem, Problems, Result};
use crate::model::Scenario;
use crate::model::DEFAULT_ACCESS_M;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PlanMode {
    Joint,
    Independent,
}

impl PlanMode {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Joint => "joint",
            Self::Independent => "independent",
        }
    }
}

/// Longest stay at a watch point (minutes): a shift's worth.
pub const MAX_DWELL_MIN: f64 = 240.0;

/// Options of a plan.
#[derive(Clone, Debug, Serialize)]
pub struct PlanOptions {
    pub hours: f64,
    pub mode: PlanMode,
    pub seed: u64,
    /// Spacing of the watch points along the border.
    pub watch_m: f64,
    /// Longest straight walk between a post or border point and the network.
    pub access_m: f64,
    /// A point is visited from a network node this close.
    pub observe_m: f64,
    /// Candidate shift staggerings tried.
    pub stagger_candidates: usize,
    /// Randomised route variants (the mixed strategy draws among them).
    pub variants: usize,
    /// Variants may be this much worse (fraction) than the best plan.
    pub max_loss: f64,
    /// Longest leg between two watch points the planner considers, hours.
    pub max_leg_h: f64,
    /// Minutes a unit stays to watch at each watch point it heads for
    /// (the points it passes on the way are watched in passing).
    pub dwell_min: f64,
    /// Assessment (post coverage and risk) behind the weights; its
    /// `progress` also reports and cancels the planning.
    #[serde(skip)]
    pub assess: AssessOptions,
}

impl PlanOptions {
    /// Defaults for `mode`, seeded by the scenario's seed.
    pub fn for_scenario(s: &Scenario, mode: PlanMode) -> Self {
        PlanOptions {
            mode,
            seed: s.seed,
            ..PlanOptions::default()
        }
    }
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            hours: 24.0,
            mode: PlanMode::Joint,
            seed: 0,
            watch_m: 500.0,
            access_m: DEFAULT_ACCESS_M,
            observe_m: 300.0,
            stagger_candidates: 6,
            variants: 8,
            max_loss: 0.15,
            max_leg_h: 3.0,
            dwell_min: 0.0,
            assess: AssessOptions::default(),
        }
    }
}

/// Errors in the options, before any work.
pub fn check_options(s: &Scenario, o: &PlanOptions) -> Result<()> {
    let mut bad = Vec::new();
    if !(o.hours.is_finite() && o.hours > 0.0 && o.hours <= 168.0) {
        bad.push(OptionProblem::new(
            "hours",
            format!("must be in (0, 168] (up to 7 days), found {}", o.hours),
        ));
    } else if o.hours > 24.0 && (o.hours / 24.0 - (o.hours / 24.0).round()).abs() > 1e-9 {
        bad.push(OptionProblem::new(
            "hours",
            format!(
                "over 24 must be whole days (48, 72, …, 168), found {}",
                o.hours
            ),
        ));
    }
    for (field, v) in [
        ("watch_m", o.watch_m),
        ("access_m", o.access_m),
        ("observe_m", o.observe_m),
        ("max_leg_h", o.max_leg_h),
    ] {
        if !(v.is_finite() && v > 0.0) {
            bad.push(OptionProblem::new(field, format!("must be > 0, found {v}")));
        }
    }
    if o.watch_m.is_finite() && o.watch_m > 0.0 {
        let border_m: f64 = s.border.iter().map(|b| b.length_km() * 1000.0).sum();
        bad.extend(crate::limits::per_length(
            "watch_m",
            o.watch_m,
            border_m,
            "watch points",
            crate::limits::MAX_WATCH_POINTS,
        ));
    }
    bad.extend(crate::limits::count(
        "variants",
        o.variants as f64,
        "route variants per unit",
        crate::limits::MAX_VARIANTS as f64,
    ));
    if !(0.0..=MAX_DWELL_MIN).contains(&o.dwell_min) {
        bad.push(OptionProblem::new(
            "dwell_min",
            format!(
                "must be in 0..{MAX_DWELL_MIN} (minutes at each watch point), found {}",
                o.dwell_min
            ),
        ));
    }
    if !(0.0..=10.0).contains(&o.max_loss) {
        bad.push(OptionProblem::new(
            "max_loss",
            format!("must be in 0..10, found {}", o.max_loss),
        ));
    }
    if !bad.is_empty() {
        return Err(Error::Options(bad));
    }
    let mut problems = Problems::default();
    if s.units.is_empty() {
        problems.push(
            Problem::error(&s.path, "no units to plan: add [[units]] with a home post")
                .field("units"),
        );
    }
    for u in &s.units {
        if u.shift_hours * 3600.0 > o.hours * 3600.0 + 1e-6 {
            problems.push(
                Problem::error(
                    &s.path,
                    format!(
                        "the {} h horizon is shorter than the unit's {} h shift: plan at least one whole shift",
                        o.hours, u.shift_hours
                    ),
                )
                .id(u.id.to_string())
                .field("shift_hours"),
            );
        }
        if u.shift_hours > 16.0 {
            problems.push(
                Problem::error(
                    &s.path,
                    format!(
                        "a {} h shift leaves less than 8 h rest in 24 h; at most 16 h",
                        u.shift_hours
                    ),
                )
                .id(u.id.to_string())
                .field("shift_hours"),
            );
        }
    }
    if problems.has_errors() {
        return Err(Error::Invalid(problems));
    }
    Ok(())
}
