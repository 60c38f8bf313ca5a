//! The value of cooperation (ISACS 05.60, 11.5.4): the same smugglers
//! replayed against independent patrols, joint patrols, joint patrols with
//! shared post feeds, and with hot pursuit too; and the crossings of a run
//! as tracks for replay on a map.

use super::{rates, Cooperation, Outcome, Rates, World};
use crate::plan::{PlanMode, UnitLayer};
use geo::Coord;
use serde::Serialize;
use serde_json::{json, Value};

/// One rung of the ladder.
#[derive(Clone, Copy, Debug)]
pub struct Step {
    pub name: &'static str,
    /// Short name for the command line.
    pub key: &'static str,
    pub plan: PlanMode,
    pub coop: Cooperation,
}

/// independent → joint → + shared post feeds → + hot pursuit.
pub const LADDER: [Step; 4] = [
    Step {
        name: "independent patrols",
        key: "independent",
        plan: PlanMode::Independent,
        coop: Cooperation {
            shared_feeds: false,
            hot_pursuit: false,
        },
    },
    Step {
        name: "joint patrols",
        key: "joint",
        plan: PlanMode::Joint,
        coop: Cooperation {
            shared_feeds: false,
            hot_pursuit: false,
        },
    },
    Step {
        name: "+ shared post feeds",
        key: "shared-feeds",
        plan: PlanMode::Joint,
        coop: Cooperation {
            shared_feeds: true,
            hot_pursuit: false,
        },
    },
    Step {
        name: "+ hot pursuit",
        key: "hot-pursuit",
        plan: PlanMode::Joint,
        coop: Cooperation {
            shared_feeds: true,
            hot_pursuit: true,
        },
    },
];

/// The ladder step named `key` (see [`Step::key`]).
pub fn step_of(key: &str) -> Option<usize> {
    LADDER.iter().position(|s| s.key == key)
}

/// A crossing as the map replays it: the group's path in travel order with
/// times, where it was detected and intercepted.
#[derive(Clone, Debug)]
pub struct Track {
    pub route: usize,
    pub xy: Vec<Coord>,
    pub times: Vec<f64>,
    pub detected: Option<(f64, Coord)>,
    pub detected_by: Option<String>,
    pub intercepted: Option<(f64, Coord)>,
    pub intercepted_by: Option<String>,
    pub pursuit: bool,
}

impl Track {
    /// Where the group is at `t`: `None` before it sets off, after it has
    /// arrived, or once intercepted.
    pub fn position_at(&self, t: f64) -> Option<Coord> {
        let (first, last) = (*self.times.first()?, *self.times.last()?);
        let end = self.intercepted.map(|x| x.0).unwrap_or(last);
        if t < first || t > end {
            return None;
        }
        let i = self.times.partition_point(|x| *x <= t);
        if i == 0 || i >= self.times.len() {
            return self.xy.get(i.min(self.xy.len() - 1)).copied();
        }
        let (t0, t1) = (self.times[i - 1], self.times[i]);
        let f = if t1 > t0 { (t - t0) / (t1 - t0) } else { 1.0 };
        Some(self.xy[i - 1] + (self.xy[i] - self.xy[i - 1]) * f)
    }

    /// Detected (and not yet intercepted) at `t`.
    pub fn tracked_at(&self, t: f64) -> bool {
        self.detected.is_some_and(|d| d.0 <= t)
    }
}

impl World<'_> {
    /// The track of a crossing.
    pub fn track(&self, o: &Outcome) -> Track {
        let rt = &self.routes[o.route];
        let n = rt.samples.len();
        let total = *rt.cum_m.last().unwrap_or(&0.0);
        let v = super::group_speed_ms(rt.kind);
        let order: Vec<usize> = if o.forward {
            (0..n).collect()
        } else {
            (0..n).rev().collect()
        };
        Track {
            route: o.route,
            xy: order.iter().map(|&i| rt.samples[i]).collect(),
            times: order
                .iter()
                .map(|&i| {
                    let m = if o.forward {
                        rt.cum_m[i]
                    } else {
                        total - rt.cum_m[i]
                    };
                    o.start_s + m / v
                })
                .collect(),
            detected: o.detected_s.zip(o.detect_at),
            detected_by: o.detected_by.clone(),
            intercepted: o.intercepted_s.zip(o.intercept_at),
            intercepted_by: o.intercepted_by.clone(),
            pursuit: o.pursuit,
        }
    }
}

/// The figures of one rung.
#[derive(Clone, Debug, Serialize)]
pub struct StepResult {
    pub step: &'static str,
    pub all: Rates,
    /// Per State entered, in scenario order.
    pub per_state: Vec<Rates>,
    /// Per route, in scenario order.
    pub per_route: Vec<Rates>,
    /// The first crossings of the run, for replay.
    #[serde(skip)]
    pub tracks: Vec<Track>,
}

impl StepResult {
    /// At time `t`: (groups on the move, of which tracked, interceptions in
    /// the 24 h up to `t`) among the kept tracks.
    pub fn counts_at(&self, t: f64) -> (usize, usize, usize) {
        let mut moving = 0;
        let mut tracked = 0;
        let mut caught = 0;
        for tr in &self.tracks {
            if tr.position_at(t).is_some() {
                moving += 1;
                if tr.tracked_at(t) {
                    tracked += 1;
                }
            }
            if tr
                .intercepted
                .is_some_and(|(ti, _)| ti <= t && t - ti < 86_400.0)
            {
                caught += 1;
            }
        }
        (moving, tracked, caught)
    }
}

/// Run the ladder on `w` (its options give runs, seed and knowledge):
/// `plans` are the independent and joint plans' units with their horizons.
/// Keeps the first `keep_tracks` crossings of each rung as tracks.
pub fn run(
    w: &mut World,
    independent: (&[UnitLayer], f64),
    joint: (&[UnitLayer], f64),
    keep_tracks: usize,
) -> Vec<StepResult> {
    let progress = w.o.progress.clone();
    progress.stage(
        "crossings on the cooperation ladder",
        (w.o.runs * LADDER.len()) as u64,
    );
    LADDER
        .iter()
        .take_while(|_| !progress.cancelled())
        .map(|step| {
            let (units, h) = match step.plan {
                PlanMode::Independent => independent,
                PlanMode::Joint => joint,
            };
            w.set_plan(units.to_vec(), h, step.coop);
            let outs = w.run();
            StepResult {
                step: step.name,
                all: rates(outs.iter()),
                per_state: (0..w.s.states.len())
                    .map(|i| rates(outs.iter().filter(|o| o.into == Some(i))))
                    .collect(),
                per_route: (0..w.routes.len())
                    .map(|r| rates(outs.iter().filter(|o| o.route == r)))
                    .collect(),
                tracks: outs.iter().take(keep_tracks).map(|o| w.track(o)).collect(),
            }
        })
        .collect()
}

/// The ladder as JSON (`compare --json`): per rung the overall figures and
/// per State (by code).
pub fn to_json(s: &crate::model::Scenario, rows: &[StepResult]) -> Vec<Value> {
    rows.iter()
        .map(|r| {
            let per_state: serde_json::Map<String, Value> =
                s.states
                    .iter()
                    .zip(&r.per_state)
                    .map(|(st, x)| (st.id.to_string(), serde_json::to_value(x).unwrap()))
                    .collect();
            json!({"step": r.step, "p_detect": r.all.p_detect, "p_intercept": r.all.p_intercept, "succeeded": r.all.succeeded, "mean_time_to_intercept_min": r.all.mean_time_to_intercept_min, "per_state": per_state})
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracks_move_stop_when_intercepted_and_count_on_the_timeline() {
        let c = |x: f64| Coord { x, y: 0.0 };
        let tr = |start: f64, caught: Option<f64>| Track {
            route: 0,
            xy: vec![c(0.0), c(1000.0)],
            times: vec![start, start + 3600.0],
            detected: caught.map(|t| (t - 600.0, c(100.0))),
            detected_by: None,
            intercepted: caught.map(|t| (t, c(500.0))),
            intercepted_by: None,
            pursuit: false,
        };
        let r = StepResult {
            step: "x",
            all: Default::default(),
            per_state: vec![],
            per_route: vec![],
            tracks: vec![tr(0.0, None), tr(1000.0, Some(2800.0)), tr(9000.0, None)],
        };
        // halfway in time is halfway along
        assert_eq!(r.tracks[1].position_at(2800.0), Some(c(500.0)));
        assert_eq!(r.tracks[1].position_at(2801.0), None, "stopped");
        assert_eq!(r.tracks[2].position_at(8999.0), None, "not yet set off");
        // 2000 s: two on the move, the second detected only at 2200 s
        assert_eq!(r.counts_at(2000.0), (2, 0, 0));
        assert_eq!(r.counts_at(2500.0), (2, 1, 0));
        // 3000 s: the second intercepted and stopped
        assert_eq!(r.counts_at(3000.0), (1, 0, 1));
        // the first arrived at 3600 s; the third sets off at 9000 s
        assert_eq!(r.counts_at(4000.0), (0, 0, 1));
        assert_eq!(r.counts_at(9500.0), (1, 0, 1));
        // an interception a day old no longer counts
        assert_eq!(r.counts_at(2800.0 + 86_400.0).2, 0);
    }
}
