//! File formats with one home, below every module that reads them:
//! GeoJSON layers with their problems ([`geojson`]) and points from CSV or
//! GeoJSON ([`points`]: a user's crossings, candidate sites, seizures), and
//! `plan.json` ([`plan_json`]: one type, written and read).

pub mod geojson;
pub mod plan_json;
pub mod points;
