//! The scenario reader, loaded on demand: the TOML parser and the scenario file's checks run in
//! a web worker of their own (`kafka-playground-reader`, built from `src/web_reader.rs`), so a
//! page that reads pasted scenario files does not carry the parser in its own download. The
//! parser is about a tenth of the sandbox's wasm, and most visits never paste a file; the
//! presets are compiled in as setups (`src/scenario/setups.packed`) and need no parser either.
//! The same worker reads sandbox runs an earlier build stored as JSON, so pages carry no JSON
//! reader for setups and commands at all.
//!
//! - [`reply`]: what the worker answers, as plain Rust (tested natively).
//! - [`worker`]: the worker's side: read the text, post the reply.
//! - [`client`]: the page's side: start the worker the first time it is needed, send a file,
//!   and hand the answer to a callback.

pub mod reply;

#[cfg(target_arch = "wasm32")]
pub mod client;
#[cfg(target_arch = "wasm32")]
pub mod worker;

use yew::Callback;

use crate::scenario::{SavedRun, Setup};

/// Reads a pasted scenario file: in the browser in the worker, natively (the crate's own
/// tests) in place, with the same answer. `done` gets the setup, or the problems with line and
/// column, or why the reader could not be loaded.
pub fn read_scenario(text: String, done: Callback<Result<Setup, String>>) {
    #[cfg(target_arch = "wasm32")]
    client::read_scenario(text, done);
    #[cfg(not(target_arch = "wasm32"))]
    done.emit(reply::read_scenario(&text));
}

/// Reads a sandbox run an earlier build stored as JSON, the same two ways; `done` gets it in
/// this build's form, or what is wrong with it.
pub fn read_saved_run_json(json: String, done: Callback<Result<SavedRun, String>>) {
    #[cfg(target_arch = "wasm32")]
    client::read_saved_run_json(json, done);
    #[cfg(not(target_arch = "wasm32"))]
    done.emit(SavedRun::from_json(&json));
}
