//! Add producers (with their configs and a steady workload), stop or close them, and produce
//! a single record by hand.

use crate::ui::shell::shared::Shared;
use yew::prelude::*;

use crate::engine::config::ConfigDoc;
use crate::engine::{
    Acks, Command, KeyPattern, KeylessPartitioner, ProducerConfig, ProducerId, Workload,
};

use crate::ui::sandbox::inventory::{ProducerItem, TopicItem};
use crate::ui::sandbox::state::SandboxAction;
use crate::ui::widgets::config_field::{kafka_config, ConfigField, PlainField};
use crate::ui::widgets::form_input::{parse_or, update};

const ACKS: &ConfigDoc = kafka_config("acks");
const IDEMPOTENCE: &ConfigDoc = kafka_config("enable.idempotence");
const BATCH_SIZE: &ConfigDoc = kafka_config("batch.size");
const LINGER: &ConfigDoc = kafka_config("linger.ms");
const PARTITIONER: &ConfigDoc = kafka_config("partitioner.class");
const IN_FLIGHT: &ConfigDoc = kafka_config("max.in.flight.requests.per.connection");

/// The settings the form shows, each drawn from the table of configs (checked by `tests.rs`).
#[cfg(test)]
pub(crate) const SETTINGS: [&ConfigDoc; 6] = [
    ACKS,
    IDEMPOTENCE,
    BATCH_SIZE,
    LINGER,
    PARTITIONER,
    IN_FLIGHT,
];

#[derive(Properties, PartialEq)]
pub struct ProducerFormProps {
    pub producers: Shared<Vec<ProducerItem>>,
    pub topics: Shared<Vec<TopicItem>>,
    pub next_id: ProducerId,
    pub on_action: Callback<SandboxAction>,
}

#[derive(Clone, PartialEq)]
struct Draft {
    topic: String,
    config: ProducerConfig,
    rate: u32,
    /// "none", "cycle" or "fixed".
    key_kind: String,
    key_count: u32,
    fixed_key: String,
}

#[derive(Clone, PartialEq, Default)]
struct HandRecord {
    producer: String,
    topic: String,
    key: String,
    value: String,
    /// A null value: on a compacted topic it deletes the key.
    tombstone: bool,
}

fn acks_name(acks: Acks) -> &'static str {
    match acks {
        Acks::None => "0",
        Acks::Leader => "1",
        Acks::All => "all",
    }
}

#[component(ProducerForm)]
pub fn producer_form(props: &ProducerFormProps) -> Html {
    let first_topic = props
        .topics
        .first()
        .map(|t| t.name.clone())
        .unwrap_or_default();
    let draft = use_state(|| Draft {
        topic: first_topic.clone(),
        config: ProducerConfig::default(),
        rate: 5,
        key_kind: "cycle".to_owned(),
        key_count: 6,
        fixed_key: "user-42".to_owned(),
    });
    let hand = use_state(HandRecord::default);
    let add = add_producer(&draft, props, &first_topic);
    let produce = produce_by_hand(&hand, props, &first_topic);
    html! {
        <section class="form-section" aria-labelledby="producers-heading">
            <h3 id="producers-heading">{"Producers"}</h3>
            <ul class="item-list">
                { for props.producers.iter().map(|p| producer_item(p, &props.on_action)) }
            </ul>
            <details class="add-form" open=true>
            <summary>{"Produce one record by hand"}</summary>
            <form onsubmit={produce} class="hand-record" data-testid="produce-form">
                { hand_record_fields(&hand, props) }
                <button type="submit" class="primary" data-testid="produce">{"Produce"}</button>
            </form>
            </details>
            <details class="add-form">
            <summary data-testid="open-producer-form">{format!("Add producer {}…", props.next_id.0)}</summary>
            <form onsubmit={add} data-testid="producer-form">
                { workload_fields(&draft, props) }
                { batching_fields(&draft) }
                <button type="submit" class="primary" data-testid="add-producer">{"Add producer"}</button>
            </form>
            </details>
        </section>
    }
}

/// The add form's submit: add the producer, then start its workload unless its rate is 0.
fn add_producer(
    draft: &UseStateHandle<Draft>,
    props: &ProducerFormProps,
    first_topic: &str,
) -> Callback<SubmitEvent> {
    let (draft, on_action, next_id, first_topic) = (
        draft.clone(),
        props.on_action.clone(),
        props.next_id,
        first_topic.to_owned(),
    );
    Callback::from(move |event: SubmitEvent| {
        event.prevent_default();
        let topic = if draft.topic.is_empty() {
            first_topic.clone()
        } else {
            draft.topic.clone()
        };
        on_action.emit(SandboxAction::Act(Command::AddProducer {
            producer: next_id,
            config: draft.config.clone(),
        }));
        if draft.rate > 0 {
            let keys = match draft.key_kind.as_str() {
                "cycle" => KeyPattern::Cycle {
                    count: draft.key_count.max(1),
                },
                "fixed" => KeyPattern::Fixed {
                    key: draft.fixed_key.clone(),
                },
                _ => KeyPattern::None,
            };
            on_action.emit(SandboxAction::Act(Command::StartWorkload {
                producer: next_id,
                workload: Workload {
                    topic,
                    records_per_second: draft.rate,
                    keys,
                    count: None,
                },
            }));
        }
    })
}

/// The hand form's submit: one record from the chosen (or first open) producer.
fn produce_by_hand(
    hand: &UseStateHandle<HandRecord>,
    props: &ProducerFormProps,
    first_topic: &str,
) -> Callback<SubmitEvent> {
    let (hand, on_action, producers, first_topic) = (
        hand.clone(),
        props.on_action.clone(),
        props.producers.clone(),
        first_topic.to_owned(),
    );
    Callback::from(move |event: SubmitEvent| {
        event.prevent_default();
        let producer = hand
            .producer
            .parse()
            .ok()
            .map(ProducerId)
            .or_else(|| producers.iter().find(|p| !p.closed).map(|p| p.id))
            .unwrap_or(ProducerId(0));
        let topic = if hand.topic.is_empty() {
            first_topic.clone()
        } else {
            hand.topic.clone()
        };
        let key = (!hand.key.trim().is_empty()).then(|| hand.key.trim().to_owned());
        let value = if hand.tombstone {
            None
        } else if hand.value.trim().is_empty() {
            Some("hello".to_owned())
        } else {
            Some(hand.value.trim().to_owned())
        };
        on_action.emit(SandboxAction::Act(Command::Produce {
            producer,
            topic,
            key,
            value,
            partition: None,
            timestamp: None,
            headers: Vec::new(),
        }));
    })
}

/// A producer, with buttons that stop its workload and close it.
fn producer_item(p: &ProducerItem, on_action: &Callback<SandboxAction>) -> Html {
    let id = p.id;
    let stop = on_action
        .reform(move |_: MouseEvent| SandboxAction::Act(Command::StopWorkload { producer: id }));
    let close = on_action
        .reform(move |_: MouseEvent| SandboxAction::Act(Command::CloseProducer { producer: id }));
    html! {
        <li>
            <span><strong>{format!("producer {}", p.id.0)}</strong>
                {format!(" · acks={}{} · {} · {} sent",
                    acks_name(p.acks),
                    if p.idempotent { " · idempotent" } else { "" },
                    p.workload.clone().unwrap_or_else(|| if p.closed { "closed".into() } else { "idle".into() }),
                    p.records_sent)}</span>
            if p.workload.is_some() {
                <button class="small" onclick={stop} aria-label={format!("Stop producer {}'s workload", p.id.0)}>{"Stop"}</button>
            }
            if !p.closed {
                <button class="small danger" onclick={close} aria-label={format!("Close producer {}", p.id.0)}>{"Remove"}</button>
            }
        </li>
    }
}

/// The topics as a select's options, with one selected.
fn topic_options(topics: &[TopicItem], selected: &str) -> Html {
    topics
        .iter()
        .map(|t| {
            html! {
                <option value={t.name.clone()} selected={t.name == selected}>{&t.name}</option>
            }
        })
        .collect()
}

/// The record produced by hand: producer, topic, key, value, tombstone.
fn hand_record_fields(hand: &UseStateHandle<HandRecord>, props: &ProducerFormProps) -> Html {
    html! {
        <div class="inline-fields">
            <label>{"producer"}
                <select onchange={update(hand, |h, v| h.producer = v)} data-testid="hand-producer">
                    { for props.producers.iter().filter(|p| !p.closed).map(|p| html! {
                        <option value={p.id.0.to_string()}>{format!("producer {}", p.id.0)}</option>
                    }) }
                </select>
            </label>
            <label>{"topic"}
                <select onchange={update(hand, |h, v| h.topic = v)}>{ topic_options(&props.topics, &hand.topic) }</select>
            </label>
            <label>{"key"}
                <input type="text" maxlength="64" placeholder="none" data-testid="key"
                       onchange={update(hand, |h, v| h.key = v)} />
            </label>
            <label>{"value"}
                <input type="text" maxlength="64" placeholder="hello" data-testid="value"
                       disabled={hand.tombstone} onchange={update(hand, |h, v| h.value = v)} />
            </label>
            <label title="A record with a key and a null value: compaction deletes the key after delete.retention.ms">
                {"tombstone"}
                <input type="checkbox" checked={hand.tombstone} data-testid="tombstone"
                       onchange={update(hand, |h, v| h.tombstone = v == "true")} />
            </label>
        </div>
    }
}

/// Where the producer sends, how it acknowledges, and its workload's rate and keys.
fn workload_fields(draft: &UseStateHandle<Draft>, props: &ProducerFormProps) -> Html {
    let config = &draft.config;
    html! {
        <>
            <PlainField id="producer-topic" name="topic" default="(none)" explanation="Where its workload sends.">
                <select id="producer-topic" onchange={update(draft, |d, v| d.topic = v)}>{ topic_options(&props.topics, &draft.topic) }</select>
            </PlainField>
            <ConfigField id="producer-acks" doc={ACKS}>
                <select id="producer-acks" data-testid="producer-acks" onchange={update(draft, |d, v| d.config.acks = match v.as_str() {
                    "0" => Acks::None, "1" => Acks::Leader, _ => Acks::All })}>
                    { for [Acks::None, Acks::Leader, Acks::All].into_iter().map(|a| html! {
                        <option value={acks_name(a)} selected={config.acks == a}>{acks_name(a)}</option>
                    }) }
                </select>
            </ConfigField>
            <ConfigField id="producer-idempotence" doc={IDEMPOTENCE}>
                <input id="producer-idempotence" type="checkbox" checked={config.enable_idempotence}
                       onchange={update(draft, |d, v| d.config.enable_idempotence = v == "true")} />
            </ConfigField>
            <PlainField id="producer-rate" name="rate (records/s)" default=""
                        explanation="How fast the application calls send(); 0 adds an idle producer.">
                <input id="producer-rate" type="number" min="0" max="1000" value={draft.rate.to_string()}
                       onchange={update(draft, |d, v| d.rate = parse_or(&v, d.rate))} />
            </PlainField>
            <PlainField id="producer-keys" name="keys" default=""
                        explanation="Records with the same key always go to the same partition.">
                <select id="producer-keys" onchange={update(draft, |d, v| d.key_kind = v)}>
                    <option value="none" selected={draft.key_kind == "none"}>{"no key (sticky partitioner)"}</option>
                    <option value="cycle" selected={draft.key_kind == "cycle"}>{format!("cycle over {} keys", draft.key_count)}</option>
                    <option value="fixed" selected={draft.key_kind == "fixed"}>{format!("always key {}", draft.fixed_key)}</option>
                </select>
            </PlainField>
        </>
    }
}

/// How records are batched and sent: batch size, linger, partitioner, requests in flight.
fn batching_fields(draft: &UseStateHandle<Draft>) -> Html {
    let config = &draft.config;
    html! {
        <>
            <ConfigField id="producer-batch" doc={BATCH_SIZE}>
                <input id="producer-batch" type="number" min="1" value={config.batch_size.to_string()}
                       onchange={update(draft, |d, v| d.config.batch_size = parse_or(&v, d.config.batch_size))} />
            </ConfigField>
            <ConfigField id="producer-linger" doc={LINGER}>
                <input id="producer-linger" type="number" min="0" value={config.linger_ms.to_string()}
                       onchange={update(draft, |d, v| d.config.linger_ms = parse_or(&v, d.config.linger_ms))} />
            </ConfigField>
            <ConfigField id="producer-partitioner" doc={PARTITIONER}>
                <select id="producer-partitioner" onchange={update(draft, |d, v| d.config.partitioner =
                        if v == "round-robin" { KeylessPartitioner::RoundRobin } else { KeylessPartitioner::UniformSticky })}>
                    <option value="sticky" selected={config.partitioner == KeylessPartitioner::UniformSticky}>{"uniform sticky"}</option>
                    <option value="round-robin" selected={config.partitioner == KeylessPartitioner::RoundRobin}>{"RoundRobinPartitioner"}</option>
                </select>
            </ConfigField>
            <ConfigField id="producer-in-flight" doc={IN_FLIGHT}>
                <input id="producer-in-flight" type="number" min="1" max="5" value={config.max_in_flight_requests_per_connection.to_string()}
                       onchange={update(draft, |d, v| d.config.max_in_flight_requests_per_connection = parse_or(&v, d.config.max_in_flight_requests_per_connection))} />
            </ConfigField>
        </>
    }
}
