//! A broker answers a client's Metadata request from its own copy of the cluster's metadata,
//! not from the controller's: a broker the controller cannot reach answers with what it last
//! heard, so its clients keep believing what it believes.

use crate::engine::errors::ErrorCode;
use crate::engine::ids::BrokerId;
use crate::engine::network::{Message, Node, TopicMetadata};
use crate::engine::Simulation;

impl Simulation {
    pub(in crate::engine) fn on_metadata_request(
        &mut self,
        broker: BrokerId,
        from: Node,
        correlation_id: u64,
        topics: Vec<String>,
    ) {
        let Some(state) = self.brokers.get(&broker) else {
            return;
        };
        let image = &state.metadata_image;
        let topics = topics
            .into_iter()
            .map(|name| match image.get(&name) {
                Some(partitions) => TopicMetadata {
                    name,
                    error: None,
                    partitions: partitions.clone(),
                },
                None => TopicMetadata {
                    name,
                    error: Some(ErrorCode::UnknownTopicOrPartition),
                    partitions: Vec::new(),
                },
            })
            .collect();
        let brokers = self.brokers.keys().copied().collect();
        self.send(
            Node::Broker(broker),
            from,
            Message::MetadataResponse {
                correlation_id,
                brokers,
                topics,
            },
        );
    }
}
