//! Cross-checks over the whole scenario, walking the commands in the order the simulation will
//! run them: every producer, consumer, topic and broker an action names must exist at that
//! moment, nothing is declared twice, and the playground's limits hold.

use crate::engine::sorted::{VecMap, VecSet};

use crate::engine::limits;
use crate::engine::{BrokerId, Command, ConsumerId, Node, ProducerId};

use super::draft::{Draft, Planned};
use super::duration::format_duration_ms;
use super::problems::Problems;
use super::table::Origin;

#[derive(Clone, Debug)]
struct ConsumerState {
    has_group: bool,
    /// Set once the consumer is closed or crashed: `(when, "closed" or "crashed")`.
    gone: Option<(u64, &'static str)>,
}

#[derive(Default)]
struct World {
    /// Each topic that exists, and when it was created.
    topics: VecMap<String, u64>,
    partitions_total: u64,
    producers: VecSet<ProducerId>,
    consumers: VecMap<ConsumerId, ConsumerState>,
    brokers_down: VecSet<BrokerId>,
    brokers_isolated: VecSet<BrokerId>,
    auto_created_warned: VecSet<String>,
}

pub(super) fn check(draft: &Draft, problems: &mut Problems) {
    // Everything ever added, to tell "not declared at all" from "not added yet".
    let mut ever_producers = VecMap::new();
    let mut ever_consumers = VecMap::new();
    let mut ever_topics = VecMap::new();
    let mut partition_counts = VecMap::new();
    for planned in &draft.planned {
        if let Command::CreateTopic { name, config } = &planned.command {
            partition_counts
                .entry(name.clone())
                .or_insert(config.partitions);
        }
        match &planned.command {
            Command::AddProducer { producer, .. } => {
                ever_producers.entry(*producer).or_insert(planned.at_ms);
            }
            Command::AddConsumer { consumer, .. } => {
                ever_consumers.entry(*consumer).or_insert(planned.at_ms);
            }
            Command::CreateTopic { name, .. } => {
                ever_topics.entry(name.clone()).or_insert(planned.at_ms);
            }
            _ => {}
        }
    }
    let checker = Checker {
        draft,
        ever_producers,
        ever_consumers,
        ever_topics,
        partition_counts,
    };

    // The simulation runs commands in (time, scheduling order); so does this walk.
    let mut order: Vec<&Planned> = draft.planned.iter().collect();
    order.sort_by_key(|planned| planned.at_ms);
    let mut world = World::default();
    for planned in order {
        checker.apply(&mut world, planned, problems);
        if let Some(duration_ms) = draft.duration_ms {
            if planned.at_ms > duration_ms {
                problems.warning(
                    planned.origin.span_of("at"),
                    format!(
                        "{}: at {} is after the scenario's duration ({}); it only runs with a later --until",
                        planned.origin.path,
                        format_duration_ms(planned.at_ms),
                        format_duration_ms(duration_ms)
                    ),
                );
            }
        }
    }
}

struct Checker<'a> {
    draft: &'a Draft,
    ever_producers: VecMap<ProducerId, u64>,
    ever_consumers: VecMap<ConsumerId, u64>,
    ever_topics: VecMap<String, u64>,
    /// Each declared topic's number of partitions.
    partition_counts: VecMap<String, u32>,
}

impl Checker<'_> {
    fn apply(&self, world: &mut World, planned: &Planned, problems: &mut Problems) {
        let at_ms = planned.at_ms;
        let origin = &planned.origin;
        match &planned.command {
            // The scenario format has no action for these; only the sandbox issues them.
            Command::DeleteTopic { .. } | Command::CloseProducer { .. } => {}
            Command::CreateTopic { name, config } => {
                create_topic(world, name, config.partitions, planned, problems);
            }
            Command::AddProducer { producer, .. } => {
                add_producer(world, *producer, origin, problems)
            }
            Command::AddConsumer {
                consumer,
                topic,
                group,
                ..
            } => {
                if add_consumer(world, *consumer, origin, problems) {
                    self.check_topic(world, topic, at_ms, origin, problems);
                    world.consumers.insert(
                        *consumer,
                        ConsumerState {
                            has_group: group.is_some(),
                            gone: None,
                        },
                    );
                }
            }
            Command::Produce {
                producer,
                topic,
                partition,
                ..
            } => {
                self.check_producer(world, *producer, at_ms, origin, problems);
                self.check_topic(world, topic, at_ms, origin, problems);
                if let Some(partition) = partition {
                    self.check_partition(topic, *partition, origin, problems);
                }
            }
            Command::StartWorkload { producer, workload } => {
                self.check_producer(world, *producer, at_ms, origin, problems);
                self.check_topic(world, &workload.topic, at_ms, origin, problems);
            }
            Command::StopWorkload { producer } => {
                self.check_producer(world, *producer, at_ms, origin, problems);
            }
            Command::CloseConsumer { consumer } => {
                self.end_consumer(world, *consumer, "closed", planned, problems);
            }
            Command::CrashConsumer { consumer } => {
                self.end_consumer(world, *consumer, "crashed", planned, problems);
            }
            Command::PauseConsumer { consumer }
            | Command::ResumeConsumer { consumer }
            | Command::SetProcessingTime { consumer, .. } => {
                self.check_consumer(world, *consumer, at_ms, origin, problems);
            }
            Command::CommitOffsets { consumer } => {
                self.check_commit(world, *consumer, planned, problems);
            }
            Command::CommitSpecifiedOffsets { .. }
            | Command::Subscribe { .. }
            | Command::Assign { .. }
            | Command::PausePartitions { .. }
            | Command::ResumePartitions { .. }
            | Command::Seek { .. } => self.apply_consumer_call(world, planned, problems),
            Command::CrashBroker { .. }
            | Command::RestartBroker { .. }
            | Command::IsolateBroker { .. }
            | Command::IsolateBrokerFrom { .. }
            | Command::HealBroker { .. } => self.apply_to_broker(world, planned, problems),
            Command::CutLink { from, to, .. } | Command::HealLink { from, to, .. } => {
                for node in [from, to] {
                    self.check_node(*node, origin, problems);
                }
            }
            Command::SetLinkLatency { a, b, .. } => {
                for node in [a, b] {
                    self.check_node(*node, origin, problems);
                }
            }
            Command::SetNetwork { .. } => {}
            Command::AlterTopicConfig { topic, .. } => {
                self.check_declared_topic(world, topic, planned, problems);
            }
            Command::ToLeaderOf {
                topic, partition, ..
            } => self.check_leader_target(world, topic, *partition, planned, problems),
        }
    }

    /// A topic an action changes must exist when it runs: altering configs does not create
    /// one (Kafka answers UNKNOWN_TOPIC_OR_PARTITION).
    fn check_declared_topic(
        &self,
        world: &World,
        topic: &str,
        planned: &Planned,
        problems: &mut Problems,
    ) -> bool {
        if world.topics.contains_key(topic) {
            return true;
        }
        let origin = &planned.origin;
        let when = match self.ever_topics.get(topic) {
            Some(created_ms) => format!(
                "is created at {}, after this at {}",
                format_duration_ms(*created_ms),
                format_duration_ms(planned.at_ms)
            ),
            None => "is not declared".to_owned(),
        };
        problems.error(
            origin.span_of("topic"),
            format!("{}: topic '{topic}' {when}", origin.path),
        );
        false
    }

    /// `broker = "leader of orders-0"`: the partition must exist when the action runs; which
    /// broker leads it is only known then.
    fn check_leader_target(
        &self,
        world: &World,
        topic: &str,
        partition: u32,
        planned: &Planned,
        problems: &mut Problems,
    ) {
        let origin = &planned.origin;
        let declared = |topic: &str| world.topics.contains_key(topic);
        if !declared(topic) {
            problems.error(
                origin.span_of("broker"),
                format!(
                    "{}: topic '{topic}' does not exist at {}",
                    origin.path,
                    format_duration_ms(planned.at_ms)
                ),
            );
            return;
        }
        let count = self.partition_counts.get(topic).copied();
        if count.is_some_and(|count| partition >= count) {
            problems.error(
                origin.span_of("broker"),
                format!(
                    "{}: {topic}-{partition} does not exist; '{topic}' has {} partition(s)",
                    origin.path,
                    count.unwrap_or(0)
                ),
            );
        }
    }

    /// What the application calls on a consumer by partition or topic (`subscribe`,
    /// `assign`, `seek`, `pause`/`resume`, `commitSync(offsets)`): the consumer must be
    /// running and the topics must exist by then.
    fn apply_consumer_call(&self, world: &mut World, planned: &Planned, problems: &mut Problems) {
        let at_ms = planned.at_ms;
        let origin = &planned.origin;
        let (consumer, topics): (ConsumerId, Vec<&str>) = match &planned.command {
            Command::CommitSpecifiedOffsets { consumer, offsets } => {
                self.check_commit(world, *consumer, planned, problems);
                for (tp, _) in offsets {
                    self.check_topic(world, &tp.topic, at_ms, origin, problems);
                }
                return;
            }
            Command::Subscribe { consumer, topics } => {
                (*consumer, topics.iter().map(String::as_str).collect())
            }
            Command::Assign {
                consumer,
                partitions,
            }
            | Command::PausePartitions {
                consumer,
                partitions,
            }
            | Command::ResumePartitions {
                consumer,
                partitions,
            } => (*consumer, partitions.iter().map(|tp| &*tp.topic).collect()),
            Command::Seek {
                consumer,
                partition,
                ..
            } => (*consumer, vec![&*partition.topic]),
            _ => return,
        };
        if self.check_consumer(world, consumer, at_ms, origin, problems) {
            for topic in topics {
                self.check_topic(world, topic, at_ms, origin, problems);
            }
        }
    }

    /// A consumer closes or crashes: it must be running, and is gone from then on.
    fn end_consumer(
        &self,
        world: &mut World,
        consumer: ConsumerId,
        how: &'static str,
        planned: &Planned,
        problems: &mut Problems,
    ) {
        let at_ms = planned.at_ms;
        if self.check_consumer(world, consumer, at_ms, &planned.origin, problems) {
            if let Some(state) = world.consumers.get_mut(&consumer) {
                state.gone = Some((at_ms, how));
            }
        }
    }

    /// Committing offsets needs a running consumer in a group.
    fn check_commit(
        &self,
        world: &World,
        consumer: ConsumerId,
        planned: &Planned,
        problems: &mut Problems,
    ) {
        let origin = &planned.origin;
        let path = &origin.path;
        if self.check_consumer(world, consumer, planned.at_ms, origin, problems)
            && !world.consumers.get(&consumer).is_some_and(|c| c.has_group)
        {
            problems.error(
                origin.span_of("consumer"),
                format!("{path}: {consumer} has no group, and committing offsets needs one (Kafka throws InvalidGroupIdException)"),
            );
        }
    }

    /// Crashing, restarting, isolating or healing a broker: the broker must exist, and an
    /// action that changes nothing (crashing a broker that is down) is a warning.
    fn apply_to_broker(&self, world: &mut World, planned: &Planned, problems: &mut Problems) {
        let origin = &planned.origin;
        let at = format_duration_ms(planned.at_ms);
        let (broker, brokers, goes_in, unchanged) = match &planned.command {
            Command::CrashBroker { broker } => (
                broker,
                &mut world.brokers_down,
                true,
                format!("is already down at {at}"),
            ),
            Command::RestartBroker { broker } => (
                broker,
                &mut world.brokers_down,
                false,
                format!("is running at {at}; restarting it does nothing"),
            ),
            Command::IsolateBroker { broker } | Command::IsolateBrokerFrom { broker, .. } => (
                broker,
                &mut world.brokers_isolated,
                true,
                format!("is already isolated at {at}"),
            ),
            Command::HealBroker { broker } => (
                broker,
                &mut world.brokers_isolated,
                false,
                format!("is not isolated at {at}; healing it does nothing"),
            ),
            _ => return,
        };
        if !self.check_broker(*broker, origin, "broker", problems) {
            return;
        }
        let changed = if goes_in {
            brokers.insert(*broker)
        } else {
            brokers.remove(broker)
        };
        if !changed {
            problems.warning(
                origin.span_of("at"),
                format!("{}: {broker} {unchanged}", origin.path),
            );
        }
    }

    /// A topic an action uses must exist then, unless the broker auto-creates it.
    /// A record that names its partition needs the topic to have it (Kafka's producer fails
    /// the send: "Invalid partition given with record").
    fn check_partition(
        &self,
        topic: &str,
        partition: u32,
        origin: &Origin,
        problems: &mut Problems,
    ) {
        let partitions = self.draft.planned.iter().find_map(|p| match &p.command {
            Command::CreateTopic { name, config } if name == topic => Some(config.partitions),
            _ => None,
        });
        let partitions = partitions.unwrap_or(self.draft.broker.num_partitions);
        if partition >= partitions {
            problems.error(
                origin.span_of("partition"),
                format!(
                    "{}: partition {partition} is not in the range [0...{partitions}) of topic '{topic}'",
                    origin.path
                ),
            );
        }
    }

    fn check_topic(
        &self,
        world: &mut World,
        topic: &str,
        at_ms: u64,
        origin: &Origin,
        problems: &mut Problems,
    ) {
        if world.topics.contains_key(topic) {
            return;
        }
        let span = origin.span_of("topic");
        let path = &origin.path;
        if let Some(created_ms) = self.ever_topics.get(topic) {
            problems.error(
                span,
                format!(
                    "{path}: topic '{topic}' is created at {}, after this at {}",
                    format_duration_ms(*created_ms),
                    format_duration_ms(at_ms)
                ),
            );
        } else if !self.draft.broker.auto_create_topics_enable {
            problems.error(
                span,
                format!("{path}: topic '{topic}' does not exist and cluster.auto_create_topics_enable is false; declare it in [[topics]]"),
            );
        } else if world.auto_created_warned.insert(topic.to_owned()) {
            // Legal Kafka, and sometimes the lesson; more often a misspelt topic name.
            problems.warning(
                span,
                format!(
                    "{path}: topic '{topic}' is not declared; the broker will auto-create it with {} partition(s) and replication factor {}",
                    self.draft.broker.num_partitions, self.draft.broker.default_replication_factor
                ),
            );
            world.topics.insert(topic.to_owned(), at_ms);
        }
    }

    fn check_producer(
        &self,
        world: &World,
        producer: ProducerId,
        at_ms: u64,
        origin: &Origin,
        problems: &mut Problems,
    ) {
        if world.producers.contains(&producer) {
            return;
        }
        let span = origin.span_of("producer");
        let path = &origin.path;
        let message = match self.ever_producers.get(&producer) {
            Some(added_ms) => format!(
                "{path}: {producer} does not exist yet at {}; it is added at {}",
                format_duration_ms(at_ms),
                format_duration_ms(*added_ms)
            ),
            None => format!(
                "{path}: producer {} is not declared; add a [[producers]] entry with id = {}",
                producer.0, producer.0
            ),
        };
        // A workload's producer is its own table, so point at the workload instead.
        let span = if origin.field_spans.contains_key("producer") {
            span
        } else {
            origin.span.clone()
        };
        problems.error(span, message);
    }

    /// Whether the consumer exists and is still running at `at_ms`; reports why not.
    fn check_consumer(
        &self,
        world: &World,
        consumer: ConsumerId,
        at_ms: u64,
        origin: &Origin,
        problems: &mut Problems,
    ) -> bool {
        let span = origin.span_of("consumer");
        let path = &origin.path;
        match world.consumers.get(&consumer) {
            Some(ConsumerState {
                gone: Some((gone_ms, how)),
                ..
            }) => {
                problems.error(
                    span,
                    format!(
                        "{path}: {consumer} was {how} at {}",
                        format_duration_ms(*gone_ms)
                    ),
                );
                false
            }
            Some(_) => true,
            None => {
                let message = match self.ever_consumers.get(&consumer) {
                    Some(added_ms) => format!(
                        "{path}: {consumer} does not exist yet at {}; it is added at {}",
                        format_duration_ms(at_ms),
                        format_duration_ms(*added_ms)
                    ),
                    None => format!(
                        "{path}: consumer {} is not declared; add a [[consumers]] entry with id = {}",
                        consumer.0, consumer.0
                    ),
                };
                problems.error(span, message);
                false
            }
        }
    }

    fn check_broker(
        &self,
        broker: BrokerId,
        origin: &Origin,
        field: &str,
        problems: &mut Problems,
    ) -> bool {
        let brokers = self.draft.brokers;
        if broker.0 < brokers {
            return true;
        }
        let range = if brokers == 1 {
            "the cluster has broker 0 only".to_owned()
        } else {
            format!("the cluster has brokers 0..{}", brokers - 1)
        };
        problems.error(
            origin.span_of(field),
            format!(
                "{}: broker {} does not exist ({range})",
                origin.path, broker.0
            ),
        );
        false
    }

    fn check_node(&self, node: Node, origin: &Origin, problems: &mut Problems) {
        let path = &origin.path;
        match node {
            Node::Broker(broker) => {
                self.check_broker(broker, origin, "between", problems);
            }
            Node::Producer(producer) if !self.ever_producers.contains_key(&producer) => problems
                .error(
                    origin.span_of("between"),
                    format!("{path}: producer {} is not declared", producer.0),
                ),
            Node::Consumer(consumer) if !self.ever_consumers.contains_key(&consumer) => problems
                .error(
                    origin.span_of("between"),
                    format!("{path}: consumer {} is not declared", consumer.0),
                ),
            Node::Producer(_) | Node::Consumer(_) => {}
        }
    }
}

/// A topic is declared: once only, within the playground's limits on topics and partitions.
fn create_topic(
    world: &mut World,
    name: &str,
    partitions: u32,
    planned: &Planned,
    problems: &mut Problems,
) {
    let origin = &planned.origin;
    let path = &origin.path;
    let span = origin.span_of(if origin.field_spans.contains_key("name") {
        "name"
    } else {
        "topic"
    });
    if let Some(created_ms) = world.topics.get(name) {
        problems.error(
            span,
            format!(
                "{path}: topic '{name}' already exists (declared at {})",
                format_duration_ms(*created_ms)
            ),
        );
        return;
    }
    if world.topics.len() as u64 >= limits::MAX_TOPICS {
        problems.error(
            span.clone(),
            format!(
                "{path}: the playground allows at most {} topics",
                limits::MAX_TOPICS
            ),
        );
    }
    world.partitions_total += u64::from(partitions);
    if world.partitions_total > limits::MAX_PARTITIONS_TOTAL {
        problems.error(
            origin.span_of("partitions"),
            format!(
                "{path}: the playground allows at most {} partitions across all topics",
                limits::MAX_PARTITIONS_TOTAL
            ),
        );
    }
    world.topics.insert(name.to_owned(), planned.at_ms);
}

/// A producer is declared: once only, within the playground's limit on clients.
fn add_producer(world: &mut World, producer: ProducerId, origin: &Origin, problems: &mut Problems) {
    let path = &origin.path;
    let span = origin.span_of(id_field(origin, "producer"));
    if world.producers.contains(&producer) {
        problems.error(
            span,
            format!("{path}: producer {} is declared twice", producer.0),
        );
        return;
    }
    if world.producers.len() as u64 >= limits::MAX_CLIENTS {
        problems.error(
            span.clone(),
            format!(
                "{path}: the playground allows at most {} producers",
                limits::MAX_CLIENTS
            ),
        );
    }
    world.producers.insert(producer);
}

/// A consumer is declared: once only (false for a second declaration, which is not checked
/// further), within the playground's limit on clients.
fn add_consumer(
    world: &World,
    consumer: ConsumerId,
    origin: &Origin,
    problems: &mut Problems,
) -> bool {
    let path = &origin.path;
    let span = origin.span_of(id_field(origin, "consumer"));
    if world.consumers.contains_key(&consumer) {
        problems.error(
            span,
            format!("{path}: consumer {} is declared twice", consumer.0),
        );
        return false;
    }
    if world.consumers.len() as u64 >= limits::MAX_CLIENTS {
        problems.error(
            span.clone(),
            format!(
                "{path}: the playground allows at most {} consumers",
                limits::MAX_CLIENTS
            ),
        );
    }
    true
}

/// The field holding a client's id: `id` in its section, `producer` or `consumer` in the
/// timeline.
fn id_field<'a>(origin: &Origin, timeline_field: &'a str) -> &'a str {
    if origin.field_spans.contains_key("id") {
        "id"
    } else {
        timeline_field
    }
}
