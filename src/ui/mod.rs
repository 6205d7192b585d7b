//! The Yew front end: three pages, each a wasm bundle of its own, on one shared shell.
//!
//! - [`shell`]: what every page's root needs (frame loop, shortcuts, query string, palette,
//!   the navigation between pages).
//! - [`widgets`]: components two pages reuse (charts, config fields, form inputs).
//! - [`tour`]: the guided tour (`index.html`).
//! - [`sandbox`]: the sandbox (`sandbox.html`), one sub-folder per panel.
//! - [`pipelines`]: the pipelines page (`pipelines.html`).
//!
//! State lives in plain Rust modules that are tested natively; components, one per file,
//! draw it and send actions back.

pub mod pipelines;
pub mod sandbox;
pub mod shell;
pub mod tour;
pub mod widgets;

#[cfg(test)]
mod test_support;
