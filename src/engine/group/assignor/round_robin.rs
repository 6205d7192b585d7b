//! Kafka's `RoundRobinAssignor`.

use super::group::{Group, Tp};

/// All partitions, topics in name order, are dealt in turn to the members in `MemberInfo`
/// order; a member not subscribed to a partition's topic is skipped over for that partition.
pub fn assign(group: &Group) -> Vec<Vec<Tp>> {
    let mut assignment = vec![Vec::new(); group.members.len()];
    let circle = group.members_in_member_info_order(|_| true);
    if circle.is_empty() {
        return assignment;
    }
    let mut next = 0;
    for partition in group.topics.all_partitions() {
        // Every topic in the table has a subscriber, so one lap always finds one; the bound
        // only guards against looping forever should that ever stop being true.
        let taker = (0..circle.len())
            .map(|step| (next + step) % circle.len())
            .find(|&slot| {
                group.members[circle[slot]]
                    .topics
                    .contains(&partition.topic)
            });
        if let Some(slot) = taker {
            assignment[circle[slot]].push(partition);
            next = (slot + 1) % circle.len();
        }
    }
    assignment
}
