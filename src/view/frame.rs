//! Framing a target beside the floating windows: the parts of the map area
//! that no window covers (`free_areas`), and the one that shows the target
//! largest (`frame_beside`). Screen rectangles in pixels, y down; world
//! boxes in local metres.

use super::{fit, ViewFit};
use geo::Coord;

/// A screen rectangle in pixels: (top-left, bottom-right), y down.
pub type PxRect = (Coord, Coord);

fn px_area(r: &PxRect) -> f64 {
    (r.1.x - r.0.x).max(0.0) * (r.1.y - r.0.y).max(0.0)
}

/// The parts of the map area `area` that no floating window in `covers`
/// hides (each window cuts every free rectangle it overlaps into the parts
/// left, right, above and below it); `[area]` when nothing covers it, and
/// when the windows leave nothing.
pub fn free_areas(area: PxRect, covers: &[PxRect]) -> Vec<PxRect> {
    let mut free = vec![area];
    for w in covers {
        let mut next = Vec::new();
        for r in &free {
            let overlaps = w.0.x < r.1.x && w.1.x > r.0.x && w.0.y < r.1.y && w.1.y > r.0.y;
            if !overlaps {
                next.push(*r);
                continue;
            }
            let (a, b) = *r;
            let parts = [
                (a, Coord { x: w.0.x, y: b.y }),
                (Coord { x: w.1.x, y: a.y }, b),
                (a, Coord { x: b.x, y: w.0.y }),
                (Coord { x: a.x, y: w.1.y }, b),
            ];
            next.extend(parts.into_iter().filter(|p| px_area(p) > 0.0));
        }
        free = next;
    }
    if free.is_empty() {
        free.push(area);
    }
    free
}

/// Frame `bbox` (local metres) in whichever part of the map area `area`
/// that the windows `covers` leave free shows it largest (of equal ones
/// the first: left before right, above before below), in a window
/// `win_w` × `win_h` px.
pub fn frame_beside(
    bbox: (Coord, Coord),
    area: PxRect,
    covers: &[PxRect],
    win_w: f64,
    win_h: f64,
) -> ViewFit {
    free_areas(area, covers)
        .into_iter()
        .map(|a| fit_in(bbox, a, win_w, win_h))
        .fold(None::<ViewFit>, |best, f| match best {
            Some(b) if b.metres_per_px <= f.metres_per_px => Some(b),
            _ => Some(f),
        })
        .unwrap_or_else(|| fit_in(bbox, area, win_w, win_h))
}

/// Frame `bbox` (local metres) in the screen rectangle `area` of a window
/// `win_w` × `win_h` px: the scale that fits it (with `fit`'s margin) and
/// the world point at the window's centre, where a 2D camera sits.
pub fn fit_in(bbox: (Coord, Coord), area: PxRect, win_w: f64, win_h: f64) -> ViewFit {
    let f = fit(bbox, area.1.x - area.0.x, area.1.y - area.0.y);
    let (ax, ay) = ((area.0.x + area.1.x) / 2.0, (area.0.y + area.1.y) / 2.0);
    ViewFit {
        centre: Coord {
            x: f.centre.x - (ax - win_w / 2.0) * f.metres_per_px,
            y: f.centre.y + (ay - win_h / 2.0) * f.metres_per_px,
        },
        metres_per_px: f.metres_per_px,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::world_to_px;

    #[test]
    fn framing_avoids_the_floating_windows() {
        let c = |x: f64, y: f64| Coord { x, y };
        let map = (c(300.0, 0.0), c(1280.0, 740.0));
        assert_eq!(free_areas(map, &[]), [map]);
        // a window at the bottom right: the map left of it, or above it
        let edit = (c(940.0, 350.0), c(1270.0, 730.0));
        let left = (c(300.0, 0.0), c(940.0, 740.0));
        let above = (c(300.0, 0.0), c(1280.0, 350.0));
        assert!(free_areas(map, &[edit]).contains(&left));
        assert!(free_areas(map, &[edit]).contains(&above));
        let crossings = (c(900.0, 10.0), c(1270.0, 300.0));
        let both = free_areas(map, &[edit, crossings]);
        assert!(both.contains(&(c(300.0, 0.0), c(900.0, 740.0))));
        // a window outside the map changes nothing; one covering all
        // leaves the map as it is
        assert_eq!(free_areas(map, &[(c(0.0, 0.0), c(290.0, 800.0))]), [map]);
        assert_eq!(free_areas(map, &[(c(0.0, 0.0), c(1280.0, 800.0))]), [map]);
        // a tall box goes left of the window, a wide one above it
        let tall = (c(0.0, 0.0), c(100.0, 1000.0));
        let wide = (c(0.0, 0.0), c(3000.0, 500.0));
        let f = frame_beside(tall, map, &[edit], 1280.0, 800.0);
        assert_eq!(f, fit_in(tall, left, 1280.0, 800.0));
        let f = frame_beside(wide, map, &[edit], 1280.0, 800.0);
        assert_eq!(f, fit_in(wide, above, 1280.0, 800.0));
        // a box framed in a free part lands at its centre
        let free = left;
        let b = (c(0.0, 0.0), c(1000.0, 1000.0));
        let f = fit_in(b, free, 1280.0, 800.0);
        let q = world_to_px(&f, c(500.0, 500.0), 1280.0, 800.0, 0.0, 0.0);
        assert!(
            (q.0 - 620.0).abs() < 1e-6 && (q.1 - 370.0).abs() < 1e-6,
            "{q:?}"
        );
        // the box's corners are inside the free part
        for p in [b.0, b.1] {
            let q = world_to_px(&f, p, 1280.0, 800.0, 0.0, 0.0);
            assert!(q.0 >= free.0.x && q.0 <= free.1.x && q.1 >= free.0.y && q.1 <= free.1.y);
        }
    }
}
