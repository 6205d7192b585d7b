//! A key to the shapes on the stage, so a first-time visitor can read it without docs.

use yew::prelude::*;

use crate::ui::shell::palette::NULL_KEY_COLOUR;

#[component(Legend)]
pub fn legend() -> Html {
    html! {
        <ul class="legend" aria-label="Legend">
            <li><svg viewBox="0 0 20 20" aria-hidden="true"><rect x="2" y="2" width="16" height="16" rx="4" fill={NULL_KEY_COLOUR} /></svg>{"record (colour = key)"}</li>
            <li><svg viewBox="0 0 20 20" aria-hidden="true"><circle class="legend-ack" cx="10" cy="10" r="8" /></svg>{"ack"}</li>
            <li><svg viewBox="0 0 20 20" aria-hidden="true"><path class="legend-fetch" d="M10 1 L19 10 L10 19 L1 10 Z" /></svg>{"fetch"}</li>
            <li><svg viewBox="0 0 20 20" aria-hidden="true"><circle class="legend-empty" cx="10" cy="10" r="7" /></svg>{"empty response"}</li>
            <li><svg viewBox="0 0 20 20" aria-hidden="true"><path class="legend-position" d="M1 3 L19 3 L10 17 Z" /></svg>{"consumer position"}</li>
            <li><span class="legend-number">{"0 1 2"}</span>{"offsets"}</li>
        </ul>
    }
}
