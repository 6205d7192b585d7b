//! Kafka's `RangeAssignor` (without rack awareness, which needs replica racks the simulator does
//! not model).

use super::group::{Group, Tp};

/// Each topic is split on its own: its subscribers, in `MemberInfo` order, take consecutive
/// ranges, and the first `partitions % subscribers` of them take one partition more.
pub fn assign(group: &Group) -> Vec<Vec<Tp>> {
    let mut assignment = vec![Vec::new(); group.members.len()];
    for topic in 0..group.topics.len() {
        let consumers = group.members_in_member_info_order(|member| member.topics.contains(&topic));
        if consumers.is_empty() {
            continue;
        }
        let partitions: Vec<Tp> = group.topics.partitions_of(topic).collect();
        let per_consumer = partitions.len() / consumers.len();
        let with_extra = partitions.len() % consumers.len();
        let mut start = 0;
        for (position, &consumer) in consumers.iter().enumerate() {
            let length = per_consumer + usize::from(position < with_extra);
            assignment[consumer].extend_from_slice(&partitions[start..start + length]);
            start += length;
        }
    }
    assignment
}
