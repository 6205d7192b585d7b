//! The setups a sandbox can start from: a default cluster to play with, every example
//! scenario file that ships in `static/scenarios/`, a large cluster for the frame-rate
//! benchmark, and any scenario file a visitor pastes in.

use crate::engine::{
    Acks, BrokerConfig, Command, ConsumerConfig, ConsumerId, KeyPattern, NetworkConfig,
    ProducerConfig, ProducerId, TopicConfig, Workload,
};
use crate::scenario::{parse_scenario, Scenario};

use crate::ui::sandbox::session::{SandboxSetup, Stamped};

/// A setup the visitor can pick, by a stable slug (used in links and storage).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Preset {
    pub slug: &'static str,
    pub title: &'static str,
    /// What to try, in one or two sentences.
    pub hint: &'static str,
    source: PresetSource,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PresetSource {
    Default,
    Large,
    Acks1ByHand,
    FourMembers,
    Scenario(&'static str),
}

/// Every preset, in menu order.
pub const PRESETS: [Preset; 10] = [
    Preset {
        slug: "default",
        title: "3 brokers, one topic, one group",
        hint: "orders has 3 partitions on 3 brokers (RF 3, min.insync.replicas 2); a producer sends with acks=all and the billing group reads. Kill a leader, slow a consumer, add members.",
        source: PresetSource::Default,
    },
    Preset {
        slug: "acks1-by-hand",
        title: "Your turn: acks=1 with slow followers",
        hint: "Followers copy 1.5 s behind the leader and the producer uses acks=1. Kill the broker that leads orders-0 and watch acknowledged records get struck through.",
        source: PresetSource::Acks1ByHand,
    },
    Preset {
        slug: "four-members",
        title: "Your turn: 4 partitions, 4 members",
        hint: "Every member reads one partition. Add a fifth member to the group and see one sit idle; crash one and see the rebalance.",
        source: PresetSource::FourMembers,
    },
    Preset {
        slug: "acks1-leader-dies",
        title: "(a) acks=1: the leader dies before followers copy",
        hint: "Watch the lost records struck through after the leader crashes and a follower takes over.",
        source: PresetSource::Scenario(include_str!("../../../static/scenarios/acks1-leader-dies.toml")),
    },
    Preset {
        slug: "acks-all-min-isr",
        title: "(b) acks=all, min.insync.replicas=2: nothing lost",
        hint: "The leader dies, and every acknowledged record is still there.",
        source: PresetSource::Scenario(include_str!("../../../static/scenarios/acks-all-min-isr.toml")),
    },
    Preset {
        slug: "unclean-election",
        title: "(c) Unclean election loses acknowledged records",
        hint: "An out-of-sync follower becomes leader: availability over durability.",
        source: PresetSource::Scenario(include_str!("../../../static/scenarios/unclean-election.toml")),
    },
    Preset {
        slug: "consumer-group-rebalance",
        title: "(e, f) Five members, four partitions, one crash",
        hint: "One member idles; a crash triggers a rebalance after session.timeout.ms, and uncommitted records arrive twice.",
        source: PresetSource::Scenario(include_str!("../../../static/scenarios/consumer-group-rebalance.toml")),
    },
    Preset {
        slug: "compaction",
        title: "(h) Compaction keeps the last value per key",
        hint: "Small segments, updates and a tombstone; the cleaner keeps the latest value per key.",
        source: PresetSource::Scenario(include_str!("../../../static/scenarios/compaction.toml")),
    },
    Preset {
        slug: "first-example",
        title: "a b c d e into 3 partitions",
        hint: "Keyless records are dealt round-robin; the consumer reads them back as a d b e c.",
        source: PresetSource::Scenario(include_str!("../../../static/scenarios/first-example.toml")),
    },
    Preset {
        slug: "large",
        title: "Large: 3 brokers × 48 partitions × RF 3, 5 groups",
        hint: "The frame-rate benchmark's cluster: 48 partitions on 3 brokers, 5 consumer groups.",
        source: PresetSource::Large,
    },
];

impl Preset {
    pub fn by_slug(slug: &str) -> Option<Preset> {
        PRESETS.iter().copied().find(|p| p.slug == slug)
    }

    pub fn setup(&self) -> SandboxSetup {
        match self.source {
            PresetSource::Default => default_setup(),
            PresetSource::Large => large_setup(),
            PresetSource::Acks1ByHand => acks1_by_hand_setup(),
            PresetSource::FourMembers => four_members_setup(),
            PresetSource::Scenario(text) => {
                // The shipped files are checked by the tests below, so this cannot fail.
                let scenario = parse_scenario(text).expect("shipped scenarios parse");
                setup_from_scenario(&scenario)
            }
        }
    }
}

/// A sandbox that plays a scenario file: its cluster, and its topics, clients and timeline
/// as planned commands.
pub fn setup_from_scenario(scenario: &Scenario) -> SandboxSetup {
    SandboxSetup {
        name: scenario.name.clone(),
        seed: scenario.seed,
        brokers: scenario.brokers,
        broker: scenario.broker.clone(),
        network: scenario.network,
        planned: scenario
            .commands
            .iter()
            .map(|c| Stamped {
                at_ms: c.at.as_ms(),
                command: c.command.clone(),
            })
            .collect(),
    }
}

/// Reads a scenario file the visitor pasted; errors say line and column.
pub fn setup_from_text(text: &str) -> Result<SandboxSetup, String> {
    parse_scenario(text)
        .map(|scenario| setup_from_scenario(&scenario))
        .map_err(|errors| {
            errors
                .iter()
                .map(|e| format!("line {}, column {}: {}", e.line, e.column, e.message))
                .collect::<Vec<_>>()
                .join("\n")
        })
}

fn at_start(command: Command) -> Stamped {
    Stamped { at_ms: 0, command }
}

fn default_setup() -> SandboxSetup {
    let mut planned = vec![
        at_start(Command::CreateTopic {
            name: "orders".into(),
            config: TopicConfig {
                partitions: 3,
                replication_factor: 3,
                min_insync_replicas: 2,
                ..TopicConfig::default()
            },
        }),
        at_start(Command::AddProducer {
            producer: ProducerId(0),
            config: ProducerConfig {
                acks: Acks::All,
                ..ProducerConfig::default()
            },
        }),
        at_start(Command::StartWorkload {
            producer: ProducerId(0),
            workload: Workload {
                topic: "orders".into(),
                records_per_second: 4,
                keys: KeyPattern::Cycle { count: 6 },
                count: None,
            },
        }),
    ];
    for member in 0..2 {
        planned.push(at_start(Command::AddConsumer {
            consumer: ConsumerId(member),
            topic: "orders".into(),
            group: Some("billing".into()),
            config: ConsumerConfig {
                auto_offset_reset: crate::engine::AutoOffsetReset::Earliest,
                processing_time_ms: 20,
                ..ConsumerConfig::default()
            },
        }));
    }
    SandboxSetup {
        name: "Default sandbox".into(),
        seed: 1,
        brokers: 3,
        broker: BrokerConfig::default(),
        network: NetworkConfig {
            latency_ms: 40,
            jitter_ms: 10,
            drop_per_million: 0,
        },
        planned,
    }
}

/// Canonical run (a) for doing by hand: every link between brokers is slow, so followers are
/// always about 1.5 s behind whichever broker leads, and acks=1 acknowledges before they copy.
fn acks1_by_hand_setup() -> SandboxSetup {
    use crate::engine::{BrokerId, Node};
    let mut planned = vec![
        at_start(Command::CreateTopic {
            name: "orders".into(),
            config: TopicConfig {
                partitions: 1,
                replication_factor: 3,
                ..TopicConfig::default()
            },
        }),
        at_start(Command::AddProducer {
            producer: ProducerId(0),
            config: ProducerConfig {
                acks: Acks::Leader,
                // Idempotence needs acks=all, so it is off, as Kafka's client would insist.
                enable_idempotence: false,
                linger_ms: 0,
                ..ProducerConfig::default()
            },
        }),
        at_start(Command::StartWorkload {
            producer: ProducerId(0),
            workload: Workload {
                topic: "orders".into(),
                records_per_second: 4,
                keys: KeyPattern::Cycle { count: 4 },
                count: None,
            },
        }),
    ];
    for (a, b) in [(0, 1), (0, 2), (1, 2)] {
        planned.push(at_start(Command::SetLinkLatency {
            a: Node::Broker(BrokerId(a)),
            b: Node::Broker(BrokerId(b)),
            latency_ms: 1_500,
        }));
    }
    SandboxSetup {
        name: "acks=1 with slow followers".into(),
        seed: 7,
        brokers: 3,
        broker: BrokerConfig {
            // Fast failure detection so the story fits in seconds (Kafka: 9000).
            broker_session_timeout_ms: 3_000,
            ..BrokerConfig::default()
        },
        network: NetworkConfig {
            latency_ms: 20,
            jitter_ms: 0,
            drop_per_million: 0,
        },
        planned,
    }
}

/// Canonical run (e) for doing by hand: one member per partition, ready for a fifth.
fn four_members_setup() -> SandboxSetup {
    let mut setup = default_setup();
    setup.name = "4 partitions, 4 members".into();
    setup
        .planned
        .retain(|p| !matches!(p.command, Command::AddConsumer { .. }));
    if let Command::CreateTopic { config, .. } = &mut setup.planned[0].command {
        config.partitions = 4;
    }
    for member in 0..4 {
        setup.planned.push(at_start(Command::AddConsumer {
            consumer: ConsumerId(member),
            topic: "orders".into(),
            group: Some("billing".into()),
            config: ConsumerConfig {
                auto_offset_reset: crate::engine::AutoOffsetReset::Earliest,
                ..ConsumerConfig::default()
            },
        }));
    }
    setup
}

/// The frame-rate benchmark's second case: 3 brokers × 48 partitions × RF 3 and 5 groups.
fn large_setup() -> SandboxSetup {
    let mut planned = vec![at_start(Command::CreateTopic {
        name: "events".into(),
        config: TopicConfig {
            partitions: 48,
            replication_factor: 3,
            min_insync_replicas: 2,
            ..TopicConfig::default()
        },
    })];
    for producer in 0..2 {
        planned.push(at_start(Command::AddProducer {
            producer: ProducerId(producer),
            config: ProducerConfig::default(),
        }));
        planned.push(at_start(Command::StartWorkload {
            producer: ProducerId(producer),
            workload: Workload {
                topic: "events".into(),
                records_per_second: 50,
                keys: KeyPattern::Cycle { count: 64 },
                count: None,
            },
        }));
    }
    let groups = ["billing", "search", "audit", "email", "analytics"];
    let mut consumer = 0;
    for (index, group) in groups.iter().enumerate() {
        for _ in 0..(2 + index as u32 % 2) {
            planned.push(at_start(Command::AddConsumer {
                consumer: ConsumerId(consumer),
                topic: "events".into(),
                group: Some((*group).into()),
                config: ConsumerConfig {
                    auto_offset_reset: crate::engine::AutoOffsetReset::Earliest,
                    ..ConsumerConfig::default()
                },
            }));
            consumer += 1;
        }
    }
    SandboxSetup {
        name: "Large cluster".into(),
        seed: 1,
        brokers: 3,
        broker: BrokerConfig::default(),
        network: NetworkConfig {
            latency_ms: 20,
            jitter_ms: 5,
            drop_per_million: 0,
        },
        planned,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_builds_and_slugs_are_unique() {
        let slugs: std::collections::BTreeSet<_> = PRESETS.iter().map(|p| p.slug).collect();
        assert_eq!(slugs.len(), PRESETS.len());
        for preset in PRESETS {
            let setup = preset.setup();
            assert!(!setup.planned.is_empty(), "{}", preset.slug);
            assert_eq!(Preset::by_slug(preset.slug), Some(preset));
        }
    }

    #[test]
    fn killing_the_leader_in_the_acks1_preset_loses_acknowledged_records() {
        use crate::engine::{BrokerId, SimTime};
        use crate::ui::sandbox::session::Session;
        let mut session = Session::<()>::new(Preset::by_slug("acks1-by-hand").unwrap().setup());
        session.advance_to(SimTime::from_ms(6_000));
        let leader = session.sim().topic("orders").unwrap().partitions[0]
            .leader
            .unwrap();
        session
            .act(Command::CrashBroker { broker: leader })
            .unwrap();
        session.advance_to(SimTime::from_ms(15_000));
        let lost = session.sim().audit().acknowledged_then_lost.len();
        assert!(lost >= 3, "{lost} acknowledged records lost");
        assert!(session.sim().broker(BrokerId(leader.0)).is_some());
    }

    #[test]
    fn a_pasted_scenario_with_a_mistake_says_where() {
        let error = setup_from_text("version = 1\nname = \"x\"\nseed = \"nope\"\n").unwrap_err();
        assert!(error.contains("line 3"), "{error}");
    }
}
