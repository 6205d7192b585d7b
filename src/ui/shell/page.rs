//! What every page's root component needs from the browser: the animation-frame loop, the
//! keyboard shortcuts, the address's query string and the viewport's shape. One copy, so the tour, the sandbox and
//! the pipelines behave alike (a shortcut never fires while the visitor types or a control has
//! focus).

use gloo::events::{EventListener, EventListenerOptions};
use gloo::render::{request_animation_frame, AnimationFrame};
use wasm_bindgen::JsCast;
use web_sys::KeyboardEvent;
use yew::prelude::*;

/// Asks for the next animation frame; `to_message` turns its timestamp (ms) into the
/// component's message. Dropping the handle cancels it, so the loop ends with the component.
fn next_frame<C: Component>(ctx: &Context<C>, to_message: fn(f64) -> C::Message) -> AnimationFrame {
    let link = ctx.link().clone();
    request_animation_frame(move |timestamp_ms| link.send_message(to_message(timestamp_ms)))
}

/// A page's animation-frame loop: one frame asked for at a time, and the wall-clock time
/// between frames. Dropping it cancels the pending frame, so the loop ends with the component.
pub struct FrameLoop<C: Component> {
    to_message: fn(f64) -> C::Message,
    last_frame_ms: Option<f64>,
    _frame: AnimationFrame,
}

impl<C: Component> FrameLoop<C> {
    /// Asks for the first frame; `to_message` turns a frame's timestamp (ms) into the message
    /// the component hands back to [`FrameLoop::tick`].
    pub fn start(ctx: &Context<C>, to_message: fn(f64) -> C::Message) -> Self {
        FrameLoop {
            to_message,
            last_frame_ms: None,
            _frame: next_frame(ctx, to_message),
        }
    }

    /// Takes a frame's timestamp: asks for the next frame and returns the wall-clock ms since
    /// the previous one (0 for the first frame).
    pub fn tick(&mut self, ctx: &Context<C>, timestamp_ms: f64) -> f64 {
        let wall_ms = self.last_frame_ms.map_or(0.0, |last| timestamp_ms - last);
        self.last_frame_ms = Some(timestamp_ms);
        self._frame = next_frame(ctx, self.to_message);
        wall_ms
    }

    /// The last frame's timestamp, if there was one.
    pub fn last_frame_ms(&self) -> Option<f64> {
        self.last_frame_ms
    }
}

/// Below this viewport width a page draws its portrait layout (a phone held upright).
pub const PORTRAIT_BELOW_PX: f64 = 640.0;

/// Whether the viewport is narrower than [`PORTRAIT_BELOW_PX`].
pub fn viewport_is_portrait() -> bool {
    let width = gloo::utils::window()
        .inner_width()
        .ok()
        .and_then(|w| w.as_f64())
        .unwrap_or(1280.0);
    width < PORTRAIT_BELOW_PX
}

/// Listens for the page's keyboard shortcuts: `shortcut` maps a key to a message, and is not
/// asked while the visitor types in a field, a control has focus, or a modifier is held.
pub fn listen_for_shortcuts<C: Component>(
    ctx: &Context<C>,
    shortcut: fn(&KeyboardEvent) -> Option<C::Message>,
) -> Option<EventListener> {
    let doc = gloo::utils::document()
        .dyn_into::<web_sys::EventTarget>()
        .ok()?;
    let link = ctx.link().clone();
    // Not passive: a shortcut's key (Space) must not also scroll the page.
    let options = EventListenerOptions::enable_prevent_default();
    Some(EventListener::new_with_options(
        &doc,
        "keydown",
        options,
        move |event| {
            let Some(key) = event.dyn_ref::<KeyboardEvent>() else {
                return;
            };
            if is_busy(key) {
                return;
            }
            if let Some(message) = shortcut(key) {
                event.prevent_default();
                link.send_message(message);
            }
        },
    ))
}

/// True when the key belongs to something else: a field being typed in, a focused control
/// (whose own Space or Enter must work), or a combination with a modifier.
fn is_busy(event: &KeyboardEvent) -> bool {
    let on_control = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| {
            matches!(
                el.tag_name().as_str(),
                "INPUT" | "SELECT" | "TEXTAREA" | "BUTTON" | "SUMMARY" | "A"
            ) || el.get_attribute("role").as_deref() == Some("button")
        });
    on_control || event.ctrl_key() || event.meta_key() || event.alt_key()
}

/// The value of `name=value` in the page's query string.
pub fn query_value(name: &str) -> Option<String> {
    let search = gloo::utils::window()
        .location()
        .search()
        .unwrap_or_default();
    search
        .trim_start_matches('?')
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}
