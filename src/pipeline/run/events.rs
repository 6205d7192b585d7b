//! What the driver reads from the engine after every step: which synthetic record each engine
//! record carries, appends and failures per topic, refused commands, and the records a
//! processor's consumer polled, which its worker then serves.

use super::routing::release;
use super::timers::Action;
use super::{PipelineRun, Trace};
use crate::engine::{Command, ConsumerId, Event, EventKind, RecordId};

impl PipelineRun {
    /// Hands every engine event to the driver until the engine has nothing more to say.
    pub(super) fn absorb(&mut self) {
        loop {
            let events = self.sim.drain_events();
            if events.is_empty() {
                return;
            }
            for event in &events {
                self.on_event(event);
            }
            if self.keep_events {
                self.events.extend(events);
            }
        }
    }

    fn on_event(&mut self, event: &Event) {
        match &event.kind {
            EventKind::RecordSent {
                record,
                partition,
                key,
                ..
            } => {
                let Some(&topic_node) = self.topic_nodes.get(&*partition.topic) else {
                    return;
                };
                let Some(origin) = key
                    .as_deref()
                    .and_then(|k| k.rsplit('-').next())
                    .and_then(|n| n.parse::<u32>().ok())
                else {
                    return;
                };
                self.records.insert(
                    *record,
                    Trace {
                        origin,
                        topic_node,
                        sent_at: event.at,
                    },
                );
            }
            EventKind::BatchAppended {
                partition, records, ..
            } => {
                if let Some(&node) = self.topic_nodes.get(&*partition.topic) {
                    for _ in records {
                        self.count_in(node);
                    }
                }
            }
            EventKind::BatchFailed { records, .. } => {
                for record in records {
                    if let Some(trace) = self.records.get(record) {
                        self.nodes[trace.topic_node].lost += 1;
                    }
                }
            }
            EventKind::RecordPolled {
                record, consumer, ..
            } => self.on_polled(*record, *consumer),
            EventKind::CommandRejected { reason } => {
                self.rejections.push(format!("{}: {reason}", event.at));
            }
            _ => {}
        }
    }

    /// A processor's consumer returned a record from `poll()`: the worker serves it after the
    /// records it already has, then forwards it.
    fn on_polled(&mut self, record: RecordId, consumer: ConsumerId) {
        let Some(&index) = self.consumer_nodes.get(&consumer) else {
            return;
        };
        let Some(trace) = self.records.get(&record).copied() else {
            return;
        };
        let Some(spec) = self.spec(index).cloned() else {
            return;
        };
        let now = self.sim.now();
        self.nodes[trace.topic_node].records_out += 1;
        self.count_in(index);
        self.nodes[index].in_progress += 1;
        let class = self
            .origins
            .get(trace.origin as usize)
            .map_or(0, |o| o.class);
        let service = self.nodes[index]
            .service_override_ms
            .unwrap_or_else(|| spec.service.for_class(class));
        let mut start = now.max(self.busy_until.get(&consumer).copied().unwrap_or(now));
        if let Some(hold) = &spec.hold_ms {
            start = start.max(trace.sent_at.plus_ms(hold.value));
        }
        let done = start.plus_ms(service);
        self.busy_until.insert(consumer, done);
        let visible = release(done, spec.release_every_ms.as_ref().map(|m| m.value));
        self.schedule(
            visible,
            Action::Done {
                node: index,
                origin: trace.origin,
                from: trace.topic_node,
            },
        );
        // The worker does not call poll() while it is busy. The engine paces a consumer's own
        // poll loop by its processing time, but a fetch answer from another partition leader
        // hands records over at once; pausing keeps them in Kafka, where lag can count them.
        if done > now {
            if !self.paused_by_run.contains(&consumer)
                && self.sim.handle(Command::PauseConsumer { consumer }).is_ok()
            {
                self.paused_by_run.insert(consumer);
            }
            self.schedule(done, Action::Resume(consumer));
        }
    }
}
