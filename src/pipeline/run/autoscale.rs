//! The processors' consumer groups: adding members, counting the running ones, their lag,
//! and the autoscaler that adds members while a group lags.

use super::timers::Action;
use super::{fixed_service, PipelineRun};
use crate::engine::{AutoOffsetReset, Command, ConsumerConfig, ConsumerId, TopicPartition};
use crate::pipeline::model::{Behaviour, EdgeStyle};

impl PipelineRun {
    /// The autoscaler: while the group lags, add members the way Kubernetes' default scale-up
    /// policy does (double, or four more, whichever is more), up to its maximum.
    pub(super) fn probe(&mut self, index: usize) {
        let Some(scale) = self.spec(index).and_then(|s| s.autoscale.clone()) else {
            return;
        };
        let lag = self.group_lag(index).unwrap_or(0);
        let members = u64::from(self.running_members(index).unwrap_or(0));
        let max = scale.max_members.value;
        if lag > 0 && members < max {
            let add = members.max(4).min(max - members).min(lag);
            for _ in 0..add {
                self.add_member(index);
            }
        }
        let every = scale.probe_every_ms.value.max(1);
        self.schedule(self.sim.now().plus_ms(every), Action::Probe(index));
    }

    /// The topic a processor reads: the one on its incoming data edge.
    pub(super) fn input_topic(&self, index: usize) -> Option<String> {
        let id = &self.pipeline.nodes[index].id;
        self.pipeline
            .edges
            .iter()
            .filter(|e| e.style == EdgeStyle::Data && &e.to == id)
            .filter_map(|e| self.pipeline.node(&e.from))
            .find_map(|n| match &n.behaviour {
                Behaviour::Topic { name, .. } => Some(name.clone()),
                _ => None,
            })
    }

    pub(super) fn add_member(&mut self, index: usize) {
        let Some(spec) = self.spec(index).cloned() else {
            return;
        };
        let Some(topic) = self.input_topic(index) else {
            return;
        };
        let consumer = ConsumerId(self.next_consumer);
        self.next_consumer += 1;
        let added = self.command(Command::AddConsumer {
            consumer,
            topic,
            group: Some(spec.group.clone()),
            config: ConsumerConfig {
                max_poll_records: spec.max_poll_records.max(1),
                // A pipeline's groups start with it: nothing produced before they joined may be
                // skipped.
                auto_offset_reset: AutoOffsetReset::Earliest,
                ..ConsumerConfig::default()
            },
        });
        if !added {
            return;
        }
        if let Some(fixed) = fixed_service(&spec) {
            let service = self.nodes[index].service_override_ms.unwrap_or(fixed);
            self.command(Command::SetProcessingTime {
                consumer,
                processing_time_ms: service,
            });
        }
        self.nodes[index].consumers.push(consumer);
        self.consumer_nodes.insert(consumer, index);
    }

    pub(super) fn running_members(&self, index: usize) -> Option<u32> {
        self.spec(index)?;
        Some(
            self.nodes[index]
                .consumers
                .iter()
                .filter_map(|c| self.sim.consumer(*c))
                .filter(|c| !c.crashed && !c.closed)
                .count() as u32,
        )
    }

    pub(super) fn group_lag(&self, index: usize) -> Option<u64> {
        let spec = self.spec(index)?;
        let topic_name = self.input_topic(index)?;
        let topic = self.sim.topic(&topic_name)?;
        let committed = self.sim.group(&spec.group).map(|g| &g.offsets);
        let mut lag = 0;
        for partition in 0..topic.partition_count() {
            let tp = TopicPartition::new(topic_name.as_str(), partition);
            let high_watermark = self.sim.leader_log(&tp).map_or(0, |l| l.high_watermark().0);
            let offset = committed.and_then(|c| c.get(&tp)).map_or(0, |o| o.0);
            lag += high_watermark.saturating_sub(offset);
        }
        Some(lag)
    }
}
