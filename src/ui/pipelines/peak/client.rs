//! The page's side: the worker is started the first time a visitor asks for the run (so a
//! visit that never does downloads nothing more), reports go to one callback, and a worker
//! that cannot load or that fails is reported as a sentence, while the page goes on working.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{ErrorEvent, MessageEvent, Worker, WorkerOptions, WorkerType};
use yew::Callback;

use super::{PeakReport, READY};
use crate::ui::shell::js_error::describe;

/// The module that starts the worker (`static/workers/peak-loader.js`, copied beside the
/// page), relative to the page.
const WORKER_URL: &str = "./peak-loader.js";

pub type OnReport = Callback<Result<PeakReport, String>>;

/// A running worker. Dropping it terminates the worker.
pub struct PeakWorker {
    worker: Worker,
    /// The run waiting for the worker's [`READY`].
    waiting: Rc<RefCell<Waiting>>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(ErrorEvent)>,
}

#[derive(Default)]
struct Waiting {
    ready: bool,
    run: Option<u32>,
}

impl PeakWorker {
    pub fn start(on_report: OnReport) -> Result<Self, String> {
        // A module worker, so the loader imports wasm-bindgen's module the way a page does.
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Module);
        let worker = Worker::new_with_options(WORKER_URL, &options).map_err(describe)?;
        let waiting = Rc::new(RefCell::new(Waiting::default()));
        let on_message = {
            let (worker, waiting, on_report) = (worker.clone(), waiting.clone(), on_report.clone());
            Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                let data = event.data();
                if data.as_string().as_deref() == Some(READY) {
                    let mut waiting = waiting.borrow_mut();
                    waiting.ready = true;
                    if let Some(run) = waiting.run.take() {
                        if let Err(error) = worker.post_message(&JsValue::from(run)) {
                            on_report.emit(Err(describe(error)));
                        }
                    }
                    return;
                }
                let numbers = data
                    .dyn_into::<js_sys::Float64Array>()
                    .map(|array| array.to_vec())
                    .unwrap_or_default();
                on_report.emit(
                    PeakReport::from_numbers(&numbers)
                        .ok_or_else(|| "the worker answered unreadably".to_owned()),
                );
            })
        };
        let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(move |event: ErrorEvent| {
            let message = event.message();
            on_report.emit(Err(if message.is_empty() {
                format!("{WORKER_URL} did not load")
            } else {
                message
            }));
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(PeakWorker {
            worker,
            waiting,
            _on_message: on_message,
            _on_error: on_error,
        })
    }

    /// Asks for run number `run` (Netflix's 2016 peak second); it starts as soon as the worker
    /// listens.
    pub fn run(&self, run: u32) -> Result<(), String> {
        let mut waiting = self.waiting.borrow_mut();
        if waiting.ready {
            self.worker
                .post_message(&JsValue::from(run))
                .map_err(describe)
        } else {
            waiting.run = Some(run);
            Ok(())
        }
    }
}

impl Drop for PeakWorker {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}
