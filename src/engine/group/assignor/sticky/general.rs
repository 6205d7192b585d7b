//! Kafka's `GeneralAssignmentBuilder`, used when members subscribe to different topics.
//!
//! It keeps every valid owned partition, gives each unassigned partition to the least loaded
//! member that can take it, then moves partitions from heavier to lighter members until no
//! partition could move to a member with two or more fewer. A pass that makes the balance no
//! better than it was is undone, so stickiness wins ties.

use crate::engine::sorted;
use crate::engine::sorted::{VecMap, VecSet};

use super::super::group::{Group, Tp};
use super::movements::PartitionMovements;
use super::{remove_first, OwnershipClaims, DEFAULT_GENERATION};

pub fn assign(group: &Group, claims: &OwnershipClaims) -> Vec<Vec<Tp>> {
    let mut builder = Builder::new(group, claims);
    builder.build(claims.max_generation);
    builder.current
}

struct Builder<'a> {
    group: &'a Group,
    /// Kafka's `topic2AllPotentialConsumers`, by topic index.
    consumers_of_topic: Vec<Vec<usize>>,
    /// The most partitions each member could hold: all partitions of its subscribed topics.
    max_size: Vec<usize>,
    /// Kafka's `currentAssignment`; members set aside as fixed keep their entry here but are
    /// marked inactive, as Kafka removes them from the map while balancing.
    current: Vec<Vec<Tp>>,
    active: Vec<bool>,
    /// Kafka's `currentPartitionConsumer`.
    owner: VecMap<Tp, usize>,
    /// Kafka's `sortedCurrentSubscriptions`: active members by (partition count, member id).
    sorted: VecSet<(usize, usize)>,
    members_by_rank: Vec<usize>,
    /// For each partition, the member that held it in the most recent older generation.
    previous_owner: VecMap<Tp, (usize, i32)>,
    movements: PartitionMovements,
    revocation_required: bool,
}

impl<'a> Builder<'a> {
    fn new(group: &'a Group, claims: &OwnershipClaims) -> Self {
        let mut consumers_of_topic = vec![Vec::new(); group.topics.len()];
        for (index, member) in group.members.iter().enumerate() {
            for &topic in &member.topics {
                consumers_of_topic[topic].push(index);
            }
        }
        let max_size = group
            .members
            .iter()
            .map(|member| {
                member
                    .topics
                    .iter()
                    .map(|&topic| group.topics.partition_count(topic) as usize)
                    .sum()
            })
            .collect();
        let current = claims.owned.clone();
        let mut owner = VecMap::new();
        for (index, partitions) in current.iter().enumerate() {
            for &partition in partitions {
                owner.insert(partition, index);
            }
        }
        Builder {
            group,
            consumers_of_topic,
            max_size,
            current,
            active: vec![true; group.members.len()],
            owner,
            sorted: VecSet::new(),
            members_by_rank: group.members_by_rank(),
            previous_owner: VecMap::new(),
            movements: PartitionMovements::default(),
            revocation_required: false,
        }
    }

    fn build(&mut self, max_generation: i32) {
        self.record_previous_owners(max_generation);
        let assigned = self.keep_owned_partitions();
        let mut all_partitions = self.partitions_by_potential_consumers();
        let mut unassigned: Vec<Tp> = all_partitions
            .iter()
            .copied()
            .filter(|partition| !assigned.contains(partition))
            .collect();
        for member in 0..self.group.members.len() {
            self.sorted.insert(self.sort_key(member));
        }
        self.balance(&mut all_partitions, &mut unassigned);
    }

    /// Kafka's `prepopulateCurrentAssignments`: claims from members behind the highest
    /// generation become the partitions' previous owners, the latest such generation winning
    /// and, between equals, the member met first in map order.
    fn record_previous_owners(&mut self, max_generation: i32) {
        for (index, member) in self.group.members.iter().enumerate() {
            let generation = match member.generation {
                Some(generation) if generation < max_generation => generation,
                None if max_generation > DEFAULT_GENERATION => DEFAULT_GENERATION,
                _ => continue,
            };
            for &partition in &member.owned {
                let newer = self
                    .previous_owner
                    .get(&partition)
                    .is_none_or(|&(_, known)| generation > known);
                if newer {
                    self.previous_owner.insert(partition, (index, generation));
                }
            }
        }
    }

    /// Drops owned partitions of topics the member no longer subscribes to (which forces a
    /// revocation) and returns the partitions that stay with their owners.
    fn keep_owned_partitions(&mut self) -> VecSet<Tp> {
        let mut assigned = VecSet::new();
        for (index, member) in self.group.members.iter().enumerate() {
            let before = self.current[index].len();
            self.current[index].retain(|partition| member.topics.contains(&partition.topic));
            if self.current[index].len() != before {
                self.revocation_required = true;
            }
            assigned.extend(self.current[index].iter().copied());
        }
        assigned
    }

    /// All partitions, topics ordered by how many members can take them and then by name.
    fn partitions_by_potential_consumers(&self) -> Vec<Tp> {
        let mut topics: Vec<usize> = (0..self.group.topics.len()).collect();
        sorted::sort_by_key(&mut topics, |&topic| {
            (self.consumers_of_topic[topic].len(), topic)
        });
        topics
            .into_iter()
            .flat_map(|topic| self.group.topics.partitions_of(topic))
            .collect()
    }

    fn sort_key(&self, member: usize) -> (usize, usize) {
        (
            self.current[member].len(),
            self.group.members[member].id_rank,
        )
    }

    fn size(&self, member: usize) -> usize {
        self.current[member].len()
    }

    fn subscribes(&self, member: usize, topic: usize) -> bool {
        self.group.members[member].topics.contains(&topic)
    }

    fn balance(&mut self, all_partitions: &mut Vec<Tp>, unassigned: &mut Vec<Tp>) {
        let initializing = self
            .sorted
            .last()
            .is_none_or(|&(_, rank)| self.current[self.members_by_rank[rank]].is_empty());

        for &partition in unassigned.iter() {
            self.assign_to_least_loaded(partition);
        }

        // Partitions only one member can take, and members that cannot gain or give anything,
        // are left out of the balancing passes.
        let fixed_topics: VecSet<usize> = (0..self.group.topics.len())
            .filter(|&topic| self.consumers_of_topic[topic].len() < 2)
            .collect::<VecSet<_>>();
        all_partitions.retain(|partition| !fixed_topics.contains(&partition.topic));
        unassigned.retain(|partition| !fixed_topics.contains(&partition.topic));
        for member in 0..self.group.members.len() {
            if !self.can_participate(member) {
                self.sorted.remove(&self.sort_key(member));
                self.active[member] = false;
            }
        }

        let before_balancing = self.current.clone();
        let owner_before_balancing = self.owner.clone();
        if !self.revocation_required {
            // Kafka ignores whether this first pass moved anything when deciding to revert.
            self.perform_reassignments(unassigned);
        }
        let reassigned = self.perform_reassignments(all_partitions);

        if !initializing
            && reassigned
            && self.balance_score(&self.current) >= self.balance_score(&before_balancing)
        {
            self.current = before_balancing;
            self.owner = owner_before_balancing;
        }
    }

    /// Kafka's `maybeAssignPartition`: the first member in (count, id) order that subscribes.
    fn assign_to_least_loaded(&mut self, partition: Tp) {
        let taker = self
            .sorted
            .iter()
            .map(|&(_, rank)| self.members_by_rank[rank])
            .find(|&member| self.subscribes(member, partition.topic));
        if let Some(member) = taker {
            self.sorted.remove(&self.sort_key(member));
            self.current[member].push(partition);
            self.owner.insert(partition, member);
            self.sorted.insert(self.sort_key(member));
        }
    }

    fn can_participate(&self, member: usize) -> bool {
        self.size(member) < self.max_size[member]
            || self.current[member]
                .iter()
                .any(|partition| self.consumers_of_topic[partition.topic].len() >= 2)
    }

    fn perform_reassignments(&mut self, partitions: &[Tp]) -> bool {
        let mut reassigned = false;
        loop {
            let mut modified = false;
            for &partition in partitions {
                if self.is_balanced() {
                    break;
                }
                // Kafka would fail on a partition without an active owner; none can occur.
                let Some(&holder) = self.owner.get(&partition) else {
                    continue;
                };
                if !self.active[holder] {
                    continue;
                }
                if let Some(&(previous, _)) = self.previous_owner.get(&partition) {
                    if self.active[previous] && self.size(holder) > self.size(previous) + 1 {
                        self.reassign_to(partition, previous);
                        reassigned = true;
                        modified = true;
                        continue;
                    }
                }
                let lighter_exists = self.consumers_of_topic[partition.topic]
                    .iter()
                    .any(|&other| self.active[other] && self.size(holder) > self.size(other) + 1);
                if lighter_exists {
                    self.reassign(partition);
                    reassigned = true;
                    modified = true;
                }
            }
            if !modified {
                return reassigned;
            }
        }
    }

    /// Moves `partition` (or the partition that undoes an earlier move) to the least loaded
    /// member subscribed to its topic.
    fn reassign(&mut self, partition: Tp) {
        let taker = self
            .sorted
            .iter()
            .map(|&(_, rank)| self.members_by_rank[rank])
            .find(|&member| self.subscribes(member, partition.topic));
        if let Some(member) = taker {
            self.reassign_to(partition, member);
        }
    }

    fn reassign_to(&mut self, partition: Tp, new_owner: usize) {
        let Some(&holder) = self.owner.get(&partition) else {
            return;
        };
        let moving = self
            .movements
            .partition_to_move(partition, holder, new_owner);
        self.move_partition(moving, new_owner);
    }

    fn move_partition(&mut self, partition: Tp, new_owner: usize) {
        let Some(&old_owner) = self.owner.get(&partition) else {
            return;
        };
        self.sorted.remove(&self.sort_key(old_owner));
        self.sorted.remove(&self.sort_key(new_owner));
        self.movements
            .record_move(&self.group.topics, partition, old_owner, new_owner);
        remove_first(&mut self.current[old_owner], partition);
        self.current[new_owner].push(partition);
        self.owner.insert(partition, new_owner);
        self.sorted.insert(self.sort_key(new_owner));
        self.sorted.insert(self.sort_key(old_owner));
    }

    /// Kafka's `isBalanced`: counts differ by at most one, or no member could take a partition
    /// it subscribes to from a member holding two or more partitions more than it.
    fn is_balanced(&self) -> bool {
        let (Some(&(min, _)), Some(&(max, _))) = (self.sorted.first(), self.sorted.last()) else {
            return true;
        };
        if min + 1 >= max {
            return true;
        }
        let mut holders: VecMap<Tp, usize> = VecMap::new();
        for member in (0..self.current.len()).filter(|&member| self.active[member]) {
            for &partition in &self.current[member] {
                holders.insert(partition, member);
            }
        }
        for &(count, rank) in &self.sorted {
            let member = self.members_by_rank[rank];
            if count == self.max_size[member] {
                continue;
            }
            for &topic in &self.group.members[member].topics {
                for partition in self.group.topics.partitions_of(topic) {
                    let Some(&holder) = holders.get(&partition) else {
                        continue;
                    };
                    if holder != member && count + 1 < self.size(holder) {
                        return false;
                    }
                }
            }
        }
        true
    }

    /// Kafka's `getBalanceScore` over the active members: the sum of the differences in
    /// partition count over all pairs; lower is better balanced.
    fn balance_score(&self, assignment: &[Vec<Tp>]) -> usize {
        let sizes: Vec<usize> = (0..assignment.len())
            .filter(|&member| self.active[member])
            .map(|member| assignment[member].len())
            .collect();
        let mut score = 0;
        for (position, &size) in sizes.iter().enumerate() {
            for &other in &sizes[position + 1..] {
                score += size.abs_diff(other);
            }
        }
        score
    }
}
