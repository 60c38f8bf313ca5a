//! `plan.json`: the file `borderwatch plan` writes and `simulate` reads
//! back, one type for both objectives, written and read by serde.
//!
//! Both kinds of plan carry the header ([`Metrics`]: scenario, mode,
//! horizon, seed, terrain) and `units`, each unit's issued path over the
//! horizon (`[lon°, lat°, seconds from the horizon's start]`). An idleness
//! plan adds its `options`, its `watch_points` and each unit's `visits`; an
//! interception plan adds the published mix (`schedules`, `mix`), the
//! support plan `draws`n for each day and each unit's day-by-day `duties`.
//! Keys are written sorted, as `serde_json::Value` orders them.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::path::Path;

/// The version a `plan.json` carries in `borderwatch_plan`.
pub const VERSION: u32 = 1;

/// A whole `plan.json`.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct PlanJson {
    /// Marks the file as a plan (always [`VERSION`]).
    pub borderwatch_plan: u32,
    /// `"interception"`; absent for an idleness plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub objective: Option<String>,
    pub metrics: Metrics,
    /// The idleness planner's options, as it ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<Value>,
    /// The idleness plan's watch points.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub watch_points: Option<Value>,
    /// Each unit's issued plan over the horizon.
    pub units: Vec<UnitPlan>,
    /// Interception: the support plan (index into `mix`) issued each day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draws: Option<Vec<usize>>,
    /// Interception: every schedule of the support, once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedules: Option<Vec<ScheduleJson>>,
    /// Interception: the support, each pure plan with its probability.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mix: Option<Vec<MixPlan>>,
}

/// `metrics`: what the plan was made for and on (typed), and its figures
/// (which differ by objective, kept as written).
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Metrics {
    pub scenario: String,
    /// The scenario version the plan was made for
    /// ([`crate::scenario::fingerprint`]); absent in plans written before
    /// it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario_fingerprint: Option<String>,
    /// The planning mode (`joint`, `independent`).
    pub mode: String,
    /// The horizon (h).
    pub hours: f64,
    pub seed: u64,
    /// The terrain the posts were seen on; absent in plans written before
    /// it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terrain: Option<TerrainOptions>,
    /// Interception: target values, `risk` or `flat`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<String>,
    /// Interception: whether cross-country corridors were targets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corridors: Option<bool>,
    /// Interception: the smugglers' clock offset (s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock_offset_s: Option<f64>,
    /// Every other figure.
    #[serde(flatten)]
    pub figures: Map<String, Value>,
}

/// `metrics.terrain`: the assessment's terrain options.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq)]
pub struct TerrainOptions {
    /// TerrainOptions grid cell (m).
    pub cell_m: f64,
    /// Height of the target a post looks for (m).
    pub target_height_m: f64,
}

/// One unit's issued plan.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct UnitPlan {
    pub unit: String,
    pub name: String,
    /// The unit's State (its id).
    pub state: String,
    /// `foot`, `vehicle` or `boat`.
    pub unit_mode: String,
    pub home_post: String,
    pub shift_hours: f64,
    /// Each shift as [start, end] (s).
    pub shifts_s: Vec<[f64; 2]>,
    /// Idleness: the watch points visited, with the time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visits: Option<Vec<Visit>>,
    /// Interception: the duty of each day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duties: Option<Vec<DayDuty>>,
    /// The timed path, `[lon°, lat°, s]`, seconds non-decreasing.
    pub path: Vec<[f64; 3]>,
}

/// A watch point visited (idleness plans).
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Visit {
    pub watch_point: String,
    pub t_s: f64,
}

/// What a unit does on its shift.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq)]
#[serde(tag = "duty", rename_all = "lowercase")]
pub enum DutyJson {
    /// Walks or drives its patrol route.
    Patrol,
    /// Stands by at (`lon`°, `lat`°) from `arrive_s` to `leave_s`.
    Standby {
        lon: f64,
        lat: f64,
        arrive_s: f64,
        leave_s: f64,
    },
}

/// A unit's duty on one day of the horizon.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct DayDuty {
    /// Day of the horizon, from 1.
    pub day: usize,
    /// The shift's start (s from the horizon's start).
    pub shift_start_s: f64,
    #[serde(flatten)]
    pub duty: DutyJson,
}

/// One schedule of the support: a unit's shift, over the day before, the
/// day and the day after.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct ScheduleJson {
    pub unit: String,
    /// The shift's start (s from the day's start).
    pub shift_start_s: f64,
    pub duty: DutyJson,
    pub shifts_s: Vec<[f64; 2]>,
    pub path: Vec<[f64; 3]>,
}

/// One pure plan of the support.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct MixPlan {
    pub probability: f64,
    /// One index into `schedules` per unit.
    pub schedules: Vec<usize>,
}

impl PlanJson {
    /// The file's bytes: pretty JSON with sorted keys and a final newline.
    pub fn to_bytes(&self) -> Vec<u8> {
        let v = serde_json::to_value(self).expect("a plan is always JSON");
        let mut j = serde_json::to_string_pretty(&v).expect("json");
        j.push('\n');
        j.into_bytes()
    }

    /// Read `path` as a plan; a file that is not one, or one with a field
    /// of the wrong shape, is named with the field.
    pub fn read(path: &Path) -> Result<PlanJson> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let v: Value =
            serde_json::from_str(&text).map_err(|e| Error::data(path, format!("not JSON: {e}")))?;
        if v.get("borderwatch_plan").is_none() {
            return Err(Error::data(
                path,
                "not a plan: expected the plan.json written by `borderwatch plan` (field `borderwatch_plan`)",
            ));
        }
        let p: PlanJson = serde_path_to_error::deserialize(v)
            .map_err(|e| Error::data(path, format!("field `{}`: {}", e.path(), e.inner())))?;
        if p.borderwatch_plan != VERSION {
            return Err(Error::data(
                path,
                format!(
                    "field `borderwatch_plan`: version {} is not one this borderwatch reads (expected {VERSION})",
                    p.borderwatch_plan
                ),
            ));
        }
        Ok(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plan_reads_back_as_written() {
        let p = PlanJson {
            borderwatch_plan: VERSION,
            objective: Some("interception".into()),
            metrics: Metrics {
                scenario: "s".into(),
                scenario_fingerprint: Some("0123".into()),
                mode: "joint".into(),
                hours: 24.0,
                seed: 7,
                terrain: Some(TerrainOptions {
                    cell_m: 30.0,
                    target_height_m: 1.7,
                }),
                values: Some("risk".into()),
                corridors: Some(false),
                clock_offset_s: Some(0.0),
                figures: [("guaranteed_p_intercept".to_string(), Value::from(0.25))]
                    .into_iter()
                    .collect(),
            },
            options: None,
            watch_points: None,
            units: vec![UnitPlan {
                unit: "U1".into(),
                name: "one".into(),
                state: "AND".into(),
                unit_mode: "foot".into(),
                home_post: "P1".into(),
                shift_hours: 8.0,
                shifts_s: vec![[0.0, 28800.0]],
                visits: None,
                duties: Some(vec![DayDuty {
                    day: 1,
                    shift_start_s: 0.0,
                    duty: DutyJson::Standby {
                        lon: 1.5,
                        lat: 42.5,
                        arrive_s: 600.0,
                        leave_s: 27000.0,
                    },
                }]),
                path: vec![[1.5, 42.5, 0.0], [1.5, 42.5, 28800.0]],
            }],
            draws: Some(vec![0]),
            schedules: Some(Vec::new()),
            mix: Some(vec![MixPlan {
                probability: 1.0,
                schedules: vec![0],
            }]),
        };
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("plan.json");
        std::fs::write(&f, p.to_bytes()).unwrap();
        let back = PlanJson::read(&f).unwrap();
        assert_eq!(back.to_bytes(), p.to_bytes());
        assert_eq!(
            back.units[0].duties.as_ref().unwrap()[0].duty,
            p.units[0].duties.as_ref().unwrap()[0].duty
        );
        assert_eq!(back.metrics.figures["guaranteed_p_intercept"], 0.25);
        // keys sorted: `borderwatch_plan` before `draws` before `metrics`
        let text = String::from_utf8(p.to_bytes()).unwrap();
        let at = |k: &str| text.find(&format!("\"{k}\"")).unwrap();
        assert!(at("borderwatch_plan") < at("draws") && at("draws") < at("metrics"));
    }

    #[test]
    fn a_field_of_the_wrong_shape_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("plan.json");
        std::fs::write(
            &f,
            r#"{"borderwatch_plan": 1, "metrics": {"scenario": "s", "mode": "joint", "hours": 24, "seed": 1},
                "units": [{"unit": "U1", "name": "", "state": "AND", "unit_mode": "foot", "home_post": "P",
                           "shift_hours": 8, "shifts_s": [], "path": [[1, 2]]}]}"#,
        )
        .unwrap();
        let e = PlanJson::read(&f).unwrap_err().to_string();
        assert!(
            e.contains("plan.json") && e.contains("units[0].path[0]"),
            "{e}"
        );
        std::fs::write(&f, r#"{"type": "FeatureCollection"}"#).unwrap();
        let e = PlanJson::read(&f).unwrap_err().to_string();
        assert!(e.contains("borderwatch_plan"), "{e}");
    }
}
