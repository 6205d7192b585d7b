//! Kafka's nouns as newtypes, so a broker id can never be passed where an offset is expected.

use std::fmt;

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident($inner:ty), $prefix:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub struct $name(pub $inner);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!($prefix, "{}"), self.0)
            }
        }
    };
}

id_type!(
    /// A broker's `broker.id`.
    BrokerId(u32),
    "broker-"
);
id_type!(
    /// A producer client in the simulation (not Kafka's idempotence producer id).
    ProducerId(u32),
    "producer-"
);
id_type!(
    /// A consumer client in the simulation.
    ConsumerId(u32),
    "consumer-"
);
id_type!(
    /// The identity the auditor gives every record a producer creates, unique per run.
    RecordId(u64),
    "record-"
);
id_type!(
    /// One message on the simulated network (a request or a response).
    MessageId(u64),
    "msg-"
);

/// A record's position in its partition's log. Offsets start at 0 and are never reused.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Offset(pub u64);

impl Offset {
    pub fn next(self) -> Offset {
        Offset(self.0 + 1)
    }
}

impl fmt::Display for Offset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A partition of a topic, printed the way Kafka's tools print it: `orders-2`. The topic name
/// is shared (`Arc`), so the many copies the simulation makes of a partition's name cost no
/// allocation.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct TopicPartition {
    pub topic: std::sync::Arc<str>,
    pub partition: u32,
}

impl TopicPartition {
    pub fn new(topic: impl Into<std::sync::Arc<str>>, partition: u32) -> Self {
        TopicPartition {
            topic: topic.into(),
            partition,
        }
    }
}

impl fmt::Display for TopicPartition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.topic, self.partition)
    }
}
