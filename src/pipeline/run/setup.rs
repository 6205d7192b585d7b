//! Building a pipeline on the engine: its topics, a producer for every node that feeds a
//! topic, the processors' first members and autoscaler probes, then the first record of the
//! load.

use super::timers::Action;
use super::PipelineRun;
use crate::engine::{Acks, Command, ProducerConfig, ProducerId, SimTime, TopicConfig};
use crate::pipeline::model::{Behaviour, EdgeStyle};

impl PipelineRun {
    pub(super) fn build(&mut self, brokers: u32) {
        let cluster = self.pipeline.cluster.clone();
        let replication_factor = (cluster.replication_factor.value as u32).clamp(1, brokers);
        let min_insync = (cluster.min_insync_replicas.value as u32).clamp(1, replication_factor);
        for (index, node) in self.pipeline.nodes.clone().iter().enumerate() {
            match &node.behaviour {
                Behaviour::Topic { name, partitions } => {
                    self.command(Command::CreateTopic {
                        name: name.clone(),
                        config: TopicConfig {
                            partitions: partitions.value as u32,
                            replication_factor,
                            min_insync_replicas: min_insync,
                            ..TopicConfig::default()
                        },
                    });
                    self.topic_nodes.insert(name.clone(), index);
                }
                Behaviour::Source { share_percent } => {
                    self.sources.push((index, share_percent.value as i64, 0));
                }
                _ => {}
            }
        }
        let mut next_producer = 0;
        for index in 0..self.pipeline.nodes.len() {
            let feeds_topic = self
                .data_edges_from(index)
                .iter()
                .any(|&to| matches!(self.pipeline.nodes[to].behaviour, Behaviour::Topic { .. }));
            if feeds_topic {
                let producer = ProducerId(next_producer);
                next_producer += 1;
                let acks = if cluster.acks_all {
                    Acks::All
                } else {
                    Acks::Leader
                };
                self.command(Command::AddProducer {
                    producer,
                    config: ProducerConfig {
                        acks,
                        // Idempotence needs acks=all.
                        enable_idempotence: cluster.acks_all,
                        ..ProducerConfig::default()
                    },
                });
                self.nodes[index].producer = Some(producer);
            }
        }
        for index in 0..self.pipeline.nodes.len() {
            if let Behaviour::Processor(spec) = &self.pipeline.nodes[index].behaviour {
                let members = spec.members.value;
                let probe = spec.autoscale.as_ref().map(|a| a.probe_every_ms.value);
                for _ in 0..members {
                    self.add_member(index);
                }
                if let Some(every) = probe.filter(|&every| every > 0) {
                    self.schedule(SimTime(every), Action::Probe(index));
                }
            }
        }
        self.schedule_first_emit();
    }

    fn data_edges_from(&self, index: usize) -> Vec<usize> {
        let id = &self.pipeline.nodes[index].id;
        self.pipeline
            .edges
            .iter()
            .filter(|e| e.style == EdgeStyle::Data && &e.from == id)
            .filter_map(|e| self.pipeline.node_index(&e.to))
            .collect()
    }
}
