//! What the posts see: a sensor's p(d), a post's viewshed and sensors
//! (`PostSight`), its sightings of a segment or a route crossing, day and
//! night, and their combination as independent trials.

use super::{dist, r3, AssessOptions};
use crate::ids::StateId;
use crate::model::{Post, Scenario, Sensor};
use crate::terrain::viewshed::{self, Viewshed, ViewshedParams};
use crate::terrain::Terrain;
use geo::Coord;
use serde::Serialize;

/// Detection probability of one sensor at distance `d`.
pub fn sensor_p(s: &Sensor, d: f64) -> f64 {
    if d > s.range_m {
        0.0
    } else if d <= s.range_m / 2.0 {
        s.p_detect
    } else {
        s.p_detect * (s.range_m - d) / (s.range_m / 2.0)
    }
}

/// The sensors of a post (resolved); a post without any gets the naked eye:
/// day only, 1.5 km, p 0.5.
pub fn post_sensors(s: &Scenario, p: &Post) -> Vec<Sensor> {
    let v: Vec<Sensor> = p
        .sensors
        .iter()
        .filter_map(|id| s.sensors.iter().find(|x| &x.id == id))
        .cloned()
        .collect();
    if v.is_empty() {
        vec![Sensor {
            id: crate::ids::SensorId::new("eyes"),
            kind: crate::model::SensorKind::DayOptical,
            range_m: 1500.0,
            day: true,
            night: false,
            p_detect: 0.5,
        }]
    } else {
        v
    }
}

/// Best (day, night) detection probability at distance `d`.
pub fn day_night_p(sensors: &[Sensor], d: f64) -> (f64, f64) {
    let mut out = (0.0f64, 0.0f64);
    for s in sensors {
        let p = sensor_p(s, d);
        if s.day {
            out.0 = out.0.max(p);
        }
        if s.night {
            out.1 = out.1.max(p);
        }
    }
    out
}

/// What one post contributes to one segment (or route crossing).
#[derive(Clone, Debug, Serialize)]
pub struct Sighting {
    pub post: String,
    pub state: StateId,
    /// Share of the samples in line of sight and range.
    pub seen: f64,
    /// Distance to the nearest seen sample (m).
    pub distance_m: f64,
    pub p_day: f64,
    pub p_night: f64,
}

/// Line of sight of one observer (a post, or a candidate site) as the
/// assessment uses it.
#[derive(Clone, Debug)]
pub struct PostSight {
    pub id: String,
    pub state: StateId,
    pub xy: Coord,
    pub sensors: Vec<Sensor>,
    pub range_m: f64,
    pub viewshed: Option<Viewshed>,
}

impl PostSight {
    /// An observer at `xy`, `height_m` above ground; with a terrain, its
    /// viewshed is computed (errors: the reason, e.g. outside the DEM).
    pub fn new(
        id: String,
        state: StateId,
        xy: Coord,
        height_m: f64,
        sensors: Vec<Sensor>,
        terrain: Option<&Terrain>,
        o: &AssessOptions,
    ) -> Result<PostSight, viewshed::ViewshedError> {
        let range_m = sensors.iter().map(|x| x.range_m).fold(0.0, f64::max);
        let viewshed = match terrain {
            Some(t) => Some(viewshed::viewshed(
                t,
                &ViewshedParams::new(xy, height_m, o.target_height_m, range_m),
            )?),
            None => None,
        };
        Ok(PostSight {
            id,
            state,
            xy,
            sensors,
            range_m,
            viewshed,
        })
    }

    /// Detection probabilities (day, night) and distance of a point; `None`
    /// if out of range, or out of sight of every sensor that needs it.
    pub fn detect(&self, terrain: Option<&Terrain>, q: Coord) -> Option<(f64, f64, f64)> {
        let d = dist(self.xy, q);
        if d > self.range_m {
            return None;
        }
        let seen = match (&self.viewshed, terrain) {
            (Some(v), Some(t)) => v.sees(t, q),
            _ => true,
        };
        // Ground sensors (seismic, magnetic) need no line of sight.
        let (pd, pn) = if seen {
            day_night_p(&self.sensors, d)
        } else {
            let ground: Vec<Sensor> = self
                .sensors
                .iter()
                .filter(|x| x.kind == crate::model::SensorKind::Ground)
                .cloned()
                .collect();
            day_night_p(&ground, d)
        };
        (pd > 0.0 || pn > 0.0 || seen).then_some((pd, pn, d))
    }
}

/// Compute each post's line of sight. Problems (post outside the DEM, bad
/// range) become warnings; such a post sees nothing.
pub fn post_sights(
    s: &Scenario,
    terrain: Option<&Terrain>,
    o: &AssessOptions,
    warnings: &mut Vec<String>,
) -> Vec<PostSight> {
    o.progress
        .stage("viewsheds of the posts", s.posts.len() as u64);
    s.posts
        .iter()
        .filter_map(|p| {
            if o.progress.cancelled() {
                return None;
            }
            o.progress.add(1);
            match PostSight::new(
                p.id.to_string(),
                p.state.clone(),
                p.xy,
                p.height_m,
                post_sensors(s, p),
                terrain,
                o,
            ) {
                Ok(ps) => Some(ps),
                Err(e) => {
                    warnings.push(format!(
                        "post {}: {e}; it is counted as seeing nothing",
                        p.id
                    ));
                    None
                }
            }
        })
        .collect()
}

/// Everything the observers see of one segment (its samples) or point.
pub fn sightings(
    terrain: Option<&Terrain>,
    sights: &[PostSight],
    samples: &[Coord],
) -> Vec<Sighting> {
    sightings_of(terrain, sights.iter(), samples)
}

/// As [`sightings`], over some of the observers (in order).
pub fn sightings_of<'a>(
    terrain: Option<&Terrain>,
    sights: impl Iterator<Item = &'a PostSight>,
    samples: &[Coord],
) -> Vec<Sighting> {
    let mut out = Vec::new();
    for ps in sights {
        if samples.iter().all(|q| dist(ps.xy, *q) > ps.range_m) {
            continue;
        }
        let (mut seen, mut pd, mut pn, mut dmin) = (0usize, 0.0, 0.0, f64::INFINITY);
        for q in samples {
            if let Some((a, b, d)) = ps.detect(terrain, *q) {
                seen += 1;
                pd += a;
                pn += b;
                dmin = dmin.min(d);
            }
        }
        if seen > 0 {
            let n = samples.len() as f64;
            out.push(Sighting {
                post: ps.id.clone(),
                state: ps.state.clone(),
                seen: r3(seen as f64 / n),
                distance_m: dmin.round(),
                p_day: pd / n,
                p_night: pn / n,
            });
        }
    }
    out
}

/// Combined probability of independent detections.
pub fn combine(ps: impl Iterator<Item = f64>) -> f64 {
    1.0 - ps.fold(1.0, |acc, p| acc * (1.0 - p))
}

/// Detection in one view (a State's posts alone, or both States' jointly).
#[derive(Clone, Copy, Debug, Serialize, PartialEq)]
pub struct Detect {
    pub day: f64,
    pub night: f64,
}

impl Detect {
    pub fn of(sightings: &[Sighting], state: Option<&StateId>) -> Detect {
        let mine = || {
            sightings
                .iter()
                .filter(move |x| state.is_none_or(|s| &x.state == s))
        };
        Detect {
            day: combine(mine().map(|x| x.p_day)),
            night: combine(mine().map(|x| x.p_night)),
        }
    }
    /// Around the clock: the weaker of day and night.
    pub fn both(&self) -> f64 {
        self.day.min(self.night)
    }
}
