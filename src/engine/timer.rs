//! The timer queue's entries: what the simulation will do at a given time, and the order in
//! which two things due at the same millisecond happen.

use super::command::Command;
use super::ids::{BrokerId, ConsumerId, MessageId, ProducerId};
use super::network::Node;
use super::time::SimTime;

/// Something the simulation will do at a given time. Timers that belong to one life of a
/// broker carry its incarnation and are ignored after a crash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(in crate::engine) enum Timer {
    Deliver(MessageId),
    /// A dropped message vanishes (it is drawn until then).
    Vanish(MessageId),
    Poll(ConsumerId),
    FetchTimeout(ConsumerId, BrokerId, u64),
    FetchWaitExpired(BrokerId, u64, u64),
    ProduceExpiry(BrokerId, u64, u64),
    ReplicaFetch(BrokerId, BrokerId, u64),
    ReplicaFetchTimeout(BrokerId, BrokerId, u64, u64),
    ReplicaFetchWaitExpired(BrokerId, u64, u64),
    IsrExpiration(BrokerId, u64),
    SessionExpiry(BrokerId, u64),
    /// The controller's periodic look for leaderless partitions to elect unclean leaders for.
    UncleanElectionCheck,
    RetentionCheck(BrokerId),
    CleanerCheck(BrokerId),
    ProducerWake(ProducerId),
    ProducerRequestTimeout(ProducerId, u64),
    WorkloadTick(ProducerId),
    GroupRequestTimeout(ConsumerId, u64),
    Heartbeat(ConsumerId),
    PollIntervalCheck(ConsumerId),
    MemberSessionCheck(String, String),
    GroupJoinDeadline(String, u64),
    GroupSyncDeadline(String, u64),
    /// A dead broker's reset reaches a node that had a connection open to it.
    ConnectionReset(Node, BrokerId),
    /// A client looks whether its metadata needs a refresh (`metadata.max.age.ms`, or a
    /// refresh asked for and held back by `retry.backoff.ms`).
    MetadataRefresh(Node),
    /// A Metadata request got no answer within `request.timeout.ms`.
    MetadataTimeout(Node, BrokerId, u64),
    Command(Box<Command>),
}

/// A timer in the queue, ordered by time and then by the order it was scheduled, so two timers
/// at the same millisecond always fire in the same order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(in crate::engine) struct Scheduled {
    pub(in crate::engine) at: SimTime,
    pub(in crate::engine) sequence: u64,
    pub(in crate::engine) timer: Timer,
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
