//! The journeys of recent records: for each, every step from `send()` to the commit of each
//! group that read it, taken from the events. [`JourneyBook`] is the memory (an [`Observer`]).
//! Plain Rust, no Yew.

use crate::engine::sorted::{DequeMap, VecMap, VecSet};

use crate::engine::{
    BrokerId, ConsumerId, ErrorCode, Event, EventKind, Offset, ProducerId, RecordId, SimTime,
    Simulation, TopicPartition,
};

use crate::ui::sandbox::observe::Observer;

/// Journeys kept: those of the most recent records (older ones are forgotten).
pub const JOURNEYS_KEPT: usize = 5000;

/// One thing that happened to a record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StepKind {
    /// The leader wrote it to its log.
    Appended {
        broker: BrokerId,
        offset: Offset,
        leader_epoch: u32,
    },
    /// A follower copied it.
    Copied {
        broker: BrokerId,
        offset: Offset,
    },
    /// The leader's high watermark passed it: every in-sync replica has it, consumers may read
    /// it.
    HighWatermarkPassed {
        broker: BrokerId,
    },
    /// The producer's callback succeeded (`offset` is `None` for `acks=0`).
    Acknowledged {
        offset: Option<Offset>,
    },
    Retried {
        error: ErrorCode,
        attempt: u32,
    },
    /// The producer's callback failed.
    Failed {
        error: ErrorCode,
    },
    /// A follower cut it from its log (it diverged from the new leader's).
    Truncated {
        broker: BrokerId,
    },
    /// `poll()` returned it; `reader` is the group, or the consumer without one.
    Delivered {
        reader: String,
        consumer: ConsumerId,
        offset: Offset,
        /// Whether the reader is a group (which commits) rather than a lone consumer.
        in_group: bool,
    },
    /// The group committed an offset past it.
    Committed {
        group: String,
        consumer: ConsumerId,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub at: SimTime,
    pub kind: StepKind,
}

/// Everything remembered about one record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Journey {
    pub record: RecordId,
    pub producer: ProducerId,
    pub partition: TopicPartition,
    pub key: Option<String>,
    pub value: Option<String>,
    pub sent_at: SimTime,
    /// In the order they happened.
    pub steps: Vec<Step>,
}

impl Journey {
    pub(super) fn has(&self, test: impl Fn(&StepKind) -> bool) -> bool {
        self.steps.iter().any(|s| test(&s.kind))
    }

    pub(super) fn passed_high_watermark(&self) -> bool {
        self.has(|k| matches!(k, StepKind::HighWatermarkPassed { .. }))
    }

    pub(super) fn committed_by(&self, group: &str) -> bool {
        self.has(|k| matches!(k, StepKind::Committed { group: g, .. } if g == group))
    }

    pub(super) fn appended_offsets(&self) -> impl Iterator<Item = Offset> + '_ {
        self.steps.iter().filter_map(|s| match s.kind {
            StepKind::Appended { offset, .. } => Some(offset),
            _ => None,
        })
    }

    /// The brokers whose log holds it now, as far as the events tell.
    pub(super) fn holders(&self) -> VecSet<BrokerId> {
        let mut holders = VecSet::new();
        for step in &self.steps {
            match step.kind {
                StepKind::Appended { broker, .. } | StepKind::Copied { broker, .. } => {
                    holders.insert(broker);
                }
                StepKind::Truncated { broker } => {
                    holders.remove(&broker);
                }
                _ => {}
            }
        }
        holders
    }

    /// Deliveries to groups not yet covered by that group's commit: (group, offset).
    pub(super) fn awaiting_commits(&self) -> Vec<(String, Offset)> {
        self.steps
            .iter()
            .filter_map(|s| match &s.kind {
                StepKind::Delivered {
                    reader,
                    offset,
                    in_group: true,
                    ..
                } if !self.committed_by(reader) => Some((reader.clone(), *offset)),
                _ => None,
            })
            .collect()
    }
}

/// The journeys of the most recent records. An [`Observer`].
///
/// Two indexes find the records an event moves along without scanning every journey: records
/// appended but not yet passed by the high watermark, and records delivered to a group but not
/// yet committed by it. Both are pure functions of the journeys (rebuilt after a rewind).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JourneyBook {
    /// A `DequeMap`, not a `VecMap`: up to `JOURNEYS_KEPT` of them, the oldest leaving as each
    /// new one comes, which a sorted vector would pay for by moving them all.
    pub(super) journeys: DequeMap<RecordId, Journey>,
    pub(super) awaiting_high_watermark: VecMap<TopicPartition, DequeMap<Offset, VecSet<RecordId>>>,
    pub(super) awaiting_commit:
        VecMap<(String, TopicPartition), DequeMap<Offset, VecSet<RecordId>>>,
}

impl JourneyBook {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn journey(&self, record: RecordId) -> Option<&Journey> {
        self.journeys.get(&record)
    }

    pub fn len(&self) -> usize {
        self.journeys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.journeys.is_empty()
    }

    /// The newest record kept, a sensible default selection.
    pub fn latest(&self) -> Option<RecordId> {
        self.journeys.keys().next_back().copied()
    }

    pub(super) fn index(&mut self, record: RecordId) {
        let Some(journey) = self.journeys.get(&record) else {
            return;
        };
        if !journey.passed_high_watermark() {
            for offset in journey.appended_offsets() {
                self.awaiting_high_watermark
                    .entry(journey.partition.clone())
                    .or_default()
                    .get_or_insert_with(offset, VecSet::new)
                    .insert(record);
            }
        }
        for (group, offset) in journey.awaiting_commits() {
            self.awaiting_commit
                .entry((group, journey.partition.clone()))
                .or_default()
                .get_or_insert_with(offset, VecSet::new)
                .insert(record);
        }
    }

    pub(super) fn unindex(&mut self, record: RecordId) {
        let Some(journey) = self.journeys.get(&record) else {
            return;
        };
        let tp = &journey.partition;
        forget(
            &mut self.awaiting_high_watermark,
            tp,
            journey.appended_offsets(),
            record,
        );
        for (group, offset) in journey.awaiting_commits() {
            let key = (group, tp.clone());
            forget(&mut self.awaiting_commit, &key, [offset], record);
        }
    }

    /// Adds a step to a kept record, keeping the indexes in step with it.
    ///
    /// Only four kinds of step move a record in or out of an index, and each moves exactly the
    /// entries it names: un-indexing and re-indexing the whole journey on every step cloned
    /// its groups and partition each time, about a millisecond a frame on the large preset at
    /// 10×. The indexes stay what [`JourneyBook::index`] builds from the journeys alone
    /// (`the_indexes_kept_step_by_step_are_the_ones_rebuilt_from_the_journeys`).
    pub(super) fn step(&mut self, record: RecordId, at: SimTime, kind: StepKind) {
        let Some(journey) = self.journeys.get_mut(&record) else {
            return;
        };
        match &kind {
            StepKind::Appended { offset, .. } if !journey.passed_high_watermark() => {
                self.awaiting_high_watermark
                    .entry(journey.partition.clone())
                    .or_default()
                    .get_or_insert_with(*offset, VecSet::new)
                    .insert(record);
            }
            StepKind::HighWatermarkPassed { .. } if !journey.passed_high_watermark() => {
                let offsets = journey.appended_offsets();
                forget(
                    &mut self.awaiting_high_watermark,
                    &journey.partition,
                    offsets,
                    record,
                );
            }
            StepKind::Delivered {
                reader,
                offset,
                in_group: true,
                ..
            } if !journey.committed_by(reader) => {
                self.awaiting_commit
                    .entry((reader.clone(), journey.partition.clone()))
                    .or_default()
                    .get_or_insert_with(*offset, VecSet::new)
                    .insert(record);
            }
            StepKind::Committed { group, .. } if !journey.committed_by(group) => {
                let offsets = journey.steps.iter().filter_map(|s| match &s.kind {
                    StepKind::Delivered {
                        reader,
                        offset,
                        in_group: true,
                        ..
                    } if reader == group => Some(*offset),
                    _ => None,
                });
                let key = (group.clone(), journey.partition.clone());
                forget(&mut self.awaiting_commit, &key, offsets, record);
            }
            _ => {}
        }
        journey.steps.push(Step { at, kind });
    }

    pub(super) fn start(&mut self, journey: Journey) {
        let record = journey.record;
        self.journeys.insert(record, journey);
        while self.journeys.len() > JOURNEYS_KEPT {
            let oldest = *self.journeys.keys().next().expect("not empty");
            self.unindex(oldest);
            self.journeys.remove(&oldest);
        }
    }

    /// Sends, appends, copies and the high watermark: the steps up to the log.
    pub(super) fn on_event(&mut self, sim: &Simulation, event: &Event) {
        let at = event.at;
        match &event.kind {
            EventKind::RecordSent {
                record,
                producer,
                partition,
                key,
                value,
                ..
            } => self.start(Journey {
                record: *record,
                producer: *producer,
                partition: partition.clone(),
                key: key.clone(),
                value: value.clone(),
                sent_at: at,
                steps: Vec::new(),
            }),
            EventKind::BatchAppended {
                broker,
                base_offset,
                records,
                leader_epoch,
                ..
            } => {
                for (index, record) in records.iter().enumerate() {
                    let kind = StepKind::Appended {
                        broker: *broker,
                        offset: Offset(base_offset.0 + index as u64),
                        leader_epoch: *leader_epoch,
                    };
                    self.step(*record, at, kind);
                }
            }
            EventKind::BatchReplicated {
                broker,
                base_offset,
                records,
                ..
            } => {
                for (index, record) in records.iter().enumerate() {
                    let kind = StepKind::Copied {
                        broker: *broker,
                        offset: Offset(base_offset.0 + index as u64),
                    };
                    self.step(*record, at, kind);
                }
            }
            EventKind::HighWatermarkAdvanced {
                broker,
                partition,
                high_watermark,
            } => {
                let candidates: Vec<RecordId> = self
                    .awaiting_high_watermark
                    .get(partition)
                    .map(|map| {
                        map.range(..*high_watermark)
                            .flat_map(|(_, set)| set.iter().copied())
                            .collect()
                    })
                    .unwrap_or_default();
                for record in candidates {
                    // Only a leader that holds this very record passes it (after an unclean
                    // election another record may sit at the same offset).
                    let holds = self
                        .journeys
                        .get(&record)
                        .is_some_and(|j| j.holders().contains(broker));
                    if holds {
                        self.step(
                            record,
                            at,
                            StepKind::HighWatermarkPassed { broker: *broker },
                        );
                    }
                }
            }
            _ => self.on_answer_or_read(sim, event),
        }
    }

    /// Acknowledgements, retries, failures, truncation, polls and commits: the steps after
    /// the record reached the log.
    fn on_answer_or_read(&mut self, sim: &Simulation, event: &Event) {
        let at = event.at;
        match &event.kind {
            EventKind::BatchAcknowledged {
                base_offset,
                records,
                ..
            } => {
                for (index, record) in records.iter().enumerate() {
                    let offset = base_offset.map(|base| Offset(base.0 + index as u64));
                    self.step(*record, at, StepKind::Acknowledged { offset });
                }
            }
            EventKind::BatchRetried {
                records,
                error,
                attempt,
                ..
            } => {
                for record in records {
                    let kind = StepKind::Retried {
                        error: *error,
                        attempt: *attempt,
                    };
                    self.step(*record, at, kind);
                }
            }
            EventKind::BatchFailed { records, error, .. } => {
                for record in records {
                    self.step(*record, at, StepKind::Failed { error: *error });
                }
            }
            EventKind::ReplicaTruncated {
                broker,
                records_removed,
                ..
            } => {
                for record in records_removed {
                    self.step(*record, at, StepKind::Truncated { broker: *broker });
                }
            }
            EventKind::RecordPolled {
                record,
                consumer,
                offset,
                ..
            } => {
                let state = sim.consumer(*consumer);
                let kind = StepKind::Delivered {
                    reader: state.map_or_else(|| consumer.to_string(), |c| c.reader()),
                    consumer: *consumer,
                    offset: *offset,
                    in_group: state.is_some_and(|c| c.group.is_some()),
                };
                self.step(*record, at, kind);
            }
            EventKind::OffsetsCommitted {
                group,
                consumer,
                offsets,
            } => {
                for (tp, committed) in offsets {
                    let key = (group.clone(), tp.clone());
                    let covered: Vec<RecordId> = self
                        .awaiting_commit
                        .get(&key)
                        .map(|map| {
                            map.range(..*committed)
                                .flat_map(|(_, set)| set.iter().copied())
                                .collect()
                        })
                        .unwrap_or_default();
                    for record in covered {
                        let kind = StepKind::Committed {
                            group: group.clone(),
                            consumer: *consumer,
                        };
                        self.step(record, at, kind);
                    }
                }
            }
            _ => {}
        }
    }
}

/// Takes `record` out of an index at each of `offsets` under `key`, dropping what it leaves
/// empty.
fn forget<K: Ord + Clone>(
    index: &mut VecMap<K, DequeMap<Offset, VecSet<RecordId>>>,
    key: &K,
    offsets: impl IntoIterator<Item = Offset>,
    record: RecordId,
) {
    let Some(map) = index.get_mut(key) else {
        return;
    };
    for offset in offsets {
        if let Some(set) = map.get_mut(&offset) {
            set.remove(&record);
            if set.is_empty() {
                map.remove(&offset);
            }
        }
    }
    if map.is_empty() {
        index.remove(key);
    }
}

impl Observer for JourneyBook {
    fn observe(&mut self, sim: &Simulation, events: &[Event]) {
        for event in events {
            self.on_event(sim, event);
        }
    }

    fn rewind_to(&mut self, time: SimTime) {
        self.journeys.retain(|_, journey| journey.sent_at <= time);
        for journey in self.journeys.values_mut() {
            while journey.steps.last().is_some_and(|s| s.at > time) {
                journey.steps.pop();
            }
        }
        self.awaiting_high_watermark.clear();
        self.awaiting_commit.clear();
        let records: Vec<RecordId> = self.journeys.keys().copied().collect();
        for record in records {
            self.index(record);
        }
    }
}
