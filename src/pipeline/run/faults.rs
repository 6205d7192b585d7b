//! Failure stories' faults: a slow node, a poison record, a load peak, a broker crash and
//! restart, each applied when its time comes.

use serde::Serialize;

use super::{fixed_service, PipelineRun};
use crate::engine::{BrokerId, Command};

/// Something that goes wrong, at a time, in a failure story.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fault {
    /// A node's service time per record changes (a slow sink, a slow job).
    SlowNode {
        node: String,
        service_ms: u64,
    },
    /// A source emits one record that every processor with `fails_on_poison` fails on.
    Poison {
        source: String,
    },
    /// The steady load runs at this percentage of its rate (a dinner-time peak).
    LoadPercent {
        percent: u32,
    },
    CrashBroker {
        broker: u32,
    },
    RestartBroker {
        broker: u32,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TimedFault {
    pub at_ms: u64,
    pub fault: Fault,
}

impl PipelineRun {
    pub(super) fn fault(&mut self, fault: Fault) {
        match fault {
            Fault::SlowNode { node, service_ms } => {
                let Some(index) = self.pipeline.node_index(&node) else {
                    self.rejections.push(format!("no node {node}"));
                    return;
                };
                self.nodes[index].service_override_ms = Some(service_ms);
                if self.spec(index).and_then(fixed_service).is_some() {
                    for consumer in self.nodes[index].consumers.clone() {
                        self.command(Command::SetProcessingTime {
                            consumer,
                            processing_time_ms: service_ms,
                        });
                    }
                }
            }
            Fault::Poison { source } => match self.pipeline.node_index(&source) {
                Some(index) => self.create(index, 0, true),
                None => self.rejections.push(format!("no node {source}")),
            },
            Fault::LoadPercent { percent } => self.load_percent = percent,
            Fault::CrashBroker { broker } => {
                self.command(Command::CrashBroker {
                    broker: BrokerId(broker),
                });
            }
            Fault::RestartBroker { broker } => {
                self.command(Command::RestartBroker {
                    broker: BrokerId(broker),
                });
            }
        }
    }
}
