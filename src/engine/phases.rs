//! The states and kinds that events report and actors keep: how a leader was elected, where a
//! group is in its rebalance at the coordinator, and where a member is in the join protocol.
//! They sit below the actors, so `event.rs` can name them without importing an actor.

use serde::{Deserialize, Serialize};

/// How a leader was chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ElectionKind {
    /// The first live in-sync replica in assignment order.
    Clean,
    /// `unclean.leader.election.enable=true` let an out-of-sync replica lead: records it
    /// lacked are lost.
    Unclean,
}

/// Kafka's classic group states.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum GroupPhase {
    Empty,
    PreparingRebalance,
    CompletingRebalance,
    Stable,
    Dead,
}

/// Where a member is in the join protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum MemberPhase {
    Unjoined,
    Joining,
    Syncing,
    Stable,
}

/// Why a partition's ISR changed, as Kafka's logs say it ("Expanding ISR", "Shrinking ISR").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum IsrChangeReason {
    /// A follower reached the leader's high watermark and the start of its epoch
    /// (`Partition.isFollowerInSync`), so the leader asked for it back.
    CaughtUp,
    /// The leader dropped followers whose log end differed from its own and that had not been
    /// caught up for `replica.lag.time.max.ms` (`Partition.getOutOfSyncReplicas`).
    NotCaughtUp { replica_lag_time_max_ms: u64 },
    /// The controller fenced the broker (no heartbeat for `broker.session.timeout.ms`) and
    /// removed it from every ISR it could leave.
    BrokerFenced,
    /// An unclean election made the new leader the only in-sync replica.
    UncleanElection,
}
