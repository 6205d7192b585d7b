//! Which pipelines are compared, and the one clock they share: play or pause, speed, restart
//! and the simulated time.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::state::{BoardAction, SPEEDS};

#[derive(Properties, PartialEq)]
pub struct PipelineToolbarProps {
    /// Every pipeline: id and name.
    pub pipelines: Vec<(String, String)>,
    pub selected: Vec<String>,
    pub playing: bool,
    pub speed: u32,
    pub now_ms: u64,
    pub on_action: Callback<BoardAction>,
}

#[component(PipelineToolbar)]
pub fn pipeline_toolbar(props: &PipelineToolbarProps) -> Html {
    let on_action = props.on_action.clone();
    let toggle = on_action.reform(|_: MouseEvent| BoardAction::TogglePlay);
    let restart = on_action.reform(|_: MouseEvent| BoardAction::Restart);
    let speed = on_action.reform(|event: Event| {
        let select: HtmlSelectElement = event.target_unchecked_into();
        BoardAction::SetSpeed(select.value().parse().unwrap_or(1))
    });
    let only_one = props.selected.len() == 1;
    html! {
        <div class="pipe-toolbar" data-testid="pipe-toolbar">
            <fieldset class="pipe-picker">
                <legend>{"Compare"}</legend>
                { for props.pipelines.iter().map(|(id, name)| {
                    let checked = props.selected.contains(id);
                    let onchange = {
                        let id = id.clone();
                        on_action.reform(move |_: Event| BoardAction::TogglePipeline(id.clone()))
                    };
                    html! {
                        <label class={classes!("pick", checked.then_some("checked"))}>
                            <input type="checkbox" checked={checked} disabled={checked && only_one}
                                   {onchange} data-testid={format!("pick-{id}")} />
                            { name.clone() }
                        </label>
                    }
                }) }
            </fieldset>
            <div class="pipe-clock" role="toolbar" aria-label="Clock">
                <button class="primary" onclick={toggle} aria-pressed={(!props.playing).to_string()}
                        data-testid="pipe-play" title="Play or pause (Space)">
                    { if props.playing { "❚❚ Pause" } else { "▶ Play" } }
                </button>
                <label class="speed">
                    <span>{"Speed"}</span>
                    <select onchange={speed} data-testid="pipe-speed" aria-label="Speed">
                        { for SPEEDS.iter().map(|s| html! {
                            <option value={s.to_string()} selected={*s == props.speed}>{ format!("{s}×") }</option>
                        }) }
                    </select>
                </label>
                <button onclick={restart} data-testid="pipe-restart">{"↺ Restart"}</button>
                <span class="clock" data-testid="pipe-clock">{ format!("t = {:.1} s", props.now_ms as f64 / 1000.0) }</span>
            </div>
        </div>
    }
}
