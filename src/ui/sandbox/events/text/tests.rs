//! The event log's words: unit tests per family, and one snapshot of the sentences of a run
//! with a bit of everything (refresh it with `UPDATE_EXPECT=1 cargo test --lib events`).

use super::*;
use crate::engine::OFFSETS_TOPIC;
use crate::engine::{ConsumerId, ElectionKind, Event, EventKind, ProducerId};

fn event(kind: EventKind) -> Event {
    Event {
        at: SimTime::from_ms(12_430),
        kind,
    }
}

#[test]
fn a_leader_election_touches_the_new_leader_and_its_partition() {
    let election = event(EventKind::LeaderElected {
        partition: TopicPartition::new("orders", 0),
        leader: BrokerId(1),
        leader_epoch: 3,
        kind: ElectionKind::Clean,
    });
    let highlight = touched(&election);
    assert!(highlight.touches_broker(BrokerId(1)));
    assert!(highlight.touches_partition(&TopicPartition::new("orders", 0)));
    assert!(!highlight.touches_broker(BrokerId(0)));
    assert_eq!(
        format!("{} · {}", time_label(election.at), sentence(&election)),
        "t=12.4 s · broker 1 became leader of orders-0 (epoch 3, clean election)"
    );
}

#[test]
fn a_message_touches_both_ends_and_is_network_traffic() {
    let sent = event(EventKind::MessageSent {
        message: crate::engine::MessageId(7),
        kind: MessageKind::Produce,
        from: Node::Producer(ProducerId(2)),
        to: Node::Broker(BrokerId(0)),
        arrives_at: SimTime::from_ms(13_000),
    });
    let highlight = touched(&sent);
    assert!(highlight.producers.contains(&ProducerId(2)));
    assert!(highlight.touches_broker(BrokerId(0)));
    assert_eq!(family_of(&sent.kind), EventFamily::Network);
    assert!(!EventFamily::shown_by_default().contains(&EventFamily::Network));
}

#[test]
fn a_single_record_event_names_the_record() {
    let polled = event(EventKind::RecordPolled {
        record: RecordId(9),
        consumer: ConsumerId(1),
        partition: TopicPartition::new("orders", 2),
        offset: crate::engine::Offset(4),
        value: Some("x".to_owned()),
        timestamp: None,
        headers: Vec::new(),
    });
    let highlight = touched(&polled);
    assert_eq!(highlight.record, Some(RecordId(9)));
    assert!(highlight.consumers.contains(&ConsumerId(1)));
    assert_eq!(family_of(&polled.kind), EventFamily::Consume);
}

#[test]
fn an_unclean_election_is_alarming_and_says_so() {
    let election = event(EventKind::LeaderElected {
        partition: TopicPartition::new("orders", 0),
        leader: BrokerId(2),
        leader_epoch: 4,
        kind: ElectionKind::Unclean,
    });
    assert!(is_alarming(&election.kind));
    assert!(sentence(&election).contains("UNCLEAN"));
}

/// A run with a bit of everything: a group rebalancing as its second member joins, a
/// tombstone, an acks=1 record acknowledged and then lost with its leader, the election that
/// follows, the old leader truncating when it returns, and a scheduled command refused.
fn varied_run() -> Vec<Event> {
    use crate::engine::{Acks, Command, Node, ProducerConfig};

    use crate::ui::test_support::{cluster, member, member_config, producer, send, topic};

    let mut sim = cluster(3, 7);
    topic(&mut sim, "orders", 1, 3);
    let tp = TopicPartition::new("orders", 0);
    let config = ProducerConfig {
        acks: Acks::Leader,
        enable_idempotence: false,
        linger_ms: 0,
        ..ProducerConfig::default()
    };
    let p = producer(&mut sim, 1, config);
    member(
        &mut sim,
        1,
        "orders",
        Some("billing"),
        member_config("range"),
    );
    sim.advance_to(SimTime::from_ms(2_000));
    member(
        &mut sim,
        2,
        "orders",
        Some("billing"),
        member_config("range"),
    );
    send(&mut sim, p, "orders", "k1");
    sim.handle(Command::Produce {
        producer: p,
        topic: "orders".to_owned(),
        key: Some("k1".to_owned()),
        value: None,
        partition: None,
        timestamp: None,
        headers: Vec::new(),
    })
    .expect("tombstone accepted");
    sim.advance_to(SimTime::from_ms(6_000));
    // Slow the leader's links to its followers, so the next record is acknowledged (acks=1)
    // before any follower has it; then the leader dies.
    let old_leader = sim.partition(&tp).and_then(|m| m.leader).expect("a leader");
    for other in [0, 1, 2].map(BrokerId) {
        if other != old_leader {
            sim.handle(Command::SetLinkLatency {
                a: Node::Broker(old_leader),
                b: Node::Broker(other),
                latency_ms: 400,
            })
            .expect("latency set");
        }
    }
    sim.advance_to(SimTime::from_ms(7_000));
    send(&mut sim, p, "orders", "doomed");
    sim.advance_to(SimTime::from_ms(7_050));
    sim.handle(Command::CrashBroker { broker: old_leader })
        .expect("crashed");
    sim.schedule(
        SimTime::from_ms(9_000),
        Command::CrashBroker {
            broker: BrokerId(9),
        },
    );
    sim.advance_to(SimTime::from_ms(17_000));
    sim.handle(Command::RestartBroker { broker: old_leader })
        .expect("restarted");
    sim.advance_to(SimTime::from_ms(22_000));
    sim.drain_events()
}

#[test]
fn a_varied_run_reads_like_this() {
    let events = varied_run();
    let kinds_seen = |pred: fn(&EventKind) -> bool| events.iter().any(|e| pred(&e.kind));
    // The run holds what the snapshot is meant to show.
    assert!(kinds_seen(|k| matches!(
        k,
        EventKind::RebalanceStarted { .. }
    )));
    assert!(kinds_seen(|k| matches!(k, EventKind::LeaderElected { .. })));
    assert!(kinds_seen(|k| matches!(
        k,
        EventKind::CommandRejected { .. }
    )));
    assert!(kinds_seen(|k| matches!(
        k,
        EventKind::RecordSent { value: None, .. }
    )));
    assert!(kinds_seen(
        |k| matches!(k, EventKind::ReplicaTruncated { records_removed, .. } if !records_removed.is_empty())
    ));
    // Per-message traffic would drown the rest, as it does in the log (hidden by default there
    // too), and so would the fifty partitions of the internal offsets topic.
    let about_offsets_topic = |e: &Event| {
        let partitions = touched(e).partitions;
        !partitions.is_empty() && partitions.iter().all(|tp| &*tp.topic == OFFSETS_TOPIC)
    };
    let text: String = events
        .iter()
        .filter(|e| family_of(&e.kind) != EventFamily::Network && !about_offsets_topic(e))
        .map(|e| format!("{} · {}\n", time_label(e.at), sentence(e)))
        .collect();
    expect_test::expect![[r#"
        t=0.0 s · topic orders created with 1 partition(s), replication factor 3
        t=0.0 s · producer 1 started
        t=0.0 s · consumer 1 started, subscribed to orders
        t=0.0 s · consumer 1 joined group billing as consumer-1-0
        t=0.0 s · group billing is now PreparingRebalance (generation 0)
        t=0.0 s · group billing starts a rebalance: consumer-1-0 joined
        t=2.0 s · consumer 2 started, subscribed to orders
        t=2.0 s · producer 1 sends record 0 to orders-0 (key "k1" hashes to it (murmur2 1684045097))
        t=2.0 s · producer 1 sends a tombstone (null value) 1 to orders-0 (key "k1" hashes to it (murmur2 1684045097))
        t=2.0 s · broker 2 (leader, epoch 0) appended record 0 to orders-0 at offset 0
        t=2.0 s · broker 2 (leader, epoch 0) appended record 1 to orders-0 at offset 1
        t=2.0 s · broker 1 copied record 0 of orders-0 at offset 0
        t=2.0 s · broker 0 copied record 0 of orders-0 at offset 0
        t=2.0 s · producer 1 got an acknowledgement for record 0 on orders-0 at offset 0
        t=2.0 s · producer 1 got an acknowledgement for record 1 on orders-0 at offset 1
        t=2.0 s · consumer 2 joined group billing as consumer-2-1
        t=2.0 s · broker 2: high watermark of orders-0 moved to 1 (records below it are readable)
        t=2.0 s · broker 1 copied record 1 of orders-0 at offset 1
        t=2.0 s · broker 0 copied record 1 of orders-0 at offset 1
        t=2.0 s · broker 2: high watermark of orders-0 moved to 2 (records below it are readable)
        t=6.0 s · group billing is now CompletingRebalance (generation 1)
        t=6.0 s · consumer 1 (group billing leader) ran the range assignor for generation 1: consumer-1-0 → [orders-0]; consumer-2-1 → []
        t=6.0 s · group billing is now Stable (generation 1)
        t=6.0 s · consumer 1 now owns orders-0 in group billing (generation 1)
        t=6.0 s · consumer 2 now owns no partition in group billing (generation 1)
        t=6.1 s · consumer 1 had no position on orders-0: auto.offset.reset=earliest starts it at 0
        t=6.1 s · consumer 1 polled record 0 from orders-0 at offset 0
        t=6.1 s · consumer 1 polled record 1 from orders-0 at offset 1
        t=7.0 s · producer 1 sends record 2 to orders-0 (key "doomed" hashes to it (murmur2 -877251920))
        t=7.0 s · broker 2 (leader, epoch 0) appended record 2 to orders-0 at offset 2
        t=7.0 s · producer 1 got an acknowledgement for record 2 on orders-0 at offset 2
        t=7.0 s · broker 2 crashed
        t=7.0 s · producer 1's connection to broker 2 closed (the broker's process died): 0 requests in flight failed; it reconnects at t=7.1 s
        t=7.0 s · consumer 1's connection to broker 2 closed (the broker's process died): 1 request in flight failed; it reconnects at t=7.0 s
        t=7.1 s · consumer 1 committed for group billing: orders-0 at 2
        t=7.1 s · consumer 1's connection to broker 2 closed (connection refused): 1 request in flight failed; it reconnects at t=7.2 s
        t=7.3 s · consumer 1's connection to broker 2 closed (connection refused): 1 request in flight failed; it reconnects at t=7.6 s
        t=7.4 s · a follower fetch (ReplicaFetchResponse) from broker 2 to broker 1 was lost on the network
        t=7.4 s · a follower fetch (ReplicaFetchResponse) from broker 2 to broker 0 was lost on the network
        t=7.7 s · consumer 1's connection to broker 2 closed (connection refused): 1 request in flight failed; it reconnects at t=8.1 s
        t=8.2 s · consumer 1's connection to broker 2 closed (connection refused): 1 request in flight failed; it reconnects at t=9.1 s
        t=9.0 s · command refused: broker-9 does not exist
        t=9.2 s · consumer 1's connection to broker 2 closed (connection refused): 1 request in flight failed; it reconnects at t=10.3 s
        t=10.0 s · the controller fenced broker 2: no heartbeat within broker.session.timeout.ms
        t=10.0 s · in-sync replicas of orders-0 are now [1, 0]: the controller fenced broker 2
        t=10.0 s · broker 1 became leader of orders-0 (epoch 1, clean election)
        t=10.4 s · consumer 1's connection to broker 2 closed (connection refused): 1 request in flight failed; it reconnects at t=11.4 s
        t=17.0 s · broker 2 restarted
        t=17.0 s · the controller unfenced broker 2
        t=17.8 s · broker 2 cut orders-0 back to offset 2 (its log diverged after epoch 0), removing record 2
        t=18.2 s · in-sync replicas of orders-0 are now [2, 1, 0]: broker 2 caught up
    "#]].assert_eq(&text);
}
