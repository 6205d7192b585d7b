//! The sandbox's charts: the sampled history ([`metrics`]), the chart specs built from it
//! ([`view`]) and the panel that draws them ([`panel`]).

pub mod metrics;
pub mod panel;
pub mod view;
