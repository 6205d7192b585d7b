//! The scenario reader, loaded on demand: the TOML parser and the scenario file's checks run in
//! a web worker of their own (`kafka-playground-reader`, built from `src/web_reader.rs`), so a
//! page that reads pasted scenario files does not carry the parser in its own download. The
//! parser is about a tenth of the sandbox's wasm, and most visits never paste a file; the
//! presets are compiled in as setups (`src/scenario/setups.json`) and need no parser either.
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
