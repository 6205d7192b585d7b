//! Real pipelines built on Kafka (CodeMentor, Coupang Eats, Uber, Netflix), running on the
//! broker core.
//!
//! - [`model`]: a pipeline as data (nodes, edges, facts marked sourced or modelled, sources).
//! - [`builtin`]: the four pipelines of `shared/design/pipelines.md`.
//! - [`run`]: [`PipelineRun`] drives a [`crate::engine::Simulation`]: topics are engine
//!   topics, processors engine consumer groups, forwarding is engine produces.
//! - [`figures`]: per-stage counts, throughput, lag and latency of a run.
//! - [`compare`]: the comparison table, sourced statements beside what each graph says.
//! - [`stories`]: failure stories (a pipeline plus a timeline of faults).
//! - [`burst_experiment`]: the CodeMentor burst experiment, with and without Kafka.
//! - [`peak_second`]: one second of Netflix's 2016 peak, about 8 M events, in bulk.
//!
//! Like the engine, nothing here reads a clock or OS randomness: a run is a pure function of
//! its pipeline, seed, load and faults.

pub mod builtin;
pub mod burst_experiment;
pub mod compare;
pub mod figures;
pub mod model;
pub mod peak_second;
pub mod run;
pub mod stories;

// The burst experiment's old path, which the pipelines page still imports.
pub use burst_experiment as codementor;

pub use compare::{comparison, ComparisonRow};
pub use figures::{RunFigures, StageFigures};
pub use model::{Fact, Node, NodeKind, Pipeline, Provenance, Source, Tier};
pub use run::{Arrival, Fault, Load, PipelineRun, TimedFault};
pub use stories::{stories, Story};
