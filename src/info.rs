//! Summary figures of a scenario (`borderwatch info`).

use crate::model::{BorderKind, Scenario};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Serialize)]
pub struct PairInfo {
    pub states: [String; 2],
    pub length_km: f64,
    pub green_km: f64,
    pub blue_km: f64,
    pub stretches: usize,
}

#[derive(Debug, Serialize)]
pub struct StateInfo {
    pub code: String,
    pub alpha2: String,
    pub name: String,
    pub posts: usize,
    pub units: usize,
    pub network_km: f64,
}

#[derive(Debug, Serialize)]
pub struct Info {
    pub name: String,
    pub title: String,
    pub exercise: bool,
    pub states: Vec<StateInfo>,
    pub pairs: Vec<PairInfo>,
    pub crossings: usize,
    pub routes: usize,
    /// Informal routes that cross the border (some routes cross it more than once).
    pub route_border_crossings: usize,
    pub posts: usize,
    pub units: usize,
    pub sensors: usize,
    pub dem: Option<String>,
    /// What came from the neighbour (`borderwatch receive`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub received: Vec<ReceivedInfo>,
}

/// One sender's layers merged into the scenario.
#[derive(Debug, Serialize)]
pub struct ReceivedInfo {
    pub from: String,
    pub written_utc: String,
    pub sequence: u64,
    pub posts: usize,
    pub units: usize,
    pub intel_points: usize,
    pub seizure_points: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
    pub dir: String,
}

fn r3(v: f64) -> f64 {
    // + 0.0: an empty sum is -0.0, which prints as "-0"
    (v * 1000.0).round() / 1000.0 + 0.0
}

pub fn info(s: &Scenario) -> Info {
    let mut pairs: BTreeMap<(String, String), PairInfo> = BTreeMap::new();
    for b in &s.border {
        let (a, c) = b.pair();
        let e = pairs.entry((a.0.clone(), c.0.clone())).or_insert(PairInfo {
            states: [a.0.clone(), c.0.clone()],
            length_km: 0.0,
            green_km: 0.0,
            blue_km: 0.0,
            stretches: 0,
        });
        let l = b.length_km();
        e.length_km += l;
        match b.kind {
            BorderKind::Green => e.green_km += l,
            BorderKind::Blue => e.blue_km += l,
        }
        e.stretches += 1;
    }
    let pairs = pairs
        .into_values()
        .map(|mut p| {
            p.length_km = r3(p.length_km);
            p.green_km = r3(p.green_km);
            p.blue_km = r3(p.blue_km);
            p
        })
        .collect();
    let index = crate::index::SpatialIndex::build(s);
    Info {
        name: s.name.clone(),
        title: s.title.clone(),
        exercise: s.exercise,
        states: s
            .states
            .iter()
            .map(|st| StateInfo {
                code: st.id.0.clone(),
                alpha2: st.alpha2.clone(),
                name: st.name.clone(),
                posts: s.posts.iter().filter(|p| p.state == st.id).count(),
                units: s.units.iter().filter(|u| u.state == st.id).count(),
                network_km: r3(s
                    .network
                    .iter()
                    .filter(|n| n.state == st.id)
                    .map(|n| crate::geom::chainage::geodesic_length_km(&n.lonlat))
                    .sum()),
            })
            .collect(),
        pairs,
        crossings: s.crossings.len(),
        routes: s.routes.len(),
        route_border_crossings: index.route_crossings(s).len(),
        posts: s.posts.len(),
        units: s.units.len(),
        sensors: s.sensors.len(),
        dem: s.dem.as_ref().map(|d| {
            format!(
                "{} ({}×{}, {:.2}..{:.2} E, {:.2}..{:.2} N)",
                d.source,
                d.cols,
                d.rows,
                d.west,
                d.east(),
                d.south(),
                d.north
            )
        }),
        received: s
            .received
            .iter()
            .map(|r| ReceivedInfo {
                from: r.from.to_string(),
                written_utc: r.written_utc.clone(),
                sequence: r.sequence,
                posts: r.posts.len(),
                units: r.units.len(),
                intel_points: r.intel_points,
                seizure_points: r.seizure_points,
                plan: r.plan.clone(),
                dir: crate::scenario::load::display_path(&r.dir)
                    .display()
                    .to_string(),
            })
            .collect(),
    }
}

impl std::fmt::Display for Info {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "{} ({}){}",
            self.title,
            self.name,
            if self.exercise {
                " — exercise data"
            } else {
                ""
            }
        )?;
        for p in &self.pairs {
            writeln!(
                f,
                "border {}–{}: {:.1} km ({:.1} km green, {:.1} km blue) in {} stretches",
                p.states[0], p.states[1], p.length_km, p.green_km, p.blue_km, p.stretches
            )?;
        }
        writeln!(f, "official crossings: {}", self.crossings)?;
        writeln!(
            f,
            "informal routes: {} ({} border crossings)",
            self.routes, self.route_border_crossings
        )?;
        writeln!(
            f,
            "posts: {}, units: {}, sensor types: {}",
            self.posts, self.units, self.sensors
        )?;
        for s in &self.states {
            writeln!(
                f,
                "  {} {} ({}): {} posts, {} units, {:.1} km of patrol network",
                s.code, s.name, s.alpha2, s.posts, s.units, s.network_km
            )?;
        }
        match &self.dem {
            Some(d) => writeln!(f, "DEM: {d}")?,
            None => writeln!(f, "DEM: none")?,
        }
        for r in &self.received {
            let mut what = vec![format!("{} posts, {} units", r.posts, r.units)];
            if r.intel_points > 0 {
                what.push(format!("intelligence on {} km of border", r.intel_points));
            }
            if r.seizure_points > 0 {
                what.push(format!("seizures on {} km of border", r.seizure_points));
            }
            if let Some(p) = &r.plan {
                what.push(format!("a {p}"));
            }
            writeln!(
                f,
                "received from {}: package {} written {}: {} ({})",
                r.from,
                r.sequence,
                r.written_utc,
                what.join(", "),
                r.dir
            )?;
        }
        Ok(())
    }
}
