//! The root component of the main page, the guided tour. The sandbox and the pipelines are
//! pages of their own (`sandbox.html`, `pipelines.html`, a wasm bundle each); a link with
//! `?mode=sandbox` or `?mode=pipelines` is sent there, with the rest of its query.

use yew::prelude::*;

use crate::ui::shell::mode_nav::Mode;
use crate::ui::shell::page::query_value;
use crate::ui::tour::page::Tour;

#[component(App)]
pub fn app() -> Html {
    let mode = query_value("mode")
        .and_then(|slug| Mode::from_slug(&slug))
        .unwrap_or(Mode::Tour);
    match mode {
        Mode::Tour => html! { <Tour /> },
        Mode::Sandbox | Mode::Pipelines => {
            let location = gloo::utils::window().location();
            let search = location.search().unwrap_or_default();
            let _ = location.replace(&format!("{}{search}", mode.href()));
            html! { <p class="notice">{"Opening…"}</p> }
        }
    }
}

/// The root component of the pipelines page.
#[component(PipelinesPage)]
pub fn pipelines_page() -> Html {
    html! { <crate::ui::pipelines::PipelinesView /> }
}
