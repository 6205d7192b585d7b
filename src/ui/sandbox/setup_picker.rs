//! Start the sandbox from a preset or from a scenario file pasted in (the format of
//! `docs/scenarios.md`); a file with mistakes is answered with line and column. A pasted file
//! is read by the scenario reader's worker ([`crate::ui::reader`]), which the page downloads
//! the first time a file is loaded.

use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::scenario::Setup;
use crate::ui::sandbox::presets::{Preset, PRESETS};
use crate::ui::sandbox::state::SandboxAction;
use crate::ui::widgets::form_input::event_value;

#[derive(Properties, PartialEq)]
pub struct SetupPickerProps {
    pub current: AttrValue,
    pub on_action: Callback<SandboxAction>,
}

#[component(SetupPicker)]
pub fn setup_picker(props: &SetupPickerProps) -> Html {
    let error = use_state(|| None::<String>);
    let reading = use_state(|| false);
    let text_ref = use_node_ref();
    let pick = props.on_action.reform(|event: Event| {
        let slug = event_value(&event);
        let preset = Preset::by_slug(&slug).unwrap_or(PRESETS[0]);
        SandboxAction::Load(preset.setup())
    });
    let load_text = {
        let (error, reading, text_ref, on_action) = (
            error.clone(),
            reading.clone(),
            text_ref.clone(),
            props.on_action.clone(),
        );
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let text = text_ref
                .cast::<HtmlTextAreaElement>()
                .map(|t| t.value())
                .unwrap_or_default();
            let done = {
                let (error, reading, on_action) =
                    (error.clone(), reading.clone(), on_action.clone());
                Callback::from(move |outcome: Result<Setup, String>| {
                    reading.set(false);
                    match outcome {
                        Ok(setup) => {
                            error.set(None);
                            on_action.emit(SandboxAction::Load(setup));
                        }
                        Err(problems) => error.set(Some(problems)),
                    }
                })
            };
            reading.set(true);
            crate::ui::reader::read_scenario(text, done);
        })
    };
    let hint = PRESETS
        .iter()
        .find(|p| p.title == props.current.as_str() || p.slug == props.current.as_str());
    html! {
        <section class="form-section" aria-labelledby="setup-heading">
            <h3 id="setup-heading">{"Start from"}</h3>
            <label class="setup-select">
                <span class="visually-hidden">{"Preset"}</span>
                <select onchange={pick} data-testid="preset">
                    <option value="" selected=true disabled=true>{format!("Now: {}", props.current)}</option>
                    { for PRESETS.iter().map(|p| html! { <option value={p.slug}>{p.title}</option> }) }
                </select>
            </label>
            if let Some(preset) = hint {
                <p class="config-why">{preset.hint}</p>
            }
            <details>
                <summary>{"Paste a scenario file"}</summary>
                <form onsubmit={load_text} data-testid="scenario-form">
                    <label>
                        <span class="visually-hidden">{"Scenario file (TOML)"}</span>
                        <textarea ref={text_ref} rows="8" spellcheck="false" data-testid="scenario-text"
                                  placeholder="version = 1\nname = \"my scenario\"\n..." />
                    </label>
                    <button type="submit" class="primary" disabled={*reading}>
                        { if *reading { "Reading the file…" } else { "Load scenario" } }
                    </button>
                    if let Some(problems) = &*error {
                        <pre class="scenario-errors" role="alert" data-testid="scenario-errors">{problems}</pre>
                    }
                </form>
            </details>
        </section>
    }
}
