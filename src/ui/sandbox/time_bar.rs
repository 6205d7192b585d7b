//! The clock: play, pause, step one event, speed from 0.1× to 100×, and the timeline, which
//! can be dragged back to any earlier moment of the run.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::ui::sandbox::state::{SandboxAction, SPEEDS};

#[derive(Properties, PartialEq)]
pub struct TimeBarProps {
    pub playing: bool,
    pub speed: f64,
    pub now_ms: u64,
    /// The furthest point the run has reached: the timeline's end.
    pub horizon_ms: u64,
    /// When the visitor last acted in the past, the time the run forked at.
    pub forked_at_ms: Option<u64>,
    pub on_action: Callback<SandboxAction>,
}

fn seconds(ms: u64) -> String {
    format!("{:.1} s", ms as f64 / 1000.0)
}

#[component(TimeBar)]
pub fn time_bar(props: &TimeBarProps) -> Html {
    let on_action = props.on_action.clone();
    let toggle = on_action.reform(|_: MouseEvent| SandboxAction::TogglePlay);
    let step = on_action.reform(|_: MouseEvent| SandboxAction::Step);
    let reset = on_action.reform(|_: MouseEvent| SandboxAction::Reset);
    let speed = on_action.reform(|event: Event| {
        let select: HtmlSelectElement = event.target_unchecked_into();
        SandboxAction::SetSpeed(select.value().parse().unwrap_or(1.0))
    });
    // `input` fires while dragging, so the picture follows the thumb.
    let seek = on_action.reform(|event: InputEvent| {
        let input: HtmlInputElement = event.target_unchecked_into();
        SandboxAction::Seek(input.value().parse().unwrap_or(0))
    });
    let rewound = props.now_ms < props.horizon_ms;
    let status = if rewound {
        format!(
            "Rewound to {} of {}: play to replay the same run, or act to fork it from here.",
            seconds(props.now_ms),
            seconds(props.horizon_ms)
        )
    } else if let Some(at) = props.forked_at_ms {
        format!("Forked at {}.", seconds(at))
    } else {
        String::new()
    };
    html! {
        <div class="time-bar" role="toolbar" aria-label="Time" data-testid="time-bar">
            <button class="primary" onclick={toggle} aria-pressed={(!props.playing).to_string()}
                    data-testid="play" title="Play or pause (Space)">
                { if props.playing { "❚❚ Pause" } else { "▶ Play" } }
            </button>
            <button onclick={step} data-testid="step" title="Process exactly one event (→)">{"Step ▸"}</button>
            <label class="speed">
                <span class="wide-only">{"Speed"}</span>
                <select onchange={speed} data-testid="speed" aria-label="Speed">
                    { for SPEEDS.iter().map(|s| html! {
                        <option value={s.to_string()} selected={(*s - props.speed).abs() < 1e-9}>{format!("{s}×")}</option>
                    }) }
                </select>
            </label>
            <label class="timeline">
                <span class="visually-hidden">{"Timeline: drag back to any earlier moment"}</span>
                <input type="range" min="0" max={props.horizon_ms.to_string()} step="100"
                       value={props.now_ms.to_string()} oninput={seek} data-testid="timeline"
                       aria-valuetext={format!("{} of {}", seconds(props.now_ms), seconds(props.horizon_ms))} />
            </label>
            <span class="clock" data-testid="clock" aria-live="off">
                {format!("t = {}", seconds(props.now_ms))}
            </span>
            <button onclick={reset} data-testid="reset" title="Start this setup again from t = 0 (R)">{"↺ Reset"}</button>
            if !status.is_empty() {
                <p class={classes!("time-status", rewound.then_some("rewound"))} data-testid="time-status">{status}</p>
            }
        </div>
    }
}
