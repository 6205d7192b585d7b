//! Partition assignors of the classic consumer group protocol, as the group leader runs them.
//!
//! These reproduce Apache Kafka's client-side `RangeAssignor`, `RoundRobinAssignor`,
//! `StickyAssignor` and `CooperativeStickyAssignor` (without rack awareness), including the
//! tie-breaks that Kafka inherits from the iteration order of Java hash maps, so that a
//! simulated group splits its partitions exactly as a real one would.

mod group;
mod java_order;
mod range;
mod round_robin;
mod sticky;
#[cfg(test)]
mod tests;

use crate::engine::sorted;
use crate::engine::sorted::VecMap;

use group::{Group, Tp};

/// A `partition.assignment.strategy` of the classic protocol.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum AssignorKind {
    Range,
    RoundRobin,
    Sticky,
    CooperativeSticky,
}

impl AssignorKind {
    /// The protocol name the assignor registers under, as in Kafka.
    pub fn name(self) -> &'static str {
        match self {
            AssignorKind::Range => "range",
            AssignorKind::RoundRobin => "roundrobin",
            AssignorKind::Sticky => "sticky",
            AssignorKind::CooperativeSticky => "cooperative-sticky",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        [
            AssignorKind::Range,
            AssignorKind::RoundRobin,
            AssignorKind::Sticky,
            AssignorKind::CooperativeSticky,
        ]
        .into_iter()
        .find(|kind| kind.name() == name)
    }

    /// Whether the assignor supports the cooperative rebalance protocol, in which members keep
    /// their partitions through a rebalance and only revoke those that move.
    pub fn is_cooperative(self) -> bool {
        matches!(self, AssignorKind::CooperativeSticky)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberSubscription {
    pub member_id: String,
    pub group_instance_id: Option<String>,
    pub topics: Vec<String>,
    /// Partitions the member reports owning (for sticky/cooperative-sticky), as (topic, partition).
    pub owned: Vec<(String, u32)>,
    /// The generation those owned partitions come from; None = unknown/default.
    pub generation: Option<i32>,
}

/// Assigns the partitions of `topics` to `members` as Kafka's assignor of that kind would.
///
/// `topics`: every existing topic and its partition count (topics missing here do not exist).
/// Returns an entry for EVERY member (possibly empty), each list sorted by (topic, partition).
///
/// Only topics that some member subscribes to and that have partitions are assigned, as in
/// Kafka's `AbstractPartitionAssignor`. A repeated member id counts once, with the last
/// subscription given for it. For the cooperative assignor the result is what this round hands
/// out: a partition moving away from a member that still owns it is left out until it has been
/// revoked.
pub fn assign(
    kind: AssignorKind,
    topics: &VecMap<String, u32>,
    members: &[MemberSubscription],
) -> VecMap<String, Vec<(String, u32)>> {
    let group = Group::new(topics, members);
    let assignment = match kind {
        AssignorKind::Range => range::assign(&group),
        AssignorKind::RoundRobin => round_robin::assign(&group),
        AssignorKind::Sticky => sticky::assign(&group, false),
        AssignorKind::CooperativeSticky => sticky::assign(&group, true),
    };
    named_assignment(&group, assignment)
}

/// Turns per-member partition lists (indexed like `group.members`) into the public form.
fn named_assignment(group: &Group, assignment: Vec<Vec<Tp>>) -> VecMap<String, Vec<(String, u32)>> {
    let mut named: VecMap<String, Vec<(String, u32)>> = group
        .members
        .iter()
        .map(|member| (member.id.clone(), Vec::new()))
        .collect::<VecMap<_, _>>();
    for (member, partitions) in group.members.iter().zip(assignment) {
        let list = named.entry(member.id.clone()).or_default();
        list.extend(
            partitions
                .into_iter()
                .map(|tp| (group.topics.name(tp.topic).to_string(), tp.partition)),
        );
        sorted::sort(list);
    }
    named
}
