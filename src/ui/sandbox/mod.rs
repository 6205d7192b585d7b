//! The sandbox (`sandbox.html`): the state and its reducer ([`state`]), the recorded run
//! ([`session`]), the presets ([`presets`]), the page root ([`Page`]), the panels' views as last
//! built (`panel_views`), and one folder per panel.

pub mod audit;
pub mod charts;
pub mod cluster;
pub mod events;
pub mod forms;
pub mod groups;
pub mod inventory;
pub mod journey;
pub mod observe;
pub mod panels;
pub mod presets;
pub mod session;
pub mod state;

mod page;
mod panel_views;
mod setup_picker;
mod time_bar;

pub use page::Page;
