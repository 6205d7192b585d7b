//! The Yew front end: three pages, each a wasm bundle of its own, on one shared shell.
//!
//! - [`shell`]: what every page's root needs (frame loop, shortcuts, query string, palette,
//!   the navigation between pages).
//! - [`widgets`]: components two pages reuse (charts, config fields, form inputs).
//! - [`tour`]: the guided tour (`index.html`).
//! - [`sandbox`]: the sandbox (`sandbox.html`), one sub-folder per panel.
//! - [`pipelines`]: the pipelines page (`pipelines.html`).
//! - [`reader`]: the scenario reader, a web worker a page starts when a file is pasted.
//!
//! State lives in plain Rust modules that are tested natively; components, one per file,
//! draw it and send actions back.
//!
//! # Pure files and components, told apart by name
//!
//! - **Pure** (plain Rust, tested natively, never importing `yew`, `web_sys`, `gloo`,
//!   `wasm_bindgen`, `js_sys` or `plotters`): a page's reducer `state.rs`, the sandbox's
//!   `session.rs`, every builder of a view model `view.rs` and every file under a `view/` or
//!   `text/` folder, the observers' memories `book.rs`, `watch.rs`, `log.rs` and `metrics.rs`,
//!   the geometry `layout.rs`, the chart `spec.rs`, `palette.rs` and `play_clock.rs`, and the
//!   tests (`tests.rs`, `test_support.rs`).
//! - **Components** (Yew): a page's root `page.rs`, and the files named for what they draw:
//!   `panel.rs`, `svg.rs`, `legend.rs`, `canvas.rs`, `bar.rs`, the forms in `sandbox/forms/`,
//!   the widgets in `widgets/`, and the pipelines page's components beside its `view/` folder.
//!
//! A view model is a plain struct a component draws; unchanged views compare equal, so Yew
//! skips their components. `tests/ui_tidy.rs` enforces the first list, and that no UI file
//! takes the engine's wire messages apart (the engine's `Message` and `InFlight` answer what a
//! picture needs).

pub mod pipelines;
pub mod reader;
pub mod sandbox;
pub mod shell;
pub mod tour;
pub mod widgets;

#[cfg(test)]
mod test_support;
