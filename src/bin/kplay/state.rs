//! The cluster's state at the end of a run, for `kplay run --json`: what a test or a reader
//! asserts on instead of trace wording.

use kafka_playground::engine::sorted::VecMap;

use kafka_playground::engine::{GroupPhase, Simulation, TopicPartition, OFFSETS_TOPIC};
use serde::Serialize;

/// Every user topic's partitions, every group and every consumer, as they are when the run ends.
#[derive(Debug, Serialize)]
pub struct FinalState {
    pub partitions: Vec<PartitionState>,
    pub groups: Vec<GroupSummary>,
    pub consumers: Vec<ConsumerSummary>,
}

/// One partition as the controller and its leader's log see it. The offsets are the leader's
/// and are absent while the partition has no leader.
#[derive(Debug, Serialize)]
pub struct PartitionState {
    pub partition: String,
    pub replicas: Vec<u32>,
    pub leader: Option<u32>,
    pub leader_epoch: u32,
    pub isr: Vec<u32>,
    pub log_start_offset: Option<u64>,
    pub high_watermark: Option<u64>,
    pub log_end_offset: Option<u64>,
}

/// A consumer group at its coordinator.
#[derive(Debug, Serialize)]
pub struct GroupSummary {
    pub group: String,
    pub state: GroupPhase,
    pub generation: i32,
    pub protocol: Option<String>,
    pub leader: Option<String>,
    /// Each member's assignment, by member id.
    pub members: VecMap<String, MemberSummary>,
    /// Committed offsets (the next offset to read), by partition.
    pub committed: VecMap<String, u64>,
}

#[derive(Debug, Serialize)]
pub struct MemberSummary {
    pub consumer: u32,
    pub group_instance_id: Option<String>,
    pub assignment: Vec<String>,
}

/// What one consumer's application read.
#[derive(Debug, Serialize)]
pub struct ConsumerSummary {
    pub consumer: u32,
    pub group: Option<String>,
    /// Records `poll()` returned, duplicates included.
    pub records_read: u64,
    /// The offset of the last record read, by partition.
    pub last_offsets: VecMap<String, u64>,
    /// The next offset to read, by partition.
    pub positions: VecMap<String, u64>,
}

impl FinalState {
    pub fn of(sim: &Simulation) -> Self {
        let partitions = sim
            .topics()
            .filter(|topic| topic.name != OFFSETS_TOPIC)
            .flat_map(|topic| {
                topic.partitions.iter().enumerate().map(|(index, meta)| {
                    let tp = TopicPartition::new(topic.name.as_str(), index as u32);
                    let log = sim.leader_log(&tp);
                    PartitionState {
                        partition: tp.to_string(),
                        replicas: meta.replicas.iter().map(|b| b.0).collect(),
                        leader: meta.leader.map(|b| b.0),
                        leader_epoch: meta.leader_epoch,
                        isr: meta.isr.iter().map(|b| b.0).collect(),
                        log_start_offset: log.map(|l| l.log_start_offset().0),
                        high_watermark: log.map(|l| l.high_watermark().0),
                        log_end_offset: log.map(|l| l.log_end_offset().0),
                    }
                })
            })
            .collect();
        let groups = sim
            .groups()
            .map(|group| GroupSummary {
                group: group.id.clone(),
                state: group.phase,
                generation: group.generation,
                protocol: group.protocol.clone(),
                leader: group.leader.clone(),
                members: group
                    .members
                    .values()
                    .map(|member| {
                        let assignment =
                            member.assignment.iter().map(ToString::to_string).collect();
                        let summary = MemberSummary {
                            consumer: member.consumer.0,
                            group_instance_id: member.group_instance_id.clone(),
                            assignment,
                        };
                        (member.member_id.clone(), summary)
                    })
                    .collect(),
                committed: group
                    .offsets
                    .iter()
                    .map(|(tp, offset)| (tp.to_string(), offset.0))
                    .collect(),
            })
            .collect();
        let consumers = sim
            .consumers()
            .map(|consumer| ConsumerSummary {
                consumer: consumer.id.0,
                group: consumer.group.as_ref().map(|g| g.group.clone()),
                records_read: consumer.records_polled,
                last_offsets: consumer
                    .last_polled
                    .iter()
                    .map(|(tp, o)| (tp.to_string(), o.0))
                    .collect(),
                positions: consumer
                    .positions
                    .iter()
                    .map(|(tp, o)| (tp.to_string(), o.0))
                    .collect(),
            })
            .collect();
        FinalState {
            partitions,
            groups,
            consumers,
        }
    }
}
