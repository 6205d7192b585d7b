//! The pipelines view (`?mode=pipelines`): real pipelines built on Kafka, running side by side
//! on the broker core under one clock, the comparison table, the CodeMentor experiment and the
//! failure stories.
//!
//! Pure builders (plain Rust, tested natively) turn runs and results into view structs:
//! [`board`] (the state and its reducer), [`rates`], [`diagram`], [`stage_table`],
//! [`comparison`], [`experiment`], [`chart`], [`story_view`], [`badge`]. The components, one
//! per file, only draw those structs.

pub mod badge;
pub mod board;
pub mod card;
pub mod chart;
pub mod comparison;
pub mod diagram;
pub mod experiment;
pub mod rates;
pub mod stage_table;
pub mod story_view;

mod comparison_table;
mod diagram_svg;
mod experiment_form;
mod experiment_results;
mod pipeline_card;
mod provenance_badge;
mod provenance_legend;
mod stage_figures;
mod story_panel;
mod toolbar;
mod view;

pub use view::PipelinesView;
