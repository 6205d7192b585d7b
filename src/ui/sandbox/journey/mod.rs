//! A record's journey through the cluster ([`view`]) and the panel that tells it ([`panel`]).

pub mod view;

pub(crate) mod panel;
