//! The caption beside the tour's stage: what it says ([`view`]) and how it is drawn (`panel`).

pub mod view;

pub(crate) mod panel;
