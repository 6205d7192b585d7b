//! The event log: one readable sentence per event, newest at the top, with filters by broker,
//! topic, group and family. Hovering or focusing an entry highlights what it touched in the
//! other panels. While the pointer is over the list (or "Hold" is pressed) the list stops
//! moving, so the entry under the pointer stays put.

use crate::ui::shell::shared::Shared;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::engine::BrokerId;

use crate::ui::sandbox::events::log::{EventFilter, EventLogEntry, EventLogView};
use crate::ui::sandbox::events::text::EventFamily;
use crate::ui::sandbox::observe::Highlight;

#[derive(Properties, PartialEq)]
pub struct EventLogPanelProps {
    /// Built by `EventLog::view` with `filter`.
    pub view: Shared<EventLogView>,
    pub filter: EventFilter,
    pub on_filter: Callback<EventFilter>,
    pub on_hover: Callback<Highlight>,
}

#[component(EventLogPanel)]
pub fn event_log_panel(props: &EventLogPanelProps) -> Html {
    // The view shown while the list is held still; `None` follows the live view.
    let frozen = use_state(|| None::<Shared<EventLogView>>);
    let held_by_button = use_state(|| false);
    let shown: &EventLogView = (*frozen).as_ref().unwrap_or(&props.view);

    // The live view, shared by the callbacks that may hold it still.
    let live = props.view.clone();
    let hold = {
        let (frozen, view) = (frozen.clone(), live.clone());
        Callback::from(move |()| {
            if frozen.is_none() {
                frozen.set(Some(view.clone()));
            }
        })
    };
    let release = {
        let (frozen, held_by_button) = (frozen.clone(), held_by_button.clone());
        Callback::from(move |()| {
            if !*held_by_button {
                frozen.set(None);
            }
        })
    };
    let on_list_enter = hold.reform(|_: MouseEvent| ());
    let on_list_leave = {
        let (release, on_hover) = (release.clone(), props.on_hover.clone());
        Callback::from(move |_: MouseEvent| {
            release.emit(());
            on_hover.emit(Highlight::default());
        })
    };
    let toggle_hold = {
        let (frozen, held_by_button, view) = (frozen.clone(), held_by_button.clone(), live);
        Callback::from(move |_: MouseEvent| {
            let holding = !*held_by_button;
            held_by_button.set(holding);
            frozen.set(holding.then(|| view.clone()));
        })
    };

    html! {
        <section class="event-log" aria-label="Event log" data-testid="event-log">
            <div class="log-head">
                <h2>{"Event log"}</h2>
                <button class={classes!("log-hold", held_by_button.then_some("on"))} onclick={toggle_hold}
                        aria-pressed={held_by_button.to_string()} data-testid="log-hold"
                        title="Stop the list from moving while you read it">
                    { if *held_by_button { "▶ Follow" } else { "❚❚ Hold" } }
                </button>
                <span class="log-count" aria-live="off">
                    {format!("{} shown of {} kept{}", shown.entries.len(), shown.matching,
                        if frozen.is_some() { " · held" } else { "" })}
                </span>
            </div>
            { filters(props) }
            <ol class="log-entries" onmouseenter={on_list_enter} onmouseleave={on_list_leave}
                aria-label="Events, newest first">
                if shown.entries.is_empty() {
                    <li class="log-empty">{"Nothing yet for these filters."}</li>
                }
                { for shown.entries.iter().map(|entry| entry_view(entry, &props.on_hover, hold.clone(), release.clone())) }
            </ol>
        </section>
    }
}

/// One filter's drop-down: `any` first, then `options` as `(value, text)`.
fn filter_select(
    id: &'static str,
    label: &'static str,
    any: &'static str,
    current: Option<String>,
    options: Vec<(String, String)>,
    on_change: Callback<Option<String>>,
) -> Html {
    let onchange = Callback::from(move |event: Event| {
        let select: HtmlSelectElement = event.target_unchecked_into();
        let value = select.value();
        on_change.emit((!value.is_empty()).then_some(value));
    });
    html! {
        <label class="log-filter">
            <span>{label}</span>
            <select onchange={onchange} data-testid={id}>
                <option value="" selected={current.is_none()}>{any}</option>
                { for options.into_iter().map(|(value, text)| {
                    let selected = current.as_deref() == Some(value.as_str());
                    html! { <option {selected} {value}>{text}</option> }
                }) }
            </select>
        </label>
    }
}

/// The filters above the list: broker, topic, group, and the kinds of events.
fn filters(props: &EventLogPanelProps) -> Html {
    let filter = &props.filter;
    let on_broker = {
        let (filter, on_filter) = (filter.clone(), props.on_filter.clone());
        Callback::from(move |value: Option<String>| {
            on_filter.emit(EventFilter {
                broker: value.and_then(|v| v.parse().ok()).map(BrokerId),
                ..filter.clone()
            })
        })
    };
    let on_topic = {
        let (filter, on_filter) = (filter.clone(), props.on_filter.clone());
        Callback::from(move |topic: Option<String>| {
            on_filter.emit(EventFilter {
                topic,
                ..filter.clone()
            })
        })
    };
    let on_group = {
        let (filter, on_filter) = (filter.clone(), props.on_filter.clone());
        Callback::from(move |group: Option<String>| {
            on_filter.emit(EventFilter {
                group,
                ..filter.clone()
            })
        })
    };

    html! {
    <div class="log-filters">
        { filter_select("log-broker", "broker", "any broker",
            filter.broker.map(|b| b.0.to_string()),
            props.view.brokers.iter().map(|b| (b.0.to_string(), format!("broker {}", b.0))).collect(),
            on_broker) }
        { filter_select("log-topic", "topic", "any topic", filter.topic.clone(),
            props.view.topics.iter().map(|t| (t.clone(), t.clone())).collect(), on_topic) }
        { filter_select("log-group", "group", "any group", filter.group.clone(),
            props.view.groups.iter().map(|g| (g.clone(), g.clone())).collect(), on_group) }
        <fieldset class="log-families">
            <legend>{"kinds"}</legend>
            { for EventFamily::ALL.iter().map(|family| {
                let family = *family;
                let (filter, on_filter) = (filter.clone(), props.on_filter.clone());
                let onchange = Callback::from(move |_: Event| on_filter.emit(filter.toggled(family)));
                html! {
                    <label class={classes!("family-toggle", family.css())}>
                        <input type="checkbox" checked={props.filter.families.contains(&family)}
                               onchange={onchange} data-testid={format!("family-{}", family.css())} />
                        {family.label()}
                    </label>
                }
            }) }
        </fieldset>
    </div>
    }
}

fn entry_view(
    entry: &EventLogEntry,
    on_hover: &Callback<Highlight>,
    hold: Callback<()>,
    release: Callback<()>,
) -> Html {
    let touched = entry.touched.clone();
    let enter = {
        let (on_hover, touched) = (on_hover.clone(), touched.clone());
        Callback::from(move |_: MouseEvent| on_hover.emit(touched.clone()))
    };
    let focus = {
        let on_hover = on_hover.clone();
        Callback::from(move |_: FocusEvent| {
            // Keyboard users read the list too: hold it still while an entry has focus.
            hold.emit(());
            on_hover.emit(touched.clone());
        })
    };
    let blur = {
        let on_hover = on_hover.clone();
        Callback::from(move |_: FocusEvent| {
            release.emit(());
            on_hover.emit(Highlight::default());
        })
    };
    html! {
        <li key={entry.key} class={classes!("log-entry", entry.family.css(), entry.alarming.then_some("alarming"))}
            tabindex="0" onmouseenter={enter} onfocus={focus} onblur={blur}>
            <span class="log-time">{entry.time_label.clone()}</span>
            <span class="log-family">{entry.family.label()}</span>
            <span class="log-sentence">
                if entry.alarming { <span aria-hidden="true">{"⚠ "}</span> }
                {entry.sentence.clone()}
            </span>
        </li>
    }
}
