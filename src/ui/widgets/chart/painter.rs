//! The page's side of the chart painter ([`super::paint`], a bundle of its own): the first
//! chart a page paints adds `painter-loader.js` to the page, charts painted before it has
//! loaded wait (only the latest picture of each canvas), and once it has they are painted by
//! its `paintChart`. A painter that cannot load leaves each chart's legend and text
//! alternative, and says on the canvas why the lines are missing; the page goes on working.

use std::cell::RefCell;

use gloo::events::EventListener;
use wasm_bindgen::JsCast;
use wasm_bindgen::JsValue;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use crate::scenario::packed::pack;
use crate::ui::shell::js_error::describe;
use crate::ui::widgets::chart::spec::ChartSpec;

/// The script that loads the painter (`static/workers/painter-loader.js`, copied beside the
/// page), relative to the page.
const LOADER_URL: &str = "./painter-loader.js";
/// Where the loader leaves the painter: `{ paintChart }`, or `{ error }`.
const GLOBAL: &str = "kafkaPlaygroundPainter";
/// The event the loader sends when it is done, either way.
const LOADED_EVENT: &str = "kafka-playground-painter";

enum Painter {
    Unloaded,
    /// Holds the latest picture of each canvas that asked while the painter loaded.
    Loading(Vec<(HtmlCanvasElement, Vec<u8>)>),
    Ready(js_sys::Function),
    Failed(String),
}

thread_local! {
    static PAINTER: RefCell<Painter> = const { RefCell::new(Painter::Unloaded) };
}

/// Paints `chart` on `canvas` now, or as soon as the painter has loaded.
pub fn paint(canvas: &HtmlCanvasElement, chart: &ChartSpec) {
    let spec = pack(&chart.paint_spec());
    PAINTER.with(|cell| {
        let mut painter = cell.borrow_mut();
        if matches!(*painter, Painter::Unloaded) {
            *painter = installed().unwrap_or_else(start);
        }
        match &mut *painter {
            Painter::Ready(paint_chart) => call(paint_chart, canvas, &spec),
            Painter::Loading(waiting) => {
                waiting.retain(|(waiting, _)| waiting != canvas);
                waiting.push((canvas.clone(), spec));
            }
            Painter::Failed(why) => say_on(canvas, why),
            Painter::Unloaded => unreachable!("set above"),
        }
    });
}

/// The painter the loader left, if it has run: ready, or the reason it failed.
fn installed() -> Option<Painter> {
    let global = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str(GLOBAL)).ok()?;
    if global.is_undefined() || global.is_null() {
        return None;
    }
    let paint_chart = js_sys::Reflect::get(&global, &JsValue::from_str("paintChart")).ok();
    match paint_chart.and_then(|f| f.dyn_into::<js_sys::Function>().ok()) {
        Some(paint_chart) => Some(Painter::Ready(paint_chart)),
        None => {
            let error = js_sys::Reflect::get(&global, &JsValue::from_str("error"))
                .ok()
                .and_then(|e| e.as_string())
                .unwrap_or_else(|| "it left no painter".into());
            Some(Painter::Failed(format!(
                "the chart painter did not load: {error}"
            )))
        }
    }
}

/// Adds the loader to the page and waits for it.
fn start() -> Painter {
    let window = gloo::utils::window();
    let loaded = EventListener::once(&window, LOADED_EVENT, |_| {
        finish(installed().unwrap_or_else(|| {
            Painter::Failed("the chart painter did not load: it left no painter".into())
        }))
    });
    let document = gloo::utils::document();
    let script = document
        .create_element("script")
        .ok()
        .and_then(|e| e.dyn_into::<web_sys::HtmlScriptElement>().ok());
    let Some(script) = script else {
        return Painter::Failed("the chart painter could not be added to the page".into());
    };
    script.set_type("module");
    script.set_src(LOADER_URL);
    let failed = EventListener::once(&script, "error", |_| {
        finish(Painter::Failed(format!(
            "the chart painter did not load: {LOADER_URL} is missing"
        )))
    });
    if let Err(error) = gloo::utils::head().append_child(&script) {
        return Painter::Failed(format!(
            "the chart painter could not be added to the page: {}",
            describe(error)
        ));
    }
    // Each listener fires at most once, and the state they would live in is replaced from
    // inside their own callback, which must not drop them: they stay for the page's life.
    loaded.forget();
    failed.forget();
    Painter::Loading(Vec::new())
}

/// The painter has loaded (or failed to): paints, or explains on, every waiting canvas.
fn finish(outcome: Painter) {
    let waiting = PAINTER.with(|cell| {
        let previous = std::mem::replace(&mut *cell.borrow_mut(), outcome);
        match previous {
            Painter::Loading(waiting) => waiting,
            _ => Vec::new(),
        }
    });
    PAINTER.with(|cell| match &*cell.borrow() {
        Painter::Ready(paint_chart) => {
            for (canvas, spec) in &waiting {
                call(paint_chart, canvas, spec);
            }
        }
        Painter::Failed(why) => {
            for (canvas, _) in &waiting {
                say_on(canvas, why);
            }
        }
        Painter::Unloaded | Painter::Loading(_) => {}
    });
}

fn call(paint_chart: &js_sys::Function, canvas: &HtmlCanvasElement, spec: &[u8]) {
    let spec = js_sys::Uint8Array::from(spec);
    if let Err(error) = paint_chart.call2(&JsValue::NULL, canvas, &spec) {
        say_on(
            canvas,
            &format!("the chart could not be drawn: {}", describe(error)),
        );
    }
}

/// Writes `why` where the chart would be, so a missing picture is explained where it is
/// missed.
fn say_on(canvas: &HtmlCanvasElement, why: &str) {
    let context = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok());
    if let Some(context) = context {
        let (width, height) = (f64::from(canvas.width()), f64::from(canvas.height()));
        context.clear_rect(0.0, 0.0, width, height);
        context.set_font("14px sans-serif");
        context.set_fill_style_str("#46566b");
        let _ = context.fill_text_with_max_width(why, 8.0, 24.0, (width - 16.0).max(1.0));
    }
    canvas.set_attribute("data-unpainted", why).ok();
}

/// Puts the painter in this page's own bundle: for the browser tests, which have no
/// `painter-loader.js` to load. Pages never call it, or plotters would be in their bundles.
#[cfg(target_arch = "wasm32")]
pub fn install_here() {
    use wasm_bindgen::closure::Closure;
    let paint_chart =
        Closure::<dyn Fn(HtmlCanvasElement, js_sys::Uint8Array) -> Result<(), JsValue>>::new(
            |canvas: HtmlCanvasElement, spec: js_sys::Uint8Array| {
                super::paint::paint_packed(&canvas, &spec.to_vec())
                    .map_err(|e| JsValue::from_str(&e))
            },
        );
    let painter = js_sys::Object::new();
    let _ = js_sys::Reflect::set(
        &painter,
        &JsValue::from_str("paintChart"),
        paint_chart.as_ref(),
    );
    paint_chart.forget();
    let _ = js_sys::Reflect::set(&js_sys::global(), &JsValue::from_str(GLOBAL), &painter);
}
