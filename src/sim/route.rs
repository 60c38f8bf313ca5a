//! A crossing's way prepared for replay: its samples in travel order,
//! which State each lies in, how far from the line, and what each post
//! sees there (with line of sight), computed once per [`super::World`].

use super::{box_dist, dist};
use crate::assess::PostSight;
use crate::model::{RouteKind, Scenario};
use crate::terrain::Terrain;
use geo::Coord;

/// A route prepared for replay: the journey's samples (the mapped way
/// carried on inland, [`super::journey`]; or a crossing off the
/// mapped ways, [`super::corridor`]), which State each lies in, and what
/// each post sees at each sample.
pub struct SimRoute {
    pub id: String,
    pub kind: RouteKind,
    pub samples: Vec<Coord>,
    pub cum_m: Vec<f64>,
    /// State index of each sample's side (None: no border).
    pub side: Vec<Option<usize>>,
    /// Distance of each sample to the border, m.
    pub border_m: Vec<f64>,
    /// Per post: (sample, p_day, p_night) where it sees the route.
    pub looks: Vec<Vec<(usize, f64, f64)>>,
    /// Chainage of its (first) border crossing, km.
    pub border_km: Option<f64>,
    /// Bounding box of the samples.
    pub bbox: (Coord, Coord),
}

/// A way to prepare: its id and kind, its samples in travel order, and
/// where it crosses the line (km of chainage).
pub(crate) struct Way {
    pub id: String,
    pub kind: RouteKind,
    pub samples: Vec<Coord>,
    pub border_km: Option<f64>,
}

/// `way` prepared for replay: each sample's side and distance to the
/// line, and the posts' looks.
pub(crate) fn prepare_route(
    s: &Scenario,
    bi: &crate::index::BorderIndex,
    sights: &[PostSight],
    terrain: Option<&Terrain>,
    way: Way,
) -> SimRoute {
    let Way {
        id,
        kind,
        samples,
        border_km,
    } = way;
    let mut cum_m = vec![0.0];
    for w in samples.windows(2) {
        let l = dist(w[0], w[1]);
        cum_m.push(cum_m.last().unwrap() + l);
    }
    let side = samples
        .iter()
        .map(|q| {
            bi.state_side(s, *q)
                .and_then(|id| s.states.iter().position(|st| &st.id == id))
        })
        .collect();
    let border_m = samples
        .iter()
        .map(|q| bi.snap(*q).map(|sn| sn.distance_m).unwrap_or(f64::INFINITY))
        .collect();
    let bb = crate::model::bbox(samples.iter().copied()).unwrap_or_default();
    let looks = sights
        .iter()
        .map(|ps| {
            // beyond its longest sensor range: no look at all
            if box_dist(ps.xy, &bb) > ps.range_m {
                return Vec::new();
            }
            samples
                .iter()
                .enumerate()
                .filter_map(|(i, q)| {
                    let (pd, pn, _) = ps.detect(terrain, *q)?;
                    (pd > 0.0 || pn > 0.0).then_some((i, pd, pn))
                })
                .collect()
        })
        .collect();
    SimRoute {
        border_km,
        bbox: bb,
        id,
        kind,
        samples,
        cum_m,
        side,
        border_m,
        looks,
    }
}
