//! The Yew front end. Two views share it: the guided tour ([`model`], [`tour`]) and the
//! sandbox ([`session`], [`sandbox`]). State lives in plain Rust modules that are tested
//! natively; components, one per file, draw it and send actions back.

pub mod audit_bar;
pub mod audit_summary;
pub mod charts;
pub mod cluster_legend;
pub mod cluster_svg;
pub mod cluster_view;
pub mod event_log;
pub mod event_log_panel;
pub mod event_text;
pub mod groups;
pub mod groups_panel;
pub mod inventory;
pub mod journey;
pub mod journey_panel;
pub mod metrics;
pub mod model;
pub mod observe;
pub mod palette;
pub mod pipelines;
pub mod rebalance_watch;
pub mod sandbox;
pub mod sandbox_presets;
pub mod session;
pub mod stage;
pub mod story;
#[cfg(test)]
mod test_runs;

mod app;
mod broker_controls;
mod caption_panel;
mod chart_canvas;
mod chart_legend;
mod charts_panel;
mod config_field;
mod console_output;
mod controls;
mod form_input;
mod group_form;
mod legend;
mod mode_nav;
mod page;
mod panels;
mod producer_form;
mod sandbox_view;
mod scene_tabs;
mod setup_picker;
mod stage_svg;
mod time_bar;
mod topic_form;
mod tour;

pub use app::{App, PipelinesPage};
pub use charts_panel::{ChartsPanel, ChartsPanelProps};
pub use sandbox_view::SandboxView;
