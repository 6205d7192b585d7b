//! The top level of a scenario file: its metadata, `[cluster]`, `[network]`, and the
//! `[[topics]]`, `[[producers]]`, `[[consumers]]` and `[[timeline]]` arrays, turned into the
//! commands the simulation will be given, each with the place it came from.

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::engine::limits;
use crate::engine::{BrokerConfig, Command, NetworkConfig, ProducerId};

use super::draft::{Draft, Planned};
use super::duration::{format_duration_ms, MAX_DURATION_MS};
use super::entities::{read_consumer, read_producer, read_topic, read_workload};
use super::problems::Problems;
use super::table::{describe, TableReader, Value};
use super::timeline::{read_entry, TimelineContext};

/// The only scenario format version so far.
pub(super) const FORMAT_VERSION: u32 = 1;

pub(super) fn read_document(root: &Spanned<DeTable<'_>>, problems: &mut Problems) -> Draft {
    let mut reader = TableReader::from_table(String::new(), root.span(), root.get_ref());
    let mut draft = Draft::default();

    read_version(&mut reader, problems);
    draft.name = reader.required("name", problems).unwrap_or_default();
    draft.description = reader.optional("description", problems).unwrap_or_default();
    draft.seed = reader.optional("seed", problems).unwrap_or(0);
    draft.duration_ms = reader.optional_duration_ms("duration", problems);
    if draft.duration_ms == Some(0) {
        problems.error(
            reader.span_of("duration"),
            "duration: a run needs some time; write for example \"60s\"",
        );
    }
    if let Some(duration_ms) = draft.duration_ms.filter(|ms| *ms > MAX_DURATION_MS) {
        problems.error(
            reader.span_of("duration"),
            format!(
                "duration: {} is longer than the playground allows ({}), so that every run finishes in seconds",
                format_duration_ms(duration_ms),
                format_duration_ms(MAX_DURATION_MS)
            ),
        );
    }

    let (brokers, broker) = read_cluster(reader.take("cluster"), problems);
    draft.brokers = brokers;
    draft.broker = broker;
    draft.network = match reader.take("network") {
        Some(value) => match TableReader::new("network", &value, problems) {
            Some(mut network) => {
                let config = network.config(problems);
                super::network::check_drop_rate(&network, &config, problems);
                network.finish(problems);
                config
            }
            None => NetworkConfig::default(),
        },
        None => NetworkConfig::default(),
    };

    read_topics(&mut reader, &mut draft, problems);
    let workloads = read_producers(&mut reader, &mut draft, problems);
    read_consumers(&mut reader, &mut draft, problems);
    draft.planned.extend(workloads);

    let context = TimelineContext {
        broker: draft.broker.clone(),
        brokers: draft.brokers,
        network: draft.network,
    };
    for (index, item) in array_items(&mut reader, "timeline", problems) {
        draft
            .planned
            .extend(read_entry(index, &item, &context, problems));
    }

    reader.finish(problems);
    draft
}

/// `version`: required, and the one format this reader knows.
fn read_version(reader: &mut TableReader<'_>, problems: &mut Problems) {
    match reader.take("version") {
        None => problems.error(
            0..0,
            format!("`version = {FORMAT_VERSION}` is missing: put it on the first line so later formats can be told apart"),
        ),
        Some(value) => {
            let span = value.span();
            if let Some(version) =
                super::table::deserialize_value::<u32>("version", value, problems)
            {
                if version != FORMAT_VERSION {
                    problems.error(
                        span,
                        format!("version: this kplay reads scenario format {FORMAT_VERSION}, not {version}"),
                    );
                }
            }
        }
    }
}

/// `[[topics]]`: every topic exists from time 0.
fn read_topics(reader: &mut TableReader<'_>, draft: &mut Draft, problems: &mut Problems) {
    for (index, item) in array_items(reader, "topics", problems) {
        let Some(mut topic) = TableReader::new(format!("topics[{index}]"), &item, problems) else {
            continue;
        };
        let command = read_topic(&mut topic, "name", draft.brokers, problems);
        let origin = topic.finish(problems);
        if let Some(command) = command {
            draft.planned.push(Planned {
                at_ms: 0,
                command,
                origin,
            });
        }
    }
}

/// `[[producers]]`, each at its `start`. Their workloads are returned, to be scheduled after
/// the consumers.
fn read_producers(
    reader: &mut TableReader<'_>,
    draft: &mut Draft,
    problems: &mut Problems,
) -> Vec<Planned> {
    let mut workloads = Vec::new();
    for (index, item) in array_items(reader, "producers", problems) {
        let path = format!("producers[{index}]");
        let Some(mut producer) = TableReader::new(path.clone(), &item, problems) else {
            continue;
        };
        let start_ms = producer
            .optional_duration_ms("start", problems)
            .unwrap_or(0);
        let workload = producer.take("workload");
        let command = read_producer(&mut producer, "id", problems);
        let origin = producer.finish(problems);
        let Some(command) = command else { continue };
        if let (Some(workload), Command::AddProducer { producer: id, .. }) = (workload, &command) {
            workloads.extend(read_producer_workload(
                &path, *id, start_ms, &workload, problems,
            ));
        }
        draft.planned.push(Planned {
            at_ms: start_ms,
            command,
            origin,
        });
    }

    workloads
}

/// `[[consumers]]`, each at its `start`.
fn read_consumers(reader: &mut TableReader<'_>, draft: &mut Draft, problems: &mut Problems) {
    for (index, item) in array_items(reader, "consumers", problems) {
        let Some(mut consumer) = TableReader::new(format!("consumers[{index}]"), &item, problems)
        else {
            continue;
        };
        let start_ms = consumer
            .optional_duration_ms("start", problems)
            .unwrap_or(0);
        let commands = read_consumer(&mut consumer, "id", &draft.broker, problems);
        let origin = consumer.finish(problems);
        for command in commands {
            draft.planned.push(Planned {
                at_ms: start_ms,
                command,
                origin: origin.clone(),
            });
        }
    }
}

/// `[cluster]`: the number of brokers and the broker-wide settings.
fn read_cluster(value: Option<Value<'_>>, problems: &mut Problems) -> (u32, BrokerConfig) {
    let Some(value) = value else {
        return (1, BrokerConfig::default());
    };
    let Some(mut cluster) = TableReader::new("cluster", &value, problems) else {
        return (1, BrokerConfig::default());
    };
    let brokers: u32 = cluster.optional("brokers", problems).unwrap_or(1);
    let config: BrokerConfig = cluster.config(problems);
    let brokers = if brokers == 0 || brokers > limits::MAX_BROKERS {
        problems.error(
            cluster.span_of("brokers"),
            format!(
                "cluster.brokers: must be between 1 and {}, not {brokers}",
                limits::MAX_BROKERS
            ),
        );
        brokers.clamp(1, limits::MAX_BROKERS)
    } else {
        brokers
    };
    if config.default_replication_factor == 0 || config.default_replication_factor > brokers {
        problems.error(
            cluster.span_of("default_replication_factor"),
            format!(
                "cluster.default_replication_factor: {} needs that many brokers; the cluster has {brokers}",
                config.default_replication_factor
            ),
        );
    }
    if config.num_partitions == 0 || config.num_partitions > limits::MAX_PARTITIONS_PER_TOPIC {
        problems.error(
            cluster.span_of("num_partitions"),
            format!(
                "cluster.num_partitions: must be between 1 and {}",
                limits::MAX_PARTITIONS_PER_TOPIC
            ),
        );
    }
    cluster.finish(problems);
    (brokers, config)
}

/// A producer's `workload = { ... }`: started at its `start` (by default when the producer is
/// added) and stopped at its `stop`, if any.
fn read_producer_workload(
    producer_path: &str,
    producer: ProducerId,
    producer_start_ms: u64,
    value: &Value<'_>,
    problems: &mut Problems,
) -> Vec<Planned> {
    let Some(mut reader) = TableReader::new(format!("{producer_path}.workload"), value, problems)
    else {
        return Vec::new();
    };
    let start_ms = reader
        .optional_duration_ms("start", problems)
        .unwrap_or(producer_start_ms);
    let stop_ms = reader.optional_duration_ms("stop", problems);
    let workload = read_workload(&mut reader, problems);
    if let Some(stop_ms) = stop_ms {
        if stop_ms <= start_ms {
            problems.error(
                reader.span_of("stop"),
                format!(
                    "{}.stop: the workload must stop after it starts ({})",
                    reader.path(),
                    super::duration::format_duration_ms(start_ms)
                ),
            );
        }
    }
    let origin = reader.finish(problems);
    let Some(workload) = workload else {
        return Vec::new();
    };
    let mut planned = vec![Planned {
        at_ms: start_ms,
        command: Command::StartWorkload { producer, workload },
        origin: origin.clone(),
    }];
    if let Some(stop_ms) = stop_ms {
        planned.push(Planned {
            at_ms: stop_ms,
            command: Command::StopWorkload { producer },
            origin,
        });
    }
    planned
}

/// The items of an array of tables such as `[[topics]]`, with their index.
fn array_items<'i>(
    reader: &mut TableReader<'i>,
    field: &'static str,
    problems: &mut Problems,
) -> Vec<(usize, Value<'i>)> {
    let Some(value) = reader.take(field) else {
        return Vec::new();
    };
    match value.get_ref() {
        DeValue::Array(items) => items.iter().cloned().enumerate().collect(),
        other => {
            problems.error(
                value.span(),
                format!(
                    "{field}: expected an array of tables, found {}: write [[{field}]] above each entry",
                    describe(other)
                ),
            );
            Vec::new()
        }
    }
}
