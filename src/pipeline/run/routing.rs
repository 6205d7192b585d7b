//! Where a finished record goes: along the data edges that take it (success, failure, or by
//! the node it came from), to a topic through the node's producer or straight to the next
//! node, or, with nowhere to go, it ends here.

use super::timers::Action;
use super::{mix, PipelineRun};
use crate::engine::{Command, SimTime};
use crate::pipeline::model::{Behaviour, EdgeStyle, When};

/// The next multiple of `every` at or after `at` (a file roll, a scheduled job).
pub(super) fn release(at: SimTime, every: Option<u64>) -> SimTime {
    match every {
        Some(every) if every > 0 => SimTime(at.0.div_ceil(every) * every),
        _ => at,
    }
}

impl PipelineRun {
    pub(super) fn fails(&self, index: usize, origin: u32) -> bool {
        let Some(spec) = self.spec(index) else {
            return false;
        };
        let Some(record) = self.origins.get(origin as usize) else {
            return false;
        };
        if record.poison && spec.fails_on_poison {
            return true;
        }
        spec.transient_failures_per_mille > 0
            && mix(self.seed ^ mix(u64::from(origin) << 8 | index as u64)) % 1000
                < u64::from(spec.transient_failures_per_mille)
    }

    /// Sends a record a node has finished along the data edges that take it.
    pub(super) fn route(&mut self, index: usize, origin: u32, from: usize, failed: bool) {
        let from_id = self.pipeline.nodes[from].id.clone();
        let id = self.pipeline.nodes[index].id.clone();
        let targets: Vec<usize> = self
            .pipeline
            .edges
            .iter()
            .filter(|e| e.style == EdgeStyle::Data && e.from == id)
            .filter(|e| match &e.when {
                When::Always => true,
                When::Success => !failed,
                When::Failure => failed,
                When::From(node) => *node == from_id,
            })
            .filter_map(|e| self.pipeline.node_index(&e.to))
            .collect();
        if failed {
            self.nodes[index].failed += 1;
        }
        if targets.is_empty() {
            if failed {
                self.nodes[index].dropped += 1;
            } else {
                self.end(index, origin);
            }
            return;
        }
        self.nodes[index].records_out += 1;
        for target in targets {
            if let Behaviour::Topic { name, .. } = &self.pipeline.nodes[target].behaviour {
                let topic = name.clone();
                let Some(producer) = self.nodes[index].producer else {
                    continue;
                };
                let prefix = &self.pipeline.key_prefix;
                let record = &self.origins[origin as usize];
                let class = self
                    .pipeline
                    .classes
                    .get(record.class as usize)
                    .map_or("", |c| c.name.as_str());
                let value = if record.poison {
                    format!("{prefix}-{origin} {class} POISON")
                } else {
                    format!("{prefix}-{origin} {class}")
                };
                self.command(Command::Produce {
                    producer,
                    topic,
                    key: Some(format!("{prefix}-{origin}")),
                    value: Some(value),
                    partition: None,
                    timestamp: None,
                    headers: Vec::new(),
                });
            } else {
                self.arrive(target, origin, index);
            }
        }
    }

    /// A record reaches a node directly (not through Kafka).
    fn arrive(&mut self, index: usize, origin: u32, from: usize) {
        let now = self.sim.now();
        match &self.pipeline.nodes[index].behaviour {
            Behaviour::Drawn | Behaviour::Topic { .. } => {}
            Behaviour::Source { .. } | Behaviour::Sink => {
                self.count_in(index);
                self.end(index, origin);
            }
            Behaviour::Stage {
                service_ms,
                release_every_ms,
            } => {
                let service = self.nodes[index]
                    .service_override_ms
                    .unwrap_or(service_ms.value);
                let at = release(
                    now.plus_ms(service),
                    release_every_ms.as_ref().map(|m| m.value),
                );
                self.count_in(index);
                self.nodes[index].in_progress += 1;
                self.schedule(
                    at,
                    Action::Done {
                        node: index,
                        origin,
                        from,
                    },
                );
            }
            Behaviour::Processor(spec) => {
                let class = self.origins[origin as usize].class;
                let service = self.nodes[index]
                    .service_override_ms
                    .unwrap_or_else(|| spec.service.for_class(class));
                self.count_in(index);
                self.nodes[index].in_progress += 1;
                self.schedule(
                    now.plus_ms(service),
                    Action::Done {
                        node: index,
                        origin,
                        from,
                    },
                );
            }
        }
    }

    /// A record's journey ends at this node.
    fn end(&mut self, index: usize, origin: u32) {
        let now = self.sim.now();
        let Some(record) = self.origins.get(origin as usize) else {
            return;
        };
        let latency = now.since(record.created_at);
        let state = &mut self.nodes[index];
        // A record redone after a rebalance can arrive twice; its latency is its first arrival.
        if state.ended.insert(origin) {
            state.latencies_ms.push(latency);
            state.last_end = now;
        }
    }

    pub(super) fn count_in(&mut self, index: usize) {
        let second = (self.sim.now().as_ms() / 1000) as usize;
        let state = &mut self.nodes[index];
        state.records_in += 1;
        if state.in_per_second.len() <= second {
            state.in_per_second.resize(second + 1, 0);
        }
        state.in_per_second[second] += 1;
    }
}
