//! The worker's side: each run number the page sends starts a peak second, run to the end,
//! with a report every [`REPORT_EVERY_MS`] of wall time and one when it is done. The run
//! blocks only this worker; the page goes on drawing and reads the reports as they arrive.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use super::{PeakReport, READY};
use crate::pipeline::peak_second::{PeakPlan, PeakSecond};

/// Simulated time per slice: small enough that reports come often, large enough that slicing
/// costs nothing next to the run.
const SLICE_MS: u64 = 10;
/// Wall time between two reports, in ms.
const REPORT_EVERY_MS: f64 = 50.0;

/// Installs the message handler; the worker then lives as long as the page keeps it.
pub fn run() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply_scope = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        // The page sends the run's number; anything else is not the page's and is ignored.
        if let Some(run) = event.data().as_f64() {
            run_peak(&reply_scope, run as u32, &PeakPlan::netflix_2016());
        }
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler must outlive this function: the worker holds it until it is terminated.
    on_message.forget();
    // A message that arrives while the wasm is still loading has no handler and is lost, so
    // the page holds its request until it hears this.
    let _ = scope.post_message(&JsValue::from_str(READY));
}

fn run_peak(scope: &DedicatedWorkerGlobalScope, run: u32, plan: &PeakPlan) {
    let clock = scope.performance();
    let now_ms = || clock.as_ref().map_or(0.0, web_sys::Performance::now);
    let started_ms = now_ms();
    let mut peak = PeakSecond::new(plan);
    let mut last_report_ms = f64::NEG_INFINITY;
    loop {
        let progress = peak.advance(SLICE_MS);
        let wall_now_ms = now_ms();
        if progress.done || wall_now_ms - last_report_ms >= REPORT_EVERY_MS {
            last_report_ms = wall_now_ms;
            let report = PeakReport {
                run,
                progress,
                wall_ms: wall_now_ms - started_ms,
            };
            let numbers = js_sys::Float64Array::from(&report.to_numbers()[..]);
            // A report that cannot be posted is lost; the next one carries the same counts,
            // and the page says so if the worker fails.
            let _ = scope.post_message(&numbers);
        }
        if progress.done {
            break;
        }
    }
}
