//! Runs a [`Pipeline`] on the broker core.
//!
//! Topics are engine topics, processors engine consumer groups, and every record crosses
//! Kafka as an engine producer's `send()`. What happens between two topics (a processor
//! working on the records its consumer polled, then producing them to the next topic) is
//! driven from here, outside the engine: this driver reads the engine's events after every
//! step, and issues the commands the applications would (`Produce`, `PauseConsumer` while a
//! worker is busy, `AddConsumer` when an autoscaler adds a member). Its own actions sit in a
//! timer queue merged with the engine's, so a run is a pure function of the pipeline, the seed
//! and the load, whatever steps `advance_to` is called with.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::figures::{latency_summary, RunFigures, StageFigures};
use super::model::{Behaviour, EdgeStyle, Pipeline, ProcessorSpec, ServiceTime, When};
use crate::engine::{
    Acks, Command, ConsumerConfig, ConsumerId, Event, EventKind, ProducerConfig, ProducerId,
    RecordId, SimConfig, SimTime, Simulation, TopicConfig, TopicPartition,
};
use crate::engine::{AutoOffsetReset, BrokerId};

/// The synthetic load every source shares.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Load {
    /// Evenly spaced records, split between the sources by their shares.
    Steady { records_per_sec: u32 },
    /// Records at given times (the CodeMentor burst), with their classes.
    Arrivals { arrivals: Vec<Arrival> },
}

impl Load {
    /// The load the comparison uses for every pipeline unless the learner changes it.
    pub const STANDARD_RECORDS_PER_SEC: u32 = 5;

    pub fn standard() -> Self {
        Load::Steady {
            records_per_sec: Self::STANDARD_RECORDS_PER_SEC,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Arrival {
    pub at_ms: u64,
    /// Index into the pipeline's record classes.
    pub class: u32,
}

/// Something that goes wrong, at a time, in a failure story.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fault {
    /// A node's service time per record changes (a slow sink, a slow job).
    SlowNode {
        node: String,
        service_ms: u64,
    },
    /// A source emits one record that every processor with `fails_on_poison` fails on.
    Poison {
        source: String,
    },
    /// The steady load runs at this percentage of its rate (a dinner-time peak).
    LoadPercent {
        percent: u32,
    },
    CrashBroker {
        broker: u32,
    },
    RestartBroker {
        broker: u32,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TimedFault {
    pub at_ms: u64,
    pub fault: Fault,
}

/// The driver's own timers.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Action {
    Emit,
    /// A node finished a record that came in from `from`.
    Done {
        node: usize,
        origin: u32,
        from: usize,
    },
    /// A worker that paused polling while busy may poll again.
    Resume(ConsumerId),
    /// An autoscaler looks at its group's lag.
    Probe(usize),
    Fault(Fault),
}

/// One synthetic record, followed across every topic it is copied to.
#[derive(Clone, Debug)]
struct Origin {
    created_at: SimTime,
    class: u32,
    poison: bool,
}

/// Which origin an engine record carries, in which topic, sent when.
#[derive(Clone, Copy, Debug)]
struct Trace {
    origin: u32,
    topic_node: usize,
    sent_at: SimTime,
}

#[derive(Clone, Debug, Default)]
struct NodeState {
    records_in: u64,
    records_out: u64,
    /// Records in per second of simulated time (index = second).
    in_per_second: Vec<u32>,
    /// End-to-end latency of every record that ended here.
    latencies_ms: Vec<u64>,
    /// Origins that ended here, for unique counts.
    ended: BTreeSet<u32>,
    /// When the last distinct record ended here.
    last_end: SimTime,
    /// Records being served or held for a release.
    in_progress: u64,
    failed: u64,
    /// Records that failed with nowhere to go.
    dropped: u64,
    /// Records a producer gave up on (topics).
    lost: u64,
    consumers: Vec<ConsumerId>,
    producer: Option<ProducerId>,
    service_override_ms: Option<u64>,
}

/// A pipeline running on a [`Simulation`].
#[derive(Clone, Debug)]
pub struct PipelineRun {
    pipeline: Pipeline,
    seed: u64,
    load: Load,
    sim: Simulation,
    queue: BTreeMap<(SimTime, u64), Action>,
    next_action: u64,
    nodes: Vec<NodeState>,
    topic_nodes: BTreeMap<String, usize>,
    consumer_nodes: BTreeMap<ConsumerId, usize>,
    records: BTreeMap<RecordId, Trace>,
    origins: Vec<Origin>,
    next_consumer: u32,
    busy_until: BTreeMap<ConsumerId, SimTime>,
    paused_by_run: BTreeSet<ConsumerId>,
    /// Smooth weighted round robin over the sources: (node, share, current weight).
    sources: Vec<(usize, i64, i64)>,
    load_percent: u32,
    /// The steady load's clock in microseconds, so rates that do not divide 1000 keep time.
    emit_clock_us: u64,
    next_arrival: usize,
    keep_events: bool,
    events: Vec<Event>,
    rejections: Vec<String>,
}

/// A well-mixed 64-bit hash (splitmix64's finaliser): per-record choices that depend only on
/// the seed and the record, never on the order things happen in.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// The next multiple of `every` at or after `at` (a file roll, a scheduled job).
fn release(at: SimTime, every: Option<u64>) -> SimTime {
    match every {
        Some(every) if every > 0 => SimTime(at.0.div_ceil(every) * every),
        _ => at,
    }
}

/// The service time the engine paces a processor's polls with (`SetProcessingTime`), when it
/// is the same for every record.
fn fixed_service(spec: &ProcessorSpec) -> Option<u64> {
    match &spec.service {
        ServiceTime::Fixed { ms } => Some(ms.value),
        ServiceTime::ByClass { .. } => None,
    }
}

impl PipelineRun {
    pub fn new(pipeline: &Pipeline, seed: u64, load: Load) -> Self {
        let cluster = &pipeline.cluster;
        let brokers = cluster.brokers.value.clamp(1, 9) as u32;
        let sim = Simulation::new(SimConfig {
            seed,
            broker_count: brokers,
            ..SimConfig::default()
        });
        let mut run = PipelineRun {
            pipeline: pipeline.clone(),
            seed,
            load,
            sim,
            queue: BTreeMap::new(),
            next_action: 0,
            nodes: vec![NodeState::default(); pipeline.nodes.len()],
            topic_nodes: BTreeMap::new(),
            consumer_nodes: BTreeMap::new(),
            records: BTreeMap::new(),
            origins: Vec::new(),
            next_consumer: 0,
            busy_until: BTreeMap::new(),
            paused_by_run: BTreeSet::new(),
            sources: Vec::new(),
            load_percent: 100,
            emit_clock_us: 0,
            next_arrival: 0,
            keep_events: false,
            events: Vec::new(),
            rejections: pipeline.problems(),
        };
        run.build(brokers);
        run.absorb();
        run
    }

    fn build(&mut self, brokers: u32) {
        let cluster = self.pipeline.cluster.clone();
        let replication_factor = (cluster.replication_factor.value as u32).clamp(1, brokers);
        let min_insync = (cluster.min_insync_replicas.value as u32).clamp(1, replication_factor);
        for (index, node) in self.pipeline.nodes.clone().iter().enumerate() {
            match &node.behaviour {
                Behaviour::Topic { name, partitions } => {
                    self.command(Command::CreateTopic {
                        name: name.clone(),
                        config: TopicConfig {
                            partitions: partitions.value as u32,
                            replication_factor,
                            min_insync_replicas: min_insync,
                            ..TopicConfig::default()
                        },
                    });
                    self.topic_nodes.insert(name.clone(), index);
                }
                Behaviour::Source { share_percent } => {
                    self.sources.push((index, share_percent.value as i64, 0));
                }
                _ => {}
            }
        }
        let mut next_producer = 0;
        for index in 0..self.pipeline.nodes.len() {
            let feeds_topic = self
                .data_edges_from(index)
                .iter()
                .any(|&to| matches!(self.pipeline.nodes[to].behaviour, Behaviour::Topic { .. }));
            if feeds_topic {
                let producer = ProducerId(next_producer);
                next_producer += 1;
                let acks = if cluster.acks_all {
                    Acks::All
                } else {
                    Acks::Leader
                };
                self.command(Command::AddProducer {
                    producer,
                    config: ProducerConfig {
                        acks,
                        // Idempotence needs acks=all.
                        enable_idempotence: cluster.acks_all,
                        ..ProducerConfig::default()
                    },
                });
                self.nodes[index].producer = Some(producer);
            }
        }
        for index in 0..self.pipeline.nodes.len() {
            if let Behaviour::Processor(spec) = &self.pipeline.nodes[index].behaviour {
                let members = spec.members.value;
                let probe = spec.autoscale.as_ref().map(|a| a.probe_every_ms.value);
                for _ in 0..members {
                    self.add_member(index);
                }
                if let Some(every) = probe.filter(|&every| every > 0) {
                    self.schedule(SimTime(every), Action::Probe(index));
                }
            }
        }
        self.schedule_first_emit();
    }

    fn schedule_first_emit(&mut self) {
        match &self.load {
            Load::Steady { records_per_sec } if *records_per_sec > 0 => {
                self.schedule(SimTime::ZERO, Action::Emit);
            }
            Load::Arrivals { arrivals } => {
                if let Some(first) = arrivals.first() {
                    self.schedule(SimTime(first.at_ms), Action::Emit);
                }
            }
            Load::Steady { .. } => {}
        }
    }

    // Reading the run.

    pub fn pipeline(&self) -> &Pipeline {
        &self.pipeline
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn load(&self) -> &Load {
        &self.load
    }

    /// The simulation, for drawing brokers, partitions and messages in flight.
    pub fn sim(&self) -> &Simulation {
        &self.sim
    }

    pub fn now_ms(&self) -> u64 {
        self.sim.now().as_ms()
    }

    /// The engine topic behind a Kafka node.
    pub fn topic_of(&self, node: &str) -> Option<&str> {
        match &self.pipeline.node(node)?.behaviour {
            Behaviour::Topic { name, .. } => Some(name),
            _ => None,
        }
    }

    /// The engine consumers of a processor node, including members added by its autoscaler.
    pub fn consumers_of(&self, node: &str) -> &[ConsumerId] {
        self.pipeline
            .node_index(node)
            .map_or(&[], |i| &self.nodes[i].consumers)
    }

    /// The engine producer a node sends to its topics with.
    pub fn producer_of(&self, node: &str) -> Option<ProducerId> {
        self.nodes[self.pipeline.node_index(node)?].producer
    }

    /// The node an engine consumer belongs to.
    pub fn node_of_consumer(&self, consumer: ConsumerId) -> Option<&str> {
        let index = *self.consumer_nodes.get(&consumer)?;
        Some(&self.pipeline.nodes[index].id)
    }

    /// Records in per second of simulated time, for charts.
    pub fn series_in_per_second(&self, node: &str) -> Option<&[u32]> {
        let index = self.pipeline.node_index(node)?;
        Some(&self.nodes[index].in_per_second)
    }

    /// Distinct synthetic records that ended at this node.
    pub fn ended_unique(&self, node: &str) -> u64 {
        self.pipeline
            .node_index(node)
            .map_or(0, |i| self.nodes[i].ended.len() as u64)
    }

    /// When the last distinct record ended at this node, in milliseconds.
    pub fn last_ended_ms(&self, node: &str) -> u64 {
        self.pipeline
            .node_index(node)
            .map_or(0, |i| self.nodes[i].last_end.as_ms())
    }

    /// Synthetic records created so far (the load plus any poison records).
    pub fn created(&self) -> u64 {
        self.origins.len() as u64
    }

    /// Commands the engine refused and problems found in the pipeline; empty in a sound run.
    pub fn rejections(&self) -> &[String] {
        &self.rejections
    }

    /// Keeps the engine's events so that [`Self::drain_events`] can hand them to a view.
    pub fn keep_events(&mut self, keep: bool) {
        self.keep_events = keep;
    }

    /// The engine events since the last call (only while [`Self::keep_events`] is on).
    pub fn drain_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }

    /// Kafka's consumer lag of a processor's group: the high watermark minus the committed
    /// offset, summed over its topic's partitions.
    pub fn lag(&self, node: &str) -> Option<u64> {
        let index = self.pipeline.node_index(node)?;
        self.group_lag(index)
    }

    /// Running members of a processor's group.
    pub fn members(&self, node: &str) -> Option<u32> {
        let index = self.pipeline.node_index(node)?;
        self.running_members(index)
    }

    /// Records of this node being served or held for a release.
    pub fn in_progress(&self, node: &str) -> u64 {
        self.pipeline
            .node_index(node)
            .map_or(0, |i| self.nodes[i].in_progress)
    }

    /// Records in at a node (appended, for a topic; polled or received, otherwise).
    pub fn records_in(&self, node: &str) -> u64 {
        self.pipeline
            .node_index(node)
            .map_or(0, |i| self.nodes[i].records_in)
    }

    /// Records out of a node (read by its groups, for a topic; forwarded, otherwise).
    pub fn records_out(&self, node: &str) -> u64 {
        self.pipeline
            .node_index(node)
            .map_or(0, |i| self.nodes[i].records_out)
    }

    /// Per-stage figures now, with throughput over the last `window_ms`.
    pub fn figures(&self, window_ms: u64) -> RunFigures {
        let now = self.sim.now();
        let window_s = (window_ms / 1000).max(1);
        let current_second = now.as_ms() / 1000;
        let from_second = current_second.saturating_sub(window_s);
        let seconds = (current_second - from_second).max(1);
        let mut all_latencies = Vec::new();
        let mut delivered = 0;
        let mut stages = Vec::new();
        for (index, node) in self.pipeline.nodes.iter().enumerate() {
            if node.behaviour == Behaviour::Drawn {
                continue;
            }
            let state = &self.nodes[index];
            let recent: u64 = (from_second..current_second)
                .filter_map(|s| state.in_per_second.get(s as usize))
                .map(|&n| u64::from(n))
                .sum();
            all_latencies.extend_from_slice(&state.latencies_ms);
            delivered += state.latencies_ms.len() as u64;
            stages.push(StageFigures {
                node: node.id.clone(),
                label: node.label.clone(),
                kind: node.kind,
                records_in: state.records_in,
                records_out: state.records_out,
                throughput_per_sec: recent as f64 / seconds as f64,
                lag: self.group_lag(index),
                members: self.running_members(index),
                in_progress: state.in_progress,
                failed: state.failed,
                dropped: state.dropped,
                lost: state.lost,
                latency: (!state.latencies_ms.is_empty())
                    .then(|| latency_summary(&state.latencies_ms)),
            });
        }
        RunFigures {
            pipeline: self.pipeline.id.clone(),
            seed: self.seed,
            at_ms: now.as_ms(),
            window_ms: window_s * 1000,
            created: self.created(),
            delivered,
            end_to_end: latency_summary(&all_latencies),
            stages,
            rejections: self.rejections.clone(),
        }
    }

    // Faults.

    /// Schedules a fault (a failure story's timeline).
    pub fn schedule_fault(&mut self, at_ms: u64, fault: Fault) {
        self.schedule(SimTime(at_ms), Action::Fault(fault));
    }

    // Time.

    /// Runs the pipeline until `until_ms`: the engine's timers and this driver's, in time
    /// order (the engine's first at equal times, so a worker pauses before its next poll).
    pub fn advance_to(&mut self, until_ms: u64) {
        let until = SimTime(until_ms);
        loop {
            let engine_next = self.sim.next_deadline();
            let driver_next = self.queue.keys().next().map(|&(at, _)| at);
            match (engine_next, driver_next) {
                (engine, Some(at)) if at <= until && engine.is_none_or(|e| at < e) => {
                    let (_, action) = self.queue.pop_first().expect("peeked");
                    self.sim.advance_to(at);
                    self.perform(action);
                    self.absorb();
                }
                (Some(at), _) if at <= until => {
                    self.sim.step();
                    self.absorb();
                }
                _ => break,
            }
        }
        self.sim.advance_to(until);
    }

    // Internals.

    fn schedule(&mut self, at: SimTime, action: Action) {
        let at = at.max(self.sim.now());
        self.queue.insert((at, self.next_action), action);
        self.next_action += 1;
    }

    fn command(&mut self, command: Command) -> bool {
        match self.sim.handle(command) {
            Ok(()) => true,
            Err(rejection) => {
                self.rejections
                    .push(format!("{}: {rejection}", self.sim.now()));
                false
            }
        }
    }

    fn data_edges_from(&self, index: usize) -> Vec<usize> {
        let id = &self.pipeline.nodes[index].id;
        self.pipeline
            .edges
            .iter()
            .filter(|e| e.style == EdgeStyle::Data && &e.from == id)
            .filter_map(|e| self.pipeline.node_index(&e.to))
            .collect()
    }

    /// The topic a processor reads: the one on its incoming data edge.
    fn input_topic(&self, index: usize) -> Option<String> {
        let id = &self.pipeline.nodes[index].id;
        self.pipeline
            .edges
            .iter()
            .filter(|e| e.style == EdgeStyle::Data && &e.to == id)
            .filter_map(|e| self.pipeline.node(&e.from))
            .find_map(|n| match &n.behaviour {
                Behaviour::Topic { name, .. } => Some(name.clone()),
                _ => None,
            })
    }

    fn spec(&self, index: usize) -> Option<&ProcessorSpec> {
        match &self.pipeline.nodes[index].behaviour {
            Behaviour::Processor(spec) => Some(spec),
            _ => None,
        }
    }

    fn add_member(&mut self, index: usize) {
        let Some(spec) = self.spec(index).cloned() else {
            return;
        };
        let Some(topic) = self.input_topic(index) else {
            return;
        };
        let consumer = ConsumerId(self.next_consumer);
        self.next_consumer += 1;
        let added = self.command(Command::AddConsumer {
            consumer,
            topic,
            group: Some(spec.group.clone()),
            config: ConsumerConfig {
                max_poll_records: spec.max_poll_records.max(1),
                // A pipeline's groups start with it: nothing produced before they joined may be
                // skipped.
                auto_offset_reset: AutoOffsetReset::Earliest,
                ..ConsumerConfig::default()
            },
        });
        if !added {
            return;
        }
        if let Some(fixed) = fixed_service(&spec) {
            let service = self.nodes[index].service_override_ms.unwrap_or(fixed);
            self.command(Command::SetProcessingTime {
                consumer,
                processing_time_ms: service,
            });
        }
        self.nodes[index].consumers.push(consumer);
        self.consumer_nodes.insert(consumer, index);
    }

    fn running_members(&self, index: usize) -> Option<u32> {
        self.spec(index)?;
        Some(
            self.nodes[index]
                .consumers
                .iter()
                .filter_map(|c| self.sim.consumer(*c))
                .filter(|c| !c.crashed && !c.closed)
                .count() as u32,
        )
    }

    fn group_lag(&self, index: usize) -> Option<u64> {
        let spec = self.spec(index)?;
        let topic_name = self.input_topic(index)?;
        let topic = self.sim.topic(&topic_name)?;
        let committed = self.sim.group(&spec.group).map(|g| &g.offsets);
        let mut lag = 0;
        for partition in 0..topic.partition_count() {
            let tp = TopicPartition::new(topic_name.as_str(), partition);
            let high_watermark = self.sim.leader_log(&tp).map_or(0, |l| l.high_watermark().0);
            let offset = committed.and_then(|c| c.get(&tp)).map_or(0, |o| o.0);
            lag += high_watermark.saturating_sub(offset);
        }
        Some(lag)
    }

    /// Hands every engine event to the driver until the engine has nothing more to say.
    fn absorb(&mut self) {
        loop {
            let events = self.sim.drain_events();
            if events.is_empty() {
                return;
            }
            for event in &events {
                self.on_event(event);
            }
            if self.keep_events {
                self.events.extend(events);
            }
        }
    }

    fn on_event(&mut self, event: &Event) {
        match &event.kind {
            EventKind::RecordSent {
                record,
                partition,
                key,
                ..
            } => {
                let Some(&topic_node) = self.topic_nodes.get(&*partition.topic) else {
                    return;
                };
                let Some(origin) = key
                    .as_deref()
                    .and_then(|k| k.rsplit('-').next())
                    .and_then(|n| n.parse::<u32>().ok())
                else {
                    return;
                };
                self.records.insert(
                    *record,
                    Trace {
                        origin,
                        topic_node,
                        sent_at: event.at,
                    },
                );
            }
            EventKind::BatchAppended {
                partition, records, ..
            } => {
                if let Some(&node) = self.topic_nodes.get(&*partition.topic) {
                    for _ in records {
                        self.count_in(node);
                    }
                }
            }
            EventKind::BatchFailed { records, .. } => {
                for record in records {
                    if let Some(trace) = self.records.get(record) {
                        self.nodes[trace.topic_node].lost += 1;
                    }
                }
            }
            EventKind::RecordPolled {
                record, consumer, ..
            } => self.on_polled(*record, *consumer),
            EventKind::CommandRejected { reason } => {
                self.rejections.push(format!("{}: {reason}", event.at));
            }
            _ => {}
        }
    }

    /// A processor's consumer returned a record from `poll()`: the worker serves it after the
    /// records it already has, then forwards it.
    fn on_polled(&mut self, record: RecordId, consumer: ConsumerId) {
        let Some(&index) = self.consumer_nodes.get(&consumer) else {
            return;
        };
        let Some(trace) = self.records.get(&record).copied() else {
            return;
        };
        let Some(spec) = self.spec(index).cloned() else {
            return;
        };
        let now = self.sim.now();
        self.nodes[trace.topic_node].records_out += 1;
        self.count_in(index);
        self.nodes[index].in_progress += 1;
        let class = self
            .origins
            .get(trace.origin as usize)
            .map_or(0, |o| o.class);
        let service = self.nodes[index]
            .service_override_ms
            .unwrap_or_else(|| spec.service.for_class(class));
        let mut start = now.max(self.busy_until.get(&consumer).copied().unwrap_or(now));
        if let Some(hold) = &spec.hold_ms {
            start = start.max(trace.sent_at.plus_ms(hold.value));
        }
        let done = start.plus_ms(service);
        self.busy_until.insert(consumer, done);
        let visible = release(done, spec.release_every_ms.as_ref().map(|m| m.value));
        self.schedule(
            visible,
            Action::Done {
                node: index,
                origin: trace.origin,
                from: trace.topic_node,
            },
        );
        // The worker does not call poll() while it is busy. The engine paces a consumer's own
        // poll loop by its processing time, but a fetch answer from another partition leader
        // hands records over at once; pausing keeps them in Kafka, where lag can count them.
        if done > now {
            if !self.paused_by_run.contains(&consumer)
                && self.sim.handle(Command::PauseConsumer { consumer }).is_ok()
            {
                self.paused_by_run.insert(consumer);
            }
            self.schedule(done, Action::Resume(consumer));
        }
    }

    fn perform(&mut self, action: Action) {
        match action {
            Action::Emit => self.emit(),
            Action::Done { node, origin, from } => {
                self.nodes[node].in_progress = self.nodes[node].in_progress.saturating_sub(1);
                let failed = self.fails(node, origin);
                self.route(node, origin, from, failed);
            }
            Action::Resume(consumer) => {
                let busy = self.busy_until.get(&consumer).copied().unwrap_or_default();
                if self.sim.now() >= busy && self.paused_by_run.remove(&consumer) {
                    // A consumer closed or crashed meanwhile refuses; nothing to resume then.
                    let _ = self.sim.handle(Command::ResumeConsumer { consumer });
                }
            }
            Action::Probe(index) => self.probe(index),
            Action::Fault(fault) => self.fault(fault),
        }
    }

    /// The autoscaler: while the group lags, add members the way Kubernetes' default scale-up
    /// policy does (double, or four more, whichever is more), up to its maximum.
    fn probe(&mut self, index: usize) {
        let Some(scale) = self.spec(index).and_then(|s| s.autoscale.clone()) else {
            return;
        };
        let lag = self.group_lag(index).unwrap_or(0);
        let members = u64::from(self.running_members(index).unwrap_or(0));
        let max = scale.max_members.value;
        if lag > 0 && members < max {
            let add = members.max(4).min(max - members).min(lag);
            for _ in 0..add {
                self.add_member(index);
            }
        }
        let every = scale.probe_every_ms.value.max(1);
        self.schedule(self.sim.now().plus_ms(every), Action::Probe(index));
    }

    fn fault(&mut self, fault: Fault) {
        match fault {
            Fault::SlowNode { node, service_ms } => {
                let Some(index) = self.pipeline.node_index(&node) else {
                    self.rejections.push(format!("no node {node}"));
                    return;
                };
                self.nodes[index].service_override_ms = Some(service_ms);
                if self.spec(index).and_then(fixed_service).is_some() {
                    for consumer in self.nodes[index].consumers.clone() {
                        self.command(Command::SetProcessingTime {
                            consumer,
                            processing_time_ms: service_ms,
                        });
                    }
                }
            }
            Fault::Poison { source } => match self.pipeline.node_index(&source) {
                Some(index) => self.create(index, 0, true),
                None => self.rejections.push(format!("no node {source}")),
            },
            Fault::LoadPercent { percent } => self.load_percent = percent,
            Fault::CrashBroker { broker } => {
                self.command(Command::CrashBroker {
                    broker: BrokerId(broker),
                });
            }
            Fault::RestartBroker { broker } => {
                self.command(Command::RestartBroker {
                    broker: BrokerId(broker),
                });
            }
        }
    }

    /// The next record of the load, and the time of the one after.
    fn emit(&mut self) {
        match self.load.clone() {
            Load::Steady { records_per_sec } => {
                if let Some(source) = self.pick_source() {
                    let class = self.class_for(self.origins.len() as u32);
                    self.create(source, class, false);
                }
                let per_sec = u64::from(records_per_sec) * u64::from(self.load_percent.max(1));
                if per_sec == 0 {
                    return;
                }
                // Microseconds between records, at the current percentage of the rate.
                self.emit_clock_us += (100_000_000 / per_sec).max(1);
                self.schedule(SimTime(self.emit_clock_us / 1000), Action::Emit);
            }
            Load::Arrivals { arrivals } => {
                let now = self.sim.now().as_ms();
                while let Some(arrival) = arrivals.get(self.next_arrival) {
                    if arrival.at_ms > now {
                        self.schedule(SimTime(arrival.at_ms), Action::Emit);
                        break;
                    }
                    self.next_arrival += 1;
                    if let Some(source) = self.pick_source() {
                        self.create(source, arrival.class, false);
                    }
                }
            }
        }
    }

    /// The class of a record of the steady load, by its share, from a hash of the seed.
    fn class_for(&self, origin: u32) -> u32 {
        let draw = mix(self.seed ^ mix(u64::from(origin))) % 100;
        let mut cumulative = 0;
        for (index, class) in self.pipeline.classes.iter().enumerate() {
            cumulative += class.percent.value;
            if draw < cumulative {
                return index as u32;
            }
        }
        0
    }

    fn pick_source(&mut self) -> Option<usize> {
        let total: i64 = self.sources.iter().map(|s| s.1).sum();
        if total <= 0 {
            return self.sources.first().map(|s| s.0);
        }
        for source in &mut self.sources {
            source.2 += source.1;
        }
        let best = self
            .sources
            .iter()
            .enumerate()
            .max_by(|a, b| a.1 .2.cmp(&b.1 .2).then(b.0.cmp(&a.0)))
            .map(|(i, _)| i)?;
        self.sources[best].2 -= total;
        Some(self.sources[best].0)
    }

    fn create(&mut self, source: usize, class: u32, poison: bool) {
        let origin = self.origins.len() as u32;
        self.origins.push(Origin {
            created_at: self.sim.now(),
            class,
            poison,
        });
        self.route(source, origin, source, false);
    }

    fn fails(&self, index: usize, origin: u32) -> bool {
        let Some(spec) = self.spec(index) else {
            return false;
        };
        let Some(record) = self.origins.get(origin as usize) else {
            return false;
        };
        if record.poison && spec.fails_on_poison {
            return true;
        }
        spec.transient_failures_per_mille > 0
            && mix(self.seed ^ mix(u64::from(origin) << 8 | index as u64)) % 1000
                < u64::from(spec.transient_failures_per_mille)
    }

    /// Sends a record a node has finished along the data edges that take it.
    fn route(&mut self, index: usize, origin: u32, from: usize, failed: bool) {
        let from_id = self.pipeline.nodes[from].id.clone();
        let id = self.pipeline.nodes[index].id.clone();
        let targets: Vec<usize> = self
            .pipeline
            .edges
            .iter()
            .filter(|e| e.style == EdgeStyle::Data && e.from == id)
            .filter(|e| match &e.when {
                When::Always => true,
                When::Success => !failed,
                When::Failure => failed,
                When::From(node) => *node == from_id,
            })
            .filter_map(|e| self.pipeline.node_index(&e.to))
            .collect();
        if failed {
            self.nodes[index].failed += 1;
        }
        if targets.is_empty() {
            if failed {
                self.nodes[index].dropped += 1;
            } else {
                self.end(index, origin);
            }
            return;
        }
        self.nodes[index].records_out += 1;
        for target in targets {
            if let Behaviour::Topic { name, .. } = &self.pipeline.nodes[target].behaviour {
                let topic = name.clone();
                let Some(producer) = self.nodes[index].producer else {
                    continue;
                };
                let prefix = &self.pipeline.key_prefix;
                let record = &self.origins[origin as usize];
                let class = self
                    .pipeline
                    .classes
                    .get(record.class as usize)
                    .map_or("", |c| c.name.as_str());
                let value = if record.poison {
                    format!("{prefix}-{origin} {class} POISON")
                } else {
                    format!("{prefix}-{origin} {class}")
                };
                self.command(Command::Produce {
                    producer,
                    topic,
                    key: Some(format!("{prefix}-{origin}")),
                    value: Some(value),
                });
            } else {
                self.arrive(target, origin, index);
            }
        }
    }

    /// A record reaches a node directly (not through Kafka).
    fn arrive(&mut self, index: usize, origin: u32, from: usize) {
        let now = self.sim.now();
        match &self.pipeline.nodes[index].behaviour {
            Behaviour::Drawn | Behaviour::Topic { .. } => {}
            Behaviour::Source { .. } | Behaviour::Sink => {
                self.count_in(index);
                self.end(index, origin);
            }
            Behaviour::Stage {
                service_ms,
                release_every_ms,
            } => {
                let service = self.nodes[index]
                    .service_override_ms
                    .unwrap_or(service_ms.value);
                let at = release(
                    now.plus_ms(service),
                    release_every_ms.as_ref().map(|m| m.value),
                );
                self.count_in(index);
                self.nodes[index].in_progress += 1;
                self.schedule(
                    at,
                    Action::Done {
                        node: index,
                        origin,
                        from,
                    },
                );
            }
            Behaviour::Processor(spec) => {
                let class = self.origins[origin as usize].class;
                let service = self.nodes[index]
                    .service_override_ms
                    .unwrap_or_else(|| spec.service.for_class(class));
                self.count_in(index);
                self.nodes[index].in_progress += 1;
                self.schedule(
                    now.plus_ms(service),
                    Action::Done {
                        node: index,
                        origin,
                        from,
                    },
                );
            }
        }
    }

    /// A record's journey ends at this node.
    fn end(&mut self, index: usize, origin: u32) {
        let now = self.sim.now();
        let Some(record) = self.origins.get(origin as usize) else {
            return;
        };
        let latency = now.since(record.created_at);
        let state = &mut self.nodes[index];
        // A record redone after a rebalance can arrive twice; its latency is its first arrival.
        if state.ended.insert(origin) {
            state.latencies_ms.push(latency);
            state.last_end = now;
        }
    }

    fn count_in(&mut self, index: usize) {
        let second = (self.sim.now().as_ms() / 1000) as usize;
        let state = &mut self.nodes[index];
        state.records_in += 1;
        if state.in_per_second.len() <= second {
            state.in_per_second.resize(second + 1, 0);
        }
        state.in_per_second[second] += 1;
    }
}
