//! Simulated records per wall-clock second on the standard workload (see BENCHMARKS.md):
//! 3 brokers, 12 partitions, replication factor 3, acks=all, one consumer group of 3.

// Criterion is a native dev-dependency; for wasm32 this benchmark is an empty program (the
// browser benchmark is tests/wasm_bench.rs).
#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
#[cfg(not(target_arch = "wasm32"))]
use kafka_playground::engine::testing::{run_for, throughput_cluster};
#[cfg(not(target_arch = "wasm32"))]
use kafka_playground::engine::ProducerId;

/// The measured cases: name, offered records per second, batched.
///
/// - `batched`: 1 M records/s offered with `batch.size=16384` and `linger.ms=5`.
/// - `one_record_per_batch`: `batch.size=1` and `linger.ms=0` at 5 000 records/s, so every
///   batch holds one record; a request still carries one batch per partition of its broker
///   (about 4.4 records per request here), as Kafka's sender does.
/// - `one_record_per_request`: the same settings at 500 records/s. The producer sends each
///   record the moment it is created (`linger.ms=0`) and, at this rate, always has one of its
///   five in-flight slots free for that broker, so no second record can join a request. At
///   1 000 records/s requests already start to carry two; the setup asserts the ratio.
#[cfg(not(target_arch = "wasm32"))]
const CASES: [(&str, u32, bool); 3] = [
    ("batched", 1_000_000, true),
    ("one_record_per_batch", 5_000, false),
    ("one_record_per_request", 500, false),
];

/// Simulated time per measured run.
#[cfg(not(target_arch = "wasm32"))]
const DURATION_MS: u64 = 2_000;

#[cfg(not(target_arch = "wasm32"))]
fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("simulated_records");
    group.sample_size(10);
    for (name, rate, batched) in CASES {
        // The record count is deterministic, so one dry run tells criterion the element count.
        let mut dry_run = throughput_cluster(rate, batched);
        let records = run_for(&mut dry_run, DURATION_MS);
        if name == "one_record_per_request" {
            // This case is only what its name says while the producer never has to queue:
            // every record must have left in a request of its own.
            let stats = dry_run.producer(ProducerId(1)).expect("producer").stats;
            assert!(
                stats.requests_sent + 2 >= stats.records_sent,
                "{name}: {} records in {} requests",
                stats.records_sent,
                stats.requests_sent
            );
        }
        group.throughput(Throughput::Elements(records));
        group.bench_function(name, |b| {
            b.iter_batched(
                || throughput_cluster(rate, batched),
                // The simulation is returned so criterion drops it outside the timed part, as
                // the browser benchmark does.
                |mut sim| {
                    run_for(&mut sim, DURATION_MS);
                    sim
                },
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

#[cfg(not(target_arch = "wasm32"))]
criterion_group!(benches, bench);
#[cfg(not(target_arch = "wasm32"))]
criterion_main!(benches);
