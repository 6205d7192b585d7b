//! The canonical runs of the broker-core issue, asserted through the auditor's figures.

mod support;

use kafka_playground::engine::{
    Acks, BrokerId, Command, ErrorCode, EventKind, Node, ProducerConfig, TopicConfig,
    TopicPartition,
};
use support::*;

fn rf3(min_insync_replicas: u32, unclean: bool) -> TopicConfig {
    TopicConfig {
        partitions: 1,
        replication_factor: 3,
        min_insync_replicas,
        unclean_leader_election_enable: unclean,
        ..TopicConfig::default()
    }
}

fn plain_producer(acks: Acks) -> ProducerConfig {
    ProducerConfig {
        acks,
        enable_idempotence: false,
        linger_ms: 0,
        ..ProducerConfig::default()
    }
}

/// Makes the links from the leader to its followers slow, so a record acknowledged under
/// `acks=1` has not reached them yet when the leader dies.
fn slow_replication(sim: &mut kafka_playground::engine::Simulation, leader: BrokerId) {
    for other in sim.brokers().map(|b| b.id).collect::<Vec<_>>() {
        if other != leader {
            sim.handle(Command::SetLinkLatency {
                a: Node::Broker(leader),
                b: Node::Broker(other),
                latency_ms: 400,
            })
            .unwrap();
        }
    }
}

/// (a) acks=1: the leader acknowledges, dies before any follower copies the record, a
/// follower is elected cleanly and the old leader truncates the record when it returns.
#[test]
fn a_acks_1_leader_dies_before_followers_copy_loses_acknowledged_records() {
    let mut sim = cluster(3, 7);
    create_topic(&mut sim, "orders", rf3(1, false));
    let tp = TopicPartition::new("orders", 0);
    let producer = add_producer(&mut sim, 1, plain_producer(Acks::Leader));
    produce(&mut sim, producer, "orders", "k", "replicated");
    run_for(&mut sim, 3_000);
    let old_leader = leader(&sim, &tp).unwrap();
    slow_replication(&mut sim, old_leader);
    run_for(&mut sim, 1_000);

    produce(&mut sim, producer, "orders", "k", "doomed");
    // Appended at +5 ms, acknowledged at +10 ms; the copies would arrive at +405 ms.
    run_for(&mut sim, 50);
    crash(&mut sim, old_leader);
    let events = run_for(&mut sim, 10_000);
    let audit = sim.audit();
    assert_eq!(audit.acknowledged, 2);

    let new_leader = leader(&sim, &tp).expect("a follower took over");
    assert_ne!(new_leader, old_leader);
    assert_eq!(
        count_events(
            &events,
            |e| matches!(e, EventKind::LeaderElected { kind, .. } if *kind == kafka_playground::engine::ElectionKind::Clean)
        ),
        1
    );
    restart(&mut sim, old_leader);
    let events = run_for(&mut sim, 5_000);
    assert!(
        count_events(
            &events,
            |e| matches!(e, EventKind::ReplicaTruncated { broker, .. } if *broker == old_leader)
        ) >= 1,
        "{:#?}",
        trace(&events)
    );
    let audit = sim.audit();
    assert_eq!(audit.acknowledged_then_lost.len(), 1, "{audit:#?}");
    let lost = &audit.acknowledged_then_lost[0];
    assert_eq!(lost.partition, "orders-0");
    assert_eq!(lost.offset, 1);
    assert!(
        lost.reason.contains("no follower had copied it"),
        "{}",
        lost.reason
    );
    // The old leader now holds exactly what the new leader holds.
    assert_eq!(
        replica_records(&sim, old_leader, &tp),
        replica_records(&sim, new_leader, &tp)
    );
}

/// (b) acks=all with min.insync.replicas=2: the same failure loses nothing acknowledged.
#[test]
fn b_acks_all_min_isr_2_leader_dies_loses_nothing_acknowledged() {
    let mut sim = cluster(3, 7);
    create_topic(&mut sim, "orders", rf3(2, false));
    let tp = TopicPartition::new("orders", 0);
    // A crashed machine never answers: the producer notices after request.timeout.ms.
    let producer = add_producer(
        &mut sim,
        1,
        ProducerConfig {
            linger_ms: 0,
            request_timeout_ms: 5_000,
            ..ProducerConfig::default()
        },
    );
    for n in 0..20 {
        produce(&mut sim, producer, "orders", &format!("k{n}"), "v");
    }
    run_for(&mut sim, 3_000);
    let old_leader = leader(&sim, &tp).unwrap();
    slow_replication(&mut sim, old_leader);
    for n in 20..40 {
        produce(&mut sim, producer, "orders", &format!("k{n}"), "v");
    }
    run_for(&mut sim, 50);
    crash(&mut sim, old_leader);
    run_for(&mut sim, 20_000);
    restart(&mut sim, old_leader);
    run_for(&mut sim, 10_000);
    let audit = sim.audit();
    assert!(audit.acknowledged >= 20, "{audit:#?}");
    assert!(audit.acknowledged_then_lost.is_empty(), "{audit:#?}");
    // The producer retried through the failover: every record is eventually acknowledged.
    assert_eq!(audit.acknowledged, 40, "{audit:#?}");
}

/// (c) The ISR shrinks to the leader alone; min.insync.replicas=1 lets acks=all succeed;
/// the leader dies and an out-of-sync follower is elected uncleanly: acknowledged records
/// are lost.
#[test]
fn c_isr_of_one_then_unclean_election_loses_acknowledged_records() {
    let mut sim = cluster(3, 3);
    create_topic(&mut sim, "orders", rf3(1, true));
    let tp = TopicPartition::new("orders", 0);
    let producer = add_producer(
        &mut sim,
        1,
        ProducerConfig {
            linger_ms: 0,
            ..ProducerConfig::default()
        },
    );
    produce(&mut sim, producer, "orders", "k", "everywhere");
    run_for(&mut sim, 2_000);
    let a = leader(&sim, &tp).unwrap();
    let followers: Vec<BrokerId> = sim
        .partition(&tp)
        .unwrap()
        .replicas
        .iter()
        .copied()
        .filter(|b| *b != a)
        .collect();
    for follower in &followers {
        crash(&mut sim, *follower);
    }
    run_for(&mut sim, 5_000);
    assert_eq!(
        sim.partition(&tp).unwrap().isr,
        vec![a],
        "the ISR shrank to the leader"
    );
    for n in 0..5 {
        produce(
            &mut sim,
            producer,
            "orders",
            "k",
            &format!("only-on-leader-{n}"),
        );
    }
    run_for(&mut sim, 1_000);
    assert_eq!(sim.audit().acknowledged, 6);
    crash(&mut sim, a);
    run_for(&mut sim, 5_000);
    assert_eq!(leader(&sim, &tp), None, "no live replica: offline");
    restart(&mut sim, followers[0]);
    let events = run_for(&mut sim, 5_000);
    assert!(
        count_events(
            &events,
            |e| matches!(e, EventKind::LeaderElected { kind, .. } if *kind == kafka_playground::engine::ElectionKind::Unclean)
        ) == 1
    );
    let audit = sim.audit();
    assert_eq!(audit.acknowledged_then_lost.len(), 5, "{audit:#?}");
    assert!(audit
        .acknowledged_then_lost
        .iter()
        .all(|l| l.reason.contains("unclean")));
}

/// Without unclean election the same run keeps the partition offline instead of losing data.
#[test]
fn c_without_unclean_election_the_partition_stays_offline_and_nothing_is_lost() {
    let mut sim = cluster(3, 3);
    create_topic(&mut sim, "orders", rf3(1, false));
    let tp = TopicPartition::new("orders", 0);
    let producer = add_producer(
        &mut sim,
        1,
        ProducerConfig {
            linger_ms: 0,
            ..ProducerConfig::default()
        },
    );
    run_for(&mut sim, 1_000);
    let a = leader(&sim, &tp).unwrap();
    let followers: Vec<BrokerId> = sim
        .partition(&tp)
        .unwrap()
        .replicas
        .iter()
        .copied()
        .filter(|b| *b != a)
        .collect();
    for follower in &followers {
        crash(&mut sim, *follower);
    }
    run_for(&mut sim, 5_000);
    produce(&mut sim, producer, "orders", "k", "v");
    run_for(&mut sim, 1_000);
    crash(&mut sim, a);
    run_for(&mut sim, 5_000);
    restart(&mut sim, followers[0]);
    run_for(&mut sim, 5_000);
    assert_eq!(leader(&sim, &tp), None);
    assert!(sim.audit().acknowledged_then_lost.is_empty());
    restart(&mut sim, a);
    run_for(&mut sim, 5_000);
    assert_eq!(
        leader(&sim, &tp),
        Some(a),
        "the last in-sync replica leads again"
    );
    assert!(sim.audit().acknowledged_then_lost.is_empty());
}

/// (d) acks=all, min.insync.replicas=2, both followers down: NOT_ENOUGH_REPLICAS and nothing
/// is appended.
#[test]
fn d_acks_all_two_followers_down_is_refused_with_not_enough_replicas() {
    let mut sim = cluster(3, 5);
    create_topic(&mut sim, "orders", rf3(2, false));
    let tp = TopicPartition::new("orders", 0);
    let producer = add_producer(
        &mut sim,
        1,
        ProducerConfig {
            linger_ms: 0,
            retries: 0,
            enable_idempotence: false,
            ..ProducerConfig::default()
        },
    );
    run_for(&mut sim, 1_000);
    let a = leader(&sim, &tp).unwrap();
    for follower in sim.partition(&tp).unwrap().replicas.clone() {
        if follower != a {
            crash(&mut sim, follower);
        }
    }
    run_for(&mut sim, 5_000);
    let before = replica_records(&sim, a, &tp).len();
    produce(&mut sim, producer, "orders", "k", "refused");
    let events = run_for(&mut sim, 1_000);
    assert_eq!(
        count_events(&events, |e| matches!(
            e,
            EventKind::BatchFailed {
                error: ErrorCode::NotEnoughReplicas,
                ..
            }
        )),
        1,
        "{:#?}",
        trace(&events)
    );
    assert_eq!(
        replica_records(&sim, a, &tp).len(),
        before,
        "nothing appended"
    );
    let audit = sim.audit();
    assert_eq!(audit.failed_by_error.get("NOT_ENOUGH_REPLICAS"), Some(&1));
    assert_eq!(audit.acknowledged, 0);
}

/// An isolated leader is a zombie: it keeps taking `acks=1` writes from clients that still
/// reach it, while the controller moves leadership away; when it reconnects it truncates them.
/// With `acks=all` the same writes cannot complete (it cannot shrink the ISR without the
/// controller), so nothing acknowledged is lost.
#[test]
fn an_isolated_leader_loses_acks_1_writes_but_not_acks_all_writes() {
    let run = |acks: Acks| {
        let mut sim = cluster(3, 7);
        create_topic(
            &mut sim,
            "orders",
            rf3(if acks == Acks::All { 2 } else { 1 }, false),
        );
        let tp = TopicPartition::new("orders", 0);
        let producer = add_producer(
            &mut sim,
            1,
            ProducerConfig {
                request_timeout_ms: 2_000,
                delivery_timeout_ms: 60_000,
                ..plain_producer(acks)
            },
        );
        produce(&mut sim, producer, "orders", "k", "before");
        run_for(&mut sim, 2_000);
        let zombie = leader(&sim, &tp).unwrap();
        sim.handle(Command::IsolateBroker { broker: zombie })
            .unwrap();
        for n in 0..3 {
            produce(&mut sim, producer, "orders", "k", &format!("during-{n}"));
        }
        run_for(&mut sim, 10_000);
        assert_ne!(
            leader(&sim, &tp),
            Some(zombie),
            "the controller moved leadership"
        );
        sim.handle(Command::HealBroker { broker: zombie }).unwrap();
        run_for(&mut sim, 30_000);
        sim.audit()
    };
    let acks_1 = run(Acks::Leader);
    assert_eq!(acks_1.acknowledged_then_lost.len(), 3, "{acks_1:#?}");
    let acks_all = run(Acks::All);
    assert!(acks_all.acknowledged_then_lost.is_empty(), "{acks_all:#?}");
    assert_eq!(
        acks_all.acknowledged, 4,
        "retried to the new leader: {acks_all:#?}"
    );
}

/// Since Kafka 3.7 (KAFKA-15583) the high watermark does not advance while the ISR is below
/// `min.insync.replicas`, so an `acks=all` write waiting when the ISR shrinks cannot complete:
/// it times out with REQUEST_TIMED_OUT while its data stays in the leader's log.
#[test]
fn an_isr_shrinking_below_min_isr_while_waiting_times_the_write_out() {
    let mut sim = cluster(3, 5);
    create_topic(&mut sim, "orders", rf3(2, false));
    let tp = TopicPartition::new("orders", 0);
    let producer = add_producer(
        &mut sim,
        1,
        ProducerConfig {
            retries: 0,
            request_timeout_ms: 8_000,
            ..plain_producer(Acks::All)
        },
    );
    run_for(&mut sim, 1_000);
    let a = leader(&sim, &tp).unwrap();
    // Both followers stop copying, but the ISR still has them for replica.lag.time.max.ms.
    for follower in sim.partition(&tp).unwrap().replicas.clone() {
        if follower != a {
            crash(&mut sim, follower);
        }
    }
    produce(&mut sim, producer, "orders", "k", "stuck");
    let events = run_for(&mut sim, 12_000);
    assert_eq!(
        replica_records(&sim, a, &tp).len(),
        1,
        "the data was appended"
    );
    assert!(
        count_events(&events, |e| matches!(
            e,
            EventKind::BatchFailed {
                error: ErrorCode::RequestTimedOut,
                ..
            }
        )) == 1,
        "{:#?}",
        trace(&events)
    );
    assert_eq!(sim.audit().acknowledged, 0);
}

/// `static/scenarios/slow-follower.toml`: a follower 20 s away stays in the ISR through three
/// idle minutes (each fetch reaches the leader's log end, so `Replica.isCaughtUp` holds), and
/// leaves `replica.lag.time.max.ms` after records start to flow at 3 minutes.
#[test]
fn a_slow_follower_leaves_the_isr_only_once_it_falls_behind() {
    let file = kafka_playground::scenario::Shipped::by_slug("slow-follower").expect("shipped");
    let mut sim = file.setup().build();
    let tp = TopicPartition::new("orders", 0);
    let isr = |sim: &kafka_playground::engine::Simulation| {
        let meta = sim.partition(&tp).expect("created");
        meta.isr.iter().map(|b| b.0).collect::<Vec<u32>>()
    };
    sim.advance_to(at(179_000));
    assert_eq!(
        isr(&sim),
        vec![0, 1, 2],
        "idle: the slow follower is in sync"
    );
    sim.advance_to(at(209_000));
    assert_eq!(isr(&sim), vec![0, 1, 2], "behind for less than 30 s");
    sim.advance_to(at(215_000));
    assert_eq!(isr(&sim), vec![0, 1], "behind for 30 s: out of the ISR");
}
