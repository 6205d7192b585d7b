//! The tour's scenes: the source documents' first example, in two scenario files
//! (`first-example.toml` and `first-example-one-partition.toml`). A scene is its file's setup
//! (compiled to Rust by `tests/sourcegen.rs`, so the tour's page carries no TOML parser), plus
//! what the tour needs to know about it to draw and narrate it (the topic, the producer and
//! consumer it follows, the values sent), read from the setup rather than written twice.

use crate::engine::{Command, ConsumerId, NetworkConfig, ProducerId, SimTime, Simulation};

use super::compiled;
use super::setup::Setup;

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

    /// The tab's title.
    pub fn title(self) -> &'static str {
        match self {
            SceneId::ThreePartitions => "a b c d e → 3 partitions",
            SceneId::OnePartition => "1 2 3 4 5 → 1 partition",
        }
    }

    /// The setup of the scenario file the scene plays.
    pub fn setup(self) -> Setup {
        match self {
            SceneId::ThreePartitions => compiled::first_example(),
            SceneId::OnePartition => compiled::first_example_one_partition(),
        }
    }
}

/// A scene: its scenario file's setup, and the parts of it the tour follows.
#[derive(Clone, Debug)]
pub struct Scene {
    pub id: SceneId,
    pub title: &'static str,
    pub setup: Setup,
    /// The topic the scene sends to (the file's first topic).
    pub topic: String,
    pub partitions: u32,
    /// The producer whose sends the tour narrates (the file's first producer).
    pub producer: ProducerId,
    /// The consumer whose output the tour prints (the file's first consumer).
    pub consumer: ConsumerId,
    /// The values the producer sends by the timeline, in order.
    pub values: Vec<String>,
    /// Slowed down from a data centre's milliseconds so that each message can be watched.
    pub network: NetworkConfig,
}

impl Scene {
    /// The scene, read from its file.
    ///
    /// # Panics
    /// If a tour file lacks a topic, a producer or a consumer: a bug in a shipped file, which
    /// the tests below catch.
    pub fn get(id: SceneId) -> Scene {
        let setup = id.setup();
        let commands = || setup.planned.iter().map(|planned| &planned.command);
        let (topic, partitions) = commands()
            .find_map(|command| match command {
                Command::CreateTopic { name, config } => Some((name.clone(), config.partitions)),
                _ => None,
            })
            .expect("a tour scene creates its topic");
        let producer = commands()
            .find_map(|command| match command {
                Command::AddProducer { producer, .. } => Some(*producer),
                _ => None,
            })
            .expect("a tour scene has a producer");
        let consumer = commands()
            .find_map(|command| match command {
                Command::AddConsumer { consumer, .. } => Some(*consumer),
                _ => None,
            })
            .expect("a tour scene has a consumer");
        let values = commands()
            .filter_map(|command| match command {
                Command::Produce { value, .. } => value.clone(),
                _ => None,
            })
            .collect();
        Scene {
            id,
            title: id.title(),
            network: setup.network,
            setup,
            topic,
            partitions,
            producer,
            consumer,
            values,
        }
    }

    /// The simulation at time zero with the whole file scheduled and what is due at time zero
    /// (the topic, the producer) already done, so a visitor can produce by hand before the
    /// clock first moves.
    pub fn build(&self) -> Simulation {
        let mut sim = self.setup.build();
        sim.advance_to(SimTime::ZERO);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_scene_reads_what_the_tour_follows_from_its_file() {
        let three = Scene::get(SceneId::ThreePartitions);
        assert_eq!((three.topic.as_str(), three.partitions), ("letters", 3));
        assert_eq!(three.values, ["a", "b", "c", "d", "e"]);
        let one = Scene::get(SceneId::OnePartition);
        assert_eq!((one.topic.as_str(), one.partitions), ("numbers", 1));
        assert_eq!(one.values, ["1", "2", "3", "4", "5"]);
        for scene in [three, one] {
            assert_eq!(
                (scene.producer, scene.consumer),
                (ProducerId(1), ConsumerId(1))
            );
            assert_eq!(
                scene.network.latency_ms, 450,
                "{:?} is slowed down",
                scene.id
            );
        }
    }
}
