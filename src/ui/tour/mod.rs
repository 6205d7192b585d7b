//! The guided tour (`index.html`): its state ([`state`]), the stage it draws ([`stage`]),
//! the caption beside it ([`caption`]) and the page root ([`page`]).

pub mod app;
pub mod caption;
pub mod page;
pub mod stage;
pub mod state;

mod console_output;
mod controls;
mod legend;
mod scene_tabs;
