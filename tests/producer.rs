//! Producer behaviour: keyed placement, the sticky partitioner, batching, send modes, and
//! `delivery.timeout.ms`.

mod support;

use kafka_playground::engine::{
    Acks, BrokerConfig, BrokerId, Command, ErrorCode, EventKind, KeyPattern, KeylessPartitioner,
    MessageKind, NetworkConfig, ProducerConfig, SendMode, SimConfig, Simulation, TopicConfig,
    TopicPartition, Workload,
};
use support::*;

fn topic(partitions: u32) -> TopicConfig {
    TopicConfig {
        partitions,
        ..TopicConfig::default()
    }
}

#[test]
fn keyed_records_land_where_kafka_puts_them() {
    let mut sim = cluster(1, 1);
    create_topic(&mut sim, "t", topic(12));
    let producer = add_producer(&mut sim, 1, ProducerConfig::default());
    for key in ["key-3", "key-4", "user-42"] {
        produce(&mut sim, producer, "t", key, "v");
    }
    run_for(&mut sim, 1_000);
    let holds = |p: u32| {
        sim.leader_log(&TopicPartition::new("t", p))
            .unwrap()
            .record_count()
    };
    // From tests/data/partition_vectors.json: key-3 → 11, key-4 → 9, user-42 → 4 of 12.
    assert_eq!((holds(11), holds(9), holds(4)), (1, 1, 1));
}

#[test]
fn the_sticky_partitioner_fills_a_batch_before_switching() {
    let mut sim = cluster(1, 4);
    create_topic(&mut sim, "t", topic(6));
    let producer = add_producer(
        &mut sim,
        1,
        ProducerConfig {
            partitioner: KeylessPartitioner::UniformSticky,
            batch_size: 1_000,
            ..ProducerConfig::default()
        },
    );
    sim.handle(Command::StartWorkload {
        producer,
        workload: Workload {
            topic: "t".into(),
            records_per_second: 5_000,
            keys: KeyPattern::None,
            count: Some(600),
        },
    })
    .unwrap();
    let events = run_for(&mut sim, 2_000);
    // Consecutive keyless records go to one partition in runs of about batch.size bytes.
    let mut runs = Vec::new();
    let mut last = None;
    for event in &events {
        if let EventKind::RecordSent { partition, .. } = &event.kind {
            if last == Some(partition.partition) {
                *runs.last_mut().unwrap() += 1;
            } else {
                runs.push(1);
                last = Some(partition.partition);
            }
        }
    }
    // Records here are 7 + 0 + ~5 bytes: about 80 fit in 1000 bytes.
    assert!(runs.len() > 5, "{runs:?}");
    assert!(
        runs[..runs.len() - 1]
            .iter()
            .all(|r| (60..=100).contains(r)),
        "{runs:?}"
    );
    let used: std::collections::BTreeSet<u32> = (0..6)
        .filter(|p| {
            sim.leader_log(&TopicPartition::new("t", *p))
                .unwrap()
                .record_count()
                > 0
        })
        .collect();
    assert!(
        used.len() >= 4,
        "the partitioner spreads over time: {used:?}"
    );
}

#[test]
fn linger_gathers_records_into_batches() {
    let mut sim = cluster(1, 4);
    create_topic(&mut sim, "t", topic(1));
    let producer = add_producer(
        &mut sim,
        1,
        ProducerConfig {
            linger_ms: 50,
            ..ProducerConfig::default()
        },
    );
    for n in 0..20 {
        produce(&mut sim, producer, "t", "k", &n.to_string());
    }
    run_for(&mut sim, 1_000);
    let stats = sim.producer(producer).unwrap().stats;
    assert_eq!(stats.records_acknowledged, 20);
    assert_eq!(stats.requests_sent, 1, "one batch, one request");
    assert_eq!(stats.batches_sent, 1, "the request carried that one batch");
}

#[test]
fn a_synchronous_producer_has_one_record_outstanding_at_a_time() {
    let mut sim = cluster(1, 4);
    create_topic(&mut sim, "t", topic(3));
    let producer = add_producer(
        &mut sim,
        1,
        ProducerConfig {
            send_mode: SendMode::Synchronous,
            linger_ms: 0,
            ..ProducerConfig::default()
        },
    );
    for n in 0..10 {
        produce(&mut sim, producer, "t", &format!("k{n}"), "v");
    }
    let events = run_for(&mut sim, 5_000);
    let mut outstanding = 0i32;
    for event in &events {
        match &event.kind {
            EventKind::RecordSent { .. } => outstanding += 1,
            EventKind::BatchAcknowledged { records, .. } => outstanding -= records.len() as i32,
            _ => {}
        }
        assert!(outstanding <= 1, "send().get() blocks the next send");
    }
    assert_eq!(
        sim.producer(producer).unwrap().stats.records_acknowledged,
        10
    );
}

#[test]
fn records_for_an_offline_partition_fail_after_the_delivery_timeout() {
    let mut sim = cluster(1, 4);
    create_topic(&mut sim, "t", topic(1));
    let producer = add_producer(
        &mut sim,
        1,
        ProducerConfig {
            delivery_timeout_ms: 5_000,
            request_timeout_ms: 1_000,
            linger_ms: 0,
            ..ProducerConfig::default()
        },
    );
    crash(&mut sim, BrokerId(0));
    produce(&mut sim, producer, "t", "k", "v");
    let events = run_for(&mut sim, 10_000);
    assert_eq!(
        count_events(&events, |e| matches!(
            e,
            EventKind::BatchFailed {
                error: ErrorCode::DeliveryTimeout,
                ..
            }
        )),
        1,
        "{:#?}",
        trace(&events)
    );
    assert_eq!(
        sim.audit()
            .failed_by_error
            .get("DELIVERY_TIMEOUT (TimeoutException)"),
        Some(&1)
    );
}

#[test]
fn acks_0_is_acknowledged_at_once_with_offset_minus_one() {
    let mut sim = cluster(1, 4);
    create_topic(&mut sim, "t", topic(1));
    let producer = add_producer(
        &mut sim,
        1,
        ProducerConfig {
            acks: Acks::None,
            enable_idempotence: false,
            linger_ms: 0,
            ..ProducerConfig::default()
        },
    );
    produce(&mut sim, producer, "t", "k", "v");
    let events = run_for(&mut sim, 0);
    assert!(events.iter().any(|e| matches!(
        &e.kind,
        EventKind::BatchAcknowledged {
            base_offset: None,
            ..
        }
    )));
}

#[test]
fn idempotence_with_acks_1_is_a_configuration_error() {
    let mut sim = cluster(1, 4);
    let refused = sim.handle(Command::AddProducer {
        producer: kafka_playground::engine::ProducerId(1),
        config: ProducerConfig {
            acks: Acks::Leader,
            enable_idempotence: true,
            ..ProducerConfig::default()
        },
    });
    assert!(refused.unwrap_err().to_string().contains("acks=all"));
}

#[test]
fn producing_to_a_missing_topic_auto_creates_it() {
    let mut sim = cluster(1, 4);
    let producer = add_producer(&mut sim, 1, ProducerConfig::default());
    produce(&mut sim, producer, "new-topic", "k", "v");
    run_for(&mut sim, 1_000);
    assert_eq!(sim.topic("new-topic").unwrap().partition_count(), 1);
    assert_eq!(sim.audit().acknowledged, 1);
}

#[test]
fn a_closed_producer_delivers_what_it_was_given_and_refuses_more() {
    let mut sim = cluster(3, 5);
    create_topic(&mut sim, "t", topic(3));
    let producer = add_producer(&mut sim, 1, ProducerConfig::default());
    produce(&mut sim, producer, "t", "k", "before-close");
    sim.handle(Command::CloseProducer { producer }).unwrap();
    let refused = sim.handle(Command::Produce {
        producer,
        topic: "t".into(),
        key: None,
        value: Some("after-close".into()),
        partition: None,
        timestamp: None,
        headers: Vec::new(),
    });
    assert!(refused.unwrap_err().to_string().contains("closed"));
    run_for(&mut sim, 2_000);
    let audit = sim.audit();
    assert_eq!((audit.produced, audit.acknowledged), (1, 1));
}

#[test]
fn a_topic_in_use_is_not_deleted_and_an_idle_one_is() {
    let mut sim = cluster(3, 6);
    create_topic(&mut sim, "t", topic(3));
    let producer = add_producer(&mut sim, 1, ProducerConfig::default());
    sim.handle(Command::StartWorkload {
        producer,
        workload: Workload {
            topic: "t".into(),
            records_per_second: 10,
            keys: KeyPattern::None,
            count: None,
        },
    })
    .unwrap();
    run_for(&mut sim, 1_000);
    let refused = sim.handle(Command::DeleteTopic { name: "t".into() });
    assert!(refused.unwrap_err().to_string().contains("still writes"));
    sim.handle(Command::StopWorkload { producer }).unwrap();
    run_for(&mut sim, 1_000);
    sim.handle(Command::DeleteTopic { name: "t".into() })
        .unwrap();
    assert!(sim.topic("t").is_none());
    assert!(sim
        .brokers()
        .all(|b| b.replicas.keys().all(|tp| &*tp.topic != "t")));
    // Nothing acknowledged counts as lost because the user deleted it, and time goes on.
    run_for(&mut sim, 5_000);
    assert!(sim.audit().acknowledged_then_lost.is_empty());
    // The name can be used again.
    create_topic(&mut sim, "t", topic(1));
    run_for(&mut sim, 1_000);
    assert_eq!(sim.topic("t").unwrap().partition_count(), 1);
}

/// One run of the lossy-network story: an idempotent producer with Kafka's defaults sends
/// 4000 keyed records while 15 % of all messages are dropped for four seconds.
fn lossy_idempotent_run(seed: u64) -> (Simulation, kafka_playground::engine::AuditReport) {
    let mut sim = Simulation::new(SimConfig {
        seed,
        broker_count: 3,
        network: NetworkConfig {
            latency_ms: 3,
            jitter_ms: 6,
            drop_per_million: 0,
        },
        broker: BrokerConfig::default(),
    });
    create_topic(
        &mut sim,
        "payments",
        TopicConfig {
            partitions: 2,
            replication_factor: 3,
            ..TopicConfig::default()
        },
    );
    let producer = add_producer(&mut sim, 1, ProducerConfig::default());
    sim.handle(Command::StartWorkload {
        producer,
        workload: Workload {
            topic: "payments".into(),
            records_per_second: 1_000,
            keys: KeyPattern::Cycle { count: 8 },
            count: Some(4_000),
        },
    })
    .unwrap();
    let lossy = NetworkConfig {
        latency_ms: 3,
        jitter_ms: 6,
        drop_per_million: 150_000,
    };
    let healed = NetworkConfig {
        drop_per_million: 0,
        ..lossy
    };
    sim.schedule(at(500), Command::SetNetwork { config: lossy });
    sim.schedule(at(4_500), Command::SetNetwork { config: healed });
    // Long enough for request.timeout.ms (30 s) and every retry after the heal.
    run_for(&mut sim, 150_000);
    let audit = sim.audit();
    (sim, audit)
}

/// Issue 11 point 2: with idempotence on, a lossy network ends with every record acknowledged
/// exactly once and in send order, on every seed (`TransactionManager` bumps the epoch where a
/// sequence gap would otherwise wedge the partition).
#[test]
fn the_idempotent_producer_never_wedges_on_a_lossy_network() {
    for seed in 0..50 {
        let (sim, audit) = lossy_idempotent_run(seed);
        assert_eq!(audit.produced, 4_000, "seed {seed}");
        assert_eq!(audit.failed, 0, "seed {seed}: {audit:#?}");
        assert_eq!(audit.acknowledged, 4_000, "seed {seed}: {audit:#?}");
        assert_eq!(audit.duplicates_in_log, 0, "seed {seed}: {audit:#?}");
        assert!(audit.acknowledged_then_lost.is_empty(), "seed {seed}");
        let mut in_logs = 0;
        for partition in 0..2 {
            let tp = TopicPartition::new("payments", partition);
            let ids: Vec<u64> = sim
                .leader_log(&tp)
                .unwrap()
                .records()
                .map(|(_, r)| r.id.0)
                .collect();
            // One producer: send order is record-id order, in every partition.
            assert!(
                ids.windows(2).all(|w| w[0] < w[1]),
                "seed {seed}: {tp} is out of send order or has a copy"
            );
            in_logs += ids.len();
        }
        assert_eq!(in_logs, 4_000, "seed {seed}: every record is in a log once");
    }
}

/// KIP-580: retries wait `retry.backoff.ms` (100) doubled per attempt, with ±20 % jitter from
/// the run's seed, and never more than `retry.backoff.max.ms` (1000).
#[test]
fn retry_backoff_doubles_up_to_retry_backoff_max_ms() {
    let mut sim = cluster(2, 4);
    create_topic(
        &mut sim,
        "t",
        TopicConfig {
            partitions: 1,
            replication_factor: 2,
            min_insync_replicas: 2,
            ..TopicConfig::default()
        },
    );
    let tp = TopicPartition::new("t", 0);
    let follower = BrokerId(1 - leader(&sim, &tp).unwrap().0);
    crash(&mut sim, follower);
    // The follower leaves the ISR, so every acks=all send fails with NOT_ENOUGH_REPLICAS.
    run_for(&mut sim, 5_000);
    let producer = add_producer(
        &mut sim,
        1,
        ProducerConfig {
            linger_ms: 0,
            delivery_timeout_ms: 12_000,
            ..ProducerConfig::default()
        },
    );
    produce(&mut sim, producer, "t", "k", "v");
    let events = run_for(&mut sim, 15_000);
    let retried_at: Vec<u64> = events
        .iter()
        .filter(|e| {
            matches!(
                e.kind,
                EventKind::BatchRetried {
                    error: ErrorCode::NotEnoughReplicas,
                    ..
                }
            )
        })
        .map(|e| e.at.as_ms())
        .collect();
    assert!(retried_at.len() >= 8, "{retried_at:?}");
    // Each gap is the backoff plus one round trip (2 × 5 ms).
    let backoffs: Vec<u64> = retried_at.windows(2).map(|w| w[1] - w[0] - 10).collect();
    for (attempt, backoff) in backoffs.iter().enumerate() {
        let term = (100u64 << attempt).min(1_000);
        assert!(
            *backoff >= term * 8 / 10 && *backoff <= (term * 12 / 10).min(1_000),
            "retry {attempt} waited {backoff} ms: {backoffs:?}"
        );
    }
    assert!(
        backoffs[..4].windows(2).all(|w| w[0] < w[1]),
        "{backoffs:?}"
    );
    assert!(backoffs.iter().all(|b| *b <= 1_000), "{backoffs:?}");
    // The jitter is drawn from the seed: not every capped wait is the same.
    let capped = &backoffs[5..];
    assert!(capped.iter().any(|b| *b != capped[0]), "{backoffs:?}");
}

fn failed_with(events: &[kafka_playground::engine::Event], error: ErrorCode) -> Vec<u64> {
    events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::BatchFailed {
                error: found,
                records,
                ..
            } if *found == error => Some(records.iter().map(|r| r.0).collect::<Vec<_>>()),
            _ => None,
        })
        .flatten()
        .collect()
}

/// A topic's `max.message.bytes`: a batch above it is refused with MESSAGE_TOO_LARGE
/// (`RecordTooLargeException`); the producer splits it and retries, so only the record that
/// is too large on its own fails, and the producer goes on.
#[test]
fn a_record_above_max_message_bytes_fails_alone() {
    let mut sim = cluster(1, 4);
    create_topic(
        &mut sim,
        "t",
        TopicConfig {
            max_message_bytes: 200,
            ..TopicConfig::default()
        },
    );
    let producer = add_producer(
        &mut sim,
        1,
        ProducerConfig {
            linger_ms: 50,
            ..ProducerConfig::default()
        },
    );
    // Three records in one batch of about 61 + 3 × 40 bytes, over the limit; the middle one
    // is too large alone.
    produce(&mut sim, producer, "t", "a", &"x".repeat(30));
    produce(&mut sim, producer, "t", "b", &"y".repeat(150));
    produce(&mut sim, producer, "t", "c", &"z".repeat(30));
    let events = run_for(&mut sim, 5_000);
    assert_eq!(
        failed_with(&events, ErrorCode::MessageTooLarge),
        vec![1],
        "{:#?}",
        trace(&events)
    );
    let audit = sim.audit();
    assert_eq!((audit.acknowledged, audit.failed), (2, 1), "{audit:#?}");
    let tp = TopicPartition::new("t", 0);
    assert_eq!(replica_records(&sim, BrokerId(0), &tp), vec![0, 2]);
    produce(&mut sim, producer, "t", "d", "small");
    run_for(&mut sim, 1_000);
    assert_eq!(sim.audit().acknowledged, 3);
}

/// `max.request.size`: `send()` refuses a larger record at once with
/// `RecordTooLargeException`; nothing reaches a broker.
#[test]
fn a_record_above_max_request_size_fails_in_send() {
    let mut sim = cluster(1, 4);
    create_topic(&mut sim, "t", topic(1));
    let producer = add_producer(
        &mut sim,
        1,
        ProducerConfig {
            max_request_size: 100,
            linger_ms: 0,
            ..ProducerConfig::default()
        },
    );
    produce(&mut sim, producer, "t", "k", &"x".repeat(100));
    produce(&mut sim, producer, "t", "k", "fits");
    let events = run_for(&mut sim, 1_000);
    assert_eq!(failed_with(&events, ErrorCode::RecordTooLarge), vec![0]);
    let tp = TopicPartition::new("t", 0);
    assert_eq!(replica_records(&sim, BrokerId(0), &tp), vec![1]);
}

/// `buffer.memory` and `max.block.ms`: a producer faster than the cluster fills its buffer;
/// `send()` then blocks (the workload slows down) and, when nothing is answered for
/// `max.block.ms`, the blocked record fails with `BufferExhaustedException`, instead of the
/// accumulator growing without bound.
#[test]
fn a_full_buffer_blocks_send_and_fails_it_after_max_block_ms() {
    let mut sim = cluster(1, 4);
    create_topic(&mut sim, "t", topic(4));
    let producer = add_producer(
        &mut sim,
        1,
        ProducerConfig {
            buffer_memory: 4 * 16_384,
            max_block_ms: 2_000,
            delivery_timeout_ms: 60_000,
            request_timeout_ms: 30_000,
            ..ProducerConfig::default()
        },
    );
    // The leader is gone: nothing is answered, so nothing frees memory.
    crash(&mut sim, BrokerId(0));
    sim.handle(Command::StartWorkload {
        producer,
        workload: Workload {
            topic: "t".into(),
            records_per_second: 100_000,
            keys: KeyPattern::Cycle { count: 64 },
            count: None,
        },
    })
    .unwrap();
    let events = run_for(&mut sim, 1_000);
    let state = sim.producer(producer).unwrap();
    assert!(state.buffer_used() <= 4 * 16_384, "{}", state.buffer_used());
    let sent_in_first_second = state.stats.records_sent;
    assert!(
        sent_in_first_second < 10_000,
        "the workload blocks instead of sending 100 000 records: {sent_in_first_second}"
    );
    assert!(failed_with(&events, ErrorCode::BufferExhausted).is_empty());
    let events = run_for(&mut sim, 1_500);
    assert_eq!(
        failed_with(&events, ErrorCode::BufferExhausted).len(),
        1,
        "the blocked send fails after max.block.ms"
    );
    assert!(sim.producer(producer).unwrap().records_pending() < 10_000);
}

/// A `ProducerRecord` that names its partition goes there, key or not
/// (`KafkaProducer.partition`); a partition the topic does not have is refused.
#[test]
fn a_record_that_names_its_partition_goes_there() {
    let mut sim = cluster(1, 4);
    create_topic(&mut sim, "t", topic(4));
    let producer = add_producer(&mut sim, 1, ProducerConfig::default());
    // "key-1" hashes to partition 0 of 4; the record names 3.
    for (key, partition) in [(Some("key-1"), 3), (None, 2)] {
        sim.handle(Command::Produce {
            producer,
            topic: "t".into(),
            key: key.map(str::to_owned),
            value: Some("v".into()),
            partition: Some(partition),
            timestamp: None,
            headers: Vec::new(),
        })
        .unwrap();
    }
    let refused = sim.handle(Command::Produce {
        producer,
        topic: "t".into(),
        key: None,
        value: Some("v".into()),
        partition: Some(4),
        timestamp: None,
        headers: Vec::new(),
    });
    assert!(refused.is_err(), "{refused:?}");
    run_for(&mut sim, 1_000);
    assert_eq!(
        replica_records(&sim, BrokerId(0), &TopicPartition::new("t", 3)),
        vec![0]
    );
    assert_eq!(
        replica_records(&sim, BrokerId(0), &TopicPartition::new("t", 2)),
        vec![1]
    );
}

/// The application's CreateTime and headers travel with the record through the log to the
/// consumer; a record without a timestamp carries the time of its `send()`.
#[test]
fn timestamps_and_headers_reach_the_consumer() {
    let mut sim = cluster(1, 4);
    create_topic(&mut sim, "t", topic(1));
    let producer = add_producer(&mut sim, 1, ProducerConfig::default());
    run_for(&mut sim, 1_234);
    sim.handle(Command::Produce {
        producer,
        topic: "t".into(),
        key: Some("k".into()),
        value: Some("with".into()),
        partition: None,
        timestamp: Some(1_700_000_000_000),
        headers: vec![
            ("trace-id".into(), "abc".into()),
            ("trace-id".into(), "def".into()),
        ],
    })
    .unwrap();
    produce(&mut sim, producer, "t", "k", "without");
    sim.handle(Command::AddConsumer {
        consumer: kafka_playground::engine::ConsumerId(1),
        topic: "t".into(),
        group: None,
        config: kafka_playground::engine::ConsumerConfig {
            auto_offset_reset: kafka_playground::engine::AutoOffsetReset::Earliest,
            ..Default::default()
        },
    })
    .unwrap();
    let events = run_for(&mut sim, 3_000);
    let polled = &sim
        .consumer(kafka_playground::engine::ConsumerId(1))
        .unwrap()
        .polled;
    assert_eq!(polled.len(), 2);
    assert_eq!(polled[0].timestamp_ms, 1_700_000_000_000);
    let headers: Vec<(&str, &str)> = polled[0]
        .headers
        .iter()
        .map(|(k, v)| (&**k, &**v))
        .collect();
    assert_eq!(headers, [("trace-id", "abc"), ("trace-id", "def")]);
    assert_eq!(polled[1].timestamp_ms, 1_234);
    assert!(polled[1].headers.is_empty());
    let line = events
        .iter()
        .find(|e| matches!(e.kind, EventKind::RecordPolled { .. }))
        .unwrap()
        .to_string();
    assert!(
        line.ends_with(r#"timestamp=1700000000000 headers={"trace-id": "abc", "trace-id": "def"}"#),
        "{line}"
    );
}

/// Kafka's sender polls without waiting while nodes had data ready, so after sending a
/// request it drains again at once: batches that did not fit in one request under
/// `max.request.size` go out in the same millisecond as the first, while requests in flight
/// allow, rather than when the first is answered.
#[test]
fn batches_cut_off_by_max_request_size_go_out_in_the_same_millisecond() {
    let mut sim = cluster(1, 1);
    create_topic(&mut sim, "t", topic(3));
    let producer = add_producer(
        &mut sim,
        1,
        ProducerConfig {
            linger_ms: 50,
            // One batch of one small record fits; two do not.
            max_request_size: 100,
            ..ProducerConfig::default()
        },
    );
    run_for(&mut sim, 1_000);
    for partition in 0..3 {
        sim.handle(Command::Produce {
            producer,
            topic: "t".to_owned(),
            key: Some("k".to_owned()),
            value: Some("v".to_owned()),
            partition: Some(partition),
            timestamp: None,
            headers: Vec::new(),
        })
        .expect("send accepted");
    }
    let events = run_for(&mut sim, 1_000);
    let produce_requests: Vec<_> = events
        .iter()
        .filter(|e| {
            matches!(
                &e.kind,
                EventKind::MessageSent {
                    kind: MessageKind::Produce,
                    ..
                }
            )
        })
        .map(|e| e.at)
        .collect();
    assert_eq!(produce_requests.len(), 3, "{:#?}", trace(&events));
    assert!(
        produce_requests.iter().all(|at| *at == produce_requests[0]),
        "one request per batch, all at the linger deadline: {produce_requests:?}"
    );
    assert_eq!(
        sim.producer(producer).unwrap().stats.records_acknowledged,
        3
    );
}
