//! The prepared world: what assessment, planning and simulation all need
//! from one scenario and one set of terrain options — the terrain grid,
//! each post's line of sight (its viewshed, the costly part) and where the
//! informal routes cross the line — built once and borrowed by each stage.
//!
//! `plan` and `compare` build it once and hand it to the idleness planner
//! (through [`super::assess_on`]) and to the simulator's world
//! ([`crate::sim::World::on`]); before, each stage rebuilt the terrain and
//! every viewshed. The one-shot entry points ([`super::assess`],
//! [`crate::plan::Planner::new`], [`crate::sim::World::new`]) build their
//! own.

use super::{check_options, post_sights, terrain_for, AssessOptions, PostSight};
use crate::error::{Error, OptionProblem, Result};
use crate::index::{RouteCrossing, SpatialIndex};
use crate::model::Scenario;
use crate::terrain::Terrain;
use std::sync::Arc;

/// The terrain, the posts' sights and the route crossings of one scenario
/// on one terrain (cell size, target height).
pub struct Prepared<'a> {
    pub s: &'a Scenario,
    /// The grid cell (m) the terrain was resampled to.
    pub cell_m: f64,
    /// The height (m) of a crossing person the viewsheds were computed for.
    pub target_height_m: f64,
    /// `None` without a DEM that covers the scenario (flat earth).
    pub terrain: Option<Arc<Terrain>>,
    /// Each post's line of sight, in the scenario's order (a post the DEM
    /// does not cover is left out, with a warning).
    pub sights: Arc<[PostSight]>,
    /// Where each informal route crosses the border line.
    pub route_hits: Vec<RouteCrossing>,
    /// What the terrain and the sights warned about, in that order.
    pub warnings: Vec<String>,
}

impl<'a> Prepared<'a> {
    /// Build the terrain and every post's sight for `s` on `o`'s terrain
    /// (`o.cell_m`, `o.target_height_m`; its progress reports the
    /// viewsheds). Errors: options out of range, a grid over its budget,
    /// a cancel.
    pub fn new(s: &'a Scenario, o: &AssessOptions) -> Result<Self> {
        check_options(o)?;
        let mut warnings = Vec::new();
        let terrain = terrain_for(s, o, &mut warnings)?;
        let sights = post_sights(s, terrain.as_ref(), o, &mut warnings);
        o.progress.check()?;
        Ok(Prepared {
            s,
            cell_m: o.cell_m,
            target_height_m: o.target_height_m,
            terrain: terrain.map(Arc::new),
            sights: sights.into(),
            route_hits: SpatialIndex::build(s).route_crossings(s),
            warnings,
        })
    }

    /// The terrain, if any.
    pub fn terrain(&self) -> Option<&Terrain> {
        self.terrain.as_deref()
    }

    /// Whether a stage run with `o` may borrow this world: the same cell
    /// size and target height (segment and sample spacings are the
    /// stage's own).
    pub fn fits(&self, o: &AssessOptions) -> bool {
        self.cell_m == o.cell_m && self.target_height_m == o.target_height_m
    }

    /// An error unless [`Prepared::fits`] `o`: a stage must not read
    /// another terrain's sights.
    pub fn check_fits(&self, o: &AssessOptions) -> Result<()> {
        if self.fits(o) {
            return Ok(());
        }
        Err(Error::Options(vec![OptionProblem::new(
            "cell_m",
            format!(
                "the prepared terrain is {} m cells for a {} m target; this stage asks for {} m cells and a {} m target",
                self.cell_m, self.target_height_m, o.cell_m, o.target_height_m
            ),
        )]))
    }
}
