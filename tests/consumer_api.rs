//! What a consumer's application calls besides `poll()`, each as `KafkaConsumer` does it:
//! `subscribe` to several topics (range and round-robin across topics), `assign` without
//! group membership, `seek`, `pause`/`resume` of partitions, `commitSync` of explicit offsets,
//! and `auto.offset.reset=none` (split from `consumer_groups.rs`, which holds the groups).

mod support;

use kafka_playground::engine::sorted::VecSet;

use kafka_playground::engine::{
    AutoOffsetReset, Command, ConsumerConfig, ConsumerId, Event, EventKind, MessageKind, Node,
    Offset, ProducerConfig, ProducerId, SeekTarget, Simulation, TopicConfig, TopicPartition,
};
use support::*;

fn topic_config(partitions: u32) -> TopicConfig {
    TopicConfig {
        partitions,
        replication_factor: 3,
        min_insync_replicas: 2,
        ..TopicConfig::default()
    }
}

fn config(reset: AutoOffsetReset, strategy: &str) -> ConsumerConfig {
    ConsumerConfig {
        auto_offset_reset: reset,
        session_timeout_ms: 10_000,
        heartbeat_interval_ms: 1_000,
        partition_assignment_strategy: vec![strategy.to_owned()],
        ..ConsumerConfig::default()
    }
}

fn tp(topic: &str, partition: u32) -> TopicPartition {
    TopicPartition::new(topic, partition)
}

/// A 3-broker cluster with the given topics, no initial rebalance delay to wait for.
fn setup(topics: &[(&str, u32)]) -> Simulation {
    let mut sim = cluster(3, 11);
    for (name, partitions) in topics {
        create_topic(&mut sim, name, topic_config(*partitions));
    }
    sim
}

fn add_consumer(
    sim: &mut Simulation,
    id: u32,
    topic: &str,
    group: Option<&str>,
    config: ConsumerConfig,
) {
    sim.handle(Command::AddConsumer {
        consumer: ConsumerId(id),
        topic: topic.to_owned(),
        group: group.map(str::to_owned),
        config,
    })
    .expect("consumer added");
}

/// Sends `count` records with key `key` (which decides the partition: with 3 partitions
/// "key-1" goes to 0, "key-0" to 1 and "key-2" to 2, per Kafka's murmur2 vectors).
fn produce_n(sim: &mut Simulation, producer: ProducerId, topic: &str, key: &str, count: u32) {
    for n in 0..count {
        produce(sim, producer, topic, key, &format!("{key}-{n}"));
    }
}

fn assigned(sim: &Simulation, id: u32) -> VecSet<TopicPartition> {
    sim.consumer(ConsumerId(id))
        .and_then(|c| c.group.as_ref())
        .map(|g| g.assigned.clone())
        .unwrap_or_default()
}

fn set(list: &[(&str, u32)]) -> VecSet<TopicPartition> {
    list.iter().map(|(t, p)| tp(t, *p)).collect()
}

fn position(sim: &Simulation, id: u32, topic: &str, partition: u32) -> Option<u64> {
    sim.consumer(ConsumerId(id))
        .and_then(|c| c.position(topic, partition))
        .map(|o| o.0)
}

fn fetches_sent_by(events: &[Event], id: u32) -> usize {
    count_events(
        events,
        |kind| matches!(kind, EventKind::MessageSent { kind: MessageKind::Fetch, from: Node::Consumer(c), .. } if c.0 == id),
    )
}

/// Two members subscribed to t0 and t1 (3 partitions each), as in the javadoc of Kafka's
/// `RangeAssignor` and `RoundRobinAssignor`: range splits each topic on its own, round-robin
/// deals all partitions, sorted by topic, in turn. Member ids sort consumer-1 before
/// consumer-2, so consumer 1 is the javadoc's C0.
#[test]
fn members_subscribed_to_two_topics_get_kafkas_range_and_roundrobin_assignments() {
    for (strategy, first, second) in [
        (
            "range",
            set(&[("t0", 0), ("t0", 1), ("t1", 0), ("t1", 1)]),
            set(&[("t0", 2), ("t1", 2)]),
        ),
        (
            "roundrobin",
            set(&[("t0", 0), ("t0", 2), ("t1", 1)]),
            set(&[("t0", 1), ("t1", 0), ("t1", 2)]),
        ),
    ] {
        let mut sim = setup(&[("t0", 3), ("t1", 3)]);
        for id in [1, 2] {
            add_consumer(
                &mut sim,
                id,
                "t0",
                Some("g"),
                config(AutoOffsetReset::Earliest, strategy),
            );
            sim.handle(Command::Subscribe {
                consumer: ConsumerId(id),
                topics: vec!["t0".to_owned(), "t1".to_owned()],
            })
            .expect("subscribed");
        }
        let producer = add_producer(&mut sim, 1, ProducerConfig::default());
        for topic in ["t0", "t1"] {
            for key in ["key-0", "key-1", "key-2"] {
                produce_n(&mut sim, producer, topic, key, 2);
            }
        }
        run_for(&mut sim, 15_000);
        assert_eq!(assigned(&sim, 1), first, "{strategy}: consumer 1");
        assert_eq!(assigned(&sim, 2), second, "{strategy}: consumer 2");
        // Every partition of both topics was read to its end by its owner.
        for (id, partitions) in [(1, &first), (2, &second)] {
            for p in partitions {
                assert_eq!(
                    position(&sim, id, &p.topic, p.partition),
                    Some(2),
                    "{strategy}: {p}"
                );
            }
        }
    }
}

/// `subscribe()` again while in the group: the member rejoins with the new subscription, and
/// the group assigns it the new topic's partitions too. Then both move to t1 alone, one 5 ms
/// after the other, while the first one's rebalance may still be under way.
#[test]
fn a_member_that_subscribes_again_rejoins_and_gets_the_new_topic() {
    let mut sim = setup(&[("t0", 2), ("t1", 2)]);
    add_consumer(
        &mut sim,
        1,
        "t0",
        Some("g"),
        config(AutoOffsetReset::Earliest, "range"),
    );
    add_consumer(
        &mut sim,
        2,
        "t0",
        Some("g"),
        config(AutoOffsetReset::Earliest, "range"),
    );
    run_for(&mut sim, 10_000);
    assert_eq!(assigned(&sim, 1), set(&[("t0", 0)]));
    let generation = sim.group("g").unwrap().generation;
    sim.handle(Command::Subscribe {
        consumer: ConsumerId(1),
        topics: vec!["t0".to_owned(), "t1".to_owned()],
    })
    .expect("subscribed");
    run_for(&mut sim, 10_000);
    assert!(sim.group("g").unwrap().generation > generation);
    assert_eq!(assigned(&sim, 1), set(&[("t0", 0), ("t1", 0), ("t1", 1)]));
    assert_eq!(assigned(&sim, 2), set(&[("t0", 1)]));
    sim.handle(Command::Subscribe {
        consumer: ConsumerId(1),
        topics: vec!["t1".to_owned()],
    })
    .expect("subscribed");
    run_for(&mut sim, 5);
    sim.handle(Command::Subscribe {
        consumer: ConsumerId(2),
        topics: vec!["t1".to_owned()],
    })
    .expect("subscribed");
    run_for(&mut sim, 10_000);
    assert_eq!(assigned(&sim, 1), set(&[("t1", 0)]));
    assert_eq!(assigned(&sim, 2), set(&[("t1", 1)]));
}

/// `RangeAssignorTest#testMultipleConsumersMixedTopics`: topic1 (3 partitions) and topic2 (2);
/// c1 and c3 subscribe to topic1, c2 to both. Kafka's answer: c1 topic1-0; c2 topic1-1,
/// topic2-0, topic2-1; c3 topic1-2.
#[test]
fn members_with_different_subscriptions_split_each_topic_among_its_subscribers() {
    let mut sim = setup(&[("topic1", 3), ("topic2", 2)]);
    for id in [1, 2, 3] {
        add_consumer(
            &mut sim,
            id,
            "topic1",
            Some("g"),
            config(AutoOffsetReset::Earliest, "range"),
        );
    }
    sim.handle(Command::Subscribe {
        consumer: ConsumerId(2),
        topics: vec!["topic1".to_owned(), "topic2".to_owned()],
    })
    .expect("subscribed");
    run_for(&mut sim, 15_000);
    assert_eq!(assigned(&sim, 1), set(&[("topic1", 0)]));
    assert_eq!(
        assigned(&sim, 2),
        set(&[("topic1", 1), ("topic2", 0), ("topic2", 1)])
    );
    assert_eq!(assigned(&sim, 3), set(&[("topic1", 2)]));
}

/// `assign()` with a `group.id`: the consumer reads only the partitions it was given, never
/// joins the group, and its commits (generation -1, no member id) are accepted while the group
/// is Empty.
#[test]
fn an_assigned_consumer_reads_only_its_partitions_and_commits_without_joining() {
    let mut sim = setup(&[("orders", 3)]);
    let producer = add_producer(&mut sim, 1, ProducerConfig::default());
    produce_n(&mut sim, producer, "orders", "key-1", 3); // orders-0
    produce_n(&mut sim, producer, "orders", "key-0", 4); // orders-1
    let consumer_config = ConsumerConfig {
        enable_auto_commit: false,
        ..config(AutoOffsetReset::Earliest, "range")
    };
    add_consumer(&mut sim, 1, "orders", Some("g"), consumer_config);
    sim.handle(Command::Assign {
        consumer: ConsumerId(1),
        partitions: vec![tp("orders", 1)],
    })
    .expect("assigned");
    let events = run_for(&mut sim, 5_000);
    let consumer = sim.consumer(ConsumerId(1)).unwrap();
    assert_eq!(
        consumer.positions.keys().cloned().collect::<Vec<_>>(),
        vec![tp("orders", 1)]
    );
    assert_eq!(position(&sim, 1, "orders", 1), Some(4));
    assert_eq!(
        count_events(&events, |k| matches!(k, EventKind::MemberJoined { .. })),
        0,
        "assign() never joins the group"
    );
    sim.handle(Command::CommitOffsets {
        consumer: ConsumerId(1),
    })
    .expect("commit sent");
    run_for(&mut sim, 1_000);
    let group = sim
        .group("g")
        .expect("the coordinator knows the group from the commit");
    assert!(group.members.is_empty());
    assert_eq!(group.offsets.get(&tp("orders", 1)), Some(&Offset(4)));
    // Joining the group now is refused, as Kafka refuses mixing assign() and subscribe().
    assert!(sim
        .handle(Command::Subscribe {
            consumer: ConsumerId(1),
            topics: vec!["orders".to_owned()],
        })
        .is_err());
}

/// `seek(partition, offset)` rereads from there; `seekToEnd` skips to the high watermark and
/// `seekToBeginning` goes back to the log start.
#[test]
fn seek_moves_the_position_to_an_offset_the_end_or_the_beginning() {
    let mut sim = setup(&[("orders", 3)]);
    let producer = add_producer(&mut sim, 1, ProducerConfig::default());
    produce_n(&mut sim, producer, "orders", "key-1", 5); // orders-0
    add_consumer(
        &mut sim,
        1,
        "orders",
        None,
        config(AutoOffsetReset::Earliest, "range"),
    );
    run_for(&mut sim, 3_000);
    assert_eq!(position(&sim, 1, "orders", 0), Some(5));

    let seek = |sim: &mut Simulation, to| {
        sim.handle(Command::Seek {
            consumer: ConsumerId(1),
            partition: tp("orders", 0),
            to,
        })
        .expect("seek accepted")
    };
    seek(&mut sim, SeekTarget::Offset(Offset(2)));
    assert_eq!(position(&sim, 1, "orders", 0), Some(2));
    let events = run_for(&mut sim, 2_000);
    let reread: Vec<u64> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::RecordPolled {
                partition, offset, ..
            } if partition.partition == 0 => Some(offset.0),
            _ => None,
        })
        .collect();
    assert_eq!(reread, vec![2, 3, 4]);
    assert_eq!(position(&sim, 1, "orders", 0), Some(5));

    seek(&mut sim, SeekTarget::Beginning);
    run_for(&mut sim, 2_000);
    assert_eq!(
        position(&sim, 1, "orders", 0),
        Some(5),
        "read again from 0 to the end"
    );

    // seekToEnd while records wait unread: they are skipped.
    sim.handle(Command::PauseConsumer {
        consumer: ConsumerId(1),
    })
    .unwrap();
    produce_n(&mut sim, producer, "orders", "key-1", 3);
    run_for(&mut sim, 2_000);
    sim.handle(Command::ResumeConsumer {
        consumer: ConsumerId(1),
    })
    .unwrap();
    seek(&mut sim, SeekTarget::End);
    let events = run_for(&mut sim, 2_000);
    assert_eq!(position(&sim, 1, "orders", 0), Some(8));
    assert_eq!(
        count_events(&events, |k| matches!(k, EventKind::RecordPolled { .. })),
        0
    );
    // Seeking a partition it does not read is Kafka's IllegalStateException.
    sim.handle(Command::Assign {
        consumer: ConsumerId(1),
        partitions: vec![tp("orders", 1)],
    })
    .unwrap();
    assert!(sim
        .handle(Command::Seek {
            consumer: ConsumerId(1),
            partition: tp("orders", 0),
            to: SeekTarget::Beginning,
        })
        .is_err());
}

/// `pause(partitions)` stops fetching those partitions while `poll()` goes on for the others
/// (unlike PauseConsumer, which stops `poll()`); `resume` catches up from the kept position.
#[test]
fn paused_partitions_keep_their_position_while_the_others_are_read() {
    let mut sim = setup(&[("orders", 3)]);
    let producer = add_producer(&mut sim, 1, ProducerConfig::default());
    add_consumer(
        &mut sim,
        1,
        "orders",
        None,
        config(AutoOffsetReset::Earliest, "range"),
    );
    produce_n(&mut sim, producer, "orders", "key-1", 2); // orders-0
    produce_n(&mut sim, producer, "orders", "key-0", 2); // orders-1
    run_for(&mut sim, 3_000);
    assert_eq!(position(&sim, 1, "orders", 0), Some(2));
    sim.handle(Command::PausePartitions {
        consumer: ConsumerId(1),
        partitions: vec![tp("orders", 0)],
    })
    .expect("paused");
    produce_n(&mut sim, producer, "orders", "key-1", 3);
    produce_n(&mut sim, producer, "orders", "key-0", 3);
    run_for(&mut sim, 3_000);
    assert_eq!(position(&sim, 1, "orders", 0), Some(2), "paused: not read");
    assert_eq!(
        position(&sim, 1, "orders", 1),
        Some(5),
        "the others are read"
    );
    sim.handle(Command::ResumePartitions {
        consumer: ConsumerId(1),
        partitions: vec![tp("orders", 0)],
    })
    .expect("resumed");
    run_for(&mut sim, 3_000);
    assert_eq!(position(&sim, 1, "orders", 0), Some(5));
}

/// `commitSync(Map<TopicPartition, OffsetAndMetadata>)` commits the offsets given, not the
/// positions.
#[test]
fn a_member_commits_explicit_offsets() {
    let mut sim = setup(&[("orders", 3)]);
    let producer = add_producer(&mut sim, 1, ProducerConfig::default());
    produce_n(&mut sim, producer, "orders", "key-1", 5);
    let consumer_config = ConsumerConfig {
        enable_auto_commit: false,
        ..config(AutoOffsetReset::Earliest, "range")
    };
    add_consumer(&mut sim, 1, "orders", Some("g"), consumer_config);
    run_for(&mut sim, 10_000);
    assert_eq!(position(&sim, 1, "orders", 0), Some(5));
    sim.handle(Command::CommitSpecifiedOffsets {
        consumer: ConsumerId(1),
        offsets: vec![(tp("orders", 0), Offset(2)), (tp("orders", 2), Offset(100))],
    })
    .expect("commit sent");
    run_for(&mut sim, 1_000);
    let group = sim.group("g").unwrap();
    assert_eq!(group.offsets.get(&tp("orders", 0)), Some(&Offset(2)));
    assert_eq!(group.offsets.get(&tp("orders", 1)), None);
    // Kafka does not check a committed offset against the log: 100 is beyond orders-2's end.
    assert_eq!(group.offsets.get(&tp("orders", 2)), Some(&Offset(100)));
}

/// `auto.offset.reset=none` without a committed offset: `poll()` throws
/// NoOffsetForPartitionException (once per partition), the consumer sends no fetch for it
/// instead of retrying forever, and a seek lets it read.
#[test]
fn auto_offset_reset_none_without_a_committed_offset_fails_the_poll() {
    let mut sim = setup(&[("orders", 3)]);
    let producer = add_producer(&mut sim, 1, ProducerConfig::default());
    produce_n(&mut sim, producer, "orders", "key-1", 4); // orders-0
    add_consumer(
        &mut sim,
        1,
        "orders",
        None,
        config(AutoOffsetReset::None, "range"),
    );
    let events = run_for(&mut sim, 10_000);
    let failed: Vec<TopicPartition> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::NoOffsetForPartition {
                consumer,
                partition,
            } if consumer.0 == 1 => Some(partition.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        failed,
        vec![tp("orders", 0), tp("orders", 1), tp("orders", 2)]
    );
    assert_eq!(fetches_sent_by(&events, 1), 0, "no fetch retried forever");
    let consumer = sim.consumer(ConsumerId(1)).unwrap();
    assert!(consumer.positions.is_empty());
    sim.handle(Command::Seek {
        consumer: ConsumerId(1),
        partition: tp("orders", 0),
        to: SeekTarget::Beginning,
    })
    .unwrap();
    run_for(&mut sim, 3_000);
    assert_eq!(position(&sim, 1, "orders", 0), Some(4));
    assert_eq!(position(&sim, 1, "orders", 1), None);
}

/// In a group, `none` applies to the assigned partitions without a committed offset only: the
/// member starts orders-0 at the offset committed there (by a standalone consumer's
/// `commitSync(offsets)` while the group was Empty) and throws for the others.
#[test]
fn auto_offset_reset_none_in_a_group_starts_at_committed_offsets_and_throws_for_the_rest() {
    let mut sim = setup(&[("orders", 3)]);
    let producer = add_producer(&mut sim, 1, ProducerConfig::default());
    produce_n(&mut sim, producer, "orders", "key-1", 4); // orders-0
    add_consumer(
        &mut sim,
        9,
        "orders",
        Some("g"),
        config(AutoOffsetReset::Earliest, "range"),
    );
    sim.handle(Command::Assign {
        consumer: ConsumerId(9),
        partitions: vec![tp("orders", 0)],
    })
    .unwrap();
    run_for(&mut sim, 1_000);
    sim.handle(Command::CommitSpecifiedOffsets {
        consumer: ConsumerId(9),
        offsets: vec![(tp("orders", 0), Offset(1))],
    })
    .unwrap();
    run_for(&mut sim, 1_000);
    sim.handle(Command::CloseConsumer {
        consumer: ConsumerId(9),
    })
    .unwrap();
    assert_eq!(
        sim.group("g").unwrap().offsets.get(&tp("orders", 0)),
        Some(&Offset(1))
    );
    add_consumer(
        &mut sim,
        1,
        "orders",
        Some("g"),
        config(AutoOffsetReset::None, "range"),
    );
    let events = run_for(&mut sim, 10_000);
    assert_eq!(
        position(&sim, 1, "orders", 0),
        Some(4),
        "read from the committed 1"
    );
    let failed: Vec<u32> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::NoOffsetForPartition { partition, .. } => Some(partition.partition),
            _ => None,
        })
        .collect();
    assert_eq!(failed, vec![1, 2]);
}
