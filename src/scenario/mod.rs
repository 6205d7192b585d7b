//! Runs as data. Every setup the playground starts from is a scenario file in
//! `static/scenarios/` ([`shipped`]), read by [`file`] into a [`Scenario`] and turned into a
//! [`Setup`]: the cluster and the commands planned before time starts. One [`Setup::build`]
//! makes the simulation for the tour, the sandbox and `kplay run` alike. Nothing here draws.

// Generated from the tour's scenario files by `tests/sourcegen.rs`, one line a field, as it
// writes it.
#[rustfmt::skip]
pub mod compiled;
pub mod file;
pub mod packed;
mod presets;
pub mod saved_run;
pub mod setup;
pub mod shipped;

pub use file::{parse_scenario, Scenario, ScenarioError};
pub use presets::{Scene, SceneId};
pub use saved_run::{SavedRun, SAVED_RUN_VERSION};
pub use setup::{Setup, Stamped};
pub use shipped::{Shipped, SHIPPED};
