//! The figures of each view: covered shares (24 h, day, night, green,
//! blue), risk covered, the ranked gaps, unwatched route crossings.

use super::{r3, CoveredPct, Detect, Gap, RouteCrossingResult, SegmentResult, ViewSummary};
use crate::model::BorderKind;

/// `num` of `den` in %, one decimal; `+ 0.0` turns the −0 an empty f64
/// sum gives into 0 (users read "−0.0 %" as a bug).
fn pct(num: f64, den: f64) -> Option<f64> {
    (den > 0.0).then(|| (1000.0 * num / den).round() / 10.0 + 0.0)
}

fn covered_pct(
    segs: &[SegmentResult],
    vi: usize,
    f: impl Fn(&Detect) -> f64,
    th: f64,
) -> CoveredPct {
    let len = |k: Option<BorderKind>, covered: bool| -> f64 {
        segs.iter()
            .filter(|r| {
                k.is_none_or(|k| r.segment.kind == k) && (!covered || f(&r.detect[vi].1) >= th)
            })
            .map(|r| r.segment.length_km())
            .sum()
    };
    CoveredPct {
        green: pct(
            len(Some(BorderKind::Green), true),
            len(Some(BorderKind::Green), false),
        ),
        blue: pct(
            len(Some(BorderKind::Blue), true),
            len(Some(BorderKind::Blue), false),
        ),
        total: pct(len(None, true), len(None, false)).unwrap_or(0.0),
    }
}

pub(super) fn summarise(
    name: &str,
    vi: usize,
    segs: &[SegmentResult],
    routes: &[RouteCrossingResult],
    th: f64,
) -> ViewSummary {
    let covered = |r: &SegmentResult| r.detect[vi].1.both() >= th;
    let total_risk: f64 = segs
        .iter()
        .map(|r| r.risk.score * r.segment.length_km())
        .sum();
    let covered_risk: f64 = segs
        .iter()
        .filter(|r| covered(r))
        .map(|r| r.risk.score * r.segment.length_km())
        .sum();
    // Gaps: runs of uncovered, contiguous segments.
    let mut gaps: Vec<Gap> = Vec::new();
    let mut prev_to: Option<f64> = None;
    for r in segs {
        if covered(r) {
            prev_to = None;
            continue;
        }
        let seg = &r.segment;
        let extend = prev_to.is_some_and(|t| (t - seg.from_km).abs() < 1e-6);
        if !extend {
            gaps.push(Gap {
                rank: 0,
                from_km: seg.from_km,
                to_km: seg.to_km,
                length_km: 0.0,
                risk: 0.0,
                risk_km: 0.0,
                kind: seg.kind.as_str().into(),
                segments: Vec::new(),
                uncovered_routes: Vec::new(),
            });
        }
        let g = gaps.last_mut().unwrap();
        g.to_km = seg.to_km;
        g.risk_km += r.risk.score * seg.length_km();
        if g.kind != seg.kind.as_str() {
            g.kind = "mixed".into();
        }
        g.segments.push(seg.id.clone());
        prev_to = Some(seg.to_km);
    }
    for g in &mut gaps {
        g.length_km = r3(g.to_km - g.from_km);
        g.risk = if g.length_km > 0.0 {
            r3(g.risk_km / (g.to_km - g.from_km))
        } else {
            0.0
        };
        g.risk_km = r3(g.risk_km);
        g.from_km = r3(g.from_km);
        g.to_km = r3(g.to_km);
        g.uncovered_routes = routes
            .iter()
            .filter(|rc| {
                rc.chainage_km >= g.from_km
                    && rc.chainage_km <= g.to_km
                    && rc.detect[vi].1.both() < th
            })
            .map(|rc| rc.route.clone())
            .collect();
        g.uncovered_routes.dedup();
    }
    gaps.sort_by(|a, b| {
        b.risk_km
            .total_cmp(&a.risk_km)
            .then(a.from_km.total_cmp(&b.from_km))
    });
    for (i, g) in gaps.iter_mut().enumerate() {
        g.rank = i + 1;
    }
    ViewSummary {
        view: name.to_string(),
        covered_pct: covered_pct(segs, vi, |d| d.both(), th),
        covered_pct_day: covered_pct(segs, vi, |d| d.day, th),
        covered_pct_night: covered_pct(segs, vi, |d| d.night, th),
        risk_covered_pct: pct(covered_risk, total_risk).unwrap_or(0.0),
        route_crossings: routes.len(),
        uncovered_route_crossings: routes
            .iter()
            .filter(|rc| rc.detect[vi].1.both() < th)
            .count(),
        gaps,
    }
}
