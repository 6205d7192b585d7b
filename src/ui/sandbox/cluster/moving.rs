//! What moves every frame in the cluster picture, painted on a canvas laid over its SVG: the
//! messages in flight, and the replicas' log bars when the picture is too crowded for cells.
//!
//! Both were SVG elements. At high speeds a message lives for a frame or two: on the large
//! preset at 10× the page added and removed about 24 marks a frame, five DOM insertions each,
//! and restyled, laid out and repainted them; and most of the 144 bars changed their widths
//! every frame, about 80 attribute changes, each repainting the picture. On a canvas a frame
//! is one clear and a few drawing calls per mark or bar. Nothing is lost: the marks were
//! `aria-hidden` and took no pointer events (what they show is also in the event log), and
//! each bar's row stays in the SVG, with its label, its description and a target for the
//! pointer, where the bar is painted. The canvas maps the picture's coordinates exactly as the
//! SVG's `viewBox` does.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ResizeObserver, ResizeObserverEntry};
use yew::prelude::*;

use crate::engine::sorted::VecMap;
use crate::ui::sandbox::cluster::view::{
    BrokerView, ClusterView, Emphasis, FlightView, LogBar, ReplicaDetail, ReplicaRole, ReplicaView,
};

/// The page's font, so a mark's letter looks as the SVG's text did.
const FONT_FAMILY: &str =
    "system-ui, -apple-system, \"Segoe UI\", Roboto, \"Noto Sans\", \"Noto Sans KR\", sans-serif";
const INK: &str = "#14202e";
const LOST_RED: &str = "#b30000";
/// The bars' colours, as the legend's: committed records in the Okabe–Ito blue, records not
/// yet committed in its sky blue.
const BAR_TRACK: &str = "#ffffff";
const BAR_TRACK_EDGE: &str = "#8796aa";
const BAR_COMMITTED: &str = "#0072B2";
const BAR_UNCOMMITTED: &str = "#56B4E9";

#[derive(Properties, PartialEq)]
pub struct MovingCanvasProps {
    pub view: Rc<ClusterView>,
    pub portrait: bool,
}

#[component(MovingCanvas)]
pub fn moving_canvas(props: &MovingCanvasProps) -> Html {
    let canvas = use_node_ref();
    // The canvas's size in CSS pixels, as a `ResizeObserver` last reported it. Reading
    // `clientWidth` while painting would make the browser lay the page out there and then,
    // in the middle of the frame's script, after every change the frame made.
    let box_size = use_mut_ref(|| None::<(f64, f64)>);
    // The picture of the latest render, for a resize to repaint.
    let latest = use_mut_ref(|| props.view.clone());
    *latest.borrow_mut() = props.view.clone();
    let sprites = use_mut_ref(Sprites::default);
    {
        let (canvas, box_size, sprites) = (canvas.clone(), box_size.clone(), sprites.clone());
        use_effect_with((), move |_| {
            let observer = canvas
                .cast::<HtmlCanvasElement>()
                .and_then(|element| watch_size(&element, box_size, latest, sprites));
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
                paint(&canvas, size, &view, &mut sprites.borrow_mut());
            }
        });
    }
    html! {
        <canvas ref={canvas} class={classes!("cluster", "cluster-moving", props.portrait.then_some("portrait"))}
                aria-hidden="true" data-testid="cluster-moving" data-flights={props.view.flights.len().to_string()}
                data-bars={bar_count(&props.view).to_string()} />
    }
}

type SizeWatch = (ResizeObserver, Closure<dyn FnMut(js_sys::Array)>);

/// Keeps `box_size` equal to the canvas's CSS size, and paints the latest picture when it
/// changes (a resize between two frames would otherwise stretch the last one).
fn watch_size(
    canvas: &HtmlCanvasElement,
    box_size: Rc<RefCell<Option<(f64, f64)>>>,
    latest: Rc<RefCell<Rc<ClusterView>>>,
    sprites: Rc<RefCell<Sprites>>,
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
        paint(&element, size, &latest.borrow(), &mut sprites.borrow_mut());
    });
    let observer = ResizeObserver::new(callback.as_ref().unchecked_ref()).ok()?;
    observer.observe(canvas);
    Some((observer, callback))
}

/// Clears the canvas and paints every log bar, then every flight over them, in the picture's
/// coordinates fitted to the
/// canvas's box (`css_size`) as `preserveAspectRatio="xMidYMid meet"` fits an SVG's
/// `viewBox`.
fn paint(
    canvas: &HtmlCanvasElement,
    (css_width, css_height): (f64, f64),
    view: &ClusterView,
    sprites: &mut Sprites,
) {
    let Some(context) = context_2d(canvas) else {
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
    context.clear_rect(0.0, 0.0, f64::from(width), f64::from(height));
    if view.width <= 0.0 || view.height <= 0.0 || css_width <= 0.0 {
        return;
    }
    let scale = (css_width / view.width).min(css_height / view.height);
    let left = (css_width - view.width * scale) / 2.0;
    let top = (css_height - view.height * scale) / 2.0;
    // Device pixels per unit of the picture, and where a point of the picture lands.
    let pixels = ratio * scale;
    let _ = context.set_transform(pixels, 0.0, 0.0, pixels, ratio * left, ratio * top);
    paint_bars(&context, view);
    let _ = context.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
    let at = |x: f64, y: f64| (ratio * left + x * pixels, ratio * top + y * pixels);
    sprites.fit(pixels);
    for flight in &view.flights {
        let faded = flight.vanishing.map_or(1.0, |fade| 1.0 - 0.7 * fade);
        context.set_global_alpha(dimmed(flight) * faded);
        sprites.draw(
            &context,
            Sprite::Disc(Disc::of(flight)),
            at(flight.x, flight.y),
        );
    }
    for flight in view.flights.iter().filter(|f| f.records > 1) {
        context.set_global_alpha(dimmed(flight));
        let count = Sprite::Count(flight.records);
        sprites.draw(&context, count, at(flight.x + 13.0, flight.y - 8.0));
    }
    for flight in &view.flights {
        if let Some(fade) = flight.vanishing {
            context.set_global_alpha(dimmed(flight) * fade);
            sprites.draw(&context, Sprite::Lost, at(flight.x, flight.y));
        }
    }
    context.set_global_alpha(1.0);
}

/// The log bars drawn: one per replica shown as a bar.
fn bars(view: &ClusterView) -> impl Iterator<Item = (&BrokerView, &ReplicaView, &LogBar)> {
    view.brokers.iter().flat_map(|broker| {
        broker
            .topics
            .iter()
            .flat_map(|topic| topic.replicas.iter())
            .filter_map(move |replica| match &replica.detail {
                ReplicaDetail::Bar(bar) => Some((broker, &**replica, bar)),
                ReplicaDetail::Cells(_) => None,
            })
    })
}

fn bar_count(view: &ClusterView) -> usize {
    bars(view).count()
}

/// A replica's log as a bar: a track as wide as the longest log on the picture, filled with
/// its committed records (log start to high watermark) and, paler, the ones not yet committed
/// (high watermark to log end). A replica out of sync has a dashed track and faint fills, as
/// does an offline one; a dimmed broker or replica (something else is highlighted) is faint.
fn paint_bars(context: &CanvasRenderingContext2d, view: &ClusterView) {
    let solid = js_sys::Array::new();
    let dashed = js_sys::Array::of2(&3.0.into(), &2.0.into());
    for (broker, replica, bar) in bars(view) {
        let dim = |emphasis| {
            if emphasis == Emphasis::Dimmed {
                0.35
            } else {
                1.0
            }
        };
        let alpha = dim(broker.emphasis) * dim(replica.emphasis);
        let faint = !replica.in_sync || replica.role == ReplicaRole::Offline;
        context.set_global_alpha(alpha);
        context.begin_path();
        let _ = context.round_rect_with_f64(bar.x, bar.bar_y, bar.width, bar.bar_height, 2.0);
        context.set_fill_style_str(BAR_TRACK);
        context.fill();
        let _ = context.set_line_dash(if replica.in_sync { &solid } else { &dashed });
        context.set_line_width(1.0);
        context.set_stroke_style_str(BAR_TRACK_EDGE);
        context.stroke();
        let faint_alpha = if faint { 0.4 } else { 1.0 };
        let committed = (bar.high_watermark_width - bar.start_width).max(0.0);
        context.set_global_alpha(alpha * faint_alpha);
        context.set_fill_style_str(BAR_COMMITTED);
        context.fill_rect(
            bar.x + bar.start_width,
            bar.bar_y,
            committed,
            bar.bar_height,
        );
        let uncommitted = (bar.log_end_width - bar.high_watermark_width).max(0.0);
        context.set_global_alpha(alpha * faint_alpha * 0.7);
        context.set_fill_style_str(BAR_UNCOMMITTED);
        context.fill_rect(
            bar.x + bar.high_watermark_width,
            bar.bar_y,
            uncommitted,
            bar.bar_height,
        );
    }
    let _ = context.set_line_dash(&solid);
    context.set_global_alpha(1.0);
}

fn context_2d(canvas: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
}

/// How a message's disc looks: everything a mark's picture depends on but where it is and how
/// faint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Disc {
    fill: &'static str,
    stroke: &'static str,
    ink: &'static str,
    letter: &'static str,
    /// A thick ring: a response, or an emphasised message.
    thick: bool,
}

impl Disc {
    /// Filled for a request, hollow for a response.
    fn of(flight: &FlightView) -> Disc {
        let (fill, stroke, ink) = if flight.hollow {
            ("#ffffff", flight.colour, INK)
        } else {
            (flight.colour, INK, flight.ink)
        };
        Disc {
            fill,
            stroke,
            ink,
            letter: flight.letter,
            thick: flight.hollow || flight.emphasis == Emphasis::Emphasised,
        }
    }
}

/// One of the few pictures every mark is made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Sprite {
    Disc(Disc),
    /// The number of records a message carries, beside its disc (left-aligned there).
    Count(u32),
    /// The red cross over a message that will be lost.
    Lost,
}

/// Half a sprite's side, in the picture's units: a disc of radius 11 with its thick ring, and
/// the cross's 28 px glyph.
const SPRITE_HALF: f64 = 16.0;

/// Each kind of mark drawn once at the canvas's scale, then copied wherever a message is. A
/// frame at 10× on the large preset draws about a hundred marks; drawing each as a path and
/// shaping its letter cost about 3 ms a frame at 1920×1080, where copying a small bitmap is a
/// blit. The marks' look depends only on the kind of message, so there are a few dozen.
#[derive(Default)]
pub(super) struct Sprites {
    /// Device pixels per unit of the picture the sprites were drawn at.
    pixels: f64,
    drawn: VecMap<Sprite, HtmlCanvasElement>,
}

/// Sprites kept before the cache starts again (counts vary; kinds of disc do not).
const SPRITES_KEPT: usize = 256;

impl Sprites {
    /// Forgets every sprite when the scale changes (a resize), so they stay sharp.
    fn fit(&mut self, pixels: f64) {
        if (self.pixels - pixels).abs() > 1e-9 || self.drawn.len() > SPRITES_KEPT {
            self.pixels = pixels;
            self.drawn.clear();
        }
    }

    /// Copies `sprite` centred on the device pixel nearest `(x, y)` (a count starts there).
    fn draw(&mut self, context: &CanvasRenderingContext2d, sprite: Sprite, (x, y): (f64, f64)) {
        let pixels = self.pixels;
        if self.drawn.get(&sprite).is_none() {
            let Some(bitmap) = render(sprite, pixels) else {
                return;
            };
            self.drawn.insert(sprite, bitmap);
        }
        let bitmap = self.drawn.get(&sprite).expect("just drawn");
        let half = (SPRITE_HALF * pixels).ceil();
        let (left, top) = match sprite {
            Sprite::Count(_) => (x, y - half),
            _ => (x - half, y - half),
        };
        let _ = context.draw_image_with_html_canvas_element(bitmap, left.round(), top.round());
    }
}

/// Draws one sprite on a canvas of its own, `pixels` device pixels per unit of the picture.
fn render(sprite: Sprite, pixels: f64) -> Option<HtmlCanvasElement> {
    let bitmap: HtmlCanvasElement = gloo::utils::document()
        .create_element("canvas")
        .ok()?
        .dyn_into()
        .ok()?;
    let half = (SPRITE_HALF * pixels).ceil();
    let width = match sprite {
        Sprite::Count(_) => 4.0 * half,
        _ => 2.0 * half,
    };
    bitmap.set_width(width as u32);
    bitmap.set_height((2.0 * half) as u32);
    let context = context_2d(&bitmap)?;
    let origin_x = match sprite {
        Sprite::Count(_) => 0.0,
        _ => half,
    };
    let _ = context.set_transform(pixels, 0.0, 0.0, pixels, origin_x, half);
    match sprite {
        Sprite::Disc(disc) => {
            context.begin_path();
            let _ = context.arc(0.0, 0.0, 11.0, 0.0, std::f64::consts::TAU);
            context.set_fill_style_str(disc.fill);
            context.fill();
            context.set_line_width(if disc.thick { 3.5 } else { 2.0 });
            context.set_stroke_style_str(disc.stroke);
            context.stroke();
            context.set_text_align("center");
            context.set_font(&format!("800 14px {FONT_FAMILY}"));
            context.set_fill_style_str(disc.ink);
            let _ = context.fill_text(disc.letter, 0.0, 4.5);
        }
        Sprite::Count(records) => {
            context.set_text_align("start");
            context.set_font(&format!("12px {FONT_FAMILY}"));
            context.set_fill_style_str(INK);
            let _ = context.fill_text(&records.to_string(), 0.0, 0.0);
        }
        Sprite::Lost => {
            context.set_text_align("center");
            context.set_font(&format!("900 28px {FONT_FAMILY}"));
            context.set_fill_style_str(LOST_RED);
            let _ = context.fill_text("✕", 0.0, 9.0);
        }
    }
    Some(bitmap)
}

/// How strongly a mark is drawn: faint when something else is highlighted.
fn dimmed(flight: &FlightView) -> f64 {
    if flight.emphasis == Emphasis::Dimmed {
        0.35
    } else {
        1.0
    }
}
