//! The guided tour (`index.html`): its state ([`state`]), the stage it draws ([`stage`]),
//! the caption beside it ([`caption`]) and the page root ([`Page`]).

pub mod caption;
pub mod stage;
pub mod state;

mod console_output;
mod controls;
mod legend;
mod page;
mod scene_tabs;

pub use page::Page;
