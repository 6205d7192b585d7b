//! `[[timeline]]` entries: `{ at = "5s", action = "crash-broker", broker = 2 }`. One action for
//! every [`Command`] the engine accepts; each reads its own fields and rejects any other.

use crate::engine::sorted::VecMap;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::engine::limits;
use toml::de::DeValue;

use crate::engine::{
    BrokerAction, BrokerConfig, BrokerId, Command, ConsumerId, Isolation, NetworkConfig, Node,
    Offset, ProducerId, SeekTarget, TopicConfig,
};

use super::draft::Planned;
use super::entities::{
    parse_partition, read_consumer, read_partition_list, read_producer, read_topic, read_workload,
};
use super::problems::{closest, Problems};
use super::table::{deserialize_value, TableReader, Value};

/// Every action a timeline entry can name, in the order the guide lists them.
pub const ACTIONS: [&str; 27] = [
    "create-topic",
    "add-producer",
    "produce",
    "start-workload",
    "stop-workload",
    "add-consumer",
    "close-consumer",
    "crash-consumer",
    "pause-consumer",
    "resume-consumer",
    "set-processing-time",
    "commit",
    "crash-broker",
    "restart-broker",
    "isolate-broker",
    "heal-broker",
    "cut-link",
    "heal-link",
    "set-link-latency",
    "set-network",
    "subscribe",
    "assign",
    "seek",
    "pause-partitions",
    "resume-partitions",
    "commit-offsets",
    "alter-topic-config",
];

/// What the timeline needs from the rest of the file.
pub(super) struct TimelineContext {
    pub broker: BrokerConfig,
    pub brokers: u32,
    /// `[network]`, which `set-network` starts from.
    pub network: NetworkConfig,
}

/// Reads one entry. Most entries give one command; `produce` with `values` gives one per value.
pub(super) fn read_entry(
    index: usize,
    value: &Value<'_>,
    context: &TimelineContext,
    problems: &mut Problems,
) -> Vec<Planned> {
    let Some(mut reader) = TableReader::new(format!("timeline[{index}]"), value, problems) else {
        return Vec::new();
    };
    let at_ms = reader.required_duration_ms("at", problems);
    let action: Option<String> = reader.required("action", problems);
    let Some(action) = action else {
        return Vec::new();
    };
    // Each command comes with its delay after `at` (non-zero only for spaced-out values).
    let Some(commands) = read_action(&action, &mut reader, context, problems) else {
        return Vec::new();
    };
    let origin = reader.finish(problems);
    let Some(at_ms) = at_ms else {
        return Vec::new();
    };
    commands
        .into_iter()
        .map(|(delay_ms, command)| Planned {
            at_ms: at_ms.saturating_add(delay_ms),
            command,
            origin: origin.clone(),
        })
        .collect()
}

/// The commands one action gives, each with its delay after `at`; `None` for an unknown action.
fn read_action(
    action: &str,
    reader: &mut TableReader<'_>,
    context: &TimelineContext,
    problems: &mut Problems,
) -> Option<Vec<(u64, Command)>> {
    let commands =
        match action {
            "create-topic" => one(read_topic(reader, "topic", context.brokers, problems)),
            "add-producer" => one(read_producer(reader, "producer", problems)),
            "produce" => read_produce(reader, problems),
            "start-workload" => {
                let producer = producer_field(reader, problems);
                let workload = read_workload(reader, problems);
                one(producer
                    .zip(workload)
                    .map(|(producer, workload)| Command::StartWorkload { producer, workload }))
            }
            "stop-workload" => {
                one(producer_field(reader, problems)
                    .map(|producer| Command::StopWorkload { producer }))
            }
            "add-consumer" => read_consumer(reader, "consumer", &context.broker, problems)
                .into_iter()
                .map(|command| (0, command))
                .collect(),
            "subscribe" => one(read_subscribe(reader, problems)),
            "assign" | "pause-partitions" | "resume-partitions" => {
                one(read_partitions_action(action, reader, problems))
            }
            "seek" => one(read_seek(reader, problems)),
            "commit-offsets" => one(read_commit_offsets(reader, problems)),
            "close-consumer" => one(consumer_field(reader, problems)
                .map(|consumer| Command::CloseConsumer { consumer })),
            "crash-consumer" => one(consumer_field(reader, problems)
                .map(|consumer| Command::CrashConsumer { consumer })),
            "pause-consumer" => one(consumer_field(reader, problems)
                .map(|consumer| Command::PauseConsumer { consumer })),
            "resume-consumer" => one(consumer_field(reader, problems)
                .map(|consumer| Command::ResumeConsumer { consumer })),
            "set-processing-time" => {
                let consumer = consumer_field(reader, problems);
                let processing_time_ms = reader.required_duration_ms("processing_time", problems);
                one(consumer
                    .zip(processing_time_ms)
                    .map(
                        |(consumer, processing_time_ms)| Command::SetProcessingTime {
                            consumer,
                            processing_time_ms,
                        },
                    ))
            }
            "commit" => one(consumer_field(reader, problems)
                .map(|consumer| Command::CommitOffsets { consumer })),
            "crash-broker" => one(broker_target(reader, BrokerAction::Crash, problems)),
            "restart-broker" => one(broker_target(reader, BrokerAction::Restart, problems)),
            "isolate-broker" => one(read_isolate(reader, problems)),
            "cut-link" | "heal-link" => one(read_link_cut(action, reader, problems)),
            "heal-broker" => one(broker_target(reader, BrokerAction::Heal, problems)),
            "alter-topic-config" => one(read_alter_topic_config(reader, problems)),
            "set-link-latency" => one(read_link_latency(reader, problems)),
            "set-network" => {
                let given: NetworkConfig = reader.config(problems);
                super::network::check_drop_rate(reader, &given, problems);
                let config = overlay(&context.network, &given, |field| reader.has(field));
                one(Some(Command::SetNetwork { config }))
            }
            unknown => {
                let hint = match closest(unknown, ACTIONS) {
                    Some(close) => format!("did you mean \"{close}\"?"),
                    None => format!("use one of: {}", ACTIONS.join(", ")),
                };
                problems.error(
                    reader.span_of("action"),
                    format!(
                        "{}.action: unknown action \"{unknown}\"; {hint}",
                        reader.path()
                    ),
                );
                return None;
            }
        };
    Some(commands)
}

fn one(command: Option<Command>) -> Vec<(u64, Command)> {
    command.map(|command| (0, command)).into_iter().collect()
}

fn producer_field(reader: &mut TableReader<'_>, problems: &mut Problems) -> Option<ProducerId> {
    reader.required("producer", problems).map(ProducerId)
}

fn consumer_field(reader: &mut TableReader<'_>, problems: &mut Problems) -> Option<ConsumerId> {
    reader.required("consumer", problems).map(ConsumerId)
}

/// `broker = 2`, or `broker = "leader of orders-0"`: the broker that leads that partition
/// when the action runs. Whether a numbered broker exists is checked with the other
/// references in [`super::check`].
fn broker_target(
    reader: &mut TableReader<'_>,
    action: BrokerAction,
    problems: &mut Problems,
) -> Option<Command> {
    let Some(value) = reader.take("broker") else {
        return reader
            .required::<u32>("broker", problems)
            .map(|id| action.on(BrokerId(id)));
    };
    let path = reader.field_path("broker");
    let DeValue::String(text) = value.get_ref() else {
        return deserialize_value::<u32>(&path, value, problems).map(|id| action.on(BrokerId(id)));
    };
    let parsed = text
        .strip_prefix("leader of ")
        .and_then(|partition| partition.trim().rsplit_once('-'))
        .and_then(|(topic, number)| Some((topic.to_owned(), number.parse::<u32>().ok()?)));
    match parsed {
        Some((topic, partition)) => Some(Command::ToLeaderOf {
            topic,
            partition,
            action,
        }),
        None => {
            problems.error(
                value.span(),
                format!("{path}: \"{text}\" names no broker: write a broker id such as 2, or \"leader of TOPIC-PARTITION\" such as \"leader of orders-0\""),
            );
            None
        }
    }
}

/// `alter-topic-config`: `topic` and the settings to change, named as in `[[topics]]`.
fn read_alter_topic_config(
    reader: &mut TableReader<'_>,
    problems: &mut Problems,
) -> Option<Command> {
    let topic: Option<String> = reader.required("topic", problems);
    let config: TopicConfig = reader.config(problems);
    let path = reader.path().to_owned();
    let fields = match serde_json::to_value(TopicConfig::default()) {
        Ok(serde_json::Value::Object(fields)) => fields.keys().cloned().collect(),
        _ => Vec::new(),
    };
    let set: Vec<String> = fields.into_iter().filter(|f| reader.has(f)).collect();
    if set.is_empty() {
        problems.error(
            reader.span_of("action"),
            format!("{path}: name a setting to change, like unclean_leader_election_enable = true"),
        );
    }
    for fixed in ["partitions", "replication_factor", "replicas"] {
        if reader.has(fixed) {
            problems.error(
                reader.span_of(fixed),
                format!("{path}.{fixed}: is not a topic config and cannot be altered (Kafka adds partitions with kafka-topics --alter and moves replicas by reassignment)"),
            );
        }
    }
    if reader.has("min_insync_replicas") && config.min_insync_replicas == 0 {
        problems.error(
            reader.span_of("min_insync_replicas"),
            format!("{path}.min_insync_replicas: must be at least 1"),
        );
    }
    if reader.has("segment_bytes") && config.segment_bytes < 14 {
        problems.error(
            reader.span_of("segment_bytes"),
            format!("{path}.segment_bytes: must be at least 14 bytes"),
        );
    }
    Some(Command::AlterTopicConfig {
        topic: topic?,
        config,
        set,
    })
}

/// A `produce` action's `partition`, `timestamp` and `headers`: what a `ProducerRecord` may
/// carry beyond key and value.
fn read_record_extras(
    reader: &mut TableReader<'_>,
    problems: &mut Problems,
) -> (Option<u32>, Option<i64>, Vec<(String, String)>) {
    let partition: Option<u32> = reader.optional("partition", problems);
    let timestamp: Option<i64> = reader.optional("timestamp", problems);
    let headers: Option<VecMap<String, String>> = reader.optional("headers", problems);
    let path = reader.path().to_owned();
    if timestamp.is_some_and(|t| t < 0) {
        problems.error(
            reader.span_of("timestamp"),
            format!(
                "{path}.timestamp: a record's timestamp is milliseconds since 1970, at least 0"
            ),
        );
    }
    let headers: Vec<(String, String)> = headers.unwrap_or_default().into_iter().collect();
    if headers.len() > limits::MAX_HEADERS_PER_RECORD {
        problems.error(
            reader.span_of("headers"),
            format!(
                "{path}.headers: a record carries at most {} headers",
                limits::MAX_HEADERS_PER_RECORD
            ),
        );
    }
    (partition, timestamp, headers)
}

/// `produce`: one record (`value`), several (`values`, `interval` apart), or a tombstone
/// (`tombstone = true`), all with the same optional `key`.
fn read_produce(reader: &mut TableReader<'_>, problems: &mut Problems) -> Vec<(u64, Command)> {
    let producer = producer_field(reader, problems);
    let topic: Option<String> = reader.required("topic", problems);
    let key: Option<String> = reader.optional("key", problems);
    let value: Option<String> = reader.optional("value", problems);
    let values: Option<Vec<String>> = reader.optional("values", problems);
    let tombstone: bool = reader.optional("tombstone", problems).unwrap_or(false);
    let interval_ms = reader.optional_duration_ms("interval", problems);
    let (partition, timestamp, headers) = read_record_extras(reader, problems);
    let path = reader.path().to_owned();

    let given = [reader.has("value"), reader.has("values"), tombstone];
    let payloads: Vec<Option<String>> = match (value, values, tombstone) {
        _ if given.iter().filter(|given| **given).count() > 1 => {
            problems.error(
                reader.span_of("action"),
                format!("{path}: give only one of `value`, `values` and `tombstone = true`"),
            );
            Vec::new()
        }
        (Some(value), None, false) => vec![Some(value)],
        (None, Some(values), false) => {
            if values.is_empty() {
                problems.error(
                    reader.span_of("values"),
                    format!("{path}.values: list at least one value"),
                );
            }
            values.into_iter().map(Some).collect()
        }
        (None, None, true) => {
            if key.is_none() {
                problems.error(
                    reader.span_of("tombstone"),
                    format!("{path}: a tombstone needs a `key`: it deletes that key from a compacted topic"),
                );
            }
            vec![None]
        }
        _ if given.iter().any(|given| *given) => Vec::new(), // A value of the wrong type, already reported.
        _ => {
            problems.error(
                reader.span_of("action"),
                format!("{path}: produce needs `value = \"...\"`, `values = [...]` or `tombstone = true`"),
            );
            Vec::new()
        }
    };
    if interval_ms.is_some() && !reader.has("values") {
        problems.error(
            reader.span_of("interval"),
            format!("{path}.interval: only applies to `values`"),
        );
    }
    let header_texts = headers.iter().flat_map(|(k, v)| [k, v]);
    for text in key
        .iter()
        .chain(payloads.iter().flatten())
        .chain(header_texts)
    {
        if text.len() > limits::MAX_KEY_OR_VALUE_BYTES {
            problems.error(
                reader.origin().span.clone(),
                format!(
                    "{path}: a key, value or header may be at most {} bytes",
                    limits::MAX_KEY_OR_VALUE_BYTES
                ),
            );
        }
    }
    let (Some(producer), Some(topic)) = (producer, topic) else {
        return Vec::new();
    };
    let interval_ms = interval_ms.unwrap_or(0);
    payloads
        .into_iter()
        .zip(0u64..)
        .map(|(value, index)| {
            (
                interval_ms.saturating_mul(index),
                Command::Produce {
                    producer,
                    topic: topic.clone(),
                    key: key.clone(),
                    value,
                    partition,
                    timestamp,
                    headers: headers.clone(),
                },
            )
        })
        .collect()
}

/// `subscribe`: a consumer and its new `topics`.
fn read_subscribe(reader: &mut TableReader<'_>, problems: &mut Problems) -> Option<Command> {
    let consumer = consumer_field(reader, problems);
    let topics: Option<Vec<String>> = reader.required("topics", problems);
    if topics.as_ref().is_some_and(Vec::is_empty) {
        problems.error(
            reader.span_of("topics"),
            format!("{}: list at least one topic", reader.field_path("topics")),
        );
        return None;
    }
    Some(Command::Subscribe {
        consumer: consumer?,
        topics: topics?,
    })
}

/// `assign`, `pause-partitions` and `resume-partitions`: a consumer and `partitions`.
fn read_partitions_action(
    action: &str,
    reader: &mut TableReader<'_>,
    problems: &mut Problems,
) -> Option<Command> {
    let consumer = consumer_field(reader, problems);
    let names: Option<Vec<String>> = reader.required("partitions", problems);
    let partitions = read_partition_list(reader, "partitions", names?, problems)?;
    let consumer = consumer?;
    Some(match action {
        "assign" => Command::Assign {
            consumer,
            partitions,
        },
        "pause-partitions" => Command::PausePartitions {
            consumer,
            partitions,
        },
        _ => Command::ResumePartitions {
            consumer,
            partitions,
        },
    })
}

/// `seek`: a consumer, a `partition`, and either `offset = N` or `to = "beginning"`/`"end"`.
fn read_seek(reader: &mut TableReader<'_>, problems: &mut Problems) -> Option<Command> {
    let consumer = consumer_field(reader, problems);
    let partition: Option<String> = reader.required("partition", problems);
    let offset: Option<u64> = reader.optional("offset", problems);
    let to: Option<String> = reader.optional("to", problems);
    let path = reader.path().to_owned();
    let target = match (offset, to.as_deref()) {
        (Some(offset), None) => Some(SeekTarget::Offset(Offset(offset))),
        (None, Some("beginning")) => Some(SeekTarget::Beginning),
        (None, Some("end")) => Some(SeekTarget::End),
        (None, Some(other)) => {
            problems.error(
                reader.span_of("to"),
                format!("{path}.to: \"{other}\" is not a place to seek to; use \"beginning\" or \"end\", or give `offset`"),
            );
            None
        }
        _ => {
            problems.error(
                reader.span_of("action"),
                format!("{path}: seek needs exactly one of `offset = N` and `to = \"beginning\"` or `\"end\"`"),
            );
            None
        }
    };
    let partition = match parse_partition(&partition?) {
        Ok(tp) => tp,
        Err(message) => {
            problems.error(
                reader.span_of("partition"),
                format!("{path}.partition: {message}"),
            );
            return None;
        }
    };
    Some(Command::Seek {
        consumer: consumer?,
        partition,
        to: target?,
    })
}

/// `commit-offsets`: a consumer and `offsets = { "orders-0" = 5 }`, each the next offset to
/// read, as `commitSync(Map<TopicPartition, OffsetAndMetadata>)` takes them.
fn read_commit_offsets(reader: &mut TableReader<'_>, problems: &mut Problems) -> Option<Command> {
    let consumer = consumer_field(reader, problems);
    let given: Option<crate::engine::sorted::VecMap<String, u64>> =
        reader.required("offsets", problems);
    let path = reader.field_path("offsets");
    let given = given?;
    if given.is_empty() {
        problems.error(
            reader.span_of("offsets"),
            format!("{path}: give at least one partition's offset"),
        );
        return None;
    }
    let mut offsets = Vec::with_capacity(given.len());
    for (name, offset) in given {
        match parse_partition(&name) {
            Ok(tp) => offsets.push((tp, Offset(offset))),
            Err(message) => {
                problems.error(reader.span_of("offsets"), format!("{path}: {message}"));
                return None;
            }
        }
    }
    Some(Command::CommitSpecifiedOffsets {
        consumer: consumer?,
        offsets,
    })
}

/// `set-link-latency`: `between = ["broker-0", "producer-1"]`, `latency = "400ms"`.
fn read_link_latency(reader: &mut TableReader<'_>, problems: &mut Problems) -> Option<Command> {
    let between: Option<Vec<String>> = reader.required("between", problems);
    let latency_ms = reader.required_duration_ms("latency", problems);
    let path = reader.path().to_owned();
    let span = reader.span_of("between");
    let between = between?;
    let [a, b] = between.as_slice() else {
        problems.error(
            span,
            format!("{path}.between: name exactly two nodes, like [\"broker-0\", \"broker-1\"]"),
        );
        return None;
    };
    let nodes = (parse_node(a), parse_node(b));
    let (a, b) = match nodes {
        (Ok(a), Ok(b)) => (a, b),
        (Err(message), _) | (_, Err(message)) => {
            problems.error(span, format!("{path}.between: {message}"));
            return None;
        }
    };
    if a == b {
        problems.error(
            span,
            format!("{path}.between: a link joins two different nodes"),
        );
        return None;
    }
    Some(Command::SetLinkLatency {
        a,
        b,
        latency_ms: latency_ms?,
    })
}

/// `isolate-broker`: `broker = 1`, and `from = "peers"` (the default: the other brokers and
/// the controller), `"clients"` or `"all"`.
fn read_isolate(reader: &mut TableReader<'_>, problems: &mut Problems) -> Option<Command> {
    let from: Option<String> = reader.optional("from", problems);
    let span = reader.span_of("from");
    let path = reader.path().to_owned();
    let from = match from.as_deref() {
        None => return broker_target(reader, BrokerAction::Isolate, problems),
        Some("peers") => Isolation::Peers,
        Some("clients") => Isolation::Clients,
        Some("all") => Isolation::All,
        Some(other) => {
            problems.error(
                span,
                format!("{path}.from: \"{other}\" is not one of \"peers\", \"clients\", \"all\""),
            );
            return None;
        }
    };
    broker_target(reader, BrokerAction::IsolateFrom(from), problems)
}

/// `cut-link` and `heal-link`: `between = ["broker-0", "producer-1"]` for both directions, or
/// `from = "broker-0"` and `to = "broker-1"` for one.
fn read_link_cut(
    action: &str,
    reader: &mut TableReader<'_>,
    problems: &mut Problems,
) -> Option<Command> {
    let between: Option<Vec<String>> = reader.optional("between", problems);
    let from: Option<String> = reader.optional("from", problems);
    let to: Option<String> = reader.optional("to", problems);
    let path = reader.path().to_owned();
    let span = reader.span_of("action");
    let (a, b, one_way) = match (between, from, to) {
        (Some(between), None, None) => {
            match between.as_slice() {
                [a, b] => (a.clone(), b.clone(), false),
                _ => {
                    problems.error(
                    span,
                    format!("{path}.between: name exactly two nodes, like [\"broker-0\", \"broker-1\"]"),
                );
                    return None;
                }
            }
        }
        (None, Some(from), Some(to)) => (from, to, true),
        _ => {
            problems.error(
                span,
                format!("{path}: give `between = [a, b]` (both ways) or `from` and `to` (one way)"),
            );
            return None;
        }
    };
    let (from, to) = match (parse_node(&a), parse_node(&b)) {
        (Ok(from), Ok(to)) if from != to => (from, to),
        (Ok(_), Ok(_)) => {
            problems.error(span, format!("{path}: a link joins two different nodes"));
            return None;
        }
        (Err(message), _) | (_, Err(message)) => {
            problems.error(span, format!("{path}: {message}"));
            return None;
        }
    };
    Some(if action == "cut-link" {
        Command::CutLink { from, to, one_way }
    } else {
        Command::HealLink { from, to, one_way }
    })
}

/// `broker-N`, `producer-N` or `consumer-N`, as the engine prints them.
pub fn parse_node(text: &str) -> Result<Node, String> {
    let help = || format!("\"{text}\" is not a node: write broker-N, producer-N or consumer-N");
    let (kind, number) = text.rsplit_once('-').ok_or_else(help)?;
    let id: u32 = number.parse().map_err(|_| help())?;
    match kind {
        "broker" => Ok(Node::Broker(BrokerId(id))),
        "producer" => Ok(Node::Producer(ProducerId(id))),
        "consumer" => Ok(Node::Consumer(ConsumerId(id))),
        _ => Err(help()),
    }
}

/// `given`'s fields where the file wrote them, `base`'s elsewhere. Goes through JSON so it
/// needs no list of the struct's fields.
fn overlay<C>(base: &C, given: &C, written: impl Fn(&str) -> bool) -> C
where
    C: Serialize + DeserializeOwned + Clone,
{
    let (Ok(serde_json::Value::Object(mut merged)), Ok(serde_json::Value::Object(given_map))) =
        (serde_json::to_value(base), serde_json::to_value(given))
    else {
        return given.clone();
    };
    for (field, value) in given_map {
        if written(&field) {
            merged.insert(field, value);
        }
    }
    serde_json::from_value(serde_json::Value::Object(merged)).unwrap_or_else(|_| given.clone())
}
