//! Background jobs of the map window (assess, plan, simulate, open,
//! export): each runs in Bevy's async compute pool with a
//! [`Progress`] the panel shows and a cancel button sets; its result
//! replaces the old one only when it is done (a cancelled or failed run
//! leaves the old result in place).

use crate::progress::Progress;
use bevy::tasks::{AsyncComputeTaskPool, Task};
use std::time::Instant;

/// `impl Deref<Target = Slot<T>>` (and `DerefMut`) for a job resource
/// holding its slot in `field`, so `job.result`, `job.running()`… read
/// through.
macro_rules! deref_to_slot {
    ($job:ty, $field:tt, $t:ty) => {
        impl std::ops::Deref for $job {
            type Target = $crate::viewer::jobs::Slot<$t>;
            fn deref(&self) -> &Self::Target {
                &self.$field
            }
        }
        impl std::ops::DerefMut for $job {
            fn deref_mut(&mut self) -> &mut Self::Target {
                &mut self.$field
            }
        }
    };
}
pub(crate) use deref_to_slot;

/// A job's state: the run in flight (if any) and the last result.
pub struct Slot<T> {
    task: Option<Task<crate::error::Result<T>>>,
    progress: Progress,
    started: Option<Instant>,
    running_rev: u64,
    pub result: Option<T>,
    /// The last run's failure (cleared by the next success).
    pub error: Option<String>,
    /// Scenario revision the result was computed for.
    pub rev: u64,
    /// Counts the results that landed.
    pub generation: u64,
    /// "cancelled" after a cancel.
    pub note: Option<String>,
    /// Seconds the last finished run took.
    pub last_s: Option<f64>,
}

impl<T> Default for Slot<T> {
    fn default() -> Self {
        Slot {
            task: None,
            progress: Progress::new(),
            started: None,
            running_rev: 0,
            result: None,
            error: None,
            rev: 0,
            generation: 0,
            note: None,
            last_s: None,
        }
    }
}

impl<T: Send + 'static> Slot<T> {
    pub fn running(&self) -> bool {
        self.task.is_some()
    }
    /// (stage, fraction done) of the run in flight.
    pub fn progress(&self) -> Option<(String, f32)> {
        self.task
            .as_ref()
            .map(|_| (self.progress.stage_name(), self.progress.fraction()))
    }
    /// Start `f` for scenario revision `rev` (a run in flight is cancelled
    /// first). `f` gets the progress to report on and to watch.
    pub fn start(
        &mut self,
        rev: u64,
        f: impl FnOnce(Progress) -> crate::error::Result<T> + Send + 'static,
    ) {
        self.cancel_quietly();
        let p = Progress::new();
        self.progress = p.clone();
        self.running_rev = rev;
        self.started = Some(Instant::now());
        self.note = None;
        self.task = Some(AsyncComputeTaskPool::get().spawn(async move {
            let r = f(p.clone());
            if p.cancelled() {
                Err(crate::error::Error::Cancelled)
            } else {
                r
            }
        }));
    }
    fn cancel_quietly(&mut self) {
        self.progress.cancel();
        // dropping the task discards its result; the computation itself
        // sees the flag and returns early
        self.task = None;
    }
    /// Stop the run in flight; the old result stays.
    pub fn cancel(&mut self) {
        if self.running() {
            self.cancel_quietly();
            self.note = Some("cancelled".into());
        }
    }
    /// Take a finished run's outcome: true when a new result landed.
    pub fn poll(&mut self) -> bool {
        let Some(done) = super::take_done(&mut self.task) else {
            return false;
        };
        self.last_s = self.started.map(|t| t.elapsed().as_secs_f64());
        match done {
            Ok(r) => {
                self.result = Some(r);
                self.error = None;
                self.rev = self.running_rev;
                self.generation += 1;
                true
            }
            Err(crate::error::Error::Cancelled) => {
                self.note = Some("cancelled".into());
                false
            }
            Err(e) => {
                self.error = Some(e.to_string());
                false
            }
        }
    }
    /// A result for an older revision than `rev` (or none while one is
    /// expected).
    pub fn stale(&self, rev: u64) -> bool {
        self.result.is_some() && self.rev != rev
    }
}

/// One job's row in the jobs panel: progress bar and Cancel while it runs,
/// else its state.
pub fn job_row<T: Send + 'static>(
    ui: &mut bevy_egui::egui::Ui,
    name: &str,
    slot: &mut Slot<T>,
    rev: u64,
) {
    use bevy_egui::egui;
    ui.horizontal(|ui| {
        ui.label(format!("{name}:"));
        if let Some((stage, f)) = slot.progress() {
            // (no changing text: egui would lay the panel out and ask for
            // another frame each time)
            ui.add(egui::ProgressBar::new(f).desired_width(90.0));
            if ui.small_button("Cancel").clicked() {
                slot.cancel();
            }
            ui.small(stage);
        } else if let Some(e) = &slot.error {
            ui.colored_label(egui::Color32::from_rgb(180, 0, 0), "failed")
                .on_hover_text(e.as_str());
        } else if slot.result.is_none() {
            ui.small(slot.note.as_deref().unwrap_or("not run"));
        } else if slot.stale(rev) {
            ui.colored_label(
                egui::Color32::from_rgb(170, 100, 0),
                match slot.note.as_deref() {
                    Some(n) => format!("out of date ({n})"),
                    None => "out of date".to_string(),
                },
            );
        } else {
            ui.small(match slot.last_s {
                Some(s) => format!("up to date ({s:.1} s)"),
                None => "up to date".to_string(),
            });
        }
    });
}
