//! The families of events the event log filters by, and which events deserve attention.

use crate::engine::sorted::VecSet;

use crate::engine::{ElectionKind, EventKind};

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
    pub fn shown_by_default() -> VecSet<EventFamily> {
        EventFamily::ALL
            .into_iter()
            .filter(|f| *f != EventFamily::Network)
            .collect::<VecSet<_>>()
    }
}

pub fn family_of(kind: &EventKind) -> EventFamily {
    use EventKind::*;
    match kind {
        TopicCreated { .. }
        | TopicDeleted { .. }
        | TopicConfigAltered { .. }
        | ProducerAdded { .. }
        | ProducerClosed { .. }
        | ConsumerAdded { .. } => EventFamily::Setup,
        RecordSent { .. }
        | BatchAppended { .. }
        | BatchAcknowledged { .. }
        | BatchRetried { .. }
        | BatchFailed { .. }
        | DuplicateBatchIgnored { .. }
        | ProducerEpochBumped { .. } => EventFamily::Produce,
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
        RecordPolled { .. }
        | PositionReset { .. }
        | OffsetOutOfRange { .. }
        | NoOffsetForPartition { .. } => EventFamily::Consume,
        OffsetsCommitted { .. } | CommitFailed { .. } => EventFamily::Commit,
        BrokerCrashed { .. }
        | BrokerRestarted { .. }
        | BrokerIsolated { .. }
        | BrokerHealed { .. }
        | LinkCut { .. }
        | LinkHealed { .. }
        | ConnectionClosed { .. }
        | BrokerFenced { .. }
        | BrokerUnfenced { .. }
        | ConsumerCrashed { .. }
        | MessageDropped { .. }
        | CommandRejected { .. } => EventFamily::Fault,
        SegmentsDeleted { .. } | LogCompacted { .. } => EventFamily::Cleanup,
        MessageSent { .. }
        | MessageArrived { .. }
        | ConnectionOpened { .. }
        | MetadataUpdated { .. } => EventFamily::Network,
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
