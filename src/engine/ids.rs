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
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TopicPartition {
    pub topic: std::sync::Arc<str>,
    pub partition: u32,
}

// Compared as `(topic, partition)`, as a derive would. Nearly every copy of a topic's name is
// the topic's one shared string, so the pointers are compared first: equal pointers are equal
// names, which spares comparing the text on every map lookup of the hot paths.

impl PartialEq for TopicPartition {
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        self.partition == other.partition
            && (std::sync::Arc::ptr_eq(&self.topic, &other.topic) || self.topic == other.topic)
    }
}

impl Eq for TopicPartition {}

// As a derive would, written out only because equality is.
impl std::hash::Hash for TopicPartition {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.topic.hash(state);
        self.partition.hash(state);
    }
}

impl Ord for TopicPartition {
    #[inline]
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        let topics = if std::sync::Arc::ptr_eq(&self.topic, &other.topic) {
            std::cmp::Ordering::Equal
        } else {
            self.topic.cmp(&other.topic)
        };
        topics.then(self.partition.cmp(&other.partition))
    }
}

impl PartialOrd for TopicPartition {
    #[inline]
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn hash_of(tp: &TopicPartition) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::hash::DefaultHasher::new();
        tp.hash(&mut hasher);
        hasher.finish()
    }

    #[test]
    fn topic_partitions_compare_by_name_and_number_whether_or_not_names_are_shared() {
        let shared: Arc<str> = Arc::from("orders");
        let names = [
            shared.clone(),
            shared,
            Arc::from("orders"),
            Arc::from("order"),
            Arc::from("payments"),
        ];
        for a in &names {
            for b in &names {
                for (pa, pb) in [(0, 0), (0, 1), (2, 1)] {
                    let x = TopicPartition::new(a.clone(), pa);
                    let y = TopicPartition::new(b.clone(), pb);
                    let expected = (&**a, pa).cmp(&(&**b, pb));
                    assert_eq!(x.cmp(&y), expected, "{x} vs {y}");
                    assert_eq!(x.partial_cmp(&y), Some(expected));
                    assert_eq!(x == y, expected.is_eq());
                    if x == y {
                        assert_eq!(hash_of(&x), hash_of(&y));
                    }
                }
            }
        }
    }
}
