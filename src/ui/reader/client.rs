//! The page's side of the reader: the worker is started the first time a file is read (so a
//! visit that never pastes one never downloads the parser), requests are numbered, and each
//! answer goes to the callback that asked for it. If the worker cannot be loaded (an old
//! cached page, a host that dropped the file), every waiting request is answered with a
//! message that says so, and the page goes on working.

use crate::engine::sorted::VecMap;
use std::cell::RefCell;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{ErrorEvent, MessageEvent, Worker, WorkerOptions, WorkerType};
use yew::Callback;

use super::reply::{Outcome, Reply, Request};
use super::worker::READY;
use crate::scenario::Setup;
use crate::ui::shell::js_error::describe;

/// The module that starts the reader's worker (`static/workers/reader-loader.js`, copied beside
/// the page), relative to the page.
const WORKER_URL: &str = "./reader-loader.js";

type Done = Callback<Result<Setup, String>>;

struct Reader {
    worker: Worker,
    /// Whether the worker said it listens ([`super::worker::READY`]); until then requests
    /// wait in `queued`.
    ready: bool,
    queued: Vec<String>,
    next_request: u32,
    waiting: VecMap<u32, Done>,
}

thread_local! {
    static READER: RefCell<Option<Reader>> = const { RefCell::new(None) };
}

/// Reads a scenario file in the worker; `done` gets the setup, or the problems with line and
/// column, or a sentence saying the reader could not be loaded.
pub fn read_scenario(text: String, done: Done) {
    let sent = READER.with(|cell| {
        let mut cell = cell.borrow_mut();
        if cell.is_none() {
            *cell = Some(start()?);
        }
        let reader = cell.as_mut().expect("started above");
        reader.next_request += 1;
        let request = reader.next_request;
        let json =
            serde_json::to_string(&Request { request, text }).map_err(|error| error.to_string())?;
        if reader.ready {
            reader
                .worker
                .post_message(&JsValue::from_str(&json))
                .map_err(describe)?;
        } else {
            reader.queued.push(json);
        }
        reader.waiting.insert(request, done.clone());
        Ok::<(), String>(())
    });
    if let Err(error) = sent {
        done.emit(Err(format!("the scenario reader could not start: {error}")));
    }
}

fn start() -> Result<Reader, String> {
    // A module worker, so the loader imports wasm-bindgen's module the way a page does.
    let options = WorkerOptions::new();
    options.set_type(WorkerType::Module);
    let worker = Worker::new_with_options(WORKER_URL, &options).map_err(describe)?;
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| {
        let text = event.data().as_string().unwrap_or_default();
        if text == READY {
            READER.with(|cell| {
                if let Some(reader) = cell.borrow_mut().as_mut() {
                    reader.ready = true;
                    for json in reader.queued.drain(..) {
                        // A request that cannot be posted stays unanswered until the worker's
                        // error handler answers every waiting request.
                        let _ = reader.worker.post_message(&JsValue::from_str(&json));
                    }
                }
            });
            return;
        }
        // Through a JSON value, as every other JSON read of the page does, so the page
        // carries one copy of the setup's deserializer rather than two.
        let reply = serde_json::from_str::<serde_json::Value>(&text)
            .and_then(serde_json::from_value::<Reply>);
        let done = READER.with(|cell| {
            let mut cell = cell.borrow_mut();
            let reader = cell.as_mut()?;
            match &reply {
                Ok(reply) => reader.waiting.remove(&reply.request),
                // An answer that cannot be read belongs to no one in particular: give it to
                // the oldest request so nobody waits forever.
                Err(_) => reader.waiting.pop_first().map(|(_, done)| done),
            }
        });
        if let Some(done) = done {
            done.emit(match reply {
                Ok(Reply {
                    outcome: Outcome::Setup(setup),
                    ..
                }) => Ok(*setup),
                Ok(Reply {
                    outcome: Outcome::Problems(problems),
                    ..
                }) => Err(problems),
                Err(error) => Err(format!("the scenario reader answered unreadably: {error}")),
            });
        }
    });
    let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(|event: ErrorEvent| {
        // The worker is gone (it failed to load or crashed): answer everyone waiting, and
        // forget it so the next file starts a fresh one.
        let waiting = READER.with(|cell| {
            cell.borrow_mut()
                .take()
                .map(|reader| {
                    reader.worker.terminate();
                    reader.waiting
                })
                .unwrap_or_default()
        });
        let message = event.message();
        let why = if message.is_empty() {
            format!("{WORKER_URL} did not load")
        } else {
            message
        };
        for done in waiting.into_values() {
            done.emit(Err(format!("the scenario reader stopped: {why}")));
        }
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    // Both handlers live as long as the page: there is at most one reader at a time, and a
    // replaced one is terminated, so the few bytes they hold are not worth tracking.
    on_message.forget();
    on_error.forget();
    Ok(Reader {
        worker,
        ready: false,
        queued: Vec::new(),
        next_request: 0,
        waiting: VecMap::new(),
    })
}
