//! The controller's rules: placement, epochs, unclean elections, the periodic check, and
//! topic config changes.

use super::*;
use crate::engine::testing::fast_cluster;
use crate::engine::{Command, SimTime};

/// Leader elections as `(leader, epoch, kind)`, from the events so far.
fn elections(sim: &mut Simulation) -> Vec<(BrokerId, u32, ElectionKind)> {
    sim.drain_events()
        .into_iter()
        .filter_map(|event| match event.kind {
            EventKind::LeaderElected {
                leader,
                leader_epoch,
                kind,
                ..
            } => Some((leader, leader_epoch, kind)),
            _ => None,
        })
        .collect()
}

#[test]
fn a_drop_rate_above_a_million_per_million_is_refused() {
    let mut sim = fast_cluster(1, 1);
    let mut config = sim.network_config();
    config.drop_per_million = 1_000_001;
    let refused = sim.handle(Command::SetNetwork { config });
    assert!(
        matches!(
            refused,
            Err(crate::engine::Rejection::InvalidConfig {
                setting: "drop_per_million",
                ..
            })
        ),
        "{refused:?}"
    );
    config.drop_per_million = 1_000_000;
    assert_eq!(sim.handle(Command::SetNetwork { config }), Ok(()));
}

#[test]
fn acks_all_succeeds_when_min_insync_replicas_exceeds_the_replication_factor() {
    // KAFKA-15583 (3.7): the effective minimum is min(min.insync.replicas, replication
    // factor), so a one-replica topic with min.insync.replicas=2 still takes acks=all.
    let mut sim = fast_cluster(1, 1);
    let config = TopicConfig {
        min_insync_replicas: 2,
        ..TopicConfig::default()
    };
    let producer = crate::engine::ProducerId(1);
    let commands = [
        Command::CreateTopic {
            name: "orders".into(),
            config,
        },
        Command::AddProducer {
            producer,
            config: crate::engine::ProducerConfig::default(),
        },
        Command::Produce {
            producer,
            topic: "orders".into(),
            key: None,
            value: Some("a".into()),
            partition: None,
            timestamp: None,
            headers: Vec::new(),
        },
    ];
    for command in commands {
        sim.handle(command).expect("valid");
    }
    sim.advance_to(SimTime::from_ms(1_000));
    let stats = &sim.producer(producer).expect("added").stats;
    assert_eq!(stats.records_acknowledged, 1);
    let tp = TopicPartition::new("orders", 0);
    assert_eq!(sim.leader_log(&tp).expect("led").high_watermark().0, 1);
}

#[test]
fn every_leader_change_moves_the_epoch_going_offline_and_an_unclean_return_included() {
    // KRaft's PartitionChangeBuilder sets the leader to -1 (NO_LEADER) when the last
    // in-sync replica is fenced, and PartitionRegistration.merge bumps the leader epoch for
    // any new leader value: epoch 0 (L) -> 1 (none) -> 2 (F, unclean).
    let mut sim = fast_cluster(2, 3);
    let config = TopicConfig {
        replication_factor: 2,
        unclean_leader_election_enable: true,
        ..TopicConfig::default()
    };
    let name = "orders".to_owned();
    sim.handle(Command::CreateTopic { name, config })
        .expect("valid topic");
    sim.advance_to(SimTime::from_ms(1_000));
    let tp = TopicPartition::new("orders", 0);
    let meta = sim.partition_meta(&tp).expect("created").clone();
    let leader = meta.leader.expect("a leader");
    let follower = meta.replicas[1];
    assert_eq!((meta.replicas[0], meta.leader_epoch), (leader, 0));
    sim.drain_events();
    sim.handle(Command::CrashBroker { broker: follower })
        .expect("up");
    sim.advance_to(SimTime::from_ms(5_000));
    assert_eq!(sim.partition_meta(&tp).expect("exists").isr, [leader]);
    sim.handle(Command::CrashBroker { broker: leader })
        .expect("up");
    sim.advance_to(SimTime::from_ms(9_000));
    let offline = sim.partition_meta(&tp).expect("exists");
    assert_eq!((offline.leader, offline.leader_epoch), (None, 1));
    sim.drain_events();
    sim.handle(Command::RestartBroker { broker: follower })
        .expect("down");
    sim.advance_to(SimTime::from_ms(10_000));
    assert_eq!(elections(&mut sim), [(follower, 2, ElectionKind::Unclean)]);
}

#[test]
fn placement_spreads_leaders_and_never_repeats_a_broker() {
    let brokers: Vec<BrokerId> = (0..3).map(BrokerId).collect();
    let placement = place_replicas(&brokers, 6, 3, 1, 0);
    for replicas in &placement {
        let mut sorted = replicas.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), 3, "{replicas:?}");
    }
    let leaders: Vec<u32> = placement.iter().map(|r| r[0].0).collect();
    assert_eq!(leaders, [1, 2, 0, 1, 2, 0]);
}

#[test]
fn an_explicit_assignment_names_each_partitions_first_leader() {
    let mut sim = fast_cluster(3, 7);
    let config = TopicConfig {
        partitions: 2,
        replication_factor: 3,
        replicas: Some(vec![vec![1, 2, 0], vec![2, 0, 1]]),
        ..TopicConfig::default()
    };
    let name = "orders".to_owned();
    sim.handle(Command::CreateTopic { name, config })
        .expect("valid assignment");
    for (partition, leader) in [(0, 1), (1, 2)] {
        let meta = sim
            .partition_meta(&TopicPartition::new("orders", partition))
            .expect("created");
        assert_eq!(meta.leader, Some(BrokerId(leader)));
        assert_eq!(meta.replicas[0], BrokerId(leader));
    }
    let twice = TopicConfig {
        replication_factor: 2,
        replicas: Some(vec![vec![1, 1]]),
        ..TopicConfig::default()
    };
    let refused = sim.handle(Command::CreateTopic {
        name: "bad".into(),
        config: twice,
    });
    assert!(
        matches!(&refused, Err(crate::engine::Rejection::InvalidConfig { reason, .. }) if reason.contains("INVALID_REPLICA_ASSIGNMENT")),
        "{refused:?}"
    );
}

#[test]
fn the_leader_of_a_partition_is_resolved_when_the_command_runs() {
    let mut sim = fast_cluster(3, 7);
    let config = TopicConfig {
        replication_factor: 3,
        replicas: Some(vec![vec![2, 0, 1]]),
        ..TopicConfig::default()
    };
    sim.handle(Command::CreateTopic {
        name: "orders".into(),
        config,
    })
    .expect("valid");
    let crash_leader = Command::ToLeaderOf {
        topic: "orders".into(),
        partition: 0,
        action: crate::engine::BrokerAction::Crash,
    };
    sim.schedule(SimTime::from_ms(1_000), crash_leader.clone());
    sim.schedule(SimTime::from_ms(6_000), crash_leader);
    sim.advance_to(SimTime::from_ms(7_000));
    // Broker 2 led first; broker 0 took over once 2 was fenced, and was the second target.
    assert!(!sim.broker(BrokerId(2)).expect("exists").up);
    assert!(!sim.broker(BrokerId(0)).expect("exists").up);
    assert!(sim.broker(BrokerId(1)).expect("exists").up);
    let missing = sim.handle(Command::ToLeaderOf {
        topic: "orders".into(),
        partition: 3,
        action: crate::engine::BrokerAction::Crash,
    });
    assert!(matches!(
        missing,
        Err(crate::engine::Rejection::UnknownPartition { .. })
    ));
}

#[test]
fn turning_unclean_election_on_during_an_outage_elects_at_the_controllers_next_check() {
    // KRaft (3.9+) does not elect when the config changes; its periodic electUnclean task
    // (unclean.leader.election.interval.ms) finds the leaderless partition and elects a live
    // out-of-sync replica.
    let mut sim = Simulation::new(crate::engine::SimConfig {
        broker: crate::engine::BrokerConfig {
            unclean_leader_election_interval_ms: 10_000,
            ..fast_cluster(2, 3).broker_config().clone()
        },
        ..fast_cluster(2, 3).config().clone()
    });
    let config = TopicConfig {
        replication_factor: 2,
        replicas: Some(vec![vec![0, 1]]),
        ..TopicConfig::default()
    };
    sim.handle(Command::CreateTopic {
        name: "orders".into(),
        config,
    })
    .expect("valid");
    let tp = TopicPartition::new("orders", 0);
    let (leader, follower) = (BrokerId(0), BrokerId(1));
    sim.schedule(
        SimTime::from_ms(500),
        Command::CrashBroker { broker: follower },
    );
    sim.schedule(
        SimTime::from_ms(4_500),
        Command::CrashBroker { broker: leader },
    );
    sim.schedule(
        SimTime::from_ms(8_500),
        Command::RestartBroker { broker: follower },
    );
    sim.advance_to(SimTime::from_ms(12_000));
    let meta = sim.partition_meta(&tp).expect("exists");
    assert_eq!((meta.leader, meta.isr.clone()), (None, vec![leader]));
    sim.drain_events();
    let turn_on = Command::AlterTopicConfig {
        topic: "orders".into(),
        config: TopicConfig {
            unclean_leader_election_enable: true,
            ..TopicConfig::default()
        },
        set: vec!["unclean_leader_election_enable".into()],
    };
    sim.handle(turn_on).expect("a topic config");
    assert_eq!(sim.partition_meta(&tp).expect("exists").leader, None);
    sim.advance_to(SimTime::from_ms(19_999));
    assert_eq!(sim.partition_meta(&tp).expect("exists").leader, None);
    sim.advance_to(SimTime::from_ms(20_000));
    assert_eq!(elections(&mut sim), [(follower, 2, ElectionKind::Unclean)]);
    assert_eq!(sim.partition_meta(&tp).expect("exists").isr, [follower]);
}
