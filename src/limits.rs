//! Budgets that bound the work one option can ask for, checked before
//! anything is allocated. A request over budget is refused with the limit,
//! what it would cost, and the smallest option value that fits, so a typo
//! (`--cell-m 0.0001`) is an error in milliseconds, not an abort after
//! gigabytes.
//!
//! The budgets are generous for real borders: the shipped USA–Mexico
//! scenario (3,100 km of border) uses under a tenth of each.

use crate::error::OptionProblem;

/// Terrain grid cells: 5 bytes each while it is built (a height and a
/// coverage flag), so 80 M cells ≈ 400 MB.
pub const MAX_TERRAIN_CELLS: f64 = 80e6;
/// Bytes per terrain cell while the grid is built.
pub const TERRAIN_CELL_BYTES: f64 = 5.0;
/// Border segments of the assessment.
pub const MAX_SEGMENTS: f64 = 500_000.0;
/// Samples along the border (each with every post's look).
pub const MAX_SAMPLES: f64 = 2e6;
/// Watch points of the idleness planner.
pub const MAX_WATCH_POINTS: f64 = 100_000.0;
/// Simulated crossings in one run of `simulate` or `compare` (each
/// outcome is kept for the figures and the events log).
pub const MAX_RUNS: u64 = 5_000_000;
/// Bytes per simulated crossing kept.
pub const OUTCOME_BYTES: f64 = 160.0;
/// Route variants per unit in the idleness planner's mixed strategy.
pub const MAX_VARIANTS: usize = 64;
/// Timed queries of `graph --queries`.
pub const MAX_QUERIES: usize = 1_000_000;
/// A GeoJSON layer (read whole): 1 GiB.
pub const MAX_LAYER_BYTES: u64 = 1 << 30;
/// New post sites `site` proposes in one run.
pub const MAX_SITES: usize = 200;
/// Inspection lanes of one official crossing.
pub const MAX_LANES: usize = 1_000;
/// A table a user hands over (traffic counts, candidate sites): read
/// whole, so bounded.
pub const MAX_TABLE_BYTES: u64 = 64 << 20;

/// `n` with an SI suffix: 3.8e14 → "380 T".
pub fn si(n: f64) -> String {
    let (v, s) = if n >= 1e18 {
        (n / 1e18, " E")
    } else if n >= 1e15 {
        (n / 1e15, " P")
    } else if n >= 1e12 {
        (n / 1e12, " T")
    } else if n >= 1e9 {
        (n / 1e9, " G")
    } else if n >= 1e6 {
        (n / 1e6, " M")
    } else if n >= 1e3 {
        (n / 1e3, " k")
    } else {
        (n, " ")
    };
    let v = if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    };
    format!("{v}{s}").trim_end().to_string()
}

/// A count over budget: `field` asks for `count` `what` (costing `bytes`
/// when known); `fits` is the smallest value of `field` that stays within
/// `limit`.
pub fn over(
    field: &'static str,
    value: impl std::fmt::Display,
    count: f64,
    what: &str,
    limit: f64,
    bytes: Option<f64>,
    fits: Option<String>,
) -> OptionProblem {
    let cost = bytes
        .map(|b| format!(" (≈ {}B)", si(b)))
        .unwrap_or_default();
    let fits = fits.map(|f| format!(": use {f}")).unwrap_or_default();
    OptionProblem::new(
        field,
        format!(
            "{value} asks for {} {what}{cost}, over the limit of {}{fits}",
            si(count),
            si(limit)
        ),
    )
}

/// The check of a length-like option (m) that divides `extent_m` into
/// pieces: `None` when `extent_m / step_m` fits within `limit`.
pub fn per_length(
    field: &'static str,
    step_m: f64,
    extent_m: f64,
    what: &str,
    limit: f64,
) -> Option<OptionProblem> {
    let count = extent_m / step_m;
    (count > limit).then(|| {
        let min = (extent_m / limit).ceil();
        over(
            field,
            step_m,
            count,
            what,
            limit,
            None,
            Some(format!("at least {min} m")),
        )
    })
}

/// The check of a plain count against its limit.
pub fn count(field: &'static str, n: f64, what: &str, limit: f64) -> Option<OptionProblem> {
    (n > limit).then(|| {
        OptionProblem::new(
            field,
            format!("{n} {what} is over the limit of {}", si(limit)),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn si_prefixes_read_as_a_person_writes_them() {
        assert_eq!(si(3.8e14), "380 T");
        assert_eq!(si(80e6), "80.0 M");
        assert_eq!(si(1500.0), "1.50 k");
        assert_eq!(si(12.0), "12.0");
    }

    #[test]
    fn a_step_too_small_names_the_smallest_that_fits() {
        let p = per_length("segment_m", 0.001, 64_700.0, "segments", MAX_SEGMENTS).unwrap();
        assert_eq!(p.field, "segment_m");
        assert!(p.message.contains("64.7 M segments"), "{}", p.message);
        assert!(p.message.contains("at least 1 m"), "{}", p.message);
        assert!(per_length("segment_m", 250.0, 64_700.0, "segments", MAX_SEGMENTS).is_none());
    }
}
