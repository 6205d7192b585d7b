//! A JavaScript error as a sentence: what a failed browser call threw, for the messages the
//! pages show when a worker cannot start or a message cannot be posted.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The thrown value's text: a string as it is, an `Error`'s message, else its debug form.
pub fn describe(error: JsValue) -> String {
    error
        .as_string()
        .or_else(|| {
            error
                .dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| format!("{error:?}"))
}
