//! Exercise data for an imported border, when the public data has none:
//! posts on each side's high ground near the line, a foot and a vehicle
//! unit per post, informal routes across the line where the network
//! crosses it, and joint-exercise agreements. Deterministic.

use super::*;
/// Invent exercise posts: for each State, the highest DEM samples between
/// 300 m and 2.5 km from the border on its own side, at least `spacing_m`
/// apart. Without a DEM, posts go 400 m inside each State at even chainage.
/// Deterministic (no randomness needed).
pub fn exercise_posts(
    states: &[StateCode; 2],
    border: &BorderIndex,
    left_is: &StateId,
    total_km: f64,
    proj: &LocalProjection,
    dem: Option<&Dem>,
    per_state: usize,
) -> Vec<PostOut> {
    let mut out = Vec::new();
    if per_state == 0 {
        return out;
    }
    let spacing_m = (total_km * 1000.0 / (per_state as f64 * 1.6)).max(1500.0);
    for st in states {
        let sid = st.id();
        let want_left = &sid == left_is;
        let mut chosen: Vec<(Coord, f64)> = Vec::new();
        if let Some(dem) = dem {
            let (min, max) = border_bbox(border, proj, 0.03);
            let mut cands: Vec<(f64, Coord, Coord)> = Vec::new();
            let r0 = ((dem.north - max.y) / dem.step).floor().max(0.0) as usize;
            let r1 = (((dem.north - min.y) / dem.step).ceil() as usize).min(dem.rows - 1);
            let c0 = ((min.x - dem.west) / dem.step).floor().max(0.0) as usize;
            let c1 = (((max.x - dem.west) / dem.step).ceil() as usize).min(dem.cols - 1);
            for r in r0..=r1 {
                for c in c0..=c1 {
                    let z = dem.at(r, c);
                    if !z.is_finite() {
                        continue;
                    }
                    let (lon, lat) = dem.lonlat(r, c);
                    let ll = Coord { x: lon, y: lat };
                    let xy = proj.forward(ll);
                    let Some(s) = border.snap(xy) else { continue };
                    if !(300.0..=2500.0).contains(&s.distance_m) {
                        continue;
                    }
                    if border.is_left(xy) != Some(want_left) {
                        continue;
                    }
                    cands.push((z as f64, ll, xy));
                }
            }
            cands.sort_by(|a, b| {
                b.0.total_cmp(&a.0)
                    .then(a.1.x.total_cmp(&b.1.x))
                    .then(a.1.y.total_cmp(&b.1.y))
            });
            for (z, _, xy) in cands {
                if chosen.len() >= per_state {
                    break;
                }
                if chosen
                    .iter()
                    .all(|(c, _)| (*c - xy).x.hypot((*c - xy).y) >= spacing_m)
                {
                    chosen.push((xy, z));
                }
            }
        } else {
            for i in 0..per_state {
                let km = total_km * (i as f64 + 0.5) / per_state as f64;
                let Some((_, p)) = border.at_chainage(km) else {
                    continue;
                };
                let s = border.snap(p).unwrap();
                let seg = &border.parts()[s.part];
                let d = seg[s.seg + 1] - seg[s.seg];
                let n = d.x.hypot(d.y).max(1e-9);
                let left = Coord {
                    x: -d.y / n,
                    y: d.x / n,
                };
                // 400 m inside the State; nearer where a bend of the line
                // would put the point on the other side.
                let sign = if want_left { 1.0 } else { -1.0 };
                if let Some(q) = [400.0, 200.0, 100.0]
                    .into_iter()
                    .map(|m| p + left * (sign * m))
                    .find(|q| border.is_left(*q) == Some(want_left))
                {
                    chosen.push((q, f64::NAN));
                }
            }
        }
        // Order by chainage so ids run along the border.
        chosen.sort_by(|a, b| {
            let ka = border.snap(a.0).map(|s| s.chainage_km).unwrap_or(0.0);
            let kb = border.snap(b.0).map(|s| s.chainage_km).unwrap_or(0.0);
            ka.total_cmp(&kb)
        });
        for (i, (xy, z)) in chosen.into_iter().enumerate() {
            let ll = proj.inverse(xy);
            let ll = Coord {
                x: round7(ll.x),
                y: round7(ll.y),
            };
            let elev = z.is_finite().then_some(z);
            out.push(PostOut {
                id: format!("{}-OP{}", st.country.alpha2, i + 1),
                lonlat: ll,
                state: sid.clone(),
                name: match elev {
                    Some(e) => format!("Exercise OP {} ({} m)", i + 1, e.round()),
                    None => format!("Exercise OP {}", i + 1),
                },
                height_m: 3.0,
                sensors: vec!["binoculars".into(), "thermal".into()],
                elevation_m: elev,
            });
        }
    }
    out
}

fn border_bbox(border: &BorderIndex, proj: &LocalProjection, pad_deg: f64) -> (Coord, Coord) {
    let ll: Vec<Coord> = border
        .parts()
        .iter()
        .flatten()
        .map(|c| proj.inverse(*c))
        .collect();
    crate::model::expand(
        crate::model::bbox(ll.into_iter()).unwrap_or_default(),
        pad_deg,
    )
}

/// Exercise units: one foot patrol per post; one vehicle unit per State at
/// its post nearest a road; one boat per State at its post nearest a blue
/// stretch when the border has blue stretches.
pub fn exercise_units(
    posts: &[PostOut],
    layers: &Layers,
    proj: &LocalProjection,
) -> (Vec<Unit>, Vec<String>) {
    let mut units = Vec::new();
    let mut left_out = Vec::new();
    let mut states: Vec<&StateId> = posts.iter().map(|p| &p.state).collect();
    states.dedup();
    for st in states {
        let mine: Vec<&PostOut> = posts.iter().filter(|p| &p.state == st).collect();
        let a2 = mine[0].id.split('-').next().unwrap_or("X").to_string();
        let walk = walkable(st, layers, proj);
        for (i, p) in mine.iter().enumerate() {
            // a foot crew only where the planner can join the post to the
            // State's paths, tracks, roads or border line
            let xy = proj.forward(p.lonlat);
            let d = walk
                .nearest_neighbor(&[xy.x, xy.y])
                .map(|q| (q[0] - xy.x).hypot(q[1] - xy.y))
                .unwrap_or(f64::INFINITY);
            if d > crate::model::DEFAULT_ACCESS_M {
                left_out.push(format!(
                    "no foot patrol at {}: it is {} from its State's paths and border line (the planner joins posts within {:.0} m)",
                    p.id,
                    if d.is_finite() { format!("{:.1} km", d / 1000.0) } else { "far".into() },
                    crate::model::DEFAULT_ACCESS_M
                ));
                continue;
            }
            units.push(Unit {
                id: UnitId::new(format!("{a2}-F{}", i + 1)),
                state: st.clone(),
                mode: UnitMode::Foot,
                home_post: PostId::new(&p.id),
                shift_hours: 8.0,
                name: format!("Foot patrol {}", i + 1),
                releasable: true,
            });
        }
        // The post nearest to any of `lines`, if a crew can walk there
        // (within the planner's default access distance).
        let near = |lines: Vec<&Vec<Coord>>| -> Option<&PostOut> {
            let segs: RTree<GeomWithData<geo::Line, ()>> = RTree::bulk_load(
                lines
                    .iter()
                    .flat_map(|l| {
                        let xy: Vec<Coord> = l.iter().map(|c| proj.forward(*c)).collect();
                        xy.windows(2)
                            .map(|w| GeomWithData::new(geo::Line::new(w[0], w[1]), ()))
                            .collect::<Vec<_>>()
                    })
                    .collect(),
            );
            mine.iter()
                .filter_map(|p| {
                    let xy = proj.forward(p.lonlat);
                    let seg = segs.nearest_neighbor(&geo::Point::from(xy))?;
                    let d = crate::geom::closest_on_segment(xy, seg.geom().start, seg.geom().end).2;
                    Some((d, *p))
                })
                .min_by(|a, b| a.0.total_cmp(&b.0))
                .filter(|(d, _)| *d <= crate::model::DEFAULT_ACCESS_M)
                .map(|(_, p)| p)
        };
        let roads: Vec<&Vec<Coord>> = layers
            .network
            .iter()
            .filter(|n| &n.state == st && matches!(n.kind, NetworkKind::Road | NetworkKind::Track))
            .map(|n| &n.lonlat)
            .collect();
        if let Some(p) = near(roads) {
            units.push(Unit {
                id: UnitId::new(format!("{a2}-V1")),
                state: st.clone(),
                mode: UnitMode::Vehicle,
                home_post: PostId::new(&p.id),
                shift_hours: 8.0,
                name: "Vehicle patrol".into(),
                releasable: true,
            });
        }
        let blue: Vec<&Vec<Coord>> = layers
            .border
            .iter()
            .filter(|b| b.kind == BorderKind::Blue)
            .map(|b| &b.lonlat)
            .collect();
        if !blue.is_empty() {
            if let Some(p) = near(blue) {
                units.push(Unit {
                    id: UnitId::new(format!("{a2}-B1")),
                    state: st.clone(),
                    mode: UnitMode::Boat,
                    home_post: PostId::new(&p.id),
                    shift_hours: 8.0,
                    name: "Boat patrol".into(),
                    releasable: true,
                });
            }
        }
    }
    (units, left_out)
}

/// Where a foot crew can start from, in local metres: the vertices of the
/// State's paths, tracks and roads, and the border line every 250 m (the
/// planner's foot graph has nodes there, or closer).
fn walkable(st: &StateId, layers: &Layers, proj: &LocalProjection) -> RTree<[f64; 2]> {
    let mut pts: Vec<[f64; 2]> = layers
        .network
        .iter()
        .filter(|n| &n.state == st && n.kind != NetworkKind::Waterway)
        .flat_map(|n| n.lonlat.iter())
        .map(|c| {
            let q = proj.forward(*c);
            [q.x, q.y]
        })
        .collect();
    for b in layers
        .border
        .iter()
        .filter(|b| &b.left == st || &b.right == st)
    {
        let xy: Vec<Coord> = b.lonlat.iter().map(|c| proj.forward(*c)).collect();
        for w in xy.windows(2) {
            let len = (w[1] - w[0]).x.hypot((w[1] - w[0]).y);
            let n = (len / 250.0).ceil().max(1.0) as usize;
            for k in 0..=n {
                let t = k as f64 / n as f64;
                pts.push([
                    w[0].x + (w[1].x - w[0].x) * t,
                    w[0].y + (w[1].y - w[0].y) * t,
                ]);
            }
        }
    }
    RTree::bulk_load(pts)
}

/// Invented informal routes for an exercise (`--exercise-routes N`): `n`
/// routes at seeded random chainages, each running from 1.5–5 km inside
/// one State to 1.5–5 km inside the other, roughly square to the border
/// and crossing it where drawn, with a little seeded meander. On a blue
/// stretch (`is_blue`) they are fords or boat landings, else paths (60 %),
/// tracks (30 %) or roads (10 %). For borders whose real informal routes
/// are not in the data (Natural Earth has none).
pub fn exercise_routes(
    border: &BorderIndex,
    total_km: f64,
    proj: &LocalProjection,
    is_blue: &dyn Fn(Coord) -> bool,
    n: usize,
    seed: u64,
) -> Vec<RouteOut> {
    let mut rng = fastrand::Rng::with_seed(crate::seed::mix(seed, 0x2047, n as u64));
    let mut out = Vec::new();
    for i in 0..n {
        // stratified: one route per 1/n of the border, placed at random in it
        let km = (i as f64 + 0.1 + 0.8 * rng.f64()) * total_km / n as f64;
        let (Some((pa, p)), Some((pb, q))) = (
            border.at_chainage(km),
            border.at_chainage((km + 0.05).min(total_km)),
        ) else {
            continue;
        };
        let (a, b) = if pa == pb && q != p {
            (p, q)
        } else {
            match border.at_chainage((km - 0.05).max(0.0)) {
                Some((_, o)) if o != p => (o, p),
                _ => continue,
            }
        };
        let t = b - a;
        let len = t.x.hypot(t.y);
        let (tx, ty) = (t.x / len, t.y / len);
        let normal = Coord { x: -ty, y: tx }; // towards the left State
        let (da, db) = (1500.0 + 3500.0 * rng.f64(), 1500.0 + 3500.0 * rng.f64());
        let mut pts = Vec::new();
        let steps_a = (da / 500.0).ceil() as usize;
        for k in (1..=steps_a).rev() {
            let d = da * k as f64 / steps_a as f64;
            let jitter = (rng.f64() - 0.5) * 300.0;
            pts.push(p + normal * d + Coord { x: tx, y: ty } * jitter);
        }
        pts.push(p);
        let steps_b = (db / 500.0).ceil() as usize;
        for k in 1..=steps_b {
            let d = db * k as f64 / steps_b as f64;
            let jitter = (rng.f64() - 0.5) * 300.0;
            pts.push(p - normal * d + Coord { x: tx, y: ty } * jitter);
        }
        let kind = if is_blue(p) {
            if rng.bool() {
                RouteKind::Ford
            } else {
                RouteKind::Landing
            }
        } else {
            match rng.f64() {
                x if x < 0.6 => RouteKind::Path,
                x if x < 0.9 => RouteKind::Track,
                _ => RouteKind::Road,
            }
        };
        out.push(RouteOut {
            lonlat: pts.iter().map(|c| proj.inverse(*c)).collect(),
            kind,
            name: format!("exercise route {}", i + 1),
            chainage_km: km,
            border_crossings: 1,
            source: format!("invented (EXERCISE DATA, seed {seed})"),
        });
    }
    out
}

/// Exercise agreements: hot pursuit 10 km / 30 min, cross-border observation,
/// 15 min liaison delay (the joint-exercise defaults; edit per agreement).
pub fn exercise_agreements() -> Agreements {
    Agreements {
        hot_pursuit: true,
        hot_pursuit_depth_km: 10.0,
        hot_pursuit_time_min: 30.0,
        cross_border_observation: true,
        liaison_delay_min: 15.0,
        joint_patrols: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_post_no_crew_can_walk_from_gets_no_foot_patrol_and_a_note() {
        let (a, b) = (StateId::new("XA"), StateId::new("XB"));
        let line = vec![Coord { x: 10.0, y: 45.0 }, Coord { x: 10.0, y: 45.1 }];
        let layers = Layers {
            border: vec![BorderOut {
                lonlat: line.clone(),
                left: a.clone(),
                right: b.clone(),
                kind: BorderKind::Green,
            }],
            ..Layers::default()
        };
        let proj = LocalProjection::centred_on(line[0], line[1]);
        let post = |id: &str, lon: f64, st: &StateId| PostOut {
            id: id.into(),
            lonlat: Coord { x: lon, y: 45.05 },
            state: st.clone(),
            name: String::new(),
            height_m: 2.0,
            sensors: Vec::new(),
            elevation_m: None,
        };
        // 400 m and 3.9 km west of the line; 400 m east
        let posts = vec![
            post("XA-OP1", 9.995, &a),
            post("XA-OP2", 9.95, &a),
            post("XB-OP1", 10.005, &b),
        ];
        let (units, notes) = exercise_units(&posts, &layers, &proj);
        let homes: Vec<&str> = units.iter().map(|u| u.home_post.as_str()).collect();
        assert_eq!(homes, vec!["XA-OP1", "XB-OP1"], "{units:?}");
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(
            notes[0].contains("XA-OP2") && notes[0].contains("3.9 km"),
            "{notes:?}"
        );
    }
}
