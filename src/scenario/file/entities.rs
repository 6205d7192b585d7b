//! Topics, producers, workloads and consumers: read the same way from their sections
//! (`[[topics]]`, `[[producers]]`, `[[consumers]]`) and from the timeline actions that add them
//! later, and checked against the rules Kafka's own clients and brokers apply.

use crate::engine::assignor::AssignorKind;
use crate::engine::limits;
use crate::engine::{
    is_legal_topic_name, Acks, BrokerConfig, Command, ConsumerConfig, ConsumerId, KeyPattern,
    ProducerConfig, ProducerId, TopicConfig, TopicPartition, Workload,
};

use super::problems::Problems;
use super::table::TableReader;

/// Reads a topic's name from `name_field` and its settings from the rest of the table.
pub(super) fn read_topic(
    reader: &mut TableReader<'_>,
    name_field: &'static str,
    brokers: u32,
    problems: &mut Problems,
) -> Option<Command> {
    let name: Option<String> = reader.required(name_field, problems);
    let mut config: TopicConfig = reader.config(problems);
    let name = name?;
    let path = reader.path().to_owned();
    check_replica_assignment(reader, &mut config, brokers, problems);
    if !is_legal_topic_name(&name) {
        problems.error(
            reader.span_of(name_field),
            format!(
                "{path}: '{name}' is not a legal topic name: use 1 to {} of a-z A-Z 0-9 . _ -",
                limits::MAX_TOPIC_NAME_CHARS
            ),
        );
    }
    if config.partitions == 0 || config.partitions > limits::MAX_PARTITIONS_PER_TOPIC {
        problems.error(
            reader.span_of("partitions"),
            format!(
                "{path}: partitions must be between 1 and {}, not {}",
                limits::MAX_PARTITIONS_PER_TOPIC,
                config.partitions
            ),
        );
    }
    if config.replication_factor == 0 || config.replication_factor > brokers {
        problems.error(
            reader.span_of("replication_factor"),
            format!(
                "{path}: replication_factor {} needs that many brokers; the cluster has {brokers} (INVALID_REPLICATION_FACTOR)",
                config.replication_factor
            ),
        );
    }
    // min_insync_replicas above the replication factor is fine: since Kafka 3.7 (KAFKA-15583)
    // the effective minimum is the smaller of the two, so acks=all sends still succeed.
    if config.min_insync_replicas == 0 {
        problems.error(
            reader.span_of("min_insync_replicas"),
            format!("{path}: min_insync_replicas must be at least 1"),
        );
    }
    if config.segment_bytes < 14 {
        problems.error(
            reader.span_of("segment_bytes"),
            format!("{path}: segment_bytes must be at least 14 bytes"),
        );
    }
    Some(Command::CreateTopic { name, config })
}

/// `replicas = [[1, 2, 3], [2, 3, 1]]`: the partitions and the replication factor follow from
/// the assignment unless written too, in which case they must agree with it; every broker must
/// exist and appear once per partition (Kafka's INVALID_REPLICA_ASSIGNMENT).
fn check_replica_assignment(
    reader: &TableReader<'_>,
    config: &mut TopicConfig,
    brokers: u32,
    problems: &mut Problems,
) {
    let Some(assignment) = config.replicas.clone() else {
        return;
    };
    let path = reader.path().to_owned();
    let span = reader.span_of("replicas");
    let Some(first) = assignment.first() else {
        problems.error(
            span,
            format!("{path}.replicas: list the brokers of at least one partition"),
        );
        return;
    };
    if !reader.has("partitions") {
        config.partitions = assignment.len() as u32;
    }
    if !reader.has("replication_factor") {
        config.replication_factor = first.len() as u32;
    }
    let mut mistakes = Vec::new();
    if assignment.len() != config.partitions as usize {
        mistakes.push(format!(
            "{} lists of brokers for {} partitions",
            assignment.len(),
            config.partitions
        ));
    }
    for (partition, replicas) in assignment.iter().enumerate() {
        if replicas.len() != config.replication_factor as usize {
            mistakes.push(format!(
                "partition {partition} has {} replicas, not replication_factor {}",
                replicas.len(),
                config.replication_factor
            ));
        }
        if let Some(broker) = replicas.iter().find(|b| **b >= brokers) {
            mistakes.push(format!(
                "partition {partition}: broker {broker} does not exist (the cluster has {brokers})"
            ));
        }
        let mut distinct = replicas.clone();
        distinct.sort_unstable();
        distinct.dedup();
        if distinct.len() != replicas.len() {
            mistakes.push(format!("partition {partition} names a broker twice"));
        }
    }
    for mistake in mistakes {
        problems.error(
            span.clone(),
            format!("{path}.replicas: {mistake} (INVALID_REPLICA_ASSIGNMENT)"),
        );
    }
}

/// Reads a producer's id from `id_field` and its settings from the rest of the table.
pub(super) fn read_producer(
    reader: &mut TableReader<'_>,
    id_field: &'static str,
    problems: &mut Problems,
) -> Option<Command> {
    let id: Option<u32> = reader.required(id_field, problems);
    let explicit_idempotence = reader.contains("enable_idempotence");
    let mut config: ProducerConfig = reader.config(problems);
    let path = reader.path().to_owned();
    let idempotence_possible = config.acks == Acks::All
        && config.max_in_flight_requests_per_connection <= 5
        && config.retries > 0;
    if !explicit_idempotence && !idempotence_possible {
        // Kafka's ProducerConfig: idempotence that was only defaulted is turned off silently
        // when the other settings do not allow it; set explicitly, it is an error below.
        config.enable_idempotence = false;
    }
    if config.enable_idempotence {
        // Kafka's ProducerConfig refuses explicit idempotence with acks other than all, or
        // with more than 5 requests in flight.
        if config.acks != Acks::All {
            problems.error(
                reader.span_of("acks"),
                format!(
                    "{path}: enable_idempotence = true requires acks = \"all\"; remove it or set it to false to use acks = {}",
                    acks_text(config.acks)
                ),
            );
        }
        if config.max_in_flight_requests_per_connection > 5 {
            problems.error(
                reader.span_of("max_in_flight_requests_per_connection"),
                format!("{path}: max_in_flight_requests_per_connection must be at most 5 with idempotence"),
            );
        }
    }
    if config.max_in_flight_requests_per_connection == 0 {
        problems.error(
            reader.span_of("max_in_flight_requests_per_connection"),
            format!("{path}: max_in_flight_requests_per_connection must be at least 1"),
        );
    }
    if config.batch_size == 0 {
        problems.error(
            reader.span_of("batch_size"),
            format!("{path}: batch_size must be at least 1 byte"),
        );
    }
    Some(Command::AddProducer {
        producer: ProducerId(id?),
        config,
    })
}

fn acks_text(acks: Acks) -> &'static str {
    match acks {
        Acks::None => "\"0\"",
        Acks::Leader => "\"1\"",
        Acks::All => "\"all\"",
    }
}

/// Reads a workload's `topic`, `rate`, `keys` and `count`.
pub(super) fn read_workload(
    reader: &mut TableReader<'_>,
    problems: &mut Problems,
) -> Option<Workload> {
    let topic: Option<String> = reader.required("topic", problems);
    let rate: Option<u32> = reader.required("rate", problems);
    let keys_text: Option<String> = reader.optional("keys", problems);
    let count: Option<u64> = reader.optional("count", problems);
    let path = reader.path().to_owned();
    let keys = match keys_text.as_deref().map(parse_key_pattern) {
        None => Some(KeyPattern::None),
        Some(Ok(pattern)) => Some(pattern),
        Some(Err(message)) => {
            problems.error(reader.span_of("keys"), format!("{path}.keys: {message}"));
            None
        }
    };
    if let Some(rate) = rate {
        if rate == 0 || rate > limits::MAX_RECORDS_PER_SECOND {
            problems.error(
                reader.span_of("rate"),
                format!(
                    "{path}.rate: must be between 1 and {} records per second, not {rate}",
                    limits::MAX_RECORDS_PER_SECOND
                ),
            );
        }
    }
    if count == Some(0) {
        problems.error(
            reader.span_of("count"),
            format!("{path}.count: must be at least 1; leave it out to send until stopped"),
        );
    }
    Some(Workload {
        topic: topic?,
        records_per_second: rate?,
        keys: keys?,
        count,
    })
}

/// Parses a workload's keys: `none`, `cycle:N` (`key-0` ... `key-(N-1)`, again and again) or
/// `fixed:KEY` (every record has the key KEY, which may itself contain colons).
pub fn parse_key_pattern(text: &str) -> Result<KeyPattern, String> {
    let help = "write \"none\", \"cycle:N\" (keys key-0 to key-(N-1) in turn) or \"fixed:KEY\" (always KEY)";
    if text == "none" {
        return Ok(KeyPattern::None);
    }
    match text.split_once(':') {
        Some(("cycle", count)) => match count.parse::<u32>() {
            Ok(count) if count >= 1 => Ok(KeyPattern::Cycle { count }),
            _ => Err(format!(
                "\"{text}\": the number of keys after cycle: must be a whole number from 1"
            )),
        },
        Some(("fixed", key)) if !key.is_empty() => {
            if key.len() > limits::MAX_KEY_OR_VALUE_BYTES {
                return Err(format!(
                    "the key is longer than {} bytes",
                    limits::MAX_KEY_OR_VALUE_BYTES
                ));
            }
            Ok(KeyPattern::Fixed {
                key: key.to_owned(),
            })
        }
        _ => Err(format!("\"{text}\" is not a key pattern: {help}")),
    }
}

/// Reads a consumer's id from `id_field`, what it reads (`topic`, `topics` or `assign`), its
/// optional `group`, and its settings from the rest of the table. Gives the `AddConsumer`
/// command, followed by `Subscribe` for several topics or `Assign` for explicit partitions.
pub(super) fn read_consumer(
    reader: &mut TableReader<'_>,
    id_field: &'static str,
    broker: &BrokerConfig,
    problems: &mut Problems,
) -> Vec<Command> {
    let id: Option<u32> = reader.required(id_field, problems);
    let reads = read_consumer_source(reader, problems);
    let group: Option<String> = reader.optional("group", problems);
    let config: ConsumerConfig = reader.config(problems);
    let path = reader.path().to_owned();
    if group.as_deref() == Some("") {
        problems.error(
            reader.span_of("group"),
            format!("{path}.group: a group id cannot be empty; leave `group` out for a consumer without a group"),
        );
    }
    if config.max_poll_records == 0 {
        problems.error(
            reader.span_of("max_poll_records"),
            format!("{path}.max_poll_records: must be at least 1"),
        );
    }
    check_strategies(reader, &config, problems);
    if group.is_none() && config.group_instance_id.is_some() {
        problems.error(
            reader.span_of("group_instance_id"),
            format!("{path}.group_instance_id: static membership needs a `group`"),
        );
    }
    if group.is_some() {
        check_group_timeouts(reader, &config, broker, problems);
    }
    let (Some(id), Some(reads)) = (id, reads) else {
        return Vec::new();
    };
    let consumer = ConsumerId(id);
    let topic = match &reads {
        ConsumerReads::Topic(topic) => topic.clone(),
        ConsumerReads::Topics(topics) => topics[0].clone(),
        ConsumerReads::Assign(partitions) => partitions[0].topic.to_string(),
    };
    let mut commands = vec![Command::AddConsumer {
        consumer,
        topic,
        group,
        config,
    }];
    match reads {
        ConsumerReads::Topic(_) => {}
        ConsumerReads::Topics(topics) => commands.push(Command::Subscribe { consumer, topics }),
        ConsumerReads::Assign(partitions) => commands.push(Command::Assign {
            consumer,
            partitions,
        }),
    }
    commands
}

/// What a consumer entry reads; lists are never empty.
enum ConsumerReads {
    Topic(String),
    /// `subscribe(topics)`.
    Topics(Vec<String>),
    /// `assign(partitions)`.
    Assign(Vec<TopicPartition>),
}

/// What a consumer reads: `topic = "a"`, `topics = ["a", "b"]` (`subscribe`) or
/// `assign = ["a-0", "a-1"]` (`assign`, no group membership).
fn read_consumer_source(
    reader: &mut TableReader<'_>,
    problems: &mut Problems,
) -> Option<ConsumerReads> {
    let topic: Option<String> = reader.optional("topic", problems);
    let topics: Option<Vec<String>> = reader.optional("topics", problems);
    let assign: Option<Vec<String>> = reader.optional("assign", problems);
    let path = reader.path().to_owned();
    let given = ["topic", "topics", "assign"]
        .into_iter()
        .filter(|field| reader.has(field))
        .count();
    if given != 1 {
        problems.error(
            reader.origin().span.clone(),
            format!("{path}: give exactly one of `topic = \"...\"`, `topics = [...]` (subscribe) and `assign = [\"topic-0\", ...]` (assign)"),
        );
        return None;
    }
    if let Some(topic) = topic {
        return Some(ConsumerReads::Topic(topic));
    }
    if let Some(topics) = topics {
        if topics.is_empty() {
            problems.error(
                reader.span_of("topics"),
                format!("{path}.topics: list at least one topic"),
            );
            return None;
        }
        return Some(ConsumerReads::Topics(topics));
    }
    read_partition_list(reader, "assign", assign?, problems).map(ConsumerReads::Assign)
}

/// Partitions written as Kafka's tools print them (`"orders-0"`), at least one.
pub(super) fn read_partition_list(
    reader: &TableReader<'_>,
    field: &str,
    names: Vec<String>,
    problems: &mut Problems,
) -> Option<Vec<TopicPartition>> {
    let path = reader.field_path(field);
    if names.is_empty() {
        problems.error(
            reader.span_of(field),
            format!("{path}: list at least one partition"),
        );
        return None;
    }
    let mut partitions = Vec::with_capacity(names.len());
    for name in &names {
        match parse_partition(name) {
            Ok(tp) => partitions.push(tp),
            Err(message) => {
                problems.error(reader.span_of(field), format!("{path}: {message}"));
                return None;
            }
        }
    }
    Some(partitions)
}

/// `orders-0`: a topic name, a dash and the partition number.
pub(super) fn parse_partition(text: &str) -> Result<TopicPartition, String> {
    let help = || {
        format!("\"{text}\" is not a partition: write the topic and the partition number, like \"orders-0\"")
    };
    let (topic, number) = text.rsplit_once('-').ok_or_else(help)?;
    let partition: u32 = number.parse().map_err(|_| help())?;
    if !is_legal_topic_name(topic) {
        return Err(help());
    }
    Ok(TopicPartition::new(topic, partition))
}

fn check_strategies(reader: &TableReader<'_>, config: &ConsumerConfig, problems: &mut Problems) {
    let path = reader.path();
    let span = reader.span_of("partition_assignment_strategy");
    if config.partition_assignment_strategy.is_empty() {
        problems.error(
            span.clone(),
            format!("{path}.partition_assignment_strategy: name at least one assignor"),
        );
    }
    for name in &config.partition_assignment_strategy {
        if AssignorKind::from_name(name).is_none() {
            problems.error(
                span.clone(),
                format!(
                    "{path}.partition_assignment_strategy: unknown assignor \"{name}\"; use range, roundrobin, sticky or cooperative-sticky"
                ),
            );
        }
    }
}

/// The coordinator refuses a JoinGroup whose session timeout is outside the broker's bounds
/// (INVALID_SESSION_TIMEOUT), and a heartbeat interval at or above the session timeout makes
/// the client's own config check fail.
fn check_group_timeouts(
    reader: &TableReader<'_>,
    config: &ConsumerConfig,
    broker: &BrokerConfig,
    problems: &mut Problems,
) {
    let path = reader.path();
    let session = config.session_timeout_ms;
    if session < broker.group_min_session_timeout_ms
        || session > broker.group_max_session_timeout_ms
    {
        problems.error(
            reader.span_of("session_timeout_ms"),
            format!(
                "{path}.session_timeout_ms: {session} is outside the broker's group_min_session_timeout_ms ({}) to group_max_session_timeout_ms ({}): the coordinator would answer INVALID_SESSION_TIMEOUT",
                broker.group_min_session_timeout_ms, broker.group_max_session_timeout_ms
            ),
        );
    }
    if config.heartbeat_interval_ms >= session {
        problems.error(
            reader.span_of("heartbeat_interval_ms"),
            format!(
                "{path}.heartbeat_interval_ms: must be lower than session_timeout_ms ({session})"
            ),
        );
    }
}
