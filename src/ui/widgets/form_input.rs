//! Small helpers for reading form inputs in the sandbox's control forms.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// The text of the `<input>` or `<select>` an event came from.
pub fn event_value(event: &Event) -> String {
    if let Some(input) = event.target_dyn_into::<HtmlInputElement>() {
        if input.type_() == "checkbox" {
            return input.checked().to_string();
        }
        return input.value();
    }
    event
        .target_dyn_into::<HtmlSelectElement>()
        .map(|select| select.value())
        .unwrap_or_default()
}

/// A callback for a field's `onchange` that updates one part of a form's draft.
pub fn update<T: Clone + 'static>(
    draft: &UseStateHandle<T>,
    set: impl Fn(&mut T, String) + 'static,
) -> Callback<Event> {
    let draft = draft.clone();
    Callback::from(move |event: Event| {
        let mut next = (*draft).clone();
        set(&mut next, event_value(&event));
        draft.set(next);
    })
}

/// Parses a number a visitor typed; anything else keeps the previous value.
pub fn parse_or<T: std::str::FromStr>(text: &str, previous: T) -> T {
    text.trim().parse().unwrap_or(previous)
}
