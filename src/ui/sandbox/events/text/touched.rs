//! What an event touched: the brokers, partitions, groups, clients and record it is about,
//! so hovering it in the log can highlight those things in the other panels.

use crate::engine::sorted::VecSet;

use crate::engine::{Event, EventKind, Node, TopicPartition};

use crate::ui::sandbox::observe::Highlight;

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
    let mut h = Highlight::default();
    if !touched_by_setup_data_and_messages(&event.kind, &mut h) {
        touched_by_cluster_and_groups(&event.kind, &mut h);
    }
    h
}

/// Setup, records sent and messages; batches and positions through the next function. False
/// for any other kind.
fn touched_by_setup_data_and_messages(kind: &EventKind, h: &mut Highlight) -> bool {
    use EventKind::*;
    match kind {
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
        ProducerEpochBumped {
            producer,
            partition,
            ..
        } => {
            h.producers.insert(*producer);
            h.partitions.insert(partition.clone());
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
        | MessageDropped { from, to, .. }
        | LinkCut { from, to, .. }
        | LinkHealed { from, to, .. } => {
            add_node(h, from);
            add_node(h, to);
        }
        ConnectionOpened { client, broker }
        | ConnectionClosed { client, broker, .. }
        | MetadataUpdated {
            client,
            from: broker,
            ..
        } => {
            add_node(h, client);
            h.brokers.insert(*broker);
        }
        NoOffsetForPartition {
            consumer,
            partition,
        } => {
            h.consumers.insert(*consumer);
            h.partitions.insert(partition.clone());
        }
        _ => return touched_by_batches_and_positions(kind, h),
    }
    true
}

/// Batches, replication, the high watermark and consumer positions. False for any other kind.
fn touched_by_batches_and_positions(kind: &EventKind, h: &mut Highlight) -> bool {
    use EventKind::*;
    match kind {
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
        _ => return false,
    }
    true
}

/// Brokers, leadership, groups and commits. False for any other kind.
fn touched_by_cluster_and_groups(kind: &EventKind, h: &mut Highlight) -> bool {
    use EventKind::*;
    match kind {
        BrokerCrashed { broker }
        | BrokerRestarted { broker }
        | BrokerIsolated { broker, .. }
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
        IsrChanged { partition, isr, .. } => {
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
        _ => return false,
    }
    true
}

/// The topics an event is about, for the log's topic filter (partitions name their topic;
/// a few events name a topic outright).
pub fn topics_of(event: &Event, touched: &Highlight) -> VecSet<String> {
    let mut topics: VecSet<String> = touched
        .partitions
        .iter()
        .map(|tp| tp.topic.to_string())
        .collect::<VecSet<_>>();
    if let EventKind::ConsumerAdded { topic, .. } = &event.kind {
        topics.insert(topic.clone());
    }
    topics
}
