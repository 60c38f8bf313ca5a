//! A plan reduced to what a map and the simulator read: each unit's timed
//! path and each watch point's figures; who visits what; the plan's visits
//! and idleness joined to the assessment's segments.

use super::solve::PlanResult;
use super::{r1, Plan, PlanMode, Planner};
use crate::error::{Error, Result};
use crate::model::UnitMode;
use geo::Coord;
use std::collections::HashMap;

/// A plan reduced to what a map shows (local metres).
#[derive(Clone, Debug)]
pub struct PlanLayers {
    pub mode: PlanMode,
    pub horizon_s: f64,
    pub units: Vec<UnitLayer>,
    pub points: Vec<PointLayer>,
    pub worst_idleness_min: f64,
    pub mean_idleness_min: f64,
    pub baseline_worst_idleness_min: f64,
    pub lower_bound_worst_idleness_min: f64,
    pub unvisited: usize,
}

#[derive(Clone, Debug)]
pub struct UnitLayer {
    pub id: String,
    /// Index of its State in the scenario.
    pub state: usize,
    pub mode: UnitMode,
    pub xy: Vec<Coord>,
    pub times: Vec<f64>,
    pub shifts: Vec<(f64, f64)>,
}

impl UnitLayer {
    /// Where the unit is at `t` while on shift (interpolated along its path).
    pub fn position_at(&self, t: f64) -> Option<Coord> {
        if !self.shifts.iter().any(|s| t >= s.0 && t <= s.1) || self.times.is_empty() {
            return None;
        }
        let i = self.times.partition_point(|x| *x <= t);
        if i == 0 {
            return Some(self.xy[0]);
        }
        if i >= self.times.len() {
            return self.xy.last().copied();
        }
        let (t0, t1) = (self.times[i - 1], self.times[i]);
        let f = if t1 > t0 { (t - t0) / (t1 - t0) } else { 1.0 };
        let (a, b) = (self.xy[i - 1], self.xy[i]);
        Some(Coord {
            x: a.x + f * (b.x - a.x),
            y: a.y + f * (b.y - a.y),
        })
    }
}

#[derive(Clone, Debug)]
pub struct PointLayer {
    pub line: Vec<Coord>,
    pub counted: bool,
    /// The posts already watch it (weight 0): no patrol needed.
    pub posts_cover: bool,
    /// Longest gap × normalised weight, seconds.
    pub weighted_gap_s: f64,
    pub max_gap_s: f64,
}

impl Planner<'_> {
    /// The map layers of a planning result.
    pub fn layers(&self, r: &PlanResult) -> PlanLayers {
        self.layers_as(r, self.o.mode)
    }

    /// As [`Planner::layers`], for a result of `mode` (from
    /// [`Planner::solve_modes`]).
    pub fn layers_as(&self, r: &PlanResult, mode: PlanMode) -> PlanLayers {
        let units = (0..r.plan.tracks.len())
            .map(|k| {
                let tr = &r.plan.tracks[k];
                let uk = r.plan.units[k];
                UnitLayer {
                    id: self.s.units[self.units[uk].unit].id.to_string(),
                    state: self.units[uk].state,
                    mode: self.s.units[self.units[uk].unit].mode,
                    xy: tr
                        .points
                        .iter()
                        .map(|(n, _)| self.node_xy(uk, *n))
                        .collect(),
                    times: tr.points.iter().map(|x| x.1).collect(),
                    shifts: tr.shifts.clone(),
                }
            })
            .collect();
        let points = self
            .points
            .iter()
            .zip(&r.eval.per_point)
            .map(|(w, e)| PointLayer {
                line: w.line.clone(),
                counted: e.counted,
                posts_cover: w.weight[self.joint_view()] <= 0.0,
                weighted_gap_s: e.weight_norm * e.max_gap_s,
                max_gap_s: e.max_gap_s,
            })
            .collect();
        PlanLayers {
            mode,
            horizon_s: self.horizon_s(),
            units,
            points,
            worst_idleness_min: r.eval.worst_idleness_min,
            mean_idleness_min: r.eval.mean_idleness_min,
            baseline_worst_idleness_min: r.baseline_eval.worst_idleness_min,
            lower_bound_worst_idleness_min: r.lower_bound_min,
            unvisited: r.eval.unvisited,
        }
    }
}

impl Planner<'_> {
    /// The ids of the units that visit each watch point, in plan order.
    pub fn visitors(&self, plan: &Plan) -> Vec<Vec<String>> {
        let mut by: Vec<Vec<String>> = vec![Vec::new(); self.points.len()];
        for (k, tr) in plan.tracks.iter().enumerate() {
            let id = &self.s.units[self.units[plan.units[k]].unit].id;
            for &(p, _) in &tr.visits {
                if by[p].last().map(|x| x.as_str()) != Some(id.as_str()) {
                    by[p].push(id.to_string());
                }
            }
        }
        by
    }

    /// Join a plan's idleness to an assessment cut the same way (segment
    /// length = `watch_m`): per segment visits, gaps and units.
    pub fn join_assessment(&self, r: &PlanResult, a: &mut crate::assess::Assessment) -> Result<()> {
        let by_id: HashMap<&str, usize> = self
            .points
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id.as_str(), i))
            .collect();
        let visitors = self.visitors(&r.plan);
        let mut per_segment = Vec::with_capacity(a.segments.len());
        for seg in &a.segments {
            let Some(&p) = by_id.get(seg.segment.id.as_str()) else {
                return Err(Error::option(
                    "watch_m",
                    format!(
                        "must equal the assessment's segment_m to draw the plan by segment (segment {} has no watch point)",
                        seg.segment.id
                    ),
                ));
            };
            let e = &r.eval.per_point[p];
            let units = visitors[p].clone();
            per_segment.push(crate::assess::SegmentPatrol {
                patrolled: e.counted,
                visits: e.visits,
                max_gap_min: r1(e.max_gap_s / 60.0),
                weighted_gap_min: r1(e.weight_norm * e.max_gap_s / 60.0),
                units,
            });
        }
        let jv = self.joint_view();
        a.patrol = Some(crate::assess::PatrolJoin {
            mode: self.o.mode.as_str().into(),
            hours: self.o.hours,
            worst_idleness_min: r.eval.worst_idleness_min,
            mean_idleness_min: r.eval.mean_idleness_min,
            unreachable_segments: (0..self.points.len())
                .filter(|&p| !r.counted[p] && self.points[p].weight[jv] > 0.0)
                .count(),
            per_segment,
        });
        Ok(())
    }
}
