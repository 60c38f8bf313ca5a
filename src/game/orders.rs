//! The issued draw of an interception plan as a unit's orders: a GPX track
//! of its path over the horizon (times when the start is known) with a
//! waypoint at each standby position, and a printable HTML order, day by
//! day: when to leave the post, where to stand by (the route it watches
//! and how far from the line), from when to when, when to be back.

use super::run::Planned;
use super::schedule::{Duty, Schedule, DAY_S};
use crate::error::Result;
use crate::plan::output::{clock, gpx_bytes, ORDERS_STYLE};
use crate::report::{esc, leg, leg_words, metres};
use crate::sim::World;
use geo::Coord;
use std::fmt::Write;

/// One day's duty of unit slot `ui`: (day index, its schedule).
fn days<'p>(p: &'p Planned, draws: &[usize], ui: usize) -> Vec<(usize, &'p Schedule)> {
    draws
        .iter()
        .enumerate()
        .map(|(d, &k)| (d, &p.pool[p.solution.plans[k][ui]]))
        .collect()
}

/// The route nearest to a standby position: (route id, kind, metres from
/// the position, metres from the line there).
fn watched(w: &World, at: Coord) -> Option<(String, &'static str, f64, f64)> {
    let mut best: Option<(usize, usize, f64)> = None;
    for (r, rt) in w.routes.iter().enumerate() {
        for (k, q) in rt.samples.iter().enumerate() {
            let d = ((q.x - at.x).powi(2) + (q.y - at.y).powi(2)).sqrt();
            if best.is_none_or(|b| d < b.2) {
                best = Some((r, k, d));
            }
        }
    }
    let (r, k, d) = best?;
    let rt = &w.routes[r];
    Some((rt.id.clone(), rt.kind.as_str(), d, rt.border_m[k]))
}

/// Unit slot `ui`'s GPX: its issued path over the horizon as a track, and
/// a waypoint at each standby position named with its day and hours.
pub fn unit_gpx(
    w: &World,
    p: &Planned,
    draws: &[usize],
    ui: usize,
    start: Option<time::OffsetDateTime>,
) -> Result<Vec<u8>> {
    let u = &w.s.units[p.units[ui]];
    let wp = |c: Coord, t: f64| {
        let ll = w.s.projection.inverse(c);
        let mut x = gpx::Waypoint::new(geo::Point::new(ll.x, ll.y));
        if let Some(s) = start {
            x.time = Some((s + time::Duration::seconds_f64(t)).into());
        }
        x
    };
    let mut track = gpx::Track::new();
    track.name = Some(format!("{} {}", u.id, u.name));
    track.description = Some(format!(
        "{} interception plan: the issued draw, home post {}",
        u.state, u.home_post
    ));
    let mut waypoints = Vec::new();
    for (d, sc) in days(p, draws, ui) {
        let off = d as f64 * DAY_S;
        let day = sc.day_layer();
        let mut seg = gpx::TrackSegment::new();
        seg.points = day
            .xy
            .iter()
            .zip(&day.times)
            .map(|(c, t)| wp(*c, off + t))
            .collect();
        track.segments.push(seg);
        if let Duty::Standby {
            at,
            arrive_s,
            leave_s,
        } = sc.duty
        {
            let mut x = wp(at, off + arrive_s);
            x.name = Some(format!(
                "standby {} – {}",
                clock(off + arrive_s, start),
                clock(off + leave_s, start)
            ));
            x.description = watched(w, at).map(|(id, kind, _, line)| {
                format!("watching {id} ({kind}), {} from the line", metres(line))
            });
            waypoints.push(x);
        }
    }
    gpx_bytes(track, waypoints, u.id.as_str())
}

/// Where a point is, in words and grid references: the nearest place
/// (within 15 km), the border's km and the distance from the line; UTM
/// and MGRS.
struct Spot {
    words: String,
    grid: String,
}

fn spot(w: &World, bi: &crate::index::BorderIndex, at: Coord) -> Spot {
    let mut words: Vec<String> = w.s.basemap.describe(at, 15_000.0).into_iter().collect();
    if let Some(sn) = bi.snap(at) {
        words.push(format!(
            "border km {:.1}, {} from the line",
            sn.chainage_km,
            metres(sn.distance_m)
        ));
    }
    let ll = w.s.projection.inverse(at);
    Spot {
        words: esc(&words.join(" · ")), // place names are the data's
        grid: crate::report::grid_html(ll),
    }
}

/// "3 h 20 min".
fn hours(s: f64) -> String {
    let m = (s / 60.0).round() as i64;
    match (m / 60, m % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m:02} min"),
    }
}

/// Unit slot `ui`'s printable orders for the issued draw: a map sketch of
/// its days' paths over the basemap, then a table a day — depart, the leg
/// out (length, climb), the duty where (place, border km, UTM, MGRS), the
/// leg back, back at the post.
pub fn orders_html(
    w: &World,
    p: &Planned,
    draws: &[usize],
    ui: usize,
    start: Option<time::OffsetDateTime>,
) -> String {
    let u = &w.s.units[p.units[ui]];
    let bi = crate::index::BorderIndex::of_scenario(w.s);
    let mut h = String::new();
    let _ = write!(
        h,
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Orders — {id}</title><style>{ORDERS_STYLE}</style></head><body>"#,
        id = esc(u.id.as_str())
    );
    h += &w.s.marking.html();
    let home = w.s.post(&u.home_post).map(|p| p.xy);
    let home_spot = home.map(|xy| spot(w, &bi, xy));
    let _ = write!(
        h,
        "<h1>Orders — {} {}</h1><p>{} · {} · home post <b>{}</b>{} · {} h shifts · interception plan, scenario <code>{}</code></p>",
        esc(u.id.as_str()),
        esc(&u.name),
        esc(u.state.as_str()),
        u.mode.as_str(),
        esc(u.home_post.as_str()),
        home_spot.as_ref().map(|s| format!(" ({})", s.grid.replace("<br>", " · "))).unwrap_or_default(),
        u.shift_hours,
        esc(&w.s.name),
    );
    if w.s.exercise {
        h.push_str(r#"<p class="exercise">EXERCISE DATA — not for operational use.</p>"#);
    }
    if start.is_none() {
        h.push_str(r#"<p class="muted">Times are from the start of the plan (day 1 00:00); give <code>--start</code> for clock times.</p>"#);
    }
    h += &sketch(w, p, draws, ui, home);
    for (d, sc) in days(p, draws, ui) {
        h += &day_table(w, &bi, u, d, sc, start, home_spot.as_ref());
    }
    h.push_str("<p class=muted>This order is the day's draw from a published mix of plans: a smuggler who knows the mix must not learn the draw. Keep it to those who need it.</p>");
    h += &w.s.marking.html();
    h.push_str("</body></html>\n");
    h
}

/// The map sketch: every day's path, the home post, each standby position.
fn sketch(w: &World, p: &Planned, draws: &[usize], ui: usize, home: Option<Coord>) -> String {
    let u = &w.s.units[p.units[ui]];
    let mut paths = Vec::new();
    let mut marks: Vec<(Coord, String)> = home
        .map(|xy| (xy, u.home_post.to_string()))
        .into_iter()
        .collect();
    for (d, sc) in days(p, draws, ui) {
        paths.push(sc.day_layer().xy);
        if let Duty::Standby { at, .. } = sc.duty {
            marks.push((at, format!("day {} standby", d + 1)));
        }
    }
    format!(
        "<h2>Map</h2>{}<p class=muted>Dashed: the path issued for each day; circles: the home post and the standby positions. Basemap from the scenario's <code>basemap.geojson</code>.</p>",
        crate::report::map::sketch_svg(w.s, &paths, &marks, 900.0, 520.0)
    )
}

/// One day's table.
fn day_table(
    w: &World,
    bi: &crate::index::BorderIndex,
    u: &crate::model::Unit,
    d: usize,
    sc: &Schedule,
    start: Option<time::OffsetDateTime>,
    home: Option<&Spot>,
) -> String {
    let off = d as f64 * DAY_S;
    let s0 = off + sc.start_s;
    let s1 = s0 + u.shift_hours * 3600.0;
    let mut h = String::new();
    let _ = write!(
        h,
        "<h2>Day {} — depart {} · back by {}</h2><table><tr><th>time</th><th>duty</th><th>where</th><th>grid</th><th>leg</th></tr>",
        d + 1,
        clock(s0, start),
        clock(s1, start)
    );
    let post = esc(u.home_post.as_str());
    let (home_words, home_grid) = home
        .map(|s| (s.words.as_str(), s.grid.as_str()))
        .unwrap_or(("", ""));
    let _ = write!(
        h,
        "<tr><td>{}</td><td>depart</td><td>home post {post} {home_words}</td><td>{home_grid}</td><td></td></tr>",
        clock(s0, start)
    );
    let day = sc.day_layer();
    match sc.duty {
        Duty::Standby {
            at,
            arrive_s,
            leave_s,
        } => {
            let (out_m, out_up) = leg(w.s, &day.xy, &day.times, sc.start_s, arrive_s);
            let (back_m, back_up) = leg(
                w.s,
                &day.xy,
                &day.times,
                leave_s,
                sc.start_s + u.shift_hours * 3600.0,
            );
            let at_spot = spot(w, bi, at);
            let what = watched(w, at)
                .map(|(id, kind, d, _)| {
                    format!(
                        "watching {} ({kind}){}",
                        esc(&id),
                        if d > 100.0 {
                            format!(", {d:.0} m off it")
                        } else {
                            String::new()
                        },
                    )
                })
                .unwrap_or_default();
            let _ = write!(
                h,
                "<tr><td>{} – {}</td><td>move to the standby position</td><td></td><td></td><td>{}</td></tr>",
                clock(s0, start),
                clock(off + arrive_s, start),
                leg_words(out_m, out_up)
            );
            let _ = write!(
                h,
                "<tr><td>{} – {}</td><td>stand by: watch, and respond to alarms</td><td>{} · {what}</td><td>{}</td><td>dwell {}</td></tr>",
                clock(off + arrive_s, start),
                clock(off + leave_s, start),
                at_spot.words,
                at_spot.grid,
                hours(leave_s - arrive_s)
            );
            let _ = write!(
                h,
                "<tr><td>{} – {}</td><td>return to the post</td><td></td><td></td><td>{}</td></tr>",
                clock(off + leave_s, start),
                clock(s1, start),
                leg_words(back_m, back_up)
            );
        }
        Duty::Patrol => {
            let (m, up) = leg(
                w.s,
                &day.xy,
                &day.times,
                sc.start_s,
                sc.start_s + u.shift_hours * 3600.0,
            );
            let _ = write!(
                h,
                "<tr><td>{} – {}</td><td>patrol the track in the GPX</td><td></td><td></td><td>{}</td></tr>",
                clock(s0, start),
                clock(s1, start),
                leg_words(m, up)
            );
        }
    }
    let _ = write!(
        h,
        "<tr><td>{}</td><td>back</td><td>home post {post}</td><td></td><td></td></tr></table>",
        clock(s1, start)
    );
    h
}
