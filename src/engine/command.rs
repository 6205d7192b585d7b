//! The one door in: everything a user, a scenario or a test can do to the simulation.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::consumer::ConsumerConfig;
use super::ids::{ConsumerId, ProducerId};
use super::producer::ProducerConfig;

/// An action on the simulation. Commands are applied at the simulation's current time, or at a
/// later time with [`super::Simulation::schedule`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Command {
    /// Creates a topic whose partitions are led by the cluster's brokers.
    CreateTopic { name: String, partitions: u32 },
    /// Adds a producer client.
    AddProducer {
        producer: ProducerId,
        config: ProducerConfig,
    },
    /// The producer's application calls `send()` with this key and value.
    Produce {
        producer: ProducerId,
        topic: String,
        key: Option<String>,
        value: String,
    },
    /// Adds a consumer that reads every partition of `topic` (it is assigned all of them, like a
    /// console consumer without a group).
    AddConsumer {
        consumer: ConsumerId,
        topic: String,
        config: ConsumerConfig,
    },
}

/// Why a command was refused. The simulation is unchanged when a command is rejected.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Rejection {
    TopicAlreadyExists {
        topic: String,
    },
    UnknownTopic {
        topic: String,
    },
    InvalidTopicName {
        topic: String,
    },
    InvalidPartitionCount {
        partitions: u32,
        max: u32,
    },
    ProducerAlreadyExists {
        producer: ProducerId,
    },
    UnknownProducer {
        producer: ProducerId,
    },
    ConsumerAlreadyExists {
        consumer: ConsumerId,
    },
    InvalidConfig {
        setting: &'static str,
        reason: String,
    },
    /// A limit that keeps a browser tab responsive (see [`super::limits`]).
    LimitReached {
        what: &'static str,
        max: u64,
    },
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rejection::TopicAlreadyExists { topic } => write!(f, "topic '{topic}' already exists"),
            Rejection::UnknownTopic { topic } => write!(
                f,
                "topic '{topic}' does not exist (UNKNOWN_TOPIC_OR_PARTITION)"
            ),
            Rejection::InvalidTopicName { topic } => write!(
                f,
                "'{topic}' is not a legal topic name: use 1 to 249 of a-z A-Z 0-9 . _ -"
            ),
            Rejection::InvalidPartitionCount { partitions, max } => write!(
                f,
                "a topic needs between 1 and {max} partitions, not {partitions}"
            ),
            Rejection::ProducerAlreadyExists { producer } => {
                write!(f, "{producer} already exists")
            }
            Rejection::UnknownProducer { producer } => write!(f, "{producer} does not exist"),
            Rejection::ConsumerAlreadyExists { consumer } => {
                write!(f, "{consumer} already exists")
            }
            Rejection::InvalidConfig { setting, reason } => write!(f, "{setting}: {reason}"),
            Rejection::LimitReached { what, max } => {
                write!(f, "the playground allows at most {max} {what}")
            }
        }
    }
}

impl std::error::Error for Rejection {}
