//! Simulated records per wall-clock second on the standard workload (see BENCHMARKS.md):
//! 3 brokers, 12 partitions, replication factor 3, acks=all, one consumer group of 3.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use kafka_playground::engine::workloads::{run_for, throughput_cluster};

/// Simulated time per measured run.
const DURATION_MS: u64 = 2_000;

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("simulated_records");
    group.sample_size(10);
    for (name, rate, batched) in [
        ("batched", 1_000_000, true),
        ("one_record_per_batch", 5_000, false),
    ] {
        // The record count is deterministic, so one dry run tells criterion the element count.
        let records = run_for(&mut throughput_cluster(rate, batched), DURATION_MS);
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

criterion_group!(benches, bench);
criterion_main!(benches);
