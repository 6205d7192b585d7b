//! The pipelines page's pure builders: [`rates`], [`diagram`], [`stage_table`],
//! [`comparison`], [`experiment`], [`peak`], [`chart`], [`story`], [`card`], [`badge`].

pub mod badge;
pub mod card;
pub mod chart;
pub mod comparison;
pub mod diagram;
pub mod experiment;
pub mod peak;
pub mod rates;
pub mod stage_table;
pub mod story;
