//! Record journeys: for each recent record, every step from `send()` to the commit of each
//! group that read it, taken from the events. [`JourneyBook`] is the memory (an
//! [`Observer`]); [`JourneyView::build`] turns one record's journey into the list the panel
//! draws, with "not yet" for the steps still expected. Plain Rust, no Yew.

use std::collections::{BTreeMap, BTreeSet};

use crate::engine::{
    Acks, BrokerId, ConsumerId, ErrorCode, Event, EventKind, Offset, ProducerId, RecordId, SimTime,
    Simulation, TopicPartition,
};

use crate::ui::sandbox::events::text::time_label;
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
    fn has(&self, test: impl Fn(&StepKind) -> bool) -> bool {
        self.steps.iter().any(|s| test(&s.kind))
    }

    fn passed_high_watermark(&self) -> bool {
        self.has(|k| matches!(k, StepKind::HighWatermarkPassed { .. }))
    }

    fn committed_by(&self, group: &str) -> bool {
        self.has(|k| matches!(k, StepKind::Committed { group: g, .. } if g == group))
    }

    fn appended_offsets(&self) -> impl Iterator<Item = Offset> + '_ {
        self.steps.iter().filter_map(|s| match s.kind {
            StepKind::Appended { offset, .. } => Some(offset),
            _ => None,
        })
    }

    /// The brokers whose log holds it now, as far as the events tell.
    fn holders(&self) -> BTreeSet<BrokerId> {
        let mut holders = BTreeSet::new();
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
    fn awaiting_commits(&self) -> Vec<(String, Offset)> {
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
    journeys: BTreeMap<RecordId, Journey>,
    awaiting_high_watermark: BTreeMap<TopicPartition, BTreeMap<Offset, BTreeSet<RecordId>>>,
    awaiting_commit: BTreeMap<(String, TopicPartition), BTreeMap<Offset, BTreeSet<RecordId>>>,
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

    fn index(&mut self, record: RecordId) {
        let Some(journey) = self.journeys.get(&record) else {
            return;
        };
        if !journey.passed_high_watermark() {
            for offset in journey.appended_offsets() {
                self.awaiting_high_watermark
                    .entry(journey.partition.clone())
                    .or_default()
                    .entry(offset)
                    .or_default()
                    .insert(record);
            }
        }
        for (group, offset) in journey.awaiting_commits() {
            self.awaiting_commit
                .entry((group, journey.partition.clone()))
                .or_default()
                .entry(offset)
                .or_default()
                .insert(record);
        }
    }

    fn unindex(&mut self, record: RecordId) {
        let Some(journey) = self.journeys.get(&record) else {
            return;
        };
        let tp = &journey.partition;
        if let Some(map) = self.awaiting_high_watermark.get_mut(tp) {
            for offset in journey.appended_offsets() {
                if let Some(set) = map.get_mut(&offset) {
                    set.remove(&record);
                    if set.is_empty() {
                        map.remove(&offset);
                    }
                }
            }
            if map.is_empty() {
                self.awaiting_high_watermark.remove(tp);
            }
        }
        for (group, offset) in journey.awaiting_commits() {
            let key = (group, tp.clone());
            if let Some(map) = self.awaiting_commit.get_mut(&key) {
                if let Some(set) = map.get_mut(&offset) {
                    set.remove(&record);
                    if set.is_empty() {
                        map.remove(&offset);
                    }
                }
                if map.is_empty() {
                    self.awaiting_commit.remove(&key);
                }
            }
        }
    }

    /// Adds a step to a kept record, keeping the indexes in step with it.
    fn step(&mut self, record: RecordId, at: SimTime, kind: StepKind) {
        if !self.journeys.contains_key(&record) {
            return;
        }
        self.unindex(record);
        self.journeys
            .get_mut(&record)
            .expect("checked")
            .steps
            .push(Step { at, kind });
        self.index(record);
    }

    fn start(&mut self, journey: Journey) {
        let record = journey.record;
        self.journeys.insert(record, journey);
        while self.journeys.len() > JOURNEYS_KEPT {
            let oldest = *self.journeys.keys().next().expect("not empty");
            self.unindex(oldest);
            self.journeys.remove(&oldest);
        }
    }

    fn on_event(&mut self, sim: &Simulation, event: &Event) {
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

/// One line of the journey as drawn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JourneyLine {
    /// `t=12.4 s`, or `None` for a step still expected ("not yet").
    pub time_label: Option<String>,
    pub text: String,
    pub tone: Tone,
}

/// How a line reads: a normal step, one still pending, or bad news.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    Done,
    Pending,
    Warning,
    Loss,
}

/// A record's journey as drawn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JourneyView {
    pub record: RecordId,
    /// "record 42 · key "user-7" → orders-1".
    pub title: String,
    pub lines: Vec<JourneyLine>,
    /// Where the record is now: "in the leader's log at offset 17", or "lost: ...".
    pub now: String,
    pub lost: bool,
}

fn broker_name(broker: BrokerId) -> String {
    format!("broker {}", broker.0)
}

impl JourneyView {
    /// The journey of `record`, or `None` if the book does not have it (never sent, or
    /// forgotten).
    pub fn build(book: &JourneyBook, record: RecordId, sim: &Simulation) -> Option<JourneyView> {
        let journey = book.journey(record)?;
        let tp = &journey.partition;
        let acks = sim.producer(journey.producer).map(|p| p.config.acks);
        let mut lines = vec![JourneyLine {
            time_label: Some(time_label(journey.sent_at)),
            text: format!(
                "sent by producer {} to {tp}{}",
                journey.producer.0,
                match &journey.key {
                    Some(key) => format!(" (key {key:?})"),
                    None => " (no key)".to_owned(),
                }
            ),
            tone: Tone::Done,
        }];
        let mut deliveries: BTreeMap<String, u32> = BTreeMap::new();
        let mut append_leader = None;
        for step in &journey.steps {
            let (text, tone) = match &step.kind {
                StepKind::Appended {
                    broker,
                    offset,
                    leader_epoch,
                } => {
                    let again = append_leader.is_some();
                    append_leader.get_or_insert(*broker);
                    (
                        format!(
                            "appended{} by the leader, {}, at offset {offset} (epoch {leader_epoch})",
                            if again { " again (a retry, not idempotent: a duplicate)" } else { "" },
                            broker_name(*broker)
                        ),
                        if again { Tone::Warning } else { Tone::Done },
                    )
                }
                StepKind::Copied { broker, offset } => (
                    format!("copied by follower {} (offset {offset})", broker_name(*broker)),
                    Tone::Done,
                ),
                StepKind::HighWatermarkPassed { broker } => (
                    format!(
                        "passed by the high watermark on {}: every in-sync replica has it, consumers may read it",
                        broker_name(*broker)
                    ),
                    Tone::Done,
                ),
                StepKind::Acknowledged { offset } => (
                    match offset {
                        Some(offset) => format!("acknowledged to the producer (offset {offset})"),
                        None => "counted as sent without an answer (acks=0)".to_owned(),
                    },
                    Tone::Done,
                ),
                StepKind::Retried { error, attempt } => (
                    format!("retried after {error} (attempt {attempt})"),
                    Tone::Warning,
                ),
                StepKind::Failed { error } => {
                    (format!("failed: the producer was told {error}"), Tone::Loss)
                }
                StepKind::Truncated { broker } => (
                    format!(
                        "removed from {}'s log: it diverged from the new leader's",
                        broker_name(*broker)
                    ),
                    Tone::Loss,
                ),
                StepKind::Delivered {
                    reader,
                    consumer,
                    offset,
                    in_group,
                } => {
                    let count = deliveries.entry(reader.clone()).or_insert(0);
                    *count += 1;
                    let who = if *in_group {
                        format!("group {reader} (consumer {})", consumer.0)
                    } else {
                        format!("consumer {} (no group)", consumer.0)
                    };
                    if *count == 1 {
                        (format!("delivered to {who} at offset {offset}"), Tone::Done)
                    } else {
                        (
                            format!("delivered AGAIN to {who} at offset {offset}: duplicate #{}", *count - 1),
                            Tone::Warning,
                        )
                    }
                }
                StepKind::Committed { group, consumer } => (
                    format!("committed by group {group} (consumer {})", consumer.0),
                    Tone::Done,
                ),
            };
            lines.push(JourneyLine {
                time_label: Some(time_label(step.at)),
                text,
                tone,
            });
        }

        // What is still expected.
        let failed = journey.has(|k| matches!(k, StepKind::Failed { .. }));
        let mut pending = Vec::new();
        if !failed {
            if append_leader.is_none() {
                pending.push("appended by the leader".to_owned());
            }
            let copied: BTreeSet<BrokerId> = journey
                .steps
                .iter()
                .filter_map(|s| match s.kind {
                    StepKind::Copied { broker, .. } => Some(broker),
                    _ => None,
                })
                .collect();
            if let Some(meta) = sim.partition(tp) {
                let leader = append_leader.or(meta.leader);
                for replica in &meta.replicas {
                    if Some(*replica) != leader && !copied.contains(replica) {
                        pending.push(format!("copied by follower {}", broker_name(*replica)));
                    }
                }
            }
            if !journey.passed_high_watermark() {
                pending.push("passed by the high watermark".to_owned());
            }
            if !journey.has(|k| matches!(k, StepKind::Acknowledged { .. })) {
                pending.push(match acks {
                    Some(Acks::All) => {
                        "acknowledged (acks=all: after every in-sync replica has it)".to_owned()
                    }
                    Some(Acks::Leader) => {
                        "acknowledged (acks=1: after the leader's append)".to_owned()
                    }
                    _ => "acknowledged".to_owned(),
                });
            }
        }
        // Every reader of the topic should get it: each group once, each standalone consumer.
        let mut readers: BTreeSet<String> = BTreeSet::new();
        let mut groups: BTreeSet<String> = BTreeSet::new();
        for consumer in sim
            .consumers()
            .filter(|c| *c.topic == *tp.topic && !c.closed)
        {
            readers.insert(consumer.reader());
            if let Some(client) = &consumer.group {
                groups.insert(client.group.clone());
            }
        }
        if !failed {
            for reader in &readers {
                if !deliveries.contains_key(reader) {
                    pending.push(if groups.contains(reader) {
                        format!("delivered to group {reader}")
                    } else {
                        format!("delivered to {reader} (no group)")
                    });
                }
            }
            for group in &groups {
                if !journey.committed_by(group) {
                    pending.push(format!("committed by group {group}"));
                }
            }
        }
        lines.extend(pending.into_iter().map(|text| JourneyLine {
            time_label: None,
            text,
            tone: Tone::Pending,
        }));

        // Where it is now, read from the current leader's log.
        let offset = journey.appended_offsets().next();
        let acknowledged = journey.has(|k| matches!(k, StepKind::Acknowledged { .. }));
        let compacted = sim
            .topic(&tp.topic)
            .is_some_and(|t| t.config.cleanup_policy == crate::engine::CleanupPolicy::Compact);
        let (now, lost) = match (offset, sim.leader_log(tp)) {
            (None, _) if failed => ("never written: the send failed".to_owned(), false),
            (None, _) => ("on its way: not in any log yet".to_owned(), false),
            (Some(_), None) => (format!("{tp} has no leader now: unavailable"), false),
            (Some(offset), Some(log)) => {
                let still_there = journey
                    .appended_offsets()
                    .any(|o| log.record_at(o).is_some_and(|r| r.id == record));
                if still_there {
                    (
                        format!("in the leader's log of {tp} at offset {offset}"),
                        false,
                    )
                } else if offset < log.log_start_offset() {
                    ("removed by retention, as configured".to_owned(), false)
                } else if offset < log.high_watermark() && compacted {
                    (
                        "removed by compaction: a newer record has the same key".to_owned(),
                        false,
                    )
                } else if acknowledged {
                    (
                        "LOST: acknowledged to the producer, but no longer in the leader's log"
                            .to_owned(),
                        true,
                    )
                } else {
                    (
                        "gone from the leader's log (it was never acknowledged)".to_owned(),
                        false,
                    )
                }
            }
        };
        let title = format!(
            "record {} · {} → {tp}",
            record.0,
            match &journey.key {
                Some(key) => format!("key {key:?}"),
                None => "no key".to_owned(),
            }
        );
        Some(JourneyView {
            record,
            title,
            lines,
            now,
            lost,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Command, KeyPattern, Node, ProducerConfig, Workload};
    use crate::ui::test_support::*;

    fn plain(acks: Acks) -> ProducerConfig {
        ProducerConfig {
            acks,
            enable_idempotence: false,
            linger_ms: 0,
            ..ProducerConfig::default()
        }
    }

    fn texts(view: &JourneyView) -> Vec<String> {
        view.lines.iter().map(|l| l.text.clone()).collect()
    }

    fn position(lines: &[String], start: &str) -> usize {
        lines
            .iter()
            .position(|l| l.starts_with(start))
            .unwrap_or_else(|| panic!("no line starting {start:?} in {lines:#?}"))
    }

    #[test]
    fn acks_all_rf3_journey_lists_every_step_in_order_then_nothing_pending() {
        let mut sim = cluster(3, 5);
        topic(&mut sim, "orders", 1, 3);
        let producer = producer(&mut sim, 1, plain(Acks::All));
        member(
            &mut sim,
            1,
            "orders",
            Some("billing"),
            member_config("range"),
        );
        let mut book = JourneyBook::new();
        feed(&mut sim, &mut [&mut book], 6_000, 50);
        send(&mut sim, producer, "orders", "k");
        feed(&mut sim, &mut [&mut book], 1, 1);
        let record = book.latest().expect("the record was sent");

        // Just sent: every later step is still expected.
        let early = JourneyView::build(&book, record, &sim).unwrap();
        assert_eq!(early.lines[0].tone, Tone::Done);
        assert!(early.lines[0]
            .text
            .starts_with("sent by producer 1 to orders-0"));
        let pending: Vec<&JourneyLine> = early
            .lines
            .iter()
            .filter(|l| l.time_label.is_none())
            .collect();
        assert!(pending.iter().all(|l| l.tone == Tone::Pending));
        let pending: Vec<&str> = pending.iter().map(|l| l.text.as_str()).collect();
        assert!(pending.contains(&"appended by the leader"), "{pending:?}");
        assert_eq!(
            pending
                .iter()
                .filter(|t| t.starts_with("copied by follower"))
                .count(),
            2
        );
        assert!(pending.contains(&"passed by the high watermark"));
        assert!(pending
            .iter()
            .any(|t| t.starts_with("acknowledged (acks=all")));
        assert!(pending.contains(&"delivered to group billing"));
        assert!(pending.contains(&"committed by group billing"));

        feed(&mut sim, &mut [&mut book], 5_000, 50);
        let view = JourneyView::build(&book, record, &sim).unwrap();
        let lines = texts(&view);
        assert!(
            view.lines.iter().all(|l| l.time_label.is_some()),
            "{lines:#?}"
        );
        let leader = sim
            .partition(&TopicPartition::new("orders", 0))
            .unwrap()
            .leader
            .unwrap();
        let appended = position(
            &lines,
            &format!("appended by the leader, broker {}", leader.0),
        );
        let copies: Vec<usize> = lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.starts_with("copied by follower"))
            .map(|(i, _)| i)
            .collect();
        assert_eq!(copies.len(), 2, "{lines:#?}");
        let high_watermark = position(&lines, "passed by the high watermark");
        let acknowledged = position(&lines, "acknowledged to the producer (offset 0)");
        let delivered = position(
            &lines,
            "delivered to group billing (consumer 1) at offset 0",
        );
        let committed = position(&lines, "committed by group billing");
        assert!(0 < appended);
        assert!(copies.iter().all(|c| appended < *c && *c < high_watermark));
        assert!(high_watermark < acknowledged);
        assert!(high_watermark < delivered);
        assert!(delivered < committed);
        assert_eq!(view.now, "in the leader's log of orders-0 at offset 0");
        assert!(!view.lost);
        // Times never go backwards down the list.
        let journey = book.journey(record).unwrap();
        assert!(journey.steps.windows(2).all(|w| w[0].at <= w[1].at));
    }

    #[test]
    fn an_acknowledged_record_lost_with_its_leader_is_shown_lost_and_truncated() {
        let mut sim = cluster(3, 7);
        sim.handle(Command::CreateTopic {
            name: "orders".to_owned(),
            config: crate::engine::TopicConfig {
                partitions: 1,
                replication_factor: 3,
                min_insync_replicas: 1,
                ..crate::engine::TopicConfig::default()
            },
        })
        .unwrap();
        let tp = TopicPartition::new("orders", 0);
        let producer = producer(&mut sim, 1, plain(Acks::Leader));
        let mut book = JourneyBook::new();
        send(&mut sim, producer, "orders", "k");
        feed(&mut sim, &mut [&mut book], 3_000, 50);
        let old_leader = sim.partition(&tp).unwrap().leader.unwrap();
        for other in [0, 1, 2].map(BrokerId) {
            if other != old_leader {
                sim.handle(Command::SetLinkLatency {
                    a: Node::Broker(old_leader),
                    b: Node::Broker(other),
                    latency_ms: 400,
                })
                .unwrap();
            }
        }
        feed(&mut sim, &mut [&mut book], 1_000, 50);
        send(&mut sim, producer, "orders", "k");
        let doomed = book.latest().map_or(RecordId(1), |r| RecordId(r.0 + 1));
        feed(&mut sim, &mut [&mut book], 50, 5);
        sim.handle(Command::CrashBroker { broker: old_leader })
            .unwrap();
        feed(&mut sim, &mut [&mut book], 10_000, 100);
        sim.handle(Command::RestartBroker { broker: old_leader })
            .unwrap();
        feed(&mut sim, &mut [&mut book], 5_000, 100);

        let view = JourneyView::build(&book, doomed, &sim).unwrap();
        let lines = texts(&view);
        assert!(view.lost, "{lines:#?}\n{}", view.now);
        assert!(view.now.starts_with("LOST"));
        let acknowledged = position(&lines, "acknowledged to the producer (offset 1)");
        let truncated = position(
            &lines,
            &format!("removed from broker {}'s log", old_leader.0),
        );
        assert!(acknowledged < truncated);
        assert_eq!(view.lines[truncated].tone, Tone::Loss);
    }

    fn busy_run(rate: u32) -> Simulation {
        let mut sim = cluster(3, 11);
        topic(&mut sim, "orders", 2, 3);
        let producer = producer(&mut sim, 1, ProducerConfig::default());
        sim.handle(Command::StartWorkload {
            producer,
            workload: Workload {
                topic: "orders".to_owned(),
                records_per_second: rate,
                keys: KeyPattern::Cycle { count: 16 },
                count: None,
            },
        })
        .unwrap();
        let config = crate::engine::ConsumerConfig {
            auto_commit_interval_ms: 5_000,
            ..member_config("range")
        };
        member(&mut sim, 1, "orders", Some("billing"), config.clone());
        member(&mut sim, 2, "orders", Some("billing"), config);
        sim
    }

    #[test]
    fn redeliveries_after_a_crash_are_counted_as_duplicates() {
        let mut sim = busy_run(100);
        let mut book = JourneyBook::new();
        feed(&mut sim, &mut [&mut book], 12_300, 100);
        sim.handle(Command::CrashConsumer {
            consumer: crate::engine::ConsumerId(1),
        })
        .unwrap();
        feed(&mut sim, &mut [&mut book], 30_000, 100);
        let duplicated: Vec<RecordId> = (0..sim.audit().produced)
            .map(RecordId)
            .filter(|r| {
                book.journey(*r).is_some_and(|j| {
                    j.steps
                        .iter()
                        .filter(|s| matches!(s.kind, StepKind::Delivered { .. }))
                        .count()
                        == 2
                })
            })
            .collect();
        assert!(!duplicated.is_empty());
        let view = JourneyView::build(&book, duplicated[0], &sim).unwrap();
        let again = view
            .lines
            .iter()
            .find(|l| l.text.starts_with("delivered AGAIN to group billing"))
            .expect("the second delivery is called a duplicate");
        assert!(again.text.ends_with("duplicate #1"));
        assert_eq!(again.tone, Tone::Warning);
        assert_eq!(
            duplicated.len() as u64,
            sim.audit().duplicates_delivered["billing"],
            "the book and the auditor count the same duplicates"
        );
    }

    #[test]
    fn only_the_most_recent_journeys_are_kept_and_the_indexes_stay_small() {
        let mut sim = busy_run(1_000);
        let mut book = JourneyBook::new();
        feed(&mut sim, &mut [&mut book], 9_000, 100);
        assert!(sim.audit().produced as usize > JOURNEYS_KEPT + 1_000);
        assert_eq!(book.len(), JOURNEYS_KEPT);
        assert!(book.journey(RecordId(0)).is_none());
        assert!(JourneyView::build(&book, RecordId(0), &sim).is_none());
        let indexed: usize = book
            .awaiting_high_watermark
            .values()
            .chain(book.awaiting_commit.values())
            .map(|m| m.values().map(BTreeSet::len).sum::<usize>())
            .sum();
        assert!(indexed <= 2 * JOURNEYS_KEPT, "{indexed}");
    }

    #[test]
    fn rewind_then_replay_gives_identical_journeys() {
        let mut sim = busy_run(400);
        let mut book = JourneyBook::new();
        feed(&mut sim, &mut [&mut book], 8_000, 100);
        let snapshot = sim.clone();
        let at_snapshot = book.clone();
        feed(&mut sim, &mut [&mut book], 12_000, 100);
        let straight = book.clone();

        let mut rewound = straight.clone();
        rewound.rewind_to(snapshot.now());
        // Journeys forgotten since the snapshot stay forgotten; every one kept is exactly as
        // it was then.
        assert!(rewound.len() < at_snapshot.len());
        for (record, journey) in &rewound.journeys {
            assert_eq!(Some(journey), at_snapshot.journey(*record), "{record}");
        }
        let mut replay = snapshot;
        feed(&mut replay, &mut [&mut rewound], 12_000, 37);
        assert_same(&rewound, &straight);
    }

    /// Equality with a short message naming the first difference (the books are large).
    fn assert_same(left: &JourneyBook, right: &JourneyBook) {
        let left_ids: Vec<&RecordId> = left.journeys.keys().collect();
        let right_ids: Vec<&RecordId> = right.journeys.keys().collect();
        assert_eq!(left_ids.first(), right_ids.first());
        assert_eq!(left_ids.len(), right_ids.len());
        for (record, journey) in &left.journeys {
            assert_eq!(Some(journey), right.journey(*record), "{record}");
        }
        assert!(
            left.awaiting_high_watermark == right.awaiting_high_watermark,
            "high watermark index differs"
        );
        assert!(
            left.awaiting_commit == right.awaiting_commit,
            "commit index differs"
        );
        assert!(left == right);
    }
}
