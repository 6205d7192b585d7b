//! The charts' memory of a run: one [`Sample`] every [`SAMPLE_INTERVAL_MS`] of simulated time,
//! built from the engine's events, so the same run always gives the same samples however time
//! was advanced (one big step or one frame at a time), and a rewind followed by the same replay
//! gives the same history again.
//!
//! Why events and not the simulation's getters: an advance of several seconds only shows the
//! state at its end, but a sample describes the state at its own boundary. Every state figure
//! the charts need (high watermarks, ISR sizes, leaders, committed offsets, positions) is
//! carried by an event as an absolute value, so folding the events in time order gives the
//! state at any boundary. The getters are read only for facts that never change once they
//! exist (a topic's replica lists, a consumer's group), and to seed the history at creation.
//!
//! The sample interval is 500 ms. The scenes slow the network to 450 ms ± 150 ms, so a finer
//! interval would draw the rhythm of individual requests as noise rather than a rate, while
//! 500 ms still puts two points under every second of the timeline.
//!
//! Memory stays bounded by thinning old samples by age: every sample of the last 2 minutes,
//! one every 2 s up to 10 minutes back, one every 10 s up to an hour back, nothing older. A
//! thinned-away sample is dropped, not merged, so a kept old sample still describes its own
//! 500 ms window. Record send times (for latency) are kept for 5 minutes and at most
//! [`SENT_KEPT_MAX`] records; the journal that makes rewinds exact is kept for the full
//! resolution tier and at most [`JOURNAL_MAX_FACTS`] facts.

use crate::engine::sorted;
use crate::engine::sorted::{DequeMap, VecMap};
use std::collections::VecDeque;
use std::sync::Arc;

use crate::engine::{
    BrokerId, ConsumerId, Event, EventKind, RecordId, SimTime, Simulation, TopicPartition,
    OFFSETS_TOPIC,
};
use crate::ui::sandbox::observe::Observer;

/// Simulated time between two samples.
pub const SAMPLE_INTERVAL_MS: u64 = 500;

/// How old samples are thinned: up to each age, only samples on multiples of the step are kept.
/// Ages beyond the last tier are forgotten.
const THINNING_TIERS_MS: [(u64, u64); 3] = [
    (120_000, SAMPLE_INTERVAL_MS),
    (600_000, 2_000),
    (3_600_000, 10_000),
];

/// A record polled more than this long after it was sent is not timed (its send time has been
/// forgotten).
pub const LATENCY_HORIZON_MS: u64 = 300_000;

/// Send times kept at most, whatever their age, so a fast workload cannot grow memory.
pub const SENT_KEPT_MAX: usize = 200_000;

/// The journal (see [`MetricsHistory::rewind_to`]) keeps the facts of this much simulated time:
/// the full-resolution tier and one more interval, so any rewind within it is exact.
const JOURNAL_HORIZON_MS: u64 = 120_000 + SAMPLE_INTERVAL_MS;

/// The journal keeps at most this many facts.
pub const JOURNAL_MAX_FACTS: usize = 200_000;

/// A reader: a consumer group, or a consumer without a group (named like the auditor does).
pub type Reader = Arc<str>;

/// One partition as the controller sees it at a sample's boundary.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PartitionState {
    /// Replica assignment, in order.
    pub replicas: Vec<BrokerId>,
    /// In-sync replicas.
    pub isr: Vec<BrokerId>,
    /// Whether the partition has a leader.
    pub online: bool,
    pub high_watermark: u64,
}

impl PartitionState {
    /// Kafka's UnderReplicatedPartitions: fewer in-sync replicas than replicas.
    pub fn is_under_replicated(&self) -> bool {
        self.isr.len() < self.replicas.len()
    }
}

/// Lag of one reader on one partition, in records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LagRow {
    pub reader: Reader,
    pub partition: TopicPartition,
    /// High watermark minus the committed offset (what `kafka-consumer-groups` shows), or
    /// `None` before the first commit.
    pub committed_lag: Option<u64>,
    /// High watermark minus the position (the next offset `poll()` returns), or `None` while
    /// the reader has no position there.
    pub position_lag: Option<u64>,
}

/// Everything a sample carries over to the next one: the state of the cluster and readers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct State {
    /// (up, fenced) per broker, to tell which replicas of a new topic start in its ISR.
    brokers: VecMap<BrokerId, (bool, bool)>,
    partitions: VecMap<TopicPartition, PartitionState>,
    /// The topic each reader subscribes to.
    readers: VecMap<Reader, Arc<str>>,
    consumer_readers: VecMap<ConsumerId, Reader>,
    committed: VecMap<(Reader, TopicPartition), u64>,
    positions: VecMap<(Reader, TopicPartition), u64>,
}

/// What happened in one window, reset at each boundary.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Window {
    sent: u64,
    acked: u64,
    polled: VecMap<Reader, u64>,
    latencies_ms: Vec<u64>,
}

/// The figures of one window `(at - SAMPLE_INTERVAL_MS, at]`, and the state at `at`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sample {
    /// The end of the window.
    pub at: SimTime,
    /// Records handed to `send()` in the window.
    pub sent: u64,
    /// Records whose send was acknowledged in the window.
    pub acked: u64,
    /// Records `poll()` returned in the window, per reader.
    pub polled: VecMap<Reader, u64>,
    /// End-to-end latency (send to poll) of the records polled in the window, by nearest rank.
    pub latency_p50_ms: Option<u64>,
    pub latency_p99_ms: Option<u64>,
    /// Shared with the previous sample while nothing changed.
    state: Arc<SampleState>,
}

/// A sample's state, and its lag rows once asked for. A sample's state never changes after it
/// is taken, so its rows are worked out at most once however many chart builds show it (the
/// lag chart shows every sample of its last minute on each build, five times a second).
#[derive(Debug)]
struct SampleState {
    state: State,
    lag_rows: std::sync::OnceLock<Vec<LagRow>>,
}

impl SampleState {
    fn new(state: State) -> Self {
        SampleState {
            state,
            lag_rows: std::sync::OnceLock::new(),
        }
    }
}

/// Two samples' states are equal when the states are; the rows are only derived from them.
impl PartialEq for SampleState {
    fn eq(&self, other: &Self) -> bool {
        self.state == other.state
    }
}

impl Eq for SampleState {}

fn per_second(count: u64) -> f64 {
    count as f64 * 1000.0 / SAMPLE_INTERVAL_MS as f64
}

impl Sample {
    pub fn sent_per_second(&self) -> f64 {
        per_second(self.sent)
    }

    pub fn acked_per_second(&self) -> f64 {
        per_second(self.acked)
    }

    /// Every reader known at this sample, with its rate (zero when it polled nothing).
    /// Records `reader` polled per second in the window (zero when it polled nothing).
    pub fn polled_per_second_by(&self, reader: &Reader) -> f64 {
        per_second(self.polled.get(reader).copied().unwrap_or(0))
    }

    pub fn polled_per_second(&self) -> VecMap<Reader, f64> {
        self.state
            .state
            .readers
            .keys()
            .map(|reader| {
                let count = self.polled.get(reader).copied().unwrap_or(0);
                (reader.clone(), per_second(count))
            })
            .collect::<VecMap<_, _>>()
    }

    /// Every user partition (not `__consumer_offsets`).
    pub fn partitions(&self) -> &VecMap<TopicPartition, PartitionState> {
        &self.state.state.partitions
    }

    pub fn under_replicated(&self) -> u32 {
        self.partitions()
            .values()
            .filter(|p| p.is_under_replicated())
            .count() as u32
    }

    pub fn offline(&self) -> u32 {
        self.partitions().values().filter(|p| !p.online).count() as u32
    }

    /// The smallest ISR over all partitions, if there are any.
    pub fn min_isr(&self) -> Option<u32> {
        self.partitions().values().map(|p| p.isr.len() as u32).min()
    }

    /// One row per reader and partition of the topic it reads, in reader then partition order.
    pub fn lag_rows(&self) -> &[LagRow] {
        self.state
            .lag_rows
            .get_or_init(|| lag_rows_of(&self.state.state))
    }
}

fn lag_rows_of(state: &State) -> Vec<LagRow> {
    let mut rows = Vec::new();
    for (reader, topic) in &state.readers {
        // The committed offsets and positions are ordered by (reader, partition) like the
        // rows, so each is walked once alongside them instead of searched per row: the
        // lag chart asks every visible sample for its rows on every build.
        let first = (reader.clone(), TopicPartition::new(topic.clone(), 0));
        let mut committed = state.committed.range(&first..).peekable();
        let mut positions = state.positions.range(&first..).peekable();
        for (tp, partition) in state
            .partitions
            .range(TopicPartition::new(topic.clone(), 0)..)
        {
            if tp.topic != *topic {
                break;
            }
            let hw = partition.high_watermark;
            rows.push(LagRow {
                reader: reader.clone(),
                partition: tp.clone(),
                committed_lag: next_at(&mut committed, reader, tp).map(|o| hw.saturating_sub(o)),
                position_lag: next_at(&mut positions, reader, tp).map(|o| hw.saturating_sub(o)),
            });
        }
    }
    rows
}

/// The value at `(reader, partition)` of an ordered walk over `(reader, partition)` keys, which
/// is moved past every key before it (the caller asks in increasing order).
fn next_at<'a>(
    walk: &mut std::iter::Peekable<impl Iterator<Item = (&'a (Reader, TopicPartition), &'a u64)>>,
    reader: &Reader,
    partition: &TopicPartition,
) -> Option<u64> {
    while let Some(((r, p), value)) = walk.peek() {
        if r != reader {
            return None;
        }
        match (*p).cmp(partition) {
            std::cmp::Ordering::Less => {
                walk.next();
            }
            std::cmp::Ordering::Equal => return Some(**value),
            std::cmp::Ordering::Greater => return None,
        }
    }
    None
}

/// An event reduced to what the history needs, with whatever it needed from the simulation
/// looked up, so the journal can be replayed without the simulation.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Fact {
    Sent,
    Acked(u64),
    Polled {
        consumer: ConsumerId,
        partition: TopicPartition,
        next_offset: u64,
        latency_ms: Option<u64>,
    },
    PositionReset {
        consumer: ConsumerId,
        partition: TopicPartition,
        offset: u64,
    },
    Committed {
        group: Reader,
        offsets: Vec<(TopicPartition, u64)>,
    },
    HighWatermark(TopicPartition, u64),
    Isr(TopicPartition, Vec<BrokerId>),
    Online(TopicPartition, bool),
    TopicCreated {
        topic: Arc<str>,
        replicas: Vec<Vec<BrokerId>>,
    },
    ConsumerAdded {
        consumer: ConsumerId,
        reader: Reader,
        topic: Arc<str>,
    },
    BrokerUp(BrokerId, bool),
    BrokerFenced(BrokerId, bool),
}

/// Send times of recent records, for end-to-end latency. Records are sent in id order and
/// forgotten oldest first, so the map is a `DequeMap`: a sorted vector would move up to
/// [`SENT_KEPT_MAX`] entries each time the oldest goes.
#[derive(Clone, Debug, Default)]
struct SentTimes {
    by_record: DequeMap<RecordId, SimTime>,
    order: VecDeque<(SimTime, RecordId)>,
}

impl SentTimes {
    fn insert(&mut self, record: RecordId, at: SimTime) {
        self.by_record.insert(record, at);
        self.order.push_back((at, record));
        while self.order.len() > SENT_KEPT_MAX {
            self.pop_front();
        }
    }

    fn pop_front(&mut self) {
        if let Some((_, record)) = self.order.pop_front() {
            self.by_record.remove(&record);
        }
    }

    fn forget_before(&mut self, time: SimTime) {
        while self.order.front().is_some_and(|(at, _)| *at < time) {
            self.pop_front();
        }
    }

    fn forget_after(&mut self, time: SimTime) {
        while let Some((at, record)) = self.order.back().copied() {
            if at <= time {
                break;
            }
            self.order.pop_back();
            self.by_record.remove(&record);
        }
    }
}

/// The samples of a run, fed as an [`Observer`].
///
/// Create it with [`MetricsHistory::new`] from the simulation it will observe, before that
/// simulation advances; then call [`Observer::observe`] after every advance and command.
#[derive(Clone, Debug)]
pub struct MetricsHistory {
    /// The state when the history was created: the base of rewinds before the first sample.
    seed_at: SimTime,
    seed: Arc<State>,
    samples: VecDeque<Sample>,
    state: State,
    window: Window,
    /// The end of the window being filled.
    next_boundary: SimTime,
    /// The simulated time of the last observation.
    observed_to: SimTime,
    /// Every fact after `journal_floor`, oldest first, so a rewind can rebuild the state at
    /// any time after the sample it restarts from.
    journal: VecDeque<(SimTime, Fact)>,
    /// Facts at or before this time may have been forgotten; `None` while none were.
    journal_floor: Option<SimTime>,
    sent: SentTimes,
}

fn first_boundary_after(time: SimTime) -> SimTime {
    SimTime((time.as_ms() / SAMPLE_INTERVAL_MS + 1) * SAMPLE_INTERVAL_MS)
}

/// Whether a sample at `at` is still kept when the run has reached `now`. Only ever turns
/// from true to false as `now` grows, so the kept set does not depend on how often it is
/// applied, which keeps the history independent of the step size and of rewinds.
fn is_kept(at: SimTime, now: SimTime) -> bool {
    let age = now.since(at);
    THINNING_TIERS_MS
        .iter()
        .any(|(max_age, step)| age <= *max_age && at.as_ms().is_multiple_of(*step))
}

/// Nearest-rank percentile of sorted values.
fn percentile(sorted: &[u64], percent: u64) -> Option<u64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (sorted.len() as u64 * percent).div_ceil(100).max(1);
    Some(sorted[(rank - 1) as usize])
}

impl MetricsHistory {
    /// Starts a history of `sim` from its current state.
    pub fn new(sim: &Simulation) -> Self {
        let seed = Arc::new(seed_state(sim));
        let now = sim.now();
        MetricsHistory {
            seed_at: now,
            state: (*seed).clone(),
            seed,
            samples: VecDeque::new(),
            window: Window::default(),
            next_boundary: first_boundary_after(now),
            observed_to: now,
            journal: VecDeque::new(),
            journal_floor: None,
            sent: SentTimes::default(),
        }
    }

    /// The samples, oldest first.
    pub fn samples(&self) -> &VecDeque<Sample> {
        &self.samples
    }

    pub fn latest(&self) -> Option<&Sample> {
        self.samples.back()
    }

    /// The simulated time the history has seen up to.
    pub fn observed_to(&self) -> SimTime {
        self.observed_to
    }

    /// Turns an event into facts, reading the simulation only for facts that never change.
    fn facts_of(&mut self, sim: &Simulation, event: &Event) -> Option<Fact> {
        let user = |tp: &TopicPartition| &*tp.topic != OFFSETS_TOPIC;
        let fact = match &event.kind {
            EventKind::RecordSent {
                record, partition, ..
            } if user(partition) => {
                self.sent.insert(*record, event.at);
                Fact::Sent
            }
            EventKind::BatchAcknowledged {
                partition, records, ..
            } if user(partition) => Fact::Acked(records.len() as u64),
            EventKind::RecordPolled {
                record,
                consumer,
                partition,
                offset,
                ..
            } if user(partition) => {
                let latency_ms = self
                    .sent
                    .by_record
                    .get(record)
                    .map(|sent_at| event.at.since(*sent_at))
                    .filter(|ms| *ms <= LATENCY_HORIZON_MS);
                Fact::Polled {
                    consumer: *consumer,
                    partition: partition.clone(),
                    next_offset: offset.0 + 1,
                    latency_ms,
                }
            }
            EventKind::PositionReset {
                consumer,
                partition,
                offset,
                ..
            } if user(partition) => Fact::PositionReset {
                consumer: *consumer,
                partition: partition.clone(),
                offset: offset.0,
            },
            EventKind::OffsetsCommitted { group, offsets, .. } => Fact::Committed {
                group: Arc::from(group.as_str()),
                offsets: offsets
                    .iter()
                    .filter(|(tp, _)| user(tp))
                    .map(|(tp, o)| (tp.clone(), o.0))
                    .collect(),
            },
            EventKind::HighWatermarkAdvanced {
                partition,
                high_watermark,
                ..
            } if user(partition) => Fact::HighWatermark(partition.clone(), high_watermark.0),
            EventKind::IsrChanged { partition, isr, .. } if user(partition) => {
                Fact::Isr(partition.clone(), isr.clone())
            }
            EventKind::LeaderElected { partition, .. } if user(partition) => {
                Fact::Online(partition.clone(), true)
            }
            EventKind::PartitionOffline { partition } if user(partition) => {
                Fact::Online(partition.clone(), false)
            }
            EventKind::TopicCreated { topic, .. } if topic != OFFSETS_TOPIC => {
                // Replica lists never change once placed, so reading them later is exact.
                let replicas = sim
                    .topic(topic)
                    .map(|t| t.partitions.iter().map(|p| p.replicas.clone()).collect())
                    .unwrap_or_default();
                Fact::TopicCreated {
                    topic: Arc::from(topic.as_str()),
                    replicas,
                }
            }
            EventKind::ConsumerAdded { consumer, topic } => Fact::ConsumerAdded {
                consumer: *consumer,
                // A consumer's group is fixed when it is created.
                reader: sim
                    .consumer(*consumer)
                    .map_or_else(|| consumer.to_string(), |c| c.reader())
                    .into(),
                topic: Arc::from(topic.as_str()),
            },
            EventKind::BrokerCrashed { broker } => Fact::BrokerUp(*broker, false),
            EventKind::BrokerRestarted { broker } => Fact::BrokerUp(*broker, true),
            EventKind::BrokerFenced { broker } => Fact::BrokerFenced(*broker, true),
            EventKind::BrokerUnfenced { broker } => Fact::BrokerFenced(*broker, false),
            _ => return None,
        };
        Some(fact)
    }

    /// Closes every window that ends before `time`.
    fn close_windows_before(&mut self, time: SimTime) {
        while self.next_boundary < time {
            let window = std::mem::take(&mut self.window);
            let mut latencies = window.latencies_ms;
            sorted::sort(&mut latencies);
            let state = match self.samples.back() {
                Some(last) if last.state.state == self.state => last.state.clone(),
                _ => Arc::new(SampleState::new(self.state.clone())),
            };
            self.samples.push_back(Sample {
                at: self.next_boundary,
                sent: window.sent,
                acked: window.acked,
                polled: window.polled,
                latency_p50_ms: percentile(&latencies, 50),
                latency_p99_ms: percentile(&latencies, 99),
                state,
            });
            self.next_boundary = self.next_boundary.plus_ms(SAMPLE_INTERVAL_MS);
        }
    }

    /// Folds one fact into the state and the open window, closing earlier windows first.
    fn apply(&mut self, at: SimTime, fact: &Fact) {
        self.close_windows_before(at);
        let state = &mut self.state;
        match fact {
            Fact::Sent => self.window.sent += 1,
            Fact::Acked(count) => self.window.acked += count,
            Fact::Polled {
                consumer,
                partition,
                next_offset,
                latency_ms,
            } => {
                let reader = reader_of(state, *consumer);
                *self.window.polled.entry(reader.clone()).or_insert(0) += 1;
                state
                    .positions
                    .insert((reader, partition.clone()), *next_offset);
                if let Some(ms) = latency_ms {
                    self.window.latencies_ms.push(*ms);
                }
            }
            Fact::PositionReset {
                consumer,
                partition,
                offset,
            } => {
                let reader = reader_of(state, *consumer);
                state.positions.insert((reader, partition.clone()), *offset);
            }
            Fact::Committed { group, offsets } => {
                for (tp, offset) in offsets {
                    state.committed.insert((group.clone(), tp.clone()), *offset);
                }
            }
            Fact::HighWatermark(tp, offset) => {
                state
                    .partitions
                    .entry(tp.clone())
                    .or_default()
                    .high_watermark = *offset;
            }
            Fact::Isr(tp, isr) => state.partitions.entry(tp.clone()).or_default().isr = isr.clone(),
            Fact::Online(tp, online) => {
                state.partitions.entry(tp.clone()).or_default().online = *online;
            }
            Fact::TopicCreated { topic, replicas } => {
                // The controller starts each partition with its available replicas in sync
                // and the first of them leading.
                for (index, replicas) in replicas.iter().enumerate() {
                    let available: Vec<BrokerId> = replicas
                        .iter()
                        .copied()
                        .filter(|b| state.brokers.get(b).is_some_and(|(up, f)| *up && !*f))
                        .collect();
                    state.partitions.insert(
                        TopicPartition::new(topic.clone(), index as u32),
                        PartitionState {
                            online: !available.is_empty(),
                            isr: if available.is_empty() {
                                replicas.clone()
                            } else {
                                available
                            },
                            replicas: replicas.clone(),
                            high_watermark: 0,
                        },
                    );
                }
            }
            Fact::ConsumerAdded {
                consumer,
                reader,
                topic,
            } => {
                state.consumer_readers.insert(*consumer, reader.clone());
                state.readers.insert(reader.clone(), topic.clone());
            }
            Fact::BrokerUp(broker, up) => state.brokers.entry(*broker).or_default().0 = *up,
            Fact::BrokerFenced(broker, fenced) => {
                state.brokers.entry(*broker).or_default().1 = *fenced;
                if *fenced {
                    // The controller removes a fenced broker from every ISR it can leave (never
                    // emptying one) without an IsrChanged event, so the history does the same.
                    for partition in state.partitions.values_mut() {
                        if partition.isr.len() > 1 {
                            partition.isr.retain(|b| b != broker);
                        }
                    }
                }
            }
        }
    }

    /// Forgets what no longer needs keeping once the run has reached `now`.
    fn forget_old(&mut self, now: SimTime) {
        self.samples.retain(|s| is_kept(s.at, now));
        let journal_from = SimTime(now.as_ms().saturating_sub(JOURNAL_HORIZON_MS));
        while let Some((at, _)) = self.journal.front() {
            if *at >= journal_from && self.journal.len() <= JOURNAL_MAX_FACTS {
                break;
            }
            let at = *at;
            self.journal.pop_front();
            self.journal_floor = Some(self.journal_floor.map_or(at, |f| f.max(at)));
        }
        self.sent
            .forget_before(SimTime(now.as_ms().saturating_sub(LATENCY_HORIZON_MS)));
    }
}

fn reader_of(state: &State, consumer: ConsumerId) -> Reader {
    state
        .consumer_readers
        .get(&consumer)
        .cloned()
        .unwrap_or_else(|| consumer.to_string().into())
}

/// The state of `sim` now, for a history that starts here.
fn seed_state(sim: &Simulation) -> State {
    let mut state = State::default();
    for broker in sim.brokers() {
        state.brokers.insert(broker.id, (broker.up, broker.fenced));
    }
    for topic in sim.topics().filter(|t| t.name != OFFSETS_TOPIC) {
        for (index, meta) in topic.partitions.iter().enumerate() {
            let tp = TopicPartition::new(topic.shared_name.clone(), index as u32);
            let high_watermark = sim.leader_log(&tp).map_or(0, |l| l.high_watermark().0);
            state.partitions.insert(
                tp,
                PartitionState {
                    replicas: meta.replicas.clone(),
                    isr: meta.isr.clone(),
                    online: meta.leader.is_some(),
                    high_watermark,
                },
            );
        }
    }
    for consumer in sim.consumers() {
        let reader: Reader = consumer.reader().into();
        let topic: Arc<str> = consumer.topic.as_str().into();
        state.consumer_readers.insert(consumer.id, reader.clone());
        state.readers.insert(reader.clone(), topic.clone());
        let reading = consumer.reading(|name| sim.topic(name).map_or(0, |t| t.partition_count()));
        for tp in reading {
            if let Some(position) = consumer.positions.get(&tp) {
                state.positions.insert((reader.clone(), tp), position.0);
            }
        }
    }
    for group in sim.groups() {
        let reader: Reader = group.id.as_str().into();
        for (tp, offset) in group
            .offsets
            .iter()
            .filter(|(tp, _)| &*tp.topic != OFFSETS_TOPIC)
        {
            state
                .committed
                .insert((reader.clone(), tp.clone()), offset.0);
        }
    }
    state
}

impl Observer for MetricsHistory {
    fn observe(&mut self, sim: &Simulation, events: &[Event]) {
        for event in events {
            if let Some(fact) = self.facts_of(sim, event) {
                self.apply(event.at, &fact);
                self.journal.push_back((event.at, fact));
            }
        }
        let now = sim.now().max(self.observed_to);
        self.observed_to = now;
        // Events at `now` may still come (a command applied at this same millisecond), so the
        // window ending at `now` stays open.
        self.close_windows_before(now);
        self.forget_old(now);
    }

    /// Forgets everything after `time`, leaving the history as it was when the run was at
    /// `time`. Exact when the journal still holds every fact after the last sample before
    /// `time` (any rewind within the last 2 minutes of simulated time, or onto a kept sample's
    /// boundary); otherwise the window containing `time` misses the facts already forgotten.
    fn rewind_to(&mut self, time: SimTime) {
        if time >= self.observed_to {
            return;
        }
        if time < self.seed_at {
            *self = MetricsHistory {
                journal: VecDeque::new(),
                journal_floor: None,
                sent: SentTimes::default(),
                samples: VecDeque::new(),
                window: Window::default(),
                state: (*self.seed).clone(),
                next_boundary: first_boundary_after(self.seed_at),
                observed_to: self.seed_at,
                seed: self.seed.clone(),
                seed_at: self.seed_at,
            };
            return;
        }
        while self.samples.back().is_some_and(|s| s.at >= time) {
            self.samples.pop_back();
        }
        let (base_at, base_state) = match self.samples.back() {
            Some(sample) => (Some(sample.at), sample.state.state.clone()),
            None => (None, (*self.seed).clone()),
        };
        self.state = base_state;
        self.window = Window::default();
        self.next_boundary = match base_at {
            Some(at) => at.plus_ms(SAMPLE_INTERVAL_MS),
            None => first_boundary_after(self.seed_at),
        };
        while self.journal.back().is_some_and(|(at, _)| *at > time) {
            self.journal.pop_back();
        }
        let replay: Vec<(SimTime, Fact)> = self
            .journal
            .iter()
            .filter(|(at, _)| base_at.is_none_or(|base| *at > base))
            .cloned()
            .collect();
        for (at, fact) in &replay {
            self.apply(*at, fact);
        }
        self.sent.forget_after(time);
        self.observed_to = time;
        self.close_windows_before(time);
    }
}

#[cfg(test)]
mod tests;
