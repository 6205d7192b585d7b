//! The root component: picks the view the address asks for (`?mode=tour|sandbox|pipelines`).

use yew::prelude::*;

use super::mode_nav::Mode;
use super::pipelines::PipelinesView;
use super::sandbox_view::{query_value, SandboxView};
use super::tour::Tour;

#[component(App)]
pub fn app() -> Html {
    let mode = query_value("mode")
        .and_then(|slug| Mode::from_slug(&slug))
        .unwrap_or(Mode::Tour);
    match mode {
        Mode::Tour => html! { <Tour /> },
        Mode::Sandbox => html! { <SandboxView /> },
        Mode::Pipelines => html! { <PipelinesView /> },
    }
}
