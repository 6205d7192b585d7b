//! Kafka's `AbstractStickyAssignor`, shared by `StickyAssignor` and `CooperativeStickyAssignor`.
//!
//! When every member subscribes to the same topics Kafka uses a quota-based "constrained"
//! algorithm; otherwise it uses a general heuristic that assigns, then moves partitions until
//! balanced. Both start from the partitions members report owning, after settling conflicting
//! claims by generation.

mod constrained;
mod general;
mod movements;

use crate::engine::sorted::{VecMap, VecSet};

use super::group::{Group, Tp};

/// Kafka's `AbstractStickyAssignor.DEFAULT_GENERATION`, used for members reporting none.
const DEFAULT_GENERATION: i32 = -1;

/// Returns the target assignment, or for the cooperative assignor the part of it that can be
/// handed out this round: a partition moving away from a member that still owns it is withheld
/// until that member has revoked it and rejoined.
pub fn assign(group: &Group, cooperative: bool) -> Vec<Vec<Tp>> {
    if group.members.is_empty() {
        return Vec::new();
    }
    let claims = OwnershipClaims::resolve(group);
    if claims.all_subscriptions_equal {
        let result = constrained::assign(group, &claims);
        let mut assignment = result.assignment;
        if cooperative {
            for (partition, consumer) in result.transferring {
                remove_first(&mut assignment[consumer], partition);
            }
        }
        assignment
    } else {
        let mut assignment = general::assign(group, &claims);
        if cooperative {
            for (partition, consumer) in transferring_ownership(group, &assignment) {
                remove_first(&mut assignment[consumer], partition);
            }
        }
        assignment
    }
}

/// The previous ownership Kafka accepts, as computed by `allSubscriptionsEqual`.
pub struct OwnershipClaims {
    /// Whether every member sent the same set of topic names, as Kafka decides it (see `resolve`).
    pub all_subscriptions_equal: bool,
    /// Each member's accepted owned partitions, indexed like `Group::members`.
    pub owned: Vec<Vec<Tp>>,
    /// Partitions claimed by two members of the same generation; nobody keeps those.
    pub multiply_claimed: VecSet<Tp>,
    /// The highest generation any member reported.
    pub max_generation: i32,
}

impl OwnershipClaims {
    /// Walks the members in map order, as Kafka does. A partition claimed again by a member of
    /// a higher generation moves to it; claimed again in the same generation it is taken from
    /// both. The walk order only matters for three-way conflicts across generations.
    fn resolve(group: &Group) -> Self {
        let mut all_subscriptions_equal = true;
        let mut first_topics: VecSet<String> = VecSet::new();
        let mut owner_of: VecMap<Tp, usize> = VecMap::new();
        let mut owned: Vec<Vec<Tp>> = vec![Vec::new(); group.members.len()];
        let mut multiply_claimed = VecSet::new();
        let mut max_generation = DEFAULT_GENERATION;

        for (index, member) in group.members.iter().enumerate() {
            // Kafka records the first non-empty topic set it meets and compares the rest with
            // it, so a member with no topics met before any other counts as equal to them.
            if first_topics.is_empty() {
                first_topics = member.topic_names.clone();
            } else if member.topic_names != first_topics {
                all_subscriptions_equal = false;
            }

            let generation = generation_of(group, index);
            max_generation = max_generation.max(generation);
            for &partition in &member.owned {
                match owner_of.get(&partition).copied() {
                    None => {
                        owned[index].push(partition);
                        owner_of.insert(partition, index);
                    }
                    Some(other) => {
                        let other_generation = generation_of(group, other);
                        if generation == other_generation {
                            multiply_claimed.insert(partition);
                            remove_first(&mut owned[other], partition);
                            owner_of.insert(partition, index);
                        } else if generation > other_generation {
                            owned[index].push(partition);
                            remove_first(&mut owned[other], partition);
                            owner_of.insert(partition, index);
                        }
                    }
                }
            }
        }
        OwnershipClaims {
            all_subscriptions_equal,
            owned,
            multiply_claimed,
            max_generation,
        }
    }
}

fn generation_of(group: &Group, member: usize) -> i32 {
    group.members[member]
        .generation
        .unwrap_or(DEFAULT_GENERATION)
}

/// Kafka's `CooperativeStickyAssignor.computePartitionsTransferringOwnership`, used after the
/// general algorithm: partitions newly given to a member that another member reported owning.
fn transferring_ownership(group: &Group, assignment: &[Vec<Tp>]) -> Vec<(Tp, usize)> {
    let mut added = Vec::new();
    let mut revoked: VecSet<Tp> = VecSet::new();
    for (index, member) in group.members.iter().enumerate() {
        let assigned = &assignment[index];
        added.extend(
            assigned
                .iter()
                .filter(|partition| !member.owned.contains(partition))
                .map(|&partition| (partition, index)),
        );
        revoked.extend(
            member
                .owned
                .iter()
                .filter(|partition| !assigned.contains(partition)),
        );
    }
    added.retain(|(partition, _)| revoked.contains(partition));
    added
}

/// Java's `List.remove(Object)`: removes the first equal element, if any.
fn remove_first(list: &mut Vec<Tp>, partition: Tp) {
    if let Some(position) = list.iter().position(|&held| held == partition) {
        list.remove(position);
    }
}
