//! Progress and cancellation of long computations (assess, plan, simulate),
//! shared between the thread that runs them and the one that shows them.
//!
//! A [`Progress`] is a cheap handle (clones share one state). The
//! computation names its stage and counts work done; the watcher reads the
//! fraction and may ask it to stop. Cancellation is cooperative: the
//! computation checks [`Progress::cancelled`] between units of work and
//! returns early; its result is then incomplete and the caller discards it
//! ([`Progress::check`] turns that into [`Error::Cancelled`]).

use crate::error::{Error, Result};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

#[derive(Default)]
struct Inner {
    done: AtomicU64,
    total: AtomicU64,
    cancel: AtomicBool,
    stage: Mutex<String>,
}

/// A shared progress counter and cancel flag.
#[derive(Clone, Default)]
pub struct Progress(Arc<Inner>);

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Progress({:?}, {:.2})",
            self.stage_name(),
            self.fraction()
        )
    }
}

impl Progress {
    pub fn new() -> Self {
        Self::default()
    }
    /// Start a stage of `total` units of work (resets the count).
    pub fn stage(&self, name: &str, total: u64) {
        if let Ok(mut s) = self.0.stage.lock() {
            name.clone_into(&mut s);
        }
        self.0.done.store(0, Ordering::Relaxed);
        self.0.total.store(total, Ordering::Relaxed);
    }
    /// `n` more units done.
    pub fn add(&self, n: u64) {
        self.0.done.fetch_add(n, Ordering::Relaxed);
    }
    /// The current stage's name.
    pub fn stage_name(&self) -> String {
        self.0.stage.lock().map(|s| s.clone()).unwrap_or_default()
    }
    /// Done share of the current stage, 0..1 (0 when its size is unknown).
    pub fn fraction(&self) -> f32 {
        let t = self.0.total.load(Ordering::Relaxed);
        if t == 0 {
            return 0.0;
        }
        (self.0.done.load(Ordering::Relaxed) as f64 / t as f64).min(1.0) as f32
    }
    /// Ask the computation to stop.
    pub fn cancel(&self) {
        self.0.cancel.store(true, Ordering::Relaxed);
    }
    pub fn cancelled(&self) -> bool {
        self.0.cancel.load(Ordering::Relaxed)
    }
    /// `Err(Cancelled)` once cancelled.
    pub fn check(&self) -> Result<()> {
        if self.cancelled() {
            Err(Error::Cancelled)
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_share_state_and_cancel() {
        let p = Progress::new();
        let q = p.clone();
        q.stage("segments", 4);
        q.add(1);
        assert_eq!(p.stage_name(), "segments");
        assert!((p.fraction() - 0.25).abs() < 1e-6);
        assert!(p.check().is_ok());
        p.cancel();
        assert!(q.cancelled());
        assert!(matches!(q.check(), Err(Error::Cancelled)));
    }
}
