//! The event log: the log and its filter ([`log`]), each event's sentence ([`text`]) and the
//! panel (`panel`).

pub mod log;
pub mod text;

pub(crate) mod panel;
