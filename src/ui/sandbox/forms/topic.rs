//! Create and delete topics.

use crate::ui::shell::shared::Shared;
use yew::prelude::*;

use crate::engine::config::{ConfigDoc, ConfigFamily};
use crate::engine::{CleanupPolicy, Command, TopicConfig};

use crate::ui::sandbox::inventory::TopicItem;
use crate::ui::sandbox::state::SandboxAction;
use crate::ui::widgets::config_field::{kafka_config, own_setting, ConfigField, PlainField};
use crate::ui::widgets::form_input::{parse_or, update};

#[derive(Properties, PartialEq)]
pub struct TopicFormProps {
    pub topics: Shared<Vec<TopicItem>>,
    pub brokers: u32,
    pub on_action: Callback<SandboxAction>,
}

#[derive(Clone, PartialEq)]
struct Draft {
    name: String,
    config: TopicConfig,
}

const PARTITIONS: &ConfigDoc = own_setting(ConfigFamily::Topic, "partitions");
const REPLICATION_FACTOR: &ConfigDoc = own_setting(ConfigFamily::Topic, "replication_factor");
const MIN_INSYNC_REPLICAS: &ConfigDoc = kafka_config("min.insync.replicas");
const CLEANUP_POLICY: &ConfigDoc = kafka_config("cleanup.policy");
const RETENTION_MS: &ConfigDoc = kafka_config("retention.ms");
const RETENTION_BYTES: &ConfigDoc = kafka_config("retention.bytes");
const SEGMENT_BYTES: &ConfigDoc = kafka_config("segment.bytes");
const DELETE_RETENTION_MS: &ConfigDoc = kafka_config("delete.retention.ms");
const UNCLEAN_LEADER_ELECTION: &ConfigDoc = kafka_config("unclean.leader.election.enable");

/// The settings the form shows, each drawn from the table of configs (checked by `tests.rs`).
#[cfg(test)]
pub(crate) const SETTINGS: [&ConfigDoc; 9] = [
    PARTITIONS,
    REPLICATION_FACTOR,
    MIN_INSYNC_REPLICAS,
    CLEANUP_POLICY,
    RETENTION_MS,
    RETENTION_BYTES,
    SEGMENT_BYTES,
    DELETE_RETENTION_MS,
    UNCLEAN_LEADER_ELECTION,
];

#[component(TopicForm)]
pub fn topic_form(props: &TopicFormProps) -> Html {
    let draft = use_state(|| Draft {
        name: "payments".to_owned(),
        config: TopicConfig {
            partitions: 3,
            replication_factor: 3.min(props.brokers.max(1)),
            min_insync_replicas: 2.min(props.brokers.max(1)),
            ..TopicConfig::default()
        },
    });
    let create = {
        let (draft, on_action) = (draft.clone(), props.on_action.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            on_action.emit(SandboxAction::Act(Command::CreateTopic {
                name: draft.name.trim().to_owned(),
                config: draft.config.clone(),
            }));
        })
    };
    html! {
        <section class="form-section" aria-labelledby="topics-heading">
            <h3 id="topics-heading">{"Topics"}</h3>
            <ul class="item-list">
                { for props.topics.iter().map(|topic| topic_item(topic, &props.on_action)) }
            </ul>
            <details class="add-form">
            <summary data-testid="open-topic-form">{"Create a topic…"}</summary>
            <form onsubmit={create} data-testid="topic-form">
                { shape_fields(&draft, props.brokers) }
                { retention_fields(&draft) }
                <button type="submit" class="primary" data-testid="create-topic">{"Create topic"}</button>
            </form>
            </details>
        </section>
    }
}

/// A topic, with a button that deletes it.
fn topic_item(topic: &TopicItem, on_action: &Callback<SandboxAction>) -> Html {
    let name = topic.name.clone();
    let delete = on_action.reform(move |_: MouseEvent| {
        SandboxAction::Act(Command::DeleteTopic { name: name.clone() })
    });
    html! {
        <li>
            <span><strong>{&topic.name}</strong>{format!(
                " · {} partitions · RF {} · min ISR {}{}",
                topic.partitions, topic.replication_factor, topic.min_insync_replicas,
                if topic.cleanup_policy == CleanupPolicy::Compact { " · compacted" } else { "" }
            )}</span>
            <button class="small danger" onclick={delete}
                    aria-label={format!("Delete topic {}", topic.name)}>{"Delete"}</button>
        </li>
    }
}

/// The topic's name, partitions and replicas.
fn shape_fields(draft: &UseStateHandle<Draft>, brokers: u32) -> Html {
    let config = &draft.config;
    html! {
        <>
            <PlainField id="topic-name" name="topic name" default="(none)"
                        explanation="Letters, digits, dot, dash and underscore.">
                <input id="topic-name" type="text" maxlength="60" value={draft.name.clone()}
                       onchange={update(draft, |d, v| d.name = v)} />
            </PlainField>
            <ConfigField id="topic-partitions" doc={PARTITIONS}>
                <input id="topic-partitions" type="number" min="1" max="64" value={config.partitions.to_string()}
                       onchange={update(draft, |d, v| d.config.partitions = parse_or(&v, d.config.partitions))} />
            </ConfigField>
            <ConfigField id="topic-rf" doc={REPLICATION_FACTOR}>
                <input id="topic-rf" type="number" min="1" max={brokers.to_string()} value={config.replication_factor.to_string()}
                       onchange={update(draft, |d, v| d.config.replication_factor = parse_or(&v, d.config.replication_factor))} />
            </ConfigField>
            <ConfigField id="topic-min-isr" doc={MIN_INSYNC_REPLICAS}>
                <input id="topic-min-isr" type="number" min="1" max="5" value={config.min_insync_replicas.to_string()}
                       onchange={update(draft, |d, v| d.config.min_insync_replicas = parse_or(&v, d.config.min_insync_replicas))} />
            </ConfigField>
        </>
    }
}

/// What the topic keeps and for how long: cleanup, retention, segments, and who may lead.
fn retention_fields(draft: &UseStateHandle<Draft>) -> Html {
    let config = &draft.config;
    html! {
        <>
            <ConfigField id="topic-cleanup" doc={CLEANUP_POLICY}>
                <select id="topic-cleanup" onchange={update(draft, |d, v| d.config.cleanup_policy =
                        if v == "compact" { CleanupPolicy::Compact } else { CleanupPolicy::Delete })}>
                    <option value="delete" selected={config.cleanup_policy == CleanupPolicy::Delete}>{"delete"}</option>
                    <option value="compact" selected={config.cleanup_policy == CleanupPolicy::Compact}>{"compact"}</option>
                </select>
            </ConfigField>
            <ConfigField id="topic-retention-ms" doc={RETENTION_MS}>
                <input id="topic-retention-ms" type="number" min="-1" value={config.retention_ms.to_string()}
                       onchange={update(draft, |d, v| d.config.retention_ms = parse_or(&v, d.config.retention_ms))} />
            </ConfigField>
            <ConfigField id="topic-retention-bytes" doc={RETENTION_BYTES}>
                <input id="topic-retention-bytes" type="number" min="-1" value={config.retention_bytes.to_string()}
                       onchange={update(draft, |d, v| d.config.retention_bytes = parse_or(&v, d.config.retention_bytes))} />
            </ConfigField>
            <ConfigField id="topic-segment-bytes" doc={SEGMENT_BYTES}>
                <input id="topic-segment-bytes" type="number" min="14" value={config.segment_bytes.to_string()}
                       onchange={update(draft, |d, v| d.config.segment_bytes = parse_or(&v, d.config.segment_bytes))} />
            </ConfigField>
            <ConfigField id="topic-delete-retention" doc={DELETE_RETENTION_MS}>
                <input id="topic-delete-retention" type="number" min="0" value={config.delete_retention_ms.to_string()}
                       onchange={update(draft, |d, v| d.config.delete_retention_ms = parse_or(&v, d.config.delete_retention_ms))} />
            </ConfigField>
            <ConfigField id="topic-unclean" doc={UNCLEAN_LEADER_ELECTION}>
                <input id="topic-unclean" type="checkbox" checked={config.unclean_leader_election_enable}
                       onchange={update(draft, |d, v| d.config.unclean_leader_election_enable = v == "true")} />
            </ConfigField>
        </>
    }
}
