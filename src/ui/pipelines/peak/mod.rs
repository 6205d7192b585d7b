//! Netflix's peak second in a web worker of its own (`kafka-playground-peak`), so the page
//! keeps drawing while the engine pushes 8 M events, and the bundle that does it is fetched
//! only when a visitor asks for the run.
//!
//! [`worker`] runs in the worker: it runs [`crate::pipeline::peak_second`] in slices of
//! simulated time and posts a [`PeakReport`] after each, timing itself with the worker's
//! `performance.now()`. [`client`] is the page's side. Both speak JSON text: a [`PeakRequest`]
//! one way, [`READY`] and reports the other.

pub mod client;
pub mod worker;

use serde::{Deserialize, Serialize};

use crate::pipeline::peak_second::{PeakPlan, PeakProgress};

/// What the worker says once it listens.
pub const READY: &str = "ready";

/// What the page asks of the worker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PeakRequest {
    /// Run the plan from the start; `run` numbers the runs, so late reports of an earlier
    /// one are told apart.
    Start { run: u32, plan: PeakPlan },
}

/// How far a run has got, and the wall time it has taken in the worker.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct PeakReport {
    pub run: u32,
    pub progress: PeakProgress,
    /// Wall time since the worker began the run (building the cluster included), in ms.
    pub wall_ms: f64,
}
