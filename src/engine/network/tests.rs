use std::sync::Arc;

use super::*;
use crate::engine::record::Payload;
use crate::engine::record::{Record, RecordBatch};
use crate::engine::RecordId;

fn record(id: u64) -> Record {
    let value = Payload::Text(Arc::from(format!("v{id}")));
    Record::new(
        RecordId(id),
        ProducerId(0),
        None,
        Some(value),
        SimTime::ZERO,
    )
}

fn batch(base_offset: u64, ids: std::ops::Range<u64>) -> SharedBatch {
    let records = Arc::new(ids.map(record).collect::<Vec<_>>());
    Arc::new(RecordBatch::new(
        Offset(base_offset),
        0,
        None,
        records,
        SimTime::ZERO,
        None,
    ))
}

#[test]
fn a_message_counts_and_hands_over_its_records() {
    let tp = TopicPartition::new("orders", 1);
    let produce = Message::Produce {
        correlation_id: 1,
        acks: Acks::All,
        timeout_ms: 30_000,
        batches: vec![ProduceBatch {
            partition: tp.clone(),
            records: Arc::new((0..3).map(record).collect()),
            stamp: None,
        }],
    };
    assert_eq!(produce.record_count(), 3);
    let received = produce.received_records();
    assert_eq!(received.len(), 3);
    assert!(received
        .iter()
        .all(|(p, offset, _)| **p == tp && offset.is_none()));

    // The batch starts at offset 10, the fetch at 11 and the high watermark is 13: all four
    // records travel, two of them are taken.
    let fetched = Message::FetchResponse {
        correlation_id: 2,
        partitions: vec![FetchedPartition {
            partition: tp.clone(),
            fetch_offset: Offset(11),
            high_watermark: Offset(13),
            log_start_offset: Offset(0),
            error: None,
            batches: vec![batch(10, 0..4)],
        }],
    };
    assert_eq!(fetched.record_count(), 4);
    let taken: Vec<(Option<Offset>, RecordId)> = fetched
        .received_records()
        .into_iter()
        .map(|(_, offset, r)| (offset, r.id))
        .collect();
    assert_eq!(
        taken,
        vec![
            (Some(Offset(11)), RecordId(1)),
            (Some(Offset(12)), RecordId(2))
        ]
    );

    let replicated = Message::ReplicaFetchResponse {
        correlation_id: 3,
        partitions: vec![(
            tp.clone(),
            ReplicaFetchResult::Records {
                batches: vec![batch(0, 0..2), batch(2, 2..5)],
                high_watermark: Offset(5),
                log_start_offset: Offset(0),
            },
        )],
    };
    assert_eq!(replicated.record_count(), 5);
    assert!(replicated.received_records().is_empty());

    let answer = Message::ProduceResponse {
        correlation_id: 1,
        results: vec![(tp.clone(), Ok(Offset(7)))],
    };
    assert_eq!(answer.record_count(), 0);
    assert_eq!(answer.produce_results(), &[(tp, Ok(Offset(7)))]);
    assert!(produce.produce_results().is_empty());
}

#[test]
fn progress_runs_from_sent_to_arrived_and_stays_in_bounds() {
    let flight = |sent_ms: u64, arrives_ms: u64| InFlight {
        id: MessageId(1),
        from: Node::Producer(ProducerId(0)),
        to: Node::Broker(BrokerId(1)),
        sent_at: SimTime::from_ms(sent_ms),
        arrives_at: SimTime::from_ms(arrives_ms),
        message: Message::ConnectionRefused { correlation_id: 1 },
    };
    let on_the_way = flight(100, 140);
    assert_eq!(on_the_way.progress_at(SimTime::from_ms(100)), 0.0);
    assert_eq!(on_the_way.progress_at(SimTime::from_ms(110)), 0.25);
    assert_eq!(on_the_way.progress_at(SimTime::from_ms(140)), 1.0);
    assert_eq!(on_the_way.progress_at(SimTime::from_ms(500)), 1.0);
    assert_eq!(on_the_way.progress_at(SimTime::ZERO), 0.0);
    assert_eq!(flight(100, 100).progress_at(SimTime::from_ms(100)), 1.0);
}
