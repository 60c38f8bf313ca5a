//! The patrol network: highways and rivers/canals within `network_km` of
//! the border, cut at the border, each piece given to the State it lies in.

use super::border::Sides;
use super::pbf::Osm;
use super::{dist, network_kind, OsmOptions, SKIP_HIGHWAY};
use crate::import::*;
use crate::index::BorderIndex;

pub(super) fn network(
    osm: &Osm,
    o: &OsmOptions,
    border_index: &BorderIndex,
    sides: &Sides,
    proj: &LocalProjection,
) -> Vec<NetworkOut> {
    let (ida, idb) = (o.states[0].id(), o.states[1].id());
    let mut network = Vec::new();
    let max_m = o.network_km * 1000.0;
    for w in &osm.ways {
        let kind = if let Some(h) = w.tags.get("highway") {
            if SKIP_HIGHWAY.contains(&h.as_str()) {
                continue;
            }
            network_kind(h)
        } else if w
            .tags
            .get("waterway")
            .is_some_and(|v| v == "river" || v == "canal")
        {
            NetworkKind::Waterway
        } else {
            continue;
        };
        let Some(c) = osm.coords(w) else { continue };
        let xy: Vec<Coord> = c.iter().map(|c| proj.forward(*c)).collect();
        if xy
            .iter()
            .all(|p| border_index.snap(*p).is_none_or(|s| s.distance_m > max_m))
        {
            continue;
        }
        // Cut at the border.
        let mut pieces: Vec<Vec<Coord>> = vec![vec![xy[0]]];
        let cuts = border_index.intersections(&xy);
        let mut ci = 0;
        for (k, seg) in xy.windows(2).enumerate() {
            while ci < cuts.len() && cuts[ci].line_seg == k {
                let p = cuts[ci].point;
                if dist(*pieces.last().unwrap().last().unwrap(), p) > 0.01 {
                    pieces.last_mut().unwrap().push(p);
                }
                pieces.push(vec![p]);
                ci += 1;
            }
            let cur = pieces.last_mut().unwrap();
            if dist(*cur.last().unwrap(), seg[1]) > 0.01 {
                cur.push(seg[1]);
            }
        }
        for piece in pieces.into_iter().filter(|p| p.len() >= 2) {
            let len: f64 = piece.windows(2).map(|s| dist(s[0], s[1])).sum();
            // The point halfway along the piece decides its State.
            let mut acc = 0.0;
            let mut mid = piece[0];
            for s in piece.windows(2) {
                let l = dist(s[0], s[1]);
                if acc + l >= len / 2.0 {
                    mid = s[0] + (s[1] - s[0]) * ((len / 2.0 - acc) / l.max(1e-9));
                    break;
                }
                acc += l;
            }
            let Some(state) = sides.state_at(mid) else {
                continue;
            };
            if state != ida && state != idb {
                continue;
            }
            if piece
                .iter()
                .all(|p| border_index.snap(*p).is_none_or(|s| s.distance_m > max_m))
            {
                continue;
            }
            network.push(NetworkOut {
                lonlat: piece.iter().map(|p| proj.inverse(*p)).collect(),
                state,
                kind,
                source: format!("osm way {}", w.id),
            });
        }
    }
    network
}
