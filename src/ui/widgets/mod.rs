//! Components that more than one page draws with: the charts ([`chart`]), a config field
//! with its Kafka name and default ([`config_field`]) and form inputs ([`form_input`]).

pub mod chart;
pub mod config_field;
pub mod form_input;
