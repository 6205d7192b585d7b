//! Play, pause, step, speed, reset, and producing a record by hand.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::ui::tour::state::{Action, SPEEDS};

#[derive(Properties, PartialEq)]
pub struct ControlsProps {
    pub playing: bool,
    pub speed: f64,
    pub value_placeholder: AttrValue,
    pub on_action: Callback<Action>,
}

#[component(Controls)]
pub fn controls(props: &ControlsProps) -> Html {
    let key_ref = use_node_ref();
    let value_ref = use_node_ref();

    let on_action = props.on_action.clone();
    let toggle = on_action.reform(|_: MouseEvent| Action::TogglePlay);
    let step = on_action.reform(|_: MouseEvent| Action::Step);
    let reset = on_action.reform(|_: MouseEvent| Action::Reset);
    let speed = on_action.reform(|event: Event| {
        let select: HtmlSelectElement = event.target_unchecked_into();
        Action::SetSpeed(select.value().parse().unwrap_or(1.0))
    });
    let produce = {
        let (key_ref, value_ref, on_action) =
            (key_ref.clone(), value_ref.clone(), on_action.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let key_input = key_ref.cast::<HtmlInputElement>();
            let value_input = value_ref.cast::<HtmlInputElement>();
            let key = key_input
                .as_ref()
                .map(HtmlInputElement::value)
                .unwrap_or_default();
            let value = value_input
                .as_ref()
                .map(HtmlInputElement::value)
                .unwrap_or_default();
            if let Some(input) = value_input {
                input.set_value("");
            }
            on_action.emit(Action::Produce { key, value });
        })
    };

    html! {
        <div class="controls" role="toolbar" aria-label="Simulation controls">
            <div class="control-group">
                <button class="primary" onclick={toggle} aria-pressed={(!props.playing).to_string()}
                        data-testid="play" title="Play or pause (Space)">
                    { if props.playing { "❚❚ Pause" } else { "▶ Play" } }
                </button>
                <button onclick={step} data-testid="step" title="Process one event (→)">{"Step ▸"}</button>
                <label class="speed">
                    <span class="wide-only">{"Speed"}</span>
                    <select onchange={speed} data-testid="speed" aria-label="Speed" title="Simulation speed">
                        { for SPEEDS.iter().map(|s| html! {
                            <option value={s.to_string()} selected={(*s - props.speed).abs() < 1e-9}>{format!("{s}×")}</option>
                        }) }
                    </select>
                </label>
                <button onclick={reset} data-testid="reset" title="Start this example again (R)">{"↺ Reset"}</button>
            </div>
            <form class="control-group produce" onsubmit={produce} data-testid="produce-form">
                <label>
                    <span title="The record key; records with the same key go to the same partition">{"key"}</span>
                    <input ref={key_ref} type="text" maxlength="64" placeholder="none" data-testid="key" />
                </label>
                <label>
                    <span>{"value"}</span>
                    <input ref={value_ref} type="text" maxlength="64" placeholder={props.value_placeholder.clone()} data-testid="value" />
                </label>
                <button type="submit" class="primary" data-testid="produce">{"Produce"}</button>
            </form>
        </div>
    }
}
