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
