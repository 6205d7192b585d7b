//! The messages in flight, painted on a canvas laid over the cluster picture.
//!
//! They were SVG elements, and at high speeds a message lives for a frame or two: on the large
//! preset at 10× the page added and removed about 24 marks a frame, five DOM insertions each,
//! and restyled, laid out and repainted them. On a canvas a frame's marks are one clear and a
//! few drawing calls each. Nothing is lost: the marks were `aria-hidden` and took no pointer
//! events (what they show is also in the event log), and the canvas maps the picture's
//! coordinates exactly as the SVG's `viewBox` does.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ResizeObserver, ResizeObserverEntry};
use yew::prelude::*;

use crate::ui::sandbox::cluster::view::{ClusterView, Emphasis, FlightView};

/// The page's font, so a mark's letter looks as the SVG's text did.
const FONT_FAMILY: &str =
    "system-ui, -apple-system, \"Segoe UI\", Roboto, \"Noto Sans\", \"Noto Sans KR\", sans-serif";
const INK: &str = "#14202e";
const LOST_RED: &str = "#b30000";

#[derive(Properties, PartialEq)]
pub struct FlightsCanvasProps {
    pub view: Rc<ClusterView>,
    pub portrait: bool,
}

#[component(FlightsCanvas)]
pub fn flights_canvas(props: &FlightsCanvasProps) -> Html {
    let canvas = use_node_ref();
    // The canvas's size in CSS pixels, as a `ResizeObserver` last reported it. Reading
    // `clientWidth` while painting would make the browser lay the page out there and then,
    // in the middle of the frame's script, after every change the frame made.
    let box_size = use_mut_ref(|| None::<(f64, f64)>);
    // The picture of the latest render, for a resize to repaint.
    let latest = use_mut_ref(|| props.view.clone());
    *latest.borrow_mut() = props.view.clone();
    {
        let (canvas, box_size) = (canvas.clone(), box_size.clone());
        use_effect_with((), move |_| {
            let observer = canvas
                .cast::<HtmlCanvasElement>()
                .and_then(|element| watch_size(&element, box_size, latest));
            move || {
                if let Some((observer, _callback)) = observer {
                    observer.disconnect();
                }
            }
        });
    }
    {
        let canvas = canvas.clone();
        // Keyed by the view's allocation: each frame builds a new one, and a picture held
        // still keeps its old one, so nothing is compared field by field.
        let view = props.view.clone();
        use_effect_with(Rc::as_ptr(&props.view) as usize, move |_| {
            if let (Some(canvas), Some(size)) =
                (canvas.cast::<HtmlCanvasElement>(), *box_size.borrow())
            {
                paint(&canvas, size, &view);
            }
        });
    }
    html! {
        <canvas ref={canvas} class={classes!("cluster", "cluster-flights", props.portrait.then_some("portrait"))}
                aria-hidden="true" data-testid="cluster-flights" data-flights={props.view.flights.len().to_string()} />
    }
}

type SizeWatch = (ResizeObserver, Closure<dyn FnMut(js_sys::Array)>);

/// Keeps `box_size` equal to the canvas's CSS size, and paints the latest picture when it
/// changes (a resize between two frames would otherwise stretch the last one).
fn watch_size(
    canvas: &HtmlCanvasElement,
    box_size: Rc<RefCell<Option<(f64, f64)>>>,
    latest: Rc<RefCell<Rc<ClusterView>>>,
) -> Option<SizeWatch> {
    let element = canvas.clone();
    let callback = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
        let Some(entry) = entries
            .iter()
            .last()
            .and_then(|e| e.dyn_into::<ResizeObserverEntry>().ok())
        else {
            return;
        };
        let rect = entry.content_rect();
        let size = (rect.width(), rect.height());
        *box_size.borrow_mut() = Some(size);
        paint(&element, size, &latest.borrow());
    });
    let observer = ResizeObserver::new(callback.as_ref().unchecked_ref()).ok()?;
    observer.observe(canvas);
    Some((observer, callback))
}

/// Clears the canvas and paints every flight, in the picture's coordinates fitted to the
/// canvas's box (`css_size`) as `preserveAspectRatio="xMidYMid meet"` fits an SVG's
/// `viewBox`.
fn paint(canvas: &HtmlCanvasElement, (css_width, css_height): (f64, f64), view: &ClusterView) {
    let Some(context) = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
    else {
        return;
    };
    let ratio = gloo::utils::window().device_pixel_ratio().max(1.0);
    let (width, height) = (
        (css_width * ratio).round() as u32,
        (css_height * ratio).round() as u32,
    );
    if canvas.width() != width || canvas.height() != height {
        canvas.set_width(width);
        canvas.set_height(height);
    }
    let _ = context.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
    context.clear_rect(0.0, 0.0, f64::from(width), f64::from(height));
    if view.flights.is_empty() || view.width <= 0.0 || view.height <= 0.0 || css_width <= 0.0 {
        return;
    }
    let scale = (css_width / view.width).min(css_height / view.height);
    let left = (css_width - view.width * scale) / 2.0;
    let top = (css_height - view.height * scale) / 2.0;
    let _ = context.set_transform(
        ratio * scale,
        0.0,
        0.0,
        ratio * scale,
        ratio * left,
        ratio * top,
    );
    // Three passes, each in one font: setting a canvas's font parses it, and per mark that
    // was a fifth of the painting.
    context.set_text_align("center");
    context.set_font(&format!("800 14px {FONT_FAMILY}"));
    for flight in &view.flights {
        disc(&context, flight);
    }
    context.set_text_align("start");
    context.set_font(&format!("12px {FONT_FAMILY}"));
    context.set_fill_style_str(INK);
    for flight in view.flights.iter().filter(|f| f.records > 1) {
        context.set_global_alpha(dimmed(flight));
        let _ = context.fill_text(&flight.records.to_string(), flight.x + 13.0, flight.y - 8.0);
    }
    context.set_text_align("center");
    context.set_font(&format!("900 28px {FONT_FAMILY}"));
    context.set_fill_style_str(LOST_RED);
    for flight in &view.flights {
        if let Some(fade) = flight.vanishing {
            context.set_global_alpha(dimmed(flight) * fade);
            let _ = context.fill_text("✕", flight.x, flight.y + 9.0);
        }
    }
    context.set_global_alpha(1.0);
}

/// How strongly a mark is drawn: faint when something else is highlighted.
fn dimmed(flight: &FlightView) -> f64 {
    if flight.emphasis == Emphasis::Dimmed {
        0.35
    } else {
        1.0
    }
}

/// One message's disc and letter: filled for a request, hollow for a response, fading when
/// it will be lost (its count and the red cross of a loss are drawn in the later passes).
fn disc(context: &CanvasRenderingContext2d, flight: &FlightView) {
    let (x, y) = (flight.x, flight.y);
    let (fill, stroke, ink) = if flight.hollow {
        ("#ffffff", flight.colour, INK)
    } else {
        (flight.colour, INK, flight.ink)
    };
    let emphasised = flight.emphasis == Emphasis::Emphasised;
    let faded = flight.vanishing.map_or(1.0, |fade| 1.0 - 0.7 * fade);
    context.set_global_alpha(dimmed(flight) * faded);
    context.begin_path();
    let _ = context.arc(x, y, 11.0, 0.0, std::f64::consts::TAU);
    context.set_fill_style_str(fill);
    context.fill();
    context.set_line_width(if flight.hollow || emphasised {
        3.5
    } else {
        2.0
    });
    context.set_stroke_style_str(stroke);
    context.stroke();
    context.set_fill_style_str(ink);
    let _ = context.fill_text(flight.letter, x, y + 4.5);
}
