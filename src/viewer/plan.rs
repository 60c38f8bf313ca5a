//! The patrol plan in the viewer: both modes (joint, independent) planned
//! off the frame in Bevy's async compute pool; routes per unit, units moving
//! on a time slider (play/pause, speed), idleness colouring of the border.

use super::jobs::Slot;
use super::MapData;
use crate::model::Scenario;
use crate::plan::{PlanLayers, PlanMode, PlanOptions};
use bevy::prelude::*;

type Both = (PlanLayers, PlanLayers);

/// The planning job, its results and the timeline.
#[derive(Resource)]
pub struct PlanJob {
    /// (joint, independent).
    pub slot: Slot<Both>,
    /// Which plan is shown.
    pub mode: PlanMode,
    pub show: bool,
    /// Time on the slider, seconds from the plan's start.
    pub time_s: f64,
    pub playing: bool,
    /// Plan seconds per real second.
    pub speed: f64,
}

impl Default for PlanJob {
    fn default() -> Self {
        PlanJob {
            slot: Slot::default(),
            mode: PlanMode::Joint,
            show: true,
            time_s: 8.0 * 3600.0 + 1800.0,
            playing: false,
            speed: 1800.0,
        }
    }
}

super::jobs::deref_to_slot!(PlanJob, slot, Both);

impl PlanJob {
    /// Both plans as the pipelines take them, once per generation: `None`
    /// when there are none yet or `seen` is already this generation (it
    /// becomes it otherwise). The crossings' jobs start on each new pair.
    pub fn fresh_plans(&self, seen: &mut u64) -> Option<crate::pipeline::IdlenessPlans> {
        if self.generation == *seen {
            return None;
        }
        let (joint, indep) = self.result.as_ref()?;
        *seen = self.generation;
        Some(crate::pipeline::IdlenessPlans {
            independent: indep.clone(),
            joint: joint.clone(),
        })
    }
    /// Plan both modes for `s` (revision `rev`) in the background.
    pub fn restart(&mut self, s: &Scenario, rev: u64) {
        if s.units.is_empty() {
            self.slot.cancel();
            self.slot.result = None;
            self.slot.error = Some("no units in the scenario".into());
            return;
        }
        let s = s.clone();
        self.slot.start(rev, move |progress| {
            // one planner, both modes (the joint run plans the independent
            // one anyway)
            let mut o = PlanOptions::for_scenario(&s, PlanMode::Joint);
            o.assess.progress = progress;
            let p = crate::pipeline::idleness_plans(&s, o)?;
            Ok((p.joint, p.independent))
        });
    }
    /// The plan shown.
    pub fn current(&self) -> Option<&PlanLayers> {
        let (j, i) = self.result.as_ref()?;
        Some(match self.mode {
            PlanMode::Joint => j,
            PlanMode::Independent => i,
        })
    }
}

pub fn start_plan(mut job: ResMut<PlanJob>, map: Res<MapData>) {
    job.restart(&map.scenario, map.rev);
}

pub fn poll_plan(mut job: ResMut<PlanJob>) {
    job.poll();
}

/// Advance the timeline while playing (wraps at the horizon).
pub fn advance_time(mut job: ResMut<PlanJob>, time: Res<Time>) {
    if !job.playing {
        return;
    }
    let Some(h) = job.current().map(|p| p.horizon_s) else {
        return;
    };
    let t = job.time_s + time.delta_secs_f64() * job.speed;
    job.time_s = if t > h { t - h } else { t };
}

/// "day 1 08:30".
pub fn clock(t: f64) -> String {
    let m = (t / 60.0).round() as i64;
    format!("day {} {:02}:{:02}", m / 1440 + 1, (m % 1440) / 60, m % 60)
}

/// Parse "HH:MM" (day 1) or "D HH:MM" into seconds.
pub fn parse_clock(s: &str) -> Option<f64> {
    let (day, hm) = match s.trim().split_once(' ') {
        Some((d, hm)) => (d.parse::<f64>().ok()? - 1.0, hm),
        None => (0.0, s.trim()),
    };
    let (h, m) = hm.split_once(':')?;
    let (h, m) = (h.parse::<f64>().ok()?, m.parse::<f64>().ok()?);
    (day >= 0.0 && (0.0..24.0).contains(&h) && (0.0..60.0).contains(&m))
        .then_some(day * 86_400.0 + h * 3600.0 + m * 60.0)
}

/// The plan part of the side panel.
pub fn plan_panel(ui: &mut bevy_egui::egui::Ui, job: &mut PlanJob, colour_by_idleness: &mut bool) {
    use bevy_egui::egui;
    ui.strong("Patrol plan (24 h)");
    if let Some((stage, f)) = job.progress() {
        let _ = f;
        ui.label(format!("planning both modes: {stage}…"));
        if job.result.is_none() {
            return;
        }
    }
    if let Some(e) = &job.error {
        ui.colored_label(egui::Color32::from_rgb(180, 0, 0), e);
        return;
    }
    if job.result.is_none() {
        return;
    }
    ui.checkbox(&mut job.show, "Show routes and units");
    ui.horizontal(|ui| {
        ui.radio_value(&mut job.mode, PlanMode::Joint, "Joint");
        ui.radio_value(&mut job.mode, PlanMode::Independent, "Independent");
    });
    ui.checkbox(colour_by_idleness, "Colour border by idleness");
    let (Some((j, i)), Some(p)) = (job.result.as_ref(), job.current()) else {
        return;
    };
    // the points no unit reaches first: a worst idleness hides them
    let never = format!(
        "{} of {} watch points never visited",
        p.unvisited,
        p.points.len()
    );
    match p.unvisited {
        0 => ui.label(never),
        _ => ui.colored_label(bevy_egui::egui::Color32::from_rgb(255, 170, 60), never),
    };
    ui.label(format!(
        "Worst risk-weighted idleness: {:.0} min",
        p.worst_idleness_min
    ));
    ui.label(format!(
        "  joint {:.0} · independent {:.0} min",
        j.worst_idleness_min, i.worst_idleness_min
    ));
    // A/B: what planning jointly changes
    let d = j.worst_idleness_min - i.worst_idleness_min;
    let dm = j.mean_idleness_min - i.mean_idleness_min;
    let pct = if i.worst_idleness_min > 0.0 {
        d / i.worst_idleness_min * 100.0
    } else {
        0.0
    };
    ui.label(format!(
        "  joint − independent: worst {} min ({} %), mean {} min",
        crate::view::signed(d, 0),
        crate::view::signed(pct, 0),
        crate::view::signed(dm, 0)
    ));
    ui.label(format!(
        "  baseline {:.0} · lower bound {:.0} min",
        p.baseline_worst_idleness_min, p.lower_bound_worst_idleness_min
    ));
    let on_duty = p
        .units
        .iter()
        .filter(|u| u.position_at(job.time_s).is_some())
        .count();
    ui.label(format!(
        "{on_duty} of {} units on patrol at {}",
        p.units.len(),
        clock(job.time_s)
    ));
    ui.small("Timeline: the bar at the bottom of the map.");
}

/// The timeline bar along the bottom of the map: play/pause, clock, time
/// slider over the horizon, speed.
pub fn timeline_bar(ctx: &bevy_egui::egui::Context, job: &mut PlanJob, left_px: f32) {
    use bevy_egui::egui;
    let Some(h) = job.current().filter(|_| job.show).map(|p| p.horizon_s) else {
        return;
    };
    let screen = ctx.viewport_rect();
    let width = (screen.width() - left_px - 40.0).max(200.0);
    egui::Area::new("timeline".into())
        .fixed_pos(egui::pos2(left_px + 20.0, screen.bottom() - 52.0))
        .show(ctx, |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                ui.set_width(width);
                ui.horizontal(|ui| {
                    if ui
                        .button(if job.playing { "⏸ Pause" } else { "▶ Play" })
                        .clicked()
                    {
                        job.playing = !job.playing;
                    }
                    ui.monospace(clock(job.time_s));
                    ui.spacing_mut().slider_width = (width - 330.0).max(80.0);
                    ui.add(egui::Slider::new(&mut job.time_s, 0.0..=h).show_value(false));
                    for (label, v) in [("×600", 600.0), ("×1800", 1800.0), ("×3600", 3600.0)] {
                        ui.radio_value(&mut job.speed, v, label);
                    }
                });
            });
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_round_trip() {
        assert_eq!(clock(8.5 * 3600.0), "day 1 08:30");
        assert_eq!(parse_clock("08:30"), Some(8.5 * 3600.0));
        assert_eq!(parse_clock("2 00:15"), Some(86_400.0 + 900.0));
        assert_eq!(parse_clock("25:00"), None);
    }
}
