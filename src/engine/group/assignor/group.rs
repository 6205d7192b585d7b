//! The input every assignor works on, prepared the way Kafka's `AbstractPartitionAssignor`
//! prepares it before calling the concrete assignor.

use crate::engine::sorted;
use crate::engine::sorted::{VecMap, VecSet};
use std::cmp::Ordering;

use super::java_order::{compare_strings, string_hash, JavaHashOrder};
use super::MemberSubscription;

/// A partition of a topic in the [`TopicTable`]. The derived order is Kafka's
/// `(topic, partition)` order because the table lists topics in Java string order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Tp {
    pub topic: usize,
    pub partition: u32,
}

/// The topics that take part in the assignment: those some member subscribes to that exist
/// with at least one partition (Kafka's `partitionsPerTopic`), sorted by Java string order.
#[derive(Clone, Debug)]
pub struct TopicTable {
    names: Vec<String>,
    counts: Vec<u32>,
    hashes: Vec<i32>,
    index: VecMap<String, usize>,
}

impl TopicTable {
    fn new(existing: &VecMap<String, u32>, subscribed: &VecSet<String>) -> Self {
        let mut names: Vec<String> = subscribed
            .iter()
            .filter(|name| existing.get(*name).is_some_and(|&count| count > 0))
            .cloned()
            .collect();
        sorted::sort_by(&mut names, |a, b| compare_strings(a, b));
        let counts = names.iter().map(|name| existing[name]).collect();
        let hashes = names.iter().map(|name| string_hash(name)).collect();
        let index = names
            .iter()
            .enumerate()
            .map(|(position, name)| (name.clone(), position))
            .collect::<VecMap<_, _>>();
        TopicTable {
            names,
            counts,
            hashes,
            index,
        }
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn name(&self, topic: usize) -> &str {
        &self.names[topic]
    }

    pub fn partition_count(&self, topic: usize) -> u32 {
        self.counts[topic]
    }

    /// Java's `String.hashCode` of the topic name.
    pub fn hash(&self, topic: usize) -> i32 {
        self.hashes[topic]
    }

    pub fn find(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    /// Every partition of every topic, in `(topic, partition)` order.
    pub fn all_partitions(&self) -> Vec<Tp> {
        (0..self.len())
            .flat_map(|topic| self.partitions_of(topic))
            .collect()
    }

    pub fn partitions_of(&self, topic: usize) -> impl Iterator<Item = Tp> {
        (0..self.counts[topic]).map(move |partition| Tp { topic, partition })
    }

    pub fn total_partitions(&self) -> usize {
        self.counts.iter().map(|&count| count as usize).sum()
    }
}

/// One member, with its subscription resolved against the [`TopicTable`].
#[derive(Clone, Debug)]
pub struct Member {
    pub id: String,
    pub instance_id: Option<String>,
    /// The subscribed topic names as sent, without duplicates, existing or not.
    pub topic_names: VecSet<String>,
    /// The subscribed topics that take part in the assignment.
    pub topics: VecSet<usize>,
    /// The owned partitions that still exist, in the order the member reported them.
    pub owned: Vec<Tp>,
    pub generation: Option<i32>,
    /// The member's position among all members sorted by id in Java string order.
    pub id_rank: usize,
}

/// All members in the iteration order of the Java `HashMap` that Kafka's consumer leader
/// builds from the join responses, plus the topics they can be assigned.
#[derive(Clone, Debug)]
pub struct Group {
    pub topics: TopicTable,
    pub members: Vec<Member>,
}

impl Group {
    pub fn new(existing: &VecMap<String, u32>, subscriptions: &[MemberSubscription]) -> Self {
        // A map keeps one subscription per member id; as with Java's `put`, a repeated id keeps
        // the last subscription given for it.
        let mut by_id: VecMap<&str, &MemberSubscription> = VecMap::new();
        for subscription in subscriptions {
            by_id.insert(subscription.member_id.as_str(), subscription);
        }
        let mut sorted_ids: Vec<&str> = by_id.keys().copied().collect();
        sorted::sort_by(&mut sorted_ids, |a, b| compare_strings(a, b));

        let subscribed: VecSet<String> = by_id
            .values()
            .flat_map(|subscription| subscription.topics.iter().cloned())
            .collect::<VecSet<_>>();
        let topics = TopicTable::new(existing, &subscribed);

        // The leader inserts members in the order the broker lists them, which the assignor
        // cannot know; inserting in id order keeps the result independent of the caller's
        // order while still reproducing Java's bucket order, which is what decides ties.
        let mut table = JavaHashOrder::new();
        for (rank, id) in sorted_ids.iter().enumerate() {
            table.insert(rank, string_hash(id));
        }
        let members = table
            .iteration_order()
            .into_iter()
            .map(|rank| Member::new(by_id[sorted_ids[rank]], rank, &topics))
            .collect();
        Group { topics, members }
    }

    /// Member positions (indices into `members`) indexed by id rank.
    pub fn members_by_rank(&self) -> Vec<usize> {
        let mut by_rank = vec![0; self.members.len()];
        for (index, member) in self.members.iter().enumerate() {
            by_rank[member.id_rank] = index;
        }
        by_rank
    }

    /// Member positions sorted as Kafka's `MemberInfo.compareTo` sorts them, stably from the
    /// map order as `Collections.sort` does.
    pub fn members_in_member_info_order(&self, keep: impl Fn(&Member) -> bool) -> Vec<usize> {
        let mut chosen: Vec<usize> = (0..self.members.len())
            .filter(|&index| keep(&self.members[index]))
            .collect();
        sorted::sort_by(&mut chosen, |&a, &b| {
            compare_member_info(&self.members[a], &self.members[b])
        });
        chosen
    }
}

impl Member {
    fn new(subscription: &MemberSubscription, id_rank: usize, topics: &TopicTable) -> Self {
        let topic_names: VecSet<String> =
            subscription.topics.iter().cloned().collect::<VecSet<_>>();
        let subscribed = topic_names
            .iter()
            .filter_map(|name| topics.find(name))
            .collect();
        // Partitions of deleted topics, or beyond a topic's current size, no longer exist.
        // Kafka drops owned partitions of missing topics; it never sees a shrunken topic
        // because partitions are only ever added, so dropping those too is the safe reading.
        let owned = subscription
            .owned
            .iter()
            .filter_map(|(name, partition)| {
                let topic = topics.find(name)?;
                (*partition < topics.partition_count(topic)).then_some(Tp {
                    topic,
                    partition: *partition,
                })
            })
            .collect();
        Member {
            id: subscription.member_id.clone(),
            instance_id: subscription.group_instance_id.clone(),
            topic_names,
            topics: subscribed,
            owned,
            generation: subscription.generation,
            id_rank,
        }
    }
}

/// Kafka's `MemberInfo.compareTo`: static members first, ordered by instance id; then dynamic
/// members ordered by member id.
fn compare_member_info(left: &Member, right: &Member) -> Ordering {
    match (&left.instance_id, &right.instance_id) {
        (Some(left), Some(right)) => compare_strings(left, right),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => compare_strings(&left.id, &right.id),
    }
}
