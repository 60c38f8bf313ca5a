//! File formats with one home, below every module that reads them:
//! GeoJSON layers with their problems ([`geojson`]) and points from CSV or
//! GeoJSON ([`points`]: a user's crossings, candidate sites, seizures).

pub mod geojson;
pub mod points;
