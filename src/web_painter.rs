//! The chart painter (`kafka-playground-painter`): plotters drawing the pages' charts, in a
//! bundle of its own that a page loads the first time it paints one (see
//! `src/ui/widgets/chart/painter.rs` for the page's side and `static/workers/painter-loader.js`
//! for the loading). The export lives here, in the painter's own binary, so that no page's
//! bundle exports it and so carries plotters.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen::prelude::*;

/// Paints a packed `PaintSpec` on `canvas`; what goes wrong is thrown as a sentence.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen(js_name = paintChart)]
pub fn paint_chart(canvas: web_sys::HtmlCanvasElement, spec: &[u8]) -> Result<(), JsValue> {
    kafka_playground::ui::widgets::chart::paint::paint_packed(&canvas, spec)
        .map_err(|error| JsValue::from_str(&error))
}

fn main() {
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("kafka-playground-painter is the pages' chart painter: run `make serve`.");
}
