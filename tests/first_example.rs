//! The source documents' first example, run on the engine: keyless `a b c d e` into 3
//! partitions comes back `a d b e c`; `1 2 3 4 5` into 1 partition comes back in order.

use kafka_playground::engine::{EventKind, Offset, SimTime, Simulation, TopicPartition};
use kafka_playground::scenario::{Scene, SceneId};

fn run_to_end(id: SceneId) -> Simulation {
    let mut sim = Scene::get(id).build();
    sim.advance_to(SimTime::from_ms(20_000));
    sim
}

fn printed(sim: &Simulation) -> Vec<String> {
    let consumer = sim.consumers().next().expect("the scene has a consumer");
    consumer.polled.iter().map(|r| r.value_text()).collect()
}

fn log_values(sim: &Simulation, topic: &str, partition: u32) -> Vec<String> {
    sim.leader_log(&TopicPartition::new(topic, partition))
        .unwrap()
        .records()
        .map(|(_, r)| r.value_text().into_owned())
        .collect()
}

#[test]
fn keyless_abcde_into_three_partitions_reads_back_adbec() {
    let sim = run_to_end(SceneId::ThreePartitions);
    assert_eq!(log_values(&sim, "letters", 0), ["a", "d"]);
    assert_eq!(log_values(&sim, "letters", 1), ["b", "e"]);
    assert_eq!(log_values(&sim, "letters", 2), ["c"]);
    assert_eq!(printed(&sim), ["a", "d", "b", "e", "c"]);
}

#[test]
fn one_partition_keeps_the_order_sent() {
    let sim = run_to_end(SceneId::OnePartition);
    assert_eq!(log_values(&sim, "numbers", 0), ["1", "2", "3", "4", "5"]);
    assert_eq!(printed(&sim), ["1", "2", "3", "4", "5"]);
}

#[test]
fn offsets_count_from_zero_per_partition_and_positions_follow_the_reads() {
    let sim = run_to_end(SceneId::ThreePartitions);
    for partition in 0..3 {
        let log = sim
            .leader_log(&TopicPartition::new("letters", partition))
            .unwrap();
        let offsets: Vec<u64> = log.records().map(|(o, _)| o.0).collect();
        let expected: Vec<u64> = (0..offsets.len() as u64).collect();
        assert_eq!(offsets, expected);
        assert_eq!(log.high_watermark(), log.log_end_offset());
    }
    let consumer = sim.consumers().next().unwrap();
    assert_eq!(consumer.position("letters", 0), Some(Offset(2)));
    assert_eq!(consumer.position("letters", 1), Some(Offset(2)));
    assert_eq!(consumer.position("letters", 2), Some(Offset(1)));
}

#[test]
fn every_record_is_acknowledged_and_travels_as_messages() {
    let mut sim = Scene::get(SceneId::ThreePartitions).build();
    sim.advance_to(SimTime::from_ms(20_000));
    let events = sim.drain_events();
    let acks = events
        .iter()
        .map(|e| match &e.kind {
            EventKind::BatchAcknowledged { records, .. } => records.len(),
            _ => 0,
        })
        .sum::<usize>();
    assert_eq!(acks, 5);
    // A record is appended only after its produce request has had time to cross the network.
    let sent_at = events
        .iter()
        .find(|e| matches!(e.kind, EventKind::RecordSent { .. }))
        .unwrap()
        .at;
    let appended_at = events
        .iter()
        .find(|e| matches!(e.kind, EventKind::BatchAppended { .. }))
        .unwrap()
        .at;
    assert!(appended_at.since(sent_at) >= Scene::get(SceneId::ThreePartitions).network.latency_ms);
}

#[test]
fn a_consumer_polls_at_most_max_poll_records_at_a_time() {
    use kafka_playground::engine::{
        AutoOffsetReset, Command, ConsumerConfig, ConsumerId, ProducerConfig, ProducerId,
        SimConfig, TopicConfig,
    };
    let mut sim = Simulation::new(SimConfig::default());
    sim.handle(Command::CreateTopic {
        name: "t".into(),
        config: TopicConfig {
            partitions: 2,
            ..TopicConfig::default()
        },
    })
    .unwrap();
    sim.handle(Command::AddProducer {
        producer: ProducerId(0),
        config: ProducerConfig::default(),
    })
    .unwrap();
    for n in 0..10 {
        sim.handle(Command::Produce {
            producer: ProducerId(0),
            topic: "t".into(),
            key: None,
            value: Some(n.to_string()),
            partition: None,
            timestamp: None,
            headers: Vec::new(),
        })
        .unwrap();
    }
    sim.advance_to(SimTime::from_ms(100));
    sim.drain_events();
    sim.handle(Command::AddConsumer {
        consumer: ConsumerId(0),
        topic: "t".into(),
        group: None,
        config: ConsumerConfig {
            max_poll_records: 3,
            // Each poll's records take 3 ms to process, so polls are told apart by time.
            processing_time_ms: 1,
            auto_offset_reset: AutoOffsetReset::Earliest,
            ..ConsumerConfig::default()
        },
    })
    .unwrap();
    sim.advance_to(SimTime::from_ms(5_000));
    let mut per_poll: Vec<(SimTime, usize)> = Vec::new();
    for event in sim.drain_events() {
        if let EventKind::RecordPolled { .. } = event.kind {
            match per_poll.last_mut() {
                Some((at, count)) if *at == event.at => *count += 1,
                _ => per_poll.push((event.at, 1)),
            }
        }
    }
    assert_eq!(per_poll.iter().map(|(_, c)| c).sum::<usize>(), 10);
    assert!(per_poll.iter().all(|(_, c)| *c <= 3), "{per_poll:?}");
}
