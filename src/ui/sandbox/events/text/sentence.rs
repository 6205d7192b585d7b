//! One readable sentence per event, one function per family of events, so a family's wording
//! reads in one place. `sentence` dispatches by [`family_of`]; each family's function answers
//! for the kinds of its family.

use crate::engine::{ElectionKind, Event, EventKind, Isolation, IsrChangeReason, PartitionChoice};

use super::family::{family_of, EventFamily};
use super::{broker, message, node, partitions, phase_words, records, time_label};

/// One readable sentence for an event, without its time.
pub fn sentence(event: &Event) -> String {
    let kind = &event.kind;
    let text = match family_of(kind) {
        EventFamily::Setup => setup(kind),
        EventFamily::Produce => produce(kind),
        EventFamily::Replication | EventFamily::Leadership | EventFamily::Cleanup => {
            replication(kind)
        }
        EventFamily::Group | EventFamily::Commit => group(kind),
        EventFamily::Consume => consume(kind),
        EventFamily::Fault => fault(kind),
        EventFamily::Network => network(kind),
    };
    // Every kind has a family and every family's function its kinds (the snapshot test
    // covers them); naming the family is only a guard against a kind added to one and not the
    // other. (Not the kind's debug form: that pulled every event type's `Debug` into the wasm.)
    text.unwrap_or_else(|| format!("{} event", family_of(kind).label()))
}

/// Topics, producers and consumers created or closed.
fn setup(kind: &EventKind) -> Option<String> {
    use EventKind::*;
    let text = match kind {
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
        _ => return None,
    };
    Some(text)
}

/// Records sent, appended, acknowledged, retried or failed.
fn produce(kind: &EventKind) -> Option<String> {
    use EventKind::*;
    let text = match kind {
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
                PartitionChoice::Given => "the record names its partition".to_owned(),
            };
            format!(
                "producer {} sends {what} {} to {partition} ({how})",
                producer.0, record.0
            )
        }
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
        _ => return idempotence(kind),
    };
    Some(text)
}

/// The idempotent producer's epoch bumps.
fn idempotence(kind: &EventKind) -> Option<String> {
    match kind {
        EventKind::ProducerEpochBumped {
            producer,
            partition,
            producer_epoch,
            ..
        } => Some(format!(
            "producer {} bumped its epoch to {producer_epoch}: a batch of {partition} failed, so its sequence numbers start again at 0",
            producer.0
        )),
        _ => None,
    }
}

/// An ISR change, with who joined or left and why.
fn isr_changed(
    partition: &crate::engine::TopicPartition,
    isr: &[crate::engine::BrokerId],
    added: &[crate::engine::BrokerId],
    removed: &[crate::engine::BrokerId],
    reason: &IsrChangeReason,
) -> String {
    let list: Vec<String> = isr.iter().map(|b| b.0.to_string()).collect();
    let names = |brokers: &[crate::engine::BrokerId]| {
        let names: Vec<String> = brokers.iter().map(|b| broker(*b)).collect();
        names.join(" and ")
    };
    let why = match reason {
        IsrChangeReason::CaughtUp => format!("{} caught up", names(added)),
        IsrChangeReason::NotCaughtUp {
            replica_lag_time_max_ms,
        } => format!(
            "{} had not caught up for replica.lag.time.max.ms ({replica_lag_time_max_ms} ms)",
            names(removed)
        ),
        IsrChangeReason::BrokerFenced => {
            format!("the controller fenced {}", names(removed))
        }
        IsrChangeReason::UncleanElection => {
            "an unclean election leaves the new leader alone in sync".to_owned()
        }
    };
    format!(
        "in-sync replicas of {partition} are now [{}]: {why}",
        list.join(", ")
    )
}

/// Followers copying, the high watermark, truncation, leadership and log cleanup.
fn replication(kind: &EventKind) -> Option<String> {
    use EventKind::*;
    let text = match kind {
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
        IsrChanged {
            partition,
            isr,
            added,
            removed,
            reason,
        } => isr_changed(partition, isr, added, removed, reason),
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
        _ => return None,
    };
    Some(text)
}

/// Group membership, rebalances, assignments and offset commits.
fn group(kind: &EventKind) -> Option<String> {
    use EventKind::*;
    let text = match kind {
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
        _ => return None,
    };
    Some(text)
}

/// Records polled and positions reset.
fn consume(kind: &EventKind) -> Option<String> {
    use EventKind::*;
    let text = match kind {
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
        NoOffsetForPartition {
            consumer,
            partition,
        } => format!(
            "consumer {}'s poll() threw NoOffsetForPartitionException: {partition} has no committed offset and auto.offset.reset=none, so it stops reading it until the application seeks",
            consumer.0
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
        _ => return None,
    };
    Some(text)
}

/// Crashes, isolation, fencing, lost messages and refused commands.
fn fault(kind: &EventKind) -> Option<String> {
    use EventKind::*;
    let text = match kind {
        MessageDropped { kind, from, to, .. } => format!(
            "a {} from {} to {} was lost on the network",
            message(*kind),
            node(from),
            node(to)
        ),
        BrokerCrashed { broker: b } => format!("{} crashed", broker(*b)),
        BrokerRestarted { broker: b } => format!("{} restarted", broker(*b)),
        BrokerIsolated { broker: b, from } => format!(
            "{} was cut off from {}",
            broker(*b),
            match from {
                Isolation::Peers => "the other brokers and the controller",
                Isolation::Clients => "its clients",
                Isolation::All => "the whole network",
            }
        ),
        LinkCut { from, to, one_way } => format!(
            "the link {} {} {} was cut",
            node(from),
            if *one_way { "→" } else { "↔" },
            node(to)
        ),
        LinkHealed { from, to, one_way } => format!(
            "the link {} {} {} carries messages again",
            node(from),
            if *one_way { "→" } else { "↔" },
            node(to)
        ),
        ConnectionClosed {
            client,
            broker: b,
            reason,
            requests_failed,
            reconnect_at,
        } => format!(
            "{}'s connection to {} closed ({reason}): {requests_failed} {} in flight failed; it reconnects at {}",
            node(client),
            broker(*b),
            if *requests_failed == 1 { "request" } else { "requests" },
            time_label(*reconnect_at)
        ),
        BrokerHealed { broker: b } => format!("{} is reachable again", broker(*b)),
        BrokerFenced { broker: b } => format!(
            "the controller fenced {}: no heartbeat within broker.session.timeout.ms",
            broker(*b)
        ),
        BrokerUnfenced { broker: b } => {
            format!("the controller unfenced {}", broker(*b))
        }
        ConsumerCrashed { consumer } => format!("consumer {} crashed", consumer.0),
        CommandRejected { reason } => format!("command refused: {reason}"),
        _ => return None,
    };
    Some(text)
}

/// Single requests and responses on the wire.
fn network(kind: &EventKind) -> Option<String> {
    use EventKind::*;
    let text = match kind {
        MessageSent {
            kind,
            from,
            to,
            arrives_at,
            ..
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
        ConnectionOpened { client, broker: b } => {
            format!("{} opened a connection to {}", node(client), broker(*b))
        }
        MetadataUpdated {
            client,
            from,
            partition,
            leader,
            leader_epoch,
        } => format!(
            "{} learned from {} that {} is led by {} (leader epoch {leader_epoch})",
            node(client),
            broker(*from),
            partition,
            leader.map_or("no broker".to_owned(), broker)
        ),
        _ => return None,
    };
    Some(text)
}
