//! Synthetic borders of any length for scaling curves (`borderwatch
//! generate`): a meandering line between two user-assigned States (XA on
//! the left, XB on the right) with blue stretches, official crossings,
//! a road and a border track along each side joined by spurs, invented posts, units and
//! informal routes — all at fixed densities per 100 km, all from one seed.
//! Nothing in it is real.

use super::*;
use crate::error::OptionProblem;
use crate::index::BorderIndex;

#[derive(Clone, Debug)]
pub struct GenerateOptions {
    pub length_km: f64,
    pub name: String,
    pub out: PathBuf,
    /// Observation posts per State per 100 km.
    pub posts_per_100km: f64,
    /// Informal routes per 100 km.
    pub routes_per_100km: f64,
    /// Share of the border on rivers (blue), in stretches of 20–80 km.
    pub blue_share: f64,
    pub seed: u64,
}

impl Default for GenerateOptions {
    fn default() -> Self {
        GenerateOptions {
            length_km: 1000.0,
            name: "synthetic".into(),
            out: PathBuf::from("."),
            posts_per_100km: 8.0,
            routes_per_100km: 15.0,
            blue_share: 0.3,
            seed: 1,
        }
    }
}

/// Metres per degree of latitude (spherical, for laying out the line).
const M_PER_DEG: f64 = 111_195.0;

/// A meandering line of `length_m` starting at 0° E, 10° N and heading
/// east, in lon/lat: 500 m steps, the heading a damped random walk within
/// ±60° of east (so the line never folds back on itself).
fn meander(length_m: f64, rng: &mut fastrand::Rng) -> Vec<Coord> {
    let step = 500.0;
    let n = (length_m / step).ceil() as usize;
    let mut p: Coord<f64> = Coord { x: 0.0, y: 10.0 };
    let mut heading: f64 = 0.0;
    let mut turn: f64 = 0.0;
    let mut out = vec![p];
    for _ in 0..n {
        turn = 0.9 * turn + (rng.f64() - 0.5) * 0.04;
        heading = (heading + turn).clamp(-1.05, 1.05);
        if heading.abs() >= 1.05 {
            turn = -turn;
        }
        let (dx, dy) = (step * heading.cos(), step * heading.sin());
        p = Coord {
            x: p.x + dx / (M_PER_DEG * p.y.to_radians().cos()),
            y: p.y + dy / M_PER_DEG,
        };
        out.push(p);
    }
    out
}

/// Offset a projected line sideways by `d` metres (positive: left).
fn offset(xy: &[Coord], d: f64) -> Vec<Coord> {
    let n = xy.len();
    (0..n)
        .map(|i| {
            let a = xy[i.saturating_sub(1)];
            let b = xy[(i + 1).min(n - 1)];
            let t = b - a;
            let len = t.x.hypot(t.y).max(1e-9);
            xy[i]
                + Coord {
                    x: -t.y / len * d,
                    y: t.x / len * d,
                }
        })
        .collect()
}

pub fn generate(o: &GenerateOptions) -> Result<ImportReport> {
    check_options(o)?;
    let states = StateCode::parse_pair("XA,XB")?;
    let (ida, idb) = (states[0].id(), states[1].id());
    let mut rng = fastrand::Rng::with_seed(crate::seed::mix(o.seed, 0x6E4, 0));
    let line = meander(o.length_km * 1000.0, &mut rng);
    let (min, max) = crate::model::bbox(line.iter().copied()).unwrap();
    let proj = LocalProjection::centred_on(min, max);
    let xy: Vec<Coord> = line.iter().map(|c| proj.forward(*c)).collect();
    let with_km = chainage_of_parts(std::slice::from_ref(&xy), &proj);
    let total_km = with_km[0].1.last().copied().unwrap_or(0.0);
    let km = with_km[0].1.clone();
    let border_index = BorderIndex::new(with_km);

    let blue = blue_edges(&km, o.blue_share, &mut rng);
    let mut layers = Layers {
        border: border_runs(&line, &blue, &ida, &idb),
        ..Layers::default()
    };
    let is_blue = |p: Coord| -> bool {
        border_index
            .snap(p)
            .map(|s| {
                let k = km
                    .partition_point(|x| *x <= s.chainage_km)
                    .clamp(1, km.len() - 1);
                blue[k - 1]
            })
            .unwrap_or(false)
    };
    // An official crossing every ~100 km (a bridge on blue stretches).
    let n_cross = (total_km / 100.0).round().max(1.0) as usize;
    for c in 0..n_cross {
        let k = (c as f64 + 0.5) * total_km / n_cross as f64;
        if let Some((_, p)) = border_index.at_chainage(k) {
            layers.crossings.push(CrossingOut {
                lonlat: proj.inverse(p),
                name: format!("Crossing {}", c + 1),
                kind: if is_blue(p) { "bridge" } else { "road" }.into(),
                chainage_km: k,
                source: format!("synthetic (seed {})", o.seed),
            });
        }
    }
    for (side, sign) in [(&ida, 1.0), (&idb, -1.0)] {
        layers
            .network
            .extend(side_network(&xy, &proj, side, sign, o.seed));
    }
    let n_routes = (total_km / 100.0 * o.routes_per_100km).round() as usize;
    layers.routes = exercise_routes(&border_index, total_km, &proj, &is_blue, n_routes, o.seed);
    let per_state = (total_km / 100.0 * o.posts_per_100km).round() as usize;
    layers.posts = exercise_posts(
        &states,
        &border_index,
        &ida,
        total_km,
        &proj,
        None,
        per_state,
    );
    let sources = format!(
        "# Sources\n\nSYNTHETIC scale-test border: generated by `borderwatch import synthetic --length-km {} --seed {}` (a meandering line between the user-assigned codes XA and XB, {:.0} % blue, a road 3 km and a track 100 m inside each side, official crossings every ~100 km, {} invented routes). Nothing in it is real.\n",
        o.length_km,
        o.seed,
        o.blue_share * 100.0,
        n_routes
    );
    super::finish(
        &o.out,
        &o.name,
        &states,
        None,
        o.seed,
        layers,
        &proj,
        total_km,
        sources,
        Vec::new(),
    )
}

/// Options in range, all problems at once.
pub fn check_options(o: &GenerateOptions) -> Result<()> {
    let mut bad = Vec::new();
    if !(o.length_km.is_finite() && (10.0..=20_000.0).contains(&o.length_km)) {
        bad.push(OptionProblem::new(
            "length_km",
            format!("{}: expected 10 to 20000", o.length_km),
        ));
    }
    for (field, v) in [
        ("posts_per_100km", o.posts_per_100km),
        ("routes_per_100km", o.routes_per_100km),
    ] {
        if !(v.is_finite() && (0.0..=200.0).contains(&v)) {
            bad.push(OptionProblem::new(field, format!("{v}: expected 0 to 200")));
        }
    }
    if !(0.0..=1.0).contains(&o.blue_share) {
        bad.push(OptionProblem::new(
            "blue_share",
            format!("{}: expected 0 to 1", o.blue_share),
        ));
    }
    if !bad.is_empty() {
        return Err(Error::Options(bad));
    }
    Ok(())
}

/// Which edges of the line (chainage `km` per vertex) are blue: stretches of
/// 20–80 km until `share` of the length is reached, spread along.
fn blue_edges(km: &[f64], share: f64, rng: &mut fastrand::Rng) -> Vec<bool> {
    let total_km = km.last().copied().unwrap_or(0.0);
    let mut blue = vec![false; km.len().saturating_sub(1)];
    let mut blue_km = 0.0;
    let mut guard = 0;
    while blue_km < share * total_km && guard < 10_000 {
        guard += 1;
        let len = (20.0 + 60.0 * rng.f64()).min(share * total_km - blue_km + 1.0);
        let start = rng.f64() * (total_km - len).max(0.0);
        for (i, w) in km.windows(2).enumerate() {
            if w[0] >= start && w[1] <= start + len && !blue[i] {
                blue[i] = true;
                blue_km += w[1] - w[0];
            }
        }
    }
    blue
}

/// The border (lon/lat vertices) as stretches, one per run of green or
/// blue edges.
fn border_runs(line: &[Coord], blue: &[bool], ida: &StateId, idb: &StateId) -> Vec<BorderOut> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < blue.len() {
        let kind = blue[i];
        let mut j = i;
        while j < blue.len() && blue[j] == kind {
            j += 1;
        }
        out.push(BorderOut {
            lonlat: line[i..=j].to_vec(),
            left: ida.clone(),
            right: idb.clone(),
            kind: if kind {
                BorderKind::Blue
            } else {
                BorderKind::Green
            },
        });
        i = j;
    }
    out
}

/// One side's network (`sign` +1 left of the line, −1 right): a road 3 km
/// from the line and a border track 100 m from it, joined by a spur every
/// 20 km; cut into 10 km links.
fn side_network(
    xy: &[Coord],
    proj: &LocalProjection,
    side: &StateId,
    sign: f64,
    seed: u64,
) -> Vec<NetworkOut> {
    let mut out = Vec::new();
    let road = offset(xy, 3000.0 * sign);
    let track = offset(xy, 100.0 * sign);
    let per = 20; // vertices per 10 km
    let src = format!("synthetic (seed {seed})");
    let mut k = 0;
    while k + 1 < road.len() {
        let end = (k + per).min(road.len() - 1);
        for (line, kind) in [(&road, NetworkKind::Road), (&track, NetworkKind::Track)] {
            out.push(NetworkOut {
                lonlat: line[k..=end].iter().map(|c| proj.inverse(*c)).collect(),
                state: side.clone(),
                kind,
                source: src.clone(),
            });
        }
        if (k / per) % 2 == 0 {
            out.push(NetworkOut {
                lonlat: vec![proj.inverse(road[k]), proj.inverse(track[k])],
                state: side.clone(),
                kind: NetworkKind::Track,
                source: src.clone(),
            });
        }
        k = end;
    }
    out
}
