//! Local metric projection: an exact transverse Mercator (Poder/Engsager
//! `etmerc` from the `proj4rs` crate) on the WGS84 ellipsoid, centred on the
//! scenario. Coordinates are metres east (`x`) and north (`y`) of the centre.
//!
//! # Units
//! Longitude/latitude in degrees (WGS84); projected coordinates in metres.
//! Scale error grows with the square of the distance from the central meridian
//! (about 0.3 % at 500 km); lengths reported to users (border length,
//! chainage) are therefore measured geodesically, not in this plane.

use geo::Coord;
use proj4rs::proj::Proj;

pub struct LocalProjection {
    lon0: f64,
    lat0: f64,
    geographic: Proj,
    local: Proj,
}

impl std::fmt::Debug for LocalProjection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LocalProjection(lon0={}, lat0={})", self.lon0, self.lat0)
    }
}

impl Clone for LocalProjection {
    fn clone(&self) -> Self {
        Self::new(self.lon0, self.lat0)
    }
}

impl LocalProjection {
    /// A projection centred on `(lon0, lat0)` in degrees.
    pub fn new(lon0: f64, lat0: f64) -> Self {
        let geographic = Proj::from_proj_string("+proj=longlat +ellps=WGS84 +no_defs")
            .expect("static proj string");
        let s = format!(
            "+proj=etmerc +lat_0={lat0} +lon_0={lon0} +k=1 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"
        );
        let local = Proj::from_proj_string(&s).expect("etmerc proj string");
        Self {
            lon0,
            lat0,
            geographic,
            local,
        }
    }

    /// Centred on the middle of a lon/lat bounding box.
    pub fn centred_on(min: Coord, max: Coord) -> Self {
        Self::new((min.x + max.x) / 2.0, (min.y + max.y) / 2.0)
    }

    pub fn centre(&self) -> Coord {
        Coord {
            x: self.lon0,
            y: self.lat0,
        }
    }

    /// lon/lat degrees → local metres. Returns NaNs for points the projection
    /// cannot represent (more than ~90° from the central meridian).
    pub fn forward(&self, lonlat: Coord) -> Coord {
        let mut p = (lonlat.x.to_radians(), lonlat.y.to_radians(), 0.0);
        match proj4rs::transform::transform(&self.geographic, &self.local, &mut p) {
            Ok(()) => Coord { x: p.0, y: p.1 },
            Err(_) => Coord {
                x: f64::NAN,
                y: f64::NAN,
            },
        }
    }

    /// local metres → lon/lat degrees.
    pub fn inverse(&self, xy: Coord) -> Coord {
        let mut p = (xy.x, xy.y, 0.0);
        match proj4rs::transform::transform(&self.local, &self.geographic, &mut p) {
            Ok(()) => Coord {
                x: p.0.to_degrees(),
                y: p.1.to_degrees(),
            },
            Err(_) => Coord {
                x: f64::NAN,
                y: f64::NAN,
            },
        }
    }

    pub fn forward_line(&self, line: &geo::LineString) -> geo::LineString {
        line.0.iter().map(|c| self.forward(*c)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Distance, Geodesic, Point};

    #[test]
    fn centre_maps_to_origin_and_round_trips() {
        let p = LocalProjection::new(1.55, 42.55);
        let o = p.forward(Coord { x: 1.55, y: 42.55 });
        assert!(o.x.abs() < 1e-6 && o.y.abs() < 1e-6, "{o:?}");
        for (lon, lat) in [(1.42, 42.43), (1.78, 42.66), (-106.0, 31.7), (1.0, 43.0)] {
            let xy = p.forward(Coord { x: lon, y: lat });
            let back = p.inverse(xy);
            assert!((back.x - lon).abs() < 1e-9 && (back.y - lat).abs() < 1e-9);
        }
    }

    #[test]
    fn distances_agree_with_geodesic_near_centre() {
        // 20 km scale: plane distance within 0.01 % of the geodesic.
        let p = LocalProjection::new(1.55, 42.55);
        let a = Coord { x: 1.45, y: 42.47 };
        let b = Coord { x: 1.70, y: 42.62 };
        let (pa, pb) = (p.forward(a), p.forward(b));
        let plane = ((pa.x - pb.x).powi(2) + (pa.y - pb.y).powi(2)).sqrt();
        let geod = Geodesic.distance(Point::from(a), Point::from(b));
        assert!(
            (plane - geod).abs() / geod < 1e-4,
            "plane {plane} geod {geod}"
        );
        // one degree of latitude at 42.5° N is ~111.1 km
        let north = p.forward(Coord { x: 1.55, y: 43.55 });
        assert!((north.y - 111_100.0).abs() < 300.0, "{north:?}");
    }
}
