//! The audit of a run: its summary ([`view`]) and the bar that shows it (`bar`).

pub mod view;

pub(crate) mod bar;
