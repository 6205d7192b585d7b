//! The Yew front end. Two views share it: the guided tour ([`model`], [`tour`]) and the
//! sandbox ([`session`], [`sandbox`]). State lives in plain Rust modules that are tested
//! natively; components, one per file, draw it and send actions back.

pub mod inventory;
pub mod model;
pub mod observe;
pub mod palette;
pub mod pipelines;
pub mod sandbox;
pub mod sandbox_presets;
pub mod session;
pub mod stage;
pub mod story;

mod app;
mod broker_controls;
mod caption_panel;
mod config_field;
mod console_output;
mod controls;
mod form_input;
mod group_form;
mod legend;
mod mode_nav;
mod panels;
mod producer_form;
mod sandbox_view;
mod scene_tabs;
mod setup_picker;
mod stage_svg;
mod time_bar;
mod topic_form;
mod tour;

pub use app::App;
pub use sandbox_view::SandboxView;
