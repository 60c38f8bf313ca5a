//! The map's fixed lines at levels of detail (`geom::lod`), built once per
//! scenario and kept across edits (which move posts and units, never a
//! line), and the part of the world the camera shows. A frame sends the
//! gizmos only the lines in view, at about a pixel's detail: under a
//! software renderer each vertex costs, whether it lands on screen or not.

use crate::geom::lod::LodLines;
use crate::model::Scenario;
use bevy::prelude::*;
use geo::Coord;

/// Per layer, in the scenario's order: the patrol network, the basemap's
/// roads and rivers, the informal routes, the border stretches.
#[derive(Clone, Debug, Default)]
pub struct MapLines {
    pub network: LodLines,
    pub base: LodLines,
    pub routes: LodLines,
    pub border: LodLines,
}

impl MapLines {
    pub fn of(s: &Scenario) -> MapLines {
        MapLines {
            network: LodLines::new(s.network.iter().map(|n| n.xy.0.as_slice())),
            base: LodLines::new(s.basemap.lines.iter().map(|l| l.line.0.as_slice())),
            routes: LodLines::new(s.routes.iter().map(|r| r.xy.0.as_slice())),
            border: LodLines::new(s.border.iter().map(|b| b.xy.0.as_slice())),
        }
    }
}

/// Whether `a` and `b` have the same lines (so their levels carry over).
pub fn same_lines(a: &Scenario, b: &Scenario) -> bool {
    a.network
        .iter()
        .map(|n| &n.xy)
        .eq(b.network.iter().map(|n| &n.xy))
        && a.basemap
            .lines
            .iter()
            .map(|l| &l.line)
            .eq(b.basemap.lines.iter().map(|l| &l.line))
        && a.routes
            .iter()
            .map(|r| &r.xy)
            .eq(b.routes.iter().map(|r| &r.xy))
        && a.border
            .iter()
            .map(|r| &r.xy)
            .eq(b.border.iter().map(|r| &r.xy))
}

/// What a frame shows: the world rectangle in view (with a margin of
/// `MARGIN_PX` for line widths) and metres a pixel.
#[derive(Clone, Copy, Debug)]
pub struct InView {
    pub min: Coord,
    pub max: Coord,
    pub metres_per_px: f64,
}

const MARGIN_PX: f64 = 16.0;

impl InView {
    /// The camera at `centre` with `metres_per_px`, in a window of
    /// `w` × `h` pixels (no window: everything is in view).
    pub fn of(centre: Vec3, metres_per_px: f64, window: Option<(f32, f32)>) -> InView {
        let Some((w, h)) = window else {
            return InView {
                min: Coord {
                    x: f64::NEG_INFINITY,
                    y: f64::NEG_INFINITY,
                },
                max: Coord {
                    x: f64::INFINITY,
                    y: f64::INFINITY,
                },
                metres_per_px,
            };
        };
        let half = Coord {
            x: (w as f64 / 2.0 + MARGIN_PX) * metres_per_px,
            y: (h as f64 / 2.0 + MARGIN_PX) * metres_per_px,
        };
        let c = Coord {
            x: centre.x as f64,
            y: centre.y as f64,
        };
        InView {
            min: c - half,
            max: c + half,
            metres_per_px,
        }
    }

    /// `lines` in view at this scale, with their index.
    pub fn of_lines<'a>(
        &self,
        lines: &'a LodLines,
    ) -> impl Iterator<Item = (usize, &'a [Coord])> + 'a {
        lines.visible(self.min, self.max, self.metres_per_px, 0.0)
    }

    /// `lines` in view that span a pixel or more, with their index (for a
    /// dense network, whose shortest links are then invisible anyway).
    pub fn of_dense<'a>(
        &self,
        lines: &'a LodLines,
    ) -> impl Iterator<Item = (usize, &'a [Coord])> + 'a {
        lines.visible(self.min, self.max, self.metres_per_px, 1.0)
    }
}
