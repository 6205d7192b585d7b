//! The Yew front end. The playground's state lives in [`model`] (plain Rust); components, one
//! per file, draw it and send [`model::Action`]s back.

pub mod charts;
pub mod metrics;
pub mod model;
pub mod observe;
pub mod palette;
pub mod stage;
pub mod story;

mod app;
mod caption_panel;
mod chart_canvas;
mod chart_legend;
mod charts_panel;
mod console_output;
mod controls;
mod legend;
mod scene_tabs;
mod stage_svg;

pub use app::App;
pub use charts_panel::{ChartsPanel, ChartsPanelProps};
