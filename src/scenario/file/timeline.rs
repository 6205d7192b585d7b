//! `[[timeline]]` entries: `{ at = "5s", action = "crash-broker", broker = 2 }`. One action for
//! every [`Command`] the engine accepts; each reads its own fields and rejects any other.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::engine::limits;
use crate::engine::{BrokerConfig, BrokerId, Command, ConsumerId, NetworkConfig, Node, ProducerId};

use super::draft::Planned;
use super::entities::{read_consumer, read_producer, read_topic, read_workload};
use super::problems::{closest, Problems};
use super::table::{TableReader, Value};

/// Every action a timeline entry can name, in the order the guide lists them.
pub const ACTIONS: [&str; 18] = [
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
    "set-link-latency",
    "set-network",
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
            "add-consumer" => one(read_consumer(reader, "consumer", &context.broker, problems)),
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
            "crash-broker" => {
                one(broker_field(reader, problems).map(|broker| Command::CrashBroker { broker }))
            }
            "restart-broker" => {
                one(broker_field(reader, problems).map(|broker| Command::RestartBroker { broker }))
            }
            "isolate-broker" => {
                one(broker_field(reader, problems).map(|broker| Command::IsolateBroker { broker }))
            }
            "heal-broker" => {
                one(broker_field(reader, problems).map(|broker| Command::HealBroker { broker }))
            }
            "set-link-latency" => one(read_link_latency(reader, problems)),
            "set-network" => {
                let given: NetworkConfig = reader.config(problems);
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

/// Whether the broker exists is checked with the other references in [`super::check`].
fn broker_field(reader: &mut TableReader<'_>, problems: &mut Problems) -> Option<BrokerId> {
    reader.required("broker", problems).map(BrokerId)
}

/// A `produce` action's `partition`, `timestamp` and `headers`: what a `ProducerRecord` may
/// carry beyond key and value.
fn read_record_extras(
    reader: &mut TableReader<'_>,
    problems: &mut Problems,
) -> (Option<u32>, Option<i64>, Vec<(String, String)>) {
    let partition: Option<u32> = reader.optional("partition", problems);
    let timestamp: Option<i64> = reader.optional("timestamp", problems);
    let headers: Option<BTreeMap<String, String>> = reader.optional("headers", problems);
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
