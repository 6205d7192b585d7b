//! A run's setup as plain data: the cluster, and the commands planned before time starts, each
//! stamped with the simulated millisecond it runs at. Every way of starting a run ends here: a
//! scenario file (`Scenario::setup`), a sandbox preset (which is a scenario file), a
//! tour scene (likewise), and a saved sandbox run (which stores its setup as this type). One
//! [`Setup::build`] turns it into a simulation, so the tour, the sandbox and `kplay run` cannot
//! build the same file two different ways.

use serde::{Deserialize, Serialize};

use crate::engine::{BrokerConfig, Command, NetworkConfig, SimConfig, SimTime, Simulation};

/// Everything fixed before time starts: the cluster and the commands planned in advance (a
/// scenario's topics, clients and timeline).
///
/// Its serde form is part of the sandbox's saved state, so its field names are a format: a
/// rename here needs a new saved-run version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Setup {
    /// What the visitor sees as the setup's name (a scenario's `name`).
    pub name: String,
    pub seed: u64,
    pub brokers: u32,
    #[serde(default)]
    pub broker: BrokerConfig,
    #[serde(default)]
    pub network: NetworkConfig,
    #[serde(default)]
    pub planned: Vec<Stamped>,
}

/// A command and the simulated millisecond it was applied at.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamped {
    pub at_ms: u64,
    pub command: Command,
}

impl Setup {
    /// The settings the simulation is created with.
    pub fn sim_config(&self) -> SimConfig {
        SimConfig {
            seed: self.seed,
            broker_count: self.brokers,
            network: self.network,
            broker: self.broker.clone(),
        }
    }

    /// The simulation at time zero with every planned command scheduled. Nothing has run yet:
    /// topics, clients and the timeline all happen as the clock moves, and a command the engine
    /// refuses becomes a `CommandRejected` event rather than a panic.
    pub fn build(&self) -> Simulation {
        let mut sim = Simulation::new(self.sim_config());
        for planned in &self.planned {
            sim.schedule(SimTime::from_ms(planned.at_ms), planned.command.clone());
        }
        sim
    }
}
