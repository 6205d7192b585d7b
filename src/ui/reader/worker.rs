//! The worker's side of the reader: every message is a request's packed bytes, and every
//! answer a reply's ([`super::reply::answer`]), both as `Uint8Array`s. Nothing else runs in the
//! worker.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use super::reply::answer;

/// Installs the message handler; the worker then lives as long as the page keeps it.
pub fn run() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply_scope = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let request = js_sys::Uint8Array::new(&event.data()).to_vec();
        let reply = js_sys::Uint8Array::from(answer(&request).as_slice());
        // A reply that cannot be posted has nowhere to go; the page's timeout-free wait simply
        // stays open, and the page says so when its worker reports an error.
        let _ = reply_scope.post_message(&reply);
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler must outlive this function: the worker holds it until it is terminated.
    on_message.forget();
    // A message that arrives while the wasm is still loading has no handler and is lost, so
    // the page holds its requests until it hears this.
    let _ = scope.post_message(&JsValue::from_str(READY));
}

/// What the worker says once it listens.
pub const READY: &str = "ready";
