//! Every broker's copy of the cluster's metadata (KRaft's metadata image), which the
//! controller publishes to each broker it can reach and which brokers answer clients' Metadata
//! requests from. A broker the controller cannot reach keeps its stale copy.

use crate::engine::ids::{BrokerId, TopicPartition};
use crate::engine::network::PartitionMetadata;
use crate::engine::sorted::VecMap;
use crate::engine::Simulation;

impl Simulation {
    /// The brokers the controller reaches now: running and not cut off from their peers.
    fn image_subscribers(&self) -> Vec<BrokerId> {
        self.brokers
            .values()
            .filter(|b| b.up && !self.network.is_isolated(b.id))
            .map(|b| b.id)
            .collect()
    }

    /// The controller's metadata of every topic, as a Metadata response lists it.
    pub(in crate::engine) fn metadata_snapshot(&self) -> VecMap<String, Vec<PartitionMetadata>> {
        self.topics
            .values()
            .map(|topic| {
                let partitions = topic
                    .partitions
                    .iter()
                    .enumerate()
                    .map(|(index, meta)| PartitionMetadata {
                        partition: index as u32,
                        leader: meta.leader,
                        leader_epoch: meta.leader_epoch,
                        replicas: meta.replicas.clone(),
                        isr: meta.isr.clone(),
                    })
                    .collect();
                (topic.name.clone(), partitions)
            })
            .collect::<VecMap<_, _>>()
    }

    /// What a new client's bootstrap Metadata exchange returns: every topic and broker.
    pub(in crate::engine) fn bootstrap_metadata(
        &self,
    ) -> (VecMap<String, Vec<PartitionMetadata>>, Vec<BrokerId>) {
        (
            self.metadata_snapshot(),
            self.brokers.keys().copied().collect(),
        )
    }

    /// Publishes one partition's change to every broker the controller reaches.
    pub(in crate::engine) fn publish_partition(&mut self, tp: &TopicPartition) {
        let Some(topic) = self.topics.get(&*tp.topic) else {
            return;
        };
        let count = topic.partition_count() as usize;
        let Some(meta) = topic.partitions.get(tp.partition as usize) else {
            return;
        };
        let entry = PartitionMetadata {
            partition: tp.partition,
            leader: meta.leader,
            leader_epoch: meta.leader_epoch,
            replicas: meta.replicas.clone(),
            isr: meta.isr.clone(),
        };
        for broker in self.image_subscribers() {
            let state = self.brokers.get_mut(&broker).expect("listed");
            let partitions = state
                .metadata_image
                .entry(tp.topic.to_string())
                .or_default();
            if partitions.len() != count {
                partitions.resize_with(count, || PartitionMetadata {
                    partition: 0,
                    leader: None,
                    leader_epoch: 0,
                    replicas: Vec::new(),
                    isr: Vec::new(),
                });
                for (index, p) in partitions.iter_mut().enumerate() {
                    p.partition = index as u32;
                }
            }
            partitions[tp.partition as usize] = entry.clone();
        }
    }

    /// Replaces a broker's whole copy with the controller's (after a restart or a heal).
    pub(in crate::engine) fn publish_image(&mut self, broker: BrokerId) {
        let snapshot = self.metadata_snapshot();
        if let Some(state) = self.brokers.get_mut(&broker) {
            state.metadata_image = snapshot;
        }
    }

    /// A deleted topic leaves the copy of every broker the controller reaches.
    pub(in crate::engine) fn unpublish_topic(&mut self, topic: &str) {
        for broker in self.image_subscribers() {
            if let Some(state) = self.brokers.get_mut(&broker) {
                state.metadata_image.remove(topic);
            }
        }
    }
}
