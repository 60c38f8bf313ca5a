//! Natural Earth importer: the boundary line between two countries from the
//! 10m `admin_0_boundary_lines_land` layer (properties `adm0_a3_l`,
//! `adm0_a3_r`: the country on the left and right of the line), optional
//! rivers for green/blue, optional crossing points snapped to the line.

use super::*;
use crate::formats::points::read_points;
use crate::index::BorderIndex;
use serde_json::Value;

#[derive(Clone, Debug)]
pub struct NaturalEarthOptions {
    pub file: PathBuf,
    pub states: [StateCode; 2],
    pub name: String,
    pub out: PathBuf,
    /// Crossing points (CSV or GeoJSON) to snap to the border.
    pub crossings: Option<PathBuf>,
    /// Snap tolerance (m). Natural Earth 10m lines can be a kilometre or more
    /// off the true border, so the default is generous.
    pub snap_tolerance_m: f64,
    /// Rivers (e.g. `ne_10m_rivers_north_america.json`): border stretches
    /// within `blue_tolerance_m` of one are blue.
    pub rivers: Option<PathBuf>,
    pub blue_tolerance_m: f64,
    /// Stretches known to follow a river that the rivers file lacks: the
    /// border between the points (lon/lat) nearest each pair is blue.
    pub blue_between: Vec<(Coord, Coord)>,
    pub exercise_posts: usize,
    /// Invented informal routes (see [`super::exercise_routes`]).
    pub exercise_routes: usize,
    pub seed: u64,
    /// Country polygons (e.g. `ne_10m_admin_0_countries.json`): each
    /// State's territory in the basemap.
    pub countries: Option<PathBuf>,
    /// Populated places (GeoNames `cities5000` CSV) for the basemap.
    pub places: Option<PathBuf>,
}

pub(super) fn lines_of(geom: &Value) -> Vec<Vec<Coord>> {
    let pos = |p: &Value| -> Option<Coord> {
        let a = p.as_array()?;
        let (x, y) = (a.first()?.as_f64()?, a.get(1)?.as_f64()?);
        (x.is_finite() && y.is_finite()).then_some(Coord { x, y })
    };
    let line = |l: &Value| -> Vec<Coord> {
        l.as_array()
            .map(|a| a.iter().filter_map(pos).collect())
            .unwrap_or_default()
    };
    match (
        geom.get("type").and_then(|t| t.as_str()),
        geom.get("coordinates"),
    ) {
        (Some("LineString"), Some(c)) => vec![line(c)],
        (Some("MultiLineString"), Some(Value::Array(ls))) => ls.iter().map(line).collect(),
        _ => Vec::new(),
    }
    .into_iter()
    .filter(|l| l.len() >= 2)
    .collect()
}

pub(super) fn read_json(path: &Path) -> Result<Value> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    serde_json::from_str(text.strip_prefix('\u{feff}').unwrap_or(&text)).map_err(|e| {
        Error::data(
            path,
            format!(
                "malformed JSON at line {}, column {}: {e}",
                e.line(),
                e.column()
            ),
        )
    })
}

/// Join lines that continue one another (one's last point is the next one's
/// first) into longer ones. Lines are never reversed: every input is
/// oriented with the first State on its left, and joining head to tail keeps
/// that true.
fn join_lines(mut lines: Vec<Vec<Coord>>) -> Vec<Vec<Coord>> {
    let mut out: Vec<Vec<Coord>> = Vec::new();
    while let Some(mut cur) = lines.pop() {
        loop {
            let (first, last) = (cur[0], *cur.last().unwrap());
            if let Some(i) = lines.iter().position(|l| l[0] == last) {
                let l = lines.swap_remove(i);
                cur.extend(l.into_iter().skip(1));
            } else if let Some(i) = lines.iter().position(|l| *l.last().unwrap() == first) {
                let mut l = lines.swap_remove(i);
                l.extend(cur.into_iter().skip(1));
                cur = l;
            } else {
                break;
            }
        }
        out.push(cur);
    }
    out
}

pub fn import(o: &NaturalEarthOptions) -> Result<ImportReport> {
    let v = read_json(&o.file)?;
    let Some(features) = v.get("features").and_then(|f| f.as_array()) else {
        return Err(Error::data(&o.file, "expected a GeoJSON FeatureCollection"));
    };
    let (ida, idb) = (o.states[0].id(), o.states[1].id());
    let mut parts = join_lines(boundary_lines(o, features)?);
    parts.sort_by_key(|p| std::cmp::Reverse(p.len()));
    let all: Vec<Coord> = parts.iter().flatten().copied().collect();
    let (min, max) = crate::model::bbox(all.into_iter()).unwrap();
    let proj = LocalProjection::centred_on(min, max);
    let xy_parts: Vec<Vec<Coord>> = parts
        .iter()
        .map(|p| p.iter().map(|c| proj.forward(*c)).collect())
        .collect();
    let with_km = chainage_of_parts(&xy_parts, &proj);
    let total_km = with_km
        .last()
        .and_then(|p| p.1.last().copied())
        .unwrap_or(0.0);
    let border_index = BorderIndex::new(with_km.clone());
    let mut water = match &o.rivers {
        Some(rp) => river_lines(rp, &proj, (min, max))?,
        None => Vec::new(),
    };
    let blue_notes = declared_blue(o, &border_index, &with_km, &proj, &mut water)?;
    let water = RTree::bulk_load(water);
    let mut layers = Layers::default();
    for xy in &xy_parts {
        let classes = classify_blue(xy, &water, &[], o.blue_tolerance_m, 5000.0);
        layers
            .border
            .extend(stretches_from(xy, &proj, &ida, &idb, &classes));
    }
    let mut unsnapped = Vec::new();
    if let Some(cp) = &o.crossings {
        let (crossings, problems) = snap_crossings(o, cp, &border_index, &proj)?;
        layers.crossings = crossings;
        unsnapped = problems;
    }
    if o.exercise_routes > 0 {
        layers.routes = routes_off_blue(o, &layers, &border_index, total_km, &proj);
    }
    layers.posts = exercise_posts(
        &o.states,
        &border_index,
        &ida,
        total_km,
        &proj,
        None,
        o.exercise_posts,
    );
    let frame = super::reference::Frame::around(
        crate::model::bbox(xy_parts.iter().flatten().copied()).unwrap(),
        &proj,
    );
    if let Some(c) = &o.countries {
        layers.basemap.territories = super::reference::territories(c, &o.states, frame, &proj)?;
    }
    if let Some(rp) = &o.rivers {
        layers.basemap.lines = super::reference::rivers(rp, frame, &proj)?;
    }
    if let Some(p) = &o.places {
        layers.basemap.places = super::reference::places(p, frame, &proj)?;
        layers.basemap.sort_places();
    }
    let sources = sources_md(o, &blue_notes, layers.routes.len());
    super::finish(
        &o.out, &o.name, &o.states, None, o.seed, layers, &proj, total_km, sources, unsnapped,
    )
}

/// The boundary lines between the two States, each oriented with the
/// first State on the left.
fn boundary_lines(o: &NaturalEarthOptions, features: &[Value]) -> Result<Vec<Vec<Coord>>> {
    let [a, b] = &o.states;
    let (ida, idb) = (a.id(), b.id());
    let mut parts: Vec<Vec<Coord>> = Vec::new();
    for (i, f) in features.iter().enumerate() {
        let p = f.get("properties");
        let get = |k: &str| {
            p.and_then(|p| p.get(k))
                .and_then(|v| v.as_str())
                .unwrap_or("")
        };
        let (l, r) = (get("adm0_a3_l"), get("adm0_a3_r"));
        if l.is_empty() && r.is_empty() && i == 0 {
            return Err(Error::data(&o.file, "feature 0 has no adm0_a3_l/adm0_a3_r properties: expected Natural Earth admin_0_boundary_lines"));
        }
        let left_a =
            crate::country::matches(&a.country, l) && crate::country::matches(&b.country, r);
        let left_b =
            crate::country::matches(&b.country, l) && crate::country::matches(&a.country, r);
        if !(left_a || left_b) {
            continue;
        }
        let g = f.get("geometry").cloned().unwrap_or(Value::Null);
        for mut line in lines_of(&g) {
            if left_b {
                line.reverse(); // orient with the first State on the left
            }
            parts.push(line);
        }
    }
    if parts.is_empty() {
        return Err(Error::data(&o.file, format!("no boundary line between {ida} and {idb} (features with adm0_a3_l/adm0_a3_r = {ida}/{idb})")));
    }
    if parts.is_empty() {
        return Err(Error::data(&o.file, format!("no boundary line between {ida} and {idb} (features with adm0_a3_l/adm0_a3_r = {ida}/{idb})")));
    }
    Ok(parts)
}

/// The rivers file's lines within a degree of the border's box, projected,
/// as water segments.
fn river_lines(
    rp: &Path,
    proj: &LocalProjection,
    (min, max): (Coord, Coord),
) -> Result<Vec<GeomWithData<geo::Line, usize>>> {
    let mut water = Vec::new();
    let rv = read_json(rp)?;
    for (i, f) in rv
        .get("features")
        .and_then(|f| f.as_array())
        .into_iter()
        .flatten()
        .enumerate()
    {
        for l in lines_of(f.get("geometry").unwrap_or(&Value::Null)) {
            if !l.iter().any(|c| {
                c.x >= min.x - 1.0 && c.x <= max.x + 1.0 && c.y >= min.y - 1.0 && c.y <= max.y + 1.0
            }) {
                continue;
            }
            let xy: Vec<Coord> = l.iter().map(|c| proj.forward(*c)).collect();
            for s in xy.windows(2) {
                water.push(GeomWithData::new(geo::Line::new(s[0], s[1]), i));
            }
        }
    }
    Ok(water)
}

/// Stretches declared blue (`--blue-between`): the border itself between
/// the two points counts as water. Returns a note per stretch.
fn declared_blue(
    o: &NaturalEarthOptions,
    border_index: &BorderIndex,
    with_km: &[(Vec<Coord>, Vec<f64>)],
    proj: &LocalProjection,
    water: &mut Vec<GeomWithData<geo::Line, usize>>,
) -> Result<Vec<String>> {
    let (ida, idb) = (o.states[0].id(), o.states[1].id());
    let mut blue_notes = Vec::new();
    for (i, (p, q)) in o.blue_between.iter().enumerate() {
        let (sp, sq) = (
            border_index.snap(proj.forward(*p)),
            border_index.snap(proj.forward(*q)),
        );
        let (Some(sp), Some(sq)) = (sp, sq) else {
            continue;
        };
        for (what, sn, ll) in [("first", &sp, p), ("second", &sq, q)] {
            if sn.distance_m > o.snap_tolerance_m {
                return Err(Error::option("blue_between", format!(
                    "#{} ({:.5},{:.5}): the {what} point is {:.0} m from the {ida}–{idb} border, beyond the snap tolerance of {:.0} m",
                    i + 1,
                    ll.x,
                    ll.y,
                    sn.distance_m,
                    o.snap_tolerance_m
                )));
            }
        }
        let (k0, k1) = (
            sp.chainage_km.min(sq.chainage_km),
            sp.chainage_km.max(sq.chainage_km),
        );
        for (xy, km) in with_km {
            for (w, k) in xy.windows(2).zip(km.windows(2)) {
                if k[1] > k0 && k[0] < k1 {
                    water.push(GeomWithData::new(geo::Line::new(w[0], w[1]), usize::MAX));
                }
            }
        }
        blue_notes.push(format!(
            "km {k0:.1}–{k1:.1} (between {:.4},{:.4} and {:.4},{:.4})",
            p.x, p.y, q.x, q.y
        ));
    }
    Ok(blue_notes)
}

/// The user's official crossings snapped to the line (by chainage), and a
/// note for each point not used.
fn snap_crossings(
    o: &NaturalEarthOptions,
    cp: &Path,
    border_index: &BorderIndex,
    proj: &LocalProjection,
) -> Result<(Vec<CrossingOut>, Vec<String>)> {
    let mut crossings = Vec::new();
    let mut unsnapped = Vec::new();
    let (pts, problems) = read_points(cp);
    if problems.has_errors() && pts.is_empty() {
        return Err(Error::Invalid(problems));
    }
    unsnapped.extend(problems.0.iter().map(|p| p.to_string()));
    for p in pts {
        let xy = proj.forward(p.lonlat);
        match border_index.snap(xy) {
            Some(s) if s.distance_m <= o.snap_tolerance_m => crossings.push(CrossingOut {
                lonlat: p.lonlat,
                name: p.name,
                kind: "road".into(),
                chainage_km: s.chainage_km,
                source: format!(
                    "{} {}",
                    cp.file_name().unwrap_or_default().to_string_lossy(),
                    p.place
                ),
            }),
            Some(s) => unsnapped.push(format!(
                "{} {} ({:?}): {:.0} m from the border, beyond the snap tolerance of {:.0} m",
                cp.display(),
                p.place,
                p.name,
                s.distance_m,
                o.snap_tolerance_m
            )),
            None => unsnapped.push(format!(
                "{} {}: no border to snap to",
                cp.display(),
                p.place
            )),
        }
    }
    crossings.sort_by(|x, y| x.chainage_km.total_cmp(&y.chainage_km));
    Ok((crossings, unsnapped))
}

/// Invented exercise routes square to the border, boats where it is blue.
fn routes_off_blue(
    o: &NaturalEarthOptions,
    layers: &Layers,
    border_index: &BorderIndex,
    total_km: f64,
    proj: &LocalProjection,
) -> Vec<RouteOut> {
    let blue: RTree<GeomWithData<geo::Line, ()>> = RTree::bulk_load(
        layers
            .border
            .iter()
            .filter(|b| b.kind == BorderKind::Blue)
            .flat_map(|b| {
                b.lonlat
                    .windows(2)
                    .map(|w| {
                        GeomWithData::new(
                            geo::Line::new(proj.forward(w[0]), proj.forward(w[1])),
                            (),
                        )
                    })
                    .collect::<Vec<_>>()
            })
            .collect(),
    );
    let is_blue = |p: Coord| {
        blue.locate_within_distance(geo::Point::from(p), 1.0)
            .next()
            .is_some()
    };
    exercise_routes(
        border_index,
        total_km,
        proj,
        &is_blue,
        o.exercise_routes,
        o.seed,
    )
}

/// SOURCES.md: where each layer came from.
fn sources_md(o: &NaturalEarthOptions, blue_notes: &[String], routes: usize) -> String {
    let mut sources = format!(
        "# Sources\n\nBorder line: `{}` — Natural Earth (naturalearthdata.com), public domain. Natural Earth 10m lines are generalised: expect metres to kilometres of offset from the true border.\n",
        o.file.file_name().unwrap_or_default().to_string_lossy()
    );
    if let Some(r) = &o.rivers {
        sources.push_str(&format!(
            "\nRivers (green/blue classification): `{}` — Natural Earth, public domain.\n",
            r.file_name().unwrap_or_default().to_string_lossy()
        ));
    }
    if !blue_notes.is_empty() {
        sources.push_str(&format!(
            "\nDeclared blue (`--blue-between`: the border follows a river the rivers file lacks): {}.\n",
            blue_notes.join("; ")
        ));
    }
    if o.exercise_routes > 0 {
        sources.push_str(&format!(
            "\nInformal routes: {} invented EXERCISE DATA routes (`--exercise-routes`, seed {}), square to the border at random chainages; not real routes.\n",
            routes,
            o.seed
        ));
    }
    if let Some(c) = &o.crossings {
        sources.push_str(&format!(
            "\nOfficial crossings: `{}`, snapped to the line within {:.0} m.\n",
            c.file_name().unwrap_or_default().to_string_lossy(),
            o.snap_tolerance_m
        ));
    }
    if let Some(c) = &o.countries {
        sources.push_str(&format!(
            "\nTerritories (basemap): `{}` — Natural Earth 10m country polygons, public domain (converted by the world-atlas package, ISC licence).\n",
            c.file_name().unwrap_or_default().to_string_lossy()
        ));
    }
    if let Some(p) = &o.places {
        sources.push_str(&format!(
            "\nPlaces (basemap): `{}` — GeoNames, geonames.org, CC BY 4.0.\n",
            p.file_name().unwrap_or_default().to_string_lossy()
        ));
    }
    sources
}
