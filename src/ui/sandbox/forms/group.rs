//! Add consumer group members (with the group's assignor, commit settings and processing
//! time), and act on each consumer: crash, pause, resume, slow down, commit, close.

use crate::ui::shell::shared::Shared;
use yew::prelude::*;

use crate::engine::config::{ConfigDoc, ConfigFamily};
use crate::engine::{AutoOffsetReset, Command, ConsumerConfig, ConsumerId};

use crate::ui::sandbox::inventory::{ConsumerItem, ConsumerStatus, TopicItem};
use crate::ui::sandbox::state::SandboxAction;
use crate::ui::shell::palette::member_style;
use crate::ui::widgets::config_field::{kafka_config, own_setting, ConfigField, PlainField};
use crate::ui::widgets::form_input::{event_value, parse_or, update};

#[derive(Properties, PartialEq)]
pub struct GroupFormProps {
    pub consumers: Shared<Vec<ConsumerItem>>,
    pub topics: Shared<Vec<TopicItem>>,
    pub groups: Shared<Vec<String>>,
    pub next_id: ConsumerId,
    pub on_action: Callback<SandboxAction>,
}

#[derive(Clone, PartialEq)]
struct Draft {
    group: String,
    topic: String,
    /// The first strategy; Kafka's default list is `[range, cooperative-sticky]`.
    assignor: String,
    members: u32,
    config: ConsumerConfig,
}

const ASSIGNMENT_STRATEGY: &ConfigDoc = kafka_config("partition.assignment.strategy");
const AUTO_COMMIT: &ConfigDoc = kafka_config("enable.auto.commit");
const COMMIT_INTERVAL: &ConfigDoc = kafka_config("auto.commit.interval.ms");
const PROCESSING_TIME: &ConfigDoc = own_setting(ConfigFamily::Consumer, "processing_time_ms");
const OFFSET_RESET: &ConfigDoc = kafka_config("auto.offset.reset");
const SESSION_TIMEOUT: &ConfigDoc = kafka_config("session.timeout.ms");

/// The settings the form shows, each drawn from the table of configs (checked by `tests.rs`).
#[cfg(test)]
pub(crate) const SETTINGS: [&ConfigDoc; 6] = [
    ASSIGNMENT_STRATEGY,
    AUTO_COMMIT,
    COMMIT_INTERVAL,
    PROCESSING_TIME,
    OFFSET_RESET,
    SESSION_TIMEOUT,
];

const ASSIGNORS: [(&str, &str); 5] = [
    ("default", "[range, cooperative-sticky] (default)"),
    ("range", "range"),
    ("roundrobin", "roundrobin"),
    ("sticky", "sticky"),
    ("cooperative-sticky", "cooperative-sticky"),
];

fn status_text(status: &ConsumerStatus) -> &'static str {
    match status {
        ConsumerStatus::Running => "running",
        ConsumerStatus::Paused => "paused (not polling)",
        ConsumerStatus::Crashed => "crashed",
        ConsumerStatus::Closed => "closed",
    }
}

#[component(GroupForm)]
pub fn group_form(props: &GroupFormProps) -> Html {
    let draft = use_state(|| Draft {
        group: props
            .groups
            .first()
            .cloned()
            .unwrap_or_else(|| "billing".to_owned()),
        topic: props
            .topics
            .first()
            .map(|t| t.name.clone())
            .unwrap_or_default(),
        assignor: "default".to_owned(),
        members: 1,
        config: ConsumerConfig {
            auto_offset_reset: AutoOffsetReset::Earliest,
            ..ConsumerConfig::default()
        },
    });
    let add = add_members(&draft, props);
    html! {
        <section class="form-section" aria-labelledby="groups-heading">
            <h3 id="groups-heading">{"Consumers"}</h3>
            <ul class="item-list consumers">
                { for props.consumers.iter().map(|c| consumer_item(c, &props.on_action)) }
            </ul>
            if !props.groups.is_empty() {
                <ul class="item-list groups">
                    { for props.groups.iter().map(|group| group_item(group, &props.consumers, &props.on_action)) }
                </ul>
            }
            <details class="add-form">
            <summary data-testid="open-group-form">{"Add group members…"}</summary>
            <form onsubmit={add} data-testid="group-form">
                { membership_fields(&draft, props) }
                { consumer_fields(&draft) }
                <button type="submit" class="primary" data-testid="add-consumer">{"Add"}</button>
            </form>
            </details>
        </section>
    }
}

/// The form's submit: add the members, each with the draft's config.
fn add_members(draft: &UseStateHandle<Draft>, props: &GroupFormProps) -> Callback<SubmitEvent> {
    let (draft, on_action, next_id, topics) = (
        draft.clone(),
        props.on_action.clone(),
        props.next_id,
        props.topics.clone(),
    );
    Callback::from(move |event: SubmitEvent| {
        event.prevent_default();
        let topic = if draft.topic.is_empty() {
            topics.first().map(|t| t.name.clone()).unwrap_or_default()
        } else {
            draft.topic.clone()
        };
        let mut config = draft.config.clone();
        if draft.assignor != "default" {
            config.partition_assignment_strategy = vec![draft.assignor.clone()];
        }
        let group = draft.group.trim();
        for n in 0..draft.members.clamp(1, 8) {
            on_action.emit(SandboxAction::Act(Command::AddConsumer {
                consumer: ConsumerId(next_id.0 + n),
                topic: topic.clone(),
                group: (!group.is_empty()).then(|| group.to_owned()),
                config: config.clone(),
            }));
        }
    })
}

/// Which group, which topic, how many members, and how the group shares the partitions.
fn membership_fields(draft: &UseStateHandle<Draft>, props: &GroupFormProps) -> Html {
    html! {
        <>
            <PlainField id="group-id" name="group.id" default="(none)"
                        explanation="Members of one group share the partitions; another group reads everything again.">
                <input id="group-id" type="text" list="known-groups" maxlength="40" value={draft.group.clone()}
                       data-testid="group-id" onchange={update(draft, |d, v| d.group = v)} />
                <datalist id="known-groups">
                    { for props.groups.iter().map(|g| html! { <option value={g.clone()} /> }) }
                </datalist>
            </PlainField>
            <PlainField id="group-topic" name="subscribe(topic)" default="(none)" explanation="The topic the members read.">
                <select id="group-topic" onchange={update(draft, |d, v| d.topic = v)}>
                    { for props.topics.iter().map(|t| html! {
                        <option value={t.name.clone()} selected={t.name == draft.topic}>{&t.name}</option>
                    }) }
                </select>
            </PlainField>
            <PlainField id="group-members" name="members to add" default="1"
                        explanation="More members than partitions leaves some idle.">
                <input id="group-members" type="number" min="1" max="8" value={draft.members.to_string()}
                       data-testid="group-members" onchange={update(draft, |d, v| d.members = parse_or(&v, d.members))} />
            </PlainField>
            <ConfigField id="group-assignor" doc={ASSIGNMENT_STRATEGY}>
                <select id="group-assignor" data-testid="group-assignor" onchange={update(draft, |d, v| d.assignor = v)}>
                    { for ASSIGNORS.iter().map(|(value, label)| html! {
                        <option value={*value} selected={draft.assignor == *value}>{*label}</option>
                    }) }
                </select>
            </ConfigField>
        </>
    }
}

/// Each member's config: commits, processing time, where to start, and its session.
fn consumer_fields(draft: &UseStateHandle<Draft>) -> Html {
    let config = &draft.config;
    html! {
        <>
            <ConfigField id="group-auto-commit" doc={AUTO_COMMIT}>
                <input id="group-auto-commit" type="checkbox" checked={config.enable_auto_commit}
                       onchange={update(draft, |d, v| d.config.enable_auto_commit = v == "true")} />
            </ConfigField>
            <ConfigField id="group-commit-interval" doc={COMMIT_INTERVAL}>
                <input id="group-commit-interval" type="number" min="100" value={config.auto_commit_interval_ms.to_string()}
                       onchange={update(draft, |d, v| d.config.auto_commit_interval_ms = parse_or(&v, d.config.auto_commit_interval_ms))} />
            </ConfigField>
            <ConfigField id="group-processing" doc={PROCESSING_TIME}>
                <input id="group-processing" type="number" min="0" max="60000" value={config.processing_time_ms.to_string()}
                       onchange={update(draft, |d, v| d.config.processing_time_ms = parse_or(&v, d.config.processing_time_ms))} />
            </ConfigField>
            <ConfigField id="group-reset" doc={OFFSET_RESET}>
                <select id="group-reset" onchange={update(draft, |d, v| d.config.auto_offset_reset =
                        if v == "latest" { AutoOffsetReset::Latest } else { AutoOffsetReset::Earliest })}>
                    <option value="earliest" selected={config.auto_offset_reset == AutoOffsetReset::Earliest}>{"earliest"}</option>
                    <option value="latest" selected={config.auto_offset_reset == AutoOffsetReset::Latest}>{"latest"}</option>
                </select>
            </ConfigField>
            <ConfigField id="group-session" doc={SESSION_TIMEOUT}>
                <input id="group-session" type="number" min="6000" max="1800000" value={config.session_timeout_ms.to_string()}
                       onchange={update(draft, |d, v| d.config.session_timeout_ms = parse_or(&v, d.config.session_timeout_ms))} />
            </ConfigField>
        </>
    }
}

/// A group, with a button that removes it: a group exists while it has members, so removing
/// it closes each one, as stopping its application would.
fn group_item(
    group: &str,
    consumers: &[ConsumerItem],
    on_action: &Callback<SandboxAction>,
) -> Html {
    let members: Vec<ConsumerId> = consumers
        .iter()
        .filter(|c| c.group.as_deref() == Some(group) && c.status != ConsumerStatus::Crashed)
        .map(|c| c.id)
        .collect();
    let count = members.len();
    let on_action = on_action.clone();
    let remove = Callback::from(move |_: MouseEvent| {
        for consumer in &members {
            on_action.emit(SandboxAction::Act(Command::CloseConsumer {
                consumer: *consumer,
            }));
        }
    });
    html! {
        <li data-testid={format!("group-item-{group}")}>
            <span><strong>{format!("group {group}")}</strong>{format!(" · {count} running member(s)")}</span>
            if count > 0 {
                <button class="small danger" onclick={remove} aria-label={format!("Remove group {group}: close its members")}
                        title="close() every member: each commits and leaves the group">{"Remove group"}</button>
            }
        </li>
    }
}

fn consumer_item(consumer: &ConsumerItem, on_action: &Callback<SandboxAction>) -> Html {
    let id = consumer.id;
    let style = member_style(id);
    let act = |command: Command| {
        let command = command.clone();
        on_action.reform(move |_: MouseEvent| SandboxAction::Act(command.clone()))
    };
    let slow = on_action.reform(move |event: Event| {
        SandboxAction::Act(Command::SetProcessingTime {
            consumer: id,
            processing_time_ms: event_value(&event).trim().parse().unwrap_or(0),
        })
    });
    let running = consumer.status == ConsumerStatus::Running;
    let label = format!("consumer {}", id.0);
    html! {
        <li data-testid={format!("consumer-{}", id.0)}>
            <span>
                <span class="member-swatch" style={format!("background:{};color:{}", style.fill, style.text)} aria-hidden="true">{style.glyph}</span>
                <strong>{&label}</strong>
                {format!(" · {} · {} · {}", consumer.group.as_deref().unwrap_or("no group"), consumer.topic, status_text(&consumer.status))}
            </span>
            <span class="item-actions">
                if running {
                    <button class="small danger" onclick={act(Command::CrashConsumer { consumer: id })}
                            aria-label={format!("Crash {label}")} title="The process dies: no commit, no LeaveGroup">{"Crash"}</button>
                    <button class="small" onclick={act(Command::PauseConsumer { consumer: id })}
                            aria-label={format!("Pause {label}")} title="Stop calling poll()">{"Pause"}</button>
                    <button class="small" onclick={act(Command::CommitOffsets { consumer: id })}
                            aria-label={format!("Commit {label}")} title="commitSync() now">{"Commit"}</button>
                }
                if consumer.status == ConsumerStatus::Paused {
                    <button class="small" onclick={act(Command::ResumeConsumer { consumer: id })}
                            aria-label={format!("Resume {label}")}>{"Resume"}</button>
                }
                if consumer.status != ConsumerStatus::Crashed {
                    <label class="slow" title="Processing time per record, in ms">
                        <span class="visually-hidden">{format!("Processing time of {label} in ms")}</span>
                        <input type="number" min="0" max="60000" value={consumer.processing_time_ms.to_string()} onchange={slow} />
                        {"ms"}
                    </label>
                    <button class="small" onclick={act(Command::CloseConsumer { consumer: id })}
                            aria-label={format!("Close {label}")} title="close(): commit and leave the group">{"Remove"}</button>
                }
            </span>
        </li>
    }
}
