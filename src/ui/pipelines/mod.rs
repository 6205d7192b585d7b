//! The pipelines view (`?mode=pipelines`): real pipelines built on Kafka, running side by side
//! on the broker core under one clock, the comparison table, the CodeMentor experiment and the
//! failure stories.
//!
//! [`state`] holds the state and its reducer. Pure builders (plain Rust, tested natively) in
//! [`view`] turn runs and results into view structs. The components, one per file, only draw
//! those structs.

pub mod peak;
pub mod state;
pub mod view;

mod assumptions_list;
mod comparison_table;
mod diagram_svg;
mod experiment_form;
mod experiment_results;
mod page;
mod peak_panel;
mod pipeline_card;
mod provenance_badge;
mod provenance_legend;
mod stage_figures;
mod story_panel;
mod toolbar;

pub use page::Page;
