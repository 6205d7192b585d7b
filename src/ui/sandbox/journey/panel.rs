//! A record's journey: every step from `send()` to each group's commit, with its time, and
//! "not yet" for the steps still expected. A small form picks a record by number, so the
//! panel works from the keyboard as well as by clicking a record in the cluster view.

use crate::ui::shell::shared::Shared;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::engine::RecordId;

use crate::ui::sandbox::journey::view::{JourneyView, Tone};

#[derive(Properties, PartialEq)]
pub struct JourneyPanelProps {
    /// The selected record's journey (`JourneyView::build`), `None` if none is selected or it
    /// was forgotten.
    pub view: Shared<Option<JourneyView>>,
    /// The selected record, to say "forgotten" when the view is `None`.
    #[prop_or_default]
    pub selected: Option<RecordId>,
    /// Asks for another record.
    pub on_select: Callback<RecordId>,
}

fn tone_class(tone: Tone) -> &'static str {
    match tone {
        Tone::Done => "done",
        Tone::Pending => "pending",
        Tone::Warning => "warning",
        Tone::Loss => "loss",
    }
}

#[component(JourneyPanel)]
pub fn journey_panel(props: &JourneyPanelProps) -> Html {
    let input = use_node_ref();
    let pick = {
        let (input, on_select) = (input.clone(), props.on_select.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let number = input
                .cast::<HtmlInputElement>()
                .and_then(|i| i.value().trim().parse::<u64>().ok());
            if let Some(number) = number {
                on_select.emit(RecordId(number));
            }
        })
    };
    html! {
        <section class="journey-panel" aria-label="Record journey" data-testid="journey-panel">
            <div class="journey-head">
                <h2>{"Record journey"}</h2>
                <form class="journey-pick" onsubmit={pick}>
                    <label>
                        <span>{"record #"}</span>
                        <input ref={input} type="number" min="0" inputmode="numeric" data-testid="journey-record" />
                    </label>
                    <button type="submit">{"Show"}</button>
                </form>
            </div>
            {
                match (&*props.view, props.selected) {
                    (Some(view), _) => html! {
                        <>
                            <h3 class="journey-title">{view.title.clone()}</h3>
                            <ol class="journey-steps">
                                { for view.lines.iter().map(|line| html! {
                                    <li class={classes!("journey-step", tone_class(line.tone))}>
                                        <span class="step-time">
                                            { line.time_label.clone().unwrap_or_else(|| "not yet".to_owned()) }
                                        </span>
                                        <span class="step-mark" aria-hidden="true">
                                            { match line.tone { Tone::Done => "●", Tone::Pending => "○", Tone::Warning => "▲", Tone::Loss => "✕" } }
                                        </span>
                                        <span class="step-text">{line.text.clone()}</span>
                                    </li>
                                }) }
                            </ol>
                            <p class={classes!("journey-now", view.lost.then_some("lost"))} data-testid="journey-now">
                                <strong>{"Now: "}</strong>{view.now.clone()}
                            </p>
                        </>
                    },
                    (None, Some(record)) => html! {
                        <p class="journey-none">{format!("Record {} is not in the journey book: never sent, or too old (only the most recent records are kept).", record.0)}</p>
                    },
                    (None, None) => html! {
                        <p class="journey-none">{"Click a record in the cluster view, or type its number, to follow it."}</p>
                    },
                }
            }
        </section>
    }
}
