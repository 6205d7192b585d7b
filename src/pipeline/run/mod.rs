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
//!
//! This file holds [`PipelineRun`], its getters, its figures and the time loop. The rest, by
//! seam: `setup` (topics, producers, first members), `load` (the synthetic records),
//! `events` (what the engine reports after every step), `routing` (where a finished record
//! goes), `autoscale` (group members, lag and the autoscaler), `faults` (failure stories) and
//! `timers` (the driver's own timer queue).

mod autoscale;
mod events;
mod faults;
mod load;
mod routing;
mod setup;
mod timers;

use crate::engine::sorted::{VecMap, VecSet};
use std::collections::BTreeMap;

use super::figures::{latency_summary, RunFigures, StageFigures};
use super::model::{Behaviour, Pipeline, ProcessorSpec, ServiceTime};
use crate::engine::{
    Command, ConsumerId, Event, ProducerId, RecordId, SimConfig, SimTime, Simulation,
};

pub use faults::{Fault, TimedFault};
pub use load::{Arrival, Load};
use timers::{Action, TimerQueue};

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
    ended: VecSet<u32>,
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
    timers: TimerQueue,
    nodes: Vec<NodeState>,
    topic_nodes: VecMap<String, usize>,
    consumer_nodes: VecMap<ConsumerId, usize>,
    /// A B-tree: every record in the pipeline, leaving from the front as each one ends.
    records: BTreeMap<RecordId, Trace>,
    origins: Vec<Origin>,
    next_consumer: u32,
    busy_until: VecMap<ConsumerId, SimTime>,
    paused_by_run: VecSet<ConsumerId>,
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
            timers: TimerQueue::default(),
            nodes: vec![NodeState::default(); pipeline.nodes.len()],
            topic_nodes: VecMap::new(),
            consumer_nodes: VecMap::new(),
            records: BTreeMap::new(),
            origins: Vec::new(),
            next_consumer: 0,
            busy_until: VecMap::new(),
            paused_by_run: VecSet::new(),
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
            let driver_next = self.timers.next_at();
            match (engine_next, driver_next) {
                (engine, Some(at)) if at <= until && engine.is_none_or(|e| at < e) => {
                    let (_, action) = self.timers.pop().expect("peeked");
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
        self.timers.schedule(at, action);
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

    fn spec(&self, index: usize) -> Option<&ProcessorSpec> {
        match &self.pipeline.nodes[index].behaviour {
            Behaviour::Processor(spec) => Some(spec),
            _ => None,
        }
    }
}
