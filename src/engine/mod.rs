//! The broker core: a pure, deterministic, sans-IO simulation of a Kafka cluster and its
//! clients.
//!
//! Nothing here reads a clock, touches the network or the DOM, or asks the OS for randomness.
//! Time is an input ([`Simulation::advance_to`], [`Simulation::step`]); randomness comes from one
//! seeded generator; every container whose order reaches the output is ordered. The only way in
//! is [`Command`] and the only way out is [`Event`], so the UI, the command line, scenarios and
//! tests all drive the same machine.
//!
//! Calling contract: apply commands with [`Simulation::handle`] (now) or
//! [`Simulation::schedule`] (later), move time with [`Simulation::advance_to`] or
//! [`Simulation::step`], then take what happened with [`Simulation::drain_events`]. The getters
//! describe the current state for drawing.

mod broker;
mod command;
mod consumer;
mod event;
mod ids;
pub mod limits;
mod log;
pub mod murmur2;
mod network;
mod producer;
mod record;
mod rng;
mod time;
mod topic;

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

pub use command::{Command, Rejection};
pub use consumer::{Consumer, ConsumerConfig, PolledRecord};
pub use event::{Event, EventKind, PartitionChoice};
pub use ids::{BrokerId, ConsumerId, MessageId, Offset, ProducerId, RecordId, TopicPartition};
pub use log::PartitionLog;
pub use network::{
    AutoOffsetReset, FetchPosition, FetchedPartition, InFlight, Message, MessageKind,
    NetworkConfig, Node,
};
pub use producer::{KeylessPartitioner, Producer, ProducerConfig};
pub use record::{Record, StoredRecord};
pub use rng::SimRng;
pub use time::SimTime;
pub use topic::{Partition, Topic};

use broker::ParkedFetch;
use network::Network;

/// Settings fixed for the whole run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SimConfig {
    /// The one seed every random choice derives from.
    pub seed: u64,
    /// Brokers, with ids `0..broker_count`. Partition `p` is led by broker `p % broker_count`.
    pub broker_count: u32,
    pub network: NetworkConfig,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            seed: 0,
            broker_count: 1,
            network: NetworkConfig::default(),
        }
    }
}

/// Something the simulation will do at a given time.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Timer {
    /// A message reaches its destination.
    Deliver(MessageId),
    /// A consumer polls the partitions it reads from a broker.
    Poll(ConsumerId, BrokerId),
    /// A parked fetch has waited `fetch.max.wait.ms`.
    FetchWaitExpired(u64),
    /// A command scheduled for later, e.g. by a scenario's timeline.
    Command(Box<Command>),
}

/// A timer in the queue. Ordered by time, then by the order it was scheduled, so two timers at
/// the same millisecond always fire in the same order.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Scheduled {
    at: SimTime,
    sequence: u64,
    timer: Timer,
}

impl Ord for Scheduled {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.at, self.sequence).cmp(&(other.at, other.sequence))
    }
}

impl PartialOrd for Scheduled {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// The whole simulated world. It is `Clone`, so a driver can keep snapshots and fork a run.
#[derive(Clone, Debug)]
pub struct Simulation {
    config: SimConfig,
    now: SimTime,
    queue: BinaryHeap<Reverse<Scheduled>>,
    next_sequence: u64,
    rng: SimRng,
    network: Network,
    brokers: Vec<BrokerId>,
    topics: BTreeMap<String, Topic>,
    producers: BTreeMap<ProducerId, Producer>,
    consumers: BTreeMap<ConsumerId, Consumer>,
    parked_fetches: BTreeMap<u64, ParkedFetch>,
    next_parked_fetch_id: u64,
    next_record_id: u64,
    outbox: Vec<Event>,
}

impl Simulation {
    pub fn new(config: SimConfig) -> Self {
        let broker_count = config.broker_count.max(1);
        Simulation {
            config,
            now: SimTime::ZERO,
            queue: BinaryHeap::new(),
            next_sequence: 0,
            rng: SimRng::seeded(config.seed),
            network: Network::new(config.network),
            brokers: (0..broker_count).map(BrokerId).collect(),
            topics: BTreeMap::new(),
            producers: BTreeMap::new(),
            consumers: BTreeMap::new(),
            parked_fetches: BTreeMap::new(),
            next_parked_fetch_id: 0,
            next_record_id: 0,
            outbox: Vec::new(),
        }
    }

    // Getters: the current state, for drawing and for tests.

    pub fn config(&self) -> SimConfig {
        self.config
    }

    pub fn now(&self) -> SimTime {
        self.now
    }

    pub fn brokers(&self) -> &[BrokerId] {
        &self.brokers
    }

    pub fn topics(&self) -> impl Iterator<Item = &Topic> {
        self.topics.values()
    }

    pub fn topic(&self, name: &str) -> Option<&Topic> {
        self.topics.get(name)
    }

    pub fn producers(&self) -> impl Iterator<Item = &Producer> {
        self.producers.values()
    }

    pub fn consumers(&self) -> impl Iterator<Item = &Consumer> {
        self.consumers.values()
    }

    pub fn consumer(&self, id: ConsumerId) -> Option<&Consumer> {
        self.consumers.get(&id)
    }

    /// Every message on the wire, oldest first.
    pub fn in_flight(&self) -> impl Iterator<Item = &InFlight> {
        self.network.in_flight()
    }

    /// When the next thing will happen, if anything is scheduled.
    pub fn next_deadline(&self) -> Option<SimTime> {
        self.queue.peek().map(|Reverse(s)| s.at)
    }

    // Commands.

    /// Applies a command now. A rejected command leaves the simulation unchanged.
    pub fn handle(&mut self, command: Command) -> Result<(), Rejection> {
        match command {
            Command::CreateTopic { name, partitions } => self.create_topic(name, partitions),
            Command::AddProducer { producer, config } => self.add_producer(producer, config),
            Command::Produce {
                producer,
                topic,
                key,
                value,
            } => self.produce(producer, &topic, key, value),
            Command::AddConsumer {
                consumer,
                topic,
                config,
            } => self.add_consumer(consumer, topic, config),
        }
    }

    /// Applies a command at a later time. If it is rejected then, a
    /// [`EventKind::CommandRejected`] event says why.
    pub fn schedule(&mut self, at: SimTime, command: Command) {
        let at = at.max(self.now);
        self.schedule_timer(at, Timer::Command(Box::new(command)));
    }

    // Time.

    /// Processes everything scheduled at or before `until`, in time order, then sets the
    /// clock to `until`. Time never moves backwards.
    pub fn advance_to(&mut self, until: SimTime) {
        while let Some(at) = self.next_deadline() {
            if at > until {
                break;
            }
            self.step();
        }
        self.now = self.now.max(until);
    }

    /// Processes the next scheduled timer alone and returns its time, or `None` if nothing is
    /// scheduled.
    pub fn step(&mut self) -> Option<SimTime> {
        let Reverse(next) = self.queue.pop()?;
        self.now = self.now.max(next.at);
        self.fire(next.timer);
        Some(next.at)
    }

    /// Takes the events produced since the last call, oldest first.
    pub fn drain_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.outbox)
    }

    // Internals shared by the per-role modules.

    fn fire(&mut self, timer: Timer) {
        match timer {
            Timer::Deliver(id) => self.deliver(id),
            Timer::Poll(consumer, broker) => self.on_poll_timer(consumer, broker),
            Timer::FetchWaitExpired(id) => self.on_fetch_wait_expired(id),
            Timer::Command(command) => {
                if let Err(reason) = self.handle(*command) {
                    self.emit(EventKind::CommandRejected { reason });
                }
            }
        }
    }

    fn deliver(&mut self, id: MessageId) {
        let Some(flight) = self.network.deliver(id) else {
            return;
        };
        self.emit(EventKind::MessageArrived {
            message: id,
            kind: flight.message.kind(),
            from: flight.from,
            to: flight.to,
        });
        match (flight.from, flight.to, flight.message) {
            (
                Node::Producer(producer),
                Node::Broker(broker),
                Message::ProduceRequest {
                    correlation_id,
                    partition,
                    records,
                },
            ) => self.on_produce_request(broker, producer, correlation_id, partition, records),
            (
                Node::Broker(_),
                Node::Producer(producer),
                Message::ProduceResponse {
                    correlation_id,
                    partition,
                    base_offset,
                    ..
                },
            ) => self.on_produce_response(producer, correlation_id, partition, base_offset),
            (
                Node::Consumer(consumer),
                Node::Broker(broker),
                Message::FetchRequest {
                    correlation_id,
                    partitions,
                    max_records,
                    max_wait_ms,
                },
            ) => self.on_fetch_request(
                broker,
                consumer,
                correlation_id,
                partitions,
                max_records,
                max_wait_ms,
            ),
            (
                Node::Broker(broker),
                Node::Consumer(consumer),
                Message::FetchResponse {
                    correlation_id,
                    partitions,
                },
            ) => self.on_fetch_response(consumer, broker, correlation_id, partitions),
            // Any other pairing cannot be produced by this code; dropping it keeps a bug from
            // taking the page down with it.
            _ => debug_assert!(false, "message delivered to the wrong kind of node"),
        }
    }

    fn emit(&mut self, kind: EventKind) {
        self.outbox.push(Event { at: self.now, kind });
    }

    fn schedule_timer(&mut self, at: SimTime, timer: Timer) {
        let sequence = self.next_sequence;
        self.next_sequence += 1;
        self.queue.push(Reverse(Scheduled {
            at,
            sequence,
            timer,
        }));
    }

    fn send(&mut self, from: Node, to: Node, message: Message) {
        let now = self.now;
        let flight = self.network.send(from, to, message, now, &mut self.rng);
        let (id, kind, arrives_at) = (flight.id, flight.message.kind(), flight.arrives_at);
        self.emit(EventKind::MessageSent {
            message: id,
            kind,
            from,
            to,
            arrives_at,
        });
        self.schedule_timer(arrives_at, Timer::Deliver(id));
    }

    fn log(&self, partition: &TopicPartition) -> Option<&PartitionLog> {
        self.topics
            .get(&partition.topic)?
            .partitions
            .get(partition.partition as usize)
            .map(|p| &p.log)
    }

    fn log_mut(&mut self, partition: &TopicPartition) -> Option<&mut PartitionLog> {
        self.topics
            .get_mut(&partition.topic)?
            .partitions
            .get_mut(partition.partition as usize)
            .map(|p| &mut p.log)
    }

    fn create_topic(&mut self, name: String, partitions: u32) -> Result<(), Rejection> {
        if !topic::is_legal_topic_name(&name) {
            return Err(Rejection::InvalidTopicName { topic: name });
        }
        if self.topics.contains_key(&name) {
            return Err(Rejection::TopicAlreadyExists { topic: name });
        }
        if partitions == 0 || partitions > limits::MAX_PARTITIONS_PER_TOPIC {
            return Err(Rejection::InvalidPartitionCount {
                partitions,
                max: limits::MAX_PARTITIONS_PER_TOPIC,
            });
        }
        if self.topics.len() as u64 >= limits::MAX_TOPICS {
            return Err(Rejection::LimitReached {
                what: "topics",
                max: limits::MAX_TOPICS,
            });
        }
        let broker_count = self.brokers.len() as u32;
        let topic = Topic {
            name: name.clone(),
            partitions: (0..partitions)
                .map(|p| Partition {
                    leader: BrokerId(p % broker_count),
                    log: PartitionLog::new(),
                })
                .collect(),
        };
        self.topics.insert(name.clone(), topic);
        self.emit(EventKind::TopicCreated {
            topic: name,
            partitions,
            leader: BrokerId(0),
        });
        Ok(())
    }

    fn add_producer(&mut self, id: ProducerId, config: ProducerConfig) -> Result<(), Rejection> {
        if self.producers.contains_key(&id) {
            return Err(Rejection::ProducerAlreadyExists { producer: id });
        }
        if self.producers.len() as u64 >= limits::MAX_CLIENTS {
            return Err(Rejection::LimitReached {
                what: "producers",
                max: limits::MAX_CLIENTS,
            });
        }
        self.producers.insert(id, Producer::new(id, config));
        self.emit(EventKind::ProducerAdded { producer: id });
        Ok(())
    }

    fn add_consumer(
        &mut self,
        id: ConsumerId,
        topic: String,
        config: ConsumerConfig,
    ) -> Result<(), Rejection> {
        if self.consumers.contains_key(&id) {
            return Err(Rejection::ConsumerAlreadyExists { consumer: id });
        }
        if self.consumers.len() as u64 >= limits::MAX_CLIENTS {
            return Err(Rejection::LimitReached {
                what: "consumers",
                max: limits::MAX_CLIENTS,
            });
        }
        if config.max_poll_records == 0 {
            return Err(Rejection::InvalidConfig {
                setting: "max.poll.records",
                reason: "must be at least 1".to_owned(),
            });
        }
        if config.fetch_max_wait_ms == 0 && config.poll_interval_ms == 0 {
            // Each empty fetch would be answered and re-sent at the same instant forever.
            return Err(Rejection::InvalidConfig {
                setting: "fetch.max.wait.ms",
                reason: "must be above 0 when the poll interval is 0".to_owned(),
            });
        }
        let Some(topic_state) = self.topics.get(&topic) else {
            return Err(Rejection::UnknownTopic { topic });
        };
        let assignment: BTreeMap<u32, BrokerId> = topic_state
            .partitions
            .iter()
            .enumerate()
            .map(|(number, partition)| (number as u32, partition.leader))
            .collect();
        let leaders: Vec<BrokerId> = {
            let mut leaders: Vec<BrokerId> = assignment.values().copied().collect();
            leaders.sort();
            leaders.dedup();
            leaders
        };
        self.consumers
            .insert(id, Consumer::new(id, topic.clone(), config, assignment));
        self.emit(EventKind::ConsumerAdded {
            consumer: id,
            topic,
        });
        let now = self.now;
        for broker in leaders {
            self.schedule_timer(now, Timer::Poll(id, broker));
        }
        Ok(())
    }
}
