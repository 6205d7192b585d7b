//! Kafka's `ConstrainedAssignmentBuilder`, used when all members subscribe to the same topics.
//!
//! With `P` partitions and `C` members, every member ends with `floor(P/C)` (the min quota) or
//! `ceil(P/C)` (the max quota) partitions, and exactly `P % C` members end at the max quota.
//! Members first keep what they own, within those quotas; the rest is dealt round-robin.

use crate::engine::sorted;
use crate::engine::sorted::{VecMap, VecSet};
use std::collections::VecDeque;

use super::super::group::{Group, Tp};
use super::{remove_first, OwnershipClaims};

pub struct ConstrainedResult {
    pub assignment: Vec<Vec<Tp>>,
    /// Partitions given to a member other than one that owned them last generation, which the
    /// cooperative assignor must hold back for a round.
    pub transferring: VecMap<Tp, usize>,
}

pub fn assign(group: &Group, claims: &OwnershipClaims) -> ConstrainedResult {
    let mut builder = Builder::new(group, claims);
    builder.assign_owned_partitions();
    builder.assign_round_robin();
    ConstrainedResult {
        assignment: builder.assignment,
        transferring: builder.transferring,
    }
}

struct Builder<'a> {
    group: &'a Group,
    claims: &'a OwnershipClaims,
    min_quota: usize,
    max_quota: usize,
    expected_over_min: usize,
    current_over_min: usize,
    assignment: Vec<Vec<Tp>>,
    assigned: VecSet<Tp>,
    revoked: VecSet<Tp>,
    /// Members below the min quota, dealt to in id order.
    under_min: Vec<usize>,
    /// Members at the min quota that may still take one more, in id order, then as they fill.
    exactly_min: VecDeque<usize>,
    transferring: VecMap<Tp, usize>,
}

impl<'a> Builder<'a> {
    fn new(group: &'a Group, claims: &'a OwnershipClaims) -> Self {
        let partitions = group.topics.total_partitions();
        let members = group.members.len();
        Builder {
            group,
            claims,
            min_quota: partitions / members,
            max_quota: partitions.div_ceil(members),
            expected_over_min: partitions % members,
            current_over_min: 0,
            assignment: vec![Vec::new(); members],
            assigned: VecSet::new(),
            revoked: VecSet::new(),
            under_min: Vec::new(),
            exactly_min: VecDeque::new(),
            transferring: VecMap::new(),
        }
    }

    /// Keeps each member's owned partitions up to its quota. Members are visited in Java map
    /// order, which decides who may keep a max-quota share when more members own one than
    /// `P % C` allows. Each member keeps its owned partitions in (partition, topic) order.
    fn assign_owned_partitions(&mut self) {
        for member in 0..self.group.members.len() {
            let mut owned = self.claims.owned[member].clone();
            sorted::sort_by_key(&mut owned, |partition| {
                (partition.partition, partition.topic)
            });
            for &partition in &self.claims.multiply_claimed {
                remove_first(&mut owned, partition);
            }

            let keep = if owned.len() < self.min_quota {
                self.under_min.push(member);
                owned.len()
            } else if owned.len() >= self.max_quota
                && self.current_over_min < self.expected_over_min
            {
                self.current_over_min += 1;
                if self.current_over_min == self.expected_over_min {
                    self.exactly_min.clear();
                }
                self.max_quota
            } else {
                if self.current_over_min < self.expected_over_min {
                    self.exactly_min.push_back(member);
                }
                self.min_quota
            };
            self.assigned.extend(owned[..keep].iter().copied());
            self.revoked.extend(owned[keep..].iter().copied());
            self.assignment[member].extend_from_slice(&owned[..keep]);
        }
        let ranks: Vec<usize> = self.group.members.iter().map(|m| m.id_rank).collect();
        sorted::sort_by_key(&mut self.under_min, |&member| ranks[member]);
        sorted::sort_by_key(self.exactly_min.make_contiguous(), |&member| ranks[member]);
    }

    /// Deals the unassigned partitions, in (topic, partition) order, round-robin to the members
    /// under the min quota; once none is left under it, one each to members at the min quota.
    fn assign_round_robin(&mut self) {
        let unassigned: Vec<Tp> = self
            .group
            .topics
            .all_partitions()
            .into_iter()
            .filter(|partition| !self.assigned.contains(partition))
            .collect();
        // A cursor over `under_min` standing in for Java's `LinkedList` iterator: `next` is the
        // position of the member it returns next, and removal takes out the one just returned.
        let mut next = 0;
        for partition in unassigned {
            let member = if next < self.under_min.len() {
                next += 1;
                self.under_min[next - 1]
            } else if !self.under_min.is_empty() {
                next = 1;
                self.under_min[0]
            } else if let Some(member) = self.exactly_min.pop_front() {
                member
            } else {
                // Kafka throws here; the quotas make it unreachable, so leaving the partition
                // unassigned is only a guard against panicking.
                continue;
            };

            let count = self.assign_new_partition(partition, member);
            if count == self.min_quota {
                if next > 0 && self.under_min.get(next - 1) == Some(&member) {
                    next -= 1;
                    self.under_min.remove(next);
                }
                self.exactly_min.push_back(member);
            } else if count == self.max_quota {
                self.current_over_min += 1;
            }
        }
    }

    fn assign_new_partition(&mut self, partition: Tp, member: usize) -> usize {
        self.assignment[member].push(partition);
        if self.revoked.contains(&partition) || self.claims.multiply_claimed.contains(&partition) {
            self.transferring.insert(partition, member);
        }
        self.assignment[member].len()
    }
}
