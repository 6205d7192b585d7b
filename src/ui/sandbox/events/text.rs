//! Events in words: the family an event belongs to (for the event log's filters), one readable
//! sentence per event, and what each event touched (so hovering it can highlight those things
//! in the other panels). Plain Rust, no Yew.

use std::collections::BTreeSet;

use crate::engine::{
    BrokerId, ElectionKind, Event, EventKind, GroupPhase, MessageKind, Node, PartitionChoice,
    RecordId, SimTime, TopicPartition,
};

use crate::ui::sandbox::observe::Highlight;

/// A small set of families the event log filters by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EventFamily {
    /// Topics, producers and consumers created.
    Setup,
    /// Records sent, appended, acknowledged, retried or failed.
    Produce,
    /// Followers copying, the high watermark, truncation.
    Replication,
    /// Leader elections, ISR changes, offline partitions.
    Leadership,
    /// Group membership, rebalances and assignments.
    Group,
    /// Records polled and positions reset.
    Consume,
    /// Offset commits.
    Commit,
    /// Crashes, isolation, fencing, lost messages, rejected commands.
    Fault,
    /// Retention and compaction.
    Cleanup,
    /// Every single request and response on the wire: too many to show by default.
    Network,
}

impl EventFamily {
    pub const ALL: [EventFamily; 10] = [
        EventFamily::Setup,
        EventFamily::Produce,
        EventFamily::Replication,
        EventFamily::Leadership,
        EventFamily::Group,
        EventFamily::Consume,
        EventFamily::Commit,
        EventFamily::Fault,
        EventFamily::Cleanup,
        EventFamily::Network,
    ];

    pub fn label(self) -> &'static str {
        match self {
            EventFamily::Setup => "setup",
            EventFamily::Produce => "produce",
            EventFamily::Replication => "replication",
            EventFamily::Leadership => "leadership / ISR",
            EventFamily::Group => "group",
            EventFamily::Consume => "consume",
            EventFamily::Commit => "commit",
            EventFamily::Fault => "fault",
            EventFamily::Cleanup => "log cleanup",
            EventFamily::Network => "network messages",
        }
    }

    /// A stable lowercase name for CSS classes and test ids.
    pub fn css(self) -> &'static str {
        match self {
            EventFamily::Setup => "setup",
            EventFamily::Produce => "produce",
            EventFamily::Replication => "replication",
            EventFamily::Leadership => "leadership",
            EventFamily::Group => "group",
            EventFamily::Consume => "consume",
            EventFamily::Commit => "commit",
            EventFamily::Fault => "fault",
            EventFamily::Cleanup => "cleanup",
            EventFamily::Network => "network",
        }
    }

    /// Every family except per-message network traffic, which would drown the rest.
    pub fn shown_by_default() -> BTreeSet<EventFamily> {
        EventFamily::ALL
            .into_iter()
            .filter(|f| *f != EventFamily::Network)
            .collect()
    }
}

pub fn family_of(kind: &EventKind) -> EventFamily {
    use EventKind::*;
    match kind {
        TopicCreated { .. }
        | TopicDeleted { .. }
        | ProducerAdded { .. }
        | ProducerClosed { .. }
        | ConsumerAdded { .. } => EventFamily::Setup,
        RecordSent { .. }
        | BatchAppended { .. }
        | BatchAcknowledged { .. }
        | BatchRetried { .. }
        | BatchFailed { .. }
        | DuplicateBatchIgnored { .. } => EventFamily::Produce,
        BatchReplicated { .. } | HighWatermarkAdvanced { .. } | ReplicaTruncated { .. } => {
            EventFamily::Replication
        }
        LeaderElected { .. } | PartitionOffline { .. } | IsrChanged { .. } => {
            EventFamily::Leadership
        }
        GroupStateChanged { .. }
        | RebalanceStarted { .. }
        | MemberJoined { .. }
        | MemberRemoved { .. }
        | AssignmentComputed { .. }
        | AssignmentReceived { .. }
        | PartitionsRevoked { .. }
        | MaxPollIntervalExceeded { .. }
        | ConsumerClosed { .. } => EventFamily::Group,
        RecordPolled { .. } | PositionReset { .. } | OffsetOutOfRange { .. } => {
            EventFamily::Consume
        }
        OffsetsCommitted { .. } | CommitFailed { .. } => EventFamily::Commit,
        BrokerCrashed { .. }
        | BrokerRestarted { .. }
        | BrokerIsolated { .. }
        | BrokerHealed { .. }
        | BrokerFenced { .. }
        | BrokerUnfenced { .. }
        | ConsumerCrashed { .. }
        | MessageDropped { .. }
        | CommandRejected { .. } => EventFamily::Fault,
        SegmentsDeleted { .. } | LogCompacted { .. } => EventFamily::Cleanup,
        MessageSent { .. } | MessageArrived { .. } => EventFamily::Network,
    }
}

/// Whether an event deserves attention (drawn stronger in the log): data at risk or lost.
pub fn is_alarming(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::BatchFailed { .. }
            | EventKind::BrokerCrashed { .. }
            | EventKind::ConsumerCrashed { .. }
            | EventKind::PartitionOffline { .. }
            | EventKind::CommandRejected { .. }
            | EventKind::LeaderElected {
                kind: ElectionKind::Unclean,
                ..
            }
    ) || matches!(kind, EventKind::ReplicaTruncated { records_removed, .. } if !records_removed.is_empty())
}

/// `t=12.4 s`: simulated time to a tenth of a second, the precision a viewer can follow.
pub fn time_label(at: SimTime) -> String {
    let ms = at.as_ms();
    format!("t={}.{} s", ms / 1000, (ms % 1000) / 100)
}

fn broker(id: BrokerId) -> String {
    format!("broker {}", id.0)
}

fn node(node: &Node) -> String {
    match node {
        Node::Broker(id) => broker(*id),
        Node::Producer(id) => format!("producer {}", id.0),
        Node::Consumer(id) => format!("consumer {}", id.0),
    }
}

fn records(ids: &[RecordId]) -> String {
    match ids {
        [] => "no records".to_owned(),
        [one] => format!("record {}", one.0),
        [first, .., last] => format!("{} records ({}…{})", ids.len(), first.0, last.0),
    }
}

fn partitions(list: &[TopicPartition]) -> String {
    if list.is_empty() {
        return "no partition".to_owned();
    }
    let names: Vec<String> = list.iter().map(ToString::to_string).collect();
    names.join(", ")
}

fn message(kind: MessageKind) -> String {
    crate::ui::shell::palette::message_style(kind)
        .label
        .to_owned()
        + &format!(" ({kind})")
}

/// What a group state means, in a few words.
pub fn phase_words(phase: GroupPhase) -> &'static str {
    match phase {
        GroupPhase::Empty => "Empty",
        GroupPhase::PreparingRebalance => "PreparingRebalance",
        GroupPhase::CompletingRebalance => "CompletingRebalance",
        GroupPhase::Stable => "Stable",
        GroupPhase::Dead => "Dead",
    }
}

/// One readable sentence for an event, without its time.
pub fn sentence(event: &Event) -> String {
    use EventKind::*;
    match &event.kind {
        TopicCreated {
            topic,
            partitions,
            replication_factor,
        } => format!(
            "topic {topic} created with {partitions} partition(s), replication factor {replication_factor}"
        ),
        TopicDeleted { topic } => format!("topic {topic} deleted, with every replica"),
        ProducerAdded { producer } => format!("producer {} started", producer.0),
        ProducerClosed { producer } => format!(
            "producer {} closed: it sends nothing more, and what it had is still delivered",
            producer.0
        ),
        ConsumerAdded { consumer, topic } => {
            format!("consumer {} started, subscribed to {topic}", consumer.0)
        }
        RecordSent {
            record,
            producer,
            partition,
            key,
            value,
            choice,
        } => {
            let what = if value.is_none() {
                "a tombstone (null value)"
            } else {
                "record"
            };
            let how = match choice {
                PartitionChoice::Key { murmur2 } => {
                    format!("key {:?} hashes to it (murmur2 {murmur2})", key.as_deref().unwrap_or(""))
                }
                PartitionChoice::RoundRobin { counter } => {
                    format!("no key, round-robin counter {counter}")
                }
                PartitionChoice::Sticky => "no key, sticky partitioner".to_owned(),
            };
            format!(
                "producer {} sends {what} {} to {partition} ({how})",
                producer.0, record.0
            )
        }
        MessageSent {
            kind, from, to, arrives_at, ..
        } => format!(
            "{} sends a {} to {}, arriving at {}",
            node(from),
            message(*kind),
            node(to),
            time_label(*arrives_at)
        ),
        MessageArrived { kind, from, to, .. } => format!(
            "a {} from {} reached {}",
            message(*kind),
            node(from),
            node(to)
        ),
        MessageDropped { kind, from, to, .. } => format!(
            "a {} from {} to {} was lost on the network",
            message(*kind),
            node(from),
            node(to)
        ),
        BatchAppended {
            broker: b,
            partition,
            base_offset,
            records: ids,
            leader_epoch,
        } => format!(
            "{} (leader, epoch {leader_epoch}) appended {} to {partition} at offset {base_offset}",
            broker(*b),
            records(ids)
        ),
        BatchReplicated {
            broker: b,
            partition,
            base_offset,
            records: ids,
        } => format!(
            "{} copied {} of {partition} at offset {base_offset}",
            broker(*b),
            records(ids)
        ),
        HighWatermarkAdvanced {
            broker: b,
            partition,
            high_watermark,
        } => format!(
            "{}: high watermark of {partition} moved to {high_watermark} (records below it are readable)",
            broker(*b)
        ),
        BatchAcknowledged {
            producer,
            partition,
            base_offset,
            records: ids,
        } => match base_offset {
            Some(offset) => format!(
                "producer {} got an acknowledgement for {} on {partition} at offset {offset}",
                producer.0,
                records(ids)
            ),
            None => format!(
                "producer {} counts {} on {partition} as sent without waiting (acks=0)",
                producer.0,
                records(ids)
            ),
        },
        BatchRetried {
            producer,
            partition,
            records: ids,
            error,
            attempt,
        } => format!(
            "producer {} retries {} for {partition} after {error} (attempt {attempt})",
            producer.0,
            records(ids)
        ),
        BatchFailed {
            producer,
            partition,
            records: ids,
            error,
        } => format!(
            "producer {} gave up on {} for {partition}: {error}",
            producer.0,
            records(ids)
        ),
        DuplicateBatchIgnored {
            broker: b,
            partition,
            base_sequence,
            offset,
            ..
        } => format!(
            "{} recognised a retried batch (sequence {base_sequence}) on {partition} and did not append it again (already at offset {offset})",
            broker(*b)
        ),
        PositionReset {
            consumer,
            partition,
            policy,
            offset,
        } => format!(
            "consumer {} had no position on {partition}: auto.offset.reset={} starts it at {offset}",
            consumer.0,
            format!("{policy:?}").to_lowercase()
        ),
        OffsetOutOfRange {
            consumer,
            partition,
            policy,
        } => format!(
            "consumer {} asked {partition} for an offset that no longer exists; auto.offset.reset={} applies",
            consumer.0,
            format!("{policy:?}").to_lowercase()
        ),
        RecordPolled {
            record,
            consumer,
            partition,
            offset,
            ..
        } => format!(
            "consumer {} polled record {} from {partition} at offset {offset}",
            consumer.0, record.0
        ),
        BrokerCrashed { broker: b } => format!("{} crashed", broker(*b)),
        BrokerRestarted { broker: b } => format!("{} restarted", broker(*b)),
        BrokerIsolated { broker: b } => {
            format!("{} was cut off from the network", broker(*b))
        }
        BrokerHealed { broker: b } => format!("{} is reachable again", broker(*b)),
        BrokerFenced { broker: b } => format!(
            "the controller fenced {}: no heartbeat within broker.session.timeout.ms",
            broker(*b)
        ),
        BrokerUnfenced { broker: b } => {
            format!("the controller unfenced {}", broker(*b))
        }
        LeaderElected {
            partition,
            leader,
            leader_epoch,
            kind,
        } => format!(
            "{} became leader of {partition} (epoch {leader_epoch}, {})",
            broker(*leader),
            match kind {
                ElectionKind::Clean => "clean election",
                ElectionKind::Unclean => "UNCLEAN election: records it lacked are lost",
            }
        ),
        PartitionOffline { partition } => {
            format!("{partition} is offline: no replica can lead it")
        }
        IsrChanged { partition, isr } => {
            let list: Vec<String> = isr.iter().map(|b| b.0.to_string()).collect();
            format!("in-sync replicas of {partition} are now [{}]", list.join(", "))
        }
        ReplicaTruncated {
            broker: b,
            partition,
            to_offset,
            diverging_epoch,
            records_removed,
        } => format!(
            "{} cut {partition} back to offset {to_offset} (its log diverged after epoch {diverging_epoch}), removing {}",
            broker(*b),
            records(records_removed)
        ),
        SegmentsDeleted {
            broker: b,
            partition,
            records: count,
            log_start_offset,
        } => format!(
            "{}: retention deleted {count} record(s) of {partition}; the log now starts at {log_start_offset}",
            broker(*b)
        ),
        LogCompacted {
            broker: b,
            partition,
            records_removed,
        } => format!(
            "{}: compaction removed {records_removed} superseded record(s) of {partition}",
            broker(*b)
        ),
        GroupStateChanged {
            group,
            state,
            generation,
        } => format!(
            "group {group} is now {} (generation {generation})",
            phase_words(*state)
        ),
        RebalanceStarted { group, reason } => {
            format!("group {group} starts a rebalance: {reason}")
        }
        MemberJoined {
            group,
            member,
            consumer,
        } => format!("consumer {} joined group {group} as {member}", consumer.0),
        MemberRemoved {
            group,
            member,
            reason,
        } => format!("group {group} removed member {member}: {reason}"),
        AssignmentComputed {
            group,
            leader,
            assignor,
            generation,
            assignments,
        } => {
            let parts: Vec<String> = assignments
                .iter()
                .map(|(member, list)| {
                    let numbers: Vec<String> = list.iter().map(ToString::to_string).collect();
                    format!("{member} → [{}]", numbers.join(", "))
                })
                .collect();
            format!(
                "consumer {} (group {group} leader) ran the {assignor} assignor for generation {generation}: {}",
                leader.0,
                parts.join("; ")
            )
        }
        AssignmentReceived {
            group,
            consumer,
            generation,
            partitions: list,
        } => format!(
            "consumer {} now owns {} in group {group} (generation {generation})",
            consumer.0,
            partitions(list)
        ),
        PartitionsRevoked {
            consumer,
            partitions: list,
        } => format!("consumer {} gave up {}", consumer.0, partitions(list)),
        OffsetsCommitted {
            group,
            consumer,
            offsets,
        } => {
            let list: Vec<String> = offsets
                .iter()
                .map(|(tp, offset)| format!("{tp} at {offset}"))
                .collect();
            format!(
                "consumer {} committed for group {group}: {}",
                consumer.0,
                list.join(", ")
            )
        }
        CommitFailed { consumer, error } => {
            format!("consumer {}'s commit failed: {error}", consumer.0)
        }
        MaxPollIntervalExceeded { consumer, group } => format!(
            "consumer {} did not poll within max.poll.interval.ms and leaves group {group}",
            consumer.0
        ),
        ConsumerClosed { consumer } => format!("consumer {} closed", consumer.0),
        ConsumerCrashed { consumer } => format!("consumer {} crashed", consumer.0),
        CommandRejected { reason } => format!("command refused: {reason}"),
    }
}

fn add_node(highlight: &mut Highlight, node: &Node) {
    match node {
        Node::Broker(id) => {
            highlight.brokers.insert(*id);
        }
        Node::Producer(id) => {
            highlight.producers.insert(*id);
        }
        Node::Consumer(id) => {
            highlight.consumers.insert(*id);
        }
    }
}

/// What an event touched: the brokers, partitions, groups, clients and record it is about.
pub fn touched(event: &Event) -> Highlight {
    use EventKind::*;
    let mut h = Highlight::default();
    match &event.kind {
        TopicCreated {
            topic, partitions, ..
        } => {
            let shared: std::sync::Arc<str> = topic.as_str().into();
            h.partitions = (0..*partitions)
                .map(|p| TopicPartition::new(shared.clone(), p))
                .collect();
        }
        TopicDeleted { .. } => {}
        ProducerAdded { producer } | ProducerClosed { producer } => {
            h.producers.insert(*producer);
        }
        ConsumerAdded { consumer, .. }
        | ConsumerClosed { consumer }
        | ConsumerCrashed { consumer }
        | CommitFailed { consumer, .. } => {
            h.consumers.insert(*consumer);
        }
        RecordSent {
            record,
            producer,
            partition,
            ..
        } => {
            h.record = Some(*record);
            h.producers.insert(*producer);
            h.partitions.insert(partition.clone());
        }
        MessageSent { from, to, .. }
        | MessageArrived { from, to, .. }
        | MessageDropped { from, to, .. } => {
            add_node(&mut h, from);
            add_node(&mut h, to);
        }
        BatchAppended {
            broker,
            partition,
            records,
            ..
        }
        | BatchReplicated {
            broker,
            partition,
            records,
            ..
        } => {
            h.brokers.insert(*broker);
            h.partitions.insert(partition.clone());
            if let [one] = records.as_slice() {
                h.record = Some(*one);
            }
        }
        HighWatermarkAdvanced {
            broker, partition, ..
        }
        | DuplicateBatchIgnored {
            broker, partition, ..
        }
        | SegmentsDeleted {
            broker, partition, ..
        }
        | LogCompacted {
            broker, partition, ..
        } => {
            h.brokers.insert(*broker);
            h.partitions.insert(partition.clone());
        }
        ReplicaTruncated {
            broker,
            partition,
            records_removed,
            ..
        } => {
            h.brokers.insert(*broker);
            h.partitions.insert(partition.clone());
            if let [one] = records_removed.as_slice() {
                h.record = Some(*one);
            }
        }
        BatchAcknowledged {
            producer,
            partition,
            records,
            ..
        }
        | BatchRetried {
            producer,
            partition,
            records,
            ..
        }
        | BatchFailed {
            producer,
            partition,
            records,
            ..
        } => {
            h.producers.insert(*producer);
            h.partitions.insert(partition.clone());
            if let [one] = records.as_slice() {
                h.record = Some(*one);
            }
        }
        PositionReset {
            consumer,
            partition,
            ..
        }
        | OffsetOutOfRange {
            consumer,
            partition,
            ..
        } => {
            h.consumers.insert(*consumer);
            h.partitions.insert(partition.clone());
        }
        RecordPolled {
            record,
            consumer,
            partition,
            ..
        } => {
            h.record = Some(*record);
            h.consumers.insert(*consumer);
            h.partitions.insert(partition.clone());
        }
        BrokerCrashed { broker }
        | BrokerRestarted { broker }
        | BrokerIsolated { broker }
        | BrokerHealed { broker }
        | BrokerFenced { broker }
        | BrokerUnfenced { broker } => {
            h.brokers.insert(*broker);
        }
        LeaderElected {
            partition, leader, ..
        } => {
            h.brokers.insert(*leader);
            h.partitions.insert(partition.clone());
        }
        PartitionOffline { partition } => {
            h.partitions.insert(partition.clone());
        }
        IsrChanged { partition, isr } => {
            h.partitions.insert(partition.clone());
            h.brokers.extend(isr.iter().copied());
        }
        GroupStateChanged { group, .. }
        | RebalanceStarted { group, .. }
        | MemberRemoved { group, .. } => {
            h.groups.insert(group.clone());
        }
        MemberJoined {
            group, consumer, ..
        }
        | MaxPollIntervalExceeded { consumer, group } => {
            h.groups.insert(group.clone());
            h.consumers.insert(*consumer);
        }
        AssignmentComputed { group, leader, .. } => {
            h.groups.insert(group.clone());
            h.consumers.insert(*leader);
        }
        AssignmentReceived {
            group,
            consumer,
            partitions,
            ..
        } => {
            h.groups.insert(group.clone());
            h.consumers.insert(*consumer);
            h.partitions.extend(partitions.iter().cloned());
        }
        PartitionsRevoked {
            consumer,
            partitions,
        } => {
            h.consumers.insert(*consumer);
            h.partitions.extend(partitions.iter().cloned());
        }
        OffsetsCommitted {
            group,
            consumer,
            offsets,
        } => {
            h.groups.insert(group.clone());
            h.consumers.insert(*consumer);
            h.partitions
                .extend(offsets.iter().map(|(tp, _)| tp.clone()));
        }
        CommandRejected { .. } => {}
    }
    h
}

/// The topics an event is about, for the log's topic filter (partitions name their topic;
/// a few events name a topic outright).
pub fn topics_of(event: &Event, touched: &Highlight) -> BTreeSet<String> {
    let mut topics: BTreeSet<String> = touched
        .partitions
        .iter()
        .map(|tp| tp.topic.to_string())
        .collect();
    if let EventKind::ConsumerAdded { topic, .. } = &event.kind {
        topics.insert(topic.clone());
    }
    topics
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{ConsumerId, ProducerId};

    fn event(kind: EventKind) -> Event {
        Event {
            at: SimTime::from_ms(12_430),
            kind,
        }
    }

    #[test]
    fn a_leader_election_touches_the_new_leader_and_its_partition() {
        let election = event(EventKind::LeaderElected {
            partition: TopicPartition::new("orders", 0),
            leader: BrokerId(1),
            leader_epoch: 3,
            kind: ElectionKind::Clean,
        });
        let highlight = touched(&election);
        assert!(highlight.touches_broker(BrokerId(1)));
        assert!(highlight.touches_partition(&TopicPartition::new("orders", 0)));
        assert!(!highlight.touches_broker(BrokerId(0)));
        assert_eq!(
            format!("{} · {}", time_label(election.at), sentence(&election)),
            "t=12.4 s · broker 1 became leader of orders-0 (epoch 3, clean election)"
        );
    }

    #[test]
    fn a_message_touches_both_ends_and_is_network_traffic() {
        let sent = event(EventKind::MessageSent {
            message: crate::engine::MessageId(7),
            kind: MessageKind::Produce,
            from: Node::Producer(ProducerId(2)),
            to: Node::Broker(BrokerId(0)),
            arrives_at: SimTime::from_ms(13_000),
        });
        let highlight = touched(&sent);
        assert!(highlight.producers.contains(&ProducerId(2)));
        assert!(highlight.touches_broker(BrokerId(0)));
        assert_eq!(family_of(&sent.kind), EventFamily::Network);
        assert!(!EventFamily::shown_by_default().contains(&EventFamily::Network));
    }

    #[test]
    fn a_single_record_event_names_the_record() {
        let polled = event(EventKind::RecordPolled {
            record: RecordId(9),
            consumer: ConsumerId(1),
            partition: TopicPartition::new("orders", 2),
            offset: crate::engine::Offset(4),
            value: "x".to_owned(),
        });
        let highlight = touched(&polled);
        assert_eq!(highlight.record, Some(RecordId(9)));
        assert!(highlight.consumers.contains(&ConsumerId(1)));
        assert_eq!(family_of(&polled.kind), EventFamily::Consume);
    }

    #[test]
    fn an_unclean_election_is_alarming_and_says_so() {
        let election = event(EventKind::LeaderElected {
            partition: TopicPartition::new("orders", 0),
            leader: BrokerId(2),
            leader_epoch: 4,
            kind: ElectionKind::Unclean,
        });
        assert!(is_alarming(&election.kind));
        assert!(sentence(&election).contains("UNCLEAN"));
    }
}
