//! The source documents' first example, as two scenes.

use crate::engine::{
    AutoOffsetReset, Command, ConsumerConfig, ConsumerId, KeylessPartitioner, NetworkConfig,
    ProducerConfig, ProducerId, SimConfig, SimTime, Simulation, TopicConfig,
};

/// The built-in scenes, in the order a first-time visitor sees them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SceneId {
    /// `a b c d e` without keys into 3 partitions, read from the beginning: `a d b e c`.
    ThreePartitions,
    /// `1 2 3 4 5` into 1 partition, read from the beginning: in order.
    OnePartition,
}

impl SceneId {
    pub const ALL: [SceneId; 2] = [SceneId::ThreePartitions, SceneId::OnePartition];

    /// A short stable name, used in URLs and test selectors.
    pub fn slug(self) -> &'static str {
        match self {
            SceneId::ThreePartitions => "three-partitions",
            SceneId::OnePartition => "one-partition",
        }
    }

    pub fn from_slug(slug: &str) -> Option<SceneId> {
        SceneId::ALL.into_iter().find(|s| s.slug() == slug)
    }

    /// The scene that follows this one in the guided start, if any.
    pub fn next(self) -> Option<SceneId> {
        match self {
            SceneId::ThreePartitions => Some(SceneId::OnePartition),
            SceneId::OnePartition => None,
        }
    }
}

/// A scene: a cluster, its clients, and what happens when.
#[derive(Clone, Debug)]
pub struct Scene {
    pub id: SceneId,
    pub title: &'static str,
    pub topic: &'static str,
    pub partitions: u32,
    pub producer: ProducerId,
    pub consumer: ConsumerId,
    /// The values the producer sends, in order, without keys.
    pub values: Vec<String>,
    pub seed: u64,
    /// When the first record is sent.
    pub first_send_ms: u64,
    /// Time between two sends.
    pub send_interval_ms: u64,
    /// When the consumer starts, reading from the beginning.
    pub consumer_start_ms: u64,
    /// Slowed down from a data centre's milliseconds so that each message can be watched.
    pub network: NetworkConfig,
}

impl Scene {
    pub fn get(id: SceneId) -> Scene {
        let network = NetworkConfig {
            latency_ms: 450,
            jitter_ms: 150,
            drop_per_million: 0,
        };
        match id {
            SceneId::ThreePartitions => Scene {
                id,
                title: "a b c d e → 3 partitions",
                topic: "letters",
                partitions: 3,
                producer: ProducerId(1),
                consumer: ConsumerId(1),
                values: ["a", "b", "c", "d", "e"].map(String::from).to_vec(),
                seed: 42,
                first_send_ms: 600,
                send_interval_ms: 700,
                consumer_start_ms: 5200,
                network,
            },
            SceneId::OnePartition => Scene {
                id,
                title: "1 2 3 4 5 → 1 partition",
                topic: "numbers",
                partitions: 1,
                producer: ProducerId(1),
                consumer: ConsumerId(1),
                values: ["1", "2", "3", "4", "5"].map(String::from).to_vec(),
                seed: 42,
                first_send_ms: 600,
                send_interval_ms: 700,
                consumer_start_ms: 5200,
                network,
            },
        }
    }

    /// The consumer's settings: the console consumer with `--from-beginning`.
    pub fn consumer_config(&self) -> ConsumerConfig {
        ConsumerConfig {
            auto_offset_reset: AutoOffsetReset::Earliest,
            poll_interval_ms: 300,
            enable_auto_commit: false,
            ..ConsumerConfig::default()
        }
    }

    /// Builds the simulation at time zero with the whole timeline scheduled.
    pub fn build(&self) -> Simulation {
        let mut sim = Simulation::new(SimConfig {
            seed: self.seed,
            broker_count: 1,
            network: self.network,
            ..SimConfig::default()
        });
        let setup = [
            Command::CreateTopic {
                name: self.topic.to_owned(),
                config: TopicConfig {
                    partitions: self.partitions,
                    ..TopicConfig::default()
                },
            },
            Command::AddProducer {
                producer: self.producer,
                config: ProducerConfig {
                    partitioner: KeylessPartitioner::RoundRobin,
                    // Kafka 3.x's default: each record leaves at once, so a record produced
                    // by hand is on the wire immediately, even while the clock is paused.
                    linger_ms: 0,
                    ..ProducerConfig::default()
                },
            },
        ];
        for command in setup {
            sim.handle(command)
                .expect("a built-in scene's setup is valid");
        }
        for (index, value) in self.values.iter().enumerate() {
            let at = SimTime::from_ms(self.first_send_ms + self.send_interval_ms * index as u64);
            sim.schedule(
                at,
                Command::Produce {
                    producer: self.producer,
                    topic: self.topic.to_owned(),
                    key: None,
                    value: Some(value.clone()),
                },
            );
        }
        sim.schedule(
            SimTime::from_ms(self.consumer_start_ms),
            Command::AddConsumer {
                consumer: self.consumer,
                topic: self.topic.to_owned(),
                group: None,
                config: self.consumer_config(),
            },
        );
        sim
    }

    /// A value for a record produced by hand that continues the scene's sequence: `f`, `g`...
    /// after the letters, `6`, `7`... after the numbers.
    pub fn hand_value(&self, records_sent: u64) -> String {
        match self.id {
            SceneId::ThreePartitions => {
                let letter = b'a' + (records_sent % 26) as u8;
                (letter as char).to_string()
            }
            SceneId::OnePartition => (records_sent + 1).to_string(),
        }
    }
}
