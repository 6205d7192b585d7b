//! The page's side of the reader: the worker is started the first time something is read (so a
//! visit that never pastes a file never downloads the parser), requests are numbered, and each
//! answer goes to the callback that asked for it. If the worker cannot be loaded (an old
//! cached page, a host that dropped the file), every waiting request is answered with a
//! message that says so, and the page goes on working.

use crate::engine::sorted::VecMap;
use std::cell::RefCell;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{ErrorEvent, MessageEvent, Worker, WorkerOptions, WorkerType};
use yew::Callback;

use super::reply::{Ask, Outcome, Reply, Request};
use super::worker::READY;
use crate::scenario::packed::{pack, unpack};
use crate::scenario::{SavedRun, Setup};
use crate::ui::shell::js_error::describe;

/// The module that starts the reader's worker (`static/workers/reader-loader.js`, copied beside
/// the page), relative to the page.
const WORKER_URL: &str = "./reader-loader.js";

/// Who waits for an answer: the worker's outcome, or a sentence saying why none came.
type Done = Box<dyn FnOnce(Result<Outcome, String>)>;

struct Reader {
    worker: Worker,
    /// Whether the worker said it listens ([`super::worker::READY`]); until then requests
    /// wait in `queued`.
    ready: bool,
    queued: Vec<Vec<u8>>,
    next_request: u32,
    waiting: VecMap<u32, Done>,
}

thread_local! {
    static READER: RefCell<Option<Reader>> = const { RefCell::new(None) };
}

/// Reads a scenario file in the worker; `done` gets the setup, or the problems with line and
/// column, or a sentence saying the reader could not be loaded.
pub fn read_scenario(text: String, done: Callback<Result<Setup, String>>) {
    ask(
        Ask::Scenario(text),
        Box::new(move |outcome| {
            done.emit(match outcome {
                Ok(Outcome::Setup(setup)) => Ok(*setup),
                Ok(Outcome::Problems(problems)) | Err(problems) => Err(problems),
                Ok(Outcome::SavedRun(_)) => Err("the reader answered another question".into()),
            })
        }),
    );
}

/// Reads a sandbox run an earlier build stored as JSON; `done` gets it in this build's form,
/// or what is wrong with it (with line and column), or why the reader could not be loaded.
pub fn read_saved_run_json(json: String, done: Callback<Result<SavedRun, String>>) {
    ask(
        Ask::SavedRunJson(json),
        Box::new(move |outcome| {
            done.emit(match outcome {
                Ok(Outcome::SavedRun(saved)) => Ok(*saved),
                Ok(Outcome::Problems(problems)) | Err(problems) => Err(problems),
                Ok(Outcome::Setup(_)) => Err("the reader answered another question".into()),
            })
        }),
    );
}

fn ask(ask: Ask, done: Done) {
    let sent = READER.with(|cell| {
        let mut cell = cell.borrow_mut();
        if cell.is_none() {
            *cell = Some(start()?);
        }
        let reader = cell.as_mut().expect("started above");
        reader.next_request += 1;
        let request = reader.next_request;
        let bytes = pack(&Request { request, ask });
        if reader.ready {
            post(&reader.worker, &bytes)?;
        } else {
            reader.queued.push(bytes);
        }
        Ok::<u32, String>(request)
    });
    match sent {
        Ok(request) => READER.with(|cell| {
            if let Some(reader) = cell.borrow_mut().as_mut() {
                reader.waiting.insert(request, done);
            }
        }),
        Err(error) => done(Err(format!("the reader could not start: {error}"))),
    }
}

fn post(worker: &Worker, bytes: &[u8]) -> Result<(), String> {
    worker
        .post_message(&js_sys::Uint8Array::from(bytes))
        .map_err(describe)
}

fn start() -> Result<Reader, String> {
    // A module worker, so the loader imports wasm-bindgen's module the way a page does.
    let options = WorkerOptions::new();
    options.set_type(WorkerType::Module);
    let worker = Worker::new_with_options(WORKER_URL, &options).map_err(describe)?;
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| {
        let data = event.data();
        if data.as_string().as_deref() == Some(READY) {
            READER.with(|cell| {
                if let Some(reader) = cell.borrow_mut().as_mut() {
                    reader.ready = true;
                    for bytes in reader.queued.drain(..) {
                        // A request that cannot be posted stays unanswered until the worker's
                        // error handler answers every waiting request.
                        let _ = post(&reader.worker, &bytes);
                    }
                }
            });
            return;
        }
        let reply = unpack::<Reply>(&js_sys::Uint8Array::new(&data).to_vec(), "the reply");
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
            done(match reply {
                Ok(reply) => Ok(reply.outcome),
                Err(error) => Err(format!("the reader answered unreadably: {error}")),
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
            done(Err(format!("the reader stopped: {why}")));
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
