//! What reading a scenario file gives before the cross-checks: its settings and the commands
//! to schedule, each with the place in the file it came from. The sections and the timeline
//! write it, the checks read it.

use crate::engine::{BrokerConfig, Command, NetworkConfig};

use super::table::Origin;

/// A command to schedule, and where in the file it came from.
#[derive(Clone, Debug)]
pub(super) struct Planned {
    pub at_ms: u64,
    pub command: Command,
    pub origin: Origin,
}

/// Everything read from a file, before the cross-checks of [`super::check`].
#[derive(Clone, Debug, Default)]
pub(super) struct Draft {
    pub name: String,
    pub description: String,
    pub seed: u64,
    pub duration_ms: Option<u64>,
    pub brokers: u32,
    pub broker: BrokerConfig,
    pub network: NetworkConfig,
    /// In the order they will be scheduled, which is the order commands at the same
    /// millisecond run in: topics, producers, consumers, workloads, then the timeline.
    pub planned: Vec<Planned>,
}
