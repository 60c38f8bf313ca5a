//! A scenario's fingerprint: a BLAKE3 hash of everything a plan depends
//! on — the States, the border, the routes, the patrol network, the posts
//! and their sensors, the units, the agreements, the risk model with its
//! intelligence and seizures, the DEM's source — so that a `plan.json` is
//! bound to the version of the scenario it was made for, and reading it
//! against another says "re-plan" instead of giving plausible figures.
//!
//! Names, titles, descriptions and colours are left out (renaming a post's
//! label does not change a plan).

use super::model::Scenario;
use geo::{Coord, LineString};

/// The fingerprint, 32 hex digits (the first 128 bits of BLAKE3).
pub fn fingerprint(s: &Scenario) -> String {
    let mut h = Feed(blake3::Hasher::new());
    h.str("borderwatch scenario fingerprint 1");
    h.usize(s.states.len());
    for st in &s.states {
        h.str(st.id.as_str());
    }
    h.usize(s.border.len());
    for b in &s.border {
        h.str(b.left.as_str());
        h.str(b.right.as_str());
        h.str(&format!("{:?}", b.kind));
        h.line(&b.lonlat);
    }
    h.usize(s.routes.len());
    for r in &s.routes {
        h.str(r.id.as_str());
        h.str(r.kind.as_str());
        h.line(&r.lonlat);
    }
    h.usize(s.network.len());
    for n in &s.network {
        h.str(n.state.as_str());
        h.str(&format!("{:?}", n.kind));
        h.line(&n.lonlat);
    }
    h.usize(s.posts.len());
    for p in &s.posts {
        h.str(p.id.as_str());
        h.str(p.state.as_str());
        h.coord(p.lonlat);
        h.f64(p.height_m);
        h.usize(p.sensors.len());
        for x in &p.sensors {
            h.str(x.as_str());
        }
    }
    h.json(&s.sensors);
    h.json(
        &s.units
            .iter()
            .map(|u| (&u.id, &u.state, u.mode, &u.home_post, u.shift_hours))
            .collect::<Vec<_>>(),
    );
    h.json(&s.agreements);
    h.json(&s.risk);
    h.usize(s.intel.len());
    for i in &s.intel {
        h.coord(i.lonlat);
        h.f64(i.confidence);
    }
    h.usize(s.seizures.len());
    for z in &s.seizures {
        h.coord(z.lonlat);
        h.f64(z.count);
    }
    h.str(s.dem.as_ref().map(|d| d.source.as_str()).unwrap_or(""));
    let hex = h.0.finalize().to_hex();
    hex[..32].to_string()
}

/// Feeds values to the hasher, each with its length or fixed width, so
/// that no two different inputs run together into the same bytes.
struct Feed(blake3::Hasher);

impl Feed {
    fn usize(&mut self, n: usize) {
        self.0.update(&(n as u64).to_le_bytes());
    }
    fn f64(&mut self, v: f64) {
        self.0.update(&v.to_le_bytes());
    }
    fn str(&mut self, s: &str) {
        self.usize(s.len());
        self.0.update(s.as_bytes());
    }
    fn coord(&mut self, c: Coord) {
        self.f64(c.x);
        self.f64(c.y);
    }
    fn line(&mut self, l: &LineString) {
        self.usize(l.0.len());
        for c in &l.0 {
            self.coord(*c);
        }
    }
    fn json(&mut self, v: &impl serde::Serialize) {
        self.str(&serde_json::to_string(v).expect("a model value is JSON"));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_fingerprint_follows_what_a_plan_depends_on() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let (s, _) = crate::scenario::load_ok(&dir.join("scenarios/andorra-spain.toml")).unwrap();
        let f = super::fingerprint(&s);
        assert_eq!(f.len(), 32);
        assert_eq!(f, super::fingerprint(&s.clone()), "deterministic");
        let mut moved = s.clone();
        moved.posts[0].lonlat.x += 1e-4;
        assert_ne!(super::fingerprint(&moved), f, "a moved post");
        let mut shift = s.clone();
        shift.units[0].shift_hours += 1.0;
        assert_ne!(super::fingerprint(&shift), f, "a longer shift");
        let mut renamed = s.clone();
        renamed.posts[0].name = "another name".into();
        assert_eq!(super::fingerprint(&renamed), f, "a new label only");
    }
}
