//! kafka-playground: an Apache Kafka playground that runs in the browser.
//!
//! - [`engine`] is the broker core: pure, deterministic, sans-IO.
//! - [`pipeline`] runs real pipelines built on Kafka (CodeMentor, Coupang Eats, Uber, Netflix)
//!   on the engine, with their sources.
//! - [`scenario`] holds the scenes the playground can show, as data.
//! - [`ui`] is the Yew front end, at the edge: a shell every page shares, widgets, and the
//!   three pages (tour, sandbox, pipelines), each a wasm bundle of its own.

pub mod engine;
pub mod i18n;
pub mod pipeline;
pub mod scenario;
pub mod ui;
