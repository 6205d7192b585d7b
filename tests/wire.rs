//! The wire as Kafka's clients see it: connections that close together with everything in
//! flight on them (`NetworkClient`), reconnect backoff (`ClusterConnectionStates`), and
//! leaders learned only from Metadata responses, which a cut-off broker answers from its stale
//! copy. Each test fails on an engine that times requests out one by one, drops the refusal of
//! a dead broker, or hands clients the controller's metadata.

mod support;

use kafka_playground::engine::{
    Acks, BrokerId, Command, ConsumerConfig, ConsumerId, DisconnectReason, ErrorCode, Event,
    EventKind, Isolation, MessageKind, Node, ProducerConfig, TopicConfig, TopicPartition,
};
use kafka_playground::scenario::SHIPPED;
use support::*;

fn plain_producer(acks: Acks) -> ProducerConfig {
    ProducerConfig {
        acks,
        enable_idempotence: false,
        linger_ms: 0,
        ..ProducerConfig::default()
    }
}

fn times_of(events: &[Event], pred: impl Fn(&EventKind) -> bool) -> Vec<u64> {
    events
        .iter()
        .filter(|e| pred(&e.kind))
        .map(|e| e.at.as_ms())
        .collect()
}

/// `NetworkClient.handleTimedOutRequests`: the first request to time out closes its
/// connection, and every other request in flight on it fails in the same millisecond, rather
/// than each waiting out its own `request.timeout.ms`.
#[test]
fn a_request_timeout_fails_every_request_in_flight_on_its_connection_at_once() {
    let mut sim = cluster(1, 3);
    create_topic(
        &mut sim,
        "orders",
        TopicConfig {
            partitions: 3,
            ..TopicConfig::default()
        },
    );
    let producer = add_producer(&mut sim, 1, plain_producer(Acks::Leader));
    run_for(&mut sim, 100);
    // Requests reach the broker, answers never come back.
    sim.handle(Command::CutLink {
        from: Node::Broker(BrokerId(0)),
        to: Node::Producer(producer),
        one_way: true,
    })
    .unwrap();
    // Three records, a few milliseconds apart, each in a request of its own.
    let mut events = Vec::new();
    for key in ["key-0", "key-1", "key-2"] {
        produce(&mut sim, producer, "orders", key, "v");
        events.extend(run_for(&mut sim, 7));
    }
    events.extend(run_for(&mut sim, 31_000));
    let sent = times_of(&events, |k| {
        matches!(
            k,
            EventKind::MessageSent {
                kind: MessageKind::Produce,
                ..
            }
        )
    });
    assert!(sent.len() >= 3, "three produce requests: {sent:?}");
    let retried = times_of(&events, |k| {
        matches!(k, EventKind::BatchRetried { attempt: 1, .. })
    });
    assert_eq!(retried.len(), 3, "every batch retried once: {retried:?}");
    assert!(
        retried.iter().all(|t| *t == retried[0]),
        "all failed in the same millisecond: {retried:?}"
    );
    let errors: Vec<ErrorCode> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::BatchRetried {
                error, attempt: 1, ..
            } => Some(*error),
            _ => None,
        })
        .collect();
    assert_eq!(
        errors
            .iter()
            .filter(|e| **e == ErrorCode::RequestTimedOut)
            .count(),
        1,
        "one timed out, the others failed with their connection: {errors:?}"
    );
    let closed = events.iter().find_map(|e| match &e.kind {
        EventKind::ConnectionClosed {
            reason,
            requests_failed,
            ..
        } => Some((*reason, *requests_failed)),
        _ => None,
    });
    assert_eq!(closed, Some((DisconnectReason::LinkCut, 3)));
}

/// A broker's process that dies resets its connections: its clients see the disconnect one
/// link latency later, not after `request.timeout.ms`; while it is down each reconnect is
/// refused and the wait doubles (`reconnect.backoff.ms` up to `reconnect.backoff.max.ms`); once
/// it is back the producer's next attempt gets through.
#[test]
fn a_crashed_brokers_clients_see_the_disconnect_at_once_and_reconnect_with_backoff() {
    let mut sim = cluster(1, 5);
    create_topic(&mut sim, "orders", TopicConfig::default());
    let producer = add_producer(&mut sim, 1, plain_producer(Acks::Leader));
    sim.handle(Command::AddConsumer {
        consumer: ConsumerId(1),
        topic: "orders".to_owned(),
        group: None,
        config: ConsumerConfig::default(),
    })
    .unwrap();
    produce(&mut sim, producer, "orders", "k", "before");
    run_for(&mut sim, 1_000);
    crash(&mut sim, BrokerId(0));
    let crashed_at = sim.now().as_ms();
    produce(&mut sim, producer, "orders", "k", "while-down");
    let down = run_for(&mut sim, 5_000);
    // The consumer's long-polling fetch was in flight: it fails within a round trip.
    let reset = down.iter().find_map(|e| match &e.kind {
        EventKind::ConnectionClosed {
            client: Node::Consumer(_),
            reason: DisconnectReason::PeerDied,
            ..
        } => Some(e.at.as_ms()),
        _ => None,
    });
    let reset = reset.expect("the consumer saw the reset");
    assert!(
        reset - crashed_at <= 10,
        "reset after {} ms",
        reset - crashed_at
    );
    // The producer's connection was reset too; its reconnects are then refused, further and
    // further apart, up to about 1 s.
    let waits: Vec<u64> = down
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::ConnectionClosed {
                client: Node::Producer(_),
                reconnect_at,
                ..
            } => Some(reconnect_at.as_ms() - e.at.as_ms()),
            _ => None,
        })
        .collect();
    assert!(waits.len() >= 4, "refused again and again: {waits:?}");
    assert!(
        waits[0] <= 60,
        "the first wait is reconnect.backoff.ms: {waits:?}"
    );
    assert!(
        waits.windows(2).take(3).all(|w| w[1] > w[0]),
        "the wait grows: {waits:?}"
    );
    assert!(
        waits.iter().all(|w| *w <= 1_200),
        "capped near 1 s: {waits:?}"
    );
    restart(&mut sim, BrokerId(0));
    let restarted_at = sim.now().as_ms();
    let after = run_for(&mut sim, 5_000);
    let acked = after.iter().find_map(|e| match &e.kind {
        EventKind::BatchAcknowledged { .. } => Some(e.at.as_ms()),
        _ => None,
    });
    let acked = acked.expect("the record sent while the broker was down is delivered");
    assert!(
        acked - restarted_at <= 1_500,
        "delivered {} ms after the restart, within one reconnect backoff",
        acked - restarted_at
    );
}

/// A producer learns who leads from Metadata responses: NOT_LEADER_OR_FOLLOWER makes it ask,
/// and the request is on the wire.
#[test]
fn not_leader_or_follower_sends_a_metadata_request() {
    let mut sim = cluster(3, 7);
    create_topic(
        &mut sim,
        "orders",
        TopicConfig {
            replication_factor: 3,
            ..TopicConfig::default()
        },
    );
    let tp = TopicPartition::new("orders", 0);
    let producer = add_producer(&mut sim, 1, plain_producer(Acks::Leader));
    produce(&mut sim, producer, "orders", "k", "first");
    run_for(&mut sim, 1_000);
    let zombie = leader(&sim, &tp).unwrap();
    sim.handle(Command::IsolateBroker { broker: zombie })
        .unwrap();
    run_for(&mut sim, 10_000);
    assert_ne!(leader(&sim, &tp), Some(zombie), "leadership moved");
    sim.handle(Command::HealBroker { broker: zombie }).unwrap();
    run_for(&mut sim, 100);
    produce(&mut sim, producer, "orders", "k", "after");
    let events = run_for(&mut sim, 2_000);
    let refused = events
        .iter()
        .position(|e| {
            matches!(
                e.kind,
                EventKind::BatchRetried {
                    error: ErrorCode::NotLeaderOrFollower,
                    ..
                }
            )
        })
        .expect("the healed zombie answers NOT_LEADER_OR_FOLLOWER");
    let asked = events.iter().find(|e| {
        matches!(
            e.kind,
            EventKind::MessageSent {
                kind: MessageKind::Metadata,
                from: Node::Producer(_),
                ..
            }
        )
    });
    let asked = asked.expect("a Metadata request follows");
    assert_eq!(asked.at, events[refused].at, "at once");
    let learned = events.iter().any(|e| {
        matches!(
            &e.kind,
            EventKind::MetadataUpdated { partition, leader: Some(l), .. }
                if *partition == tp && *l != zombie
        )
    });
    assert!(learned, "the producer learned the new leader");
    assert!(events
        .iter()
        .any(|e| matches!(e.kind, EventKind::BatchAcknowledged { .. })));
}

/// The zombie leader with Kafka's numbers, from the shipped scenario: a leader cut off from
/// the other brokers and the controller, still reachable by its producer, keeps acknowledging
/// `acks=1` writes because the producer's metadata (and the zombie's own answer to a Metadata
/// request) still names it; the controller has elected another leader meanwhile. At the heal
/// the zombie truncates to the new leader's log, and every record it acknowledged after the
/// cut is lost.
#[test]
fn the_zombie_leader_scenario_acknowledges_then_loses_its_writes() {
    let file = SHIPPED
        .iter()
        .find(|f| f.slug == "zombie-leader")
        .expect("shipped");
    let mut sim = file.setup().build();
    let cut_ms = 10_000;
    let heal_ms = 40_000;
    sim.advance_to(at(cut_ms));
    let before = sim.drain_events();
    let tp = TopicPartition::new("orders", 0);
    let zombie = before
        .iter()
        .find_map(|e| match &e.kind {
            EventKind::BrokerIsolated { broker, from } => {
                assert_eq!(*from, Isolation::Peers);
                Some(*broker)
            }
            _ => None,
        })
        .expect("the leader was isolated at 10 s");
    sim.advance_to(at(heal_ms));
    let during = sim.drain_events();
    let elected = during
        .iter()
        .find_map(|e| match &e.kind {
            EventKind::LeaderElected {
                partition, leader, ..
            } if *partition == tp => Some((e.at.as_ms(), *leader)),
            _ => None,
        })
        .expect("the controller elected a new leader");
    assert_ne!(elected.1, zombie);
    let acked_by_zombie_after_election: usize = during
        .iter()
        .filter(|e| e.at.as_ms() > elected.0)
        .map(|e| match &e.kind {
            EventKind::BatchAcknowledged { records, .. } => records.len(),
            _ => 0,
        })
        .sum();
    sim.advance_to(at(60_000));
    let audit = sim.audit();
    // Written at 20 records per second from the cut (10 s) to the heal (40 s), all to the
    // zombie: 600 acknowledged, all lost; 420 of them after the new leader was elected at
    // 19 s (an engine whose producer reads the controller's metadata loses only the 180
    // acknowledged before the election).
    assert_eq!(elected.0, 19_000);
    assert_eq!(audit.acknowledged_then_lost.len(), 600, "{audit:#?}");
    assert_eq!(
        acked_by_zombie_after_election, 420,
        "the zombie kept acknowledging after the election"
    );
    // The new leader has none of them; the old leader truncated them.
    assert!(sim.replica_log(zombie, &tp).is_some());
}

/// A broker cut off from its clients only stays in the cluster: the controller does not fence
/// it and its followers keep replicating, but its producer's requests time out (the event says
/// the link was cut), the connection closes, and the producer asks another broker for metadata.
#[test]
fn a_broker_isolated_from_its_clients_keeps_its_leadership_and_its_clients_time_out() {
    let mut sim = cluster(3, 7);
    create_topic(
        &mut sim,
        "orders",
        TopicConfig {
            replication_factor: 3,
            ..TopicConfig::default()
        },
    );
    let tp = TopicPartition::new("orders", 0);
    let producer = add_producer(
        &mut sim,
        1,
        ProducerConfig {
            request_timeout_ms: 2_000,
            ..plain_producer(Acks::Leader)
        },
    );
    produce(&mut sim, producer, "orders", "k", "first");
    run_for(&mut sim, 1_000);
    let isolated = leader(&sim, &tp).unwrap();
    sim.handle(Command::IsolateBrokerFrom {
        broker: isolated,
        from: Isolation::Clients,
    })
    .unwrap();
    produce(&mut sim, producer, "orders", "k", "cut-off");
    let events = run_for(&mut sim, 10_000);
    assert_eq!(leader(&sim, &tp), Some(isolated), "still the leader");
    assert!(!events
        .iter()
        .any(|e| matches!(e.kind, EventKind::BrokerFenced { .. })));
    let closed = events.iter().find_map(|e| match &e.kind {
        EventKind::ConnectionClosed { broker, reason, .. } if *broker == isolated => {
            Some((e.at.as_ms(), *reason))
        }
        _ => None,
    });
    assert_eq!(closed, Some((3_000, DisconnectReason::LinkCut)));
    let asked_elsewhere = events.iter().any(|e| {
        matches!(
            e.kind,
            EventKind::MessageSent {
                kind: MessageKind::Metadata,
                to: Node::Broker(b),
                ..
            } if b != isolated
        )
    });
    assert!(asked_elsewhere, "metadata from a broker it can reach");
    assert!(!events
        .iter()
        .any(|e| matches!(e.kind, EventKind::BatchAcknowledged { .. })));
}
