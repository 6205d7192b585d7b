//! Create and delete topics.

use yew::prelude::*;

use crate::engine::{CleanupPolicy, Command, TopicConfig};

use crate::ui::sandbox::inventory::TopicItem;
use crate::ui::sandbox::state::SandboxAction;
use crate::ui::widgets::config_field::ConfigField;
use crate::ui::widgets::form_input::{parse_or, update};

#[derive(Properties, PartialEq)]
pub struct TopicFormProps {
    pub topics: Vec<TopicItem>,
    pub brokers: u32,
    pub on_action: Callback<SandboxAction>,
}

#[derive(Clone, PartialEq)]
struct Draft {
    name: String,
    config: TopicConfig,
}

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
    let config = &draft.config;
    html! {
        <section class="form-section" aria-labelledby="topics-heading">
            <h3 id="topics-heading">{"Topics"}</h3>
            <ul class="item-list">
                { for props.topics.iter().map(|topic| {
                    let name = topic.name.clone();
                    let delete = props.on_action.reform(move |_: MouseEvent| {
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
                }) }
            </ul>
            <details class="add-form">
            <summary data-testid="open-topic-form">{"Create a topic…"}</summary>
            <form onsubmit={create} data-testid="topic-form">
                <ConfigField id="topic-name" name="topic name" default="(none)"
                             explanation="Letters, digits, dot, dash and underscore.">
                    <input id="topic-name" type="text" maxlength="60" value={draft.name.clone()}
                           onchange={update(&draft, |d, v| d.name = v)} />
                </ConfigField>
                <ConfigField id="topic-partitions" name="partitions" default="1 (num.partitions)"
                             explanation="Units of parallelism: one consumer per partition per group.">
                    <input id="topic-partitions" type="number" min="1" max="64" value={config.partitions.to_string()}
                           onchange={update(&draft, |d, v| d.config.partitions = parse_or(&v, d.config.partitions))} />
                </ConfigField>
                <ConfigField id="topic-rf" name="replication.factor" default="1 (default.replication.factor)"
                             explanation="Copies of each partition, on different brokers.">
                    <input id="topic-rf" type="number" min="1" max={props.brokers.to_string()} value={config.replication_factor.to_string()}
                           onchange={update(&draft, |d, v| d.config.replication_factor = parse_or(&v, d.config.replication_factor))} />
                </ConfigField>
                <ConfigField id="topic-min-isr" name="min.insync.replicas" default="1"
                             explanation="With acks=all, a write needs this many in-sync copies or fails with NOT_ENOUGH_REPLICAS.">
                    <input id="topic-min-isr" type="number" min="1" max="5" value={config.min_insync_replicas.to_string()}
                           onchange={update(&draft, |d, v| d.config.min_insync_replicas = parse_or(&v, d.config.min_insync_replicas))} />
                </ConfigField>
                <ConfigField id="topic-cleanup" name="cleanup.policy" default="delete"
                             explanation="delete drops old segments; compact keeps the latest value per key.">
                    <select id="topic-cleanup" onchange={update(&draft, |d, v| d.config.cleanup_policy =
                            if v == "compact" { CleanupPolicy::Compact } else { CleanupPolicy::Delete })}>
                        <option value="delete" selected={config.cleanup_policy == CleanupPolicy::Delete}>{"delete"}</option>
                        <option value="compact" selected={config.cleanup_policy == CleanupPolicy::Compact}>{"compact"}</option>
                    </select>
                </ConfigField>
                <ConfigField id="topic-retention-ms" name="retention.ms" default="604800000 (7 days)"
                             explanation="Segments older than this are deleted (-1: keep forever).">
                    <input id="topic-retention-ms" type="number" min="-1" value={config.retention_ms.to_string()}
                           onchange={update(&draft, |d, v| d.config.retention_ms = parse_or(&v, d.config.retention_ms))} />
                </ConfigField>
                <ConfigField id="topic-retention-bytes" name="retention.bytes" default="-1 (unlimited)"
                             explanation="Per partition: the oldest segments go once the log is bigger.">
                    <input id="topic-retention-bytes" type="number" min="-1" value={config.retention_bytes.to_string()}
                           onchange={update(&draft, |d, v| d.config.retention_bytes = parse_or(&v, d.config.retention_bytes))} />
                </ConfigField>
                <ConfigField id="topic-segment-bytes" name="segment.bytes" default="1073741824 (1 GiB)"
                             explanation="Small segments make rolling, retention and compaction visible.">
                    <input id="topic-segment-bytes" type="number" min="14" value={config.segment_bytes.to_string()}
                           onchange={update(&draft, |d, v| d.config.segment_bytes = parse_or(&v, d.config.segment_bytes))} />
                </ConfigField>
                <ConfigField id="topic-delete-retention" name="delete.retention.ms" default="86400000 (1 day)"
                             explanation="On a compacted topic, how long a tombstone survives before the cleaner drops it.">
                    <input id="topic-delete-retention" type="number" min="0" value={config.delete_retention_ms.to_string()}
                           onchange={update(&draft, |d, v| d.config.delete_retention_ms = parse_or(&v, d.config.delete_retention_ms))} />
                </ConfigField>
                <ConfigField id="topic-unclean" name="unclean.leader.election.enable" default="false"
                             explanation="Let an out-of-sync replica lead when no in-sync one is left: available, but acknowledged writes can be lost.">
                    <input id="topic-unclean" type="checkbox" checked={config.unclean_leader_election_enable}
                           onchange={update(&draft, |d, v| d.config.unclean_leader_election_enable = v == "true")} />
                </ConfigField>
                <button type="submit" class="primary" data-testid="create-topic">{"Create topic"}</button>
            </form>
            </details>
        </section>
    }
}
