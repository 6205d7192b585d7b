//! The Yew front end. The playground's state lives in [`model`] (plain Rust); components, one
//! per file, draw it and send [`model::Action`]s back.

pub mod audit_summary;
pub mod event_log;
pub mod event_text;
pub mod groups;
pub mod journey;
pub mod model;
pub mod observe;
pub mod palette;
pub mod rebalance_watch;
pub mod stage;
pub mod story;
#[cfg(test)]
mod test_runs;

mod app;
pub mod audit_bar;
mod caption_panel;
mod console_output;
mod controls;
pub mod event_log_panel;
pub mod groups_panel;
pub mod journey_panel;
mod legend;
mod scene_tabs;
mod stage_svg;

pub use app::App;
